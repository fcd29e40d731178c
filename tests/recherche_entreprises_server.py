"""A local server answering like the « API Recherche d'entreprises » (`GET /search?q=`), run in a
thread by the tests: never the real service. `sirene.add(siret, …)` registers an establishment;
`sirene.delay` (seconds) and `sirene.status` make it slow or failing. `sirene_server` (a fixture)
points RECHERCHE_ENTREPRISES_URL at it."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.servers import Request, ThreadedServer


class FakeRechercheEntreprises(ThreadedServer):
    def __init__(self) -> None:
        super().__init__()
        self.units: dict[str, dict] = {}
        self.queries: list[str] = []
        self.delay = 0.0
        self.status = 200

    @property
    def url(self) -> str:
        return self.origin

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

    def get(self, request: Request) -> None:
        parts = urlsplit(request.path)
        query = parse_qs(parts.query).get("q", [""])[0]
        self.queries.append(query)
        if self.delay:
            time.sleep(self.delay)
        if parts.path != "/search":
            status, data = 404, {"erreur": "Not found"}
        elif self.status != 200:
            status, data = self.status, {"erreur": "Service indisponible"}
        else:
            results = [self.units[query]] if query in self.units else []
            status = 200
            data = {
                "results": results,
                "total_results": len(results),
                "page": 1,
                "per_page": 1,
                "total_pages": 1,
            }
        request.reply(status, json.dumps(data).encode(), "application/json")


@pytest.fixture
def sirene_server(settings):
    with FakeRechercheEntreprises() as server:
        settings.RECHERCHE_ENTREPRISES_URL = server.url
        settings.RECHERCHE_ENTREPRISES_TIMEOUT = 1
        yield server
