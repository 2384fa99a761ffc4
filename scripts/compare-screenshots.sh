#!/bin/sh
# Compares every screenshot tests/kiosk_ui.rs takes at BASE_REV with those of the working
# tree, byte for byte. The test's PNG encoder is deterministic (fixed colour type, depth and
# default compression), so equal files mean equal pixels, and a differing file is a
# differing picture.
#
# Usage: scripts/compare-screenshots.sh [BASE_REV]
#   BASE_REV defaults to the merge base of HEAD and main.
#
# BASE_REV is checked out in a temporary git worktree (removed on exit) and built in the
# working tree's target dir ($CARGO_TARGET_DIR, else ./target), so no dependency is built
# twice and no disk is spent on a second target dir. Cargo names the crate's artefacts the
# same for both checkouts and judges them fresh by file times, and build.rs bakes in its
# checkout's path; so before each side the crate's fingerprints are deleted and cargo
# rebuilds motcua (build script, library, UI test) from that side's sources. The working
# tree goes last, so the target dir is left as it was. Cost: the motcua crate built twice,
# 1 to 4 minutes each on two cores, plus about 1 to 2 minutes for each run of the UI test.
#
# Some screenshots differ between any two runs, even of the same commit, so they are only
# checked to exist on both sides (listed as "volatile", never a failure):
#   admin-sync*, home-office-notice*, home-now-serving*: the sync part of the test runs on
#     the wall clock (header clock, "last synced at"), against an office on a random port,
#     and admin-sync is taken while the ticket's print may still be on its way;
#   ticket-print-failed*, receipt-A001: the QR code carries the ticket's random id.
# For these it prints where the pixels differ (scripts/png-diff-regions.py, when python3 is
# there): the header clock, the sync times and port, and the QR code are expected.
#
# Exit status: 0 when every other screenshot is identical, 1 when any differs or is missing
# on either side, 2 when a build or test fails.
set -eu

repo=$(git rev-parse --show-toplevel)
cd "$repo"
base=${1:-$(git merge-base HEAD main)}
base=$(git rev-parse --verify "$base^{commit}")
target=${CARGO_TARGET_DIR:-$repo/target}
work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-screenshots.XXXXXX")
cleanup() {
    git -C "$repo" worktree remove --force "$work/src" 2>/dev/null || true
    git -C "$repo" worktree prune
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Runs the UI test in $1 with target dir $2 and keeps its screenshots in $3.
shoot() {
    rm -rf "$2/screenshots" "$2"/debug/.fingerprint/motcua-*
    if ! (cd "$1" && CARGO_TARGET_DIR=$2 cargo test --quiet --test kiosk_ui >"$work/log" 2>&1); then
        # The admin view's printer-fault step races the print worker on a loaded machine;
        # a second run tells a flake from a failure.
        echo "the UI test failed in $1; running it once more" >&2
        rm -rf "$2/screenshots"
        if ! (cd "$1" && CARGO_TARGET_DIR=$2 cargo test --quiet --test kiosk_ui >"$work/log" 2>&1); then
            cat "$work/log" >&2
            echo "compare-screenshots: the UI test failed in $1" >&2
            exit 2
        fi
    fi
    mkdir -p "$3"
    cp "$2"/screenshots/*.png "$3"/
}

git worktree add --quiet --detach "$work/src" "$base"
echo "screenshots of $(git rev-parse --short "$base") ..."
shoot "$work/src" "$target" "$work/base"
echo "screenshots of the working tree ..."
shoot "$repo" "$target" "$work/new"

volatile() {
    case "$1" in
    admin-sync* | home-office-notice* | home-now-serving* | ticket-print-failed* | receipt-A001.png) return 0 ;;
    *) return 1 ;;
    esac
}

identical=0
differ=0
unchecked=0
for f in "$work"/base/*.png; do
    name=$(basename "$f")
    if [ ! -f "$work/new/$name" ]; then
        echo "missing in the working tree: $name"
        differ=$((differ + 1))
    elif cmp -s "$f" "$work/new/$name"; then
        identical=$((identical + 1))
    elif volatile "$name"; then
        # Where it differs, so a reader can see it is the clock, the times and the QR only.
        where=""
        if command -v python3 >/dev/null; then
            where=" ($(python3 "$repo/scripts/png-diff-regions.py" "$f" "$work/new/$name"))"
        fi
        echo "volatile, differs as between any two runs: $name$where"
        unchecked=$((unchecked + 1))
    else
        echo "differs: $name"
        differ=$((differ + 1))
    fi
done
for f in "$work"/new/*.png; do
    name=$(basename "$f")
    if [ ! -f "$work/base/$name" ]; then
        echo "missing at $(git rev-parse --short "$base"): $name"
        differ=$((differ + 1))
    fi
done
echo "$identical identical, $unchecked volatile and different, $differ differing or missing"
[ "$differ" -eq 0 ]
