"""roi export: every marts view lands as a Parquet or CSV file that reads back exactly."""
import csv

import duckdb
import pytest

from flows.errors import ConfigError
from flows.export import export
from viewkit import Warehouse
from warehouse.build import build, load_views


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "roi.duckdb"
    con = duckdb.connect(str(path))
    build(con)
    wh = Warehouse(con)
    wh.ad("2026-03-01", spend=100, impressions=1000, clicks=40, conversions=4, conversion_value=250,
          campaign_name="Brand, \"IT\" 🌸")
    wh.ad("2026-03-02", spend=50.5, impressions=500, clicks=10, conversions=1, conversion_value=80)
    wh.order("o1", "2026-03-02", 120, customer_id="c1", is_first_order=True)
    con.close()
    return path


def test_every_marts_view_is_exported_as_parquet(warehouse, tmp_path):
    marts = sorted(v.name.split(".")[1] for v in load_views() if v.name.startswith("marts."))
    done = export(warehouse, "parquet", tmp_path / "out")
    assert [e.view for e in done] == [f"marts.{name}" for name in marts]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{name}.parquet" for name in marts]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for e in done:
            assert e.rows == con.execute(f"SELECT count(*) FROM {e.view}").fetchone()[0]
        view = con.execute("SELECT date, channel, spend, ctr FROM marts.channel_daily ORDER BY date").fetchall()
        back = con.execute("SELECT date, channel, spend, ctr FROM read_parquet(?) ORDER BY date",
                           [str(tmp_path / "out" / "channel_daily.parquet")]).fetchall()
    assert back == view == [(back[0][0], "google_ads", 100.0, 0.04), (back[1][0], "google_ads", 50.5, 0.02)]


def test_csv_has_headers_and_replaces_the_last_export(warehouse, tmp_path):
    (tmp_path / "campaign_daily.csv").write_text("an older export\n", encoding="utf-8")
    done = export(warehouse, "csv", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(e.path.name for e in done)   # no temp files
    with open(tmp_path / "campaign_daily.csv", newline="", encoding="utf-8") as f:
        rows = {r["date"]: r for r in csv.DictReader(f)}
    assert rows["2026-03-01"]["campaign_name"] == 'Brand, "IT" 🌸'       # quotes, comma and emoji survive
    assert (rows["2026-03-01"]["spend"], rows["2026-03-01"]["ctr"]) == ("100.0", "0.04")
    with pytest.raises(ConfigError):
        export(warehouse, "xlsx", tmp_path)
