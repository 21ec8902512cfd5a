-- grain: macro (table): one row per channel per day of lo … hi (NULL: unbounded) within the loaded range, for every channel with any fact
-- int.channel_day_facts for the days lo … hi: that view is this macro unbounded. lo / hi reach the stored
-- rows (int.channel_day_sums), so a period reads its own days; the grid's channels are still every channel
-- with any fact at any time (one pass over the ad rows' platform column).
CREATE OR REPLACE MACRO int.channel_day_grid(lo, hi) AS TABLE
WITH summed AS NOT MATERIALIZED (
    SELECT * FROM int.channel_day_sums(lo, hi)
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
    -- every channel with any fact: the ad platforms, and the channels of the smaller facts (int.channel_day_sums)
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
        SELECT unnest(generate_series(greatest(first_day, coalesce(lo, first_day)), least(last_day, coalesce(hi, last_day)),
                                      INTERVAL 1 DAY))::DATE AS date
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
