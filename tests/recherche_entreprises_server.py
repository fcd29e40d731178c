"""A local server answering like the « API Recherche d'entreprises » (`GET /search?q=`), run in a
thread by the tests: never the real service. `sirene.add(siret, …)` registers an establishment;
`sirene.delay` (seconds) and `sirene.status` make it slow or failing. `sirene_server` (a fixture)
points RECHERCHE_ENTREPRISES_URL at it."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


class FakeRechercheEntreprises:
    def __init__(self) -> None:
        self.units: dict[str, dict] = {}
        self.queries: list[str] = []
        self.delay = 0.0
        self.status = 200
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, siret: str, *, name: str, category: str, address: str, postcode: str) -> None:
        etablissement = {
            "siret": siret,
            "adresse": address,
            "code_postal": postcode,
            "libelle_commune": address.rsplit(" ", 1)[-1],
            "est_siege": True,
        }
        self.units[siret] = {
            "siren": siret[:9],
            "nom_complet": name,
            "nom_raison_sociale": name,
            "nature_juridique": category,
            "siege": etablissement,
            "matching_etablissements": [etablissement],
            "complements": {"est_service_public": category.startswith("7")},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query).get("q", [""])[0]
                fake.queries.append(query)
                if fake.delay:
                    time.sleep(fake.delay)
                if parts.path != "/search":
                    status, data = 404, {"erreur": "Not found"}
                elif fake.status != 200:
                    status, data = fake.status, {"erreur": "Service indisponible"}
                else:
                    results = [fake.units[query]] if query in fake.units else []
                    status = 200
                    data = {
                        "results": results,
                        "total_results": len(results),
                        "page": 1,
                        "per_page": 1,
                        "total_pages": 1,
                    }
                body = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def __enter__(self) -> "FakeRechercheEntreprises":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sirene_server(settings):
    with FakeRechercheEntreprises() as server:
        settings.RECHERCHE_ENTREPRISES_URL = server.url
        settings.RECHERCHE_ENTREPRISES_TIMEOUT = 1
        yield server
