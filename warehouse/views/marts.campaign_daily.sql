-- grain: one row per ad campaign per day (date, source, account_id, campaign_id); period rows spread evenly over their days
-- Ad platforms only (email campaigns: marts.email_campaign_kpis). Ad-group and ad rows of a
-- campaign are summed to the campaign, from int.campaign_days (rows sharing a period and currency
-- already summed, spread and converted). reach is never summed: it is shown only when exactly one
-- one-day, campaign-level row (ad_group_id = '' and ad_id = '') makes the day, else NULL.
-- Money in the reporting currency (currency column); ratios NULL on a 0 or NULL denominator.
CREATE OR REPLACE VIEW marts.campaign_daily AS
WITH ad_days AS (
    SELECT * FROM int.campaign_days
),
summed AS (
    SELECT
        date,
        channel,
        source,
        platform,
        account_id,
        campaign_id,
        max(account_name) AS account_name,
        max(campaign_name) AS campaign_name,
        max(currency) AS original_currency,
        sum(source_rows)::BIGINT AS source_rows,
        int.strict_sum(spend) AS spend,
        coalesce(sum(impressions), 0) AS impressions,
        coalesce(sum(clicks), 0) AS clicks,
        coalesce(sum(conversions), 0) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        CASE
            WHEN sum(source_rows) = 1 AND max(days_in_row) = 1 THEN max(campaign_reach)
        END AS reach,
        coalesce(sum(engagements), 0) AS engagements,
        coalesce(sum(video_views), 0) AS video_views
    FROM ad_days
    GROUP BY date, channel, source, platform, account_id, campaign_id
),
rated AS (   -- no costs, leads, orders or email here: the ratios that need them are left out
    SELECT *, int.kpi_ratios(spend, impressions, clicks, conversions, conversion_value, NULL, NULL, NULL, NULL,
                             engagements, NULL, NULL, NULL) AS ratios
    FROM summed
),
final AS (
    SELECT
        date,
        channel,
        source,
        platform,
        account_id,
        account_name,
        campaign_id,
        campaign_name,
        reporting.reporting_currency AS currency,
        original_currency,
        source_rows,
        spend,
        impressions,
        clicks,
        conversions,
        conversion_value,
        reach,
        engagements,
        video_views,
        ratios.ctr,
        ratios.cpc,
        ratios.cpm,
        ratios.conversion_rate,
        ratios.cpa,
        ratios.roas,
        ratios.engagement_rate
    FROM rated
    CROSS JOIN stg.reporting_currency AS reporting
)
SELECT * FROM final
