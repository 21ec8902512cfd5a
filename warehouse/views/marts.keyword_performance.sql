-- grain: one row per month, source, account, campaign, ad group, keyword and match type (period rows spread evenly over their days)
-- Search keywords (Google Ads, Microsoft Ads keyword reports) from stg.search_keyword_days: money
-- in the reporting currency (converted with the rate of each day, as the ad views do; a month
-- holding an amount without a rate is NULL, see marts.fx_missing), ratios from the month's sums
-- (int.kpi_ratios), NULL on a 0 or NULL denominator. match_type: exact | phrase | broad, '' where
-- the export did not say. Names: the latest the rows carry (max when they differ).
CREATE OR REPLACE VIEW marts.keyword_performance AS
WITH keyword_days AS (
    SELECT * FROM stg.search_keyword_days WHERE report = 'keyword'
),
summed AS (
    SELECT
        date_trunc('month', date)::DATE AS month,
        channel,
        source,
        platform,
        account_id,
        campaign_id,
        ad_group_id,
        keyword,
        match_type,
        max(campaign_name) AS campaign_name,
        max(ad_group_name) AS ad_group_name,
        int.strict_sum(spend) AS spend,
        coalesce(sum(impressions), 0) AS impressions,
        coalesce(sum(clicks), 0) AS clicks,
        coalesce(sum(conversions), 0) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value
    FROM keyword_days
    GROUP BY month, channel, source, platform, account_id, campaign_id, ad_group_id, keyword, match_type
),
rated AS (   -- keywords carry no costs, leads, orders or engagements: only the ad ratios
    SELECT *, int.kpi_ratios(spend, impressions, clicks, conversions, conversion_value, NULL, NULL, NULL, NULL,
                             NULL, NULL, NULL, NULL) AS ratios
    FROM summed
),
final AS (
    SELECT
        month,
        channel,
        source,
        platform,
        account_id,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_group_name,
        keyword,
        match_type,
        reporting.reporting_currency AS currency,
        spend,
        impressions,
        clicks,
        conversions,
        conversion_value,
        ratios.ctr,
        ratios.cpc,
        ratios.conversion_rate,
        ratios.cpa,
        ratios.roas
    FROM rated
    CROSS JOIN stg.reporting_currency AS reporting
)
SELECT * FROM final
