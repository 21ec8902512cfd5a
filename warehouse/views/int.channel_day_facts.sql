-- grain: one row per channel per day: every day from the first to the last day with any fact, for every channel with any fact
-- Additive parts only (the marts compute the ratios). Days without facts hold 0, never NULL;
-- money is NULL only when an amount of that day has no exchange rate (marts.fx_missing).
-- Facts: ad platforms (channel = platform; period rows spread; int.channel_day_sums), email campaigns (channel
-- 'email' on send_date: unique clicks count as clicks, platform orders/revenue as
-- conversions/conversion_value), non-media costs (spread over their period), leads (by
-- created_date and the lead's channel; converted_leads = those of them with a customer_date, the
-- numerator of lead_to_customer_rate), orders (by order_date and the order's attributed channel;
-- customers = new-customer orders, the denominator of cac; orders = sales, i.e. paid and not refunded
-- in full, so revenue per order is not diluted by unpaid ones; a channel of stg.platform_revenue, whose
-- sales happen on the platform, adds the platform's conversion value to its revenue). converted_leads and customers count
-- different things by different channels: never divide one by the other's leads.
-- Speed: the day grid's bounds and channels are read apart from the facts, so that a filter on date
-- (a month of marts.channel_daily) passes through to the stored rows instead of summing every day.
-- The days and their sums come from int.channel_day_grid unbounded (int.channel_day_sums); a period reads the
-- macro with its days.
CREATE OR REPLACE VIEW int.channel_day_facts AS
SELECT * FROM int.channel_day_grid(NULL, NULL)
