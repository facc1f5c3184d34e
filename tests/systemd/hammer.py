#!/usr/bin/env python3
"""HTTP load for the boot test (tests/systemd/probe.sh): requests feedd without pause until
a stop file appears, then writes what happened.

    hammer.py OUT STOP [--fresh N] [--keepalive N] [--path P] [--hosts H,...] [--port 8080]

--fresh threads open a new connection per request (GET PATH, Connection: close): what readers
polling through a restart do. --keepalive threads keep one connection each for every request
(GET PATH): a connection closed under them counts as dropped. Every request is recorded as
"start end outcome" (wall-clock seconds; outcome "ok" or the error's kind: refused, reset,
closed, timeout, status-NNN, ...) in OUT.requests; OUT gets a one-line JSON summary. OUT.ready
appears after the first successful request. Standard library only.
"""

import argparse
import http.client
import json
import os
import threading
import time


def classify(error):
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError):
        return "reset"
    if isinstance(error, (http.client.RemoteDisconnected, BrokenPipeError)):
        return "closed"
    if isinstance(error, TimeoutError):
        return "timeout"
    return type(error).__name__


class Recorder:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.records = []
        self.out = out
        self.ready = False
        self.connections = 0

    def add(self, start, outcome):
        end = time.time()
        with self.lock:
            self.records.append((start, end, outcome))
            if outcome == "ok" and not self.ready:
                self.ready = True
                with open(self.out + ".ready", "w") as f:
                    f.write("%f\n" % end)

    def opened(self):
        with self.lock:
            self.connections += 1


def request(conn, path, close):
    headers = {"Connection": "close"} if close else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200 or not body:
        return "status-%d" % response.status
    return "ok"


def fresh(host, port, path, stop, rec):
    while not os.path.exists(stop):
        start = time.time()
        conn = http.client.HTTPConnection(host, port, timeout=20)
        try:
            rec.opened()
            outcome = request(conn, path, close=True)
        except Exception as error:  # every failure is data here
            outcome = classify(error)
        finally:
            conn.close()
        rec.add(start, outcome)


def keepalive(host, port, path, stop, rec):
    conn = http.client.HTTPConnection(host, port, timeout=20)
    rec.opened()
    while not os.path.exists(stop):
        start = time.time()
        try:
            outcome = request(conn, path, close=False)
        except Exception as error:
            outcome = classify(error)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=20)
            rec.opened()
        rec.add(start, outcome)
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("stop")
    ap.add_argument("--fresh", type=int, default=0)
    ap.add_argument("--keepalive", type=int, default=0)
    ap.add_argument("--path", default="/healthz")
    ap.add_argument("--hosts", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()
    rec = Recorder(args.out)
    hosts = args.hosts.split(",")
    threads = []
    for i in range(args.fresh):
        threads.append(threading.Thread(
            target=fresh, args=(hosts[i % len(hosts)], args.port, args.path, args.stop, rec)))
    for i in range(args.keepalive):
        threads.append(threading.Thread(
            target=keepalive, args=(hosts[i % len(hosts)], args.port, args.path, args.stop, rec)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = {}
    for _, _, outcome in rec.records:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    with open(args.out + ".requests", "w") as f:
        for start, end, outcome in rec.records:
            f.write("%.6f %.6f %s\n" % (start, end, outcome))
    summary = {"requests": len(rec.records), "outcomes": outcomes,
               "connections": rec.connections,
               "slowest_s": round(max((e - s for s, e, _ in rec.records), default=0), 3)}
    with open(args.out, "w") as f:
        f.write(json.dumps(summary, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
