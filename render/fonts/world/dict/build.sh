#!/bin/sh
# build.sh remakes the word lists that render/dictbreak.go breaks Thai, Lao,
# Khmer and Myanmar lines with, from Debian's packages. Run by hand, as root on
# Debian 12, from the repository's root (make dicts):
#
#	apt-get install hunspell-th hunspell-lo tesseract-ocr tesseract-ocr-khm tesseract-ocr-mya
#	sh render/fonts/world/dict/build.sh
#
# Each list keeps the entries written only in its script's letters and marks,
# sorted by bytes, front coded (see parseFrontCoded).
set -eu
out=render/fonts/world/dict
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hunspell's .dic: a count, then one word a line, "/" and affix flags after it.
hunspell() { tail -n +2 "/usr/share/hunspell/$1.dic" | sed 's,/.*,,'; }

# tesseract's word DAWG, unpacked from the language's traineddata.
tesseract() {
	combine_tessdata -u "/usr/share/tesseract-ocr/5/tessdata/$1.traineddata" "$tmp/$1." >/dev/null 2>&1
	dawg2wordlist "$tmp/$1.lstm-unicharset" "$tmp/$1.lstm-word-dawg" "$tmp/$1.words" >/dev/null 2>&1
	cat "$tmp/$1.words"
}

# only PATTERN keeps the lines wholly in the letters and marks of a script.
only() { LC_ALL=C.UTF-8 grep -xP "$1" || true; }

# Tesseract's lists hold phrases and lone consonants as well as words. A lone
# consonant is no Khmer or Myanmar word the lists can be trusted on (they let
# a word be cut before its final consonant), and Myanmar entries longer than
# ten characters are mostly phrases: keeping them halves the breaks found and
# doubles the list (measured against ICU, see README.md).
drop() { LC_ALL=C.UTF-8 grep -vxP "$1" || true; }

# frontcode writes sorted unique lines as front-coded lines.
frontcode() {
	LC_ALL=C sort -u | LC_ALL=C awk '{
		n = 0; m = length(prev) < length($0) ? length(prev) : length($0)
		while (n < m && substr(prev, n + 1, 1) == substr($0, n + 1, 1)) n++
		# never split a UTF-8 sequence: back up over continuation bytes
		while (n > 0 && substr($0, n + 1, 1) >= "\200" && substr($0, n + 1, 1) < "\300") n--
		print n substr($0, n + 1); prev = $0
	}'
}

header() {
	printf '# %s words for line breaking, from %s (%s). Made by render/fonts/world/dict/build.sh; see README.md.\n' "$1" "$2" "$3"
}

{ header Thai "Debian hunspell-th $(dpkg-query -W -f '${Version}' hunspell-th), th_TH.dic" "LGPL, NECTEC"
  hunspell th_TH | only '[\x{0E01}-\x{0E4E}]+' | frontcode; } >"$out/th.txt"
{ header Lao "Debian hunspell-lo $(dpkg-query -W -f '${Version}' hunspell-lo), lo_LA.dic" "LGPL, Brian Eugene Wilson and Robert Martin Campbell"
  hunspell lo_LA | only '[\x{0E81}-\x{0ECE}\x{0EDC}-\x{0EDF}]+' | frontcode; } >"$out/lo.txt"
{ header Khmer "Debian tesseract-ocr-khm $(dpkg-query -W -f '${Version}' tesseract-ocr-khm), word DAWG of khm.traineddata" "Apache-2.0, Google"
  tesseract khm | only '[\x{1780}-\x{17D3}\x{17DD}]+' | drop '[\x{1780}-\x{17A2}]' | frontcode; } >"$out/km.txt"
{ header Myanmar "Debian tesseract-ocr-mya $(dpkg-query -W -f '${Version}' tesseract-ocr-mya), word DAWG of mya.traineddata" "Apache-2.0, Google"
  tesseract mya | only '[\x{1000}-\x{103F}\x{1050}-\x{108F}\x{109A}-\x{109D}]{1,10}' | drop '[\x{1000}-\x{1021}]' | frontcode; } >"$out/my.txt"
# The digests the renderer checks each list against (and puts in its fingerprint).
(cd "$out" && sha256sum th.txt lo.txt km.txt my.txt >SHA256SUMS)
wc -lc "$out"/*.txt
