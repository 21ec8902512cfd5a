"""HubSpot: the marketing email performance export of the B2B nurturing emails."""
from __future__ import annotations

from pathlib import Path

from roi.samples.business import EmailCampaign
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import en_short, en_time, pct_of
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """HubSpot marketing email dashboard export, English UI: UTF-8 BOM, CRLF, title and date-range lines,
    counts next to their rates, a Total row."""
    emails = sorted(sim.tool_emails["hubspot"], key=lambda e: e.sent)
    header = ["Email name", "Email ID", "Subject", "Send date", "Sent", "Delivered", "Delivered rate", "Opened",
              "Open rate", "Clicked", "Click rate", "Hard bounced", "Soft bounced", "Unsubscribed", "Spam reports"]

    def line(name: str, eid: str, subject: str, when: str, c: list[int]) -> list[str]:
        sent, delivered, opened, clicked, hard, soft, unsub, spam = c
        rates = name != "Total"
        return [name, eid, subject, when, f"{sent:,}", f"{delivered:,}", pct_of(delivered, sent) if rates else "",
                f"{opened:,}", pct_of(opened, delivered) if rates else "", f"{clicked:,}",
                pct_of(clicked, delivered) if rates else "", f"{hard:,}", f"{soft:,}", f"{unsub:,}", f"{spam:,}"]

    def counts(e: EmailCampaign) -> list[int]:
        return [e.recipients, e.delivered, e.unique_opens, e.unique_clicks, e.hard, e.soft, e.unsubscribes,
                e.complaints]

    body = [line(e.title, e.campaign_id, e.subject, en_time(e.sent), counts(e)) for e in emails]
    if emails:
        body.append(line("Total", "", "", "", [sum(col) for col in zip(*map(counts, emails))]))
    preamble = ["Marketing email performance", f'"Date range: {en_short(sim.start)} - {en_short(sim.end)}"']
    path = out / "hubspot_email" / "marketing_email_performance.csv"
    return [write_table(path, [header] + body, newline="\r\n", bom=True, preamble=preamble)]
