"""LinkedIn Campaign Manager: the campaign performance report by day."""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from roi.samples.business import ACCOUNTS, LI, LI_GROUPS
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import en_long, mdy
from roi.samples.seasons import poisson
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Campaign Manager 'Campaign performance' export, daily: UTF-16LE with BOM, TAB, report lines above."""
    account = ACCOUNTS[LI]
    r = random.Random(f"roi-demo:{sim.seed}:linkedin")
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == LI), key=lambda x: (x.day, x.campaign.name))
    header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Group ID", "Campaign Name",
              "Campaign ID", "Campaign Type", "Currency", "Total Spent", "Impressions", "Clicks",
              "Click Through Rate", "Average CPC", "Reactions", "Comments", "Shares", "Follows", "Total Engagements",
              "Conversions", "Total Conversion Value", "Leads", "Reach"]
    body = []
    for x in rows:
        c = x.campaign
        group, group_id = LI_GROUPS[c.id]
        social = [poisson(r, x.impressions * k) for k in (0.004, 0.0003, 0.0002, 0.0004)]
        cost = x.cost_cents / 100
        body.append([mdy(x.day), account["name"], group, group_id, c.name, c.id, c.ctype, account["currency"],
                     f"{cost:.2f}", x.impressions, x.clicks, f"{x.clicks / x.impressions:.4f}",
                     f"{cost / x.clicks:.2f}" if x.clicks else "0", *social, x.clicks + sum(social),
                     x.conv_centi // 100, f"{x.value_cents / 100:.2f}", 0, x.reach])
    preamble = ["Campaign Performance Report (in UTC)", f'"Report Start: {en_long(sim.start)}, 12:00 AM"',
                f'"Report End: {en_long(sim.end)}, 11:59 PM"',
                f'"Date Generated: {en_long(sim.end + timedelta(days=1))}, 8:12 AM"', ""]
    path = out / "linkedin_ads" / f"campaign_performance_report_{account['id']}.csv"
    return [write_table(path, [header] + body, delimiter="\t", encoding="utf-16", preamble=preamble)]
