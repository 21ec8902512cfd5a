"""The full demo's known media effects: mmm_truth.json beside the exports agrees with them (each channel's spend
to the cent, the shop's net revenue), the caused orders sum to each channel's truth, the truth follows
mmm/response.py's math, the channels' ROIs differ as designed, and the 90-day demo writes no truth."""
import csv
import io
import json
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest

np = pytest.importorskip("numpy", reason="the MMM extra (roi[mmm]: PyMC, nutpie, numpy) is not installed: make mmm")

from roi.mmm.response import adstock, response  # noqa: E402
from roi.samples.exports.fx_rates import usd_rates  # noqa: E402
from roi.samples.generate import END, main  # noqa: E402
from roi.samples.media_effects import order_net  # noqa: E402
from roi.samples.simulation import simulate  # noqa: E402

DAYS = 200
START = END - timedelta(days=DAYS - 1)
DAY = re.compile(r"\d{1,4}[-/]\d{1,2}[-/]\d{2,4}")
# channel -> (file glob, encoding, delimiter, day column, spend column, decimal comma)
SPEND_COLUMNS = {
    "google_ads": [("google_ads/it_*.csv", "utf-8-sig", ",", "Giorno", "Costo", True)],
    "meta_ads": [("meta_ads/*.csv", "utf-8-sig", ",", "Giorno", "Importo speso (EUR)", True)],
    "linkedin_ads": [("linkedin_ads/*.csv", "utf-16", "\t", "Start Date (in UTC)", "Total Spent", False)],
    "microsoft_ads": [("microsoft_ads/*.csv", "utf-8-sig", ",", "Time period", "Spend", False)],
    "pinterest_ads": [("pinterest_ads/*.csv", "utf-8", ";", "Data", "Spesa nella valuta dell'account", True)],
    "amazon_ads": [("amazon_ads/*.csv", "utf-8-sig", ";", "Data", "Spesa", True)],
}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    assert main(["--full", "--days", str(DAYS), "--out", str(out)]) == 0
    return out, json.loads((out / "mmm_truth.json").read_text(encoding="utf-8"))


def day_rows(path, encoding, delimiter, day_column):
    """The export's rows that are one day each (no totals, titles or footers), as dicts."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=encoding)), delimiter=delimiter))
    at = next(i for i, row in enumerate(rows) if day_column in row)
    header = rows[at]
    return [dict(zip(header, row)) for row in rows[at + 1:]
            if len(row) == len(header) and DAY.fullmatch(row[header.index(day_column)])]


def money(text: str, decimal_comma: bool) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", ""))


def tiktok_costs(path) -> list[Decimal]:
    """The Cost cell (column I) of each day row of the TikTok XLSX."""
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    sheet = ElementTree.fromstring(zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"))
    costs = []
    for row in sheet.iterfind(".//s:row", ns):
        cells = {re.sub(r"\d", "", c.get("r")): "".join(c.itertext()) for c in row.iterfind("s:c", ns)}
        if DAY.fullmatch(cells.get("A", "")):
            costs.append(Decimal(cells["I"]))
    return costs


def test_truth_spends_equal_the_ad_exports_to_the_cent(full):
    out, truth = full
    channels = truth["channels"]
    assert set(channels) == {"google_ads", "meta_ads", "linkedin_ads", "microsoft_ads", "tiktok_ads",
                             "pinterest_ads", "amazon_ads"}
    for channel, files in SPEND_COLUMNS.items():
        total = sum(money(row[spend], comma) for pattern, encoding, delimiter, day, spend, comma in files
                    for path in out.glob(pattern) for row in day_rows(path, encoding, delimiter, day))
        if channel == "google_ads":     # the USD account at the ECB rate of the day or the latest earlier one
            fx = {date.fromisoformat(r["Date"]): float(r["USD"])
                  for r in day_rows(out / "fx_rates" / "eurofxref-hist.csv", "utf-8", ",", "Date")}
            usd = 0.0
            for path in out.glob("google_ads/en_*.csv"):
                for row in day_rows(path, "utf-16", "\t", "Day"):
                    day = date.fromisoformat(row["Day"])
                    usd += float(row["Cost"].replace(",", "")) / fx[max(d for d in fx if d <= day)]
            assert channels[channel]["spend"] == pytest.approx(float(total) + usd, abs=0.01)
        else:
            assert Decimal(str(channels[channel]["spend"])) == total, channel
    tiktok = sum(cost for path in out.glob("tiktok_ads/*.xlsx") for cost in tiktok_costs(path))
    assert Decimal(str(channels["tiktok_ads"]["spend"])) == tiktok > 0


def test_truth_net_revenue_is_the_shop_exports_net(full):
    """amount_net as stg.orders computes it: paid orders, goods without tax and shipping, less refunds."""
    out, truth = full
    net = 0.0
    with open(out / "orders" / "shopify_orders_export.csv", encoding="utf-8", newline="") as f:
        orders = [row for row in csv.DictReader(f) if row["Financial Status"]]     # an order's first line
    assert {row["Financial Status"] for row in orders} >= {"paid", "partially_refunded", "refunded", "pending"}
    for row in orders:
        if row["Financial Status"] == "pending":
            continue
        total, tax, shipping, refunded = (float(row[k]) for k in ("Total", "Taxes", "Shipping", "Refunded Amount"))
        net += (total - tax - shipping) * max(0.0, 1 - refunded / total) if refunded else total - tax - shipping
    assert truth["net_revenue"] == pytest.approx(net, abs=0.01)
    assert truth["period"] == {"start": START.isoformat(), "end": END.isoformat(), "weeks": 29}


def test_caused_orders_sum_to_the_truth_and_follow_the_response(full):
    _, truth = full
    sim = simulate(DAYS, END, 7, usd_rates(START, END, 7))
    in_shop = set(map(id, sim.orders))
    for channel, t in truth["channels"].items():
        caused = sim.caused[channel]
        assert all(id(o) in in_shop for o in caused) and len(caused) == t["orders"]
        assert round(sum(order_net(o) for o in caused), 2) == t["incremental_revenue"]
        assert sum(t["weekly_revenue"]) == pytest.approx(t["incremental_revenue"], abs=0.05)
        assert t["roi"] == pytest.approx(t["incremental_revenue"] / t["spend"], abs=1e-4)
        # the response of mmm/response.py over the weekly spends: what the orders fill, to within an order
        modelled = response(adstock(np.array(t["weekly_spend"]), t["alpha"]), t["beta"], t["lam"], t["scale"])
        assert modelled.sum() == pytest.approx(t["response_revenue"], abs=1.0)
        assert abs(t["incremental_revenue"] - t["response_revenue"]) < 150, channel
        tagged = [o for o in caused if o.touch is not None]
        assert len(tagged) == t["tagged_orders"]
        assert {o.touch.key[0] for o in tagged} <= {"google", "meta", "microsoft", "tiktok", "pinterest"}
    # Google's orders carry its UTMs three times in four, Meta's mostly come untagged (view-through)
    assert truth["channels"]["google_ads"]["tagged_orders"] / truth["channels"]["google_ads"]["orders"] > 0.6
    assert truth["channels"]["meta_ads"]["tagged_orders"] / truth["channels"]["meta_ads"]["orders"] < 0.45


def test_channels_rois_differ_as_designed(full):
    _, truth = full
    c = truth["channels"]
    assert c["meta_ads"]["roi"] > 2.5
    assert 0.7 < c["google_ads"]["roi"] < 1.3
    assert c["google_ads"]["marginal_roi"] < 0.5 * c["google_ads"]["roi"]        # saturated at its spend
    assert c["meta_ads"]["marginal_roi"] > 0.8 * c["meta_ads"]["roi"]            # far from it
    assert 1.0 < c["microsoft_ads"]["roi"] < 2.0
    assert all(c[k]["roi"] < 0.5 for k in ("linkedin_ads", "tiktok_ads", "pinterest_ads", "amazon_ads"))
    # spend moves week to week: budget flights, and Meta goes dark for whole weeks
    for channel in ("google_ads", "meta_ads"):
        weekly = np.array(c[channel]["weekly_spend"][1:-1])
        assert weekly.std() / weekly.mean() > 0.2, channel
    assert (np.array(c["meta_ads"]["weekly_spend"]) == 0).sum() >= 2


def test_the_90_day_demo_writes_no_truth(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "orders" / "shopify_orders_export.csv").exists()
    assert not (tmp_path / "mmm_truth.json").exists()
