# Sourced by generate.sh and generate-guide.sh: the voice settings and the post-processing
# every clip gets, so the board's clips and the kiosk's guidance sound alike and join alike.
# The sourcing script sets $tmp (a scratch folder).

# Voice settings: words per minute, pitch (0-99, espeak-ng's default is 50), sample rate.
speed=140
pitch=42
rate=16000

# make_clip VOICE TEXT OUT: speaks TEXT with espeak-ng's VOICE into the WAV file OUT.
make_clip() {
    espeak-ng -v "$1" -s "$speed" -p "$pitch" -w "$tmp/raw.wav" "$2"
    # Lower by 1.5 dB (resampling would clip a few peaks), resample, and cut the silence at
    # both ends: before the first sound above 0.5% of full scale, and after the last above
    # 0.1% (espeak-ng's output is silent there, and this keeps the faint release of a final
    # stop: the p of "ép", the t of "một"). Then a 5 ms fade-in, a 15 ms fade-out and a
    # little padding, so the clips join without clicks and without long gaps.
    sox -D "$tmp/raw.wav" -r "$rate" -b 16 -c 1 "$tmp/trimmed.wav" \
        gain -1.5 rate -v "$rate" silence 1 0.005 0.5% reverse silence 1 0.002 0.1% reverse
    sox -D "$tmp/trimmed.wav" "$3" fade q 0.005 -0 0.015 pad 0.01 0.04
}

# need_tools TOOL...: stops with the install line when one is missing.
need_tools() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "$(basename "$0"): $tool is missing (apt-get install -y espeak-ng sox python3)" >&2
            exit 1
        }
    done
}
