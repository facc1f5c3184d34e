#!/usr/bin/env python3
"""Edit → delivered to N WebSub subscribers of feedd's built-in hub, on loopback.

    websub.py --port P --store DIR [--subscribers 1000] [--edits 10] [--path /en/atom.xml]
              [--hosts 16] [--wrk-seconds 5] [--wrk-rounds 3] [--feedd-pid PID]
              [--cheap-callbacks HOST:PORT,...] [--cost-edits 10]

feedd must run with `[websub] builtin_hub = true` and `allow_private_callbacks = true`.
One asyncio process plays every subscriber: SUBSCRIBERS callbacks spread over HOSTS loopback
addresses (127.0.1.1 …, each its own listener, as distinct subscribers would be distinct
hosts; feedd allows 4 requests at once per host and 64 in all). Each callback answers the
intent verification with its challenge and every delivery with 204, recording when the
delivery's body (the whole feed) carried the current edit's marker.

Latency: EDITS times, one English post's body gets a new marker (written to a temporary
file and renamed over the post, as editors save); the clock starts after the rename and
stops at the last of the SUBSCRIBERS deliveries carrying that marker. p50/p99 over edits of
that last-delivery time, and over all deliveries of each delivery's own time. feedd's
debounce (store.debounce_ms) is part of it, as for a reader.

With --feedd-pid, feedd's CPU time (utime + stime from /proc, whole process and its
"feedd-outbound" thread) is read around the timed edits: CPU ms per edit, which the machine's
other load barely moves (req/s does).

Cheap subscribers (--cheap-callbacks, e.g. one nginx answering every POST with 204 and every
GET with its hub.challenge on HOST:PORT addresses): after the latency edits the Python
subscribers unsubscribe (verified, as the hub asks), SUBSCRIBERS callbacks spread over those
addresses subscribe instead, and two more parts run with them: COST_EDITS edits one after the
other with nothing else running (feedd CPU ms per edit = per SUBSCRIBERS deliveries; edit ->
all delivered, seen by polling feedd's feedd_websub_deliveries_total every 10 ms), then the
throughput rounds. An edit counts as delivered when that counter grew by SUBSCRIBERS. So the
throughput rounds measure what feedd's deliveries cost its serving, not what a Python
process parsing a thousand feeds a second costs the machine. Without --cheap-callbacks the
Python subscribers stay for the throughput rounds (the former benchmark).

Throughput: `wrk -t2 -c64` with If-None-Match on LOAD_PATH (the 304 path; a feed the English
edits do not change, so its ETag holds) for WRK_SECONDS, alternating
idle rounds and rounds during which edits follow each other as fast as their deliveries
complete; medians of each, with the deliveries made per second during each busy round and
feedd's CPU seconds per round. Prints one JSON object. Standard library and wrk only.
"""
import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request


class Subscribers:
    """The callback servers and what they saw."""

    def __init__(self, count, hosts):
        self.count = count
        self.hosts = [f"127.0.1.{i + 1}" for i in range(hosts)]
        self.port = None
        self.verified = set()
        self.unsubscribed = set()
        self.marker = None          # the current edit's marker (bytes)
        self.edit_started = 0.0     # time.monotonic() of the current edit's rename
        self.arrivals = {}          # callback index -> seconds after the edit
        self.delivered = asyncio.Event()
        self.deliveries = 0

    def callback(self, i):
        return f"http://{self.hosts[i % len(self.hosts)]}:{self.port}/cb/{i}"

    async def start(self):
        servers = []
        first = await asyncio.start_server(self.handle, self.hosts[0], 0)
        self.port = first.sockets[0].getsockname()[1]
        servers.append(first)
        for host in self.hosts[1:]:
            servers.append(await asyncio.start_server(self.handle, host, self.port))
        return servers

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target = lines[0].split(" ")[:2]
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                writer.write(self.answer(method, target, body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def answer(self, method, target, body):
        url = urllib.parse.urlsplit(target)
        index = int(url.path.rsplit("/", 1)[1])
        if method == "GET":
            query = urllib.parse.parse_qs(url.query)
            challenge = query.get("hub.challenge", [""])[0].encode()
            mode = query.get("hub.mode", [""])[0]
            if mode == "subscribe":
                self.verified.add(index)
            elif mode == "unsubscribe":
                self.unsubscribed.add(index)
            return (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(challenge)) + challenge
        self.deliveries += 1
        if self.marker is not None and self.marker in body and index not in self.arrivals:
            self.arrivals[index] = time.monotonic() - self.edit_started
            if len(self.arrivals) == self.count:
                self.delivered.set()
        return b"HTTP/1.1 204 No Content\r\n\r\n"


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def self_link(port, path):
    _, headers, _ = http("GET", f"http://127.0.0.1:{port}{path}")
    link = headers.get("Link", "")
    found = re.search(r'<([^>]+)>;\s*rel="self"', link)
    if not found:
        sys.exit(f"websub.py: {path} has no rel=\"self\" Link (is builtin_hub on?): {link!r}")
    return found.group(1), headers.get("ETag")


def pick_post(store):
    """The newest English post (YYYY/MM/<id>.md): one the English feeds carry."""
    for root, _, files in sorted(os.walk(store), reverse=True):
        for name in sorted(files, reverse=True):
            path = os.path.join(root, name)
            if name.endswith(".md"):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if "\nlang: en" in text:
                    return path, text
    sys.exit("websub.py: no English Markdown post in the store")


def save(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


async def edit_once(subs, post, original, number):
    marker = f"websub-bench-edit-{number}-{time.time_ns()}"
    subs.marker = marker.encode()
    subs.arrivals = {}
    subs.delivered = asyncio.Event()
    subs.edit_started = time.monotonic()
    save(post, original + f"\n\nEdited for the WebSub benchmark: {marker}.\n")
    await asyncio.wait_for(subs.delivered.wait(), timeout=120)
    return sorted(subs.arrivals.values())


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def stat_ticks(path):
    """utime + stime (clock ticks) of a /proc/.../stat file; the name may hold spaces."""
    with open(path) as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


class CpuMeter:
    """feedd's CPU time: the whole process and its "feedd-outbound" thread (outgoing work)."""

    def __init__(self, pid):
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self):
        if not self.pid:
            return None
        outbound = 0
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{tid}/comm") as f:
                    if f.read().strip() == "feedd-outbound":
                        outbound += stat_ticks(f"/proc/{self.pid}/task/{tid}/stat")
            except FileNotFoundError:
                pass
        return stat_ticks(f"/proc/{self.pid}/stat"), outbound

    def ms_since(self, before, per=1):
        after = self.read()
        if before is None or after is None:
            return None
        return {"feedd_ms": round((after[0] - before[0]) * 1000 / self.tick / per, 1),
                "outbound_thread_ms": round((after[1] - before[1]) * 1000 / self.tick / per, 1)}


def metric(port, name, label=""):
    """One sample of feedd's /metrics (the first whose labels contain `label`), or 0."""
    _, _, body = http("GET", f"http://127.0.0.1:{port}/metrics")
    for line in body.decode().splitlines():
        found = re.match(re.escape(name) + r"(\{[^}]*\})? (\S+)$", line)
        if found and label in (found.group(1) or ""):
            return float(found.group(2))
    return 0.0


async def wait_metric(loop, port, name, want, what, timeout=300):
    started = time.monotonic()
    while await loop.run_in_executor(None, metric, port, name) != want:
        if time.monotonic() - started > timeout:
            sys.exit(f"websub.py: {what}: {name} not {want} after {timeout} s")
        await asyncio.sleep(0.05)


async def resubscribe(loop, args, topic, subs, cheap):
    """The Python subscribers unsubscribe; as many callbacks on the cheap servers subscribe."""
    async def post(mode, callback):
        form = urllib.parse.urlencode({"hub.mode": mode, "hub.topic": topic,
                                       "hub.callback": callback}).encode()
        status, _, body = await loop.run_in_executor(None, lambda: http(
            "POST", f"http://127.0.0.1:{args.port}/websub", form,
            {"Content-Type": "application/x-www-form-urlencoded"}))
        if status != 202:
            sys.exit(f"websub.py: {mode} {callback} answered {status}: {body[:200]!r}")

    for i in range(args.subscribers):
        await post("unsubscribe", subs.callback(i))
    await wait_metric(loop, args.port, "feedd_websub_subscriptions", 0, "unsubscribing")
    for i in range(args.subscribers):
        await post("subscribe", f"http://{cheap[i % len(cheap)]}/cb/{i}")
    await wait_metric(loop, args.port, "feedd_websub_subscriptions", args.subscribers,
                      "subscribing the cheap callbacks")


async def edit_counted(loop, args, post, original, number, poll):
    """One edit; returns when feedd counted SUBSCRIBERS more successful deliveries."""
    name, label = "feedd_websub_deliveries_total", 'result="ok"'
    before = await loop.run_in_executor(None, metric, args.port, name, label)
    started = time.monotonic()
    save(post, original + f"\n\nEdited for the WebSub benchmark: cheap-{number}-{time.time_ns()}.\n")
    while await loop.run_in_executor(None, metric, args.port, name, label) < \
            before + args.subscribers:
        if time.monotonic() - started > 120:
            sys.exit("websub.py: an edit was not delivered to every cheap callback in 120 s")
        await asyncio.sleep(poll)
    return time.monotonic() - started


def wrk(args, etag):
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{args.wrk_seconds}s", "-H", f"If-None-Match: {etag}",
         "-H", "Accept-Encoding: gzip", f"http://127.0.0.1:{args.port}{args.load_path}"],
        capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        sys.exit("websub.py: wrk saw errors: " + out)
    return float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))


async def throughput(loop, args, edit, cpu):
    """wrk idle vs while `edit(n)` runs edit after edit, alternating rounds."""
    name, label = "feedd_websub_deliveries_total", 'result="ok"'
    idle, busy, rates, cpu_idle, cpu_busy = [], [], [], [], []
    for _ in range(args.wrk_rounds):
        _, etag = self_link(args.port, args.load_path)
        before = cpu.read()
        idle.append(await loop.run_in_executor(None, wrk, args, etag))
        cpu_idle.append(cpu.ms_since(before))
        stop = asyncio.Event()

        async def keep_editing():
            n = 1000
            while not stop.is_set():
                n += 1
                await edit(n)

        editing = asyncio.create_task(keep_editing())
        await asyncio.sleep(0.5)  # the first deliveries are under way
        _, etag = self_link(args.port, args.load_path)
        delivered = await loop.run_in_executor(None, metric, args.port, name, label)
        before, started = cpu.read(), time.monotonic()
        busy.append(await loop.run_in_executor(None, wrk, args, etag))
        cpu_busy.append(cpu.ms_since(before))
        delivered = await loop.run_in_executor(None, metric, args.port, name, label) - delivered
        rates.append(round(delivered / (time.monotonic() - started)))
        stop.set()
        await editing
    return {"idle": idle, "during_deliveries": busy,
            "ratio": round(statistics.median(busy) / statistics.median(idle), 3),
            "deliveries_per_s_during": rates, "cpu_ms_idle_rounds": cpu_idle,
            "cpu_ms_busy_rounds": cpu_busy}


def summary(values):
    return {"p50": round(percentile(values, 50) * 1000, 1),
            "p99": round(percentile(values, 99) * 1000, 1),
            "runs": [round(x * 1000, 1) for x in values]}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--path", default="/en/atom.xml")
    parser.add_argument("--load-path", default="/ja/atom.xml")  # not changed by the edits
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--wrk-rounds", type=int, default=3)
    parser.add_argument("--feedd-pid", type=int, default=0)
    parser.add_argument("--cheap-callbacks", default="")  # host:port,host:port,...
    parser.add_argument("--cost-edits", type=int, default=10)
    args = parser.parse_args()
    cpu = CpuMeter(args.feedd_pid)
    cheap = [x for x in args.cheap_callbacks.split(",") if x]

    topic, _ = self_link(args.port, args.path)
    subs = Subscribers(args.subscribers, args.hosts)
    servers = await subs.start()
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    for i in range(args.subscribers):
        form = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.topic": topic,
                                       "hub.callback": subs.callback(i)}).encode()
        status, _, body = await loop.run_in_executor(None, lambda f=form: http(
            "POST", f"http://127.0.0.1:{args.port}/websub", f,
            {"Content-Type": "application/x-www-form-urlencoded"}))
        if status != 202:
            sys.exit(f"websub.py: subscription {i} answered {status}: {body[:200]!r}")
    while len(subs.verified) < args.subscribers:
        if time.monotonic() - started > 300:
            sys.exit(f"websub.py: only {len(subs.verified)} intents verified in 300 s")
        await asyncio.sleep(0.05)
    subscribe_seconds = time.monotonic() - started

    post, original = pick_post(args.store)
    last, each, result = [], [], {}
    try:
        before = cpu.read()
        for n in range(args.edits):
            arrivals = await edit_once(subs, post, original, n)
            last.append(arrivals[-1])
            each.extend(arrivals)
        result["latency_cpu_per_edit"] = cpu.ms_since(before, args.edits)
        if cheap:
            await resubscribe(loop, args, topic, subs, cheap)
            before, cost = cpu.read(), []
            for n in range(args.cost_edits):
                cost.append(await edit_counted(loop, args, post, original, n, 0.01))
            result["cheap"] = {"callbacks": cheap, "edits": args.cost_edits,
                               "cpu_per_edit": cpu.ms_since(before, args.cost_edits),
                               "all_delivered_ms": summary(cost)}
            edit = lambda n: edit_counted(loop, args, post, original, n, 0.05)  # noqa: E731
        else:
            edit = lambda n: edit_once(subs, post, original, n)  # noqa: E731
        result["throughput_304"] = await throughput(loop, args, edit, cpu)
    finally:
        save(post, original)
        for server in servers:
            server.close()

    print(json.dumps({
        "subscribers": args.subscribers, "hosts": args.hosts, "edits": args.edits,
        "subscribe_seconds": round(subscribe_seconds, 3),
        "last_delivery_ms": summary(last),
        "each_delivery_ms": {"p50": round(percentile(each, 50) * 1000, 1),
                             "p99": round(percentile(each, 99) * 1000, 1)},
        "deliveries_seen": subs.deliveries, **result,
    }))


if __name__ == "__main__":
    asyncio.run(main())
