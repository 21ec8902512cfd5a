"""`roi export`: every marts view as Parquet or CSV files, or as one Excel workbook (a sheet per view),
for Looker Studio, Power BI, Sheets and Excel."""
from __future__ import annotations

import codecs
import datetime as dt
import decimal
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import WarehouseTarget

FORMATS = ("parquet", "csv", "xlsx")
VIEWS_SQL = """
SELECT view_name FROM duckdb_views()
WHERE NOT internal AND database_name IN (current_database(), 'memory') AND schema_name = 'marts'   -- memory: a DuckLake session's
ORDER BY view_name
"""
WORKBOOK = "marts.xlsx"
DECIMALS = 6              # CSV: fractional numbers rounded to 6 decimals (a millionth of a euro, 0.0001 %)
FRACTIONAL = {"float", "double", "decimal"}
INTEGERS = {"tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger", "ubigint",
            "uhugeint"}
EXCEL_ROWS = 1_048_576    # rows an Excel sheet holds, the header row included
BATCH = 10_000            # rows fetched at a time; the first batch also sizes the columns


@dataclass(frozen=True)
class Exported:
    view: str       # marts.<name>
    path: Path
    rows: int


def export_views(con: duckdb.DuckDBPyConnection, fmt: str, out_dir: Path, excel_it: bool = False) -> list[Exported]:
    """Writes every marts view: out_dir/<view>.parquet|csv, or one workbook out_dir/marts.xlsx.
    Each file is replaced whole, so a reader never sees half an export."""
    out_dir.mkdir(parents=True, exist_ok=True)
    views = [name for (name,) in con.execute(VIEWS_SQL).fetchall()]
    if fmt == "xlsx":
        return _write_workbook(con, views, out_dir / WORKBOOK)
    done = []
    for name in views:
        path = out_dir / f"{name}.{fmt}"
        tmp = out_dir / f".{name}.{fmt}.tmp"
        if fmt == "parquet":
            rows = _copy(con, f'SELECT * FROM marts."{name}"', tmp, "FORMAT parquet, COMPRESSION zstd")
        else:
            rows = _write_csv(con, name, tmp, excel_it)
        tmp.replace(path)
        done.append(Exported(f"marts.{name}", path, rows))
    return done


def export(warehouse: WarehouseTarget | Path, fmt: str, out_dir: Path, excel_it: bool = False) -> list[Exported]:
    """Opens the warehouse read-only and exports every marts view."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt}: choose parquet, csv or xlsx")
    if excel_it and fmt != "csv":
        raise ConfigError(f"--excel-it shapes a CSV for Italian Excel (';' and decimal comma): use it with "
                          f"--format csv, not {fmt}")
    from roi.warehouse import db
    with db.connect_read_only(warehouse) as con:
        return export_views(con, fmt, out_dir, excel_it)


def show_export(done: list[Exported]) -> None:
    from rich.table import Table

    from roi.outputs.tables import console
    table = Table(title=f"exported {len(done)} views", title_justify="left")
    table.add_column("view")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for e in done:
        table.add_row(e.view, f"{e.rows:,}", str(e.path))
    console.print(table)


# ---------------------------------------------------------------- CSV ---------------------------------

def _write_csv(con: duckdb.DuckDBPyConnection, name: str, tmp: Path, excel_it: bool) -> int:
    """Plain: ',' and '.'. Excel-it: ';' and ',' as Italian Excel splits and reads numbers, and a BOM, without
    which Excel reads the file in the Windows code page (è, €, emoji garbled). Dates are ISO in both."""
    relation = con.sql(f'SELECT * FROM marts."{name}"')
    columns = ", ".join(_csv_column(column, type_.id, excel_it)
                        for column, type_ in zip(relation.columns, relation.types))
    select = f'SELECT {columns} FROM marts."{name}"'
    if not excel_it:
        return _copy(con, select, tmp, "FORMAT csv, HEADER true")
    body = tmp.with_name(tmp.name + ".body")
    rows = _copy(con, select, body, "FORMAT csv, HEADER true, DELIMITER ';'")
    with open(tmp, "wb") as out, open(body, "rb") as data:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(data, out, 1 << 20)
    body.unlink()
    return rows


def _csv_column(name: str, type_id: str, excel_it: bool) -> str:
    """A fractional number rounded to DECIMALS, trailing zeros dropped, never in exponent form
    (9147.729999999996 → 9147.73, 0.0000123 → 0.000012, 100.0 → 100): sums of doubles carry binary noise
    in their last digits that a reader takes for real figures. `+ 0.0` turns a rounded -0.0 into 0."""
    quoted = '"' + name.replace('"', '""') + '"'
    if type_id not in FRACTIONAL:
        return quoted
    text = f"rtrim(rtrim(printf('%.{DECIMALS}f', round({quoted}::DOUBLE, {DECIMALS}) + 0.0), '0'), '.')"
    if excel_it:
        text = f"replace({text}, '.', ',')"
    return f"{text} AS {quoted}"


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path, options: str) -> int:
    return con.execute(f"COPY ({select}) TO '{_quote(path)}' ({options})").fetchone()[0]


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


# ---------------------------------------------------------------- XLSX --------------------------------
# Written with xlsxwriter straight from DuckDB's Python values (polars stays out of a read-only command).
# Cells are typed: numbers as numbers with a display format, dates as Excel dates, text as text (never
# a formula, whatever a campaign name starts with).

# Display formats by column name; every other fractional column (money, CPC, ROAS …) shows 2 decimals.
COUNT_COLUMNS = {"impressions", "clicks", "engagements", "video_views", "reach"}   # doubles as days are split


def _is_fraction(column: str) -> bool:
    """Shares of one (CTR 0.04, open rate, budget share and its gap to target) show as percentages."""
    return column == "ctr" or column.endswith(("_rate", "_share", "_gap"))


def _write_workbook(con: duckdb.DuckDBPyConnection, views: list[str], path: Path) -> list[Exported]:
    import xlsxwriter
    tmp = path.with_name(f".{path.name}.tmp")
    # constant_memory: each row goes to disk as it is written, so a big mart does not sit in memory.
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "nan_inf_to_errors": True,
                                          "remove_timezone": True})
    styles = {key: book.add_format(spec) for key, spec in {
        "header": {"bold": True}, "date": {"num_format": "yyyy-mm-dd"},
        "timestamp": {"num_format": "yyyy-mm-dd hh:mm:ss"}, "integer": {"num_format": "#,##0"},
        "percent": {"num_format": "0.00%"}, "number": {"num_format": "#,##0.00"},
    }.items()}
    done = []
    for name, sheet in zip(views, _sheet_names(views)):
        rows = _write_sheet(con, name, book.add_worksheet(sheet), styles)
        done.append(Exported(f"marts.{name}", path, rows))
    book.close()   # a failure above leaves no workbook behind: xlsxwriter writes the file here only
    tmp.replace(path)
    return done


def _sheet_names(views: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, unique ignoring case."""
    names: list[str] = []
    for view in views:
        name, n = view[:31], 1
        while name.lower() in (x.lower() for x in names):
            n += 1
            name = f"{view[:31 - len(str(n)) - 1]}~{n}"
        names.append(name)
    return names


def _write_sheet(con: duckdb.DuckDBPyConnection, view: str, sheet, styles: dict) -> int:
    cursor = con.execute(f'SELECT * FROM marts."{view}"')
    columns = [(d[0], _kind(d[0], d[1].id)) for d in cursor.description]
    cell_styles = [styles.get(kind) for _, kind in columns]   # None for text
    batch = cursor.fetchmany(BATCH)
    for col, (name, kind) in enumerate(columns):
        sheet.set_column(col, col, _width(name, kind, [row[col] for row in batch[:1000]]), cell_styles[col])
        sheet.write_string(0, col, name, styles["header"])
    sheet.freeze_panes(1, 0)
    rows = 0
    while batch:
        if rows + len(batch) >= EXCEL_ROWS:
            raise RoiError(f"marts.{view} has more rows than an Excel sheet holds ({EXCEL_ROWS - 1:,}) — "
                           "export it with --format csv or parquet")
        for row in batch:
            rows += 1
            for col, value in enumerate(row):
                _write_cell(sheet, rows, col, value, cell_styles[col])
        batch = cursor.fetchmany(BATCH)
    sheet.autofilter(0, 0, rows, len(columns) - 1)
    return rows


def _kind(column: str, type_id: str) -> str:
    if type_id == "date":
        return "date"
    if type_id.startswith("timestamp"):
        return "timestamp"
    if type_id in FRACTIONAL:
        return "integer" if column in COUNT_COLUMNS else "percent" if _is_fraction(column) else "number"
    if type_id in INTEGERS:
        return "integer"
    return "text"


def _write_cell(sheet, row: int, col: int, value, style) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float, decimal.Decimal)):
        sheet.write_number(row, col, float(value), style)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, col, value, style)
    else:   # text, and the odd list, interval or uuid as its text
        sheet.write_string(row, col, str(value))


def _width(name: str, kind: str, sample: list) -> int:
    """Wide enough for the header (and its filter button) and the first rows as Excel shows them."""
    shown = {"date": lambda v: 10, "timestamp": lambda v: 19, "integer": lambda v: len(f"{v:,.0f}"),
             "percent": lambda v: len(f"{v:.2%}"),
             "number": lambda v: len(f"{v:,.2f}")}.get(kind, lambda v: len(str(v)))
    widest = max((shown(v) for v in sample if v is not None), default=0)
    return min(max(len(name) + 3, widest + 1, 8), 60)
