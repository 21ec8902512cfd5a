"""One source x one window: extract (read files) -> normalise -> validate -> load, as plain functions.

Over 500 lines on purpose: the four steps share the Extracted/Spilled records and the load's bookkeeping
(rows in = loaded + combined + quarantined, superseded exports, the totals check), and a reader follows
one load from top to bottom here; the steps' own logic lives in sources/, transforms/, schemas/, warehouse/."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from roi import schemas
from roi.contracts.errors import LoadError, RoiError
from roi.contracts.settings import Settings, SourceConfig
from roi.pipeline import coverage
from roi.pipeline.config import source_files
from roi.schemas.validate import check_rows, split, split_scan
from roi.sources.files import ReadWhole, read_export, read_export_batches
from roi.contracts.raw import RawTable
from roi.sources.registry import transform
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import parse_report_period
from roi.transforms.detect import wrong_kind_hint
from roi.transforms.ids import LEVELS as ID_LEVELS
from roi.transforms.numbers import SAMPLE_ROWS
from roi.transforms.segments import find_segments
from roi.transforms.totals import reconcile
from roi.warehouse import build, db
from roi.warehouse.load import LoadRecord, insert_load, keep_rejected, replace_window, sync_settings

log = logging.getLogger("roi")
KEEP_CELLS_ROWS = 200_000   # a file's raw cells are kept in memory up to this many rows
PRUNE_BYTES = 32 << 20      # a bigger export is read in the columns its transform uses only ...
BATCH_ROWS = 250_000        # ... and, where its transform allows, this many records at a time


@dataclass
class FileData:
    path: Path
    digest: str
    raw_rows: pl.DataFrame | None    # the file's cells, for quarantined rows' raw_row (None: read again)
    period: tuple[dt.date, dt.date] | None
    totals: dict[str, float] | None
    totals_label: str | None
    header: list[str] = field(default_factory=list)     # the export's column names
    segments: list[str] = field(default_factory=list)   # its segment columns (device, hour …): roi.transforms.segments

    def cells(self) -> pl.DataFrame:
        """The file's cells; a big file's are read again only when some of its rows are quarantined."""
        return self.raw_rows if self.raw_rows is not None else read_export(self.path).rows


@dataclass
class Spilled:
    """A source's normalised rows kept on disk, one Arrow IPC file per export, for long backfills:
    each window reads back only the exports whose dates reach into it."""
    folder: tempfile.TemporaryDirectory
    parts: list[tuple[Path, dt.date | None, dt.date | None, bool]]   # file, first/last date, has undated rows
    rows: list[int]                                                    # rows per export (by _file index)
    dates: tuple[dt.date | None, dt.date | None]

    def window(self, col: str, window: tuple[dt.date, dt.date] | None) -> pl.DataFrame:
        frames = [pl.read_ipc(path.read_bytes()) for path, lo, hi, undated in self.parts
                  if window is None or undated or (lo is not None and lo <= window[1] and hi >= window[0])]
        if not frames:
            return pl.read_ipc(self.parts[0][0].read_bytes()).clear()
        return pl.concat(frames, how="vertical")


@dataclass
class Extracted:
    """Everything read from a source's files, normalised, before windowing."""
    source: SourceConfig
    table: str
    frame: pl.DataFrame | None       # canonical + _row + _errors + _file (index) + _superseded; None: spilled
    files: list[FileData]
    warnings: list[str] = field(default_factory=list)
    spilled: Spilled | None = None
    # Other tables the same exports fill (keyword and search-term rows beside their ad-group rows):
    # table -> canonical + _row + _errors + _n + _file + _superseded; a big export's are a scan of the
    # checked batches kept on disk (in `kept`) that the load streams into the warehouse.
    extras: dict[str, pl.DataFrame | pl.LazyFrame] = field(default_factory=dict)
    kept: list[tempfile.TemporaryDirectory] = field(default_factory=list)

    def rows(self, window: tuple[dt.date, dt.date] | None) -> pl.DataFrame:
        """The rows inside `window` (and those without a date, which belong to every window)."""
        col = schemas.WINDOW_COLUMN[self.table]
        if self.spilled is not None:
            # The later export of a key wins; keys hold the window's date, so the window's rows decide.
            frame = _mark_superseded(self.table, self.spilled.window(col, window).drop("_superseded"))
        else:
            frame = self.frame
        if col is not None and window is not None and not _inside(frame, col, window):
            frame = frame.filter(pl.col(col).is_between(*window) | pl.col(col).is_null())
        return frame

    def file_rows(self, index: int) -> int:
        if self.spilled is not None:
            return self.spilled.rows[index]
        return int((self.frame["_file"] == index).sum())


def context(settings: Settings, source: SourceConfig) -> SourceContext:
    return SourceContext(
        source=source.name, kind=source.kind, reporting_currency=settings.reporting_currency,
        timezone=settings.timezone, currency=source.currency, columns=dict(source.columns),
        options=dict(source.options), channel_rules=settings.channel_rules, channels=settings.channels,
        today=today(settings))


def today(settings: Settings) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def extract(settings: Settings, source: SourceConfig, files: list[Path] | None = None) -> Extracted:
    """Read and normalise every file of a files-mode source (or the given files)."""
    module = transform(source.kind)
    ctx = context(settings, source)
    paths = files if files is not None else source_files(source)
    frames, file_data, warnings, kept = [], [], [], []
    extras: dict[str, list[pl.DataFrame | pl.LazyFrame]] = {}
    table = module.TABLE
    spill = _spillable(table) and len(paths) > 1
    spilled: Spilled | None = None
    columns_used = getattr(module, "columns_used", None)
    for index, path in enumerate(paths):
        # A big export is read in the columns the transform uses only (its quarantined rows' cells
        # are read again in full), in batches where the transform allows it.
        pruned = columns_used is not None and path.stat().st_size > PRUNE_BYTES
        keep = (lambda header: columns_used(header, ctx)) if pruned else None
        with ThreadPoolExecutor(1) as pool:   # hashed (and archived) while it is parsed
            digest = pool.submit(_archive, settings, source, path) if settings.archive_raw else \
                pool.submit(_digest, path)
            batched = _normalise_in_batches(module, ctx, path, keep, on_disk=len(paths) == 1) \
                if pruned and hasattr(module, "choices") else None
            if batched is not None:
                result, shape, folder, cells = *batched, None
                kept += [folder] if folder is not None else []
            else:
                raw = read_export(path, keep=keep)
                result = checked(table, module.normalise(raw, ctx), ctx.today)
                shape = replace(raw, rows=raw.rows.head(SAMPLE_ROWS))
                cells = raw.rows if not pruned and raw.rows.height <= KEEP_CELLS_ROWS else None
                del raw   # the cells go before the frame gets its column (polars may copy it then)
        warnings += [f"{path.name}: {w}" for w in result.warnings]
        file_data.append(FileData(
            path=path, digest=digest.result(), raw_rows=cells, period=parse_report_period(shape.preamble),
            totals=result.totals, totals_label=result.totals_label, header=shape.header,
            segments=find_segments(shape.header, shape.rows.head(100))))
        if table == "ad_performance":
            _refuse_without_spend(source, shape.header, result.frame)
        for other, rows in result.extra.items():
            extras.setdefault(other, []).append(rows.with_columns(pl.lit(index, pl.Int32).alias("_file")))
        frame = result.frame
        del result, shape
        frames.append(frame.with_columns(pl.lit(index, pl.Int32).alias("_file")))
        del frame
        if spill and not extras and (spilled is not None or sum(f.height for f in frames) > SPILL_ROWS):
            spilled = spilled or Spilled(tempfile.TemporaryDirectory(prefix="roi-extract-"), [], [], (None, None))
            for part in frames:
                _spill(spilled, table, part)
            frames = []
            for data in file_data:   # their cells too: read again only for a quarantined row
                data.raw_rows = None
    if spilled is not None:
        return Extracted(source=source, table=table, frame=None, files=file_data, warnings=warnings,
                         spilled=spilled)
    frame = pl.concat(frames, how="vertical") if frames else _empty(table)
    frame = _mark_superseded(table, frame)
    return Extracted(source=source, table=table, frame=frame, files=file_data, warnings=warnings, kept=kept,
                     extras={t: parts[0].with_columns(pl.lit(False).alias("_superseded"))   # one file's, on disk
                             if isinstance(parts[0], pl.LazyFrame) else
                             _mark_superseded(t, pl.concat(parts, how="vertical")) for t, parts in extras.items()})


def checked(table: str, result: Normalised, today: dt.date) -> Normalised:
    """A transform's rows checked one by one where they are read, a batch at a time, and summed to
    their grain where an export repeats it (schemas.validate.check_rows). The other tables' rows of
    a line that failed (its keyword row beside its ad-group row) stay out with it."""
    frame = check_rows(table, result.frame, today)
    failing = frame.filter(pl.col("_errors").list.len() > 0).select("_row")
    extra = {other: check_rows(other, rows.join(failing, on="_row", how="anti") if failing.height else rows, today)
             for other, rows in result.extra.items()}
    return replace(result, frame=frame, extra=extra)


def _refuse_without_spend(source: SourceConfig, header: list[str], frame: pl.DataFrame) -> None:
    """An ad export in which no row has a spend figure has no spend column roi knows: loading it
    would put the channel's rows in with no cost."""
    if frame.is_empty() or frame["spend"].null_count() < frame.height:
        return
    from roi.sources.registry import file_kinds
    hint = wrong_kind_hint(header, source.kind, file_kinds())
    shown = ", ".join(h.strip() for h in header[:12]) + (" …" if len(header) > 12 else "")
    raise ValueError(f"no spend (cost) column that a {source.kind} export has, among its columns "
                    f"{shown} — " + (hint or "export it again with the Cost / Amount spent column, or name the "
                                     f"column with columns = {{ spend = \"…\" }} for source {source.name}"))


def _normalise_in_batches(module, ctx: SourceContext, path: Path, keep: Callable[[list[str]], list[str]],
                          on_disk: bool = False
                          ) -> tuple[Normalised, RawTable, tempfile.TemporaryDirectory | None] | None:
    """A big export read, normalised and checked BATCH_ROWS records at a time, so that its cells are
    never all in memory: its rows and totals (as one Normalised), its shape (preamble, header, first
    rows) and, with `on_disk`, the folder keeping its other tables' rows (keyword, search term: as
    many as the export's lines) as Parquet files, one per batch, which `extra` scans. What the transform
    decides from the whole export (`module.choices`: decimal mark, date order) is decided on the
    first batch and checked at the end on the rows that decide it. None (read it whole) when the
    file cannot be read in batches, the transform's `batchable` says its first batch cannot decide
    for the whole, or that check finds another choice."""
    frames, heads, decisive, totals, warnings = [], [], [], [], []
    extras: dict[str, list[pl.DataFrame]] = {}
    folder = tempfile.TemporaryDirectory(prefix="roi-extras-") if on_disk else None
    shape: RawTable | None = None   # the first batch without its rows: preamble, header ...
    batchable = getattr(module, "batchable", None)
    try:
        with read_export_batches(path, keep, BATCH_ROWS) as batches:
            for raw in batches:
                if shape is None:
                    if batchable is not None and not batchable(raw, ctx):
                        log.debug("%s: its first batch cannot decide for the whole export: read whole", path)
                        return None
                    shape = replace(raw, rows=raw.rows.head(0), totals=raw.totals.head(0))
                    chosen = module.choices(raw, ctx)
                    pinned = replace(ctx, options={**ctx.options, **chosen})
                seen = sum(h.height for h in heads)
                if seen < SAMPLE_ROWS:
                    heads.append(_detached(raw.rows.head(SAMPLE_ROWS - seen)))
                decisive.append(_detached(module.choice_rows(raw, ctx)))
                totals.append(raw.totals)
                result = checked(module.TABLE, module.normalise(raw, pinned), ctx.today)
                warnings += [w for w in result.warnings if w not in warnings]
                frames.append(result.frame.rechunk())   # aligned chunks: adding _file copies nothing
                for other, rows in result.extra.items():
                    if folder is not None:
                        part = Path(folder.name) / f"{other}-{len(extras.get(other, [])):05d}.parquet"
                        rows.write_parquet(part, compression="lz4", row_group_size=122_880)
                        extras.setdefault(other, []).append(part)
                    else:
                        extras.setdefault(other, []).append(rows.rechunk())
                del raw, result
    except ReadWhole:
        return None
    if shape is None:
        return None
    whole = replace(shape, rows=pl.concat(heads + decisive, how="diagonal"), totals=pl.concat(totals))
    if module.choices(whole, ctx) != chosen:
        log.debug("%s: the first batch's choices differ from the whole export's: read whole", path)
        return None
    own = module.normalise(replace(whole, rows=shape.rows), pinned)   # the export's own totals row
    extra = {t: pl.scan_parquet(parts) if folder is not None else pl.concat(parts) for t, parts in extras.items()}
    return Normalised(frame=pl.concat(frames), totals=own.totals, totals_label=own.totals_label,
                      warnings=warnings, extra=extra), \
        replace(shape, rows=pl.concat(heads, how="diagonal") if heads else shape.rows), folder


def _detached(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy of `frame` that shares no memory with it: a slice of polars strings would keep the
    whole batch's string buffers alive."""
    return pl.from_arrow(frame.to_arrow(compat_level=pl.CompatLevel.oldest()))


SPILL_ROWS = 300_000   # a multi-file source with more normalised rows than this is kept on disk


def _spillable(table: str) -> bool:
    """Rows can be kept on disk when the window's date is part of the key that supersedes them."""
    key = getattr(schemas.MODELS[table].Config, "unique", None) or []
    return schemas.WINDOW_COLUMN[table] in key


def _spill(spilled: Spilled, table: str, part: pl.DataFrame) -> None:
    col = schemas.WINDOW_COLUMN[table]
    lo = part[col].min()
    hi = part[_last_day(part, col)].max()
    path = Path(spilled.folder.name) / f"{len(spilled.parts)}.arrow"
    part.with_columns(pl.lit(False).alias("_superseded")).write_ipc(path)
    spilled.parts.append((path, lo, hi, part[col].null_count() > 0))
    spilled.rows.append(part.height)
    lows = [d for d in (spilled.dates[0], lo) if d is not None]
    highs = [d for d in (spilled.dates[1], hi) if d is not None]
    spilled.dates = (min(lows) if lows else None, max(highs) if highs else None)


def extract_api(settings: Settings, source: SourceConfig, window: tuple[dt.date, dt.date]) -> Extracted:
    """Pull a window from the platform's API, keep it raw (Parquet), normalise it."""
    import requests

    from roi.sources.registry import client
    with requests.Session() as session:
        records = client(source.kind).fetch(session, source, window, lambda key: settings.secret(source, key))
    records = records.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    account = "".join(c if c.isalnum() or c in "-_" else "_" for c in source.account or "")   # one account's pull
    raw_path = settings.raw_dir / source.name / f"{window[0]}_{window[1]}{'_' + account if account else ''}.parquet"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    records.write_parquet(raw_path)
    result = transform(source.kind).normalise_api(records, context(settings, source))
    unreadable = result.frame.filter(pl.col("_errors").list.len() > 0)
    if result.frame.height and unreadable.height == result.frame.height:
        # Not bad rows but a changed answer: replacing the window with nothing would lose it.
        raise LoadError(f"{source.name}: none of the {records.height} records pulled could be read "
                        f"({unreadable['_errors'][0][0]}) — the API's answer changed; the window was left as it "
                        "was (check api_version)")
    result = checked(transform(source.kind).TABLE, result, today(settings))
    frame = _mark_superseded(transform(source.kind).TABLE,
                             result.frame.with_columns(pl.lit(0, pl.Int32).alias("_file")))
    # keyword and search-term rows beside their ad-group rows, as extract carries a file's
    extras = {table: _mark_superseded(table, rows.with_columns(pl.lit(0, pl.Int32).alias("_file")))
              for table, rows in result.extra.items()}
    data = FileData(path=raw_path, digest=_digest(raw_path), raw_rows=records, period=window, totals=None,
                    totals_label=None)
    return Extracted(source=source, table=transform(source.kind).TABLE, frame=frame, files=[data],
                     warnings=result.warnings, extras=extras)


def _last_day(frame: pl.DataFrame, col: str) -> str:
    """The column of a row's last day: date_end for tables of period rows (a whole-week export row
    covers its week), else the window column itself."""
    return "date_end" if col == "date_start" and "date_end" in frame.columns else col


def file_window(extracted: Extracted) -> tuple[dt.date, dt.date] | None:
    """The dates a set of files covers: their stated report periods and their rows' dates."""
    col = schemas.WINDOW_COLUMN[extracted.table]
    if col is None:
        return None
    dates = extracted.spilled.dates if extracted.spilled is not None else \
        extracted.frame.select(pl.col(col).min().alias("lo"),
                               pl.col(_last_day(extracted.frame, col)).max().alias("hi")).row(0)
    lows = [d for d in [dates[0]] + [f.period[0] for f in extracted.files if f.period] if d is not None]
    highs = [d for d in [dates[1]] + [f.period[1] for f in extracted.files if f.period] if d is not None]
    if not lows:
        return None
    return min(lows), max(highs)


def load(settings: Settings, extracted: Extracted, window: tuple[dt.date, dt.date] | None,
         trigger: str) -> LoadRecord:
    """Validate the rows of `extracted` inside `window` and replace that window in the warehouse."""
    source, table = extracted.source, extracted.table
    started = dt.datetime.now(dt.timezone.utc)
    # Rows whose date could not be read belong to no window: they go to quarantine every time.
    frame = extracted.rows(window)
    record = LoadRecord(
        load_id=_load_id(source, window, extracted), source=source.name, kind=source.kind,
        window_start=window[0] if window else None, window_end=window[1] if window else None,
        started_at=started, trigger=trigger, files=";".join(str(f.path) for f in extracted.files) or None,
        digests=";".join(f.digest for f in extracted.files) or None, account=source.account)
    record.totals_check = _totals_check(extracted, frame)
    if record.totals_check and source.strict_totals:
        raise LoadError(f"{source.name}: {record.totals_check} — the export does not add up "
                        "(strict_totals = true); re-export the report")
    current = _current(frame)
    result = split(table, current.with_columns(_row_key()).drop("_file", "_superseded"))
    record.rows_in = _source_rows(current)
    record.rows_superseded = _source_rows(frame) - record.rows_in
    record.rows_combined = result.combined
    record.combined_by = _combined_by(extracted, result.good) if result.combined else None
    record.rows_quarantined = result.bad.height
    record.rows_loaded = result.good.height
    quarantine = _quarantine_rows(extracted, result.bad)
    extras, extra_bad = _extra_tables(settings, extracted, window, result.bad)
    if extra_bad.height:
        quarantine = pl.concat([quarantine, _quarantine_rows(extracted, extra_bad)])
    with db.connect(settings.warehouse) as con:
        prepare(con, settings)
        if record.rows_in and not record.rows_loaded:
            # Replacing the window with nothing would lose what it holds: the window stays, the rows
            # and their reasons go to quarantine, and the load fails saying why.
            record.error = _nothing_loaded(extracted, result.bad)
            keep_rejected(con, record, quarantine)
            raise NothingLoaded(record)
        good = _uncovered(con, record, result.good) if coverage.is_detail(extracted.extras) else result.good
        replace_window(con, table, record, good, quarantine, extras)
    return record


def _uncovered(con, record: LoadRecord, good: pl.DataFrame) -> pl.DataFrame:
    """A keyword or search-term export's ad-group rows without those whose account and day a campaign
    report already holds (roi.pipeline.coverage): those rows' lines count as superseded, not loaded."""
    held = good.filter(pl.col("_row").is_in(coverage.covered(con, good).implode()))
    if held.is_empty():
        return good
    lines = int(held["_n"].sum())
    record.rows_in -= lines
    record.rows_superseded += lines
    record.rows_loaded -= held.height
    record.rows_combined -= lines - held.height
    days = held.select("date_start", "date_end").unique().height
    record.note = (f"{record.source}: {held.height:,} ad-group rows on {days:,} day(s) are already held by a campaign "
                   "report of the same account: its keyword / search-term rows were loaded, its spend not counted "
                   "again (roi status)")
    return good.join(held.select("_row"), on="_row", how="anti")


class NothingLoaded(LoadError):
    """A load in which no row could be loaded: recorded as failed, with its rows in quarantine."""

    def __init__(self, record: LoadRecord):
        super().__init__(record.error)
        self.record = record


def _source_rows(frame: pl.DataFrame) -> int:
    """The export lines (or API records) `frame` stands for: a row summed from segments counts each."""
    return int(frame["_n"].sum()) if frame.height else 0


def _current(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows no later export of their key supersedes."""
    return frame.filter(~pl.col("_superseded")) if frame["_superseded"].any() else frame


def _extra_tables(settings: Settings, extracted: Extracted, window, bad: pl.DataFrame
                  ) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The other tables' rows of the window (keyword, search term), summed to their grain: those of a
    quarantined row stay out with it; their own failures (reasons prefixed by the table) are returned
    for quarantine."""
    good, rejected = {}, []
    for table, frame in extracted.extras.items():
        col = schemas.WINDOW_COLUMN[table]
        if window is not None:
            frame = frame.filter(pl.col(col).is_between(*window) | pl.col(col).is_null())
        rows = (frame if isinstance(frame, pl.LazyFrame) else _current(frame)) \
            .with_columns(_row_key()).drop("_file", "_superseded")
        if bad.height:
            rows = rows.join(bad.select("_row").lazy() if isinstance(rows, pl.LazyFrame) else bad.select("_row"),
                             on="_row", how="anti")
        result = split_scan(table, rows) if isinstance(rows, pl.LazyFrame) else split(table, rows)
        good[table] = result.good
        rejected.append(result.bad.with_columns(pl.format("{}: {}", pl.lit(table), pl.col("reasons")).alias("reasons")))
    empty = pl.DataFrame(schema={"_row": pl.Int64, "reasons": pl.Utf8})
    return good, pl.concat(rejected) if rejected else empty


def _combined_by(extracted: Extracted, good: pl.DataFrame) -> str:
    """What the rows summed into one differed by: the exports' segment columns, else ids derived from
    names (two entities with one name), else only the key."""
    segments = list(dict.fromkeys(s for f in extracted.files for s in f.segments))
    if segments:
        return ", ".join(segments)
    if extracted.source.mode == "api":
        finer = {"keyword_performance": "keyword", "search_term_performance": "search term"}
        named = [finer[t] for t in extracted.extras if t in finer]
        return ", ".join(named) if named else "records of one key (breakdowns)"
    if extracted.table == "ad_performance" and any(
            good[f"{level}_id"].str.starts_with(prefix).any() for level, prefix, _ in ID_LEVELS):
        return "same name without ids"
    return "rows of one key"


def _nothing_loaded(extracted: Extracted, bad: pl.DataFrame) -> str:
    """One line: why none of a load's rows could be loaded, and what to do."""
    source = extracted.source
    names = ", ".join(f.path.name for f in extracted.files[:3]) + (" …" if len(extracted.files) > 3 else "")
    # The most frequent reason; on a tie the first one found (a row's own reasons come before checks).
    reasons = bad.select(pl.col("reasons").str.split("; ").explode().alias("r")) \
        .group_by("r", maintain_order=True).len()
    top = reasons.filter(pl.col("len") == pl.col("len").max())["r"][0] if reasons.height else "no reason recorded"
    from roi.sources.registry import file_kinds
    hints = [wrong_kind_hint(f.header, source.kind, file_kinds()) for f in extracted.files]
    hint = next((h for h in hints if h), None)
    if hint is None and reasons["r"].str.starts_with("no dates").any():
        hint = ("an 'All time' report or an Overview card download has no dates: export it again with a date "
                "range and the Day column (Segment → Time → Day)")
    what = f"{names}: none of its {bad.height:,} rows could be loaded" if names else \
        f"{source.name}: none of the {bad.height:,} rows could be loaded"
    return f"{what} — {hint or top} (the rows and every reason: roi quarantine --source {source.name})"


def prepare(con, settings: Settings) -> None:
    """Tables and views exist and know the current settings."""
    build.ensure(con)
    sync_settings(con, {
        "reporting_currency": settings.reporting_currency,
        "attribution": settings.attribution,
        "pacing_tolerance": str(settings.pacing_tolerance),
        "timezone": settings.timezone,
        "alert_k": str(settings.alert_k),
        "wasted_spend_min": str(settings.wasted_spend_min),
        "revenue": settings.revenue,
        "cac_trailing_days": str(settings.cac_trailing_days),
        "headline_revenue": settings.headline_revenue,
        "platform_revenue": ",".join(settings.platform_revenue),
    }, settings.custom_channels)


def record_failure(settings: Settings, source: SourceConfig, window, trigger: str, error: str) -> LoadRecord:
    now = dt.datetime.now(dt.timezone.utc)
    record = LoadRecord(
        load_id="F" + hashlib.sha1(f"{source.name}|{now.isoformat()}".encode()).hexdigest()[:15],
        source=source.name, kind=source.kind, window_start=window[0] if window else None,
        window_end=window[1] if window else None, started_at=now, finished_at=now, status="failed",
        error=error, trigger=trigger, account=source.account)
    with db.connect(settings.warehouse) as con:
        prepare(con, settings)
        insert_load(con, record)
    return record


def run_source(settings: Settings, source: SourceConfig, window: tuple[dt.date, dt.date] | None,
               trigger: str, extracted: Extracted | None = None, *,
               pulling: Callable[[], AbstractContextManager] = nullcontext,
               writing: Callable[[], AbstractContextManager] = nullcontext) -> LoadRecord:
    """Load one source's window; a failure is recorded in ops.loads and returned, never raised.
    An API pull runs inside `pulling()` (a platform's concurrency limit), every write inside
    `writing()` (the writer lock): pulls of several tasks overlap, their writes take turns."""
    try:
        if extracted is None and source.mode == "api":
            with pulling():
                extracted = extract_api(settings, source, window)
        elif extracted is None:
            extracted = extract(settings, source)
        with writing():
            return load(settings, extracted, window, trigger)
    except NothingLoaded as exc:
        return exc.record
    except (RoiError, ValueError, OSError) as exc:
        message = str(exc) if isinstance(exc, RoiError) else f"{source.name}: {exc}"
        with writing():
            return record_failure(settings, source, window, trigger, message.splitlines()[0])
    except Exception as exc:  # noqa: BLE001 — one source's bug must not stop the others
        log.debug("%s failed", source.name, exc_info=True)
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        with writing():
            return record_failure(settings, source, window, trigger,
                                  f"{source.name}: unexpected {type(exc).__name__}: {detail} (run with --debug "
                                  "for the traceback, and report it)")


def _inside(frame: pl.DataFrame, col: str, window: tuple[dt.date, dt.date]) -> bool:
    """Whether every row's date lies inside the window (then nothing needs filtering out)."""
    lo, hi = frame.select(pl.col(col).min().alias("lo"), pl.col(col).max().alias("hi")).row(0)
    return lo is not None and lo >= window[0] and hi <= window[1]


def _mark_superseded(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Where two files hold the same key (e.g. the same campaign-day), the later export wins."""
    key = getattr(schemas.MODELS[table].Config, "unique", None)
    if not key or frame.is_empty() or frame["_file"].n_unique() < 2:
        return frame.with_columns(pl.lit(False).alias("_superseded"))
    return frame.with_columns((pl.col("_file") < pl.col("_file").max().over(key)).alias("_superseded"))


def _row_key() -> pl.Expr:
    """A row key unique across files: file index * 1e9 + the row's line."""
    return (pl.col("_file").cast(pl.Int64) * 1_000_000_000 + pl.col("_row").cast(pl.Int64)).alias("_row")


def _quarantine_rows(extracted: Extracted, bad: pl.DataFrame) -> pl.DataFrame:
    parts = []
    bad = bad.with_columns((pl.col("_row") // 1_000_000_000).cast(pl.Int32).alias("_file"),
                           (pl.col("_row") % 1_000_000_000).alias("row_number"))
    for index, data in enumerate(extracted.files):
        mine = bad.filter(pl.col("_file") == index)
        if mine.is_empty():
            continue
        cells = data.cells()
        header = [c for c in cells.columns if c != "_row"]
        raw = cells.select(
            pl.col("_row").cast(pl.Int64).alias("row_number"),
            (pl.struct(header).struct.json_encode() if header else pl.lit("{}")).alias("raw_row"))
        parts.append(mine.join(raw, on="row_number", how="left").select(
            "row_number", pl.col("raw_row").fill_null("{}"), "reasons", pl.lit(str(data.path)).alias("file")))
    if not parts:
        return pl.DataFrame(schema={"row_number": pl.Int64, "raw_row": pl.Utf8, "reasons": pl.Utf8,
                                    "file": pl.Utf8})
    return pl.concat(parts)


def _totals_check(extracted: Extracted, frame: pl.DataFrame) -> str | None:
    """Compare each file's rows with the file's own totals row, when the window holds the whole file."""
    problems = []
    for index, data in enumerate(extracted.files):
        if not data.totals:
            continue
        mine = frame if len(extracted.files) == 1 else frame.filter(pl.col("_file") == index)
        if mine.height != extracted.file_rows(index):
            continue
        message = reconcile(mine, data.totals, data.totals_label)
        if message:
            problems.append(f"{data.path.name}: {message}")
    return "; ".join(problems) or None


def _load_id(source: SourceConfig, window, extracted: Extracted) -> str:
    """Deterministic: the same source, window and input files give the same load_id (idempotent reruns)."""
    parts = [source.name, source.kind, str(window)] + sorted(f.digest for f in extracted.files) + \
        ([source.account] if source.account else [])
    return "L" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:15]


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha1").hexdigest()


def _archive(settings: Settings, source: SourceConfig, path: Path) -> str:
    """Keep the original export (by content hash) so loads can be replayed: data/raw/<source>/.
    Returns the file's digest."""
    digest = _digest(path)
    target = settings.raw_dir / source.name / f"{digest[:16]}-{path.name}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # A copy, not a hard link: exports are often overwritten in place under the same name,
        # which would silently change an archived link too.
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    return digest


def _empty(table: str) -> pl.DataFrame:
    model = schemas.MODELS[table].to_schema()
    schema = {c: model.columns[c].dtype.type for c in schemas.columns(table)}
    carriers = {f"_carriers_{m}": pl.UInt32 for m in schemas.NOT_ADDITIVE.get(table, [])}
    return pl.DataFrame(schema=schema | {"_row": pl.Int64, "_errors": pl.List(pl.Utf8), "_n": pl.UInt32}
                        | carriers | {"_file": pl.Int32, "_superseded": pl.Boolean})
