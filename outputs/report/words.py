"""Every word the report prints, in its two languages. Each phrase is written once, Italian beside English, so that
a new phrase cannot miss a language; `TEXT[lang]`, `WORDS[lang]` and `CHANNELS[lang]` are the tables of one language."""
from __future__ import annotations

LANGS = ("it", "en")


def _by_language(phrases: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """{key: (Italian, English)} -> {"it": {key: Italian}, "en": {key: English}}."""
    return {lang: {key: pair[i] for key, pair in phrases.items()} for i, lang in enumerate(LANGS)}


# Titles, leads, column headers, notes and the footer. A "{name}" is filled in by the section that prints it.
TEXT = _by_language({
    "title": ("Report ROI marketing", "Marketing ROI report"),
    "vs": ("confronto con", "compared with"),
    "generated": ("generato il", "generated on"),
    "currency": ("valuta", "currency"),
    "attribution": ("attribuzione", "attribution"),
    "last_touch": ("ultimo contatto", "last touch"),
    "first_touch": ("primo contatto", "first touch"),
    "data_until": ("dati fino al", "data until"),
    "spend": ("Spesa media", "Media spend"),
    "total_cost": ("Costo totale", "Total cost"),
    "revenue": ("Ricavi", "Revenue"),
    "roi_pct": ("ROI", "ROI"),
    "roas": ("ROAS", "ROAS"),
    "cac": ("CAC", "CAC"),
    "ltv_cac": ("LTV:CAC", "LTV:CAC"),
    "hint_spend": ("spesa sulle piattaforme pubblicitarie", "spend on the ad platforms"),
    "hint_total_cost": ("spesa media + persone, strumenti, agenzia", "media spend + staff, tools, agency"),
    "hint_revenue_cost_channels": ("ordini attribuiti ai canali con costi",
                                   "orders attributed to channels with cost"),
    "hint_revenue_all": ("ordini attribuiti a tutti i canali", "orders attributed to every channel"),
    "hint_revenue_free": ("canali con costi; + {money} da {channels} (senza costi), fuori dal ROI",
                          "channels with cost; + {money} from {channels} (no cost), not in ROI"),
    "no_revenue_source": ("nessuna fonte di ricavi caricata (ordini o CRM): ROI non calcolabile",
                          "no revenue source loaded (orders or CRM): ROI cannot be computed"),
    "no_prev_short": ("nessun periodo confrontabile", "no comparable period"),
    "from": ("dal", "from"),
    "new_sources": (
        " Fonti iniziate dopo l'inizio del periodo precedente, che ne contiene meno giorni: {sources}.",
        " Sources that start after the previous period began, so it holds fewer of their days: {sources}."),
    "no_comparable": (
        "nessun periodo confrontabile: i dati iniziano il {first}, dopo l'inizio del periodo precedente "
        "({prev_start})",
        "no comparable period: the data starts on {first}, after the previous period starts ({prev_start})"),
    "s_channels_note": (
        "Lead contati per canale del lead, clienti per canale dell'ordine che li ha acquisiti ({attribution}): le "
        "due colonne seguono regole diverse; il tasso di chiusura (lead diventati clienti ÷ lead) è nel funnel.",
        "Leads are counted by the lead's channel, customers by the channel of the order that acquired them "
        "({attribution}): the two columns follow different rules; the close rate (leads that became customers ÷ "
        "leads) is in the funnel."),
    "f_rev_net": (
        "Ricavi netti: ordini pagati, senza IVA, spedizione e la quota rimborsata; un primo ordine non pagato o "
        "rimborsato per intero non acquisisce un cliente.",
        "Net revenue: paid orders without VAT/sales tax, shipping and refunds; a first order never paid or "
        "refunded in full does not acquire a customer."),
    "f_rev_gross": (
        "Ricavi lordi ([kpi] revenue = \"gross\"): totale degli ordini pagati meno i rimborsi, IVA e spedizione "
        "inclusi.",
        "Gross revenue ([kpi] revenue = \"gross\"): paid order totals less refunds, tax and shipping included."),
    "f_headline": (
        "ROI e ricavi in testa contano i canali con costi; i ricavi dei canali senza costi (diretto, organico, "
        "referral) sono mostrati a parte ([kpi] headline_revenue).",
        "The headline ROI and revenue count the channels with cost; revenue of cost-free channels (direct, "
        "organic, referral) is shown beside it ([kpi] headline_revenue)."),
    "f_close": (
        "Tasso di chiusura: lead del mese e canale diventati clienti ÷ quei lead (mai oltre il 100 %).",
        "Close rate: leads of the month and channel that became customers ÷ those leads (never above 100 %)."),
    "f_cac": (
        "CAC: costo totale del canale nel mese ÷ nuovi clienti acquisiti nel mese; per i canali a ciclo lungo "
        "marts.ltv_cac ha anche il CAC sui {days} giorni precedenti.",
        "CAC: the channel's total cost in the month ÷ customers acquired in the month; for long-cycle channels "
        "marts.ltv_cac also has a CAC over the {days} days before."),
    "revenue_word": ("Ricavi", "Revenue"),
    "headline_word": ("ROI in testa", "Headline ROI"),
    "close_word": ("Tasso di chiusura", "Close rate"),
    "hint_roi_pct": ("(ricavi − costo totale) ÷ costo totale", "(revenue − total cost) ÷ total cost"),
    "hint_roas": ("valore conversioni ÷ spesa (piattaforme)", "conversion value ÷ spend (platforms)"),
    "hint_cac": ("costo totale ÷ nuovi clienti", "total cost ÷ new customers"),
    "hint_ltv_cac": ("clienti acquisiti a {months}", "customers acquired in {months}"),
    "prev": ("prec.", "prev."),
    "no_prev": ("nessun dato nel periodo precedente", "no data in the previous period"),
    "pp": ("pp", "pp"),
    "s_time": ("Spesa e ricavi nel tempo", "Spend and revenue over time"),
    "s_time_lead": ("Spesa media e ricavi attribuiti per canale, per {grain}.",
                    "Media spend and attributed revenue by channel, per {grain}."),
    # the grain in "per {grain}"
    "day": ("giorno", "day"),
    "week": ("settimana", "week"),
    "month": ("mese", "month"),
    "month_column": ("Mese", "Month"),   # the wasted search terms' column header
    "c_spend": ("Spesa per canale", "Spend by channel"),
    "c_revenue": ("Ricavi per canale", "Revenue by channel"),
    "s_channels": ("Rendimento per canale", "Performance by channel"),
    "s_channels_lead": (
        "Il ROI è calcolato sul costo totale (spesa media più costi non media del canale); il CAC è il costo "
        "totale per nuovo cliente. Clicca le intestazioni per ordinare.",
        "ROI is on total cost (media spend plus the channel's non-media costs); CAC is total cost per new "
        "customer. Click a column header to sort."),
    "c_roi": ("ROI % per canale", "ROI % by channel"),
    "c_cac": ("CAC per canale", "CAC by channel"),
    "channel": ("Canale", "Channel"),
    "leads": ("Lead", "Leads"),
    "customers": ("Clienti", "Customers"),
    "s_trends": ("Andamento di CPL e CPA", "CPL and CPA trends"),
    "s_trends_lead": (
        "Costo per lead (costo totale ÷ lead) e costo per acquisizione (spesa ÷ conversioni delle piattaforme), "
        "per {grain}.",
        "Cost per lead (total cost ÷ leads) and cost per acquisition (spend ÷ platform conversions), per {grain}."),
    "c_cpl": ("CPL per canale", "CPL by channel"),
    "c_cpa": ("CPA per canale", "CPA by channel"),
    "s_funnel": ("Funnel lead → clienti", "Lead → customer funnel"),
    "s_funnel_lead": ("Lead creati a {months} e fin dove sono arrivati (coorti mensili).",
                      "Leads created in {months} and how far they got (monthly cohorts)."),
    "by_channel": ("Per canale", "By channel"),
    "mqls": ("MQL", "MQLs"),
    "sqls": ("SQL", "SQLs"),
    "close_rate": ("Tasso di chiusura", "Close rate"),
    "cycle": ("Ciclo di vendita (gg)", "Sales cycle (days)"),
    "s_site": ("Il sito e le piattaforme", "The site and the platforms"),
    "s_site_lead": (
        "Quello che il sito ha visto per canale (sessioni ed eventi chiave di GA4, Search Console) accanto alle "
        "conversioni che ogni piattaforma si attribuisce e agli ordini con la sua UTM.",
        "What the site saw by channel (GA4 sessions and key events, Search Console) beside the conversions "
        "each platform claims and the orders carrying its UTM."),
    "s_site_note": (
        "Dichiarate ÷ sito: conversioni della piattaforma ÷ eventi chiave delle sue sessioni; sopra 1 la "
        "piattaforma ne conta più di quante il sito ne abbia viste (finestre di attribuzione, view-through, "
        "altri dispositivi). Per mese e con i valori: marts.conversion_gap.",
        "Claimed ÷ site: the platform's conversions ÷ the key events of its sessions; above 1 the platform "
        "counts more than the site saw (attribution windows, view-through, other devices). By month and with "
        "values: marts.conversion_gap."),
    "c_site": ("Conversioni dichiarate, viste dal sito, ordini", "Conversions claimed, seen by the site, orders"),
    "site_worst": ("{channel} dichiara {ratio} volte le conversioni che il sito ha visto.",
                   "{channel} claims {ratio} times the conversions the site saw."),
    "claimed": ("Dichiarate", "Claimed"),
    "key_events": ("Eventi chiave", "Key events"),
    "orders_utm": ("Ordini (UTM)", "Orders (UTM)"),
    "sessions": ("Sessioni", "Sessions"),
    "site_cr": ("Tasso di conversione", "Conversion rate"),
    "rev_session": ("Entrate/sessione", "Revenue/session"),
    "cost_session": ("Costo/sessione", "Cost/session"),
    "claimed_vs_site": ("Dichiarate ÷ sito", "Claimed ÷ site"),
    "search_clicks": ("Clic organici", "Organic clicks"),
    "search_position": ("Posizione media", "Avg position"),
    "s_email": ("Email", "Email"),
    "s_email_lead": ("Tassi per campagna inviata nel periodo.", "Rates per campaign sent in the period."),
    "c_email": ("Apertura e clic per campagna", "Open and click rate per campaign"),
    "campaign": ("Campagna", "Campaign"),
    "sent": ("Invio", "Sent"),
    "recipients": ("Destinatari", "Recipients"),
    "delivery_rate": ("Consegna", "Delivery"),
    "open_rate": ("Apertura", "Open"),
    "click_rate": ("Clic", "Click"),
    "ctor": ("Clic/aperture", "Click-to-open"),
    "bounce_rate": ("Rimbalzi", "Bounce"),
    "unsub_rate": ("Disiscrizioni", "Unsubscribe"),
    "s_budget": ("Budget: avanzamento e mix 70/20/10", "Budget pacing and the 70/20/10 mix"),
    "s_budget_lead": (
        "{month}: costo totale a oggi e proiezione a fine mese rispetto al piano (al {as_of}, {days} giorni su "
        "{days_in_month}).",
        "{month}: total cost to date and projected month end against plan (as of {as_of}, day {days} of "
        "{days_in_month})."),
    "c_pacing": ("Piano, speso e proiezione per canale", "Plan, spent and projection by channel"),
    "c_mix": ("Mix del budget rispetto a 70/20/10", "Budget mix against 70/20/10"),
    "planned": ("Pianificato", "Planned"),
    "actual": ("Speso a oggi", "Spent to date"),
    "projected": ("Proiezione fine mese", "Projected month end"),
    "of_plan": ("% del piano", "% of plan"),
    "status": ("Stato", "Status"),
    "target": ("Target", "Target"),
    "s_goals": ("Obiettivi SMART", "SMART goals"),
    "s_goals_lead": ("Avanzamento rispetto al tempo trascorso (al {as_of}).",
                     "Progress against the time elapsed (as of {as_of})."),
    "goal": ("Obiettivo", "Goal"),
    "current": ("Attuale", "Current"),
    "progress": ("Avanzamento", "Progress"),
    "days_left": ("Giorni rimasti", "Days left"),
    "deadline": ("Scadenza", "Deadline"),
    "owner": ("Responsabile", "Owner"),
    "all_channels": ("tutti i canali", "all channels"),
    "at_least": ("almeno", "at least"),
    "at_most": ("al massimo", "at most"),
    "time_elapsed": ("tempo trascorso", "time elapsed"),
    "s_alerts": ("Avvisi", "Alerts"),
    "s_alerts_lead": (
        "Metriche fuori dal loro intervallo abituale (mediana ± k·MAD degli ultimi 28 giorni, per giorno della "
        "settimana), budget fuori piano e obiettivi a rischio.",
        "Metrics outside their usual range (median ± k·MAD of the last 28 days, weekday-aware), budgets off plan "
        "and goals at risk."),
    "date": ("Data", "Date"),
    "severity": ("Gravità", "Severity"),
    "kind": ("Tipo", "Kind"),
    "metric": ("Metrica", "Metric"),
    "value": ("Valore", "Value"),
    "expected": ("Atteso", "Expected"),
    "range": ("Intervallo", "Usual range"),
    "detail": ("Dettaglio", "Detail"),
    "more_alerts": ("… e altri {n}: `roi alerts --from {start}` li elenca tutti.",
                    "… and {n} more: `roi alerts --from {start}` lists them all."),
    "no_data": ("Nessun dato in questo periodo.", "No data in this period."),
    "no_budget": ("Nessun budget per {month}.", "No budget for {month}."),
    "no_goals": ("Nessun obiettivo caricato.", "No goals loaded."),
    "no_alerts": ("Nessun avviso nel periodo.", "No alerts in the period."),
    "no_alert_view": ("Avvisi non disponibili: esegui `roi run` (o `roi ingest`) per aggiornare le viste.",
                      "Alerts unavailable: run `roi run` (or `roi ingest`) to refresh the views."),
    "no_email": ("Nessuna campagna email inviata nel periodo.", "No email campaign sent in the period."),
    "no_leads": ("Nessun lead in {months}.", "No leads in {months}."),
    "f_title": ("Come conta roi", "How roi counts"),
    "f_money": ("Importi in {currency}, convertiti con i cambi BCE del giorno.",
                "Money in {currency}, converted at the ECB rate of the day."),
    "f_attr": ("Ogni ordine va al canale del suo {attribution}.",
               "Each order goes to the channel of its {attribution}."),
    "f_prev": ("Confronto con i {days} giorni precedenti ({prev}).",
               "Compared with the {days} days before ({prev})."),
    "f_empty": (
        "“–” indica un rapporto senza denominatore (nessuna spesa, nessun cliente …), mai uno zero inventato.",
        "“–” marks a ratio without a denominator (no spend, no customers …), never a made-up zero."),
    "f_ltv": (
        "Ricavi a oggi dei clienti acquisiti nei mesi del periodo ÷ costo di acquisizione dei loro canali.",
        "Revenue to date of the customers acquired in the period's months ÷ the acquisition cost of their "
        "channels."),
    "money_word": ("Denaro", "Money"),
    "comparison": ("Confronto", "Comparison"),
    "missing": ("Dati mancanti", "Missing data"),
    "ltv_word": ("LTV:CAC", "LTV:CAC"),
    "s_keywords": ("Parole chiave", "Keywords"),
    "s_keywords_lead": (
        "Le {shown} parole chiave con più spesa in {months} (su {total}), per gruppo di annunci; CTR, CPC, CPA e "
        "ROAS dalle somme del periodo.",
        "The {shown} keywords with the most spend in {months} (of {total}), per ad group; CTR, CPC, CPA and ROAS "
        "from the period's sums."),
    "keyword": ("Parola chiave", "Keyword"),
    "match_type": ("Corrispondenza", "Match type"),
    "ad_group": ("Gruppo di annunci", "Ad group"),
    "clicks": ("Clic", "Clicks"),
    "conversions": ("Conversioni", "Conversions"),
    "impressions": ("Impressioni", "Impressions"),
    "ad_spend": ("Spesa", "Spend"),
    "no_keywords": ("Nessuna parola chiave con dati in {months}.", "No keyword data in {months}."),
    "s_wasted": ("Termini di ricerca sprecati", "Wasted search terms"),
    "s_wasted_lead": (
        "Termini di ricerca che in un mese hanno speso più di {min} senza nessuna conversione ({months}): "
        "candidati a parole chiave negative.",
        "Search terms that spent more than {min} in a month without a single conversion ({months}): candidates for "
        "negative keywords."),
    "wasted_total": ("{n} termini, {spend} di spesa senza conversioni.",
                     "{n} terms, {spend} spent without a conversion."),
    "search_term": ("Termine di ricerca", "Search term"),
    "matched": ("Parole chiave attivate", "Matched keywords"),
    "no_wasted": ("Nessun termine di ricerca ha speso più di {min} senza convertire in {months}.",
                  "No search term spent more than {min} without converting in {months}."),
    "more_wasted": ("… e altri {n}: `roi query \"SELECT * FROM marts.search_terms_wasted\"` li elenca tutti.",
                    "… and {n} more: `roi query \"SELECT * FROM marts.search_terms_wasted\"` lists them all."),
    # the media-mix model (sections/mmm.py); {outcome}: an mmm_<outcome> word, {by}: an mmm_by_<attribution>
    "s_mmm": ("Modello media-mix: cosa aggiunge ogni canale", "Media-mix model: what each channel adds"),
    "s_mmm_lead": (
        "Stima del {fitted} sulle {weeks} settimane dal {start} al {end}, qualunque sia il periodo del report: "
        "{the_outcome} che ogni canale ha aggiunto oltre a quanto sarebbe successo comunque, con l'intervallo "
        "5–95 %, accanto a quanto gli attribuisce {by}. Errore medio della stima {mape}, R² {r2}.",
        "Fitted on {fitted} over the {weeks} weeks {start} – {end}, whatever the report's period: {the_outcome} "
        "each channel added beyond what would have happened anyway, with its 5–95 % interval, beside what {by} "
        "credits it. Fit error {mape} (MAPE), R² {r2}."),
    "mmm_revenue": ("ricavi", "revenue"),
    "mmm_orders": ("vendite", "sales"),
    "mmm_leads": ("lead", "leads"),
    "mmm_the_revenue": ("i ricavi", "the revenue"),
    "mmm_the_orders": ("le vendite", "the sales"),
    "mmm_the_leads": ("i lead", "the leads"),
    "mmm_by_last_touch": ("l'ultimo contatto", "last touch"),
    "mmm_by_first_touch": ("il primo contatto", "first touch"),
    "mmm_incremental": ("{Outcome} incrementali", "Incremental {outcome}"),
    "mmm_interval": ("5–95 %", "5–95 %"),
    "mmm_roi_revenue": ("ROI incrementale ({symbol} per {symbol})", "Incremental ROI ({symbol} per {symbol})"),
    "mmm_roi_other": ("{Outcome} incrementali per {symbol}", "Incremental {outcome} per {symbol}"),
    "mmm_touch_revenue": ("ROAS ({attribution})", "ROAS ({attribution})"),
    "mmm_touch_other": ("{Outcome} per {symbol} ({attribution})", "{Outcome} per {symbol} ({attribution})"),
    "mmm_share": ("Quota di {outcome} spiegata", "Share of {outcome} explained"),
    "mmm_c_roi": ("Per {symbol} di spesa media: il modello e {by}", "Per {symbol} of media spend: the model and {by}"),
    "mmm_model": ("Modello (incrementale)", "Model (incremental)"),
    "mmm_credited": ("Attribuito ({attribution})", "Credited ({attribution})"),
    "mmm_pays_back": ("1 = ripaga la spesa media", "1 = pays the media back"),
    "mmm_table_note": (
        "Incrementale: quanto il canale ha aggiunto secondo il modello; ROI = incrementale ÷ spesa media (il "
        "personale e le commissioni non contano). {attribution_cap}: quanto gli ordini gli attribuiscono ÷ la stessa "
        "spesa media, sulle stesse settimane.",
        "Incremental: what the channel added by the model; ROI = incremental ÷ media spend (staff and fees not "
        "counted). {attribution_cap}: what the orders credit it ÷ the same media spend, over the same weeks."),
    "mmm_less": ("{channel}: {by} gli attribuisce {touch} per {symbol}, il modello {model}: parte di ciò che gli "
                 "viene attribuito sarebbe successo comunque.",
                 "{channel}: {by} credits it {touch} per {symbol}, the model {model}: part of what it is credited "
                 "would have happened anyway."),
    "mmm_more": ("{channel}: {by} gli attribuisce {touch} per {symbol}, il modello {model}: porta più di quanto "
                 "gli venga attribuito (visualizzazioni, altri dispositivi, visite successive).",
                 "{channel}: {by} credits it {touch} per {symbol}, the model {model}: it brings more than it is "
                 "credited (views, other devices, later visits)."),
    "mmm_doubts": ("Dove il modello non è sicuro", "Where the model is not sure"),
    "mmm_no_doubts": ("Il modello non segnala dubbi.", "The model flags no doubts."),
    "mmm_quick": ("È una stima rapida (--quick): un'anteprima senza intervalli; ripeti `roi mmm` senza --quick "
                  "prima di decidere.",
                  "This is a quick fit (--quick): a preview without intervals; run `roi mmm` without --quick "
                  "before acting on it."),
    "mmm_doubt_short_history": (
        "Solo {value} settimane di storico: con meno di due anni il ROI dei canali a spesa costante può sbagliare "
        "anche del doppio; ripeti la stima quando lo storico cresce.",
        "Only {value} weeks of history: with less than two years, the ROIs of steady channels can be off by 2×; "
        "fit again as history grows."),
    "mmm_doubt_wide_interval": (
        "{channel}: l'intervallo è ampio (il massimo è {value} volte il minimo): i dati non bastano a stimare questo "
        "canale; fai variare la sua spesa (qualche settimana in più, qualche settimana in meno) per saperne di più.",
        "{channel}: the interval is wide (its top is {value}× its bottom): the data cannot pin this channel down; "
        "vary its spend (a few weeks up, a few down) to learn more."),
    "mmm_doubt_wide_interval_zero": (
        "{channel}: l'intervallo è ampio (scende fino a nessun effetto): i dati non bastano a stimare questo canale; "
        "fai variare la sua spesa (qualche settimana in più, qualche settimana in meno) per saperne di più.",
        "{channel}: the interval is wide (it reaches down to no effect at all): the data cannot pin this channel "
        "down; vary its spend (a few weeks up, a few down) to learn more."),
    "mmm_doubt_seasonal_spend": (
        "{channel}: la sua spesa segue la stagione (correlazione {value}), quindi parte delle vendite della stagione "
        "può essergli attribuita o tolta a torto.",
        "{channel}: its spend moves with the season (correlation {value}), so part of the season's sales may be "
        "credited to it or taken from it."),
    "mmm_doubt_not_converged": (
        "Il campionamento non è arrivato a convergenza (R-hat {value} > 1,05): non decidere su questi numeri; "
        "ripeti la stima, o con meno canali.",
        "The sampler did not converge (R-hat {value} > 1.05): do not act on these numbers; fit again, or with "
        "fewer channels."),
    "mmm_doubt_divergences": ("{value} transizioni divergenti: gli intervalli potrebbero essere troppo stretti.",
                              "{value} divergent transitions: the intervals may be too narrow."),
    "mmm_curves": ("Curve di risposta: spesa settimanale → {outcome} incrementali a settimana",
                   "Response curves: weekly spend → incremental {outcome} per week"),
    "mmm_curves_note": (
        "La banda è l'intervallo 5–95 %; il punto è la spesa media a settimana dal {start} al {end} (le ultime 4 "
        "settimane stimate): dove la curva si appiattisce, un {symbol} in più rende meno.",
        "The band is the 5–95 % interval; the dot is the mean weekly spend {start} – {end} (the last 4 fitted "
        "weeks): where the curve flattens, one more {symbol} adds less."),
    "mmm_now": ("Oggi: {spend} a settimana → {outcome}", "Today: {spend} a week → {outcome}"),
    "mmm_weekly_spend": ("Spesa a settimana", "Weekly spend"),
    "mmm_plan": ("Piano di budget del {date}: {budget} in {weeks} settimane",
                 "Budget plan of {date}: {budget} over {weeks} weeks"),
    "mmm_today_weeks": ("Oggi ({weeks} sett.)", "Today ({weeks} wk)"),
    "mmm_plan_weeks": ("Piano ({weeks} sett.)", "Plan ({weeks} wk)"),
    "mmm_change": ("Variazione", "Change"),
    "mmm_expected_today": ("Atteso oggi ({outcome})", "Expected today ({outcome})"),
    "mmm_expected_plan": ("Atteso col piano ({outcome})", "Expected with the plan ({outcome})"),
    "mmm_bucket": ("Fascia", "Bucket"),
    "mmm_split": ("Mix 70/20/10: oggi → piano", "70/20/10 split: today → plan"),
    "mmm_today": ("Oggi", "Today"),
    "mmm_planned": ("Piano", "Plan"),
    "mmm_gain": ("Guadagno atteso rispetto alla ripartizione di oggi: {gain} in {weeks} settimane (5–95 %: da {low} "
                 "a {high}).",
                 "Expected gain over today's allocation: {gain} over {weeks} weeks (5–95 %: {low} to {high})."),
    "mmm_gain_unsure": (" L'intervallo comprende anche nessun guadagno: il modello non è sicuro che il piano batta "
                        "la ripartizione di oggi.",
                        " The interval includes no gain at all: the model is not sure the plan beats today's "
                        "allocation."),
})

# Values the marts hold: statuses, severities, alert kinds, budget buckets, metric and match-type names.
WORDS = _by_language({
    "under": ("sotto piano", "under plan"),
    "on_track": ("in linea", "on track"),
    "over": ("sopra piano", "over plan"),
    "achieved": ("raggiunto", "achieved"),
    "at_risk": ("a rischio", "at risk"),
    "missed": ("mancato", "missed"),
    "critical": ("critico", "critical"),
    "warning": ("attenzione", "warning"),
    "info": ("info", "info"),
    "metric_spike": ("picco", "spike"),
    "metric_drop": ("calo", "drop"),
    "budget_over": ("budget superato", "over budget"),
    "budget_under": ("budget sottoutilizzato", "under budget"),
    "goal_at_risk": ("obiettivo a rischio", "goal at risk"),
    "goal_missed": ("obiettivo mancato", "goal missed"),
    "proven": ("Consolidato (70%)", "Proven (70%)"),
    "new": ("Nuovo (20%)", "New (20%)"),
    "experiment": ("Sperimentale (10%)", "Experiment (10%)"),
    "none": ("senza budget", "no budget"),
    "spend": ("spesa", "spend"),
    "conversions": ("conversioni", "conversions"),
    "ctr": ("CTR", "CTR"),
    "cpa": ("CPA", "CPA"),
    "roas": ("ROAS", "ROAS"),
    "open_rate": ("tasso di apertura", "open rate"),
    "total_cost": ("costo totale", "total cost"),
    "revenue": ("ricavi", "revenue"),
    "leads": ("lead", "leads"),
    "customers": ("clienti", "customers"),
    "roi_pct": ("ROI %", "ROI %"),
    "cpl": ("CPL", "CPL"),
    "cac": ("CAC", "CAC"),
    "cpc": ("CPC", "CPC"),
    "cpm": ("CPM", "CPM"),
    "clicks": ("clic", "clicks"),
    "impressions": ("impressioni", "impressions"),
    "conversion_rate": ("tasso di conversione", "conversion rate"),
    "lead_to_customer_rate": ("tasso di chiusura", "close rate"),
    "click_rate": ("tasso di clic", "click rate"),
    "exact": ("esatta", "exact"),
    "phrase": ("a frase", "phrase"),
    "broad": ("generica", "broad"),
})

# Channel names; a channel not listed here shows as its name with spaces ("my_channel" -> "My channel").
CHANNELS = _by_language({
    "google_ads": ("Google Ads", "Google Ads"),
    "meta_ads": ("Meta Ads", "Meta Ads"),
    "linkedin_ads": ("LinkedIn Ads", "LinkedIn Ads"),
    "microsoft_ads": ("Microsoft Ads", "Microsoft Ads"),
    "tiktok_ads": ("TikTok Ads", "TikTok Ads"),
    "pinterest_ads": ("Pinterest Ads", "Pinterest Ads"),
    "snapchat_ads": ("Snapchat Ads", "Snapchat Ads"),
    "reddit_ads": ("Reddit Ads", "Reddit Ads"),
    "amazon_ads": ("Amazon Ads", "Amazon Ads"),
    "apple_search_ads": ("Apple Search Ads", "Apple Search Ads"),
    "x_ads": ("X Ads", "X Ads"),
    "email": ("Email", "Email"),
    "organic_search": ("Ricerca organica", "Organic search"),
    "organic_social": ("Social organico", "Organic social"),
    "referral": ("Referral", "Referral"),
    "direct": ("Diretto", "Direct"),
    "other": ("Altro", "Other"),
    "all": ("Tutti i canali", "All channels"),
})

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
