-- grain: one row per channel per day (dense: every day of the loaded range for every channel with data, zeros included)
-- Money in the reporting currency. Rates are fractions, roi_pct a percentage; a ratio whose
-- denominator is 0 or NULL is NULL. Parts of period rows and monthly costs are spread evenly
-- over their days, so counts can be fractional on those days.
-- leads and converted_leads count by the lead's channel and created_date (converted_leads: those
-- with a customer_date); lead_to_customer_rate = converted_leads / leads (never above 1).
-- customers = new customers (first orders) by the order's attributed channel and order_date: the
-- denominator of cac, not of the close rate.
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
        facts.converted_leads,
        facts.customers,
        facts.orders,
        facts.revenue,
        facts.email_delivered,
        facts.email_unique_opens,
        facts.email_unique_clicks,
        unnest(int.kpi_ratios(facts.spend, facts.impressions, facts.clicks, facts.conversions, facts.conversion_value,
                              facts.total_cost, facts.leads, facts.customers, facts.revenue, facts.engagements,
                              facts.email_delivered, facts.email_unique_opens, facts.email_unique_clicks,
                              converted_leads := facts.converted_leads))
    FROM facts
    CROSS JOIN stg.reporting_currency AS reporting
    LEFT JOIN stg.channels AS channels ON channels.channel = facts.channel
)
SELECT * FROM final
