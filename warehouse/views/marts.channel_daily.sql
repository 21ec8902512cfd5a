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
        unnest(int.kpi_ratios(facts.spend, facts.impressions, facts.clicks, facts.conversions, facts.conversion_value,
                              facts.total_cost, facts.leads, facts.customers, facts.revenue, facts.engagements,
                              facts.email_delivered, facts.email_unique_opens, facts.email_unique_clicks))
    FROM facts
    CROSS JOIN stg.reporting_currency AS reporting
    LEFT JOIN stg.channels AS channels ON channels.channel = facts.channel
)
SELECT * FROM final
