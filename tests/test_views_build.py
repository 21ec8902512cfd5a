"""The view builder: dependency order, clear errors, idempotent and fast rebuilds, ensure()."""
import re
import time
from pathlib import Path

import duckdb
import pytest

from roi.warehouse import build as build_module
from roi.warehouse.build import VIEWS_DIR, BuildError, build, ensure, load_views, order_views

SPEC_VIEWS = {
    "marts.channel_daily", "marts.channel_monthly", "marts.campaign_daily",
    "marts.email_campaign_kpis", "marts.funnel_monthly", "marts.ltv_cac", "marts.budget_pacing",
    "marts.budget_mix", "marts.goal_progress", "marts.fx_missing", "marts.kpi_summary",
}


def view_names(con):
    rows = con.execute(
        "SELECT schema_name || '.' || view_name FROM duckdb_views() "
        "WHERE schema_name IN ('stg', 'int', 'marts')"
    ).fetchall()
    return {r[0] for r in rows}


def write(folder: Path, name: str, sql: str) -> None:
    (folder / name).write_text(sql, encoding="utf-8")


def test_build_creates_every_spec_view_and_each_answers_on_an_empty_warehouse():
    con = duckdb.connect()
    build(con)
    assert SPEC_VIEWS <= view_names(con)
    for name in sorted(SPEC_VIEWS):                  # the marts read every stg and int view
        con.execute(f"SELECT * FROM {name}").fetchall()


def test_every_view_file_states_its_grain_on_the_first_line_and_matches_its_name():
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), path.name
        name = path.name[: -len(".sql")]
        assert re.search(rf"CREATE OR REPLACE (VIEW|MACRO) {re.escape(name)}\b", text), path.name


def test_views_come_after_the_views_they_read():
    order = [v.name for v in order_views(load_views())]
    position = {name: i for i, name in enumerate(order)}
    for view in load_views():
        for dep in view.depends_on:
            assert position[dep] < position[view.name], (dep, view.name)
    assert position["int.channel_day_facts"] < position["marts.channel_daily"]
    assert position["stg.fx_rates"] < position["stg.ad_performance"]
    # a view named in a string (a table macro's argument, read with query_table) is read too
    assert position["int.campaign_periods"] < position["int.campaign_days"]


def test_a_view_named_in_a_string_is_a_dependency_and_a_literal_is_not(tmp_path):
    write(tmp_path, "int.z.sql", "-- grain: x\nCREATE OR REPLACE VIEW int.z AS SELECT 1 AS date_start\n")
    write(tmp_path, "int.a.sql", "-- grain: x\nCREATE OR REPLACE VIEW int.a AS "
                                 "SELECT *, 'it.is not.a view' AS note FROM query_table('int.z')\n")
    assert {v.name: v.depends_on for v in load_views(tmp_path)}["int.a"] == {"int.z"}
    con = duckdb.connect()
    build(con, views_dir=tmp_path)                    # int.z first, though 'a' sorts before 'z'
    assert con.execute("SELECT date_start, note FROM int.a").fetchall() == [(1, "it.is not.a view")]


def test_build_is_idempotent_and_a_rebuild_without_changes_recreates_nothing(monkeypatch):
    con = duckdb.connect()
    started = time.perf_counter()
    build(con)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0                             # ~0.25 s on an idle laptop; generous for busy CI
    con.execute("INSERT INTO core.fx_rates VALUES ('ecb', DATE '2024-01-02', 'USD', 1.1, 'l1')")
    ran = []
    monkeypatch.setattr(build_module, "_run", lambda con, path, sql: ran.append(path.name) or con.execute(sql))
    build(con)
    ddl = [p.name for p in sorted(build_module.DDL_DIR.glob("*.sql"))]
    assert ran == ddl                                # DDL only (IF NOT EXISTS); no view recreated
    ran.clear()
    build(con, full=True)
    assert len(ran) == len(ddl) + len(load_views())  # full=True recreates every view
    # data is kept, views still answer, the stored hash matches the files
    assert con.execute("SELECT count(*) FROM core.fx_rates").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM marts.channel_daily").fetchone()[0] == 0
    assert not ensure(con)


def test_ensure_builds_only_when_files_or_views_changed():
    con = duckdb.connect()
    assert ensure(con) is True           # empty database: builds
    assert ensure(con) is False          # nothing changed
    stored = con.execute("SELECT value FROM ops.settings WHERE key = 'views_hash'").fetchone()[0]
    assert len(stored) == 64
    con.execute("UPDATE ops.settings SET value = 'stale' WHERE key = 'views_hash'")
    assert ensure(con) is True           # files differ from what was built
    con.execute("DROP VIEW marts.budget_mix")
    assert ensure(con) is True           # a view went missing
    assert "marts.budget_mix" in view_names(con)


def test_a_changed_view_is_recreated_with_its_dependents_and_a_removed_one_is_dropped(tmp_path):
    write(tmp_path, "stg.base.sql", "-- grain: x\nCREATE OR REPLACE VIEW stg.base AS SELECT 1 AS a\n")
    write(tmp_path, "marts.top.sql", "-- grain: x\nCREATE OR REPLACE VIEW marts.top AS SELECT a FROM stg.base\n")
    write(tmp_path, "marts.old.sql", "-- grain: x\nCREATE OR REPLACE VIEW marts.old AS SELECT 1 AS a\n")
    con = duckdb.connect()
    build(con, views_dir=tmp_path)
    write(tmp_path, "stg.base.sql", "-- grain: x\nCREATE OR REPLACE VIEW stg.base AS SELECT 'two' AS a\n")
    (tmp_path / "marts.old.sql").unlink()
    build(con, views_dir=tmp_path)
    assert con.execute("SELECT a FROM marts.top").fetchall() == [("two",)]
    assert "marts.old" not in view_names(con)


def test_a_cycle_is_reported_with_the_views_in_it(tmp_path):
    write(tmp_path, "int.a.sql", "-- grain: x\nCREATE OR REPLACE VIEW int.a AS SELECT * FROM int.b\n")
    write(tmp_path, "int.b.sql", "-- grain: x\nCREATE OR REPLACE VIEW int.b AS SELECT * FROM int.a\n")
    write(tmp_path, "stg.c.sql", "-- grain: x\nCREATE OR REPLACE VIEW stg.c AS SELECT 1 AS x\n")
    with pytest.raises(BuildError, match=r"cycle: int\.a -> int\.b -> int\.a"):
        build(duckdb.connect(), views_dir=tmp_path)


def test_unknown_reference_and_misnamed_file_are_clear_errors(tmp_path):
    write(tmp_path, "marts.x.sql", "-- grain: x\nCREATE OR REPLACE VIEW marts.x AS SELECT * FROM int.nope\n")
    with pytest.raises(BuildError, match=r"marts\.x\.sql: reads int\.nope"):
        load_views(tmp_path)
    (tmp_path / "marts.x.sql").unlink()
    write(tmp_path, "marts.y.sql", "-- grain: x\nCREATE OR REPLACE VIEW marts.z AS SELECT 1 AS a\n")
    with pytest.raises(BuildError, match=r"creates marts\.z but is named marts\.y\.sql"):
        load_views(tmp_path)


def test_a_broken_view_names_its_file_and_leaves_the_previous_build(tmp_path):
    write(tmp_path, "stg.ok.sql", "-- grain: x\nCREATE OR REPLACE VIEW stg.ok AS SELECT 1 AS a\n")
    con = duckdb.connect()
    build(con, views_dir=tmp_path)
    write(tmp_path, "stg.ok.sql", "-- grain: x\nCREATE OR REPLACE VIEW stg.ok AS SELECT no_such_column FROM core.orders\n")
    with pytest.raises(BuildError, match=r"stg\.ok\.sql: .*no_such_column"):
        build(con, views_dir=tmp_path)
    assert con.execute("SELECT a FROM stg.ok").fetchall() == [(1,)]  # rolled back


def test_build_joins_a_transaction_the_caller_already_opened():
    con = duckdb.connect()
    con.execute("BEGIN TRANSACTION")
    build(con)
    con.execute("ROLLBACK")                          # the caller decides: nothing was kept
    assert view_names(con) == set()
