"""The demo generator: same arguments give the same bytes, and the exports are internally consistent."""
import csv
import importlib
import io
import tomllib
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
import pytest

from roi import schemas
from roi.samples.generate import DEMO_DIR, Simulation, budget_rows, cost_rows, generate, main
from roi.sources.files import read_export
from roi.transforms.context import SourceContext
from roi.transforms.totals import reconcile

NEW_KINDS = ["linkedin_ads", "microsoft_ads", "tiktok_ads", "pinterest_ads", "amazon_ads", "brevo", "klaviyo",
             "hubspot_email"]
KINDS = {"google_ads", "meta_ads", "mailchimp", "leads", "orders", "costs", "budgets", "goals", "fx_rates",
         "ga4", "search_console", *NEW_KINDS}
END = date(2026, 10, 31)
DAYS = 14


@pytest.fixture(scope="module")
def slice14(tmp_path_factory) -> tuple[Path, dict[str, list[Path]]]:
    out = tmp_path_factory.mktemp("demo14")
    return out, generate(out, days=DAYS, end=END, seed=7)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _num(text: str, lang: str) -> Decimal:
    t = text.strip()
    t = t.replace(".", "").replace(",", ".") if lang == "it" else t.replace(",", "")
    return Decimal(t)


def _google(path: Path, lang: str) -> tuple[list[str], list[str], list[str], list[list[str]], list[list[str]]]:
    raw = path.read_bytes()
    if lang == "it":
        assert raw.startswith(b"\xef\xbb\xbf")
        text, delimiter = raw.decode("utf-8-sig"), ","
    else:
        assert raw.startswith(b"\xff\xfe")
        text, delimiter = raw[2:].decode("utf-16-le"), "\t"
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    total_word = "Totale:" if lang == "it" else "Total:"
    body = [r for r in lines[3:] if not r[0].startswith(total_word)]
    totals = [r for r in lines[3:] if r[0].startswith(total_word)]
    return lines[0], lines[1], lines[2], body, totals


def test_same_arguments_write_the_same_bytes(slice14, tmp_path):
    out, written = slice14
    again = generate(tmp_path, days=DAYS, end=END, seed=7)
    assert set(written) == KINDS and all(written[k] for k in KINDS)
    assert [p.relative_to(out) for ps in written.values() for p in ps] == \
        [p.relative_to(tmp_path) for ps in again.values() for p in ps]
    assert _files(out) == _files(tmp_path)


def test_another_seed_gives_other_numbers(slice14, tmp_path):
    out, written = slice14
    generate(tmp_path, days=DAYS, end=END, seed=8)
    name = written["orders"][0].relative_to(out)
    assert (out / name).read_bytes() != (tmp_path / name).read_bytes()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_google_ads_totals_rows_equal_the_sum_of_the_rows(slice14, lang):
    out, written = slice14
    path = next(p for p in written["google_ads"] if p.name.startswith(lang + "_"))
    title, period, header, body, totals = _google(path, lang)
    if lang == "it":
        assert title == ["Rapporto sulle campagne"] and period == ["18 ottobre 2026 - 31 ottobre 2026"]
        metrics = ["Impr.", "Clic", "Costo", "Conversioni", "Valore conv."]
        labels = ["Totale: campagne", "Totale: account"]
    else:
        assert title == ["Campaign report"] and period == ["18 October 2026 - 31 October 2026"]
        metrics = ["Impr.", "Clicks", "Cost", "Conversions", "Conv. value"]
        labels = ["Total: Campaigns", "Total: Account"]
        assert header.count("Currency code") == 2          # the UI really repeats it
    assert {r[header.index("Giorno" if lang == "it" else "Day")] for r in body} == \
        {(END - timedelta(days=i)).isoformat() for i in range(DAYS)}
    for label in labels:
        total = next(r for r in totals if r[0] == label)
        for m in metrics:
            i = header.index(m)
            assert sum(_num(r[i], lang) for r in body) == _num(total[i], lang), (label, m)
    # per campaign type totals add up to the account too
    by_type = [r for r in totals if r[0] not in labels]
    i = header.index(metrics[2])
    assert sum(_num(r[i], lang) for r in by_type) == _num(totals[0][i], lang)


def test_google_ads_formats_follow_the_ui_language(slice14):
    out, written = slice14
    it = next(p for p in written["google_ads"] if p.name.startswith("it_")).read_text("utf-8-sig")
    en = next(p for p in written["google_ads"] if p.name.startswith("en_")).read_bytes()[2:].decode("utf-16-le")
    assert ',"2,' in it or ',"1,' in it                    # decimal commas, quoted
    assert "%" in it and ' --' in it and "EUR" in it
    assert '\t"' in en and "USD" in en and "\r" not in en   # thousands commas stay quoted in TSV


def test_costs_amount_is_hours_times_rate():
    rows = cost_rows(date(2026, 8, 3), END, 7)
    timed = [r for r in rows if r[6] and r[7]]
    only_time = [r for r in timed if not r[8]]
    assert timed and only_time, "both staff rows with an amount and freelance rows with hours only"
    for r in timed:
        if r[8]:
            assert _num(r[6], "it") * _num(r[7], "it") == _num(r[8], "it"), r
    assert any(r[2] == "events" for r in rows), "the September trade fair is in the 90-day demo"
    assert {r[4] for r in rows} <= {"personale", "strumento", "agenzia", "freelance", "contenuti",
                                    "formazione", "altro"}


def test_costs_file_is_an_italian_excel_sheet(slice14):
    out, written = slice14
    raw = written["costs"][0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdata;mese;canale;campagna;tipo;descrizione;ore;tariffa oraria;importo;valuta\r\n")
    assert b";1.200,00;EUR" in raw                        # monthly agency fee with thousands dot


def test_budgets_split_70_20_10_every_month(slice14):
    out, written = slice14
    text = written["budgets"][0].read_text("utf-8")
    assert text.startswith("month,channel,bucket,planned_amount,currency\n")
    rows = [line.split(",") for line in text.splitlines()[1:]]
    rows += budget_rows(date(2024, 11, 1), END)
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for month, _channel, bucket, amount, currency in rows:
        assert currency == "EUR"
        by_month[month][bucket] += Decimal(amount)
    assert len(by_month) == 24
    for month, buckets in by_month.items():
        total = sum(buckets.values())
        assert (buckets["proven"] / total, buckets["new"] / total, buckets["experiment"] / total) == \
            (Decimal("0.7"), Decimal("0.2"), Decimal("0.1")), month


def test_orders_have_order_fields_on_the_first_line_item_only(slice14):
    out, written = slice14
    rows = list(csv.DictReader(written["orders"][0].open(encoding="utf-8", newline="")))
    seen = set()
    for r in rows:
        if r["Name"] in seen:
            assert r["Total"] == r["Financial Status"] == r["Currency"] == ""
        else:
            seen.add(r["Name"])
            assert r["Currency"] == "EUR"
            assert Decimal(r["Subtotal"]) + Decimal(r["Shipping"]) == Decimal(r["Total"])
        assert r["Created at"][-5:] in ("+0100", "+0200")
    assert len(rows) > len(seen) > 100
    # customers are (mostly) CRM contacts, so first-touch attribution can match them
    contacts = {r["Email"] for r in csv.DictReader(written["leads"][0].open(encoding="utf-8", newline=""))}
    emails = [r["Email"] for r in rows]
    assert sum(e in contacts for e in emails) / len(emails) > 0.9


def test_mailchimp_export_is_windows_1252_with_crlf(slice14):
    out, written = slice14
    raw = written["mailchimp"][0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.startswith("Title,Subject,List,Send_Date,") and "\r\n" in text and not text.endswith("\n")
    assert "Clienti" in text and "€" in text and "n/a" in text


def test_fx_rates_use_the_ecb_layout(slice14):
    out, written = slice14
    lines = written["fx_rates"][0].read_text("utf-8").splitlines()
    assert lines[0].startswith("Date,USD,JPY,") and lines[0].endswith(",")
    days = [date.fromisoformat(line.split(",")[0]) for line in lines[1:]]
    assert days == sorted(days, reverse=True) and days[0] == date(2026, 10, 30)   # 31 Oct is a Saturday
    assert all(d.weekday() < 5 for d in days) and days[-1] < END - timedelta(days=DAYS)
    assert all(1.08 <= float(line.split(",")[1]) <= 1.17 and ",N/A," in line for line in lines[1:])


def test_goals_start_inside_the_slice(slice14):
    out, written = slice14
    rows = list(csv.DictReader(written["goals"][0].open(encoding="utf-8", newline="")))
    assert len(rows) == 4 and {r["direction"] for r in rows} == {"at_least", "at_most"}
    for r in rows:
        assert END - timedelta(days=DAYS - 1) <= date.fromisoformat(r["start_date"]) <= END
        assert date.fromisoformat(r["deadline"]) >= END


def test_cli_writes_a_small_slice(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--days", "3", "--end", "2026-10-31"]) == 0
    assert (tmp_path / "roi.toml").is_file() and (tmp_path / "meta_ads").is_dir()
    assert "2026-10-29 to 2026-10-31" in capsys.readouterr().out


def test_bundled_demo_is_small_and_what_the_generator_writes(tmp_path):
    bundled = _files(DEMO_DIR)
    assert sum(len(b) for b in bundled.values()) < 3_000_000
    assert {name.split("/")[0] for name in bundled} == KINDS | {"roi.toml"}
    generate(tmp_path)
    assert _files(tmp_path) == bundled, "samples/demo is stale: run `python -m roi.samples.generate`"


# ---------------------------------------------------------------- the smaller channels (every file kind)

def _normalise(path: Path, kind: str):
    module = importlib.import_module(f"roi.transforms.{kind}")
    raw = read_export(path)
    return module, raw, module.normalise(raw, SourceContext(source=kind, kind=kind))


def _only(root: Path, kind: str) -> Path:
    [path] = sorted((root / kind).iterdir())
    return path


def _landing_utms(orders_csv: Path) -> list[dict[str, str]]:
    out = []
    for r in csv.DictReader(orders_csv.open(encoding="utf-8", newline="")):
        if r["Landing Site"]:
            q = parse_qs(urlsplit(r["Landing Site"]).query)
            out.append({k: v[0] for k, v in q.items()} | {"email": r["Email"], "created": r["Created at"],
                                                          "name": r["Name"]})
    return out


def test_the_demo_config_has_one_source_per_file_kind_named_after_it():
    config = tomllib.loads((DEMO_DIR / "roi.toml").read_text("utf-8"))
    kinds = {s["kind"] for s in config["sources"]}
    assert kinds == KINDS                                        # every file kind of the SPEC
    for source in config["sources"]:
        assert source["mode"] == "files" and source["lookback_days"] == 3650
        assert sorted(DEMO_DIR.glob(source["path"])), source["name"]
        if source["kind"] in NEW_KINDS:
            assert source["name"] == source["kind"]


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_new_kinds_parse_with_their_transforms_without_errors(kind):
    module, raw, result = _normalise(_only(DEMO_DIR, kind), kind)
    frame = result.frame
    assert frame.height >= 4 and result.warnings == []
    assert frame["_errors"].list.len().sum() == 0, frame.filter(pl.col("_errors").list.len() > 0).head(3)
    schemas.MODELS[module.TABLE].validate(
        frame.drop("_row", "_errors").with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))
    if module.TABLE == "ad_performance":
        assert set(frame["currency"]) == {"EUR"} and frame["spend"].sum() > 0
        assert frame["date_start"].min() >= END - timedelta(days=89) and frame["date_end"].max() <= END
        assert (frame["date_start"] == frame["date_end"]).all()               # daily rows, not periods
    else:
        assert frame["send_date"].min() >= END - timedelta(days=89) and frame["send_date"].max() <= END


@pytest.mark.parametrize("kind", ["microsoft_ads", "tiktok_ads"])
def test_ad_totals_rows_equal_the_sums(kind):
    _, raw, result = _normalise(_only(DEMO_DIR, kind), kind)
    assert result.totals_label in ("Total", f"Total of {result.frame.height} results")
    assert reconcile(result.frame, result.totals, result.totals_label) is None
    for metric in ("impressions", "clicks"):
        assert result.totals[metric] == result.frame[metric].sum(), metric
    for metric in ("spend", "conversions", "conversion_value"):
        assert result.totals[metric] == round(result.frame[metric].sum(), 2), metric


@pytest.mark.parametrize("kind, header, lang", [
    ("brevo", {"Inviate": "recipients", "Consegnate": "delivered", "Aperture uniche": "unique_opens",
               "Aperture": "total_opens", "Clic unici": "unique_clicks", "Clic": "total_clicks",
               "Disiscrizioni": "unsubscribes", "Hard bounce": "hard_bounces", "Soft bounce": "soft_bounces",
               "Reclami": "complaints"}, "it"),
    ("hubspot_email", {"Sent": "recipients", "Delivered": "delivered", "Opened": "unique_opens",
                       "Clicked": "unique_clicks", "Hard bounced": "hard_bounces", "Soft bounced": "soft_bounces",
                       "Unsubscribed": "unsubscribes", "Spam reports": "complaints"}, "en"),
])
def test_email_totals_rows_equal_the_sums(kind, header, lang):
    _, raw, result = _normalise(_only(DEMO_DIR, kind), kind)
    assert raw.totals.height == 1
    total = raw.totals.row(0, named=True)
    for column, field in header.items():
        assert _num(total[column], lang) == result.frame[field].sum(), column


def test_new_kinds_of_short_slices_parse_too(slice14, tmp_path):
    out, written = slice14
    generate(tmp_path, days=3, end=END, seed=7)        # no email of the new tools in these three days
    for root in (out, tmp_path):
        for kind in NEW_KINDS:
            _, _, result = _normalise(_only(root, kind), kind)
            assert result.frame["_errors"].list.len().sum() == 0, (root, kind)


def test_linkedin_leads_are_crm_contacts_and_the_platform_counts_them():
    leads = list(csv.DictReader(_only(DEMO_DIR, "leads").open(encoding="utf-8", newline="")))
    linkedin = [r for r in leads if r["UTM Source"] == "linkedin"]
    assert len(linkedin) >= 20
    assert {r["UTM Medium"] for r in linkedin} == {"paid_social"} and all(r["Company Name"] for r in linkedin)
    _, _, result = _normalise(_only(DEMO_DIR, "linkedin_ads"), "linkedin_ads")
    by_campaign = dict(result.frame.group_by("campaign_name").agg(pl.col("conversions").sum()).iter_rows())
    assert {r["UTM Campaign"] for r in linkedin} == set(by_campaign)
    for campaign, conversions in by_campaign.items():     # website conversions: the leads, plus view-through
        assert conversions >= sum(r["UTM Campaign"] == campaign for r in linkedin)


def test_microsoft_tiktok_and_klaviyo_orders_carry_their_utms():
    utms = _landing_utms(_only(DEMO_DIR, "orders"))
    names = {kind: set(_normalise(_only(DEMO_DIR, kind), kind)[2].frame["campaign_name"])
             for kind in ("microsoft_ads", "tiktok_ads")}
    bing = [u for u in utms if u.get("utm_source") == "bing"]
    tiktok = [u for u in utms if u.get("utm_source") == "tiktok"]
    assert len(bing) > 50 and {u["utm_medium"] for u in bing} == {"cpc"} and all("msclkid" in u for u in bing)
    assert {u["utm_campaign"] for u in bing} == names["microsoft_ads"]
    assert tiktok and {u["utm_medium"] for u in tiktok} == {"paid_social"} and all("ttclid" in u for u in tiktok)
    assert {u["utm_campaign"] for u in tiktok} <= names["tiktok_ads"]
    assert min(u["created"] for u in tiktok) >= "2026-10-01"                  # the October test
    # Klaviyo writes to existing customers: each of its orders has an earlier order of the same customer
    klaviyo = [u for u in utms if u.get("utm_source") == "klaviyo"]
    assert klaviyo and {u["utm_medium"] for u in klaviyo} == {"email"}
    rows = list(csv.DictReader(_only(DEMO_DIR, "orders").open(encoding="utf-8", newline="")))
    first = {}
    for r in rows:
        if r["Total"]:
            first[r["Email"]] = min(first.get(r["Email"], r["Created at"]), r["Created at"])
    assert all(first[u["email"]] < u["created"] for u in klaviyo)


def test_every_channel_with_spend_has_a_budget_line():
    text = _only(DEMO_DIR, "budgets").read_text("utf-8")
    planned = {tuple(line.split(",")[:2]) for line in text.splitlines()[1:]}
    for kind in ("linkedin_ads", "microsoft_ads", "tiktok_ads", "pinterest_ads", "amazon_ads"):
        frame = _normalise(_only(DEMO_DIR, kind), kind)[2].frame
        months = {f"{d:%Y-%m}" for d in frame["date_start"]}
        assert all((m, kind) in planned for m in months), kind


def test_the_smaller_channels_leave_the_main_exports_unchanged(slice14, tmp_path, monkeypatch):
    out, written = slice14
    monkeypatch.setattr(Simulation, "extend", lambda self: None)
    monkeypatch.setattr(Simulation, "attribute_more", lambda self: None)
    generate(tmp_path, days=DAYS, end=END, seed=7)
    for kind in ("google_ads", "meta_ads", "mailchimp", "fx_rates", "goals"):
        for path in written[kind]:
            assert path.read_bytes() == (tmp_path / path.relative_to(out)).read_bytes(), path.name


def test_pinterest_buyers_reach_the_shop_and_amazon_sales_stay_on_amazon():
    utms = _landing_utms(_only(DEMO_DIR, "orders"))
    pinterest = [u for u in utms if u.get("utm_source") == "pinterest"]
    _, _, result = _normalise(_only(DEMO_DIR, "pinterest_ads"), "pinterest_ads")
    assert len(pinterest) >= 20 and {u["utm_medium"] for u in pinterest} == {"paid_social"}
    assert {u["utm_campaign"] for u in pinterest} <= set(result.frame["campaign_name"])
    assert min(u["created"] for u in pinterest) >= "2026-09-01"               # the account began in September
    _, _, amazon = _normalise(_only(DEMO_DIR, "amazon_ads"), "amazon_ads")
    assert amazon.frame["conversion_value"].sum() > amazon.frame["spend"].sum() > 0
    assert not [u for u in utms if u.get("utm_source") == "amazon"]          # Amazon's sales are not shop orders


def test_ga4_sees_fewer_purchases_than_the_platforms_claim_and_the_shop_sold():
    from roi.transforms.context import SourceContext
    from roi.transforms import ga4
    raw = read_export(_only(DEMO_DIR, "ga4"))
    frame = ga4.normalise(raw, SourceContext(source="ga4", kind="ga4")).frame
    assert frame["_errors"].list.len().sum() == 0 and frame.height > 1000
    assert (frame["sessions"] >= frame["key_events"]).all()
    by_channel = dict(frame.group_by("channel").agg(pl.col("key_events").sum()).iter_rows())
    assert "amazon_ads" not in by_channel                                   # Amazon's shoppers never visit the site
    utms = _landing_utms(_only(DEMO_DIR, "orders"))
    pinterest_orders = sum(u.get("utm_source") == "pinterest" for u in utms)
    _, _, pinterest = _normalise(_only(DEMO_DIR, "pinterest_ads"), "pinterest_ads")
    # consent: GA4 records ~86 % of the orders; Pinterest's tag claims more than it drove
    assert 0.7 * pinterest_orders <= by_channel["pinterest_ads"] < pinterest_orders < pinterest.frame["conversions"].sum()
    assert by_channel["organic_search"] > 0                                 # the referrer, though the shop saw no UTM


def test_pinterest_and_amazon_leave_every_other_ad_and_email_export_unchanged(slice14, tmp_path, monkeypatch):
    out, written = slice14
    monkeypatch.setattr(Simulation, "extend_marketplaces", lambda self: None)
    monkeypatch.setattr(Simulation, "attribute_marketplaces", lambda self: None)
    generate(tmp_path, days=DAYS, end=END, seed=7)
    for kind in ("google_ads", "meta_ads", "linkedin_ads", "microsoft_ads", "tiktok_ads", "mailchimp", "brevo",
                 "klaviyo", "hubspot_email", "fx_rates", "goals"):
        for path in written[kind]:
            assert path.read_bytes() == (tmp_path / path.relative_to(out)).read_bytes(), path.name


def test_regenerating_leaves_hard_links_to_the_old_exports_alone(tmp_path):
    """roi's raw archive hard-links the exports it loaded: a regenerated demo must not rewrite them."""
    import os
    generate(tmp_path, days=3, end=END, seed=7)
    orders = tmp_path / "orders" / "shopify_orders_export.csv"
    archived = tmp_path / "archived-orders.csv"
    try:
        os.link(orders, archived)
    except OSError:
        pytest.skip("no hard links on this file system")
    before = archived.read_bytes()
    generate(tmp_path, days=3, end=END, seed=8)
    assert orders.read_bytes() != before and archived.read_bytes() == before
    assert not list(tmp_path.rglob(".*.tmp"))
