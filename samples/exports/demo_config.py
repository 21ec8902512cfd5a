"""The demo's roi.toml, written beside the exports: one [[sources]] per export kind, paths relative to it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from roi.samples.exports.files import write_bytes

ROI_TOML = '''\
# roi — demo configuration for the bundled sample exports of a "Bottega Verde"-like Italian
# e-commerce with a B2B wholesale arm, reporting in EUR.
# Written by samples/generate.py ({days} days ending {end}, seed {seed}); regenerate with
#   python -m roi.samples.generate            (the ~90-day slice bundled in samples/demo/)
#   python -m roi.samples.generate --full     (two years into data/demo-full/, with its own roi.toml)
#
# Every [[sources]] path is relative to THIS file's folder. The warehouse path of the bundled
# demo is relative to the folder you run `roi` from (the package folder may be read-only).

[warehouse]
path = "data/roi.duckdb"
reporting_currency = "EUR"
timezone = "Europe/Rome"

# [kpi]
# attribution = "first_touch"   # credit revenue to the lead's first UTM: the fair and organic
#                                # search then get the B2B and repeat revenue they started

[channels]
# The trade fair (SANA Bologna) is an offline channel: its costs and leads count like any other.
custom = ["events"]

# Leads scanned at the fair carry utm_source = "sana_bologna", utm_medium = "events".
[[channels.rules]]
utm_medium = "events?|fiera|trade[-_ ]?show"
channel = "events"

# lookback_days = 3650 in every source: the demo window then covers the whole bundled slice
# whatever day you run it. Real nightly configurations use 28 (platforms restate ~4 weeks).

# Google Ads, Italian UI, EUR (UTF-8 with BOM, decimal commas, "Totale: ..." rows)
[[sources]]
name = "google_ads_it"
kind = "google_ads"
mode = "files"
path = "google_ads/it_*.csv"
lookback_days = 3650

# Google Ads, English UI, billed in USD ("CSV for Excel": UTF-16LE, TAB) — converted with ECB rates
[[sources]]
name = "google_ads_en"
kind = "google_ads"
mode = "files"
path = "google_ads/en_*.csv"
lookback_days = 3650

# Meta Ads Manager, ad level by day, Italian UI
[[sources]]
name = "meta_ads"
kind = "meta_ads"
mode = "files"
path = "meta_ads/*.csv"
lookback_days = 3650

# LinkedIn Campaign Manager, campaign performance by day (UTF-16LE, TAB, "Report Start/End" lines):
# the B2B lead campaigns; their leads carry utm_source = linkedin, utm_medium = paid_social
[[sources]]
name = "linkedin_ads"
kind = "linkedin_ads"
mode = "files"
path = "linkedin_ads/*.csv"
lookback_days = 3650

# Microsoft Advertising report download ("Report Name:" lines, a Total row, a © footer):
# the Italian search campaigns imported from Google Ads
[[sources]]
name = "microsoft_ads"
kind = "microsoft_ads"
mode = "files"
path = "microsoft_ads/*.csv"
lookback_days = 3650

# TikTok Ads Manager custom report (XLSX, ad level by day, "Total of N results" row):
# the October test for the Bio line, paid from the "experiment" budget bucket
[[sources]]
name = "tiktok_ads"
kind = "tiktok_ads"
mode = "files"
path = "tiktok_ads/*.xlsx"
lookback_days = 3650

# Pinterest Ads Manager, ad-group level by day, Italian UI ("Intervallo di date" line, ";", decimal
# commas): the autumn routine and gift ideas campaigns from September; buyers come with utm_source = pinterest
[[sources]]
name = "pinterest_ads"
kind = "pinterest_ads"
mode = "files"
path = "pinterest_ads/*.csv"
lookback_days = 3650

# Amazon Ads, Sponsored Products campaign report by day from the Italian console (no ids: roi derives
# them from the names). Its sales happen on Amazon, never in the shop: the channel's revenue is the
# "Vendite totali (€) 14 giorni" Amazon attributes to the ads ([kpi] platform_revenue)
[[sources]]
name = "amazon_ads"
kind = "amazon_ads"
mode = "files"
path = "amazon_ads/*.csv"
lookback_days = 3650

# Mailchimp campaign export (Windows-1252): lists "Clienti" and "Newsletter B2B"
[[sources]]
name = "mailchimp"
kind = "mailchimp"
mode = "files"
path = "mailchimp/*.csv"
lookback_days = 3650

# Brevo campaign statistics, Italian UI (";", "Totale" row): the trade-fair invitations and follow-ups
[[sources]]
name = "brevo"
kind = "brevo"
mode = "files"
path = "brevo/*.csv"
lookback_days = 3650

# Klaviyo campaign export: the October trial on the Shopify customers, one A/B subject test
[[sources]]
name = "klaviyo"
kind = "klaviyo"
mode = "files"
path = "klaviyo/*.csv"
lookback_days = 3650

# HubSpot marketing email dashboard export (English UI, Total row): B2B nurturing of the MQLs
[[sources]]
name = "hubspot_email"
kind = "hubspot_email"
mode = "files"
path = "hubspot_email/*.csv"
lookback_days = 3650

# HubSpot contacts: lifecycle dates and first-touch UTMs
[[sources]]
name = "hubspot_leads"
kind = "leads"
mode = "files"
path = "leads/*.csv"
lookback_days = 3650

# Shopify orders export: one row per line item; the landing site carries the last-touch UTMs.
# Taxes (IVA 22 %), Shipping, Refunded Amount and Financial Status (pending = not paid) make
# revenue net: [kpi] revenue = "gross" counts tax and shipping in
[[sources]]
name = "shopify_orders"
kind = "orders"
mode = "files"
path = "orders/*.csv"
lookback_days = 3650

# Google Analytics 4, traffic acquisition by day, session source / medium and campaign (Italian UI, "#" lines
# above the header): what the site saw of every channel, beside what each platform claims (marts.conversion_gap)
[[sources]]
name = "ga4"
kind = "ga4"
mode = "files"
path = "ga4/*.csv"
lookback_days = 3650

# Google Search Console, Performance › Export: the zip's Date.csv (Italian UI) — organic clicks, impressions
# and average position by day. The file does not name the property: site_url does
[[sources]]
name = "search_console"
kind = "search_console"
mode = "files"
path = "search_console/Date.csv"
site_url = "sc-domain:bvcosmetici.it"
lookback_days = 3650

# Non-media costs kept in a spreadsheet: staff hours x rate, tools, agency fee, fair
[[sources]]
name = "costs"
kind = "costs"
mode = "files"
path = "costs/*.csv"
lookback_days = 3650

# Monthly plan in the 70/20/10 buckets (proven / new / experiment)
[[sources]]
name = "budgets"
kind = "budgets"
mode = "files"
path = "budgets/*.csv"
lookback_days = 3650

# SMART goals: KPI, target, baseline, deadline, owner
[[sources]]
name = "goals"
kind = "goals"
mode = "files"
path = "goals/*.csv"
lookback_days = 3650

# ECB euro reference rates (eurofxref-hist.csv layout) for the USD account and the USD tools
[[sources]]
name = "ecb_rates"
kind = "fx_rates"
mode = "files"
path = "fx_rates/*.csv"
lookback_days = 3650
'''


def write(out: Path, days: int, end: date, seed: int) -> Path:
    return write_bytes(out / "roi.toml", ROI_TOML.format(days=days, end=end.isoformat(), seed=seed).encode("utf-8"))
