-- grain: one row per source, table and currency with amounts that have no exchange rate on or before their day
-- Those amounts are NULL in the marts (and so is every total that includes them): load the
-- missing rates (fx_rates) and the views pick them up. rows = core rows affected;
-- first_date / last_date = the days without a rate.
CREATE OR REPLACE VIEW marts.fx_missing AS
WITH first_rates AS (
    -- the first day each currency has a rate: every earlier day has none, every later day has one
    -- (stg.period_days finds the rate of the day or the latest earlier one)
    SELECT currency, min(rate_date) AS first_rate
    FROM stg.fx_rates
    GROUP BY currency
),
ad_currencies AS (
    -- each currency as stored, with its first day (one cheap pass over core.ad_performance)
    SELECT currency AS stored_currency, upper(trim(currency)) AS currency, min(date_start) AS first_day
    FROM core.ad_performance
    GROUP BY currency
),
ad_unrated AS (
    -- the currencies with a day before their first rate, or with no rate at all: only their rows
    -- are read one by one below (none, when every rate is loaded)
    SELECT currencies.stored_currency, currencies.currency, rates.first_rate
    FROM ad_currencies AS currencies
    LEFT JOIN first_rates AS rates ON rates.currency = currencies.currency
    WHERE rates.first_rate IS NULL OR currencies.first_day < rates.first_rate
),
ad_rows AS (
    -- read on core.ad_performance, not on its daily spread (stg.ad_performance): a row lacks a
    -- rate from date_start to the day before its currency's first rate, or to date_end;
    -- row_key as in stg.ad_performance
    SELECT
        facts.source,
        unrated.currency,
        facts.date_start AS first_date,
        CASE
            WHEN unrated.first_rate IS NULL THEN facts.date_end
            ELSE least(facts.date_end, unrated.first_rate - 1)
        END AS last_date,
        hash(
            facts.source, facts.date_start, facts.date_end, facts.account_id, facts.campaign_id,
            facts.ad_group_id, facts.ad_id
        ) AS row_key
    FROM core.ad_performance AS facts
    JOIN ad_unrated AS unrated ON unrated.stored_currency = facts.currency
    WHERE facts.date_start <= facts.date_end
        AND (unrated.first_rate IS NULL OR facts.date_start < unrated.first_rate)
),
ad_performance AS (
    SELECT
        source, 'ad_performance' AS table_name, currency AS currency,
        min(first_date) AS first_date, max(last_date) AS last_date, count(DISTINCT row_key) AS rows
    FROM ad_rows
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
