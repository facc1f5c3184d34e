#!/usr/bin/env python3
"""A cache that only records purges, for the boot test (tests/systemd/probe.sh): feedd's
`[cache] purge` target inside the container.

    purge_listener.py ADDRESS PORT LOG

Answers every PURGE with 200 and appends "PURGE <path> <Host>" to LOG (one line each,
flushed at once); any other method gets 405. Creates LOG empty once it listens, so the probe
waits for the file rather than for a delay. Runs until killed. Standard library only.
"""

import http.server
import sys


def main():
    address, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):
            with open(log_path, "a") as log:
                log.write("PURGE %s %s\n" % (self.path, self.headers.get("Host", "-")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            self.send_error(405)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    open(log_path, "w").close()
    server.serve_forever()


if __name__ == "__main__":
    main()
