"""A local HTTP server answering like the outside services our imports read (a calendar host,
OpenAgenda), run in a thread by the tests: never the real internet."""

import ssl
import time
from collections.abc import Callable

from tests.servers import Request, ThreadedServer

#: path → route(request): each test adds the routes it needs.
Route = Callable[[Request], None]


class LocalServer(ThreadedServer):
    """`tls`: a server-side SSL context, to answer over https (the tests' own certificates)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        if tls:
            self.scheme = "https"
            # The handshake happens in each request's thread, a refused one ends only that.
            self.server.socket = tls.wrap_socket(
                self.server.socket, server_side=True, do_handshake_on_connect=False
            )

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def get(self, request: Request) -> None:
        self.requests.append(request.path)
        route = self.routes.get(request.path.split("?", 1)[0])
        if route is None:
            request.send_error(404)
            return
        route(request)

    def serve(self, path: str, body: bytes, content_type: str = "text/calendar") -> None:
        def route(request: Request) -> None:
            request.reply(200, body, content_type)

        self.routes[path] = route

    def redirect(self, path: str, location: str) -> None:
        def route(request: Request) -> None:
            request.send_response(302)
            request.send_header("Location", location)
            request.send_header("Content-Length", "0")
            request.end_headers()

        self.routes[path] = route

    def stream(self, path: str, *, total: int, chunk: int = 64 * 1024, pause: float = 0) -> None:
        """`total` bytes without Content-Length, `pause` seconds between chunks."""

        def route(request: Request) -> None:
            request.send_response(200)
            request.send_header("Content-Type", "text/calendar")
            request.send_header("Connection", "close")
            request.end_headers()
            sent = 0
            try:
                request.wfile.write(b"BEGIN:VCALENDAR\r\n")
                while sent < total:
                    request.wfile.write(b"X" * chunk)
                    request.wfile.flush()
                    sent += chunk
                    if pause:
                        time.sleep(pause)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        self.routes[path] = route
