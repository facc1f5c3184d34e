#!/bin/bash
# bench/ab/instructions.sh N BIN... — instructions executed by a cold `feedd build` of the
# N-post bench store, per binary, counted by valgrind's callgrind: the one figure that does
# not move with the other tenants of this shared VM (which has no PMU for `perf stat`), so
# it shows a few per cent that wall and CPU time cannot. Not a speed: callgrind runs the
# build serialized, ~50× slower (N = 10000 takes about a minute per binary), and counts no
# kernel work (writes, page faults) nor waiting. Under valgrind OpenSSL takes its generic
# SHA-256 (no SHA-NI), so libcrypto weighs ~15 % here against ~2.5 % natively: compare
# binaries, not shares. Prints the total and the largest inclusive feedd functions; keeps
# each profile in $TMPDIR/feedd-ab-ir-*.out for callgrind_annotate. Needs `valgrind`
# (.ci/packages does not install it: it is no test's dependency) and the store
# ($BENCH_WORK/store-N, as for cold.sh).
set -euo pipefail
n=$1
shift
store=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}/store-$n
for b in "$@"; do
  tag=$(echo "$b" | md5sum | cut -c1-6)
  d=${TMPDIR:-/tmp}/feedd-ab-ir-$tag
  mkdir -p "$d"
  sed -e "s#index = .*#index = \"$d/store.index\"#" "$store/feedd.toml" >"$d/feedd.toml"
  rm -rf "$d"/store.index* "$d/out"
  valgrind --tool=callgrind --callgrind-out-file="$d.out" "$b" build --config "$d/feedd.toml" \
    --out "$d/out" >"$d/log" 2>&1
  total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$d/log")
  echo "$b instructions $total"
  callgrind_annotate --inclusive=yes "$d.out" 2>/dev/null |
    grep -E 'feedd::(feeds::render_atom|daemon::write_catalog_files|daemon::collect_archive_page|storage::scan_store|daemon::SitePipeline::render)\b' |
    sed -E 's/^ *([0-9,]+) \(([^)]*)\) +[?]+:([^([]+).*/  \1 (\2) \3/' | head -5
done
