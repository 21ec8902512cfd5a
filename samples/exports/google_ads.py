"""Google Ads: the UI's daily campaign report, Italian (EUR) and English (USD) accounts."""
from __future__ import annotations

from pathlib import Path

from roi.samples.business import ACCOUNTS, G_EN, G_IT
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num, fmt_pct, range_label
from roi.samples.simulation import Simulation

GOOGLE_TYPE_IT = {"Search": "Rete di ricerca", "Shopping": "Shopping", "Performance Max": "Performance Max",
                  "Display": "Rete Display"}


def write(sim: Simulation, out: Path) -> list[Path]:
    """Google Ads UI 'Campaign report' downloads, daily: IT (UTF-8 BOM, comma) and EN (UTF-16 TAB)."""
    paths = []
    for account, lang in ((G_IT, "it"), (G_EN, "en")):
        cur = ACCOUNTS[account]["currency"]
        rows = sorted((r for r in sim.ad_days if r.campaign.account == account),
                      key=lambda r: (r.day, r.campaign.name))

        def n(x, dec=0, th=True):
            return fmt_num(x, dec, thousands=th, lang=lang)

        def metrics(impr, clicks, cost_c, conv_c, value_c):
            cost, conv, value = cost_c / 100, conv_c / 100, value_c / 100
            ctr = clicks / impr if impr else None
            cpc = n(cost / clicks, 2, False) if clicks else " --"
            rate = conv / clicks if clicks else None
            cpa = n(cost / conv, 2, False) if conv_c else " --"
            return ([n(impr), n(clicks), fmt_pct(ctr, lang)], cpc, n(cost, 2, False),
                    [n(conv, 2), fmt_pct(rate, lang), n(value, 2), cpa])

        def line(status, name, cid, day, ctype, impr, clicks, cost_c, conv_c, value_c):
            head, cpc, cost, tail = metrics(impr, clicks, cost_c, conv_c, value_c)
            if lang == "it":
                return [status, name, cid, day, ctype, cur, *head, cpc, cost, *tail]
            return [status, name, cid, day, ctype, cur, *head, cur, cpc, cost, *tail]

        body = []
        for r in rows:
            c = r.campaign
            status = c.active(sim.end)
            status = ("Attiva" if status else "In pausa") if lang == "it" else ("Enabled" if status else "Paused")
            ctype = GOOGLE_TYPE_IT[c.ctype] if lang == "it" else c.ctype
            body.append(line(status, c.name, c.id, r.day.isoformat(), ctype, r.impressions, r.clicks,
                             r.cost_cents, r.conv_centi, r.value_cents))

        def sums(rs):
            return (sum(x.impressions for x in rs), sum(x.clicks for x in rs), sum(x.cost_cents for x in rs),
                    sum(x.conv_centi for x in rs), sum(x.value_cents for x in rs))

        total = sums(rows)
        labels = (("Totale: campagne", "Totale: account", "Totale: ") if lang == "it"
                  else ("Total: Campaigns", "Total: Account", "Total: "))
        body.append(line(labels[0], " --", " --", "", " --", *total))
        body.append(line(labels[1], "", "", "", "", *total))
        for ctype in dict.fromkeys(x.campaign.ctype for x in sorted(rows, key=lambda x: x.campaign.ctype)):
            label = GOOGLE_TYPE_IT[ctype] if lang == "it" else ctype
            body.append(line(labels[2] + label, "", "", "", label,
                             *sums([x for x in rows if x.campaign.ctype == ctype])))
        if lang == "it":
            header = ["Stato campagna", "Campagna", "ID campagna", "Giorno", "Tipo di campagna", "Codice valuta",
                      "Impr.", "Clic", "CTR", "CPC medio", "Costo", "Conversioni", "Tasso di conv.",
                      "Valore conv.", "Costo/conv."]
            preamble = ["Rapporto sulle campagne", range_label(sim.start, sim.end, "it")]
            path = out / "google_ads" / f"it_rapporto_campagne_{ACCOUNTS[account]['id']}.csv"
            paths.append(write_table(path, [header] + body, bom=True, preamble=preamble))
        else:
            header = ["Campaign status", "Campaign", "Campaign ID", "Day", "Campaign type", "Currency code",
                      "Impr.", "Clicks", "CTR", "Currency code", "Avg. CPC", "Cost", "Conversions",
                      "Conv. rate", "Conv. value", "Cost / conv."]
            preamble = ["Campaign report", range_label(sim.start, sim.end, "en")]
            path = out / "google_ads" / f"en_campaign_report_{ACCOUNTS[account]['id']}_usd.csv"
            # "CSV for Excel": UTF-16LE + BOM, TAB; numbers with thousands commas stay quoted
            paths.append(write_table(path, [header] + body, delimiter="\t", encoding="utf-16",
                                     preamble=preamble, force=lambda s: "," in s))
    return paths
