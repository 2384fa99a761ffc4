#!/usr/bin/env bash
# Checks a built motcua .deb: its control fields, every file it installs with its mode, its
# conffile and maintainer scripts, and that the packaged binary runs, reads the packaged
# config and passes systemd's check of the packaged units.
# Usage: deploy/check-deb.sh target/debian/motcua_*.deb
set -euo pipefail
deb=${1:?usage: $0 path/to/motcua_VERSION_ARCH.deb}
fail() { echo "check-deb: $*" >&2; exit 1; }

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = motcua ] || fail "Package is $(field Package)"
depends=$(field Depends)
# The board build links libinput, libudev and xkbcommon; dpkg-shlibdeps found them. The
# voice guidance runs aplay, amixer (alsa-utils) and espeak-ng.
for lib in libc6 libinput10 libudev1 libxkbcommon0 systemd procps alsa-utils espeak-ng; do
    grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

listing=$(dpkg-deb --contents "$deb")
expect() { # mode path
    grep -qE "^$1 .* \./$2\$" <<<"$listing" || fail "no $2 with mode $1 in:
$listing"
}
expect -rwxr-xr-x usr/bin/motcua
expect -rw-r--r-- usr/lib/systemd/system/motcua-kiosk.service
expect -rw-r--r-- usr/lib/systemd/system/motcua-office.service
expect -rw-r--r-- usr/lib/sysusers.d/motcua.conf
expect -rw-r--r-- usr/lib/udev/rules.d/99-motcua.rules
expect -rw-r----- etc/motcua/kiosk.toml
expect -rw-r--r-- usr/share/doc/motcua/README.md
expect -rw-r--r-- usr/share/doc/motcua/copyright
expect -rw-r--r-- usr/share/doc/motcua/NotoSans-LICENSE.txt
expect -rw-r--r-- usr/share/doc/motcua/MaterialIcons-LICENSE.txt
# Nothing under /var: the data lives there, made by systemd (StateDirectory), not by dpkg.
if grep -E ' \./var/' <<<"$listing"; then fail "the package ships files under /var"; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --control "$deb" "$work/control"
grep -qx /etc/motcua/kiosk.toml "$work/control/conffiles" || fail "kiosk.toml is not a conffile"
for script in postinst prerm postrm; do
    [ -x "$work/control/$script" ] || fail "no executable $script"
    sh -n "$work/control/$script" || fail "$script does not parse"
done

# The packaged binary runs here and reads the packaged config (the printer and display are
# absent on a build machine: only the config line must pass).
dpkg-deb --extract "$deb" "$work/root"
"$work/root/usr/bin/motcua" --version
set +e
"$work/root/usr/bin/motcua" doctor --config "$work/root/etc/motcua/kiosk.toml" \
    --data-dir "$work/data" >"$work/doctor.txt" 2>&1
set -e
grep -q '^ok *config' "$work/doctor.txt" || fail "the packaged config does not load:
$(cat "$work/doctor.txt")"

# The packaged units pass systemd's own check against the packaged binary.
mkdir -p "$work/units"
for unit in motcua-kiosk motcua-office; do
    sed "s#/usr/bin/motcua#$work/root/usr/bin/motcua#" \
        "$work/root/usr/lib/systemd/system/$unit.service" >"$work/units/$unit.service"
    out=$(systemd-analyze verify "$work/units/$unit.service" 2>&1) || fail "verify $unit: $out"
    if grep -q "$unit" <<<"$out"; then fail "systemd-analyze remarks on $unit: $out"; fi
done
echo "check-deb: $(basename "$deb") is sound ($(du -h "$deb" | cut -f1); Depends: $depends)"
