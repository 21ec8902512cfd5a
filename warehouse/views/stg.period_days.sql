-- grain: macro (table): one row per row of `period_rows` per day it covers (date_start … date_end), with that day's exchange rate
-- `period_rows` names a table, a view or a CTE of the caller (read with query_table) that has date_start,
-- date_end and currency (upper case). Adds date (the day), days_in_row (the days the row covers) and
-- fx_rate: units of the row's currency per reporting unit on that day (stg.fx_rates), the rate of
-- that day or else the latest earlier one, NULL with no such rate (never guessed; marts.fx_missing).
-- The caller spreads a measure as value / days_in_row and converts money as value / days_in_row /
-- fx_rate. Every view that spreads rows over their days or converts money on a day does it here:
-- the ad rows (stg.ad_metric_days), stg.costs, and, as rows of one day (date_start = date_end),
-- stg.email_campaigns on send_date and stg.orders on order_date. (stg.budgets converts a month
-- figure by its own rule.)
-- Speed: the rates are looked up once per currency and day (from the currency's first rate to ten
-- years past its last rate or today: the day's rate carried forward over the days without one — not an ASOF
-- join, which DuckDB plans as a nested loop when it misjudges the days' count: 51M pairs and 1.4 s per use with
-- ECB's history of 30 currencies), and each spread row finds
-- its rate by an equality join on that small table, not by an ASOF search of its own (half the time at
-- millions of rows); the reporting currency converts at 1. The rows are read once per kind: a one-day
-- row's date is its date_start, so a caller's filter on date reaches the stored rows (a month of a
-- big warehouse is read, not all of it), and only the rows of several days are unnested. `period_rows`
-- is read twice, so a caller whose rows are an aggregate passes a view's name ('int.ad_periods'):
-- DuckDB materialises a CTE read twice whole (and drops `NOT MATERIALIZED` from stored views), while a
-- view is read with the caller's filter. lo / hi (optional): only the days lo … hi, the rows of several days
-- read only where they reach those days (a filter on date cannot reach a row spread over several days).
CREATE OR REPLACE MACRO stg.period_days(period_rows, lo := NULL, hi := NULL) AS TABLE
WITH rate_days AS (
    SELECT
        days.currency,
        days.date,
        last_value(fx.units_per_reporting IGNORE NULLS) OVER (PARTITION BY days.currency ORDER BY days.date)
            AS fx_rate
    FROM (
        SELECT
            currency,
            unnest(generate_series(min(rate_date), greatest(max(rate_date), current_date) + INTERVAL 3660 DAY,
                                   INTERVAL 1 DAY))::DATE AS date
        FROM stg.fx_rates
        WHERE currency <> (SELECT reporting_currency FROM stg.reporting_currency)
        GROUP BY currency
    ) AS days
    LEFT JOIN stg.fx_rates AS fx ON fx.currency = days.currency AND fx.rate_date = days.date
),
daily AS (
    SELECT date_start AS date, 1 AS days_in_row, *
    FROM query_table(period_rows)
    WHERE date_start = date_end AND (lo IS NULL OR date_start >= lo) AND (hi IS NULL OR date_start <= hi)
    UNION ALL
    SELECT
        unnest(generate_series(date_start, date_end, INTERVAL 1 DAY))::DATE AS date,
        (date_end - date_start + 1) AS days_in_row,
        *
    FROM query_table(period_rows)
    WHERE date_start <> date_end AND (lo IS NULL OR date_end >= lo) AND (hi IS NULL OR date_start <= hi)
)
SELECT
    daily.*,
    CASE
        WHEN daily.currency = (SELECT reporting_currency FROM stg.reporting_currency) THEN 1.0
        ELSE rate_days.fx_rate
    END AS fx_rate
FROM daily
LEFT JOIN rate_days ON rate_days.currency = daily.currency AND rate_days.date = daily.date
WHERE (lo IS NULL OR daily.date >= lo) AND (hi IS NULL OR daily.date <= hi)
