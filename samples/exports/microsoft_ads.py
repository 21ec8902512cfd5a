"""Microsoft Advertising: the campaign performance report download by day."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from roi.samples.business import ACCOUNTS, MS
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import mdy, pct_of
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Microsoft Advertising campaign report download, daily, English UI: UTF-8 BOM, CRLF, every cell
    quoted, 'Report Name:' lines above the header, a Total row and a copyright footer."""
    account = ACCOUNTS[MS]
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == MS), key=lambda x: (x.day, x.campaign.name))
    header = ["Time period", "Account name", "Account number", "Campaign name", "Campaign ID", "Currency code",
              "Impr.", "Clicks", "CTR", "Avg. CPC", "Spend", "Conversions", "Revenue"]

    def metrics(impr: int, clicks: int, cost_c: int, conv_c: int, value_c: int) -> list[str]:
        return [f"{impr:,}", f"{clicks:,}", pct_of(clicks, impr),
                f"{cost_c / clicks / 100:.2f}" if clicks else "0.00", f"{cost_c / 100:,.2f}", f"{conv_c // 100:,}",
                f"{value_c / 100:,.2f}"]

    body = [[mdy(x.day), account["name"], account["number"], x.campaign.name, x.campaign.id, account["currency"],
             *metrics(x.impressions, x.clicks, x.cost_cents, x.conv_centi, x.value_cents)] for x in rows]
    if rows:
        body.append(["Total", "", "", "", "", "", *metrics(*(sum(getattr(x, f) for x in rows) for f in (
            "impressions", "clicks", "cost_cents", "conv_centi", "value_cents")))])
    ready = sim.end + timedelta(days=1)
    preamble = ['"Report Name: Campaign performance - daily"', f'"Report Time: {mdy(sim.start)},{mdy(sim.end)}"',
                '"Time Zone: (GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"',
                f'"Last Completed Available Day: {mdy(ready)} 10:20:00 AM (GMT)"', '"Potential Incomplete Data: false"',
                ""]
    footer = ["", f'"©{ready.year} Microsoft Corporation. All rights reserved. "']
    path = out / "microsoft_ads" / f"campaign_performance_{account['number']}.csv"
    return [write_table(path, [header] + body, newline="\r\n", bom=True, preamble=preamble, footer=footer,
                        force=lambda s: True)]
