"""Stable ids derived from names, for exports that carry no platform ids."""
from __future__ import annotations

import hashlib
import unicodedata

import polars as pl

_SEPARATOR = "\x1f"


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _normal(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def stable_id(*cols: str, prefix: str) -> pl.Expr:
    """prefix + the first 16 hex digits of SHA-1 over the normalised values of `cols`
    (Unicode NFC, whitespace collapsed and stripped, case kept, null = "") joined by U+001F.

    Identical across runs, Python and polars versions (no pl.hash); null when every value is
    empty. Each distinct combination is normalised and hashed once.
    """
    key = pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("") for c in cols], separator=_SEPARATOR)

    def hash_batch(series: pl.Series) -> pl.Series:
        uniques = series.drop_nulls().unique().to_list()
        ids = []
        for k in uniques:
            parts = [_normal(p) for p in k.split(_SEPARATOR)]
            ids.append(prefix + _digest(_SEPARATOR.join(parts)) if any(parts) else None)
        return series.replace_strict(uniques, ids, default=None, return_dtype=pl.Utf8)

    return key.map_batches(hash_batch, return_dtype=pl.Utf8, is_elementwise=True)


def stable_key(*values: str | None, prefix: str) -> str:
    """The id `stable_id` would give for these literal values (e.g. a source name)."""
    return prefix + _digest(_SEPARATOR.join(_normal(v or "") for v in values))


# Entity levels of ad reports below the account: (level, id prefix, label in messages).
LEVELS = [("campaign", "cmp_", "campaign"), ("ad_group", "adg_", "ad group"), ("ad", "ad_", "ad")]


def derive_ids(frame: pl.DataFrame, *, source: str, levels: set[str]) -> tuple[pl.DataFrame, list[str]]:
    """Add account_id, campaign_id, ad_group_id and ad_id to a frame holding the ids an export gave
    (`_account_id`, `_campaign_id`, `_ad_group_id`, `_ad_id`, null where absent) and the names
    (`account_name`, `campaign_name`, `ad_group_name`, `ad_name`).

    account_id: the export's id, else stable_id(account_name), else stable_key(source).
    <level>_id for each level in `levels`: the export's id, else stable_id(parent id, name);
    '' for levels the report does not have. Returns the frame and the names of the added error
    columns ("<level>: missing name and id" where a level's row has neither).
    """
    # Names are hashed only where the export left ids out (often nowhere, or no names at all).
    fallback = pl.lit(stable_key(source, prefix="acc_"))
    if frame["_account_id"].null_count() == 0:
        account = pl.col("_account_id")
    elif frame["account_name"].null_count() == frame.height:
        account = pl.coalesce(pl.col("_account_id"), fallback)
    else:
        account = pl.coalesce(pl.col("_account_id"), stable_id("account_name", prefix="acc_"), fallback)
    frame = frame.with_columns(account.alias("account_id"))
    parent, errors = "account_id", []
    for level, prefix, label in LEVELS:
        id_col, name_col = f"{level}_id", f"{level}_name"
        if level in levels:
            if frame[f"_{id_col}"].null_count() == 0:
                frame = frame.with_columns(pl.col(f"_{id_col}").alias(id_col))
            else:
                derived = pl.when(pl.col(name_col).is_not_null()).then(stable_id(parent, name_col, prefix=prefix))
                frame = frame.with_columns(pl.coalesce(pl.col(f"_{id_col}"), derived).alias(id_col))
            frame = frame.with_columns(
                pl.when(pl.col(id_col).is_null()).then(pl.lit(f"{label}: missing name and id"))
                .cast(pl.Utf8).alias(f"_e_{id_col}"))
            errors.append(f"_e_{id_col}")
        else:
            frame = frame.with_columns(pl.lit("").alias(id_col))
        parent = id_col
    return frame, errors
