#!/usr/bin/env python3
"""A recording HTTP server for the boot test (tests/systemd/probe.sh), inside the container:
the cache that feedd's `[cache] purge` targets, and the WebSub subscriber that feedd's
built-in hub verifies and delivers to.

    recorder.py ADDRESS PORT LOG

Appends one line to LOG per request it records (flushed at once):
- PURGE: answers 200, records "PURGE <path> <Host>".
- GET with hub.challenge (WebSub intent verification): answers 200 with the challenge,
  records "VERIFY <hub.mode> <hub.topic>". Any other GET: 405.
- POST (a WebSub delivery): answers 204, records "DELIVER <path> <Content-Type> <Link>" and
  writes the body to LOG.body (the last delivery).
Creates LOG empty once it listens, so the probe waits for the file rather than for a delay.
Runs until killed. Standard library only.
"""

import http.server
import sys
import urllib.parse


def main():
    address, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    def record(line):
        with open(log_path, "a") as log:
            log.write(line + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, body=b""):
            self.send_response(status)
            if status != 204:  # RFC 9110 §8.6: no Content-Length on a 204
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PURGE(self):
            record("PURGE %s %s" % (self.path, self.headers.get("Host", "-")))
            self.answer(200)

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            challenge = query.get("hub.challenge", [""])[0].encode()
            if not challenge:
                self.send_error(405)
                return
            record("VERIFY %s %s" % (query.get("hub.mode", ["-"])[0],
                                     query.get("hub.topic", ["-"])[0]))
            self.answer(200, challenge)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with open(log_path + ".body", "wb") as out:
                out.write(body)
            record("DELIVER %s %s %s" % (self.path, self.headers.get("Content-Type", "-"),
                                         self.headers.get("Link", "-")))
            self.answer(204)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    open(log_path, "w").close()
    server.serve_forever()


if __name__ == "__main__":
    main()
