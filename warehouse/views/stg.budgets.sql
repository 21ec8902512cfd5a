-- grain: one row per budget line (source, month, channel, bucket), planned in the reporting currency
-- Rate: the one in force on the month's first day (that day's or the latest earlier rate), else
-- the first rate published inside the month (a budget is a month figure, e.g. rates that start
-- on 2 January); with neither, planned is NULL (marts.fx_missing).
CREATE OR REPLACE VIEW stg.budgets AS
WITH source AS (
    SELECT * FROM core.budgets
),
renamed AS (
    SELECT
        source,
        date_trunc('month', month)::DATE AS month,
        channel,
        lower(trim(bucket)) AS bucket,
        planned_amount,
        upper(trim(currency)) AS currency
    FROM source
),
converted AS (
    SELECT
        renamed.*,
        coalesce(
            fx.units_per_reporting,
            (
                SELECT arg_min(inside.units_per_reporting, inside.rate_date)
                FROM stg.fx_rates AS inside
                WHERE inside.currency = renamed.currency
                    AND inside.rate_date BETWEEN renamed.month AND last_day(renamed.month)
            )
        ) AS fx_rate
    FROM renamed
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = renamed.currency AND renamed.month >= fx.rate_date
)
SELECT
    source,
    month,
    channel,
    bucket,
    currency,
    fx_rate,
    planned_amount AS planned_original,
    planned_amount / fx_rate AS planned
FROM converted
