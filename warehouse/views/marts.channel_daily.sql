-- grain: one row per channel per day (dense: every day of the loaded range for every channel with data, zeros included)
-- Money in the reporting currency. Rates are fractions, roi_pct a percentage; a ratio whose
-- denominator is 0 or NULL is NULL. Parts of period rows and monthly costs are spread evenly
-- over their days, so counts can be fractional on those days.
CREATE OR REPLACE VIEW marts.channel_daily AS
WITH facts AS (
    SELECT * FROM int.channel_day_facts
),
final AS (
    SELECT
        facts.date,
        facts.channel,
        coalesce(channels.kind, 'custom') AS channel_kind,
        reporting.reporting_currency AS currency,
        facts.spend,
        facts.impressions,
        facts.clicks,
        facts.conversions,
        facts.conversion_value,
        facts.engagements,
        facts.video_views,
        facts.other_costs,
        facts.total_cost,
        facts.leads,
        facts.customers,
        facts.orders,
        facts.revenue,
        facts.email_delivered,
        facts.email_unique_opens,
        facts.email_unique_clicks,
        facts.clicks / nullif(facts.impressions, 0) AS ctr,
        facts.spend / nullif(facts.clicks, 0) AS cpc,
        facts.spend * 1000 / nullif(facts.impressions, 0) AS cpm,
        facts.conversions / nullif(facts.clicks, 0) AS conversion_rate,
        facts.spend / nullif(facts.conversions, 0) AS cpa,
        facts.conversion_value / nullif(facts.spend, 0) AS roas,
        facts.total_cost / nullif(facts.leads, 0) AS cpl,
        facts.total_cost / nullif(facts.customers, 0) AS cac,
        (facts.revenue - facts.total_cost) * 100 / nullif(facts.total_cost, 0) AS roi_pct,
        facts.customers / nullif(facts.leads, 0) AS lead_to_customer_rate,
        facts.engagements / nullif(facts.impressions, 0) AS engagement_rate,
        facts.email_unique_opens / nullif(facts.email_delivered, 0) AS open_rate,
        facts.email_unique_clicks / nullif(facts.email_delivered, 0) AS click_rate
    FROM facts
    CROSS JOIN stg.reporting_currency AS reporting
    LEFT JOIN stg.channels AS channels ON channels.channel = facts.channel
)
SELECT * FROM final
