#!/usr/bin/env bash
# The long fuzzing runs of bench/RESULTS.md ("10 million executions per target"): each TARGET
# (default: every *_fuzz.cpp here) in turn for FUZZ_RUNS executions (default 10,000,000) with
# tests/fuzz/run.sh, at idle CPU priority so that it only takes CPU nothing else wants, one
# log per target in build/fuzz/campaign/<target>.log. A target whose log already ends "ok" is
# skipped, so the script can be run again after a stop. Builds build/fuzz first (run.sh).
#   tests/fuzz/campaign.sh [TARGET...]      e.g. two at once: one call per core
# As root it also turns the kernel's autogroup off: with it on, every session gets an equal
# share of the CPU and idle priority means nothing against another session's processes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in "$here"/*_fuzz.cpp; do
    targets+=("$(basename "$source" _fuzz.cpp)")
  done
fi
if [ -w /proc/sys/kernel/sched_autogroup_enabled ]; then
  echo 0 >/proc/sys/kernel/sched_autogroup_enabled
fi
FUZZ_RUNS=1 "$here/run.sh" 1 "${targets[@]}" >/dev/null 2>&1 || true  # builds the targets
logs=$root/build/fuzz/campaign
mkdir -p "$logs"
for target in "${targets[@]}"; do
  log=$logs/$target.log
  if grep -q "execs in .* ok" "$log" 2>/dev/null; then
    continue
  fi
  echo "== $target from $(date -u +%FT%TZ), commit $(git -C "$root" rev-parse --short HEAD)" >"$log"
  FUZZ_BUILD=0 FUZZ_TIMEOUT=30 FUZZ_RUNS=${FUZZ_RUNS:-10000000} \
    chrt --idle 0 nice -n 19 "$here/run.sh" 86400 "$target" >>"$log" 2>&1
  echo "== $target until $(date -u +%FT%TZ)" >>"$log"
done
grep -h "execs in" "$logs"/*.log
