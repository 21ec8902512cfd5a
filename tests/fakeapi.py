"""A tiny threaded HTTP server on 127.0.0.1 that plays an API in tests: routes, a request log, faults.

    with FakeApi() as api:
        api.route("GET", "/v21.0/act_1/insights", handler)   # handler(request) -> Reply
        api.fail_next("GET", "/v21.0/act_1/insights", Reply(429, {"error": …}, {"Retry-After": "0"}))
        ... point the source's base_url at api.url ...
        assert api.count("GET", "/v21.0/act_1/insights") == 2
"""
from __future__ import annotations

import json
import re
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: object = None                     # dict/list -> JSON; bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False                      # close the connection without answering (a reset)


class FakeApi:
    def __init__(self):
        self.routes: list[tuple[str, re.Pattern, object]] = []
        self.faults: dict[tuple[str, str], deque] = defaultdict(deque)
        self.log: list[Request] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True   # no 40 ms delay on each small answer

            def log_message(self, *args):  # keep test output clean
                pass

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                              {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                reply = api._dispatch(req)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                body = reply.body
                if isinstance(body, (dict, list)):
                    payload, ctype = json.dumps(body).encode(), "application/json"
                elif isinstance(body, str):
                    payload, ctype = body.encode(), "text/plain; charset=utf-8"
                else:
                    payload, ctype = body or b"", "application/octet-stream"
                self.send_response(reply.status)
                headers = {"Content-Type": ctype, **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, method: str, path_regex: str, handler) -> None:
        """handler(request, match) -> Reply; later routes win over earlier ones for the same path."""
        self.routes.insert(0, (method, re.compile(path_regex + "$"), handler))

    def fail_next(self, method: str, path: str, *replies: Reply) -> None:
        """Answer the next calls to exactly this path with these replies, then route normally."""
        self.faults[(method, path)].extend(replies)

    def reset(self) -> None:
        """Forget routes, pending faults and the request log (a server shared by several tests)."""
        with self._lock:
            self.routes.clear()
            self.faults.clear()
            self.log.clear()

    def count(self, method: str | None = None, path_regex: str = ".*") -> int:
        return sum(1 for r in self.log if (method is None or r.method == method) and re.fullmatch(path_regex, r.path))

    def _dispatch(self, req: Request) -> Reply:
        with self._lock:
            self.log.append(req)
            queue = self.faults.get((req.method, req.path))
            if queue:
                return queue.popleft()
        for method, pattern, handler in self.routes:
            m = pattern.match(req.path)
            if method == req.method and m:
                return handler(req, m)
        return Reply(404, {"error": {"message": f"no route for {req.method} {req.path}"}})

    def __enter__(self) -> "FakeApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def query(settings, sql: str) -> list[tuple]:
    """Rows of a query on the test's warehouse (read-only)."""
    import duckdb
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def load_counts(settings) -> list[tuple]:
    """rows_in, rows_loaded, rows_combined, rows_quarantined of each succeeded load."""
    return query(settings, "SELECT rows_in, rows_loaded, rows_combined, rows_quarantined FROM ops.loads "
                           "WHERE status = 'succeeded'")


def everything(settings) -> str:
    """Every value of every warehouse table and every raw file (its bytes, and a Parquet file's columns and
    rows), as one text: where a secret must never be."""
    import duckdb
    import polars as pl
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE'").fetchall()
        text = [str(con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()) for schema, table in tables]
    for path in settings.raw_dir.rglob("*"):
        if path.is_file():
            text.append(path.read_bytes().decode("latin-1"))
            if path.suffix == ".parquet":                        # compressed: its values are not in its bytes
                frame = pl.read_parquet(path)
                text.append(str([frame.columns, frame.rows()]))
    return "\n".join(text)


def assert_no_secret_anywhere(settings, record, *secrets: str) -> None:
    """None of `secrets` is in the load's error, a warehouse table or a raw file."""
    stored = (record.error or "") + "\n" + everything(settings)
    for secret in secrets:
        assert secret not in stored
