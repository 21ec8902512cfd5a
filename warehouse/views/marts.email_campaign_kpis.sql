-- grain: one row per email campaign (source, campaign_id)
-- delivery_rate = delivered / recipients; open_rate = unique_opens / delivered and click_rate =
-- unique_clicks / delivered (int.kpi_ratios, as for the email channel); click_to_open_rate = unique_clicks / unique_opens; bounce_rate =
-- (hard + soft bounces) / recipients; unsubscribe_rate and complaint_rate per delivered.
-- orders / revenue: as reported by the email platform (NULL when it reports none), revenue in
-- the reporting currency.
CREATE OR REPLACE VIEW marts.email_campaign_kpis AS
WITH campaigns AS (
    SELECT
        *,
        CASE
            WHEN hard_bounces IS NOT NULL OR soft_bounces IS NOT NULL
                THEN coalesce(hard_bounces, 0) + coalesce(soft_bounces, 0)
        END AS bounces,
        CASE WHEN revenue_original IS NOT NULL THEN revenue END AS reported_revenue,
        int.kpi_ratios(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                       delivered, unique_opens, unique_clicks) AS ratios
    FROM stg.email_campaigns
),
final AS (
    SELECT
        source,
        platform,
        channel,
        campaign_id,
        campaign_name,
        subject,
        list_name,
        send_time,
        send_date,
        recipients,
        delivered,
        hard_bounces,
        soft_bounces,
        bounces,
        unique_opens,
        total_opens,
        unique_clicks,
        total_clicks,
        unsubscribes,
        complaints,
        delivered / nullif(recipients, 0) AS delivery_rate,
        ratios.open_rate,
        ratios.click_rate,
        unique_clicks / nullif(unique_opens, 0) AS click_to_open_rate,
        bounces / nullif(recipients, 0) AS bounce_rate,
        unsubscribes / nullif(delivered, 0) AS unsubscribe_rate,
        complaints / nullif(delivered, 0) AS complaint_rate,
        orders,
        reporting.reporting_currency AS currency,
        campaigns.currency AS original_currency,
        revenue_original,
        reported_revenue AS revenue,
        reported_revenue / nullif(recipients, 0) AS revenue_per_recipient
    FROM campaigns
    CROSS JOIN stg.reporting_currency AS reporting
)
SELECT * FROM final
