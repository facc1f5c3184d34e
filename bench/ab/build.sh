#!/bin/bash
# bench/ab/build.sh ROUNDS BIN... — two (or more) feedd binaries side by side, not a peer
# comparison: per round and binary, a cold `feedd build` of the 10k bench store (no index,
# empty output) and a second one into an empty output (index kept); CPU seconds (user + sys)
# and peak RSS, binaries alternating. Needs the store `bench/run.sh build` generates
# (BENCH_WORK, default bench/work). Used for issue 8's before/after (bench/RESULTS.md).
n=$1; shift
store=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}/store-10000
for r in $(seq 1 $n); do
  for b in "$@"; do
    tag=$(echo $b | md5sum | cut -c1-6); d=${TMPDIR:-/tmp}/feedd-ab-build-$tag; mkdir -p $d
    sed -e "s#index = .*#index = \"$d/store.index\"#" $store/feedd.toml > $d/feedd.toml
    rm -f $d/store.index*; rm -rf $d/out
    /usr/bin/time -o $d/t -f "%U %S %M" nice $b build --config $d/feedd.toml --out $d/out > /dev/null 2>&1; c=$(tail -1 $d/t)
    rm -rf $d/out
    /usr/bin/time -o $d/t -f "%U %S %M" nice $b build --config $d/feedd.toml --out $d/out > /dev/null 2>&1; w=$(tail -1 $d/t)
    echo "$b cold_cpu $(echo $c | awk '{print $1+$2, $3"KB"}') index_kept_fresh_out_cpu $(echo $w | awk '{print $1+$2, $3"KB"}') load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
