-- grain: one row per budget plan per channel (`roi plan`; every plan kept under its plan_id)
-- current_weekly: the channel's recent weekly spend; planned_weekly: the plan's, within min_weekly..max_weekly;
-- outcome_current / outcome_planned: the incremental outcome expected over the plan's weeks at each spend;
-- marginal_current / marginal_planned: what the next unit of weekly spend adds at each (where the next euro goes);
-- gain (and its 5–95 % interval): the plan's expected extra outcome over all channels vs today's allocation.
-- bucket: the channel's 70/20/10 bucket in the latest budget; planned_share / current_share of the plan's budget
-- per bucket sit beside target_share (proven 0.7, new 0.2, experiment 0.1; NULL for a channel without a bucket).
CREATE OR REPLACE VIEW marts.mmm_plan AS
WITH buckets AS (
    SELECT * FROM (VALUES ('proven', 0.7), ('new', 0.2), ('experiment', 0.1)) AS t (bucket, target_share)
)
SELECT
    plans.plan_id,
    plans.fit_id,
    plans.planned_at,
    plans.weeks,
    plans.budget,
    plans.gain,
    plans.gain_p05,
    plans.gain_p95,
    lines.channel,
    lines.bucket,
    lines.current_weekly,
    lines.planned_weekly,
    lines.min_weekly,
    lines.max_weekly,
    lines.outcome_current,
    lines.outcome_planned,
    lines.marginal_current,
    lines.marginal_planned,
    sum(lines.planned_weekly) OVER (PARTITION BY plans.plan_id, lines.bucket)
        / nullif(sum(lines.planned_weekly) OVER (PARTITION BY plans.plan_id), 0) AS bucket_planned_share,
    sum(lines.current_weekly) OVER (PARTITION BY plans.plan_id, lines.bucket)
        / nullif(sum(lines.current_weekly) OVER (PARTITION BY plans.plan_id), 0) AS bucket_current_share,
    buckets.target_share AS bucket_target_share
FROM mmm.plans AS plans
JOIN mmm.plan_channels AS lines USING (plan_id)
LEFT JOIN buckets USING (bucket)
