"""TikTok Ads Manager custom report exports and Reporting API rows -> canonical ad_performance rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, dated_rows, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, metric_totals)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, parse_report_period
from roi.transforms.headers import Aliases, language
from roi.transforms.numbers import text
from roi.transforms.totals import label_of

TABLE = "ad_performance"
OPTIONS = ()

# English names are Ads Manager's custom-report columns; other languages are best effort.
ALIASES: Aliases = {
    "day": {"en": ["Date", "By Day", "Day", "stat_time_day"], "it": ["Data", "Giorno"], "pt": ["Data", "Dia"],
            "es": ["Fecha", "Día"], "fr": ["Date", "Jour"], "de": ["Datum", "Tag"]},
    "account": {"en": ["Advertiser name", "Account name", "Advertiser"], "it": ["Nome inserzionista"],
                "pt": ["Nome do anunciante"], "es": ["Nombre del anunciante"], "fr": ["Nom de l'annonceur"],
                "de": ["Name des Werbetreibenden"]},
    "account_id": {"en": ["Advertiser ID", "Account ID"], "it": ["ID inserzionista"], "pt": ["ID do anunciante"],
                   "es": ["ID del anunciante"], "fr": ["ID de l'annonceur"], "de": ["Werbetreibenden-ID"]},
    "campaign": {"en": ["Campaign name", "Campaign"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha"], "es": ["Nombre de la campaña"], "fr": ["Nom de la campagne"],
                 "de": ["Kampagnenname"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad group name", "Ad group"], "it": ["Nome gruppo di annunci", "Gruppo di annunci"],
                 "pt": ["Nome do grupo de anúncios"], "es": ["Nombre del grupo de anuncios"],
                 "fr": ["Nom du groupe d'annonces"], "de": ["Name der Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad group ID"], "it": ["ID gruppo di annunci"], "pt": ["ID do grupo de anúncios"],
                    "es": ["ID del grupo de anuncios"], "fr": ["ID du groupe d'annonces"],
                    "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad name", "Ad"], "it": ["Nome annuncio", "Annuncio"], "pt": ["Nome do anúncio"],
           "es": ["Nombre del anuncio"], "fr": ["Nom de l'annonce"], "de": ["Anzeigenname"]},
    "ad_id": {"en": ["Ad ID"], "it": ["ID annuncio"], "pt": ["ID do anúncio"], "es": ["ID del anuncio"],
              "fr": ["ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Cost", "Total cost", "Spend"], "it": ["Costo", "Costo totale", "Spesa"],
              "pt": ["Custo", "Custo total"], "es": ["Coste", "Costo", "Coste total"],
              "fr": ["Coût", "Coût total"], "de": ["Kosten", "Gesamtkosten"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "pt": ["Impressões"], "es": ["Impresiones"],
                    "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Clicks (destination)", "Clicks", "Clicks (all)"],
               "it": ["Clic (destinazione)", "Clic", "Clic (tutti)"],
               "pt": ["Cliques (destino)", "Cliques"], "es": ["Clics (destino)", "Clics"],
               "fr": ["Clics (destination)", "Clics"], "de": ["Klicks (Ziel)", "Klicks"]},
    "conversions": {"en": ["Conversions"], "it": ["Conversioni"], "pt": ["Conversões"], "es": ["Conversiones"],
                    "fr": ["Conversions"], "de": ["Conversions"]},
    "conversion_value": {"en": ["Total purchase value", "Purchase value", "Total complete payment value"],
                         "it": ["Valore totale degli acquisti", "Valore totale acquisti"],
                         "pt": ["Valor total de compras"], "es": ["Valor total de las compras"],
                         "fr": ["Valeur totale des achats"], "de": ["Gesamtwert der Käufe"]},
    "reach": {"en": ["Reach"], "it": ["Copertura"], "pt": ["Alcance"], "es": ["Alcance"], "fr": ["Couverture"],
              "de": ["Reichweite"]},
    "video_views": {"en": ["Video views"], "it": ["Visualizzazioni video"], "pt": ["Visualizações de vídeo"],
                    "es": ["Visualizaciones de video", "Reproducciones de vídeo"], "fr": ["Vues de vidéo"],
                    "de": ["Videoaufrufe"]},
    "engagements": {"en": ["Engagements", "Paid engagements"], "it": ["Interazioni"], "pt": ["Engajamentos"],
                    "es": ["Interacciones"], "fr": ["Interactions"], "de": ["Interaktionen"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("reach", True), ("video_views", True), ("engagements", True)]
# Ads Manager adds a summary row ("Total of 12 results", "Totale di 12 risultati"): not a campaign.
_TOTAL_ROW = (r"(?i)^\s*(?:total|totale|totals|totales|totaux|gesamt|insgesamt|summe)\s*"
              r"(?:$|:|\(|\d|of\b|di\b|de\b|des\b|der\b|von\b)")
# The API's purchase-value metric, despite its name (the payment *rate* is complete_payment_rate).
API_CONVERSION_VALUE = "total_complete_payment_rate"
# Paid interactions summed into engagements (API mode).
API_ENGAGEMENTS = ("likes", "comments", "shares", "follows")


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one TikTok Ads Manager export, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no TikTok metric columns (Cost, Impressions, Clicks) found — is it a "
                         "TikTok Ads Manager report?")
    rows, totals_frame = raw.rows, raw.totals
    if rows.height and header:
        is_total = label_of(rows, header).str.contains(_TOTAL_ROW).fill_null(False)
        entity = [col[f] for f in ("campaign", "ad_group", "ad", "campaign_id", "ad_group_id", "ad_id") if col[f]]
        if entity:   # a real campaign may be called "Totale estate": summary rows name no other entity
            others = [c for c in entity if c != header[0]]
            if others:
                is_total = is_total & rows.select(pl.all_horizontal([text(c).is_null() for c in others])).to_series()
        totals_frame = pl.concat([totals_frame, rows.filter(is_total)], how="diagonal_relaxed")
        rows = rows.filter(~is_total)
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)   # the same cells, wherever the totals rows sit
    errors: list[pl.Expr] = []
    frame = dated_rows(rows, col, ctx, lang, parse_report_period(raw.preamble), errors, "no dates: the export has "
                       "no Date column — in Ads Manager choose the 'Day' time breakdown (By Day) before exporting")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx,
                                       header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = None, None
    if totals_frame.height:
        first = totals_frame.head(1)
        totals = metric_totals(first, col, decimal)
        label = label_of(first, header)[0] if header else None
    return Normalised(frame=out, totals=totals or None, totals_label=label if totals else None)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of report/integrated/get rows as roi.sources.tiktok_ads.fetch returns them (pure)."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    day, day_error = date("stat_time_day", "ymd", label="stat_time_day") if "stat_time_day" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("stat_time_day: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("stat_time_day: missing date"))]
    code = raw("advertiser_currency").str.to_uppercase()
    conversions = str(ctx.options.get("conversion_metric", "conversion"))
    value_metric = str(ctx.options.get("conversion_value_metric", API_CONVERSION_VALUE))
    interactions = [read(c, c, True) for c in API_ENGAGEMENTS if c in records.columns]
    frame = cells.with_values(   # the API's metric names are ours: read with their reasons in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("advertiser_name").alias("account_name"), raw("advertiser_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        raw("adgroup_name").alias("ad_group_name"), raw("adgroup_id").alias("_ad_group_id"),
        raw("ad_name").alias("ad_name"), raw("ad_id").alias("_ad_id"),
        pl.coalesce(code, pl.lit(ctx.default_currency)).alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("clicks", "clicks", True).alias("clicks"),
        read("spend", "spend", False).alias("spend"),
        read(conversions, conversions, False).alias("conversions"),
        read(value_metric, value_metric, False).alias("conversion_value"),
        read("reach", "reach", True).alias("reach"),
        read("video_play_actions", "video_play_actions", True).alias("video_views"),
        (pl.when(pl.all_horizontal([i.is_null() for i in interactions])).then(None)
         .otherwise(pl.sum_horizontal(interactions)).cast(pl.Int64) if interactions
         else pl.lit(None, dtype=pl.Int64)).alias("engagements"),
    )
    levels = {level for level, column in (("campaign", "campaign_id"), ("ad_group", "adgroup_id"), ("ad", "ad_id"))
              if column in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
