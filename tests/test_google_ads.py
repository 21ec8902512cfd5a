"""Google Ads report exports -> canonical ad_performance rows, in English, Italian and Portuguese UIs."""
import datetime as dt
import hashlib
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import google_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_id, stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "google_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return google_ads.normalise(raw, SourceContext(source="google_it", kind="google_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    """Rows without errors satisfy the canonical pandera model."""
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_output_shape():
    out = normalise("campaign_daily_en.csv").frame
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.schema["_row"] == pl.Int64 and out.schema["_errors"] == pl.List(pl.Utf8)
    assert out.schema["impressions"] == pl.Int64 and out.schema["spend"] == pl.Float64


def test_english_daily_campaign_report():
    result = normalise("campaign_daily_en.csv")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2), D(2026, 6, 3)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["campaign_name"].to_list() == ["Brand Search", "Total Wellness"] * 2 + ["Brand Search"]
    assert out["campaign_id"].to_list() == ["111", "222", "111", "222", "111"]
    assert set(out["ad_group_id"]) == {""} and set(out["ad_id"]) == {""}
    assert set(out["source"]) == {"google_it"} and set(out["platform"]) == {"google_ads"}
    assert set(out["currency"]) == {"EUR"}
    assert out["impressions"].to_list() == [1200, 800, 1000, 0, 950]
    assert out["clicks"].sum() == 60 + 20 + 50 + 0 + 38
    assert out["spend"].sum() == pytest.approx(45.50 + 12.25 + 40.00 + 0.00 + 39.90)
    assert out["conversions"].to_list() == [3.0, 0.0, 2.5, None, 1.0]          # " --" is missing
    assert out["conversion_value"].sum() == pytest.approx(150.00 + 0 + 1125.40 + 80.00)
    assert out["_row"].to_list() == [4, 5, 6, 7, 8]
    assert out["_errors"].to_list() == [[]] * 5
    # the filtered totals row, never "Total: Account" or "Total: Search"
    assert result.totals_label == "Total: Campaigns"
    assert result.totals == {"impressions": 3950, "clicks": 168, "spend": pytest.approx(137.65),
                             "conversions": pytest.approx(6.5), "conversion_value": pytest.approx(1355.40)}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_account_id_falls_back_to_the_source_name():
    out = normalise("campaign_daily_en.csv").frame
    assert set(out["account_id"]) == {stable_key("google_it", prefix="acc_")}
    assert out["account_name"].to_list() == [None] * 5


def test_italian_daily_report_with_decimal_commas_and_day_first_dates():
    result = normalise("campaign_daily_it.csv")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["impressions"].to_list() == [12345, 1286, 9870, 950]
    assert out["clicks"].to_list() == [370, 36, 281, 27]
    assert out["spend"].to_list() == pytest.approx([1234.56, 98.10, 987.65, 75.00])
    assert out["conversions"].to_list() == [10.5, 2.0, 8.0, None]
    assert out["conversion_value"].sum() == pytest.approx(2500.00 + 310.00 + 1980.40)
    assert out["campaign_name"].to_list()[1] == "Brand – Italia"
    # no Campaign ID column: derived from the account and the campaign name, stable
    ids = out["campaign_id"].to_list()
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1] and ids[0].startswith("cmp_")
    account = stable_key("google_it", prefix="acc_")
    assert ids[0] == stable_key(account, "Saldi Estate", prefix="cmp_")
    assert result.totals_label == "Totale: campagne"
    assert result.totals["spend"] == pytest.approx(2395.31) and result.totals["impressions"] == 24451
    assert reconcile(out, result.totals, result.totals_label) is None


def test_utf16_period_report_without_day_column_is_one_period_row_per_campaign():
    result = normalise("campaign_period_usd_utf16.csv", currency="EUR")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1)] * 3
    assert out["date_end"].to_list() == [D(2026, 6, 30)] * 3
    assert out["currency"].to_list() == ["USD"] * 3             # the file's Currency code beats the config
    assert out["campaign_name"].to_list() == ["Spring Sale 🌸", "Old Campaign", "Retargeting"]
    assert out["impressions"].to_list() == [62312, 0, 1234]
    assert out["clicks"].to_list() == [7177, 0, 95]              # Clicks, not Interactions
    assert out["spend"].to_list() == pytest.approx([18257.62, 0.0, 45.10])
    assert out["conversions"].to_list() == [313.17, 0.0, None]
    assert out["_row"].to_list() == [4, 5, 6]
    assert result.totals_label == "Total: Campaigns"
    assert reconcile(out, result.totals, result.totals_label) is None


def test_portuguese_period_report_with_nbsp_thousands():
    result = normalise("campaign_period_pt.csv")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2025, 4, 9)] * 3 and out["date_end"].to_list() == [D(2025, 4, 21)] * 3
    assert out["impressions"].to_list() == [18158, 27190, 0]
    assert out["clicks"].to_list() == [2096, 786, 0]
    assert out["spend"].to_list() == pytest.approx([2473.94, 620.17, 0.0])
    assert out["conversions"].to_list() == [83.0, 5.5, None]
    assert out["conversion_value"].to_list() == [1537.85, 0.0, None]
    assert set(out["currency"]) == {"BRL"}
    assert result.totals_label == "Total: Campanhas"            # not "Total: Conta"
    assert result.totals == {"impressions": 45348, "clicks": 2882, "spend": pytest.approx(3094.11),
                             "conversions": pytest.approx(88.5), "conversion_value": pytest.approx(1537.85)}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_all_time_report_without_day_column_gets_an_error_not_invented_dates():
    out = normalise("adgroup_all_time.csv").frame
    assert out.height == 2
    assert out["date_start"].to_list() == [None, None]
    assert out["_errors"].to_list() == [[
        "no dates: the report covers 'All time' with no Day column — export it with a date range or the Day segment"
    ]] * 2
    # ad group report without ids: campaign id from account + campaign name, ad group from campaign id + name
    assert out["campaign_id"].n_unique() == 1
    campaign = out["campaign_id"][0]
    assert out["ad_group_id"].to_list() == [stable_key(campaign, "Control", prefix="adg_"),
                                            stable_key(campaign, "Treatment", prefix="adg_")]
    assert out["ad_id"].to_list() == ["", ""]


def test_unreadable_cells_and_missing_names_are_reasons_not_dropped_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Day,Campaign,Currency code,Impr.,Clicks,Cost\n"
                    "2026-06-01,A,EUR,100,abc,1.00\n"
                    "yesterday,,EURO,100,5,2.00\n"
                    " --,B,,12.5,5,3.00\n", encoding="utf-8")
    out = normalise(path).frame
    assert out.height == 3
    assert out["_errors"].to_list() == [
        ["clicks: 'abc' is not a number"],
        ["day: 'yesterday' is not a date", "currency: 'EURO' is not a currency code", "campaign: missing name and id"],
        ["day: missing date", "impressions: '12.5' is not a whole number"],
    ]
    assert out["currency"].to_list()[2] == "EUR"                  # empty currency cell -> default


def test_xlsx_export_reads_typed_numbers_with_a_point(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "Rapporto.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Rapporto sulle campagne")
    sheet.write(1, 0, "1 giu 2026 - 2 giu 2026")
    sheet.write_row(2, 0, ["Giorno", "Campagna", "Codice valuta", "Costo", "Impr.", "Clic"])
    sheet.write_datetime(3, 0, dt.datetime(2026, 6, 1), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_row(3, 1, ["Saldi", "EUR", 1234.5, 12345, 370])
    sheet.write_row(4, 0, ["2026-06-02", "Saldi", "EUR", 10.25, 1000, 20])
    sheet.write_row(5, 0, ["Totale: campagne", "", "EUR", 1244.75, 13345, 390])
    book.close()
    result = normalise(path)
    out = result.frame
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 2)]
    assert out["spend"].to_list() == [1234.5, 10.25] and out["impressions"].to_list() == [12345, 1000]
    assert out["_row"].to_list() == [4, 5]
    assert reconcile(out, result.totals, result.totals_label) is None


def test_not_a_google_ads_report_fails_with_one_line(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Email,Created\na@b.c,2026-06-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no Google Ads metric columns"):
        normalise(path)


# ---------------------------------------------------------------- totals reconciliation

def frame(**columns):
    return pl.DataFrame(columns)


def test_reconcile_match_within_rounding():
    rows = frame(spend=[798.88, 365.22], clicks=[603, 264], impressions=[31193, 9392])
    assert reconcile(rows, {"spend": 1164.09, "clicks": 867, "impressions": 40585}, "Total: Campaigns") is None


def test_reconcile_mismatch_names_both_figures():
    rows = frame(spend=[798.88, 365.21], clicks=[603, 264], impressions=[31193, 9392])
    message = reconcile(rows, {"spend": 1165.00, "clicks": 870, "impressions": 40585}, "Total: Campaigns")
    assert message == "Total: Campaigns says spend 1165.00, rows sum to 1164.09; clicks 870 vs 867"


def test_reconcile_counts_are_exact_and_absent_totals_pass():
    rows = frame(clicks=[1, 2], spend=[None, 1.0])
    assert reconcile(rows, {"clicks": 4}, "Total") == "Total says clicks 4, rows sum to 3"
    assert reconcile(rows, {"spend": 1.0, "reach": 99}, "Total") is None
    assert reconcile(rows, None, None) is None


def test_stable_ids_do_not_depend_on_run_python_or_polars():
    names = pl.DataFrame({"a": ["Acc", "Acc", None], "c": ["Camp  A ", "Camp A", None]})
    ids = names.select(stable_id("a", "c", prefix="cmp_").alias("id"))["id"].to_list()
    expected = "cmp_" + hashlib.sha1("Acc\x1fCamp A".encode()).hexdigest()[:16]
    assert ids == [expected, expected, None]
    assert stable_key("Acc", "Camp A", prefix="cmp_") == expected


def test_roi_toml_columns_name_unusual_headers(tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text("Giorno,Campagna,Spesa,Impr.\n2026-06-01,A,\"1,50\",10\n", encoding="utf-8")
    out = normalise(path, columns={"spend": "Spesa"}).frame
    assert out["spend"].to_list() == [1.5] and out["impressions"].to_list() == [10]


def test_legacy_adwords_ad_report_with_its_range_in_the_title_and_footer_totals():
    result = normalise("legacy_ad_report.csv")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2016, 10, 25)] * 3                # "Ad report (Oct 25, 2016-Oct 31, 2016)"
    assert out["date_end"].to_list() == [D(2016, 10, 31)] * 3
    assert out["ad_name"].to_list() == ["Running shoes sale", "Trail shoes", "Total Care Shampoo"]
    assert out["currency"].to_list() == ["USD"] * 3
    assert out["impressions"].to_list() == [340, 150, 80] and out["clicks"].to_list() == [12, 5, 2]
    assert out["spend"].to_list() == pytest.approx([6.60, 3.25, 1.10])
    assert out["conversions"].to_list() == pytest.approx([1.0, 0.0, 0.5])
    assert out["_errors"].to_list() == [[]] * 3
    # no ids in the report: each level's id from its parent's id and its name
    account = stable_key("google_it", prefix="acc_")
    campaign = stable_key(account, "Shoes - Search", prefix="cmp_")
    ad_group = stable_key(campaign, "Running", prefix="adg_")
    assert out["campaign_id"][0] == campaign and out["ad_group_id"][0] == ad_group
    assert out["ad_id"][0] == stable_key(ad_group, "Running shoes sale", prefix="ad_")
    assert len(set(out["ad_id"])) == 3
    # "Total - filtered" sums these rows; "Total - all experiments" and "Total - Search" are never used
    assert result.totals_label == "Total - filtered"
    assert result.totals == {"impressions": 570, "clicks": 19, "spend": pytest.approx(10.95),
                             "conversions": pytest.approx(1.5)}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_keyword_report_filtered_totals_labelled_in_the_second_column():
    result = normalise("keyword_filtered_totals.csv")
    out = result.frame
    assert out.height == 3 and out["clicks"].to_list() == [40, 10, 6]          # the keyword "total" is a row
    assert out["date_start"].to_list() == [D(2026, 10, 1)] * 3 and out["date_end"].to_list() == [D(2026, 10, 7)] * 3
    assert result.totals_label == "Total: Filtered keywords"                   # not "All but removed keywords"
    assert result.totals["spend"] == pytest.approx(29.50) and result.totals["impressions"] == 1500
    assert reconcile(out, result.totals, result.totals_label) is None


def test_currency_symbols_in_cells_set_the_currency():
    result = normalise("campaign_symbols_usd.csv")                            # reporting currency EUR
    out = result.frame
    valid(out)
    assert out["currency"].to_list() == ["USD"] * 4                            # the "0.00" row too
    assert out["spend"].to_list() == pytest.approx([50.00, 12.25, 41.10, 0.0])
    assert out["conversion_value"].to_list() == pytest.approx([1250.0, 0.0, 600.0, 0.0])
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals["spend"] == pytest.approx(103.35)
    assert reconcile(out, result.totals, result.totals_label) is None
    out = normalise("campanha_brl_symbol.csv").frame                           # "R$ 2.473,94"
    assert out["currency"].to_list() == ["BRL"] * 2 and out["spend"].to_list() == pytest.approx([2473.94, 620.17])


def test_an_ambiguous_dollar_takes_the_source_currency_or_is_quarantined():
    out = normalise("campaign_dollar.csv").frame
    assert out["currency"].to_list() == [None, None]
    assert out["_errors"].to_list() == [[
        "spend: '$' is ambiguous (USD, AUD, CAD …): set currency = \"USD\" for this source in roi.toml"]] * 2
    out = normalise("campaign_dollar.csv", currency="AUD").frame
    valid(out)
    assert out["currency"].to_list() == ["AUD", "AUD"] and out["_errors"].to_list() == [[], []]
    assert out["spend"].to_list() == pytest.approx([50.00, 12.25])


def test_currency_symbol_in_a_header_and_a_contradicting_currency_column(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("Day,Campaign,Clicks,Cost (US$)\n2026-06-01,A,3,1.50\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["currency"].to_list() == ["USD"] and out["spend"].to_list() == [1.5]
    path = tmp_path / "contradiction.csv"
    path.write_text("Day,Campaign,Currency code,Clicks,Cost\n2026-06-01,A,EUR,3,US$1.50\n2026-06-01,B,USD,3,US$2\n",
                    encoding="utf-8")
    out = normalise(path).frame
    assert out["currency"].to_list() == [None, "USD"]
    assert out["_errors"].to_list()[0] == ["spend: 'US$' is USD but currency says EUR — the amounts and the "
                                           "currency disagree: export the report again"]

