#!/usr/bin/env bash
# subset.sh regenerates the font subsets in this directory from Debian's Noto
# packages (see README.md for the versions used):
#
#   apt-get install -y fonts-noto-core fonts-noto-extra fonts-noto-cjk fonts-noto-color-emoji fonttools
#   render/fonts/subset.sh            # or: make fonts
#
# Two sets:
#   - the core faces here (Latin with Greek, Cyrillic and Vietnamese; Devanagari;
#     Naskh Arabic), which the renderer embeds in every binary;
#   - the world faces in world/ (every other script, CJK and the colour emoji),
#     which binaries that need them embed (the command line) or open from a folder
#     (the Lambda functions, from their layer).
# faces.txt, which the renderer embeds, lists every file with its size, SHA-256
# and the characters its cmap maps, so fallback and coverage need no font parsed.
#
# The core faces are cut to generous Unicode ranges, not to the characters the
# dataset uses today; a script's own face keeps every character it has. OpenType
# layout features (shaping, marks, kerning, locl) are all kept; TrueType hinting is
# dropped because the renderer draws unhinted outlines. The CJK faces take about
# three minutes each.
set -euo pipefail

SRC=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
CJK=${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}
EMOJI=${NOTO_EMOJI_DIR:-/usr/share/fonts/truetype/noto}
DST=$(cd "$(dirname "$0")" && pwd)
WORLD=$DST/world
# Debian's python3-fonttools; a python3 earlier on PATH (pyenv, a venv) may lack it.
PY=${PYTHON:-/usr/bin/python3}

command -v pyftsubset >/dev/null || { echo "pyftsubset not found: apt-get install -y fonttools" >&2; exit 1; }
for d in "$SRC" "$CJK" "$EMOJI"; do
	[ -d "$d" ] || { echo "$d not found: apt-get install -y fonts-noto-core fonts-noto-extra fonts-noto-cjk fonts-noto-color-emoji" >&2; exit 1; }
done
mkdir -p "$WORLD"

# subset SRC DST UNICODES [pyftsubset options...]; UNICODES may be --unicodes-file=FILE.
subset() {
	local src=$1 dst=$2 unicodes=$3
	shift 3
	[[ $unicodes == --* ]] || unicodes="--unicodes=$unicodes"
	pyftsubset "$src" "$@" \
		"$unicodes" \
		--layout-features='*' \
		--layout-scripts='*' \
		--notdef-outline \
		--name-IDs='*' \
		--name-languages='*' \
		--no-hinting \
		--output-file="$dst"
	printf '%-44s %9d -> %9d bytes\n' "${dst#"$DST"/}" "$(stat -c %s "$src")" "$(stat -c %s "$dst")"
}

core_ranges=(
	U+0020-007E # Basic Latin
	U+00A0-00FF # Latin-1 Supplement
	U+0100-017F # Latin Extended-A
	U+0180-024F # Latin Extended-B
	U+02B0-02FF # Spacing Modifier Letters (ʼ ˈ)
	U+0300-036F # Combining Diacritical Marks (decomposed accents, Vietnamese stacks)
	U+0600-06FF # Arabic
	U+0750-077F # Arabic Supplement
	U+0870-089F # Arabic Extended-B
	U+08A0-08FF # Arabic Extended-A
	U+0900-097F # Devanagari
	U+1CD0-1CFF # Vedic Extensions
	U+1E00-1EFF # Latin Extended Additional (Vietnamese)
	U+2000-206F # General Punctuation (quotation marks, dashes, ellipsis, ZWJ/ZWNJ)
	U+2070-209F # Superscripts and Subscripts
	U+20A0-20CF # Currency Symbols (₹ €)
	U+2100-214F # Letterlike Symbols (№ ™)
	U+2190-21FF # Arrows (where a face has them)
	U+2212      # Minus sign
	U+25CC      # Dotted circle (the shaper's base for a stray combining mark)
	U+A8E0-A8FF # Devanagari Extended
	U+FB50-FDFF # Arabic Presentation Forms-A
	U+FE70-FEFF # Arabic Presentation Forms-B (and the BOM)
)
core=$(printf '%s\n' "${core_ranges[@]}" | paste -sd, -)
for name in NotoSans-Regular NotoSans-Bold \
	NotoSansDevanagari-Regular NotoSansDevanagari-Bold \
	NotoNaskhArabic-Regular NotoNaskhArabic-Bold; do
	subset "$SRC/$name.ttf" "$DST/$name.ttf" "$core"
done

# Greek and Cyrillic, cut from Noto Sans into a face of their own, so the Latin
# face above (and every Latin card) stays as it was: Noto Sans's kerning of its
# Latin glyphs changes with the glyph set kept.
greek_cyrillic=(
	U+0020      # Space
	U+0300-036F # Combining Diacritical Marks (stress marks)
	U+0370-03FF # Greek and Coptic
	U+0400-04FF # Cyrillic
	U+0500-052F # Cyrillic Supplement
	U+1C80-1C8F # Cyrillic Extended-C
	U+1F00-1FFF # Greek Extended (polytonic)
	U+2DE0-2DFF # Cyrillic Extended-A
	U+A640-A69F # Cyrillic Extended-B
)
for w in Regular Bold; do
	subset "$SRC/NotoSans-$w.ttf" "$DST/NotoSansGreekCyrillic-$w.ttf" "$(printf '%s\n' "${greek_cyrillic[@]}" | paste -sd, -)"
done

# A script's own face keeps every character it has.
for family in NotoSansArmenian NotoSansGeorgian NotoSansHebrew NotoNastaliqUrdu \
	NotoSansBengali NotoSansGurmukhi NotoSansGujarati NotoSansOriya NotoSansTamil \
	NotoSansTelugu NotoSansKannada NotoSansMalayalam NotoSansSinhala NotoSansThai \
	NotoSansLao NotoSansKhmer NotoSansMyanmar NotoSansEthiopic NotoSerifTibetan; do
	for w in Regular Bold; do
		subset "$SRC/$family-$w.ttf" "$WORLD/$family-$w.ttf" '*'
	done
done

# CJK: one face of the Noto Sans CJK collection (face 0, Japanese) holds every
# region's glyphs; the locl feature, kept, gives the forms of ja, ko, zh-Hans,
# zh-Hant and zh-HK by the run's language. The ideographs kept: the whole CJK
# Unified Ideographs block (U+4E00-9FFF), and every ideograph outside it that
# GB 2312, Big5, Big5-HKSCS, JIS X 0208 or KS X 1001 encodes (the compatibility
# ideographs and Extensions A and B they use). Besides: kana, Hangul (every
# syllable, the jamo), bopomofo, CJK symbols and punctuation, the fullwidth and
# halfwidth forms and the vertical and small form variants.
"$PY" - "$WORLD/cjk-unicodes.txt" <<'EOF'
import sys
keep = set(range(0x4E00, 0xA000))
for codec in ("gb2312", "big5", "big5hkscs", "shift_jis", "euc_kr"):
    for lo, hi in ((0x3400, 0x4DC0), (0xF900, 0xFB00), (0x20000, 0x2FA20)):
        for cp in range(lo, hi):
            try:
                chr(cp).encode(codec)
            except UnicodeEncodeError:
                continue
            keep.add(cp)
for lo, hi in ((0x0020, 0x007F), (0x00A0, 0x0100), (0x1100, 0x1200), (0x2000, 0x2070),
               (0x3000, 0x3040), (0x3040, 0x30A0), (0x30A0, 0x3100), (0x3100, 0x3130),
               (0x3130, 0x3190), (0x31A0, 0x31C0), (0x31F0, 0x3200), (0xA960, 0xA980),
               (0xAC00, 0xD7A4), (0xD7B0, 0xD800), (0xFE10, 0xFE20), (0xFE30, 0xFE50),
               (0xFF00, 0xFFF0)):
    keep.update(range(lo, hi))
with open(sys.argv[1], "w") as f:
    f.write(",".join("%X" % c for c in sorted(keep)) + "\n")
EOF
for w in Regular Bold; do
	subset "$CJK/NotoSansCJK-$w.ttc" "$WORLD/NotoSansCJK-$w.otf" --unicodes-file="$WORLD/cjk-unicodes.txt" --font-number=0
done
rm "$WORLD/cjk-unicodes.txt"

# The colour emoji (CBDT bitmaps) as Debian ships it: every sequence it draws.
cp "$EMOJI/NotoColorEmoji.ttf" "$WORLD/NotoColorEmoji.ttf"
printf '%-44s %9d\n' world/NotoColorEmoji.ttf "$(stat -c %s "$WORLD/NotoColorEmoji.ttf")"

# faces.txt: one line per file, "path size sha256 ranges", ranges as hex
# "lo-hi" or "cp" joined by commas: what the face's best cmap maps.
"$PY" - "$DST" > "$DST/faces.txt" <<'EOF'
import hashlib, os, sys
from fontTools.ttLib import TTFont
root = sys.argv[1]
print("# Generated by subset.sh: path size sha256 the characters the face maps (hex ranges).")
names = sorted(n for n in os.listdir(root) if n.endswith((".ttf", ".otf")))
names += sorted("world/" + n for n in os.listdir(os.path.join(root, "world")) if n.endswith((".ttf", ".otf")))
for name in names:
    path = os.path.join(root, name)
    data = open(path, "rb").read()
    cps = sorted(TTFont(path, lazy=True).getBestCmap())
    ranges, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        ranges.append("%X" % cps[i] if i == j else "%X-%X" % (cps[i], cps[j]))
        i = j + 1
    print(name, len(data), hashlib.sha256(data).hexdigest(), ",".join(ranges))
EOF
echo "faces.txt: $(grep -vc '^#' "$DST/faces.txt") faces"
