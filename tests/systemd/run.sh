#!/usr/bin/env bash
# feedd under a real systemd: the README's install, then a boot of this machine's own /usr in a
# throwaway systemd-nspawn container with the installed files, where probe.sh runs the README's
# "Run under systemd" commands and checks what systemd does with the units (see
# systemd/README.md for the list). Run by .ci/run; needs root and systemd-nspawn (Debian:
# systemd-container), and fails, never skips, without them.
#
#   tests/systemd/run.sh BUILD_DIR     # BUILD_DIR configured with -DCMAKE_INSTALL_PREFIX=/usr
#
# Nothing is installed on the host: `cmake --install` goes to a DESTDIR, which the container
# sees over its /usr and /etc (overlays). The results (report.txt, the container's journal)
# are copied to BUILD_DIR/systemd-test/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: tests/systemd/run.sh BUILD_DIR}" && pwd)
started=$SECONDS
fail() {
  echo "tests/systemd: FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "needs root (systemd-nspawn boots a container)"
command -v systemd-nspawn > /dev/null || fail "systemd-nspawn is missing (apt-get install systemd-container)"
[ -x "$build/feedd" ] || fail "$build/feedd is not built"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ "$prefix" = /usr ] ||
  fail "$build is configured with CMAKE_INSTALL_PREFIX=$prefix; the README configures -DCMAKE_INSTALL_PREFIX=/usr"
for leak in /etc/feedd /etc/systemd/system/feedd.service.d /etc/systemd/system/feedd.service; do
  [ ! -e "$leak" ] || fail "$leak exists on this machine and would leak into the container"
done

T=$(mktemp -d /tmp/feedd-systemd.XXXXXX)
trap 'rm -rf "$T"' EXIT
out="$build/systemd-test"
rm -rf "$out"
mkdir -p "$out"

# --- 1. The documented install gives exactly the documented layout. ---
files() { (cd "$1" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort); }
DESTDIR="$T/dest" cmake --install "$build" > "$out/install.log"
expected="etc/feedd/feedd.toml
usr/bin/feedd
usr/lib/systemd/system/feedd.service
usr/lib/systemd/system/feedd.socket
usr/share/bash-completion/completions/feedd
usr/share/doc/feedd/README.md
usr/share/man/man5/feedd.toml.5.gz
usr/share/man/man8/feedd.8.gz"
[ "$(files "$T/dest")" = "$expected" ] ||
  fail "DESTDIR install gave:$(printf '\n  %s' $(files "$T/dest"))"$'\n'"expected:$(printf '\n  %s' $expected)"
cmp -s "$src/systemd/feedd.service" "$T/dest/usr/lib/systemd/system/feedd.service" ||
  fail "installed feedd.service differs from systemd/feedd.service"
grep -qx 'path = "/srv/posts".*' "$T/dest/etc/feedd/feedd.toml" ||
  fail "installed feedd.toml does not point store.path at /srv/posts"
# An install with --prefix moves every file (no configure-time path left behind).
DESTDIR="$T/moved" cmake --install "$build" --prefix /opt/feedd > /dev/null 2>&1
[ "$(files "$T/moved")" = "$(sed -e 's|^usr/|opt/feedd/|' -e 's|^etc/|opt/feedd/etc/|' <<< "$expected" | LC_ALL=C sort)" ] ||
  fail "install --prefix /opt/feedd gave:$(printf '\n  %s' $(files "$T/moved"))"
# A second install keeps an edited configuration.
cp -a "$T/dest" "$T/again"
echo '# edited' >> "$T/again/etc/feedd/feedd.toml"
DESTDIR="$T/again" cmake --install "$build" > /dev/null
tail -n1 "$T/again/etc/feedd/feedd.toml" | grep -qx '# edited' || fail "a second install overwrote feedd.toml"
# Uninstall takes away every file of the install and feedd's own directories; an edited
# configuration stays (a conffile), and only it.
DESTDIR="$T/gone" cmake --install "$build" > /dev/null
DESTDIR="$T/gone" cmake --build "$build" --target uninstall > "$out/uninstall.log"
left=$(cd "$T/gone" && find . -name feedd -o -type f -o -type l)
[ -z "$left" ] || fail "uninstall left:$(printf '\n  %s' $left)"
DESTDIR="$T/kept" cmake --install "$build" > /dev/null
echo '# edited' >> "$T/kept/etc/feedd/feedd.toml"
DESTDIR="$T/kept" cmake --build "$build" --target uninstall > /dev/null
[ "$(files "$T/kept")" = "etc/feedd/feedd.toml" ] ||
  fail "uninstall after an edit left:$(printf '\n  %s' $(files "$T/kept")) (expected etc/feedd/feedd.toml only)"
echo "tests/systemd: PASS install layout and uninstall: $(tr '\n' ' ' <<< "$expected")"

# --- 2. Boot the container on the installed files. ---
mkdir -p "$T/etc/systemd/system" "$T/results"
cp -a "$T/dest/etc/." "$T/etc/"
cat > "$T/etc/systemd/system/feedd-test.target" << 'EOF'
[Unit]
Description=feedd boot test (basic system plus the probe)
Requires=basic.target feedd-probe.service
After=basic.target
AllowIsolate=yes
EOF
cat > "$T/etc/systemd/system/feedd-probe.service" << 'EOF'
[Unit]
Description=feedd boot test probe
After=basic.target
[Service]
Type=oneshot
ExecStart=/opt/feedd-test/bin/probe.sh
ExecStopPost=/opt/feedd-test/bin/probe.sh --finish
StandardOutput=append:/results/probe.log
StandardError=append:/results/probe.log
TimeoutStartSec=240
EOF
# --volatile=yes: the machine's /usr read-only under an empty tmpfs root; /usr and /etc get the
# installed files through overlays. The unified cgroup hierarchy is what Debian 12 boots with,
# and bpf() with CAP_BPF lets systemd load IPAddressDeny='s filters (nspawn's default seccomp
# filter refuses bpf(): IP filtering would silently do nothing).
rc=0
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout 300 systemd-nspawn --quiet --directory=/ --volatile=yes \
  --system-call-filter=bpf --capability=CAP_BPF \
  --overlay-ro="/usr:$T/dest/usr:/usr" --overlay="/etc:$T/etc:/etc" \
  --bind-ro="$src/tests/systemd:/opt/feedd-test/bin" --bind-ro="$src/etc/posts:/opt/feedd-test/posts" \
  --bind="$T/results:/results" --private-network --register=no --keep-unit \
  --machine="feedd-test-$$" --boot systemd.unit=feedd-test.target > "$T/results/console.log" 2>&1 || rc=$?
cp -a "$T/results/." "$out/"
if grep -q "$T" /proc/self/mountinfo; then
  fail "mounts left behind under $T"
fi
cat "$out/report.txt" 2> /dev/null | sed 's/^/tests\/systemd: /'
if [ "$rc" != 0 ] || ! grep -qx DONE "$out/report.txt" 2> /dev/null || grep -q '^FAIL' "$out/report.txt"; then
  echo "--- systemd-nspawn exit status $rc; the end of the container's journal ($out/journal.txt):" >&2
  tail -n 60 "$out/journal.txt" >&2 2> /dev/null || tail -n 60 "$out/console.log" >&2
  fail "the boot test failed; everything is in $out"
fi
echo "tests/systemd: PASS ($((SECONDS - started)) s; results in $out)"
