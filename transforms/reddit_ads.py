"""Reddit Ads Manager report exports and Ads API v3 report rows -> canonical ad_performance rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, dated_rows, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, totals_row)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, parse_report_period
from roi.transforms.headers import Aliases, language
from roi.transforms.numbers import number

TABLE = "ad_performance"
OPTIONS = ()

# English names are Ads Manager's report columns; the other languages Reddit's ads UI is offered in are
# best effort. Reddit counts click-through and view-through purchases apart: a report without a total
# purchases column gets conversions = "Purchases (Click)" + "Purchases (View)".
ALIASES: Aliases = {
    "day": {"en": ["Date", "Day"], "de": ["Datum", "Tag"], "fr": ["Date", "Jour"], "es": ["Fecha", "Día"],
            "it": ["Data", "Giorno"], "pt": ["Data", "Dia"]},
    "account": {"en": ["Account Name", "Ad Account Name", "Ad Account", "Account"],
                "de": ["Kontoname", "Werbekonto"], "fr": ["Nom du compte", "Compte publicitaire"],
                "es": ["Nombre de la cuenta", "Cuenta publicitaria"], "it": ["Nome account", "Account pubblicitario"],
                "pt": ["Nome da conta", "Conta de anúncios"]},
    "account_id": {"en": ["Account ID", "Ad Account ID"], "de": ["Konto-ID", "Werbekonto-ID"],
                   "fr": ["ID du compte"], "es": ["ID de la cuenta"], "it": ["ID account"], "pt": ["ID da conta"]},
    "campaign": {"en": ["Campaign Name", "Campaign"], "de": ["Kampagnenname", "Kampagne"],
                 "fr": ["Nom de la campagne", "Campagne"], "es": ["Nombre de la campaña", "Campaña"],
                 "it": ["Nome campagna", "Campagna"], "pt": ["Nome da campanha", "Campanha"]},
    "campaign_id": {"en": ["Campaign ID"], "de": ["Kampagnen-ID"], "fr": ["ID de la campagne"],
                    "es": ["ID de la campaña"], "it": ["ID campagna"], "pt": ["ID da campanha"]},
    "ad_group": {"en": ["Ad Group Name", "Ad Group"], "de": ["Anzeigengruppenname", "Anzeigengruppe"],
                 "fr": ["Nom du groupe d'annonces", "Groupe d'annonces"],
                 "es": ["Nombre del grupo de anuncios", "Grupo de anuncios"],
                 "it": ["Nome gruppo di annunci", "Gruppo di annunci"],
                 "pt": ["Nome do grupo de anúncios", "Grupo de anúncios"]},
    "ad_group_id": {"en": ["Ad Group ID"], "de": ["Anzeigengruppen-ID"], "fr": ["ID du groupe d'annonces"],
                    "es": ["ID del grupo de anuncios"], "it": ["ID gruppo di annunci"],
                    "pt": ["ID do grupo de anúncios"]},
    "ad": {"en": ["Ad Name", "Ad"], "de": ["Anzeigenname", "Anzeige"], "fr": ["Nom de l'annonce", "Annonce"],
           "es": ["Nombre del anuncio", "Anuncio"], "it": ["Nome annuncio", "Annuncio"],
           "pt": ["Nome do anúncio", "Anúncio"]},
    "ad_id": {"en": ["Ad ID"], "de": ["Anzeigen-ID"], "fr": ["ID de l'annonce"], "es": ["ID del anuncio"],
              "it": ["ID annuncio"], "pt": ["ID do anúncio"]},
    "currency": {"en": ["Currency"], "de": ["Währung"], "fr": ["Devise"], "es": ["Moneda", "Divisa"],
                 "it": ["Valuta"], "pt": ["Moeda"]},
    "spend": {"en": ["Amount Spent", "Spend", "Total Spend"], "de": ["Ausgegebener Betrag", "Ausgaben"],
              "fr": ["Montant dépensé", "Dépenses"], "es": ["Importe gastado", "Gasto"],
              "it": ["Importo speso", "Spesa"], "pt": ["Valor gasto", "Gasto"]},
    "impressions": {"en": ["Impressions"], "de": ["Impressionen"], "fr": ["Impressions"], "es": ["Impresiones"],
                    "it": ["Impressioni"], "pt": ["Impressões"]},
    "clicks": {"en": ["Clicks"], "de": ["Klicks"], "fr": ["Clics"], "es": ["Clics"], "it": ["Clic"],
               "pt": ["Cliques"]},
    "conversions": {"en": ["Purchases", "Total Purchases", "Purchases (Total)", "Conversions"],
                    "de": ["Käufe", "Käufe (gesamt)", "Conversions"], "fr": ["Achats", "Achats (total)"],
                    "es": ["Compras", "Compras (total)"], "it": ["Acquisti", "Acquisti (totale)"],
                    "pt": ["Compras", "Compras (total)"]},
    "conversions_click": {"en": ["Purchases (Click)", "Purchase Clicks", "Click-through Purchases"],
                          "de": ["Käufe (Klick)"], "fr": ["Achats (clic)"], "es": ["Compras (clic)"],
                          "it": ["Acquisti (clic)"], "pt": ["Compras (clique)"]},
    "conversions_view": {"en": ["Purchases (View)", "Purchase Views", "View-through Purchases"],
                         "de": ["Käufe (Ansicht)"], "fr": ["Achats (vue)"], "es": ["Compras (vista)"],
                         "it": ["Acquisti (visualizzazione)"], "pt": ["Compras (visualização)"]},
    "conversion_value": {"en": ["Purchase Value", "Purchases Value", "Total Purchase Value", "Purchase Total Value",
                                "Conversion Value"],
                         "de": ["Kaufwert", "Gesamtkaufwert"], "fr": ["Valeur des achats"],
                         "es": ["Valor de las compras"], "it": ["Valore degli acquisti"], "pt": ["Valor das compras"]},
    "reach": {"en": ["Reach"], "de": ["Reichweite"], "fr": ["Couverture"], "es": ["Alcance"], "it": ["Copertura"],
              "pt": ["Alcance"]},
    "video_views": {"en": ["Video Starts", "Video Views", "Video Started"],
                    "de": ["Videostarts", "Videoaufrufe"], "fr": ["Lancements de vidéo", "Vues de vidéo"],
                    "es": ["Inicios de video", "Reproducciones de video"],
                    "it": ["Avvii video", "Visualizzazioni video"],
                    "pt": ["Inícios de vídeo", "Visualizações de vídeo"]},
    "engagements": {"en": ["Engagements"], "de": ["Interaktionen"], "fr": ["Interactions"], "es": ["Interacciones"],
                    "it": ["Interazioni"], "pt": ["Engajamentos"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("reach", True), ("video_views", True), ("engagements", True)]

# API mode: SPEND is micro-currency (÷ 1,000,000); CONVERSION_*_TOTAL_VALUE is in cents (÷ 100).
MICROS = 1_000_000
CENTS = 100
API_CONVERSIONS = ("CONVERSION_PURCHASE_CLICKS", "CONVERSION_PURCHASE_VIEWS")
API_CONVERSION_VALUE = "CONVERSION_PURCHASE_TOTAL_VALUE"
API_LEVELS = {"campaign": {"campaign"}, "ad_group": {"campaign", "ad_group"}, "ad": {"campaign", "ad_group", "ad"}}


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Reddit Ads Manager report export, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    split = {part: col[part] for part in ("conversions_click", "conversions_view") if col[part]}
    metric_cols = [col[m] for m, _ in METRICS if col[m]] + list(split.values())
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Reddit Ads metric columns (Amount Spent, Impressions, Clicks) found — "
                         "is it a Reddit Ads Manager report?")
    rows = raw.rows          # files.py set the "Total" / "Gesamt" rows apart
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = dated_rows(rows, col, ctx, lang, parse_report_period(raw.preamble), errors, "no dates: the export has no Date "
                       "column and no date range above its header — in Reddit Ads Manager pick the Date "
                       "breakdown (by day), or keep the date range line of the downloaded report")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    if split and not col["conversions"]:
        frame = frame.with_columns(_click_plus_view(split, decimal, errors).alias("conversions"))
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = totals_row(raw, col, decimal, whole=("impressions", "clicks"))
    return Normalised(frame=out, totals=totals, totals_label=label)


def _click_plus_view(split: dict[str, str], decimal: str, errors: list[pl.Expr]) -> pl.Expr:
    """Purchases (Click) + Purchases (View): null only when both cells are empty."""
    values = []
    for column in split.values():
        value, error = number(column, decimal, label=column, integer=False)
        values.append(value)
        errors.append(error)
    return (pl.when(pl.all_horizontal([v.is_null() for v in values])).then(None)
            .otherwise(pl.sum_horizontal(values))).cast(pl.Float64)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of report rows as roi.sources.reddit_ads.fetch returns them (pure): the account's
    currency, SPEND from micro-currency, the purchase value from cents, conversions summed over the
    configured fields (click- and view-through purchases by default)."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    day, day_error = date("date", "ymd", label="date") if "date" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("date: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("date: missing date"))]
    counted = ctx.options.get("conversion_metrics", list(API_CONVERSIONS))
    counted = [str(f).lower() for f in ([counted] if isinstance(counted, str) else counted)]
    value_metric = str(ctx.options.get("conversion_value_metric", API_CONVERSION_VALUE)).lower()
    conversions = [read(c, c, False) for c in counted if c in records.columns]
    frame = cells.with_values(   # each number read with its reason, in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("account_name").alias("account_name"), raw("account_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        raw("ad_group_name").alias("ad_group_name"), raw("ad_group_id").alias("_ad_group_id"),
        raw("ad_name").alias("ad_name"), raw("ad_id").alias("_ad_id"),
        pl.coalesce(raw("account_currency").str.to_uppercase(), pl.lit(ctx.default_currency)).alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("clicks", "clicks", True).alias("clicks"),
        (read("spend", "spend", False) / MICROS).alias("spend"),
        (pl.when(pl.all_horizontal([c.is_null() for c in conversions])).then(None)
         .otherwise(pl.sum_horizontal(conversions)).cast(pl.Float64) if conversions
         else pl.lit(None, dtype=pl.Float64)).alias("conversions"),
        (read(value_metric, value_metric, False) / CENTS).alias("conversion_value"),
        read("reach", "reach", True).alias("reach"),
        read("video_started", "video_started", True).alias("video_views"),
    )
    level = str(ctx.options.get("level", "campaign")).lower()
    return Normalised(frame=finish_ad_rows(frame, ctx, API_LEVELS.get(level, {"campaign"}), errors))

