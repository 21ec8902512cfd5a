"""The marketing costs sheet kept in Excel: staff hours, tools, agency fees, content, the fair."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from roi.samples.business import HUBSPOT_START, KLAVIYO_START, LINKEDIN_LAUNCH, PINTEREST_LAUNCH, TIKTOK_LAUNCH
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num, fmt_trim
from roi.samples.seasons import daterange, fair_start, month_starts
from roi.samples.simulation import Simulation


def _it(x: float, dec: int = 2) -> str:
    return fmt_num(x, dec, thousands=True, lang="it")


def cost_rows(start: date, end: date, seed: int) -> list[list[str]]:
    """The costs sheet: weekly timesheets, monthly subscriptions and fees, one-off production and the fair."""
    r = random.Random(f"roi-demo:{seed}:costs")
    rows: list[tuple] = []  # (sort date, data, mese, canale, campagna, tipo, descrizione, ore, tariffa, importo, valuta)
    staff = (("google_ads", "SEA specialist – ottimizzazione campagne", 8, 40.0),
             ("meta_ads", "Social media manager", 12, 35.0),
             ("email", "Email marketing – newsletter e automazioni", 6, 30.0))
    for d in daterange(start, end):
        if d.weekday() == 4:
            for channel, desc, hours, rate in staff:
                h = max(2.0, hours + r.choice((-2, -1.5, -1, -0.5, 0, 0, 0.5, 1, 1.5, 2)))
                rows.append((d, d, channel, "", "personale", desc, h, rate, round(h * rate, 2), "EUR"))
        if d.day == 10:
            rows.append((d, d, "meta_ads", "", "freelance", "Copywriter freelance – testi annunci",
                         r.choice((6, 7.5, 8, 9)), 45.0, None, "EUR"))
        if (d.month, d.day) == (9, 15):
            rows.append((d, d, "email", "", "freelance", "Grafico freelance – template newsletter autunno",
                         5, 50.0, None, "EUR"))
        if (d.month, d.day) == (9, 22):
            bio = d.year == 2026
            rows.append((d, d, "meta_ads", "BV_Lancio_Linea_Bio" if bio else "", "contenuti",
                         "Shooting fotografico Linea Bio" if bio else f"Shooting fotografico collezione autunno {d.year}",
                         None, None, 1850.0 if bio else 1400.0, "EUR"))
        if (d.month, d.day) == (9, 29) and d.year == 2026:
            rows.append((d, d, "meta_ads", "BV_Lancio_Linea_Bio", "freelance", "Video UGC creator (3 video)",
                         6, 75.0, None, "EUR"))
        if (d.month, d.day) == (11, 3):
            rows.append((d, d, "meta_ads", "BV_Black_Friday", "contenuti", f"Shooting prodotti Natale {d.year}",
                         None, None, 1400.0, "EUR"))
        if (d.month, d.day) == (10, 14):
            rows.append((d, d, "meta_ads", "", "formazione", "Corso Meta Blueprint (certificazione)",
                         None, None, 290.0, "EUR"))
        if d.weekday() == 4 and d >= LINKEDIN_LAUNCH:
            rows.append((d, d, "linkedin_ads", "", "personale", "Marketing B2B – campagne LinkedIn", 3, 35.0, 105.0,
                         "EUR"))
        if d == TIKTOK_LAUNCH - timedelta(days=6):
            rows.append((d, d, "tiktok_ads", "BV_TikTok_Test_Linea_Bio", "freelance", "Video UGC TikTok (3 creator)",
                         6, 75.0, None, "EUR"))
        if d.weekday() == 0 and d >= date(2026, 8, 1):
            rows.append((d, d, "amazon_ads", "", "personale", "Gestione campagne Amazon Ads e catalogo", 2, 30.0,
                         60.0, "EUR"))
        if d == PINTEREST_LAUNCH - timedelta(days=5):
            rows.append((d, d, "pinterest_ads", "BV_Pinterest_Routine_Autunno", "freelance",
                         "Grafiche Pin verticali (12 creatività)", 8, 40.0, None, "EUR"))
        if d == fair_start(d.year):
            y = d.year
            rows += [(d, d, "events", f"SANA {y}", "altro", f"Stand SANA Bologna {y} (4 giorni)", None, None,
                      4500.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "altro", "Trasferta e allestimento stand", None, None,
                      1180.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "personale", "Personale allo stand", 32, 28.0, 896.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "contenuti", "Materiali stampati e campioncini", None, None,
                      620.0, "EUR")]
    for m in month_starts(start, end):
        monthly = [("google_ads", "agenzia", "Fee mensile gestione Google Ads – Agenzia Rossi Digital", 1200.0, "EUR"),
                   ("google_ads", "strumento", "Semrush Pro", 139.95, "USD"),
                   ("meta_ads", "strumento", "Canva Pro", 11.99, "EUR"),
                   ("email", "strumento", "Mailchimp Standard (18.000 contatti)", 189.0, "EUR"),
                   ("email", "strumento", "Brevo Starter (20.000 email/mese)", 19.0, "EUR"),
                   ("microsoft_ads", "agenzia", "Fee mensile gestione Microsoft Ads – Agenzia Rossi Digital", 150.0,
                    "EUR")]
        if m >= HUBSPOT_START.replace(day=1):
            monthly.append(("email", "strumento", "HubSpot Marketing Hub Starter", 20.0, "EUR"))
        if m >= KLAVIYO_START.replace(day=1):
            monthly.append(("email", "strumento", "Klaviyo Email (fino a 1.500 profili)", 45.0, "USD"))
        for channel, kind, desc, amount, cur in monthly:
            rows.append((m, None, channel, "", kind, desc, None, None, amount, cur))
    rows.sort(key=lambda x: (x[0], x[1] is not None, x[2], x[5]))
    out = []
    for when, d, channel, campaign, kind, desc, hours, rate, amount, cur in rows:
        month = d or when
        out.append([f"{d:%d/%m/%Y}" if d else "", f"{month:%Y-%m}", channel, campaign, kind, desc,
                    "" if hours is None else fmt_trim(hours, 1, "it"),
                    "" if rate is None else _it(rate), "" if amount is None else _it(amount), cur])
    return out


def write(sim: Simulation, out: Path) -> list[Path]:
    """Italian costs sheet saved by Excel: UTF-8 BOM, ';', CRLF, decimal commas."""
    header = ["data", "mese", "canale", "campagna", "tipo", "descrizione", "ore", "tariffa oraria", "importo",
              "valuta"]
    path = out / "costs" / "costi_marketing.csv"
    return [write_table(path, [header] + cost_rows(sim.start, sim.end, sim.seed), delimiter=";",
                        newline="\r\n", bom=True)]
