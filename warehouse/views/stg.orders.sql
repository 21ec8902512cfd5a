-- grain: one row per order (core.orders), money in the reporting currency unless named *_original
-- paid: core.orders.paid, NULL (the export does not say) counted as paid. tax, shipping, refunded:
-- NULL counts as 0. amount_gross and amount_net are 0 for an unpaid order (pending, voided …).
-- amount_gross = total − refunded: what the customer paid and kept, tax and shipping included.
-- amount_net = (total − tax − shipping) × (1 − refunded / total): the goods without tax and
-- shipping, less the refunded share of them. A refund gives back its share of tax and shipping
-- too, so a full refund leaves 0, never −tax. A total of 0 or less (a refund row) is
-- total − tax − shipping − refunded.
-- amount = amount_net, or amount_gross when stg.settings.revenue_basis = 'gross' ([kpi] revenue);
-- amount_original is that same amount in the order's own currency (amount = amount_original / fx_rate).
-- total_original, tax_original, shipping_original, refunded_original: the export's values (NULL as
-- 0), own currency.
-- Rate of order_date or the latest earlier one (stg.period_days, an order being a one-day row); with
-- none every converted amount is NULL (marts.fx_missing).
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
        amount AS total,
        coalesce(tax, 0) AS tax,
        coalesce(shipping, 0) AS shipping,
        coalesce(refunded, 0) AS refunded,
        coalesce(paid, TRUE) AS paid,
        upper(trim(currency)) AS currency,
        is_first_order,
        utm_source,
        utm_medium,
        utm_campaign,
        channel
    FROM source
),
valued AS (
    SELECT
        renamed.*,
        CASE WHEN paid THEN total - refunded ELSE 0 END AS gross_original,
        CASE
            WHEN NOT paid THEN 0
            WHEN refunded = 0 OR total <= 0 THEN total - tax - shipping - refunded
            ELSE (total - tax - shipping) * greatest(0, 1 - refunded / total)
        END AS net_original
    FROM renamed
),
based AS (
    SELECT
        valued.*,
        CASE WHEN settings.revenue_basis = 'gross' THEN gross_original ELSE net_original END
            AS amount_original,
        order_date AS date_start,   -- the one day stg.period_days finds the rate of
        order_date AS date_end
    FROM valued
    CROSS JOIN stg.settings AS settings
)
SELECT
    source,
    order_id,
    customer_id,
    order_date,
    channel,
    is_first_order,
    paid,
    utm_source,
    utm_medium,
    utm_campaign,
    currency,
    fx_rate,
    total AS total_original,
    tax AS tax_original,
    shipping AS shipping_original,
    refunded AS refunded_original,
    amount_original,
    gross_original / fx_rate AS amount_gross,
    net_original / fx_rate AS amount_net,
    amount_original / fx_rate AS amount
FROM stg.period_days(based)   -- the order on its order_date, with that day's rate
