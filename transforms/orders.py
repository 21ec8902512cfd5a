"""Order and won-deal exports (canonical, Shopify, WooCommerce, Salesforce) -> core.orders: total, tax, shipping, refunds, paid."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import business, channels, dates, headers, numbers, pipedrive, salesforce
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.crm_fields import crm_name
from roi.transforms.hubspot_email import DEFAULT_UTM_PROPERTIES, column, hubspot_datetime

TABLE = "orders"
# API mode (sources/orders.py): crm = "hubspot" (default), "pipedrive" or "salesforce".
# HubSpot: won_stages = ["closedwon"] (the deal stage ids that are revenue); utm_properties = { utm_source =
# "…", … } names the deal/contact properties holding UTM values (default utm_source, …). Pipedrive and
# Salesforce: utm_fields = { utm_source = "<field>" or ["<field>", …], … } names the deal and person custom
# fields (40-hex keys) or the Opportunity fields (API names) holding them (default: none).
OPTIONS = ("crm", "won_stages", "utm_properties", "utm_fields")

# field -> header aliases, tried in order (a header feeds one field; earlier fields claim first).
FIELDS: dict[str, list[str]] = {
    "order_id": ["order_id", "order id", "name", "order number", "order no", "order #",
                 "opportunity id", "id ordine", "numero ordine", "n. ordine", "n ordine", "ordine",
                 "id pedido", "número de pedido", "numero de pedido", "numéro de commande",
                 "bestellnummer", "número do pedido", "id"],
    "customer_id": ["customer_id", "id cliente", "codice cliente", "cliente", "customer", "client id",
                    "id del cliente", "kundennummer", "id client"],
    "account_id": ["account id", "id account"],
    "account_name": ["account name", "nome account", "account"],
    "email": ["email", "customer email", "billing email", "e-mail", "email cliente",
              "email di fatturazione", "billing: e-mail", "correo electrónico", "correo",
              "adresse e-mail", "courriel"],
    "order_date": ["order_date", "order date", "created at", "close date", "date created",
                   "data ordine", "data dell'ordine", "data chiusura", "data", "date",
                   "fecha del pedido", "fecha de pedido", "fecha", "date de commande",
                   "bestelldatum", "datum", "data do pedido", "paid date"],
    "amount": ["amount", "order total", "order total amount", "total", "importo", "totale",
               "totale ordine", "importo ordine", "importo totale", "revenue", "ricavo", "fatturato",
               "importe", "total del pedido", "montant", "montant total", "betrag", "gesamtsumme",
               "gesamtbetrag", "valor", "valor total", "order amount", "grand total"],
    # Tax: the order's whole tax first; "Order Tax" / "Cart Tax" (WooCommerce: items only) take
    # the shipping tax beside them (shipping_tax).
    "tax": ["tax", "taxes", "tax total", "total tax", "order total tax", "order total tax amount",
            "tax amount", "vat", "vat amount", "iva", "imposte", "importo iva", "totale iva", "iva totale",
            "tasse", "impuestos", "impuesto", "importe iva", "tva", "montant tva", "taxes totales",
            "mwst", "mwst.", "mehrwertsteuer", "umsatzsteuer", "steuern", "impostos", "imposto",
            "order tax", "cart tax", "order tax amount", "cart tax amount"],
    "shipping_tax": ["shipping tax", "order shipping tax", "shipping tax amount",
                     "order shipping tax amount", "iva spedizione", "iva sulla spedizione"],
    "shipping": ["shipping", "shipping total", "order shipping", "order shipping amount",
                 "shipping amount", "shipping cost", "spedizione", "costo di spedizione",
                 "costi di spedizione", "spese di spedizione", "spese spedizione", "envío", "envio",
                 "gastos de envío", "gastos de envio", "costo de envío", "livraison", "frais de port",
                 "frais de livraison", "versand", "versandkosten", "frete"],
    "refunded": ["refunded amount", "refunded", "refund amount", "order refund amount",
                 "importo rimborsato", "rimborsato", "rimborso", "rimborsi", "importe reembolsado",
                 "reembolso", "montant remboursé", "remboursement", "erstattet", "erstattungsbetrag",
                 "valor reembolsado"],
    "paid": ["paid", "is_paid"],
    "currency": ["currency", "order currency", "opportunity currency", "amount currency", "valuta",
                 "moneda", "divisa", "devise", "währung", "moeda"],
    "is_first_order": ["is_first_order", "first order", "is first order", "primo ordine",
                       "customer type", "new vs returning", "new vs returning customer",
                       "tipo cliente", "nuovo cliente", "primer pedido", "première commande",
                       "erstbestellung", "primeiro pedido"],
    "utm_source": ["utm_source", "utm source", "_wc_order_attribution_utm_source",
                   "meta:_wc_order_attribution_utm_source", "fonte utm"],
    "utm_medium": ["utm_medium", "utm medium", "_wc_order_attribution_utm_medium",
                   "meta:_wc_order_attribution_utm_medium", "mezzo utm"],
    "utm_campaign": ["utm_campaign", "utm campaign", "_wc_order_attribution_utm_campaign",
                     "meta:_wc_order_attribution_utm_campaign", "campagna utm"],
    "landing_site": ["landing site", "landing page", "landing page url", "pagina di destinazione",
                     "_wc_order_attribution_session_entry", "meta:_wc_order_attribution_session_entry"],
    "notes": ["note attributes", "attributi nota", "attributi delle note"],
    "referrer": ["referring site", "_wc_order_attribution_referrer",
                 "meta:_wc_order_attribution_referrer", "referrer", "sito di provenienza"],
    "channel": ["channel", "canale", "canale marketing", "marketing channel", "canal", "kanal"],
    "status": ["order status", "status", "stato ordine", "stato dell'ordine", "stato",
               "estado del pedido", "estado", "statut de la commande", "statut", "bestellstatus",
               "status do pedido"],
    "financial_status": ["financial status", "stato finanziario", "stato del pagamento"],
    "stage": ["stage", "opportunity stage", "stage name", "fase", "fase opportunità", "etapa",
              "étape", "phase"],
    "lead_source": ["lead source", "fonte lead", "origine lead", "fuente del lead",
                    "origine du lead", "lead-quelle"],
    "opportunity_type": ["type", "opportunity type", "tipo opportunità", "tipo"],
}
ITALIAN = frozenset({
    "id ordine", "numero ordine", "n. ordine", "n ordine", "ordine", "id cliente", "codice cliente",
    "cliente", "nome account", "email cliente", "email di fatturazione", "data ordine",
    "data dell'ordine", "data chiusura", "data", "importo", "totale", "totale ordine",
    "importo ordine", "importo totale", "ricavo", "fatturato", "iva", "imposte", "importo iva",
    "totale iva", "iva totale", "tasse", "iva spedizione", "iva sulla spedizione", "spedizione",
    "costo di spedizione", "costi di spedizione", "spese di spedizione", "spese spedizione",
    "importo rimborsato", "rimborsato", "rimborso", "rimborsi", "valuta", "primo ordine",
    "tipo cliente", "nuovo cliente", "canale", "canale marketing", "stato ordine",
    "stato dell'ordine", "stato", "stato finanziario", "stato del pagamento", "fase",
    "fase opportunità", "fonte lead", "origine lead", "pagina di destinazione", "attributi nota",
    "sito di provenienza",
})

# Order statuses (WooCommerce and generic status columns), as label keys: revenue (paid), and
# not paid yet (loaded with paid = false, worth 0 until a later load finds them paid). Any other
# status (cancelled, refunded, failed, draft …) is not an order: the row is quarantined.
REVENUE_STATUSES = frozenset({
    "completed", "processing", "complete", "paid", "fulfilled", "shipped", "delivered",
    "partially_refunded", "parzialmente_rimborsato",
    "completato", "completata", "in_lavorazione", "in_elaborazione", "pagato", "evaso", "spedito",
    "consegnato", "completado", "procesando", "pagado", "enviado", "entregado", "terminee",
    "en_cours", "en_cours_de_traitement", "payee", "expediee", "abgeschlossen", "in_bearbeitung",
    "bezahlt", "versandt", "concluido", "processando", "pago", "entregue",
})
UNPAID_STATUSES = frozenset({
    "pending", "pending_payment", "on_hold", "unpaid", "authorized", "partially_paid",
    "in_attesa_di_pagamento", "in_attesa", "in_sospeso", "non_pagato", "da_pagare",
    "pendiente_de_pago", "pendiente", "en_espera", "en_attente_de_paiement", "en_attente",
    "zahlung_ausstehend", "ausstehend", "in_wartestellung", "wartestellung", "pagamento_pendente",
    "aguardando", "aguardando_pagamento",
})
# Shopify's Financial Status (and translations): paid (refunds are in Refunded Amount) or not.
PAID_FINANCIAL = frozenset({
    "paid", "partially_refunded", "refunded", "pagato", "parzialmente_rimborsato", "rimborsato",
    "pagado", "reembolsado", "parcialmente_reembolsado", "paye", "payee", "rembourse",
    "partiellement_rembourse", "bezahlt", "erstattet", "teilweise_erstattet", "pago",
})
UNPAID_FINANCIAL = frozenset({
    "pending", "authorized", "partially_paid", "voided", "unpaid", "expired", "in_attesa",
    "autorizzato", "parzialmente_pagato", "annullato", "non_pagato", "pendiente", "autorizado",
    "anulado", "en_attente", "autorise", "annule", "ausstehend", "autorisiert", "storniert",
    "pendente",
})
# Tax headers that hold the items' tax only (WooCommerce): the shipping tax column is added to them.
CART_TAX = frozenset({"order tax", "cart tax", "order tax amount", "cart tax amount"})
# Opportunity stages that are revenue (Salesforce "Closed Won" and translations), as label keys.
WON_STAGES = frozenset({
    "closed_won", "won", "closedwon", "chiusa_vinta", "chiuso_vinto", "chiusa_e_vinta", "vinta",
    "vinto", "cerrada_ganada", "ganada", "fermee_gagnee", "gagnee", "geschlossen_gewonnen",
    "gewonnen", "fechada_ganha", "ganha",
})


def _format(found: dict[str, str], header: list[str]) -> str:
    norms = {headers.norm(h) for h in header}
    if "financial status" in norms or "lineitem name" in norms:
        return "shopify"
    if any("_wc_" in n for n in norms) or {"order status", "billing email"} & norms:
        return "woocommerce"
    if "stage" in found or "opportunity id" in norms:
        return "salesforce"
    return "generic"


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    m = business.map_columns(raw, ctx, FIELDS, ITALIAN)
    warnings: list[str] = []
    for needed, looked in (("order_id", "'order_id', 'Name', 'Order ID', 'Opportunity ID', 'ID ordine'"),
                           ("order_date", "'order_date', 'Created at', 'Order Date', 'Close Date', "
                                          "'Data ordine'"),
                           ("amount", "'amount', 'Total', 'Order Total', 'Amount', 'Importo', 'Totale'")):
        if needed not in m.found:
            raise ValueError(f"{raw.path.name}: no {needed} column (looked for {looked} …) — map it "
                             f"under columns.{needed} in roi.toml")
    fmt = _format(m.found, raw.header)
    df = m.frame
    if fmt in ("shopify", "woocommerce"):
        df, merged = business.collapse(df, "order_id")
        if merged:
            warnings.append(f"{merged} line-item rows merged into their orders (one row per order)")

    tax_rates = _holds_rates(df, "tax")
    if tax_rates:  # an "IVA" column of rates (22%) is no tax amount: net revenue would be wrong
        warnings.append(f"column '{m.found['tax']}' holds tax rates ('{tax_rates}'), not amounts: "
                        f"tax not read — map the tax amount column under columns.tax in roi.toml")
        df = df.with_columns(pl.lit(None, pl.Utf8).alias("tax"))
    money = ["amount", "tax", "shipping_tax", "shipping", "refunded"]
    dec = business.decimal_mark(raw, ctx, df, money, m.italian)
    order = business.date_order(ctx, df, ["order_date"])
    known = channels.known(ctx.channels)
    rules = tuple(ctx.channel_rules) or channels.DEFAULT_RULES
    default_currency = m.currency.get("amount") or ctx.default_currency

    if fmt == "woocommerce":  # guests have Customer ID 0; leads are matched by e-mail
        customer = pl.coalesce(business.email("email"), business.customer_key("customer_id"))
    else:
        customer = pl.coalesce(business.customer_key("customer_id"), business.email("email"),
                               business.customer_key("account_id"), numbers.text("account_name"))
    df = df.with_columns(
        numbers.text("order_id"),
        customer.alias("customer_id"),
        *[numbers.text(c) for c in ("utm_source", "utm_medium", "utm_campaign")],
    )
    df = business.parse_each(df, {
        "order_date": dates.date("order_date", order, label="order_date"),
        **{col: numbers.number(col, dec, label=col) for col in money},
        "currency": business.currency("currency", default_currency),
        "is_first_order": business.boolean("is_first_order"),
        "paid": business.boolean("paid"),
    })
    if headers.norm(m.found.get("tax", "")) in CART_TAX:
        df = df.with_columns(pl.col("tax") + pl.col("shipping_tax").fill_null(0.0))
    # Some exports sign refunds negative; a refund is an amount paid back either way.
    df = df.with_columns(pl.col("refunded").abs())
    # Salesforce opportunity Type: "New Customer" / "New Business" vs "Existing Customer - …".
    if fmt == "salesforce":
        kind = channels.label_key(pl.col("opportunity_type"))
        df = df.with_columns(pl.coalesce(
            "is_first_order",
            pl.when(kind.str.contains(r"^(?:new|nuov)")).then(True)
            .when(kind.str.contains(r"^(?:existing|esistent|renewal|rinnovo)")).then(False)
        ).alias("is_first_order"))
    # paid: a paid/is_paid column, else Shopify's Financial Status, else the order status, else a
    # won opportunity; NULL (counted as paid) when none says. Unpaid orders are loaded and worth 0.
    financial = channels.label_key(pl.col("financial_status"))
    status, stage = channels.label_key(pl.col("status")), channels.label_key(pl.col("stage"))
    status = status.str.replace(r"^wc_", "")
    df = df.with_columns(pl.coalesce(
        "paid",
        pl.when(financial.is_in(sorted(PAID_FINANCIAL))).then(True)
        .when(financial.is_in(sorted(UNPAID_FINANCIAL))).then(False),
        pl.when(status.is_in(sorted(REVENUE_STATUSES))).then(True)
        .when(status.is_in(sorted(UNPAID_STATUSES))).then(False),
        pl.when(stage.is_in(sorted(WON_STAGES))).then(True),
    ).alias("paid"))

    # Not orders: WooCommerce cancelled/refunded/failed …, Salesforce stages other than Closed Won.
    known_status = sorted(REVENUE_STATUSES | UNPAID_STATUSES)
    df = df.with_columns(
        pl.when(status.is_not_null() & (status != "") & ~status.is_in(known_status))
        .then(pl.concat_str([pl.lit("order_status: '"), numbers.text("status"),
                             pl.lit("' orders are not revenue")])).alias(err("status")),
        pl.when(stage.is_not_null() & (stage != "") & ~stage.is_in(sorted(WON_STAGES)))
        .then(pl.concat_str([pl.lit("stage: '"), numbers.text("stage"),
                             pl.lit("' opportunities are not revenue (only Closed Won)")]))
        .alias(err("stage")),
    )

    # UTM: own columns, then "utm_x: y" note lines, then the landing page's query string.
    note = channels.utm_from_notes("notes")
    url = channels.utm_from_url("landing_site")
    df = df.with_columns(
        pl.coalesce(col, n, u).alias(col)
        for col, n, u in zip(("utm_source", "utm_medium", "utm_campaign"), note, url))
    # WooCommerce (and GA) write a visit without source as utm_source "(direct)": that is no UTM.
    direct = pl.col("utm_source").str.to_lowercase() == "(direct)"
    df = df.with_columns(pl.when(direct.fill_null(False)).then(None).otherwise(pl.col(c)).alias(c)
                         for c in ("utm_source", "utm_medium", "utm_campaign"))

    host = channels.host_of("referrer")
    by_referrer = pl.when(host.is_not_null()).then(channels.channel_expr(host, pl.lit("referral"), rules, known))
    df = business.export_channel(df, ctx, known, rules, by_referrer)
    df = business.required(df, ["order_id", "order_date", "amount"])
    return Normalised(business.finish(df, TABLE, ctx), warnings=warnings)


def normalise_fields(fields: pl.DataFrame, ctx: SourceContext, name: str) -> Normalised:
    """An API's orders already under FIELDS names (text cells, numbers with a '.' decimal point, dates
    as YYYY-MM-DD, `_row`) through the same rules as an export (paid, statuses that are no orders,
    UTM of the landing page, channel): the Shopify and WooCommerce API transforms call it. `name`
    names the rows in messages. The source's `columns` mapping is for exports and is not applied."""
    raw = RawTable(Path(name), fields, fields.clear(), typed_cells=True)
    return normalise(raw, replace(ctx, columns={}, options={**ctx.options, "date_order": "ymd"}))


def _holds_rates(frame: pl.DataFrame, col: str) -> str | None:
    """The first cell of `col` written as a percentage ('22%'), or None."""
    rates = frame.filter(pl.col(col).str.contains("%", literal=True)).get_column(col)
    return rates[0] if len(rates) else None


# ---- API mode: HubSpot deals won (sources/orders.py) --------------------------------------------

DEAL_PROPERTIES = ["dealname", "amount", "closedate", "createdate", "deal_currency_code", "dealstage",
                   "pipeline", "hs_analytics_source", "hs_analytics_source_data_1",
                   "hs_analytics_source_data_2", "hs_object_id"]
CONTACT_PROPERTIES = ["email", "createdate", "hs_analytics_source", "hs_analytics_source_data_1",
                      "hs_analytics_first_url"]


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """The won deals of the source's CRM -> core.orders: Pipedrive deals (transforms/pipedrive.py), Salesforce
    opportunities (transforms/salesforce.py), or HubSpot deals, read here.

    HubSpot deals won (one row per deal, with its contact under "contact.*") -> core.orders.

    order_id is the deal id, order_date the close date in the reporting time zone, amount the
    deal amount in deal_currency_code (else the source's `currency`, else the HubSpot account's
    company currency, else the reporting currency), paid, with tax, shipping and refunds unknown
    (NULL: the whole amount is net revenue); customer_id is the contact's
    lower-cased e-mail (else its id), the key HubSpot leads carry too. is_first_order is left
    unknown. Channel: UTM of the deal, else of the contact (its properties, then its first page's
    query string), through the channel rules; else the deal's Original Source, else the contact's,
    else the `channel` option."""
    crm = crm_name(ctx.options)
    if crm == "pipedrive":
        return pipedrive.normalise_orders(records, ctx)
    if crm == "salesforce":
        return salesforce.normalise_orders(records, ctx)
    utm = {**DEFAULT_UTM_PROPERTIES, **(ctx.options.get("utm_properties") or {})}
    known = channels.known(ctx.channels)
    rules = tuple(ctx.channel_rules) or channels.DEFAULT_RULES
    df = records
    day, day_error = hubspot_datetime(column(df, "closedate"), ctx.timezone, "order_date")
    df = df.with_columns(
        column(df, "id").alias("order_id"),
        pl.coalesce(column(df, "contact.email").str.to_lowercase(), column(df, "contact.id")).alias("customer_id"),
        day.dt.date().alias("order_date"), day_error.alias(err("order_date")),
        column(df, "amount").alias("amount"),
        # Deals without deal_currency_code are in the source's `currency`, else the account's currency.
        pl.coalesce(column(df, "deal_currency_code"), pl.lit(ctx.currency, pl.Utf8),
                    column(df, "account.companyCurrency")).alias("currency"),
        column(df, "contact.hs_analytics_first_url").alias("_first_url"),
        *[pl.coalesce(column(df, utm[k]), column(df, f"contact.{utm[k]}")).alias(f"_{k}")
          for k in ("utm_source", "utm_medium", "utm_campaign")],
        column(df, "hs_analytics_source").alias("_source"),
        column(df, "hs_analytics_source_data_1").alias("_drill"),
        column(df, "contact.hs_analytics_source").alias("_contact_source"),
        column(df, "contact.hs_analytics_source_data_1").alias("_contact_drill"),
    )
    df = business.parse_each(df, {
        "amount": numbers.number("amount", ".", label="amount"),
        "currency": business.currency("currency", ctx.default_currency),
    })
    url_src, url_med, url_cmp = channels.utm_from_url("_first_url")
    df = df.with_columns(
        pl.coalesce(numbers.text("_utm_source"), url_src).alias("utm_source"),
        pl.coalesce(numbers.text("_utm_medium"), url_med).alias("utm_medium"),
        pl.coalesce(numbers.text("_utm_campaign"), url_cmp).alias("utm_campaign"),
        pl.lit(None, pl.Boolean).alias("is_first_order"),
        pl.lit(True).alias("paid"),   # a won deal; its amount has no tax or shipping part
    )
    has_utm = pl.col("utm_source").is_not_null() | pl.col("utm_medium").is_not_null()
    df = df.with_columns(channels.channel_expr("utm_source", "utm_medium", rules, known).alias("_by_rules"))
    df = df.with_columns(pl.coalesce(
        pl.when(has_utm).then(pl.col("_by_rules")),
        channels.hubspot_channel("_source", "_drill"),
        channels.hubspot_channel("_contact_source", "_contact_drill"),
        pl.lit(ctx.options.get("channel"), pl.Utf8),
        pl.col("_by_rules"),
    ).alias("channel"))
    df = business.required(df, ["order_id", "order_date", "amount"])
    return Normalised(business.finish(df, TABLE, ctx))
