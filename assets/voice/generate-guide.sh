#!/usr/bin/env bash
# Regenerates the kiosk's spoken guidance clips (for blind citizens) under guide/:
#   - guide/vi/<name>.wav and guide/en/<name>.wav for each entry of PHRASES in
#     src/domain/phrases.rs, spoken by espeak-ng's Vietnamese (northern) and American
#     English voices;
#   - guide/en/<name>.wav for each English number word (EN_NUMBER_CLIPS) and letter name
#     (EN_LETTER_CLIPS); Vietnamese numbers and letters are the board's clips in this folder.
# Same voice settings and post-processing as the board's clips (clip.sh): mono 16-bit PCM at
# 16 kHz, trimmed of silence. WAVs under guide/ without an entry are removed.
#
# Needs espeak-ng and sox (Debian: apt-get install -y espeak-ng sox).
# Usage: assets/voice/generate-guide.sh    (from anywhere)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
phrases_rs="$here/../../src/domain/phrases.rs"

# shellcheck source=clip.sh
. "$here/clip.sh"
need_tools espeak-ng sox

# The lines `("name", "a", "b"),` (PHRASES) or `("name", "a"),` (the English lists) of the
# list LIST, tab-separated.
entries() {
    sed -n "/^pub const $1:/,/^];/p" "$phrases_rs" |
        sed -n -e 's/^ *("\([a-z0-9_]*\)", "\([^"]*\)", "\([^"]*\)"),$/\1\t\2\t\3/p' \
            -e 's/^ *("\([a-z0-9_]*\)", "\([^"]*\)"),$/\1\t\2/p'
}
phrases="$(entries PHRASES)"
english="$(entries EN_NUMBER_CLIPS; entries EN_LETTER_CLIPS)"
for list in phrases english; do
    count="$(printf '%s\n' "${!list}" | grep -c .)" || true
    if [ "$count" -lt 20 ]; then
        echo "generate-guide.sh: found only $count $list in $phrases_rs; has the format changed?" >&2
        exit 1
    fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$here/guide/vi" "$here/guide/en"
rm -f "$here"/guide/vi/*.wav "$here"/guide/en/*.wav

echo "$(espeak-ng --version | sed 's/ *Data at:.*//')"
say() { # VOICE NAME TEXT
    local out="$here/guide/${1%%-*}/$2.wav"
    make_clip "$1" "$3" "$out"
    printf '%-5s %-16s %5.2f s  %s\n' "$1" "$2" "$(soxi -D "$out")" "$3"
}
while IFS=$'\t' read -r name vi en; do
    say vi "$name" "$vi"
    say en-us "$name" "$en"
done <<<"$phrases"
while IFS=$'\t' read -r name text; do
    say en-us "$name" "$text"
done <<<"$english"

for lang in vi en; do
    echo "$lang: $(du -cb "$here"/guide/$lang/*.wav | tail -n 1 | cut -f 1) bytes in $(ls "$here"/guide/$lang/*.wav | wc -l) files"
done
echo "total: $(du -cb "$here"/guide/*/*.wav | tail -n 1 | cut -f 1) bytes"
