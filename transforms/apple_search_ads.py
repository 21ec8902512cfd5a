"""Apple Search Ads report downloads and Campaign Management API rows -> canonical ad_performance rows."""
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

# English names are the Apple Ads dashboard's report columns; other languages are best effort. Conversions are
# installs: all installs (tap- and view-through) first; roi.toml `columns = { conversions = "…" }` picks another.
ALIASES: Aliases = {
    "day": {"en": ["Day", "Date"], "it": ["Giorno", "Data"], "pt": ["Dia", "Data"], "es": ["Día", "Fecha"],
            "fr": ["Jour", "Date"], "de": ["Tag", "Datum"]},
    "account": {"en": ["Org Name", "Account Name", "Organization Name"], "it": ["Nome organizzazione", "Nome account"],
                "pt": ["Nome da organização", "Nome da conta"], "es": ["Nombre de la organización",
                                                                     "Nombre de la cuenta"],
                "fr": ["Nom de l'organisation", "Nom du compte"], "de": ["Name der Organisation", "Kontoname"]},
    "account_id": {"en": ["Org ID", "Account ID", "Organization ID"], "it": ["ID organizzazione", "ID account"],
                   "pt": ["ID da organização", "ID da conta"], "es": ["ID de la organización", "ID de la cuenta"],
                   "fr": ["ID de l'organisation", "ID du compte"], "de": ["Organisations-ID", "Konto-ID"]},
    "campaign": {"en": ["Campaign Name", "Campaign"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha", "Campanha"], "es": ["Nombre de la campaña", "Campaña"],
                 "fr": ["Nom de la campagne", "Campagne"], "de": ["Kampagnenname", "Kampagne"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad Group Name", "Ad Group"], "it": ["Nome gruppo di annunci", "Gruppo di annunci"],
                 "pt": ["Nome do grupo de anúncios"], "es": ["Nombre del grupo de anuncios"],
                 "fr": ["Nom du groupe d'annonces"], "de": ["Anzeigengruppenname", "Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad Group ID"], "it": ["ID gruppo di annunci"], "pt": ["ID do grupo de anúncios"],
                    "es": ["ID del grupo de anuncios"], "fr": ["ID du groupe d'annonces"],
                    "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad Name", "Ad"], "it": ["Nome annuncio", "Annuncio"], "pt": ["Nome do anúncio"],
           "es": ["Nombre del anuncio"], "fr": ["Nom de la publicité", "Nom de l'annonce"],
           "de": ["Anzeigenname", "Anzeige"]},
    "ad_id": {"en": ["Ad ID"], "it": ["ID annuncio"], "pt": ["ID do anúncio"], "es": ["ID del anuncio"],
              "fr": ["ID de la publicité", "ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Spend", "Local Spend"], "it": ["Spesa"], "pt": ["Gasto", "Investimento"], "es": ["Gasto"],
              "fr": ["Dépenses"], "de": ["Ausgaben"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "pt": ["Impressões"], "es": ["Impresiones"],
                    "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Taps"], "it": ["Tap"], "pt": ["Toques"], "es": ["Toques"], "fr": ["Touchers", "Taps"],
               "de": ["Taps", "Tipps"]},
    "conversions": {"en": ["Installs (Total)", "Total Installs", "Installs", "Installs (Tap-Through)",
                           "Tap-Through Installs", "Conversions"],
                    "it": ["Installazioni (totali)", "Installazioni totali", "Installazioni",
                           "Installazioni (tap-through)"],
                    "pt": ["Instalações (total)", "Instalações"], "es": ["Instalaciones (total)", "Instalaciones"],
                    "fr": ["Installations (total)", "Installations"],
                    "de": ["Installationen (gesamt)", "Installationen", "Installationen (Tap-Through)"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False)]
# API records: the install count used as conversions unless the source's conversion_metric names another
API_CONVERSIONS = "totalInstalls"


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Apple Ads report download, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not (col["spend"] or col["clicks"]):
        raise ValueError(f"{raw.path}: no Apple Ads metric columns (Spend, Impressions, Taps) found — is it an "
                         "Apple Ads report download?")
    rows = raw.rows    # the reader set the "Total" / "Totale" row apart
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = dated_rows(rows, col, ctx, lang, parse_report_period(raw.preamble, "mdy" if lang == "en" else "dmy"), errors,
                       "no dates: the report has no Day column and no date range line — in Apple Ads choose "
                       "Daily before downloading, or download one period at a time with its date range")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("conversion_value"))   # Apple reports no revenue
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = totals_row(raw, col, decimal, whole=("impressions", "clicks"))
    return Normalised(frame=out, totals=totals, totals_label=label)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of daily report rows as roi.sources.apple_search_ads.fetch returns them (pure)."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    day, day_error = date("date", "ymd", label="date") if "date" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("date: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("date: missing date"))]
    conversions = str(ctx.options.get("conversion_metric", API_CONVERSIONS))
    currency = pl.coalesce(raw("localSpend_currency").str.to_uppercase(), raw("org_currency").str.to_uppercase(),
                           pl.lit(ctx.default_currency))
    frame = cells.with_values(   # each number read with its reason, in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("org_name").alias("account_name"), raw("org_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        raw("ad_group_name").alias("ad_group_name"), raw("ad_group_id").alias("_ad_group_id"),
        raw("ad_name").alias("ad_name"), raw("ad_id").alias("_ad_id"),
        currency.alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("taps", "taps", True).alias("clicks"),
        read("localSpend", "localSpend", False).alias("spend"),
        read(conversions, conversions, False).alias("conversions"),
        pl.lit(None, dtype=pl.Float64).alias("conversion_value"),          # Apple Ads reports no revenue
    )
    levels = {level for level, column in (("campaign", "campaign_id"), ("ad_group", "ad_group_id"), ("ad", "ad_id"))
              if column in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
