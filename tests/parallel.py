"""What lets several pytest-xdist workers run the suite at once (`make test` runs `-n auto`):
each worker has its own Redis database and its servers listen on ports the system chose.

Each worker already has its own test database (pytest-django adds `_gw0`, `_gw1`… to the
PostgreSQL name; SQLite's is in memory) and its own `tmp_path` tree. A test that uses Redis
takes the `redis_url` fixture (tests/conftest.py), never a fixed database number. A test that
starts a server binds port 0, or hands `listening_socket()` to a subprocess, never a fixed port.
"""

import os
import socket
from urllib.parse import urlsplit, urlunsplit

#: Redis for the tests; its database number is worker 0's, the next workers' follow it
#: (`gw1` gets 9, …). Not 0 to 7: `make run`, the benchmark and older checkouts use those.
REDIS_URL = os.environ.get("MOISINNO_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def worker_index() -> int:
    """0 for `gw0` or a run without xdist, 1 for `gw1`, …"""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw"))


def worker_redis_url() -> str:
    """This worker's own Redis database: MOISINNO_TEST_REDIS_URL's number plus the worker's."""
    parts = urlsplit(REDIS_URL)
    number = int(parts.path.strip("/") or 0) + worker_index()
    return urlunsplit(parts._replace(path=f"/{number}"))


def listening_socket() -> socket.socket:
    """A TCP socket listening on a port of 127.0.0.1 that the system chose, to hand to a
    server subprocess (gunicorn's `--bind fd://N` with `pass_fds`): no other process can take
    the port between choosing it and the server's start."""
    sock = socket.create_server(("127.0.0.1", 0), backlog=64)
    sock.set_inheritable(True)
    return sock


def free_port() -> int:
    """A port nothing listens on right now, for a server that can only be given a number (the
    Nu HTML checker). Another process may take it before the server binds it: a caller retries
    with a new port when its server fails to start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
