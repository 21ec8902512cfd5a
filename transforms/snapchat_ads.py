"""Snapchat Ads Manager exports and Marketing API stats rows -> canonical ad_performance rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, period_dates, totals_row)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import Aliases, language

TABLE = "ad_performance"
OPTIONS = ()

# English names are Ads Manager's report columns (Snap calls ad squads "ad sets" in the UI, "ad squads"
# in the API and older exports); other languages are best effort.
ALIASES: Aliases = {
    "day": {"en": ["Day", "Date"], "it": ["Giorno", "Data"], "pt": ["Dia", "Data"], "es": ["Día", "Fecha"],
            "fr": ["Jour", "Date"], "de": ["Tag", "Datum"]},
    "starts": {"en": ["Start time", "Start date", "Starts"], "it": ["Ora di inizio", "Data di inizio"],
               "pt": ["Hora de início", "Data de início"], "es": ["Hora de inicio", "Fecha de inicio"],
               "fr": ["Heure de début", "Date de début"], "de": ["Startzeit", "Startdatum"]},
    "ends": {"en": ["End time", "End date", "Ends"], "it": ["Ora di fine", "Data di fine"],
             "pt": ["Hora de término", "Data de término"], "es": ["Hora de finalización", "Fecha de finalización"],
             "fr": ["Heure de fin", "Date de fin"], "de": ["Endzeit", "Enddatum"]},
    "account": {"en": ["Ad account name", "Ad account", "Account name"], "it": ["Nome account pubblicitario"],
                "pt": ["Nome da conta de anúncios"], "es": ["Nombre de la cuenta publicitaria"],
                "fr": ["Nom du compte publicitaire"], "de": ["Name des Werbekontos"]},
    "account_id": {"en": ["Ad account ID", "Account ID"], "it": ["ID account pubblicitario"],
                   "pt": ["ID da conta de anúncios"], "es": ["ID de la cuenta publicitaria"],
                   "fr": ["ID du compte publicitaire"], "de": ["Werbekonto-ID"]},
    "campaign": {"en": ["Campaign name", "Campaign"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha"], "es": ["Nombre de la campaña"], "fr": ["Nom de la campagne"],
                 "de": ["Kampagnenname"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad set name", "Ad squad name", "Ad set", "Ad squad"],
                 "it": ["Nome gruppo di annunci", "Nome set di annunci"], "pt": ["Nome do conjunto de anúncios"],
                 "es": ["Nombre del conjunto de anuncios"], "fr": ["Nom de l'ensemble d'annonces"],
                 "de": ["Name der Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad set ID", "Ad squad ID"], "it": ["ID gruppo di annunci", "ID set di annunci"],
                    "pt": ["ID do conjunto de anúncios"], "es": ["ID del conjunto de anuncios"],
                    "fr": ["ID de l'ensemble d'annonces"], "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad name", "Ad"], "it": ["Nome annuncio", "Annuncio"], "pt": ["Nome do anúncio"],
           "es": ["Nombre del anuncio"], "fr": ["Nom de l'annonce"], "de": ["Anzeigenname"]},
    "ad_id": {"en": ["Ad ID"], "it": ["ID annuncio"], "pt": ["ID do anúncio"], "es": ["ID del anuncio"],
              "fr": ["ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Amount spent", "Spend", "Cost"], "it": ["Importo speso", "Spesa"],
              "pt": ["Valor gasto", "Gasto"], "es": ["Importe gastado", "Gasto"],
              "fr": ["Montant dépensé", "Dépenses"], "de": ["Ausgegebener Betrag", "Ausgaben"]},
    "impressions": {"en": ["Paid impressions", "Impressions"], "it": ["Impressioni a pagamento", "Impressioni"],
                    "pt": ["Impressões pagas", "Impressões"], "es": ["Impresiones pagadas", "Impresiones"],
                    "fr": ["Impressions payantes", "Impressions"], "de": ["Bezahlte Impressionen", "Impressionen"]},
    "clicks": {"en": ["Swipe ups", "Swipe up", "Swipes"], "it": ["Swipe up", "Swipe"], "pt": ["Swipe ups", "Swipes"],
               "es": ["Swipe ups", "Deslizamientos"], "fr": ["Swipe-ups", "Swipes"],
               "de": ["Swipe-ups", "Swipes"]},
    "conversions": {"en": ["Purchases", "Conversions"], "it": ["Acquisti"], "pt": ["Compras"], "es": ["Compras"],
                    "fr": ["Achats"], "de": ["Käufe"]},
    "conversion_value": {"en": ["Purchases value", "Purchase value", "Purchases Value (Total)"],
                         "it": ["Valore degli acquisti", "Valore acquisti"], "pt": ["Valor das compras"],
                         "es": ["Valor de las compras"], "fr": ["Valeur des achats"], "de": ["Kaufwert"]},
    "reach": {"en": ["Reach", "Uniques"], "it": ["Copertura"], "pt": ["Alcance"], "es": ["Alcance"],
              "fr": ["Couverture"], "de": ["Reichweite"]},
    "video_views": {"en": ["Video views", "Paid video views"], "it": ["Visualizzazioni video"],
                    "pt": ["Visualizações de vídeo"], "es": ["Reproducciones de vídeo"], "fr": ["Vues de vidéo"],
                    "de": ["Videoaufrufe"]},
}
CANONICAL = {"date_start": "starts", "date_end": "ends", "date": "day", "account_name": "account",
             "campaign_name": "campaign", "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("reach", True), ("video_views", True)]
MICRO = 1_000_000     # the API's money is in micro-currency: 1.25 EUR is 1250000
API_CONVERSIONS = "conversion_purchases"
API_CONVERSION_VALUE = "conversion_purchases_value"


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Snapchat Ads Manager export, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Snapchat metric columns (Amount spent, Paid impressions, Swipe ups) "
                         "found — is it a Snapchat Ads Manager export?")
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = raw.rows
    first, last = (col["day"], col["day"]) if col["day"] else (col["starts"], col["ends"])
    if first and last:
        order = ctx.options.get("date_order") or infer_date_order(
            pl.concat([frame.get_column(first), frame.get_column(last)]), "mdy" if lang == "en" else "dmy")
        start, start_error = date(first, order, label="date" if col["day"] else "start time")
        end, end_error = date(last, order, label="end time")
        if not col["day"]:   # "End time" 2026-06-02 00:00 closes the day before, as the API's end_time
            end = pl.when(pl.col(last).str.contains(r"\b00:00(?::00)?\b") & (end > start)) \
                .then(end - pl.duration(days=1)).otherwise(end)
            errors.append(end_error)
        errors += [start_error, pl.when(start.is_null() & start_error.is_null()).then(pl.lit("date: missing date")),
                   pl.when(end.is_null() & end_error.is_null() & start.is_not_null())
                   .then(pl.lit("date: missing end time"))]
        frame = frame.with_columns(start.alias("date_start"), end.alias("date_end"))
    else:
        frame = period_dates(frame, parse_report_period(raw.preamble), errors, "no dates: the export has neither "
                             "a Day column nor Start time and End time — in Ads Manager choose the Day breakdown "
                             "(or keep the start and end time columns) before exporting")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = totals_row(raw, col, decimal, whole={"impressions", "clicks"})
    return Normalised(frame=out, totals=totals, totals_label=label)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of stats records as roi.sources.snapchat_ads.fetch returns them (pure): the day is the
    local date of `start_time` (written in the ad account's time zone), money in micro-currency divided."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    day, day_error = date("start_time", "ymd", label="start_time") if "start_time" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("start_time: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("start_time: missing date"))]
    conversions = str(ctx.options.get("conversion_metric", API_CONVERSIONS))
    value_metric = str(ctx.options.get("conversion_value_metric", API_CONVERSION_VALUE))
    frame = cells.with_values(   # each number read with its reason, in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("ad_account_name").alias("account_name"), raw("ad_account_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        raw("ad_squad_name").alias("ad_group_name"), raw("ad_squad_id").alias("_ad_group_id"),
        raw("ad_name").alias("ad_name"), raw("ad_id").alias("_ad_id"),
        pl.coalesce(raw("ad_account_currency").str.to_uppercase(), pl.lit(ctx.default_currency)).alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("swipes", "swipes", True).alias("clicks"),
        (read("spend", "spend", False) / MICRO).alias("spend"),
        read(conversions, conversions, False).alias("conversions"),
        (read(value_metric, value_metric, False) / MICRO).alias("conversion_value"),
        read("video_views", "video_views", True).alias("video_views"),
    )
    breakdown = records.get_column("breakdown").drop_nulls().unique().to_list() if "breakdown" in records.columns \
        else []
    levels = {"campaign"} | ({"ad_group"} if {"adsquad", "ad"} & set(breakdown) else set()) \
        | ({"ad"} if "ad" in breakdown else set())
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
