"""Shared field definitions and checks for the canonical pandera models."""
from typing import Optional

import polars as pl
import pandera.polars as pa

CHANNEL_PATTERN = r"^[a-z][a-z0-9_]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# ISO 4217 codes in use (a typo like "EUE" or a made-up "XYZ" is quarantined, never converted).
CURRENCIES = sorted("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS
SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST
XAF XCD XOF XPF YER ZAR ZMW ZWL CYP MTL SIT SKK EEK LVL LTL
""".split())
# Per-row amounts beyond these are typos or unit mistakes (micros not divided, cents as units).
MAX_MONEY = 1e9
MAX_COUNT = 1e12


def count(**kw):
    """A non-negative count that may be missing."""
    return pa.Field(ge=0, le=MAX_COUNT, nullable=True, **kw)


def money(**kw):
    """A money amount that may be missing (negative amounts are refunds and allowed only where said)."""
    return pa.Field(ge=0, le=MAX_MONEY, nullable=True, **kw)


def currency():
    return pa.Field(isin=CURRENCIES)


def not_after(earlier: str, later: str):
    """Row check: `earlier` <= `later` where both are present."""
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col(earlier).is_null() | pl.col(later).is_null() | (pl.col(earlier) <= pl.col(later))
        )
    check.__name__ = f"{earlier}_not_after_{later}"
    return check


def named_check(name: str):
    """pa.dataframe_check under the reason `name`, for checks several models inherit: pandera takes
    a `name=` argument away from the shared check the first time a model is built (the next model
    would report the method's name), so the name is given as the function's own."""
    def decorate(fn):
        fn.__name__ = name
        return pa.dataframe_check(fn)
    return decorate


class AdRowChecks(pa.DataFrameModel):
    """The row checks of every ad-metrics table (ad_performance, keyword and search-term rows)."""

    @named_check("date_start is after date_end")
    def period_in_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_start") <= pl.col("date_end"))

    @named_check("clicks exceed impressions")
    def clicks_within_impressions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("clicks").is_null() | pl.col("impressions").is_null()
            | (pl.col("impressions") == 0) | (pl.col("clicks") <= pl.col("impressions"))
        )


class AdMetrics(pa.DataFrameModel):
    """The currency and metrics every ad-metrics table has after its key (ad_performance, keyword and
    search-term rows: schemas.ADDITIVE's ad metrics). pandera orders a model's columns from its last
    base to itself, so a model lists this class first, before the class of its key columns:
    `class KeywordPerformance(AdMetrics, KeywordKey)` has the key's columns, these, then its own."""
    currency: str = currency()
    impressions: Optional[int] = count()
    clicks: Optional[int] = count()
    spend: Optional[float] = money()
    conversions: Optional[float] = count()
    conversion_value: Optional[float] = money()
