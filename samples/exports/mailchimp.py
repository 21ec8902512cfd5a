"""Mailchimp: the campaigns export of the newsletters (lists "Clienti" and "Newsletter B2B")."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.simulation import Simulation


def _money_mc(x: float) -> str:
    return f"€{x:,.2f} "


def write(sim: Simulation, out: Path) -> list[Path]:
    """Mailchimp campaign export: cp1252, CRLF, no final newline, rates 0-100, 'n/a' cells."""
    header = ["Title", "Subject", "List", "Send_Date", "Send_Weekday", "Total_Recipients",
              "Successful_Deliveries", "Soft_Bounces", "Hard_Bounces", "Total_Bounces", "Times_Forwarded",
              "Forwarded_Opens", "Unique_Opens", "Open_Rate", "Total_Opens", "Unique_Clicks", "Click_Rate",
              "Total_Clicks", "Unsubscribes", "Abuse_Complaints", "Times_Liked_on_Facebook", "Folder_Id",
              "Unique_Id", "Analytics_ROI", "Campaign_Cost", "Revenue_Created", "Visits", "New_Visits",
              "Pages/Visit", "Bounce_Rate", "Time_on_Site", "Goal_Conversion_Rate", "Per_Visit_Goal_Value",
              "Transactions", "Ecommerce_Conversion_Rate", "Per_Visit_Value", "Average_Value"]
    revenue: dict[str, float] = defaultdict(float)
    for o in sim.orders:
        if o.touch and o.touch.key and o.touch.key[0] == "email":
            revenue[o.touch.key[1]] += o.total

    def rate(a: int, b: int) -> str:
        return f"{round(100 * a / b, 2):g}" if b else "0"

    body = []
    for e in sorted(sim.emails, key=lambda e: (e.sent, e.title), reverse=True):
        s = e.sent
        body.append([e.title, e.subject, e.list_name, f"{s.month}/{s.day}/{s:%y} {s.hour}:{s:%M}", f"{s:%A}",
                     e.recipients, e.delivered, e.soft, e.hard, e.soft + e.hard, e.forwarded,
                     min(e.forwarded, 1), e.unique_opens, rate(e.unique_opens, e.delivered), e.total_opens,
                     e.unique_clicks, rate(e.unique_clicks, e.delivered), e.total_clicks, e.unsubscribes,
                     e.complaints, 0, 0 if e.ecommerce else 6621, e.uid, "n/a", "n/a",
                     _money_mc(revenue.get(e.uid, 0.0)) if e.ecommerce else "n/a", *["n/a"] * 11])
    path = out / "mailchimp" / "campaigns.csv"
    return [write_table(path, [header] + body, newline="\r\n", encoding="cp1252", final_newline=False)]
