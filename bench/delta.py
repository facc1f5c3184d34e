#!/usr/bin/env python3
"""A simulated day of polling by newsboat-like readers, with and without RFC 3229 deltas.

    delta.py --port P --store DIR [--path /atom.xml] [--clients 1000] [--polls 48]
             [--new-at 24]

Two populations of CLIENTS readers poll PATH of a running `feedd serve` POLLS times (a day at
one poll every 30 minutes), as newsboat does: If-None-Match with the ETag they hold,
If-Modified-Since, Accept-Encoding: gzip, deflate; the "delta" population also sends
A-IM: feed (newsboat always does; the "plain" one plays a reader that does not). Every reader
starts with the current version (it has been polling for days). Before poll NEW_AT, one new
post is written to DIR (the store) and the script waits until feedd serves a new ETag. Bytes
on the wire are counted per population at the HTTP level: every request and response byte
(status lines, header fields, bodies; not TCP/IP framing), over one keep-alive connection per
population. Prints one JSON object. Standard library only.
"""
import argparse
import json
import os
import sys
import time

import rawhttp

REQUEST = ("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: Newsboat/2.30.1\r\n"
           "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n")


def request_for(args, etag, last_modified, delta):
    text = REQUEST.format(path=args.path, port=args.port)
    if etag:
        text += "If-None-Match: " + etag + "\r\n"
    if last_modified:
        text += "If-Modified-Since: " + last_modified + "\r\n"
    if delta:
        text += "A-IM: feed\r\n"
    return (text + "\r\n").encode("latin-1")


def new_post(store):
    body = "A new post written during the benchmark. " * 50
    path = os.path.join(store, "bench-delta-new-post.md")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("---\ntitle: \"A new post for the delta benchmark\"\ndate: 2025-06-01T09:00:00+09:00\n"
                "lang: en\ntags: [bench]\n---\n" + body + "\n")
    os.rename(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--path", default="/atom.xml")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--polls", type=int, default=48)
    parser.add_argument("--new-at", type=int, default=24)
    args = parser.parse_args()

    probe = rawhttp.Connection(args.port)
    _, headers, _ = probe.exchange(request_for(args, None, None, False))
    start_etag, start_lm = headers["etag"], headers.get("last-modified")
    populations = {}
    for name in ("plain", "delta"):
        populations[name] = {
            "conn": rawhttp.Connection(args.port), "bytes": 0, "request_bytes": 0, "statuses": {},
            "etags": [start_etag] * args.clients, "lms": [start_lm] * args.clients,
            "changed_bytes": [],
        }
    started = time.monotonic()
    for poll in range(args.polls):
        if poll == args.new_at:
            new_post(args.store)
            deadline = time.monotonic() + 60
            while probe.exchange(request_for(args, None, None, False))[1]["etag"] == start_etag:
                if time.monotonic() > deadline:
                    sys.exit("feedd never served the new post")
                time.sleep(0.02)
        for name, pop in populations.items():
            for client in range(args.clients):
                request = request_for(args, pop["etags"][client], pop["lms"][client],
                                      name == "delta")
                status, headers, _ = pop["conn"].exchange(request)
                size = pop["conn"].wire_size
                pop["bytes"] += len(request) + size
                pop["request_bytes"] += len(request)
                pop["statuses"][status] = pop["statuses"].get(status, 0) + 1
                if status in (200, 226):
                    pop["etags"][client] = headers["etag"]
                    pop["lms"][client] = headers.get("last-modified")
                    if len(pop["changed_bytes"]) < 1:
                        pop["changed_bytes"].append(size)
    result = {"path": args.path, "clients": args.clients, "polls": args.polls,
              "seconds": round(time.monotonic() - started, 1)}
    for name, pop in populations.items():
        result[name] = {"bytes": pop["bytes"], "request_bytes": pop["request_bytes"],
                        "statuses": {str(k): v for k, v in sorted(pop["statuses"].items())},
                        "changed_response_bytes": pop["changed_bytes"][0] if pop["changed_bytes"] else 0}
    result["ratio"] = round(populations["delta"]["bytes"] / populations["plain"]["bytes"], 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
