"""roi export: every marts view lands as a Parquet or CSV file, or a sheet of one Excel workbook, that reads back
to the marts' values."""
import codecs
import csv
import datetime as dt
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import duckdb
import polars as pl
import pytest

from roi.outputs import export as export_module
from roi.contracts.errors import ConfigError, RoiError
from roi.outputs.export import export
from viewkit import Warehouse
from roi.warehouse.build import build, load_views

MARTS = sorted(v.name.split(".")[1] for v in load_views() if v.name.startswith("marts.") and v.kind == "VIEW")


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
    # April on Meta: 0.1 + 0.2 sums to 0.30000000000000004 in binary floating point; a name a spreadsheet
    # would take for a formula.
    wh.ad("2026-04-01", source="meta", platform="meta_ads", campaign_id="m1", campaign_name="=1+1",
          spend=0.1, impressions=100, clicks=3)
    wh.ad("2026-04-02", source="meta", platform="meta_ads", campaign_id="m1", campaign_name="=1+1",
          spend=0.2, impressions=200, clicks=1)
    con.close()
    return path


def _april_meta_spend(warehouse) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT spend FROM marts.channel_monthly "
                           "WHERE channel = 'meta_ads' AND month = '2026-04-01'").fetchone()[0]


def test_the_fixture_carries_float_noise(warehouse):
    assert _april_meta_spend(warehouse) != 0.3     # else the no-noise checks below prove nothing
    assert repr(_april_meta_spend(warehouse)) == "0.30000000000000004"


def test_every_marts_view_is_exported_as_parquet(warehouse, tmp_path):
    done = export(warehouse, "parquet", tmp_path / "out")
    assert [e.view for e in done] == [f"marts.{name}" for name in MARTS]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{name}.parquet" for name in MARTS]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for e in done:
            assert e.rows == con.execute(f"SELECT count(*) FROM {e.view}").fetchone()[0]
        sql = ("SELECT date, channel, spend, ctr FROM {} "
               "WHERE channel = 'google_ads' AND date < '2026-03-03' ORDER BY date")
        view = con.execute(sql.format("marts.channel_daily")).fetchall()
        back = con.execute(sql.format("read_parquet(?)"), [str(tmp_path / "out" / "channel_daily.parquet")]).fetchall()
    assert back == view == [(dt.date(2026, 3, 1), "google_ads", 100.0, 0.04),
                            (dt.date(2026, 3, 2), "google_ads", 50.5, 0.02)]


def test_csv_has_headers_and_replaces_the_last_export(warehouse, tmp_path):
    (tmp_path / "campaign_daily.csv").write_text("an older export\n", encoding="utf-8")
    done = export(warehouse, "csv", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(e.path.name for e in done)   # no temp files
    with open(tmp_path / "campaign_daily.csv", newline="", encoding="utf-8") as f:
        rows = {r["date"]: r for r in csv.DictReader(f)}
    assert rows["2026-03-01"]["campaign_name"] == 'Brand, "IT" 🌸'       # quotes, comma and emoji survive
    # 100 spent, 40 clicks of 1,000 impressions; 50.5 spent, 10 clicks of 500
    assert (rows["2026-03-01"]["spend"], rows["2026-03-01"]["ctr"]) == ("100", "0.04")
    second = rows["2026-03-02"]
    assert (second["spend"], second["cpc"], second["ctr"]) == ("50.5", "5.05", "0.02")
    with pytest.raises(ConfigError, match="choose parquet, csv or xlsx"):
        export(warehouse, "ods", tmp_path)


def test_csv_numbers_carry_no_float_noise(warehouse, tmp_path):
    export(warehouse, "csv", tmp_path)
    with open(tmp_path / "channel_monthly.csv", newline="", encoding="utf-8") as f:
        meta = next(r for r in csv.DictReader(f) if (r["channel"], r["month"]) == ("meta_ads", "2026-04-01"))
    # 0.1 + 0.2 spent on 300 impressions: CPM 0.3 * 1000 / 300 = 1; 4 clicks: CPC 0.3 / 4 = 0.075
    assert (meta["spend"], meta["cpm"], meta["cpc"], meta["clicks"]) == ("0.3", "1", "0.075", "4")
    noisy = [cell for path in tmp_path.glob("*.csv") for line in path.read_text(encoding="utf-8").splitlines()
             for cell in line.split(",") if "e-" in cell or "e+" in cell or "99999" in cell or "00000" in cell]
    assert noisy == []


def test_excel_it_csv_has_semicolons_decimal_commas_and_a_bom(warehouse, tmp_path):
    done = export(warehouse, "csv", tmp_path, excel_it=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(e.path.name for e in done)   # no temp files
    raw = (tmp_path / "campaign_daily.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)                    # Excel reads it as UTF-8 only with the BOM
    rows = {r["date"]: r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";")}
    assert rows["2026-03-01"]["campaign_name"] == 'Brand, "IT" 🌸'
    second = rows["2026-03-02"]
    assert (second["spend"], second["cpc"], second["ctr"]) == ("50,5", "5,05", "0,02")
    assert rows["2026-04-01"]["campaign_name"] == "=1+1"

    def number(cell: str) -> float | None:   # as Italian Excel reads a cell: ',' is the decimal mark
        return None if cell == "" else float(cell.replace(",", "."))

    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = con.execute("SELECT strftime(date, '%Y-%m-%d'), spend, impressions, clicks, ctr, cpc, cpm, roas "
                            "FROM marts.campaign_daily").fetchall()
    for date, *values in marts:
        back = [number(rows[date][c]) for c in ("spend", "impressions", "clicks", "ctr", "cpc", "cpm", "roas")]
        assert back == [None if v is None else round(v, 6) for v in values]
    with open(tmp_path / "channel_monthly.csv", encoding="utf-8-sig", newline="") as f:
        meta = next(r for r in csv.DictReader(f, delimiter=";")
                    if (r["channel"], r["month"]) == ("meta_ads", "2026-04-01"))
    assert (meta["spend"], meta["cpc"]) == ("0,3", "0,075")


def test_excel_it_goes_with_csv_only(warehouse, tmp_path):
    for fmt in ("xlsx", "parquet"):
        with pytest.raises(ConfigError, match="--excel-it .* use it with --format csv"):
            export(warehouse, fmt, tmp_path, excel_it=True)
    assert list(tmp_path.iterdir()) == []


def test_xlsx_has_one_typed_sheet_per_mart(warehouse, tmp_path):
    (tmp_path / "marts.xlsx").write_text("an older export")
    done = export(warehouse, "xlsx", tmp_path)
    assert [e.view for e in done] == [f"marts.{name}" for name in MARTS]
    assert {e.path for e in done} == {tmp_path / "marts.xlsx"}
    assert [p.name for p in tmp_path.iterdir()] == ["marts.xlsx"]   # replaced, no temp file left
    sheets = pl.read_excel(tmp_path / "marts.xlsx", sheet_id=0)
    assert list(sheets) == MARTS
    campaigns = sheets["campaign_daily"].sort("date")
    assert campaigns.schema["date"] == pl.Date
    assert campaigns["date"].to_list() == [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 4, 1),
                                           dt.date(2026, 4, 2)]
    assert campaigns["campaign_name"].to_list() == ['Brand, "IT" 🌸', "Campaign 1", "=1+1", "=1+1"]  # not a formula
    assert campaigns["spend"].cast(pl.Float64).to_list() == [100.0, 50.5, 0.1, 0.2]
    assert campaigns["ctr"].to_list() == [0.04, 0.02, 0.03, 0.005]
    monthly = sheets["channel_monthly"].filter((pl.col("channel") == "meta_ads")
                                               & (pl.col("month") == dt.date(2026, 4, 1)))
    assert monthly["spend"].to_list() == [0.3]   # xlsxwriter writes 16 significant digits: the noise is gone
    assert next(e.rows for e in done if e.view == "marts.campaign_daily") == 4


def test_xlsx_cells_equal_the_marts_values(warehouse, tmp_path):
    export(warehouse, "xlsx", tmp_path)
    sheets = pl.read_excel(tmp_path / "marts.xlsx", sheet_id=0, infer_schema_length=None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in MARTS:
            cursor = con.execute(f"SELECT * FROM marts.{name}")
            columns = [d[0] for d in cursor.description]
            expected = sorted((tuple(_plain(v) for v in row) for row in cursor.fetchall()), key=repr)
            sheet = sheets[name]
            assert sheet.columns == columns, name
            assert sorted((tuple(_plain(v) for v in row) for row in sheet.rows()), key=repr) == expected, name


def _plain(value):
    """Excel holds every number as a double, which xlsxwriter writes with 16 significant digits (the 17th,
    float noise where there is one, is dropped); an empty cell reads back as None."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, dt.date)):
        return value
    return float(f"{float(value):.16g}")


def test_xlsx_shows_money_with_two_decimals_under_a_frozen_bold_header(warehouse, tmp_path):
    export(warehouse, "xlsx", tmp_path)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(tmp_path / "marts.xlsx") as book:
        styles = ET.fromstring(book.read("xl/styles.xml"))
        sheet = ET.fromstring(book.read(f"xl/worksheets/sheet{MARTS.index('campaign_daily') + 1}.xml"))
    codes = {f.get("numFmtId"): f.get("formatCode") for f in styles.iterfind("m:numFmts/m:numFmt", ns)}
    xfs = styles.findall("m:cellXfs/m:xf", ns)
    bold = [f.find("m:b", ns) is not None for f in styles.iterfind("m:fonts/m:font", ns)]

    def cell(ref: str):
        c = sheet.find(f".//m:c[@r='{ref}']", ns)
        xf = xfs[int(c.get("s", 0))]
        return codes.get(xf.get("numFmtId"), xf.get("numFmtId")), bold[int(xf.get("fontId"))]

    header = sheet.find(".//m:row[@r='1']", ns)
    columns = [c.find("m:is/m:t", ns).text for c in header]   # inline strings: the workbook streams its rows
    letter = {name: chr(ord("A") + i) for i, name in enumerate(columns)}   # campaign_daily has < 27 columns
    assert cell(f"{letter['spend']}1") == ("0", True)                       # header: bold, no number format
    assert cell(f"{letter['spend']}2") == ("#,##0.00", False)               # money: 2 decimals
    assert cell(f"{letter['cpc']}2") == ("#,##0.00", False)
    assert cell(f"{letter['ctr']}2") == ("0.00%", False)
    assert cell(f"{letter['impressions']}2") == ("#,##0", False)
    assert cell(f"{letter['date']}2") == ("yyyy-mm-dd", False)
    pane = sheet.find(".//m:pane", ns)
    assert (pane.get("ySplit"), pane.get("state")) == ("1", "frozen")
    widths = {int(c.get("min")): float(c.get("width")) for c in sheet.iterfind(".//m:col", ns)}
    assert all(8 <= w <= 61 for w in widths.values())
    assert sheet.find("m:autoFilter", ns) is not None


def test_sheet_names_fit_excel(tmp_path):
    views = ["a" * 40, "A" * 40 + "x", "a" * 31, "short"]
    names = export_module._sheet_names(views)
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == 4
    assert names[0] == "a" * 31 and names[3] == "short"


def test_a_mart_longer_than_a_sheet_is_refused_and_leaves_no_file(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "EXCEL_ROWS", 4)   # a header and three rows; campaign_daily has four
    with pytest.raises(RoiError, match=r"marts.campaign_daily has more rows than an Excel sheet holds \(3\) .* csv"):
        export(warehouse, "xlsx", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_roi_export_xlsx_imports_no_polars(warehouse, tmp_path):
    """A read-only command: the CLI, run as a user runs it, writes the workbook without polars or pyarrow."""
    toml = tmp_path / "roi.toml"
    toml.write_text(f'[warehouse]\npath = "{warehouse}"\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    code = (f"import sys, runpy; sys.argv = ['roi', 'export', '--format', 'xlsx', '--out', {str(out_dir)!r}, "
            f"'--config', {str(toml)!r}]\n"
            "try:\n    runpy.run_module('roi.cli.main', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "heavy = sorted({'polars', 'pyarrow', 'prefect', 'pydantic'} & set(sys.modules))\n"
            "assert not heavy, f'imported {heavy}'\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (out_dir / "marts.xlsx").is_file()
    usage = subprocess.run([sys.executable, "-m", "roi.cli.main", "export", "--format", "xlsx", "--excel-it",
                            "--config", str(toml)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and usage.stderr.strip().splitlines() == [
        "roi: error: --excel-it shapes a CSV for Italian Excel (';' and decimal comma): use it with --format csv, "
        "not xlsx"]
