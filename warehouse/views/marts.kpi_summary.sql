-- grain: one row per channel: all loaded days summed, every ratio from those sums (roi kpi --by channel)
-- first_date / last_date: the channel's first and last day with any fact.
CREATE OR REPLACE VIEW marts.kpi_summary AS
WITH facts AS (
    SELECT
        *,
        spend IS DISTINCT FROM 0 OR impressions <> 0 OR clicks <> 0 OR conversions <> 0
            OR other_costs IS DISTINCT FROM 0 OR leads <> 0 OR orders <> 0 OR email_campaigns <> 0
            AS has_data
    FROM int.channel_day_facts
),
summed AS (
    SELECT
        channel,
        min(date) FILTER (WHERE has_data) AS first_date,
        max(date) FILTER (WHERE has_data) AS last_date,
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
    GROUP BY channel
),
final AS (
    SELECT
        summed.channel,
        coalesce(channels.kind, 'custom') AS channel_kind,
        reporting.reporting_currency AS currency,
        summed.first_date,
        summed.last_date,
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
