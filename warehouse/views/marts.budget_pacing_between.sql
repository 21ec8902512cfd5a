-- grain: macro (table): marts.budget_pacing for the months lo … hi (first days; NULL: unbounded): one row per month per channel per budget bucket (bucket NULL: costs of a channel without a budget line that month)
-- Pacing on total cost (the unprefixed columns) and on media spend alone (the spend_ columns), both
-- against the same planned amount: total cost swings with one-off staff and production costs,
-- media spend is what the ad platforms bill.
-- actual_to_date: total_cost (media spend + non-media costs) of the channel in the month up to
-- as_of; spend_to_date: its media spend alone; both split across the channel's buckets in
-- proportion to planned (int.budget_lines). remaining = planned - actual_to_date.
-- projected_month_end (spend_projected_month_end): past months = the amount to date; the month of
-- as_of = amount to date / days_elapsed x days_in_month; months after as_of: NULL (nothing spent
-- yet, status NULL). projected_to_planned (spend_projected_to_planned) = projected / planned.
-- pacing_status (spend_pacing_status): 'over' when projected > planned x (1 + pacing_tolerance),
-- 'under' when projected < planned x (1 - pacing_tolerance), else 'on_track' (tolerance default
-- 0.10). marts.kpi_alerts alerts on pacing_status (total cost).
CREATE OR REPLACE MACRO marts.budget_pacing_between(lo, hi) AS TABLE
WITH lines AS (
    SELECT * FROM int.budget_lines_between(lo, hi)
),
projected AS (
    SELECT
        lines.*,
        CASE
            WHEN lines.days_elapsed = 0 THEN NULL
            WHEN lines.days_elapsed = lines.days_in_month THEN lines.actual_to_date
            ELSE lines.actual_to_date / nullif(lines.days_elapsed, 0) * lines.days_in_month
        END AS projected_month_end,
        CASE
            WHEN lines.days_elapsed = 0 THEN NULL
            WHEN lines.days_elapsed = lines.days_in_month THEN lines.spend_to_date
            ELSE lines.spend_to_date / nullif(lines.days_elapsed, 0) * lines.days_in_month
        END AS spend_projected_month_end
    FROM lines
),
judged AS (
    SELECT
        projected.*,
        settings.reporting_currency AS currency,
        CASE
            WHEN projected.projected_month_end IS NULL OR projected.planned IS NULL THEN NULL
            WHEN projected.projected_month_end
                > projected.planned * (1 + settings.pacing_tolerance) THEN 'over'
            WHEN projected.projected_month_end
                < projected.planned * (1 - settings.pacing_tolerance) THEN 'under'
            ELSE 'on_track'
        END AS pacing_status,
        CASE
            WHEN projected.spend_projected_month_end IS NULL OR projected.planned IS NULL THEN NULL
            WHEN projected.spend_projected_month_end
                > projected.planned * (1 + settings.pacing_tolerance) THEN 'over'
            WHEN projected.spend_projected_month_end
                < projected.planned * (1 - settings.pacing_tolerance) THEN 'under'
            ELSE 'on_track'
        END AS spend_pacing_status
    FROM projected
    CROSS JOIN stg.settings AS settings
)
SELECT
    month,
    channel,
    bucket,
    currency,
    planned,
    actual_to_date,
    planned - actual_to_date AS remaining,
    days_elapsed,
    days_in_month,
    projected_month_end,
    projected_month_end / nullif(planned, 0) AS projected_to_planned,
    pacing_status,
    spend_to_date,
    spend_projected_month_end,
    spend_projected_month_end / nullif(planned, 0) AS spend_projected_to_planned,
    spend_pacing_status,
    as_of
FROM judged
