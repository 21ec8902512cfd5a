"""One writer at a time, readers never blocked for long: real processes contend for a real warehouse."""
import subprocess
import sys
import threading
import time
from pathlib import Path

from roi.pipeline.config import load_settings
from roi.warehouse import db

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
HOLD = """
import sys, time
from pathlib import Path
from roi.warehouse.db import WriterLock
with WriterLock(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def roi(*args, cwd):
    return subprocess.run([sys.executable, "-m", "roi.cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def holder(warehouse: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).parent.parent)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_gives_up_naming_the_holder(tmp_path):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\nlock_timeout_seconds = 1\n')
    proc = holder(tmp_path / "roi.duckdb", 30)
    try:
        out = roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    finally:
        proc.kill()
        proc.wait()
    assert out.returncode == 1
    assert f"pid {proc.pid}" in out.stderr and "lock_timeout_seconds" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_second_writer_waits_for_the_first(tmp_path):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\nlock_timeout_seconds = 60\n')
    proc = holder(tmp_path / "roi.duckdb", 2)
    started = time.monotonic()
    out = roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    proc.wait()
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - started >= 1.5  # it waited for the holder instead of failing


def test_readers_are_blocked_only_for_the_short_replacement(tmp_path):
    """Readers poll while a writer process loads 6 windows; the longest wait is measured and bounded."""
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    settings = load_settings(tmp_path / "roi.toml")
    assert roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path).returncode == 0
    files = [str(FIXTURES / "google_daily_v1.csv"), str(FIXTURES / "google_daily_v2.csv")] * 3
    writer = subprocess.Popen([sys.executable, "-m", "roi.cli.main", "ingest", *files, "--kind", "google_ads"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    waits, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            t0 = time.monotonic()
            with db.connect_read_only(settings.warehouse_path, wait=30) as con:
                con.execute("SELECT count(*) FROM core.ad_performance").fetchone()
            waits.append(time.monotonic() - t0)

    reader = threading.Thread(target=poll)
    reader.start()
    writer.wait(timeout=120)
    stop.set()
    reader.join()
    assert writer.returncode == 0, writer.stderr.read()
    longest = max(waits)
    print(f"longest reader wait during 6 loads: {longest:.3f} s over {len(waits)} reads")
    assert len(waits) > 5 and longest < 5.0
