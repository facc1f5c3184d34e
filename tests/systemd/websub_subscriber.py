#!/usr/bin/env python3
"""A WebSub subscriber for the boot test (tests/systemd/probe.sh): the callback that feedd's
built-in hub verifies and delivers to, inside the container.

    websub_subscriber.py ADDRESS PORT LOG

GET with hub.challenge: answers 200 with the challenge and appends "VERIFY <hub.mode>
<hub.topic>" to LOG. POST: answers 204, appends "DELIVER <path> <Content-Type> <Link>" to LOG
and writes the body to LOG.body (the last delivery). Creates LOG empty once it listens, so the
probe waits for the file rather than for a delay. Runs until killed. Standard library only.
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
        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            challenge = query.get("hub.challenge", [""])[0].encode()
            if not challenge:
                self.send_error(400)
                return
            record("VERIFY %s %s" % (query.get("hub.mode", ["-"])[0],
                                     query.get("hub.topic", ["-"])[0]))
            self.send_response(200)
            self.send_header("Content-Length", str(len(challenge)))
            self.end_headers()
            self.wfile.write(challenge)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with open(log_path + ".body", "wb") as out:
                out.write(body)
            record("DELIVER %s %s %s" % (self.path, self.headers.get("Content-Type", "-"),
                                         self.headers.get("Link", "-")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    open(log_path, "w").close()
    server.serve_forever()


if __name__ == "__main__":
    main()
