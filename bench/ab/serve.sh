#!/bin/bash
# bench/ab/serve.sh ROUNDS BIN... — two (or more) feedd binaries side by side, not a peer
# comparison: per round and binary, a fresh `feedd serve` (its own index) of the serve
# stage's configuration, wrk 5 s of 304 revalidations (If-None-Match, gzip) then 5 s of
# 200 gzip; prints req/s and feedd's CPU microseconds per request (from /proc/PID/stat),
# which a shared machine disturbs less than req/s, split into user (feedd's own code: the
# least disturbed) and sys. The first binary of a round tends to do better: alternate the
# order between runs. Needs bench/run.sh serve to have written $BENCH_WORK/serve/feedd.toml
# (BENCH_WORK, default bench/work).
n=$1; shift
work=${BENCH_WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}
tck=$(getconf CLK_TCK)
for b in "$@"; do
  tag=$(echo $b | md5sum | cut -c1-6); d=${TMPDIR:-/tmp}/feedd-ab-serve-$tag; mkdir -p $d
  sed -e "s#index = .*#index = \"$d/store.index\"#" $work/serve/feedd.toml > $d/feedd.toml
done
for r in $(seq 1 $n); do
  for b in "$@"; do
    tag=$(echo $b | md5sum | cut -c1-6); d=${TMPDIR:-/tmp}/feedd-ab-serve-$tag
    $b serve --config $d/feedd.toml > $d/serve.log 2>&1 & pid=$!
    for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:18480/en/atom.xml && break; sleep 0.1; done
    etag=$(curl -sI -H 'Accept-Encoding: gzip' http://127.0.0.1:18480/en/atom.xml | grep -i etag | cut -d' ' -f2 | tr -d '\r')
    out=""
    for case in 304 gzip; do
      h=(-H 'Accept-Encoding: gzip'); [[ $case == 304 ]] && h+=(-H "If-None-Match: $etag")
      t0=($(awk '{print $14, $15}' /proc/$pid/stat))
      res=$(wrk -t2 -c64 -d5s "${h[@]}" http://127.0.0.1:18480/en/atom.xml)
      t1=($(awk '{print $14, $15}' /proc/$pid/stat))
      req=$(echo "$res" | awk '/requests in/ {print $1}'); rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
      out+=" $case rps $rps us/req $(awk -v u0=${t0[0]} -v s0=${t0[1]} -v u1=${t1[0]} -v s1=${t1[1]} -v n=$req -v t=$tck 'BEGIN {printf "%.2f (user %.2f, sys %.2f)", (u1+s1-u0-s0)/t*1e6/n, (u1-u0)/t*1e6/n, (s1-s0)/t*1e6/n}')"
    done
    echo "$b$out load $(cut -d' ' -f1 /proc/loadavg)"
    kill $pid; wait $pid 2>/dev/null
  done
done
