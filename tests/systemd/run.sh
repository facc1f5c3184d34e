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
NSPAWN_TEST=tests/systemd
source "$src/tests/support/nspawn.sh" host
nspawn_require
[ -x "$build/feedd" ] || nspawn_fail "$build/feedd is not built"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ "$prefix" = /usr ] ||
  nspawn_fail "$build is configured with CMAKE_INSTALL_PREFIX=$prefix; the README configures -DCMAKE_INSTALL_PREFIX=/usr"
nspawn_no_leaks /etc/feedd /etc/systemd/system/feedd.service.d /etc/systemd/system/feedd.service

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
  nspawn_fail "DESTDIR install gave:$(printf '\n  %s' $(files "$T/dest"))"$'\n'"expected:$(printf '\n  %s' $expected)"
cmp -s "$src/systemd/feedd.service" "$T/dest/usr/lib/systemd/system/feedd.service" ||
  nspawn_fail "installed feedd.service differs from systemd/feedd.service"
grep -qx 'path = "/srv/posts".*' "$T/dest/etc/feedd/feedd.toml" ||
  nspawn_fail "installed feedd.toml does not point store.path at /srv/posts"
# An install with --prefix moves every file (no configure-time path left behind).
DESTDIR="$T/moved" cmake --install "$build" --prefix /opt/feedd > /dev/null 2>&1
[ "$(files "$T/moved")" = "$(sed -e 's|^usr/|opt/feedd/|' -e 's|^etc/|opt/feedd/etc/|' <<< "$expected" | LC_ALL=C sort)" ] ||
  nspawn_fail "install --prefix /opt/feedd gave:$(printf '\n  %s' $(files "$T/moved"))"
# A second install keeps an edited configuration.
cp -a "$T/dest" "$T/again"
echo '# edited' >> "$T/again/etc/feedd/feedd.toml"
DESTDIR="$T/again" cmake --install "$build" > /dev/null
tail -n1 "$T/again/etc/feedd/feedd.toml" | grep -qx '# edited' || nspawn_fail "a second install overwrote feedd.toml"
# Uninstall takes away every file of the install and feedd's own directories; an edited
# configuration stays (a conffile), and only it.
DESTDIR="$T/gone" cmake --install "$build" > /dev/null
DESTDIR="$T/gone" cmake --build "$build" --target uninstall > "$out/uninstall.log"
left=$(cd "$T/gone" && find . -name feedd -o -type f -o -type l)
[ -z "$left" ] || nspawn_fail "uninstall left:$(printf '\n  %s' $left)"
DESTDIR="$T/kept" cmake --install "$build" > /dev/null
echo '# edited' >> "$T/kept/etc/feedd/feedd.toml"
DESTDIR="$T/kept" cmake --build "$build" --target uninstall > /dev/null
[ "$(files "$T/kept")" = "etc/feedd/feedd.toml" ] ||
  nspawn_fail "uninstall after an edit left:$(printf '\n  %s' $(files "$T/kept")) (expected etc/feedd/feedd.toml only)"
echo "tests/systemd: PASS install layout and uninstall: $(tr '\n' ' ' <<< "$expected")"

# --- 2. Boot the container on the installed files. ---
mkdir -p "$T/etc" "$T/results"
cp -a "$T/dest/etc/." "$T/etc/"
nspawn_probe_units "$T/etc" feedd-test /opt/feedd-test/bin/probe.sh 240
# /usr and /etc get the installed files through overlays. bpf() with CAP_BPF lets systemd load
# IPAddressDeny='s filters (nspawn's default seccomp filter refuses bpf(): IP filtering would
# silently do nothing).
nspawn_boot "$T/results" 300 feedd-test --system-call-filter=bpf --capability=CAP_BPF \
  --overlay-ro="/usr:$T/dest/usr:/usr" --overlay="/etc:$T/etc:/etc" \
  --bind-ro="$src/tests/systemd:/opt/feedd-test/bin" --bind-ro="$src/etc/posts:/opt/feedd-test/posts"
cp -a "$T/results/." "$out/"
nspawn_verdict "$T" "$out"
echo "tests/systemd: PASS ($((SECONDS - started)) s; results in $out)"
