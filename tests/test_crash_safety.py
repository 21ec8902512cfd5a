"""SIGKILL a real load at many points: the warehouse is always the state before or after the window, never between."""
import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).parent.parent


def export(path: Path, days: int, campaigns: int, cost: str) -> None:
    lines = ["Campaign report", "1 January 2025 - 31 December 2025",
             "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value"]
    for d in range(days):
        day = f"2025-{1 + d // 28:02d}-{1 + d % 28:02d}"
        lines += [f"{day},Campaign {c},{1000 + c},EUR,1000,10,{cost},1.00,20.00" for c in range(campaigns)]
    path.write_text("\n".join(lines) + "\n")


def state(warehouse: Path):
    with duckdb.connect(str(warehouse)) as con:  # a writer opens it, as the next run would (WAL replayed)
        rows = con.execute("SELECT count(*), sum(spend) FROM core.ad_performance").fetchone()
        loads = con.execute("SELECT count(*) FROM ops.loads WHERE status = 'succeeded'").fetchone()[0]
    return rows, loads


def ingest(tmp_path: Path, file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "roi.cli.main", "ingest", str(file), "--kind", "google_ads",
                             "--source", "g"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("seed", [1])
def test_sigkill_anywhere_leaves_before_or_after(tmp_path, seed):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    warehouse = tmp_path / "roi.duckdb"
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    export(old, 336, 60, "1.00")    # 20,160 rows, spend 20,160.00
    export(new, 336, 60, "2.00")    # the same window restated: spend 40,320.00
    assert ingest(tmp_path, old).wait(timeout=120) == 0
    before = state(warehouse)
    assert before[0] == (20160, 20160)

    started = time.monotonic()
    assert ingest(tmp_path, new).wait(timeout=120) == 0
    full = time.monotonic() - started
    after = state(warehouse)
    assert after[0] == (20160, 40320)
    assert ingest(tmp_path, old).wait(timeout=120) == 0   # back to the old state

    rng = random.Random(seed)
    outcomes = []
    for _ in range(8):
        proc = ingest(tmp_path, new)
        time.sleep(rng.uniform(0.1, full * 1.1))
        proc.kill()
        proc.wait()
        rows, _ = state(warehouse)
        assert rows in (before[0], after[0]), f"half a window: {rows}"
        outcomes.append(rows == after[0])
        if rows == after[0]:
            assert ingest(tmp_path, old).wait(timeout=120) == 0
    # the next run always completes after a crash
    assert ingest(tmp_path, new).wait(timeout=120) == 0
    assert state(warehouse)[0] == after[0]
    print(f"8 kills over {full:.1f} s loads: {sum(outcomes)} after, {len(outcomes) - sum(outcomes)} before")


def test_a_full_disk_mid_load_leaves_the_previous_state(tmp_path, monkeypatch):
    """An OSError while writing (disk full) rolls the window back and is reported in one line."""
    from roi.pipeline.runs import ingest_files
    from roi.pipeline.config import load_settings
    from roi.warehouse import load as load_module
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    settings = load_settings(tmp_path / "roi.toml")
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    export(old, 3, 2, "1.00")
    export(new, 3, 2, "2.00")
    ingest_files(settings, [old], "google_ads", "g")
    before = state(settings.warehouse_path)

    real_insert = load_module.insert_load

    def disk_full(con, record):
        if record.status == "succeeded":
            raise OSError(28, "No space left on device")
        return real_insert(con, record)

    monkeypatch.setattr(load_module, "insert_load", disk_full)
    [record] = ingest_files(settings, [new], "google_ads", "g")
    assert record.status == "failed" and "No space left on device" in record.error
    assert "\n" not in record.error
    monkeypatch.undo()
    rows, _ = state(settings.warehouse_path)
    assert rows == before[0]
