-- grain: one row per channel per day (dense: every day of the loaded range for every channel with data, zeros included)
-- Money in the reporting currency. Rates are fractions, roi_pct a percentage; a ratio whose
-- denominator is 0 or NULL is NULL. Parts of period rows and monthly costs are spread evenly
-- over their days, so counts can be fractional on those days.
-- leads and converted_leads count by the lead's channel and created_date (converted_leads: those
-- with a customer_date); lead_to_customer_rate = converted_leads / leads (never above 1).
-- customers = new customers (first orders) by the order's attributed channel and order_date: the
-- denominator of cac, not of the close rate.
-- int.channel_kpis at the day grain: a day's sums are its one row of int.channel_day_facts, the counts
-- cast back to that view's BIGINT.
-- The columns and sums: marts.channel_daily_between, unbounded.
CREATE OR REPLACE VIEW marts.channel_daily AS
SELECT * FROM marts.channel_daily_between(NULL, NULL)
