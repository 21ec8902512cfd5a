"""marts.email_campaign_kpis: one row per campaign with the email rates and the platform's revenue."""
from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)


def test_every_email_rate(wh):
    wh.email("2024-03-05", campaign_id="e1", subject="Saldi", list_name="Clienti", recipients=1000,
             delivered=950, hard_bounces=30, soft_bounces=20, unique_opens=380, total_opens=600,
             unique_clicks=57, total_clicks=90, unsubscribes=19, complaints=1, orders=5, revenue=750)
    row = wh.one("SELECT * FROM marts.email_campaign_kpis")
    assert row["delivery_rate"] == approx(0.95)                     # 950 / 1000
    assert row["open_rate"] == approx(0.4)                          # 380 / 950
    assert row["click_rate"] == approx(0.06)                        # 57 / 950
    assert row["click_to_open_rate"] == approx(0.15)                # 57 / 380
    assert row["bounce_rate"] == approx(0.05)                       # (30 + 20) / 1000
    assert row["unsubscribe_rate"] == approx(0.02)                  # 19 / 950
    assert row["complaint_rate"] == approx(1 / 950)
    assert row["orders"] == 5 and row["revenue"] == approx(750) and row["currency"] == "EUR"
    assert row["bounces"] == 50 and row["subject"] == "Saldi" and row["channel"] == "email"


def test_rates_without_a_denominator_are_null(wh):
    wh.email("2024-03-05", campaign_id="e0", recipients=0, delivered=0, unique_opens=0, unique_clicks=0,
             hard_bounces=0, soft_bounces=0, unsubscribes=0, complaints=0)
    row = wh.one("SELECT * FROM marts.email_campaign_kpis")
    for name in ("delivery_rate", "open_rate", "click_rate", "click_to_open_rate", "bounce_rate",
                 "unsubscribe_rate", "complaint_rate"):
        assert row[name] is None, name


def test_one_row_per_campaign_and_source_with_revenue_converted(wh):
    wh.rate("2024-03-01", "USD", 1.25)
    wh.email("2024-03-05", campaign_id="e1", recipients=100, delivered=100, revenue=125, currency="USD")
    wh.email("2024-03-06", campaign_id="e1", source="brevo_it", platform="brevo", recipients=50, delivered=40)
    rows = wh.rows("SELECT source, platform, revenue, original_currency, delivery_rate FROM marts.email_campaign_kpis ORDER BY source")
    assert rows == [
        dict(source="brevo_it", platform="brevo", revenue=None, original_currency="EUR", delivery_rate=approx(0.8)),
        dict(source="mc", platform="mailchimp", revenue=approx(100), original_currency="USD", delivery_rate=approx(1.0)),
    ]
