"""What roi's tables print: on an 80-column terminal no number or status is cut (lower-priority columns
are left out and named), the KPI tables end in a totals row on the headline rule, numbers follow
[report] lang, and `roi query` passes DuckDB's hints through and rounds for reading."""
import datetime as dt
import io
import shutil

import duckdb
import pytest
from rich.cells import cell_len
from rich.console import Console

from roi.outputs import show, tables
from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import Settings
from viewkit import Warehouse

D = dt.date
PRIORITY = ["channel", "total cost", "revenue", "ROI %", "ROAS", "spend", "leads", "customers", "CPL", "CAC"]


def march(wh: Warehouse) -> None:
    """March 2026, every amount in EUR.
    google_ads: campaign Brand IT spends 12,345.67 (conversion value 24,691.34; 100,000 impressions, 5,000
      clicks, 400 conversions), staff 1,000.00; 3 leads with utm_campaign Brand IT / brand_it / BRAND IT;
      one order of 20,000.00 (utm Brand IT).
    meta_ads: BV | Retargeting spends 5,000.00 (value 2,500.00; 200,000 / 1,000 / 50); 1 lead; an order of
      6,000.00 with utm_campaign bv_retargeting.
    email: tools 200.00; a Mailchimp campaign (id cf4bf490ce, 40 unique clicks, the platform's 3 orders and
      300.00); orders of 500.00 (utm "cf4bf490ce-EMAIL_CAMPAIGN_2026_03_07", Mailchimp's own) and 100.00
      (utm newsletter_unknown, no such campaign).
    direct: an order of 41,197.00 (no cost). organic_search: 1 lead. Every order is a new customer."""
    wh.ad("2026-03-10", campaign_id="111", campaign_name="Brand IT", spend=12345.67, conversion_value=24691.34,
          impressions=100000, clicks=5000, conversions=400)
    wh.ad("2026-03-12", platform="meta_ads", source="meta", campaign_id="222", campaign_name="BV | Retargeting",
          spend=5000, conversion_value=2500, impressions=200000, clicks=1000, conversions=50)
    wh.cost("2026-03-01", 1000, end="2026-03-31", cost_type="staff")
    wh.cost("2026-03-01", 200, end="2026-03-31", channel="email", cost_type="tools")
    wh.email("2026-03-07", campaign_id="cf4bf490ce", campaign_name="Clienti – Promo (07/03/26)", recipients=1000,
             delivered=990, unique_opens=300, unique_clicks=40, orders=3, revenue=300)
    for n, utm in enumerate(["Brand IT", "brand_it", "BRAND IT"]):
        wh.lead(f"g{n}", f"2026-03-0{5 + n}", utm_campaign=utm)
    wh.lead("m1", "2026-03-06", channel="meta_ads", utm_campaign="BV | Retargeting")
    wh.lead("s1", "2026-03-06", channel="organic_search")
    wh.order("o1", "2026-03-11", 20000, customer_id="c1", utm_campaign="Brand IT")
    wh.order("o2", "2026-03-13", 6000, customer_id="c2", channel="meta_ads", utm_campaign="bv_retargeting")
    wh.order("o3", "2026-03-14", 41197, customer_id="c3", channel="direct")
    wh.order("o4", "2026-03-08", 500, customer_id="c4", channel="email",
             utm_campaign="cf4bf490ce-EMAIL_CAMPAIGN_2026_03_07")
    wh.order("o5", "2026-03-09", 100, customer_id="c5", channel="email", utm_campaign="newsletter_unknown")


def warehouse(folder, empty_warehouse, fill) -> Settings:
    path = folder / "roi.duckdb"
    shutil.copy(empty_warehouse, path)
    con = duckdb.connect(str(path))
    fill(Warehouse(con))
    con.close()
    return settings(path)


def settings(path, lang: str = "it") -> Settings:
    return Settings(config_path=None, base_dir=path.parent, warehouse_path=path, report_lang=lang)


@pytest.fixture(scope="module")
def shop(tmp_path_factory, empty_warehouse) -> Settings:
    return warehouse(tmp_path_factory.mktemp("shop"), empty_warehouse, march)


@pytest.fixture
def terminal(monkeypatch):
    """The tables' console as a terminal of the given width; what it printed is read back from the StringIO."""
    def of(width: int = 80) -> io.StringIO:
        out = io.StringIO()
        monkeypatch.setattr(tables, "console", Console(file=out, width=width, color_system=None))
        return out
    return of


def parse(text: str) -> tuple[list[str], list[list[str]]]:
    """A printed box table: its headers and rows, the lines of a wrapped cell joined with spaces."""
    headers: list[str] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        mark, line = line[:1], line.rstrip()
        if mark not in ("┃", "│"):
            continue
        cells = [c.strip() for c in line[1:-1].split(mark)]
        if mark == "┃":
            headers = [f"{a} {b}".strip() for a, b in zip(headers, cells)] if headers else cells
        elif rows and not cells[0]:   # the next line of a wrapped row
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return headers, rows


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]


def by_first(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


# ---------------------------------------------------------------- numbers --------------------------

def test_numbers_follow_the_report_language():
    assert tables.number(1234.567, "money", "it") == "1.234,57"
    assert tables.number(1234.567, "money", "en") == "1,234.57"
    assert tables.number(12.345, "pct", "it") == "12,3 %"
    assert tables.number(-100, "pct", "en") == "-100.0 %"
    assert tables.number(0.05, "rate", "it") == "5,00 %"
    assert tables.number(1234567, "count", "it") == "1.234.567"
    assert tables.number(-0.001, "money", "en") == "0.00"           # never "-0.00"
    assert tables.number(None, "money", "it") == "–"
    assert tables.number(14100.093897357247, "number", "it") == "14.100,09"
    assert tables.number(12345, "number", "en") == "12,345"


# ---------------------------------------------------------------- roi kpi ---------------------------

# Hand-computed, March (see march()):
#   google_ads: total cost 12,345.67 + 1,000 = 13,345.67, ROI (20,000 - 13,345.67) / 13,345.67 = 49.86 %,
#     ROAS 24,691.34 / 12,345.67 = 2.00, CPL 13,345.67 / 3 = 4,448.56, CAC 13,345.67 / 1
#   meta_ads: ROI (6,000 - 5,000) / 5,000 = 20 %, ROAS 0.50; email: ROI (600 - 200) / 200 = 200 %, CAC 200 / 2
#   total: cost 18,545.67; revenue of the channels with cost 20,000 + 6,000 + 600 = 26,600 (direct's 41,197
#     beside it), ROI (26,600 - 18,545.67) / 18,545.67 = 43.43 %, ROAS (24,691.34 + 2,500) / 17,345.67 = 1.57
#     (email's platform value has no spend), CPL = CAC = 18,545.67 / 5 = 3,709.13
CHANNELS_IT = {
    "google_ads": ["13.345,67", "20.000,00", "49,9 %", "2,00", "12.345,67", "3", "1", "4.448,56", "13.345,67"],
    "meta_ads": ["5.000,00", "6.000,00", "20,0 %", "0,50", "5.000,00", "1", "1", "5.000,00", "5.000,00"],
    "email": ["200,00", "600,00", "200,0 %", "–", "0,00", "0", "2", "–", "100,00"],
    "direct": ["0,00", "41.197,00", "–", "–", "0,00", "0", "1", "–", "0,00"],
    "organic_search": ["0,00", "0,00", "–", "–", "0,00", "1", "0", "0,00", "–"],
    "total": ["18.545,67", "26.600,00", "43,4 %", "1,57", "17.345,67", "5", "5", "3.709,13", "3.709,13"],
}


def test_the_channel_table_has_a_totals_row_on_the_channels_with_cost(shop, terminal):
    out = terminal(200)
    show.kpi(shop, "channel", None, None)
    headers, rows = parse(out.getvalue())
    assert headers == PRIORITY
    assert [r[0] for r in rows] == ["google_ads", "meta_ads", "email", "direct", "organic_search", "total"]
    assert by_first(rows) == CHANNELS_IT
    lines = out.getvalue().splitlines()
    assert ("revenue of channels without cost (direct): 41.197,00 € — not in the total ROI "
            "([kpi] headline_revenue = \"all\" counts it)") in lines
    # email: 2 customers, 0 leads
    assert any(line.startswith("leads count by the lead's own channel") for line in lines)


def test_at_80_columns_the_lowest_priority_columns_are_left_out_and_named(shop, terminal):
    out = terminal(80)
    show.kpi(shop, "channel", None, None)
    text = out.getvalue()
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    assert not any("…" in line for line in table_lines(text))
    headers, rows = parse(text)
    # widths: channel 14 + 9 + 9 + 7 ("200,0 %") + 4 + 9 + 5 = 57, plus 3 per column and 1 = 79;
    # customers (9 + 3) would make 91
    assert headers == PRIORITY[:7]
    assert by_first(rows) == {k: v[:6] for k, v in CHANNELS_IT.items()}
    assert "not shown at 80 columns: customers, CPL, CAC — widen the terminal or use --csv" in text.splitlines()


def test_english_numbers(shop, terminal):
    out = terminal(200)
    show.kpi(settings(shop.warehouse_path, "en"), "channel", None, None)
    rows = by_first(parse(out.getvalue())[1])
    assert rows["google_ads"] == ["13,345.67", "20,000.00", "49.9 %", "2.00", "12,345.67", "3", "1", "4,448.56",
                                  "13,345.67"]
    assert "revenue of channels without cost (direct): 41,197.00 €" in out.getvalue()


def test_headline_revenue_all_counts_every_channel(shop, terminal, tmp_path):
    path = tmp_path / "roi.duckdb"
    shutil.copy(shop.warehouse_path, path)
    with duckdb.connect(str(path)) as con:
        Warehouse(con).settings(headline_revenue="all")
    out = terminal(200)
    show.kpi(settings(path), "channel", None, None)
    # revenue 26,600 + 41,197 = 67,797; ROI (67,797 - 18,545.67) / 18,545.67 = 265.57 %
    assert by_first(parse(out.getvalue())[1])["total"][:3] == ["18.545,67", "67.797,00", "265,6 %"]
    assert "not in the total ROI" not in out.getvalue()


def test_the_month_table_totals_the_same(shop, terminal):
    out = terminal(200)
    show.kpi(shop, "month", D(2026, 3, 1), D(2026, 3, 31))
    headers, rows = parse(out.getvalue())
    assert headers == ["month", *PRIORITY]
    assert rows[-1] == ["total", "", *CHANNELS_IT["total"]]
    assert {r[1]: r[2:] for r in rows[:-1]} == {k: v for k, v in CHANNELS_IT.items() if k != "total"}


# Campaigns, hand-computed: Brand IT 3 leads (three spellings of its name), revenue 20,000, ROI
#   (20,000 - 12,345.67) / 12,345.67 = 62.0 %, CPL 12,345.67 / 3 = 4,115.22, CPA / 400 = 30.86, CPC / 5,000 = 2.47;
#   BV | Retargeting: the order's utm bv_retargeting is its name; the email campaign: the order whose utm
#   starts with its Mailchimp id (500); newsletter_unknown (100) names no campaign.
#   Total: spend 17,345.67, revenue of the campaigns that spent 26,000, ROI (26,000 - 17,345.67) / 17,345.67
#   = 49.9 %, ROAS 27,191.34 / 17,345.67 = 1.57, CPL / 4 leads = 4,336.42, conversions 400 + 50 + 3,
#   CPA / 453 = 38.29, clicks 5,000 + 1,000 + 40, CPC / 6,040 = 2.87, CTR 6,040 / 300,000 = 2.01 %
CAMPAIGNS_IT = [
    ["google_ads", "Brand IT", "12.345,67", "20.000,00", "62,0 %", "2,00", "3", "4.115,22", "400,0", "30,86", "5.000",
     "2,47", "5,00 %", "100.000"],
    ["meta_ads", "BV | Retargeting", "5.000,00", "6.000,00", "20,0 %", "0,50", "1", "5.000,00", "50,0", "100,00",
     "1.000", "5,00", "0,50 %", "200.000"],
    ["email", "Clienti – Promo (07/03/26)", "0,00", "500,00", "–", "–", "0", "–", "3,0", "0,00", "40", "0,00", "–",
     "–"],
    ["total", "", "17.345,67", "26.000,00", "49,9 %", "1,57", "4", "4.336,42", "453,0", "38,29", "6.040", "2,87",
     "2,01 %", "300.000"],
]


def test_campaigns_get_leads_and_revenue_by_utm_email_campaigns_included(shop, terminal):
    out = terminal(240)
    show.kpi(shop, "campaign", None, None)
    headers, rows = parse(out.getvalue())
    assert headers == ["channel", "campaign", "spend", "revenue", "ROI %", "ROAS", "leads", "CPL", "conversions",
                       "CPA", "clicks", "CPC", "CTR", "impressions"]
    assert rows == CAMPAIGNS_IT
    lines = out.getvalue().splitlines()
    assert ("revenue of campaigns without spend (email): 500,00 € — not in the total ROI "
            "([kpi] headline_revenue = \"all\" counts it)") in lines
    assert ("not credited to a campaign: 0 leads and 100,00 € of orders whose utm_campaign names none of their "
            "channel's campaigns (e.g. newsletter_unknown)") in lines


def test_campaign_names_wrap_and_numbers_stay_whole_at_80_columns(shop, terminal):
    out = terminal(80)
    show.kpi(shop, "campaign", None, None)
    text = out.getvalue()
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    headers, rows = parse(text)
    assert headers == ["channel", "campaign", "spend", "revenue", "ROI %", "ROAS", "leads"][:len(headers)]
    assert rows == [row[:len(headers)] for row in CAMPAIGNS_IT]   # the campaign names joined back whole
    assert "not shown at 80 columns: " in text


def test_csv_has_every_column_without_locale(shop, capsys):
    show.kpi(shop, "channel", None, None, as_csv=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "channel,total cost,revenue,ROI %,ROAS,spend,leads,customers,CPL,CAC"
    assert lines[1] == "google_ads,13345.67,20000.00,49.86,2.00,12345.67,3,1,4448.56,13345.67"
    assert len(lines) == 6   # five channels, no totals row


def no_orders(wh: Warehouse) -> None:
    """Google Ads only: 300 spent, 1,500 conversion value, no orders and no email revenue."""
    wh.ad("2026-03-10", campaign_name="Brand", spend=300, conversion_value=1500, impressions=3000, clicks=150,
          conversions=15)
    wh.email("2026-03-11", revenue=None, unique_clicks=10)   # an email platform that reports no revenue


def test_without_a_revenue_source_revenue_and_roi_are_not_shown(tmp_path, empty_warehouse, terminal):
    only_ads = warehouse(tmp_path, empty_warehouse, no_orders)
    out = terminal(200)
    show.kpi(only_ads, "channel", None, None)
    rows = by_first(parse(out.getvalue())[1])
    assert rows["google_ads"] == ["300,00", "–", "–", "5,00", "300,00", "0", "0", "–", "–"]   # not 0 and -100 %
    assert rows["total"][:4] == ["300,00", "–", "–", "5,00"]
    assert out.getvalue().splitlines()[-1] == (
        "no revenue source loaded: revenue and ROI % need orders (kind orders, or a CRM's deals) or an email "
        "platform's revenue — load them with `roi ingest FILE --kind orders`")
    out = terminal(240)
    show.kpi(only_ads, "campaign", None, None)
    assert parse(out.getvalue())[1][0][:6] == ["google_ads", "Brand", "300,00", "–", "–", "5,00"]
    assert "no revenue source loaded" in out.getvalue()


def test_a_period_without_data_names_the_days_loaded(shop, tmp_path, empty_warehouse, terminal):
    out = terminal(200)
    show.kpi(shop, "channel", D(2026, 4, 10), None)
    assert out.getvalue().strip() == ("no data after 2026-03-31 (the last day loaded) — try --from 2026-03-01 "
                                      "--to 2026-03-31")
    out = terminal(200)
    show.kpi(shop, "campaign", None, D(2026, 2, 1))
    assert out.getvalue().strip() == ("no data before 2026-03-01 (the first day loaded) — try --from 2026-03-01 "
                                      "--to 2026-03-31")
    shutil.copy(empty_warehouse, tmp_path / "roi.duckdb")
    out = terminal(200)
    show.kpi(settings(tmp_path / "roi.duckdb"), "channel", D(2026, 4, 10), None)
    assert out.getvalue().strip() == "no data yet — load some with `roi run` or `roi ingest`"
    with pytest.raises(ConfigError, match="--to 2026-03-01 is before --from 2026-03-31"):
        show.kpi(shop, "channel", D(2026, 3, 31), D(2026, 3, 1))


def test_the_demo_kpi_table_fits_80_columns_with_every_number_whole(demo_warehouse, terminal):
    out = terminal(80)
    show.kpi(settings(demo_warehouse), "channel", None, None)
    text = out.getvalue()
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    assert not any("…" in line for line in table_lines(text))
    text, site = text.split("What the site saw")                     # the demo loads GA4: a second table
    headers, rows = parse(text)
    assert headers == PRIORITY[:len(headers)] and len(headers) >= 7
    left_out = PRIORITY[len(headers):]
    assert f"not shown at 80 columns: {', '.join(left_out)} — widen the terminal or use --csv" in text

    def value(cell: str) -> float:   # an Italian cell back to a number
        return float(cell.replace(" %", "").replace(".", "").replace(",", "."))
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        view = {c: (cost, revenue, spend, leads) for c, cost, revenue, spend, leads in con.execute(
            "SELECT channel, sum(total_cost), sum(revenue), sum(spend), sum(leads) FROM marts.channel_daily "
            "GROUP BY channel").fetchall()}
    shown = by_first(rows)
    for channel, (cost, revenue, spend, leads) in view.items():
        if cost == revenue == leads == 0:
            assert channel not in shown
            continue
        cells = shown[channel]
        assert (value(cells[0]), value(cells[1])) == (round(cost, 2), round(revenue, 2)), channel
        assert (value(cells[4]), value(cells[5])) == (round(spend, 2), leads), channel
        if cost:
            assert value(cells[2]) == round((revenue - cost) * 100 / cost, 1), channel
        else:
            assert cells[2] == "–"
    costly = [v for v in view.values() if v[0]]
    total_cost, headline = sum(v[0] for v in costly), sum(v[1] for v in costly)
    assert value(shown["total"][0]) == round(sum(v[0] for v in view.values()), 2)
    assert value(shown["total"][1]) == round(headline, 2)
    assert value(shown["total"][2]) == round((headline - total_cost) * 100 / total_cost, 1)
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:   # the report's headline says the same
        report = con.execute("SELECT total_cost, revenue, roi_pct, roas FROM marts.period_kpis(DATE '1900-01-01', "
                             "DATE '9999-12-31')").fetchone()
    assert [value(c) for c in shown["total"][:4]] == [round(report[0], 2), round(report[1], 2), round(report[2], 1),
                                                      round(report[3], 2)]
    free = sum(v[1] for v in view.values() if not v[0])
    assert f"{free:,.2f}".translate(str.maketrans(",.", ".,")) + " € — not in the total ROI" in " ".join(
        text.splitlines())


# ---------------------------------------------------------------- load tables ----------------------

def load(source: str, status: str, rows_in: int, loaded: int, quarantined: int, error: str | None = None) -> dict:
    return dict(source=source, window_start=D(2016, 12, 7), window_end=D(2026, 12, 5), rows_in=rows_in,
                rows_loaded=loaded, rows_combined=0, rows_quarantined=quarantined, status=status, error=error,
                totals_check=None, combined_by=None)


def test_a_load_table_at_80_columns_keeps_statuses_and_counts_whole_and_wraps_the_notes(terminal):
    error = ("meta_2026_10.csv: the file has no Day column — export it with a daily breakdown "
             "(Breakdown → By time → Day)")
    out = terminal(80)
    show.load_table([load("google_ads_wholesale_en", "succeeded", 1234567, 1234000, 567),
                     load("meta_ads", "failed", 0, 0, 0, error)])
    text = out.getvalue()
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    headers, rows = parse(text)
    # source 16 (wrapped) + rows in 9 + loaded 9 + status 9 + notes 10 + 3 per column + 1 = 69; quarantined
    # (11 + 3) would make 83. No load combined rows: no combined column.
    assert headers == ["source", "rows in", "loaded", "status", "notes"]
    assert "not shown at 80 columns: window, quarantined — widen the terminal" in text.splitlines()
    table = [dict(zip(headers, row)) for row in rows]
    assert [(r["source"], r["rows in"], r["loaded"], r["status"]) for r in table] == [
        ("google_ads_wholesale_en", "1,234,567", "1,234,000", "succeeded"), ("meta_ads", "0", "0", "failed")]
    assert table[1]["notes"].replace(" ", "") == error.replace(" ", "")   # every word, wrapped
    out = terminal(120)
    show.load_table([load("google_ads", "succeeded", 10, 8, 2)])
    assert parse(out.getvalue())[0] == ["source", "window", "rows in", "loaded", "quarantined", "status"]


# ---------------------------------------------------------------- roi query -------------------------

NUMBERS = "SELECT 14100.093897357247 AS x, 9147.729999999996::DOUBLE AS y, 2::DECIMAL(10, 4) AS d, 12345 AS n"


def test_query_rounds_for_reading_and_raw_keeps_every_digit(shop, capsys, terminal):
    show.query(shop, NUMBERS, as_csv=True)
    assert capsys.readouterr().out.splitlines() == ["x,y,d,n", "14100.09,9147.73,2.00,12345"]   # no locale in CSV
    show.query(shop, NUMBERS, as_csv=True, raw=True)
    assert capsys.readouterr().out.splitlines()[1] == "14100.093897357247,9147.729999999996,2.0000,12345"
    out = terminal(80)
    show.query(shop, NUMBERS, as_csv=False)
    assert parse(out.getvalue())[1] == [["14.100,09", "9.147,73", "2,00", "12.345"]]
    out = terminal(80)
    show.query(shop, NUMBERS, as_csv=False, raw=True)
    assert parse(out.getvalue())[1] == [["14100.093897357247", "9147.729999999996", "2.0000", "12345"]]


def test_query_keeps_duckdb_s_order(shop, capsys):
    show.query(shop, "SELECT v FROM (VALUES (3), (1), (2)) AS t(v)", as_csv=True)
    assert capsys.readouterr().out.split() == ["v", "3", "1", "2"]


@pytest.mark.parametrize("sql, first, hint", [
    ("SELECT * FROM marts.kpi_sumary", "Catalog Error: Table with name kpi_sumary does not exist!",
     'Did you mean "'),
    ("SELECT chanel FROM marts.channel_daily", 'Binder Error: Referenced column "chanel" not found in FROM clause!',
     'Candidate bindings: "channel"'),
    ("SELEC 1", 'Parser Error: syntax error at or near "SELEC"', "LINE 1: SELEC 1"),
])
def test_query_errors_keep_every_line_of_duckdb_s_text(shop, sql, first, hint):
    with pytest.raises(RoiError) as failed:
        show.query(shop, sql, as_csv=False)
    lines = str(failed.value).splitlines()
    assert lines[0] == f"query failed: {first}"
    assert any(line.startswith(hint) for line in lines[1:]), lines
    if "kpi_sumary" in sql:
        assert "kpi_summary" in lines[1]


def test_the_site_table_follows_the_channel_table_when_ga4_is_loaded(shop, terminal, tmp_path):
    path = tmp_path / "roi.duckdb"
    shutil.copy(shop.warehouse_path, path)
    with duckdb.connect(str(path)) as con:
        wh = Warehouse(con)
        # google_ads: 4,000 sessions, 160 key events, 8,000.00 of GA4 revenue; spend 12,345.67 (march)
        wh.sessions("2026-03-10", "google_ads", 3000, key_events=100, revenue=5000, utm_source="google",
                    utm_medium="cpc", utm_campaign="Brand IT")
        wh.sessions("2026-03-11", "google_ads", 1000, key_events=60, revenue=3000, utm_source="google",
                    utm_medium="cpc", utm_campaign="Brand IT")
        wh.sessions("2026-03-14", "direct", 500, key_events=10, revenue=900)
        wh.search("2026-03-14", 80, 2000, 7.5)
    out = terminal(220)
    show.kpi(settings(path), "channel", None, None)
    text = out.getvalue()
    assert text.count("┏") == 2 and "What the site saw, money in EUR" in text
    headers, rows = parse(text[text.index("What the site saw"):])
    assert headers == ["channel", "sessions", "conv. rate", "revenue/session", "cost/session", "platform conv.",
                       "key events", "orders (UTM)", "claimed ÷ site", "search clicks", "avg position"]
    site = by_first(rows)
    # google: 160 / 4,000 = 4 %; 8,000 / 4,000 = 2,00; 12,345.67 / 4,000 = 3,09; Google claims 400 = 2,50 × 160
    assert site["google_ads"] == ["4.000", "4,00 %", "2,00", "3,09", "400,0", "160,0", "1", "2,50", "–", "–"]
    assert site["direct"] == ["500", "2,00 %", "1,80", "–", "–", "10,0", "1", "–", "–", "–"]
    assert site["organic_search"] == ["0", "–", "–", "–", "–", "0,0", "0", "–", "80", "7,5"]
    # without GA4 or Search Console, one table only
    out = terminal(220)
    show.kpi(shop, "channel", None, None)
    assert out.getvalue().count("┏") == 1


def test_a_warehouse_an_older_roi_built_has_no_site_table_and_no_error(shop, terminal, tmp_path):
    path = tmp_path / "roi.duckdb"
    shutil.copy(shop.warehouse_path, path)
    with duckdb.connect(str(path)) as con:       # as before GA4 came: no site tables, no site macro
        con.execute("DROP MACRO TABLE int.web_channel_period")
        con.execute("DROP VIEW marts.conversion_gap")
        con.execute("DROP VIEW marts.web_channel_daily")
        con.execute("DROP VIEW stg.organic_search_days")
        con.execute("DROP VIEW stg.web_sessions")
        con.execute("DROP TABLE core.web_sessions")
        con.execute("DROP TABLE core.organic_search")
    out = terminal(220)
    show.kpi(settings(path), "channel", None, None)
    assert out.getvalue().count("┏") == 1 and "google_ads" in out.getvalue()
