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
-- The cohort columns: marts.ltv_cac_cohorts, unbounded; the trailing window's are added here.
CREATE OR REPLACE VIEW marts.ltv_cac AS
WITH settings AS (
    SELECT * FROM stg.settings
),
cohorts AS (
    SELECT * FROM marts.ltv_cac_cohorts(NULL, NULL)
),
customers AS (
    SELECT customers.*
    FROM int.customers AS customers
    CROSS JOIN settings
    WHERE customers.first_order_date <= settings.as_of
),
days AS (
    -- the days with facts (the days without add 0)
    SELECT facts.date, facts.channel, facts.total_cost
    FROM int.channel_day_sums(NULL, NULL) AS facts
    CROSS JOIN settings
    WHERE facts.date <= settings.as_of
),
windows AS (
    SELECT
        cohorts.cohort_month,
        cohorts.channel,
        least(last_day(cohorts.cohort_month), settings.as_of) AS trailing_to,
        least(last_day(cohorts.cohort_month), settings.as_of) - (settings.cac_trailing_days - 1) AS trailing_from
    FROM cohorts
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
        cohorts.*,
        windows.trailing_from,
        windows.trailing_to,
        CASE WHEN trailing_costs.channel IS NULL THEN 0 ELSE trailing_costs.trailing_cost END AS trailing_cost,
        coalesce(trailing_customers.trailing_new_customers, 0) AS trailing_new_customers
    FROM cohorts
    JOIN windows ON windows.cohort_month = cohorts.cohort_month AND windows.channel = cohorts.channel
    LEFT JOIN trailing_costs
        ON trailing_costs.cohort_month = cohorts.cohort_month AND trailing_costs.channel = cohorts.channel
    LEFT JOIN trailing_customers
        ON trailing_customers.cohort_month = cohorts.cohort_month AND trailing_customers.channel = cohorts.channel
)
SELECT
    * REPLACE (trailing_cost::DOUBLE AS trailing_cost),
    trailing_cost / nullif(trailing_new_customers, 0) AS trailing_cac
FROM joined
