-- grain: macro (table): one row per row of `period_rows` per day it covers (date_start … date_end), with that day's exchange rate
-- `period_rows` names a table or a CTE of the caller (read with query_table) that has date_start,
-- date_end and currency (upper case). Adds date (the day), days_in_row (the days the row covers) and
-- fx_rate: units of the row's currency per reporting unit on that day (stg.fx_rates), the rate of
-- that day or else the latest earlier one, NULL with no such rate (never guessed; marts.fx_missing).
-- The caller spreads a measure as value / days_in_row and converts money as value / days_in_row /
-- fx_rate. Every view that spreads rows over their days or converts money on a day does it here:
-- the ad rows (stg.ad_metric_days), stg.costs, and, as rows of one day (date_start = date_end),
-- stg.email_campaigns on send_date and stg.orders on order_date. (stg.budgets converts a month
-- figure by its own rule.)
-- Speed: the rates are looked up once per currency and day of the rows' range (a few thousand
-- rows, by an ASOF join), and each spread row finds its rate by an equality join on that small
-- table, not by an ASOF search of its own (half the time at millions of rows).
CREATE OR REPLACE MACRO stg.period_days(period_rows) AS TABLE
WITH currency_days AS (
    SELECT currency, min(date_start) AS first_day, max(date_end) AS last_day
    FROM query_table(period_rows)
    GROUP BY currency
),
rate_days AS (
    SELECT days.currency, days.date, fx.units_per_reporting AS fx_rate
    FROM (
        SELECT currency, unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS date
        FROM currency_days
    ) AS days
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = days.currency AND days.date >= fx.rate_date
),
daily AS (
    SELECT
        unnest(generate_series(date_start, date_end, INTERVAL 1 DAY))::DATE AS date,
        (date_end - date_start + 1) AS days_in_row,
        *
    FROM query_table(period_rows)
)
SELECT
    daily.*,
    rate_days.fx_rate
FROM daily
LEFT JOIN rate_days ON rate_days.currency = daily.currency AND rate_days.date = daily.date
