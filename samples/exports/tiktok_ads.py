"""TikTok Ads Manager: the ad-level custom report by day, as XLSX."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from roi.samples.business import ACCOUNTS, TT
from roi.samples.exports.files import write_xlsx
from roi.samples.exports.formats import pct_of
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """TikTok Ads Manager custom report, ad level by day, as the XLSX it downloads by default: IDs as
    text, metrics as numbers, a "Total of N results" row at the end."""
    r = random.Random(f"roi-demo:{sim.seed}:tiktok")
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == TT),
                  key=lambda x: (x.day, x.ad.adset, x.ad.name, x.ad.id))
    header = ["Date", "Campaign name", "Campaign ID", "Ad group name", "Ad group ID", "Ad name", "Ad ID", "Currency",
              "Cost", "Impressions", "Clicks (destination)", "CTR (destination)", "CPC (destination)", "Conversions",
              "Cost per conversion", "Total purchase value", "Reach", "Video views"]

    def metrics(cost_c: int, impr: int, clicks: int, conv: int, value_c: int, reach: int, views: int) -> list:
        cost = cost_c / 100
        return [cost, impr, clicks, pct_of(clicks, impr),
                round(cost / clicks, 2) if clicks else 0, conv, round(cost / conv, 2) if conv else 0, value_c / 100,
                reach, views]

    body, sums = [], [0] * 7
    for x in rows:
        part = [x.cost_cents, x.impressions, x.clicks, x.conv_centi // 100, x.value_cents, x.reach,
                round(x.impressions * r.uniform(0.45, 0.6))]
        sums = [a + b for a, b in zip(sums, part)]
        body.append([x.day.isoformat(), x.campaign.name, x.campaign.id, x.ad.adset, x.ad.adset_id, x.ad.name, x.ad.id,
                     ACCOUNTS[TT]["currency"], *metrics(*part)])
    sums[5] = round(sums[5] / 1.9)            # reach is deduplicated over the period, not a sum
    body.append([f"Total of {len(rows)} results", "", "", "", "", "", "", "", *metrics(*sums)])
    path = out / "tiktok_ads" / f"tiktok_custom_report_{sim.start:%Y%m%d}_{sim.end:%Y%m%d}.xlsx"
    return [write_xlsx(path, [header] + body, when=datetime.combine(sim.end + timedelta(days=1), datetime.min.time())
                       .replace(hour=8, minute=40))]
