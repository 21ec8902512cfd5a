"""Reading export files (CSV in any encoding/dialect, XLSX) into RawTable: preamble, header, rows, totals, notes.

Over 500 lines on purpose: whole-file and batched reading share one layout detection (encoding, delimiter,
title lines, header row) that must decide the same way for both, so they stay in one module."""
from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.totals import TOTALS_PATTERN, totals_label

DELIMITERS = [",", "\t", ";", "|"]
HEAD_RECORDS = 60        # records examined to find the delimiter and the header
HEAD_BYTES = 4 << 20     # ... within the first 4 MiB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_XLSX_EXPANDED = 1 << 30   # an XLSX whose parts unzip beyond 1 GiB is refused (zip-bomb shape)
csv.field_size_limit(1 << 30)  # long cells (ad copy, notes) are data, not an error


def read_export(path: str | Path, keep: Callable[[list[str]], list[str]] | None = None) -> RawTable:
    """Read one export file as text cells; raises ValueError (one line) when it cannot be read.

    keep: given the header, the columns to read (a CSV's other columns are skipped, not parsed);
    None reads them all."""
    path = Path(path)
    try:
        with open(path, "rb") as fh, _mapped(fh) as data:
            if _is_xlsx(path, data):
                return _read_xlsx(path, bytes(data))
            if data[:8] == _OLE_MAGIC:
                raise ValueError(f"{path}: legacy .xls workbook — open it and save it as .xlsx or CSV")
            utf8, encoding, start = _to_utf8(path, data)
            if encoding != "utf-8?":
                return _read_text(path, utf8, encoding, start, keep=keep)
            try:   # valid UTF-8 is checked while parsing, not by decoding a copy of the whole file first
                return _read_text(path, utf8, "utf-8", 0, strict=True, keep=keep)
            except _NotUtf8:
                return _read_text(path, *_legacy(bytes(utf8)), 0, keep=keep)
    except OSError as exc:
        raise _cannot_read(path, exc) from None


def _cannot_read(path: Path, exc: OSError) -> ValueError:
    return ValueError(f"{path}: cannot be read ({exc.strerror or exc}) — check the path and permissions")


def _is_xlsx(path: Path, data: bytes | mmap.mmap) -> bool:
    """An XLSX workbook by its zip signature or its name (a damaged one too: _read_xlsx says so)."""
    return data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm")


@contextlib.contextmanager
def _mapped(fh):
    """The file's bytes, memory-mapped (a big export is not copied into memory; polars reads it from
    the path), or b"" for an empty file."""
    if os.fstat(fh.fileno()).st_size == 0:
        yield b""
        return
    data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield data
    finally:
        data.close()


# ---------------------------------------------------------------- encodings

class _NotUtf8(Exception):
    """The file is not valid UTF-8 after all: read it in a legacy 8-bit encoding."""


def _to_utf8(path: Path, data: bytes | mmap.mmap) -> tuple[bytes | mmap.mmap, str, int]:
    """The file's bytes as UTF-8, the name of the encoding it was written in, and where the text
    starts (after a UTF-8 BOM). Encoding "utf-8?": UTF-8 unless the parser finds invalid bytes."""
    if data[:3] == b"\xef\xbb\xbf":
        return data, "utf-8-sig", 3
    utf16 = _utf16(data)
    if utf16:
        encoding, start = utf16
        return _recode(data[start:], encoding), encoding, 0
    sample = data[:4096]
    if 0 < sample.count(0) <= len(sample) // 100:
        data = bytes(data).replace(b"\x00", b"")   # a stray NUL inside a cell of a text export
        sample = data[:4096]
    if b"\x00" in sample:
        raise ValueError(f"{path}: binary file, not a CSV or XLSX export — export the report again as CSV or Excel")
    return data, "utf-8?", 0


def _utf16(data: bytes | mmap.mmap) -> tuple[str, int] | None:
    """UTF-16 text (Excel's "CSV for Excel" / Unicode text exports): its byte order and where the
    text starts (after a BOM); None for any other file."""
    if data[:2] == b"\xff\xfe":
        return "utf-16-le", 2
    if data[:2] == b"\xfe\xff":
        return "utf-16-be", 2
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 3 * max(even, 1):
            return "utf-16-le", 0
        if even > 3 * max(odd, 1):
            return "utf-16-be", 0
    return None


def _legacy(data: bytes) -> tuple[bytes, str]:
    for legacy in ("cp1252", "latin-1"):
        try:
            return data.decode(legacy).encode("utf-8"), legacy
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def _recode(data: bytes | mmap.mmap, encoding: str) -> bytes:
    if encoding == "utf-8":
        return data
    return bytes(data).decode(encoding, errors="replace").encode("utf-8")


def _check_text(path: Path, text: str) -> None:
    head = text[:4096]
    if head.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise ValueError(f"{path}: an HTML page, not a CSV export — download the report as CSV or Excel")
    controls = sum(1 for c in head if ord(c) < 32 and c not in "\t\r\n\f") + head.count("\ufffd")
    if head and controls > max(2, len(head) // 100):
        raise ValueError(f"{path}: binary file, not a CSV or XLSX export — export the report again as CSV or Excel")


# ---------------------------------------------------------------- CSV / TSV

def _head_records(data: bytes, limit: int, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) byte offsets of the first `limit` records of data[offset:] (relative to offset),
    honouring quoted line breaks; only the first HEAD_BYTES are scanned, so a stray quote cannot
    make this walk a huge file."""
    window = data[offset:offset + HEAD_BYTES]
    data_len = len(data) - offset
    records: list[tuple[int, int]] = []
    start, quoted = 0, False
    for m in re.finditer(rb'["\n]', window):
        if m.group() == b'"':
            quoted = not quoted
        elif not quoted:
            records.append((start, m.start()))
            start = m.end()
            if len(records) >= limit:
                return records
    if start < data_len and len(window) == data_len:
        records.append((start, data_len))
    return records


def _fields(record: str, delimiter: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, quotechar='"'))
    return rows[0] if rows else []


def _sniff(records: list[str]) -> str:
    """The delimiter that splits most head records into the same number (>= 2) of fields."""
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        counts = [len(f) for f in (_fields(r, delimiter) for r in records) if len(f) >= 2]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if freq * width > best_score:
            best, best_score = delimiter, freq * width
    return best


def _header_index(rows: list[list[str | None]]) -> int | None:
    """Index of the header among head rows: the first with >= 2 non-empty cells at least as wide
    as the usual width of the rows below it."""
    def width(cells: list[str | None]) -> int:
        n = len(cells)
        while n and (cells[n - 1] is None or not str(cells[n - 1]).strip()):
            n -= 1
        return n

    def filled(cells: list[str | None]) -> int:
        return sum(1 for c in cells if c is not None and str(c).strip())

    candidates = [i for i, r in enumerate(rows) if filled(r) >= 2]
    for i in candidates:
        below = [width(rows[j]) for j in candidates if j > i][:10]
        if not below or width(rows[i]) >= Counter(below).most_common(1)[0][0]:
            return i
    return None


@dataclass
class _Layout:
    """What the head of a text export says: its preamble, header and where its records start."""
    preamble: list[str]
    names: list[str]       # the header's (unique) names, all columns
    kept: list[int]        # the columns to parse
    delimiter: str
    body_at: int           # byte offset of the first record after the header
    first_row: int         # its 1-based spreadsheet row


def _layout(path: Path, data: bytes | mmap.mmap, encoding: str, start: int, strict: bool,
            keep: Callable[[list[str]], list[str]] | None) -> _Layout | RawTable:
    """The export's layout, or (no header found) the empty RawTable of a file with none."""
    spans = _head_records(data, HEAD_RECORDS, start)
    if strict:   # the head here (an incomplete character at its end is fine), the body by the parser
        end = start + max(65536, spans[-1][1] if spans else 0)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(data[:end], final=end >= len(data))
        except UnicodeDecodeError:
            raise _NotUtf8() from None
    text_head = data[start:start + 65536].decode("utf-8", errors="replace")
    _check_text(path, text_head)
    head = [data[start + s:start + e].decode("utf-8", errors="replace") for s, e in spans]
    delimiter = _sniff(head)
    head_rows: list[list[str | None]] = [_fields(r, delimiter) for r in head]
    header_at = _header_index(head_rows)
    if header_at is None:
        lines = [_join(r, delimiter) for r in head_rows]
        lines = [line for line in lines if line]
        if len(lines) > 20:
            raise ValueError(f"{path}: no header row with two or more columns found — is it a CSV export?")
        return _empty(path, lines, encoding, delimiter)
    preamble = [line for line in (_join(r, delimiter) for r in head_rows[:header_at]) if line]
    names = _unique_names([str(c) for c in head_rows[header_at]])
    wanted = set(keep(names)) if keep is not None else set(names)
    return _Layout(preamble=preamble, names=names, kept=[i for i, name in enumerate(names) if name in wanted],
                   delimiter=delimiter, body_at=start + spans[header_at][1] + 1, first_row=header_at + 2)


def _csv_options(layout: _Layout, skip_lines: int) -> dict:
    """polars' CSV options for the records of an export: every cell as text."""
    return dict(has_header=False, skip_lines=skip_lines, separator=layout.delimiter, quote_char='"',
                infer_schema=False, schema={f"c{i}": pl.Utf8 for i in range(len(layout.names))},
                truncate_ragged_lines=True, raise_if_empty=False, missing_columns="insert",
                extra_columns="ignore")   # a first record wider than the header (GA4's "…,Grand total") too


def _unreadable(path: Path, exc: pl.exceptions.ComputeError, strict: bool) -> Exception:
    """What polars' parse error means: invalid UTF-8 (read the file in a legacy encoding) or a
    quoted cell that never closes."""
    if strict and "utf-8" in str(exc).lower():
        return _NotUtf8()
    return ValueError(f"{path}: a quoted cell is never closed (a stray \" or a cut file) — export the report again")


def _parse(path: Path, source: str | bytes, layout: _Layout, skip_lines: int, strict: bool) -> pl.DataFrame:
    """The records of `source` (a path or bytes) after `skip_lines` lines: the kept columns, as text."""
    try:
        frame = pl.read_csv(source, columns=layout.kept, encoding="utf8" if strict else "utf8-lossy",
                            **_csv_options(layout, skip_lines))
    except pl.exceptions.ComputeError as exc:
        raise _unreadable(path, exc, strict) from None
    frame.columns = [layout.names[i] for i in layout.kept]
    return frame


def _unix_line_ends(text: bytes) -> bytes:
    """CRLF and lone CR (old Mac exports) made "\n"."""
    return text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _crlf_in_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """A CRLF export read as it is: the line breaks inside quoted cells made "\n", as in an LF export
    (only the columns holding a CR are rewritten)."""
    held = [c for c in frame.columns if frame[c].dtype == pl.Utf8 and frame[c].str.contains("\r", literal=True).any()]
    return frame.with_columns(pl.col(held).str.replace_all("\r\n", "\n", literal=True)) if held else frame


def _lone_cr(head: bytes) -> bool:
    """Whether the head of an export ends lines with a lone CR (old Mac exports): those need a copy with
    "\n" line ends. CRLF needs none: polars reads it, and the head's records are split on "\n" with the
    CR stripped from their cells."""
    head = head[:-1] if head.endswith(b"\r") else head   # a CRLF cut in two by the head's end
    return head.count(b"\r") != head.count(b"\r\n")


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    return frame.with_row_index("_row", offset=first_row).with_columns(pl.col("_row").cast(pl.Int64))


def _read_text(path: Path, data: bytes, encoding: str, start: int = 0, strict: bool = False,
               keep: Callable[[list[str]], list[str]] | None = None) -> RawTable:
    """Parse UTF-8 text from data[start:]. strict: raise _NotUtf8 on invalid UTF-8 (checked on the
    head here and by the CSV parser on the body, so the whole file is never decoded in Python)."""
    # Lone-CR line ends made "\n" (polars itself reads CRLF); a mapped file whose head has none is read
    # by polars from its path without a copy.
    if _lone_cr(data if isinstance(data, bytes) else data[:HEAD_BYTES]):
        data = _unix_line_ends(data[start:])
        start = 0
    layout = _layout(path, data, encoding, start, strict, keep)
    if isinstance(layout, RawTable):
        return layout
    names = [layout.names[i] for i in layout.kept]
    if _has_text(data, layout.body_at):
        source = data if isinstance(data, bytes) else str(path)
        frame = _parse(path, source, layout, data[:layout.body_at].count(b"\n"), strict)
        if (data if isinstance(data, bytes) else data[:HEAD_BYTES]).find(b"\r") != -1:
            frame = _crlf_in_cells(frame)
    else:
        frame = pl.DataFrame(schema={n: pl.Utf8 for n in names})
    return _split(path, _numbered(frame, layout.first_row), names, layout.preamble, encoding, layout.delimiter,
                  typed_cells=False)


class ReadWhole(Exception):
    """This export cannot be read in batches (XLSX, a legacy encoding, old Mac line ends ...): read
    it in one piece with read_export."""


@contextlib.contextmanager
def read_export_batches(path: str | Path, keep: Callable[[list[str]], list[str]] | None,
                        batch_rows: int) -> Iterator[Iterator[RawTable]]:
    """A CSV export read `batch_rows` records at a time, so that a big file's cells are never all
    in memory: each batch is a RawTable of the same preamble and header whose `_row` numbers
    continue the previous one's. A UTF-16 export, or one with lone-CR line ends, is first copied to a
    temporary UTF-8 file with "\n" line ends, a slice at a time (CRLF is read as it is). Raises ReadWhole (also while
    iterating: an invalid UTF-8 byte further down) when the file must be read with read_export
    (XLSX, a legacy encoding, stray NULs)."""
    path = Path(path)
    with contextlib.ExitStack() as stack:
        try:
            with open(path, "rb") as fh, _mapped(fh) as data:
                if _is_xlsx(path, data) or data[:8] == _OLE_MAGIC:
                    raise ReadWhole()
                utf16 = _utf16(data)
                label, text = None, path
                if utf16 or _lone_cr(data[:HEAD_BYTES]):
                    bom = not utf16 and data[:3] == b"\xef\xbb\xbf"
                    label, start = utf16 or ("utf-8-sig" if bom else "utf-8", 3 if bom else 0)
                    text = stack.enter_context(_utf8_copy(data, utf16[0] if utf16 else None, start))
            with open(text, "rb") as fh, _mapped(fh) as data:
                utf8, encoding, start = _to_utf8(path, data)
                if encoding not in ("utf-8?", "utf-8-sig") or utf8 is not data:
                    raise ReadWhole()
                try:
                    layout = _layout(path, data, "utf-8", start, True, keep)
                except _NotUtf8:
                    raise ReadWhole() from None
                if isinstance(layout, RawTable):
                    raise ReadWhole()
                skip_lines = data[:layout.body_at].count(b"\n")
                crlf = data[:HEAD_BYTES].find(b"\r") != -1
        except OSError as exc:
            raise _cannot_read(path, exc) from None
        label = label or ("utf-8" if encoding == "utf-8?" else encoding)
        yield _batches(path, text, layout, skip_lines, batch_rows, label, crlf)


COPY_BYTES = 16 << 20


@contextlib.contextmanager
def _utf8_copy(data: mmap.mmap, codec: str | None, start: int) -> Iterator[Path]:
    """data[start:] as a temporary UTF-8 file with "\n" line ends, COPY_BYTES at a time: what
    read_export makes of the file in memory (UTF-16 decoded, invalid units replaced; CRLF and
    lone CR made "\n"), for a batched read."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace") if codec else None

    def pieces() -> Iterator[bytes]:
        for at in range(start, len(data), COPY_BYTES):
            piece = data[at:at + COPY_BYTES]
            yield decoder.decode(piece).encode("utf-8") if decoder else piece
        if decoder:
            yield decoder.decode(b"", final=True).encode("utf-8")

    try:
        folder = tempfile.TemporaryDirectory(prefix="roi-copy-")
    except OSError:
        raise ReadWhole() from None   # no room for a copy: the whole read needs none on disk
    with folder:
        target = Path(folder.name) / "export.csv"
        held = b""   # a CR at a piece's end may be the first half of a CRLF
        try:
            with open(target, "wb") as out:
                for piece in pieces():
                    piece, held = held + piece, b""
                    if piece.endswith(b"\r"):
                        piece, held = piece[:-1], b"\r"
                    out.write(_unix_line_ends(piece))
                out.write(_unix_line_ends(held))
        except OSError:
            raise ReadWhole() from None
        yield target


def _batches(path: Path, text: Path, layout: _Layout, skip_lines: int, batch_rows: int,
             encoding: str, crlf: bool = False) -> Iterator[RawTable]:
    """The records of `text` (the export itself, or its UTF-8 copy) in batches; `path` names the export."""
    names = [layout.names[i] for i in layout.kept]
    records = pl.scan_csv(text, encoding="utf8", **_csv_options(layout, skip_lines)) \
        .select([f"c{i}" for i in layout.kept]).collect_batches(chunk_size=batch_rows)
    row = layout.first_row
    while True:
        try:
            frame = next(records, None)
        except pl.exceptions.ComputeError as exc:
            error = _unreadable(path, exc, strict=True)
            raise (ReadWhole() if isinstance(error, _NotUtf8) else error) from None
        if frame is None:
            return
        frame.columns = names
        if crlf:
            frame = _crlf_in_cells(frame)
        yield _split(path, _numbered(frame, row), names, layout.preamble, encoding, layout.delimiter,
                     typed_cells=False)
        row += frame.height


def _has_text(data: bytes, at: int) -> bool:
    """Whether data[at:] holds anything but whitespace (looked at in slices, not one big copy)."""
    while at < len(data):
        if data[at:at + (1 << 20)].strip():
            return True
        at += 1 << 20
    return False


def _join(cells: list[str | None], delimiter: str) -> str:
    values = [c if c is not None else "" for c in cells]
    while values and not values[-1].strip():
        values.pop()
    return delimiter.join(values).strip()


def _unique_names(raw: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(raw):
        base = name.replace("\ufeff", "").strip().strip('"').strip() or f"column_{i + 1}"
        if base == "_row":
            base = "_row (file)"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base} ({n})"
        seen.add(candidate)
        names.append(candidate)
    return names


def _empty(path: Path, preamble: list[str], encoding: str, delimiter: str, typed: bool = False) -> RawTable:
    frame = pl.DataFrame(schema={"_row": pl.Int64})
    return RawTable(path=path, rows=frame, totals=frame.clone(), preamble=preamble, notes=[],
                    encoding=encoding, delimiter=delimiter, typed_cells=typed)


# ---------------------------------------------------------------- rows, totals, footers

def _split(path: Path, frame: pl.DataFrame, names: list[str], preamble: list[str], encoding: str,
           delimiter: str, typed_cells: bool) -> RawTable:
    """Separate data rows from totals rows, footers/sentinels and blank rows."""
    present = [pl.col(n).is_not_null() & (pl.col(n).str.strip_chars() != "") for n in names]
    filled = pl.sum_horizontal(present) if present else pl.lit(0)
    is_total = totals_label(names).is_not_null()
    single = (filled == 1) & pl.lit(len(names) >= 3)
    kind = (pl.when(filled == 0).then(pl.lit("blank"))
            .when(is_total).then(pl.lit("total"))
            .when(single).then(pl.lit("note"))
            .otherwise(pl.lit("row")))
    cols = ["_row", *names]
    # Most rows have their first two cells filled: a data row, or a totals row by one of its first three
    # cells. Only the others (and those totals) need every cell looked at.
    if len(names) >= 2:
        full, total = frame.select((present[0] & present[1]).fill_null(False).alias("full"),
                                   pl.any_horizontal([pl.col(n).str.contains(TOTALS_PATTERN) for n in names[:3]])
                                   .fill_null(False).alias("total"))
        suspects = (~full | total).arg_true()
    else:
        suspects = pl.int_range(frame.height, dtype=pl.UInt32, eager=True)
    kinds = frame[suspects].select(kind.alias("_kind")).to_series() if len(suspects) else pl.Series([], dtype=pl.Utf8)
    others_at = suspects.filter(kinds != "row")
    data_rows = frame.height - len(others_at)
    if len(others_at) == 0:   # nothing but data rows
        rows, frame = frame.select(cols), frame.head(0).with_columns(pl.lit("row").alias("_kind"))
    elif others_at[0] == data_rows:   # totals and footers only below the data (the usual layout): no copy
        rows, frame = frame.slice(0, data_rows).select(cols), frame.slice(data_rows).with_columns(
            kinds.filter(kinds != "row").alias("_kind"))
    else:
        frame = frame.with_columns(pl.lit("row").alias("_kind").cast(pl.Utf8))
        frame = frame.with_columns(frame["_kind"].scatter(suspects, kinds))
        rows = frame.filter(pl.col("_kind") == "row").select(cols)
    totals = frame.filter(pl.col("_kind") == "total").select(cols)
    note_frame = frame.filter(pl.col("_kind") == "note")
    notes = note_frame.select(
        pl.coalesce([pl.when(p).then(pl.col(n).str.strip_chars()) for n, p in zip(names, present)])
    ).to_series().to_list() if note_frame.height else []
    return RawTable(path=path, rows=rows, totals=totals, preamble=preamble, notes=notes,
                    encoding=encoding, delimiter=delimiter, typed_cells=typed_cells)


# ---------------------------------------------------------------- XLSX

def _first_sheet_row(data: bytes) -> int:
    """1-based row of the first non-empty cell of the workbook's first sheet (the reader starts there)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = re.search(r'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', workbook)
            target = None
            if rid:
                rel = re.search(r'<Relationship\b[^>]*?Id="%s"[^>]*>' % re.escape(rid.group(1)), rels)
                if rel:
                    target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)
            if target is None:
                target = "worksheets/sheet1.xml"
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            sheet = z.read(member).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, AttributeError):
        return 1
    for m in re.finditer(r'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*?(/>|>(.*?)</(?:\w+:)?c>)', sheet, re.S):
        if m.group(3) and re.search(r"<(?:\w+:)?(?:v|is)\b", m.group(3)):
            return int(m.group(1))
    return 1


def _read_xlsx(path: Path, data: bytes) -> RawTable:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValueError(f"{path}: not a readable XLSX workbook (damaged zip) — save it again as .xlsx or CSV") from None
    if expanded > MAX_XLSX_EXPANDED:
        raise ValueError(f"{path}: this XLSX expands to {expanded / (1 << 30):.1f} GB — export fewer rows, "
                         "or as CSV")
    try:
        sheet = pl.read_excel(
            data, engine="calamine", has_header=False, drop_empty_rows=False, drop_empty_cols=False,
            read_options={"dtypes": "string"}, raise_if_empty=False,
        )
    except Exception as exc:  # fastexcel raises its own exception types
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ValueError(f"{path}: not a readable XLSX workbook ({reason}) — save it again as .xlsx or CSV") from None
    if isinstance(sheet, dict):
        sheet = next(iter(sheet.values()))
    if sheet.width == 0 or sheet.height == 0:
        return _empty(path, [], "xlsx", "", typed=True)
    sheet = sheet.select(pl.all().cast(pl.Utf8))
    head_rows = [list(r) for r in sheet.head(HEAD_RECORDS).iter_rows()]
    header_at = _header_index(head_rows)
    start = _first_sheet_row(data)

    def line(cells: list[str | None]) -> str:
        return " ".join(c.strip() for c in cells if c is not None and c.strip())

    if header_at is None:
        return _empty(path, [x for x in (line(r) for r in head_rows) if x], "xlsx", "", typed=True)
    preamble = [x for x in (line(r) for r in head_rows[:header_at]) if x]
    names = _unique_names([c if c is not None else "" for c in head_rows[header_at]])
    frame = sheet.slice(header_at + 1)
    frame.columns = names
    frame = frame.with_row_index("_row", offset=start + header_at + 1).with_columns(pl.col("_row").cast(pl.Int64))
    return _split(path, frame, names, preamble, "xlsx", "", typed_cells=True)
