"""The demo generator: same arguments give the same bytes, and the exports are internally consistent."""
import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from samples.generate import DEMO_DIR, budget_rows, cost_rows, generate, main

KINDS = {"google_ads", "meta_ads", "mailchimp", "leads", "orders", "costs", "budgets", "goals", "fx_rates"}
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
    assert _files(tmp_path) == bundled, "samples/demo is stale: run `python -m samples.generate`"
