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
        cost_date,
        period_end,
        (period_end - cost_date + 1) AS days_in_row,
        channel,
        campaign_name,
        cost_type,
        description,
        hours,
        hourly_rate,
        amount,
        upper(trim(currency)) AS currency
    FROM source
),
daily AS (
    SELECT
        unnest(generate_series(cost_date, period_end, INTERVAL 1 DAY))::DATE AS date,
        *
    FROM renamed
),
converted AS (
    SELECT
        daily.*,
        fx.units_per_reporting AS fx_rate
    FROM daily
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = daily.currency AND daily.date >= fx.rate_date
)
SELECT
    date,
    row_key,
    source,
    cost_date,
    period_end,
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
FROM converted
