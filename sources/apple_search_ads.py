"""Apple Search Ads Campaign Management API v5 (daily reports per org) -> one raw row per entity and day, with names."""
from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources import jws
from roi.sources.http import ApiClient, ApiError, json_body, post_token
from roi.sources.records import date_slices, text_cell, text_frame

# An API user's credentials from Apple Ads > Account Settings > API: the client, team and key ids shown
# after uploading the public key, and the private key (PEM) the client secret is signed with.
SECRETS = ("CLIENT_ID", "TEAM_ID", "KEY_ID", "PRIVATE_KEY")
NEEDS_ACCOUNTS = True               # account_ids: the orgIds (Apple Ads "Account" ids) to pull
OPTIONS = ("level", "conversion_metric")
DEFAULT_BASE_URL = "https://api.searchads.apple.com/api/"
DEFAULT_API_VERSION = "v5"
DEFAULT_TOKEN_URL = "https://appleid.apple.com/auth/oauth2/token"
AUDIENCE = "https://appleid.apple.com"
SCOPE = "searchadsorg"
SECRET_LIFETIME = 3600              # seconds the signed client secret is valid (Apple allows up to 180 days)

LEVELS = {   # level -> (report path under reports/campaigns, the id its rows are ordered by)
    "campaign": ("", "campaignId"),
    "ad_group": ("adgroups", "adGroupId"),
    "ad": ("ads", "adId"),
}
MAX_DAYS = 90           # a DAILY report spans at most 90 days per request
PAGE_SIZE = 1000        # the largest page (selector.pagination.limit) Apple serves
# metadata keys kept on each record (Apple's name -> ours)
METADATA = {"campaignId": "campaign_id", "campaignName": "campaign_name", "adGroupId": "ad_group_id",
            "adGroupName": "ad_group_name", "adId": "ad_id", "adName": "ad_name"}


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily row of the window for every org: campaign rows, or each campaign's ad group / ad rows,
    in spans of at most 90 days, every page."""
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    version = str(source.api_version or DEFAULT_API_VERSION)
    client = _client(session, source, secret, version)
    orgs = _orgs(client, source, version)
    rows: list[dict] = []
    for org_id in (str(a).strip() for a in source.account_ids):
        org = orgs[org_id]
        headers = {"X-AP-Context": f"orgId={org_id}"}
        for start, end in date_slices(window, MAX_DAYS):
            campaigns = _report(client, f"{version}/reports/campaigns", "campaignId", start, end, headers)
            if level == "campaign":
                rows += [_record(row, day, org) for row in campaigns for day in row.get("granularity") or []]
                continue
            names = {str(m.get("campaignId")): m.get("campaignName")
                     for m in (row.get("metadata") or {} for row in campaigns)}
            for campaign_id, campaign_name in names.items():
                path = f"{version}/reports/campaigns/{campaign_id}"
                groups = _report(client, f"{path}/adgroups", "adGroupId", start, end, headers)
                if level == "ad_group":
                    found = groups
                else:
                    found = _report(client, f"{path}/ads", "adId", start, end, headers)
                group_names = {str(m.get("adGroupId")): m.get("adGroupName")
                               for m in (row.get("metadata") or {} for row in groups)}
                for row in found:
                    meta = row.get("metadata") or {}
                    extra = {"campaign_id": campaign_id, "campaign_name": campaign_name,
                             "ad_group_name": meta.get("adGroupName") or group_names.get(str(meta.get("adGroupId")))}
                    rows += [_record(row, day, org, extra) for day in row.get("granularity") or []]
    return text_frame(rows, ["org_id"])


# ---------------------------------------------------------------- requests

def _report(client: ApiClient, path: str, order_by: str, start: dt.date, end: dt.date,
            headers: dict) -> list[dict]:
    """Every row of one daily report, page by page (offset/limit until pagination.totalResults); a row
    seen on two pages (the list shifted while paging) counts once."""
    rows: dict[str, dict] = {}
    offset = 0
    while True:
        body = {
            "startTime": start.isoformat(), "endTime": end.isoformat(), "granularity": "DAILY",
            "timeZone": "ORTZ",                   # days as the org's own time zone counts them
            "returnRowTotals": False,             # row totals cannot be asked for with a granularity
            "returnGrandTotals": False, "returnRecordsWithNoMetrics": False,
            "selector": {"orderBy": [{"field": order_by, "sortOrder": "ASCENDING"}],
                         "pagination": {"offset": offset, "limit": PAGE_SIZE}},
        }
        page = client.post_json(path, json=body, headers=headers)
        batch = ((page.get("data") or {}).get("reportingDataResponse") or {}).get("row") or []
        for row in batch:
            meta = row.get("metadata") or {}
            rows.setdefault(str(meta.get(order_by, len(rows))), row)
        offset += len(batch)
        total = int((page.get("pagination") or {}).get("totalResults") or 0)
        if not batch or offset >= total:
            return list(rows.values())


def _orgs(client: ApiClient, source: SourceConfig, version: str) -> dict[str, dict]:
    """Name, currency and time zone of each org in account_ids, from the API user's access list (acls);
    an org the user may not read fails here, naming it."""
    listed = {str(org.get("orgId")): org for org in client.get_json(f"{version}/acls").get("data") or []}
    for org_id in (str(a).strip() for a in source.account_ids):
        if org_id not in listed:
            known = ", ".join(f"{k} ({v.get('orgName')})" for k, v in sorted(listed.items())) or "none"
            raise ApiError(f"{source.name}: the Apple Ads API user cannot read org {org_id} (its orgs: {known}) — "
                           "set account_ids to orgIds listed, or invite the API user to that account")
    return listed


def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
            version: str) -> ApiClient:
    prefix = source.secret_prefix
    values = {key: (secret(key) or "").strip() for key in SECRETS}
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise ConfigError(f"{source.name}: needs {prefix}{missing[0]} in the environment or .env (Apple Ads > "
                          "Account Settings > API)")
    key = _private_key(values["PRIVATE_KEY"], f"{prefix}PRIVATE_KEY", source.name)
    token = ClientCredentials(session=session, token_url=source.token_url or DEFAULT_TOKEN_URL,
                              client_id=values["CLIENT_ID"], team_id=values["TEAM_ID"], key_id=values["KEY_ID"],
                              key=key, source=source.name, prefix=prefix)
    state: dict[str, str | None] = {"access": None}

    def auth() -> dict:
        if state["access"] is None:
            refresh()
        return {"Authorization": f"Bearer {state['access']}"}

    def refresh() -> str:
        state["access"] = token.request()
        client.secrets += [state["access"], token.last_secret]
        return state["access"]

    hint = (f"{prefix}CLIENT_ID, {prefix}TEAM_ID, {prefix}KEY_ID and {prefix}PRIVATE_KEY (an API user with an "
            "API Read Only role or above)")
    client = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL, auth=auth,
                       refresh=refresh, auth_hint=hint, secrets=list(values.values()),
                       problem=lambda resp: _problem(resp, version))
    return client


def _problem(resp: requests.Response, version: str) -> str | tuple | None:
    """Apple's error body {"error": {"errors": [{"messageCode", "message", "field"}]}} as one line; an hourly
    quota used up (X-Rate-Limit: user-hour-rem:0) with no Retry-After is not worth waiting for."""
    if resp.status_code < 400 or resp.status_code == 401 or (resp.status_code >= 500):
        return None
    if resp.status_code == 429:
        remaining = re.search(r"user-hour-rem:\s*(\d+)", resp.headers.get("X-Rate-Limit", ""))
        if remaining and int(remaining[1]) == 0 and not resp.headers.get("Retry-After"):
            return (f"Apple Ads says this API user's hourly request quota is used up ({resp.headers['X-Rate-Limit']})"
                    " — the run will retry it next time; fewer sources or accounts at once spread the calls")
        return None
    errors = ((json_body(resp).get("error") or {}).get("errors") or [{}])
    first = errors[0] if isinstance(errors[0], dict) else {}
    code, message = str(first.get("messageCode") or ""), " ".join(str(first.get("message") or "").split())
    field = f" (field {first['field']})" if first.get("field") else ""
    detail = f"{code}: {message[:160]}{field}" if code or message else f"HTTP {resp.status_code}"
    if resp.status_code == 403:
        return (f"Apple Ads refused access (HTTP 403, {detail}) — check that account_ids holds orgIds the API "
                "user may read (Apple Ads > Account Settings > User Management) and that its role allows reports")
    if resp.status_code in (404, 410) and f"/{version}/" in resp.url and version != DEFAULT_API_VERSION:
        return (f"Apple Ads does not serve API {version} (HTTP {resp.status_code}) — remove api_version to use "
                f"{DEFAULT_API_VERSION} in roi.toml")
    return f"Apple Ads refused {resp.request.method} {resp.url.split('?')[0]} (HTTP {resp.status_code}, {detail})"


# ---------------------------------------------------------------- OAuth: a client secret signed with ES256

class ClientCredentials:
    """Apple's OAuth client-credentials grant: a JWT client secret signed (ES256) with the API user's private
    key, exchanged at appleid.apple.com for an access token that lasts an hour."""

    def __init__(self, *, session: requests.Session, token_url: str, client_id: str, team_id: str, key_id: str,
                 key, source: str, prefix: str):
        self.session, self.token_url = session, token_url
        self.client_id, self.team_id, self.key_id, self.key = client_id, team_id, key_id, key
        self.source, self.prefix = source, prefix
        self.last_secret = ""

    def client_secret(self) -> str:
        issued = int(time.time())
        header = {"alg": "ES256", "kid": self.key_id, "typ": "JWT"}
        claims = {"sub": self.client_id, "aud": AUDIENCE, "iat": issued, "exp": issued + SECRET_LIFETIME,
                  "iss": self.team_id}
        self.last_secret = sign_es256(header, claims, self.key)
        return self.last_secret

    def request(self) -> str:
        data = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self.client_secret(), "scope": SCOPE}
        resp, body = post_token(self.session, self.token_url, data, self.source)
        if resp.status_code != 200 or not body.get("access_token"):
            reason = str(body.get("error") or f"HTTP {resp.status_code}")[:60]
            raise ApiError(f"{self.source}: Apple refused the client credentials ({reason}) — check "
                           f"{self.prefix}CLIENT_ID, {self.prefix}TEAM_ID and {self.prefix}KEY_ID, and that the "
                           f"public key of {self.prefix}PRIVATE_KEY is the one uploaded in Apple Ads > Account "
                           "Settings > API")
        return str(body["access_token"])


def sign_es256(header: dict, claims: dict, key) -> str:
    """A compact JWS: base64url(header).base64url(claims).base64url(r || s), the ECDSA P-256 signature over
    SHA-256 as the 64 raw bytes JWS wants (cryptography gives DER)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    def sign(signing_input: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return jws.compact(header, claims, sign)


def _private_key(text: str, name: str, source: str):
    """The EC P-256 private key of a PEM given with real newlines, with \\n written out (one .env line), or
    as the base64 body alone."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = text.replace("\\n", "\n").strip()
    if "-----BEGIN" not in pem:
        pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(re.findall(r".{1,64}", "".join(pem.split()))) \
              + "\n-----END PRIVATE KEY-----"
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ConfigError(f"{source}: {name} is not a readable private key — paste the PEM that "
                          "`openssl ecparam -genkey -name prime256v1 -noout` wrote (newlines as \\n on one line)") \
            from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(f"{source}: {name} must be an EC prime256v1 (P-256) key, the kind Apple Ads signs "
                          "client secrets with")
    return key



# ---------------------------------------------------------------- records

def _record(row: dict, day: dict, org: dict, extra: dict | None = None) -> dict:
    """One entity's day: the org, the entity's ids and names, and every metric of the day as sent; a money
    metric {amount, currency} becomes `<name>` (the amount) and `<name>_currency`."""
    meta = row.get("metadata") or {}
    record = {"org_id": text_cell(org.get("orgId")), "org_name": org.get("orgName"),
              "org_currency": org.get("currency"), "org_timezone": org.get("timeZone")}
    record.update({ours: text_cell(meta[theirs]) for theirs, ours in METADATA.items()
                   if meta.get(theirs) is not None})
    record.update({k: text_cell(v) for k, v in (extra or {}).items() if v is not None})
    app = meta.get("app") or {}
    record.update({"app_name": app.get("appName"), "adam_id": text_cell(app.get("adamId"))} if app else {})
    for name, value in day.items():
        if isinstance(value, dict) and "amount" in value:
            record[name], record[f"{name}_currency"] = text_cell(value.get("amount")), value.get("currency")
        else:
            record[name] = text_cell(value)
    return record
