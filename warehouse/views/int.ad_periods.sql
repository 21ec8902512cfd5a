-- grain: one row per channel, period (date_start, date_end) and currency of the ad rows
-- The ad rows summed by channel, period and currency on their stored columns: int.channel_day_sums spreads and
-- converts these few sums. A view, not a CTE of int.channel_day_sums: stg.period_days reads it once per kind
-- of row (one day, several days), and DuckDB would materialise a CTE read twice whole, where a view is
-- read with the caller's filter on date (a month reads a month of core.ad_performance).
CREATE OR REPLACE VIEW int.ad_periods AS
WITH rows_summed AS (
    -- one pass over the facts on their stored columns; the rest works on these few sums
    SELECT
        platform AS channel,
        date_start,
        date_end,
        currency,
        sum(spend) AS spend,
        sum(conversion_value) AS conversion_value,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        sum(engagements) AS engagements,
        sum(video_views) AS video_views
    FROM core.ad_performance
    GROUP BY platform, date_start, date_end, currency
),
periods AS (
    SELECT
        channel,
        date_start,
        date_end,
        upper(trim(currency)) AS currency,
        sum(spend) AS spend,
        sum(conversion_value) AS conversion_value,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        sum(engagements) AS engagements,
        sum(video_views) AS video_views
    FROM rows_summed
    GROUP BY channel, date_start, date_end, upper(trim(currency))
)
SELECT * FROM periods
