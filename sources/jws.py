"""Compact JSON Web Signatures (RFC 7515) as the token APIs want them: base64url of the JSON header and claims,
signed by the caller's key (RS256 for Google service accounts, ES256 for Apple Search Ads)."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable


def b64(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact(header: dict, claims: dict, sign: Callable[[bytes], bytes]) -> str:
    """header.claims.signature, `sign` given the signing input and returning the raw signature bytes."""
    signing_input = ".".join(b64(json.dumps(part, separators=(",", ":")).encode("utf-8"))
                             for part in (header, claims)).encode("ascii")
    return f"{signing_input.decode('ascii')}.{b64(sign(signing_input))}"
