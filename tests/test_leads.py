"""Leads: HubSpot contacts, Salesforce leads and Italian sheets become core.leads rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.contracts.raw import RawTable
from roi.transforms import leads
from roi.transforms.channels import BUILTIN_CHANNELS, parse_rules
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "leads"
D = dt.date


def ctx(**kw) -> SourceContext:
    return SourceContext(**{"source": "crm", "kind": "leads", "channels": BUILTIN_CHANNELS + ("events",), **kw})


def run(name: str, **kw) -> pl.DataFrame:
    return leads.normalise(read_export(FIXTURES / name), ctx(**kw)).frame


def by_id(frame: pl.DataFrame) -> dict:
    return {r["lead_id"]: r for r in frame.iter_rows(named=True)}


def assert_contract(frame: pl.DataFrame) -> None:
    assert frame.columns == schemas.columns("leads") + ["_row", "_errors"]
    clean = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["leads"].validate(clean)


def test_hubspot_contacts_export():
    frame = run("hubspot_contacts.csv")
    assert_contract(frame)
    rows = by_id(frame)
    assert frame["_row"].to_list() == [2, 3, 4, 5, 6, 7, 8]
    anna = rows["101"]
    assert (anna["customer_id"], anna["created_date"], anna["mql_date"], anna["sql_date"],
            anna["customer_date"]) == ("anna.rossi@example.it", D(2026, 6, 1), D(2026, 6, 3),
                                       D(2026, 6, 10), D(2026, 6, 20))
    assert (anna["utm_source"], anna["utm_medium"], anna["utm_campaign"], anna["channel"]) == (
        "google", "cpc", "estate_2026", "google_ads")
    # no UTM: HubSpot's Original Source (+ drill-down) decides
    assert {k: r["channel"] for k, r in rows.items()} == {
        "101": "google_ads", "102": "meta_ads", "103": "organic_search", "104": "microsoft_ads",
        "105": "email", "106": "direct", "107": "other"}
    assert rows["103"]["customer_id"] == "103"          # no e-mail: the contact id
    assert rows["106"]["_errors"] == ["created_date: '2026-06-31 10:00' is not a date"]
    assert [r["_errors"] for k, r in rows.items() if k != "106"] == [[]] * 6


def test_salesforce_leads_report_with_us_dates_and_footer():
    frame = run("salesforce_leads.csv")
    assert_contract(frame)
    rows = by_id(frame)
    assert len(rows) == 5                                # the "Total" line and the footer are not leads
    first = rows["00Q5g00000AbCdE"]
    assert (first["created_date"], first["customer_date"]) == (D(2026, 6, 15), D(2026, 6, 28))  # m/d/y
    assert rows["00Q5g00000AbCdF"]["customer_id"] == "giulia@beta.it"
    assert {k[-1]: r["channel"] for k, r in rows.items()} == {
        "E": "direct", "F": "referral", "G": "events", "H": "linkedin_ads", "I": "other"}
    assert all(r["_errors"] == [] for r in rows.values())


def test_italian_sheet_with_channel_column():
    frame = run("lead_italiani.csv")
    assert_contract(frame)
    got = frame.select("lead_id", "created_date", "customer_date", "lost_date", "channel", "_errors").rows()
    assert got == [
        ("L-001", D(2026, 6, 3), D(2026, 6, 25), None, "google_ads", []),
        ("L-002", D(2026, 6, 4), None, D(2026, 6, 20), "events", []),
        ("L-003", D(2026, 6, 13), None, None, "meta_ads", []),         # empty channel cell: UTM rules
        ("L-004", D(2026, 6, 14), None, None, "direct",
         ["channel: 'Volantini' is not a known channel — declare it under [channels] custom in roi.toml"]),
        (None, D(2026, 6, 15), None, None, "organic_search", ["lead_id: missing"]),
        ("L-006", None, None, None, "email", ["created_date: missing"]),
    ]


def test_user_channel_rules_and_column_mapping():
    rows = pl.DataFrame({
        "Contatto": ["c1", "c2"], "Primo contatto": ["01/06/2026", "02/06/2026"],
        "Sorgente": ["google", "fiera_milano"], "Mezzo": ["cpc", "evento"], "_row": [2, 3],
    }).with_columns(pl.col("_row").cast(pl.Int64))
    raw = RawTable(Path("custom.csv"), rows, rows.clear())
    context = ctx(columns={"lead_id": "Contatto", "created_date": "primo contatto",
                           "utm_source": "Sorgente", "utm_medium": "Mezzo"},
                  channel_rules=parse_rules([{"utm_medium": "evento", "channel": "events"}]))
    frame = leads.normalise(raw, context).frame
    assert frame.select("lead_id", "created_date", "channel").rows() == [
        ("c1", D(2026, 6, 1), "google_ads"), ("c2", D(2026, 6, 2), "events")]


def test_without_id_column_ids_are_derived_stably():
    rows = pl.DataFrame({"Email": ["a@x.it", "b@x.it"], "Created Date": ["2026-06-01", "2026-06-02"],
                         "_row": [2, 3]}).with_columns(pl.col("_row").cast(pl.Int64))
    raw = RawTable(Path("noid.csv"), rows, rows.clear())
    first = leads.normalise(raw, ctx())
    again = leads.normalise(raw, ctx())
    ids = first.frame["lead_id"].to_list()
    assert ids == again.frame["lead_id"].to_list()
    assert all(i.startswith("lead_") for i in ids) and ids[0] != ids[1]
    assert first.warnings


def test_missing_creation_date_column_fails_the_file_with_one_line():
    rows = pl.DataFrame({"Email": ["a@x.it"], "_row": [2]}).with_columns(pl.col("_row").cast(pl.Int64))
    with pytest.raises(ValueError, match="no lead creation date column .* columns.created_date"):
        leads.normalise(RawTable(Path("x.csv"), rows, rows.clear()), ctx())
    with pytest.raises(ValueError, match="columns.created_date = 'Nope': no such column in x.csv"):
        leads.normalise(RawTable(Path("x.csv"), rows, rows.clear()), ctx(columns={"created_date": "Nope"}))
