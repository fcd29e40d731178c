"""Fetching an organiser's URL (moisinno/fetching.py) cannot reach our own network (SSRF): every
resolved address is checked, redirects too, and the body is read within a size and a time limit.
A local HTTP server plays the remote host; loopback is refused by design, so the tests that
fetch from it allow 127.0.0.1 through the setting meant for them."""

import socket
import threading
import time
from pathlib import Path

import pytest

from moisinno.fetching import FetchError, fetch
from tests.certificates import Authority
from tests.http_server import LocalServer

GOOGLE = (Path(__file__).parents[1] / "events/data/imports/google_calendar.ics").read_bytes()
PRIVATE = "réseau privé ou réservé"


@pytest.fixture
def server():
    with LocalServer() as local:
        local.serve("/agenda.ics", GOOGLE)
        yield local


@pytest.fixture
def allow_local(settings):
    settings.IMPORT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]


def test_the_local_server_is_refused_by_default_and_never_contacted(server, settings):
    assert settings.IMPORT_ALLOWED_PRIVATE_HOSTS == []

    with pytest.raises(FetchError, match=PRIVATE):
        fetch(server.url("/agenda.ics"))

    assert server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/agenda.ics",
        "http://127.8.9.10:8000/",
        "http://10.1.2.3/agenda.ics",
        "http://172.16.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/agenda.ics",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
        "http://localhost/agenda.ics",  # a name resolving to loopback
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(FetchError, match=PRIVATE):
        fetch(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "http:// ou https://"),
        ("ftp://example.org/agenda.ics", "http:// ou https://"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "http:// ou https://"),
        ("http://user:secret@example.org/", "identifiant et mot de passe"),
    ],
)
def test_only_plain_http_and_https_urls_are_fetched(url, message):
    with pytest.raises(FetchError, match=message):
        fetch(url)


def test_the_local_server_is_fetched_when_the_setting_allows_it(server, allow_local):
    fetched = fetch(server.url("/agenda.ics"))

    assert fetched.body == GOOGLE
    assert fetched.content_type == "text/calendar"
    assert server.requests == ["/agenda.ics"]


def test_a_redirect_to_a_private_address_is_refused(server, allow_local):
    server.redirect("/moved", "http://169.254.169.254/latest/meta-data/iam/")

    with pytest.raises(FetchError, match=PRIVATE):
        fetch(server.url("/moved"))


def test_a_redirect_to_another_private_network_is_refused(server, allow_local):
    server.redirect("/moved", "http://10.0.0.1/agenda.ics")

    with pytest.raises(FetchError, match=PRIVATE):
        fetch(server.url("/moved"))


def test_a_redirect_to_an_allowed_address_is_followed(server, allow_local):
    server.redirect("/moved", "/agenda.ics")

    fetched = fetch(server.url("/moved"))

    assert fetched.body == GOOGLE
    assert fetched.url == server.url("/agenda.ics")


def test_endless_redirects_stop(server, allow_local):
    server.redirect("/loop", "/loop")

    with pytest.raises(FetchError, match="Trop de redirections"):
        fetch(server.url("/loop"))


def test_a_body_larger_than_the_limit_is_refused_while_streaming(server, allow_local, settings):
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    server.stream("/huge.ics", total=3 * 1024 * 1024)

    with pytest.raises(FetchError, match="dépasse 2 Mo"):
        fetch(server.url("/huge.ics"))


def test_a_declared_length_over_the_limit_is_refused_before_reading(server, allow_local, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    server.serve("/declared.ics", b"B" * (1024 * 1024 + 1))

    with pytest.raises(FetchError, match="dépasse 1 Mo"):
        fetch(server.url("/declared.ics"))


def test_a_server_dripping_its_body_is_cut_at_the_time_limit(server, allow_local, settings):
    settings.IMPORT_FETCH_TIMEOUT = 1
    server.stream("/slow.ics", total=100, chunk=1, pause=0.2)  # 20 s in all
    started = time.monotonic()

    with pytest.raises(FetchError, match="en 1\u00a0seconde\u00a0:"):
        fetch(server.url("/slow.ics"))

    assert time.monotonic() - started < 3


def test_an_error_status_is_reported(server, allow_local):
    with pytest.raises(FetchError, match="code 404"):
        fetch(server.url("/missing.ics"))


def test_a_name_that_does_not_resolve_is_reported():
    with pytest.raises(FetchError, match="introuvable"):
        fetch("https://agenda.invalid/calendrier.ics")


def test_a_name_that_takes_too_long_to_resolve_is_given_up_at_the_time_limit(settings, monkeypatch):
    """The system resolver has no time limit of ours: a name server that never answers
    must not hold the organiser's request beyond IMPORT_FETCH_TIMEOUT."""
    settings.IMPORT_FETCH_TIMEOUT = 0.5
    answered = threading.Event()

    def resolver_that_does_not_answer(host, *args, **kwargs):
        answered.wait(10)
        raise socket.gaierror("no answer")  # had fetch waited, the message would be another

    monkeypatch.setattr(socket, "getaddrinfo", resolver_that_does_not_answer)
    try:
        with pytest.raises(FetchError, match="en 0,5\u00a0seconde\u00a0:"):
            fetch("https://agenda-lent.exemple.fr/calendrier.ics")
    finally:
        answered.set()


@pytest.fixture
def authority(tmp_path, monkeypatch):
    """The tests' certification authority, trusted by the fetching code as a system bundle."""
    trusted = Authority(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted.pem))
    return trusted


def test_an_https_document_is_fetched_over_a_verified_connection(authority, allow_local):
    with LocalServer(tls=authority.server_context(ip="127.0.0.1")) as local:
        local.serve("/agenda.ics", GOOGLE)

        fetched = fetch(local.url("/agenda.ics"))

    assert fetched.url.startswith("https://127.0.0.1:")
    assert fetched.body == GOOGLE
    assert local.requests == ["/agenda.ics"]


def test_a_certificate_from_an_unknown_authority_is_refused(tmp_path, authority, allow_local):
    stranger = Authority(tmp_path, name="Autorité inconnue")
    with LocalServer(tls=stranger.server_context(ip="127.0.0.1")) as local:
        local.serve("/agenda.ics", GOOGLE)

        with pytest.raises(FetchError, match="certificat n’est pas valide"):
            fetch(local.url("/agenda.ics"))

    assert local.requests == []


def test_a_certificate_for_another_host_is_refused(authority, allow_local):
    """The connection goes to the checked address; the certificate must still name the
    URL's host."""
    with LocalServer(tls=authority.server_context(dns="agenda.exemple.fr")) as local:
        local.serve("/agenda.ics", GOOGLE)

        with pytest.raises(FetchError, match="certificat n’est pas valide"):
            fetch(local.url("/agenda.ics"))

    assert local.requests == []
