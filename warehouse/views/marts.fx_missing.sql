-- grain: one row per source, table and currency with amounts that have no exchange rate on or before their day
-- Those amounts are NULL in the marts (and so is every total that includes them): load the
-- missing rates (fx_rates) and the views pick them up. rows = core rows affected;
-- first_date / last_date = the days without a rate.
CREATE OR REPLACE VIEW marts.fx_missing AS
WITH ad_performance AS (
    SELECT
        source, 'ad_performance' AS table_name, currency AS currency,
        min(date) AS first_date, max(date) AS last_date, count(DISTINCT row_key) AS rows
    FROM stg.ad_performance
    WHERE fx_rate IS NULL
    GROUP BY source, currency
),
email_campaigns AS (
    SELECT
        source, 'email_campaigns' AS table_name, currency AS currency,
        min(send_date) AS first_date, max(send_date) AS last_date, count(*) AS rows
    FROM stg.email_campaigns
    WHERE fx_rate IS NULL
    GROUP BY source, currency
),
orders AS (
    SELECT
        source, 'orders' AS table_name, currency AS currency,
        min(order_date) AS first_date, max(order_date) AS last_date, count(*) AS rows
    FROM stg.orders
    WHERE fx_rate IS NULL
    GROUP BY source, currency
),
costs AS (
    SELECT
        source, 'costs' AS table_name, currency AS currency,
        min(date) AS first_date, max(date) AS last_date, count(DISTINCT row_key) AS rows
    FROM stg.costs
    WHERE fx_rate IS NULL
    GROUP BY source, currency
),
budgets AS (
    SELECT
        source, 'budgets' AS table_name, currency AS currency,
        min(month) AS first_date, max(last_day(month)) AS last_date, count(*) AS rows
    FROM stg.budgets
    WHERE fx_rate IS NULL
    GROUP BY source, currency
)
SELECT * FROM ad_performance
UNION ALL SELECT * FROM email_campaigns
UNION ALL SELECT * FROM orders
UNION ALL SELECT * FROM costs
UNION ALL SELECT * FROM budgets
