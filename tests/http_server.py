"""A local HTTP server answering like the outside services our imports read (a calendar host,
OpenAgenda), run in a thread by the tests: never the real internet."""

import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: path → handler(request_handler): each test adds the routes it needs.
Route = Callable[[BaseHTTPRequestHandler], None]


class LocalServer:
    """`tls`: a server-side SSL context, to answer over https (the tests' own certificates)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "https" if tls else "http"
        if tls:
            # The handshake happens in each request's thread, a refused one ends only that.
            self.httpd.socket = tls.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "text/calendar") -> None:
        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = route

    def redirect(self, path: str, location: str) -> None:
        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = route

    def stream(self, path: str, *, total: int, chunk: int = 64 * 1024, pause: float = 0) -> None:
        """`total` bytes without Content-Length, `pause` seconds between chunks."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/calendar")
            handler.send_header("Connection", "close")
            handler.end_headers()
            sent = 0
            try:
                handler.wfile.write(b"BEGIN:VCALENDAR\r\n")
                while sent < total:
                    handler.wfile.write(b"X" * chunk)
                    handler.wfile.flush()
                    sent += chunk
                    if pause:
                        time.sleep(pause)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        self.routes[path] = route

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
