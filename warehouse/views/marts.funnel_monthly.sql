-- grain: one row per month of lead creation per lead channel (cohorts: leads created that month)
-- mqls / sqls / customers: leads of the cohort that reached that stage, counted through the
-- funnel (a lead with an sql_date or customer_date also counts as mql, one with a customer_date
-- as sql), so the funnel never widens. lead_to_customer_rate = customers / leads.
-- sales_cycle_days = average days created_date -> customer_date of the cohort's customers.
-- avg_deal_size = revenue / orders of the channel's orders placed in that month (attributed
-- channel, reporting currency). sales_velocity = leads x lead_to_customer_rate x avg_deal_size
-- / sales_cycle_days (revenue per day); NULL when any part is NULL or the cycle is 0 days.
CREATE OR REPLACE VIEW marts.funnel_monthly AS
WITH leads AS (
    SELECT date_trunc('month', created_date)::DATE AS month, * FROM stg.leads
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
        count(*) FILTER (WHERE lost_date IS NOT NULL AND customer_date IS NULL) AS lost,
        avg(customer_date - created_date) FILTER (WHERE customer_date IS NOT NULL)
            AS sales_cycle_days
    FROM leads
    GROUP BY month, channel
),
deals AS (
    SELECT
        date_trunc('month', order_date)::DATE AS month,
        channel,
        count(*) AS orders,
        int.strict_sum(amount) AS revenue
    FROM int.orders_attributed
    GROUP BY 1, channel
),
joined AS (
    SELECT
        cohorts.*,
        coalesce(deals.orders, 0) AS orders,
        CASE WHEN deals.month IS NULL THEN 0 ELSE deals.revenue END AS revenue,
        cohorts.customers / nullif(cohorts.leads, 0) AS lead_to_customer_rate,
        deals.revenue / nullif(deals.orders, 0) AS avg_deal_size
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
        orders,
        revenue,
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
