"""Canonical orders (e-commerce or CRM deals won) with their UTM channel."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from schemas.checks import MAX_MONEY, CHANNEL_PATTERN, currency


class Orders(pa.DataFrameModel):
    source: str
    order_id: str = pa.Field(str_length={"min_value": 1})
    customer_id: Optional[str] = pa.Field(nullable=True)
    order_date: dt.date
    amount: float = pa.Field(ge=-MAX_MONEY, le=MAX_MONEY)  # negative amounts are refunds
    currency: str = currency()
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
