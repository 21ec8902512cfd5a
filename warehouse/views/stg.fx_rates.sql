-- grain: one row per rate_date per currency: units of the currency per 1 reporting unit (ECB style: 1 EUR = 1.08 USD)
-- When several sources carry a rate for the same day and currency, the lowest source name wins.
-- The reporting currency always converts at 1: it gets one row dated 0001-01-01 (so an ASOF
-- join finds it for every day) and its loaded rows, if any, are ignored.
CREATE OR REPLACE VIEW stg.fx_rates AS
WITH source AS (
    SELECT source, rate_date, upper(trim(currency)) AS currency, units_per_reporting
    FROM core.fx_rates
    WHERE units_per_reporting > 0
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY rate_date, currency ORDER BY source, units_per_reporting
        ) AS rank_in_day
    FROM source
    WHERE currency <> (SELECT reporting_currency FROM stg.reporting_currency)
)
SELECT rate_date, currency, units_per_reporting, source
FROM ranked
WHERE rank_in_day = 1
UNION ALL
SELECT DATE '0001-01-01', reporting_currency, 1.0::DOUBLE, 'reporting currency'
FROM stg.reporting_currency
