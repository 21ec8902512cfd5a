"""Klaviyo: the campaign analytics export of the October trial, one row per A/B variant."""
from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from roi.samples.business import EmailCampaign
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import pct_of
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Klaviyo campaign export (Campaigns > Export analytics): UTF-8, rates next to the counts, one row
    per A/B variant; Placed Order and Revenue in Klaviyo's own attribution window (it credits orders
    that came through other channels too)."""
    r = random.Random(f"roi-demo:{sim.seed}:klaviyo")
    placed: dict[str, list[float]] = defaultdict(list)
    for o in sim.orders:
        if o.touch and o.touch.source == "klaviyo":
            placed[o.touch.key[1]].append(o.total)
    emails = sorted(sim.tool_emails["klaviyo"], key=lambda e: (e.sent, e.variant))
    best: dict[str, EmailCampaign] = {}
    for e in emails:
        if e.variant and (e.campaign_id not in best or
                          e.unique_opens / e.delivered > best[e.campaign_id].unique_opens / best[e.campaign_id].delivered):
            best[e.campaign_id] = e
    header = ["Campaign Name", "Variant Name", "Tags", "Subject", "List", "Send Time", "Send Weekday", "Total Recipients",
              "Unique Placed Order", "Placed Order Rate", "Revenue", "Unique Opens", "Open Rate", "Total Opens",
              "Unique Clicks", "Click Rate", "Total Clicks", "Unsubscribes", "Spam Complaints", "Spam Complaints Rate",
              "Successful Deliveries", "Bounces", "Bounce Rate", "Campaign ID", "Campaign Channel", "Winning Variant?"]
    body = []
    for e in emails:
        values = placed.get(e.uid, [])
        factor = r.uniform(1.15, 1.5)
        orders = round(len(values) * factor)
        revenue = round(sum(values) * factor, 2) if orders else 0.0
        bounces = e.soft + e.hard
        tags = "Newsletter, Linea Bio" if "Bio" in e.title or "vitamina" in e.title else "Newsletter"
        winner = "" if not e.variant else ("TRUE" if best[e.campaign_id] is e else "FALSE")
        body.append([e.title, e.variant, tags, e.subject, e.list_name, f"{e.sent:%Y-%m-%d %H:%M:%S}", f"{e.sent:%A}",
                     f"{e.recipients:,}", orders, pct_of(orders, e.recipients), f"{revenue:,.2f}",
                     f"{e.unique_opens:,}", pct_of(e.unique_opens, e.delivered), f"{e.total_opens:,}",
                     f"{e.unique_clicks:,}", pct_of(e.unique_clicks, e.delivered), f"{e.total_clicks:,}",
                     e.unsubscribes, e.complaints, pct_of(e.complaints, e.delivered), f"{e.delivered:,}", bounces,
                     pct_of(bounces, e.recipients), e.campaign_id, "Email", winner])
    return [write_table(out / "klaviyo" / "klaviyo_campaigns_export.csv", [header] + body)]
