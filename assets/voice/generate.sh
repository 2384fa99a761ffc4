#!/usr/bin/env bash
# Regenerates the lobby board's announcement clips in this folder:
#   - one <clip>.wav per entry of CLIPS in src/domain/speech.rs, spoken by espeak-ng's
#     Vietnamese (northern) voice, trimmed of leading and trailing silence;
#   - chime.wav, a two-tone chime (880 Hz then 660 Hz) synthesised here.
# All files are mono 16-bit PCM at 16 kHz.
#
# Needs espeak-ng, sox and python3 (Debian: apt-get install -y espeak-ng sox python3).
# Usage: assets/voice/generate.sh    (from anywhere; writes next to this script)
# The kiosk's guidance clips are made by generate-guide.sh; both share clip.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
speech_rs="$here/../../src/domain/speech.rs"

# shellcheck source=clip.sh
. "$here/clip.sh"
need_tools espeak-ng sox python3

# Spellings that espeak-ng reads better than the written text; the clip still says the text.
# espeak-ng reads "gi" alone as a bare consonant, so J's name is given as "di" (both are /zi/).
spoken_text() {
    case "$1" in
        letter_j) echo "di" ;;
        *) echo "$2" ;;
    esac
}

# The CLIPS list: lines `("name", "text"),` between `pub const CLIPS` and `];`.
clips="$(sed -n '/^pub const CLIPS/,/^];/p' "$speech_rs" |
    sed -n 's/^ *("\([a-z0-9_]*\)", "\([^"]*\)"),$/\1\t\2/p')"
count="$(printf '%s\n' "$clips" | grep -c .)" || true
if [ "$count" -lt 10 ]; then
    echo "generate.sh: found only $count clips in $speech_rs; has the CLIPS format changed?" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "$(espeak-ng --version | sed 's/ *Data at:.*//')"
while IFS=$'\t' read -r name text; do
    make_clip vi "$(spoken_text "$name" "$text")" "$here/$name.wav"
    printf '%-14s %5.2f s  %s\n' "$name" "$(soxi -D "$here/$name.wav")" "$text"
done <<<"$clips"

python3 - "$here/chime.wav" "$rate" <<'PY'
import math, struct, sys, wave

path, rate = sys.argv[1], int(sys.argv[2])
step, length = 0.35, 1.0  # the second note starts 0.35 s in; the file is 1 s long
notes = [(0.0, 880.0), (step, 660.0)]
# Partials of each note (multiple of the pitch, level, decay time constant in seconds):
# a soft vibraphone-like tone that rings on while fading.
partials = [(1.0, 1.0, 0.22), (2.0, 0.25, 0.08), (3.0, 0.08, 0.04)]
samples = []
for i in range(int(length * rate)):
    t = i / rate
    value = 0.0
    for start, freq in notes:
        u = t - start
        if u < 0:
            continue
        attack = math.sin(math.pi / 2 * min(1.0, u / 0.008)) ** 2  # soft 8 ms strike
        for mult, level, tau in partials:
            value += attack * level * math.exp(-u / tau) * math.sin(2 * math.pi * freq * mult * u)
    fade = min(1.0, (length - t) / 0.03)  # last 30 ms to silence
    samples.append(value * fade)
peak = max(abs(s) for s in samples)
scale = 0.6 * 32767 / peak  # about -4.4 dBFS, a little under the speech
with wave.open(path, "wb") as out:
    out.setnchannels(1)
    out.setsampwidth(2)
    out.setframerate(rate)
    out.writeframes(b"".join(struct.pack("<h", round(s * scale)) for s in samples))
PY
printf '%-14s %5.2f s\n' chime "$(soxi -D "$here/chime.wav")"
echo "total: $(du -cb "$here"/*.wav | tail -n 1 | cut -f 1) bytes in $(ls "$here"/*.wav | wc -l) files"
