"""Canonical orders (e-commerce or CRM deals won) with their UTM channel."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from schemas.checks import CHANNEL_PATTERN, CURRENCY_PATTERN


class Orders(pa.DataFrameModel):
    source: str
    order_id: str = pa.Field(str_length={"min_value": 1})
    customer_id: Optional[str] = pa.Field(nullable=True)
    order_date: dt.date
    amount: float  # negative amounts are refunds
    currency: str = pa.Field(str_matches=CURRENCY_PATTERN)
    is_first_order: Optional[bool] = pa.Field(nullable=True)
    utm_source: Optional[str] = pa.Field(nullable=True)
    utm_medium: Optional[str] = pa.Field(nullable=True)
    utm_campaign: Optional[str] = pa.Field(nullable=True)
    channel: str = pa.Field(str_matches=CHANNEL_PATTERN)
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "order_id"]
