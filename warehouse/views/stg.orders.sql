-- grain: one row per order (core.orders), amount in the reporting currency
-- Rate of order_date or the latest earlier one; with none the amount is NULL (marts.fx_missing).
-- An empty customer_id is NULL.
CREATE OR REPLACE VIEW stg.orders AS
WITH source AS (
    SELECT * FROM core.orders
),
renamed AS (
    SELECT
        source,
        order_id,
        nullif(trim(customer_id), '') AS customer_id,
        order_date,
        amount,
        upper(trim(currency)) AS currency,
        is_first_order,
        utm_source,
        utm_medium,
        utm_campaign,
        channel
    FROM source
),
converted AS (
    SELECT
        renamed.*,
        fx.units_per_reporting AS fx_rate
    FROM renamed
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = renamed.currency AND renamed.order_date >= fx.rate_date
)
SELECT
    source,
    order_id,
    customer_id,
    order_date,
    channel,
    is_first_order,
    utm_source,
    utm_medium,
    utm_campaign,
    currency,
    fx_rate,
    amount AS amount_original,
    amount / fx_rate AS amount
FROM converted
