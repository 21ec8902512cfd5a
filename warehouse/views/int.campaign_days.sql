-- grain: one row per ad campaign per day per period and stored currency (period rows spread evenly over their days)
-- The same parts as stg.ad_performance (a row's value / days_in_row, money converted with the rate
-- of that day or else the latest earlier rate, NULL with no rate: stg.period_days), but the rows of a
-- campaign sharing a period and currency are summed first: their days and rates are the same, so each
-- sum is spread and converted once instead of every ad row on every day (marts.campaign_daily sums
-- these rows to the campaign-day). Money is summed as stored (DECIMAL, exact), then divided once;
-- a missing spend or conversion_value counts as 0. source_rows = the core rows summed;
-- campaign_reach = the reach of a campaign-level row (ad_group_id = '' and ad_id = ''): a reach
-- for the day only when that row is the day's one row (reach cannot be summed).
CREATE OR REPLACE VIEW int.campaign_days AS
SELECT
    date,
    source,
    platform,
    platform AS channel,
    account_id,
    account_name,
    campaign_id,
    campaign_name,
    date_start,
    date_end,
    days_in_row,
    currency,
    fx_rate,
    source_rows,
    spend,
    conversion_value,
    impressions,
    clicks,
    conversions,
    engagements / days_in_row AS engagements,
    video_views / days_in_row AS video_views,
    campaign_reach
FROM stg.ad_metric_days('int.campaign_periods')   -- each row once per day it covers, its ad metrics spread and converted
