"""An HTTP proxy in front of an S3-protocol server that injects faults, for tests/faults.rs.

    python3 tests/fault_proxy.py LISTEN_PORT UPSTREAM_PORT

Faults are set with `POST /__fault__` and a JSON body (every key optional; a new body replaces
the old rules and resets the counters), read back with `GET /__fault__`:

    match        only requests whose path contains this string are touched
    burst_s      answer 503 SlowDown to every matching request for this many seconds ...
    burst_on     ... starting at the first matching request whose path contains this (else now)
    drop_every   close the connection without forwarding every N-th matching request
    lost_every   forward every N-th matching PUT/POST/DELETE, then close without answering
    slow_put_s   wait this long before answering a matching PUT
"""

import http.client
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = ("127.0.0.1", int(sys.argv[2]))
LOCK = threading.Lock()
RULES = {}
STATE = {"seen": 0, "mutating": 0, "burst_until": 0.0, "burst_started": False, "injected": {}}


def count(kind):
    STATE["injected"][kind] = STATE["injected"].get(kind, 0) + 1


def decide(method, path):
    """The fault for this request: None, '503', 'drop', 'lost' or 'slow'."""
    with LOCK:
        if RULES.get("match") and RULES["match"] not in path:
            return None
        STATE["seen"] += 1
        now = time.time()
        if RULES.get("burst_s") and not STATE["burst_started"]:
            trigger = RULES.get("burst_on")
            if not trigger or trigger in path:
                STATE["burst_started"] = True
                STATE["burst_until"] = now + float(RULES["burst_s"])
        if now < STATE["burst_until"]:
            count("503")
            return "503"
        if RULES.get("drop_every") and STATE["seen"] % int(RULES["drop_every"]) == 0:
            count("drop")
            return "drop"
        if method in ("PUT", "POST", "DELETE"):
            STATE["mutating"] += 1
            if RULES.get("lost_every") and STATE["mutating"] % int(RULES["lost_every"]) == 0:
                count("lost")
                return "lost"
            if method == "PUT" and RULES.get("slow_put_s"):
                count("slow")
                return "slow"
        return None


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def hang_up(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def control(self, payload):
        global RULES
        if self.command == "POST":
            with LOCK:
                RULES = json.loads(payload or b"{}")
                STATE.update(seen=0, mutating=0, burst_until=0.0, burst_started=False, injected={})
        with LOCK:
            reply = json.dumps({"rules": RULES, "seen": STATE["seen"], "injected": STATE["injected"]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def handle_any(self):
        payload = self.body()
        if self.path.startswith("/__fault__"):
            return self.control(payload)
        fault = decide(self.command, self.path)
        if fault == "503":
            reply = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code><Message>injected</Message></Error>"
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply)
            return
        if fault == "drop":
            return self.hang_up()
        upstream = http.client.HTTPConnection(*UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("transfer-encoding", "connection")}
        headers["Content-Length"] = str(len(payload))
        upstream.request(self.command, self.path, body=payload, headers=headers)
        resp = upstream.getresponse()
        data = resp.read()
        upstream.close()
        if fault == "lost":
            return self.hang_up()
        if fault == "slow":
            time.sleep(float(RULES["slow_put_s"]))
        self.send_response(resp.status)
        # A HEAD answer keeps the object's length; any other gets the length of what was read.
        keep_length = self.command == "HEAD"
        for k, v in resp.getheaders():
            skip = ("transfer-encoding", "connection", "date", "server") + (() if keep_length else ("content-length",))
            if k.lower() not in skip:
                self.send_header(k, v)
        if not keep_length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


if __name__ == "__main__":
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Proxy).serve_forever()
