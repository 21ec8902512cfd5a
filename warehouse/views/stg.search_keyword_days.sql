-- grain: one row per core.keyword_performance or core.search_term_performance row per day it covers (period rows spread evenly over their days)
-- The two search tables in one shape, told apart by `report` ('keyword' | 'search_term'; search_term
-- is NULL on keyword rows). As stg.ad_performance: every measure is the row's value / days_in_row;
-- money is converted to the reporting currency with the rate of that day or else the latest earlier
-- rate, NULL with no such rate (never guessed); a missing spend or conversion_value counts as 0.
CREATE OR REPLACE VIEW stg.search_keyword_days AS
WITH source AS (
    SELECT 'keyword' AS report, source, platform, date_start, date_end, account_id, campaign_id, campaign_name,
           ad_group_id, ad_group_name, NULL::VARCHAR AS search_term, keyword, match_type, currency,
           impressions, clicks, spend, conversions, conversion_value
    FROM core.keyword_performance
    UNION ALL
    SELECT 'search_term' AS report, source, platform, date_start, date_end, account_id, campaign_id, campaign_name,
           ad_group_id, ad_group_name, search_term, keyword, match_type, currency,
           impressions, clicks, spend, conversions, conversion_value
    FROM core.search_term_performance
),
renamed AS (
    SELECT
        report,
        source,
        platform,
        platform AS channel,
        date_start,
        date_end,
        (date_end - date_start + 1) AS days_in_row,
        account_id,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_group_name,
        search_term,
        keyword,
        match_type,
        upper(trim(currency)) AS currency,
        impressions,
        clicks,
        coalesce(spend, 0) AS spend,
        conversions,
        coalesce(conversion_value, 0) AS conversion_value
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
    report,
    source,
    platform,
    channel,
    date_start,
    date_end,
    days_in_row,
    account_id,
    campaign_id,
    campaign_name,
    ad_group_id,
    ad_group_name,
    search_term,
    keyword,
    match_type,
    currency,
    fx_rate,
    spend / days_in_row / fx_rate AS spend,
    conversion_value / days_in_row / fx_rate AS conversion_value,
    impressions / days_in_row AS impressions,
    clicks / days_in_row AS clicks,
    conversions / days_in_row AS conversions
FROM converted
