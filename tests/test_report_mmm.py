"""roi report's media-mix section: the latest fit beside what last touch credits each channel, its curves, its
latest plan and its doubts, in Italian and English; no section (and no error) without a fit or the mmm tables."""
import json
import re
import shutil

import duckdb
import pytest

from roi.outputs import report
from roi.warehouse.build import build
from test_report import MARCH, section_rows, small_warehouse
from viewkit import Warehouse

FIT = dict(period_start="2025-01-06", period_end="2026-03-29", weeks=64, outcome="revenue", currency="EUR",
           outcome_total=12800, method="NUTS (nutpie), 2 chains × 500 draws", quick=False, r_hat_max=1.01,
           divergences=3, ess_bulk_min=400, mape=0.081, r2=0.87)
DOUBTS = [["short_history", None, 64], ["wide_interval", "meta_ads", 3.8], ["seasonal_spend", "google_ads", 0.72],
          ["divergences", None, 3]]


def fit(con, fit_id: str, fitted_at: str, channels: dict, doubts=(), **values) -> None:
    """A fit and its channels (channel -> spend, incremental, p05, p95, roi, roi_p05, roi_p95, share)."""
    row = {**FIT, **values, "fit_id": fit_id, "fitted_at": fitted_at, "doubts": json.dumps(list(doubts))}
    con.execute(f"INSERT INTO mmm.fits ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    for channel, numbers in channels.items():
        con.execute("INSERT INTO mmm.channel_roi VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.4)",
                    [fit_id, channel, *numbers])


def curve(con, fit_id: str, channel: str, points: list[tuple]) -> None:
    for spend, mean, low, high in points:
        con.execute("INSERT INTO mmm.response_curves VALUES (?, ?, ?, ?, ?, ?)",
                    [fit_id, channel, spend, mean, low, high])


def plan(con, plan_id: str, fit_id: str, planned_at: str, gain: tuple, lines: dict, weeks: int = 4) -> None:
    """A plan and its lines (channel -> bucket, current_weekly, planned_weekly, outcome_current, outcome_planned)."""
    budget = sum(line[2] for line in lines.values()) * weeks
    con.execute("INSERT INTO mmm.plans VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [plan_id, fit_id, planned_at, weeks, budget,
                                                                          *gain])
    for channel, (bucket, current, planned, out_now, out_plan) in lines.items():
        con.execute("INSERT INTO mmm.plan_channels VALUES (?, ?, ?, ?, ?, 0, 1000, ?, ?, 1, 1)",
                    [plan_id, channel, bucket, current, planned, out_now, out_plan])


def fitted_warehouse(con) -> None:
    """small_warehouse (March 2026: Google spend 1000 on the 10th with orders 1200 + 800 + 300, Meta spend 500 on
    the 15th with an order of 400; in February Google spend 500, an order of 600) plus Google spend 100 and an
    order of 3660 in February. Over the fit (6 Jan 2025 – 29 Mar 2026) last touch credits Google (1200 + 800 + 300
    + 600 + 3660) / (1000 + 500 + 100) = 4.10 € per € and Meta 400 / 500 = 0.80; their weekly spend over the
    last 4 weeks (2 – 29 March) is 1000 / 4 = 250 and 500 / 4 = 125. The model: Google 1.60 (0.90 – 2.40), Meta 1.10 (0.50 – 1.90)."""
    build(con)
    wh = Warehouse(con)
    small_warehouse(wh)
    wh.ad("2026-02-03", spend=100, impressions=1000, clicks=10)          # before the fit's last 4 weeks
    wh.order("o5", "2026-02-04", 3660, customer_id="c5", is_first_order=True)
    fit(con, "old", "2026-02-01 12:00:00+00", {"google_ads": (900, 9000, 1, 2, 10.0, 9.0, 11.0, 0.9)})
    fit(con, "f1", "2026-04-02 12:00:00+00", {
        "google_ads": (1600, 2560, 1440, 3840, 1.6, 0.9, 2.4, 0.2),
        "meta_ads": (500, 550, 250, 950, 1.1, 0.5, 1.9, 0.05)}, doubts=DOUBTS)
    # a later --quick preview does not replace a full fit
    fit(con, "q1", "2026-04-03 12:00:00+00", {"google_ads": (1600, 99, 99, 99, 0.06, 0.06, 0.06, 0.01)}, quick=True)
    curve(con, "f1", "google_ads", [(0, 0, 0, 0), (200, 400, 300, 500), (400, 600, 450, 800)])
    curve(con, "f1", "meta_ads", [(0, 0, 0, 0), (100, 150, 80, 200), (200, 250, 150, 340)])
    lines = {"google_ads": ("proven", 250, 200, 1800, 1600), "meta_ads": ("new", 125, 200, 500, 700)}
    plan(con, "p0", "f1", "2026-04-02 13:00:00+00", (999, 1, 2000), lines)
    plan(con, "p1", "f1", "2026-04-02 14:00:00+00", (300, -20, 640), lines)
    plan(con, "p9", "old", "2026-04-05 12:00:00+00", (5, 1, 9), lines)    # another fit's plan


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("report_mmm") / "roi.duckdb"
    with duckdb.connect(str(path)) as con:
        fitted_warehouse(con)
    return path


def render(path, lang: str) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return report.render_report(con, *MARCH, lang=lang)


def section(page: str) -> str:
    found = re.search(r'<section id="mmm">(.*?)</section>', page, re.S)
    assert found, "no mmm section"
    return found.group(1)


def sentences(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", s).replace("&#x27;", "'") for s in re.findall(r"<li>(.*?)</li>", section(page))]


def charts(page: str) -> list[dict]:
    return json.loads(re.search(r"var ROI_CHARTS = (.*?);\n", page).group(1))


def test_each_channel_incremental_beside_last_touch_in_english(warehouse):
    page = render(warehouse, "en")
    lead = re.search(r'<p class="lead">(.*?)</p>', section(page)).group(1)
    assert lead.startswith("Fitted on 2 Apr 2026 over the 64 weeks 6 Jan 2025 – 29 Mar 2026, whatever the report")
    assert lead.endswith("Fit error 8.1% (MAPE), R² 0.87.")
    rows = section_rows(page, "mmm")
    # channel, media spend, incremental revenue, 5–95 %, incremental ROI, 5–95 %, ROAS (last touch), share
    assert rows[:2] == [
        ["Google Ads", "€1,600.00", "€2,560.00", "€1,440.00 – €3,840.00", "1.60", "0.90 – 2.40", "4.10", "20.0%"],
        ["Meta Ads", "€500.00", "€550.00", "€250.00 – €950.00", "1.10", "0.50 – 1.90", "0.80", "5.0%"],
    ]
    # the plan p1 (the latest of fit f1): today and planned over its 4 weeks, the outcome expected at each
    assert rows[2:4] == [
        ["Google Ads", "Proven (70%)", "€1,000.00", "€800.00", "−20.0%", "€1,800.00", "€1,600.00"],
        ["Meta Ads", "New (20%)", "€500.00", "€800.00", "60.0%", "€500.00", "€700.00"],
    ]
    # 70/20/10: today 250 / 375 and 125 / 375, planned 200 / 400 each
    assert rows[4:] == [["Proven (70%)", "66.7%", "50.0%", "70.0%"], ["New (20%)", "33.3%", "50.0%", "20.0%"]]
    assert "Budget plan of 2 Apr 2026: €1,600.00 over 4 weeks" in page
    assert ("Expected gain over today&#x27;s allocation: €300.00 over 4 weeks (5–95 %: −€20.00 to €640.00). "
            "The interval includes no gain at all") in page
    assert sentences(page) == [
        "Google Ads: last touch credits it €4.10 per €, the model €1.60: part of what it is credited would have "
        "happened anyway.",
        "Only 64 weeks of history: with less than two years, the ROIs of steady channels can be off by 2×; fit "
        "again as history grows.",
        "Meta Ads: the interval is wide (its top is 3.8× its bottom): the data cannot pin this channel down; vary "
        "its spend (a few weeks up, a few down) to learn more.",
        "Google Ads: its spend moves with the season (correlation 0.72), so part of the season's sales may be "
        "credited to it or taken from it.",
        "3 divergent transitions: the intervals may be too narrow.",
    ]


def test_the_section_in_italian(warehouse):
    page = render(warehouse, "it")
    rows = section_rows(page, "mmm")
    assert rows[0] == ["Google Ads", "1.600,00 €", "2.560,00 €", "1.440,00 € – 3.840,00 €", "1,60", "0,90 – 2,40",
                       "4,10", "20,0%"]
    assert rows[2] == ["Google Ads", "Consolidato (70%)", "1.000,00 €", "800,00 €", "−20,0%", "1.800,00 €",
                       "1.600,00 €"]
    assert "<h2>Modello media-mix: cosa aggiunge ogni canale</h2>" in page
    assert "Stima del 02/04/2026 sulle 64 settimane dal 06/01/2025 al 29/03/2026" in page
    assert ("Guadagno atteso rispetto alla ripartizione di oggi: 300,00 € in 4 settimane (5–95 %: da −20,00 € a "
            "640,00 €). L&#x27;intervallo comprende anche nessun guadagno") in page
    said = sentences(page)
    assert said[0] == ("Google Ads: l'ultimo contatto gli attribuisce 4,10 € per €, il modello 1,60 €: parte di ciò "
                       "che gli viene attribuito sarebbe successo comunque.")
    assert said[1].startswith("Solo 64 settimane di storico")
    assert said[2].startswith("Meta Ads: l'intervallo è ampio (il massimo è 3,8 volte il minimo)")
    assert said[3].startswith("Google Ads: la sua spesa segue la stagione (correlazione 0,72)")
    assert said[4] == "3 transizioni divergenti: gli intervalli potrebbero essere troppo stretti."


def test_the_roi_chart_and_each_channel_on_its_curve(warehouse):
    drawn = charts(render(warehouse, "en"))
    roi = next(c for c in drawn if c["layout"].get("shapes"))
    model, touch = roi["data"]
    assert (model["y"], model["x"], touch["x"]) == (["Meta Ads", "Google Ads"], [1.1, 1.6], [0.8, pytest.approx(4.1)])
    assert model["error_x"]["array"] == pytest.approx([0.8, 0.8])                 # 1.9 - 1.1, 2.4 - 1.6
    assert model["error_x"]["arrayminus"] == pytest.approx([0.6, 0.7])            # 1.1 - 0.5, 1.6 - 0.9
    assert roi["layout"]["shapes"][0]["x0"] == 1                                   # pays the media back
    curves = {c["layout"]["title"]["text"]: c["data"] for c in drawn if "title" in c["layout"]}
    google, meta = curves["Google Ads"], curves["Meta Ads"]
    assert [t.get("fill") for t in google] == [None, "tonexty", None, None]       # the band, the mean, today
    assert google[1]["y"] == [0, 300, 450]
    # today: 250 a week, between 200 (400) and 400 (600) on the curve: 400 + 200 × 50 / 200 = 450
    assert (google[3]["x"], google[3]["y"]) == ([250.0], [450.0])
    assert google[3]["hovertemplate"].startswith("Today: €250.00 a week → €450.00")
    assert (meta[3]["x"], meta[3]["y"]) == ([125.0], [175.0])                      # 150 + 100 × 25 / 100


def test_a_quick_preview_says_so_and_shows_no_intervals(tmp_path):
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        build(con)
        small_warehouse(Warehouse(con))
        fit(con, "q1", "2026-04-03 12:00:00+00", {"google_ads": (1000, 2500, 2500, 2500, 2.5, 2.5, 2.5, 0.3)},
            quick=True, r_hat_max=None, divergences=None, method="MAP (quick preview)", period_start="2026-03-02",
            weeks=4)
        curve(con, "q1", "google_ads", [(0, 0, 0, 0), (500, 800, 800, 800)])
    page = render(tmp_path / "roi.duckdb", "en")
    # March: Google's spend 1000, its orders 1200 + 800 + 300 = 2300: last touch 2.30 € per €
    assert section_rows(page, "mmm") == [["Google Ads", "€1,000.00", "€2,500.00", "2.50", "2.30", "30.0%"]]
    assert "5–95 %</th>" not in section(page)
    assert sentences(page) == [
        "Google Ads: last touch credits it €2.30 per €, the model €2.50: it brings more than it is credited (views, "
        "other devices, later visits).",
        "This is a quick fit (--quick): a preview without intervals; run `roi mmm` without --quick before acting "
        "on it.",
    ]
    assert not any(t.get("fill") or t.get("error_x") for c in charts(page) for t in c["data"])


def test_no_fit_no_section_and_an_older_warehouse_still_renders(tmp_path):
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        build(con)
        small_warehouse(Warehouse(con))
    for lang in ("it", "en"):
        page = render(tmp_path / "roi.duckdb", lang)
        assert 'id="mmm"' not in page and 'id="budget"' in page
    # a warehouse built before `roi mmm`: neither the mmm tables nor the views over them
    old = tmp_path / "old.duckdb"
    shutil.copy(tmp_path / "roi.duckdb", old)
    with duckdb.connect(str(old)) as con:
        for view in ("mmm_plan", "mmm_response_curves", "mmm_channel_roi"):
            con.execute(f"DROP VIEW marts.{view}")
        con.execute("DROP SCHEMA mmm CASCADE")
    page = render(old, "en")
    assert 'id="mmm"' not in page and 'id="budget"' in page


def test_the_views_without_their_tables_leave_the_section_out(warehouse, tmp_path):
    """The mmm schema dropped under views that still name it: no section, no error."""
    path = tmp_path / "roi.duckdb"
    shutil.copy(warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP SCHEMA mmm CASCADE")
    assert 'id="mmm"' not in render(path, "it")


def test_a_report_on_views_of_another_roi_version_says_how_to_rebuild_them(tmp_path):
    """An upgrade, before the first load: the stored views lack the report's macros; one line, not a traceback."""
    import duckdb as _duckdb

    from roi.contracts.errors import RoiError
    from roi.outputs.report import write_report
    from roi.warehouse import build
    path = tmp_path / "old.duckdb"
    with _duckdb.connect(str(path)) as con:
        build.build(con)
        con.execute("DROP MACRO TABLE marts.channel_daily_between")
        con.execute("UPDATE ops.settings SET value = 'an older roi' WHERE key = ?", [build.HASH_KEY])
    with pytest.raises(RoiError, match="^this warehouse's views were built by another version of roi and lack what "
                                       "the report reads: `roi run` or `roi ingest` rebuilds them"):
        write_report(path, tmp_path / "r.html")
