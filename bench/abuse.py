#!/usr/bin/python3
"""Load and abuse clients for bench/run.sh's `abuse` stage (stdlib only).

    abuse.py idle      HOST:PORT --conns N --path P --etag E --pid PID
    abuse.py slowloris HOST:PORT --clients N --path P --etag E --timeout T
    abuse.py noread    HOST:PORT --clients N --path P --pid PID --timeout T [--etag E --probe-path Q]
    abuse.py pipeline  HOST:PORT --requests N --path P [--path P2 ...]
    abuse.py probe     HOST:PORT --path P --etag E --seconds S [--interval I]

  idle       opens N connections (at most 256 connects in flight), waits until the server
             holds them all (its descriptors, /proc/PID/fd, PID's children included: nginx's
             workers), then sends one conditional GET on each (a 304, kept alive) and reads
             the answers. The server's VmRSS (summed over PID and its children) is read
             before, with the connections open, with them idle after their request, and
             after the client closed them all; a normal client is served meanwhile (10 GETs
             on new connections, 10 on one keep-alive connection). Then it checks how many
             of the N the server still holds, and closes them.
  slowloris  a `probe` process alone for 5 s (baseline), then N connections that each send
             a request header one byte per second (4 KiB long: it never ends; the first
             bytes spread over one second) while a probe runs from the moment every one of
             them has sent its first byte (so that none is merely an idle new connection)
             until T - 3 s after the first connect; the connections are watched until the
             server closes them or T + 15 s (closed_early: closes before T - 1 s).
  noread     N clients (SO_RCVBUF --rcvbuf, default 256 KiB, so that the answer cannot
             vanish into loopback's autotuned buffers) send GET P (identity) and never read
             the answer; the server's RSS
             and descriptors are read before and while they wait, a probe runs 5 s, then
             the server's descriptors are watched until it drops the N connections (or
             T + 20 s); finally each client reads what reached it (bytes, how it ended).
  pipeline   learns each path's answer (status, ETag) with single requests, then sends N
             requests (GET and HEAD, cycling over the paths) in one write, half-closes
             (shutdown SHUT_WR), and reads until the server closes: all N answers must arrive,
             in order, each the one expected for its request.
  probe      a normal client for S seconds: every I seconds one conditional GET of P
             (If-None-Match: E, so a 304), alternately on one keep-alive connection and on
             a new connection; the time from before the connect (new) or the send
             (keep-alive) to the whole answer.

Every mode prints `key=value` lines; the last starts with `result`. Latencies are in
milliseconds; p99 interpolates linearly between order statistics. The client raises its own
RLIMIT_NOFILE soft limit to the hard limit.
"""

import argparse
import errno
import os
import resource
import selectors
import socket
import subprocess
import sys
import time

IP_BIND_ADDRESS_NO_PORT = 24  # Linux: choose the port at connect(), per destination
SOURCES = 16  # client sockets spread over 127.0.0.1..16 (more ephemeral ports)


def percentile(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def stats(values):
    return (f"n={len(values)} p50={percentile(values, 0.5):.2f} "
            f"p99={percentile(values, 0.99):.2f} max={max(values, default=float('nan')):.2f}")


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def split_addr(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


# ---------------------------------------------------------------- the server's process tree

def tree(pid):
    """PID and its children (nginx's workers), from /proc/*/stat."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(entry))
    return pids


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pid):
    return sum(status_kb(p, "VmRSS") for p in tree(pid))


def hwm_kb(pid):
    return sum(status_kb(p, "VmHWM") for p in tree(pid))


def fds(pid):
    total = 0
    for p in tree(pid):
        try:
            total += len(os.listdir(f"/proc/{p}/fd"))
        except OSError:
            pass
    return total


def wait_fds(pid, predicate, seconds):
    """Polls the server's descriptor count every 50 ms until PREDICATE(count) or SECONDS."""
    deadline = time.monotonic() + seconds
    while True:
        n = fds(pid)
        if predicate(n) or time.monotonic() > deadline:
            return n
        time.sleep(0.05)


# ---------------------------------------------------------------- connections

def new_socket(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    s.bind((f"127.0.0.{1 + i % SOURCES}", 0))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    return s


def open_many(addr, n, in_flight=256, deadline_s=60.0, rcvbuf=0):
    """N connected non-blocking sockets (fewer if connects fail), at most IN_FLIGHT pending;
    RCVBUF > 0 sets SO_RCVBUF before connecting (it then bounds the TCP window)."""
    sel = selectors.DefaultSelector()
    done, failed, started, pending = [], 0, 0, 0
    deadline = time.monotonic() + deadline_s
    while len(done) + failed < n and time.monotonic() < deadline:
        while started < n and pending < in_flight:
            s = new_socket(started)
            if rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            started += 1
            rc = s.connect_ex(addr)
            if rc == 0:
                done.append(s)
            elif rc == errno.EINPROGRESS:
                sel.register(s, selectors.EVENT_WRITE)
                pending += 1
            else:
                s.close()
                failed += 1
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(s)
            else:
                s.close()
                failed += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
        failed += 1
    sel.close()
    return done, failed


def request(path, etag=None, method="GET", extra=""):
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: feedd-bench-abuse\r\n"
    if etag:
        head += f"If-None-Match: {etag}\r\n"
    return (head + extra + "\r\n").encode()


def parse_head(raw):
    """(status, {lower name: value}) of one response head (bytes before the blank line)."""
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def read_response(sock, head_only=False):
    """One response from a blocking socket: (status, headers, body). Content-Length only."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the response head")
        buf += chunk
    raw, _, rest = buf.partition(b"\r\n\r\n")
    status, headers = parse_head(raw)
    length = 0 if head_only or status in (204, 304) else int(headers.get("content-length", 0))
    while len(rest) < length:
        chunk = sock.recv(max(65536, length - len(rest)))
        if not chunk:
            raise ConnectionError("closed in the body")
        rest += chunk
    return status, headers, rest[:length]


class Prober:
    """A normal client: conditional GETs, on one keep-alive connection or a new one each."""

    def __init__(self, addr, path, etag, timeout=5.0):
        self.addr, self.path, self.etag, self.timeout = addr, path, etag, timeout
        self.conn = None
        self.statuses = {}

    def _connect(self):
        s = socket.create_connection(self.addr, timeout=self.timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def once(self, keepalive):
        """Milliseconds for one request, or None when it failed (counted in statuses)."""
        t0 = time.perf_counter()
        try:
            if keepalive:
                if self.conn is None:
                    self.conn = self._connect()
                    t0 = time.perf_counter()  # the reconnect is not part of the keep-alive case
                s = self.conn
            else:
                s = self._connect()
            s.sendall(request(self.path, self.etag))
            status, headers, _ = read_response(s)
            ms = (time.perf_counter() - t0) * 1000
            if not keepalive or headers.get("connection", "").lower() == "close":
                s.close()
                if keepalive:
                    self.conn = None
        except (OSError, ValueError, IndexError) as e:
            if keepalive and self.conn is not None:
                self.conn.close()
                self.conn = None
            self.statuses[type(e).__name__] = self.statuses.get(type(e).__name__, 0) + 1
            return None
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return ms

    def status_text(self):
        return ",".join(f"{k}:{v}" for k, v in sorted(self.statuses.items(), key=str))


def run_probe(args):
    addr = split_addr(args.addr)
    prober = Prober(addr, args.path, args.etag)
    samples = {True: [], False: []}
    failed = {True: 0, False: 0}
    end = time.monotonic() + args.seconds
    next_at, i = time.monotonic(), 0
    while time.monotonic() < end:
        keepalive = i % 2 == 0
        ms = prober.once(keepalive)
        if ms is None:
            failed[keepalive] += 1
        else:
            samples[keepalive].append(ms)
        i += 1
        next_at += args.interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    for keepalive, name in ((True, "keepalive"), (False, "new")):
        print(f"{name} {stats(samples[keepalive])} failed={failed[keepalive]}", flush=True)
    both = samples[True] + samples[False]
    print(f"result {stats(both)} failed={failed[True] + failed[False]} "
          f"statuses={prober.status_text()}", flush=True)


def start_probe(args, seconds):
    cmd = [sys.executable, os.path.abspath(__file__), "probe", args.addr, "--path", args.path,
           "--etag", args.etag, "--seconds", str(seconds), "--interval", str(args.interval)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)


def probe_lines(proc, prefix):
    out, _ = proc.communicate()
    for line in out.splitlines():
        word, _, rest = line.partition(" ")  # keepalive/new/result -> PREFIX_keepalive/…/PREFIX
        print(f"{prefix}_{word} {rest}" if word != "result" else f"{prefix} {rest}", flush=True)


# ---------------------------------------------------------------- idle

def read_answers(socks, deadline_s):
    """Reads one response head from each socket (a 304: no body); returns the count of 304s."""
    sel = selectors.DefaultSelector()
    bufs = {}
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
        bufs[s] = b""
    ok, deadline = 0, time.monotonic() + deadline_s
    while bufs and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            try:
                chunk = s.recv(4096)
            except OSError:
                chunk = b""
            bufs[s] += chunk
            if not chunk or b"\r\n\r\n" in bufs[s]:
                ok += bufs[s].startswith(b"HTTP/1.1 304")
                sel.unregister(s)
                del bufs[s]
    sel.close()
    return ok


def still_open(socks):
    """How many sockets the server has not closed (no EOF, no reset pending)."""
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    for key, _ in sel.select(timeout=0):
        try:
            closed += key.fileobj.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            closed += 1
    sel.close()
    return len(socks) - closed


def run_idle(args):
    addr = split_addr(args.addr)
    raise_nofile()
    base_fds = fds(args.pid)
    before = rss_kb(args.pid)
    t0 = time.monotonic()
    socks, failed = open_many(addr, args.conns)
    accepted = wait_fds(args.pid, lambda n: n >= base_fds + len(socks), 20) - base_fds
    open_s = time.monotonic() - t0
    time.sleep(1)
    rss_open = rss_kb(args.pid)
    req = request(args.path, args.etag)
    sent = 0
    for s in socks:
        try:
            s.send(req)
            sent += 1
        except OSError:
            pass
    replied = read_answers(socks, 20)
    time.sleep(1)
    rss_idle = rss_kb(args.pid)
    prober = Prober(addr, args.path, args.etag)
    probe = [prober.once(i % 2 == 0) for i in range(20)]
    ok = [ms for ms in probe if ms is not None]
    held = still_open(socks)
    held_s = time.monotonic() - t0
    for s in socks:
        s.close()
    left = wait_fds(args.pid, lambda n: n <= base_fds + 5, 20) - base_fds
    time.sleep(1)
    after = rss_kb(args.pid)
    n = max(len(socks), 1)
    print(f"result conns={args.conns} connected={len(socks)} connect_failed={failed} "
          f"server_fds={accepted} open_s={open_s:.1f} replied_304={replied} held={held} "
          f"held_at_s={held_s:.1f} rss_before_kb={before} rss_open_kb={rss_open} "
          f"rss_idle_kb={rss_idle} rss_after_kb={after} hwm_kb={hwm_kb(args.pid)} "
          f"open_bytes_per_conn={(rss_open - before) * 1024 / n:.0f} "
          f"idle_bytes_per_conn={(rss_idle - before) * 1024 / n:.0f} "
          f"probe_ok={len(ok)}/{len(probe)} probe_max_ms={max(ok, default=float('nan')):.1f} "
          f"probe_statuses={prober.status_text()} fds_left={left}", flush=True)


# ---------------------------------------------------------------- slowloris

def run_slowloris(args):
    addr = split_addr(args.addr)
    raise_nofile()
    proc = start_probe(args, 5)
    probe_lines(proc, "baseline")
    header = request(args.path, extra="X-Slow: ")[:-2] + b"a" * 4096  # never finishes
    t0 = time.monotonic()
    socks, failed = open_many(addr, args.clients)
    connected_s = time.monotonic() - t0
    proc, probe_started_s = None, float("nan")  # started once every client sent a byte
    first_sent = 0
    sel = selectors.DefaultSelector()
    state = {}  # socket -> [bytes sent, next send time]
    start = time.monotonic()
    for i, s in enumerate(socks):
        state[s] = [0, start + i / max(len(socks), 1)]  # spread over the first second
        sel.register(s, selectors.EVENT_READ)
    closed_at, answers = [], {}
    end = t0 + args.timeout + 15
    while state and time.monotonic() < end:
        now = time.monotonic()
        for s, st in list(state.items()):
            if st[1] <= now and st[0] < len(header):
                try:
                    s.send(header[st[0]:st[0] + 1])
                    st[0] += 1
                    st[1] += 1.0
                    first_sent += st[0] == 1
                except OSError:
                    pass  # the read side records the close
        if proc is None and (first_sent >= len(state) or now > start + 3):
            probe_started_s = now - t0
            proc = start_probe(args, max(5.0, args.timeout - 3 - probe_started_s))
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data:
                line = data.split(b"\r\n", 1)[0].decode("latin-1")
                answers[line] = answers.get(line, 0) + 1
                continue
            closed_at.append(time.monotonic() - t0)
            sel.unregister(s)
            s.close()
            del state[s]
    for s in state:
        s.close()
    if proc is not None:
        probe_lines(proc, "probe")
    answer_text = ";".join(f"{k.replace(' ', '_')}:{v}" for k, v in answers.items()) or "none"
    print(f"result clients={args.clients} connected={len(socks)} connect_failed={failed} "
          f"connect_s={connected_s:.1f} probe_from_s={probe_started_s:.1f} "
          f"closed_by_server={len(closed_at)} open_at_end={len(state)} "
          f"closed_early={sum(1 for c in closed_at if c < args.timeout - 1)} "
          f"closed_min_s={min(closed_at, default=float('nan')):.1f} "
          f"closed_p50_s={percentile(closed_at, 0.5):.1f} "
          f"closed_max_s={max(closed_at, default=float('nan')):.1f} "
          f"answers={answer_text} watched_s={time.monotonic() - t0:.1f}", flush=True)


# ---------------------------------------------------------------- noread

def drain(socks, seconds):
    """Reads every socket to its end: ([bytes], {how it ended: count})."""
    sel = selectors.DefaultSelector()
    got = {s: 0 for s in socks}
    ends = {}
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    while sel.get_map() and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                chunk = s.recv(1 << 20)
                how = "eof"
            except ConnectionResetError:
                chunk, how = b"", "reset"
            got[s] += len(chunk)
            if not chunk:
                ends[how] = ends.get(how, 0) + 1
                sel.unregister(s)
    if sel.get_map():
        ends["still_open"] = len(sel.get_map())
    sel.close()
    return list(got.values()), ends


def run_noread(args):
    addr = split_addr(args.addr)
    raise_nofile()
    with socket.create_connection(addr, timeout=30) as s:  # the full length, read normally
        s.sendall(request(args.path))
        t = time.perf_counter()
        status, headers, body = read_response(s)
        full_ms = (time.perf_counter() - t) * 1000
    length = len(body)
    base_fds = fds(args.pid)
    before = rss_kb(args.pid)
    socks, failed = open_many(addr, args.clients, rcvbuf=args.rcvbuf)
    for s in socks:
        s.send(request(args.path))
    t0 = time.monotonic()
    wait_fds(args.pid, lambda n: n >= base_fds + len(socks), 10)
    time.sleep(2)
    during = rss_kb(args.pid)
    fds_during = fds(args.pid) - base_fds
    if args.etag:
        probe_args = argparse.Namespace(addr=args.addr, path=args.probe_path or args.path,
                                        etag=args.etag, interval=0.01)
        probe_lines(start_probe(probe_args, 5), "probe")
    prober = Prober(addr, args.path, None, timeout=30)
    other_ms = prober.once(False)  # another client downloads the whole body meanwhile
    left = wait_fds(args.pid, lambda n: n <= base_fds, args.timeout + 20) - base_fds
    closed_s = time.monotonic() - t0
    after = rss_kb(args.pid)
    got, ends = drain(socks, 10)
    for s in socks:
        s.close()
    print(f"result clients={args.clients} connected={len(socks)} connect_failed={failed} "
          f"status={status} length={length} full_read_ms={full_ms:.1f} "
          f"rss_before_kb={before} rss_during_kb={during} rss_after_kb={after} "
          f"hwm_kb={hwm_kb(args.pid)} rss_growth_kb={during - before} growth_per_client_kb={(during - before) / max(len(socks), 1):.1f} "
          f"fds_during={fds_during} fds_left={left} closed_after_s={closed_s:.1f} "
          f"other_client_ms={other_ms if other_ms is None else round(other_ms, 1)} "
          f"other_client_statuses={prober.status_text()} "
          f"received_min={min(got, default=0)} received_max={max(got, default=0)} "
          f"ends={';'.join(f'{k}:{v}' for k, v in sorted(ends.items())) or 'none'}", flush=True)


# ---------------------------------------------------------------- pipeline

def run_pipeline(args):
    addr = split_addr(args.addr)
    expected = {}
    for path in args.path:
        for method in ("GET", "HEAD"):
            with socket.create_connection(addr, timeout=10) as s:
                s.sendall(request(path, method=method))
                status, headers, body = read_response(s, head_only=method == "HEAD")
                expected[method, path] = (status, headers.get("etag"), len(body))
    plan = [("HEAD" if i % 5 == 4 else "GET", args.path[i % len(args.path)])
            for i in range(args.requests)]
    payload = b"".join(request(p, method=m) for m, p in plan)
    s = socket.create_connection(addr, timeout=10)
    t0 = time.perf_counter()
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    received = bytearray()
    end = "eof"
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            received += chunk
    except socket.timeout:
        end = "timeout"
    except ConnectionResetError:
        end = "reset"
    ms = (time.perf_counter() - t0) * 1000
    s.close()
    answered, in_order, first_bad, at = 0, 0, "", 0
    data = bytes(received)
    for method, path in plan:
        end_of_head = data.find(b"\r\n\r\n", at)
        if end_of_head < 0:
            break
        status, headers = parse_head(data[at:end_of_head])
        length = 0 if method == "HEAD" or status == 304 else int(headers.get("content-length", 0))
        body_length = min(length, len(data) - end_of_head - 4)
        at = end_of_head + 4 + body_length
        answered += 1
        got = (status, headers.get("etag"), body_length)
        if got == expected[method, path]:
            in_order += 1
        elif not first_bad:
            first_bad = f"#{answered}:{method}_{path}:{got}!={expected[method, path]}"
    print(f"result requests={args.requests} bytes_sent={len(payload)} answered={answered} "
          f"matching_in_order={in_order} trailing_bytes={len(data) - at} end={end} ms={ms:.1f} "
          f"first_mismatch={first_bad or 'none'}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    modes = {}
    for name, fn in (("idle", run_idle), ("slowloris", run_slowloris), ("noread", run_noread),
                     ("pipeline", run_pipeline), ("probe", run_probe)):
        q = sub.add_parser(name)
        q.add_argument("addr", help="HOST:PORT")
        modes[name] = (q, fn)
    modes["idle"][0].add_argument("--conns", type=int, default=10000)
    modes["slowloris"][0].add_argument("--clients", type=int, default=1000)
    modes["noread"][0].add_argument("--clients", type=int, default=1)
    modes["noread"][0].add_argument("--probe-path")
    modes["noread"][0].add_argument("--rcvbuf", type=int, default=262144)
    modes["pipeline"][0].add_argument("--requests", type=int, default=100)
    modes["pipeline"][0].add_argument("--path", action="append", required=True)
    modes["probe"][0].add_argument("--seconds", type=float, default=10)
    for name in ("idle", "slowloris", "noread", "probe"):
        q = modes[name][0]
        q.add_argument("--path", required=True)
        q.add_argument("--etag", required=name in ("idle", "slowloris", "probe"))
        q.add_argument("--interval", type=float, default=0.01)
    for name in ("idle", "noread"):
        modes[name][0].add_argument("--pid", type=int, required=True)
    for name in ("slowloris", "noread"):
        modes[name][0].add_argument("--timeout", type=float, default=30)
    args = p.parse_args()
    modes[args.mode][1](args)


if __name__ == "__main__":
    main()
