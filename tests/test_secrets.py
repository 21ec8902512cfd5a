"""Configured secrets never reach logs, errors, raw pulls or any warehouse table."""
import logging

import duckdb

from roi.pipeline.runs import run_window
from tests.fakeapi import Reply
from tests.test_api_meta_ads import (  # noqa: F401 — the Graph API fake and its fixtures
    RUN_DATE, TOKEN, V, api, make_settings, server)


def everything_stored(settings) -> str:
    """Every text value of every table of the warehouse, and every raw file, as one string."""
    parts = []
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE'").fetchall()
        for schema, table in tables:
            parts += [str(row) for row in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()]
    for path in settings.raw_dir.rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_a_secret_never_leaves_the_environment(make_settings, server, waits, caplog):
    caplog.set_level(logging.DEBUG)
    settings = make_settings()
    assert run_window(settings, settings.source("meta"), RUN_DATE).status == "succeeded"
    # the API refuses the token, echoing it back in its error message (some APIs do)
    server.api.fail_next("GET", f"{V}/act_1111", Reply(400, {"error": {
        "message": f"Invalid OAuth access token - Cannot parse access token {TOKEN}", "code": 190}}))
    failed = run_window(settings, settings.source("meta"), RUN_DATE)
    assert failed.status == "failed" and "ROI_META__ACCESS_TOKEN" in failed.error
    assert TOKEN not in failed.error
    assert TOKEN not in caplog.text
    assert TOKEN not in everything_stored(settings)
    assert TOKEN[4:-4] not in everything_stored(settings)
