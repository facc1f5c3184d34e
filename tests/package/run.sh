#!/usr/bin/env bash
# The Debian package, built and installed the way SPEC "Packaging" and README "Debian package"
# say: `cpack -G DEB` in BUILD_DIR, the package's files and control data checked, `lintian`
# (any error fails), then `apt-get install ./feedd_<version>_<arch>.deb` inside a throwaway
# systemd-nspawn container booting this machine's own /usr (systemd as PID 1), where
# probe.sh starts the service, fetches a feed, upgrades, removes and purges (see
# packaging/README.md for the list of checks). Run by .ci/run; needs root, systemd-nspawn,
# lintian and dpkg-dev, and fails, never skips, without them.
#
#   tests/package/run.sh BUILD_DIR     # BUILD_DIR configured with -DCMAKE_INSTALL_PREFIX=/usr
#
# Nothing is installed on the host: the container's /usr, /etc and /var/lib/dpkg are overlays
# of the host's with throwaway upper layers. Results (report.txt, lintian.txt, the journal)
# go to BUILD_DIR/package-test/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: tests/package/run.sh BUILD_DIR}" && pwd)
started=$SECONDS
NSPAWN_TEST=tests/package
source "$src/tests/support/nspawn.sh" host
nspawn_require lintian dpkg-shlibdeps cpack
[ -x "$build/feedd" ] || nspawn_fail "$build/feedd is not built"
# The package's control data comes from the configure step; the man pages from the build.
cmake --build "$build" --target feedd_docs > /dev/null
nspawn_no_leaks /etc/feedd /var/lib/feedd /var/lib/private/feedd /etc/systemd/system/feedd.service.d
! dpkg-query -W feedd > /dev/null 2>&1 || nspawn_fail "feedd is installed on this machine; the test installs it in a container"

T=$(mktemp -d /tmp/feedd-package.XXXXXX)
lintian_pid=
trap '[ -z "$lintian_pid" ] || kill "$lintian_pid" 2>/dev/null || true; rm -rf "$T"' EXIT
out="$build/package-test"
rm -rf "$out"
mkdir -p "$out" "$T/deb"

# --- 1. cpack -G DEB, the package's contents and control data. ---
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$T/deb" > "$out/cpack.log" 2>&1 ||
  { cat "$out/cpack.log" >&2; nspawn_fail "cpack -G DEB failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb="$T/deb/feedd_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || nspawn_fail "cpack made $(ls "$T/deb"/*.deb 2>/dev/null), not $deb"
cp "$deb" "$out/"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $1, $NF}' | LC_ALL=C sort -k2)
expected="-rw-r--r-- ./etc/feedd/feedd.toml
-rwxr-xr-x ./usr/bin/feedd
-rw-r--r-- ./usr/lib/systemd/system/feedd.service
-rw-r--r-- ./usr/lib/systemd/system/feedd.socket
-rw-r--r-- ./usr/share/bash-completion/completions/feedd
-rw-r--r-- ./usr/share/doc/feedd/README.md
-rw-r--r-- ./usr/share/doc/feedd/changelog.gz
-rw-r--r-- ./usr/share/doc/feedd/copyright
-rw-r--r-- ./usr/share/man/man5/feedd.toml.5.gz
-rw-r--r-- ./usr/share/man/man8/feedd.8.gz"
[ "$files" = "$expected" ] || nspawn_fail "the package holds:"$'\n'"$files"$'\n'"expected:"$'\n'"$expected"
[ -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')" ] || nspawn_fail "files not owned by root/root"
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/feedd/feedd.toml ] || nspawn_fail "conffiles is not /etc/feedd/feedd.toml"
depends=$(dpkg-deb -f "$deb" Depends)
# The package of every shared library feedd links (its NEEDED entries, found where ldd finds
# them; dpkg knows merged-/usr paths by either name) is in Depends: dpkg-shlibdeps's work. And
# tzdata, for the time zones read at run time.
needed=$(readelf -d "$build/feedd" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
paths=$(ldd "$build/feedd" | awk '$2 == "=>" {print $3}' | sed 's|^/usr/|/|; p; s|^|/usr|')
owners=$(dpkg -S $paths 2> /dev/null || true)  # one call: dpkg -S reads its whole database
packages=$(for so in $needed; do
  grep -m1 -E "^[^ ]+: .*/${so//+/\\+}\$" <<< "$owners" | sed 's/:.*//' | grep . || echo "no-package-for-$so"
done | LC_ALL=C sort -u)
[ "$(wc -l <<< "$packages")" -ge 15 ] || nspawn_fail "the libraries feedd links come from only: $packages"
for package in $packages tzdata; do
  grep -qE "(^|, )${package//+/\\+}( |,|$)" <<< "$depends" || nspawn_fail "Depends lacks $package: $depends"
done
cmp -s "$src/systemd/feedd.service" <(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/lib/systemd/system/feedd.service) ||
  nspawn_fail "the packaged feedd.service differs from systemd/feedd.service"
echo "tests/package: PASS $(basename "$deb") (built in $((SECONDS - started)) s): $(wc -l <<< "$files") files, conffile, Depends has the $(wc -l <<< "$packages") packages of feedd's libraries: $depends"

# --- 2. lintian: no error (the warnings and the rest are listed in lintian.txt). It takes
# about 20 s, mostly single-threaded Perl: it runs beside the container and is waited for after.
lintian --fail-on error --display-info "$deb" > "$out/lintian.txt" 2>&1 &
lintian_pid=$!

# --- 3. Install, run, upgrade, remove and purge in a booted container. ---
mkdir -p "$T/usr" "$T/etc" "$T/dpkg" "$T/results" "$T/in"
cp "$deb" "$T/in/"
# Named pkgtest, not feedd-*: after the purge, nothing named *feedd* may be left in /etc.
nspawn_probe_units "$T/etc" pkgtest /opt/feedd-package/bin/probe.sh 180
# Here /usr, /etc and dpkg's database are writable overlays of the host's (dpkg writes into the
# upper layers in $T).
booted=$SECONDS
nspawn_boot "$T/results" 240 pkgtest \
  --overlay="/usr:$T/usr:/usr" --overlay="/etc:$T/etc:/etc" \
  --tmpfs=/var/lib:mode=0755 --overlay="/var/lib/dpkg:$T/dpkg:/var/lib/dpkg" \
  --bind-ro="$src/tests/package:/opt/feedd-package/bin" --bind-ro="$T/in:/opt/feedd-package/deb" \
  --bind-ro="$src/etc/posts:/opt/feedd-package/posts"
cp -a "$T/results/." "$out/"
echo "tests/package: the container ran for $((SECONDS - booted)) s"
wait "$lintian_pid" || { lintian_pid=; cat "$out/lintian.txt" >&2; nspawn_fail "lintian reports errors"; }
lintian_pid=
echo "tests/package: PASS lintian (done at $((SECONDS - started)) s): no error; $(grep -c '^W:' "$out/lintian.txt") warnings, $(grep -c '^I:' "$out/lintian.txt") info (lintian.txt)"
nspawn_verdict "$T" "$out"
echo "tests/package: PASS ($((SECONDS - started)) s; results in $out)"
