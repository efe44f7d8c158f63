"""A webhook receiver for the regops serve tests, independent of regops' code.

Every POST is verified with the `standardwebhooks` package (the reference implementation of
the Standard Webhooks signature) and recorded. `--fail-for SECONDS` answers 500 to everything
for that long after the start, then 200. `GET /received` answers the recordings as JSON.
Prints `LISTENING http://127.0.0.1:PORT` once ready.
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

parser = argparse.ArgumentParser()
parser.add_argument("--secret", required=True)
parser.add_argument("--fail-for", type=float, default=0.0)
args = parser.parse_args()

verifier = Webhook(args.secret)
started = time.monotonic()
lock = threading.Lock()
received = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != "/received":
            return self.answer(404)
        with lock:
            body = json.dumps(received).encode()
        self.answer(200, body)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        payload = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        failing = time.monotonic() - started < args.fail_for
        try:
            verifier.verify(payload, headers)
            verified = True
        except Exception as e:  # any refusal of the reference verifier
            verified = False
            error = str(e)
        event = json.loads(payload) if verified else None
        with lock:
            received.append(
                {
                    "webhook_id": headers.get("webhook-id"),
                    "verified": verified,
                    "answered": 500 if failing else (200 if verified else 400),
                    "event": event,
                    "error": None if verified else error,
                }
            )
        if not verified:
            return self.answer(400)
        self.answer(500 if failing else 200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"LISTENING http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
