-- grain: macro (table): one row per goal (source, goal_id) measured within lo … hi (start_date >= lo, least(deadline, as_of) <= hi; NULL: unbounded)
-- marts.goal_progress for those goals, reading only the days lo … hi: marts.goal_progress is this macro
-- unbounded. The columns and rules:
-- current_value: the goal's kpi computed from the parts summed over [start_date, least(deadline,
-- as_of)] for the goal's channel (NULL channel = all channels); ratios from the summed parts
-- (fractions; roi_pct in percent, so targets use the same units). Additive kpis are 0 when no
-- day of the window has data; a ratio without a denominator is NULL.
-- progress_pct (not clamped: above 100 = ahead of target, below 0 = worse than baseline):
--   at_least: (current - baseline) / (target - baseline) x 100, baseline default 0. For the
--             additive kpis (spend, total_cost, revenue, leads, customers, conversions, clicks,
--             impressions) the window's total starts at 0, so progress = current / target x 100
--             and baseline_value (typically the previous period's total) is for reference only.
--   at_most:  (baseline - current) / (baseline - target) x 100; without a baseline:
--             target / current x 100 when current > 0, else 100.
-- expected_progress_pct: linear in time, (least(as_of, deadline) - start_date + 1) /
--   (deadline - start_date + 1) x 100, clamped to 0..100 (0 before start_date).
-- status, the same rule for at_least and at_most goals (a rate or a count can move either way
--   until the deadline): on or after the deadline (as_of >= deadline) 'achieved' when the target
--   is met (current >= target for at_least, <= for at_most), else 'missed' (also when
--   current_value is NULL); before it 'on_track' when the target is met or progress_pct >=
--   expected_progress_pct, else 'at_risk' (also when current_value is NULL).
-- A goal of all channels counts revenue (so roi_pct) as the headline does (marts.period_kpis): with
-- [kpi] headline_revenue = 'cost_channels' only the revenue of channels with cost in the goal's window.
-- lead_to_customer_rate: converted leads / leads of the window, both by the lead's channel.
-- days_left = deadline - as_of, at least 0.
CREATE OR REPLACE MACRO marts.goal_progress_within(lo, hi) AS TABLE
WITH settings AS (
    SELECT * FROM stg.settings
),
goals AS (
    SELECT
        goals.*,
        settings.as_of,
        least(goals.deadline, settings.as_of) AS measured_until
    FROM stg.goals AS goals
    CROSS JOIN settings
    WHERE (lo IS NULL OR goals.start_date >= lo) AND (hi IS NULL OR least(goals.deadline, settings.as_of) <= hi)
),
joined AS (
    SELECT
        goals.source, goals.goal_id, goals.channel IS NULL AS all_channels, facts.*,
        -- a channel whose cost is unknown (no exchange rate) counts as a channel with cost
        sum(coalesce(facts.total_cost, 1)) OVER (PARTITION BY goals.source, goals.goal_id, facts.channel)
            AS channel_cost
    FROM goals
    JOIN int.channel_day_sums(lo, hi) AS facts   -- the days with facts (the days without add 0)
        ON facts.date BETWEEN goals.start_date AND goals.measured_until
        AND (goals.channel IS NULL OR facts.channel = goals.channel)
),
measured AS (
    SELECT
        joined.source, joined.goal_id,
        spend, total_cost,
        CASE
            WHEN all_channels AND settings.headline_revenue = 'cost_channels' AND channel_cost = 0 THEN 0
            ELSE revenue
        END AS revenue,
        leads, converted_leads, customers, conversions, conversion_value, clicks, impressions,
        email_delivered, email_unique_opens, email_unique_clicks
    FROM joined
    CROSS JOIN settings
    UNION ALL
    -- one zero row per goal, so that a window without data sums to 0
    SELECT source, goal_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM goals
),
summed AS (
    SELECT
        source,
        goal_id,
        int.strict_sum(spend) AS spend,
        int.strict_sum(total_cost) AS total_cost,
        int.strict_sum(revenue) AS revenue,
        sum(leads) AS leads,
        sum(converted_leads) AS converted_leads,
        sum(customers) AS customers,
        sum(conversions) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        sum(clicks) AS clicks,
        sum(impressions) AS impressions,
        sum(email_delivered) AS email_delivered,
        sum(email_unique_opens) AS email_unique_opens,
        sum(email_unique_clicks) AS email_unique_clicks
    FROM measured
    GROUP BY source, goal_id
),
rated AS (   -- engagements are no goal KPI
    SELECT *, int.kpi_ratios(spend, impressions, clicks, conversions, conversion_value, total_cost, leads, customers,
                             revenue, NULL, email_delivered, email_unique_opens, email_unique_clicks,
                             converted_leads := converted_leads) AS ratios
    FROM summed
),
valued AS (
    SELECT
        goals.*,
        (CASE goals.kpi
            WHEN 'spend' THEN s.spend
            WHEN 'total_cost' THEN s.total_cost
            WHEN 'revenue' THEN s.revenue
            WHEN 'leads' THEN s.leads
            WHEN 'customers' THEN s.customers
            WHEN 'conversions' THEN s.conversions
            WHEN 'clicks' THEN s.clicks
            WHEN 'impressions' THEN s.impressions
            WHEN 'roi_pct' THEN s.ratios.roi_pct
            WHEN 'roas' THEN s.ratios.roas
            WHEN 'cpl' THEN s.ratios.cpl
            WHEN 'cac' THEN s.ratios.cac
            WHEN 'cpa' THEN s.ratios.cpa
            WHEN 'cpc' THEN s.ratios.cpc
            WHEN 'cpm' THEN s.ratios.cpm
            WHEN 'ctr' THEN s.ratios.ctr
            WHEN 'conversion_rate' THEN s.ratios.conversion_rate
            WHEN 'lead_to_customer_rate' THEN s.ratios.lead_to_customer_rate
            WHEN 'open_rate' THEN s.ratios.open_rate
            WHEN 'click_rate' THEN s.ratios.click_rate
        END)::DOUBLE AS current_value
    FROM goals
    JOIN rated AS s ON s.source = goals.source AND s.goal_id = goals.goal_id
),
progress AS (
    SELECT
        valued.*,
        CASE
            WHEN valued.direction = 'at_least' AND valued.kpi IN (
                'spend', 'total_cost', 'revenue', 'leads', 'customers', 'conversions', 'clicks',
                'impressions'
            )
                THEN valued.current_value * 100 / nullif(valued.target_value, 0)
            WHEN valued.direction = 'at_least'
                THEN (valued.current_value - coalesce(valued.baseline_value, 0)) * 100
                    / nullif(valued.target_value - coalesce(valued.baseline_value, 0), 0)
            WHEN valued.baseline_value IS NOT NULL
                THEN (valued.baseline_value - valued.current_value) * 100
                    / nullif(valued.baseline_value - valued.target_value, 0)
            WHEN valued.current_value > 0
                THEN valued.target_value * 100 / nullif(valued.current_value, 0)
            WHEN valued.current_value IS NOT NULL THEN 100.0
        END AS progress_pct,
        greatest(0.0, least(100.0,
            (least(valued.as_of, valued.deadline) - valued.start_date + 1) * 100.0
                / nullif(valued.deadline - valued.start_date + 1, 0)
        )) AS expected_progress_pct,
        CASE valued.direction
            WHEN 'at_least' THEN valued.current_value >= valued.target_value
            ELSE valued.current_value <= valued.target_value
        END AS target_met
    FROM valued
),
final AS (
    SELECT
        goal_id,
        name,
        kpi,
        channel,
        direction,
        target_value,
        baseline_value,
        start_date,
        deadline,
        measured_until,
        current_value,
        progress_pct,
        expected_progress_pct,
        CASE
            WHEN as_of >= deadline AND target_met THEN 'achieved'
            WHEN as_of >= deadline THEN 'missed'
            WHEN target_met OR progress_pct >= expected_progress_pct THEN 'on_track'
            ELSE 'at_risk'
        END AS status,
        greatest(deadline - as_of, 0) AS days_left,
        owner,
        source,
        as_of
    FROM progress
)
SELECT * FROM final
