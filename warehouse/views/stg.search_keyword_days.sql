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
        spend,
        conversions,
        conversion_value
    FROM source
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
    spend,
    conversion_value,
    impressions,
    clicks,
    conversions
FROM stg.ad_metric_days(renamed)   -- each row once per day it covers, its ad metrics spread and converted
