-- grain: macro (table): int.alert_metrics for the days lo … hi (NULL: unbounded): one row per channel per day per alert metric that has a value that day
-- int.alert_metrics is this macro unbounded. It reads the days from 56 days before lo on (the weekday
-- profile's history; int.channel_day_sums), and the days before those only for a channel first seen in
-- them, to tell whether it was active earlier. The rules:
-- Values from the summed parts of int.channel_day_facts (ratios NULL on a 0 denominator are left
-- out: a day without impressions has no CTR). Only the days from the channel's first to its last
-- day with ad or email data (spend, impressions, clicks or a send): the days before a channel
-- starts are not history, and the days after its last loaded day are not a drop to zero (a
-- source that has not loaded yesterday yet would look like one; `roi status` shows loads).
-- weekday_offset (the weekday profile used by marts.kpi_alerts), for the volumes spend and
-- conversions: median of the same weekday's values minus the median of all values, both over the
-- 56 days before the day (8 weeks), 0 when fewer than 3 same-weekday values exist there. The
-- ratios (ctr, cpa, roas, open_rate) are per click / conversion / euro / email already, so the
-- weekday's volume cancels out of them: their offset is 0 (a weekday median of a few noisy daily
-- CPAs would move the band more than any real weekday effect). adjusted = value - weekday_offset.
-- profiled: the day can be judged — a ratio always, a volume once its weekday has 3 earlier values
-- (before that a quiet Sunday would look like a drop).
CREATE OR REPLACE MACRO int.alert_metrics_between(lo, hi) AS TABLE
WITH sums AS NOT MATERIALIZED (
    -- the days with facts from 56 days before lo on (the weekday profile's history), to the last (last_date)
    SELECT * FROM int.channel_day_sums(lo::DATE - 56, NULL)
),
active_days AS (
    SELECT channel, date
    FROM sums
    WHERE spend <> 0 OR impressions <> 0 OR clicks <> 0 OR email_campaigns <> 0
),
seen AS (
    SELECT channel, min(date) AS first_seen, max(date) AS last_date FROM active_days GROUP BY channel
),
earlier AS (
    -- the channels first seen after the read's first day that were active before it: their first_date is
    -- before that day (the days before it are read only for these channels, usually none)
    SELECT DISTINCT history.channel
    FROM int.channel_day_sums(NULL, lo::DATE - 57) AS history
    SEMI JOIN seen ON seen.channel = history.channel AND seen.first_seen > lo::DATE - 56
    WHERE lo IS NOT NULL
        AND (history.spend <> 0 OR history.impressions <> 0 OR history.clicks <> 0 OR history.email_campaigns <> 0)
),
active_range AS (
    SELECT
        seen.channel,
        CASE
            WHEN earlier.channel IS NOT NULL THEN lo::DATE - 56
            ELSE seen.first_seen
        END AS first_date,
        seen.last_date
    FROM seen
    LEFT JOIN earlier ON earlier.channel = seen.channel
),
active AS (
    -- every day of the channel's active range (read from the first day read), the days without facts 0
    SELECT
        days.date,
        days.channel,
        CASE WHEN sums.date IS NULL THEN 0 ELSE sums.spend END AS spend,
        coalesce(sums.impressions, 0) AS impressions,
        coalesce(sums.clicks, 0) AS clicks,
        coalesce(sums.conversions, 0) AS conversions,
        CASE WHEN sums.date IS NULL THEN 0 ELSE sums.conversion_value END AS conversion_value,
        coalesce(sums.email_unique_opens, 0) AS email_unique_opens,
        coalesce(sums.email_delivered, 0) AS email_delivered
    FROM (
        SELECT channel, unnest(generate_series(first_date, last_date, INTERVAL 1 DAY))::DATE AS date
        FROM active_range
    ) AS days
    LEFT JOIN sums ON sums.channel = days.channel AND sums.date = days.date
),
long AS (
    SELECT date, channel, 'spend' AS metric, spend AS value FROM active
    UNION ALL
    SELECT date, channel, 'conversions', conversions FROM active
    UNION ALL
    SELECT date, channel, 'ctr', clicks / nullif(impressions, 0) FROM active
    UNION ALL
    SELECT date, channel, 'cpa', spend / nullif(conversions, 0) FROM active
    UNION ALL
    SELECT date, channel, 'roas', conversion_value / nullif(spend, 0) FROM active
    UNION ALL
    SELECT date, channel, 'open_rate', email_unique_opens / nullif(email_delivered, 0) FROM active
),
valued AS (
    SELECT date, channel, metric, value::DOUBLE AS value
    FROM long
    WHERE value IS NOT NULL
),
profiled AS (
    SELECT
        valued.*,
        median(value) OVER same_weekday AS weekday_median,
        count(value) OVER same_weekday AS weekday_points,
        median(value) OVER all_days AS all_median
    FROM valued
    WINDOW
        same_weekday AS (
            PARTITION BY channel, metric, dayofweek(date) ORDER BY date
            RANGE BETWEEN INTERVAL 56 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING
        ),
        all_days AS (
            PARTITION BY channel, metric ORDER BY date
            RANGE BETWEEN INTERVAL 56 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING
        )
),
offsets AS (
    SELECT
        profiled.*,
        CASE
            WHEN metric IN ('spend', 'conversions') AND weekday_points >= 3
                THEN weekday_median - all_median
            ELSE 0
        END AS weekday_offset,
        metric NOT IN ('spend', 'conversions') OR weekday_points >= 3 AS profiled
    FROM profiled
)
SELECT
    date,
    channel,
    metric,
    value,
    weekday_offset,
    value - weekday_offset AS adjusted,
    profiled
FROM offsets
WHERE (lo IS NULL OR date >= lo) AND (hi IS NULL OR date <= hi)
