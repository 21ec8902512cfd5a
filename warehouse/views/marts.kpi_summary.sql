-- grain: one row per channel: all loaded days summed, every ratio from those sums (roi kpi --by channel)
-- int.channel_kpis over all days. first_date / last_date: the channel's first and last day with any fact.
CREATE OR REPLACE VIEW marts.kpi_summary AS
SELECT * EXCLUDE (period_start, days)
FROM int.channel_kpis('all')
