#!/usr/bin/python3
"""Change-to-served latency probes for bench/run.sh's `latency` stage (stdlib only).

    latency.py feedd URL POSTS_DIR --edits N [--interval S] [--timeout S] [--seed S]
    latency.py hugo-build HUGO_SITE PUBLIC_DIR --edits N [--hugo-arg ARG]... [--nice N]
    latency.py hugo-server URL HUGO_SITE --edits N [--interval S] [--timeout S]
    latency.py topics URL --tags T --pid PID

Every edit appends one sentence with a unique marker to a Markdown post that is among the
newest 20 of its language (so that the language's feed bytes change), languages alternating en, ja;
after each measurement the file gets its original bytes back (untimed; the probe waits for
that change to be served too, so edits never overlap). The store is left as it was found.

  feedd        URL is http://127.0.0.1:PORT. The newest 20 of each language come from
               /LANG/atom.xml. The clock starts when the appended file is closed; then
               GET /LANG/atom.xml with If-None-Match: <old ETag> on one keep-alive
               connection every --interval seconds until a 200 with another ETag arrives,
               whose body must hold the marker.
  hugo-build   a full `hugo` build of the site after each edit (Hugo has no incremental
               build outside `hugo server`): from the edit to the build's exit, then
               PUBLIC_DIR/LANG/index.xml must hold the marker.
  hugo-server  a running `hugo server` (watching the site): GET /LANG/index.xml until the
               body holds the marker.
  topics       cold topic feeds (issue 13): GET /en/tags/topic-NNNN/atom.xml and
               /ja/tags/話題NNNN/atom.xml (gen_store.py --tags T) for NNNN < T, each once, on
               one keep-alive connection, timed per request (a topic feed is rendered on its
               first request); feedd's VmRSS (/proc/PID/status) before and after, and its
               topic cache gauges from /metrics.

Prints one line per edit (`edit I LANG ID MS`) and a last line
`result n=… p50=… p99=… max=… mean=… failed=…` (milliseconds; p99 interpolated linearly
between order statistics, so with 50 samples it lies between the two largest).
"""

import argparse
import glob
import http.client
import os
import random
import re
import subprocess
import sys
import time
from urllib.parse import quote, urlsplit

LANGS = ("en", "ja")


def percentile(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


class Client:
    """One persistent HTTP/1.1 connection, reopened if the server closes it."""

    def __init__(self, url):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def get(self, path, headers=None):
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.conn.request("GET", path, headers=headers or {})
                resp = self.conn.getresponse()
                body = resp.read()
                if (resp.getheader("Connection") or "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status, resp.getheader("ETag"), body
            except (http.client.HTTPException, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError


def newest_ids(body):
    """Entry ids (p049999-en) of an Atom feed, in feed order."""
    text = body.decode("utf-8", "replace")
    return re.findall(r"<entry>\s*<id>[^<]*:([^<:]+)</id>", text)


def find_post(root, post_id):
    hits = glob.glob(os.path.join(root, "*", "*", post_id + ".md"))
    if len(hits) != 1:
        raise SystemExit(f"latency.py: {post_id}.md found {len(hits)} times under {root}")
    return hits[0]


def markdown_only(root, ids):
    """The ids that are Markdown files of the store, in their order: a mixed store's page-text
    and Movable Type posts (gen_store.py --mixed) are left alone."""
    kept = []
    for post_id in ids:
        hits = glob.glob(os.path.join(root, "*", "*", post_id + ".md"))
        if len(hits) > 1:
            raise SystemExit(f"latency.py: {post_id}.md found {len(hits)} times under {root}")
        if hits:
            kept.append(post_id)
    return kept


def sentence(tag, i, lang):
    marker = f"bench-latency-{tag}-{i}"
    if lang == "ja":
        return marker, f"\n追記しました（{marker}）。\n"
    return marker, f"\nOne more sentence for the benchmark ({marker}).\n"


def summary(samples, failed):
    print(f"result n={len(samples)} p50={percentile(samples, 0.5):.1f} "
          f"p99={percentile(samples, 0.99):.1f} max={max(samples, default=float('nan')):.1f} "
          f"mean={(sum(samples) / len(samples)) if samples else float('nan'):.1f} "
          f"failed={failed}", flush=True)


def wait_change(client, path, etag, deadline, interval, marker=None):
    """Polls until PATH has an ETag other than ETAG; returns (time, etag, body) or None."""
    while True:
        status, new_etag, body = client.get(path, {"If-None-Match": etag})
        now = time.perf_counter()
        if status == 200 and new_etag != etag:
            if marker is None or marker.encode() in body:
                return now, new_etag, body
            etag = new_etag  # some other change: keep waiting for ours
        elif status not in (200, 304):
            print(f"warning: {path} answered {status}", file=sys.stderr)
        if now > deadline:
            return None
        time.sleep(interval)


def run_feedd(args):
    client = Client(args.url)
    rng = random.Random(args.seed)
    newest, etags = {}, {}
    for lang in LANGS:
        status, etag, body = client.get(f"/{lang}/atom.xml")
        if status != 200 or not etag:
            raise SystemExit(f"latency.py: /{lang}/atom.xml answered {status}, ETag {etag!r}")
        newest[lang] = markdown_only(args.posts, newest_ids(body)[:20])
        etags[lang] = etag
        if not newest[lang]:
            raise SystemExit(f"latency.py: no Markdown post among the newest 20 of /{lang}/atom.xml")
    tag = f"{os.getpid()}{int(time.time()) % 100000}"
    samples, restores, failed = [], [], 0
    for i in range(1, args.edits + 1):
        lang = LANGS[(i - 1) % 2]
        path = f"/{lang}/atom.xml"
        post_id = rng.choice(newest[lang])
        file = find_post(args.posts, post_id)
        with open(file, "rb") as f:
            original = f.read()
        marker, text = sentence(tag, i, lang)
        # Settle: the served ETag is the one we compare against.
        _, etags[lang], _ = client.get(path)
        with open(file, "a", encoding="utf-8") as f:
            f.write(text)
        t0 = time.perf_counter()
        got = wait_change(client, path, etags[lang], t0 + args.timeout, args.interval, marker)
        if got is None:
            failed += 1
            print(f"edit {i} {lang} {post_id} TIMEOUT after {args.timeout} s", flush=True)
        else:
            ms = (got[0] - t0) * 1000
            samples.append(ms)
            etags[lang] = got[1]
            print(f"edit {i} {lang} {post_id} {ms:.1f}", flush=True)
        with open(file, "wb") as f:  # back to the original bytes, and wait until served
            f.write(original)
        t1 = time.perf_counter()
        back = wait_change(client, path, etags[lang], t1 + args.timeout, args.interval)
        if back is None:
            print(f"warning: restoring {post_id} was not served within {args.timeout} s",
                  file=sys.stderr)
        else:
            restores.append((back[0] - t1) * 1000)
            etags[lang] = back[1]
    if restores:
        print(f"restores n={len(restores)} p50={percentile(restores, 0.5):.1f} "
              f"max={max(restores):.1f}", flush=True)
    summary(samples, failed)


def hugo_newest(site, lang, public):
    """The newest 20 of LANG, read from the site's built feed (public/LANG/index.xml)."""
    with open(os.path.join(public, lang, "index.xml"), encoding="utf-8") as f:
        text = f.read()
    links = re.findall(r"<item>\s*<title>.*?</title>\s*<link>[^<]*/([^/<]+?)/?</link>", text,
                       re.S)
    if not links:
        raise SystemExit(f"latency.py: no items in {public}/{lang}/index.xml")
    return links[:20]


def hugo_post(site, lang, slug):
    hits = glob.glob(os.path.join(site, "content", lang, "*", "*", slug + ".md"))
    if len(hits) != 1:
        raise SystemExit(f"latency.py: {slug}.md found {len(hits)} times in {site}/content/{lang}")
    return hits[0]


def run_hugo_build(args):
    rng = random.Random(args.seed)
    tag = f"{os.getpid()}{int(time.time()) % 100000}"
    cmd = ["nice", "-n", str(args.nice), "hugo", "--quiet", "--source", args.site,
           "--destination", args.public] + args.hugo_arg
    newest = {lang: hugo_newest(args.site, lang, args.public) for lang in LANGS}
    samples, failed = [], 0
    for i in range(1, args.edits + 1):
        lang = LANGS[(i - 1) % 2]
        slug = rng.choice(newest[lang])
        file = hugo_post(args.site, lang, slug)
        with open(file, "rb") as f:
            original = f.read()
        marker, text = sentence(tag, i, lang)
        try:
            with open(file, "a", encoding="utf-8") as f:
                f.write(text)
            t0 = time.perf_counter()
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=sys.stderr).returncode
            ms = (time.perf_counter() - t0) * 1000
        finally:
            with open(file, "wb") as f:
                f.write(original)
        with open(os.path.join(args.public, lang, "index.xml"), encoding="utf-8") as f:
            ok = rc == 0 and marker in f.read()
        if ok:
            samples.append(ms)
            print(f"edit {i} {lang} {slug} {ms:.1f}", flush=True)
        else:
            failed += 1
            print(f"edit {i} {lang} {slug} FAILED (hugo exit {rc}, marker "
                  f"{'missing' if rc == 0 else 'unchecked'})", flush=True)
    summary(samples, failed)


def run_hugo_server(args):
    client = Client(args.url)
    rng = random.Random(args.seed)
    tag = f"{os.getpid()}{int(time.time()) % 100000}"
    newest = {}
    for lang in LANGS:
        status, _, body = client.get(f"/{lang}/index.xml")
        if status != 200:
            raise SystemExit(f"latency.py: hugo server /{lang}/index.xml answered {status}")
        newest[lang] = re.findall(r"<item>\s*<title>.*?</title>\s*<link>[^<]*/([^/<]+?)/?</link>",
                                  body.decode("utf-8", "replace"), re.S)[:20]
    samples, failed = [], 0
    for i in range(1, args.edits + 1):
        lang = LANGS[(i - 1) % 2]
        path = f"/{lang}/index.xml"
        slug = rng.choice(newest[lang])
        file = hugo_post(args.site, lang, slug)
        with open(file, "rb") as f:
            original = f.read()
        marker, text = sentence(tag, i, lang)
        _, _, before = client.get(path)
        with open(file, "a", encoding="utf-8") as f:
            f.write(text)
        t0 = time.perf_counter()
        deadline = t0 + args.timeout
        while True:
            _, _, body = client.get(path)
            now = time.perf_counter()
            if marker.encode() in body or now > deadline:
                break
            time.sleep(args.interval)
        if marker.encode() in body:
            ms = (now - t0) * 1000
            samples.append(ms)
            print(f"edit {i} {lang} {slug} {ms:.1f}", flush=True)
        else:
            failed += 1
            print(f"edit {i} {lang} {slug} TIMEOUT after {args.timeout} s", flush=True)
        with open(file, "wb") as f:
            f.write(original)
        t1 = time.perf_counter()
        while time.perf_counter() < t1 + args.timeout:  # untimed: until the original is back
            _, _, body = client.get(path)
            if marker.encode() not in body:
                break
            time.sleep(args.interval * 10)
    summary(samples, failed)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def topic_metrics(client):
    _, _, body = client.get("/metrics")
    wanted = ("feedd_topic_feed_renders_total", "feedd_topic_cache_bytes",
              "feedd_topic_cache_entries", "feedd_topic_cache_hits_total")
    found = {}
    for line in body.decode().splitlines():
        name, _, value = line.partition(" ")
        if name in wanted:
            found[name] = value
    return found


def run_topics(args):
    client = Client(args.url)
    before = rss_kb(args.pid)
    metrics_before = topic_metrics(client)
    samples, statuses = [], {}
    for n in range(args.tags):
        for path in (f"/en/tags/topic-{n:04d}/atom.xml",
                     "/ja/tags/" + quote(f"話題{n:04d}") + "/atom.xml"):
            t0 = time.perf_counter()
            status, _, _ = client.get(path, {"Accept-Encoding": "gzip"})
            samples.append((time.perf_counter() - t0) * 1000.0)
            statuses[status] = statuses.get(status, 0) + 1
    after = rss_kb(args.pid)
    print(f"statuses {sorted(statuses.items())}")
    print(f"rss_kb before={before} after={after} growth={after - before}")
    print(f"metrics before {metrics_before}")
    print(f"metrics after {topic_metrics(client)}")
    summary(samples, sum(v for k, v in statuses.items() if k != 200))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("feedd")
    f.add_argument("url")
    f.add_argument("posts")
    h = sub.add_parser("hugo-build")
    h.add_argument("site")
    h.add_argument("public")
    h.add_argument("--hugo-arg", action="append", default=[])
    h.add_argument("--nice", type=int, default=10)
    s = sub.add_parser("hugo-server")
    s.add_argument("url")
    s.add_argument("site")
    for q in (f, h, s):
        q.add_argument("--edits", type=int, default=50)
        q.add_argument("--seed", type=int, default=4)
        q.add_argument("--interval", type=float, default=0.001)
        q.add_argument("--timeout", type=float, default=30.0)
    t = sub.add_parser("topics")
    t.add_argument("url")
    t.add_argument("--tags", type=int, required=True)
    t.add_argument("--pid", type=int, required=True)
    args = p.parse_args()
    {"feedd": run_feedd, "hugo-build": run_hugo_build, "hugo-server": run_hugo_server,
     "topics": run_topics}[args.mode](args)


if __name__ == "__main__":
    main()
