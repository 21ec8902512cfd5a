"""Canonical orders (e-commerce or CRM deals won) with their money parts, payment state and UTM channel."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import MAX_MONEY, CHANNEL_PATTERN, currency, money


class Orders(pa.DataFrameModel):
    source: str
    order_id: str = pa.Field(str_length={"min_value": 1})
    customer_id: Optional[str] = pa.Field(nullable=True)
    order_date: dt.date
    # amount: the order's total as exported (tax and shipping included, before refunds); negative
    # amounts are refund rows. tax and shipping: parts of it; refunded: how much of it was paid
    # back. Each NULL when the export does not say.
    amount: float = pa.Field(ge=-MAX_MONEY, le=MAX_MONEY)
    tax: Optional[float] = pa.Field(ge=-MAX_MONEY, le=MAX_MONEY, nullable=True)
    shipping: Optional[float] = pa.Field(ge=-MAX_MONEY, le=MAX_MONEY, nullable=True)
    refunded: Optional[float] = money()
    paid: Optional[bool] = pa.Field(nullable=True)  # NULL: the export does not say (counted as paid)
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
