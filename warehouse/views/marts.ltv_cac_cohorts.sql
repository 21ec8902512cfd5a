-- grain: macro (table): one row per cohort month lo … hi (first days; NULL: unbounded) per channel that had cost or new customers in that month (days up to as_of)
-- marts.ltv_cac's cohort columns for those months (its trailing-window columns read up to cac_trailing_days
-- before each month: marts.ltv_cac adds them), reading only the days of those months.
-- Cost and customers are matched by calendar month: the month's cost is set against the customers
-- acquired in the same month, whatever lead created them earlier.
-- new_customers: customers whose acquisition order (earliest new-customer order, see
-- int.customers) falls in the month and channel (attributed channel of that order); 0 for a
-- channel-month with cost and no new customer.
-- acquisition_cost = total_cost (media spend + non-media costs) of that channel in that month,
-- days up to as_of (so the sum of acquisition_cost over months equals the sum of total_cost of
-- marts.channel_monthly over the same months, up to as_of: costs entered ahead of as_of are not yet
-- spent); 0 for a channel-month with customers and no cost.
-- cac = acquisition_cost / new_customers (NULL without new customers). revenue_to_date = every
-- order of those customers up to as_of, whatever its channel; ltv = revenue_to_date /
-- new_customers; ltv_to_cac = ltv / cac. Cohorts after as_of are left out.
CREATE OR REPLACE MACRO marts.ltv_cac_cohorts(lo, hi) AS TABLE
WITH settings AS (
    SELECT * FROM stg.settings
),
customers AS (
    SELECT customers.*
    FROM int.customers AS customers
    CROSS JOIN settings
    WHERE customers.first_order_date <= settings.as_of
        AND (lo IS NULL OR customers.cohort_month >= lo) AND (hi IS NULL OR customers.cohort_month <= hi)
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
    -- channel-months with a cost (a NULL total, an amount without exchange rate, is a cost too); the days
    -- without facts add 0
    SELECT
        date_trunc('month', facts.date)::DATE AS cohort_month,
        facts.channel,
        int.strict_sum(facts.total_cost) AS acquisition_cost
    FROM int.channel_day_sums(lo, last_day(hi)) AS facts
    CROSS JOIN settings
    WHERE facts.date <= settings.as_of
    GROUP BY 1, facts.channel
    HAVING int.strict_sum(facts.total_cost) IS DISTINCT FROM 0
),
channel_months AS (
    SELECT cohort_month, channel FROM cohorts
    UNION
    SELECT cohort_month, channel FROM costs
),
joined AS (
    SELECT
        channel_months.cohort_month,
        channel_months.channel,
        coalesce(cohorts.new_customers, 0) AS new_customers,
        CASE WHEN costs.channel IS NULL THEN 0 ELSE costs.acquisition_cost END AS acquisition_cost,
        coalesce(revenue.orders_to_date, 0) AS orders_to_date,
        CASE WHEN revenue.channel IS NULL THEN 0 ELSE revenue.revenue_to_date END AS revenue_to_date
    FROM channel_months
    LEFT JOIN cohorts ON cohorts.cohort_month = channel_months.cohort_month AND cohorts.channel = channel_months.channel
    LEFT JOIN costs ON costs.cohort_month = channel_months.cohort_month AND costs.channel = channel_months.channel
    LEFT JOIN revenue ON revenue.cohort_month = channel_months.cohort_month AND revenue.channel = channel_months.channel
)
SELECT
    cohort_month,
    channel,
    new_customers,
    acquisition_cost::DOUBLE AS acquisition_cost,
    acquisition_cost / nullif(new_customers, 0) AS cac,
    orders_to_date,
    revenue_to_date::DOUBLE AS revenue_to_date,
    revenue_to_date / nullif(new_customers, 0) AS ltv,
    (revenue_to_date / nullif(new_customers, 0)) / nullif(acquisition_cost / nullif(new_customers, 0), 0) AS ltv_to_cac
FROM joined
