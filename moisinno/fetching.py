"""Fetch a document an organiser pointed us to, without letting the URL reach our own network.

Server-side request forgery: an organiser's URL must not make the server read its cloud
metadata (169.254.169.254), its database or anything on a private network. So the host is
resolved once, EVERY resolved address is checked (public unicast only), and the connection
goes to the checked address (never resolved again: no DNS rebinding); redirects are followed
by hand, each new location checked the same way. Only http and https; the body is read in
chunks up to a size limit; the name's resolution, the connection and the reading share one
overall time limit. https certificates are verified for the URL's host name.

`settings.IMPORT_ALLOWED_PRIVATE_HOSTS` (addresses or networks, empty by default) lets the
tests reach their local HTTP server; production never sets it.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
USER_AGENT = "Moisinno (import d'evenements; +https://moisdelinnovation.fr)"


class FetchError(Exception):
    """The document could not be fetched: the message says why, in French, to the organiser."""


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    content_type: str
    body: bytes


def _allowed_private() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in getattr(settings, "IMPORT_ALLOWED_PRIVATE_HOSTS", [])
    ]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class _LookupTimeout(Exception):
    pass


def _resolve(host: str, port: int, timeout: float | None) -> list:
    """`getaddrinfo`, given up after `timeout` seconds: the system resolver has no time limit
    of ours, so it runs in a thread of its own, left to finish alone if it is too slow."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as error:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(max(timeout, 0))
    if thread.is_alive():
        raise _LookupTimeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def checked_addresses(host: str, port: int, *, timeout: float | None = None) -> list[str]:
    """The host's addresses, each one public (or allowed by the setting); FetchError if any
    is not: a name that also resolves to a private address is refused as a whole.
    `_LookupTimeout` when the name is not resolved within `timeout` seconds."""
    try:
        infos = _resolve(host, port, timeout)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"Le nom « {host} » est introuvable : vérifiez l’adresse.") from None
    addresses = []
    allowed = _allowed_private()
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not _is_public(address) and not any(address in network for network in allowed):
            raise FetchError(
                "Cette adresse mène à un réseau privé ou réservé : seule une adresse publique "
                "sur Internet peut être importée."
            )
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        raise FetchError(f"Le nom « {host} » est introuvable : vérifiez l’adresse.")
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, the certificate verified for the URL's host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError("Seules les adresses en http:// ou https:// peuvent être importées.")
    if not parts.hostname:
        raise FetchError("Cette adresse n’est pas complète : indiquez-la avec https://.")
    if parts.username or parts.password:
        raise FetchError("Une adresse avec identifiant et mot de passe ne peut pas être importée.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("Le port de cette adresse n’est pas valide.") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path


def fetch(url: str, *, accept: str = "*/*") -> Fetched:
    """GET `url` (http or https, public addresses only), at most IMPORT_MAX_BYTES read within
    IMPORT_FETCH_TIMEOUT seconds; FetchError with a French message otherwise."""
    max_bytes = settings.IMPORT_MAX_BYTES
    timeout = settings.IMPORT_FETCH_TIMEOUT
    deadline = time.monotonic() + timeout
    too_slow = FetchError(
        f"Le serveur n’a pas envoyé le document en {_seconds(timeout)}\u00a0: réessayez plus tard, "
        "ou téléchargez le fichier et importez-le."
    )
    for _redirect in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = _split(url)
        try:
            address = checked_addresses(host, port, timeout=deadline - time.monotonic())[0]
        except _LookupTimeout:
            raise too_slow from None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise too_slow
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(address, host, port, remaining)
        response = None
        try:
            connection.request(
                "GET",
                path,
                headers={"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"},
            )
            sock = connection.sock  # kept: a response that closes the connection unsets it
            response = connection.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                location = response.getheader("Location")
                if not location:
                    raise FetchError("Le serveur a renvoyé vers une adresse vide.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(
                    f"Le serveur a répondu par une erreur (code {response.status}) : vérifiez "
                    "l’adresse, ou téléchargez le fichier et importez-le."
                )
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(max_bytes)
            chunks, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise too_slow
                with contextlib.suppress(OSError):  # already closed: the body is all read
                    sock.settimeout(remaining)
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes)
                chunks.append(chunk)
            return Fetched(
                url=url,
                content_type=(response.getheader("Content-Type") or "").split(";")[0].strip(),
                body=b"".join(chunks),
            )
        except TimeoutError:
            raise too_slow from None
        except ssl.SSLError:
            raise FetchError(
                "La connexion sécurisée (https) à ce serveur a échoué : son certificat n’est "
                "pas valide."
            ) from None
        except (OSError, http.client.HTTPException):
            raise FetchError(
                "Le serveur n’a pas pu être joint : vérifiez l’adresse, ou téléchargez le "
                "fichier et importez-le."
            ) from None
        finally:
            if response is not None:
                response.close()
            connection.close()
    raise FetchError("Trop de redirections : indiquez l’adresse finale du document.")


def _seconds(value: float) -> str:
    """« 1 seconde », « 1,5 seconde », « 10 secondes »: French numbers and agreement."""
    number = f"{value:g}".replace(".", ",")
    return f"{number}\u00a0seconde{'s' if value >= 2 else ''}"


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(
        f"Le document dépasse {max_bytes // (1024 * 1024)} Mo : l’import accepte des fichiers "
        "plus petits (un calendrier d’événements pèse rarement plus de quelques centaines de "
        "Ko)."
    )
