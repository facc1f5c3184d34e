#!/usr/bin/env bash
# Screenshots of feeds and pages as headless Chromium renders them, to check that a browser
# opening a feed shows a readable page (feed.css styling the XML) rather than raw XML or an
# XSLT banner. Not part of the CTest suites (Chromium is heavy); run it by hand after
# changing feed.css or the pages:
#
#   tests/tools/screenshot.sh [FEEDD_BINARY] [OUT_DIR]
#
# defaults: build-serve/feedd, /tmp/feedd-screenshots. Needs `apt-get install chromium`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FEEDD=${1:-$ROOT/build-serve/feedd}
OUT=${2:-/tmp/feedd-screenshots}
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$WORK/posts"

post() {  # post FILE LANG DATE TITLE KEY BODY
  printf -- '---\ntitle: "%s"\ndate: %s\nlang: %s\ntranslation_key: %s\n---\n%s\n' \
    "$4" "$3" "$2" "$5" "$6" >"$WORK/posts/$1"
}
post en1.md en 2025-04-30 "Spring in Kyoto" kyoto \
  "The cherry blossoms came late this year, and the river paths were full of people until May."
post ja1.md ja 2025-04-30 "京都の春" kyoto "今年は桜が遅く、五月まで川沿いの道は人でいっぱいでした。"
post en2.md en 2025-05-12 "Notes on feed readers" readers \
  "Feed readers poll every few minutes. A server that answers 304 Not Modified costs them almost nothing."
post ja2.md ja 2025-05-12 "フィードリーダーについて" readers \
  "フィードリーダーは数分ごとに取得します。304 を返すサーバーならほとんど負荷がかかりません。"

# Port 0: the real port is read from the start-up line.
cat >"$WORK/feedd.toml" <<TOML
[site]
base_url = "https://blog.example.org/"
feeds_url = "http://127.0.0.1:PORT/"
author = "Site Author"
timezone = "Asia/Tokyo"
[languages.ja]
title = "ブログ"
description = "日本語の記事"
[languages.en]
title = "Blog (English)"
description = "Posts in English"
[store]
path = "$WORK/posts"
index = "$WORK/index.sqlite"
[server]
listen = ["127.0.0.1:PORT"]
TOML
# feeds_url must name the real port for feed.css to load: take a free one first.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/PORT/$PORT/g" "$WORK/feedd.toml"
"$FEEDD" --config "$WORK/feedd.toml" serve 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "serving" "$WORK/serve.log" && break; sleep 0.1; done
grep "serving" "$WORK/serve.log" || { cat "$WORK/serve.log"; exit 1; }

shoot() {  # shoot PATH NAME
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chromium" --hide-scrollbars --window-size=1000,800 \
    --screenshot="$OUT/$2.png" "http://127.0.0.1:$PORT$1" >/dev/null 2>&1
  echo "$OUT/$2.png  <- http://127.0.0.1:$PORT$1"
}
shoot /en/atom.xml en-atom
shoot /ja/rss.xml ja-rss
shoot /ja/ ja-page
shoot / index
