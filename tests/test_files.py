"""Reading export files as users download them: encodings, dialects, preambles, totals, footers, XLSX."""
import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
import pytest

from roi.sources.files import ReadWhole, read_export, read_export_batches
from roi.contracts.raw import RawTable

FIXTURES = Path(__file__).parent / "fixtures"


def test_google_csv_with_title_date_range_and_totals_rows():
    raw = read_export(FIXTURES / "google_ads" / "campaign_daily_en.csv")
    assert raw.encoding == "utf-8" and raw.delimiter == ","
    assert raw.preamble == ["Campaign report", "June 1, 2026 - June 3, 2026"]   # unquoted commas rebuilt
    assert raw.header[:4] == ["Day", "Campaign", "Campaign ID", "Currency code"]
    assert raw.rows["_row"].to_list() == [4, 5, 6, 7, 8]                          # Excel row numbers
    assert raw.rows["Campaign"].to_list() == ["Brand Search", "Total Wellness"] * 2 + ["Brand Search"]
    assert raw.rows.filter(pl.col("_row") == 7)["CTR"].item() == " --"           # cells stay as written
    assert raw.rows["Impr."].to_list()[0] == "1,200"
    assert raw.totals["Day"].to_list() == ["Total: Campaigns", "Total: Account", "Total: Search"]
    assert raw.totals["_row"].to_list() == [9, 10, 11]
    assert raw.notes == [] and not raw.typed_cells
    assert all(dtype == pl.Utf8 for name, dtype in raw.rows.schema.items() if name != "_row")


def test_utf16_tab_csv_for_excel_with_duplicate_headers():
    raw = read_export(FIXTURES / "google_ads" / "campaign_period_usd_utf16.csv")
    assert (raw.encoding, raw.delimiter) == ("utf-16-le", "\t")
    assert raw.preamble == ["Campaign report", "1 June 2026 - 30 June 2026"]
    assert "Currency code" in raw.header and "Currency code (2)" in raw.header
    assert raw.rows["Campaign"].to_list() == ["Spring Sale 🌸", "Old Campaign", "Retargeting"]
    assert raw.rows["Impr."].to_list() == ["62,312", "0", "1,234"]
    assert raw.totals["Campaign status"].to_list() == ["Total: Campaigns", "Total: Account"]


def test_bom_emoji_and_line_break_inside_quotes_count_as_one_row():
    raw = read_export(FIXTURES / "meta_ads" / "ads_daily_en_bom.csv")
    assert raw.encoding == "utf-8-sig"
    assert raw.header[0] == "Day"
    assert raw.rows["_row"].to_list() == [2, 3, 4]
    assert raw.rows["Ad name"].to_list() == ["🔥 Hot deal\ntwo lines", "Plain ad", "🔥 Hot deal\ntwo lines"]
    assert raw.rows["Link clicks"].to_list() == ["30", None, "34"]


def test_mixed_line_endings_blank_rows_footers_and_short_rows():
    raw = read_export(FIXTURES / "files" / "mixed_newlines.csv")
    # 1 header, 2 Alpha, 3 "Beta<CRLF>second line", 4 blank, 5 Gamma (short), 6 footer, 7 blank cells, 8 Delta
    assert raw.rows["_row"].to_list() == [2, 3, 5, 8]
    assert raw.rows["Name"].to_list() == ["Alpha", "Beta\nsecond line", "Gamma", "Delta"]
    assert raw.rows["Cost"].to_list() == ["2.00", "4.00", None, "6.00"]          # absent trailing cell
    assert raw.rows["Clicks"].to_list()[-1] == " --"
    assert raw.notes == ["Report generated on 2026-06-30"]


def test_preamble_only_export_gives_no_rows_and_no_error():
    raw = read_export(FIXTURES / "files" / "preamble_only_utf16.csv")
    assert raw.rows.columns == ["_row"] and raw.rows.height == 0 and raw.totals.height == 0
    assert raw.preamble == ["Ad Performance Report (in UTC)", "Report Start: August 18, 2019, 12:00 AM",
                            "Report End: September 16, 2019, 11:59 PM",
                            "Date Generated: September 16, 2019, 5:55 AM"]


def test_no_data_sentinel_is_a_note():
    raw = read_export(FIXTURES / "meta_ads" / "nodata.csv")
    assert raw.rows.height == 0 and raw.notes == ["No data available."]
    assert raw.header[:3] == ["Reporting starts", "Reporting ends", "Campaign name"]


def test_legacy_8bit_encodings():
    raw = read_export(FIXTURES / "mailchimp" / "campaigns_cp1252.csv")
    assert raw.encoding == "cp1252"
    assert raw.rows["Title"].to_list()[0] == "Offerta € estate | Winner"
    assert raw.rows["Title"].to_list()[2] == "Café news"
    raw = read_export(FIXTURES / "files" / "semicolon_latin1.csv")       # 0x81 is not cp1252
    assert (raw.encoding, raw.delimiter) == ("latin-1", ";")
    assert raw.rows["Kampagne"].to_list() == ["Sommeré", "Winter\x81"]
    assert raw.rows["Kosten"].to_list() == ["1.234,50", "7,25"]


def test_utf16_big_endian_pipe_and_utf16_without_bom(tmp_path):
    raw = read_export(FIXTURES / "files" / "pipe_utf16be.csv")
    assert (raw.encoding, raw.delimiter) == ("utf-16-be", "|")
    assert raw.rows.select("Campaign", "Cost").rows() == [("A", "2.5"), ("B", "3.5")]
    path = tmp_path / "nobom.csv"
    path.write_bytes("Campaign\tClicks\r\nÀ\t1\r\nB\t2\r\n".encode("utf-16-le"))
    raw = read_export(path)
    assert (raw.encoding, raw.delimiter) == ("utf-16-le", "\t")
    assert raw.rows["Campaign"].to_list() == ["À", "B"]


@pytest.mark.parametrize("label, is_total", [
    ("Total: Campaigns", True), ("Totale: campagne", True), ("Total: Campanhas", True), ("Total", True),
    ("TOTAL", True), ("Totales: campañas", True), ("Totaux : campagnes", True), ("Gesamt: Kampagnen", True),
    ("Summe", True), ("Insgesamt:", True), ("Totali", True),
    ("Total Wellness", False), ("Totality", False), ("Subtotal: x", False),
])
def test_totals_rows_by_label(tmp_path, label, is_total):
    path = tmp_path / "t.csv"
    path.write_text(f"Campaign,Clicks,Cost\nA,1,2.00\n{label},1,2.00\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.totals.height == (1 if is_total else 0)
    assert raw.rows.height == (1 if is_total else 2)


def test_totals_label_may_sit_in_the_second_or_third_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Status,Day,Campaign,Cost\nEnabled,2026-06-01,A,2.00\n,,Total: Campaigns,2.00\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.totals["Campaign"].to_list() == ["Total: Campaigns"] and raw.rows.height == 1


def test_legacy_adwords_footer_rows_are_totals_and_a_total_named_ad_is_data():
    raw = read_export(FIXTURES / "google_ads" / "legacy_ad_report.csv")
    assert raw.preamble == ["Ad report (Oct 25, 2016-Oct 31, 2016)"]
    assert raw.rows["Ad"].to_list() == ["Running shoes sale", "Trail shoes", "Total Care Shampoo"]
    assert raw.totals["Ad state"].to_list() == ["Total - all experiments", "Total - filtered", "Total - Search"]
    assert raw.totals["_row"].to_list() == [6, 7, 8]


def test_keyword_report_totals_labelled_in_the_second_or_third_column():
    raw = read_export(FIXTURES / "google_ads" / "keyword_filtered_totals.csv")
    # the keyword "total" after a status is a keyword; the labels after " --" / blanks are totals
    assert raw.rows["Keyword"].to_list() == ["running shoes", "total", "trail shoes"]
    assert raw.totals["Keyword"].to_list() == ["Total: Filtered keywords", "Total: All but removed keywords", None]
    assert raw.totals["Match type"].to_list()[2] == "Total: Account"


@pytest.mark.parametrize("label, is_total", [
    ("Total - filtered", True), ("Total - all experiments", True), ("Total – Search", True),
    ("Totais: campanhas", True), ("Total: All but removed keywords", True), ("Totale - filtrate", True),
    ("Total Care Shampoo", False), ("Total-Care", False), ("Totalmente", False),
])
def test_totals_label_forms_in_any_of_the_first_three_columns(tmp_path, label, is_total):
    for cells in ([label, "x", "A", "2.00"], ["", label, "", "2.00"], [" --", " --", label, "2.00"]):
        row = ",".join(cells)
        path = tmp_path / "t.csv"
        path.write_text(f"Status,Keyword,Campaign,Cost\nEnabled,shoes,A,2.00\n{row}\n", encoding="utf-8")
        raw = read_export(path)
        assert raw.totals.height == (1 if is_total else 0), cells
        assert raw.rows.height == (1 if is_total else 2), cells


def test_a_bare_total_word_after_a_filled_cell_is_data(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Status,Keyword,Cost\nEnabled,total,2.00\n,Total,2.00\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.rows["Keyword"].to_list() == ["total"] and raw.totals["Keyword"].to_list() == ["Total"]


def test_empty_and_header_only_files_have_no_rows():
    raw = read_export(FIXTURES / "files" / "empty.csv")
    assert raw.rows.height == 0 and raw.rows.columns == ["_row"]
    raw = read_export(FIXTURES / "files" / "header_only.csv")
    assert raw.rows.height == 0 and raw.header == ["Campaign", "Clicks", "Cost"]


def test_unreadable_files_raise_one_clear_line(tmp_path):
    with pytest.raises(ValueError) as err:
        read_export(FIXTURES / "files" / "garbage.bin")
    message = str(err.value)
    assert "garbage.bin" in message and "\n" not in message and "export" in message
    html = tmp_path / "report.csv"
    html.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(ValueError, match="report.csv: an HTML page"):
        read_export(html)
    with pytest.raises(ValueError, match="missing.csv: cannot be read"):
        read_export(tmp_path / "missing.csv")
    fake = tmp_path / "broken.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValueError, match="broken.xlsx: not a readable XLSX workbook"):
        read_export(fake)


def test_xlsx_typed_cells(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "report.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(1, 0, "Campaign report")                                    # row 1 left empty
    sheet.write(2, 0, "1 June 2026 - 2 June 2026")
    sheet.write_row(3, 0, ["Day", "Campaign", "Cost", "Impr.", "Clicks"])
    sheet.write_datetime(4, 0, dt.datetime(2026, 6, 1), day)
    sheet.write_row(4, 1, ["Brand", 1234.5, 62312, 10])
    sheet.write_datetime(5, 0, dt.datetime(2026, 6, 2), day)
    sheet.write_row(5, 1, ["Total Wellness", 0.1, 0, 0])
    sheet.write_row(6, 0, ["Total: Campaigns", "", 1234.6, 62312, 10])
    book.close()
    raw = read_export(path)
    assert raw.typed_cells and raw.encoding == "xlsx"
    assert raw.preamble == ["Campaign report", "1 June 2026 - 2 June 2026"]
    assert raw.header == ["Day", "Campaign", "Cost", "Impr.", "Clicks"]
    assert raw.rows["_row"].to_list() == [5, 6]
    assert raw.rows["Impr."].to_list() == ["62312", "0"]                  # not "62312.0"
    assert raw.rows["Cost"].to_list() == ["1234.5", "0.1"]
    assert raw.rows["Day"].to_list()[0].startswith("2026-06-01")
    assert raw.totals["_row"].to_list() == [7]


def _whole_or_error(path):
    try:
        return read_export(path)
    except ValueError as exc:
        return type(exc)


def _batched_or_error(path, batch_rows):
    try:
        with read_export_batches(path, None, batch_rows) as batches:
            return list(batches)
    except ValueError as exc:
        return type(exc)


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".csv", ".tsv", ".txt")),
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_batched_read_gives_what_a_whole_read_gives(path):
    """Every fixture export, two records a batch: the same rows (and row numbers), totals, notes and
    preamble as read_export, or ReadWhole where it cannot be read in batches (legacy encodings,
    UTF-16, old Mac line ends, no header)."""
    whole = _whole_or_error(path)
    try:
        parts = _batched_or_error(path, 2)
    except ReadWhole:
        return
    if not isinstance(whole, RawTable):
        assert parts == whole   # the same error
        return
    if not parts:   # a header and nothing below it: no batch
        assert whole.rows.height == whole.totals.height == 0
        return
    assert [(p.preamble, p.encoding, p.delimiter) for p in parts] == [(whole.preamble, whole.encoding,
                                                                       whole.delimiter)] * len(parts)
    assert pl.concat([p.rows for p in parts]).equals(whole.rows)
    assert pl.concat([p.totals for p in parts]).equals(whole.totals)
    assert [n for p in parts for n in p.notes] == whole.notes


def test_a_quoted_line_break_stays_in_its_batch(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text('Day,Note,Clicks\n2026-06-01,"first line\nsecond line",5\n' +
                      "".join(f"2026-06-0{d},plain,{d}\n" for d in range(2, 8)))
    parts = _batched_or_error(export, 2)
    rows = pl.concat([p.rows for p in parts])
    assert rows["Note"].to_list()[0] == "first line\nsecond line" and rows.height == 7
    assert rows["_row"].to_list() == read_export(export).rows["_row"].to_list() == [2, 3, 4, 5, 6, 7, 8]


def test_a_crlf_export_is_read_in_batches_without_a_copy_and_its_cells_hold_lf(tmp_path, monkeypatch):
    """Windows line ends are polars' own: no UTF-8 copy of the file (the copy is the cost of UTF-16 and
    old Mac line ends only), and a line break inside a quoted cell reads "\n" as in an LF export."""
    import roi.sources.files

    def no_copy(*args, **kwargs):
        raise AssertionError("a CRLF export was copied")
    monkeypatch.setattr(roi.sources.files, "_utf8_copy", no_copy)
    export = tmp_path / "windows.csv"
    export.write_bytes(b"Ad group report\r\n1 June 2026 - 7 June 2026\r\nDay,Note,Clicks\r\n"
                       b'2026-06-01,"first line\r\nsecond line",5\r\n'
                       + b"".join(f"2026-06-0{d},plain,{d}\r\n".encode() for d in range(2, 8))
                       + b"Total,,27\r\n")
    parts = _batched_or_error(export, 2)
    rows, whole = pl.concat([p.rows for p in parts]), read_export(export)
    assert rows.equals(whole.rows) and rows.height == 7
    assert rows["Note"].to_list()[0] == "first line\nsecond line" == whole.rows["Note"][0]
    assert rows["Clicks"].to_list()[-1] == "7" and parts[0].preamble == ["Ad group report", "1 June 2026 - 7 June 2026"]
    assert pl.concat([p.totals for p in parts])["Clicks"].to_list() == ["27"]


def test_exports_that_must_be_read_whole(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Giorno,Campagna,Clic\n2026-06-01,Città,5\n".encode("cp1252"))
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"Day,Campaign,Clicks\n" + b"2026-06-01,Bra\x00nd,5\n" + b"2026-06-02,Brand,6\n" * 200)
    damaged = tmp_path / "damaged.xlsx"   # not a zip: the whole read says it is a damaged workbook
    damaged.write_bytes(b"Day,Campaign,Clicks\n2026-06-01,Brand,5\n")
    for path in (latin, nul, damaged):
        with pytest.raises(ReadWhole):
            _batched_or_error(path, 2)


def test_utf16_and_cr_line_ends_are_read_in_batches_from_a_utf8_copy(tmp_path, monkeypatch):
    """Old Mac line ends, Windows ones split across the copy's slices, UTF-16 with CRLF: the same
    rows as the whole read, and the copy is gone afterwards."""
    import roi.sources.files
    monkeypatch.setattr(roi.sources.files, "COPY_BYTES", 7)   # slices that cut CRLF pairs and characters
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"Day,Campaign,Clicks\r2026-06-01,Brand,5\r2026-06-02,Br\xc3\xa0nd,6\r")
    windows = tmp_path / "windows.csv"
    windows.write_bytes("\ufeffDay,Campaign,Clicks\r\n".encode() + "2026-06-01,Città,5\r\n".encode() * 9)
    excel = tmp_path / "excel.csv"
    excel.write_bytes("\ufeffDay\tCampaign\tClicks\r\n2026-06-01\tCittà\t5\r\n2026-06-02\tÆ\t6\r\n"
                      .encode("utf-16-le"))
    for path in (mac, windows, excel, FIXTURES / "google_ads" / "campaign_period_usd_utf16.csv"):
        whole, parts = read_export(path), _batched_or_error(path, 2)
        assert pl.concat([p.rows for p in parts]).equals(whole.rows), path.name
        assert pl.concat([p.totals for p in parts]).equals(whole.totals), path.name
        assert {(p.encoding, tuple(p.preamble)) for p in parts} == {(whole.encoding, tuple(whole.preamble))}
    assert not list(Path(tempfile.gettempdir()).glob("roi-copy-*"))


def test_an_unclosed_quote_reads_the_same_in_batches(tmp_path):
    export = tmp_path / "cut.csv"
    export.write_text('Day,Note,Clicks\n2026-06-01,plain,5\n2026-06-02,plain,6\n2026-06-03,"cut off,7\n'
                      "2026-06-04,plain,8\n")
    whole, parts = _whole_or_error(export), _batched_or_error(export, 1)
    if isinstance(whole, RawTable):
        assert pl.concat([p.rows for p in parts]).equals(whole.rows)
    else:
        assert parts == whole == ValueError


def test_a_legacy_byte_far_below_the_head_sends_the_batched_read_back_to_a_whole_one(tmp_path):
    """The head (64 KiB) is valid UTF-8, a cp1252 'à' sits in the last record: the batched read
    gives up with ReadWhole once it meets it, and read_export reads the file as cp1252."""
    export = tmp_path / "late.csv"
    rows = "".join(f"2026-06-01,Campaign {i},{i}\n" for i in range(5_000))
    export.write_bytes(("Day,Campaign,Clicks\n" + rows).encode() + "2026-06-02,Città,7\n".encode("cp1252"))
    read = []
    with read_export_batches(export, None, 1_000) as batches:
        with pytest.raises(ReadWhole):
            for batch in batches:
                read.append(batch.rows.height)
    assert sum(read) >= 1_000   # it had read batches before it met the byte
    whole = read_export(export)
    assert whole.encoding == "cp1252" and whole.rows["Campaign"].to_list()[-1] == "Città"


def test_no_room_for_the_utf8_copy_falls_back_to_the_whole_read(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing" / "dir"))
    with pytest.raises(ReadWhole):
        _batched_or_error(FIXTURES / "google_ads" / "campaign_period_usd_utf16.csv", 2)
