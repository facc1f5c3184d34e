# shellcheck shell=bash
# Shared by the boot tests that run feedd under a real systemd in a throwaway systemd-nspawn
# container booting this machine's own /usr (tests/systemd, tests/package). Sourced, never run.
# Two halves, one for each side of the container wall, chosen by the argument:
#  - `source nspawn.sh host` in run.sh: nspawn_* (checks, the probe's units, the boot, the
#    verdict);
#  - `source /opt/feedd-support/nspawn.sh probe` in probe.sh, inside the container (this
#    directory is bound there): probe_* and the check helpers, which write "PASS name: detail"
#    / "FAIL name: detail" lines to /results/report.txt, then "DONE" when every section has run.
# Everything fails loudly, never skips: a missing tool or root is a FAIL.

case "${1:-}" in
  host | probe) ;;
  *)
    echo "usage: source nspawn.sh host|probe" >&2
    exit 2
    ;;
esac

# ---------------------------------------------------------------------------------------------
# Host side (run.sh). NSPAWN_TEST names the test in messages (e.g. tests/systemd).
if [ "$1" = host ]; then

nspawn_fail() {
  echo "$NSPAWN_TEST: FAIL: $*" >&2
  exit 1
}

# nspawn_require TOOL...: root, systemd-nspawn and each TOOL, or a FAIL naming what is missing.
nspawn_require() {
  local tool
  [ "$(id -u)" = 0 ] || nspawn_fail "needs root (systemd-nspawn boots a container)"
  for tool in systemd-nspawn "$@"; do
    command -v "$tool" > /dev/null || nspawn_fail "$tool is missing (see .ci/packages; systemd-nspawn: systemd-container)"
  done
}

# nspawn_no_leaks PATH...: none of these exists on the host (the container sees the host's /etc).
nspawn_no_leaks() {
  local leak
  for leak in "$@"; do
    [ ! -e "$leak" ] || nspawn_fail "$leak exists on this machine and would leak into the container"
  done
}

# nspawn_probe_units ETC NAME PROBE TIMEOUT: NAME.target (basic.target plus NAME-probe.service,
# the unit the container boots into) and NAME-probe.service (a oneshot running PROBE, then
# `PROBE --finish` to save the journal and power off; output appended to /results/probe.log).
nspawn_probe_units() {
  local etc=$1 name=$2 probe=$3 timeout=$4
  mkdir -p "$etc/systemd/system"
  cat > "$etc/systemd/system/$name.target" << EOF
[Unit]
Description=$name: basic system plus the probe
Requires=basic.target $name-probe.service
After=basic.target
AllowIsolate=yes
EOF
  cat > "$etc/systemd/system/$name-probe.service" << EOF
[Unit]
Description=$name probe
After=basic.target
[Service]
Type=oneshot
ExecStart=$probe
ExecStopPost=$probe --finish
StandardOutput=append:/results/probe.log
StandardError=append:/results/probe.log
TimeoutStartSec=$timeout
EOF
}

# nspawn_boot RESULTS TIMEOUT NAME NSPAWN_OPTION...: boots this machine's / read-only under an
# empty tmpfs root (--volatile=yes: overlay and state modes refuse a root-directory container)
# into NAME.target, with its own loopback (--private-network), no system bus (--register=no),
# RESULTS bound at /results and tests/support at /opt/feedd-support. The unified cgroup
# hierarchy is what Debian 12 boots with. Console output goes to RESULTS/console.log; the exit
# status is left in nspawn_rc (the verdict looks at it).
nspawn_boot() {
  local results=$1 timeout=$2 name=$3 support
  shift 3
  support=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  nspawn_rc=0
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout "$timeout" systemd-nspawn --quiet --directory=/ \
    --volatile=yes "$@" --bind-ro="$support:/opt/feedd-support" --bind="$results:/results" \
    --private-network --register=no --keep-unit --machine="$name-$$" --boot \
    systemd.unit="$name.target" > "$results/console.log" 2>&1 || nspawn_rc=$?
}

# nspawn_verdict TMP OUT: no mount left under TMP; the probe's report printed; a FAIL (with the
# end of the probe's log and of the journal) unless the container exited 0, the report ends
# with DONE and holds no FAIL line.
nspawn_verdict() {
  local tmp=$1 out=$2
  if grep -q "$tmp" /proc/self/mountinfo; then
    nspawn_fail "mounts left behind under $tmp"
  fi
  sed "s|^|$NSPAWN_TEST: |" "$out/report.txt" 2> /dev/null || true
  if [ "$nspawn_rc" != 0 ] || ! grep -qx DONE "$out/report.txt" 2> /dev/null || grep -q '^FAIL' "$out/report.txt"; then
    echo "--- systemd-nspawn exit status $nspawn_rc; the end of the probe's log and the container's journal:" >&2
    tail -n 30 "$out/probe.log" >&2 2> /dev/null || true
    tail -n 60 "$out/journal.txt" >&2 2> /dev/null || tail -n 60 "$out/console.log" >&2
    nspawn_fail "the container test failed; everything is in $out"
  fi
}

fi

# ---------------------------------------------------------------------------------------------
# Container side (probe.sh, run by NAME-probe.service).
if [ "$1" = probe ]; then

R=/results
REPORT=$R/report.txt
# shellcheck disable=SC2034  # for the probes that source this file
URL=http://127.0.0.1:8080

# probe_start: the probe's environment and an empty report.
probe_start() {
  set -u
  export SYSTEMD_PAGER='' PAGER=cat LC_ALL=C.UTF-8
  : > "$REPORT"
}

# probe_finish: (probe.sh --finish) the boot's journal to /results/journal.txt, then power off.
probe_finish() {
  journalctl -b --no-pager -o short-monotonic > $R/journal.txt 2>&1
  systemctl --no-block poweroff
  exit 0
}

pass() { echo "PASS $1${2:+: $2}" >> "$REPORT"; }
fail() { echo "FAIL $1${2:+: $2}" >> "$REPORT"; }
# check NAME DETAIL COMMAND...: PASS when COMMAND succeeds.
check() {
  local name=$1 detail=$2
  shift 2
  if "$@"; then pass "$name" "$detail"; else fail "$name" "$detail"; fi
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds (a positive signal), at most SECONDS.
wait_for() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS >= end)); then return 1; fi
    sleep 0.1
  done
}
eq() { [ "$1" = "$2" ]; }
# prop PROPERTY [UNIT]: a property of UNIT (feedd.service) as systemctl show has it.
prop() { systemctl show -p "$1" --value "${2:-feedd.service}"; }
# state [UNIT]: ActiveState/SubState.
state() { echo "$(prop ActiveState "$@")/$(prop SubState "$@")"; }
fi
