"""marts.budget_pacing and marts.budget_mix: total cost and media spend against plan, projected to month end, 70/20/10 mix."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def daily_spend(wh, platform, first, last, amount):
    for d in range(first, last + 1):
        wh.ad(f"2024-03-{d:02d}", platform=platform, source=platform, spend=amount)


def march(wh):
    """as_of 10 March 2024: 10 of 31 days elapsed."""
    wh.settings(as_of="2024-03-10")
    wh.budget("2024-03-01", "google_ads", 3500, bucket="proven")
    wh.budget("2024-03-01", "meta_ads", 1000, bucket="new")
    wh.budget("2024-03-01", "linkedin_ads", 500, bucket="experiment")
    daily_spend(wh, "google_ads", 1, 10, 110)                       # 1100 to date
    wh.ad("2024-03-12", platform="google_ads", source="google_ads", spend=999)   # after as_of: ignored
    daily_spend(wh, "meta_ads", 1, 10, 50)                          # 500 to date
    daily_spend(wh, "linkedin_ads", 1, 10, 5)                       # 50 media ...
    wh.cost("2024-03-01", 155, end="2024-03-31", channel="linkedin_ads")   # ... + 5 a day staff = 100
    daily_spend(wh, "microsoft_ads", 1, 1, 40)                      # no budget line


def pacing(wh):
    rows = wh.rows("SELECT * FROM marts.budget_pacing WHERE month = DATE '2024-03-01'")
    return {r["channel"]: r for r in rows}


def test_current_month_pacing_over_under_on_track(wh):
    march(wh)
    by = pacing(wh)
    google = by["google_ads"]
    assert (google["days_elapsed"], google["days_in_month"]) == (10, 31)
    assert google["actual_to_date"] == approx(1100)
    assert google["projected_month_end"] == approx(3410)            # 1100 / 10 * 31
    assert google["pacing_status"] == "on_track"                    # 3150 <= 3410 <= 3850
    meta = by["meta_ads"]
    assert meta["projected_month_end"] == approx(1550)              # 500 / 10 * 31 > 1000 * 1.1
    assert meta["pacing_status"] == "over"
    linkedin = by["linkedin_ads"]
    assert linkedin["actual_to_date"] == approx(100)                # 50 spend + 50 staff (155 / 31 * 10)
    assert linkedin["projected_month_end"] == approx(310)           # < 500 * 0.9
    assert linkedin["pacing_status"] == "under"
    extra = by["microsoft_ads"]                                     # spend without a budget line
    assert extra["bucket"] is None and extra["planned"] == approx(0) and extra["pacing_status"] == "over"


def test_pacing_tolerance_comes_from_settings(wh):
    march(wh)
    wh.settings(pacing_tolerance="0.6")                             # meta: 1550 <= 1000 * 1.6
    assert pacing(wh)["meta_ads"]["pacing_status"] == "on_track"
    assert pacing(wh)["linkedin_ads"]["pacing_status"] == "on_track"   # 310 >= 500 * 0.4


def test_past_and_future_months(wh):
    wh.settings(as_of="2024-03-10")
    wh.budget("2024-02-01", "google_ads", 1000)
    wh.budget("2024-04-01", "google_ads", 500)
    wh.ad("2024-02-10", spend=1050)
    rows = wh.rows("SELECT * FROM marts.budget_pacing ORDER BY month")
    feb, apr = rows
    assert (feb["days_elapsed"], feb["days_in_month"]) == (29, 29)
    assert feb["actual_to_date"] == approx(1050) and feb["projected_month_end"] == approx(1050)
    assert feb["pacing_status"] == "on_track"                       # 900 <= 1050 <= 1100
    assert apr["days_elapsed"] == 0 and apr["actual_to_date"] == approx(0)
    assert apr["projected_month_end"] is None and apr["pacing_status"] is None   # not started


def test_a_channel_with_several_buckets_splits_its_actual_in_proportion_to_plan(wh):
    wh.settings(as_of="2024-02-29")
    wh.budget("2024-02-01", "tiktok_ads", 750, bucket="proven")
    wh.budget("2024-02-01", "tiktok_ads", 250, bucket="experiment")
    wh.ad("2024-02-05", platform="tiktok_ads", source="tt", spend=400)
    rows = wh.rows("SELECT bucket, actual_to_date, pacing_status FROM marts.budget_pacing ORDER BY bucket")
    assert rows == [
        dict(bucket="experiment", actual_to_date=approx(100), pacing_status="under"),   # 400 * 250 / 1000
        dict(bucket="proven", actual_to_date=approx(300), pacing_status="under"),       # 400 * 750 / 1000
    ]


def test_budget_mix_shares_against_70_20_10(wh):
    march(wh)
    rows = wh.rows("SELECT * FROM marts.budget_mix WHERE month = DATE '2024-03-01'")
    by = {r["bucket"]: r for r in rows}
    assert list(by) == ["proven", "new", "experiment"]
    assert [by[b]["planned"] for b in by] == approx([3500, 1000, 500])
    assert [by[b]["planned_share"] for b in by] == approx([0.7, 0.2, 0.1])           # of 5000
    assert [by[b]["target_share"] for b in by] == approx([0.7, 0.2, 0.1])
    # actual to date 1100 / 500 / 100 = 1700 (microsoft_ads has no budget line: not in the mix)
    assert [by[b]["actual"] for b in by] == approx([1100, 500, 100])
    assert [by[b]["actual_share"] for b in by] == approx([1100 / 1700, 500 / 1700, 100 / 1700])


def test_budget_mix_lists_every_bucket_even_without_plan(wh):
    wh.settings(as_of="2024-05-31")
    wh.budget("2024-05-01", "google_ads", 800, bucket="proven")
    rows = wh.rows("SELECT bucket, planned, planned_share, actual_share FROM marts.budget_mix")
    assert rows == [
        dict(bucket="proven", planned=approx(800), planned_share=approx(1.0), actual_share=None),   # no actual
        dict(bucket="new", planned=approx(0), planned_share=approx(0), actual_share=None),
        dict(bucket="experiment", planned=approx(0), planned_share=approx(0), actual_share=None),
    ]


def test_a_channel_whose_buckets_plan_nothing_splits_its_actual_equally(wh):
    wh.settings(as_of="2024-03-31")
    wh.budget("2024-03-01", "tiktok_ads", 0, bucket="proven")
    wh.budget("2024-03-01", "tiktok_ads", 0, bucket="new")
    wh.ad("2024-03-05", platform="tiktok_ads", source="tt", spend=100)
    rows = wh.rows("SELECT bucket, actual_to_date, pacing_status FROM marts.budget_pacing ORDER BY bucket")
    assert rows == [
        dict(bucket="new", actual_to_date=approx(50), pacing_status="over"),      # 100 / 2 > 0
        dict(bucket="proven", actual_to_date=approx(50), pacing_status="over"),
    ]


def test_as_of_defaults_to_the_latest_day_with_data_not_to_costs_entered_ahead(wh):
    wh.ad("2024-03-05", spend=50)
    wh.order("o1", "2024-03-07", 10)
    wh.cost("2024-03-01", 310, end="2024-03-31")                     # the whole month, entered ahead
    wh.budget("2024-03-01", "google_ads", 1000)
    row = wh.one("SELECT * FROM marts.budget_pacing")
    assert row["as_of"] == D(2024, 3, 7) and row["days_elapsed"] == 7
    assert row["actual_to_date"] == approx(120)                     # 50 spend + 7 days x 10
    assert row["projected_month_end"] == approx(120 / 7 * 31)


def test_pacing_on_media_spend_beside_pacing_on_total_cost(wh):
    march(wh)
    by = pacing(wh)
    google = by["google_ads"]                                       # media only: both the same
    assert google["spend_to_date"] == approx(1100) and google["spend_projected_month_end"] == approx(3410)
    assert google["spend_pacing_status"] == "on_track"
    linkedin = by["linkedin_ads"]                                   # 50 media + 50 staff to date
    assert linkedin["actual_to_date"] == approx(100) and linkedin["spend_to_date"] == approx(50)
    assert linkedin["spend_projected_month_end"] == approx(155)     # 50 / 10 * 31
    assert linkedin["spend_projected_to_planned"] == approx(0.31)   # 155 / 500
    assert linkedin["projected_to_planned"] == approx(0.62)         # 310 / 500
    assert linkedin["spend_pacing_status"] == "under"


def one_off_costs(wh):
    """March 2024, the whole month elapsed. google_ads (proven, plan 1000): media 1000 + staff 500;
    meta_ads (new, plan 500): media 200 + a 300 video production."""
    wh.settings(as_of="2024-03-31")
    wh.budget("2024-03-01", "google_ads", 1000, bucket="proven")
    wh.budget("2024-03-01", "meta_ads", 500, bucket="new")
    wh.ad("2024-03-01", "2024-03-31", spend=1000)
    wh.cost("2024-03-15", 500, cost_type="staff")
    wh.ad("2024-03-01", "2024-03-31", platform="meta_ads", source="meta", spend=200)
    wh.cost("2024-03-20", 300, channel="meta_ads", cost_type="content")


def test_one_off_costs_move_total_cost_pacing_not_media_pacing(wh):
    one_off_costs(wh)
    by = pacing(wh)
    google, meta = by["google_ads"], by["meta_ads"]
    assert (google["actual_to_date"], google["spend_to_date"]) == approx((1500, 1000))
    assert google["pacing_status"] == "over"                        # 1500 > 1000 * 1.1
    assert google["spend_pacing_status"] == "on_track"              # 900 <= 1000 <= 1100
    assert (meta["actual_to_date"], meta["spend_to_date"]) == approx((500, 200))
    assert meta["pacing_status"] == "on_track"                      # 450 <= 500 <= 550
    assert meta["spend_pacing_status"] == "under"                   # 200 < 450


def test_budget_mix_on_total_cost_and_on_media_spend(wh):
    one_off_costs(wh)
    rows = wh.rows("SELECT * FROM marts.budget_mix")
    by = {r["bucket"]: r for r in rows}
    assert [by[b]["actual"] for b in by] == approx([1500, 500, 0])
    assert [by[b]["spend"] for b in by] == approx([1000, 200, 0])
    assert [by[b]["actual_share"] for b in by] == approx([0.75, 0.25, 0])           # of 2000
    assert [by[b]["spend_share"] for b in by] == approx([1000 / 1200, 200 / 1200, 0])
    assert by["proven"]["spend_gap"] == approx(1000 / 1200 - 0.7)
    assert by["new"]["actual_gap"] == approx(0.25 - 0.2)
