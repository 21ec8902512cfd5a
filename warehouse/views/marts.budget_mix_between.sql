-- grain: macro (table): marts.budget_mix for the months lo … hi (first days; NULL: unbounded): one row per month per bucket (proven, new, experiment) for every month with a budget
-- planned / actual / spend: the bucket's budget lines summed (actual = actual_to_date, total cost
-- with staff and production costs; spend = spend_to_date, media spend alone; both from
-- int.budget_lines as in marts.budget_pacing; costs of channels without a budget line are left out
-- of the mix). planned_share = planned / month's planned; actual_share = actual / month's actual;
-- spend_share = spend / month's spend; target_share: the 70/20/10 rule (proven 0.7, new 0.2,
-- experiment 0.1); the _gap columns = share - target_share.
CREATE OR REPLACE MACRO marts.budget_mix_between(lo, hi) AS TABLE
WITH lines AS (
    SELECT * FROM int.budget_lines_between(lo, hi) WHERE bucket IS NOT NULL
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
        int.strict_sum(actual_to_date) AS actual,
        int.strict_sum(spend_to_date) AS spend
    FROM lines
    GROUP BY month, bucket
),
month_totals AS (
    SELECT
        month,
        int.strict_sum(planned) AS month_planned,
        int.strict_sum(actual_to_date) AS month_actual,
        int.strict_sum(spend_to_date) AS month_spend
    FROM lines
    GROUP BY month
),
filled AS (
    -- every bucket of every budget month; a bucket without lines plans and spends 0
    SELECT
        months.month,
        buckets.bucket,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.planned END AS planned,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.actual END AS actual,
        CASE WHEN summed.month IS NULL THEN 0 ELSE summed.spend END AS spend,
        month_totals.month_planned,
        month_totals.month_actual,
        month_totals.month_spend,
        buckets.target_share::DOUBLE AS target_share,
        buckets.bucket_order
    FROM months
    CROSS JOIN buckets
    JOIN month_totals ON month_totals.month = months.month
    LEFT JOIN summed ON summed.month = months.month AND summed.bucket = buckets.bucket
),
final AS (
    SELECT
        filled.*,
        planned / nullif(month_planned, 0) AS planned_share,
        actual / nullif(month_actual, 0) AS actual_share,
        spend / nullif(month_spend, 0) AS spend_share
    FROM filled
)
SELECT
    month,
    bucket,
    planned_share,
    actual_share,
    spend_share,
    target_share,
    planned,
    actual,
    spend,
    planned_share - target_share AS planned_gap,
    actual_share - target_share AS actual_gap,
    spend_share - target_share AS spend_gap
FROM final
ORDER BY month, bucket_order
