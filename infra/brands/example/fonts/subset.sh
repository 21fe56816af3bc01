#!/usr/bin/env bash
# subset.sh regenerates the example brand's fonts from Debian's fonts-dejavu-core
# (2.37-6): DejaVu Serif for the quote and DejaVu Sans Condensed Bold for the names,
# cut to Latin and punctuation so every other script falls back to the embedded Noto
# fonts, as a newsroom's Latin-only fonts would.
#
#   apt-get install -y fonts-dejavu-core fonttools
#   infra/brands/example/fonts/subset.sh
set -euo pipefail

SRC=${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}
DST=$(cd "$(dirname "$0")" && pwd)

command -v pyftsubset >/dev/null || { echo "pyftsubset not found: apt-get install -y fonttools" >&2; exit 1; }

unicodes=U+0020-007E,U+00A0-024F,U+02B0-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2212,U+25CC

for name in DejaVuSerif DejaVuSansCondensed-Bold; do
	pyftsubset "$SRC/$name.ttf" \
		--unicodes="$unicodes" \
		--layout-features='*' \
		--notdef-outline \
		--name-IDs='*' \
		--no-hinting \
		--output-file="$DST/$name-Latin.ttf"
	printf '%-32s %8d -> %8d bytes\n' "$name.ttf" "$(stat -c %s "$SRC/$name.ttf")" "$(stat -c %s "$DST/$name-Latin.ttf")"
done
