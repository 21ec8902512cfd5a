"""Pinterest Ads Manager reporting exports and API v5 analytics rows -> canonical ad_performance rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, dated_rows, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, totals_row)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, parse_report_period
from roi.transforms.headers import Aliases, language

TABLE = "ad_performance"
OPTIONS = ()

# English names are Ads Manager's reporting export (Reporting > Export, "Spend in account currency",
# "Pin clicks", "Total conversions (Checkout)"); the other languages are best effort. Another conversion
# event: columns = { conversions = "Total conversions (Lead)", conversion_value = "Total order value (Lead)" }.
ALIASES: Aliases = {
    "day": {"en": ["Date", "Day"], "it": ["Data", "Giorno"], "pt": ["Data", "Dia"], "es": ["Fecha", "Día"],
            "fr": ["Date", "Jour"], "de": ["Datum", "Tag"]},
    "account": {"en": ["Ad account name", "Advertiser name", "Account name"],
                "it": ["Nome dell'account pubblicitario", "Nome account pubblicitario"],
                "pt": ["Nome da conta de anúncios"], "es": ["Nombre de la cuenta publicitaria"],
                "fr": ["Nom du compte publicitaire"], "de": ["Name des Werbekontos"]},
    "account_id": {"en": ["Ad account ID", "Advertiser ID", "Account ID"],
                   "it": ["ID dell'account pubblicitario", "ID account pubblicitario"],
                   "pt": ["ID da conta de anúncios"], "es": ["ID de la cuenta publicitaria"],
                   "fr": ["ID du compte publicitaire"], "de": ["Werbekonto-ID"]},
    "campaign": {"en": ["Campaign name", "Campaign"], "it": ["Nome della campagna", "Nome campagna"],
                 "pt": ["Nome da campanha"], "es": ["Nombre de la campaña"], "fr": ["Nom de la campagne"],
                 "de": ["Kampagnenname"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna", "ID della campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad group name", "Ad group"], "it": ["Nome del gruppo di annunci", "Nome gruppo di annunci"],
                 "pt": ["Nome do grupo de anúncios"], "es": ["Nombre del grupo de anuncios"],
                 "fr": ["Nom du groupe d'annonces"], "de": ["Name der Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad group ID"], "it": ["ID gruppo di annunci", "ID del gruppo di annunci"],
                    "pt": ["ID do grupo de anúncios"], "es": ["ID del grupo de anuncios"],
                    "fr": ["ID du groupe d'annonces"], "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad name", "Ad", "Promoted Pin name"], "it": ["Nome dell'annuncio", "Nome annuncio"],
           "pt": ["Nome do anúncio"], "es": ["Nombre del anuncio"], "fr": ["Nom de l'annonce"],
           "de": ["Anzeigenname"]},
    "ad_id": {"en": ["Ad ID", "Promoted Pin ID"], "it": ["ID annuncio", "ID dell'annuncio"], "pt": ["ID do anúncio"],
              "es": ["ID del anuncio"], "fr": ["ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Spend in account currency", "Spend"],
              "it": ["Spesa nella valuta dell'account", "Spesa"], "pt": ["Gasto na moeda da conta", "Gasto"],
              "es": ["Gasto en la moneda de la cuenta", "Gasto"], "fr": ["Dépenses dans la devise du compte",
                                                                         "Dépenses"],
              "de": ["Ausgaben in Kontowährung", "Ausgaben"]},
    "impressions": {"en": ["Impressions", "Paid impressions"], "it": ["Impressioni", "Impression"],
                    "pt": ["Impressões"], "es": ["Impresiones"], "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Pin clicks", "Paid Pin clicks"], "it": ["Clic sul Pin"], "pt": ["Cliques no Pin"],
               "es": ["Clics en el Pin"], "fr": ["Clics sur l'épingle"], "de": ["Pin-Klicks"]},
    "conversions": {"en": ["Total conversions (Checkout)"], "it": ["Conversioni totali (Checkout)"],
                    "pt": ["Total de conversões (Checkout)"], "es": ["Conversiones totales (Checkout)"],
                    "fr": ["Total des conversions (Checkout)"], "de": ["Conversions insgesamt (Checkout)"]},
    "conversion_value": {"en": ["Total order value (Checkout)"], "it": ["Valore totale dell'ordine (Checkout)"],
                         "pt": ["Valor total do pedido (Checkout)"], "es": ["Valor total del pedido (Checkout)"],
                         "fr": ["Valeur totale de la commande (Checkout)"],
                         "de": ["Gesamtbestellwert (Checkout)"]},
    "reach": {"en": ["Reach"], "it": ["Copertura"], "pt": ["Alcance"], "es": ["Alcance"], "fr": ["Couverture"],
              "de": ["Reichweite"]},
    "video_views": {"en": ["Video views", "Paid video views"], "it": ["Visualizzazioni video"],
                    "pt": ["Visualizações de vídeo"], "es": ["Visualizaciones de vídeo"], "fr": ["Vues de vidéo"],
                    "de": ["Videoaufrufe"]},
    "engagements": {"en": ["Engagements", "Paid engagements"], "it": ["Interazioni"], "pt": ["Engajamentos"],
                    "es": ["Interacciones"], "fr": ["Engagements"], "de": ["Interaktionen"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("reach", True), ("video_views", True), ("engagements", True)]

# API mode: the columns roi.sources.pinterest_ads.fetch asks for (paid delivery, micro-units of money).
API_METRICS = {"impressions": "IMPRESSION_1", "clicks": "CLICKTHROUGH_1", "reach": "TOTAL_IMPRESSION_USER",
               "video_views": "VIDEO_MRC_VIEWS_1", "engagements": "ENGAGEMENT_1"}
API_SPEND = "SPEND_IN_MICRO_DOLLAR"
API_CONVERSIONS = "TOTAL_CHECKOUT"
API_CONVERSION_VALUE = "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"
MICRO = 1_000_000


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Pinterest Ads Manager reporting export, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Pinterest metric columns (Spend in account currency, Impressions, "
                         "Pin clicks) found — is it a Pinterest Ads Manager report?")
    rows = raw.rows      # a "Total" row is set apart by sources.files
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = dated_rows(rows, col, ctx, lang, parse_report_period(raw.preamble), errors, "no dates: the export has no Date "
                       "column — in Ads Manager's reporting choose a daily breakdown before exporting")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = totals_row(raw, col, decimal)
    return Normalised(frame=out, totals=totals, totals_label=label)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of analytics / async report rows as roi.sources.pinterest_ads.fetch returns them (pure).

    Money columns named *_IN_MICRO_DOLLAR are micro-units of the ad account's currency (divided by a
    million). A metric a row leaves out is 0: Pinterest omits zero metrics from JSON answers."""
    cells = ApiRecords(records)
    raw, errors = cells.text, cells.errors

    def read(column: str, integer: bool) -> pl.Expr:
        value = cells.number(column, column, integer)
        if column.upper().endswith("_IN_MICRO_DOLLAR"):
            value = value / MICRO
        return pl.coalesce(value, pl.lit(0, dtype=pl.Int64 if integer else pl.Float64))

    day, day_error = date("DATE", "ymd", label="DATE") if "DATE" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("DATE: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("DATE: missing date"))]
    spend = API_SPEND if API_SPEND in records.columns or "SPEND_IN_DOLLAR" not in records.columns \
        else "SPEND_IN_DOLLAR"
    conversions = str(ctx.options.get("conversion_metric", API_CONVERSIONS)).upper()
    value_metric = str(ctx.options.get("conversion_value_metric", API_CONVERSION_VALUE)).upper()
    frame = cells.with_values(   # each number read with its reason, in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("ad_account_name").alias("account_name"), raw("ad_account_id").alias("_account_id"),
        raw("CAMPAIGN_NAME").alias("campaign_name"), raw("CAMPAIGN_ID").alias("_campaign_id"),
        raw("AD_GROUP_NAME").alias("ad_group_name"), raw("AD_GROUP_ID").alias("_ad_group_id"),
        raw("AD_NAME").alias("ad_name"), raw("AD_ID").alias("_ad_id"),
        pl.coalesce(raw("ad_account_currency").str.to_uppercase(), pl.lit(ctx.default_currency)).alias("currency"),
        read(spend, False).alias("spend"),
        read(conversions, False).alias("conversions"),
        read(value_metric, False).alias("conversion_value"),
        *[read(column, True).alias(metric) for metric, column in API_METRICS.items()],
    )
    levels = {level for level, column in (("campaign", "CAMPAIGN_ID"), ("ad_group", "AD_GROUP_ID"), ("ad", "AD_ID"))
              if column in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
