-- grain: one row per media-mix fit per channel (`roi mmm`; every fit kept under its fit_id)
-- incremental: the outcome (net revenue, orders or leads, as the fit's `outcome` says) the channel added over the
-- fitted weeks by the model, with its 5–95 % interval; roi = incremental ÷ media spend, the media-mix convention
-- (revenue added per unit of currency spent: 1.0 pays the media back, staff and fees not counted); share_explained
-- = incremental ÷ the outcome of the weeks. The fit's diagnostics ride along: r_hat_max (≤ 1.05 converged),
-- divergences (0 expected), mape and r2 of the fitted weeks, and doubts (what the model is not sure of, JSON).
-- is_latest: the most recent fit (of a full fit when one exists, else of a --quick preview).
CREATE OR REPLACE VIEW marts.mmm_channel_roi AS
WITH latest AS (
    SELECT arg_max(fit_id, (NOT quick, fitted_at, fit_id)) AS fit_id FROM mmm.fits
)
SELECT
    roi.fit_id,
    fits.fitted_at,
    fits.period_start,
    fits.period_end,
    fits.weeks,
    fits.outcome,
    fits.currency,
    roi.channel,
    roi.spend,
    roi.incremental,
    roi.incremental_p05,
    roi.incremental_p95,
    roi.roi,
    roi.roi_p05,
    roi.roi_p95,
    roi.share_explained,
    roi.adstock_alpha,
    fits.method,
    fits.quick,
    fits.r_hat_max,
    fits.divergences,
    fits.mape,
    fits.r2,
    fits.doubts,
    roi.fit_id = (SELECT fit_id FROM latest) AS is_latest
FROM mmm.channel_roi AS roi
JOIN mmm.fits AS fits USING (fit_id)
