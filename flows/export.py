"""`roi export`: every marts view written as Parquet or CSV files, for Looker Studio, Power BI, Sheets and friends."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.errors import ConfigError

FORMATS = ("parquet", "csv")
VIEWS_SQL = """
SELECT view_name FROM duckdb_views()
WHERE NOT internal AND database_name = current_database() AND schema_name = 'marts'
ORDER BY view_name
"""


@dataclass(frozen=True)
class Exported:
    view: str       # marts.<name>
    path: Path
    rows: int


def export_views(con: duckdb.DuckDBPyConnection, fmt: str, out_dir: Path) -> list[Exported]:
    """Writes marts.<view> to out_dir/<view>.<fmt> for every marts view; each file is replaced whole."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt}: choose parquet or csv")
    out_dir.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    done = []
    for (name,) in con.execute(VIEWS_SQL).fetchall():
        path = out_dir / f"{name}.{fmt}"
        tmp = out_dir / f".{name}.{fmt}.tmp"
        rows = con.execute(f"COPY (SELECT * FROM marts.\"{name}\") TO '{_quote(tmp)}' ({options})").fetchone()[0]
        tmp.replace(path)
        done.append(Exported(f"marts.{name}", path, rows))
    return done


def export(warehouse: Path, fmt: str, out_dir: Path) -> list[Exported]:
    """Opens the warehouse read-only and exports every marts view."""
    from warehouse import db
    with db.connect_read_only(warehouse) as con:
        return export_views(con, fmt, out_dir)


def show_export(done: list[Exported]) -> None:
    from rich.table import Table

    from flows.show import console
    table = Table(title=f"exported {len(done)} views", title_justify="left")
    table.add_column("view")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for e in done:
        table.add_row(e.view, f"{e.rows:,}", str(e.path))
    console.print(table)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
