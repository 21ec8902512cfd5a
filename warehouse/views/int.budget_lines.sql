-- grain: one row per budget line (month, channel, bucket) of core.budgets, plus one row (bucket NULL, planned 0) per channel with costs but no budget line in a month that has budgets
-- planned: summed over sources, reporting currency. actual_to_date: total_cost (media spend +
-- non-media costs) of the channel in the month, days up to as_of; spend_to_date: the media spend
-- alone (ad platforms), same days. When a channel has several buckets in one month, both are split
-- across them in proportion to their planned amounts (equally when all planned are 0): costs carry
-- no bucket.
-- The lines: int.budget_lines_between, unbounded.
CREATE OR REPLACE VIEW int.budget_lines AS
SELECT * FROM int.budget_lines_between(NULL, NULL)
