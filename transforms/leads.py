"""CRM lead exports (canonical, HubSpot contacts, Salesforce leads; en/it/es/fr/de/pt) -> core.leads."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import business, channels, dates, headers, numbers, pipedrive, salesforce
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.crm_fields import crm_name
from roi.transforms.hubspot_email import DEFAULT_UTM_PROPERTIES, column, hubspot_datetime
from roi.transforms.ids import stable_id

TABLE = "leads"
# API mode (sources/leads.py): crm = "hubspot" (default), "pipedrive" or "salesforce".
# HubSpot: utm_properties = { utm_source = "…", utm_medium = "…", utm_campaign = "…" } names the contact
# properties holding UTM values (default: utm_source, utm_medium, utm_campaign). Pipedrive and Salesforce:
# utm_fields = { utm_source = "<field>" or ["<field>", …], … } names the person custom fields (40-hex keys)
# or the Lead fields (API names such as UTM_Source__c) holding them (default: none). Salesforce:
# lost_statuses = ["Closed - Not Converted"] (the Lead Status values that mean lost).
OPTIONS = ("crm", "utm_properties", "utm_fields", "lost_statuses")

# field -> header aliases, tried in order (a header feeds one field; earlier fields claim first).
FIELDS: dict[str, list[str]] = {
    "lead_id": ["lead_id", "lead id", "record id", "contact id", "id lead", "id del lead", "id record",
                "id contatto", "id de lead", "id do lead", "id du lead", "lead-id", "id"],
    "customer_id": ["customer_id", "id cliente", "codice cliente", "client id"],
    "account_id": ["converted account id", "account id", "id account"],
    "email": ["email", "e-mail", "email address", "indirizzo email", "indirizzo e-mail",
              "correo electrónico", "correo", "adresse e-mail", "courriel", "e-mail-adresse"],
    "created_date": ["created_date", "create date", "created date", "created", "date created",
                     "creation date", "created on", "data creazione", "data di creazione", "creato il",
                     "data", "date", "fecha de creación", "fecha creación", "data de criação",
                     "date de création", "erstellungsdatum", "erstellt am"],
    "mql_date": ["mql_date", "mql date", "became a marketing qualified lead date", "data mql",
                 "data diventato mql", "diventato un lead qualificato per il marketing",
                 "fecha mql", "date mql", "mql datum"],
    "sql_date": ["sql_date", "sql date", "became a sales qualified lead date", "data sql",
                 "data diventato sql", "diventato un lead qualificato per le vendite",
                 "fecha sql", "date sql", "sql datum"],
    "customer_date": ["customer_date", "customer date", "became a customer date", "converted date",
                      "conversion date", "won date", "data cliente", "data conversione",
                      "data di conversione", "diventato un cliente", "fecha cliente",
                      "fecha de conversión", "date client", "date de conversion", "kunde seit"],
    "lost_date": ["lost_date", "lost date", "closed lost date", "data persa", "data perso",
                  "data chiusura persa", "fecha perdida", "date perdu", "verloren am"],
    "utm_source": ["utm_source", "utm source", "fonte utm", "origem utm"],
    "utm_medium": ["utm_medium", "utm medium", "mezzo utm"],
    "utm_campaign": ["utm_campaign", "utm campaign", "campagna utm"],
    "channel": ["channel", "canale", "canale marketing", "marketing channel", "canal", "kanal"],
    "original_source": ["original source", "original traffic source", "fonte originale",
                        "origine originale", "fuente original", "source d'origine",
                        "ursprüngliche quelle", "fonte original"],
    "original_drill": ["original source drill-down 1", "original traffic source drill-down 1",
                       "original source data 1", "fonte originale dettaglio 1",
                       "dettaglio 1 fonte originale", "fonte originale analisi dettagliata 1"],
    "lead_source": ["lead source", "fonte lead", "origine lead", "origine del lead", "lead origin",
                    "fuente del lead", "origen del lead", "origine du lead", "lead-quelle"],
    "converted": ["converted", "is converted", "convertito", "convertido", "converti", "konvertiert"],
    "landing_page": ["landing page", "landing site", "first page seen", "first page seen url",
                     "pagina di destinazione", "prima pagina vista"],
}
ITALIAN = frozenset({
    "id lead", "id record", "id contatto", "id cliente", "codice cliente", "indirizzo email",
    "indirizzo e-mail", "data creazione", "data di creazione", "creato il", "data", "data mql",
    "data sql", "data cliente", "data conversione", "data di conversione", "data persa",
    "data perso", "canale", "canale marketing", "fonte originale", "fonte lead", "origine lead",
    "convertito", "fonte utm", "mezzo utm", "campagna utm",
})
DATES = ["created_date", "mql_date", "sql_date", "customer_date", "lost_date"]
_CONTACT_ID_HEADERS = {"record id", "contact id", "id record", "id contatto"}


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    m = business.map_columns(raw, ctx, FIELDS, ITALIAN)
    warnings: list[str] = []
    if "created_date" not in m.found:
        raise ValueError(f"{raw.path.name}: no lead creation date column (looked for "
                         "'created_date', 'Create Date', 'Created Date', 'Data creazione' …) — map "
                         "it under columns.created_date in roi.toml")
    df = m.frame
    order = business.date_order(ctx, df, DATES)
    known = channels.known(ctx.channels)
    rules = tuple(ctx.channel_rules) or channels.DEFAULT_RULES

    # Ids: the file's lead id; without such a column, one derived from e-mail + creation date.
    id_from_contact = headers.norm(m.found.get("lead_id", "")) in _CONTACT_ID_HEADERS
    if "lead_id" in m.found:
        lead_id = numbers.text("lead_id")
    else:
        lead_id = stable_id("email", "created_date", prefix="lead_")
        warnings.append("no lead id column: lead_id derived from e-mail + creation date")
    contact = numbers.text("lead_id") if id_from_contact else pl.lit(None, pl.Utf8)
    df = df.with_columns(
        lead_id.alias("lead_id"),
        pl.coalesce(business.customer_key("customer_id"), business.customer_key("account_id"),
                    business.email("email"), contact).alias("customer_id"),
        *[numbers.text(c) for c in ("utm_source", "utm_medium", "utm_campaign")],
    )
    df = business.parse_each(df, {d: dates.date(d, order, label=d) for d in DATES})

    # Converted date counts as the customer date unless a Converted flag says no.
    if "converted" in m.found:
        flag, _ = business.boolean("converted")
        df = df.with_columns(pl.when(flag.fill_null(True)).then(pl.col("customer_date"))
                             .alias("customer_date"))

    # UTM: own columns first, then the landing page's query string.
    url_src, url_med, url_cmp = channels.utm_from_url("landing_page")
    df = df.with_columns(pl.coalesce("utm_source", url_src).alias("utm_source"),
                         pl.coalesce("utm_medium", url_med).alias("utm_medium"),
                         pl.coalesce("utm_campaign", url_cmp).alias("utm_campaign"))

    df = business.export_channel(df, ctx, known, rules, channels.hubspot_channel("original_source", "original_drill"))
    df = business.required(df, ["lead_id", "created_date"])
    return Normalised(business.finish(df, TABLE, ctx), warnings=warnings)


# ---- API mode: HubSpot contacts (sources/leads.py) ----------------------------------------------

# Funnel dates: the classic "Became a … date" property, then the newer "Date entered … (Lifecycle
# Stage Pipeline)" one. Both are requested; unknown properties are simply not returned.
LIFECYCLE_PROPERTIES = {
    "mql_date": ["hs_lifecyclestage_marketingqualifiedlead_date", "hs_v2_date_entered_marketingqualifiedlead"],
    "sql_date": ["hs_lifecyclestage_salesqualifiedlead_date", "hs_v2_date_entered_salesqualifiedlead"],
    "customer_date": ["hs_lifecyclestage_customer_date", "hs_v2_date_entered_customer"],
}
CONTACT_PROPERTIES = (["email", "createdate", "lifecyclestage"]
                      + [p for props in LIFECYCLE_PROPERTIES.values() for p in props]
                      + ["hs_analytics_source", "hs_analytics_source_data_1", "hs_analytics_source_data_2",
                         "hs_analytics_first_url", "hs_object_id"])


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """The records of the source's CRM -> core.leads: Pipedrive persons (transforms/pipedrive.py), Salesforce
    leads (transforms/salesforce.py), or HubSpot contacts, read here.

    HubSpot contacts (one row per contact, properties as HubSpot names them) -> core.leads.

    lead_id is the contact id; customer_id the lower-cased e-mail (else the contact id), as for
    HubSpot exports; dates are read in UTC and placed in the reporting time zone. Channel as for
    files: UTM (the utm_properties, else the first page's query string) through the channel rules,
    else HubSpot's Original Source (+ drill-down), else the `channel` option."""
    crm = crm_name(ctx.options)
    if crm == "pipedrive":
        return pipedrive.normalise_leads(records, ctx)
    if crm == "salesforce":
        return salesforce.normalise_leads(records, ctx)
    utm = {**DEFAULT_UTM_PROPERTIES, **(ctx.options.get("utm_properties") or {})}
    known = channels.known(ctx.channels)
    rules = tuple(ctx.channel_rules) or channels.DEFAULT_RULES
    df = records
    dated = {"created_date": column(df, "createdate")}
    dated |= {name: pl.coalesce([column(df, p) for p in props]) for name, props in LIFECYCLE_PROPERTIES.items()}
    exprs = [column(df, "id").alias("lead_id"),
             pl.coalesce(column(df, "email").str.to_lowercase(), column(df, "id")).alias("customer_id"),
             column(df, "hs_analytics_first_url").alias("_first_url"),
             column(df, "hs_analytics_source").alias("_source"),
             column(df, "hs_analytics_source_data_1").alias("_drill"),
             *[column(df, utm[k]).alias(f"_{k}") for k in ("utm_source", "utm_medium", "utm_campaign")]]
    for name, value in dated.items():
        day, error = hubspot_datetime(value, ctx.timezone, name)
        exprs += [day.dt.date().alias(name), error.alias(err(name))]
    df = df.with_columns(exprs)
    url_src, url_med, url_cmp = channels.utm_from_url("_first_url")
    df = df.with_columns(
        pl.coalesce(numbers.text("_utm_source"), url_src).alias("utm_source"),
        pl.coalesce(numbers.text("_utm_medium"), url_med).alias("utm_medium"),
        pl.coalesce(numbers.text("_utm_campaign"), url_cmp).alias("utm_campaign"),
    )
    has_utm = pl.col("utm_source").is_not_null() | pl.col("utm_medium").is_not_null()
    df = df.with_columns(channels.channel_expr("utm_source", "utm_medium", rules, known).alias("_by_rules"))
    df = df.with_columns(pl.coalesce(
        pl.when(has_utm).then(pl.col("_by_rules")),
        channels.hubspot_channel("_source", "_drill"),
        pl.lit(ctx.options.get("channel"), pl.Utf8),
        pl.col("_by_rules"),
    ).alias("channel"))
    df = business.required(df, ["lead_id", "created_date"])
    return Normalised(business.finish(df, TABLE, ctx))
