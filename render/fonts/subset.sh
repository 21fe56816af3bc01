#!/usr/bin/env bash
# subset.sh regenerates the embedded font subsets in this directory from the Noto
# fonts of Debian's fonts-noto-core package (see README.md for the versions used).
#
#   apt-get install -y fonts-noto-core fonttools
#   render/fonts/subset.sh            # or: make fonts
#
# Every face is cut to the same generous Unicode ranges, not to the characters the
# dataset uses today; pyftsubset keeps, per face, whatever part of the ranges the
# face has. OpenType layout features (shaping, marks, kerning) are all kept; TrueType
# hinting is dropped because the renderer draws unhinted outlines.
set -euo pipefail

SRC=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
DST=$(cd "$(dirname "$0")" && pwd)

command -v pyftsubset >/dev/null || { echo "pyftsubset not found: apt-get install -y fonttools" >&2; exit 1; }
[ -d "$SRC" ] || { echo "$SRC not found: apt-get install -y fonts-noto-core" >&2; exit 1; }

ranges=(
	U+0020-007E # Basic Latin
	U+00A0-00FF # Latin-1 Supplement
	U+0100-017F # Latin Extended-A
	U+0180-024F # Latin Extended-B
	U+02B0-02FF # Spacing Modifier Letters (ʼ ˈ)
	U+0300-036F # Combining Diacritical Marks (decomposed accents)
	U+0600-06FF # Arabic
	U+0750-077F # Arabic Supplement
	U+0870-089F # Arabic Extended-B
	U+08A0-08FF # Arabic Extended-A
	U+0900-097F # Devanagari
	U+1CD0-1CFF # Vedic Extensions
	U+1E00-1EFF # Latin Extended Additional
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
unicodes=$(printf '%s\n' "${ranges[@]}" | paste -sd, -)

for name in NotoSans-Regular NotoSans-Bold \
	NotoSansDevanagari-Regular NotoSansDevanagari-Bold \
	NotoNaskhArabic-Regular NotoNaskhArabic-Bold; do
	pyftsubset "$SRC/$name.ttf" \
		--unicodes="$unicodes" \
		--layout-features='*' \
		--layout-scripts='*' \
		--notdef-outline \
		--name-IDs='*' \
		--name-languages='*' \
		--no-hinting \
		--output-file="$DST/$name.ttf"
	printf '%-34s %8d -> %8d bytes\n' "$name.ttf" "$(stat -c %s "$SRC/$name.ttf")" "$(stat -c %s "$DST/$name.ttf")"
done
