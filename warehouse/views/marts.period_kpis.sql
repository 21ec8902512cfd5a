-- grain: macro (table): one row, the headline KPIs of the days lo … hi (roi report's cards, roi kpi's totals row)
-- Cost channels are the channels whose total cost in the period is not 0. With headline_revenue =
-- 'cost_channels' (the default) revenue, roi_pct and revenue_per_cost count only their revenue: revenue
-- no marketing cost produced (direct, organic, referral …) is free_revenue, shown beside the headline,
-- never inside it; with 'all' every channel's revenue counts. roas is the ad platforms' own: conversion
-- value of the channels that spent over their spend. has_revenue_source: orders (or CRM deals) are
-- loaded, or an email platform reports revenue; without one, revenue and roi_pct are NULL, not 0 and
-- -100 %. channel_days counts the days × channels with a row (0: no data in the period).
CREATE OR REPLACE MACRO marts.period_kpis(lo, hi) AS TABLE
WITH settings AS (
    SELECT headline_revenue FROM stg.settings
),
revenue_source AS (
    SELECT has_revenue_source FROM int.revenue_source
),
by_channel AS (
    SELECT
        channel,
        int.strict_sum(spend) AS spend,
        int.strict_sum(total_cost) AS total_cost,
        int.strict_sum(revenue) AS revenue,
        int.strict_sum(conversion_value) AS conversion_value,
        sum(leads) AS leads,
        sum(customers) AS customers,
        count(*) AS channel_days
    FROM marts.channel_daily_between(lo, hi)   -- the days lo … hi only, as marts.channel_daily has them
    GROUP BY channel
),
flagged AS (
    SELECT
        by_channel.*,
        total_cost IS DISTINCT FROM 0 AS has_cost,
        settings.headline_revenue = 'all' OR total_cost IS DISTINCT FROM 0 AS in_headline
    FROM by_channel
    CROSS JOIN settings
),
summed AS (
    SELECT
        int.strict_sum(spend) AS spend,
        int.strict_sum(total_cost) AS total_cost,
        int.strict_sum(CASE WHEN in_headline THEN revenue ELSE 0 END) AS revenue,
        int.strict_sum(CASE WHEN in_headline THEN 0 ELSE revenue END) AS free_revenue,
        string_agg(channel, ', ' ORDER BY channel) FILTER (WHERE NOT in_headline AND revenue <> 0)
            AS free_revenue_channels,
        int.strict_sum(CASE WHEN spend IS DISTINCT FROM 0 THEN conversion_value ELSE 0 END) AS conversion_value,
        sum(leads) AS leads,
        sum(customers) AS customers,
        coalesce(sum(channel_days), 0) AS channel_days
    FROM flagged
),
rated AS (   -- the headline's ratios (int.kpi_ratios); impressions, clicks and email are not in it
    SELECT *, int.kpi_ratios(spend, NULL, NULL, NULL, conversion_value, total_cost, leads, customers, revenue,
                             NULL, NULL, NULL, NULL) AS ratios
    FROM summed
)
SELECT
    rated.spend,
    rated.total_cost,
    CASE WHEN revenue_source.has_revenue_source THEN rated.revenue END AS revenue,
    CASE WHEN revenue_source.has_revenue_source THEN rated.free_revenue END AS free_revenue,
    rated.free_revenue_channels,
    CASE WHEN revenue_source.has_revenue_source THEN rated.ratios.roi_pct END AS roi_pct,
    rated.ratios.roas,
    rated.ratios.cpl,
    rated.ratios.cac,
    rated.leads,
    rated.customers,
    rated.channel_days,
    revenue_source.has_revenue_source,
    (SELECT headline_revenue FROM settings) AS headline_revenue
FROM rated
CROSS JOIN revenue_source
