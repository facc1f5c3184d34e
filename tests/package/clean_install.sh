#!/usr/bin/env bash
# The Debian package installed in a clean Debian 12: a `debootstrap --variant=minbase bookworm`
# tree with the apt sources of this machine, where `apt-get install ./feedd_<version>_<arch>.deb`
# must fetch every library feedd needs from the mirror (tests/package/run.sh's container shares
# this machine's /usr, where they are all installed already, so a Depends that lacks one passes
# there). clean_probe.sh then runs the installed feedd in the tree (systemd-nspawn, no boot,
# its own loopback): ldd, --version, check, build, serve answering a feed, then apt-get purge.
# Needs root, debootstrap, systemd-nspawn and the network to the mirror; fails, never skips.
#
#   tests/package/clean_install.sh bootstrap DIR      # debootstrap + apt-get update into DIR
#   tests/package/clean_install.sh install DIR DEB    # install DEB there, run it; removes DIR
#   tests/package/clean_install.sh DEB                # both, DIR a temporary directory
#   tests/package/clean_install.sh clean DIR          # unmount and remove DIR (a run stopped
#                                                     # between bootstrap and install)
#
# .ci/run starts `bootstrap` in the background (70-80 s, mostly download, into a tmpfs) and runs
# `install` once tests/package/run.sh has built the package. The mirror is the first of this
# machine's apt sources (FEEDD_DEBIAN_MIRROR overrides it). Results (apt.log, the probe's
# report) go to DEB's directory, clean-install/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
NSPAWN_TEST=tests/package/clean_install
source "$src/tests/support/nspawn.sh" host   # nspawn_fail, nspawn_require, nspawn_verdict
marker=.feedd-clean-install                    # DIR is removed only when it holds this file

# clean_dir DIR: unmounts DIR (a tmpfs: removing 300 MB from this disk took 20 s) and whatever
# is left mounted under it (an interrupted debootstrap mounts /proc and /sys there), then
# removes DIR, if it is one of ours.
clean_dir() {
  local dir mount
  dir=$(realpath -m "$1")   # as /proc/self/mountinfo has it
  [ -e "$dir" ] || return 0
  [ -e "$dir/$marker" ] || [ -z "$(ls -A "$dir")" ] || nspawn_fail "$dir is not a directory this script made; not removed"
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r mount; do umount -l "$mount"; done
  rm -rf --one-file-system "$dir"
}

# in_root SECONDS ROOT NSPAWN_OPTION... -- COMMAND...: COMMAND in the tree, without booting
# it, stopped after SECONDS.
in_root() {
  local limit=$1 root=$2
  shift 2
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout "$limit" systemd-nspawn --quiet --directory="$root" --register=no \
    --keep-unit --machine="feedd-clean-$$" --setenv=DEBIAN_FRONTEND=noninteractive \
    --setenv=LC_ALL=C.UTF-8 "$@"
}

# bootstrap DIR: DIR/root, a minbase bookworm with this machine's apt sources and their lists.
bootstrap() {
  local dir mirror started=$SECONDS
  dir=$(realpath -m "$1")
  nspawn_require debootstrap
  clean_dir "$dir"
  mkdir -p "$dir"
  work_dir=$dir
  # In memory: dpkg's fsyncs cost nothing there, and the removal is an umount.
  mount -t tmpfs -o size=1g,mode=0755 feedd-clean-root "$dir"
  touch "$dir/$marker"
  mirror=${FEEDD_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2> /dev/null |
    sed -n 's/^URIs: *\([^ ]*\).*/\1/p' | head -n1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  debootstrap --variant=minbase bookworm "$dir/root" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
    { tail -n 20 "$dir/debootstrap.log" >&2; nspawn_fail "debootstrap from $mirror failed (log above)"; }
  # This machine's sources (bookworm, -updates, -security), so that the package meets the
  # archive it was built against; nothing else of this machine's apt goes in.
  if compgen -G "/etc/apt/sources.list.d/*.sources" > /dev/null; then
    cp /etc/apt/sources.list.d/*.sources "$dir/root/etc/apt/sources.list.d/"
    rm -f "$dir/root/etc/apt/sources.list"
  fi
  in_root 300 "$dir/root" -- apt-get -q -o Dpkg::Use-Pty=0 update > "$dir/apt-update.log" 2>&1 ||
    { cat "$dir/apt-update.log" >&2; nspawn_fail "apt-get update in the clean tree failed"; }
  work_dir=
  echo "$NSPAWN_TEST: bootstrap: minbase bookworm from $mirror in $((SECONDS - started)) s," \
    "$(du -sh --one-file-system "$dir/root" | cut -f1), $(dpkg-query --admindir="$dir/root/var/lib/dpkg" -W | wc -l) packages"
  touch "$dir/ready"
}

# packages ROOT: the packages installed in ROOT, one a line.
packages() {
  dpkg-query --admindir="$1/var/lib/dpkg" -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' | LC_ALL=C sort
}

# install DIR DEB: apt-get install ./DEB in DIR/root (the network on), then clean_probe.sh
# there (its own loopback); DIR is removed in the end whatever happens.
install() {
  local dir deb=$2 root out version before rc=0 started=$SECONDS
  dir=$(realpath -m "$1")
  root=$dir/root
  deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
  out=$(dirname "$deb")/clean-install
  nspawn_require
  work_dir=$dir
  [ -f "$deb" ] || nspawn_fail "no package $deb"
  [ -f "$dir/ready" ] || nspawn_fail "$dir is not a bootstrapped tree (run: $0 bootstrap $dir)"
  version=$(dpkg-deb -f "$deb" Version)
  rm -rf "$out"
  mkdir -p "$out" "$root/opt/feedd-package/deb" "$root/results"
  cp "$deb" "$root/opt/feedd-package/deb/"
  before=$(packages "$root")
  in_root 300 "$root" --chdir=/opt/feedd-package/deb -- \
    apt-get install -y -q -o Dpkg::Use-Pty=0 "./$(basename "$deb")" > "$out/apt.log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$out/apt.log" >&2; nspawn_fail "apt-get install ./$(basename "$deb") in a clean Debian 12 failed: exit $rc"; }
  echo "$NSPAWN_TEST: PASS apt-get install ./$(basename "$deb") in a clean bookworm ($((SECONDS - started)) s):" \
    "$(comm -13 <(echo "$before") <(packages "$root") | grep -cvx feedd) packages fetched for Depends: $(dpkg-deb -f "$deb" Depends)"
  nspawn_rc=0
  in_root 120 "$root" \
    --private-network --setenv=FEEDD_VERSION="$version" \
    --bind-ro="$src/tests/package:/opt/feedd-package/bin" --bind-ro="$src/tests/support:/opt/feedd-support" \
    --bind-ro="$src/etc/posts:/opt/feedd-package/posts" -- \
    /bin/bash /opt/feedd-package/bin/clean_probe.sh > "$out/console.log" 2>&1 || nspawn_rc=$?
  cp -a "$root/results/." "$out/"
  clean_dir "$dir"
  work_dir=
  nspawn_verdict "$dir" "$out"   # which also finds no mount left under DIR
  echo "$NSPAWN_TEST: PASS ($((SECONDS - started)) s; results in $out)"
}

# work_dir: removed on exit (a failed bootstrap, any install). Killed (.ci/run stops its
# background jobs so), the EXIT trap still unmounts and removes.
work_dir=
trap '[ -z "$work_dir" ] || clean_dir "$work_dir"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$(id -u)" = 0 ] || nspawn_fail "needs root (debootstrap, systemd-nspawn)"
case "${1:-}" in
  bootstrap) bootstrap "${2:?usage: $0 bootstrap DIR}" ;;
  install) install "${2:?usage: $0 install DIR DEB}" "${3:?usage: $0 install DIR DEB}" ;;
  clean) clean_dir "${2:?usage: $0 clean DIR}" ;;
  *.deb)
    dir=$(mktemp -d /tmp/feedd-clean.XXXXXX)
    bootstrap "$dir"
    install "$dir" "$1"
    ;;
  *) nspawn_fail "usage: $0 bootstrap DIR | install DIR DEB | clean DIR | DEB" ;;
esac
