"""Shared field definitions and checks for the canonical pandera models."""
import polars as pl
import pandera.polars as pa

CHANNEL_PATTERN = r"^[a-z][a-z0-9_]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


def count(**kw):
    """A non-negative count that may be missing."""
    return pa.Field(ge=0, nullable=True, **kw)


def money(**kw):
    """A money amount that may be missing (negative amounts are refunds and allowed only where said)."""
    return pa.Field(ge=0, nullable=True, **kw)


def not_after(earlier: str, later: str):
    """Row check: `earlier` <= `later` where both are present."""
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col(earlier).is_null() | pl.col(later).is_null() | (pl.col(earlier) <= pl.col(later))
        )
    check.__name__ = f"{earlier}_not_after_{later}"
    return check
