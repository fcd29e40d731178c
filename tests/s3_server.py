"""A real S3 server for the tests: moto's (`moto_server`, a dev dependency), in a subprocess
bound to 127.0.0.1, one per xdist worker, started by the first test that asks for it.

`s3_server` (session) is the server; `s3` (a test's) is an empty bucket of its own, readable by
anyone as deploy.md asks (a bucket policy granting `s3:GetObject`), with `STORAGES["default"]`
and the CSP's `img-src` set as `moisinno/settings.py` sets them from S3_BUCKET, S3_ENDPOINT_URL…
(`moisinno.storage.media_settings`; the URLconf's /media/ route, read at import, stays).
`s3.keys()` lists the bucket with boto3; `fetch(url)` reads a public URL over HTTP as a browser
would, without credentials.
"""

import functools
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from moisinno.storage import media_settings
from tests.parallel import listening_socket
from tests.servers import end_process

REGION = "us-east-1"
#: moto accepts any key pair; these only have to be the same on both sides.
ACCESS_KEY = "moisinno-test"
SECRET_KEY = "moisinno-test-secret"  # noqa: S105 - a local fake server's
START_TIMEOUT = 30
_buckets = itertools.count(1)


@dataclass
class Response:
    status: int
    #: By lower-case name.
    headers: dict[str, str]
    body: bytes


def _headers(message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def fetch(url: str) -> Response:
    """GET `url` anonymously (a visitor's browser): the status, headers and body, 4xx too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test URLs
            return Response(response.status, _headers(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, _headers(error.headers), error.read())


class S3Server:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
        command = [executable] if executable else [sys.executable, "-m", "moto.server"]
        # A socket we bound, handed over as werkzeug's reloader hands its own to the serving
        # process (WERKZEUG_RUN_MAIN, WERKZEUG_SERVER_FD): no other process (another worker's
        # or another checkout's S3 server) can take the port between choosing and serving it.
        sock = listening_socket()
        port = sock.getsockname()[1]
        env = {
            **os.environ,
            "WERKZEUG_RUN_MAIN": "true",
            "WERKZEUG_SERVER_FD": str(sock.fileno()),
            "MOTO_PORT": str(port),
        }
        with sock, self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter's moto
                [*command, "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                pass_fds=[sock.fileno()],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{port}"
        if not self._wait():
            self.stop()
            log = self.log_path.read_text(errors="replace")[-2000:]
            pytest.fail(f"moto_server did not answer on {self.url}:\n{log}")

    def _wait(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.client().list_buckets()
            except Exception:  # noqa: BLE001 - not answering yet
                time.sleep(0.1)
            else:
                return True
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            end_process(self.process)
        self.process = None

    @functools.cached_property
    def _client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
        )

    def client(self):
        return self._client

    def public_bucket(self) -> str:
        """A new empty bucket whose objects anyone may read (deploy.md's bucket policy)."""
        name = f"moisinno-{next(_buckets)}"
        client = self.client()
        client.create_bucket(Bucket=name)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        return name

    def environ(self, bucket: str, **extra: str) -> dict[str, str]:
        """The variables an operator would set for this server and bucket."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            **extra,
        }


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto_server.log")
    server.start()
    yield server
    server.stop()


@dataclass
class Bucket:
    server: S3Server
    name: str
    origin: str

    def keys(self, prefix: str = "") -> set[str]:
        pages = self.server.client().get_paginator("list_objects_v2")
        return {
            item["Key"]
            for page in pages.paginate(Bucket=self.name, Prefix=prefix)
            for item in page.get("Contents", [])
        }

    def head(self, key: str) -> dict:
        return self.server.client().head_object(Bucket=self.name, Key=key)

    def body(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def url(self, key: str) -> str:
        """Where a browser reads `key` (path style on the endpoint)."""
        return f"{self.server.url}/{self.name}/{key}"


@pytest.fixture
def s3(s3_server, settings):
    """A fresh public bucket, and the settings an operator's S3_* variables give for it."""
    bucket = s3_server.public_bucket()
    media = media_settings(s3_server.environ(bucket))
    settings.STORAGES = {**settings.STORAGES, "default": media.storage}
    # The CSP's image sources: this site's and the tiles' as they are, the files' origin swapped.
    img_src = [s for s in settings.SECURE_CSP["img-src"] if s not in settings.MEDIA_ORIGINS]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*img_src, *media.origins]}
    settings.MEDIA_ORIGINS = media.origins
    return Bucket(server=s3_server, name=bucket, origin=media.origins[0])
