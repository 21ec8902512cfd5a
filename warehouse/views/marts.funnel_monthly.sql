-- grain: one row per month of lead creation per lead channel (cohorts: leads created that month)
-- mqls / sqls / customers: leads of the cohort that reached that stage, counted through the
-- funnel (a lead with an sql_date or customer_date also counts as mql, one with a customer_date
-- as sql), so the funnel never widens. lead_to_customer_rate = customers / leads (never above 1).
-- sales_cycle_days = average of (customer_date - created_date + 1) over the cohort's customers:
-- inclusive days, so a same-day close is 1 day, never 0 (a customer_date before created_date counts
-- as 1 day too). Fractional: the average of whole days.
-- deals: the cohort's customers whose first order is loaded. A lead is matched to its customer as
-- int.orders_attributed does: leads.customer_id = the order's customer_id, else leads.lead_id = the
-- order's customer_id; the first order is the customer's acquisition order (int.customers: the
-- earliest new-customer order, ties by order_id, source), whatever its date or channel.
-- deal_revenue = the amount of those first orders (stg.orders.amount, reporting currency);
-- avg_deal_size = deal_revenue / deals. sales_velocity = leads x lead_to_customer_rate x
-- avg_deal_size / sales_cycle_days (revenue per day); NULL when any part is NULL.
CREATE OR REPLACE VIEW marts.funnel_monthly AS
WITH leads AS (
    SELECT date_trunc('month', created_date)::DATE AS month, * FROM stg.leads
),
first_orders AS (
    -- each acquired customer's acquisition order and its amount
    SELECT customer_key, amount
    FROM (
        SELECT
            customers.customer_key,
            orders.amount,
            row_number() OVER (
                PARTITION BY customers.customer_key ORDER BY orders.order_id, orders.source
            ) AS order_rank
        FROM int.customers AS customers
        JOIN int.orders_attributed AS orders
            ON orders.customer_key = customers.customer_key
            AND orders.order_date = customers.first_order_date
            AND orders.is_new_customer
    ) AS ranked
    WHERE order_rank = 1
),
won AS (
    SELECT
        leads.month,
        leads.channel,
        greatest(leads.customer_date - leads.created_date + 1, 1) AS cycle_days,
        coalesce(by_customer.customer_key, by_lead.customer_key) IS NOT NULL AS has_deal,
        CASE
            WHEN by_customer.customer_key IS NOT NULL THEN by_customer.amount
            ELSE by_lead.amount
        END AS deal_amount
    FROM leads
    LEFT JOIN first_orders AS by_customer ON by_customer.customer_key = leads.customer_id
    LEFT JOIN first_orders AS by_lead ON by_lead.customer_key = leads.lead_id
    WHERE leads.customer_date IS NOT NULL
),
deals AS (
    SELECT
        month,
        channel,
        avg(cycle_days) AS sales_cycle_days,
        count(*) FILTER (WHERE has_deal) AS deals,
        int.strict_sum(CASE WHEN has_deal THEN deal_amount ELSE 0 END) AS deal_revenue
    FROM won
    GROUP BY month, channel
),
cohorts AS (
    SELECT
        month,
        channel,
        count(*) AS leads,
        count(*) FILTER (
            WHERE mql_date IS NOT NULL OR sql_date IS NOT NULL OR customer_date IS NOT NULL
        ) AS mqls,
        count(*) FILTER (WHERE sql_date IS NOT NULL OR customer_date IS NOT NULL) AS sqls,
        count(*) FILTER (WHERE customer_date IS NOT NULL) AS customers,
        count(*) FILTER (WHERE lost_date IS NOT NULL AND customer_date IS NULL) AS lost
    FROM leads
    GROUP BY month, channel
),
joined AS (
    SELECT
        cohorts.*,
        coalesce(deals.deals, 0) AS deals,
        CASE WHEN deals.month IS NULL THEN 0 ELSE deals.deal_revenue END AS deal_revenue,
        deals.sales_cycle_days::DOUBLE AS sales_cycle_days,
        cohorts.customers / nullif(cohorts.leads, 0) AS lead_to_customer_rate,
        deals.deal_revenue / nullif(deals.deals, 0) AS avg_deal_size
    FROM cohorts
    LEFT JOIN deals ON deals.month = cohorts.month AND deals.channel = cohorts.channel
),
final AS (
    SELECT
        month,
        channel,
        leads,
        mqls,
        sqls,
        customers,
        lost,
        deals,
        deal_revenue,
        mqls / nullif(leads, 0) AS lead_to_mql_rate,
        sqls / nullif(mqls, 0) AS mql_to_sql_rate,
        customers / nullif(sqls, 0) AS sql_to_customer_rate,
        lead_to_customer_rate,
        avg_deal_size,
        sales_cycle_days,
        leads * lead_to_customer_rate * avg_deal_size / nullif(sales_cycle_days, 0) AS sales_velocity
    FROM joined
)
SELECT * FROM final
