-- grain: one row per channel per month (month = its first day), every month of the loaded range for every channel with data
-- int.channel_kpis at the month grain: the spread daily parts of int.channel_day_facts summed by
-- month (a period row or a cost crossing a month boundary splits by its days), then every ratio from
-- those sums. days: the month's days in the loaded range.
-- leads and converted_leads count by the lead's channel and created_date (converted_leads: those
-- with a customer_date); lead_to_customer_rate = converted_leads / leads (never above 1).
-- customers = new customers (first orders) by the order's attributed channel and order_date: the
-- denominator of cac, not of the close rate.
CREATE OR REPLACE VIEW marts.channel_monthly AS
SELECT * EXCLUDE (first_date, last_date) RENAME (period_start AS month)
FROM int.channel_kpis('month')
