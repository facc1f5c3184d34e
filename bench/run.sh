#!/usr/bin/env bash
# feedd benchmarks. Usage: bench/run.sh [STAGE...]   (no stage: all of them)
#
# Stages (one function stage_<name> each; add a stage by writing the function and listing
# it in STAGES):
#   build   feedd build (cold: no index, empty output; warm: index and output kept, nothing
#           changed; edit: one post edited) and Hugo's build of the same posts (full: no
#           caches; edit: one post edited, destination and cache kept), per store size;
#           medians, CPU time, peak RSS, targets.
#   serve   feedd serve vs nginx (gzip_static, sendfile, open_file_cache, same bytes from
#           disk) and vs the ceiling (bench/ceiling.c: one prebuilt response per request, no
#           parsing) under wrk on loopback: 200 gzip, 200 identity, 304 revalidation; all
#           three alternating; req/s, p99, feedd/nginx and feedd/ceiling.
#   latency edit one post of a live feedd serve, time until the new ETag is served (50 edits,
#           p50/p99/max), next to Hugo's full rebuild after the same edit; ratio, targets.
#   delta   a simulated day of polling by newsboat-like readers (bench/delta.py): one new post,
#           a poll every 30 min, BENCH_DELTA_CLIENTS readers with A-IM: feed (RFC 3229 deltas)
#           and as many without; bytes on the wire of each, and their ratio.
#   polite  the 304 path (If-None-Match GET of the serve store's /en/atom.xml under wrk) of two
#           feedd serve side by side, polite polling off (server.min_poll_s = 0) and on (60),
#           alternating; req/s medians and the on/off ratio (goal >= 0.95).
#   websub  edit -> delivered to BENCH_WEBSUB_SUBSCRIBERS subscribers of the built-in hub on
#           loopback (bench/websub.py): p50/p99 from the file save to the last delivery (goal
#           p99 <= 1 s), the subscribers played by one Python asyncio process (16 addresses
#           127.0.1.x) that checks every delivered body. Then (BENCH_WEBSUB_CHEAP=1) those
#           unsubscribe and as many callbacks on one nginx (1 worker, 16 addresses 127.0.2.x,
#           POST -> 204, GET -> its hub.challenge echoed) subscribe: BENCH_WEBSUB_COST_EDITS
#           edits alone (feedd CPU ms per edit from /proc, whole process and its
#           feedd-outbound thread; edit -> all delivered, from /metrics), then the 304 path
#           under wrk while edits follow each other as fast as they are delivered vs idle,
#           alternating rounds (goal >= 0.9), with deliveries/s and feedd CPU per round.
#           Nothing is pinned: feedd, wrk, nginx and Python share the machine's cores.
#   abuse   feedd serve (2 threads) next to nginx (2 workers): 10,000 idle keep-alive
#           connections (RSS per connection), 1,000 slowloris clients (a normal client's
#           p99), clients that never read a ~5 MB answer (feedd only), 100 pipelined
#           requests then a half-close (bench/abuse.py); 3 runs, medians, targets.
#   varnish two feedd replicas behind Varnish (etc/varnish/feedd.vcl, [cache] purge): wrk
#           through Varnish vs direct (304, 200 gzip; alternating; medians, ratios); what one
#           edit costs the replicas (requests after the purge, time until served through
#           Varnish); the hit ratio over a simulated day of 10,000 readers (bench/varnish.py).
#   curve   the scaling curve (issue 12): per size in BENCH_CURVE_SIZES, a mixed-format store
#           (gen_store.py --mixed: Markdown, page text, Movable Type export; ja and en): cold
#           build, one-file-changed rebuild, then feedd serve on that index: edit -> served
#           p50/p99 (bench/latency.py) and the part after the debounce, serve RSS (/proc),
#           index size; table, growth exponents, plot bench/curve.png (gnuplot, log-log).
#           Keeps each size's row in $BENCH_WORK/curve/N.row: a later run of other sizes adds
#           to the same table and plot (delete that folder to start afresh).
#
# Environment:
#   BENCH_REPS=5               repetitions per measurement (the median is reported)
#   BENCH_SIZES="10000 100000" store sizes (posts, half ja and half en)
#   BENCH_NICE=10              niceness of everything this script runs (shared machine)
#   BENCH_TIMEOUT=900          seconds before a single run is killed
#   BENCH_FEEDD=path           use this feedd binary instead of building build-bench/feedd
#   BENCH_REV=HEAD             build that commit (git archive into the work dir) instead of
#                              the working tree (which may hold others' unfinished edits)
#   BENCH_HUGO=0               skip Hugo
#   BENCH_WORK=bench/work      generated stores, outputs, logs and results (gitignored)
#   BENCH_SERVE_POSTS=1000     store size for the serve stage
#   BENCH_SERVE_THREADS=2      feedd server.threads = nginx worker_processes = ceiling threads
#   BENCH_SERVE_CONNS=64       wrk connections;  BENCH_SERVE_SECONDS=10 per wrk run
#   BENCH_SERVE_WRK_THREADS=2  wrk threads (the load generator shares the machine)
#   BENCH_LATENCY_POSTS=100000 store size for the latency stage
#   BENCH_LATENCY_EDITS=50     edits timed against feedd serve
#   BENCH_LATENCY_TAGS=0       each post also gets one of that many more tags (issue 13: 5000)
#   BENCH_LATENCY_HUGO_EDITS=5 edits timed against Hugo (a full build each; the median counts)
#   BENCH_LATENCY_HUGO_SERVER=1  also time `hugo server --disableFastRender` (its watcher)
#   BENCH_DELTA_POSTS=1000     store size for the delta stage
#   BENCH_DELTA_CLIENTS=1000   readers per population;  BENCH_DELTA_PATH=/atom.xml
#   BENCH_WEBSUB_POSTS=1000    store size;  BENCH_WEBSUB_SUBSCRIBERS=1000
#   BENCH_WEBSUB_EDITS=20      edits timed;  BENCH_WEBSUB_ROUNDS=5 wrk rounds idle / busy
#   BENCH_WEBSUB_CHEAP=1       nginx subscribers for the cost and throughput parts (0: the
#                              Python ones stay);  BENCH_WEBSUB_COST_EDITS=10
#   BENCH_WEBSUB_RECEIVER_IDLE=0  1: those nginx subscribers run at idle CPU priority
#                              (chrt --idle), so that on a machine whose cores wrk and feedd
#                              fill, the busy/idle ratio shows what the deliveries cost feedd
#                              rather than what receiving 1,000 feeds costs the receivers (a
#                              diagnostic beside the default run, not a replacement for it)
#   BENCH_ABUSE_REPS=3         runs of the abuse stage (servers restarted for each)
#   BENCH_ABUSE_POSTS=1000     store size for the idle, slowloris and pipeline cases
#   BENCH_ABUSE_IDLE=10000     idle connections;  BENCH_ABUSE_SLOWLORIS=1000 slow clients
#   BENCH_ABUSE_TIMEOUT=30     feedd server.timeout_s = nginx's timeouts (seconds)
#   BENCH_ABUSE_BIG_POSTS=4000 BENCH_ABUSE_BIG_ENTRIES=1550 BENCH_ABUSE_BIG_PATH=/atom.xml
#                              the store, feeds.entries and path of the never-read answer
#   BENCH_ABUSE_NOREAD_CLIENTS=100  clients that never read it
#   BENCH_ABUSE_CAP=1          also the slowloris clients against servers limited to that
#                              many connections (0: skip)
#   BENCH_VARNISH_POSTS=1000   store size for the varnish stage
#   BENCH_VARNISH_READERS=10000  simulated readers;  BENCH_VARNISH_EDITS=10 edits timed
#   BENCH_VARNISH_INTERVAL=6   real seconds per simulated 30 minutes (feedd max_age_s 1 = 300 s)
#   BENCH_VARNISH_INTERVALS=48 intervals of the simulated day
#   BENCH_VARNISH_PARTS="throughput edit day"  which parts of the varnish stage run
#   BENCH_CURVE_SIZES="1000 10000 100000 1000000"  store sizes of the curve stage ("": no
#                              new measurement, only the report and plot of the kept rows)
#   BENCH_CURVE_COLD_REPS=3    cold builds per size (default BENCH_CURVE_REPS; the median)
#   BENCH_CURVE_REPS=3         one-file-changed rebuilds per size (the median)
#   BENCH_CURVE_EDITS=50       edits timed against feedd serve per size
#   BENCH_CURVE_TIMEOUT=3600   seconds before one build or the serve start-up is given up
#   BENCH_CURVE_PLOT=bench/curve.png  where the plot goes
#
# It is a report: it exits 0 whether targets pass or fail (2 only for a bad command line).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=${BENCH_WORK:-$BENCH_DIR/work}
REPS=${BENCH_REPS:-5}
SIZES=${BENCH_SIZES:-"10000 100000"}
NICE=${BENCH_NICE:-10}
TIMEOUT=${BENCH_TIMEOUT:-900}
BUILD_DIR=$ROOT/build-bench
FEEDD=${BENCH_FEEDD:-}
FEEDD_NOTE=""
REV=${BENCH_REV:-}
RUN_HUGO=${BENCH_HUGO:-1}
STAGES=(build serve latency delta websub abuse polite varnish curve)

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
warn() { log "WARNING: $*"; }

# ---------------------------------------------------------------- shared helpers

# ensure_packages CMD:PACKAGE... — apt-get installs the packages whose command is missing.
ensure_packages() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get install -y "${missing[@]}" >"$WORK/logs/apt.log" 2>&1 ||
    { "${sudo[@]}" apt-get update >>"$WORK/logs/apt.log" 2>&1 &&
      "${sudo[@]}" apt-get install -y "${missing[@]}" >>"$WORK/logs/apt.log" 2>&1; } ||
    warn "apt-get install ${missing[*]} failed (see $WORK/logs/apt.log)"
}

# build_feedd — sets FEEDD to a Release binary, or to "" when there is none to measure.
# BENCH_REV=<commit> builds that commit (exported with git archive into $WORK/src-<rev>)
# instead of the working tree, which may hold someone's half-finished edits.
build_feedd() {
  if [[ -n $FEEDD ]]; then
    [[ -x $FEEDD ]] || { warn "BENCH_FEEDD=$FEEDD is not executable"; FEEDD=""; }
    FEEDD_NOTE="given with BENCH_FEEDD"
    return 0
  fi
  local src=$ROOT build=$BUILD_DIR rev
  if [[ -n $REV ]]; then
    rev=$(git -C "$ROOT" rev-parse --short "$REV") || { warn "bad BENCH_REV=$REV"; return 0; }
    src=$WORK/src-$rev build=$WORK/src-$rev/build-bench
    if [[ ! -d $src ]]; then
      mkdir -p "$src" && git -C "$ROOT" archive "$rev" | tar -x -C "$src" ||
        { warn "git archive $rev failed"; rm -rf "$src"; return 0; }
    fi
    FEEDD_NOTE="commit $rev"
  else
    FEEDD_NOTE="working tree at $(git -C "$ROOT" rev-parse --short HEAD)"
    [[ -n $(git -C "$ROOT" status --porcelain -- ':!bench' 2>/dev/null) ]] &&
      FEEDD_NOTE+=" plus uncommitted changes"
  fi
  if [[ ! -f $src/daemon/main.cpp ]]; then
    warn "daemon/main.cpp does not exist yet: no feedd binary, measuring Hugo only"
    return 0
  fi
  log "building feedd (Release) in $build"
  local launcher=()  # ccache (shared by the worktrees) when installed: a rebuild is cheap
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if nice -n "$NICE" cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DFEEDD_BUILD_TESTS=OFF "${launcher[@]}" >"$WORK/logs/cmake.log" 2>&1 &&
     nice -n "$NICE" cmake --build "$build" >>"$WORK/logs/cmake.log" 2>&1; then
    FEEDD=$build/feedd
  elif [[ -x $build/feedd ]]; then
    warn "feedd did not build (see $WORK/logs/cmake.log): measuring the previous binary"
    FEEDD=$build/feedd
    FEEDD_NOTE+="; STALE: rebuild failed, binary of $(date -u -r "$FEEDD" '+%H:%M UTC')"
  else
    warn "feedd did not build (see $WORK/logs/cmake.log): measuring Hugo only"
    grep -m 5 -E 'error|FAILED' "$WORK/logs/cmake.log" >&2
  fi
}

# make_store N [T] [MIXED] — $WORK/store-N/{posts,hugo,feedd.toml} (with T > 0 extra tags:
# $WORK/store-N-tT, see gen_store.py --tags; with MIXED=1: $WORK/store-N-mixed, Markdown, page
# text and Movable Type export, no Hugo site, see gen_store.py --mixed), regenerated only
# when N or the generator changed.
make_store() {
  local n=$1 tags=${2:-0} mixed=${3:-0} dir=$WORK/store-$1
  ((tags > 0)) && dir+=-t$tags
  ((mixed)) && dir+=-mixed
  local stamp gen=(--hugo "$dir/hugo")
  stamp="$n $(sha256sum "$BENCH_DIR/gen_store.py" | cut -d' ' -f1)"
  ((tags > 0)) && stamp+=" tags $tags"
  ((mixed)) && stamp+=" mixed" gen=(--mixed)
  if [[ ! -f $dir/stamp || $(cat "$dir/stamp") != "$stamp" ]]; then
    log "generating $n posts in $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    nice -n "$NICE" python3 "$BENCH_DIR/gen_store.py" "$n" "$dir/posts" "${gen[@]}" \
      --tags "$tags" ||
      { warn "gen_store.py failed"; return 1; }
    echo "$stamp" >"$dir/stamp"
  fi
  cat >"$dir/feedd.toml" <<EOF
# Generated by bench/run.sh.
[site]
base_url = "https://blog.example.org/"
author = "Bench Author"
timezone = "Asia/Tokyo"
default_language = "ja"

[languages.ja]
title = "ブログ"
description = "feedd benchmark"

[languages.en]
title = "Blog (English)"
description = "feedd benchmark"
markers = ["[Eng]", "[EN]"]

[store]
path = "$dir/posts"
index = "$dir/store.index"

[feeds]
entries = 20
EOF
}

# measure LOGFILE CMD... — runs CMD niced under /usr/bin/time -v; prints
# "<wall seconds> <max RSS kB> <exit status> <CPU seconds (user + sys)>". CMD's output goes
# to LOGFILE. CPU time says how much work was done even when other jobs steal the cores.
measure() {
  local logfile=$1 tf t0 t1 rss rc cpu
  shift
  tf=$(mktemp)
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$tf" timeout "$TIMEOUT" nice -n "$NICE" "$@" >"$logfile" 2>&1
  rc=$?
  t1=$EPOCHREALTIME
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {print s + 0}' "$tf")
  rm -f "$tf"
  awk -v a="$t0" -v b="$t1" -v r="${rss:-0}" -v c="$rc" -v u="$cpu" \
    'BEGIN {printf "%.4f %d %d %.2f\n", b - a, r, c, u}'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g |
  awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
       else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1; }
items() { grep -oE '<item[ >]' "$1" 2>/dev/null | wc -l; }
entries() { grep -oE '<entry[ >]' "$1" 2>/dev/null | wc -l; }

# ---------------------------------------------------------------- stage: build

# edit_post N RUN — appends a sentence to one post (the same file each time), in feedd's store
# and in Hugo's copy: "one file changed", what a site owner's next build usually has.
edit_post() {
  local dir=$WORK/store-$1 f h x
  f=$(find "$dir/posts" -type f -name '*.md' | sort | head -n 1)
  h=$(find "$dir/hugo/content" -type f -name "$(basename "$f")" 2>/dev/null | head -n 1)
  for x in "$f" "$h"; do
    [[ -n $x ]] && printf '\nEdited for run %s.\n' "$2" >>"$x"
  done
}

# feedd_run N cold|warm|edit LOG — one build into $dir/out. cold: no index, empty output
# directory; warm: index and output kept, nothing changed; edit: kept, one post edited.
feedd_run() {
  local dir=$WORK/store-$1
  if [[ $2 == cold ]]; then
    rm -f "$dir/store.index" "$dir/store.index-wal" "$dir/store.index-shm"
    rm -rf "$dir/out"
  fi
  [[ $2 == edit ]] && edit_post "$1" "feedd-$RANDOM"
  measure "$3" "$FEEDD" build --config "$dir/feedd.toml" --out "$dir/out"
}

# hugo_run N full|edit LOG — full: fresh destination, no caches; edit: one post edited,
# destination and --cacheDir kept (Hugo's own warm case).
hugo_run() {
  local dir=$WORK/store-$1
  local cache=(--ignoreCache)
  if [[ $2 == full ]]; then
    rm -rf "$dir/public" "$dir/hugo-cache" "$dir/hugo/resources"
  else
    edit_post "$1" "hugo-$RANDOM"
    cache=()
  fi
  rm -f "$dir/hugo/.hugo_build.lock"
  measure "$3" hugo --quiet --source "$dir/hugo" --destination "$dir/public" \
    --cacheDir "$dir/hugo-cache" "${cache[@]}"
}

# check_outputs N — sanity checks of one feedd and one Hugo build (not timed).
check_outputs() {
  local n=$1 dir=$WORK/store-$1 want l half
  want=$(( (n + 1) / 2 < 20 ? (n + 1) / 2 : 20 ))
  if [[ -n $FEEDD ]]; then
    for l in ja en; do
      [[ -f $dir/out/$l/rss.xml ]] || { warn "feedd wrote no $l/rss.xml"; continue; }
      [[ $(items "$dir/out/$l/rss.xml") == "$want" ]] ||
        warn "feedd $l/rss.xml has $(items "$dir/out/$l/rss.xml") items, expected $want"
    done
    [[ -f $dir/out/atom.xml ]] || warn "feedd wrote no atom.xml"
    [[ -f $dir/out/atom.xml && $(entries "$dir/out/atom.xml") != 20 ]] &&
      warn "feedd atom.xml has $(entries "$dir/out/atom.xml") entries, expected 20"
  fi
  if ((RUN_HUGO)); then
    for l in ja en; do
      [[ -f $dir/public/$l/index.xml ]] || { warn "Hugo wrote no $l/index.xml"; continue; }
      [[ $(items "$dir/public/$l/index.xml") == "$want" ]] ||
        warn "Hugo $l/index.xml has $(items "$dir/public/$l/index.xml") items, expected $want"
      half=$(( n / 2 )); [[ $l == ja ]] && half=$(( (n + 1) / 2 ))
      grep -q "<!-- posts: $half -->" "$dir/public/$l/index.xml" ||
        warn "Hugo $l saw $(grep -o 'posts: [0-9]*' "$dir/public/$l/index.xml"), expected half of $n"
    done
  fi
  return 0
}

declare -A RESULT  # RESULT[N,key] = value

bench_size() {
  local n=$1 dir=$WORK/store-$1 i r kind rc_bad=0
  local logs=$WORK/logs/build-$n
  make_store "$n" || return 0
  mkdir -p "$logs"
  RESULT[$n,load0]=$(cut -d' ' -f1-3 /proc/loadavg)

  if [[ -n $FEEDD ]]; then
    log "$n posts: feedd warm-up (page cache; output checks)"
    r=($(feedd_run "$n" cold "$logs/feedd-warmup.log"))
    RESULT[$n,feedd_rc]=${r[2]}
    ((r[2] == 0)) || warn "feedd build exited ${r[2]} (see $logs/feedd-warmup.log)"
    for kind in cold warm edit; do
      for ((i = 1; i <= REPS; i++)); do
        r=($(feedd_run "$n" "$kind" "$logs/feedd-$kind-$i.log"))
        log "$n posts: feedd $kind #$i: ${r[0]} s (CPU ${r[3]} s), ${r[1]} kB, exit ${r[2]}"
        RESULT[$n,${kind}_all]+=" ${r[0]}"; RESULT[$n,${kind}_rss]+=" ${r[1]}"
        RESULT[$n,${kind}_cpu]+=" ${r[3]}"
        ((r[2] == 0)) || rc_bad=1
      done
      RESULT[$n,$kind]=$(echo "${RESULT[$n,${kind}_all]}" | median)
      RESULT[$n,${kind}_cpu]=$(echo "${RESULT[$n,${kind}_cpu]}" | median)
      RESULT[$n,${kind}_rss]=$(echo "${RESULT[$n,${kind}_rss]}" | maximum)
    done
    ((rc_bad)) && warn "$n posts: some feedd runs exited non-zero (logs in $logs)"
  fi

  if ((RUN_HUGO)); then
    log "$n posts: Hugo warm-up"
    r=($(hugo_run "$n" full "$logs/hugo-warmup.log"))
    ((r[2] == 0)) || warn "hugo exited ${r[2]} (see $logs/hugo-warmup.log)"
    for kind in full edit; do
      for ((i = 1; i <= REPS; i++)); do
        r=($(hugo_run "$n" "$kind" "$logs/hugo-$kind-$i.log"))
        log "$n posts: hugo $kind #$i: ${r[0]} s (CPU ${r[3]} s), ${r[1]} kB, exit ${r[2]}"
        RESULT[$n,hugo_${kind}_all]+=" ${r[0]}"; RESULT[$n,hugo_${kind}_rss]+=" ${r[1]}"
        RESULT[$n,hugo_${kind}_cpu]+=" ${r[3]}"
      done
      RESULT[$n,hugo_$kind]=$(echo "${RESULT[$n,hugo_${kind}_all]}" | median)
      RESULT[$n,hugo_${kind}_cpu]=$(echo "${RESULT[$n,hugo_${kind}_cpu]}" | median)
      RESULT[$n,hugo_${kind}_rss]=$(echo "${RESULT[$n,hugo_${kind}_rss]}" | maximum)
    done
  fi
  # The last runs of each tool left their outputs in place.
  check_outputs "$n"
  RESULT[$n,load1]=$(cut -d' ' -f1-3 /proc/loadavg)
}

fmt_s() { [[ -n ${1:-} ]] && awk -v v="$1" 'BEGIN {printf "%.3f s", v}' || echo "n/a"; }
fmt_mb() { [[ -n ${1:-} ]] && awk -v v="$1" 'BEGIN {printf "%.1f MB", v / 1024}' || echo "n/a"; }
ratio() { [[ -n ${1:-} && -n ${2:-} ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a / b}' || echo "n/a"; }

# verdict NAME VALUE OP LIMIT — PASS/FAIL/SKIP line for a target.
verdict() {
  local name=$1 value=$2 op=$3 limit=$4 shown=${5:-$2}
  if [[ -z $value ]]; then printf '  SKIP  %s (not measured)\n' "$name"; return; fi
  if awk -v v="$value" -v l="$limit" -v op="$op" \
       'BEGIN {exit !((op == "<" && v < l) || (op == "<=" && v <= l) || (op == ">=" && v >= l))}'; then
    printf '  PASS  %s: %s\n' "$name" "$shown"
  else
    printf '  FAIL  %s: %s\n' "$name" "$shown"
  fi
}

report_build() {
  local n big max_rss="" v
  echo "## build — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_REPS=$REPS, BENCH_NICE=$NICE)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-not built})"
  echo "- hugo: $( ((RUN_HUGO)) && hugo version 2>/dev/null | cut -d' ' -f1-2 || echo skipped)"
  echo
  echo "feedd: cold = no index, empty output directory; warm = index and output kept, nothing"
  echo "changed; edit = the same, one post edited. Hugo: full = fresh destination, no caches;"
  echo "edit = one post edited, destination and cacheDir kept. Wall-time medians of $REPS runs."
  echo
  echo "| posts | feedd cold | feedd warm | feedd edit | hugo full | hugo edit | hugo full / feedd cold | hugo edit / feedd edit | peak RSS feedd / hugo | load avg before → after |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for n in $SIZES; do
    local feedd_rss=""
    for v in "${RESULT[$n,cold_rss]:-}" "${RESULT[$n,warm_rss]:-}" "${RESULT[$n,edit_rss]:-}"; do
      [[ -n $v ]] && { [[ -z $feedd_rss ]] || ((v > feedd_rss)); } && feedd_rss=$v
    done
    echo "| $n | $(fmt_s "${RESULT[$n,cold]:-}") | $(fmt_s "${RESULT[$n,warm]:-}")" \
         "| $(fmt_s "${RESULT[$n,edit]:-}") | $(fmt_s "${RESULT[$n,hugo_full]:-}")" \
         "| $(fmt_s "${RESULT[$n,hugo_edit]:-}")" \
         "| $(ratio "${RESULT[$n,hugo_full]:-}" "${RESULT[$n,cold]:-}")" \
         "| $(ratio "${RESULT[$n,hugo_edit]:-}" "${RESULT[$n,edit]:-}")" \
         "| $(fmt_mb "$feedd_rss") / $(fmt_mb "${RESULT[$n,hugo_full_rss]:-}")" \
         "| ${RESULT[$n,load0]:-} → ${RESULT[$n,load1]:-} |"
    [[ -n $feedd_rss ]] && { [[ -z $max_rss ]] || ((feedd_rss > max_rss)); } && max_rss=$feedd_rss
  done
  echo
  echo "CPU time (user + sys), medians — less disturbed by other load than wall time:"
  echo
  echo "| posts | feedd cold | feedd warm | feedd edit | hugo full | hugo edit | hugo full / feedd cold |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for n in $SIZES; do
    echo "| $n | $(fmt_s "${RESULT[$n,cold_cpu]:-}") | $(fmt_s "${RESULT[$n,warm_cpu]:-}")" \
         "| $(fmt_s "${RESULT[$n,edit_cpu]:-}") | $(fmt_s "${RESULT[$n,hugo_full_cpu]:-}")" \
         "| $(fmt_s "${RESULT[$n,hugo_edit_cpu]:-}")" \
         "| $(ratio "${RESULT[$n,hugo_full_cpu]:-}" "${RESULT[$n,cold_cpu]:-}") |"
  done
  echo
  echo "All runs (wall seconds):"
  echo
  for n in $SIZES; do
    echo "- $n: feedd cold [${RESULT[$n,cold_all]:-}], warm [${RESULT[$n,warm_all]:-}]," \
         "edit [${RESULT[$n,edit_all]:-}]; hugo full [${RESULT[$n,hugo_full_all]:-}]," \
         "edit [${RESULT[$n,hugo_edit_all]:-}]"
  done
  echo
  echo "Targets (issue 12: a cold build 3x faster, peak memory no higher):"
  echo
  echo '```'
  verdict "100k cold build <= 2 s" "${RESULT[100000,cold]:-}" "<=" 2 \
    "$(fmt_s "${RESULT[100000,cold]:-}")"
  verdict "100k warm build < 1 s" "${RESULT[100000,warm]:-}" "<" 1 \
    "$(fmt_s "${RESULT[100000,warm]:-}")"
  verdict "feedd peak RSS < 256 MB (all sizes)" "$max_rss" "<" $((256 * 1024)) \
    "$(fmt_mb "$max_rss")"
  v=""
  [[ -n ${RESULT[10000,hugo_full]:-} && -n ${RESULT[10000,cold]:-} ]] &&
    v=$(awk -v a="${RESULT[10000,hugo_full]}" -v b="${RESULT[10000,cold]}" 'BEGIN {print a / b}')
  verdict "10k cold build >= 20x faster than Hugo" "$v" ">=" 20 \
    "$(ratio "${RESULT[10000,hugo_full]:-}" "${RESULT[10000,cold]:-}")"
  echo '```'
}

stage_build() {
  local n out
  ensure_packages hugo:hugo /usr/bin/time:time python3:python3 cmake:cmake ninja:ninja-build
  build_feedd
  command -v hugo >/dev/null || { warn "no hugo: skipping Hugo"; RUN_HUGO=0; }
  for n in $SIZES; do bench_size "$n"; done
  out=$WORK/results-build-$(date -u +%Y%m%dT%H%M%SZ).md
  report_build | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

# ---------------------------------------------------------------- stage: serve

SERVE_POSTS=${BENCH_SERVE_POSTS:-1000}
SERVE_THREADS=${BENCH_SERVE_THREADS:-2}
SERVE_CONNS=${BENCH_SERVE_CONNS:-64}
SERVE_SECONDS=${BENCH_SERVE_SECONDS:-10}
SERVE_WRK_THREADS=${BENCH_SERVE_WRK_THREADS:-2}
SERVE_PATH=/en/atom.xml
declare -A SERVE  # SERVE[server,case] = "rps p99_ms bad;" per run, appended

# to_ms VALUE — wrk's "812.00us" / "1.23ms" / "1.01s" in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
  else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# wrk_run URL LOG [HEADER...] — prints "<requests/s> <p99 ms> <non-2xx/3xx count>".
wrk_run() {
  local url=$1 logfile=$2 args=() h rps p99 bad
  shift 2
  for h in "$@"; do args+=(-H "$h"); done
  wrk -t"$SERVE_WRK_THREADS" -c"$SERVE_CONNS" -d"${SERVE_SECONDS}s" --latency "${args[@]}" \
    "$url" >"$logfile" 2>&1
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$logfile")
  p99=$(awk '$1 == "99%" {print $2}' "$logfile")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$logfile")
  echo "${rps:-0} $(to_ms "${p99:-0}") ${bad:-0}"
}

# wait_port PORT — until something answers on 127.0.0.1:PORT (5 s at most).
wait_port() {
  local i
  for i in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  return 1
}

# nginx_conf DIR WWW PORT — nginx serving WWW like a tuned static server would.
nginx_conf() {
  local dir=$1 www=$2 port=$3
  printf '%s\n' \
    "worker_processes $SERVE_THREADS;" \
    "daemon off;" \
    "pid $dir/nginx.pid;" \
    "error_log $dir/error.log warn;" \
    "events { worker_connections 4096; }" \
    "http {" \
    "  types { application/atom+xml xml; }" \
    "  default_type application/octet-stream;" \
    "  access_log off;" \
    "  sendfile on;" \
    "  tcp_nopush on;" \
    "  open_file_cache max=64 inactive=60s;" \
    "  open_file_cache_valid 60s;" \
    "  gzip_static on;" \
    "  etag on;" \
    "  keepalive_requests 100000000;" \
    "  client_body_temp_path $dir/tmp;" \
    "  server {" \
    "    listen 127.0.0.1:$port;" \
    "    root $www;" \
    "    add_header Cache-Control \"public, max-age=300\";" \
    "  }" \
    "}"
}

# serve_target SERVER [CASE] — sets port and etag for feedd, nginx or the ceiling (one
# ceiling process per case, each answering with feedd's bytes for that case).
serve_target() {
  case $1 in
    feedd) port=$SERVE_FEEDD_PORT etag=$SERVE_FEEDD_ETAG ;;
    nginx) port=$SERVE_NGINX_PORT etag=$SERVE_NGINX_ETAG ;;
    ceiling) port=${SERVE_CEILING_PORT[${2:-304}]} etag=$SERVE_FEEDD_ETAG ;;
  esac
}

stage_serve() {
  local dir www feedd_pid nginx_pid ceiling_pids=() case i r s out port etag headers
  SERVE_FEEDD_PORT=18480 SERVE_NGINX_PORT=18481
  declare -gA SERVE_CEILING_PORT=([gzip]=18482 [identity]=18483 [304]=18484)
  ensure_packages wrk:wrk /usr/sbin/nginx:nginx curl:curl python3:python3 \
    cmake:cmake ninja:ninja-build gcc:gcc
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping serve"; return 0; }
  make_store "$SERVE_POSTS" || return 0
  dir=$WORK/serve
  www=$dir/www
  rm -rf "$dir" && mkdir -p "$www/en" "$dir/nginx/tmp"
  # The store's config plus a [server] table for the benchmark.
  { cat "$WORK/store-$SERVE_POSTS/feedd.toml"
    printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = %s\n' \
      "$SERVE_FEEDD_PORT" "$SERVE_THREADS"
  } >"$dir/feedd.toml"
  "$FEEDD" --config "$dir/feedd.toml" serve 2>"$WORK/logs/serve-feedd.log" &
  feedd_pid=$!
  if ! wait_port "$SERVE_FEEDD_PORT"; then
    warn "feedd serve did not start:"
    cat "$WORK/logs/serve-feedd.log" >&2
    kill "$feedd_pid" 2>/dev/null
    return 0
  fi
  # nginx serves feedd's own bytes: identity, and the gzip copy beside it for gzip_static.
  curl -s -o "$www$SERVE_PATH" "http://127.0.0.1:$SERVE_FEEDD_PORT$SERVE_PATH"
  curl -s -H 'Accept-Encoding: gzip' -o "$www$SERVE_PATH.gz" \
    "http://127.0.0.1:$SERVE_FEEDD_PORT$SERVE_PATH"
  touch -r "$www$SERVE_PATH" "$www$SERVE_PATH.gz"
  nginx_conf "$dir/nginx" "$www" "$SERVE_NGINX_PORT" >"$dir/nginx/nginx.conf"
  /usr/sbin/nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" 2>"$WORK/logs/serve-nginx.log" &
  nginx_pid=$!
  wait_port "$SERVE_NGINX_PORT" || warn "nginx did not start (see $WORK/logs/serve-nginx.log)"

  SERVE_FEEDD_ETAG=$(curl -sI "http://127.0.0.1:$SERVE_FEEDD_PORT$SERVE_PATH" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "etag" {print $2}')
  SERVE_NGINX_ETAG=$(curl -sI "http://127.0.0.1:$SERVE_NGINX_PORT$SERVE_PATH" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "etag" {print $2}')
  # The ceiling: feedd's own response bytes for each case (head and body as sent), answered
  # by bench/ceiling.c once per request without parsing.
  mkdir -p "$dir/ceiling"
  gcc -O2 -pthread -o "$dir/ceiling/ceiling" "$BENCH_DIR/ceiling.c" || return 0
  for case in gzip identity 304; do
    headers=()
    [[ $case == gzip ]] && headers=(-H "Accept-Encoding: gzip")
    [[ $case == 304 ]] && headers=(-H "If-None-Match: $SERVE_FEEDD_ETAG")
    curl -s -i --raw "${headers[@]}" -o "$dir/ceiling/$case.http" \
      "http://127.0.0.1:$SERVE_FEEDD_PORT$SERVE_PATH"
    "$dir/ceiling/ceiling" "${SERVE_CEILING_PORT[$case]}" "$SERVE_THREADS" \
      "$dir/ceiling/$case.http" 2>"$WORK/logs/serve-ceiling-$case.log" &
    ceiling_pids+=($!)
    wait_port "${SERVE_CEILING_PORT[$case]}" || warn "ceiling ($case) did not start"
  done
  for s in feedd nginx ceiling; do  # sanity: all answer the three cases as expected
    serve_target "$s" gzip
    log "$s: gzip -> $(curl -s -o /dev/null -H 'Accept-Encoding: gzip' \
      -w '%{http_code} %{size_download} B %header{content-encoding}' \
      "http://127.0.0.1:$port$SERVE_PATH");" \
      "identity -> $(serve_target "$s" identity; curl -s -o /dev/null \
      -w '%{http_code} %{size_download} B' "http://127.0.0.1:$port$SERVE_PATH");" \
      "If-None-Match $etag -> $(serve_target "$s" 304; curl -s -o /dev/null -w '%{http_code}' \
      -H "If-None-Match: $etag" "http://127.0.0.1:$port$SERVE_PATH")"
  done

  SERVE_LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((i = 1; i <= REPS; i++)); do
    for s in feedd nginx ceiling; do  # alternate, so drift in the machine's load hits all
      for case in gzip identity 304; do
        serve_target "$s" "$case"
        headers=()
        [[ $case == gzip ]] && headers=("Accept-Encoding: gzip")
        [[ $case == 304 ]] && headers=("If-None-Match: $etag")
        r=$(wrk_run "http://127.0.0.1:$port$SERVE_PATH" "$WORK/logs/serve-$s-$case-$i.log" \
          "${headers[@]}")
        log "serve #$i $s $case: $r (req/s, p99 ms, non-2xx/3xx)"
        SERVE[$s,$case]+="$r;"
      done
    done
  done
  SERVE_LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
  kill -TERM "$feedd_pid" "$nginx_pid" "${ceiling_pids[@]}" 2>/dev/null
  wait "$feedd_pid" "$nginx_pid" "${ceiling_pids[@]}" 2>/dev/null
  out=$WORK/results-serve-$(date -u +%Y%m%dT%H%M%SZ).md
  report_serve | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

# serve_stat SERVER CASE FIELD (1 req/s, 2 p99 ms, 3 non-2xx/3xx) — median over the runs.
serve_stat() {
  echo "${SERVE[$1,$2]:-}" | tr ';' '\n' | awk -v f="$3" 'NF {print $f}' | median
}

report_serve() {
  local case label fr nr cr fp np cp worst_p99=0 bad=0 b
  local -A by_nginx by_ceiling
  echo "## serve — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_REPS=$REPS; each run" \
       "\`wrk -t$SERVE_WRK_THREADS -c$SERVE_CONNS -d${SERVE_SECONDS}s --latency\`" \
       "GET $SERVE_PATH of a $SERVE_POSTS-post store)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}), server.threads = $SERVE_THREADS"
  echo "- nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), worker_processes $SERVE_THREADS," \
       "gzip_static, sendfile, tcp_nopush, open_file_cache, access_log off, the same bytes from disk"
  echo "- ceiling: bench/ceiling.c, $SERVE_THREADS threads (epoll, SO_REUSEPORT), feedd's response" \
       "bytes for each case written once per request head, nothing parsed, no sendfile (so no" \
       "ceiling for the 62 KB identity body)"
  echo "- load average before → after: $SERVE_LOAD0 → $SERVE_LOAD1"
  echo
  echo "| case | feedd req/s | nginx req/s | ceiling req/s | feedd/nginx | feedd/ceiling | feedd p99 | nginx p99 | ceiling p99 |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for case in gzip identity 304; do
    fr=$(serve_stat feedd $case 1) nr=$(serve_stat nginx $case 1) cr=$(serve_stat ceiling $case 1)
    fp=$(serve_stat feedd $case 2) np=$(serve_stat nginx $case 2) cp=$(serve_stat ceiling $case 2)
    by_nginx[$case]=$(awk -v a="$fr" -v b="$nr" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print 0}')
    by_ceiling[$case]=$(awk -v a="$fr" -v b="$cr" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print 0}')
    label="200 $case"
    [[ $case == 304 ]] && label="304 revalidation"
    printf '| %s | %.0f | %.0f | %.0f | %s | %s | %.2f ms | %.2f ms | %.2f ms |\n' "$label" \
      "$fr" "$nr" "$cr" "${by_nginx[$case]}" "${by_ceiling[$case]}" "$fp" "$np" "$cp"
    awk -v a="$fp" -v b="$worst_p99" 'BEGIN {exit !(a > b)}' && worst_p99=$fp
    b=$(serve_stat feedd $case 3)
    awk -v a="$b" -v m="$bad" 'BEGIN {exit !(a > m)}' && bad=$b
  done
  echo
  echo "Medians of $REPS runs each, feedd, nginx and the ceiling alternating. All runs (req/s p99-ms non-2xx/3xx):"
  echo
  for case in gzip identity 304; do
    echo "- $case: feedd [${SERVE[feedd,$case]:-}] nginx [${SERVE[nginx,$case]:-}]" \
         "ceiling [${SERVE[ceiling,$case]:-}]"
  done
  echo
  echo "Targets (issue 12):"
  echo
  echo '```'
  verdict "304 revalidation >= 0.9 x the ceiling" "${by_ceiling[304]}" ">=" 0.9
  verdict "200 gzip >= 0.9 x the ceiling" "${by_ceiling[gzip]}" ">=" 0.9
  verdict "200 identity >= 1.0 x nginx" "${by_nginx[identity]}" ">=" 1.0
  verdict "feedd p99 < 2 ms at $SERVE_CONNS connections in all three cases (highest)" \
    "$worst_p99" "<" 2 "$worst_p99 ms"
  verdict "feedd answers only 2xx/3xx (median errors)" "$bad" "<" 1
  echo '```'
}

# ---------------------------------------------------------------- stage: latency

LAT_POSTS=${BENCH_LATENCY_POSTS:-100000}
LAT_EDITS=${BENCH_LATENCY_EDITS:-50}
LAT_TAGS=${BENCH_LATENCY_TAGS:-0}
LAT_HUGO_EDITS=${BENCH_LATENCY_HUGO_EDITS:-5}
LAT_HUGO_SERVER=${BENCH_LATENCY_HUGO_SERVER:-1}
declare -A LAT  # LAT[key] = value, for report_latency

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID SECONDS — until URL answers 200 (1 on timeout or when PID is gone).
wait_http() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    kill -0 "$2" 2>/dev/null || return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == 200 ]] && return 0
    sleep 0.1
  done
  return 1
}

# lat_field FILE KEY — KEY's value on the "result k=v …" line latency.py prints last.
lat_field() {
  awk -v k="$2" '$1 == "result" {for (i = 2; i <= NF; i++) {split($i, a, "=");
    if (a[1] == k) v = a[2]}} END {print v}' "$1" 2>/dev/null
}
# lat_samples FILE — the milliseconds of every timed edit, space-separated.
lat_samples() { awk '$1 == "edit" && $5 ~ /^[0-9.]+$/ {printf "%s ", $5}' "$1" 2>/dev/null; }

# stop_pid PID — SIGTERM, then wait (SIGKILL after 20 s).
stop_pid() {
  local i
  kill -TERM "$1" 2>/dev/null
  for ((i = 0; i < 200; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

stage_latency() {
  local n=$LAT_POSTS dir=$WORK/store-$LAT_POSTS ldir=$WORK/latency-$LAT_POSTS port pid t0 out
  if ((LAT_TAGS > 0)); then
    dir+=-t$LAT_TAGS ldir+=-t$LAT_TAGS
  fi
  local flog=$WORK/logs/latency-feedd.log
  ensure_packages hugo:hugo curl:curl python3:python3 cmake:cmake ninja:ninja-build
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping latency"; return 0; }
  command -v hugo >/dev/null || { warn "no hugo: skipping Hugo"; RUN_HUGO=0; }
  make_store "$n" "$LAT_TAGS" || return 0
  mkdir -p "$ldir"
  # The store's configuration with an index of its own (kept between runs, so later runs
  # start warm; the build stage deletes the store's) and a free loopback port.
  port=$(free_port)
  LAT[index]=cold
  [[ -f $ldir/store.index ]] && LAT[index]=warm
  sed "s|^index = .*|index = \"$ldir/store.index\"|" "$dir/feedd.toml" >"$ldir/feedd.toml"
  printf '\n[server]\nlisten = ["127.0.0.1:%s"]\n' "$port" >>"$ldir/feedd.toml"
  LAT[load0]=$(cut -d' ' -f1-3 /proc/loadavg)

  log "latency: feedd serve on 127.0.0.1:$port, $n posts, ${LAT[index]} index $ldir/store.index"
  t0=$EPOCHREALTIME
  nice -n "$NICE" "$FEEDD" serve --config "$ldir/feedd.toml" 2>"$flog" &
  pid=$!
  if ! wait_http "http://127.0.0.1:$port/en/atom.xml" "$pid" "$TIMEOUT"; then
    warn "feedd serve did not serve /en/atom.xml within $TIMEOUT s:"
    tail -n 20 "$flog" >&2
    stop_pid "$pid"
    return 0
  fi
  LAT[startup]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
  log "latency: feedd serving after ${LAT[startup]} s; $LAT_EDITS edits"
  sleep 1  # let the start-up settle (no scan in flight when the first edit lands)
  nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/latency.py" feedd "http://127.0.0.1:$port" \
    "$dir/posts" --edits "$LAT_EDITS" >"$WORK/logs/latency-feedd.txt"
  sed 's/^/  /' "$WORK/logs/latency-feedd.txt" >&2
  LAT[feedd_hwm]=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  # Archives (RFC 5005): every regeneration above cut the pages of all posts; a page is
  # rendered on its first request only (its time, then a cached one, in seconds).
  LAT[archive_pages]=$(curl -s "http://127.0.0.1:$port/metrics" |
    awk '$1 == "feedd_archive_pages" {print $2}')
  LAT[archive_first]=$(curl -s -o /dev/null -w '%{time_total}' \
    "http://127.0.0.1:$port/en/archive/1.xml")
  LAT[archive_cached]=$(curl -s -o /dev/null -w '%{time_total}' \
    "http://127.0.0.1:$port/en/archive/1.xml")
  # Topic feeds (issue 13): with extra tags, each of their feeds requested once, cold.
  if [ "$LAT_TAGS" -gt 0 ]; then
    nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/latency.py" topics "http://127.0.0.1:$port" \
      --tags "$LAT_TAGS" --pid "$pid" >"$WORK/logs/latency-topics.txt"
    sed 's/^/  /' "$WORK/logs/latency-topics.txt" >&2
  fi
  stop_pid "$pid"
  # feedd's own account of each publish: "... snapshot N published, K of M resources
  # changed (T ms)" — T is the snapshot build only (after the debounce and the re-scan).
  LAT[regen_n]=$(grep -c 'regenerate: store changed' "$flog")
  LAT[regen_ms]=$(sed -nE 's/.*regenerate: store changed.*\(([0-9]+) ms\)$/\1/p' "$flog" |
    tr '\n' ' ')
  LAT[regen_res]=$(sed -nE 's/.*regenerate: store changed.* ([0-9]+ of [0-9]+) resources.*/\1/p' \
    "$flog" | sort | uniq -c | sort -rn | head -n 3 | awk '{printf "%s%s×%s %s %s", s, $1, $2, $3, $4; s = ", "}')

  if ((RUN_HUGO)); then
    rm -f "$dir/hugo/.hugo_build.lock"
    log "latency: Hugo warm-up build (untimed: page cache, destination, cacheDir)"
    t0=$EPOCHREALTIME
    nice -n "$NICE" hugo --quiet --source "$dir/hugo" --destination "$ldir/public" \
      --cacheDir "$ldir/hugo-cache" >"$WORK/logs/latency-hugo-warmup.log" 2>&1 ||
      warn "hugo warm-up failed (see $WORK/logs/latency-hugo-warmup.log)"
    LAT[hugo_warmup]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
    log "latency: Hugo full builds, $LAT_HUGO_EDITS edits (warm-up took ${LAT[hugo_warmup]} s)"
    /usr/bin/python3 "$BENCH_DIR/latency.py" hugo-build "$dir/hugo" "$ldir/public" \
      --edits "$LAT_HUGO_EDITS" --nice "$NICE" --hugo-arg=--cacheDir \
      --hugo-arg="$ldir/hugo-cache" >"$WORK/logs/latency-hugo.txt"
    sed 's/^/  /' "$WORK/logs/latency-hugo.txt" >&2
    if ((LAT_HUGO_SERVER)); then
      port=$(free_port)
      log "latency: hugo server (watching) on 127.0.0.1:$port"
      t0=$EPOCHREALTIME
      nice -n "$NICE" hugo server --source "$dir/hugo" --bind 127.0.0.1 --port "$port" \
        --disableLiveReload --disableFastRender --cacheDir "$ldir/hugo-cache" \
        >"$WORK/logs/latency-hugo-server.log" 2>&1 &
      pid=$!
      if wait_http "http://127.0.0.1:$port/en/index.xml" "$pid" "$TIMEOUT"; then
        LAT[hugo_server_startup]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" \
          'BEGIN {printf "%.1f", b - a}')
        sleep 1
        nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/latency.py" hugo-server \
          "http://127.0.0.1:$port" "$dir/hugo" --edits "$LAT_HUGO_EDITS" --interval 0.002 \
          >"$WORK/logs/latency-hugo-server.txt"
        sed 's/^/  /' "$WORK/logs/latency-hugo-server.txt" >&2
        LAT[hugo_server_hwm]=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
      else
        warn "hugo server did not serve /en/index.xml (see $WORK/logs/latency-hugo-server.log)"
      fi
      stop_pid "$pid"
    fi
  fi
  LAT[load1]=$(cut -d' ' -f1-3 /proc/loadavg)
  out=$WORK/results-latency-$(date -u +%Y%m%dT%H%M%SZ).md
  report_latency | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

report_latency() {
  local f=$WORK/logs/latency-feedd.txt h=$WORK/logs/latency-hugo.txt
  local s=$WORK/logs/latency-hugo-server.txt hmed="" fmed fp99 rows k
  fmed=$(lat_field "$f" p50) fp99=$(lat_field "$f" p99)
  ((RUN_HUGO)) && hmed=$(lat_samples "$h" | median)
  [[ $hmed == nan ]] && hmed=""
  echo "## latency — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  local hugo_note="$LAT_HUGO_EDITS to Hugo"
  ((RUN_HUGO)) || hugo_note="Hugo skipped"
  local tags_note=""
  ((LAT_TAGS > 0)) && tags_note=", $LAT_TAGS extra tags (gen_store.py --tags)"
  echo "- command: \`${BENCH_CMDLINE}\` ($LAT_POSTS posts$tags_note, $LAT_EDITS edits to feedd," \
       "$hugo_note, BENCH_NICE=$NICE)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}); \`feedd serve\`, default store.debounce_ms" \
       "(50), ${LAT[index]:-?} index; serving ${LAT[startup]:-?} s after launch;" \
       "peak RSS $(fmt_mb "${LAT[feedd_hwm]:-}")"
  echo "- hugo: $(hugo version 2>/dev/null | cut -d' ' -f2) — full build: \`hugo --quiet\` into a" \
       "kept destination with a kept --cacheDir, as a site owner runs it (warm-up build" \
       "${LAT[hugo_warmup]:-?} s)"
  echo "- edit: append one sentence with a unique marker to a random post among the newest 20" \
       "of its language (en and ja alternating), then put the original bytes back (untimed," \
       "waited for). feedd: clock from the file's close to a 200 with a new ETag whose body holds" \
       "the marker, polling GET /LANG/atom.xml (If-None-Match) every 1 ms on one keep-alive" \
       "connection (\`bench/latency.py\`). Hugo: from the file's close to the build's exit," \
       "LANG/index.xml then checked for the marker."
  echo "- load average before → after: ${LAT[load0]:-} → ${LAT[load1]:-}"
  echo "- archives (RFC 5005, feeds.archive_size 100): ${LAT[archive_pages]:-?} pages cut by" \
       "every regeneration; /en/archive/1.xml first request ${LAT[archive_first]:-?} s," \
       "cached ${LAT[archive_cached]:-?} s (curl time_total)"
  echo
  echo "| edit → new feed served | edits | p50 | p99 | max | failed |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  printf '| feedd serve (watcher, debounce 50 ms) | %s | %s ms | %s ms | %s ms | %s |\n' \
    "$(lat_field "$f" n)" "$fmed" "$fp99" "$(lat_field "$f" max)" "$(lat_field "$f" failed)"
  if ((RUN_HUGO)); then
    printf '| hugo, full build | %s | %s ms | – | %s ms | %s |\n' "$(lat_field "$h" n)" \
      "${hmed:-n/a}" "$(lat_field "$h" max)" "$(lat_field "$h" failed)"
    ((LAT_HUGO_SERVER)) &&
      printf '| hugo server --disableFastRender (watcher; information) | %s | %s ms | – | %s ms | %s |\n' \
        "$(lat_field "$s" n)" "$(lat_field "$s" p50)" "$(lat_field "$s" max)" \
        "$(lat_field "$s" failed)"
  fi
  echo
  ((RUN_HUGO)) && echo "Ratio Hugo full build / feedd (medians): $(ratio "$hmed" "$fmed")"
  ((RUN_HUGO && LAT_HUGO_SERVER)) &&
    echo "Ratio hugo server / feedd (medians, information): $(ratio "$(lat_field "$s" p50)" "$fmed")" \
         "— hugo server started in ${LAT[hugo_server_startup]:-?} s," \
         "peak RSS $(fmt_mb "${LAT[hugo_server_hwm]:-}")"
  echo
  echo "feedd's log: ${LAT[regen_n]:-0} publishes (edits and restores); snapshot build time" \
       "(the \"(T ms)\" of each regenerate line) median $(echo "${LAT[regen_ms]:-}" | median) ms," \
       "max $(echo "${LAT[regen_ms]:-}" | maximum) ms; resources changed: ${LAT[regen_res]:-n/a}."
  grep -m 1 '^restores' "$f" 2>/dev/null | sed 's/^restores/Restores (untimed edits back to the original, ms):/'
  if ((LAT_TAGS > 0)) && [ -s "$WORK/logs/latency-topics.txt" ]; then
    local t="$WORK/logs/latency-topics.txt"
    echo
    echo "Cold topic feeds (each of the $LAT_TAGS extra tags' /en/ and /ja/ Atom feeds requested" \
         "once, gzip, one keep-alive connection): $(lat_field "$t" n) requests, first-request" \
         "time p50 $(lat_field "$t" p50) ms, p99 $(lat_field "$t" p99) ms, max $(lat_field "$t" max) ms," \
         "not 200: $(lat_field "$t" failed); $(grep '^rss_kb' "$t" | sed 's/^rss_kb/feedd RSS kB:/');" \
         "$(grep '^metrics after' "$t")."
  fi
  echo
  echo "All timed edits (ms):"
  echo
  echo "- feedd: [$(lat_samples "$f")]"
  ((RUN_HUGO)) && echo "- hugo full build: [$(lat_samples "$h")]"
  ((RUN_HUGO && LAT_HUGO_SERVER)) && echo "- hugo server: [$(lat_samples "$s")]"
  echo
  echo "Targets:"
  echo
  echo '```'
  verdict "feedd p99 <= 100 ms (edit to new ETag served)" "$fp99" "<=" 100 "$fp99 ms"
  k=""
  [[ -n $hmed && -n $fmed ]] && k=$(awk -v a="$hmed" -v b="$fmed" 'BEGIN {print a / b}')
  verdict "feedd >= 20x faster than Hugo's full build (medians)" "$k" ">=" 20 \
    "$(ratio "$hmed" "$fmed")"
  verdict "every edit served (failed edits)" "$(lat_field "$f" failed)" "<" 1
  echo '```'
}

# ---------------------------------------------------------------- stage: curve

CURVE_SIZES=${BENCH_CURVE_SIZES-"1000 10000 100000 1000000"}  # "": report and plot the kept rows
CURVE_REPS=${BENCH_CURVE_REPS:-3}
CURVE_COLD_REPS=${BENCH_CURVE_COLD_REPS:-$CURVE_REPS}
CURVE_EDITS=${BENCH_CURVE_EDITS:-50}
CURVE_TIMEOUT=${BENCH_CURVE_TIMEOUT:-3600}
CURVE_PLOT=${BENCH_CURVE_PLOT:-$BENCH_DIR/curve.png}
CURVE_DEBOUNCE_MS=50  # feedd's default store.debounce_ms, which the stage leaves as it is

# percentile Q — of the numbers on stdin, interpolated linearly between order statistics
# (as latency.py does: with 50 samples p99 lies between the two largest).
percentile() {
  tr ' ' '\n' | grep -v '^$' | sort -g | awk -v q="$1" '{v[NR] = $1} END {
    if (NR == 0) {print "nan"; exit}
    p = (NR - 1) * q; lo = int(p); hi = lo + 1 < NR ? lo + 1 : lo
    printf "%.1f\n", v[lo + 1] + (v[hi + 1] - v[lo + 1]) * (p - lo)}'
}

fmt_bytes() { [[ -n ${1:-} ]] && awk -v v="$1" 'BEGIN {printf "%.1f MB", v / 1048576}' || echo "n/a"; }

# curve_set KEY VALUE — one line of the size's row file ($WORK/curve/N.row, KEY=VALUE).
curve_set() { printf '%s=%s\n' "$1" "$2" >>"$CURVE_ROW"; }
# curve_get ROW KEY — a value of a row file (empty when absent).
curve_get() { awk -v k="$2" 'index($0, k "=") == 1 {v = substr($0, length(k) + 2)} END {print v}' "$1"; }

# curve_store N DIR — what the mixed store holds: files and posts per format, bytes.
curve_store() {
  local md txt mt
  md=$(find "$2/posts" -type f -name '*.md' | wc -l)
  txt=$(find "$2/posts" -type f -name '*.txt' -not -path '*/export/*' | wc -l)
  mt=$(cat "$2"/posts/export/*.txt 2>/dev/null | grep -c '^--------$')
  curve_set formats "$md Markdown files, $txt page-text files, $mt Movable Type entries in $(
    find "$2/posts/export" -type f 2>/dev/null | wc -l) export files"
  curve_set store_bytes "$(du -sb "$2/posts" | cut -f1)"
}

# curve_serve N DIR LOGS — feedd serve over the store and the index its builds left (warm),
# edit -> served with latency.py, RSS from /proc, the regenerate lines of its log.
curve_serve() {
  local n=$1 dir=$2 logs=$3 port pid t0 flog=$3/serve.log conf=$WORK/curve/serve-$1.toml
  local lat=$3/latency.txt samples regen s
  port=$(free_port)
  { cat "$dir/feedd.toml"; printf '\n[server]\nlisten = ["127.0.0.1:%s"]\n' "$port"; } >"$conf"
  t0=$EPOCHREALTIME
  nice -n "$NICE" "$FEEDD" serve --config "$conf" 2>"$flog" &
  pid=$!
  if ! wait_http "http://127.0.0.1:$port/en/atom.xml" "$pid" "$TIMEOUT"; then
    warn "curve $n: feedd serve did not serve /en/atom.xml (see $flog)"
    stop_pid "$pid"
    return 0
  fi
  curve_set serve_start_s "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')"
  curve_set serve_rss_start_kb "$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
  log "curve $n: feedd serving on 127.0.0.1:$port; $CURVE_EDITS edits"
  sleep 1  # no scan in flight when the first edit lands
  nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/latency.py" feedd "http://127.0.0.1:$port" \
    "$dir/posts" --edits "$CURVE_EDITS" >"$lat" 2>"$lat.err" ||
    warn "curve $n: latency.py failed (see $lat.err)"
  tail -n 2 "$lat" | sed 's/^/  /' >&2
  curve_set serve_rss_kb "$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
  curve_set serve_hwm_kb "$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")"
  stop_pid "$pid"
  samples=$(lat_samples "$lat")
  curve_set served_all "$samples"
  curve_set served_n "$(lat_field "$lat" n)"
  curve_set served_failed "$(lat_field "$lat" failed)"
  curve_set served_p50 "$(echo "$samples" | percentile 0.5)"
  curve_set served_p99 "$(echo "$samples" | percentile 0.99)"
  curve_set served_max "$(echo "$samples" | maximum)"
  # After the debounce: each edit's time less store.debounce_ms (the quiet period the watcher
  # waits from the file's last event).
  samples=$(for s in $samples; do awk -v v="$s" -v d="$CURVE_DEBOUNCE_MS" 'BEGIN {printf "%.1f ", v - d}'; done)
  curve_set after_p50 "$(echo "$samples" | percentile 0.5)"
  curve_set after_p99 "$(echo "$samples" | percentile 0.99)"
  # feedd's own "(T ms)": the snapshot build and publish, edits and restores alike; when the
  # line says "prepared during the quiet period" the build ran inside the debounce.
  regen=$(sed -nE 's/.*regenerate: store changed.*\(([0-9]+) ms\)$/\1/p' "$flog" | tr '\n' ' ')
  curve_set snap_n "$(echo "$regen" | wc -w)"
  curve_set snap_prepared "$(grep -c 'prepared during the quiet period' "$flog")"
  curve_set snap_p50 "$(echo "$regen" | percentile 0.5)"
  curve_set snap_p99 "$(echo "$regen" | percentile 0.99)"
  curve_set snap_resources "$(sed -nE 's/.*regenerate: store changed.* ([0-9]+ of [0-9]+) resources.*/\1/p' \
    "$flog" | sort | uniq -c | sort -rn | head -n 3 | awk '{printf "%s%s×%s %s %s", s, $1, $2, $3, $4; s = ", "}')"
}

# curve_size N — one point of the curve on store-N-mixed: cold builds, one-file-changed
# rebuilds, then feedd serve on the index they left. Writes $WORK/curve/N.row.
curve_size() {
  local n=$1 dir=$WORK/store-$1-mixed logs=$WORK/logs/curve-$1 i r
  local cold="" cold_cpu="" edit="" edit_cpu="" rss="" bad=0
  make_store "$n" 0 1 || return 0
  rm -rf "$logs" && mkdir -p "$logs" "$WORK/curve"
  CURVE_ROW=$WORK/curve/$n.row.new
  : >"$CURVE_ROW"
  curve_set n "$n"
  curve_set when "$(date -u '+%Y-%m-%d %H:%M UTC')"
  curve_set feedd "${FEEDD_NOTE:-}"
  curve_set load0 "$(cut -d' ' -f1-3 /proc/loadavg)"
  curve_store "$n" "$dir"
  for ((i = 1; i <= CURVE_COLD_REPS; i++)); do
    r=($(feedd_run "$n-mixed" cold "$logs/cold-$i.log"))
    log "curve $n: cold build #$i: ${r[0]} s (CPU ${r[3]} s), ${r[1]} kB, exit ${r[2]}"
    cold+="${r[0]} " cold_cpu+="${r[3]} " rss+="${r[1]} "
    ((r[2] == 0)) || bad=1
  done
  curve_set index_bytes "$(du -cb "$dir"/store.index* | tail -n 1 | cut -f1)"
  curve_set out_bytes "$(du -sb "$dir/out" | cut -f1)"
  curve_set out_files "$(find "$dir/out" -type f | wc -l)"
  for ((i = 1; i <= CURVE_REPS; i++)); do
    r=($(feedd_run "$n-mixed" edit "$logs/edit-$i.log"))
    log "curve $n: one-file rebuild #$i: ${r[0]} s (CPU ${r[3]} s), ${r[1]} kB, exit ${r[2]}"
    edit+="${r[0]} " edit_cpu+="${r[3]} " rss+="${r[1]} "
    ((r[2] == 0)) || bad=1
  done
  ((bad)) && warn "curve $n: some feedd builds exited non-zero (logs in $logs)"
  [[ $(items "$dir/out/ja/rss.xml") == $((n < 40 ? (n + 1) / 2 : 20)) ]] ||
    warn "curve $n: out/ja/rss.xml has $(items "$dir/out/ja/rss.xml") items"
  curve_set build_problems "$(grep -ciE 'error|problem' "$logs/cold-1.log")"
  # What feedd made of the mixed store (untimed; ~100 s at a million posts since feedd posts
  # lists a page at a time in bounded memory, 630a8eb).
  if ((n <= 1000000)); then
    nice -n "$NICE" "$FEEDD" posts --config "$dir/feedd.toml" 2>/dev/null | awk -F'\t' '
      NR > 1 {all++; lang[$2]++; f = "Markdown"
              if ($1 ~ /^[0-9]+_/) f = "page text"
              if ($1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-p/) f = "MT"
              n[f]++; if ($5 != "") t[f]++}
      END {printf "%d posts listed (ja %d, en %d): Markdown %d (%d with a translation), page text" \
             " %d (%d), MT %d (%d)", all, lang["ja"], lang["en"], n["Markdown"], t["Markdown"],
             n["page text"], t["page text"], n["MT"], t["MT"]}' >"$logs/posts.txt"
    curve_set posts_listed "$(cat "$logs/posts.txt")"
  fi
  curve_set cold_all "$cold"
  curve_set cold "$(echo "$cold" | median)"
  curve_set cold_cpu "$(echo "$cold_cpu" | median)"
  curve_set edit_all "$edit"
  curve_set edit "$(echo "$edit" | median)"
  curve_set edit_cpu "$(echo "$edit_cpu" | median)"
  curve_set build_rss_kb "$(echo "$rss" | maximum)"
  curve_serve "$n" "$dir" "$logs"
  curve_set load1 "$(cut -d' ' -f1-3 /proc/loadavg)"
  mv "$CURVE_ROW" "$WORK/curve/$n.row"
}

# curve_rows — every measured size's row file, smallest store first (this run's and earlier).
curve_rows() {
  local f
  for f in "$WORK"/curve/*.row; do
    [[ -f $f ]] && echo "$(curve_get "$f" n) $f"
  done | sort -n | cut -d' ' -f2
}

# curve_plot — bench/curve.png (gnuplot, log-log): times on the left, memory on the right.
curve_plot() {
  local dat=$WORK/curve/curve.dat f k v term=png
  command -v gnuplot >/dev/null || { warn "no gnuplot: no plot"; return 0; }
  {
    echo "# posts cold_ms edit_ms served_p50 served_p99 after_p50 after_p99 snap_p50 serve_hwm_mb build_rss_mb index_mb serve_rss_mb cold_cpu_ms edit_cpu_ms"
    for f in $(curve_rows); do
      for k in n cold edit served_p50 served_p99 after_p50 after_p99 snap_p50 serve_hwm_kb \
               build_rss_kb index_bytes serve_rss_kb cold_cpu edit_cpu; do
        v=$(curve_get "$f" "$k")
        printf '%s ' "${v:-?}"
      done | awk 'function c(x, f) {return (x == "?" || x == "nan") ? "?" : x * f}
        {print $1, c($2, 1000), c($3, 1000), c($4, 1), c($5, 1), c($6, 1), c($7, 1), c($8, 1),
           c($9, 1 / 1024), c($10, 1 / 1024), c($11, 1 / 1048576), c($12, 1 / 1024),
           c($13, 1000), c($14, 1000)}'
    done
  } >"$dat"
  gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && term=pngcairo
  gnuplot >"$WORK/logs/curve-gnuplot.log" 2>&1 <<GP || warn "gnuplot failed (see $WORK/logs/curve-gnuplot.log)"
set terminal $term size 1400,720 font ",10"
set output '$CURVE_PLOT'
set datafile missing '?'
set multiplot layout 1,2 title "feedd scaling curve: mixed-format store (Markdown, page text, MT export), ja + en; log-log"
set logscale xy
set grid
set xrange [700:1500000]
set xtics ("1k" 1000, "10k" 10000, "100k" 100000, "1M" 1000000)
set xlabel 'posts'
set key below horizontal maxcols 2 samplen 2 font ",9"
set ylabel 'time'
set ytics ("1 ms" 1, "10 ms" 10, "100 ms" 100, "1 s" 1000, "10 s" 10000, "100 s" 100000, \
  "1000 s" 1000000, "10000 s" 10000000)
first = system("awk 'NR == 2 {print \$1, \$2}' $dat")
n0 = real(word(first, 1)); c0 = real(word(first, 2))
plot c0 * x / n0 with lines dashtype 3 lc rgb 'gray' title 'proportional to posts', \\
  '$dat' using 1:2 with linespoints lw 2 title 'cold build', \\
  '' using 1:13 with linespoints dashtype 2 title 'cold build, CPU time', \\
  '' using 1:3 with linespoints lw 2 title 'one-file-changed rebuild', \\
  '' using 1:14 with linespoints dashtype 2 title 'one-file-changed rebuild, CPU time', \\
  '' using 1:5 with linespoints lw 2 title 'edit -> served p99', \\
  '' using 1:4 with linespoints title 'edit -> served p50', \\
  '' using 1:7 with linespoints lw 2 title 'after the debounce p99', \\
  '' using 1:8 with linespoints title 'snapshot build p50 (feedd log)', \\
  150 with lines dashtype 2 lc rgb 'red' title 'goal at 1M: p99 <= 150 ms'
set ylabel 'MB'
set ytics auto
plot '$dat' using 1:9 with linespoints lw 2 title 'serve peak RSS (VmHWM)', \\
  '' using 1:12 with linespoints title 'serve RSS after the edits', \\
  '' using 1:10 with linespoints lw 2 title 'build peak RSS', \\
  '' using 1:11 with linespoints lw 2 title 'index size', \\
  1024 with lines dashtype 2 lc rgb 'red' title 'goal at 1M: <= 1 GiB'
unset multiplot
GP
  log "curve: plot in $CURVE_PLOT ($term)"
}

stage_curve() {
  local n out TIMEOUT=$CURVE_TIMEOUT  # a 1M-post cold build takes minutes: measure's timeout
  ensure_packages /usr/bin/time:time python3:python3 curl:curl cmake:cmake ninja:ninja-build \
    gnuplot:gnuplot-nox
  if [[ -n $CURVE_SIZES ]]; then
    build_feedd
    [[ -n $FEEDD ]] || { warn "no feedd binary: skipping curve"; return 0; }
  fi
  for n in $CURVE_SIZES; do
    log "curve: $n posts (disk free: $(df -h --output=avail "$WORK" | tail -n 1 | tr -d ' '))"
    curve_size "$n"
  done
  curve_plot
  out=$WORK/results-curve-$(date -u +%Y%m%dT%H%M%SZ).md
  report_curve | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md; commit $CURVE_PLOT)"
}

# curve_exponent ROW1 ROW2 KEY — log(v2 / v1) / log(n2 / n1): 1 = in proportion to the store,
# 0 = the same at every size.
curve_exponent() {
  awk -v n1="$(curve_get "$1" n)" -v n2="$(curve_get "$2" n)" -v a="$(curve_get "$1" "$3")" \
    -v b="$(curve_get "$2" "$3")" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", log(b / a) / log(n2 / n1); else print "–"}'
}

report_curve() {
  local f rows prev k label p99 hwm brss big=""
  rows=$(curve_rows)
  echo "## curve — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_CURVE_SIZES=\"$CURVE_SIZES\"," \
       "BENCH_CURVE_COLD_REPS=$CURVE_COLD_REPS, BENCH_CURVE_REPS=$CURVE_REPS," \
       "BENCH_CURVE_EDITS=$CURVE_EDITS, BENCH_NICE=$NICE)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  if [[ -n $CURVE_SIZES ]]; then
    echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}); rows of earlier runs (other sizes) say their own"
  else
    echo "- no new measurement (BENCH_CURVE_SIZES empty): the kept rows, each with its own binary and time"
  fi
  echo "- store: \`gen_store.py N --mixed\`: half ja, half en; ~80 % Markdown, ~15 % page text," \
       "~5 % Movable Type export entries (1,000 a file); \`feeds.entries = 20\`, archives and" \
       "everything else at their defaults"
  echo "- cold build: \`feedd build\` with no index and an empty output directory; one-file-changed" \
       "rebuild: index and output kept, one Markdown post edited (the build stage's edit);" \
       "edit → served: \`feedd serve\` on the index the builds left (warm start), default" \
       "store.debounce_ms ($CURVE_DEBOUNCE_MS), \`latency.py feedd\` ($CURVE_EDITS edits of a" \
       "Markdown post among the newest 20 of its language, file closed → new ETag with the" \
       "marker served); after the debounce = each edit's time − $CURVE_DEBOUNCE_MS ms; snapshot" \
       "build = feedd's own \"(T ms)\" of every regenerate line (edits and restores); builds" \
       "also in CPU time (user + sys, medians), which other load on the machine disturbs less"
  echo
  echo "| posts | cold build (CPU) | one-file rebuild (CPU) | edit → served p50 | p99 | after the debounce p50 | p99 | snapshot build p50 / p99 | serve start (warm index) |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for f in $rows; do
    printf '| %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s / %s ms | %s s |\n' \
      "$(curve_get "$f" n)" "$(fmt_s "$(curve_get "$f" cold)") ($(fmt_s "$(curve_get "$f" cold_cpu)"))" \
      "$(fmt_s "$(curve_get "$f" edit)") ($(fmt_s "$(curve_get "$f" edit_cpu)"))" \
      "$(curve_get "$f" served_p50)" "$(curve_get "$f" served_p99)" "$(curve_get "$f" after_p50)" \
      "$(curve_get "$f" after_p99)" "$(curve_get "$f" snap_p50)" "$(curve_get "$f" snap_p99)" \
      "$(curve_get "$f" serve_start_s)"
  done
  echo
  echo "| posts | serve RSS: started / after the edits / peak | build peak RSS | index | output directory | store |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  for f in $rows; do
    printf '| %s | %s / %s / %s | %s | %s | %s (%s files) | %s |\n' "$(curve_get "$f" n)" \
      "$(fmt_mb "$(curve_get "$f" serve_rss_start_kb)")" "$(fmt_mb "$(curve_get "$f" serve_rss_kb)")" \
      "$(fmt_mb "$(curve_get "$f" serve_hwm_kb)")" "$(fmt_mb "$(curve_get "$f" build_rss_kb)")" \
      "$(fmt_bytes "$(curve_get "$f" index_bytes)")" \
      "$(fmt_bytes "$(curve_get "$f" out_bytes)")" "$(curve_get "$f" out_files)" \
      "$(fmt_bytes "$(curve_get "$f" store_bytes)")"
  done
  echo
  echo "Growth exponent between neighbouring sizes, log(cost ratio) / log(size ratio): 1 = in" \
       "proportion to the store, 0 = the same whatever its size (what a one-file change should cost)."
  echo
  prev="" label="| measure |" k="| --- |"
  for f in $rows; do
    [[ -n $prev ]] && label+=" $(curve_get "$prev" n) → $(curve_get "$f" n) |" k+=" ---: |"
    prev=$f
  done
  echo "$label"
  echo "$k"
  for k in cold:"cold build" cold_cpu:"cold build, CPU time" edit:"one-file rebuild" \
           edit_cpu:"one-file rebuild, CPU time" served_p50:"edit → served p50" \
           after_p50:"after the debounce p50" after_p99:"after the debounce p99" \
           snap_p50:"snapshot build p50" serve_hwm_kb:"serve peak RSS" build_rss_kb:"build peak RSS" \
           index_bytes:"index size"; do
    label="| ${k#*:} |" prev=""
    for f in $rows; do
      [[ -n $prev ]] && label+=" $(curve_exponent "$prev" "$f" "${k%%:*}") |"
      prev=$f
    done
    echo "$label"
  done
  echo
  echo "Each size: when, feedd, load average before → after, the store, all runs (s or ms):"
  echo
  for f in $rows; do
    echo "- **$(curve_get "$f" n)** ($(curve_get "$f" when); $(curve_get "$f" feedd); load" \
         "$(curve_get "$f" load0) → $(curve_get "$f" load1)): $(curve_get "$f" formats)," \
         "$(fmt_bytes "$(curve_get "$f" store_bytes)"); \`feedd posts\`:" \
         "$(curve_get "$f" posts_listed); lines with error/problem in the" \
         "first cold build's log: $(curve_get "$f" build_problems). Cold builds" \
         "[$(curve_get "$f" cold_all)] (CPU median $(curve_get "$f" cold_cpu) s); one-file" \
         "rebuilds [$(curve_get "$f" edit_all)] (CPU median $(curve_get "$f" edit_cpu) s);" \
         "edit → served, $(curve_get "$f" served_n) served, $(curve_get "$f" served_failed)" \
         "failed, max $(curve_get "$f" served_max) ms: [$(curve_get "$f" served_all)]; snapshot" \
         "builds: $(curve_get "$f" snap_n), of which $(curve_get "$f" snap_prepared) prepared" \
         "during the quiet period; resources changed: $(curve_get "$f" snap_resources)"
  done
  for f in $rows; do [[ $(curve_get "$f" n) == 1000000 ]] && big=$f; done
  if [[ -n $big ]]; then
    p99=$(curve_get "$big" served_p99) hwm=$(curve_get "$big" serve_hwm_kb)
    brss=$(curve_get "$big" build_rss_kb)
  fi
  echo
  echo "Targets (issue 12, at 1,000,000 posts):"
  echo
  echo '```'
  verdict "edit -> served p99 <= 150 ms with the default debounce" "${p99:-}" "<=" 150 "${p99:-} ms"
  verdict "feedd serve peak RSS <= 1 GiB" "${hwm:-}" "<=" 1048576 "$(fmt_mb "${hwm:-}")"
  verdict "feedd build peak RSS <= 1 GiB" "${brss:-}" "<=" 1048576 "$(fmt_mb "${brss:-}")"
  echo '```'
}

# ---------------------------------------------------------------- stage: abuse

ABUSE_REPS=${BENCH_ABUSE_REPS:-3}
ABUSE_POSTS=${BENCH_ABUSE_POSTS:-1000}
ABUSE_IDLE=${BENCH_ABUSE_IDLE:-10000}
ABUSE_SLOW=${BENCH_ABUSE_SLOWLORIS:-1000}
ABUSE_TIMEOUT=${BENCH_ABUSE_TIMEOUT:-30}
ABUSE_BIG_POSTS=${BENCH_ABUSE_BIG_POSTS:-4000}
ABUSE_BIG_ENTRIES=${BENCH_ABUSE_BIG_ENTRIES:-1550}
ABUSE_BIG_PATH=${BENCH_ABUSE_BIG_PATH:-/atom.xml}
ABUSE_NOREAD=${BENCH_ABUSE_NOREAD_CLIENTS:-100}
ABUSE_CAP=${BENCH_ABUSE_CAP:-1}
ABUSE_THREADS=2
ABUSE_PATH=/en/atom.xml
ABUSE_PIPE_PATHS=(/en/atom.xml /ja/rss.xml /en/feed.json /no/such/path /atom.xml)
declare -A ABUSE  # ABUSE[key] = value, for report_abuse

# abuse_py LOG MODE ARGS... — one bench/abuse.py run (niced), its output kept in LOG.
abuse_py() {
  local logfile=$1
  shift
  nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/abuse.py" "$@" >"$logfile" 2>&1
  sed 's/^/  /' "$logfile" >&2
}

# abuse_field FILE LINE KEY — KEY's value on the line whose first word is LINE.
abuse_field() {
  awk -v t="$2" -v k="$3" '$1 == t {for (i = 2; i <= NF; i++) if (index($i, k "=") == 1)
    v = substr($i, length(k) + 2)} END {print v}' "$1" 2>/dev/null
}

# abuse_feedd NAME POSTS ENTRIES [NOFILE] — feedd serve (server.threads = 2,
# server.timeout_s) on a free port over store-POSTS with feeds.entries = ENTRIES, under
# `prlimit --nofile=NOFILE:NOFILE` if given; sets ABUSE_PID (empty on failure), ABUSE_PORT.
abuse_feedd() {
  local name=$1 d=$WORK/abuse wrap=()
  [[ -n ${4:-} ]] && wrap=(prlimit "--nofile=$4:$4")
  ABUSE_PORT=$(free_port) ABUSE_PID=""
  sed -e "s|^index = .*|index = \"$d/$name.index\"|" -e "s|^entries = .*|entries = $3|" \
    "$WORK/store-$2/feedd.toml" >"$d/$name.toml"
  printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = %s\ntimeout_s = %s\n' \
    "$ABUSE_PORT" "$ABUSE_THREADS" "$ABUSE_TIMEOUT" >>"$d/$name.toml"
  nice -n "$NICE" "${wrap[@]}" "$FEEDD" serve --config "$d/$name.toml" \
    2>>"$WORK/logs/abuse-$name.log" &
  ABUSE_PID=$!
  if ! wait_http "http://127.0.0.1:$ABUSE_PORT$ABUSE_PATH" "$ABUSE_PID" "$TIMEOUT"; then
    warn "feedd serve ($name) did not serve $ABUSE_PATH:"
    tail -n 20 "$WORK/logs/abuse-$name.log" >&2
    stop_pid "$ABUSE_PID"
    ABUSE_PID=""
  fi
}

# abuse_nginx [WORKER_CONNECTIONS] — nginx (2 workers, worker_connections above the idle
# count unless given, the same timeouts as feedd's server.timeout_s) serving feedd's bytes.
abuse_nginx() {
  local d=$WORK/abuse/nginx conns=${1:-$((ABUSE_IDLE + 2048))}
  ABUSE_PORT=$(free_port) ABUSE_PID=""
  mkdir -p "$d/tmp"
  cp -r "$WORK/abuse/www" "$d/"
  chmod -R a+rX "$d/www"  # the workers run as nobody; curl --create-dirs made them 0750
  printf '%s\n' \
    "worker_processes $ABUSE_THREADS;" \
    "worker_rlimit_nofile $(ulimit -Hn);" \
    "daemon off;" \
    "pid $d/nginx.pid;" \
    "error_log $d/error.log warn;" \
    "events { worker_connections $conns; }" \
    "http {" \
    "  types { application/atom+xml xml; application/feed+json json; }" \
    "  access_log off;" \
    "  sendfile on;" \
    "  etag on;" \
    "  keepalive_requests 100000000;" \
    "  keepalive_timeout ${ABUSE_TIMEOUT}s;" \
    "  client_header_timeout ${ABUSE_TIMEOUT}s;" \
    "  send_timeout ${ABUSE_TIMEOUT}s;" \
    "  client_body_temp_path $d/tmp;" \
    "  server {" \
    "    listen 127.0.0.1:$ABUSE_PORT;" \
    "    root $d/www;" \
    "  }" \
    "}" >"$d/nginx.conf"
  nice -n "$NICE" /usr/sbin/nginx -p "$d" -c "$d/nginx.conf" 2>>"$WORK/logs/abuse-nginx.log" &
  ABUSE_PID=$!
  if ! wait_http "http://127.0.0.1:$ABUSE_PORT$ABUSE_PATH" "$ABUSE_PID" 10; then
    warn "nginx did not start:"
    tail -n 20 "$WORK/logs/abuse-nginx.log" "$d/error.log" >&2
    stop_pid "$ABUSE_PID"
    ABUSE_PID=""
  fi
}

# abuse_server SERVER RUN — idle connections, slowloris and pipelining against a fresh
# feedd or nginx.
abuse_server() {
  local s=$1 i=$2 etag addr logs=$WORK/logs/abuse
  if [[ $s == feedd ]]; then abuse_feedd serve "$ABUSE_POSTS" 20; else abuse_nginx; fi
  [[ -n $ABUSE_PID ]] || return 0
  addr=127.0.0.1:$ABUSE_PORT
  etag=$(curl -s -o /dev/null -w '%header{etag}' "http://$addr$ABUSE_PATH")
  log "abuse #$i $s: $ABUSE_IDLE idle connections (pid $ABUSE_PID, ETag $etag)"
  abuse_py "$logs-$s-idle-$i.txt" idle "$addr" --conns "$ABUSE_IDLE" --path "$ABUSE_PATH" \
    --etag "$etag" --pid "$ABUSE_PID"
  log "abuse #$i $s: $ABUSE_SLOW slowloris clients, probe polling $ABUSE_PATH"
  abuse_py "$logs-$s-slowloris-$i.txt" slowloris "$addr" --clients "$ABUSE_SLOW" \
    --path "$ABUSE_PATH" --etag "$etag" --timeout "$ABUSE_TIMEOUT"
  log "abuse #$i $s: 100 pipelined requests, then a half-close"
  abuse_py "$logs-$s-pipeline-$i.txt" pipeline "$addr" --requests 100 \
    $(printf -- '--path %s ' "${ABUSE_PIPE_PATHS[@]}")
  ABUSE[$s,hwm,$i]=$(awk '/^VmHWM/ {print $2}' "/proc/$ABUSE_PID/status" 2>/dev/null)
  stop_pid "$ABUSE_PID"
}

# abuse_cap SERVER RUN — as many slowloris clients as the server takes connections: feedd
# under RLIMIT_NOFILE = clients + 64 (its cap is the limit - 64), nginx with 2 workers of
# clients / 2 + 1 worker_connections (one of each is its listening socket).
abuse_cap() {
  local s=$1 i=$2 etag
  if [[ $s == feedd ]]; then abuse_feedd cap "$ABUSE_POSTS" 20 $((ABUSE_SLOW + 64))
  else abuse_nginx $((ABUSE_SLOW / 2 + 1)); fi
  [[ -n $ABUSE_PID ]] || return 0
  etag=$(curl -s -o /dev/null -w '%header{etag}' "http://127.0.0.1:$ABUSE_PORT$ABUSE_PATH")
  log "abuse #$i $s: $ABUSE_SLOW slowloris clients at its connection limit"
  abuse_py "$WORK/logs/abuse-$s-cap-$i.txt" slowloris "127.0.0.1:$ABUSE_PORT" \
    --clients "$ABUSE_SLOW" --path "$ABUSE_PATH" --etag "$etag" --timeout "$ABUSE_TIMEOUT"
  stop_pid "$ABUSE_PID"
}

# abuse_noread RUN — clients that never read a ~5 MB answer, against a feedd whose feeds
# hold BENCH_ABUSE_BIG_ENTRIES entries.
abuse_noread() {
  local i=$1 etag addr t0=$EPOCHREALTIME
  abuse_feedd big "$ABUSE_BIG_POSTS" "$ABUSE_BIG_ENTRIES"
  [[ -n $ABUSE_PID ]] || return 0
  ABUSE[big_start,$i]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
  addr=127.0.0.1:$ABUSE_PORT
  etag=$(curl -s -o /dev/null -w '%header{etag}' "http://$addr$ABUSE_PATH")
  log "abuse #$i feedd: $ABUSE_NOREAD clients never read $ABUSE_BIG_PATH" \
    "($(curl -s -o /dev/null -w '%{size_download}' "http://$addr$ABUSE_BIG_PATH") bytes)"
  abuse_py "$WORK/logs/abuse-feedd-noread-$i.txt" noread "$addr" --clients "$ABUSE_NOREAD" \
    --path "$ABUSE_BIG_PATH" --pid "$ABUSE_PID" --timeout "$ABUSE_TIMEOUT" --etag "$etag" \
    --probe-path "$ABUSE_PATH"
  stop_pid "$ABUSE_PID"
}

stage_abuse() {
  local i s p order d=$WORK/abuse out
  ensure_packages /usr/sbin/nginx:nginx curl:curl python3:python3 cmake:cmake ninja:ninja-build
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping abuse"; return 0; }
  make_store "$ABUSE_POSTS" || return 0
  make_store "$ABUSE_BIG_POSTS" || return 0
  rm -rf "$d" && mkdir -p "$d"
  rm -f "$WORK"/logs/abuse-*-[0-9]*.txt  # no figure of an earlier run may enter the report
  : >"$WORK/logs/abuse-serve.log"
  : >"$WORK/logs/abuse-big.log"
  : >"$WORK/logs/abuse-nginx.log"
  : >"$WORK/logs/abuse-cap.log"
  ABUSE[nofile]="$(ulimit -Sn) soft, $(ulimit -Hn) hard"
  (($(ulimit -Hn) >= ABUSE_IDLE + 1000)) ||
    warn "RLIMIT_NOFILE hard limit $(ulimit -Hn) < $ABUSE_IDLE + 1000: idle connections will fail"
  # nginx serves feedd's bytes (identity) of every path the cases ask for, fetched once.
  abuse_feedd serve "$ABUSE_POSTS" 20
  [[ -n $ABUSE_PID ]] || return 0
  for p in "${ABUSE_PIPE_PATHS[@]}"; do
    [[ $p == /no/* ]] && continue
    curl -s --create-dirs -o "$d/www$p" "http://127.0.0.1:$ABUSE_PORT$p"
  done
  ABUSE[max_conns]=$(grep -o '[0-9]* connections' "$WORK/logs/abuse-serve.log" | tail -n 1)
  stop_pid "$ABUSE_PID"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    ABUSE[load0,$i]=$(uptime | sed 's/.*load average: //')
    order="feedd nginx"
    ((i % 2 == 0)) && order="nginx feedd"  # alternate, so drift in the load hits both
    for s in $order; do abuse_server "$s" "$i"; done
    ((ABUSE_CAP)) && for s in $order; do abuse_cap "$s" "$i"; done
    abuse_noread "$i"
    ABUSE[load1,$i]=$(uptime | sed 's/.*load average: //')
    log "abuse #$i done; load average ${ABUSE[load0,$i]} -> ${ABUSE[load1,$i]}"
  done
  out=$WORK/results-abuse-$(date -u +%Y%m%dT%H%M%SZ).md
  report_abuse | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

# abuse_runs SERVER TEST LINE KEY — KEY in each run's log, space-separated ("-" if missing).
abuse_runs() {
  local i v out=()
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    v=$(abuse_field "$WORK/logs/abuse-$1-$2-$i.txt" "$3" "$4")
    out+=("${v:--}")
  done
  echo "${out[*]}"
}
abuse_median() { abuse_runs "$@" | tr ' ' '\n' | grep -vx -- '-' | median; }
abuse_max() { abuse_runs "$@" | tr ' ' '\n' | grep -vx -- '-' | maximum; }
abuse_min() { abuse_runs "$@" | tr ' ' '\n' | grep -vx -- '-' | sort -g | head -n 1; }

# abuse_f FILE LINE KEY — like abuse_field, "–" when missing.
abuse_f() { local v; v=$(abuse_field "$@"); echo "${v:-–}"; }
kb_mb() { [[ $1 =~ ^[0-9]+$ ]] && awk -v v="$1" 'BEGIN {printf "%.1f", v / 1024}' || echo "–"; }

report_abuse_idle() {
  local i s f
  echo "### $ABUSE_IDLE idle keep-alive connections"
  echo
  echo "Opened together (≤ 256 connects in flight), held until the server has accepted them all" \
       "(its descriptors in /proc), then one \`GET $ABUSE_PATH\` with \`If-None-Match\` on each" \
       "(a 304; the connection stays open, idle). RSS is VmRSS of the server (nginx: master +" \
       "workers) 1 s after each step; bytes per connection = (RSS − RSS before) / connections." \
       "\"Normal client\": 20 conditional GETs (10 on new connections, 10 on one keep-alive" \
       "connection) while they are held."
  echo
  echo "| run | server | held / asked | RSS before | RSS open, no request | RSS idle after one request | RSS after close | VmHWM | B/conn open | B/conn idle | normal client (ok, max ms) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    for s in feedd nginx; do
      f=$WORK/logs/abuse-$s-idle-$i.txt
      echo "| $i | $s | $(abuse_f "$f" result held) / $ABUSE_IDLE" \
           "| $(kb_mb "$(abuse_field "$f" result rss_before_kb)") MB" \
           "| $(kb_mb "$(abuse_field "$f" result rss_open_kb)") MB" \
           "| $(kb_mb "$(abuse_field "$f" result rss_idle_kb)") MB" \
           "| $(kb_mb "$(abuse_field "$f" result rss_after_kb)") MB" \
           "| $(kb_mb "$(abuse_field "$f" result hwm_kb)") MB" \
           "| $(abuse_f "$f" result open_bytes_per_conn) | $(abuse_f "$f" result idle_bytes_per_conn)" \
           "| $(abuse_f "$f" result probe_ok), $(abuse_f "$f" result probe_max_ms) ms |"
    done
  done
  echo
  local fi ni
  fi=$(abuse_median feedd idle result idle_bytes_per_conn)
  ni=$(abuse_median nginx idle result idle_bytes_per_conn)
  echo "Medians: idle bytes per connection feedd $fi, nginx $ni (feedd/nginx $(ratio "$fi" "$ni"));" \
       "open, before any request: feedd $(abuse_median feedd idle result open_bytes_per_conn)," \
       "nginx $(abuse_median nginx idle result open_bytes_per_conn)."
  echo
}

report_abuse_slowloris() {
  local i s f
  echo "### $ABUSE_SLOW slowloris clients"
  echo
  echo "Each sends a request header one byte per second (4 KiB: it never ends), the clients" \
       "spread over the first second. A normal client (\`abuse.py probe\`, its own process)" \
       "polls \`GET $ABUSE_PATH\` with \`If-None-Match\` (a 304) every 10 ms, alternately on" \
       "one keep-alive connection and on a new connection, from the moment each has sent its" \
       "first byte" \
       "until $((ABUSE_TIMEOUT - 3)) s after the first; latency from before the send (keep-alive)" \
       "or the connect (new) to the whole answer. Baseline: the same probe for 5 s before the" \
       "slowloris clients connect. The slowloris connections are then watched until the server" \
       "closes them (or $((ABUSE_TIMEOUT + 15)) s)."
  echo
  echo "| run | server | baseline p50 / p99 | keep-alive p50 / p99 / max | new connection p50 / p99 / max | probe failures | closed by server (early) | closed after (min / median / max) | what they received |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    for s in feedd nginx; do
      f=$WORK/logs/abuse-$s-slowloris-$i.txt
      echo "| $i | $s | $(abuse_f "$f" baseline p50) / $(abuse_f "$f" baseline p99) ms" \
           "| $(abuse_f "$f" probe_keepalive p50) / $(abuse_f "$f" probe_keepalive p99) /" \
           "$(abuse_f "$f" probe_keepalive max) ms" \
           "| $(abuse_f "$f" probe_new p50) / $(abuse_f "$f" probe_new p99) /" \
           "$(abuse_f "$f" probe_new max) ms" \
           "| $(abuse_f "$f" probe failed) of $(abuse_f "$f" probe n)" \
           "| $(abuse_f "$f" result closed_by_server) / $(abuse_f "$f" result connected)" \
           "($(abuse_f "$f" result closed_early))" \
           "| $(abuse_f "$f" result closed_min_s) / $(abuse_f "$f" result closed_p50_s) /" \
           "$(abuse_f "$f" result closed_max_s) s | $(abuse_f "$f" result answers) |"
    done
  done
  echo
  local fk fn nk nn
  fk=$(abuse_median feedd slowloris probe_keepalive p99) fn=$(abuse_median feedd slowloris probe_new p99)
  nk=$(abuse_median nginx slowloris probe_keepalive p99) nn=$(abuse_median nginx slowloris probe_new p99)
  echo "Medians of the runs' p99: keep-alive feedd $fk ms, nginx $nk ms (feedd/nginx" \
       "$(ratio "$fk" "$nk")); new connection feedd $fn ms, nginx $nn ms (feedd/nginx" \
       "$(ratio "$fn" "$nn"))."
  echo
}

report_abuse_cap() {
  local i s f
  echo "### $ABUSE_SLOW slowloris clients at the connection limit"
  echo
  echo "The slowloris case again, against servers that take only $ABUSE_SLOW connections:" \
       "feedd under \`prlimit --nofile=$((ABUSE_SLOW + 64))\` (its log: \"up to $ABUSE_SLOW" \
       "connections\"), nginx with worker_connections $((ABUSE_SLOW / 2 + 1)) per worker. The" \
       "probe gives up on a request after 5 s (a failure). What a client sees when an" \
       "attacker holds every connection the server will take; feedd's targets are below."
  echo
  echo "| run | server | probe answered / failed | keep-alive p50 / max | new connection p50 / max | slow ones closed early (before timeout − 1 s) | the others closed after (median / max) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    for s in feedd nginx; do
      f=$WORK/logs/abuse-$s-cap-$i.txt
      echo "| $i | $s | $(abuse_f "$f" probe n) / $(abuse_f "$f" probe failed)" \
           "| $(abuse_f "$f" probe_keepalive p50) / $(abuse_f "$f" probe_keepalive max) ms" \
           "| $(abuse_f "$f" probe_new p50) / $(abuse_f "$f" probe_new max) ms" \
           "| $(abuse_f "$f" result closed_early)" \
           "| $(abuse_f "$f" result closed_p50_s) / $(abuse_f "$f" result closed_max_s) s |"
    done
  done
  echo
}

report_abuse_noread() {
  local i f
  echo "### Clients that never read a large answer (feedd)"
  echo
  echo "A second feedd over a $ABUSE_BIG_POSTS-post store with feeds.entries = $ABUSE_BIG_ENTRIES:" \
       "$ABUSE_NOREAD clients each send \`GET $ABUSE_BIG_PATH\` (identity) and never read." \
       "RSS 2 s after they asked; a probe (as above, 5 s) and another client's full GET of the" \
       "same body while they wait; then the server's descriptors are watched until it has" \
       "dropped all of them; finally each client reads what reached it."
  echo
  echo "| run | feedd ready after | body | clients | RSS before / during / after | RSS growth per client | dropped after | received by each (max) | their streams ended | full GET meanwhile | probe p99 keep-alive / new |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    f=$WORK/logs/abuse-feedd-noread-$i.txt
    echo "| $i | ${ABUSE[big_start,$i]:-–} s | $(abuse_f "$f" result length) B | $(abuse_f "$f" result connected)" \
         "| $(kb_mb "$(abuse_field "$f" result rss_before_kb)") / $(kb_mb "$(abuse_field "$f" result rss_during_kb)") /" \
         "$(kb_mb "$(abuse_field "$f" result rss_after_kb)") MB" \
         "| $(abuse_f "$f" result growth_per_client_kb) kB | $(abuse_f "$f" result closed_after_s) s" \
         "| $(abuse_f "$f" result received_max) B | $(abuse_f "$f" result ends)" \
         "| $(abuse_f "$f" result other_client_ms) ms" \
         "| $(abuse_f "$f" probe_keepalive p99) / $(abuse_f "$f" probe_new p99) ms |"
  done
  echo
}

report_abuse_pipeline() {
  local i s f
  echo "### 100 pipelined requests, then a half-close"
  echo
  echo "One write of 100 requests (GET, every fifth HEAD, cycling over" \
       "${ABUSE_PIPE_PATHS[*]}), then \`shutdown(SHUT_WR)\`; read until the server closes." \
       "Each answer must be the one a single request gets (status, ETag, body length)."
  echo
  echo "| run | server | answered | matching, in order | stream ended | time | first mismatch |"
  echo "| --- | --- | ---: | ---: | --- | ---: | --- |"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    for s in feedd nginx; do
      f=$WORK/logs/abuse-$s-pipeline-$i.txt
      echo "| $i | $s | $(abuse_f "$f" result answered) | $(abuse_f "$f" result matching_in_order)" \
           "| $(abuse_f "$f" result end) | $(abuse_f "$f" result ms) ms | $(abuse_f "$f" result first_mismatch) |"
    done
  done
  echo
}

report_abuse() {
  local i
  echo "## abuse — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_ABUSE_REPS=$ABUSE_REPS, BENCH_NICE=$NICE," \
       "server.timeout_s = nginx timeouts = $ABUSE_TIMEOUT s)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)," \
       "$(uname -r); RLIMIT_NOFILE ${ABUSE[nofile]}"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}); \`feedd serve\`, server.threads =" \
       "$ABUSE_THREADS, a $ABUSE_POSTS-post store, $ABUSE_PATH $(wc -c <"$WORK/abuse/www$ABUSE_PATH") B;" \
       "its log: \"up to ${ABUSE[max_conns]:-?}\" (the soft RLIMIT_NOFILE raised to the hard one)"
  echo "- nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), worker_processes $ABUSE_THREADS," \
       "worker_connections $((ABUSE_IDLE + 2048)), keepalive_timeout = client_header_timeout =" \
       "send_timeout = $ABUSE_TIMEOUT s, sendfile, the same bytes of $ABUSE_PATH from disk"
  echo "- clients: \`bench/abuse.py\` ($(/usr/bin/python3 -V 2>&1), stdlib, epoll; raises its" \
       "soft RLIMIT_NOFILE to the hard limit; sources 127.0.0.1–16), everything under" \
       "nice -n $NICE; each run restarts the servers; feedd and nginx alternate which goes first"
  for ((i = 1; i <= ABUSE_REPS; i++)); do
    echo "- run $i: load average (uptime) ${ABUSE[load0,$i]:-?} → ${ABUSE[load1,$i]:-?}"
  done
  echo
  report_abuse_idle
  report_abuse_slowloris
  ((ABUSE_CAP)) && report_abuse_cap
  report_abuse_noread
  report_abuse_pipeline
  echo "Targets (every run unless a median is named):"
  echo
  echo '```'
  verdict "feedd holds $ABUSE_IDLE idle connections (fewest held)" \
    "$(abuse_min feedd idle result held)" ">=" "$ABUSE_IDLE"
  local ok=1 v
  for v in $(abuse_runs feedd idle result probe_ok); do [[ $v == 20/20 ]] || ok=0; done
  verdict "a normal client is served while they are held (20 of 20 requests, every run)" \
    "$((ok ? 1 : 0))" ">=" 1 "$(abuse_runs feedd idle result probe_ok)"
  v=$(printf '%s\n' "$(abuse_median feedd slowloris probe_keepalive p99)" \
        "$(abuse_median feedd slowloris probe_new p99)" | maximum)
  verdict "feedd p99 < 50 ms under $ABUSE_SLOW slowloris clients (median of runs, worse of keep-alive and new)" \
    "$v" "<" 50 "$v ms"
  verdict "no probe request failed under slowloris (most failures in a run)" \
    "$(abuse_max feedd slowloris probe failed)" "<" 1
  verdict "feedd closes all $ABUSE_SLOW slowloris connections (fewest closed)" \
    "$(abuse_min feedd slowloris result closed_by_server)" ">=" "$ABUSE_SLOW"
  verdict "... within server.timeout_s + 2 s of their connect (latest close)" \
    "$(abuse_max feedd slowloris result closed_max_s)" "<=" "$((ABUSE_TIMEOUT + 2))" \
    "$(abuse_max feedd slowloris result closed_max_s) s"
  v=$(abuse_max feedd noread result rss_growth_kb)
  verdict "never-read answers: RSS growth < one body for all $ABUSE_NOREAD clients (largest)" \
    "$v" "<" "$(( $(abuse_min feedd noread result length) / 1024 ))" "$v kB"
  verdict "never-read connections dropped within server.timeout_s + 5 s (latest)" \
    "$(abuse_max feedd noread result closed_after_s)" "<=" "$((ABUSE_TIMEOUT + 5))" \
    "$(abuse_max feedd noread result closed_after_s) s"
  ok=1
  for v in $(abuse_runs feedd noread result other_client_statuses); do [[ $v == 200:1 ]] || ok=0; done
  verdict "another client gets the whole body meanwhile (every run)" "$((ok ? 1 : 0))" ">=" 1 \
    "$(abuse_runs feedd noread result other_client_statuses)"
  verdict "100 pipelined requests answered in order after a half-close (fewest)" \
    "$(abuse_min feedd pipeline result matching_in_order)" ">=" 100
  if ((ABUSE_CAP)); then
    verdict "at the connection cap, held by $ABUSE_SLOW slowloris clients, no probe request failed (most failures in a run)" \
      "$(abuse_max feedd cap probe failed)" "<" 1
    v=$(printf '%s\n' "$(abuse_median feedd cap probe_keepalive p99)" \
          "$(abuse_median feedd cap probe_new p99)" | maximum)
    verdict "... and its p99 < 50 ms (median of runs, worse of keep-alive and new)" "$v" "<" 50 "$v ms"
  fi
  echo '```'
}

# ---------------------------------------------------------------- stage: delta

DELTA_POSTS=${BENCH_DELTA_POSTS:-1000}
DELTA_CLIENTS=${BENCH_DELTA_CLIENTS:-1000}
DELTA_PATH=${BENCH_DELTA_PATH:-/atom.xml}

stage_delta() {
  local d=$WORK/delta port pid json=$WORK/logs/delta.json out
  ensure_packages curl:curl python3:python3 cmake:cmake ninja:ninja-build
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping delta"; return 0; }
  make_store "$DELTA_POSTS" || return 0
  rm -rf "$d" "$json" && mkdir -p "$d" && cp -r "$WORK/store-$DELTA_POSTS/posts" "$d/posts"
  port=$(free_port)
  sed -e "s|^path = .*|path = \"$d/posts\"|" -e "s|^index = .*|index = \"$d/store.index\"|" \
    "$WORK/store-$DELTA_POSTS/feedd.toml" >"$d/feedd.toml"
  printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = 2\n' "$port" >>"$d/feedd.toml"
  nice -n "$NICE" "$FEEDD" serve --config "$d/feedd.toml" 2>"$WORK/logs/delta-serve.log" &
  pid=$!
  if ! wait_http "http://127.0.0.1:$port$DELTA_PATH" "$pid" "$TIMEOUT"; then
    warn "feedd serve did not serve $DELTA_PATH (see $WORK/logs/delta-serve.log)"
    stop_pid "$pid"
    return 0
  fi
  log "delta: $DELTA_CLIENTS readers x 2 populations x 48 polls of $DELTA_PATH"
  nice -n "$NICE" python3 "$BENCH_DIR/delta.py" --port "$port" --store "$d/posts" \
    --path "$DELTA_PATH" --clients "$DELTA_CLIENTS" >"$json" 2>>"$WORK/logs/delta-serve.log" ||
    warn "delta.py failed (see $WORK/logs/delta-serve.log)"
  DELTA_RENDERS=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "feedd_delta_renders_total" {print $2}')
  stop_pid "$pid"
  out=$WORK/results-delta-$(date -u +%Y%m%dT%H%M%SZ).md
  report_delta "$json" | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

report_delta() {
  local f=$1
  echo "## delta — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` ($DELTA_POSTS posts, feeds.entries 20, $DELTA_CLIENTS" \
       "readers per population, BENCH_NICE=$NICE)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}); \`feedd serve\`, 2 threads, defaults" \
       "(feeds.delta_versions 32)"
  echo "- day: 48 polls of $DELTA_PATH per reader (one every 30 min), one new post before poll" \
       "25; newsboat's request (If-None-Match, If-Modified-Since, Accept-Encoding: gzip," \
       "deflate), with A-IM: feed (delta) or without (plain); HTTP bytes both ways" \
       "(\`bench/delta.py\`)"
  echo
  if [[ ! -s $f ]]; then
    echo "no result (delta.py failed)"
    return 0
  fi
  /usr/bin/python3 - "$f" "${DELTA_RENDERS:-?}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("| readers | bytes on the wire | of which requests | statuses | response to the change |")
print("| --- | ---: | ---: | --- | ---: |")
for name in ("plain", "delta"):
    p = r[name]
    statuses = ", ".join(f"{k}: {v}" for k, v in p["statuses"].items())
    print(f"| {name} | {p['bytes']:,} | {p['request_bytes']:,} | {statuses} | {p['changed_response_bytes']:,} B |")
print()
print(f"delta / plain bytes: {r['ratio']} (plain / delta: {r['plain']['bytes'] / r['delta']['bytes']:.2f}x);"
      f" delta bodies rendered: {sys.argv[2]} for {r['delta']['statuses'].get('226', 0)} 226 responses;"
      f" {r['seconds']} s")
PY
}

# ---------------------------------------------------------------- dispatcher

# ---------------------------------------------------------------- stage: polite

declare -A POLITE  # POLITE[mode] = "rps p99_ms bad;" per run, appended

# polite_start MODE PORT MIN_POLL_S — a feedd serve of the serve store on PORT, with its own
# index; prints its pid.
polite_start() {
  local dir=$WORK/polite
  sed "s|^index = .*|index = \"$dir/index-$1.sqlite\"|" "$WORK/store-$SERVE_POSTS/feedd.toml" \
    >"$dir/feedd-$1.toml"
  printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = %s\nmin_poll_s = %s\n' \
    "$2" "$SERVE_THREADS" "$3" >>"$dir/feedd-$1.toml"
  "$FEEDD" --config "$dir/feedd-$1.toml" serve >/dev/null 2>"$WORK/logs/polite-feedd-$1.log" &
  echo $!
}

stage_polite() {
  local dir=$WORK/polite i mode r out etag
  local -A pid port=([off]=18490 [on]=18491)
  ensure_packages wrk:wrk curl:curl cmake:cmake ninja:ninja-build
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping polite"; return 0; }
  make_store "$SERVE_POSTS" || return 0
  rm -rf "$dir" && mkdir -p "$dir"
  pid[off]=$(polite_start off "${port[off]}" 0)
  pid[on]=$(polite_start on "${port[on]}" 60)
  for mode in off on; do
    wait_port "${port[$mode]}" || { warn "feedd ($mode) did not start"; stop_pid "${pid[off]}";
      stop_pid "${pid[on]}"; return 0; }
  done
  etag=$(curl -sI "http://127.0.0.1:${port[off]}$SERVE_PATH" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "etag" {print $2}')
  log "polite: off -> $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" \
    "http://127.0.0.1:${port[off]}$SERVE_PATH"), on -> $(curl -s -o /dev/null -w '%{http_code}' \
    -H "If-None-Match: $etag" "http://127.0.0.1:${port[on]}$SERVE_PATH"); unconditional twice" \
    "on -> $(curl -s -o /dev/null -w '%{http_code} ' "http://127.0.0.1:${port[on]}$SERVE_PATH"
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[on]}$SERVE_PATH")"
  POLITE_LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((i = 1; i <= REPS; i++)); do
    for mode in off on; do  # alternating, so drift in the machine's load hits both
      r=$(wrk_run "http://127.0.0.1:${port[$mode]}$SERVE_PATH" "$WORK/logs/polite-$mode-$i.log" \
        "If-None-Match: $etag")
      log "polite #$i $mode: $r (req/s, p99 ms, non-2xx/3xx)"
      POLITE[$mode]+="$r;"
    done
  done
  POLITE_LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_pid "${pid[off]}"
  stop_pid "${pid[on]}"
  out=$WORK/results-polite-$(date -u +%Y%m%dT%H%M%SZ).md
  report_polite | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

polite_stat() { echo "${POLITE[$1]:-}" | tr ';' '\n' | awk -v f="$2" 'NF {print $f}' | median; }

report_polite() {
  local off on ratio
  off=$(polite_stat off 1)
  on=$(polite_stat on 1)
  ratio=$(awk -v a="$on" -v b="$off" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print 0}')
  echo "## polite — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_REPS=$REPS; each run" \
       "\`wrk -t$SERVE_WRK_THREADS -c$SERVE_CONNS -d${SERVE_SECONDS}s --latency\`" \
       "GET $SERVE_PATH with If-None-Match (304) of a $SERVE_POSTS-post store)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}), server.threads = $SERVE_THREADS; two" \
       "processes side by side: server.min_poll_s = 0 (off) and 60 (on, poll_clients 100000)"
  echo "- load average before → after: $POLITE_LOAD0 → $POLITE_LOAD1"
  echo
  echo "| polite polling | 304 req/s (median) | p99 (median) | non-2xx/3xx |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| off | $off | $(polite_stat off 2) ms | $(polite_stat off 3) |"
  echo "| on | $on | $(polite_stat on 2) ms | $(polite_stat on 3) |"
  echo
  echo "All runs (req/s p99-ms bad): off [${POLITE[off]:-}] on [${POLITE[on]:-}]"
  echo
  echo '```'
  verdict "304 req/s with polite polling on >= 0.95 x off" "$ratio" ">=" 0.95
  echo '```'
}

# ---------------------------------------------------------------- stage: varnish

VARNISH_POSTS=${BENCH_VARNISH_POSTS:-1000}
VARNISH_READERS=${BENCH_VARNISH_READERS:-10000}
VARNISH_INTERVAL=${BENCH_VARNISH_INTERVAL:-6}
VARNISH_INTERVALS=${BENCH_VARNISH_INTERVALS:-48}
VARNISH_EDITS=${BENCH_VARNISH_EDITS:-10}
VARNISH_PARTS=${BENCH_VARNISH_PARTS:-"throughput edit day"}
declare -A VARN  # VARN[key] = value: "rps p99_ms bad;" per run for VARN[target,case]

# varnish_replicas MAX_AGE — starts two feedd replicas (2 threads each, own index, [cache]
# purge to Varnish) over $VARNISH_DIR/posts; sets VARN_PIDS and VARN_PORTS.
varnish_replicas() {
  local i port conf
  VARN_PIDS=() VARN_PORTS=()
  for i in 1 2; do
    port=$(free_port)
    conf=$VARNISH_DIR/r$i/feedd.toml
    mkdir -p "$VARNISH_DIR/r$i"
    sed -e "s|^path = .*|path = \"$VARNISH_DIR/posts\"|" \
      -e "s|^index = .*|index = \"$VARNISH_DIR/r$i/store.index\"|" \
      "$WORK/store-$VARNISH_POSTS/feedd.toml" >"$conf"
    printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = %s\nmax_age_s = %s\n' \
      "$port" "$SERVE_THREADS" "$1" >>"$conf"
    printf '\n[cache]\npurge = ["http://127.0.0.1:%s/"]\n' "$VARN_CACHE_PORT" >>"$conf"
    nice -n "$NICE" "$FEEDD" serve --config "$conf" 2>>"$WORK/logs/varnish-feedd$i.log" &
    VARN_PIDS+=($!) VARN_PORTS+=("$port")
  done
  for i in 0 1; do
    wait_http "http://127.0.0.1:${VARN_PORTS[$i]}/atom.xml" "${VARN_PIDS[$i]}" 120 ||
      { warn "feedd replica $((i + 1)) did not start (see $WORK/logs/varnish-feedd$((i + 1)).log)"
        return 1; }
  done
}

# varnish_start — varnishd (Debian's) with etc/varnish/feedd.vcl as shipped, the replicas'
# ports in place of 8081/8082; sets VARN_VPID. -j none and -T none: no jail, no CLI (root in
# a temp dir); thread_pools = 2 (its default, one per core: feedd's server.threads).
varnish_start() {
  local vdir=$VARNISH_DIR/varnish
  rm -rf "$vdir" && mkdir -p "$vdir"
  sed -e "s/\"8081\"/\"${VARN_PORTS[0]}\"/" -e "s/\"8082\"/\"${VARN_PORTS[1]}\"/" \
    "$ROOT/etc/varnish/feedd.vcl" >"$VARNISH_DIR/feedd.vcl"
  nice -n "$NICE" /usr/sbin/varnishd -F -j none -T none -n "$vdir" \
    -a "127.0.0.1:$VARN_CACHE_PORT" -f "$VARNISH_DIR/feedd.vcl" \
    -p http_gzip_support=off -p thread_pools=2 -s malloc,256m \
    >>"$WORK/logs/varnish-varnishd.log" 2>&1 &
  VARN_VPID=$!
  local deadline=$((SECONDS + 30))  # up when both backends are healthy (2 probes of 1 s)
  while ((SECONDS < deadline)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$VARN_CACHE_PORT/atom.xml") == 200 ]] &&
      return 0
    sleep 0.2
  done
  warn "varnishd did not serve /atom.xml (see $WORK/logs/varnish-varnishd.log)"
  return 1
}

varnish_stop() {
  local p
  [[ -n ${VARN_VPID:-} ]] && stop_pid "$VARN_VPID"
  for p in "${VARN_PIDS[@]}"; do stop_pid "$p"; done
  VARN_VPID="" VARN_PIDS=()
}

# varnish_throughput — wrk against replica 1 direct and against Varnish, alternating, REPS
# rounds: 304 (If-None-Match) and 200 gzip of $SERVE_PATH.
varnish_throughput() {
  local i t case port etag r headers
  etag=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%header{etag}' \
    "http://127.0.0.1:${VARN_PORTS[0]}$SERVE_PATH")
  for t in direct varnish; do
    port=${VARN_PORTS[0]}
    [[ $t == varnish ]] && port=$VARN_CACHE_PORT
    log "varnish: $t: gzip -> $(curl -s -o /dev/null -H 'Accept-Encoding: gzip' \
      -w '%{http_code} %{size_download} B %header{etag} %header{x-cache}' \
      "http://127.0.0.1:$port$SERVE_PATH"); If-None-Match -> $(curl -s -o /dev/null \
      -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag" -w '%{http_code} %header{x-cache}' \
      "http://127.0.0.1:$port$SERVE_PATH")"
  done
  VARN[load0]=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((i = 1; i <= REPS; i++)); do
    for t in direct varnish; do  # alternating, so drift in the machine's load hits both
      port=${VARN_PORTS[0]}
      [[ $t == varnish ]] && port=$VARN_CACHE_PORT
      for case in 304 gzip; do
        headers=("Accept-Encoding: gzip")
        [[ $case == 304 ]] && headers+=("If-None-Match: $etag")
        r=$(wrk_run "http://127.0.0.1:$port$SERVE_PATH" "$WORK/logs/varnish-$t-$case-$i.log" \
          "${headers[@]}")
        log "varnish #$i $t $case: $r (req/s, p99 ms, non-2xx/3xx)"
        VARN[$t,$case]+="$r;"
      done
    done
  done
  VARN[load1]=$(cut -d' ' -f1-3 /proc/loadavg)
}

# varnish_py MODE JSON — bench/varnish.py against the running replicas and Varnish.
varnish_py() {
  nice -n "$NICE" /usr/bin/python3 "$BENCH_DIR/varnish.py" "$1" --cache "$VARN_CACHE_PORT" \
    --replicas "${VARN_PORTS[0]},${VARN_PORTS[1]}" --store "$VARNISH_DIR/posts" \
    --varnish-dir "$VARNISH_DIR/varnish" --readers "$VARNISH_READERS" \
    --interval-real "$VARNISH_INTERVAL" --intervals "$VARNISH_INTERVALS" --edits "$VARNISH_EDITS" \
    >"$2" 2>>"$WORK/logs/varnish-py-$1.log" || warn "varnish.py $1 failed (see $WORK/logs/varnish-py-$1.log)"
}

stage_varnish() {
  local out
  VARNISH_DIR=$WORK/varnish
  ensure_packages /usr/sbin/varnishd:varnish wrk:wrk curl:curl python3:python3 gcc:gcc \
    cmake:cmake ninja:ninja-build
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping varnish"; return 0; }
  make_store "$VARNISH_POSTS" || return 0
  rm -rf "$VARNISH_DIR" && mkdir -p "$VARNISH_DIR"
  cp -r "$WORK/store-$VARNISH_POSTS/posts" "$VARNISH_DIR/posts"
  rm -f "$WORK"/logs/varnish-*
  VARN_CACHE_PORT=$(free_port) VARN_VPID="" VARN_PIDS=()
  VARN[commit]=$(git -C "$ROOT" rev-parse --short HEAD)
  # Throughput and one edit's cost: max_age_s 3600, so nothing expires during the run and
  # only purges send readers to feedd.
  if [[ $VARNISH_PARTS == *throughput* || $VARNISH_PARTS == *edit* ]]; then
    if varnish_replicas 3600 && varnish_start; then
      [[ $VARNISH_PARTS == *throughput* ]] && varnish_throughput
      if [[ $VARNISH_PARTS == *edit* ]]; then
        VARN[edit_load0]=$(cut -d' ' -f1-3 /proc/loadavg)
        log "varnish: $VARNISH_EDITS edits, each followed by one poll of $VARNISH_READERS readers"
        varnish_py edits "$WORK/logs/varnish-edits.json"
        VARN[edit_load1]=$(cut -d' ' -f1-3 /proc/loadavg)
      fi
    fi
    varnish_stop
  fi
  # The day: max_age_s 1, i.e. feedd's default 300 s on the simulated clock (300x).
  if [[ $VARNISH_PARTS == *day* ]]; then
    if varnish_replicas 1 && varnish_start; then
      VARN[day_load0]=$(cut -d' ' -f1-3 /proc/loadavg)
      log "varnish: a simulated day, $VARNISH_READERS readers, $VARNISH_INTERVALS intervals of $VARNISH_INTERVAL s"
      varnish_py day "$WORK/logs/varnish-day.json"
      VARN[day_load1]=$(cut -d' ' -f1-3 /proc/loadavg)
    fi
    varnish_stop
  fi
  out=$WORK/results-varnish-$(date -u +%Y%m%dT%H%M%SZ).md
  report_varnish | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

varn_stat() { echo "${VARN[$1,$2]:-}" | tr ';' '\n' | awk -v f="$3" 'NF {print $f}' | median; }

report_varnish() {
  echo "## varnish — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` (BENCH_REPS=$REPS, BENCH_NICE=$NICE, parts: $VARNISH_PARTS)"
  echo "- commit: ${VARN[commit]}; feedd: ${FEEDD:-none} (${FEEDD_NOTE:-})"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- topology: two feedd replicas (server.threads = $SERVE_THREADS each, own index, one" \
       "store of $VARNISH_POSTS posts, \`[cache] purge\` to Varnish) behind" \
       "$(/usr/sbin/varnishd -V 2>&1 | head -n 1 | cut -d' ' -f2 | tr -d '(')" \
       "with etc/varnish/feedd.vcl as shipped (\`-p http_gzip_support=off -p thread_pools=2" \
       "-s malloc,256m\`), all on 127.0.0.1"
  report_varnish_throughput
  report_varnish_edits
  report_varnish_day
}

report_varnish_throughput() {
  [[ -n ${VARN[direct,304]:-} ]] || return 0
  local case label dr vr dp vp
  echo
  echo "### Readers through Varnish vs direct to feedd"
  echo
  echo "\`wrk -t$SERVE_WRK_THREADS -c$SERVE_CONNS -d${SERVE_SECONDS}s --latency\`, GET" \
       "$SERVE_PATH with \`Accept-Encoding: gzip\` (and \`If-None-Match\` for 304), direct to" \
       "replica 1 and through Varnish (every request a hit), alternating, $REPS rounds;" \
       "medians. Load average before → after: ${VARN[load0]} → ${VARN[load1]}."
  echo
  echo "| case | direct req/s | Varnish req/s | Varnish/direct | direct p99 | Varnish p99 | Varnish/direct p99 |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for case in 304 gzip; do
    dr=$(varn_stat direct $case 1) vr=$(varn_stat varnish $case 1)
    dp=$(varn_stat direct $case 2) vp=$(varn_stat varnish $case 2)
    label="304 (If-None-Match)"
    [[ $case == gzip ]] && label="200 gzip"
    printf '| %s | %.0f | %.0f | %.2f | %.2f ms | %.2f ms | %.2f |\n' "$label" "$dr" "$vr" \
      "$(awk -v a="$vr" -v b="$dr" 'BEGIN {print (b > 0 ? a / b : 0)}')" "$dp" "$vp" \
      "$(awk -v a="$vp" -v b="$dp" 'BEGIN {print (b > 0 ? a / b : 0)}')"
  done
  echo
  echo "All runs (req/s p99-ms non-2xx/3xx):"
  echo
  for case in 304 gzip; do
    echo "- $case: direct [${VARN[direct,$case]:-}] varnish [${VARN[varnish,$case]:-}]"
  done
}

# The JSON of varnish.py is read with python3 (stdlib json).
report_varnish_edits() {
  local json=$WORK/logs/varnish-edits.json
  [[ -s $json ]] || return 0
  echo
  echo "### What one edit costs the backend"
  echo
  echo "Load average before → after: ${VARN[edit_load0]} → ${VARN[edit_load1]}."
  echo
  /usr/bin/python3 - "$json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
e = r["edits"]
print("%d edits (languages alternating); after each, %d readers poll once. max_age_s = 3600:"
      " nothing expires, only the purges send requests to feedd." % (len(e), r["readers"]))
print()
print("| # | lang | served by replica 1 after | served through Varnish after | PURGEs sent (ok/failed, both replicas) | requests reaching feedd | of which before the readers' round | by status | Varnish backend_req | readers given the new version |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
ms = lambda v: "%.0f ms" % (v * 1000) if v is not None else "not seen"
for i, x in enumerate(e, 1):
    print("| %d | %s | %s | %s | %d/%d | %d | %d | %s | %d | %d |" % (
        i, x["lang"], ms(x.get("direct_s")), ms(x["served_s"]), x["purges_ok"], x["purges_failed"], x["backend_requests"],
        x["backend_before_round"], " ".join("%s: %d" % kv for kv in sorted(x["backend_by_status"].items())),
        x["varnish_backend_req"], x["readers_new_version"]))
served = [x["served_s"] for x in e if x["served_s"] is not None]
direct = [x["direct_s"] for x in e if x.get("direct_s") is not None]
print()
if served:
    print("Medians: served by replica 1 %.0f ms after the edit, through Varnish %.0f ms (max %.0f"
          " ms); %g requests reach feedd per edit (min %d, max %d); %g PURGEs sent per edit." % (
              statistics.median(direct) * 1000 if direct else float("nan"),
              statistics.median(served) * 1000, max(served) * 1000,
              statistics.median(x["backend_requests"] for x in e),
              min(x["backend_requests"] for x in e), max(x["backend_requests"] for x in e),
              statistics.median(x["purges_ok"] + x["purges_failed"] for x in e)))
PY
}

report_varnish_day() {
  local json=$WORK/logs/varnish-day.json
  [[ -s $json ]] || return 0
  echo
  echo "### Hit ratio over a simulated day"
  echo
  echo "Load average before → after: ${VARN[day_load0]} → ${VARN[day_load1]}."
  echo
  /usr/bin/python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
v = r["varnish"]
polls = r["readers"] * r["intervals"]
print("%d readers x %d polls (every 30 simulated minutes) = %d conditional GETs; %d edits (one per"
      " simulated hour). Clock: one 30-minute interval = %g real s (x%g), polls paced at fixed"
      " phases through it; feedd max_age_s = 1 (its default 300 s, scaled); the day took %g real s,"
      " %d polls more than 0.5 s late (the client behind: such polls go as fast as they can);"
      " intervals took %g s (median), %g s (max)." % (
          r["readers"], r["intervals"], polls, len(r["edits"]), r["interval_real_s"],
          r["time_scale"], r["seconds"], r["late_polls"], r["interval_s_median"],
          r["interval_s_max"]))
print()
hit, miss, hitpass = v["MAIN.cache_hit"], v["MAIN.cache_miss"], v["MAIN.cache_hitpass"]
lookups = hit + miss + hitpass
print("| source | figure |")
print("| --- | ---: |")
print("| Varnish MAIN.client_req | %d |" % v["MAIN.client_req"])
print("| MAIN.cache_hit (of which cache_hit_grace) | %d (%d) |" % (hit, v["MAIN.cache_hit_grace"]))
print("| MAIN.cache_miss | %d |" % miss)
print("| MAIN.cache_hitpass / cache_hitmiss | %d / %d |" % (hitpass, v["MAIN.cache_hitmiss"]))
print("| **hit ratio** hit / (hit + miss + hitpass) | **%.4f** |" % (hit / lookups if lookups else 0))
print("| MAIN.backend_req (fetches: misses and background revalidations) | %d |" % v["MAIN.backend_req"])
print("| PURGEs received (MAIN.n_purges) / objects purged | %d / %d |" % (v["MAIN.n_purges"], v["MAIN.n_obj_purged"]))
print("| feedd /metrics: requests reaching the two replicas (not healthz, metrics) | %d |" % r["backend_requests"])
print("| of which by status | %s |" % ", ".join("%s: %d" % kv for kv in sorted(r["backend_by_status"].items())))
print("| **backend share** feedd requests / reader requests | **%.4f** |" % (r["backend_requests"] / polls))
print("| PURGEs sent by the replicas (ok/failed) | %d/%d |" % (r["purges_ok"], r["purges_failed"]))
print("| readers' statuses | %s |" % ", ".join("%s: %s" % kv for kv in r["reader_statuses"].items()))
PY
}

WEBSUB_POSTS=${BENCH_WEBSUB_POSTS:-1000}
WEBSUB_SUBSCRIBERS=${BENCH_WEBSUB_SUBSCRIBERS:-1000}
WEBSUB_EDITS=${BENCH_WEBSUB_EDITS:-20}
WEBSUB_ROUNDS=${BENCH_WEBSUB_ROUNDS:-5}
WEBSUB_CHEAP=${BENCH_WEBSUB_CHEAP:-1}
WEBSUB_COST_EDITS=${BENCH_WEBSUB_COST_EDITS:-10}
WEBSUB_RECEIVER_IDLE=${BENCH_WEBSUB_RECEIVER_IDLE:-0}

# websub_nginx_conf DIR PORT — one nginx worker as 16 cheap WebSub subscribers (127.0.2.1-16):
# a GET (intent verification) is answered with its hub.challenge (a regex: nginx's $arg_NAME
# cannot name "hub.challenge", $arg_hub_challenge stays empty), anything else with 204.
websub_nginx_conf() {
  local dir=$1 port=$2 i
  printf '%s\n' "worker_processes 1;" "daemon off;" "pid $dir/nginx.pid;" \
    "error_log $dir/error.log warn;" "events { worker_connections 4096; }" "http {" \
    "  access_log off;" "  client_body_temp_path $dir/tmp;" "  server {"
  for i in $(seq 16); do echo "    listen 127.0.2.$i:$port;"; done
  printf '%s\n' '    location / {' \
    '      if ($args ~ "(?:^|&)hub\.challenge=([^&]*)") { return 200 $1; }' \
    '      return 204;' '    }' '  }' '}'
}

stage_websub() {
  local d=$WORK/websub port pid json=$WORK/logs/websub.json out
  ensure_packages wrk:wrk curl:curl python3:python3 cmake:cmake ninja:ninja-build \
    /usr/sbin/nginx:nginx
  build_feedd
  [[ -n $FEEDD ]] || { warn "no feedd binary: skipping websub"; return 0; }
  make_store "$WEBSUB_POSTS" || return 0
  rm -rf "$d" "$json" && mkdir -p "$d" && cp -r "$WORK/store-$WEBSUB_POSTS/posts" "$d/posts"
  port=$(free_port)
  sed -e "s|^path = .*|path = \"$d/posts\"|" -e "s|^index = .*|index = \"$d/store.index\"|" \
    "$WORK/store-$WEBSUB_POSTS/feedd.toml" >"$d/feedd.toml"
  printf '\n[server]\nlisten = ["127.0.0.1:%s"]\nthreads = 2\n' "$port" >>"$d/feedd.toml"
  printf '\n[websub]\nbuiltin_hub = true\nallow_private_callbacks = true\n' >>"$d/feedd.toml"
  nice -n "$NICE" "$FEEDD" serve --config "$d/feedd.toml" 2>"$WORK/logs/websub-serve.log" &
  pid=$!
  if ! wait_http "http://127.0.0.1:$port/en/atom.xml" "$pid" "$TIMEOUT"; then
    warn "feedd serve did not serve /en/atom.xml (see $WORK/logs/websub-serve.log)"
    stop_pid "$pid"
    return 0
  fi
  local cheap=() nport nginx_pid=""
  if ((WEBSUB_CHEAP)); then
    nport=$(free_port)
    mkdir -p "$d/nginx/tmp"
    websub_nginx_conf "$d/nginx" "$nport" >"$d/nginx/nginx.conf"
    local priority=(nice -n "$NICE")
    ((WEBSUB_RECEIVER_IDLE)) && priority=(chrt --idle 0)
    "${priority[@]}" /usr/sbin/nginx -c "$d/nginx/nginx.conf" -p "$d/nginx" \
      2>"$WORK/logs/websub-nginx.log" &
    nginx_pid=$!
    curl -s --retry 20 --retry-delay 0 --retry-connrefused -o /dev/null \
      "http://127.0.2.1:$nport/" || warn "nginx did not start (see $WORK/logs/websub-nginx.log)"
    cheap=(--cheap-callbacks "$(seq -s, -f "127.0.2.%g:$nport" 16)")
  fi
  WEBSUB_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  log "websub: $WEBSUB_SUBSCRIBERS subscribers, $WEBSUB_EDITS edits, $WEBSUB_ROUNDS wrk rounds"
  nice -n "$NICE" python3 "$BENCH_DIR/websub.py" --port "$port" --store "$d/posts" \
    --subscribers "$WEBSUB_SUBSCRIBERS" --edits "$WEBSUB_EDITS" --wrk-rounds "$WEBSUB_ROUNDS" \
    --feedd-pid "$pid" --cost-edits "$WEBSUB_COST_EDITS" "${cheap[@]}" \
    >"$json" 2>>"$WORK/logs/websub-serve.log" || warn "websub.py failed (see $WORK/logs/websub-serve.log)"
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^feedd_(websub|outbound)' \
    >"$WORK/logs/websub-metrics.txt" || true
  stop_pid "$pid"
  [[ -n $nginx_pid ]] && stop_pid "$nginx_pid"
  out=$WORK/results-websub-$(date -u +%Y%m%dT%H%M%SZ).md
  report_websub "$json" | tee "$out"
  log "report saved to $out (paste it into bench/RESULTS.md)"
}

report_websub() {
  local f=$1
  echo "## websub — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`${BENCH_CMDLINE}\` ($WEBSUB_POSTS posts, $WEBSUB_SUBSCRIBERS subscribers" \
       "of /en/atom.xml on 16 loopback hosts, $WEBSUB_EDITS edits, BENCH_NICE=$NICE)"
  echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo); load average" \
       "before ${WEBSUB_LOAD_BEFORE:-?}, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- feedd: ${FEEDD:-none} (${FEEDD_NOTE:-}); \`feedd serve\`, 2 threads, builtin_hub," \
       "store.debounce_ms default; latency subscribers: one asyncio process (\`bench/websub.py\`);" \
       "cost and throughput subscribers: $( ((WEBSUB_CHEAP)) && echo "one nginx worker (204," \
       "16 addresses$( ((WEBSUB_RECEIVER_IDLE)) && echo ", at idle CPU priority:" \
       "BENCH_WEBSUB_RECEIVER_IDLE=1, a diagnostic of feedd's own cost")), $WEBSUB_COST_EDITS" \
       "cost edits" || echo "the same Python process")"
  echo
  if [[ ! -s $f ]]; then
    echo "no result (websub.py failed)"
    return 0
  fi
  local p99 ratio
  read -r p99 ratio < <(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["last_delivery_ms"]["p99"], r["throughput_304"]["ratio"])' "$f")
  /usr/bin/python3 - "$f" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
l, e, t = r["last_delivery_ms"], r["each_delivery_ms"], r["throughput_304"]
print(f"| measure | p50 | p99 |")
print(f"| --- | ---: | ---: |")
print(f"| edit -> last of {r['subscribers']} deliveries | {l['p50']} ms | {l['p99']} ms |")
print(f"| edit -> each delivery | {e['p50']} ms | {e['p99']} ms |")
print()
print(f"runs (ms, last delivery): {', '.join(str(x) for x in l['runs'])}")
print(f"subscribing {r['subscribers']} (202 + verified intent): {r['subscribe_seconds']} s;"
      f" deliveries seen: {r['deliveries_seen']}")
print()
print(f"feedd CPU per edit while the Python subscribers are served: {r.get('latency_cpu_per_edit')}")
c = r.get("cheap")
if c:
    a = c["all_delivered_ms"]
    print(f"cheap subscribers ({len(c['callbacks'])} nginx addresses), {c['edits']} edits alone:"
          f" feedd CPU per edit {c['cpu_per_edit']}; edit -> all delivered p50 {a['p50']} ms,"
          f" p99 {a['p99']} ms (runs: {', '.join(str(x) for x in a['runs'])})")
print()
print(f"304 req/s idle: {', '.join(f'{x:.0f}' for x in t['idle'])} (median {statistics.median(t['idle']):.0f});"
      f" during deliveries: {', '.join(f'{x:.0f}' for x in t['during_deliveries'])}"
      f" (median {statistics.median(t['during_deliveries']):.0f}); ratio {t['ratio']}")
print(f"deliveries/s during the busy rounds: {', '.join(str(x) for x in t['deliveries_per_s_during'])}")
ms = lambda rounds: ", ".join(str(x["feedd_ms"]) + "/" + str(x["outbound_thread_ms"]) if x else "?" for x in rounds)
print(f"feedd CPU ms per round (process/outbound thread): idle {ms(t['cpu_ms_idle_rounds'])};"
      f" busy {ms(t['cpu_ms_busy_rounds'])}")
PY
  echo
  echo '```'
  verdict "edit -> delivered to all subscribers p99 <= 1000 ms" "$p99" "<=" 1000 "$p99 ms"
  verdict "304 req/s during deliveries >= 0.9 x idle" "$ratio" ">=" 0.9
  echo '```'
}

usage() {
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
}

main() {
  local stage
  BENCH_CMDLINE="bench/run.sh $*"
  (($#)) || set -- "${STAGES[@]}"
  for stage in "$@"; do
    case $stage in
      -h | --help) usage; return 0 ;;
    esac
    if ! declare -F "stage_$stage" >/dev/null; then
      echo "run.sh: unknown stage '$stage' (stages: ${STAGES[*]})" >&2
      usage
      return 2
    fi
  done
  mkdir -p "$WORK/logs"
  cd "$ROOT" || return 2
  log "stages: $* (BENCH_SIZES=\"$SIZES\" BENCH_REPS=$REPS BENCH_NICE=$NICE)"
  for stage in "$@"; do "stage_$stage"; done
  return 0
}

main "$@"; exit $?  # one line: bash reads a script as it runs it, so a later edit is never read
