-- grain: one row per month per channel per budget bucket (bucket NULL: costs of a channel without a budget line that month)
-- Pacing on total cost (the unprefixed columns) and on media spend alone (the spend_ columns), both
-- against the same planned amount: total cost swings with one-off staff and production costs,
-- media spend is what the ad platforms bill.
-- actual_to_date: total_cost (media spend + non-media costs) of the channel in the month up to
-- as_of; spend_to_date: its media spend alone; both split across the channel's buckets in
-- proportion to planned (int.budget_lines). remaining = planned - actual_to_date.
-- projected_month_end (spend_projected_month_end): past months = the amount to date; the month of
-- as_of = amount to date / days_elapsed x days_in_month; months after as_of: NULL (nothing spent
-- yet, status NULL). projected_to_planned (spend_projected_to_planned) = projected / planned.
-- pacing_status (spend_pacing_status): 'over' when projected > planned x (1 + pacing_tolerance),
-- 'under' when projected < planned x (1 - pacing_tolerance), else 'on_track' (tolerance default
-- 0.10). marts.kpi_alerts alerts on pacing_status (total cost).
-- The rows: marts.budget_pacing_between, unbounded.
CREATE OR REPLACE VIEW marts.budget_pacing AS
SELECT * FROM marts.budget_pacing_between(NULL, NULL)
