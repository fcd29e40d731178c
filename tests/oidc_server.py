"""A local OpenID provider answering like ProConnect, run in a thread by the tests (never the
real ProConnect): discovery, `jwks`, `token` and a `userinfo` answered as a signed JWT
(`application/jwt`), with RSA keys made for the run.

`proconnect_server` (a pytest fixture) starts it and points the three PROCONNECT_* settings at
it. A test hands out a code with `server.issue(nonce=…, claims=…)`, as ProConnect does once the
agent consented; knobs make it misbehave: `nonce_override`, `userinfo_tamper`, `unknown_kid`,
`userinfo_as_json`, `rotate()` (a new key, the old one gone from `jwks`), `token_error`.
"""

import json
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import Request, ThreadedServer

CLIENT_ID = "moisinno-test-client"
CLIENT_SECRET = "a-test-secret-of-the-local-provider"  # noqa: S105 - a test provider's


def agent_claims(**overrides) -> dict:
    claims = {
        "sub": "a1b2c3-agent-sub",
        "email": "camille.martin@interieur.gouv.fr",
        "given_name": "Camille",
        "usual_name": "Martin",
        "uid": "cmartin",
        "siret": "11004601800013",
        "idp_id": "fia1v2",
        "idp_acr": "eidas1",
    }
    claims.update(overrides)
    return claims


class Key:
    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)

    def jwk(self) -> dict:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**data, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict, *, kid: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": kid or self.kid})


class FakeProConnect(ThreadedServer):
    def __init__(self) -> None:
        super().__init__()
        self.keys = [Key()]
        self.codes: dict[str, dict] = {}
        self.requests: list[str] = []
        self.nonce_override: str | None = None
        self.userinfo_tamper = False
        self.unknown_kid = False
        self.userinfo_as_json = False
        self.token_error: tuple[int, str] | None = None
        self.amr: list[str] | None = None

    @property
    def base(self) -> str:
        return f"{self.origin}/api/v2"

    @property
    def issuer(self) -> str:
        return self.base

    def configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "end_session_endpoint": f"{self.base}/session/end",
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
        }

    def rotate(self) -> None:
        """A new signing key; the previous one leaves `jwks`."""
        self.keys = [Key()]

    def issue(self, *, nonce: str, claims: dict | None = None) -> str:
        """A code, as ProConnect redirects with once the agent consented."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"nonce": nonce, "claims": claims or agent_claims()}
        return code

    def _token(self, form: dict) -> tuple[int, dict]:
        if self.token_error:
            status, error = self.token_error
            return status, {"error": error}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code serves once
        if grant is None:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        id_claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": grant["claims"]["sub"],
            "iat": now,
            "exp": now + 60,
            "nonce": grant["nonce"] if self.nonce_override is None else self.nonce_override,
            "acr": "eidas1",
            "amr": self.amr if self.amr is not None else ["pwd"],
        }
        key = self.keys[0]
        access_token = secrets.token_urlsafe(24)
        self.codes[f"access:{access_token}"] = grant
        id_token = key.sign(id_claims, kid="not-a-known-kid" if self.unknown_kid else None)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": id_token,
        }

    def _userinfo(self, authorization: str) -> tuple[int, bytes, str]:
        grant = self.codes.pop(f"access:{authorization.removeprefix('Bearer ')}", None)
        if grant is None:
            return 401, b'{"error":"invalid_token"}', "application/json"
        claims = {**grant["claims"], "iss": self.issuer, "aud": CLIENT_ID}
        if self.userinfo_as_json:
            return 200, json.dumps(claims).encode(), "application/json"
        token = self.keys[0].sign(claims)
        if self.userinfo_tamper:  # another SIRET in the payload, the signature left as it was
            header, payload, signature = token.split(".")
            forged = jwt.utils.base64url_encode(
                json.dumps({**claims, "siret": "21350238800019"}).encode()
            ).decode()
            token = f"{header}.{forged}.{signature}"
        return 200, token.encode(), "application/jwt; charset=utf-8"

    @staticmethod
    def _json(request: Request, status: int, data: dict) -> None:
        request.reply(status, json.dumps(data).encode(), "application/json; charset=utf-8")

    def get(self, request: Request) -> None:
        path = urlsplit(request.path).path
        self.requests.append(f"GET {path}")
        if path == "/api/v2/.well-known/openid-configuration":
            self._json(request, 200, self.configuration())
        elif path == "/api/v2/jwks":
            self._json(request, 200, {"keys": [key.jwk() for key in self.keys]})
        elif path == "/api/v2/userinfo":
            request.reply(*self._userinfo(request.headers.get("Authorization", "")))
        else:
            self._json(request, 404, {"error": "not_found"})

    def post(self, request: Request) -> None:
        path = urlsplit(request.path).path
        self.requests.append(f"POST {path}")
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        if path == "/api/v2/token":
            self._json(request, *self._token(form))
        else:
            self._json(request, 404, {"error": "not_found"})


@pytest.fixture
def proconnect_server(settings):
    with FakeProConnect() as server:
        settings.PROCONNECT_SERVER_URL = server.base
        settings.PROCONNECT_CLIENT_ID = CLIENT_ID
        settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
        yield server
