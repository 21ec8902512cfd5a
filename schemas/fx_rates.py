"""Canonical exchange rates: units of a currency per one unit of the reporting currency, by day."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import currency


class FxRates(pa.DataFrameModel):
    source: str
    rate_date: dt.date
    currency: str = currency()
    units_per_reporting: float = pa.Field(gt=0)
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "rate_date", "currency"]
