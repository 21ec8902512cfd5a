"""The monthly media-mix fit as a Prefect flow: the warehouse's history refitted, the new fit stored beside the old."""
from __future__ import annotations

from prefect import flow, get_run_logger

from roi.mmm.run import fit
from roi.pipeline.config import load_settings


@flow(name="roi-mmm")
def mmm_fit(config: str | None = None, quick: bool = False) -> str:
    """Fits the media-mix model on every whole week the warehouse holds; returns the fit's id."""
    settings = load_settings(config, check_secrets=False)
    result = fit(settings, quick=quick)
    logger = get_run_logger()
    logger.info("media-mix fit %s: %s – %s, %s weeks, %s", result["fit_id"], result["period_start"],
                result["period_end"], result["weeks"], result["method"])
    for channel in result["channels"]:
        logger.info("%s: ROI %.2f (5–95 %%: %.2f–%.2f)", channel["channel"], channel["roi"] or 0,
                    channel["roi_p05"] or 0, channel["roi_p95"] or 0)
    return result["fit_id"]
