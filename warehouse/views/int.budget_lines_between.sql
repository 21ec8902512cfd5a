-- grain: macro (table): int.budget_lines for the months lo … hi (first days; NULL: unbounded): one row per budget line (month, channel, bucket) of core.budgets, plus one row (bucket NULL, planned 0) per channel with costs but no budget line in a month that has budgets
-- planned: summed over sources, reporting currency. actual_to_date: total_cost (media spend +
-- non-media costs) of the channel in the month, days up to as_of; spend_to_date: the media spend
-- alone (ad platforms), same days. When a channel has several buckets in one month, both are split
-- across them in proportion to their planned amounts (equally when all planned are 0): costs carry
-- no bucket.
CREATE OR REPLACE MACRO int.budget_lines_between(lo, hi) AS TABLE
WITH settings AS (
    SELECT * FROM stg.settings
),
budgets AS (
    SELECT month, channel, bucket, int.strict_sum(planned) AS planned
    FROM stg.budgets
    WHERE (lo IS NULL OR month >= lo) AND (hi IS NULL OR month <= hi)
    GROUP BY month, channel, bucket
),
budget_months AS (
    SELECT DISTINCT month FROM budgets
),
actuals AS (
    SELECT
        date_trunc('month', facts.date)::DATE AS month,
        facts.channel,
        int.strict_sum(facts.total_cost) AS actual_to_date,
        int.strict_sum(facts.spend) AS spend_to_date
    -- the days with facts of those months (the days without add 0)
    FROM int.channel_day_sums(lo, last_day(hi)) AS facts
    CROSS JOIN settings
    WHERE facts.date <= settings.as_of
    GROUP BY 1, facts.channel
),
shared AS (
    SELECT
        budgets.*,
        CASE
            WHEN count(planned) OVER (PARTITION BY month, channel)
                = count(*) OVER (PARTITION BY month, channel)
                THEN sum(planned) OVER (PARTITION BY month, channel)
        END AS channel_planned,
        count(*) OVER (PARTITION BY month, channel) AS channel_lines
    FROM budgets
),
parts AS (
    SELECT
        shared.*,
        CASE
            WHEN shared.channel_planned IS NULL THEN NULL
            WHEN shared.channel_planned > 0 THEN shared.planned / shared.channel_planned
            ELSE 1.0 / shared.channel_lines
        END AS bucket_part   -- the line's part of its channel's month
    FROM shared
),
budgeted AS (
    SELECT
        parts.month,
        parts.channel,
        parts.bucket,
        parts.planned,
        CASE WHEN actuals.month IS NULL THEN 0 ELSE actuals.actual_to_date END * parts.bucket_part
            AS actual_to_date,
        CASE WHEN actuals.month IS NULL THEN 0 ELSE actuals.spend_to_date END * parts.bucket_part
            AS spend_to_date
    FROM parts
    LEFT JOIN actuals ON actuals.month = parts.month AND actuals.channel = parts.channel
),
unbudgeted AS (
    SELECT
        actuals.month,
        actuals.channel,
        NULL::VARCHAR AS bucket,
        0::DOUBLE AS planned,
        actuals.actual_to_date,
        actuals.spend_to_date
    FROM actuals
    JOIN budget_months ON budget_months.month = actuals.month
    WHERE actuals.actual_to_date IS DISTINCT FROM 0
        AND NOT EXISTS (
            SELECT 1 FROM budgets
            WHERE budgets.month = actuals.month AND budgets.channel = actuals.channel
        )
),
lines AS (
    SELECT * FROM budgeted
    UNION ALL
    SELECT * FROM unbudgeted
)
SELECT
    lines.month,
    lines.channel,
    lines.bucket,
    lines.planned,
    lines.actual_to_date,
    lines.spend_to_date,
    day(last_day(lines.month)) AS days_in_month,
    CASE
        WHEN settings.as_of < lines.month THEN 0
        WHEN settings.as_of >= last_day(lines.month) THEN day(last_day(lines.month))
        ELSE day(settings.as_of)
    END AS days_elapsed,
    settings.as_of
FROM lines
CROSS JOIN settings
