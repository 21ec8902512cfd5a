"""Numbers as the platforms write them: decimal commas, thousands marks, currencies, percentages, gaps."""
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.transforms.numbers import MISSING, currency_mark, error_list, infer_decimal, number, row_currency, text


def read(cells, decimal, **kw):
    value, error = number("x", decimal, label="cost", **kw)
    out = pl.DataFrame({"x": cells}, schema={"x": pl.Utf8}).select(value.alias("v"), error.alias("e"))
    return out["v"].to_list(), out["e"].to_list()


@pytest.mark.parametrize("cell, expected", [
    ("1.234,56", 1234.56), ("2473,94", 2473.94), ("0,35", 0.35), (" 12 ", 12.0),
    ("18\u00a0158", 18158.0), ("1\u00a0537,85", 1537.85), ("27\u202f190", 27190.0), ("1\u2009000,5", 1000.5),
    ("€ 1.234,56", 1234.56), ("1.234,56 €", 1234.56), ("R$ 1.234,00", 1234.0), ("EUR 12,50", 12.5),
    ("(12,50)", -12.5), ("-3", -3.0), ("+7,5", 7.5), ("1.234.567", 1234567.0), ("1'234,5", 1234.5),
])
def test_decimal_comma(cell, expected):
    values, errors = read([cell], ",")
    assert values == [pytest.approx(expected)] and errors == [None]


@pytest.mark.parametrize("cell, expected", [
    ("1,234.56", 1234.56), ("798.88", 798.88), ("62,312", 62312.0), ("$1,234.56", 1234.56),
    ("-$3.50", -3.5), ("$-3.50", -3.5), ("USD 12.00", 12.0), ("12.00 GBP", 12.0), ("£0.99", 0.99),
    ("A$ 10", 10.0), ("(1,250.00)", -1250.0), ("1 234.5", 1234.5), ("1,234,567", 1234567.0), (".5", 0.5),
])
def test_decimal_point(cell, expected):
    values, errors = read([cell], ".")
    assert values == [pytest.approx(expected)] and errors == [None]


def test_missing_markers_are_null_without_error():
    cells = [None, "", " --", "-", "—", "–", "n/a", "N/A", "na", "n.a.", "nd", "n.d.", "null", "None", "NaN",
             "(not set)"]
    values, errors = read(cells, ".")
    assert values == [None] * len(cells) and errors == [None] * len(cells)
    assert {"", "--", "n/a", "(not set)"} <= MISSING


def test_unreadable_cells_give_one_reason_each():
    values, errors = read(["abc", "12.5.3", "1,23", " 7x "], ".")
    assert values == [None] * 4
    assert errors == ["cost: 'abc' is not a number", "cost: '12.5.3' is not a number",
                      "cost: '1,23' is not a number", "cost: '7x' is not a number"]


def test_wrong_decimal_mark_is_an_error_not_a_silent_misread():
    # '12.5' under a comma decimal mark is neither a decimal nor a valid thousands group
    assert read(["12.5"], ",") == ([None], ["cost: '12.5' is not a number"])


def test_percentages_are_fractions():
    values, errors = read(["12,3%", "12,3", "0", "2,81 %", " --"], ",", percent=True)
    assert values == pytest.approx([0.123, 0.123, 0.0, 0.0281, None]) and errors == [None] * 5
    values, _ = read(["12.3%", "12.3", "0", "100"], ".", percent=True)
    assert values == pytest.approx([0.123, 0.123, 0.0, 1.0])
    values, _ = read(["2.81%"], ".")       # a '%' sign always means a percentage
    assert values == [pytest.approx(0.0281)]


def test_integers():
    value, error = number("x", ".", label="clicks", integer=True)
    out = pl.DataFrame({"x": ["1,234", "12.00", "12.5", " --", "x"]}).select(value.alias("v"), error.alias("e"))
    assert out.schema["v"] == pl.Int64
    assert out["v"].to_list() == [1234, 12, None, None, None]
    assert out["e"].to_list() == [None, None, "clicks: '12.5' is not a whole number", None,
                                  "clicks: 'x' is not a number"]


def test_text_strips_and_nulls_markers():
    out = pl.DataFrame({"x": ["  Brand  ", " --", "n/a", "(not set)", None, "Total Wellness"]}).select(text("x"))
    assert out["x"].to_list() == ["Brand", None, None, None, None, "Total Wellness"]


@pytest.mark.parametrize("cells, hint, expected", [
    (["1.234,56"], None, ","), (["2473,94"], None, ","), (["0,35"], None, ","), (["11,54%"], None, ","),
    (["1,234.56"], None, "."), (["798.88"], None, "."), (["2.81%"], None, "."),
    (["1,286", "9.380"], ",", ","), (["1,286"], None, "."), (["18\u00a0158"], ",", ","),
    (["62,312", "18257.62"], ",", "."), (["1.286", "12,50"], None, ","), (["0.350"], ",", "."),
    ([], None, "."), ([None], ",", ","),
])
def test_infer_decimal(cells, hint, expected):
    frame = pl.DataFrame({"a": cells}, schema={"a": pl.Utf8})
    assert infer_decimal(frame, ["a", "not_there"], hint) == expected


def test_error_list_keeps_only_reasons():
    out = pl.DataFrame({"a": ["x", None], "b": ["y", None]}).select(error_list([pl.col("a"), pl.col("b")]))
    assert out["_errors"].to_list() == [["x", "y"], []]
    assert pl.DataFrame({"a": [1]}).with_columns(error_list([]))["_errors"].to_list() == [[]]


def _format(value: float, decimal: str, thousands: str) -> str:
    body = f"{abs(value):,.2f}"                      # 1,234,567.89
    body = body.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return ("-" if value < 0 else "") + body


@settings(max_examples=100, deadline=None)
@given(value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 2)),
       style=st.sampled_from([(".", ","), (".", " "), (".", "'"), (",", "."), (",", "\u00a0"), (",", "\u202f"),
                              (",", " ")]))
def test_number_reads_back_what_a_locale_writes(value, style):
    decimal, thousands = style
    cell = _format(value, decimal, thousands)
    values, errors = read([cell], decimal)
    assert errors == [None]
    assert values[0] == pytest.approx(value, abs=0.005)


# ---------------------------------------------------------------- currency marks

@pytest.mark.parametrize("cell, mark, code", [
    ("US$50.00", "US$", "USD"), ("€ 1.234,56", "€", "EUR"), ("50,00 €", "€", "EUR"), ("£0.99", "£", "GBP"),
    ("R$ 1.234,00", "R$", "BRL"), ("A$ 10", "A$", "AUD"), ("AU$10.00", "AU$", "AUD"), ("C$5", "C$", "CAD"),
    ("CA$5.00", "CA$", "CAD"), ("NZ$7", "NZ$", "NZD"), ("HK$8.50", "HK$", "HKD"), ("₹1,200", "₹", "INR"),
    ("¥1,200", "¥", "JPY"), ("CHF 12.50", "CHF", "CHF"), ("12,50 zł", "zł", "PLN"), ("EUR 50,00", "EUR", "EUR"),
    ("12.00 GBP", "GBP", "GBP"), ("-US$3.50", "US$", "USD"), ("(€12,50)", "€", "EUR"),
])
def test_a_currency_mark_in_a_money_cell_is_the_rows_currency(cell, mark, code):
    frame = pl.DataFrame({"spend": [cell]})
    assert frame.select(currency_mark("spend")).item() == mark
    currency, error = row_currency({"spend": "spend"}, None, fallback="EUR")
    assert frame.select(currency.alias("c"), error.alias("e")).row(0) == (code, None)


def currencies(cells, column=None, **kw):
    frame = pl.DataFrame({"spend": cells, "cur": column or [None] * len(cells)},
                         schema={"spend": pl.Utf8, "cur": pl.Utf8})
    currency, error = row_currency({"spend": "spend"}, "cur" if column else None, **{"fallback": "EUR", **kw})
    return frame.select(currency.alias("c"), error.alias("e")).rows()


AMBIGUOUS = "spend: '$' is ambiguous (USD, AUD, CAD …): set currency = \"USD\" for this source in roi.toml"


def test_an_ambiguous_dollar_needs_the_source_currency_or_a_currency_column():
    assert currencies(["$50.00", "0.00"]) == [(None, AMBIGUOUS)] * 2         # never the reporting EUR
    assert currencies(["$50.00", "0.00"], configured="USD") == [("USD", None)] * 2
    assert currencies(["$50.00", "$1"], column=["CAD", "AUD"]) == [("CAD", None), ("AUD", None)]
    assert currencies(["50 kr"], configured="SEK") == [("SEK", None)]
    assert currencies(["50 kr"])[0][1] == ("spend: 'kr' is ambiguous (SEK, NOK, DKK …): set currency = \"SEK\" "
                                           "for this source in roi.toml")
    error = currencies(["$50.00"], configured="EUR")[0][1]
    assert error.startswith("spend: '$' is ambiguous (USD, AUD, CAD …) and cannot be EUR, the source's currency")


def test_a_mark_that_contradicts_the_currency_column_is_a_row_error():
    assert currencies(["US$5.00", "£3.00", "$4"], column=["EUR", "GBP", "EUR"]) == [
        (None, "spend: 'US$' is USD but currency says EUR — the amounts and the currency disagree: export the "
               "report again"),
        ("GBP", None),
        (None, "spend: '$' is one of USD, AUD, CAD … but currency says EUR — the amounts and the currency "
               "disagree: export the report again")]


def test_a_cell_mark_beats_the_source_currency_and_unmarked_cells_take_the_exports_mark():
    assert currencies(["US$5.00", "0", None], configured="EUR") == [("USD", None)] * 3
    assert currencies(["1.00", "2.00"], configured="GBP") == [("GBP", None)] * 2          # no mark: as before
    mixed = currencies(["US$5.00", "£3.00", "0"])
    assert mixed[:2] == [("USD", None), ("GBP", None)]
    assert mixed[2] == (None, "spend: no currency in this row, and the export's rows name several (GBP, USD) — add "
                              "the currency code column to the report")


def test_a_currency_mark_in_the_money_header():
    assert currencies(["5.00"], header="US$") == [("USD", None)]
    assert currencies(["5.00"], header="$") == [(None, AMBIGUOUS.replace("spend:", "spend (header):"))]
    assert currencies(["5.00"], header="$", configured="AUD") == [("AUD", None)]
    assert currencies(["5.00"], column=["CAD"], header="$") == [("CAD", None)]
