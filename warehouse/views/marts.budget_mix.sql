-- grain: one row per month per bucket (proven, new, experiment) for every month with a budget
-- planned / actual / spend: the bucket's budget lines summed (actual = actual_to_date, total cost
-- with staff and production costs; spend = spend_to_date, media spend alone; both from
-- int.budget_lines as in marts.budget_pacing; costs of channels without a budget line are left out
-- of the mix). planned_share = planned / month's planned; actual_share = actual / month's actual;
-- spend_share = spend / month's spend; target_share: the 70/20/10 rule (proven 0.7, new 0.2,
-- experiment 0.1); the _gap columns = share - target_share.
-- The rows: marts.budget_mix_between, unbounded.
CREATE OR REPLACE VIEW marts.budget_mix AS
SELECT * FROM marts.budget_mix_between(NULL, NULL)
