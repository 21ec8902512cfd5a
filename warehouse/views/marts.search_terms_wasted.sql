-- grain: one row per month, source, account, campaign, ad group and search term that spent more than wasted_spend_min without a conversion
-- What a PPC manager adds as negative keywords: search terms (stg.search_keyword_days) whose
-- spend in the month, summed over the keywords and match types that matched them, is above
-- stg.settings.wasted_spend_min ([kpi] wasted_spend_min, default 10, reporting currency) and whose
-- conversions in the month are 0 (a missing conversions cell counts as 0). A month whose spend has
-- an amount without an exchange rate is unknown and not listed (see marts.fx_missing).
-- keywords: the matched keywords in Google's notation ([exact], "phrase", broad), ', '-separated.
CREATE OR REPLACE VIEW marts.search_terms_wasted AS
WITH term_days AS (
    SELECT
        *,
        CASE match_type
            WHEN 'exact' THEN '[' || keyword || ']'
            WHEN 'phrase' THEN '"' || keyword || '"'
            ELSE keyword
        END AS noted_keyword
    FROM stg.search_keyword_days
    WHERE report = 'search_term'
),
settings AS (
    SELECT wasted_spend_min, reporting_currency FROM stg.settings
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
        search_term,
        max(campaign_name) AS campaign_name,
        max(ad_group_name) AS ad_group_name,
        string_agg(DISTINCT noted_keyword, ', ' ORDER BY noted_keyword) FILTER (WHERE keyword <> '') AS keywords,
        int.strict_sum(spend) AS spend,
        coalesce(sum(impressions), 0) AS impressions,
        coalesce(sum(clicks), 0) AS clicks,
        coalesce(sum(conversions), 0) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value
    FROM term_days
    GROUP BY month, channel, source, platform, account_id, campaign_id, ad_group_id, search_term
),
rated AS (
    SELECT *, int.kpi_ratios(spend, impressions, clicks, conversions, conversion_value, NULL, NULL, NULL, NULL,
                             NULL, NULL, NULL, NULL) AS ratios
    FROM summed
),
final AS (
    SELECT
        rated.month,
        rated.channel,
        rated.source,
        rated.platform,
        rated.account_id,
        rated.campaign_id,
        rated.campaign_name,
        rated.ad_group_id,
        rated.ad_group_name,
        rated.search_term,
        rated.keywords,
        settings.reporting_currency AS currency,
        rated.spend,
        rated.impressions,
        rated.clicks,
        rated.conversions,
        rated.conversion_value,
        rated.ratios.ctr,
        rated.ratios.cpc,
        settings.wasted_spend_min
    FROM rated
    CROSS JOIN settings
    WHERE rated.spend > settings.wasted_spend_min
        AND rated.conversions = 0
)
SELECT * FROM final
