-- grain: one row per goal (source, goal_id); an empty channel means all channels
CREATE OR REPLACE VIEW stg.goals AS
WITH source AS (
    SELECT * FROM core.goals
)
SELECT
    source,
    goal_id,
    name,
    lower(trim(kpi)) AS kpi,
    nullif(trim(channel), '') AS channel,
    target_value,
    lower(trim(direction)) AS direction,
    baseline_value,
    start_date,
    deadline,
    owner
FROM source
