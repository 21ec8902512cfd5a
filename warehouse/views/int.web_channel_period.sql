-- grain: macro (table): one row per channel with sessions or search results between lo and hi (inclusive)
-- What the site saw by channel over a period (marts.web_channel_daily: GA4 sessions, Search Console)
-- beside each paid platform's own conversions (marts.channel_daily) and the shop's sales by their own UTM
-- (int.orders_attributed.order_channel, as marts.conversion_gap). Ratios from the period's sums:
-- conversion_rate = key_events / sessions, revenue_per_session = web_revenue / sessions, cost_per_session
-- = spend / sessions (NULL without spend), claimed_vs_site = platform_conversions / key_events,
-- search_position = impression-weighted average position; the search columns are NULL for a channel
-- without search results. `roi kpi --by channel` and `roi report` read it.
CREATE OR REPLACE MACRO int.web_channel_period(lo, hi) AS TABLE
WITH web AS (
    SELECT
        channel,
        sum(sessions) AS sessions,
        sum(key_events) AS key_events,
        int.strict_sum(web_revenue) AS web_revenue,
        int.strict_sum(spend) AS spend,
        sum(search_clicks) AS search_clicks,
        sum(search_impressions) AS search_impressions,
        sum(search_position * search_impressions) AS position_sum
    FROM marts.web_channel_daily
    WHERE date BETWEEN lo AND hi
    GROUP BY channel
),
platform AS (
    SELECT channel, sum(conversions) AS platform_conversions
    FROM marts.channel_daily
    WHERE date BETWEEN lo AND hi AND channel IN (SELECT channel FROM stg.channels WHERE kind = 'paid')
    GROUP BY channel
),
shop AS (
    SELECT order_channel AS channel, count(*) AS orders
    FROM int.orders_attributed
    WHERE is_sale AND order_date BETWEEN lo AND hi
    GROUP BY order_channel
)
SELECT
    web.channel,
    web.sessions,
    web.key_events / nullif(web.sessions, 0) AS conversion_rate,
    web.web_revenue,
    web.web_revenue / nullif(web.sessions, 0) AS revenue_per_session,
    CASE WHEN web.spend <> 0 THEN web.spend / nullif(web.sessions, 0) END AS cost_per_session,
    platform.platform_conversions,
    web.key_events,
    coalesce(shop.orders, 0) AS orders,
    platform.platform_conversions / nullif(web.key_events, 0) AS claimed_vs_site,
    CASE WHEN web.search_impressions > 0 THEN web.search_clicks END AS search_clicks,
    CASE WHEN web.search_impressions > 0 THEN web.search_impressions END AS search_impressions,
    web.position_sum / nullif(web.search_impressions, 0) AS search_position
FROM web
LEFT JOIN platform USING (channel)
LEFT JOIN shop USING (channel)
WHERE web.sessions > 0 OR web.search_impressions > 0
