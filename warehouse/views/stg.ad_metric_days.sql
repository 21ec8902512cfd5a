-- grain: macro (table): one row per row of `ad_rows` per day it covers, its ad metrics spread and its money converted
-- The spread every ad table shares: `ad_rows` (a table or CTE of the caller, as for stg.period_days)
-- holds the ad metrics of SPEC's canonical ad tables (impressions, clicks, spend, conversions,
-- conversion_value), which come out as the day's share (value / days_in_row), money also converted
-- to the reporting currency (/ fx_rate, NULL with no rate), beside stg.period_days' date,
-- days_in_row and fx_rate. A missing spend or conversion_value counts as 0, so a NULL one out of here
-- always means a missing rate. A caller with more measures (engagements, video_views) spreads them
-- itself. Used by stg.ad_performance, stg.search_keyword_days, int.channel_day_sums and int.campaign_days. lo / hi
-- (optional): only the days lo … hi (stg.period_days).
CREATE OR REPLACE MACRO stg.ad_metric_days(ad_rows, lo := NULL, hi := NULL) AS TABLE
SELECT * REPLACE (
    coalesce(spend, 0) / days_in_row / fx_rate AS spend,
    coalesce(conversion_value, 0) / days_in_row / fx_rate AS conversion_value,
    impressions / days_in_row AS impressions,
    clicks / days_in_row AS clicks,
    conversions / days_in_row AS conversions
)
FROM stg.period_days(ad_rows, lo := lo, hi := hi)
