#!/usr/bin/env python3
"""A small HTTP server for the rocks-dist mirror tests.

Serves DIR on 127.0.0.1 (a free port, written to PORTFILE once listening)
with byte ranges, logging "PATH RANGE" per GET to LOGFILE. Faults to test
recovery:
  --cut=PATH          the first full GET of PATH sends half the body, then
                      drops the connection
  --corrupt=PATH:N    the first N GETs of PATH get a body of 'x' bytes of
                      the right length
"""
import argparse
import http.server
import os
import socketserver
import sys
import threading

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("portfile")
ap.add_argument("logfile")
ap.add_argument("--cut", action="append", default=[])
ap.add_argument("--corrupt", action="append", default=[])
args = ap.parse_args()

lock = threading.Lock()
cut = set(args.cut)
corrupt = {}
for c in args.corrupt:
    path, n = c.rsplit(":", 1)
    corrupt[path] = int(n)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        rng = self.headers.get("Range", "-")
        with lock, open(args.logfile, "a") as log:
            log.write("%s %s\n" % (path, rng))
        local = os.path.join(args.dir, path.lstrip("/"))
        if ".." in path.split("/") or not os.path.isfile(local):
            self.send_error(404)
            return
        with open(local, "rb") as f:
            body = f.read()
        with lock:
            bad = corrupt.get(path, 0) > 0
            if bad:
                corrupt[path] -= 1
            drop = path in cut and rng == "-"
            if drop:
                cut.discard(path)
        if bad:
            body = b"x" * len(body)
        start = 0
        if rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(body) - 1, len(body)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if drop:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body[start:])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
tmp = args.portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(tmp, args.portfile)
srv.serve_forever()
