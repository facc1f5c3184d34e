#!/bin/bash
# bench/ab/edit.sh ROUNDS N BIN... — feedd binaries side by side on the one-file rebuild, not
# a peer comparison: each binary keeps its own index and output directory (a built file's
# digest includes the executable, so they cannot share one) and first builds them once
# (not counted); then, per round, one Markdown post of the N-post bench store gets a line
# appended and each binary, in turn, rebuilds (`feedd build --out`). Prints wall, CPU
# (user + sys) and peak RSS of every run, then the medians. Needs the store `bench/run.sh
# build` generates (BENCH_WORK, default bench/work); the edited post keeps its appended lines.
set -euo pipefail
rounds=$1 size=$2
shift 2
store=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}/store-$size
post=$(find "$store/posts" -name '*.md' | sort | awk 'NR == 1')
for b in "$@"; do
  d=${TMPDIR:-/tmp}/feedd-ab-edit-$(echo "$b" | md5sum | cut -c1-6)
  mkdir -p "$d"
  sed -e "s#index = .*#index = \"$d/store.index\"#" "$store/feedd.toml" >"$d/feedd.toml"
  "$b" build --config "$d/feedd.toml" --out "$d/out" >/dev/null 2>&1 || true
done
log=$(mktemp)
for r in $(seq 1 "$rounds"); do
  echo "edit $r $(date +%s%N)" >>"$post"
  for b in "$@"; do
    d=${TMPDIR:-/tmp}/feedd-ab-edit-$(echo "$b" | md5sum | cut -c1-6)
    /usr/bin/time -o "$d/t" -f "%e %U %S %M" "$b" build --config "$d/feedd.toml" \
      --out "$d/out" >/dev/null 2>&1 || true
    read -r wall user sys rss <"$d/t"
    line="$b wall $wall cpu $(echo "$user $sys" | awk '{print $1 + $2}') rss_kb $rss"
    echo "round $r $line load $(cut -d' ' -f1 /proc/loadavg)"
    echo "$line" >>"$log"
  done
done
for b in "$@"; do
  awk -v b="$b" -f "$(dirname "$0")/medians.awk" "$log"
done
rm -f "$log"
