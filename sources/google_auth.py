"""Google APIs' credentials: a service account's JSON key (an RS256-signed JWT exchanged for an access token), else
a refresh token or an access token (BearerAuth) — for the ga4 and search_console sources."""
from __future__ import annotations

import json
import time
from collections.abc import Callable

import requests

from roi.contracts.errors import ConfigError
from roi.sources import jws
from roi.sources.http import ApiError, BearerAuth, post_token

# A source's secrets, each a tuple of alternatives (pipeline/config.py checks that one of each is set): a service
# account's JSON key, or the OAuth refresh trio, or an access token alone.
GOOGLE_SECRETS = tuple((name, "ACCESS_TOKEN", "SERVICE_ACCOUNT_JSON")
                       for name in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN"))
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"     # RFC 7523, Google's server-to-server grant
ASSERTION_LIFETIME = 3600       # seconds; Google refuses an assertion valid for more than an hour
KEY_PAGE = "Google Cloud console > IAM & Admin > Service accounts > the account > Keys"


def google_bearer(session: requests.Session, source, secret: Callable[[str], str | None], scope: str,
                  **token_options) -> BearerAuth:
    """The Bearer auth of a Google API: SERVICE_ACCOUNT_JSON if set, else CLIENT_ID + CLIENT_SECRET +
    REFRESH_TOKEN (token_options go to their OAuthToken), else ACCESS_TOKEN. `scope`: what the service account's
    token may do (the refresh token's scope was chosen when it was made)."""
    prefix = source.secret_prefix
    key = secret("SERVICE_ACCOUNT_JSON")
    if key:
        token = ServiceAccountToken.from_json(session, source, key, scope)
        return BearerAuth(session, source, secret, token.token_url, token=token)
    if not secret("ACCESS_TOKEN") and not all(secret(k) for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")):
        raise ConfigError(f"{source.name}: needs {prefix}SERVICE_ACCOUNT_JSON (a service account's JSON key), or "
                          f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN, or "
                          f"{prefix}ACCESS_TOKEN, in the environment or .env")
    return BearerAuth(session, source, secret, source.token_url or GOOGLE_TOKEN_URL, **token_options)


class ServiceAccountToken:
    """A service account's access token: a JWT {iss: client_email, scope, aud: token_uri, iat, exp} signed with
    its private key (RS256), exchanged at token_uri (jwt-bearer grant) for an access token that lasts an hour;
    signed and exchanged again by `refresh` when the API says 401. What BearerAuth asks of a token: get, refresh,
    secrets, auth_hint."""

    def __init__(self, *, session: requests.Session, source: str, secret_name: str, client_email: str,
                 private_key_id: str, key, key_text: str, token_uri: str, token_url: str, scope: str):
        self.session, self.source, self.secret_name = session, source, secret_name
        self.client_email, self.private_key_id, self.key = client_email, private_key_id, key
        self.key_text = key_text            # the PEM as the key file holds it: scrubbed from every message
        self.token_uri = token_uri          # the key's: the JWT's audience
        self.token_url = token_url          # where it is exchanged: token_uri unless the source sets token_url
        self.scope = scope
        self.auth_hint = f"{secret_name} (the service account {client_email} must be a user of what is pulled)"
        self._access: str | None = None
        self._assertions: list[str] = []

    @classmethod
    def from_json(cls, session: requests.Session, source, text: str, scope: str) -> "ServiceAccountToken":
        """The key file's JSON, as Google wrote it (the PEM's line breaks as \\n inside its string)."""
        name = f"{source.secret_prefix}SERVICE_ACCOUNT_JSON"
        fix = f"paste the whole JSON key file on one line ({KEY_PAGE} > Add key > JSON)"
        try:
            info = json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"{source.name}: {name} is not JSON ({exc.msg}, character {exc.pos}) — {fix}") \
                from None
        kind = info.get("type") if isinstance(info, dict) else None
        if kind != "service_account":
            what = f"a credential of type {kind!r}" if kind else "not a key file"
            raise ConfigError(f"{source.name}: {name} is {what}, not a service account's key — {fix} (an OAuth "
                              "client's values go into CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN instead)")
        missing = [k for k in ("client_email", "private_key") if not isinstance(info.get(k), str) or not info[k]]
        if missing:
            raise ConfigError(f"{source.name}: {name} has no {missing[0]} — {fix}")
        token_uri = str(info.get("token_uri") or GOOGLE_TOKEN_URL)
        return cls(session=session, source=source.name, secret_name=name, client_email=info["client_email"],
                   private_key_id=str(info.get("private_key_id") or ""),
                   key=_rsa_key(info["private_key"], name, source.name), key_text=info["private_key"],
                   token_uri=token_uri,
                   token_url=source.token_url or token_uri, scope=scope)

    def get(self) -> str:
        if self._access is None:
            self.refresh()
        return self._access

    def refresh(self) -> str:
        data = {"grant_type": JWT_BEARER, "assertion": self.assertion()}
        resp, body = post_token(self.session, self.token_url, data, self.source)
        if resp.status_code != 200 or not isinstance(body.get("access_token"), str):
            error = str(body.get("error") or f"HTTP {resp.status_code}")[:40]
            said = " ".join(str(body.get("error_description") or "").split())[:160]
            key = f"key {self.private_key_id}" if self.private_key_id else "the key"
            raise ApiError(self._scrub(
                f"{self.source}: Google refused the service account {self.client_email} ({error}"
                f"{': ' + said if said else ''}) — check that {key} of {self.secret_name} is still listed under "
                f"{KEY_PAGE} (a deleted or disabled key, or account, is refused: make a new JSON key) and that "
                "this computer's clock is right"))
        self._access = body["access_token"]
        return self._access

    def assertion(self) -> str:
        """The signed JWT, valid for an hour from now."""
        issued = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": self.private_key_id}
        claims = {"iss": self.client_email, "scope": self.scope, "aud": self.token_uri, "iat": issued,
                  "exp": issued + ASSERTION_LIFETIME}
        self._assertions.append(sign_rs256(header, claims, self.key))
        return self._assertions[-1]

    def secrets(self) -> list[str]:
        return [s for s in (self.key_text, self._access, *self._assertions) if s]

    def _scrub(self, message: str) -> str:
        for secret in self.secrets():
            message = message.replace(secret, "***")
        return message.splitlines()[0] if message else message


def sign_rs256(header: dict, claims: dict, key) -> str:
    """A compact JWS: base64url(header).base64url(claims).base64url(RSASSA-PKCS1-v1_5 over SHA-256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return jws.compact(header, claims, lambda signing_input: key.sign(signing_input, padding.PKCS1v15(),
                                                                       hashes.SHA256()))


def _rsa_key(pem: str, name: str, source: str):
    """The RSA private key of the key file's private_key (PKCS #8 PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(pem.replace("\\n", "\n").strip().encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ConfigError(f"{source}: the private_key of {name} is not a readable PEM private key — paste the key "
                          f"file as Google wrote it, or make a new JSON key ({KEY_PAGE})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{source}: the private_key of {name} is not an RSA key — make a new JSON key ({KEY_PAGE})")
    return key

