-- grain: one row per core.costs row per day of cost_date..period_end (amount spread evenly over the days)
-- amount is in the reporting currency (rate of that day or the latest earlier one; NULL when none,
-- listed in marts.fx_missing). A monthly cost of 310 over 31 days is 10 a day.
CREATE OR REPLACE VIEW stg.costs AS
WITH source AS (
    SELECT * FROM core.costs
),
renamed AS (
    SELECT
        hash(
            source, cost_date, period_end, channel, campaign_name, cost_type, description,
            hours, hourly_rate, amount, currency
        ) AS row_key,
        source,
        cost_date AS date_start,   -- the period stg.period_days spreads over
        period_end AS date_end,
        channel,
        campaign_name,
        cost_type,
        description,
        hours,
        hourly_rate,
        amount,
        upper(trim(currency)) AS currency
    FROM source
)
SELECT
    date,
    row_key,
    source,
    date_start AS cost_date,
    date_end AS period_end,
    days_in_row,
    channel,
    campaign_name,
    cost_type,
    description,
    hours / days_in_row AS hours,
    hourly_rate,
    currency,
    fx_rate,
    amount / days_in_row AS amount_original,
    amount / days_in_row / fx_rate AS amount
FROM stg.period_days(renamed)   -- each row once per day it covers, with that day's rate
