-- grain: one row per channel per month (month = its first day), every month of the loaded range for every channel with data
-- The spread daily parts of int.channel_day_facts summed by month (a period row or a cost
-- crossing a month boundary splits by its days), then every ratio from those sums.
-- leads and converted_leads count by the lead's channel and created_date (converted_leads: those
-- with a customer_date); lead_to_customer_rate = converted_leads / leads (never above 1).
-- customers = new customers (first orders) by the order's attributed channel and order_date: the
-- denominator of cac, not of the close rate.
CREATE OR REPLACE VIEW marts.channel_monthly AS
WITH facts AS (
    SELECT date_trunc('month', date)::DATE AS month, * FROM int.channel_day_facts
),
summed AS (
    SELECT
        month,
        channel,
        count(*) AS days,
        int.strict_sum(spend) AS spend,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        sum(engagements) AS engagements,
        sum(video_views) AS video_views,
        int.strict_sum(other_costs) AS other_costs,
        int.strict_sum(total_cost) AS total_cost,
        sum(leads) AS leads,
        sum(converted_leads) AS converted_leads,
        sum(customers) AS customers,
        sum(orders) AS orders,
        int.strict_sum(revenue) AS revenue,
        sum(email_delivered) AS email_delivered,
        sum(email_unique_opens) AS email_unique_opens,
        sum(email_unique_clicks) AS email_unique_clicks
    FROM facts
    GROUP BY month, channel
),
final AS (
    SELECT
        summed.month,
        summed.channel,
        coalesce(channels.kind, 'custom') AS channel_kind,
        reporting.reporting_currency AS currency,
        summed.days,
        summed.spend,
        summed.impressions,
        summed.clicks,
        summed.conversions,
        summed.conversion_value,
        summed.engagements,
        summed.video_views,
        summed.other_costs,
        summed.total_cost,
        summed.leads,
        summed.converted_leads,
        summed.customers,
        summed.orders,
        summed.revenue,
        summed.email_delivered,
        summed.email_unique_opens,
        summed.email_unique_clicks,
        unnest(int.kpi_ratios(summed.spend, summed.impressions, summed.clicks, summed.conversions, summed.conversion_value,
                              summed.total_cost, summed.leads, summed.customers, summed.revenue, summed.engagements,
                              summed.email_delivered, summed.email_unique_opens, summed.email_unique_clicks,
                              converted_leads := summed.converted_leads))
    FROM summed
    CROSS JOIN stg.reporting_currency AS reporting
    LEFT JOIN stg.channels AS channels ON channels.channel = summed.channel
)
SELECT * FROM final
