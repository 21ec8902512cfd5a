-- grain: one row per paid channel per month (month = its first day) with spend or platform conversions
-- How much each ad platform claims against what the site saw and what the shop sold, all by channel:
-- platform_conversions / platform_value: the platform's own conversions and conversion value
-- (int.channel_day_facts, as every ROAS); site_key_events / site_revenue: GA4's key events and purchase
-- revenue of the sessions the UTM rules give the channel (stg.web_sessions); orders / order_revenue: the
-- shop's sales whose own UTM (or referrer) gives the channel (int.orders_attributed.order_channel: last
-- touch, whatever [kpi] attribution says) and their revenue as the customer paid it (total − refunded,
-- tax and shipping in: what pixels and GA4 count, so the values compare like with like).
-- Ratios, each NULL when its denominator is 0 or NULL: conversions_vs_site = platform_conversions /
-- site_key_events, conversions_vs_orders = platform_conversions / orders, value_vs_site =
-- platform_value / site_revenue, value_vs_orders = platform_value / order_revenue, site_vs_orders =
-- site_key_events / orders. Above 1, the platform claims more than the site or the shop saw.
-- Channels of stg.platform_revenue (Amazon Ads) are left out: their sales never reach the site.
-- has_site_data: GA4 sessions are loaded for any day of the month (else the site columns are 0 because
-- nothing was loaded, not because the site saw nothing).
CREATE OR REPLACE VIEW marts.conversion_gap AS
WITH paid AS (
    SELECT channel FROM stg.channels WHERE kind = 'paid'
    EXCEPT
    SELECT channel FROM stg.platform_revenue
),
platform AS (
    SELECT
        date_trunc('month', date)::DATE AS month,
        channel,
        int.strict_sum(spend) AS spend,
        sum(conversions) AS platform_conversions,
        int.strict_sum(conversion_value) AS platform_value
    FROM int.channel_day_facts
    WHERE channel IN (SELECT channel FROM paid)
    GROUP BY ALL
    HAVING int.strict_sum(spend) IS DISTINCT FROM 0 OR sum(conversions) <> 0
),
site AS (
    SELECT
        date_trunc('month', date)::DATE AS month,
        channel,
        sum(sessions) AS site_sessions,
        sum(key_events) AS site_key_events,
        int.strict_sum(revenue) AS site_revenue
    FROM stg.web_sessions
    GROUP BY ALL
),
site_months AS (
    SELECT DISTINCT date_trunc('month', date)::DATE AS month FROM stg.web_sessions
),
shop AS (
    SELECT
        date_trunc('month', order_date)::DATE AS month,
        order_channel AS channel,
        count(*) AS orders,
        int.strict_sum(amount_gross) AS order_revenue
    FROM int.orders_attributed
    WHERE is_sale
    GROUP BY ALL
),
joined AS (
    SELECT
        platform.month,
        platform.channel,
        platform.spend,
        platform.platform_conversions,
        platform.platform_value,
        coalesce(site.site_sessions, 0) AS site_sessions,
        coalesce(site.site_key_events, 0) AS site_key_events,
        CASE WHEN site.month IS NULL THEN 0 ELSE site.site_revenue END AS site_revenue,
        coalesce(shop.orders, 0) AS orders,
        CASE WHEN shop.month IS NULL THEN 0 ELSE shop.order_revenue END AS order_revenue,
        platform.month IN (SELECT month FROM site_months) AS has_site_data
    FROM platform
    LEFT JOIN site ON site.month = platform.month AND site.channel = platform.channel
    LEFT JOIN shop ON shop.month = platform.month AND shop.channel = platform.channel
)
SELECT
    month,
    channel,
    spend::DOUBLE AS spend,
    platform_conversions::DOUBLE AS platform_conversions,
    platform_value::DOUBLE AS platform_value,
    site_sessions::BIGINT AS site_sessions,
    site_key_events::DOUBLE AS site_key_events,
    site_revenue::DOUBLE AS site_revenue,
    orders::BIGINT AS orders,
    order_revenue::DOUBLE AS order_revenue,
    platform_conversions / nullif(site_key_events, 0) AS conversions_vs_site,
    platform_conversions / nullif(orders, 0) AS conversions_vs_orders,
    platform_value / nullif(site_revenue, 0) AS value_vs_site,
    platform_value / nullif(order_revenue, 0) AS value_vs_orders,
    site_key_events / nullif(orders, 0) AS site_vs_orders,
    has_site_data,
    (SELECT reporting_currency FROM stg.reporting_currency) AS currency
FROM joined
