"""Validates a normalised frame with its pandera model and splits it into loadable and quarantined rows."""
from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from roi import schemas

# Columns that may not lie in the future (budgets and goals plan ahead, so they are not here).
NOT_IN_FUTURE = {
    "ad_performance": "date_end",
    "email_campaigns": "send_date",
    "leads": "created_date",
    "orders": "order_date",
    "web_sessions": "date",
    "organic_search": "date",
}


@dataclass
class Split:
    good: pl.DataFrame | pl.LazyFrame   # canonical columns + _row + _n (lines summed into it): one row per key
    bad: pl.DataFrame           # _row, reasons (Utf8, "; "-joined)
    combined: int               # rows summed into another row of the same key (segments), or identical repeats


def check_rows(table: str, frame: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Every row checked on its own (the transform's `_errors`, the pandera model, dates in the
    future): a failing row keeps every reason in `_errors`. Passing rows of a table with additive
    metrics that share its key are segments of one export (device, hour, keyword …) and are summed
    here, batch by batch, so that a segmented export is held at its grain (schemas.ADDITIVE).

    Returns the frame's columns plus `_n`, the source rows each row stands for; `split` finishes
    what needs every row of a window (keys shared across batches and files, an account's currency)."""
    cols = schemas.columns(table)
    frame = frame.with_row_index("_pos")
    reasons = frame.filter(pl.col("_errors").list.len() > 0) \
        .select("_pos", pl.col("_errors").alias("r")).explode("r").drop_nulls("r")
    extra = _schema_failures(table, frame.select(cols))
    future = NOT_IN_FUTURE.get(table)
    if future:
        limit = today + dt.timedelta(days=1)
        extra.append(frame.filter(pl.col(future) > limit).select(
            "_pos", pl.format("{}: {} is in the future", pl.lit(future), pl.col(future)).alias("r")))
    checks = pl.concat([e.with_columns(pl.col("_pos").cast(pl.UInt32)) for e in extra]) if extra else \
        pl.DataFrame(schema={"_pos": pl.UInt32, "r": pl.Utf8})
    # A cell the transform could not read is null after parsing: don't also report it as "missing".
    unread = reasons.select(pl.col("_pos").cast(pl.UInt32), pl.col("r").str.extract(r"^([a-z_]+):", 1).alias("col"))
    checks = checks.with_columns(pl.col("r").str.extract(r"^([a-z_]+): missing$", 1).alias("col")) \
        .join(unread.drop_nulls(), on=["_pos", "col"], how="anti").drop("col")
    if checks.height:
        every = pl.concat([reasons.with_columns(pl.col("_pos").cast(pl.UInt32)), checks]).unique(maintain_order=True)
        listed = every.group_by("_pos", maintain_order=True).agg(pl.col("r").alias("_all"))
        frame = frame.join(listed, on="_pos", how="left").with_columns(
            pl.coalesce("_all", "_errors").alias("_errors")).drop("_all")
    frame = frame.drop("_pos").with_columns(pl.lit(1, pl.UInt32).alias("_n"), *_carriers(table))
    if table not in schemas.ADDITIVE or not _shared_keys(table, frame):
        return frame
    passing = frame.filter(pl.col("_errors").list.len() == 0)
    kept = frame.filter(pl.col("_errors").list.len() > 0)
    if table in CURRENCY_PER_ACCOUNT and passing["currency"].n_unique() > 1:
        # An account billed in two currencies is judged by `split`, row by row: its rows stay apart.
        mixed = pl.col("currency").n_unique().over("source", "account_id") > 1
        kept = pl.concat([kept, passing.filter(mixed)], how="vertical")
        passing = passing.filter(~mixed)
    return pl.concat([sum_to_grain(table, passing), kept], how="vertical")


def split(table: str, frame: pl.DataFrame) -> Split:
    """The rows of `check_rows` (one window, one or several exports) split into loadable rows, one
    per key, and quarantined ones with every reason. Every source row ends up loaded, combined into
    another row of its key, or quarantined: rows sharing a key are summed (additive metrics); in a
    table without additive metrics (leads, orders …) identical rows are one record listed twice,
    and rows of one key with different figures are quarantined, since nothing says which is right."""
    cols = schemas.columns(table)
    additive = schemas.ADDITIVE.get(table)
    shared_keys = _shared_keys(table, frame)
    frame = frame.with_row_index("_pos")
    reasons = frame.filter(pl.col("_errors").list.len() > 0).select("_pos", pl.col("_errors").alias("r")) \
        .explode("r").drop_nulls("r")
    extra = []
    if shared_keys and not additive:
        extra.append(_conflicting_keys(table, frame))
    if table in CURRENCY_PER_ACCOUNT:
        extra.append(_currency_not_the_accounts(frame))
    every = pl.concat([reasons.with_columns(pl.col("_pos").cast(pl.UInt32))]
                      + [e.with_columns(pl.col("_pos").cast(pl.UInt32)) for e in extra]).unique(maintain_order=True)
    bad = every.group_by("_pos", maintain_order=True).agg(pl.col("r").str.join("; ").alias("reasons"))
    good = frame.join(bad, on="_pos", how="anti") if bad.height else frame
    bad = bad.join(frame.select("_pos", "_row"), on="_pos").sort("_row").select("_row", "reasons")
    rows_in = int(frame["_n"].sum()) if frame.height else 0
    if shared_keys:
        good = sum_to_grain(table, good) if additive else \
            good.unique(subset=cols, keep="first", maintain_order=True)
    return Split(good=good.select(cols + ["_row", "_n"]), bad=bad, combined=rows_in - good.height - bad.height)


def _carriers(table: str) -> list[pl.Expr]:
    """Per metric that is not additive (reach), how many source rows carry it: `_carriers_<metric>`."""
    return [pl.col(m).is_not_null().cast(pl.UInt32).alias(f"_carriers_{m}")
            for m in schemas.NOT_ADDITIVE.get(table, [])]


def sum_to_grain(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per key of `table`: additive metrics summed (null only where every row is null), `_n`
    summed, metrics that are not additive (reach) kept where one source row of the key carries
    them, null where several do; names and other attributes from the key's first row, which also
    gives `_row`. Rows already summed carry `_carriers_<metric>`; it is kept for the next sum."""
    key = schemas.MODELS[table].Config.unique
    additive = schemas.ADDITIVE[table]
    kept_once = schemas.NOT_ADDITIVE.get(table, [])
    carriers = [f"_carriers_{m}" for m in kept_once]
    if kept_once and carriers[0] not in frame.columns:
        frame = frame.with_columns(_carriers(table))
    others = [c for c in frame.columns if c not in key and c not in additive and c not in kept_once
              and c not in carriers and c != "_n"]
    summed = frame.group_by(key, maintain_order=True).agg(
        *[pl.col(c).first() for c in others],
        *[pl.when(pl.col(m).is_not_null().any()).then(pl.col(m).sum()).alias(m) for m in additive],
        *[pl.when(pl.col(c).sum() == 1).then(pl.col(m).max()).alias(m) for m, c in zip(kept_once, carriers)],
        *[pl.col(c).sum() for c in carriers],
        pl.col("_n").sum(),
    )
    return summed.select(frame.columns)


def _conflicting_keys(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose key another row shares with different values (identical repeats are loaded once)."""
    key = schemas.MODELS[table].Config.unique
    cols = schemas.columns(table)
    variants = frame.select("_pos", *cols).with_columns(
        pl.struct(cols).n_unique().over(key).alias("_variants"))
    keys = ", ".join(key)
    return variants.filter(pl.col("_variants") > 1).select(
        "_pos", pl.lit(f"duplicate: another row has the same {keys} with different figures").alias("r"))


# Tables whose accounts bill in one currency.
CURRENCY_PER_ACCOUNT = {"ad_performance", "keyword_performance", "search_term_performance"}


def _currency_not_the_accounts(frame: pl.DataFrame) -> pl.DataFrame:
    """An ad account bills in one currency: rows in another one are a mixed-up export."""
    if frame["currency"].n_unique() < 2:   # one currency in the whole frame (the usual case)
        return pl.DataFrame(schema={"_pos": pl.UInt32, "r": pl.Utf8})
    usual = (frame.group_by("source", "account_id", "currency").agg(pl.col("_n").sum().alias("len"))
             .sort(["len", "currency"], descending=[True, False])
             .group_by("source", "account_id", maintain_order=True).first()
             .select("source", "account_id", pl.col("currency").alias("_usual")))
    return (frame.join(usual, on=["source", "account_id"], how="left", nulls_equal=True)
            .filter(pl.col("currency") != pl.col("_usual"))
            .select("_pos", pl.format("currency: {} differs from the account's {} (an account bills in one "
                                      "currency)", pl.col("currency"), pl.col("_usual")).alias("r")))


def _shared_keys(table: str, frame: pl.DataFrame) -> bool:
    """Whether two rows may share the table's grain key (a hash collision only costs time)."""
    key = getattr(schemas.MODELS[table].Config, "unique", None)
    if not key:
        return False   # a table without a grain (costs): every line is its own fact
    # Columns with one value in every row (the source, an id level the report lacks) decide nothing.
    same = frame.select(pl.col(c).eq_missing(pl.col(c).first()).all() for c in key).row(0, named=True)
    varying = [c for c in key if not same[c]]
    if not varying:
        return frame.height > 1
    hashes = frame.select(varying).hash_rows().sort()   # equal hashes end up side by side (less memory than a set)
    return bool((hashes.slice(1) == hashes.slice(0, max(len(hashes) - 1, 0))).any())


@functools.cache
def _schema(table: str) -> pa.DataFrameSchema:
    """The table's pandera schema without its grain-uniqueness check: rows sharing a key are
    summed or told apart by `split`, not failed one by one."""
    schema = copy.deepcopy(schemas.MODELS[table].to_schema())
    schema.unique = None
    return schema


def _schema_failures(table: str, data: pl.DataFrame) -> list[pl.DataFrame]:
    try:
        _schema(table).validate(data, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    out = []
    for (column, check), group in cases.group_by(["column", "check"], maintain_order=True):
        message = _message(table, str(column), str(check))
        rows = group.filter(pl.col("index").is_not_null())
        if rows.is_empty():
            # A whole-frame failure (a wrong dtype, a missing column) is the transform's bug.
            raise RuntimeError(f"{table}: {column} failed {check}: {group['failure_case'].to_list()[:3]}")
        out.append(rows.select(
            pl.col("index").alias("_pos"),
            pl.format(message, pl.col("failure_case").str.slice(0, 80)).alias("r")
            if "{}" in message else pl.lit(message).alias("r"),
        ))
    return out


def _message(table: str, column: str, check: str) -> str:
    """A pandera check name -> a reason a marketing analyst can read ({} is the bad value)."""
    model_name = schemas.MODELS[table].__name__
    if column == model_name or column == "None":  # dataframe-level check
        return check
    if check == "not_nullable":
        return f"{column}: missing"
    if check.startswith("greater_than_or_equal_to(0"):
        return f"{column}: {{}} is negative"
    if check.startswith("greater_than(0"):
        return f"{column}: {{}} must be above zero"
    if check.startswith("str_matches"):
        if column == "currency":
            return "currency: '{}' is not a 3-letter currency code like EUR"
        return f"{column}: '{{}}' is not valid"
    if check.startswith("isin") and column == "currency":
        return "currency: '{}' is not an ISO 4217 currency code (EUR, USD, GBP …)"
    if check.startswith("less_than_or_equal_to"):
        return f"{column}: {{}} is implausibly large (a unit mistake?)"
    if check.startswith("greater_than_or_equal_to(-"):
        return f"{column}: {{}} is implausibly large (a unit mistake?)"
    if check.startswith("isin"):
        allowed = re.sub(r"^isin\(\[?|\]?\)$", "", check).replace("'", "")
        return f"{column}: '{{}}' is not one of {allowed}"
    if check.startswith("str_length"):
        return f"{column}: empty"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        return f"{column}: '{{}}' cannot be read"
    return f"{column}: {{}} fails {check}"


def split_scan(table: str, rows: pl.LazyFrame) -> Split:
    """`split` of rows kept on disk (a big export's keyword rows, checked batch by batch): where no
    key repeats across batches and each account bills in one currency — a keyword report's usual
    shape — the good rows stay a scan that the load streams into the warehouse, and only the
    failing ones are read; otherwise the rows are read and split in memory."""
    key = schemas.MODELS[table].Config.unique
    keys = rows.select(pl.struct(key).hash().alias("h")).collect()["h"]   # 8 bytes a row
    currencies = rows.filter(pl.col("_errors").list.len() == 0).select("source", "account_id", "currency") \
        .unique().collect() if table in CURRENCY_PER_ACCOUNT else None
    if keys.is_duplicated().any() or (currencies is not None and currencies.select("source", "account_id")
                                      .is_duplicated().any()):
        return split(table, rows.collect())
    failing = pl.col("_errors").list.len() > 0
    bad = rows.filter(failing).select("_row", pl.col("_errors").list.join("; ").alias("reasons")).collect()
    good = rows.filter(~failing).select(schemas.columns(table) + ["_row", "_n"])
    rows_in, loaded = rows.select(pl.col("_n").sum().alias("n"), (~failing).sum().alias("good")).collect().row(0)
    return Split(good=good, bad=bad.sort("_row"), combined=(rows_in or 0) - loaded - bad.height)
