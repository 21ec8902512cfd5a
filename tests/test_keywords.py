"""Keyword and search-term exports (Google Ads, Microsoft Ads) -> keyword_performance and search_term_performance rows beside ad_performance."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import google_ads, keywords, microsoft_ads
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date
METRICS = ["impressions", "clicks", "spend", "conversions", "conversion_value"]


def normalise(module, name, **ctx):
    path = FIXTURES / module.__name__.split(".")[-1] / name if isinstance(name, str) else name
    return module.normalise(read_export(path), SourceContext(source="search", kind=module.__name__.split(".")[-1],
                                                                **ctx))


def summed(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The rows of one export summed to the table's key, as the load does, then checked by the table's model."""
    key = schemas.MODELS[table].Config.unique
    others = [c for c in schemas.columns(table) if c not in key and c not in METRICS]
    out = (frame.filter(pl.col("_errors").list.len() == 0)
           .group_by(key, maintain_order=True)
           .agg(*[pl.col(c).first() for c in others], *[pl.col(m).sum() for m in METRICS])
           .select(schemas.columns(table)))
    schemas.MODELS[table].validate(out.with_columns(pl.lit("L1").alias("load_id")))
    return out


# ------------------------------------------------------------------ Google Ads

def test_keyword_report_rows_per_device_stay_rows_and_carry_the_ad_groups_ids():
    result = normalise(google_ads, "keyword_devices_en.csv")
    assert set(result.extra) == {"keyword_performance"}
    kw, ads = result.extra["keyword_performance"], result.frame
    assert kw.columns == schemas.columns("keyword_performance") + ["_row", "_errors"]
    assert kw.schema["_row"] == pl.Int64 and kw.schema["_errors"] == pl.List(pl.Utf8)
    # one keyword row per export row, two devices of a keyword-day included: the load sums them
    assert kw.height == ads.height == 8
    assert kw["_row"].to_list() == ads["_row"].to_list() == list(range(4, 12))
    same = ["source", "platform", "date_start", "date_end", "account_id", "campaign_id", "campaign_name",
            "ad_group_id", "ad_group_name", "currency", *METRICS, "_errors"]
    assert kw.select(same).equals(ads.select(same))
    assert kw["keyword"].to_list() == ["running shoes"] * 3 + ["trail running"] * 2 + ["running shoes"] * 2 + [
        "leather boots"]
    assert kw["match_type"].to_list() == ["exact", "exact", "phrase", "broad", "broad", "exact", "exact", "phrase"]
    assert kw["ad_group_id"].to_list() == ["901"] * 7 + ["902"]
    assert kw["conversions"].to_list()[3] is None                                   # " --"
    grain = summed(kw, "keyword_performance")
    first = grain.row(0, named=True)                                                # mobile + computers
    assert (first["date_start"], first["keyword"], first["match_type"]) == (D(2026, 6, 1), "running shoes", "exact")
    assert (first["impressions"], first["clicks"], first["spend"], first["conversions"],
            first["conversion_value"]) == (1500, 75, pytest.approx(39.50), 3.0, 230.0)
    assert grain.height == 5 and grain["spend"].sum() == pytest.approx(101.50)
    assert grain.filter(pl.col("keyword") == "trail running")["conversions"].to_list() == [0.0]  # null + 0


def test_italian_keyword_notation_gives_the_match_type_and_plain_text():
    result = normalise(google_ads, "keyword_notation_it.csv")
    kw, ads = result.extra["keyword_performance"], result.frame
    assert kw["keyword"].to_list() == ["scarpe rosse", "scarpe da corsa", "+scarpe +trail", "scarpe economiche"]
    assert kw["match_type"].to_list() == ["exact", "phrase", "broad", ""]            # plain text: not said
    assert set(kw["date_start"]) == {D(2026, 6, 1)} and set(kw["date_end"]) == {D(2026, 6, 30)}  # one period
    # no ids in the export: derived from the names, the same as the ad_performance rows'
    assert kw["campaign_id"].to_list() == ads["campaign_id"].to_list()
    assert kw["ad_group_id"].to_list() == ads["ad_group_id"].to_list()
    assert kw["ad_group_id"][0] != kw["ad_group_id"][1]
    assert kw["spend"].to_list() == pytest.approx([36.80, 27.50, 5.10, 3.20])         # decimal commas
    assert kw["impressions"].to_list() == [1250, 900, 300, 200]
    assert summed(kw, "keyword_performance").height == 4


def test_search_terms_report_keeps_the_matched_keyword():
    result = normalise(google_ads, "search_terms_en.csv")
    assert set(result.extra) == {"search_term_performance"}                         # keyword sums of a terms
    terms, ads = result.extra["search_term_performance"], result.frame              # report are not keywords'
    assert terms.columns == schemas.columns("search_term_performance") + ["_row", "_errors"]
    assert terms["search_term"].to_list() == ["running shoes", "running shoe", "cheap running shoes",
                                              "running shoes jobs", "trail running club", "shoes near me"]
    assert terms["keyword"].to_list() == ["running shoes"] * 3 + ["trail running"] * 2 + [""]
    # the keyword's notation, else the report's match type ("(close variant)" dropped); '' for none
    assert terms["match_type"].to_list() == ["exact", "exact", "phrase", "broad", "broad", ""]
    assert terms["date_start"].to_list() == [D(2026, 6, 1)] * 4 + [D(2026, 6, 2)] * 2
    assert terms.select("campaign_id", "ad_group_id", "_row").equals(ads.select("campaign_id", "ad_group_id", "_row"))
    assert terms["spend"].sum() == pytest.approx(62.20) and terms["clicks"].sum() == 94
    assert terms["_errors"].to_list() == [[]] * 6
    assert summed(terms, "search_term_performance").height == 6


def test_italian_search_terms_report_with_italian_match_types():
    terms = normalise(google_ads, "search_terms_it.csv").extra["search_term_performance"]
    assert terms["search_term"].to_list() == ["scarpa rossa", "scarpe da corsa donna", "scarpe gratis"]
    assert terms["keyword"].to_list() == ["scarpe rosse", "scarpe da corsa", "scarpe economiche"]
    assert terms["match_type"].to_list() == ["exact", "phrase", "broad"]
    assert terms["spend"].to_list() == pytest.approx([27.40, 13.20, 11.60])
    assert set(terms["date_start"]) == {D(2026, 6, 1)}


def test_other_reports_have_no_extra_tables():
    assert normalise(google_ads, "campaign_daily_en.csv").extra == {}
    assert normalise(microsoft_ads, "campaign_daily_en.csv").extra == {}


def test_a_big_export_read_in_columns_keeps_the_keyword_columns():
    raw = read_export(FIXTURES / "google_ads" / "search_terms_en.csv")
    used = google_ads.columns_used(raw.header, SourceContext(source="s", kind="google_ads"))
    assert {"Search term", "Keyword", "Match type"} <= set(used)
    assert "CTR" not in used and "Avg. CPC" not in used


@pytest.mark.parametrize("cell, expected", [
    ("Exact match", "exact"), ("Exact match (close variant)", "exact"), ("EXACT", "exact"), ("Exact", "exact"),
    ("Phrase match", "phrase"), ("Phrase match (close variant)", "phrase"), ("Broad match", "broad"),
    ("Broad", "broad"), ("Broad match modifier", "broad"),
    ("Corrispondenza esatta", "exact"), ("Corrispondenza esatta (variante simile)", "exact"),
    ("Corrispondenza a frase", "phrase"), ("Corrispondenza generica", "broad"),
    ("Correspondência exata", "exact"), ("Correspondência de frase", "phrase"), ("Correspondência ampla", "broad"),
    ("Concordancia exacta", "exact"), ("Concordancia de frase", "phrase"), ("Concordancia amplia", "broad"),
    ("Mot clé exact", "exact"), ("Expression exacte", "phrase"), ("Requête large", "broad"),
    ("Genau passend", "exact"), ("Passende Wortgruppe", "phrase"), ("Weitgehend passend", "broad"),
])
def test_match_type_words_in_every_ui_language(cell, expected):
    kind, error = keywords.match_type(pl.lit(cell))
    assert pl.select(kind.alias("kind"), error.alias("error")).row(0) == (expected, None)


def test_keyword_notation():
    cells = pl.Series(["[red shoes]", '"red shoes"', "+red +shoes", "red shoes", "[ red shoes ]"])
    text, kind = keywords.notation(pl.col("k"))
    out = pl.DataFrame({"k": cells}).select(text.alias("text"), kind.alias("kind"))
    assert out["text"].to_list() == ["red shoes", "red shoes", "+red +shoes", "red shoes", "red shoes"]
    assert out["kind"].to_list() == ["exact", "phrase", "broad", None, "exact"]


def test_an_unknown_match_type_or_missing_keyword_is_a_reason_on_the_keyword_row_only(tmp_path):
    path = tmp_path / "keywords.csv"
    path.write_text("Day,Keyword,Match type,Campaign,Ad group,Impr.,Clicks,Cost\n"
                    "2026-06-01,running shoes,Smart match,Shoes,Running,100,5,2.00\n"
                    "2026-06-01, --,Exact match,Shoes,Running,50,1,0.50\n"
                    "2026-06-01,red shoes,Exact match,Shoes,Running,40,abc,0.40\n", encoding="utf-8")
    result = normalise(google_ads, path)
    kw = result.extra["keyword_performance"]
    assert kw["_errors"].to_list() == [
        ["match type: 'Smart match' is not exact, phrase or broad"],
        ["keyword: missing"],
        ["clicks: 'abc' is not a number"],                                       # the ad row's own reason, too
    ]
    assert result.frame["_errors"].to_list() == [[], [], ["clicks: 'abc' is not a number"]]
    assert kw["match_type"].to_list() == ["", "exact", "exact"]


# ------------------------------------------------------------------ Microsoft Advertising

def test_microsoft_keyword_report_takes_the_bid_match_type_and_keeps_delivered_segments_as_rows():
    result = normalise(microsoft_ads, "keyword_daily_en.csv")
    assert set(result.extra) == {"keyword_performance"}
    kw, ads = result.extra["keyword_performance"], result.frame
    assert kw["keyword"].to_list() == ["acme shoes"] + ["running shoes"] * 3 + ["trail shoes"]
    assert kw["match_type"].to_list() == ["exact", "broad", "broad", "broad", "phrase"]   # Bid match type
    assert kw["date_start"].to_list() == [D(2026, 6, 1)] * 3 + [D(2026, 6, 2)] * 2
    assert kw.select("account_id", "campaign_id", "ad_group_id", "_row").equals(
        ads.select("account_id", "campaign_id", "ad_group_id", "_row"))
    assert set(kw["account_id"]) == {"F123ABCD"} and kw["ad_group_id"].to_list() == ["7001"] + ["7002"] * 4
    grain = summed(kw, "keyword_performance")
    broad = grain.filter((pl.col("keyword") == "running shoes") & (pl.col("date_start") == D(2026, 6, 1))).row(
        0, named=True)                                                              # delivered phrase + broad
    assert (broad["impressions"], broad["clicks"], broad["spend"], broad["conversions"],
            broad["conversion_value"]) == (1000, 15, pytest.approx(12.60), 1.0, 45.0)
    assert grain.height == 4 and grain["spend"].sum() == pytest.approx(40.50)       # the report's Total


def test_microsoft_search_query_report_over_the_report_time():
    result = normalise(microsoft_ads, "search_terms_en.csv")
    assert set(result.extra) == {"search_term_performance"}
    terms = result.extra["search_term_performance"]
    assert terms["search_term"].to_list() == ["running shoes for women"] * 2 + ["free shoes"]
    assert terms["keyword"].to_list() == ["running shoes"] * 3
    assert terms["match_type"].to_list() == ["broad"] * 3
    assert set(terms["date_start"]) == {D(2026, 6, 1)} and set(terms["date_end"]) == {D(2026, 6, 7)}
    assert set(terms["currency"]) == {"USD"}
    grain = summed(terms, "search_term_performance")
    assert grain["search_term"].to_list() == ["running shoes for women", "free shoes"]
    assert grain["spend"].to_list() == pytest.approx([7.20, 11.40])
    assert grain["clicks"].to_list() == [8, 12]
