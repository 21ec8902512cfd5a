-- grain: one row per cohort month (month of the customer's first order) per acquisition channel
-- new_customers: customers whose acquisition order (earliest new-customer order, see
-- int.customers) falls in the month and channel (attributed channel of that order).
-- acquisition_cost = total_cost (media spend + non-media costs) of that channel in that month,
-- days up to as_of; cac = acquisition_cost / new_customers. revenue_to_date = every order of
-- those customers up to as_of, whatever its channel; ltv = revenue_to_date / new_customers;
-- ltv_to_cac = ltv / cac. Cohorts after as_of are left out.
CREATE OR REPLACE VIEW marts.ltv_cac AS
WITH settings AS (
    SELECT * FROM stg.settings
),
customers AS (
    SELECT customers.*
    FROM int.customers AS customers
    CROSS JOIN settings
    WHERE customers.first_order_date <= settings.as_of
),
cohorts AS (
    SELECT cohort_month, acquisition_channel AS channel, count(*) AS new_customers
    FROM customers
    GROUP BY cohort_month, acquisition_channel
),
revenue AS (
    SELECT
        customers.cohort_month,
        customers.acquisition_channel AS channel,
        count(*) AS orders_to_date,
        int.strict_sum(orders.amount) AS revenue_to_date
    FROM customers
    JOIN int.orders_attributed AS orders ON orders.customer_key = customers.customer_key
    CROSS JOIN settings
    WHERE orders.order_date <= settings.as_of
    GROUP BY customers.cohort_month, customers.acquisition_channel
),
costs AS (
    SELECT
        date_trunc('month', date)::DATE AS cohort_month,
        channel,
        int.strict_sum(total_cost) AS acquisition_cost
    FROM int.channel_day_facts
    WHERE date <= (SELECT as_of FROM settings)
    GROUP BY 1, channel
),
joined AS (
    SELECT
        cohorts.cohort_month,
        cohorts.channel,
        cohorts.new_customers,
        CASE WHEN costs.channel IS NULL THEN 0 ELSE costs.acquisition_cost END AS acquisition_cost,
        coalesce(revenue.orders_to_date, 0) AS orders_to_date,
        CASE WHEN revenue.channel IS NULL THEN 0 ELSE revenue.revenue_to_date END AS revenue_to_date
    FROM cohorts
    LEFT JOIN costs ON costs.cohort_month = cohorts.cohort_month AND costs.channel = cohorts.channel
    LEFT JOIN revenue
        ON revenue.cohort_month = cohorts.cohort_month AND revenue.channel = cohorts.channel
),
final AS (
    SELECT
        cohort_month,
        channel,
        new_customers,
        acquisition_cost,
        acquisition_cost / nullif(new_customers, 0) AS cac,
        orders_to_date,
        revenue_to_date,
        revenue_to_date / nullif(new_customers, 0) AS ltv,
        (revenue_to_date / nullif(new_customers, 0))
            / nullif(acquisition_cost / nullif(new_customers, 0), 0) AS ltv_to_cac
    FROM joined
)
SELECT * FROM final
