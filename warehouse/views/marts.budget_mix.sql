-- grain: one row per month per bucket (proven, new, experiment) for every month with a budget
-- planned / actual: the bucket's budget lines summed (actual = actual_to_date of
-- marts.budget_pacing; costs of channels without a budget line are left out of the mix).
-- planned_share = planned / month's planned; actual_share = actual / month's actual;
-- target_share: the 70/20/10 rule (proven 0.7, new 0.2, experiment 0.1).
CREATE OR REPLACE VIEW marts.budget_mix AS
WITH lines AS (
    SELECT * FROM int.budget_lines WHERE bucket IS NOT NULL
),
buckets AS (
    SELECT * FROM (VALUES ('proven', 0.7, 1), ('new', 0.2, 2), ('experiment', 0.1, 3))
        AS t (bucket, target_share, bucket_order)
),
months AS (
    SELECT DISTINCT month FROM lines
),
summed AS (
    SELECT
        month,
        bucket,
        int.strict_sum(planned) AS planned,
        int.strict_sum(actual_to_date) AS actual
    FROM lines
    GROUP BY month, bucket
),
month_totals AS (
    SELECT
        month,
        int.strict_sum(planned) AS month_planned,
        int.strict_sum(actual_to_date) AS month_actual
    FROM lines
    GROUP BY month
),
final AS (
    SELECT
        months.month,
        buckets.bucket,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.planned END AS planned,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.actual END AS actual,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.planned END
            / nullif(month_totals.month_planned, 0) AS planned_share,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.actual END
            / nullif(month_totals.month_actual, 0) AS actual_share,
        buckets.target_share::DOUBLE AS target_share,
        buckets.bucket_order
    FROM months
    CROSS JOIN buckets
    JOIN month_totals ON month_totals.month = months.month
    LEFT JOIN summed ON summed.month = months.month AND summed.bucket = buckets.bucket
)
SELECT
    month,
    bucket,
    planned_share,
    actual_share,
    target_share,
    planned,
    actual,
    planned_share - target_share AS planned_gap,
    actual_share - target_share AS actual_gap
FROM final
ORDER BY month, bucket_order
