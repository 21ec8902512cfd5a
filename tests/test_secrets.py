"""Configured secrets never reach logs, errors, raw pulls or any warehouse table."""
import logging

from roi.pipeline.runs import run_window
from tests.fakeapi import Reply, everything
from tests.test_api_meta_ads import (  # noqa: F401 — FAKE, SOURCES, SECRETS: for conftest.py
    FAKE, RUN_DATE, SECRETS, SOURCES, TOKEN, V)


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
    assert TOKEN not in everything(settings)
    assert TOKEN[4:-4] not in everything(settings)
