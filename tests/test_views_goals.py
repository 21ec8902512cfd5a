"""marts.goal_progress: current value from summed parts, progress against linear time, the four statuses."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def data(wh):
    """as_of 10 March 2024. google_ads 1-10 March: spend 10/day, clicks 20/day, 1000 impressions/day;
    12 leads, 2 of them converted; revenue 1200. February: spend 1000, 40 leads. meta_ads: spend 60 on 1 March."""
    wh.settings(as_of="2024-03-10")
    for d in range(1, 11):
        wh.ad(f"2024-03-{d:02d}", spend=10, clicks=20, impressions=1000)
    for n in range(12):
        wh.lead(f"m{n}", f"2024-03-{n % 10 + 1:02d}", customer_date="2024-03-09" if n < 2 else None)
    wh.order("o1", "2024-03-05", 700, is_first_order=True)
    wh.order("o2", "2024-03-05", 500, is_first_order=True)
    wh.order("o3", "2024-03-20", 5000, is_first_order=True)          # after as_of: not counted
    wh.ad("2024-02-10", spend=1000)
    for n in range(40):
        wh.lead(f"f{n}", "2024-02-10")
    wh.ad("2024-03-01", platform="meta_ads", source="meta", spend=60)


def goals(wh):
    rows = wh.rows("SELECT * FROM marts.goal_progress")
    return {r["goal_id"]: r for r in rows}


def test_on_track_at_risk_missed_before_and_after_the_deadline(wh):
    data(wh)
    # March goals: 30-day window 1..30 March, 10 days elapsed -> expected 33.33 %
    wh.goal("revenue", "revenue", 1000, "2024-03-01", "2024-03-30")
    wh.goal("leads", "leads", 30, "2024-03-01", "2024-03-30")
    # a count's baseline is last period's total, not a starting level: progress stays 12 / 30
    wh.goal("leads_vs_last_year", "leads", 30, "2024-03-01", "2024-03-30", baseline_value=25)
    wh.goal("clicks", "clicks", 1000, "2024-03-01", "2024-03-30")
    wh.goal("feb_leads", "leads", 100, "2024-02-01", "2024-02-29")
    by = goals(wh)
    assert by["revenue"]["current_value"] == approx(1200)           # 700 + 500; 5000 is after as_of
    assert by["revenue"]["progress_pct"] == approx(120)
    assert by["revenue"]["status"] == "on_track"                    # met, but 20 days to go
    assert by["leads"]["current_value"] == approx(12)
    assert by["leads"]["progress_pct"] == approx(40)                # 12 / 30
    assert by["leads"]["expected_progress_pct"] == approx(100 / 3)  # 10 / 30 days
    assert by["leads"]["status"] == "on_track"                      # 40 >= 33.3
    assert by["leads"]["days_left"] == 20                           # 30 March - 10 March
    assert by["leads_vs_last_year"]["progress_pct"] == approx(40)   # not (12 - 25) / (30 - 25)
    assert by["clicks"]["current_value"] == approx(200)
    assert by["clicks"]["progress_pct"] == approx(20)
    assert by["clicks"]["status"] == "at_risk"                      # 20 < 33.3
    feb = by["feb_leads"]
    assert feb["current_value"] == approx(40) and feb["progress_pct"] == approx(40)
    assert feb["expected_progress_pct"] == approx(100) and feb["days_left"] == 0
    assert feb["status"] == "missed"                                # deadline passed, 40 < 100


def test_at_most_goals_are_judged_only_from_the_deadline(wh):
    data(wh)
    # google_ads cpl so far: 100 / 12 = 8.33, under 20 but the month is not over
    wh.goal("cpl_march", "cpl", 20, "2024-03-01", "2024-03-30", direction="at_most", baseline_value=30,
            channel="google_ads")
    # organic leads cost nothing: cpl 0, no baseline -> progress 100
    for n in range(5):
        wh.lead(f"o{n}", "2024-03-02", channel="organic_search")
    wh.goal("cpl_free", "cpl", 5, "2024-03-01", "2024-03-30", direction="at_most", channel="organic_search")
    # February cpl: 1000 / 40 = 25
    wh.goal("cpl_feb_ok", "cpl", 30, "2024-02-01", "2024-02-29", direction="at_most")
    wh.goal("cpl_feb_bad", "cpl", 20, "2024-02-01", "2024-02-29", direction="at_most", baseline_value=35)
    # google_ads cpc without baseline: 100 / 200 = 0.5 against 0.4 -> 0.4 / 0.5 = 80 %
    wh.goal("cpc", "cpc", 0.4, "2024-03-01", "2024-03-30", direction="at_most", channel="google_ads")
    by = goals(wh)
    march = by["cpl_march"]
    assert march["current_value"] == approx(100 / 12)
    assert march["progress_pct"] == approx((30 - 100 / 12) / (30 - 20) * 100)   # 216.7
    assert march["status"] == "on_track"
    free = by["cpl_free"]
    assert free["current_value"] == approx(0) and free["progress_pct"] == approx(100)
    assert free["status"] == "on_track"
    assert by["cpl_feb_ok"]["current_value"] == approx(25)
    assert by["cpl_feb_ok"]["status"] == "achieved"
    assert by["cpl_feb_bad"]["progress_pct"] == approx(66.666667)   # (35 - 25) / (35 - 20)
    assert by["cpl_feb_bad"]["status"] == "missed"
    assert by["cpc"]["progress_pct"] == approx(80)
    assert by["cpc"]["status"] == "on_track"                        # 80 >= 33.3


def test_a_goal_measures_only_its_channel_and_its_window(wh):
    data(wh)
    wh.goal("meta_spend", "spend", 600, "2024-03-01", "2024-03-30", channel="meta_ads")
    wh.goal("all_spend", "spend", 600, "2024-03-01", "2024-03-30")
    wh.goal("tiktok_leads", "leads", 10, "2024-03-01", "2024-03-30", channel="tiktok_ads")
    wh.goal("tiktok_cpl", "cpl", 10, "2024-03-01", "2024-03-30", channel="tiktok_ads", direction="at_most")
    by = goals(wh)
    assert by["meta_spend"]["current_value"] == approx(60)
    assert by["meta_spend"]["status"] == "at_risk"                  # 10 % < 33.3 %
    assert by["all_spend"]["current_value"] == approx(160)          # 100 google + 60 meta (March)
    assert by["tiktok_leads"]["current_value"] == approx(0)         # no data: 0 for a count
    assert by["tiktok_leads"]["status"] == "at_risk"
    assert by["tiktok_cpl"]["current_value"] is None                # a ratio without data: NULL
    assert by["tiktok_cpl"]["progress_pct"] is None and by["tiktok_cpl"]["status"] == "at_risk"


def test_ratio_kpis_from_summed_parts(wh):
    data(wh)
    for kpi in ("roi_pct", "ctr", "cpm", "cac", "lead_to_customer_rate"):
        wh.goal(kpi, kpi, 1, "2024-03-01", "2024-03-30", channel="google_ads")
    # a rate's baseline is its starting level: (0.02 - 0.01) / (0.03 - 0.01) = 50 %
    wh.goal("ctr_up", "ctr", 0.03, "2024-03-01", "2024-03-30", channel="google_ads", baseline_value=0.01)
    by = goals(wh)
    assert by["ctr_up"]["progress_pct"] == approx(50) and by["ctr_up"]["status"] == "on_track"
    assert by["roi_pct"]["current_value"] == approx(1100)           # (1200 - 100) * 100 / 100
    assert by["ctr"]["current_value"] == approx(0.02)               # 200 / 10000
    assert by["cpm"]["current_value"] == approx(10)                 # 100 * 1000 / 10000
    assert by["cac"]["current_value"] == approx(50)                 # 100 / 2 new customers
    assert by["lead_to_customer_rate"]["current_value"] == approx(2 / 12)   # 2 converted of 12 leads


def test_email_rate_goals_and_expected_progress_before_the_start(wh):
    wh.settings(as_of="2024-03-10")
    wh.email("2024-03-05", recipients=1000, delivered=800, unique_opens=200, unique_clicks=40)
    wh.goal("open", "open_rate", 0.3, "2024-03-01", "2024-03-30", channel="email")
    wh.goal("click", "click_rate", 0.04, "2024-03-01", "2024-03-30")
    wh.goal("later", "leads", 10, "2024-04-01", "2024-04-30")
    by = goals(wh)
    assert by["open"]["current_value"] == approx(0.25)              # 200 / 800
    assert by["open"]["progress_pct"] == approx(0.25 / 0.3 * 100)
    assert by["click"]["current_value"] == approx(0.05)             # 40 / 800: met
    assert by["click"]["status"] == "on_track"                      # a rate can fall back until 30 March
    assert by["later"]["expected_progress_pct"] == approx(0)        # not started
    assert by["later"]["status"] == "on_track" and by["later"]["days_left"] == 51


def test_at_least_and_at_most_goals_are_judged_alike_at_the_deadline(wh):
    """as_of 10 March. google_ads 1-10 March: spend 100, revenue 1200 -> roi_pct 1100, cpl 100 / 12."""
    data(wh)
    # a goal whose deadline is as_of: met -> achieved, not met -> missed (never at_risk with 0 days left)
    wh.goal("roi_met", "roi_pct", 1000, "2024-03-01", "2024-03-10", channel="google_ads")
    wh.goal("roi_short", "roi_pct", 1500, "2024-03-01", "2024-03-10", channel="google_ads", baseline_value=300)
    wh.goal("cpl_met", "cpl", 10, "2024-03-01", "2024-03-10", channel="google_ads", direction="at_most")
    wh.goal("cpl_short", "cpl", 5, "2024-03-01", "2024-03-10", channel="google_ads", direction="at_most")
    # the same targets before their deadline: met -> on_track, for either direction
    wh.goal("roi_early", "roi_pct", 1000, "2024-03-01", "2024-03-20", channel="google_ads")
    wh.goal("cpl_early", "cpl", 10, "2024-03-01", "2024-03-20", channel="google_ads", direction="at_most")
    # a ratio without a value at the deadline is missed
    wh.goal("tiktok_cpl", "cpl", 10, "2024-03-01", "2024-03-10", channel="tiktok_ads", direction="at_most")
    by = goals(wh)
    assert by["roi_met"]["current_value"] == approx(1100)           # (1200 - 100) * 100 / 100
    assert by["roi_met"]["days_left"] == 0 and by["roi_met"]["status"] == "achieved"
    short = by["roi_short"]
    assert short["progress_pct"] == approx(66.666667)               # (1100 - 300) / (1500 - 300)
    assert short["expected_progress_pct"] == approx(100)            # 10 of 10 days
    assert short["status"] == "missed"
    assert by["cpl_met"]["current_value"] == approx(100 / 12)       # 8.33 <= 10
    assert by["cpl_met"]["status"] == "achieved"
    assert by["cpl_short"]["progress_pct"] == approx(5 / (100 / 12) * 100)   # target / current: 60 %
    assert by["cpl_short"]["status"] == "missed"
    assert by["roi_early"]["status"] == "on_track" and by["roi_early"]["days_left"] == 10
    assert by["cpl_early"]["status"] == "on_track"
    assert by["tiktok_cpl"]["current_value"] is None and by["tiktok_cpl"]["status"] == "missed"


def test_an_all_channel_roi_goal_counts_revenue_as_the_headline_does(wh):
    data(wh)   # google_ads: cost 100 (1-10 March), revenue 1200; meta_ads: cost 60, revenue 0
    wh.order("d1", "2024-03-06", 400, is_first_order=True, channel="direct")    # no cost behind it
    wh.goal("roi", "roi_pct", 500, "2024-03-01", "2024-03-30")
    wh.goal("revenue_all", "revenue", 1000, "2024-03-01", "2024-03-30")
    wh.goal("direct_revenue", "revenue", 100, "2024-03-01", "2024-03-30", channel="direct")
    by = goals(wh)
    assert by["roi"]["current_value"] == approx((1200 - 160) * 100 / 160)          # 650 %, not (1600 - 160) / 160
    assert by["revenue_all"]["current_value"] == approx(1200)
    assert by["direct_revenue"]["current_value"] == approx(400)                    # a channel's own goal: all of it
    wh.settings(headline_revenue="all")
    by = goals(wh)
    assert by["roi"]["current_value"] == approx((1600 - 160) * 100 / 160)
    assert by["revenue_all"]["current_value"] == approx(1600)
