"""roi report: headline numbers checked against a hand-computed warehouse, rendered offline in headless Chromium."""
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from roi.outputs import report
from viewkit import Warehouse
from roi.warehouse.build import build

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
MARCH = (D(2026, 3, 1), D(2026, 3, 31))     # previous period of equal length: 29 January - 28 February


def small_warehouse(wh: Warehouse) -> None:
    """March 2026: Google spend 1000 (conversion value 3000) + staff 310, Meta spend 500 (value 500);
    orders 1200 + 800 (Google, new), 400 (Meta, new), 300 (repeat of the first Google customer).
    February: Google spend 500 (value 1000), one new customer 600. A January lead: the records begin
    before the previous period (29 January - 28 February), so March compares with it."""
    wh.settings(as_of="2026-03-31")
    wh.ad("2026-03-10", spend=1000, conversion_value=3000, impressions=50000, clicks=900, conversions=60)
    wh.ad("2026-03-15", platform="meta_ads", source="meta", spend=500, conversion_value=500, impressions=40000,
          clicks=700, conversions=20)
    wh.cost("2026-03-01", 310, end="2026-03-31", cost_type="staff")
    wh.order("o1", "2026-03-11", 1200, customer_id="c1", is_first_order=True)
    wh.order("o2", "2026-03-12", 800, customer_id="c2", is_first_order=True)
    wh.order("o3", "2026-03-16", 400, customer_id="c3", is_first_order=True, channel="meta_ads")
    wh.order("o4", "2026-03-20", 300, customer_id="c1", is_first_order=False)
    wh.ad("2026-02-10", spend=500, conversion_value=1000, impressions=20000, clicks=400, conversions=25)
    wh.order("o0", "2026-02-11", 600, customer_id="c0", is_first_order=True)
    wh.lead("l_jan", "2026-01-20")
    # A returning customer's order with no cost behind it: beside the headline, never in it.
    wh.order("o9", "2026-03-25", 500, customer_id="c9", is_first_order=False, channel="direct")
    for n in range(6):
        wh.lead(f"l{n}", "2026-03-05", mql_date="2026-03-06" if n < 4 else None,
                sql_date="2026-03-08" if n < 3 else None, customer_date="2026-03-11" if n < 2 else None)
    wh.email("2026-03-18", campaign_id="m1", campaign_name="Primavera 🌸", recipients=1000, delivered=980,
             unique_opens=300, unique_clicks=49, hard_bounces=15, soft_bounces=5, unsubscribes=2, revenue=250)
    wh.budget("2026-03-01", "google_ads", 1500)
    wh.budget("2026-03-01", "meta_ads", 300, bucket="new")
    wh.goal("g1", "revenue", 5000, "2026-03-01", "2026-06-30", name="Ricavi Q2")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "roi.duckdb"
    con = duckdb.connect(str(path))
    build(con)
    small_warehouse(Warehouse(con))
    con.close()
    return path


# Hand-computed, March vs 29 Jan - 28 Feb:
#   spend 1000 + 500 = 1500 (prev 500); total cost 1500 + 310 staff = 1810 (prev 500)
#   revenue 1200 + 800 + 400 + 300 = 2700 (prev 600); ROI (2700 - 1810) / 1810 = 49.17 % (prev 20 %)
#   ROAS (3000 + 500) / 1500 = 2.33 (prev 2.00); CAC 1810 / 3 new customers = 603.33 (prev 500)
#   LTV:CAC, March cohorts: revenue to date 2300 (Google) + 400 (Meta) / acquisition cost 1310 + 500 = 1.49;
#   February cohort: 600 / 500 = 1.20
ITALIAN = {"spend": "1.500,00 €", "total_cost": "1.810,00 €", "revenue": "2.700,00 €", "roi_pct": "49,2%",
           "roas": "2,33", "cac": "603,33 €", "ltv_cac": "1,49"}
ENGLISH = {"spend": "€1,500.00", "total_cost": "€1,810.00", "revenue": "€2,700.00", "roi_pct": "49.2%",
           "roas": "2.33", "cac": "€603.33", "ltv_cac": "1.49"}
ITALIAN_PREV = {"spend": "500,00 €", "total_cost": "500,00 €", "revenue": "600,00 €", "roi_pct": "20,0%",
                "roas": "2,00", "cac": "500,00 €", "ltv_cac": "1,20"}


def cards(page: str) -> dict:
    return dict(re.findall(r'data-kpi="(\w+)"><div class="label">[^<]*</div><div class="value">([^<]*)</div>', page))


def previous(page: str) -> dict:
    found = re.findall(r'data-kpi-prev="(\w+)">[^<\d]*([^<]*)</div>', page)
    return {k: v for k, v in found}


def test_headline_numbers_match_the_warehouse(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        italian = report.render_report(con, *MARCH, lang="it")
        english = report.render_report(con, *MARCH, lang="en")
        now = report.headline(con, report.Period(*MARCH))
    assert float(now["roi_pct"]) == pytest.approx((2700 - 1810) * 100 / 1810)
    assert float(now["ltv_to_cac"]) == pytest.approx(2700 / 1810)
    assert cards(italian) == ITALIAN
    assert previous(italian) == ITALIAN_PREV
    assert cards(english) == ENGLISH
    assert "+29,2 pp" in italian and "+29.2 pp" in english              # ROI 49.2 % vs 20.0 %
    assert "1 – 31 marzo 2026 · confronto con 29 gennaio – 28 febbraio 2026" in italian
    assert "1 – 31 March 2026 · compared with 29 January – 28 February 2026" in english
    assert "Primavera 🌸" in italian and "30,6%" in italian                # open rate 300 / 980
    assert report._plotly_js() in italian                                  # the chart library, inline
    ours = italian.replace(report._plotly_js(), "")
    assert not re.search(r'(src|href)="(https?:)?//', ours)                 # nothing else to fetch


def test_empty_previous_period_and_bad_arguments(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        page = report.render_report(con, D(2026, 2, 1), D(2026, 3, 31), lang="en")
        # February 1 - March 31 against 4 December - 31 January: the records begin on 20 January.
        assert "no comparable period: the data starts on 20 Jan 2026, after the previous period starts " \
               "(4 Dec 2025)" in page
        assert set(re.findall(r'data-kpi-prev="\w+">([^<]*)<', page)) == {"no comparable period"}
        assert 'class="delta' not in page
        with pytest.raises(report.ConfigError):
            report.render_report(con, D(2026, 3, 31), D(2026, 3, 1))
        with pytest.raises(report.ConfigError):
            report.render_report(con, *MARCH, lang="de")
        default = report.resolve_period(con, None, None)
    assert (default.start, default.end) == (D(2026, 3, 2), D(2026, 3, 31))   # 30 days up to the latest data


def test_revenue_without_cost_is_beside_the_headline_and_new_sources_are_named(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        page = report.render_report(con, *MARCH, lang="en")
        now = report.headline(con, report.Period(*MARCH))
    # direct carries no cost: its 500 is free revenue; ROI stays (2700 - 1810) / 1810
    assert (float(now["revenue"]), float(now["free_revenue"]), now["free_revenue_channels"]) == (2700, 500, "direct")
    assert "channels with cost; + €500.00 from Direct (no cost), not in ROI" in page
    # the records reach back before the previous period (29 January), each of these sources starts after it
    assert ("Sources that start after the previous period began, so it holds fewer of their days: gads (from 10 Feb "
            "2026), shop (from 11 Feb 2026), costs (from 1 Mar 2026), meta (from 15 Mar 2026), mc (from 18 Mar "
            "2026).") in page
    assert "Leads are counted by the lead&#x27;s channel, customers by the channel of the order" in page


def test_headline_revenue_all_counts_every_channel(tmp_path):
    con = duckdb.connect(str(tmp_path / "roi.duckdb"))
    build(con)
    wh = Warehouse(con)
    small_warehouse(wh)
    wh.settings(as_of="2026-03-31", headline_revenue="all")
    now = report.headline(con, report.Period(*MARCH))
    con.close()
    assert (float(now["revenue"]), float(now["free_revenue"])) == (3200, 0)
    assert float(now["roi_pct"]) == pytest.approx((3200 - 1810) * 100 / 1810)


def test_no_revenue_source_is_said_not_shown_as_minus_100(tmp_path):
    con = duckdb.connect(str(tmp_path / "roi.duckdb"))
    build(con)
    wh = Warehouse(con)
    wh.settings(as_of="2026-03-31")
    wh.ad("2026-03-10", spend=1000, conversion_value=3000, impressions=50000, clicks=900, conversions=60)
    page = report.render_report(con, *MARCH, lang="en")
    now = report.headline(con, report.Period(*MARCH))
    con.close()
    assert (now["revenue"], now["roi_pct"], now["has_revenue_source"]) == (None, None, False)
    assert cards(page)["roi_pct"] == "–" and cards(page)["revenue"] == "–"
    assert page.count("no revenue source loaded (orders or CRM): ROI cannot be computed") == 2


def test_cohort_months_of_a_period():
    assert report.Period(D(2026, 10, 2), D(2026, 10, 31)).cohort_months() == [D(2026, 10, 1)]
    assert report.Period(D(2026, 9, 2), D(2026, 10, 1)).cohort_months() == [D(2026, 9, 1)]
    assert report.Period(D(2026, 3, 10), D(2026, 3, 16)).cohort_months() == [D(2026, 3, 1)]
    assert report.Period(D(2026, 1, 29), D(2026, 2, 28)).cohort_months() == [D(2026, 2, 1)]


def test_keyword_months_are_every_month_the_period_touches():
    # A default period ending on the 2nd still shows that month's keywords (the marts are monthly).
    assert report.Period(D(2026, 5, 4), D(2026, 6, 2)).touched_months() == [D(2026, 5, 1), D(2026, 6, 1)]
    assert report.Period(D(2026, 3, 10), D(2026, 3, 16)).touched_months() == [D(2026, 3, 1)]
    assert report.Period(D(2025, 12, 20), D(2026, 2, 1)).touched_months() == [D(2025, 12, 1), D(2026, 1, 1),
                                                                              D(2026, 2, 1)]


def test_numbers_follow_the_language():
    it, en = report.Fmt("it", "EUR"), report.Fmt("en", "EUR")
    assert (it.money(1234.5), en.money(1234.5)) == ("1.234,50 €", "€1,234.50")
    assert (it.money(-50), en.money(-50)) == ("−50,00 €", "−€50.00")
    assert (it.pct(0.031), en.pct(0.031)) == ("3,1%", "3.1%")
    assert (it.num(1234567), en.num(1234567)) == ("1.234.567", "1,234,567")
    assert report.Fmt("en", "CHF").money(10) == "CHF 10.00"


def chromium(*args, tmp_path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
               *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install -y chromium)")
def test_report_renders_offline_in_chromium(warehouse, tmp_path):
    page = report.write_report(warehouse, tmp_path / "report.html", *MARCH, lang="it")
    screenshot = ROOT / "data" / "report.png"
    screenshot.parent.mkdir(exist_ok=True)
    screenshot.unlink(missing_ok=True)
    shown = chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", "--hide-scrollbars",
                     "--window-size=1400,4000", f"--screenshot={screenshot}", "--dump-dom", page.as_uri(),
                     tmp_path=tmp_path)
    dom = shown.stdout
    charts = len(re.findall(r'id="chart-\d+"', dom))
    assert charts >= 9
    assert f'data-charts-rendered="{charts}"' in dom                  # every Plotly.newPlot resolved
    assert dom.count('class="main-svg"') >= 2 * charts                # plotly drew each chart
    assert "data-js-error=\"" not in dom                             # window.onerror never fired
    console = [line for line in shown.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console                                        # no error, no warning, no log
    assert cards(dom) == ITALIAN                                       # the numbers the manager sees
    assert screenshot.is_file() and screenshot.stat().st_size > 50_000


def section_rows(page: str, section: str) -> list[list[str]]:
    """The text of each body cell of a section's tables, row by row (without the small print under a name)."""
    found = re.search(rf'<section id="{section}">(.*?)</section>', page, re.S)
    assert found, f"no {section} section"
    body = "".join(re.findall(r"<tbody>(.*?)</tbody>", found.group(1), re.S))
    return [[_cell_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _cell_text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<div class="bar-label">.*?</div>', "", cell))).strip()


def test_keywords_and_wasted_search_terms_appear_only_with_such_rows(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        plain = report.render_report(con, *MARCH, lang="en")
    assert 'id="keywords"' not in plain and 'id="wasted"' not in plain        # no keyword rows loaded
    path = tmp_path / "roi.duckdb"
    con = duckdb.connect(str(path))
    build(con)
    wh = Warehouse(con)
    small_warehouse(wh)
    wh.rate("2026-03-01", "USD", 2.0)                                          # 1 EUR = 2 USD
    wh.keyword("2026-03-05", keyword="scarpe running", campaign_name="Scarpe", ad_group_name="Running",
               spend=100, impressions=4000, clicks=150, conversions=4, conversion_value=300)
    wh.keyword("2026-03-20", keyword="scarpe running", campaign_name="Scarpe", ad_group_name="Running",
               spend=200, impressions=6000, clicks=250, conversions=8, conversion_value=600)
    wh.keyword("2026-03-06", keyword="scarpe trail", match_type="phrase", campaign_name="Scarpe",
               ad_group_name="Trail", ad_group_id="g2", spend=120, impressions=2000, clicks=60)
    wh.keyword("2026-03-07", keyword="running shoes", match_type="broad", currency="USD", campaign_name="Shoes US",
               ad_group_name="Running", campaign_id="c9", spend=100, impressions=1000, clicks=25, conversions=1,
               conversion_value=30)                                           # 50 EUR, 15 EUR
    wh.keyword("2026-02-10", keyword="scarpe inverno", spend=999, clicks=9, impressions=99)   # another month
    wh.search_term("2026-03-05", "scarpe gratis", keyword="scarpe running", match_type="exact",
                   campaign_name="Scarpe", ad_group_name="Running", spend=45.5, clicks=30, impressions=900)
    wh.search_term("2026-03-09", "scarpe usate", keyword="scarpe", match_type="broad",
                   campaign_name="Scarpe", ad_group_name="Trail", ad_group_id="g2", spend=12, clicks=4)
    wh.search_term("2026-03-05", "scarpe running nike", keyword="scarpe running", match_type="exact",
                   campaign_name="Scarpe", ad_group_name="Running", spend=80, clicks=40, conversions=2)
    wh.search_term("2026-03-05", "lavoro scarpe", keyword="scarpe", campaign_name="Scarpe", ad_group_name="Trail",
                   ad_group_id="g2", spend=9, clicks=3)                      # 9 is not above 10
    con.close()
    with duckdb.connect(str(path), read_only=True) as con:
        italian = report.render_report(con, *MARCH, lang="it")
        english = report.render_report(con, *MARCH, lang="en")
    # keyword, match type, campaign, ad group, spend, impressions, clicks, CTR, CPC, conversions, CPA, ROAS
    assert section_rows(italian, "keywords") == [
        ["scarpe running", "esatta", "Scarpe", "Running", "300,00 €", "10.000", "400", "4,0%", "0,75 €",
         "12,0", "25,00 €", "3,00"],                                            # 300/400, 300/12, 900/300
        ["scarpe trail", "a frase", "Scarpe", "Trail", "120,00 €", "2.000", "60", "3,0%", "2,00 €", "0,0", "–",
         "0,00"],
        ["running shoes", "generica", "Shoes US", "Running", "50,00 €", "1.000", "25", "2,5%", "2,00 €", "1,0",
         "50,00 €", "0,30"],                                                    # dollars at 2 per euro
    ]
    assert "Le 3 parole chiave con più spesa in marzo 2026 (su 3)" in italian
    # search term, matched keywords, campaign, ad group, clicks, spend, CPC
    assert section_rows(italian, "wasted") == [
        ["scarpe gratis", "[scarpe running]", "Scarpe", "Running", "30", "45,50 €", "1,52 €"],
        ["scarpe usate", "scarpe", "Scarpe", "Trail", "4", "12,00 €", "3,00 €"],
    ]
    assert "più di 10,00 € senza nessuna conversione" in italian
    assert "2 termini, 57,50 € di spesa senza conversioni." in italian
    assert section_rows(english, "keywords")[0][:6] == ["scarpe running", "exact", "Scarpe", "Running", "€300.00",
                                                        "10,000"]
    assert "<h2>Keywords</h2>" in english and "<h2>Wasted search terms</h2>" in english
    assert "2 terms, €57.50 spent without a conversion." in english


def test_the_site_section_sets_what_platforms_claim_beside_what_the_site_saw(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert 'id="site"' not in report.render_report(con, *MARCH, lang="en")   # no GA4 loaded: no section
    path = tmp_path / "roi.duckdb"
    shutil.copy(warehouse, path)
    with duckdb.connect(str(path)) as con:
        wh = Warehouse(con)
        # Google (spend 1000, claims 60): 1,500 sessions, 24 key events, 2,250 € of GA4 revenue;
        # Meta (spend 500, claims 20): 1,000 sessions, 5 key events; direct 400 sessions
        wh.sessions("2026-03-10", "google_ads", 1500, key_events=24, revenue=2250, utm_source="google",
                    utm_medium="cpc")
        wh.sessions("2026-03-15", "meta_ads", 1000, key_events=5, revenue=400, utm_source="facebook",
                    utm_medium="paid_social")
        wh.sessions("2026-03-25", "direct", 400, key_events=2, revenue=500)
    with duckdb.connect(str(path), read_only=True) as con:
        english = report.render_report(con, *MARCH, lang="en")
        italian = report.render_report(con, *MARCH, lang="it")
    # channel, sessions, conversion rate, revenue/session, cost/session, claimed, key events, orders (UTM),
    # claimed ÷ site, organic clicks, avg position
    assert section_rows(english, "site") == [
        ["Google Ads", "1,500", "1.6%", "€1.50", "€0.67", "60.0", "24.0", "3", "2.50", "–", "–"],
        ["Meta Ads", "1,000", "0.5%", "€0.40", "€0.50", "20.0", "5.0", "1", "4.00", "–", "–"],
        ["Direct", "400", "0.5%", "€1.25", "–", "–", "2.0", "1", "–", "–", "–"],
    ]
    assert "Meta Ads claims 4.00 times the conversions the site saw." in english
    assert "Meta Ads dichiara 4,00 volte le conversioni che il sito ha visto." in italian
