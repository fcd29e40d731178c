"""The base of the tests' local HTTP servers, which answer like the outside services the code
calls (a calendar host, the address service, ProConnect, the Sirene search): never the real
internet.

A `ThreadedServer` listens on a port of 127.0.0.1 that the system chose (tests/parallel.py),
serves each request in its own daemon thread from `start()` (or `with server:`) until `stop()`,
and hands each request to its `get` or `post`, which a subclass overrides. The servers the
tests run as processes (Chromium, the S3 server, gunicorn) end through `end_process`.
"""

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class Request(BaseHTTPRequestHandler):
    """One request, handed to the server's `get` or `post`; nothing is logged."""

    server: "_Listener"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.server.owner.get(self)

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        self.server.owner.post(self)

    def reply(self, status: int, body: bytes, content_type: str) -> None:
        """A whole response. A client that gave up (a timeout test) only ends this request."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


class _Listener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: "ThreadedServer") -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), Request)


class ThreadedServer:
    scheme = "http"

    def __init__(self) -> None:
        self.server = _Listener(self)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def get(self, request: Request) -> None:
        request.send_error(501, "Unsupported method ('GET')")

    def post(self, request: Request) -> None:
        request.send_error(501, "Unsupported method ('POST')")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def end_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ask a server process to stop (SIGTERM); kill it if it has not within `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
