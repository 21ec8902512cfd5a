-- grain: one row per channel per day with site data (GA4 sessions or Search Console results)
-- What the site saw, by roi's channel (stg.web_sessions: GA4's session source / medium through the UTM
-- rules), beside what the channel cost that day (int.channel_day_facts). Money in the reporting currency.
-- conversion_rate = key_events / sessions; engagement_rate = engaged_sessions / sessions;
-- revenue_per_session = web_revenue (the purchase revenue GA4 recorded) / sessions;
-- cost_per_session = spend / sessions, only where the channel has spend that day (else NULL).
-- search_*: Search Console's organic results (stg.organic_search_days, channel organic_search):
-- search_ctr = search_clicks / search_impressions, search_position = position_sum / search_impressions.
-- A ratio whose denominator is 0 or NULL is NULL.
CREATE OR REPLACE VIEW marts.web_channel_daily AS
WITH web AS (
    SELECT
        date,
        channel,
        sum(sessions) AS sessions,
        sum(engaged_sessions) AS engaged_sessions,
        sum(new_users) AS new_users,
        sum(key_events) AS key_events,
        int.strict_sum(revenue) AS web_revenue
    FROM stg.web_sessions
    GROUP BY date, channel
),
organic AS (
    SELECT
        date,
        channel,
        sum(clicks) AS search_clicks,
        sum(impressions) AS search_impressions,
        sum(position_sum) AS position_sum
    FROM stg.organic_search_days
    GROUP BY date, channel
),
days AS (
    SELECT date, channel FROM web
    UNION
    SELECT date, channel FROM organic
),
joined AS (
    SELECT
        days.date,
        days.channel,
        coalesce(web.sessions, 0) AS sessions,
        coalesce(web.engaged_sessions, 0) AS engaged_sessions,
        coalesce(web.new_users, 0) AS new_users,
        coalesce(web.key_events, 0) AS key_events,
        CASE WHEN web.date IS NULL THEN 0 ELSE web.web_revenue END AS web_revenue,
        coalesce(facts.spend, 0) AS spend,
        coalesce(facts.total_cost, 0) AS total_cost,
        coalesce(organic.search_clicks, 0) AS search_clicks,
        coalesce(organic.search_impressions, 0) AS search_impressions,
        organic.position_sum
    FROM days
    LEFT JOIN web ON web.date = days.date AND web.channel = days.channel
    LEFT JOIN organic ON organic.date = days.date AND organic.channel = days.channel
    LEFT JOIN int.channel_day_facts AS facts ON facts.date = days.date AND facts.channel = days.channel
)
SELECT
    date,
    channel,
    sessions::BIGINT AS sessions,
    engaged_sessions::BIGINT AS engaged_sessions,
    new_users::BIGINT AS new_users,
    key_events::DOUBLE AS key_events,
    web_revenue::DOUBLE AS web_revenue,
    spend::DOUBLE AS spend,
    total_cost::DOUBLE AS total_cost,
    key_events / nullif(sessions, 0) AS conversion_rate,
    engaged_sessions / nullif(sessions, 0) AS engagement_rate,
    web_revenue / nullif(sessions, 0) AS revenue_per_session,
    CASE WHEN spend <> 0 THEN spend / nullif(sessions, 0) END AS cost_per_session,
    search_clicks::BIGINT AS search_clicks,
    search_impressions::BIGINT AS search_impressions,
    search_clicks / nullif(search_impressions, 0) AS search_ctr,
    position_sum / nullif(search_impressions, 0) AS search_position,
    (SELECT reporting_currency FROM stg.reporting_currency) AS currency
FROM joined
