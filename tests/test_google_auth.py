"""A Google service account's JSON key for the ga4 and search_console sources, against a local server playing
oauth2.googleapis.com/token for the JWT bearer grant (RFC 7523) as Google's "Using OAuth 2.0 for Server to Server
Applications" (developers.google.com/identity/protocols/oauth2/service-account) describes it and google-auth's
google/oauth2/service_account.py and _client.py (jwt_grant) send it: a POST of grant_type=urn:ietf:params:oauth:
grant-type:jwt-bearer&assertion=<JWT>, the JWT's header {"alg": "RS256", "typ": "JWT", "kid": private_key_id} and
claims {"iss": client_email, "scope", "aud": token_uri, "iat", "exp"}, signed RSASSA-PKCS1-v1_5 SHA-256; the answer
{"access_token", "expires_in": 3599, "token_type": "Bearer"}; a signature that does not verify answered 400
{"error": "invalid_grant", "error_description": "Invalid JWT Signature."} (googleapis/google-cloud-python#10004:
a deleted or rotated key), an assertion living more than an hour the "Token must be a short-lived token" answer.
The endpoint checks each JWT with the key's public half; the Analytics and Search Console fakes of
tests/test_api_ga4.py and tests/test_api_search_console.py take only the tokens granted for their own scope."""
import base64
import datetime as dt
import json
import time

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

import roi.sources.ga4 as ga4
import roi.sources.search_console as search_console
from roi.contracts.errors import ConfigError
from roi.pipeline.runs import run_window
from tests.fakeapi import Reply, assert_no_secret_anywhere, query
from tests.test_api_ga4 import BY_CHANNEL, EXPECTED, SHOP, UNSHARED, US_SHOP, Analytics, google_error
from tests.test_api_ga4 import RUN_DATE as GA4_RUN_DATE
from tests.test_api_search_console import BRAND, SearchConsole
from tests.test_api_search_console import RUN_DATE as GSC_RUN_DATE
from tests.test_api_search_console import SHOP as SITE

ANALYTICS = "https://www.googleapis.com/auth/analytics.readonly"
WEBMASTERS = "https://www.googleapis.com/auth/webmasters.readonly"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
EMAIL = "roi-reader@bottega-rossi-analytics.iam.gserviceaccount.com"
KEY_ID = "5c1f0e2d3b4a69788796a5b4c3d2e1f00f1e2d3c"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ROTATED = rsa.generate_private_key(public_exponent=65537, key_size=2048)   # a key Google no longer knows


def pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def key_json(key=KEY, **changes) -> str:
    """A key file as Google Cloud writes it (IAM & Admin > Service accounts > Keys > Add key > JSON), on one line:
    json.dumps writes the PEM's line breaks as \\n inside its string."""
    info = {"type": "service_account", "project_id": "bottega-rossi-analytics", "private_key_id": KEY_ID,
            "private_key": pem(key), "client_email": EMAIL, "client_id": "104853829470561234567",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": GOOGLE_TOKEN_URI,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/roi-reader%40bottega-rossi-"
                                    "analytics.iam.gserviceaccount.com", "universe_domain": "googleapis.com"}
    return json.dumps({**info, **changes})


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class TokenEndpoint:
    """oauth2.googleapis.com/token for the jwt-bearer grant: the JWT verified with the public key of its kid, then
    its claims; each access token granted goes to the API fake of its scope."""

    def __init__(self, api, apis: dict[str, set]):
        self.apis = apis                      # scope -> the tokens that API takes
        self.public = {KEY_ID: KEY.public_key()}
        self.audience = GOOGLE_TOKEN_URI
        self.grants: list[tuple[dict, dict]] = []   # (header, claims) of each assertion accepted
        self.granted: list[str] = []
        api.route("POST", r"/token", self.token)

    def token(self, req, m):
        form = req.form()
        if form.get("grant_type") != JWT_BEARER:
            return Reply(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "
                                                                                         f"{form.get('grant_type')}"})
        header64, claims64, signature = form["assertion"].split(".")
        header, claims = json.loads(b64decode(header64)), json.loads(b64decode(claims64))
        public = self.public.get(header.get("kid"))
        try:
            assert public is not None and header["alg"] == "RS256" and header["typ"] == "JWT"
            public.verify(b64decode(signature), f"{header64}.{claims64}".encode("ascii"), padding.PKCS1v15(),
                          hashes.SHA256())
        except (AssertionError, InvalidSignature):
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        now = time.time()
        if claims["exp"] - claims["iat"] > 3600 or abs(claims["iat"] - now) > 300:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT: Token must be a "
                               "short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp "
                               "values in the JWT claim."})
        if claims["iss"] != EMAIL or claims["aud"] != self.audience:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT: Failed audience check."})
        if claims["scope"] not in self.apis:
            return Reply(400, {"error": "invalid_scope",
                               "error_description": "Invalid OAuth scope or ID token audience provided."})
        self.grants.append((header, claims))
        token = f"ya29.c.c0ASRK0GServiceAccountToken{len(self.granted)}"
        self.granted.append(token)
        self.apis[claims["scope"]].add(token)
        return Reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})


class Google:
    def __init__(self, api):
        self.api = api
        self.analytics, self.console = Analytics(api), SearchConsole(api)
        self.analytics.tokens, self.console.tokens = set(), set()     # only the service account's tokens
        self.oauth = TokenEndpoint(api, {ANALYTICS: self.analytics.tokens, WEBMASTERS: self.console.tokens})


FAKE = Google
SOURCES = [{"name": "web", "kind": "ga4", "account_ids": [SHOP, US_SHOP], "token_url": "{api}/token",
            "lookback_days": 2},
           {"name": "gsc", "kind": "search_console", "account_ids": [SITE, BRAND],
            "base_url": "{api}/webmasters/v3/", "token_url": "{api}/token", "lookback_days": 5}]
SECRETS = {"SERVICE_ACCOUNT_JSON": key_json()}
RUN_REPORT = r"/v1beta/properties/\d+:runReport"


def test_a_ga4_pull_with_a_service_account_key_alone(make_settings, server, waits):
    settings = make_settings()              # load_settings' secret check takes SERVICE_ACCOUNT_JSON alone
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "succeeded", record.error
    assert query(settings, BY_CHANNEL) == EXPECTED
    [(header, claims)] = server.oauth.grants            # one exchange for both properties
    assert header == {"alg": "RS256", "typ": "JWT", "kid": KEY_ID}
    assert (claims["iss"], claims["scope"], claims["aud"]) == (EMAIL, ANALYTICS, GOOGLE_TOKEN_URI)
    assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 60
    assert set(claims) == {"iss", "scope", "aud", "iat", "exp"}
    reports = [r for r in server.api.log if r.path.endswith(":runReport")]
    assert [r.headers["authorization"] for r in reports] == [f"Bearer {server.oauth.granted[0]}"] * 2
    assert waits == []
    assert_no_secret_anywhere(settings, record, pem(KEY), server.oauth.granted[0])


def test_search_console_asks_for_its_own_scope(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("gsc"), GSC_RUN_DATE)
    assert record.status == "succeeded", record.error
    assert [claims["scope"] for _, claims in server.oauth.grants] == [WEBMASTERS]
    # the day totals of tests/test_api_search_console.py: 40 + 30 + 12 clicks over 1 000 + 800 + 400 impressions
    assert query(settings, "SELECT sum(clicks), sum(impressions) FROM core.organic_search "
                           "WHERE query = '' AND page = ''") == [(82, 2200)]
    assert server.analytics.tokens == set()       # an analytics token would not have been granted for it


def test_a_401_signs_and_exchanges_the_key_again(make_settings, server, waits):
    """The access token expired mid-run: a new JWT, a new token, and the report asked again."""
    settings = make_settings()
    server.api.fail_next("POST", f"/v1beta/properties/{US_SHOP}:runReport",
                         google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."))
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.oauth.grants) == 2
    reports = [r for r in server.api.log if r.path.endswith(":runReport")]
    first, second = server.oauth.granted
    assert [r.headers["authorization"].removeprefix("Bearer ") for r in reports] == [first, first, second]
    assert query(settings, BY_CHANNEL) == EXPECTED
    assert_no_secret_anywhere(settings, record, first, second)


def test_a_refused_key_is_one_line_naming_the_service_account(make_settings, server, waits):
    """The key was deleted in Google Cloud (here: signed by a key Google does not know under that kid)."""
    settings = make_settings(secrets={"SERVICE_ACCOUNT_JSON": key_json(ROTATED)})
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error, record.error
    assert all(w in record.error for w in (EMAIL, "invalid_grant", "Invalid JWT Signature", KEY_ID, "Keys",
                                           "clock")), record.error
    assert server.api.count("POST", RUN_REPORT) == 0
    body = "".join(pem(ROTATED).splitlines()[1:-1])
    assert body[:40] not in record.error and "BEGIN" not in record.error
    assert_no_secret_anywhere(settings, record, pem(ROTATED))


def test_the_key_s_token_uri_is_the_audience_and_the_endpoint(make_settings, server, api, waits):
    """Without token_url in roi.toml the JWT goes to the key file's token_uri, which is also its audience."""
    server.oauth.audience = f"{api.url}/token"
    settings = make_settings(token_url=None, secrets={"SERVICE_ACCOUNT_JSON": key_json(token_uri=f"{api.url}/token")})
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "succeeded", record.error
    assert [claims["aud"] for _, claims in server.oauth.grants] == [f"{api.url}/token"]


def test_a_service_account_comes_before_a_refresh_token(make_settings, server, waits):
    settings = make_settings(secrets={"SERVICE_ACCOUNT_JSON": key_json(), "CLIENT_ID": "4711.apps.googleusercontent"
                                      ".com", "CLIENT_SECRET": "GOCSPX-x", "REFRESH_TOKEN": "1//r",
                                      "ACCESS_TOKEN": "ya29.stale"})
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "succeeded", record.error
    assert [r.form()["grant_type"] for r in server.api.log if r.path == "/token"] == [JWT_BEARER]


def test_a_property_not_shared_with_the_service_account_names_it(make_settings, server, waits):
    settings = make_settings(account_ids=[SHOP, UNSHARED])
    record = run_window(settings, settings.source("web"), GA4_RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error, record.error
    assert f"property {UNSHARED}" in record.error and f"the service account {EMAIL} has the Viewer role" \
        in record.error


def test_no_google_secret_at_all_names_the_first(make_settings):
    with pytest.raises(ConfigError, match="source 'web' needs the secret ROI_WEB__CLIENT_ID in the environment"):
        make_settings(secrets={})


UNREADABLE_PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize("value, words", [
    ("/home/anna/keys/bottega-rossi-5c1f0e2d3b4a.json", ["is not JSON", "paste the whole JSON key file"]),
    (key_json()[:-40], ["is not JSON", "paste the whole JSON key file"]),
    (json.dumps({"installed": {"client_id": "4711.apps.googleusercontent.com", "client_secret": "GOCSPX-x"}}),
     ["not a key file", "CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN"]),
    (json.dumps({"type": "authorized_user", "client_id": "4711", "client_secret": "GOCSPX-x",
                 "refresh_token": "1//r"}), ["a credential of type 'authorized_user', not a service account's key"]),
    (key_json(client_email=""), ["has no client_email"]),
    (key_json(private_key=UNREADABLE_PEM), ["private_key", "not a readable PEM private key"]),
    (key_json(private_key=pem(ec.generate_private_key(ec.SECP256R1()))), ["is not an RSA key"]),
])
@pytest.mark.parametrize("module", [ga4, search_console])
def test_a_bad_key_is_one_line_config_error_before_any_call(make_settings, server, value, words, module):
    settings = make_settings(secrets={"SERVICE_ACCOUNT_JSON": value})
    source = settings.source("web" if module is ga4 else "gsc")
    window = (dt.date(2026, 10, 1), dt.date(2026, 10, 3))
    with pytest.raises(ConfigError) as refused:
        module.fetch(requests.Session(), source, window, lambda key: settings.secret(source, key))
    message = str(refused.value)
    assert "\n" not in message and f"{source.secret_prefix}SERVICE_ACCOUNT_JSON" in message, message
    assert all(w in message for w in words), message
    assert "MIIE" not in message and "GOCSPX" not in message
    assert server.api.count() == 0
