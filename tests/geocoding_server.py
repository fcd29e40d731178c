"""A local stand-in for the national address service (Géoplateforme geocoding), answering with
recorded responses (tests/data/geocoder/): the tests never call the real service.

`geocoder` (a pytest fixture) starts it in a thread and points GEOCODER_URL at it. A test says
what it answers: `geocoder.answer("housenumber")` for every request, `geocoder.script(...)` for
the next requests in turn, `geocoder.route(word, ...)` by a word of the query; each answer is a
recorded file's name, or `Reply(status=…, body=…, delay=…)`. `geocoder.requests` lists the
query parameters it received, `geocoder.user_agents` the User-Agent headers.
"""

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.servers import Request, ThreadedServer

RECORDINGS = Path(__file__).parent / "data" / "geocoder"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    content_type: str = "application/json; charset=utf-8"


def recorded(name: str) -> Reply:
    path = next(RECORDINGS.glob(f"{name}.*"))
    content_type = "application/json" if path.suffix == ".json" else "text/html"
    return Reply(body=path.read_bytes(), content_type=content_type)


class FakeGeocoder(ThreadedServer):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, str]] = []
        self.user_agents: list[str] = []
        self._script: list[Reply] = []
        self._routes: list[tuple[str, Reply]] = []
        self._default = recorded("empty")
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.origin}/geocodage/search"

    @staticmethod
    def _reply(answer: "str | Reply") -> Reply:
        return recorded(answer) if isinstance(answer, str) else answer

    def answer(self, answer: "str | Reply") -> None:
        self._default = self._reply(answer)

    def script(self, *answers: "str | Reply") -> None:
        self._script = [self._reply(answer) for answer in answers]

    def route(self, word: str, answer: "str | Reply") -> None:
        self._routes.append((word.lower(), self._reply(answer)))

    def _next(self, params: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(params)
            if self._script:
                return self._script.pop(0)
            for word, reply in self._routes:
                if word in params.get("q", "").lower() or word == params.get("type"):
                    return reply
            return self._default

    def get(self, request: Request) -> None:
        parts = urlsplit(request.path)
        params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.user_agents.append(request.headers.get("User-Agent", ""))
        reply = self._next(params)
        if reply.delay:
            time.sleep(reply.delay)
        request.reply(reply.status, reply.body, reply.content_type)


@pytest.fixture
def geocoder(settings):
    fake = FakeGeocoder()
    fake.start()
    settings.GEOCODER_URL = fake.url
    settings.GEOCODER_TIMEOUT = 0.5
    settings.GEOCODER_ATTEMPTS = 3
    settings.GEOCODER_BACKOFF = 0.01
    settings.GEOCODER_MIN_SCORE = 0.5
    yield fake
    fake.stop()
