-- grain: one row per order, with its attributed channel and whether it acquired a new customer
-- A customer's leads: leads.customer_id = orders.customer_id, else leads.lead_id = orders.customer_id.
-- order_channel: the order's own channel (core.orders: its UTM, else its referrer, lead source, the
-- source's `channel` option or direct).
-- lead_channel: for an order without UTM (utm_source and utm_medium both empty) whose own channel
-- is one a missing UTM falls back to (stg.channels of kind 'organic': direct, organic_search,
-- organic_social, referral), the channel of the customer's latest lead created on or before the
-- order date (leads matched by customer_id first; ties: the last by lead_id, source); else NULL.
-- An organic-search lead who later buys without UTM is so credited to organic search, not direct.
-- An order with UTM, or with another channel (a channel column, the source's `channel` option, a
-- CRM lead source), keeps its own.
-- channel: last touch (default) = coalesce(lead_channel, order_channel); first touch (attribution =
-- 'first_touch') = the channel of the customer's earliest lead (created_date, lead_id, source),
-- else the order's own channel.
-- is_sale: the order was paid (stg.orders.paid) and something is left after refunds
-- (total − refunded > 0). Unpaid and fully refunded orders (and refund rows) are not sales.
-- is_new_customer: only a sale acquires a customer. A sale is new when the source flags it
-- (is_first_order TRUE); when the flag is NULL, the customer's earliest sale (order_date, order_id,
-- source) across all sources is new, and every sale without customer_id is new. A flagged first
-- order that is no sale passes its acquisition on: the customer's next sale is new whatever its
-- flag. customer_key: customer_id, or 'order:<source>:<order_id>' without one.
-- amount (the [kpi] revenue basis), amount_net, amount_gross: reporting currency, from stg.orders.
CREATE OR REPLACE VIEW int.orders_attributed AS
WITH orders AS (
    SELECT
        *,
        paid AND total_original - refunded_original > 0 AS is_sale,
        coalesce(trim(utm_source), '') = '' AND coalesce(trim(utm_medium), '') = ''
            AND channel IN (SELECT channel FROM stg.channels WHERE kind = 'organic') AS takes_lead_channel
    FROM stg.orders
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
leads_before_order AS (
    -- the leads of each order without UTM created on or before its day, by either key
    SELECT o.source, o.order_id, TRUE AS by_customer, leads.created_date, leads.lead_id,
           leads.source AS lead_source, leads.channel
    FROM orders AS o
    JOIN leads ON leads.customer_id = o.customer_id AND leads.created_date <= o.order_date
    WHERE o.takes_lead_channel
    UNION ALL
    SELECT o.source, o.order_id, FALSE, leads.created_date, leads.lead_id, leads.source, leads.channel
    FROM orders AS o
    JOIN leads ON leads.lead_id = o.customer_id AND leads.created_date <= o.order_date
    WHERE o.takes_lead_channel
),
last_lead_before_order AS (
    SELECT source, order_id, channel
    FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY source, order_id
                ORDER BY by_customer DESC, created_date DESC, lead_id DESC, lead_source DESC
            ) AS lead_rank
        FROM leads_before_order
    ) AS ranked
    WHERE lead_rank = 1
),
sequenced AS (
    SELECT
        orders.*,
        CASE WHEN customer_id IS NOT NULL AND is_sale THEN row_number() OVER (
            PARTITION BY customer_id, is_sale ORDER BY order_date, order_id, source
        ) END AS sale_number,
        -- TRUE after a flagged first order that was no sale, until the customer's next sale
        CASE WHEN customer_id IS NOT NULL THEN coalesce(last_value(
            CASE WHEN is_sale THEN FALSE WHEN is_first_order THEN TRUE END IGNORE NULLS
        ) OVER (
            PARTITION BY customer_id ORDER BY order_date, order_id, source
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), FALSE) ELSE FALSE END AS acquisition_passed_on
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
        last_lead.channel AS lead_channel,
        coalesce(by_customer.channel, by_lead.channel) AS first_touch_channel,
        CASE
            WHEN settings.attribution = 'first_touch'
                THEN coalesce(by_customer.channel, by_lead.channel, o.channel)
            ELSE coalesce(last_lead.channel, o.channel)
        END AS channel,
        settings.attribution,
        o.is_first_order,
        o.paid,
        o.is_sale,
        o.is_sale AND (
            o.acquisition_passed_on
            OR coalesce(o.is_first_order, o.customer_id IS NULL OR o.sale_number = 1)
        ) AS is_new_customer,
        o.utm_source,
        o.utm_medium,
        o.utm_campaign,
        o.currency AS original_currency,
        o.fx_rate,
        o.amount_original,
        o.amount_net,
        o.amount_gross,
        o.amount
    FROM sequenced AS o
    CROSS JOIN stg.settings AS settings
    LEFT JOIN first_lead_by_customer AS by_customer ON by_customer.customer_id = o.customer_id
    LEFT JOIN first_lead_by_lead_id AS by_lead ON by_lead.lead_id = o.customer_id
    LEFT JOIN last_lead_before_order AS last_lead
        ON last_lead.source = o.source AND last_lead.order_id = o.order_id
)
SELECT * FROM final
