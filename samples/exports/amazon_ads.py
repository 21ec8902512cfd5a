"""Amazon Ads console: the Sponsored Products campaign report by day, Amazon.it (Italian UI)."""
from __future__ import annotations

from pathlib import Path

from roi.samples.business import ACCOUNTS, AMZ
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Reports › Sponsored Products › Campaign, daily, downloaded as CSV from the Italian console: ";",
    decimal commas, dd/mm/yyyy, "Vendite totali (€) 14 giorni" (sales on Amazon that the ads drove),
    ACOS and ROAS beside them, empty where there were no sales."""
    account = ACCOUNTS[AMZ]
    rows = sorted((x for x in sim.market_ad_days if x.campaign.account == AMZ), key=lambda x: (x.day, x.campaign.name))
    header = ["Data", "Nome portafoglio", "Valuta", "Nome campagna", "Impressioni", "Clic",
              "Percentuale di clic (CTR)", "Costo per clic (CPC)", "Spesa", "Vendite totali (€) 14 giorni",
              "Costo pubblicitario delle vendite (ACOS) totale", "Ritorno sulla spesa pubblicitaria (ROAS) totale",
              "Totale ordini (#) 14 giorni", "Unità totali (#) 14 giorni"]
    body = []
    for x in rows:
        cost, sales = x.cost_cents / 100, x.value_cents / 100
        orders = x.conv_centi // 100
        body.append([f"{x.day:%d/%m/%Y}", "Cura del viso", account["currency"], x.campaign.name,
                     fmt_num(x.impressions, 0, thousands=True, lang="it"), x.clicks,
                     fmt_num(100 * x.clicks / x.impressions, 4, lang="it") + "%",
                     fmt_num(cost / x.clicks, lang="it") if x.clicks else "0,00", fmt_num(cost, lang="it"),
                     fmt_num(sales, thousands=True, lang="it"),
                     fmt_num(100 * cost / sales, lang="it") + "%" if sales else "",
                     fmt_num(sales / cost, lang="it") if cost else "0,00", orders,
                     orders + (1 if orders and x.day.day % 3 == 0 else 0)])
    path = out / "amazon_ads" / "Sponsored_Products_Campaign_report_giornaliero.csv"
    return [write_table(path, [header] + body, delimiter=";", bom=True)]
