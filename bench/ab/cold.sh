#!/bin/bash
# bench/ab/cold.sh ROUNDS N BIN... — two (or more) feedd binaries side by side, not a peer
# comparison: per round, a cold `feedd build` of the N-post bench store (no index, empty
# output) by each binary, the order reversed every other round (the first of a pair tends to
# do better on this shared host). Prints wall seconds, CPU seconds (user + sys) and peak RSS
# per run, then the medians per binary. Needs the store `bench/run.sh build` generates
# ($BENCH_WORK/store-N, default bench/work), or any directory holding posts/ and feedd.toml.
set -euo pipefail
rounds=$1 n=$2
shift 2
bins=("$@")
store=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}/store-$n
results=$(mktemp)
for r in $(seq 1 "$rounds"); do
  order=("${bins[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#bins[@]} - 1; i >= 0; i--)); do order+=("${bins[i]}"); done
  fi
  for b in "${order[@]}"; do
    d=${TMPDIR:-/tmp}/feedd-ab-cold-$(echo "$b" | md5sum | cut -c1-6)
    mkdir -p "$d"
    sed -e "s#index = .*#index = \"$d/store.index\"#" "$store/feedd.toml" >"$d/feedd.toml"
    rm -rf "$d"/store.index* "$d/out"
    sync
    t0=$EPOCHREALTIME
    /usr/bin/time -o "$d/t" -f "%U %S %M" "$b" build --config "$d/feedd.toml" --out "$d/out" \
      >/dev/null 2>&1
    t1=$EPOCHREALTIME
    read -r user sys rss <"$d/t"
    line=$(awk -v b="$b" -v t0="$t0" -v t1="$t1" -v u="$user" -v s="$sys" -v m="$rss" \
      'BEGIN { printf "%s wall %.3f cpu %.2f rss_kb %d", b, t1 - t0, u + s, m }')
    echo "round $r $line load $(cut -d' ' -f1 /proc/loadavg)"
    echo "$line" >>"$results"
  done
done
for b in "${bins[@]}"; do
  awk -v b="$b" -f "$(dirname "$0")/medians.awk" "$results"
done
rm -f "$results"
