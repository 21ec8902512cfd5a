-- grain: one row per media-mix fit per channel per weekly spend on the curve (`roi mmm`)
-- incremental: the weekly outcome a spend held every week adds once its carry-over has built up, with its 5–95 %
-- interval (mmm/response.py); the curve runs from 0 to twice the channel's largest fitted week.
CREATE OR REPLACE VIEW marts.mmm_response_curves AS
SELECT
    curves.fit_id,
    fits.fitted_at,
    fits.outcome,
    fits.currency,
    curves.channel,
    curves.weekly_spend,
    curves.incremental,
    curves.incremental_p05,
    curves.incremental_p95,
    curves.fit_id = (SELECT fit_id FROM marts.mmm_channel_roi WHERE is_latest LIMIT 1) AS is_latest
FROM mmm.response_curves AS curves
JOIN mmm.fits AS fits USING (fit_id)
