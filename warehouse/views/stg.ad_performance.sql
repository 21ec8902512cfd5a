-- grain: one row per core.ad_performance row per day it covers (period rows spread evenly over their days)
-- Every measure is the row's value / days_in_row (stg.period_days). Money is converted to the reporting
-- currency with the rate of that day or else the latest earlier rate; with no such rate spend and
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
        spend,
        coalesce(spend, 0) AS spend_original,   -- not converted: the row's own currency
        conversions,
        conversion_value,
        reach,
        video_views,
        engagements
    FROM source
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
    spend_original / days_in_row AS spend_original,
    spend,
    conversion_value,
    impressions,
    clicks,
    conversions,
    engagements / days_in_row AS engagements,
    video_views / days_in_row AS video_views,
    CASE WHEN days_in_row = 1 THEN reach END AS reach
FROM stg.ad_metric_days(renamed)   -- each row once per day it covers, its ad metrics spread and converted
