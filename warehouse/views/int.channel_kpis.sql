-- grain: macro (table): one row per channel per period of int.channel_day_facts, the period given by `grain`:
-- 'day' (period_start = the day), 'month' (its first day) or 'all' (every loaded day; period_start NULL)
-- The channel marts in one place: the period's parts of int.channel_day_facts summed (money with
-- int.strict_sum, so one amount without a rate makes the sum NULL), the channel's kind, the reporting
-- currency, and every ratio from those sums (int.kpi_ratios). marts.channel_daily, marts.channel_monthly
-- and marts.kpi_summary are this macro at their grain, each keeping the columns it shows.
-- days: the period's days (the day grid is dense); first_date / last_date: the first and last day
-- with any fact. Counts (leads, customers, email_*) are sums, so HUGEINT. lo / hi (optional): only the days
-- lo … hi, read as such (int.channel_day_grid).
CREATE OR REPLACE MACRO int.channel_kpis(grain, lo := NULL, hi := NULL) AS TABLE
WITH facts AS (
    SELECT
        CASE grain WHEN 'day' THEN date WHEN 'month' THEN date_trunc('month', date)::DATE END AS period_start,
        *,
        spend IS DISTINCT FROM 0 OR impressions <> 0 OR clicks <> 0 OR conversions <> 0
            OR other_costs IS DISTINCT FROM 0 OR leads <> 0 OR orders <> 0 OR email_campaigns <> 0
            AS has_data
    FROM int.channel_day_grid(lo, hi)
),
summed AS (
    SELECT
        period_start,
        channel,
        count(*) AS days,
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
    GROUP BY period_start, channel
),
final AS (
    SELECT
        summed.period_start,
        summed.channel,
        coalesce(channels.kind, 'custom') AS channel_kind,
        reporting.reporting_currency AS currency,
        summed.* EXCLUDE (period_start, channel),
        unnest(int.kpi_ratios(summed.spend, summed.impressions, summed.clicks, summed.conversions, summed.conversion_value,
                              summed.total_cost, summed.leads, summed.customers, summed.revenue, summed.engagements,
                              summed.email_delivered, summed.email_unique_opens, summed.email_unique_clicks,
                              converted_leads := summed.converted_leads))
    FROM summed
    CROSS JOIN stg.reporting_currency AS reporting
    LEFT JOIN stg.channels AS channels ON channels.channel = summed.channel
)
SELECT * FROM final
