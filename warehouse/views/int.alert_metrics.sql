-- grain: one row per channel per day per alert metric (spend, conversions, ctr, cpa, roas, open_rate) that has a value that day
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
CREATE OR REPLACE VIEW int.alert_metrics AS
WITH facts AS (
    SELECT * FROM int.channel_day_facts
),
active_range AS (
    SELECT channel, min(date) AS first_date, max(date) AS last_date
    FROM facts
    WHERE spend <> 0 OR impressions <> 0 OR clicks <> 0 OR email_campaigns <> 0
    GROUP BY channel
),
active AS (
    SELECT facts.*
    FROM facts
    JOIN active_range
        ON active_range.channel = facts.channel
        AND facts.date BETWEEN active_range.first_date AND active_range.last_date
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
