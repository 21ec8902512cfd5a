"""Brevo: the campaign statistics of the trade-fair emails, Italian UI."""
from __future__ import annotations

from pathlib import Path

from roi.samples.business import EmailCampaign
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Brevo campaign statistics, Italian UI: UTF-8 BOM, ';', CRLF, title and period lines, thousands
    dots, a "Totale" row."""
    emails = sorted(sim.tool_emails["brevo"], key=lambda e: e.sent)
    header = ["Nome della campagna", "Oggetto", "Liste", "Data di invio", "Inviate", "Consegnate", "Aperture uniche",
              "Aperture", "Clic unici", "Clic", "Disiscrizioni", "Hard bounce", "Soft bounce", "Reclami",
              "Tasso di apertura"]

    def counts(e: EmailCampaign) -> list[int]:
        return [e.recipients, e.delivered, e.unique_opens, e.total_opens, e.unique_clicks, e.total_clicks,
                e.unsubscribes, e.hard, e.soft, e.complaints]

    def n(x: int) -> str:
        return fmt_num(x, 0, thousands=True, lang="it")

    body = [[e.title, e.subject, e.list_name, f"{e.sent:%d/%m/%Y %H:%M}", *map(n, counts(e)),
             fmt_num(100 * e.unique_opens / e.delivered, 2, lang="it") + " %"] for e in emails]
    if emails:
        body.append(["Totale", "", "", "", *(n(sum(col)) for col in zip(*map(counts, emails))), ""])
    preamble = ['"Statistiche campagne email";;;', f'"Periodo: {sim.start:%d/%m/%Y} - {sim.end:%d/%m/%Y}";;;']
    path = out / "brevo" / "statistiche_campagne_email.csv"
    return [write_table(path, [header] + body, delimiter=";", newline="\r\n", bom=True, preamble=preamble)]
