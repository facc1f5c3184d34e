#!/usr/bin/env python3
"""Readers through Varnish in front of feedd replicas: a simulated day, and what one edit costs.

    varnish.py day   --cache PORT --replicas P1,P2 --store DIR --varnish-dir DIR [options]
    varnish.py edits --cache PORT --replicas P1,P2 --store DIR --varnish-dir DIR [options]

Readers: READERS (10,000) newsboat-like readers, each polling one feed path with one
Accept-Encoding (reader i: path PATHS[i % len], coding CODINGS[(i // len) % len]), with
If-None-Match and If-Modified-Since from the last 200 it got, as real readers do. Every reader
starts with the current version (it has been polling for days) and Varnish starts with every
variant the readers ask for (one untimed fetch of each), so the day measures a steady state.

day: a simulated day of 48 intervals of 30 minutes, compressed: each interval lasts
INTERVAL_REAL real seconds (default 6 s: 300 simulated seconds per real second); every reader
polls once per interval at its own fixed phase (reader i at fraction frac(i * 0.618...) of
the interval: polls spread evenly, in the same order every interval), issued as the real clock
reaches that phase (or at once when the client is behind). To keep up with 10,000 polls in
6 s on a loaded machine, the polls of 50 consecutive readers (1/200 of an interval, 9
simulated seconds) are pipelined on one keep-alive connection: Varnish still answers them one
after the other, as real readers a moment apart (10,000 readers over 30 minutes are 5.6
requests a second: they never overlap). The caller must give feedd a
max_age_s scaled the same way (300 simulated seconds: 1 real second), since Varnish's TTL runs
on the real clock. One edit per simulated hour (at 17 minutes past, in the first interval of
the hour), languages alternating. Reports Varnish's MAIN counters (varnishstat) and the
replicas' /metrics request counters over the day (deltas), and the readers' statuses.

edits: the replicas serve with a long TTL (max_age_s 3600: no expiry in the run), so only
purges send readers to feedd. For each of EDITS edits: the edit is written, then one probe
polls GET /LANG/atom.xml (gzip) with If-None-Match every millisecond, through Varnish and
direct from replica 1 in turn, until each gives a 200 with a new ETag holding the edit's
marker (times from the rename of the file; the direct requests are not counted as the edit's
cost); then the
replicas' purge counters are waited for (both replicas' feedd_cache_purges_total rises and is
stable for 0.3 s); then every reader polls once (one simulated interval, as fast as it goes);
the requests that reached the replicas (their /metrics, all routes but healthz and metrics)
from before the edit to after the round are the edit's cost.

The edit: one of the newest 10 posts of the language (so it is in the feeds) gets an
`updated:` line (front matter, the same time for every replica) and a sentence with a unique
marker; written to a temporary file and renamed, as an editor does. Prints one JSON object.
Standard library only.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

import rawhttp

PATHS = ["/atom.xml", "/en/atom.xml", "/ja/atom.xml", "/rss.xml", "/en/rss.xml",
         "/ja/rss.xml", "/feed.json", "/en/feed.json", "/ja/feed.json"]
CODINGS = ["gzip, deflate", "gzip", "identity"]  # newsboat/curl, most readers, a plain one
PHI = 0.6180339887498949
BATCH = 50  # readers whose polls are pipelined in one write (1/200 of an interval)


def request(path, fields):
    """A newsboat-like GET of PATH with the header FIELDS ((name, value) pairs; empty values
    left out), as bytes for rawhttp.Connection."""
    head = "GET " + path + " HTTP/1.1\r\nHost: blog.example.org\r\nUser-Agent: Newsboat/2.30.1\r\n"
    head += "".join(k + ": " + v + "\r\n" for k, v in fields if v)
    return (head + "\r\n").encode("latin-1")


class Readers:
    def __init__(self, args):
        self.n = args.readers
        self.conn = rawhttp.Connection(args.cache)
        self.variant = [(PATHS[i % len(PATHS)], CODINGS[(i // len(PATHS)) % len(CODINGS)])
                        for i in range(self.n)]
        self.etag = [None] * self.n
        self.lm = [None] * self.n
        self.statuses = {}
        self.phase = sorted(range(self.n), key=lambda i: (i * PHI) % 1.0)

    def seed(self, direct_port):
        """Every reader holds the current version (fetched from a replica, once per variant),
        and Varnish holds every variant (one fetch each through it, not counted)."""
        direct = rawhttp.Connection(direct_port)
        current = {}
        for v in sorted(set(self.variant)):
            _, h, _ = direct.exchange(request(v[0], [("Accept-Encoding", v[1])]))
            current[v] = (h.get("etag"), h.get("last-modified"))
            self.conn.exchange(request(v[0], [("Accept-Encoding", v[1])]))
        for i in range(self.n):
            self.etag[i], self.lm[i] = current[self.variant[i]]

    def fields(self, i):
        return [("Accept-Encoding", self.variant[i][1]), ("If-None-Match", self.etag[i]),
                ("If-Modified-Since", self.lm[i])]

    def poll(self, batch):
        """One conditional GET per reader of BATCH, pipelined on the one connection: Varnish
        answers them in order, one after the other, as if they came a moment apart."""
        answers = self.conn.pipeline([request(self.variant[i][0], self.fields(i))
                                      for i in batch])
        for i, (status, h, _) in zip(batch, answers):
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.etag[i], self.lm[i] = h.get("etag"), h.get("last-modified")

    def round(self, start=None, length=0.0, hook=None):
        """One poll per reader in phase order, BATCH readers at a time; paced over LENGTH real
        seconds from START when given (a batch is sent when the clock reaches its first
        reader's phase). HOOK(fraction) runs before each batch (edits at a simulated time).
        Returns how many polls went out more than 0.5 s after their time."""
        late = 0
        for k in range(0, self.n, BATCH):
            if start is not None:
                frac = k / self.n
                if hook:
                    hook(frac)
                wait = start + frac * length - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -0.5:
                    late += min(BATCH, self.n - k)
            self.poll(self.phase[k:k + BATCH])
        return late


def metrics(port):
    conn = rawhttp.Connection(port)
    _, _, body = conn.exchange(request("/metrics", []))
    out = {"requests": 0, "by_status": {}, "purges_ok": 0, "purges_failed": 0, "generation": 0}
    for line in body.decode().splitlines():
        m = re.match(r'feedd_http_requests_total\{route="(\w+)",status="(\w+)"\} (\d+)', line)
        if m and m.group(1) not in ("healthz", "metrics"):
            out["requests"] += int(m.group(3))
            out["by_status"][m.group(2)] = out["by_status"].get(m.group(2), 0) + int(m.group(3))
        m = re.match(r'feedd_cache_purges_total\{result="(\w+)"\} (\d+)', line)
        if m:
            out["purges_" + m.group(1)] = int(m.group(2))
        m = re.match(r"feedd_snapshot_generation (\d+)", line)
        if m:
            out["generation"] = int(m.group(1))
    return out


def all_metrics(ports):
    return [metrics(p) for p in ports]


def backend_delta(before, after):
    """Requests (all routes but healthz, Varnish's probe, and metrics, our readings) that
    reached the replicas between two all_metrics() readings, in total and by status."""
    total, by_status = 0, {}
    for b, a in zip(before, after):
        total += a["requests"] - b["requests"]
        for s, v in a["by_status"].items():
            d = v - b["by_status"].get(s, 0)
            if d:
                by_status[s] = by_status.get(s, 0) + d
    return total, by_status


VARNISH_FIELDS = ["MAIN.client_req", "MAIN.cache_hit", "MAIN.cache_hit_grace", "MAIN.cache_miss",
                  "MAIN.cache_hitpass", "MAIN.cache_hitmiss", "MAIN.backend_req",
                  "MAIN.n_purges", "MAIN.n_obj_purged", "MAIN.busy_sleep", "MAIN.n_object"]


def varnishstat(vdir):
    out = subprocess.run(["varnishstat", "-n", vdir, "-1"] +
                         [a for f in VARNISH_FIELDS for a in ("-f", f)],
                         capture_output=True, text=True, check=False).stdout
    values = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in VARNISH_FIELDS:
            values[parts[0]] = int(parts[1])
    return values


class Editor:
    """Edits the newest posts of each language, alternating ja/en."""

    def __init__(self, store):
        newest = {"ja": [], "en": []}
        for path in glob.glob(os.path.join(store, "*", "*", "*.md")):
            with open(path, encoding="utf-8") as f:
                text = f.read(600)
            lang = re.search(r"^lang: (\w+)", text, re.M)
            date = re.search(r"^date: (\S+)", text, re.M)
            if lang and date and lang.group(1) in newest:
                newest[lang.group(1)].append((datetime.fromisoformat(date.group(1)), path))
        self.posts = {k: [p for _, p in sorted(v, reverse=True)[:10]] for k, v in newest.items()}
        self.count = 0

    def edit(self):
        lang = "en" if self.count % 2 == 0 else "ja"
        path = self.posts[lang][self.count // 2 % len(self.posts[lang])]
        self.count += 1
        marker = "varnish-bench-edit-%d-%d" % (os.getpid(), self.count)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        _, front, body = text.split("---\n", 2)
        front = re.sub(r"^updated: .*\n", "", front, flags=re.M)
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        front += "updated: " + stamp + "\n"
        body = body.rstrip("\n") + "\n\nEdited for the Varnish benchmark: " + marker + ".\n"
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write("---\n" + front + "---\n" + body)
        os.rename(path + ".tmp", path)
        return lang, marker, time.monotonic()


def has_marker(answer, old_etag, marker):
    import gzip
    status, h, body = answer
    if status != 200 or h.get("etag") == old_etag:
        return False
    if h.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return marker.encode() in body


def wait_served(cache, direct, lang, old_etag, marker, since, timeout=30.0):
    """Polls GET /LANG/atom.xml (gzip, If-None-Match OLD_ETAG) every 1 ms, through Varnish and
    direct from one replica in turn, until each gives a 200 with a new ETag whose body holds
    MARKER (Varnish may fetch it from the other replica first). Returns (seconds through Varnish, seconds direct, requests sent direct), times
    from SINCE; None when not seen."""
    conns = {"cache": rawhttp.Connection(cache), "direct": rawhttp.Connection(direct)}
    seen = {"cache": None, "direct": None}
    direct_requests = 0
    fields = [("Accept-Encoding", "gzip"), ("If-None-Match", old_etag)]
    while time.monotonic() < since + timeout and None in seen.values():
        for name, conn in conns.items():
            if seen[name] is not None:
                continue
            answer = conn.exchange(request("/" + lang + "/atom.xml", fields))
            direct_requests += name == "direct"
            if has_marker(answer, old_etag, marker):
                seen[name] = time.monotonic() - since
        time.sleep(0.001)
    return seen["cache"], seen["direct"], direct_requests


def current_etag(port, lang):
    _, h, _ = rawhttp.Connection(port).exchange(request("/" + lang + "/atom.xml", [("Accept-Encoding", "gzip")]))
    return h.get("etag")


def wait_purged(ports, before, timeout=10.0):
    """Until every replica's purge counters rose and stayed put for 0.3 s."""
    deadline = time.monotonic() + timeout
    last, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = [(m["purges_ok"], m["purges_failed"]) for m in all_metrics(ports)]
        rose = all(n[0] + n[1] > b["purges_ok"] + b["purges_failed"] for n, b in zip(now, before))
        if now != last:
            last, stable_since = now, time.monotonic()
        elif rose and time.monotonic() - stable_since >= 0.3:
            return True
        time.sleep(0.02)
    return False


def purges(before, after):
    ok = sum(a["purges_ok"] - b["purges_ok"] for b, a in zip(before, after))
    failed = sum(a["purges_failed"] - b["purges_failed"] for b, a in zip(before, after))
    return ok, failed


def run_day(args, ports, readers, editor):
    result = {"mode": "day", "readers": readers.n, "intervals": args.intervals,
              "interval_real_s": args.interval_real,
              "time_scale": round(1800 / args.interval_real, 1), "edits": []}
    v0, m0 = varnishstat(args.varnish_dir), all_metrics(ports)
    started = time.monotonic()
    late, lengths = 0, []
    for interval in range(args.intervals):
        start = time.monotonic()
        pending = [interval % 2 == 0]  # the edit of this hour, at 17 of its 30 minutes

        def hook(frac, pending=pending):
            if pending[0] and frac >= 17 / 30:
                pending[0] = False
                lang, _, _ = editor.edit()
                result["edits"].append({"interval": interval, "lang": lang})

        late += readers.round(start, args.interval_real, hook)
        elapsed = time.monotonic() - start
        lengths.append(elapsed)
        print("interval %d: %.2f s" % (interval, elapsed), file=sys.stderr)
    result["seconds"] = round(time.monotonic() - started, 1)
    time.sleep(0.5)  # the last edit's purges
    v1, m1 = varnishstat(args.varnish_dir), all_metrics(ports)
    result["late_polls"] = late
    result["interval_s_max"] = round(max(lengths), 2)
    result["interval_s_median"] = round(sorted(lengths)[len(lengths) // 2], 2)
    result["reader_statuses"] = {str(k): v for k, v in sorted(readers.statuses.items())}
    result["varnish"] = {k: v1.get(k, 0) - v0.get(k, 0) for k in VARNISH_FIELDS}
    result["varnish"]["MAIN.n_object"] = v1.get("MAIN.n_object", 0)
    total, by_status = backend_delta(m0, m1)
    result["backend_requests"] = total
    result["backend_by_status"] = by_status
    result["purges_ok"], result["purges_failed"] = purges(m0, m1)
    return result


def run_edits(args, ports, readers, editor):
    result = {"mode": "edits", "readers": readers.n, "edits": []}
    for _ in range(args.edits):
        lang = "en" if editor.count % 2 == 0 else "ja"
        old = current_etag(args.cache, lang)
        m0, v0 = all_metrics(ports), varnishstat(args.varnish_dir)
        lang, marker, t0 = editor.edit()
        seconds, direct_s, direct_n = wait_served(args.cache, ports[0], lang, old, marker, t0)
        purged = wait_purged(ports, m0)
        m1 = all_metrics(ports)
        before_round = dict(readers.statuses)
        readers.round()
        m2, v2 = all_metrics(ports), varnishstat(args.varnish_dir)
        total, by_status = backend_delta(m0, m2)
        # The probe's own direct requests are not the edit's cost (200 once, 304 before).
        total -= direct_n
        by_status["200"] = by_status.get("200", 0) - (1 if direct_s is not None else 0)
        by_status["304"] = by_status.get("304", 0) - (direct_n - (1 if direct_s is not None else 0))
        by_status = {k: v for k, v in by_status.items() if v}
        served_200 = readers.statuses.get(200, 0) - before_round.get(200, 0)
        result["edits"].append({
            "lang": lang, "served_s": None if seconds is None else round(seconds, 4),
            "direct_s": None if direct_s is None else round(direct_s, 4),
            "purges_ok": purges(m0, m1)[0], "purges_failed": purges(m0, m1)[1],
            "purges_complete": purged, "backend_requests": total, "backend_by_status": by_status,
            "backend_before_round": backend_delta(m0, m1)[0] - direct_n,
            "varnish_backend_req": v2.get("MAIN.backend_req", 0) - v0.get("MAIN.backend_req", 0),
            "varnish_miss": v2.get("MAIN.cache_miss", 0) - v0.get("MAIN.cache_miss", 0),
            "readers_new_version": served_200})
        print("edit %d (%s): served direct after %s s, through Varnish after %s s, %d requests"
              " reached feedd" % (len(result["edits"]), lang, direct_s, seconds, total),
              file=sys.stderr)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["day", "edits"])
    parser.add_argument("--cache", type=int, required=True, help="Varnish's port")
    parser.add_argument("--replicas", required=True, help="the replicas' ports, comma-separated")
    parser.add_argument("--store", required=True)
    parser.add_argument("--varnish-dir", required=True, help="varnishd -n")
    parser.add_argument("--readers", type=int, default=10000)
    parser.add_argument("--intervals", type=int, default=48)
    parser.add_argument("--interval-real", type=float, default=6.0)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    ports = [int(p) for p in args.replicas.split(",")]
    readers = Readers(args)
    readers.seed(ports[0])
    editor = Editor(args.store)
    if args.mode == "day":
        result = run_day(args, ports, readers, editor)
    else:
        result = run_edits(args, ports, readers, editor)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
