"""A local stand-in for login.botframework.com: OpenID metadata, a JWKS, and tokens signed like
the Bot Connector's. botbuilder fetches the metadata with blocking `requests` from inside the
event loop, so this server runs in its own thread."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from botframework.connector.auth import ChannelValidation, JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
METADATA_PATH = "/.well-known/openidconfiguration"
KEYS_PATH = "/keys"


@cache
def _rsa_key(name: str) -> rsa.RSAPrivateKey:
    # One key per name per test run: generating RSA keys is the slow part.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OpenIdServer:
    """Serves the metadata and JWKS; `token(...)` signs tokens its JWKS vouches for."""

    def __init__(self) -> None:
        self.kid = f"kid-{uuid.uuid4().hex[:8]}"
        self.key = _rsa_key("connector")
        self.other_key = _rsa_key("forger")
        self.fetches = 0
        self.url = ""
        self._server: ThreadingHTTPServer | None = None

    @property
    def metadata_url(self) -> str:
        return self.url + METADATA_PATH

    def token(
        self,
        *,
        app_id: str,
        service_url: str,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        audience: str | None = None,
        expires_in: float = 3600,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A Bearer token value as the Bot Connector would send it (override a part to break
        it: a past expiry, another key, an unknown kid, another audience or issuer)."""
        now = time.time()
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": audience if audience is not None else app_id,
            "serviceurl": service_url,
            "nbf": int(now - 60),
            "iat": int(now - 60),
            "exp": int(now + expires_in),
            **(extra or {}),
        }
        return jwt.encode(
            claims,
            key or self.key,
            algorithm="RS256",
            headers={"kid": kid if kid is not None else self.kid},
        )

    def _documents(self) -> dict[str, dict[str, Any]]:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        public.update({"kid": self.kid, "use": "sig", "endorsements": ["msteams"]})
        return {
            METADATA_PATH: {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": "https://invalid.example/authorize",
                "jwks_uri": self.url + KEYS_PATH,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            },
            KEYS_PATH: {"keys": [public]},
        }

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                document = server._documents().get(self.path)
                if document is None:
                    self.send_error(404)
                    return
                server.fetches += 1
                payload = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval: shutdown() waits for it at the end of every test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def openid_server() -> Iterator[OpenIdServer]:
    """A running OpenIdServer that botbuilder's channel validation trusts, for the duration:
    points `ChannelValidation.open_id_metadata_endpoint` at it and empties botbuilder's key
    cache before and after (the cache is process-wide)."""
    server = OpenIdServer()
    server.start()
    previous = ChannelValidation.open_id_metadata_endpoint
    JwtTokenExtractor.metadataCache.clear()
    ChannelValidation.open_id_metadata_endpoint = server.metadata_url
    try:
        yield server
    finally:
        ChannelValidation.open_id_metadata_endpoint = previous
        JwtTokenExtractor.metadataCache.clear()
        server.stop()
