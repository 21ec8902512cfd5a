-- grain: one row per channel per day: every day from the first to the last day with any fact, for every channel with any fact
-- Additive parts only (the marts compute the ratios). Days without facts hold 0, never NULL;
-- money is NULL only when an amount of that day has no exchange rate (marts.fx_missing).
-- Facts: ad platforms (channel = platform; period rows spread; int.ad_days), email campaigns (channel
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
CREATE OR REPLACE VIEW int.channel_day_facts AS
WITH facts AS NOT MATERIALIZED (
    -- every fact as one row with all parts; the parts a fact does not carry are 0
    SELECT
        date, channel, spend, impressions, clicks, conversions, conversion_value, engagements,
        video_views, 0 AS other_costs, 0 AS leads, 0 AS converted_leads, 0 AS customers, 0 AS orders,
        CASE WHEN channel IN (SELECT channel FROM stg.platform_revenue) THEN conversion_value ELSE 0 END
            AS revenue,
        0 AS email_campaigns, 0 AS email_recipients, 0 AS email_delivered,
        0 AS email_unique_opens, 0 AS email_unique_clicks
    FROM int.ad_days
    UNION ALL
    SELECT
        send_date, channel, 0, 0, unique_clicks, orders, revenue, 0,
        0, 0, 0, 0, 0, 0,
        0, 1, recipients, delivered,
        unique_opens, unique_clicks
    FROM stg.email_campaigns
    UNION ALL
    SELECT
        date, channel, 0, 0, 0, 0, 0, 0,
        0, amount, 0, 0, 0, 0,
        0, 0, 0, 0,
        0, 0
    FROM stg.costs
    UNION ALL
    SELECT
        created_date, channel, 0, 0, 0, 0, 0, 0,
        0, 0, 1, CASE WHEN customer_date IS NOT NULL THEN 1 ELSE 0 END, 0, 0,
        0, 0, 0, 0,
        0, 0
    FROM stg.leads
    UNION ALL
    SELECT
        order_date, channel, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, CASE WHEN is_new_customer THEN 1 ELSE 0 END, CASE WHEN is_sale THEN 1 ELSE 0 END,
        amount, 0, 0, 0,
        0, 0
    FROM int.orders_attributed
),
summed AS NOT MATERIALIZED (
    SELECT
        date,
        channel,
        int.strict_sum(spend) AS spend,
        coalesce(sum(impressions), 0)::DOUBLE AS impressions,
        coalesce(sum(clicks), 0)::DOUBLE AS clicks,
        coalesce(sum(conversions), 0)::DOUBLE AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        coalesce(sum(engagements), 0)::DOUBLE AS engagements,
        coalesce(sum(video_views), 0)::DOUBLE AS video_views,
        int.strict_sum(other_costs) AS other_costs,
        sum(leads) AS leads,
        sum(converted_leads) AS converted_leads,
        sum(customers) AS customers,
        sum(orders) AS orders,
        int.strict_sum(revenue) AS revenue,
        sum(email_campaigns) AS email_campaigns,
        coalesce(sum(email_recipients), 0) AS email_recipients,
        coalesce(sum(email_delivered), 0) AS email_delivered,
        coalesce(sum(email_unique_opens), 0) AS email_unique_opens,
        coalesce(sum(email_unique_clicks), 0) AS email_unique_clicks
    FROM facts
    GROUP BY date, channel
),
bounds AS (
    -- the first and last day of any fact, from the stored rows' dates (DuckDB answers these from its
    -- statistics: no pass over the rows, so a filter on date still reaches them through `summed`)
    SELECT min(first_day) AS first_day, max(last_day) AS last_day
    FROM (
        SELECT min(date_start) AS first_day, max(date_end) AS last_day FROM core.ad_performance
        UNION ALL SELECT min(send_date), max(send_date) FROM core.email_campaigns
        UNION ALL SELECT min(cost_date), max(period_end) FROM core.costs
        UNION ALL SELECT min(created_date), max(created_date) FROM core.leads
        UNION ALL SELECT min(order_date), max(order_date) FROM core.orders
    ) AS tables
),
fact_channels AS (
    -- every channel with any fact: the ad platforms, and the channels of the smaller facts as `facts` has them
    SELECT DISTINCT platform AS channel FROM core.ad_performance
    UNION SELECT channel FROM stg.email_campaigns
    UNION SELECT channel FROM stg.costs
    UNION SELECT channel FROM stg.leads
    UNION SELECT channel FROM int.orders_attributed
),
grid AS (
    -- every day of the loaded range for every channel with any fact
    SELECT days.date, fact_channels.channel
    FROM (
        SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS date
        FROM bounds
        WHERE first_day IS NOT NULL
    ) AS days
    CROSS JOIN fact_channels
),
filled AS (
    SELECT
        grid.date,
        grid.channel,
        CASE WHEN summed.date IS NULL THEN 0 ELSE summed.spend END AS spend,
        coalesce(summed.impressions, 0) AS impressions,
        coalesce(summed.clicks, 0) AS clicks,
        coalesce(summed.conversions, 0) AS conversions,
        CASE WHEN summed.date IS NULL THEN 0 ELSE summed.conversion_value END AS conversion_value,
        coalesce(summed.engagements, 0) AS engagements,
        coalesce(summed.video_views, 0) AS video_views,
        CASE WHEN summed.date IS NULL THEN 0 ELSE summed.other_costs END AS other_costs,
        coalesce(summed.leads, 0) AS leads,
        coalesce(summed.converted_leads, 0) AS converted_leads,
        coalesce(summed.customers, 0) AS customers,
        coalesce(summed.orders, 0) AS orders,
        CASE WHEN summed.date IS NULL THEN 0 ELSE summed.revenue END AS revenue,
        coalesce(summed.email_campaigns, 0) AS email_campaigns,
        coalesce(summed.email_recipients, 0) AS email_recipients,
        coalesce(summed.email_delivered, 0) AS email_delivered,
        coalesce(summed.email_unique_opens, 0) AS email_unique_opens,
        coalesce(summed.email_unique_clicks, 0) AS email_unique_clicks
    FROM grid
    LEFT JOIN summed ON summed.date = grid.date AND summed.channel = grid.channel
)
SELECT
    date,
    channel,
    spend::DOUBLE AS spend,
    impressions,
    clicks,
    conversions,
    conversion_value::DOUBLE AS conversion_value,
    engagements,
    video_views,
    other_costs::DOUBLE AS other_costs,
    (spend + other_costs)::DOUBLE AS total_cost,
    leads::BIGINT AS leads,
    converted_leads::BIGINT AS converted_leads,
    customers::BIGINT AS customers,
    orders::BIGINT AS orders,
    revenue::DOUBLE AS revenue,
    email_campaigns::BIGINT AS email_campaigns,
    email_recipients::BIGINT AS email_recipients,
    email_delivered::BIGINT AS email_delivered,
    email_unique_opens::BIGINT AS email_unique_opens,
    email_unique_clicks::BIGINT AS email_unique_clicks
FROM filled
