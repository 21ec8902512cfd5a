-- grain: one row per ad campaign per day per period and stored currency (period rows spread evenly over their days)
-- The same parts as stg.ad_performance (a row's value / days_in_row, money converted with the rate
-- of that day or else the latest earlier rate, NULL with no rate), but the rows of a campaign
-- sharing a period and currency are summed first: their days and rates are the same, so each sum
-- is spread and converted once instead of every ad row on every day (marts.campaign_daily sums
-- these rows to the campaign-day). Money is summed as stored (DECIMAL, exact), then divided once;
-- a missing spend or conversion_value counts as 0. source_rows = the core rows summed;
-- campaign_reach = the reach of a campaign-level row (ad_group_id = '' and ad_id = ''): a reach
-- for the day only when that row is the day's one row (reach cannot be summed).
CREATE OR REPLACE VIEW int.campaign_days AS
WITH rows_summed AS (
    -- one pass over the facts on their stored columns; the rest works on these sums
    SELECT
        source,
        platform,
        account_id,
        campaign_id,
        date_start,
        date_end,
        currency,
        count(*) AS source_rows,
        max(account_name) AS account_name,
        max(campaign_name) AS campaign_name,
        coalesce(sum(spend), 0) AS spend,
        coalesce(sum(conversion_value), 0) AS conversion_value,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        sum(engagements) AS engagements,
        sum(video_views) AS video_views,
        max(reach) FILTER (WHERE ad_group_id = '' AND ad_id = '') AS campaign_reach
    FROM core.ad_performance
    GROUP BY source, platform, account_id, campaign_id, date_start, date_end, currency
),
currency_days AS (
    -- the days each currency needs a rate on (one cheap pass over the stored currencies and dates)
    SELECT upper(trim(currency)) AS currency, min(first_day) AS first_day, max(last_day) AS last_day
    FROM (
        SELECT currency, min(date_start) AS first_day, max(date_end) AS last_day
        FROM core.ad_performance
        GROUP BY currency
    ) AS stored
    GROUP BY upper(trim(currency))
),
rate_days AS (
    -- one row per currency and day of its facts: the rate of that day or else the latest earlier
    -- one, NULL with none; a few thousand rows, so each campaign day finds its rate by an equality
    -- join instead of an ASOF search
    SELECT days.currency, days.date, fx.units_per_reporting AS fx_rate
    FROM (
        SELECT currency, unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS date
        FROM currency_days
    ) AS days
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = days.currency AND days.date >= fx.rate_date
),
daily AS (
    SELECT
        unnest(generate_series(date_start, date_end, INTERVAL 1 DAY))::DATE AS date,
        (date_end - date_start + 1) AS days_in_row,
        upper(trim(currency)) AS rate_currency,
        *
    FROM rows_summed
),
converted AS (
    SELECT
        daily.*,
        rate_days.fx_rate
    FROM daily
    LEFT JOIN rate_days
        ON rate_days.currency = daily.rate_currency AND rate_days.date = daily.date
)
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
    rate_currency AS currency,
    fx_rate,
    source_rows,
    spend / days_in_row / fx_rate AS spend,
    conversion_value / days_in_row / fx_rate AS conversion_value,
    impressions / days_in_row AS impressions,
    clicks / days_in_row AS clicks,
    conversions / days_in_row AS conversions,
    engagements / days_in_row AS engagements,
    video_views / days_in_row AS video_views,
    campaign_reach
FROM converted
