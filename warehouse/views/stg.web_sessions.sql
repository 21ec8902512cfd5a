-- grain: one row per web_sessions row (source, property, date, channel group, source / medium, campaign)
-- The analytics tool's purchase revenue in the reporting currency at the day's rate (or the latest
-- earlier one, stg.period_days); with no rate it is NULL (marts.fx_missing). revenue counts a revenue
-- the tool did not report as 0 (revenue_original keeps the NULL).
CREATE OR REPLACE VIEW stg.web_sessions AS
WITH source AS (
    SELECT * FROM core.web_sessions
),
renamed AS (
    SELECT
        source,
        platform,
        property_id,
        channel_group,
        utm_source,
        utm_medium,
        utm_campaign,
        channel,
        coalesce(sessions, 0) AS sessions,
        coalesce(engaged_sessions, 0) AS engaged_sessions,
        coalesce(new_users, 0) AS new_users,
        coalesce(key_events, 0) AS key_events,
        revenue AS revenue_original,
        upper(trim(currency)) AS currency,
        date AS date_start,   -- the one day stg.period_days finds the rate of
        date AS date_end
    FROM source
)
SELECT
    * EXCLUDE (days_in_row, date_start, date_end, revenue_original),
    revenue_original,
    coalesce(revenue_original, 0) / fx_rate AS revenue
FROM stg.period_days(renamed)
