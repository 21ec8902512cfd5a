-- grain: one row per month per channel per budget bucket (bucket NULL: costs of a channel without a budget line that month)
-- actual_to_date: total_cost (media spend + non-media costs) of the channel in the month up to
-- as_of, split across the channel's buckets in proportion to planned (int.budget_lines).
-- projected_month_end: past months = actual_to_date; the month of as_of = actual_to_date /
-- days_elapsed x days_in_month; months after as_of: NULL (nothing spent yet, status NULL).
-- pacing_status: 'over' when projected > planned x (1 + pacing_tolerance), 'under' when
-- projected < planned x (1 - pacing_tolerance), else 'on_track' (tolerance default 0.10).
CREATE OR REPLACE VIEW marts.budget_pacing AS
WITH lines AS (
    SELECT * FROM int.budget_lines
),
projected AS (
    SELECT
        lines.*,
        CASE
            WHEN lines.days_elapsed = 0 THEN NULL
            WHEN lines.days_elapsed = lines.days_in_month THEN lines.actual_to_date
            ELSE lines.actual_to_date / nullif(lines.days_elapsed, 0) * lines.days_in_month
        END AS projected_month_end
    FROM lines
),
final AS (
    SELECT
        projected.month,
        projected.channel,
        projected.bucket,
        settings.reporting_currency AS currency,
        projected.planned,
        projected.actual_to_date,
        projected.planned - projected.actual_to_date AS remaining,
        projected.days_elapsed,
        projected.days_in_month,
        projected.projected_month_end,
        projected.projected_month_end / nullif(projected.planned, 0) AS projected_to_planned,
        CASE
            WHEN projected.projected_month_end IS NULL OR projected.planned IS NULL THEN NULL
            WHEN projected.projected_month_end
                > projected.planned * (1 + settings.pacing_tolerance) THEN 'over'
            WHEN projected.projected_month_end
                < projected.planned * (1 - settings.pacing_tolerance) THEN 'under'
            ELSE 'on_track'
        END AS pacing_status,
        projected.as_of
    FROM projected
    CROSS JOIN stg.settings AS settings
)
SELECT * FROM final
