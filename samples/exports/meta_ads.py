"""Meta Ads Manager: the ad-level export by day, Italian UI."""
from __future__ import annotations

import re
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_trim
from roi.samples.simulation import Simulation


def _meta_quote(s: str) -> bool:
    return bool(s) and re.search(r"[^A-Za-z0-9_.\-:]", s) is not None


def write(sim: Simulation, out: Path) -> list[Path]:
    """Ads Manager export, ad level by day, Italian UI: UTF-8 BOM, comma, decimal commas."""
    header = ["Giorno", "Nome della campagna", "ID campagna", "Nome del gruppo di inserzioni",
              "ID gruppo di inserzioni", "Nome dell'inserzione", "ID inserzione", "Copertura", "Frequenza",
              "Impressioni", "Valuta", "Importo speso (EUR)", "Clic sul link", "Acquisti",
              "Valore di conversione degli acquisti", "Inizio report", "Fine report"]
    rows = sorted((r for r in sim.ad_days if r.ad), key=lambda r: (-r.day.toordinal(), r.campaign.name,
                                                                    r.ad.adset, r.ad.name, r.ad.id))
    body = []
    for r in rows:
        purchases = str(r.conv_centi // 100) if r.conv_centi else ""
        value = fmt_trim(r.value_cents / 100, 2, "it") if r.conv_centi else ""
        body.append([r.day.isoformat(), r.campaign.name, r.campaign.id, r.ad.adset, r.ad.adset_id, r.ad.name,
                     r.ad.id, r.reach, fmt_trim(r.impressions / r.reach, 8, "it"), r.impressions, "EUR",
                     fmt_trim(r.cost_cents / 100, 2, "it"), r.clicks, purchases, value, r.day.isoformat(),
                     r.day.isoformat()])
    path = out / "meta_ads" / f"meta_ads_inserzioni_{sim.start:%Y%m%d}_{sim.end:%Y%m%d}.csv"
    return [write_table(path, [header] + body, bom=True, force=_meta_quote)]
