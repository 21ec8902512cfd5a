-- grain: macro (table): one row per alert of the days lo … hi (alert_date; NULL: unbounded), as marts.kpi_alerts has it
-- marts.kpi_alerts is this macro unbounded. Metric alerts read 28 + 56 days before lo (the band's and the
-- weekday profile's history, int.alert_metrics_between); budget alerts the months of lo … hi; goal alerts
-- every goal (their windows are their own: the facts of the goals' span are read, none without a goal).
-- The rules:
-- Metric alerts (kind metric_spike / metric_drop; metrics spend, conversions, ctr, cpa, roas,
-- open_rate from int.alert_metrics) — a robust band, weekday-aware by deseasonalising:
--   1. each value is adjusted by its weekday's offset (int.alert_metrics: median of the same
--      weekday minus median of all days, over the 56 days before it), so a quiet Sunday is
--      compared as a Sunday;
--   2. center = median and MAD = median absolute deviation of the adjusted values of the 28 days
--      before the day (the day itself excluded); sigma = 1.4826 x MAD (a standard deviation for
--      normal data), floored at 5 % of the center (steady spend capped by a daily budget has a
--      MAD of 0) and, for conversions, at sqrt(center) (counts vary at least like Poisson);
--   3. expected = center + the day's weekday offset; lower / upper = expected -/+ k x sigma
--      (lower never below 0), k = int.alert_settings.alert_k (ops.settings 'alert_k', default
--      3.5: Iglewicz and Hoaglin's cut-off for the modified z-score 0.6745 x (x - median) / MAD).
--      A value above upper is a spike, below lower a drop.
--   Evaluated only with at least 14 values in those 28 days (5 for open_rate: emails go out on
--   a few days a week), a center above 0 (a channel that mostly spends nothing has no band) and,
--   for spend and conversions, 3 earlier values of the same weekday (int.alert_metrics.profiled).
--   score = (value - expected) / sigma. severity: 'info' when the move is good news (a drop of
--   cpa, a spike of conversions, ctr, roas or open_rate), else 'critical' when |score| >= 2k,
--   else 'warning'; spend moving either way is never good news.
-- Budget alerts (budget_over / budget_under): marts.budget_pacing rows of the month of as_of
--   with pacing_status over / under, from the 5th day of the month on (a projection from fewer
--   days is noise). metric 'total_cost', value = projected_month_end, expected = planned,
--   lower / upper = planned x (1 -/+ pacing_tolerance). severity: over 'warning', under 'info'.
-- Goal alerts (goal_at_risk / goal_missed): marts.goal_progress rows with that status; channel
--   'all' for a goal over all channels, metric = the goal's kpi, value = current_value,
--   expected = target_value, lower (at_least) or upper (at_most) = target_value. severity:
--   missed 'critical', at_risk 'warning'.
-- subject: '' for metric alerts, the budget bucket ('' without a budget line), the goal_id.
-- alert_date: the metric's day; as_of for budget and goal alerts. alert_id = first 16 hex digits
-- of md5(kind|channel|metric|subject|key_date), stable across rebuilds and re-runs: subject = ''
-- (metrics), the bucket (budget) or the goal_id (goals); key_date = alert_date (metrics), the
-- month (budget: one alert per line per month), the month of as_of (goal_at_risk: at most one
-- reminder a month) or the deadline (goal_missed: once).
CREATE OR REPLACE MACRO marts.kpi_alerts_between(lo, hi) AS TABLE
WITH settings AS (
    SELECT stg_settings.*, alert_settings.alert_k AS k
    FROM stg.settings AS stg_settings
    CROSS JOIN int.alert_settings AS alert_settings
),
banded AS (
    SELECT
        metrics.*,
        median(adjusted) OVER history AS center,
        mad(adjusted) OVER history AS mad,
        count(adjusted) OVER history AS history_points
    FROM int.alert_metrics_between(lo::DATE - 28, hi) AS metrics   -- the 28 days of history before lo too
    WINDOW history AS (
        PARTITION BY channel, metric ORDER BY date
        RANGE BETWEEN INTERVAL 28 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING
    )
),
scaled AS (
    SELECT
        banded.*,
        settings.k,
        settings.reporting_currency AS currency,
        greatest(banded.center + banded.weekday_offset, 0) AS expected,
        greatest(
            1.4826 * banded.mad,
            0.05 * banded.center,
            CASE WHEN banded.metric = 'conversions' THEN sqrt(banded.center) ELSE 0 END
        ) AS sigma
    FROM banded
    CROSS JOIN settings
    WHERE banded.profiled
        AND banded.center > 0
        AND banded.history_points >= CASE WHEN banded.metric = 'open_rate' THEN 5 ELSE 14 END
),
bounded AS (
    SELECT
        scaled.*,
        greatest(expected - k * sigma, 0) AS lower,
        expected + k * sigma AS upper,
        (value - expected) / sigma AS score
    FROM scaled
),
metric_alerts AS (
    SELECT
        date AS alert_date,
        channel,
        CASE WHEN value > upper THEN 'metric_spike' ELSE 'metric_drop' END AS kind,
        metric,
        value,
        expected,
        lower,
        upper,
        CASE
            WHEN (metric = 'cpa' AND value < lower)
                OR (metric IN ('conversions', 'ctr', 'roas', 'open_rate') AND value > upper)
                THEN 'info'
            WHEN abs(score) >= 2 * k THEN 'critical'
            ELSE 'warning'
        END AS severity,
        channel || ' ' || CASE metric
            WHEN 'ctr' THEN 'CTR'
            WHEN 'cpa' THEN 'CPA'
            WHEN 'roas' THEN 'ROAS'
            WHEN 'open_rate' THEN 'email open rate'
            ELSE metric
        END || ' on ' || strftime(date, '%A %Y-%m-%d') || ' was '
            || int.format_metric(metric, value, currency)
            || CASE WHEN value > upper THEN ', above' ELSE ', below' END
            || ' its usual range of ' || int.format_metric(metric, lower, currency) || ' to '
            || int.format_metric(metric, upper, currency)
            || CASE WHEN weekday_offset <> 0 THEN ' for a ' || strftime(date, '%A') ELSE '' END
            || ' (expected ' || int.format_metric(metric, expected, currency)
            || ', from the last 28 days)' AS message,
        '' AS subject,
        date AS key_date,
        score
    FROM bounded
    WHERE (value > upper OR value < lower) AND (lo IS NULL OR date >= lo)
),
budget_alerts AS (
    SELECT
        pacing.as_of AS alert_date,
        pacing.channel,
        'budget_' || pacing.pacing_status AS kind,
        'total_cost' AS metric,
        pacing.projected_month_end AS value,
        pacing.planned AS expected,
        pacing.planned * (1 - settings.pacing_tolerance) AS lower,
        pacing.planned * (1 + settings.pacing_tolerance) AS upper,
        CASE pacing.pacing_status WHEN 'over' THEN 'warning' ELSE 'info' END AS severity,
        pacing.channel
            || CASE
                WHEN pacing.bucket IS NULL THEN ' has no budget for ' || strftime(pacing.month, '%B %Y')
                    || ' but is projected to cost '
                    || int.format_metric('total_cost', pacing.projected_month_end, pacing.currency)
                ELSE ' (' || pacing.bucket || ' budget) is projected to cost '
                    || int.format_metric('total_cost', pacing.projected_month_end, pacing.currency)
                    || ' in ' || strftime(pacing.month, '%B %Y') || ' against a plan of '
                    || int.format_metric('total_cost', pacing.planned, pacing.currency) || ' ('
                    || format('{:.0f}', pacing.projected_to_planned * 100) || '% of plan, '
                    || CASE pacing.pacing_status WHEN 'over' THEN 'over' ELSE 'under' END
                    || ' by more than ' || format('{:.0f}', settings.pacing_tolerance * 100) || '%)'
            END
            || '; ' || pacing.days_elapsed || ' of ' || pacing.days_in_month || ' days elapsed, '
            || int.format_metric('total_cost', pacing.actual_to_date, pacing.currency)
            || ' so far' AS message,
        coalesce(pacing.bucket, '') AS subject,
        pacing.month AS key_date,
        NULL::DOUBLE AS score
    FROM marts.budget_pacing_between(date_trunc('month', lo::DATE)::DATE, hi) AS pacing
    CROSS JOIN settings
    WHERE pacing.month = date_trunc('month', pacing.as_of)
        AND pacing.pacing_status IN ('over', 'under')
        AND pacing.days_elapsed >= 5
        AND (lo IS NULL OR pacing.as_of >= lo) AND (hi IS NULL OR pacing.as_of <= hi)
),
goal_alerts AS (
    SELECT
        goals.as_of AS alert_date,
        coalesce(goals.channel, 'all') AS channel,
        CASE goals.status WHEN 'missed' THEN 'goal_missed' ELSE 'goal_at_risk' END AS kind,
        goals.kpi AS metric,
        goals.current_value AS value,
        goals.target_value AS expected,
        CASE WHEN goals.direction = 'at_least' THEN goals.target_value END AS lower,
        CASE WHEN goals.direction = 'at_least' THEN NULL ELSE goals.target_value END AS upper,
        CASE goals.status WHEN 'missed' THEN 'critical' ELSE 'warning' END AS severity,
        'Goal ''' || goals.name || ''' (' || goals.kpi || ' '
            || CASE WHEN goals.direction = 'at_least' THEN 'at least ' ELSE 'at most ' END
            || int.format_metric(goals.kpi, goals.target_value, settings.reporting_currency)
            || ' on ' || coalesce(goals.channel, 'all channels') || ' by '
            || strftime(goals.deadline, '%Y-%m-%d') || ')'
            || CASE goals.status
                WHEN 'missed' THEN ' was missed: '
                    || int.format_metric(goals.kpi, goals.current_value, settings.reporting_currency)
                    || ' at the deadline'
                ELSE ' is at risk: '
                    || int.format_metric(goals.kpi, goals.current_value, settings.reporting_currency)
                    || ' so far, ' || coalesce(format('{:.0f}', goals.progress_pct), 'n/a')
                    || '% of the way with ' || format('{:.0f}', goals.expected_progress_pct)
                    || '% of the time gone, ' || goals.days_left || ' days left'
            END AS message,
        goals.goal_id AS subject,
        CASE goals.status
            WHEN 'missed' THEN goals.deadline
            ELSE date_trunc('month', goals.as_of)::DATE
        END AS key_date,
        NULL::DOUBLE AS score
    -- the goals' own span of days (no goal: an empty span, so no fact is read for none)
    FROM marts.goal_progress_within(
        (SELECT coalesce(min(start_date), DATE '9999-12-31') FROM stg.goals),
        (SELECT coalesce(max(least(goals.deadline, settings.as_of)), DATE '0001-01-01')
         FROM stg.goals AS goals CROSS JOIN stg.settings AS settings)
    ) AS goals
    CROSS JOIN settings
    WHERE goals.status IN ('at_risk', 'missed')
        AND (lo IS NULL OR goals.as_of >= lo) AND (hi IS NULL OR goals.as_of <= hi)
),
unioned AS (
    SELECT * FROM metric_alerts
    UNION ALL
    SELECT * FROM budget_alerts
    UNION ALL
    SELECT * FROM goal_alerts
)
SELECT
    alert_date,
    channel,
    kind,
    metric,
    value::DOUBLE AS value,
    expected::DOUBLE AS expected,
    lower::DOUBLE AS lower,
    upper::DOUBLE AS upper,
    severity,
    message,
    subject,
    md5(kind || '|' || channel || '|' || metric || '|' || subject || '|' || strftime(key_date, '%Y-%m-%d'))[:16]
        AS alert_id,
    score
FROM unioned
