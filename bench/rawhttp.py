"""A raw keep-alive HTTP/1.1 client for the benchmarks (bench/delta.py, bench/varnish.py): the
request bytes are the caller's, byte for byte (no header added), requests can be pipelined in
one write, and the bytes each response took on the wire are known (http.client offers neither).

    conn = rawhttp.Connection(port)        # 127.0.0.1:PORT, connected on first use
    status, headers, body = conn.exchange(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    conn.wire_size                         # status line, header fields and body of that answer

Headers come back as a dict of lower-case names (a repeated field keeps its last value);
bodies are bytes, de-chunked (content codings are left alone). A connection the server
closed while idle is opened again and the request resent, once, when nothing of it was
answered. Not thread-safe. Standard library only.
"""
import socket


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buffer = b""
        self.wire_size = 0  # bytes of the last response read

    def exchange(self, request):
        """Sends REQUEST (bytes); returns (status, headers, body)."""
        return self.pipeline([request])[0]

    def pipeline(self, requests):
        """Sends REQUESTS in one write (HTTP/1.1 pipelining); returns their responses in order."""
        for attempt in (0, 1):
            answers = []
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port))
                    self.buffer = b""
                self.sock.sendall(b"".join(requests))
                for _ in requests:
                    answers.append(self.response())
                return answers
            except (ConnectionError, RuntimeError):
                self.sock = None
                if attempt or answers:
                    raise
        return []

    def response(self):
        """Reads one response: (status, headers, body)."""
        while b"\r\n\r\n" not in self.buffer:
            self.read()
        end = self.buffer.index(b"\r\n\r\n") + 4
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        self.buffer = self.buffer[end:]
        self.wire_size = end
        if "chunked" in headers.get("transfer-encoding", ""):
            body = self.chunked()
        else:
            length = 0 if status in (204, 304) else int(headers.get("content-length", "0"))
            while len(self.buffer) < length:
                self.read()
            body, self.buffer = self.buffer[:length], self.buffer[length:]
            self.wire_size += length
        if headers.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = None
        return status, headers, body

    def chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self.read()
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            while len(self.buffer) < size + 2:
                self.read()
            body += self.buffer[:size]
            self.buffer = self.buffer[size + 2:]
            self.wire_size += len(line) + 2 + size + 2
            if size == 0:  # no trailer fields: feedd and Varnish send none
                return body

    def read(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise RuntimeError("connection closed by the server")
        self.buffer += data
