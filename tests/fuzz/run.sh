#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++-14, ASan + UBSan, in build/fuzz) and runs each for
# SECONDS (default 15): first it replays every input in regressions/<target>/, then it fuzzes
# from corpus/<target>/ (new inputs go to build/fuzz/corpus/<target>/, not to the repo).
# An input over 1 s (of CPU time, checked by the targets, and of wall-clock time, libFuzzer's
# -timeout), a crash, a leak, UB or a broken invariant fails the run; its input is saved in
# regressions/<target>/ (commit it with the fix). Prints each target's exec count.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     e.g. tests/fuzz/run.sh 600 markdown http
# Targets: the *_fuzz.cpp files here, without the suffix. Exit status 1 if any target failed.
# Environment: FUZZ_RUNS=N also stops each target after N executions (long runs);
# FUZZ_SEED=N fixes libFuzzer's random seed (with FUZZ_RUNS, the same inputs on every run:
# what .ci/run does, so CI can only go red on a change, never by luck);
# FUZZ_BUILD_DIR=DIR uses that build tree instead of build/fuzz (.ci/run passes its clang
# ASan tree, configured with FEEDD_FUZZ=ON, where the targets are already built);
# FUZZ_BUILD=0 skips the build (binaries already there); FUZZ_TIMEOUT=S sets the
# wall-clock limit (default 1; a niced run on a busy machine waits for a CPU for longer).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-15}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in "$here"/*_fuzz.cpp; do
    name=$(basename "$source" _fuzz.cpp)
    targets+=("$name")
  done
fi
build=${FUZZ_BUILD_DIR:-$root/build/fuzz}
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DFEEDD_FUZZ=ON \
    -DFEEDD_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
  cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzz}" || exit 1
fi
runs=()
if [ -n "${FUZZ_RUNS:-}" ]; then
  runs=(-runs="$FUZZ_RUNS")
fi
if [ -n "${FUZZ_SEED:-}" ]; then
  runs+=(-seed="$FUZZ_SEED")
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
summary=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/${target}_fuzz"
  regressions="$here/regressions/$target"
  work="$build/corpus/$target"
  mkdir -p "$regressions" "$work"
  options=(-timeout="${FUZZ_TIMEOUT:-1}" -rss_limit_mb=2048 -detect_leaks=1
    -artifact_prefix="$regressions/")
  dict="$here/$target.dict"
  case "$target" in
    markdown | post_file) dict="$here/front_matter.dict" ;;
  esac
  if [ -f "$dict" ]; then
    options+=(-dict="$dict")
  fi
  mapfile -t replays < <(find "$regressions" -type f ! -name '.*' | sort)
  if [ ${#replays[@]} -gt 0 ]; then
    echo "== $target: replaying ${#replays[@]} regression input(s)"
    if ! "$binary" "${options[@]}" "${replays[@]}" >"$build/$target.replay.log" 2>&1; then
      tail -n 40 "$build/$target.replay.log"
      failed+=("$target (regression)")
      summary+=("$target: a regression input fails (see $build/$target.replay.log)")
      continue
    fi
  fi
  echo "== $target: fuzzing for up to ${seconds} s${FUZZ_RUNS:+ or $FUZZ_RUNS executions}${FUZZ_SEED:+ from seed $FUZZ_SEED}"
  log="$build/$target.log"
  start=$(date +%s)
  "$binary" "${options[@]}" "${runs[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    "$work" "$here/corpus/$target" >"$log" 2>&1
  status=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  line="$target: ${execs:-?} execs in ${elapsed} s (${rate:-?}/s, peak RSS ${rss:-?} MB)"
  if [ $status -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|invariant|Test unit written|timeout' "$log" | head -n 20
    tail -n 60 "$log"
    failed+=("$target")
    line+=" FAILED (exit $status; log $log; input saved in $regressions/)"
  else
    line+=" ok"
  fi
  summary+=("$line")
done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
