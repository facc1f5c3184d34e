#!/bin/bash
# The clean-install test's checks, run by tests/package/clean_install.sh inside a minbase
# Debian 12 where apt-get has just installed the package with its Depends from the mirror
# (systemd-nspawn without boot: no systemd, its own loopback, nothing of this machine's /usr).
# Every library resolves, then feedd runs as an operator would without systemd: --version,
# check and build on the sample store, serve answering a feed (plain and brotli), a clean stop
# on SIGTERM, then apt-get purge. One "PASS name: detail" / "FAIL name: detail" line per check
# goes to /results/report.txt, then "DONE".
source /opt/feedd-support/nspawn.sh probe   # pass, fail, check, eq, wait_for; URL
probe_start
P=/opt/feedd-package        # bin/: this directory; posts/: the sample store
export DEBIAN_FRONTEND=noninteractive

# http_get PATH [HEADER...]: the raw response (status line, headers, body) of a GET on
# 127.0.0.1:8080 (bash's /dev/tcp: minbase has no HTTP client, and installing one would bring
# libraries that could hide one missing from feedd's Depends).
http_get() (
  exec 3<> /dev/tcp/127.0.0.1/8080 || exit 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n' "$1" >&3
  shift
  for header in "$@"; do printf '%s\r\n' "$header" >&3; done
  printf '\r\n' >&3
  cat <&3
)
# head_of PATH [HEADER...]: the status line and headers, CR removed.
head_of() { http_get "$@" 2> /dev/null | sed -n '/^\r\{0,1\}$/q; s/\r$//; p'; }
healthy() { head_of /healthz | grep -qx 'HTTP/1.1 200 OK'; }
healthy_or_gone() { healthy || ! kill -0 "$pid" 2> /dev/null; }

# --- the binary and its libraries ---
missing=$(ldd /usr/bin/feedd 2>&1 | grep 'not found' | tr -s '\t\n' '  ')
check libraries "every library feedd links is installed${missing:+; missing: $missing}" eq "$missing" ""
out=$(feedd --version 2>&1)
check version "feedd --version: $out" eq "$out" "feedd $FEEDD_VERSION"
check zoneinfo "tzdata: /usr/share/zoneinfo/Asia/Tokyo (the sample's site.timezone)" \
  test -f /usr/share/zoneinfo/Asia/Tokyo

# --- check and build on the sample store, with the installed /etc/feedd/feedd.toml ---
cp -a $P/posts /srv/posts
mkdir -p /var/lib/feedd /tmp/site
cd /var/lib/feedd || exit 1   # the index: ./feedd-index.sqlite (no STATE_DIRECTORY here)
rc=0
feedd check > "$R"/check.log 2>&1 || rc=$?
check feedd-check "feedd check: exit $rc, $(wc -l < "$R"/check.log) lines of output" eq "$rc" 0
rc=0
feedd build --out /tmp/site > "$R"/build.log 2>&1 || rc=$?
check feedd-build "feedd build --out: exit $rc, $(find /tmp/site -type f | wc -l) files, $(grep -c '<entry>' /tmp/site/en/atom.xml 2> /dev/null) entries in en/atom.xml" \
  test "$rc" = 0 -a -s /tmp/site/en/atom.xml -a -s /tmp/site/ja/atom.xml
check feedd-build-feed "the built en/atom.xml has entries" grep -q '<entry>' /tmp/site/en/atom.xml

# --- serve: started directly, one server for every request ---
feedd serve > "$R"/serve.log 2>&1 &
pid=$!
wait_for 30 healthy_or_gone || true   # a positive signal, or the process is gone: no waiting in vain
check serve-healthz "feedd serve (pid $pid) answers GET /healthz with 200" healthy
response=$(http_get /en/atom.xml 2> /dev/null)
status=$(head -n1 <<< "$response" | tr -d '\r')
check serve-feed "GET $URL/en/atom.xml: $status, $(grep -c '<entry>' <<< "$response") entries" \
  test "$status" = "HTTP/1.1 200 OK" -a -n "$(grep -m1 '<entry>' <<< "$response")"
encoding=$(head_of /en/atom.xml 'Accept-Encoding: br' | sed -n 's/^Content-Encoding: *//Ip')
check serve-brotli "GET /en/atom.xml with Accept-Encoding: br: Content-Encoding: ${encoding:-none}" eq "$encoding" br
encoding=$(head_of /ja/atom.xml 'Accept-Encoding: gzip' | sed -n 's/^Content-Encoding: *//Ip')
check serve-gzip "GET /ja/atom.xml with Accept-Encoding: gzip: Content-Encoding: ${encoding:-none}" eq "$encoding" gzip
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check serve-stop "SIGTERM: feedd serve exits with status $rc" eq "$rc" 0

# --- purge, on a system without systemd (the maintainer scripts' other branch) ---
rc=0
apt-get purge -y -q -o Dpkg::Use-Pty=0 feedd > "$R"/purge.log 2>&1 || rc=$?
check purge "apt-get purge feedd: exit $rc; /usr/bin/feedd and /etc/feedd gone" \
  test "$rc" = 0 -a ! -e /usr/bin/feedd -a ! -e /etc/feedd
echo DONE >> "$REPORT"
