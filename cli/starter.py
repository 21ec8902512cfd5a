"""`roi init`: the commented starter roi.toml and .env.example."""
from __future__ import annotations

import textwrap
from pathlib import Path

from roi.cli.main import KINDS
from roi.contracts.errors import ConfigError


def _kinds_comment() -> str:
    """Every kind, from the CLI's list (the one place they are named), as comment lines of the starter."""
    return "\n".join(textwrap.wrap(f"kind is one of: {KINDS}", 100, initial_indent="# ", subsequent_indent="#   "))


ROI_TOML = '''# roi configuration. Paths are relative to this file's folder.
# Secrets never go here: they come from the environment or from .env beside this file
# (named ROI_<SOURCE NAME>__<SECRET>, e.g. ROI_META__ACCESS_TOKEN).

[warehouse]
path = "data/roi.duckdb"          # one DuckDB file; dashboards open it read-only
reporting_currency = "EUR"        # every money column in the marts views is in this currency
timezone = "Europe/Rome"          # "yesterday" for the nightly run is computed here
# lock_timeout_seconds = 600      # how long a second writer waits before giving up

[kpi]
attribution = "last_touch"        # or "first_touch": revenue goes to the channel of the customer's first lead
# pacing_tolerance = 0.10         # budget pacing: over/under beyond ±10 % of plan
# wasted_spend_min = 10           # search terms spending more than this in a month without converting
# revenue = "net"                 # or "gross": net = order amount without tax, shipping, refunds, unpaid orders
# headline_revenue = "cost_channels"  # or "all": the headline ROI counts only channels that carry cost
# cac_trailing_days = 90          # marts.ltv_cac: trailing-window CAC for long-cycle channels (events, LinkedIn)

[schedule]
cron = "0 4 * * *"                # nightly run at 04:00 …
timezone = "Europe/Rome"          # … Rome time (roi serve / roi deploy)

[report]
lang = "it"                       # roi report: "it" or "en"

# [alerts]                        # the nightly run sends new KPI alerts once each
# k = 3.5                         # band: median ± k robust standard deviations of the last 28 days
# smtp_host = "smtp.example.com"  # e-mail: the password goes in ROI_ALERTS__SMTP_PASSWORD
# smtp_port = 587                 # 587 starttls, 465 ssl (or smtp_security = "none")
# smtp_from = "roi@example.com"
# smtp_to = ["marketing@example.com"]
# smtp_user = "roi@example.com"
# prefect_block = "slack-webhook/marketing"   # a saved Prefect notification block
# min_severity = "warning"        # info | warning | critical
# (a Slack/Teams webhook URL is a secret: ROI_ALERTS__WEBHOOK_URL in .env)

[channels]
custom = ["events"]               # offline or other channels of yours (events, print, radio …)
# [[channels.rules]]              # your UTM rules come before the built-in ones
# utm_source = "newsletter_partner"
# utm_medium = ".*"
# channel = "referral"

# One [[sources]] per account or export folder. name appears in every row as `source`.
''' + _kinds_comment() + '''
[[sources]]
name = "google_ads_it"
kind = "google_ads"               # any kind listed above
mode = "files"                    # exports you download from the platform's UI
path = "exports/google_ads/*.csv" # CSV, "CSV for Excel" (UTF-16) or XLSX, any UI language
lookback_days = 28                # platforms restate the last ~28 days: the nightly run reloads them
# strict_totals = true            # fail the load when rows don't add up to the export's own totals row

[[sources]]
name = "meta"
kind = "meta_ads"
mode = "files"
path = "exports/meta/*.csv"
# conversion_column = "Purchases"  # which Ads Manager column counts as conversions

[[sources]]
name = "newsletter"
kind = "mailchimp"
mode = "files"
path = "exports/mailchimp/*.csv"
# currency = "EUR"                 # currency of revenue in exports that don't name one

[[sources]]
name = "crm_leads"
kind = "leads"                     # HubSpot, Salesforce or your own columns
mode = "files"
path = "exports/leads/*.csv"
# columns = { lead_id = "Contact ID", created_date = "Created" }   # map other column names

[[sources]]
name = "shop_orders"
kind = "orders"                    # Shopify, WooCommerce, Salesforce opportunities or your own columns
mode = "files"
path = "exports/orders/*.csv"

[[sources]]
name = "costs"
kind = "costs"                     # staff hours x rate, tools, agency fees … (non-media costs)
mode = "files"
path = "exports/costs/*.csv"

[[sources]]
name = "budgets"
kind = "budgets"                   # monthly plan per channel in proven / new / experiment (70/20/10)
mode = "files"
path = "exports/budgets/*.csv"

[[sources]]
name = "goals"
kind = "goals"                     # SMART goals: kpi, target, baseline, deadline
mode = "files"
path = "exports/goals/*.csv"

# An API source: no exports to download; secrets in .env (see .env.example).
# [[sources]]
# name = "meta_api"
# kind = "meta_ads"
# mode = "api"
# account_ids = ["act_123456789"]
# lookback_days = 28

[[sources]]
name = "ecb"
kind = "fx_rates"                  # ECB reference rates (eurofxref-hist.csv)
mode = "files"
path = "exports/fx/*.csv"
'''

ENV_EXAMPLE = '''# Copy to .env (never commit .env). Names: ROI_<SOURCE NAME>__<SECRET>, one set per API source.
# google_ads, microsoft_ads: DEVELOPER_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
# linkedin_ads: CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN (or ACCESS_TOKEN)
# meta_ads, tiktok_ads, hubspot_email, HubSpot leads/orders: ACCESS_TOKEN
# Pipedrive leads/orders: API_TOKEN (or an OAuth ACCESS_TOKEN); Salesforce leads/orders: CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
# pinterest_ads, reddit_ads: CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN (or ACCESS_TOKEN alone)
# ga4, search_console: SERVICE_ACCOUNT_JSON (a service account's JSON key on one line, its client_email a user of
#   the GA4 / Search Console property), or CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN of a Google OAuth client (scope
#   analytics.readonly / webmasters.readonly), or ACCESS_TOKEN alone
# snapchat_ads, amazon_ads: CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
# apple_search_ads: CLIENT_ID, TEAM_ID, KEY_ID, PRIVATE_KEY (the PEM on one line, with \n)
# x_ads: CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET
# mailchimp, brevo, klaviyo: API_KEY
# shopify: ACCESS_TOKEN (the shop's custom app, read_orders); woocommerce: CONSUMER_KEY, CONSUMER_SECRET
# ROI_META_API__ACCESS_TOKEN=
# ROI_GOOGLE_ADS_IT__DEVELOPER_TOKEN=
# ROI_GOOGLE_ADS_IT__CLIENT_ID=
# ROI_GOOGLE_ADS_IT__CLIENT_SECRET=
# ROI_GOOGLE_ADS_IT__REFRESH_TOKEN=
# ROI_NEWSLETTER__API_KEY=
# ROI_ALERTS__WEBHOOK_URL=https://hooks.slack.com/services/...
# ROI_ALERTS__SMTP_PASSWORD=
'''


def write_starter(directory: Path, force: bool = False) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    targets = {directory / "roi.toml": ROI_TOML, directory / ".env.example": ENV_EXAMPLE}
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise ConfigError(f"{existing[0]} already exists — use --force to overwrite it")
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    return list(targets)
