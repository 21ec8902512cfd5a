"""Pinterest Ads Manager: the ad-group report by day, Italian UI."""
from __future__ import annotations

import random
from pathlib import Path

from roi.samples.business import ACCOUNTS, PIN
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num
from roi.samples.simulation import Simulation


def write(sim: Simulation, out: Path) -> list[Path]:
    """Reporting › Export, ad-group level by day, Italian UI: a date-range line above the header, ";",
    decimal commas, dates as dd/mm/yyyy, checkout conversions and order value."""
    account = ACCOUNTS[PIN]
    r = random.Random(f"roi-demo:{sim.seed}:pinterest")
    rows = sorted((x for x in sim.market_ad_days if x.campaign.account == PIN),
                  key=lambda x: (x.day, x.campaign.name, x.ad.name))
    header = ["Data", "Nome della campagna", "ID campagna", "Nome del gruppo di annunci", "ID gruppo di annunci",
              "Valuta", "Spesa nella valuta dell'account", "Impressioni", "Clic sul Pin", "Copertura", "Salvataggi",
              "Conversioni totali (Checkout)", "Valore totale dell'ordine (Checkout)"]
    body = [[f"{x.day:%d/%m/%Y}", x.campaign.name, x.campaign.id, x.ad.name, x.ad.id, account["currency"],
             fmt_num(x.cost_cents / 100, lang="it"), x.impressions, x.clicks, x.reach,
             round(x.impressions * r.uniform(0.002, 0.006)), x.conv_centi // 100,
             fmt_num(x.value_cents / 100, lang="it")] for x in rows]
    preamble = [f"Intervallo di date: {sim.start:%d/%m/%Y} - {sim.end:%d/%m/%Y}"]
    path = out / "pinterest_ads" / f"pinterest_gruppi_di_annunci_{account['id']}.csv"
    return [write_table(path, [header] + body, delimiter=";", preamble=preamble)]
