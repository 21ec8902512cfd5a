"""The one way roi talks HTTP: retries with backoff that honours Retry-After, token refresh, clear errors."""
from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from roi.contracts.errors import ConfigError, LoadError

log = logging.getLogger("roi.http")
RETRY_STATUS = {429, 500, 502, 503, 504}


def pause(seconds: float) -> None:
    """Waiting between retries (tests replace it to keep time)."""
    time.sleep(seconds)


def polls(delays: list[float], limit: float) -> Iterator[float]:
    """The waits of an asynchronous report's status polls: yields the seconds waited so far before each poll,
    pausing `delays` in turn between them (the last repeats), and stops, instead of pausing, when the next
    pause would pass `limit` seconds. The caller polls in the loop and says after it that the report was not
    ready in time."""
    waited, attempt = 0.0, 0
    while True:
        yield waited
        delay = delays[min(attempt, len(delays) - 1)]
        if waited + delay > limit:
            return
        pause(delay)
        waited += delay
        attempt += 1


class ApiError(LoadError):
    """An API call that failed for good; the message is one line and never holds a secret."""


def post_token(session: requests.Session, token_url: str, data: dict, source: str, **kwargs
               ) -> tuple[requests.Response, dict]:
    """POST a token request form; the answer and its JSON body ({} when not JSON). An unreachable endpoint
    is one line naming it."""
    try:
        resp = session.post(token_url, data=data, timeout=30, **kwargs)
    except requests.RequestException as exc:
        raise ApiError(f"{source}: cannot reach the token endpoint {token_url} "
                       f"({type(exc).__name__}) — check the network or token_url") from None
    return resp, json_body(resp)


@dataclass
class OAuthToken:
    """An OAuth2 access token obtained (and refreshed once on expiry) with a refresh token."""
    session: requests.Session
    token_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    source: str
    secret_prefix: str
    extra: dict = field(default_factory=dict)
    basic_auth: bool = False    # the client id and secret in an HTTP Basic header (Pinterest, Reddit), not the form
    headers: dict = field(default_factory=dict)   # sent with the refresh too (Reddit wants its User-Agent)
    refused_hint: str = ""      # what else to check when the refresh is refused, after the secrets' names
    granted: dict = field(default_factory=dict)   # the last token answer (Salesforce's instance_url is in it)
    _access: str | None = None

    def get(self) -> str:
        if self._access is None:
            self.refresh()
        return self._access

    def refresh(self) -> str:
        data = {"grant_type": "refresh_token", "refresh_token": self.refresh_token, **self.extra}
        if not self.basic_auth:
            data |= {"client_id": self.client_id, "client_secret": self.client_secret}
        resp, body = post_token(self.session, self.token_url, data, self.source, headers=self.headers or None,
                                auth=(self.client_id, self.client_secret) if self.basic_auth else None)
        if resp.status_code != 200 or "access_token" not in body:
            reason = f": {body['error']}" if isinstance(body.get("error"), str) else ""
            raise ApiError(f"{self.source}: the OAuth refresh was refused (HTTP {resp.status_code}{reason}) — check "
                           f"{self.secret_prefix}CLIENT_ID, {self.secret_prefix}CLIENT_SECRET and "
                           f"{self.secret_prefix}REFRESH_TOKEN{self.refused_hint}")
        self.granted = body
        self._access = body["access_token"]
        return self._access

    def secrets(self) -> list[str]:
        return [s for s in (self.client_secret, self.refresh_token, self._access) if s]


class BearerAuth:
    """The Bearer token of an API that takes an ACCESS_TOKEN alone, or CLIENT_ID + CLIENT_SECRET +
    REFRESH_TOKEN exchanged (and refreshed once on expiry) through an OAuthToken: `headers` is an
    ApiClient's auth, `refresh` its refresh (None without a refresh token). Set `client` once the
    ApiClient exists: each access token obtained is added to the secrets it scrubs. `token`: a token
    source of another kind used instead of both (sources/google_auth.py's ServiceAccountToken: get,
    refresh, secrets and the auth_hint naming its secret)."""

    def __init__(self, session: requests.Session, source, secret: Callable[[str], str | None], token_url: str,
                 *, token=None, **token_options):
        prefix = source.secret_prefix
        self.token = token
        self.access = secret("ACCESS_TOKEN") if token is None else None
        self.credentials = [secret(k) for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")] \
            if token is None else []
        self.oauth = OAuthToken(session=session, token_url=token_url, client_id=self.credentials[0],
                                client_secret=self.credentials[1], refresh_token=self.credentials[2],
                                source=source.name, secret_prefix=prefix, **token_options) \
            if token is None and all(self.credentials) else token
        if self.oauth is None and not self.access:
            raise ConfigError(f"{source.name}: needs {prefix}ACCESS_TOKEN, or {prefix}CLIENT_ID, "
                              f"{prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN, in the environment or .env")
        self.client: ApiClient | None = None
        self.refresh = self._refresh if self.oauth is not None else None

    def secrets(self) -> list[str | None]:
        return [self.access, *self.credentials, *(self.token.secrets() if self.token is not None else [])]

    def api_client(self, session: requests.Session, source, base_url: str, *, oauth_hint: str = "",
                   access_hint: str = "", problem: Callable | None = None,
                   extra_headers: dict | None = None) -> "ApiClient":
        """The ApiClient that sends this token (and `extra_headers`), refreshes it once on a 401 and scrubs it
        from every message. A refused token names the secrets to check: the refresh trio with `oauth_hint`
        after it, or ACCESS_TOKEN with `access_hint` (a `token`'s own auth_hint)."""
        prefix = source.secret_prefix
        hint = (self.token.auth_hint if self.token is not None
                else f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN{oauth_hint}" if self.oauth
                else f"{prefix}ACCESS_TOKEN{access_hint}")
        auth = self.headers if not extra_headers else (lambda: {**self.headers(), **extra_headers})
        self.client = ApiClient(session, source=source.name, base_url=base_url, auth=auth, refresh=self.refresh,
                                auth_hint=hint, secrets=self.secrets(), problem=problem)
        return self.client

    def headers(self) -> dict:
        if self.access is None:
            self.access = self.oauth.get()
            self.client.secrets.append(self.access)
        return {"Authorization": f"Bearer {self.access}"}

    def _refresh(self) -> str:
        self.access = self.oauth.refresh()
        return self.access   # ApiClient adds it to its secrets


class ApiClient:
    """requests.Session + base URL + retries + auth, for one source.

    auth: a callable returning headers for the current credentials (called before every attempt);
    refresh: called once when the API answers 401/expired-token, then the call is retried;
    auth_hint: the secret(s) to name when credentials are refused (e.g. "ROI_META__ACCESS_TOKEN");
    problem: platform hook turning a response into a one-line message (version sunset, throttling
    codes in a 200 body …) or None; return ("retry", seconds) to ask for a retry instead."""

    def __init__(self, session: requests.Session, *, source: str, base_url: str,
                 auth: Callable[[], dict] = dict, refresh: Callable[[], object] | None = None,
                 auth_hint: str = "its credentials", secrets: Iterable[str] = (),
                 problem: Callable[[requests.Response], object] | None = None,
                 max_retries: int = 5, max_wait: float = 300.0, timeout: float = 60.0,
                 sleep: Callable[[float], None] | None = None):
        self.session = session
        self.source = source
        self.base_url = base_url.rstrip("/") + "/"
        self.auth = auth
        self.refresh = refresh
        self.auth_hint = auth_hint
        self.secrets = [s for s in secrets if s]
        self.problem = problem
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep or (lambda seconds: pause(seconds))
        self.calls = 0

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else urljoin(self.base_url, path.lstrip("/"))

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = self.url(path)
        extra_headers = kwargs.pop("headers", {})
        refreshed = False
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            headers = {**extra_headers, **self.auth()}
            self.calls += 1
            try:
                resp = self.session.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                delay = self._backoff(attempt)
                if attempt > self.max_retries or waited + delay > self.max_wait:
                    raise ApiError(f"{self.source}: {self._where(url)} did not answer after {attempt} tries "
                                   f"({type(exc).__name__}) — the run will retry it next time") from None
                waited += delay
                self.sleep(delay)
                continue
            verdict = self.problem(resp) if self.problem else None
            if isinstance(verdict, tuple) and verdict[0] == "retry":
                delay = float(verdict[1])
            elif isinstance(verdict, str):
                raise ApiError(self._scrub(f"{self.source}: {verdict}"))
            elif resp.status_code in RETRY_STATUS:
                delay = _retry_after(resp) or self._backoff(attempt)
            elif resp.status_code == 401 and self.refresh is not None and not refreshed:
                token = self.refresh()
                if isinstance(token, str):
                    self.secrets.append(token)
                refreshed = True
                continue
            elif resp.status_code in (401, 403):
                raise ApiError(self._scrub(
                    f"{self.source}: the API refused the credentials (HTTP {resp.status_code}"
                    f"{_detail(resp)}) — check {self.auth_hint}"))
            elif resp.status_code >= 400:
                raise ApiError(self._scrub(
                    f"{self.source}: {method} {self._where(url)} failed (HTTP {resp.status_code}{_detail(resp)})"))
            else:
                return resp
            if attempt > self.max_retries or waited + delay > self.max_wait:
                raise ApiError(f"{self.source}: {self._where(url)} still throttled or failing after {attempt} "
                               f"tries (HTTP {resp.status_code}) — the run will retry it next time")
            log.info("%s: HTTP %s, retrying in %.1f s", self.source, resp.status_code, delay)
            waited += delay
            self.sleep(delay)

    def get_json(self, path: str, **kwargs) -> dict:
        return self.json(self.request("GET", path, **kwargs))

    def post_json(self, path: str, **kwargs) -> dict:
        return self.json(self.request("POST", path, **kwargs))

    def offset_pages(self, path: str, params: dict, *, items: str, total: str) -> dict[str, dict]:
        """Every item of an offset-paged list (`params` set the page size), by id: the page's `items`
        list is read from offset 0 on until a page comes back empty or the `total` count is reached.
        An item seen on two pages (the list shifted while paging) counts once."""
        found: dict[str, dict] = {}
        offset = 0
        while True:
            page = self.get_json(path, params={**params, "offset": offset})
            batch = page.get(items) or []
            for item in batch:
                if item.get("id") is not None:
                    found[str(item["id"])] = item
            offset += len(batch)
            if not batch or offset >= int(page.get(total) or 0):
                return found

    def json(self, resp: requests.Response) -> dict:
        try:
            return resp.json()
        except ValueError:
            raise ApiError(f"{self.source}: {self._where(resp.url)} answered with something that is not JSON "
                           f"(HTTP {resp.status_code}, {len(resp.content)} bytes) — the run will retry it "
                           "next time") from None

    def _backoff(self, attempt: int) -> float:
        return min(60.0, 2.0 ** (attempt - 1)) * (0.5 + random.random() / 2)

    def _where(self, url: str) -> str:
        return url.split("?")[0]

    def _scrub(self, message: str) -> str:
        for secret in self.secrets:
            if secret and len(secret) >= 4:
                message = message.replace(secret, "***")
        return message.splitlines()[0][:400]


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def json_body(resp: requests.Response) -> dict:
    """The response's JSON object, or {} when the body is not one (an HTML error page, a list)."""
    try:
        body = resp.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}


def _detail(resp: requests.Response) -> str:
    """A short reason from the error body, if it has one."""
    body = json_body(resp)
    for path in (("error", "message"), ("error_description",), ("message",), ("detail",), ("title",),
                 ("error",), ("errors", 0, "detail"), ("errors", 0, "message")):
        value = body
        for key in path:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and len(value) > key:
                value = value[key]
            else:
                value = None
                break
        if isinstance(value, str) and value:
            return ": " + value.splitlines()[0][:200]
    return ""
