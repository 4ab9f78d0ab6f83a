#!/usr/bin/env python3
"""A webhook receiver for the end-to-end tests: records every POST body (one
JSON document per line) to OUT, answers 503 to the first FAIL posts, then CODE
(default 200). Prints its port on the first line of stdout.
Usage: receiver.py OUT FAIL [CODE]"""
import http.server
import sys

out_path, fail_first = sys.argv[1], int(sys.argv[2])
then = int(sys.argv[3]) if len(sys.argv) > 3 else 200
seen = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        seen += 1
        code = 503 if seen <= fail_first else then
        with open(out_path, "ab") as f:
            f.write(b'{"code": %d, "auth": "%s", "body": ' % (code, (self.headers.get("Authorization") or "").encode()))
            f.write(body.replace(b"\n", b" ") + b"}\n")
        self.send_response(code)
        if 300 <= code < 400:
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
