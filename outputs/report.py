"""`roi report`: one self-contained HTML file (plotly inlined, works offline) with a period's KPIs, in Italian or English."""
from __future__ import annotations

import datetime as dt
import html
import json
import string
from dataclasses import dataclass
from pathlib import Path

import duckdb

from roi.contracts.errors import ConfigError, RoiError

LANGS = ("it", "en")
DEFAULT_DAYS = 30
TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html"
FONT = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'

# ------------------------------------------------------------------ queries (marts views only) ----

AS_OF_SQL = "SELECT as_of FROM stg.settings"
SETTINGS_SQL = "SELECT reporting_currency, attribution, revenue_basis, cac_trailing_days FROM stg.settings"
# The headline KPIs of any period (ROI and revenue on the channels that carry cost, see the macro's header).
HEADLINE_SQL = "SELECT * FROM marts.period_kpis(?::DATE, ?::DATE)"
# Each source with fact rows, its first day with data, and whether it has rows in the period: the
# previous period compares only when every source of this period already had data on its first day.
COVERAGE_SQL = """
WITH facts AS (
    {facts}
)
SELECT source, min(first) AS first, sum(in_period) > 0 AS in_period, bool_and(is_cost) AS is_cost
FROM facts
GROUP BY source
ORDER BY first DESC, source
"""
FACT_DATES = {"ad_performance": ("date_start", "date_end"), "email_campaigns": ("send_date", "send_date"),
              "leads": ("created_date", "created_date"), "orders": ("order_date", "order_date"),
              "costs": ("cost_date", "period_end")}
LTV_CAC_SQL = """
SELECT
    sum(new_customers) AS new_customers,
    (int.strict_sum(revenue_to_date) / nullif(sum(new_customers), 0))
        / nullif(int.strict_sum(acquisition_cost) / nullif(sum(new_customers), 0), 0) AS ltv_to_cac
FROM marts.ltv_cac
WHERE cohort_month IN (SELECT unnest(?::DATE[]))
"""
BY_CHANNEL_SQL = """
SELECT
    channel,
    int.strict_sum(spend) AS spend,
    int.strict_sum(total_cost) AS total_cost,
    int.strict_sum(revenue) AS revenue,
    int.strict_sum(conversion_value) / nullif(int.strict_sum(spend), 0) AS roas,
    int.strict_sum(total_cost) / nullif(sum(leads), 0) AS cpl,
    int.strict_sum(total_cost) / nullif(sum(customers), 0) AS cac,
    (int.strict_sum(revenue) - int.strict_sum(total_cost)) * 100
        / nullif(int.strict_sum(total_cost), 0) AS roi_pct,
    sum(leads) AS leads,
    sum(customers) AS customers
FROM marts.channel_daily
WHERE date BETWEEN ? AND ?
GROUP BY channel
ORDER BY int.strict_sum(total_cost) DESC NULLS LAST, int.strict_sum(revenue) DESC NULLS LAST, channel
"""
SERIES_SQL = """
SELECT
    date_trunc(?, date)::DATE AS bucket,
    channel,
    int.strict_sum(spend) AS spend,
    int.strict_sum(revenue) AS revenue,
    int.strict_sum(total_cost) / nullif(sum(leads), 0) AS cpl,
    int.strict_sum(spend) / nullif(sum(conversions), 0) AS cpa
FROM marts.channel_daily
WHERE date BETWEEN ? AND ?
GROUP BY ALL
ORDER BY bucket, channel
"""
FUNNEL_SQL = """
SELECT
    channel,
    sum(leads) AS leads,
    sum(mqls) AS mqls,
    sum(sqls) AS sqls,
    sum(customers) AS customers,
    sum(customers) / nullif(sum(leads), 0) AS lead_to_customer_rate,
    sum(sales_cycle_days * customers) / nullif(sum(customers) FILTER (WHERE sales_cycle_days IS NOT NULL), 0)
        AS sales_cycle_days
FROM marts.funnel_monthly
WHERE month IN (SELECT unnest(?::DATE[]))
GROUP BY channel
ORDER BY leads DESC, channel
"""
EMAIL_SQL = """
SELECT
    campaign_name, send_date, recipients, delivered, delivery_rate, open_rate, click_rate,
    click_to_open_rate, bounce_rate, unsubscribe_rate, revenue
FROM marts.email_campaign_kpis
WHERE send_date BETWEEN ? AND ?
ORDER BY send_date, campaign_name
"""
PACING_SQL = """
SELECT
    channel, bucket, planned, actual_to_date, projected_month_end, projected_to_planned,
    pacing_status, days_elapsed, days_in_month, as_of
FROM marts.budget_pacing
WHERE month = ?
ORDER BY planned DESC, channel, bucket
"""
MIX_SQL = """
SELECT bucket, planned_share, actual_share, target_share, planned, actual
FROM marts.budget_mix
WHERE month = ?
"""
GOALS_SQL = """
SELECT goal_id, name, kpi, channel, direction, target_value, current_value, progress_pct,
       expected_progress_pct, status, days_left, deadline, owner
FROM marts.goal_progress
ORDER BY deadline, goal_id
"""
ALERTS_SQL = """
SELECT alert_date, channel, kind, metric, value, expected, lower, upper, severity, message, subject
FROM marts.kpi_alerts
WHERE alert_date BETWEEN ? AND ?
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, alert_date DESC,
         channel, metric
"""
MAX_ALERT_ROWS = 60
# Keywords and search terms: every month the period touches (the marts are monthly), shown only when the
# warehouse has such rows.
HAS_TABLE_SQL = "SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'core' AND table_name = ?"
FACT_MARTS = {"keyword_performance": "keyword_performance", "search_term_performance": "search_terms_wasted"}
KEYWORDS_SQL = """
SELECT channel, keyword, match_type, campaign_name, ad_group_name, spend, impressions, clicks, conversions,
       conversion_value, r.ctr, r.cpc, r.cpa, r.roas, keywords_in_period
FROM (
    SELECT
        channel, keyword, match_type,
        max(campaign_name) AS campaign_name,
        max(ad_group_name) AS ad_group_name,
        int.strict_sum(spend) AS spend,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        int.kpi_ratios(int.strict_sum(spend), sum(impressions), sum(clicks), sum(conversions),
                       int.strict_sum(conversion_value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS r,
        count(*) OVER () AS keywords_in_period
    FROM marts.keyword_performance
    WHERE month IN (SELECT unnest(?::DATE[]))
    GROUP BY channel, source, account_id, campaign_id, ad_group_id, keyword, match_type
)
ORDER BY spend DESC NULLS LAST, clicks DESC, keyword, match_type
LIMIT ?
"""
WASTED_SQL = """
SELECT month, channel, search_term, keywords, campaign_name, ad_group_name, spend, clicks, impressions, cpc,
       wasted_spend_min
FROM marts.search_terms_wasted
WHERE month IN (SELECT unnest(?::DATE[]))
ORDER BY spend DESC, search_term, month
"""
WASTED_MIN_SQL = "SELECT wasted_spend_min FROM stg.settings"
MAX_KEYWORD_ROWS = 20
MAX_WASTED_ROWS = 30

# ------------------------------------------------------------------ words ------------------------

TEXT = {
    "it": {
        "title": "Report ROI marketing", "vs": "confronto con", "generated": "generato il",
        "currency": "valuta", "attribution": "attribuzione", "last_touch": "ultimo contatto",
        "first_touch": "primo contatto", "data_until": "dati fino al",
        "spend": "Spesa media", "total_cost": "Costo totale", "revenue": "Ricavi", "roi_pct": "ROI",
        "roas": "ROAS", "cac": "CAC", "ltv_cac": "LTV:CAC",
        "hint_spend": "spesa sulle piattaforme pubblicitarie",
        "hint_total_cost": "spesa media + persone, strumenti, agenzia",
        "hint_revenue_cost_channels": "ordini attribuiti ai canali con costi",
        "hint_revenue_all": "ordini attribuiti a tutti i canali",
        "hint_revenue_free": "canali con costi; + {money} da {channels} (senza costi), fuori dal ROI",
        "no_revenue_source": "nessuna fonte di ricavi caricata (ordini o CRM): ROI non calcolabile",
        "no_prev_short": "nessun periodo confrontabile", "from": "dal",
        "new_sources": " Fonti iniziate dopo l'inizio del periodo precedente, che ne contiene meno giorni: {sources}.",
        "no_comparable": "nessun periodo confrontabile: i dati iniziano il {first}, dopo l'inizio del periodo "
                         "precedente ({prev_start})",
        "s_channels_note": "Lead contati per canale del lead, clienti per canale dell'ordine che li ha acquisiti "
                           "({attribution}): le due colonne seguono regole diverse; il tasso di chiusura "
                           "(lead diventati clienti ÷ lead) è nel funnel.",
        "f_rev_net": "Ricavi netti: ordini pagati, senza IVA, spedizione e la quota rimborsata; un primo ordine "
                     "non pagato o rimborsato per intero non acquisisce un cliente.",
        "f_rev_gross": "Ricavi lordi ([kpi] revenue = \"gross\"): totale degli ordini pagati meno i rimborsi, "
                       "IVA e spedizione inclusi.",
        "f_headline": "ROI e ricavi in testa contano i canali con costi; i ricavi dei canali senza costi (diretto, "
                      "organico, referral) sono mostrati a parte ([kpi] headline_revenue).",
        "f_close": "Tasso di chiusura: lead del mese e canale diventati clienti ÷ quei lead (mai oltre il 100 %).",
        "f_cac": "CAC: costo totale del canale nel mese ÷ nuovi clienti acquisiti nel mese; per i canali a ciclo "
                 "lungo marts.ltv_cac ha anche il CAC sui {days} giorni precedenti.",
        "revenue_word": "Ricavi", "headline_word": "ROI in testa", "close_word": "Tasso di chiusura",
        "hint_roi_pct": "(ricavi − costo totale) ÷ costo totale",
        "hint_roas": "valore conversioni ÷ spesa (piattaforme)",
        "hint_cac": "costo totale ÷ nuovi clienti",
        "hint_ltv_cac": "clienti acquisiti a {months}",
        "prev": "prec.", "no_prev": "nessun dato nel periodo precedente", "pp": "pp",
        "s_time": "Spesa e ricavi nel tempo",
        "s_time_lead": "Spesa media e ricavi attribuiti per canale, per {grain}.",
        "day": "giorno", "week": "settimana", "month": "mese",
        "c_spend": "Spesa per canale", "c_revenue": "Ricavi per canale",
        "s_channels": "Rendimento per canale",
        "s_channels_lead": "Il ROI è calcolato sul costo totale (spesa media più costi non media del canale); "
                           "il CAC è il costo totale per nuovo cliente. Clicca le intestazioni per ordinare.",
        "c_roi": "ROI % per canale", "c_cac": "CAC per canale", "channel": "Canale", "leads": "Lead",
        "customers": "Clienti",
        "s_trends": "Andamento di CPL e CPA",
        "s_trends_lead": "Costo per lead (costo totale ÷ lead) e costo per acquisizione (spesa ÷ conversioni "
                         "delle piattaforme), per {grain}.",
        "c_cpl": "CPL per canale", "c_cpa": "CPA per canale",
        "s_funnel": "Funnel lead → clienti",
        "s_funnel_lead": "Lead creati a {months} e fin dove sono arrivati (coorti mensili).",
        "by_channel": "Per canale", "mqls": "MQL", "sqls": "SQL", "close_rate": "Tasso di chiusura", "cycle": "Ciclo di vendita (gg)",
        "s_email": "Email", "s_email_lead": "Tassi per campagna inviata nel periodo.",
        "c_email": "Apertura e clic per campagna", "campaign": "Campagna", "sent": "Invio",
        "recipients": "Destinatari", "delivery_rate": "Consegna", "open_rate": "Apertura",
        "click_rate": "Clic", "ctor": "Clic/aperture", "bounce_rate": "Rimbalzi", "unsub_rate": "Disiscrizioni",
        "s_budget": "Budget: avanzamento e mix 70/20/10",
        "s_budget_lead": "{month}: costo totale a oggi e proiezione a fine mese rispetto al piano "
                         "(al {as_of}, {days} giorni su {days_in_month}).",
        "c_pacing": "Piano, speso e proiezione per canale", "c_mix": "Mix del budget rispetto a 70/20/10",
        "planned": "Pianificato", "actual": "Speso a oggi", "projected": "Proiezione fine mese",
        "of_plan": "% del piano", "status": "Stato", "target": "Target",
        "s_goals": "Obiettivi SMART", "s_goals_lead": "Avanzamento rispetto al tempo trascorso (al {as_of}).",
        "goal": "Obiettivo", "current": "Attuale", "progress": "Avanzamento",
        "days_left": "Giorni rimasti", "deadline": "Scadenza", "owner": "Responsabile", "all_channels": "tutti i canali",
        "at_least": "almeno", "at_most": "al massimo", "time_elapsed": "tempo trascorso",
        "s_alerts": "Avvisi",
        "s_alerts_lead": "Metriche fuori dal loro intervallo abituale (mediana ± k·MAD degli ultimi 28 giorni, "
                         "per giorno della settimana), budget fuori piano e obiettivi a rischio.",
        "date": "Data", "severity": "Gravità", "kind": "Tipo", "metric": "Metrica", "value": "Valore",
        "expected": "Atteso", "range": "Intervallo", "detail": "Dettaglio",
        "more_alerts": "… e altri {n}: `roi alerts --from {start}` li elenca tutti.",
        "no_data": "Nessun dato in questo periodo.", "no_budget": "Nessun budget per {month}.",
        "no_goals": "Nessun obiettivo caricato.", "no_alerts": "Nessun avviso nel periodo.",
        "no_alert_view": "Avvisi non disponibili: esegui `roi run` (o `roi ingest`) per aggiornare le viste.",
        "no_email": "Nessuna campagna email inviata nel periodo.", "no_leads": "Nessun lead in {months}.",
        "f_title": "Come conta roi",
        "f_money": "Importi in {currency}, convertiti con i cambi BCE del giorno.",
        "f_attr": "Ogni ordine va al canale del suo {attribution}.",
        "f_prev": "Confronto con i {days} giorni precedenti ({prev}).",
        "f_empty": "“–” indica un rapporto senza denominatore (nessuna spesa, nessun cliente …), mai uno zero inventato.",
        "f_ltv": "Ricavi a oggi dei clienti acquisiti nei mesi del periodo ÷ costo di acquisizione dei loro canali.",
        "money_word": "Denaro", "comparison": "Confronto",
        "missing": "Dati mancanti", "ltv_word": "LTV:CAC",
        "s_keywords": "Parole chiave",
        "s_keywords_lead": "Le {shown} parole chiave con più spesa in {months} (su {total}), per gruppo di annunci; "
                           "CTR, CPC, CPA e ROAS dalle somme del periodo.",
        "keyword": "Parola chiave", "match_type": "Corrispondenza", "ad_group": "Gruppo di annunci",
        "clicks": "Clic", "conversions": "Conversioni", "impressions": "Impressioni", "ad_spend": "Spesa",
        "no_keywords": "Nessuna parola chiave con dati in {months}.",
        "s_wasted": "Termini di ricerca sprecati",
        "s_wasted_lead": "Termini di ricerca che in un mese hanno speso più di {min} senza nessuna conversione "
                         "({months}): candidati a parole chiave negative.",
        "wasted_total": "{n} termini, {spend} di spesa senza conversioni.",
        "search_term": "Termine di ricerca", "matched": "Parole chiave attivate", "month": "Mese",
        "no_wasted": "Nessun termine di ricerca ha speso più di {min} senza convertire in {months}.",
        "more_wasted": "… e altri {n}: `roi query \"SELECT * FROM marts.search_terms_wasted\"` li elenca tutti.",
    },
    "en": {
        "title": "Marketing ROI report", "vs": "compared with", "generated": "generated on",
        "currency": "currency", "attribution": "attribution", "last_touch": "last touch",
        "first_touch": "first touch", "data_until": "data until",
        "spend": "Media spend", "total_cost": "Total cost", "revenue": "Revenue", "roi_pct": "ROI",
        "roas": "ROAS", "cac": "CAC", "ltv_cac": "LTV:CAC",
        "hint_spend": "spend on the ad platforms",
        "hint_total_cost": "media spend + staff, tools, agency",
        "hint_revenue_cost_channels": "orders attributed to channels with cost",
        "hint_revenue_all": "orders attributed to every channel",
        "hint_revenue_free": "channels with cost; + {money} from {channels} (no cost), not in ROI",
        "no_revenue_source": "no revenue source loaded (orders or CRM): ROI cannot be computed",
        "no_prev_short": "no comparable period", "from": "from",
        "new_sources": " Sources that start after the previous period began, so it holds fewer of their days: "
                       "{sources}.",
        "no_comparable": "no comparable period: the data starts on {first}, after the previous period "
                         "starts ({prev_start})",
        "s_channels_note": "Leads are counted by the lead's channel, customers by the channel of the order that "
                           "acquired them ({attribution}): the two columns follow different rules; the close "
                           "rate (leads that became customers ÷ leads) is in the funnel.",
        "f_rev_net": "Net revenue: paid orders without VAT/sales tax, shipping and refunds; a first order never "
                     "paid or refunded in full does not acquire a customer.",
        "f_rev_gross": "Gross revenue ([kpi] revenue = \"gross\"): paid order totals less refunds, tax and "
                       "shipping included.",
        "f_headline": "The headline ROI and revenue count the channels with cost; revenue of cost-free channels "
                      "(direct, organic, referral) is shown beside it ([kpi] headline_revenue).",
        "f_close": "Close rate: leads of the month and channel that became customers ÷ those leads (never above "
                   "100 %).",
        "f_cac": "CAC: the channel's total cost in the month ÷ customers acquired in the month; for long-cycle "
                 "channels marts.ltv_cac also has a CAC over the {days} days before.",
        "revenue_word": "Revenue", "headline_word": "Headline ROI", "close_word": "Close rate",
        "hint_roi_pct": "(revenue − total cost) ÷ total cost",
        "hint_roas": "conversion value ÷ spend (platforms)",
        "hint_cac": "total cost ÷ new customers",
        "hint_ltv_cac": "customers acquired in {months}",
        "prev": "prev.", "no_prev": "no data in the previous period", "pp": "pp",
        "s_time": "Spend and revenue over time",
        "s_time_lead": "Media spend and attributed revenue by channel, per {grain}.",
        "day": "day", "week": "week", "month": "month",
        "c_spend": "Spend by channel", "c_revenue": "Revenue by channel",
        "s_channels": "Performance by channel",
        "s_channels_lead": "ROI is on total cost (media spend plus the channel's non-media costs); CAC is total "
                           "cost per new customer. Click a column header to sort.",
        "c_roi": "ROI % by channel", "c_cac": "CAC by channel", "channel": "Channel", "leads": "Leads",
        "customers": "Customers",
        "s_trends": "CPL and CPA trends",
        "s_trends_lead": "Cost per lead (total cost ÷ leads) and cost per acquisition (spend ÷ platform "
                         "conversions), per {grain}.",
        "c_cpl": "CPL by channel", "c_cpa": "CPA by channel",
        "s_funnel": "Lead → customer funnel",
        "s_funnel_lead": "Leads created in {months} and how far they got (monthly cohorts).",
        "by_channel": "By channel", "mqls": "MQLs", "sqls": "SQLs", "close_rate": "Close rate", "cycle": "Sales cycle (days)",
        "s_email": "Email", "s_email_lead": "Rates per campaign sent in the period.",
        "c_email": "Open and click rate per campaign", "campaign": "Campaign", "sent": "Sent",
        "recipients": "Recipients", "delivery_rate": "Delivery", "open_rate": "Open",
        "click_rate": "Click", "ctor": "Click-to-open", "bounce_rate": "Bounce", "unsub_rate": "Unsubscribe",
        "s_budget": "Budget pacing and the 70/20/10 mix",
        "s_budget_lead": "{month}: total cost to date and projected month end against plan "
                         "(as of {as_of}, day {days} of {days_in_month}).",
        "c_pacing": "Plan, spent and projection by channel", "c_mix": "Budget mix against 70/20/10",
        "planned": "Planned", "actual": "Spent to date", "projected": "Projected month end",
        "of_plan": "% of plan", "status": "Status", "target": "Target",
        "s_goals": "SMART goals", "s_goals_lead": "Progress against the time elapsed (as of {as_of}).",
        "goal": "Goal", "current": "Current", "progress": "Progress",
        "days_left": "Days left", "deadline": "Deadline", "owner": "Owner", "all_channels": "all channels",
        "at_least": "at least", "at_most": "at most", "time_elapsed": "time elapsed",
        "s_alerts": "Alerts",
        "s_alerts_lead": "Metrics outside their usual range (median ± k·MAD of the last 28 days, weekday-aware), "
                         "budgets off plan and goals at risk.",
        "date": "Date", "severity": "Severity", "kind": "Kind", "metric": "Metric", "value": "Value",
        "expected": "Expected", "range": "Usual range", "detail": "Detail",
        "more_alerts": "… and {n} more: `roi alerts --from {start}` lists them all.",
        "no_data": "No data in this period.", "no_budget": "No budget for {month}.",
        "no_goals": "No goals loaded.", "no_alerts": "No alerts in the period.",
        "no_alert_view": "Alerts unavailable: run `roi run` (or `roi ingest`) to refresh the views.",
        "no_email": "No email campaign sent in the period.", "no_leads": "No leads in {months}.",
        "f_title": "How roi counts",
        "f_money": "Money in {currency}, converted at the ECB rate of the day.",
        "f_attr": "Each order goes to the channel of its {attribution}.",
        "f_prev": "Compared with the {days} days before ({prev}).",
        "f_empty": "“–” marks a ratio without a denominator (no spend, no customers …), never a made-up zero.",
        "f_ltv": "Revenue to date of the customers acquired in the period's months ÷ the acquisition "
                 "cost of their channels.",
        "money_word": "Money", "comparison": "Comparison",
        "missing": "Missing data", "ltv_word": "LTV:CAC",
        "s_keywords": "Keywords",
        "s_keywords_lead": "The {shown} keywords with the most spend in {months} (of {total}), per ad group; "
                           "CTR, CPC, CPA and ROAS from the period's sums.",
        "keyword": "Keyword", "match_type": "Match type", "ad_group": "Ad group",
        "clicks": "Clicks", "conversions": "Conversions", "impressions": "Impressions", "ad_spend": "Spend",
        "no_keywords": "No keyword data in {months}.",
        "s_wasted": "Wasted search terms",
        "s_wasted_lead": "Search terms that spent more than {min} in a month without a single conversion "
                         "({months}): candidates for negative keywords.",
        "wasted_total": "{n} terms, {spend} spent without a conversion.",
        "search_term": "Search term", "matched": "Matched keywords", "month": "Month",
        "no_wasted": "No search term spent more than {min} without converting in {months}.",
        "more_wasted": "… and {n} more: `roi query \"SELECT * FROM marts.search_terms_wasted\"` lists them all.",
    },
}
MONTHS = {
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
WEEKDAYS = {
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
CHANNELS = {
    "it": {"google_ads": "Google Ads", "meta_ads": "Meta Ads", "linkedin_ads": "LinkedIn Ads",
           "microsoft_ads": "Microsoft Ads", "tiktok_ads": "TikTok Ads", "email": "Email",
           "organic_search": "Ricerca organica", "organic_social": "Social organico", "referral": "Referral",
           "direct": "Diretto", "other": "Altro", "all": "Tutti i canali"},
    "en": {"google_ads": "Google Ads", "meta_ads": "Meta Ads", "linkedin_ads": "LinkedIn Ads",
           "microsoft_ads": "Microsoft Ads", "tiktok_ads": "TikTok Ads", "email": "Email",
           "organic_search": "Organic search", "organic_social": "Organic social", "referral": "Referral",
           "direct": "Direct", "other": "Other", "all": "All channels"},
}
CHANNEL_COLORS = {
    "google_ads": "#2563eb", "meta_ads": "#7c3aed", "linkedin_ads": "#0891b2", "microsoft_ads": "#0d9488",
    "tiktok_ads": "#db2777", "email": "#f59e0b", "organic_search": "#16a34a", "organic_social": "#65a30d",
    "referral": "#64748b", "direct": "#334155", "other": "#94a3b8",
}
EXTRA_COLORS = ["#ea580c", "#dc2626", "#9333ea", "#0284c7", "#ca8a04", "#be185d", "#4d7c0f", "#475569"]
WORDS = {
    "it": {
        "under": "sotto piano", "on_track": "in linea", "over": "sopra piano", "achieved": "raggiunto",
        "at_risk": "a rischio", "missed": "mancato", "critical": "critico", "warning": "attenzione",
        "info": "info", "metric_spike": "picco", "metric_drop": "calo", "budget_over": "budget superato",
        "budget_under": "budget sottoutilizzato", "goal_at_risk": "obiettivo a rischio",
        "goal_missed": "obiettivo mancato", "proven": "Consolidato (70%)", "new": "Nuovo (20%)",
        "experiment": "Sperimentale (10%)", "none": "senza budget",
        "spend": "spesa", "conversions": "conversioni", "ctr": "CTR", "cpa": "CPA", "roas": "ROAS",
        "open_rate": "tasso di apertura", "total_cost": "costo totale", "revenue": "ricavi", "leads": "lead",
        "customers": "clienti", "roi_pct": "ROI %", "cpl": "CPL", "cac": "CAC", "cpc": "CPC", "cpm": "CPM",
        "clicks": "clic", "impressions": "impressioni", "conversion_rate": "tasso di conversione",
        "lead_to_customer_rate": "tasso di chiusura", "click_rate": "tasso di clic",
        "exact": "esatta", "phrase": "a frase", "broad": "generica",
    },
    "en": {
        "under": "under plan", "on_track": "on track", "over": "over plan", "achieved": "achieved",
        "at_risk": "at risk", "missed": "missed", "critical": "critical", "warning": "warning",
        "info": "info", "metric_spike": "spike", "metric_drop": "drop", "budget_over": "over budget",
        "budget_under": "under budget", "goal_at_risk": "goal at risk", "goal_missed": "goal missed",
        "proven": "Proven (70%)", "new": "New (20%)", "experiment": "Experiment (10%)", "none": "no budget",
        "spend": "spend", "conversions": "conversions", "ctr": "CTR", "cpa": "CPA", "roas": "ROAS",
        "open_rate": "open rate", "total_cost": "total cost", "revenue": "revenue", "leads": "leads",
        "customers": "customers", "roi_pct": "ROI %", "cpl": "CPL", "cac": "CAC", "cpc": "CPC", "cpm": "CPM",
        "clicks": "clicks", "impressions": "impressions", "conversion_rate": "conversion rate",
        "lead_to_customer_rate": "close rate", "click_rate": "click rate",
        "exact": "exact", "phrase": "phrase", "broad": "broad",
    },
}
STATUS_TONE = {"under": "warn", "on_track": "good", "over": "bad", "achieved": "good", "at_risk": "warn",
               "missed": "bad", "critical": "bad", "warning": "warn", "info": "info"}
MONEY_METRICS = {"spend", "total_cost", "revenue", "cpl", "cac", "cpa", "cpc", "cpm"}
RATE_METRICS = {"ctr", "open_rate", "click_rate", "conversion_rate", "lead_to_customer_rate"}
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
# A locale for plotly's date axes in Italian (plotly.js ships English only).
LOCALE_JS = """Plotly.register({moduleType: "locale", name: "it", dictionary: {},
  format: {days: %(days)s, shortDays: %(short_days)s, months: %(months)s, shortMonths: %(short_months)s,
           date: "%%d/%%m/%%Y", decimal: ",", thousands: "."}});"""


# ------------------------------------------------------------------ formatting -------------------

@dataclass(frozen=True)
class Fmt:
    """Numbers, money, percentages and dates the way the report's language writes them."""
    lang: str
    currency: str

    @property
    def separators(self) -> str:
        """plotly's layout.separators: decimal mark, then thousands mark."""
        return ",." if self.lang == "it" else ".,"

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.currency, self.currency)

    def num(self, x, decimals: int = 0) -> str:
        if x is None:
            return "–"
        text = f"{float(x):,.{decimals}f}"
        if self.lang == "it":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return "−" + text[1:] if text.startswith("-") else text

    def money(self, x, decimals: int = 2) -> str:
        if x is None:
            return "–"
        digits = self.num(abs(float(x)), decimals)
        sign = "−" if float(x) < 0 and digits.strip("0,.") else ""
        if self.lang == "it":
            return f"{sign}{digits} {self.symbol}"
        return f"{sign}{self.symbol}{digits}" if len(self.symbol) == 1 else f"{sign}{self.symbol} {digits}"

    def pct(self, fraction, decimals: int = 1) -> str:
        """0.123 -> '12,3%' / '12.3%'."""
        return "–" if fraction is None else self.num(float(fraction) * 100, decimals) + "%"

    def pct_value(self, value, decimals: int = 1) -> str:
        """A value already in percent (roi_pct 49.0) -> '49,0%'."""
        return "–" if value is None else self.num(value, decimals) + "%"

    def ratio(self, x, decimals: int = 2) -> str:
        return self.num(x, decimals)

    def metric(self, metric: str, x) -> str:
        if x is None:
            return "–"
        if metric in MONEY_METRICS:
            return self.money(x)
        if metric in RATE_METRICS:
            return self.pct(x, 2)
        if metric == "roi_pct":
            return self.pct_value(x)
        if metric == "roas":
            return self.ratio(x)
        return self.num(x, 0 if float(x) == round(float(x)) else 1)

    def date(self, d: dt.date | None) -> str:
        if d is None:
            return "–"
        if self.lang == "it":
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        return f"{d.day} {MONTHS['en'][d.month - 1][:3]} {d.year}"

    def date_long(self, d: dt.date) -> str:
        return f"{d.day} {MONTHS[self.lang][d.month - 1]} {d.year}"

    def month(self, d: dt.date) -> str:
        return f"{MONTHS[self.lang][d.month - 1]} {d.year}"

    def months(self, months: list[dt.date]) -> str:
        if not months:
            return "–"
        if len(months) == 1:
            return self.month(months[0])
        return f"{self.month(months[0])} – {self.month(months[-1])}"

    def span(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return self.date_long(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day} – {self.date_long(end)}"
        if start.year == end.year:
            return f"{start.day} {MONTHS[self.lang][start.month - 1]} – {self.date_long(end)}"
        return f"{self.date_long(start)} – {self.date_long(end)}"

    def hover_money(self, axis: str = "y") -> str:
        value = "%{" + axis + ":,.2f}"
        return f"{value} {self.symbol}" if self.lang == "it" else f"{self.symbol}{value}"

    def money_axis(self) -> dict:
        if self.lang == "it":
            return {"tickformat": ",.0f", "ticksuffix": f" {self.symbol}"}
        return {"tickformat": ",.0f", "tickprefix": self.symbol}


# ------------------------------------------------------------------ periods ----------------------

@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        """The period of equal length just before."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    @property
    def grain(self) -> str:
        """Bucket size of the time series: days up to 2 months, weeks up to 13 months, else months."""
        if self.days <= 62:
            return "day"
        return "week" if self.days <= 400 else "month"

    @property
    def trend_grain(self) -> str:
        """CPL and CPA are noisy per day: weeks from 3 weeks on."""
        if self.days < 21:
            return "day"
        return "week" if self.days <= 400 else "month"

    def cohort_months(self) -> list[dt.date]:
        """Months with at least half their days in the period; else the month holding most of it."""
        months, best, best_days = [], None, 0
        first = self.start.replace(day=1)
        while first <= self.end:
            nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            inside = (min(self.end, nxt - dt.timedelta(days=1)) - max(self.start, first)).days + 1
            if inside * 2 >= (nxt - first).days:
                months.append(first)
            if inside > best_days:
                best, best_days = first, inside
            first = nxt
        return months or [best]

    def touched_months(self) -> list[dt.date]:
        """Every month with a day in the period (the keyword marts are monthly: a period ending on
        the 2nd still shows that month's keywords)."""
        months, first = [], self.start.replace(day=1)
        while first <= self.end:
            months.append(first)
            first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return months


def resolve_period(con: duckdb.DuckDBPyConnection, date_from: dt.date | None, date_to: dt.date | None) -> Period:
    """--to defaults to the latest day with data, --from to 30 days before --to."""
    end = date_to or con.execute(AS_OF_SQL).fetchone()[0]
    start = date_from or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ConfigError(f"--to {end} is before --from {start}")
    return Period(start, end)


# ------------------------------------------------------------------ data -------------------------

def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _has_view(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                        [schema, name]).fetchone()[0]
    return found > 0


def _has_facts(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """core.<table> holds rows and its mart is built (a warehouse of an older version has neither until
    its next run)."""
    if not con.execute(HAS_TABLE_SQL, [table]).fetchone()[0] or not _has_view(con, "marts", FACT_MARTS[table]):
        return False
    return bool(con.execute(f"SELECT EXISTS (SELECT 1 FROM core.{table})").fetchone()[0])


def headline(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """The headline KPIs of a period: spend, total_cost, revenue, roi_pct, roas, cac, ltv_to_cac."""
    row = _rows(con, HEADLINE_SQL, [period.start, period.end])[0]
    ltv = _rows(con, LTV_CAC_SQL, [period.cohort_months()])[0]
    row["ltv_to_cac"] = ltv["ltv_to_cac"]
    row["new_customers"] = ltv["new_customers"]
    return row


@dataclass(frozen=True)
class Comparison:
    """Whether the previous period compares with this one. records_start: the first day of the records
    (ads, email, leads, orders; costs are often entered ahead or back-dated, so they do not count); after the
    previous period's first day there is nothing to compare against. new: the sources of this period whose
    data starts after the previous period's first day while other records reach back before it — a launch
    (or a source loaded from a later day), named beside the comparison."""
    records_start: dt.date | None
    comparable: bool
    new: tuple[tuple[str, dt.date], ...] = ()


def comparison(con: duckdb.DuckDBPyConnection, period: Period) -> Comparison:
    facts = " UNION ALL ".join(
        f"SELECT source, min({lo})::DATE AS first, count(*) FILTER (WHERE {hi} >= $start AND {lo} <= $end) "
        f"AS in_period, {table == 'costs'} AS is_cost FROM core.{table} GROUP BY source"
        for table, (lo, hi) in FACT_DATES.items())
    rows = con.execute(COVERAGE_SQL.format(facts=facts), {"start": period.start, "end": period.end}).fetchall()
    records_start = min((first for _, first, _, is_cost in rows if not is_cost), default=None)
    comparable = records_start is not None and records_start <= period.previous.start
    new = sorted((first, source) for source, first, in_period, _ in rows
                 if in_period and first > period.previous.start)
    return Comparison(records_start, comparable, tuple((source, first) for first, source in new))


def gather(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """Everything the report shows, from the marts views."""
    months = period.cohort_months()
    search_months = period.touched_months()
    budget_month = period.end.replace(day=1)
    data = {
        "now": headline(con, period),
        "prev": headline(con, period.previous),
        "by_channel": _rows(con, BY_CHANNEL_SQL, [period.start, period.end]),
        "series": _rows(con, SERIES_SQL, [period.grain, period.start, period.end]),
        "trends": _rows(con, SERIES_SQL, [period.trend_grain, period.start, period.end]),
        "funnel": _rows(con, FUNNEL_SQL, [months]),
        "email": _rows(con, EMAIL_SQL, [period.start, period.end]),
        "pacing": _rows(con, PACING_SQL, [budget_month]),
        "mix": _rows(con, MIX_SQL, [budget_month]),
        "goals": _rows(con, GOALS_SQL),
        "alerts": _rows(con, ALERTS_SQL, [period.start, period.end]) if _has_view(con, "marts", "kpi_alerts") else None,
        # None: the warehouse holds no keyword (search-term) rows at all, and the section is left out
        "keywords": (_rows(con, KEYWORDS_SQL, [search_months, MAX_KEYWORD_ROWS])
                     if _has_facts(con, "keyword_performance") else None),
        "wasted": _rows(con, WASTED_SQL, [search_months]) if _has_facts(con, "search_term_performance") else None,
        "budget_month": budget_month,
        "months": months,
        "search_months": search_months,
        "as_of": con.execute(AS_OF_SQL).fetchone()[0],
    }
    (data["currency"], data["attribution"], data["revenue_basis"],
     data["cac_trailing_days"]) = con.execute(SETTINGS_SQL).fetchone()
    data["comparison"] = comparison(con, period)
    data["wasted_min"] = con.execute(WASTED_MIN_SQL).fetchone()[0] if data["wasted"] is not None else None
    return data


# ------------------------------------------------------------------ rendering --------------------

def esc(text) -> str:
    return html.escape("" if text is None else str(text))


class Report:
    """Builds the HTML of one report: sections in order, charts collected for one render script."""

    def __init__(self, data: dict, period: Period, lang: str, generated: dt.datetime):
        self.d = data
        self.period = period
        self.lang = lang
        self.t = TEXT[lang]
        self.w = WORDS[lang]
        self.f = Fmt(lang, data["currency"])
        self.generated = generated
        self.charts: list[dict] = []
        names = sorted({r["channel"] for r in data["by_channel"]} | {r["channel"] for r in data["funnel"]})
        extra = iter(EXTRA_COLORS * 4)
        self.colors = {c: CHANNEL_COLORS.get(c) or next(extra) for c in names}

    # -- pieces ------------------------------------------------------------------------------------
    def channel(self, name: str | None) -> str:
        if name is None:
            return self.t["all_channels"]
        return CHANNELS[self.lang].get(name) or name.replace("_", " ").capitalize()

    def color(self, name: str) -> str:
        if name not in self.colors:
            self.colors[name] = EXTRA_COLORS[len(self.colors) % len(EXTRA_COLORS)]
        return self.colors[name]

    def word(self, key: str | None) -> str:
        return self.w.get(key or "none", key or self.w["none"])

    def pill(self, key: str | None) -> str:
        tone = STATUS_TONE.get(key or "", "neutral")
        return f'<span class="pill {tone}">{esc(self.word(key))}</span>'

    def chart(self, data: list[dict], layout: dict, height: int = 320) -> str:
        chart_id = f"chart-{len(self.charts) + 1}"
        base = {
            "height": height, "margin": {"l": 64, "r": 16, "t": 10, "b": 40},
            "font": {"family": FONT, "size": 12, "color": "#334155"},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "separators": self.f.separators,
            "legend": {"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 11.5}},
            "hoverlabel": {"font": {"family": FONT}},
            "xaxis": {"gridcolor": "#eef2f7", "linecolor": "#cbd5e1", "automargin": True},
            "yaxis": {"gridcolor": "#eef2f7", "zerolinecolor": "#cbd5e1", "automargin": True},
        }
        for key, value in layout.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                base[key] = {**base[key], **value}
            else:
                base[key] = value
        self.charts.append({"id": chart_id, "data": data, "layout": base})
        return f'<div class="chart" id="{chart_id}" style="height:{height}px"></div>'

    def panel(self, title: str, inner: str, note: str = "") -> str:
        note_html = f'<p class="note">{esc(note)}</p>' if note else ""
        return f'<div class="panel"><h3>{esc(title)}</h3>{note_html}{inner}</div>'

    def empty(self, key: str = "no_data", **kw) -> str:
        return f'<div class="empty">{esc(self.t[key].format(**kw))}</div>'

    def table(self, columns: list[tuple[str, str, str]], rows: list[dict], sortable: bool = True) -> str:
        """columns: (key, label, kind) with kind money|int|num1|pct|pctv|ratio|date|text|channel, or html|htmlnum
        for (html, sort value) pairs."""
        head = "".join(
            f'<th class="{"num" if kind not in ("text", "html", "channel", "date") else ""}">{esc(label)}</th>'
            for _, label, kind in columns)
        body = []
        for row in rows:
            cells = []
            for key, _, kind in columns:
                cells.append(self.cell(row.get(key), kind))
            body.append("<tr>" + "".join(cells) + "</tr>")
        cls = "data sortable" if sortable else "data"
        return (f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>')

    def cell(self, value, kind: str) -> str:
        sort = "" if value is None else value
        if kind in ("html", "htmlnum"):
            text, sort = value
            cls = ' class="num"' if kind == "htmlnum" else ""
            return f'<td{cls} data-v="{esc(sort)}">{text}</td>'
        if kind == "channel":
            swatch = f'<span class="swatch" style="background:{self.color(value)}"></span>'
            return f'<td data-v="{esc(self.channel(value))}">{swatch}{esc(self.channel(value))}</td>'
        if kind == "text":
            return f"<td>{esc(value if value is not None else '–')}</td>"
        if kind == "date":
            return f'<td class="nowrap" data-v="{esc(value.isoformat() if value else "")}">{esc(self.f.date(value))}</td>'
        text = {
            "money": lambda v: self.f.money(v),
            "int": lambda v: self.f.num(v, 0),
            "num1": lambda v: self.f.num(v, 1),
            "pct": lambda v: self.f.pct(v),
            "pctv": lambda v: self.f.pct_value(v),
            "ratio": lambda v: self.f.ratio(v),
        }[kind](value)
        return f'<td class="num" data-v="{esc(sort)}">{esc(text)}</td>'

    # -- sections ----------------------------------------------------------------------------------
    @property
    def comparable(self) -> bool:
        """The previous period holds data, and every source of this period already had data on its first day."""
        return bool(self.d["prev"]["channel_days"]) and self.d["comparison"].comparable

    def new_sources(self) -> str:
        """Sources launched inside the period, named beside the comparison ('' when none)."""
        new = self.d["comparison"].new
        if not new or not self.comparable:
            return ""
        return self.t["new_sources"].format(sources=", ".join(f"{s} ({self.t['from']} {self.f.date(first)})"
                                                              for s, first in new))

    def no_comparison(self) -> str:
        """Why there is no comparison, in one sentence."""
        start = self.d["comparison"].records_start
        if start is None or start > self.period.end:
            return self.t["no_prev"]
        return self.t["no_comparable"].format(first=self.f.date(start),
                                              prev_start=self.f.date(self.period.previous.start))

    def cards(self) -> str:
        now, prev = self.d["now"], self.d["prev"]
        comparable = self.comparable
        specs = [
            ("spend", "spend", self.f.money, None),
            ("total_cost", "total_cost", self.f.money, None),
            ("revenue", "revenue", self.f.money, True),
            ("roi_pct", "roi_pct", self.f.pct_value, True),
            ("roas", "roas", self.f.ratio, True),
            ("cac", "cac", self.f.money, False),
            ("ltv_cac", "ltv_to_cac", self.f.ratio, True),
        ]
        out = []
        for key, field, show, up_is_good in specs:
            value, before = now.get(field), prev.get(field)
            delta = ""
            if comparable and value is not None and before is not None:
                if key == "roi_pct":
                    change = float(value) - float(before)
                    text = f"{'+' if change >= 0 else ''}{self.f.num(change, 1)} {self.t['pp']}"
                elif float(before) != 0:
                    change = (float(value) - float(before)) / abs(float(before))
                    text = f"{'+' if change >= 0 else ''}{self.f.pct(change)}"
                else:
                    change, text = None, ""
                if change is not None:
                    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
                    tone = "neutral" if up_is_good is None or change == 0 else (
                        "good" if (change > 0) == up_is_good else "bad")
                    delta = f'<div class="delta {tone}">{arrow} {esc(text)}</div>'
            prev_line = (f'{esc(self.t["prev"])} {esc(show(before))}' if comparable
                         else esc(self.t["no_prev_short"]))
            out.append(
                f'<div class="card" data-kpi="{key}"><div class="label">{esc(self.t[key])}</div>'
                f'<div class="value">{esc(show(value))}</div>{delta}'
                f'<div class="prev" data-kpi-prev="{key}">{prev_line}</div>'
                f'<div class="hint">{esc(self.card_hint(key))}</div></div>')
        return '<div class="cards">' + "".join(out) + "</div>"

    def card_hint(self, key: str) -> str:
        """The line under a card: what it counts, and what it leaves out."""
        now = self.d["now"]
        if key in ("revenue", "roi_pct") and not now["has_revenue_source"]:
            return self.t["no_revenue_source"]
        if key == "revenue" and now["free_revenue"]:
            return self.t["hint_revenue_free"].format(money=self.f.money(now["free_revenue"]),
                                                      channels=", ".join(self.channel(c) for c in
                                                                         now["free_revenue_channels"].split(", ")))
        if key == "revenue":
            return self.t["hint_revenue_" + now["headline_revenue"]]
        return self.t[f"hint_{key}"].format(months=self.f.months(self.d["months"]))

    def over_time(self) -> str:
        series = self.d["series"]
        grain = self.t[self.period.grain]
        lead = self.t["s_time_lead"].format(grain=grain)
        panels = []
        for field, title in (("spend", "c_spend"), ("revenue", "c_revenue")):
            traces = []
            for channel in self._channels_with(series, field):
                points = [r for r in series if r["channel"] == channel]
                traces.append({
                    "type": "bar", "name": self.channel(channel), "marker": {"color": self.color(channel)},
                    "x": [r["bucket"].isoformat() for r in points], "y": [_float(r[field]) for r in points],
                    "hovertemplate": "%{fullData.name}: " + self.f.hover_money() + "<extra></extra>",
                })
            inner = self.chart(traces, {
                "barmode": "stack", "bargap": 0.25, "hovermode": "x unified",
                "yaxis": self.f.money_axis(),
                "xaxis": self._date_axis(series, self.period.grain),
            }) if traces else self.empty()
            panels.append(self.panel(self.t[title], inner))
        return self.section("time", "s_time", lead, f'<div class="grid2">{"".join(panels)}</div>')

    def channels(self) -> str:
        rows = self.d["by_channel"]
        if not rows:
            return self.section("channels", "s_channels", self.t["s_channels_lead"], self.empty())
        charts = []
        bars = max(len([r for r in rows if r[f] is not None and r["total_cost"]]) for f in ("roi_pct", "cac"))
        for field, title, show in (("roi_pct", "c_roi", "pct"), ("cac", "c_cac", "money")):
            points = [r for r in rows if r[field] is not None and r["total_cost"]]
            points.sort(key=lambda r: float(r[field]))
            if show == "pct":
                colors = ["#16a34a" if float(r[field]) >= 0 else "#dc2626" for r in points]
                text = [self.f.pct_value(r[field]) for r in points]
                axis = {"ticksuffix": "%", "zeroline": True, "zerolinecolor": "#94a3b8"}
            else:
                colors = [self.color(r["channel"]) for r in points]
                text = [self.f.money(r[field]) for r in points]
                axis = self.f.money_axis()
            values = [float(r[field]) for r in points] or [0.0]
            span = (max(values + [0.0]) - min(values + [0.0])) or 1.0
            axis["range"] = [min(values + [0.0]) - (0.22 * span if min(values) < 0 else 0),
                             max(values + [0.0]) + 0.22 * span]        # room for the labels outside the bars
            trace = {
                "type": "bar", "orientation": "h", "x": [_float(r[field]) for r in points],
                "y": [self.channel(r["channel"]) for r in points], "marker": {"color": colors},
                "text": text, "textposition": "outside", "hovertemplate": "%{y}: %{text}<extra></extra>",
                "cliponaxis": False,
            }
            height = max(200, 60 + 42 * bars)
            inner = self.chart([trace], {"xaxis": axis, "yaxis": {"automargin": True}, "showlegend": False,
                                         "margin": {"l": 120, "r": 60, "t": 10, "b": 30}},
                               height=height) if points else self.empty()
            charts.append(self.panel(self.t[title], inner))
        table = self.table([
            ("channel", self.t["channel"], "channel"), ("spend", self.t["spend"], "money"),
            ("total_cost", self.t["total_cost"], "money"), ("revenue", self.t["revenue"], "money"),
            ("roas", "ROAS", "ratio"), ("cpl", "CPL", "money"), ("cac", "CAC", "money"),
            ("roi_pct", "ROI %", "pctv"), ("leads", self.t["leads"], "int"),
            ("customers", self.t["customers"], "int"),
        ], rows)
        attribution = self.t.get(self.d["attribution"], self.d["attribution"])
        note = f'<p class="note">{esc(self.t["s_channels_note"].format(attribution=attribution))}</p>'
        body = f'<div class="grid2">{"".join(charts)}</div><div class="panel">{table}{note}</div>'
        return self.section("channels", "s_channels", self.t["s_channels_lead"], body)

    def trends(self) -> str:
        series = self.d["trends"]
        grain = self.t[self.period.trend_grain]
        panels = []
        for field, title in (("cpl", "c_cpl"), ("cpa", "c_cpa")):
            traces = []
            for channel in self._channels_with(series, field):
                points = [r for r in series if r["channel"] == channel]
                traces.append({
                    "type": "scatter", "mode": "lines+markers", "name": self.channel(channel),
                    "line": {"color": self.color(channel), "width": 2.2}, "marker": {"size": 5},
                    "connectgaps": False,
                    "x": [r["bucket"].isoformat() for r in points], "y": [_float(r[field]) for r in points],
                    "hovertemplate": "%{fullData.name}: " + self.f.hover_money() + "<extra></extra>",
                })
            inner = self.chart(traces, {
                "hovermode": "x unified", "yaxis": {**self.f.money_axis(), "rangemode": "tozero"},
                "xaxis": self._date_axis(series, self.period.trend_grain),
            }) if traces else self.empty()
            panels.append(self.panel(self.t[title], inner))
        lead = self.t["s_trends_lead"].format(grain=grain)
        return self.section("trends", "s_trends", lead, f'<div class="grid2">{"".join(panels)}</div>')

    def funnel(self) -> str:
        rows = self.d["funnel"]
        months = self.f.months(self.d["months"])
        lead = self.t["s_funnel_lead"].format(months=months)
        if not rows or not sum(r["leads"] or 0 for r in rows):
            return self.section("funnel", "s_funnel", lead, self.empty("no_leads", months=months))
        stages = [("leads", self.t["leads"]), ("mqls", self.t["mqls"]), ("sqls", self.t["sqls"]),
                  ("customers", self.t["customers"])]
        totals = [sum(r[key] or 0 for r in rows) for key, _ in stages]
        trace = {
            "type": "funnel", "y": [label for _, label in stages], "x": totals,
            "texttemplate": "%{value:,.0f}<br>%{percentInitial:.1%}", "textfont": {"color": "#ffffff"},
            "marker": {"color": ["#1d4ed8", "#3b82f6", "#60a5fa", "#16a34a"]},
            "connector": {"fillcolor": "#e2e8f0", "line": {"width": 0}}, "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
        }
        chart = self.chart([trace], {"margin": {"l": 90, "r": 20, "t": 10, "b": 10}, "showlegend": False},
                           height=300)
        table = self.table([
            ("channel", self.t["channel"], "channel"), ("leads", self.t["leads"], "int"),
            ("mqls", self.t["mqls"], "int"), ("sqls", self.t["sqls"], "int"),
            ("customers", self.t["customers"], "int"), ("lead_to_customer_rate", self.t["close_rate"], "pct"),
            ("sales_cycle_days", self.t["cycle"], "num1"),
        ], rows)
        body = (f'<div class="grid-wide">{self.panel(self.t["by_channel"], table)}'
                f'{self.panel(self.t["s_funnel"], chart)}</div>')
        return self.section("funnel", "s_funnel", lead, body)

    def email(self) -> str:
        rows = self.d["email"]
        if not rows:
            return self.section("email", "s_email", self.t["s_email_lead"], self.empty("no_email"))
        shown = rows[-20:]  # the latest 20 campaigns in the chart; the table has them all
        counts: dict[str, int] = {}
        for r in shown:
            counts[r["campaign_name"] or "–"] = counts.get(r["campaign_name"] or "–", 0) + 1
        names = [r["campaign_name"] or "–" if counts[r["campaign_name"] or "–"] == 1
                 else f'{r["campaign_name"] or "–"} · {self.f.date(r["send_date"])}' for r in shown]
        traces = []
        for field, label, color in (("open_rate", self.t["open_rate"], "#f59e0b"),
                                    ("click_rate", self.t["click_rate"], "#1d4ed8")):
            traces.append({
                "type": "bar", "orientation": "h", "name": label, "y": names,
                "x": [_float(r[field]) for r in shown], "marker": {"color": color},
                "text": [self.f.pct(r[field]) for r in shown], "textposition": "outside", "cliponaxis": False,
                "hovertemplate": "%{y}<br>" + label + ": %{text}<extra></extra>",
            })
        chart = self.chart(traces, {
            "barmode": "group", "bargap": 0.28, "bargroupgap": 0.05,
            "xaxis": {"tickformat": ".0%", "rangemode": "tozero"},
            "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
            "margin": {"l": 60, "r": 40, "t": 10, "b": 30},
        }, height=max(220, 70 + 46 * len(shown)))
        table = self.table([
            ("campaign_name", self.t["campaign"], "text"), ("send_date", self.t["sent"], "date"),
            ("recipients", self.t["recipients"], "int"), ("delivery_rate", self.t["delivery_rate"], "pct"),
            ("open_rate", self.t["open_rate"], "pct"), ("click_rate", self.t["click_rate"], "pct"),
            ("click_to_open_rate", self.t["ctor"], "pct"), ("bounce_rate", self.t["bounce_rate"], "pct"),
            ("unsubscribe_rate", self.t["unsub_rate"], "pct"), ("revenue", self.t["revenue"], "money"),
        ], rows)
        body = self.panel(self.t["c_email"], chart) + f'<div class="panel">{table}</div>'
        return self.section("email", "s_email", self.t["s_email_lead"], body)

    def budget(self) -> str:
        pacing, mix = self.d["pacing"], self.d["mix"]
        month = self.d["budget_month"]
        if not pacing:
            lead = self.t["s_budget_lead"].split(":")[0].format(month=self.f.month(month).capitalize())
            return self.section("budget", "s_budget", lead,
                                self.empty("no_budget", month=self.f.month(month)))
        first = pacing[0]
        lead = self.t["s_budget_lead"].format(
            month=self.f.month(month).capitalize(), as_of=self.f.date(first["as_of"]),
            days=first["days_elapsed"], days_in_month=first["days_in_month"])
        labels = [self._line_label(r) for r in pacing]
        traces = []
        for field, label, color in (("planned", self.t["planned"], "#cbd5e1"),
                                    ("actual_to_date", self.t["actual"], "#1d4ed8"),
                                    ("projected_month_end", self.t["projected"], "#93c5fd")):
            traces.append({
                "type": "bar", "orientation": "h", "name": label, "y": labels,
                "x": [_float(r[field]) for r in pacing], "marker": {"color": color},
                "hovertemplate": "%{y}<br>" + label + ": " + self.f.hover_money("x") + "<extra></extra>",
            })
        pacing_chart = self.chart(traces, {
            "barmode": "group", "bargap": 0.25, "xaxis": self.f.money_axis(),
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"l": 150, "r": 20, "t": 10, "b": 40},
        }, height=max(260, 80 + 62 * len(pacing)))
        mix_panel = ""
        if mix:
            groups = [self.t["target"], self.t["planned"], self.t["actual"]]
            mix_traces = []
            for r, color in zip(mix, ("#1d4ed8", "#60a5fa", "#f59e0b")):
                mix_traces.append({
                    "type": "bar", "name": self.word(r["bucket"]), "x": groups,
                    "y": [_float(r["target_share"]), _float(r["planned_share"]), _float(r["actual_share"])],
                    "marker": {"color": color}, "texttemplate": "%{y:.0%}", "textposition": "inside",
                    "hovertemplate": "%{fullData.name} · %{x}: %{y:.1%}<extra></extra>",
                })
            mix_chart = self.chart(mix_traces, {"barmode": "stack", "bargap": 0.35,
                                                "yaxis": {"tickformat": ".0%", "range": [0, 1]},
                                                "margin": {"l": 50, "r": 10, "t": 10, "b": 40}},
                                   height=max(260, 80 + 62 * len(pacing)))
            mix_panel = self.panel(self.t["c_mix"], mix_chart)
        table_rows = []
        for r in pacing:
            table_rows.append({
                **r, "line": (esc(self._line_label(r)), self._line_label(r)),
                "status": (self.pill(r["pacing_status"]), r["pacing_status"] or ""),
            })
        table = self.table([
            ("line", self.t["channel"], "html"), ("planned", self.t["planned"], "money"),
            ("actual_to_date", self.t["actual"], "money"),
            ("projected_month_end", self.t["projected"], "money"),
            ("projected_to_planned", self.t["of_plan"], "pct"), ("status", self.t["status"], "html"),
        ], table_rows)
        body = (f'<div class="grid-wide">{self.panel(self.t["c_pacing"], pacing_chart)}{mix_panel}</div>'
                f'<div class="panel">{table}</div>')
        return self.section("budget", "s_budget", lead, body)

    def goals(self) -> str:
        rows = self.d["goals"]
        lead = self.t["s_goals_lead"].format(as_of=self.f.date(self.d["as_of"]))
        if not rows:
            return self.section("goals", "s_goals", lead, self.empty("no_goals"))
        table_rows = []
        for r in rows:
            progress = r["progress_pct"]
            expected = r["expected_progress_pct"] or 0
            tone = {"achieved": "good", "on_track": "good", "at_risk": "warn", "missed": "bad"}.get(r["status"], "warn")
            width = 0 if progress is None else max(0.0, min(100.0, float(progress)))
            bar = (f'<div class="bar" title="{esc(self.t["time_elapsed"])}: {esc(self.f.pct_value(expected, 0))}">'
                   f'<div class="fill {tone}" style="width:{width:.1f}%"></div>'
                   f'<div class="mark" style="left:{float(expected):.1f}%"></div></div>'
                   f'<div class="bar-label">{esc(self.f.pct_value(progress, 0))} · '
                   f'{esc(self.t["time_elapsed"])} {esc(self.f.pct_value(expected, 0))}</div>')
            target = f'{self.t[r["direction"]] if r["direction"] in ("at_least", "at_most") else ""} ' \
                     f'{self.f.metric(r["kpi"], r["target_value"])}'
            table_rows.append({
                "goal": (f'<strong>{esc(r["name"])}</strong><div class="bar-label">{esc(self.word(r["kpi"]))} · '
                         f'{esc(self.channel(r["channel"]))}</div>', r["name"]),
                "target": (esc(target.strip()), _float(r["target_value"])),
                "current": (esc(self.f.metric(r["kpi"], r["current_value"])), _float(r["current_value"])),
                "progress": (bar, _float(progress)),
                "status": (self.pill(r["status"]), r["status"]),
                "deadline": r["deadline"], "days_left": r["days_left"], "owner": r["owner"],
            })
        table = self.table([
            ("goal", self.t["goal"], "html"), ("target", self.t["target"], "html"),
            ("current", self.t["current"], "html"), ("progress", self.t["progress"], "html"),
            ("status", self.t["status"], "html"), ("deadline", self.t["deadline"], "date"),
            ("days_left", self.t["days_left"], "int"), ("owner", self.t["owner"], "text"),
        ], table_rows)
        return self.section("goals", "s_goals", lead, f'<div class="panel">{table}</div>')

    def alerts(self) -> str:
        rows = self.d["alerts"]
        if rows is None:
            return self.section("alerts", "s_alerts", self.t["s_alerts_lead"], self.empty("no_alert_view"))
        if not rows:
            return self.section("alerts", "s_alerts", self.t["s_alerts_lead"], self.empty("no_alerts"))
        goal_names = {g["goal_id"]: g["name"] for g in self.d["goals"]}
        shown = rows[:MAX_ALERT_ROWS]
        table_rows = []
        for r in shown:
            if r["lower"] is not None and r["upper"] is not None:
                rng = f'{self.f.metric(r["metric"], r["lower"])} – {self.f.metric(r["metric"], r["upper"])}'
            elif r["lower"] is not None:
                rng = f'≥ {self.f.metric(r["metric"], r["lower"])}'
            elif r["upper"] is not None:
                rng = f'≤ {self.f.metric(r["metric"], r["upper"])}'
            else:
                rng = "–"
            table_rows.append({
                "date": r["alert_date"],
                "severity": (self.pill(r["severity"]), {"critical": 0, "warning": 1}.get(r["severity"], 2)),
                "kind": (esc(self.word(r["kind"])), r["kind"]),
                "channel": (esc(self.channel(r["channel"])), r["channel"]),
                "metric": (esc(self.word(r["metric"])), r["metric"]),
                "value": (esc(self.f.metric(r["metric"], r["value"])), _float(r["value"])),
                "expected": (esc(self.f.metric(r["metric"], r["expected"])), _float(r["expected"])),
                "range": (esc(rng), ""),
                "detail": (esc(self._alert_detail(r, goal_names)), ""),
            })
        table = self.table([
            ("date", self.t["date"], "date"), ("severity", self.t["severity"], "html"),
            ("kind", self.t["kind"], "html"), ("channel", self.t["channel"], "html"),
            ("metric", self.t["metric"], "html"), ("value", self.t["value"], "htmlnum"),
            ("expected", self.t["expected"], "htmlnum"), ("range", self.t["range"], "htmlnum"),
            ("detail", self.t["detail"], "html"),
        ], table_rows)
        more = ""
        if len(rows) > len(shown):
            more = f'<p class="note">{esc(self.t["more_alerts"].format(n=len(rows) - len(shown), start=self.period.start))}</p>'
        return self.section("alerts", "s_alerts", self.t["s_alerts_lead"], f'<div class="panel">{table}{more}</div>')

    def keywords(self) -> str:
        """Top keywords by spend in the period's months; nothing when the warehouse has no keyword rows."""
        rows = self.d["keywords"]
        if rows is None:
            return ""
        months = self.f.months(self.d["search_months"])
        if not rows:
            return self.section("keywords", "s_keywords", self.t["no_keywords"].format(months=months), "")
        lead = self.t["s_keywords_lead"].format(shown=len(rows), months=months, total=rows[0]["keywords_in_period"])
        table_rows = [{
            **r,
            "keyword": (f'<strong>{esc(r["keyword"])}</strong><div class="bar-label">{esc(self.channel(r["channel"]))}'
                        '</div>', r["keyword"]),
            "match_type": (esc(self.w.get(r["match_type"], "–")), r["match_type"]),
        } for r in rows]
        table = self.table([
            ("keyword", self.t["keyword"], "html"), ("match_type", self.t["match_type"], "html"),
            ("campaign_name", self.t["campaign"], "text"), ("ad_group_name", self.t["ad_group"], "text"),
            ("spend", self.t["ad_spend"], "money"), ("impressions", self.t["impressions"], "int"),
            ("clicks", self.t["clicks"], "int"), ("ctr", "CTR", "pct"), ("cpc", "CPC", "money"),
            ("conversions", self.t["conversions"], "num1"), ("cpa", "CPA", "money"), ("roas", "ROAS", "ratio"),
        ], table_rows)
        return self.section("keywords", "s_keywords", lead, f'<div class="panel">{table}</div>')

    def wasted(self) -> str:
        """Search terms that spent above [kpi] wasted_spend_min in a month without converting: the negative
        keyword candidates; nothing when the warehouse has no search-term rows."""
        rows = self.d["wasted"]
        if rows is None:
            return ""
        months, minimum = self.f.months(self.d["search_months"]), self.f.money(self.d["wasted_min"])
        lead = self.t["s_wasted_lead"].format(min=minimum, months=months)
        if not rows:
            return self.section("wasted", "s_wasted", lead, self.empty("no_wasted", min=minimum, months=months))
        shown = rows[:MAX_WASTED_ROWS]
        columns = [("search_term", self.t["search_term"], "text"), ("keywords", self.t["matched"], "text"),
                   ("campaign_name", self.t["campaign"], "text"), ("ad_group_name", self.t["ad_group"], "text")]
        if len({r["month"] for r in rows}) > 1:
            columns.append(("month", self.t["month"], "html"))
        columns += [("clicks", self.t["clicks"], "int"), ("spend", self.t["ad_spend"], "money"),
                    ("cpc", "CPC", "money")]
        table_rows = [{**r, "month": (esc(self.f.month(r["month"])), r["month"].isoformat())} for r in shown]
        total = self.t["wasted_total"].format(n=len(rows), spend=self.f.money(sum(float(r["spend"]) for r in rows)))
        more = ""
        if len(rows) > len(shown):
            more = f'<p class="note">{esc(self.t["more_wasted"].format(n=len(rows) - len(shown)))}</p>'
        body = f'<div class="panel"><p class="note">{esc(total)}</p>{self.table(columns, table_rows)}{more}</div>'
        return self.section("wasted", "s_wasted", lead, body)

    def footer(self) -> str:
        prev = self.period.previous
        attribution = self.t.get(self.d["attribution"], self.d["attribution"])
        comparison = (self.t["f_prev"].format(days=self.period.days, prev=self.f.span(prev.start, prev.end))
                      + self.new_sources() if self.comparable else self.no_comparison() + ".")
        items = [
            (self.t["revenue_word"], self.t["f_rev_" + self.d["revenue_basis"]] + " "
             + self.t["f_attr"].format(attribution=attribution)),
            (self.t["headline_word"], self.t["f_headline"]),
            (self.t["close_word"], self.t["f_close"]),
            ("CAC", self.t["f_cac"].format(days=self.d["cac_trailing_days"])),
            (self.t["money_word"], self.t["f_money"].format(currency=self.d["currency"])),
            (self.t["comparison"], comparison),
            (self.t["ltv_word"], self.t["f_ltv"]),
            (self.t["missing"], self.t["f_empty"]),
        ]
        rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
        return f"<strong>{esc(self.t['f_title'])}</strong><dl>{rows}</dl>"

    def section(self, key: str, title_key: str, lead: str, body: str) -> str:
        return (f'<section id="{key}"><h2>{esc(self.t[title_key])}</h2>'
                f'<p class="lead">{esc(lead)}</p>{body}</section>')

    # -- helpers -----------------------------------------------------------------------------------
    def _channels_with(self, rows: list[dict], field: str) -> list[str]:
        """Channels with a non-zero value of field, in the order of the channel table."""
        has = {r["channel"] for r in rows if r[field] is not None and float(r[field]) != 0}
        order = [r["channel"] for r in self.d["by_channel"]]
        return [c for c in order if c in has] + sorted(has - set(order))

    def _date_axis(self, rows: list[dict], grain: str) -> dict:
        """A date axis whose ticks fall on the buckets (weeks start on Monday, months on the 1st)."""
        axis = {"type": "date", "tickformat": "%b %Y" if grain == "month" else "%d %b"}
        if grain == "week" and rows:
            axis.update(tick0=min(r["bucket"] for r in rows).isoformat(), dtick=7 * 86_400_000)
        return axis

    def _line_label(self, row: dict) -> str:
        return f'{self.channel(row["channel"])} · {self.word(row["bucket"])}'

    def _alert_detail(self, row: dict, goal_names: dict) -> str:
        """A short line in the report's language (the full English message goes to notifications)."""
        kind, day, it = row["kind"], row["alert_date"], self.lang == "it"
        if kind.startswith("metric_"):
            weekday = WEEKDAYS[self.lang][day.weekday()]
            if it:
                side = "sopra" if kind == "metric_spike" else "sotto"
                return f"{weekday} {self.f.date(day)}: {side} l'intervallo abituale degli ultimi 28 giorni"
            side = "above" if kind == "metric_spike" else "below"
            return f"{weekday} {self.f.date(day)}: {side} the usual range of the last 28 days"
        if kind.startswith("budget_"):
            share = self.f.pct(float(row["value"]) / float(row["expected"]), 0) if row["expected"] else "–"
            bucket = self.word(row["subject"] or None)
            if it:
                return f"{bucket}: proiezione a fine mese {self.f.money(row['value'])}, {share} del piano"
            return f"{bucket}: projected month end {self.f.money(row['value'])}, {share} of plan"
        name = goal_names.get(row["subject"], row["subject"])
        if kind == "goal_missed":
            return f"{name}: " + ("mancato alla scadenza" if it else "missed at the deadline")
        return f"{name}: " + ("in ritardo sul tempo trascorso" if it else "behind the time elapsed")

    # -- whole page --------------------------------------------------------------------------------
    def render(self) -> str:
        body = "".join([self.cards(), self.over_time(), self.channels(), self.trends(), self.keywords(),
                        self.wasted(), self.funnel(), self.email(), self.budget(), self.goals(), self.alerts()])
        prev = self.period.previous
        period_line = (f"{self.f.span(self.period.start, self.period.end)} · "
                       + (f"{self.t['vs']} {self.f.span(prev.start, prev.end)}" if self.comparable
                          else self.no_comparison()))
        attribution = self.t.get(self.d["attribution"], self.d["attribution"])
        meta = "".join(f"<span>{esc(x)}</span>" for x in (
            f"{self.t['data_until']} {self.f.date(self.d['as_of'])}",
            f"{self.t['currency']} {self.d['currency']}",
            f"{self.t['attribution']}: {attribution}",
            f"{self.t['generated']} {self.f.date(self.generated.date())} {self.generated:%H:%M}",
        ))
        config = {"displaylogo": False, "displayModeBar": False, "responsive": True, "locale": self.lang}
        return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            lang=self.lang, title=esc(self.t["title"]), period=esc(self.f.span(self.period.start, self.period.end)),
            period_line=esc(period_line), meta=meta, body=body, footer=self.footer(),
            plotly_js=_plotly_js(), locale_js=_locale_js(), charts=_script_json(self.charts),
            config=_script_json(config),
        )


def _float(value) -> float | None:
    return None if value is None else float(value)


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("</", "<\\/")


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:  # pragma: no cover - plotly is a dependency
        raise RoiError("roi report needs the plotly package: pip install plotly") from None
    return get_plotlyjs().replace("</script", "<\\/script")


def _locale_js() -> str:
    return LOCALE_JS % {
        "days": json.dumps([d.capitalize() for d in WEEKDAYS["it"][6:] + WEEKDAYS["it"][:6]]),
        "short_days": json.dumps([d[:3].capitalize() for d in WEEKDAYS["it"][6:] + WEEKDAYS["it"][:6]]),
        "months": json.dumps([m.capitalize() for m in MONTHS["it"]]),
        "short_months": json.dumps([m[:3] for m in MONTHS["it"]]),
    }


# ------------------------------------------------------------------ entry points -----------------

def render_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  lang: str = "it", generated: dt.datetime | None = None) -> str:
    """The report's HTML for [date_from, date_to] (defaults: the 30 days up to the latest data)."""
    if lang not in LANGS:
        raise ConfigError(f"--lang {lang}: choose it or en")
    period = resolve_period(con, date_from, date_to)
    data = gather(con, period)
    return Report(data, period, lang, generated or dt.datetime.now()).render()


def write_report(warehouse: Path, out: Path, date_from: dt.date | None = None, date_to: dt.date | None = None,
                 lang: str = "it") -> Path:
    """Writes the report for the warehouse file to out (atomically) and returns the path."""
    from roi.warehouse import db
    with db.connect_read_only(warehouse) as con:
        page = render_report(con, date_from, date_to, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out
