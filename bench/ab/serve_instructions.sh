#!/bin/bash
# bench/ab/serve_instructions.sh BIN... — user-space instructions feedd executes per request
# it serves, per binary, counted by valgrind's callgrind: for each case (304 revalidation with
# If-None-Match and gzip, 200 gzip, 200 identity) a `feedd serve` of the serve stage's store
# under callgrind gets `wrk -t1 -c8` for BENCH_IR_SECONDS (default 10); the counters are
# zeroed once the server is up and dumped after the load, and the instructions are divided
# by the requests feedd counted (feedd_http_requests_total, from /metrics, before and after).
# Why: the serve stage's req/s moves ±10 % between runs on this shared VM, and feedd's own
# user time is a third of a 304's CPU, so a change of a few per cent of it cannot show there;
# the instruction count does not move with the other tenants. What it does not count: the
# kernel's work (two thirds of a 304), waiting, and cache misses; under valgrind the threads
# run one at a time, so lock contention is not seen either. Keeps each profile in
# $TMPDIR/feedd-ab-sir-*.out for callgrind_annotate. Needs valgrind and wrk, and bench/run.sh
# serve to have written $BENCH_WORK/serve/feedd.toml (BENCH_WORK, default bench/work).
set -euo pipefail
work=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}
seconds=${BENCH_IR_SECONDS:-10}
port=18490
url=http://127.0.0.1:$port/en/atom.xml
requests_served() {
  curl -s "http://127.0.0.1:$port/metrics" |
    awk '/^feedd_http_requests_total/ {n += $NF} END {printf "%d\n", n}'
}
for b in "$@"; do
  tag=$(echo "$b" | md5sum | cut -c1-6)
  d=${TMPDIR:-/tmp}/feedd-ab-sir-$tag
  mkdir -p "$d"
  sed -e "s#index = .*#index = \"$d/store.index\"#" \
    -e "s#^listen = .*#listen = [\"127.0.0.1:$port\"]#" "$work/serve/feedd.toml" >"$d/feedd.toml"
  for case in 304 gzip identity; do
    out=$d/$case.out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$b" serve --config "$d/feedd.toml" \
      >"$d/serve-$case.log" 2>&1 &
    pid=$!
    for _ in $(seq 600); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
    headers=()
    [[ $case != identity ]] && headers+=(-H 'Accept-Encoding: gzip')
    if [[ $case == 304 ]]; then
      etag=$(curl -sI -H 'Accept-Encoding: gzip' "$url" | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
      headers+=(-H "If-None-Match: $etag")
    fi
    wrk -t1 -c8 -d1s "${headers[@]}" "$url" >/dev/null  # warm: connections, buffers, caches
    before=$(requests_served)
    callgrind_control -z "$pid" >/dev/null
    wrk -t1 -c8 -d"${seconds}s" "${headers[@]}" "$url" >"$d/wrk-$case.txt"
    callgrind_control -d "$pid" >/dev/null
    after=$(requests_served)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    # The dump made by -d is the one with the highest part number.
    dump=$(ls -v "$out".* 2>/dev/null | tail -1)
    total=$(awk '/^totals:/ {print $2}' "$dump")
    printf '%s %s requests %d instructions %d per request %.0f\n' "$b" "$case" \
      $((after - before)) "$total" "$(echo "$total / ($after - $before)" | bc -l)"
    rm -f "$out"
    mv "$dump" "$out"
    rm -f "$out".*
  done
done
