-- grain: one row per core.ad_performance row per day it covers (period rows spread evenly over their days)
-- Every measure is the row's value / days_in_row. Money is converted to the reporting currency with
-- the rate of that day or else the latest earlier rate; with no such rate spend and
-- conversion_value are NULL (listed in marts.fx_missing), never guessed. A missing spend or
-- conversion_value counts as 0. reach is kept only on one-day rows (it cannot be split or summed).
-- currency is the row's own currency; spend_original the day's share in it.
CREATE OR REPLACE VIEW stg.ad_performance AS
WITH source AS (
    SELECT * FROM core.ad_performance
),
renamed AS (
    SELECT
        hash(source, date_start, date_end, account_id, campaign_id, ad_group_id, ad_id) AS row_key,
        source,
        platform,
        platform AS channel,
        date_start,
        date_end,
        (date_end - date_start + 1) AS days_in_row,
        account_id,
        account_name,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_group_name,
        ad_id,
        ad_name,
        upper(trim(currency)) AS currency,
        impressions,
        clicks,
        coalesce(spend, 0) AS spend,
        conversions,
        coalesce(conversion_value, 0) AS conversion_value,
        reach,
        video_views,
        engagements
    FROM source
),
daily AS (
    SELECT
        unnest(generate_series(date_start, date_end, INTERVAL 1 DAY))::DATE AS date,
        *
    FROM renamed
),
converted AS (
    SELECT
        daily.*,
        fx.units_per_reporting AS fx_rate
    FROM daily
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = daily.currency AND daily.date >= fx.rate_date
)
SELECT
    date,
    row_key,
    source,
    platform,
    channel,
    date_start,
    date_end,
    days_in_row,
    account_id,
    account_name,
    campaign_id,
    campaign_name,
    ad_group_id,
    ad_group_name,
    ad_id,
    ad_name,
    currency,
    fx_rate,
    spend / days_in_row AS spend_original,
    spend / days_in_row / fx_rate AS spend,
    conversion_value / days_in_row / fx_rate AS conversion_value,
    impressions / days_in_row AS impressions,
    clicks / days_in_row AS clicks,
    conversions / days_in_row AS conversions,
    engagements / days_in_row AS engagements,
    video_views / days_in_row AS video_views,
    CASE WHEN days_in_row = 1 THEN reach END AS reach
FROM converted
