#!/usr/bin/env python3
"""hostile.py - a hostile upstream for tests/e2e/hostile.sh (stdlib only).

Usage: hostile.py DIR. Listens on two free ports of 127.0.0.1 and writes
"PORT_A PORT_B" to DIR/ports once both listen.

Origin A serves, by path:
  /healthy/NAME   a small JSON document {"v": 1.5}; hits are counted
  /hits           the hit counts of every path as JSON
  /redirect       302 to origin B (another port: another origin)
  /endless        200 with a body that never ends (no Content-Length)
  /drip           200 announcing 1000 bytes, then one byte per second
  /deep           a JSON document nested 900 levels deep
  /esc_json, /esc_prom, /esc_csv
                  documents whose strings, labels and cells hold OSC/CSI
                  escape sequences, BEL and newlines
  /esc_status     503 with escape sequences in the reason phrase and a header
  /esc_redirect   302 to a same-origin path holding an escape sequence
  /nf_big, /nf_str, /nf_nan, /nf_inf
                  non-finite numbers: JSON 1e999, JSON "Infinity",
                  Prometheus NaN and +Inf
Origin B answers everything with {"v": 1} and appends each request's
headers as one JSON line to DIR/origin_b.jsonl.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
HITS = {}
LOCK = threading.Lock()
PORTS = {}

ESC_TITLE = "\x1b]0;pwned title\x07"
ESC_CSI = "\x1b[2J\x1b[31m"


def deep_json(levels):
    """A JSON text with levels nested objects around a number."""
    return '{"x":' * levels + "1" + "}" * levels


class Quiet(BaseHTTPRequestHandler):
    """A handler that does not log to stderr and speaks HTTP/1.1."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="application/json", extra=None, reason=None):
        """Sends a whole response with a Content-Length."""
        data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        if reason is None:
            self.send_response(code)
        else:
            # send_response_only writes the reason phrase as given.
            self.log_request(code)
            self.send_response_only(code, reason)
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


class OriginA(Quiet):
    """The hostile upstream."""

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        with LOCK:
            HITS[path] = HITS.get(path, 0) + 1
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, path):
        if path.startswith("/healthy/"):
            self.reply(200, '{"v": 1.5}')
        elif path == "/hits":
            with LOCK:
                body = json.dumps(HITS)
            self.reply(200, body)
        elif path == "/redirect":
            self.reply(302, "", extra={"Location": "http://127.0.0.1:%d/landing" % PORTS["b"]})
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b'{"v": [')
            chunk = b"1, " * 20000
            while True:
                self.wfile.write(chunk)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        elif path == "/deep":
            self.reply(200, deep_json(900))
        elif path == "/esc_json":
            doc = {"name": ESC_TITLE + "Hải Dương\n" + ESC_CSI, "v": ESC_CSI + "12\n" + ESC_TITLE}
            self.reply(200, json.dumps(doc))
        elif path == "/esc_prom":
            body = ('# HELP m ' + ESC_TITLE + ' help\n'
                    'm{l="' + ESC_CSI + '\\n' + ESC_TITLE + '"} 1\n'
                    'm' + ESC_CSI + ' 2\n')
            self.reply(200, body, ctype="text/plain")
        elif path == "/esc_csv":
            body = ('unit,v\n"' + ESC_TITLE + '\nHải Dương",' + ESC_CSI + '3\n')
            self.reply(200, body, ctype="text/csv")
        elif path == "/esc_status":
            self.reply(503, ESC_TITLE + "down" + ESC_CSI, ctype="text/plain",
                       extra={"X-Reason": ESC_TITLE + ESC_CSI}, reason=ESC_TITLE + "Down" + ESC_CSI)
        elif path == "/esc_redirect":
            self.reply(302, "", extra={"Location": "/healthy/" + ESC_TITLE + ESC_CSI})
        elif path == "/nf_big":
            self.reply(200, '{"v": 1e999}')
        elif path == "/nf_str":
            self.reply(200, '{"v": "Infinity"}')
        elif path == "/nf_nan":
            self.reply(200, "m NaN\n", ctype="text/plain")
        elif path == "/nf_inf":
            self.reply(200, "m +Inf\n", ctype="text/plain")
        else:
            self.reply(404, '{"error": "not found"}')


class OriginB(Quiet):
    """The other origin: records every request's headers."""

    def do_GET(self):
        line = json.dumps({"path": self.path, "headers": dict(self.headers.items())})
        with LOCK, open(os.path.join(DIR, "origin_b.jsonl"), "a") as f:
            f.write(line + "\n")
        try:
            self.reply(200, '{"v": 1}')
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    a = ThreadingHTTPServer(("127.0.0.1", 0), OriginA)
    b = ThreadingHTTPServer(("127.0.0.1", 0), OriginB)
    a.daemon_threads = b.daemon_threads = True
    PORTS["a"], PORTS["b"] = a.server_address[1], b.server_address[1]
    threading.Thread(target=b.serve_forever, daemon=True).start()
    tmp = os.path.join(DIR, "ports.tmp")
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (PORTS["a"], PORTS["b"]))
    os.rename(tmp, os.path.join(DIR, "ports"))
    a.serve_forever()


if __name__ == "__main__":
    main()
