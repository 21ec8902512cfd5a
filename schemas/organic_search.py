"""Canonical organic search results (Search Console): one row per source, site, day, query and page."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import count


class OrganicSearch(pa.DataFrameModel):
    """query and page are '' on a day's total row (all queries and pages of the site, as Search
    Console's "Dates" totals and a date-only API query give it: those count the anonymised queries the
    query rows leave out). position_sum is the average position × impressions, so that rows add up
    (country and device segments are summed); average position = position_sum / impressions."""
    source: str
    site_url: str = pa.Field(str_length={"min_value": 1})
    date: dt.date
    query: str
    page: str
    clicks: Optional[int] = count()
    impressions: Optional[int] = count()
    position_sum: Optional[float] = count()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="clicks exceed impressions")
    def clicks_within_impressions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("clicks").is_null() | pl.col("impressions").is_null()
            | (pl.col("clicks") <= pl.col("impressions"))
        )

    @pa.dataframe_check(name="position below 1")
    def position_at_least_one(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("position_sum").is_null() | pl.col("impressions").is_null() | (pl.col("impressions") == 0)
            | (pl.col("position_sum") >= pl.col("impressions") * 0.999)
        )

    class Config:
        strict = True
        coerce = True
        unique = ["source", "site_url", "date", "query", "page"]
