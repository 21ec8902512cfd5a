"""Google Analytics 4: the traffic acquisition report by day, session source / medium and campaign, Italian UI."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from roi.samples.business import AMZ, META
from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num
from roi.samples.seasons import WEEKDAY_B2C, daterange, noise, season
from roi.samples.simulation import Simulation

PROPERTY = "bvcosmetici.it – GA4"
# The sessions an ad's clicks start, by the UTM source / medium its links carry (Meta splits as its touches do)
AD_SOURCES = {META: (("facebook", "paid_social", 0.6), ("instagram", "paid", 0.4)),
              "google_it": (("google", "cpc", 1),), "google_en": (("google", "cpc", 1),), "linkedin": (("linkedin", "paid_social", 1),),
              "microsoft": (("bing", "cpc", 1),), "tiktok": (("tiktok", "paid_social", 1),),
              "pinterest": (("pinterest", "paid_social", 1),)}
# Traffic no ad bought, sessions per average day before season and weekday
BASE = (("google", "organic", "(organic)", 260), ("(direct)", "(none)", "(direct)", 120),
        ("bing", "organic", "(organic)", 18), ("l.instagram.com", "referral", "(referral)", 22),
        ("beautyblog.it", "referral", "(referral)", 9), ("greenme.it", "referral", "(referral)", 7))
CONSENT = 0.86     # the share of purchases GA4 records (cookie consent, blockers)


def channel_group(source: str, medium: str) -> str:
    """GA4's default channel group for the demo's sources and media."""
    if medium in ("cpc",):
        return "Paid Search"
    if medium in ("paid_social", "paid"):
        return "Paid Social"
    if medium == "organic":
        return "Organic Search"
    if medium == "email":
        return "Email"
    if medium == "referral":
        return "Organic Social" if "instagram" in source else "Referral"
    if source == "(direct)":
        return "Direct"
    return "Unassigned"


def write(sim: Simulation, out: Path) -> list[Path]:
    """Reports › Acquisition › Traffic acquisition, with the date and session campaign added, downloaded as CSV
    from the Italian UI: `#` lines (report, account, property, dates) above the header, dates as YYYYMMDD,
    thousands with dots and decimals with commas, quoted where they hold a separator."""
    r = random.Random(f"roi-demo:{sim.seed}:ga4")
    cells: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])   # sessions, key events, revenue
    for x in sorted(sim.ad_days + sim.more_ad_days + sim.market_ad_days,
                    key=lambda x: (x.day, x.campaign.id, x.ad.id if x.ad else "")):
        if x.campaign.account == AMZ:       # Sponsored Products land on Amazon, not on the site
            continue
        for source, medium, share in AD_SOURCES[x.campaign.account]:
            cells[(x.day, source, medium, x.campaign.name)][0] += round(x.clicks * share * r.uniform(0.82, 0.94))
    for d in daterange(sim.start, sim.end):
        f = season(d) * WEEKDAY_B2C[d.weekday()]
        for source, medium, campaign, sessions in BASE:
            cells[(d, source, medium, campaign)][0] += round(sessions * f * noise(r, 0.12))
    for camp in sorted(sim.emails + [c for sent in sim.tool_emails.values() for c in sent], key=lambda c: c.sent):
        t = camp.touch
        first = round(camp.unique_clicks * r.uniform(0.95, 1.25))
        for day, part in ((camp.sent.date(), 0.7), (camp.sent.date() + timedelta(days=1), 0.3)):
            if day <= sim.end:
                cells[(day, t.source, t.medium, t.campaign)][0] += round(first * part)
    for order in sorted(sim.orders, key=lambda o: o.created):
        if order.b2b or r.random() > CONSENT:
            continue
        t = order.touch
        if t is None and order.person.touch and order.person.touch.medium == "organic" \
                and order.person.created.date() == order.created.date():
            t = order.person.touch          # Google's results carry no UTM, but GA4 sees the referrer
        key = ((order.created.date(), t.source, t.medium, t.campaign or f"({t.medium})") if t else
               (order.created.date(), "(direct)", "(none)", "(direct)"))
        cells[key][1] += 1
        cells[key][2] += order.total
    body = []
    for (day, source, medium, campaign), (sessions, key_events, revenue) in sorted(
            cells.items(), key=lambda kv: (kv[0][0], -kv[1][0], kv[0][1:])):
        sessions = max(int(sessions), round(key_events * r.uniform(2.5, 4)))
        if not sessions:
            continue
        engaged = round(sessions * r.uniform(0.48, 0.72))
        new_users = round(sessions * r.uniform(0.45, 0.8))
        body.append([f"{day:%Y%m%d}", channel_group(source, medium), f"{source} / {medium}", campaign,
                     fmt_num(sessions, 0, thousands=True, lang="it"), fmt_num(engaged, 0, thousands=True, lang="it"),
                     fmt_num(new_users, 0, thousands=True, lang="it"), int(key_events),
                     fmt_num(revenue, 2, thousands=True, lang="it") if revenue else "0"])
    header = ["Data", "Gruppo di canali predefinito della sessione", "Sorgente/mezzo della sessione",
              "Campagna della sessione", "Sessioni", "Sessioni con engagement", "Nuovi utenti", "Eventi chiave",
              "Entrate totali"]
    preamble = ["# ----------------------------------------", "# Acquisizione traffico: Sorgente/mezzo della sessione",
                "# Account: BV Cosmetici Naturali", f"# Proprietà: {PROPERTY}",
                "# ----------------------------------------", "#", "# Tutti gli utenti",
                f"# Data di inizio: {sim.start:%Y%m%d}", f"# Data di fine: {sim.end:%Y%m%d}"]
    path = out / "ga4" / f"acquisizione_traffico_{sim.start:%Y%m%d}_{sim.end:%Y%m%d}.csv"
    return [write_table(path, [header] + body, preamble=preamble)]
