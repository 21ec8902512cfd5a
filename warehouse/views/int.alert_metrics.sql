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
-- The rows: int.alert_metrics_between, unbounded.
CREATE OR REPLACE VIEW int.alert_metrics AS
SELECT * FROM int.alert_metrics_between(NULL, NULL)
