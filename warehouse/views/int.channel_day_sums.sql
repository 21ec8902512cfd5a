-- grain: macro (table): one row per channel per day with any fact in the days lo … hi (NULL: unbounded), the facts summed
-- total_cost = spend + other_costs, as int.channel_day_facts has it.
-- The summed parts of int.channel_day_facts, only the days that have a fact (that view fills the other days of
-- its grid with 0). Facts: see int.channel_day_facts; ad rows are spread over their days and converted to the
-- reporting currency (stg.ad_metric_days; engagements and video_views spread here). lo / hi reach the stored
-- rows, multi-day ad rows included: a month of a big warehouse is read, not all of it. The marts whose sums
-- do not need the days without facts (budgets, goals, LTV:CAC) read their days from here.
CREATE OR REPLACE MACRO int.channel_day_sums(lo, hi) AS TABLE
WITH ad_days AS NOT MATERIALIZED (
    -- the ad rows by channel, period and currency (int.ad_periods), spread over their days and converted once
    -- per sum instead of once per row, so the channel views run as fast as a plain aggregate of the ad rows
    SELECT * FROM stg.ad_metric_days('int.ad_periods', lo := lo, hi := hi)
),
facts AS NOT MATERIALIZED (
    -- every fact as one row with all parts; the parts a fact does not carry are 0
    SELECT
        date, channel, spend, impressions, clicks, conversions, conversion_value,
        engagements / days_in_row AS engagements, video_views / days_in_row AS video_views, 0 AS other_costs,
        0 AS leads, 0 AS converted_leads, 0 AS customers, 0 AS orders,
        CASE WHEN channel IN (SELECT channel FROM stg.platform_revenue) THEN conversion_value ELSE 0 END
            AS revenue,
        0 AS email_campaigns, 0 AS email_recipients, 0 AS email_delivered,
        0 AS email_unique_opens, 0 AS email_unique_clicks
    FROM ad_days
    UNION ALL
    SELECT
        send_date, channel, 0, 0, unique_clicks, orders, revenue, 0,
        0, 0, 0, 0, 0, 0,
        0, 1, recipients, delivered,
        unique_opens, unique_clicks
    FROM stg.email_campaigns
    WHERE (lo IS NULL OR send_date >= lo) AND (hi IS NULL OR send_date <= hi)
    UNION ALL
    SELECT
        date, channel, 0, 0, 0, 0, 0, 0,
        0, amount, 0, 0, 0, 0,
        0, 0, 0, 0,
        0, 0
    FROM stg.costs
    WHERE (lo IS NULL OR date >= lo) AND (hi IS NULL OR date <= hi)
    UNION ALL
    SELECT
        created_date, channel, 0, 0, 0, 0, 0, 0,
        0, 0, 1, CASE WHEN customer_date IS NOT NULL THEN 1 ELSE 0 END, 0, 0,
        0, 0, 0, 0,
        0, 0
    FROM stg.leads
    WHERE (lo IS NULL OR created_date >= lo) AND (hi IS NULL OR created_date <= hi)
    UNION ALL
    SELECT
        order_date, channel, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, CASE WHEN is_new_customer THEN 1 ELSE 0 END, CASE WHEN is_sale THEN 1 ELSE 0 END,
        amount, 0, 0, 0,
        0, 0
    FROM int.orders_attributed
    WHERE (lo IS NULL OR order_date >= lo) AND (hi IS NULL OR order_date <= hi)
),
summed AS (
    SELECT
        date,
        channel,
        int.strict_sum(spend) AS spend,
        coalesce(sum(impressions), 0)::DOUBLE AS impressions,
        coalesce(sum(clicks), 0)::DOUBLE AS clicks,
        coalesce(sum(conversions), 0)::DOUBLE AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        coalesce(sum(engagements), 0)::DOUBLE AS engagements,
        coalesce(sum(video_views), 0)::DOUBLE AS video_views,
        int.strict_sum(other_costs) AS other_costs,
        sum(leads) AS leads,
        sum(converted_leads) AS converted_leads,
        sum(customers) AS customers,
        sum(orders) AS orders,
        int.strict_sum(revenue) AS revenue,
        sum(email_campaigns) AS email_campaigns,
        coalesce(sum(email_recipients), 0) AS email_recipients,
        coalesce(sum(email_delivered), 0) AS email_delivered,
        coalesce(sum(email_unique_opens), 0) AS email_unique_opens,
        coalesce(sum(email_unique_clicks), 0) AS email_unique_clicks
    FROM facts
    GROUP BY date, channel
)
SELECT *, (spend + other_costs)::DOUBLE AS total_cost
FROM summed
