-- grain: one row per order, with its attributed channel and whether it acquired a new customer
-- channel: last touch (default) = the order's own channel; first touch (attribution =
-- 'first_touch') = the channel of the customer's earliest lead (leads.customer_id =
-- orders.customer_id, else leads.lead_id = orders.customer_id), else the order's own channel.
-- is_new_customer: is_first_order when the source says so; when it is NULL, TRUE for the
-- customer's earliest order (order_date, order_id) across all sources, and TRUE for every order
-- without customer_id. customer_key: customer_id, or 'order:<source>:<order_id>' without one.
CREATE OR REPLACE VIEW int.orders_attributed AS
WITH orders AS (
    SELECT * FROM stg.orders
),
leads AS (
    SELECT * FROM stg.leads
),
first_lead_by_customer AS (
    SELECT customer_id, channel
    FROM (
        SELECT
            customer_id,
            channel,
            row_number() OVER (
                PARTITION BY customer_id ORDER BY created_date, lead_id, source
            ) AS lead_rank
        FROM leads
        WHERE customer_id IS NOT NULL
    ) AS ranked
    WHERE lead_rank = 1
),
first_lead_by_lead_id AS (
    SELECT lead_id, channel
    FROM (
        SELECT
            lead_id,
            channel,
            row_number() OVER (PARTITION BY lead_id ORDER BY created_date, source) AS lead_rank
        FROM leads
    ) AS ranked
    WHERE lead_rank = 1
),
ranked_orders AS (
    SELECT
        orders.*,
        CASE
            WHEN orders.customer_id IS NOT NULL THEN row_number() OVER (
                PARTITION BY orders.customer_id ORDER BY orders.order_date, orders.order_id, orders.source
            )
        END AS customer_order_number
    FROM orders
),
final AS (
    SELECT
        o.source,
        o.order_id,
        o.customer_id,
        coalesce(o.customer_id, 'order:' || o.source || ':' || o.order_id) AS customer_key,
        o.order_date,
        o.channel AS order_channel,
        coalesce(by_customer.channel, by_lead.channel) AS first_touch_channel,
        CASE
            WHEN settings.attribution = 'first_touch'
                THEN coalesce(by_customer.channel, by_lead.channel, o.channel)
            ELSE o.channel
        END AS channel,
        settings.attribution,
        o.is_first_order,
        coalesce(
            o.is_first_order, o.customer_id IS NULL OR o.customer_order_number = 1
        ) AS is_new_customer,
        o.utm_source,
        o.utm_medium,
        o.utm_campaign,
        o.currency AS original_currency,
        o.fx_rate,
        o.amount_original,
        o.amount
    FROM ranked_orders AS o
    CROSS JOIN stg.settings AS settings
    LEFT JOIN first_lead_by_customer AS by_customer ON by_customer.customer_id = o.customer_id
    LEFT JOIN first_lead_by_lead_id AS by_lead ON by_lead.lead_id = o.customer_id
)
SELECT * FROM final
