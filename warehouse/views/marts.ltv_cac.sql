-- grain: one row per cohort month per channel that had cost or new customers in that month (days up to as_of)
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
-- Trailing-window CAC, for channels whose leads close months after the cost (events, LinkedIn):
-- trailing_to = the month's last day, or as_of when earlier; trailing_from = trailing_to -
-- (cac_trailing_days - 1) (stg.settings, default 90: the window holds cac_trailing_days days,
-- both ends included). trailing_cost = total_cost of the channel on the window's days;
-- trailing_new_customers = customers acquired by the channel on those days; trailing_cac =
-- trailing_cost / trailing_new_customers (NULL without customers). Days before the loaded data
-- count 0: the first months' windows are short of history.
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
days AS (
    SELECT facts.date, facts.channel, facts.total_cost
    FROM int.channel_day_facts AS facts
    CROSS JOIN settings
    WHERE facts.date <= settings.as_of
),
costs AS (
    -- channel-months with a cost (a NULL total, an amount without exchange rate, is a cost too)
    SELECT
        date_trunc('month', date)::DATE AS cohort_month,
        channel,
        int.strict_sum(total_cost) AS acquisition_cost
    FROM days
    GROUP BY 1, channel
    HAVING int.strict_sum(total_cost) IS DISTINCT FROM 0
),
channel_months AS (
    SELECT cohort_month, channel FROM cohorts
    UNION
    SELECT cohort_month, channel FROM costs
),
windows AS (
    SELECT
        channel_months.*,
        least(last_day(channel_months.cohort_month), settings.as_of) AS trailing_to,
        least(last_day(channel_months.cohort_month), settings.as_of) - (settings.cac_trailing_days - 1)
            AS trailing_from
    FROM channel_months
    CROSS JOIN settings
),
trailing_costs AS (
    SELECT windows.cohort_month, windows.channel, int.strict_sum(days.total_cost) AS trailing_cost
    FROM windows
    JOIN days
        ON days.channel = windows.channel AND days.date BETWEEN windows.trailing_from AND windows.trailing_to
    GROUP BY windows.cohort_month, windows.channel
),
trailing_customers AS (
    SELECT windows.cohort_month, windows.channel, count(*) AS trailing_new_customers
    FROM windows
    JOIN customers
        ON customers.acquisition_channel = windows.channel
        AND customers.first_order_date BETWEEN windows.trailing_from AND windows.trailing_to
    GROUP BY windows.cohort_month, windows.channel
),
joined AS (
    SELECT
        windows.cohort_month,
        windows.channel,
        coalesce(cohorts.new_customers, 0) AS new_customers,
        CASE WHEN costs.channel IS NULL THEN 0 ELSE costs.acquisition_cost END AS acquisition_cost,
        coalesce(revenue.orders_to_date, 0) AS orders_to_date,
        CASE WHEN revenue.channel IS NULL THEN 0 ELSE revenue.revenue_to_date END AS revenue_to_date,
        windows.trailing_from,
        windows.trailing_to,
        CASE WHEN trailing_costs.channel IS NULL THEN 0 ELSE trailing_costs.trailing_cost END AS trailing_cost,
        coalesce(trailing_customers.trailing_new_customers, 0) AS trailing_new_customers
    FROM windows
    LEFT JOIN cohorts ON cohorts.cohort_month = windows.cohort_month AND cohorts.channel = windows.channel
    LEFT JOIN costs ON costs.cohort_month = windows.cohort_month AND costs.channel = windows.channel
    LEFT JOIN revenue ON revenue.cohort_month = windows.cohort_month AND revenue.channel = windows.channel
    LEFT JOIN trailing_costs
        ON trailing_costs.cohort_month = windows.cohort_month AND trailing_costs.channel = windows.channel
    LEFT JOIN trailing_customers
        ON trailing_customers.cohort_month = windows.cohort_month
        AND trailing_customers.channel = windows.channel
),
final AS (
    SELECT
        cohort_month,
        channel,
        new_customers,
        acquisition_cost::DOUBLE AS acquisition_cost,
        acquisition_cost / nullif(new_customers, 0) AS cac,
        orders_to_date,
        revenue_to_date::DOUBLE AS revenue_to_date,
        revenue_to_date / nullif(new_customers, 0) AS ltv,
        (revenue_to_date / nullif(new_customers, 0))
            / nullif(acquisition_cost / nullif(new_customers, 0), 0) AS ltv_to_cac,
        trailing_from,
        trailing_to,
        trailing_cost::DOUBLE AS trailing_cost,
        trailing_new_customers,
        trailing_cost / nullif(trailing_new_customers, 0) AS trailing_cac
    FROM joined
)
SELECT * FROM final
