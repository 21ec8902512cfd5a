-- grain: one row per channel per day per currency (ad platforms; period rows spread evenly over their days)
-- The same parts as stg.ad_performance (a row's value / days_in_row, money converted with the rate
-- of that day or else the latest earlier rate, NULL with no rate), but the rows sharing a channel,
-- period and currency are summed first: their days and rates are the same, so each sum is spread
-- and converted once instead of once per row. This keeps the channel views as fast as a plain
-- aggregate of core.ad_performance. A missing spend or conversion_value counts as 0.
CREATE OR REPLACE VIEW int.ad_days AS
SELECT
    date,
    channel,
    currency,
    spend,
    conversion_value,
    impressions,
    clicks,
    conversions,
    engagements / days_in_row AS engagements,
    video_views / days_in_row AS video_views
FROM stg.ad_metric_days('int.ad_periods')   -- each row once per day it covers, its ad metrics spread and converted
