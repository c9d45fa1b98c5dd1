"""A webhook server on 127.0.0.1 that records what it receives (alert and report tests)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_PATH = "/hook/T0001/B0002/sEcReTtOkEn"


class Recorder:
    """A webhook server: replies with the scripted statuses, then 200; 'hang' never replies."""

    def __init__(self, script=()):
        self.script = list(script)
        self.received: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
                )
                action = recorder.script.pop(0) if recorder.script else 200
                if action == "hang":
                    time.sleep(3)
                    return
                self.send_response(action)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}{SECRET_PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
