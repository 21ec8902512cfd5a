"""LinkedIn Campaign Manager exports and adAnalytics API records -> canonical ad_performance rows."""
from __future__ import annotations

import datetime as dt

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (find_export_columns, finish_ad_rows, map_export_columns, metric_totals,
                                      period_dates)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import Aliases, decimal_hint, language
from roi.transforms.numbers import infer_decimal, number, text
from roi.transforms.totals import pick

TABLE = "ad_performance"
OPTIONS = ()

# LinkedIn's hierarchy is campaign group > campaign > creative. A LinkedIn *campaign* (budget, targeting,
# the name marketers report on) is the canonical campaign, a creative the canonical ad; ad_group is ''.
# Campaign groups are used as campaigns only by exports that have no campaign column.
# English names are Campaign Manager's; the other languages are best effort.
ALIASES: Aliases = {
    "day": {"en": ["Start Date (in UTC)", "Start Date", "Date", "Day"],
            "it": ["Data di inizio (in UTC)", "Data di inizio", "Data"],
            "pt": ["Data de início (em UTC)", "Data de início", "Data"],
            "es": ["Fecha de inicio (en UTC)", "Fecha de inicio", "Fecha"],
            "fr": ["Date de début (en UTC)", "Date de début", "Date"],
            "de": ["Startdatum (in UTC)", "Startdatum", "Datum"]},
    "end_day": {"en": ["End Date (in UTC)", "End Date"], "it": ["Data di fine (in UTC)", "Data di fine"],
                "pt": ["Data de término (em UTC)", "Data de término"], "es": ["Fecha de finalización (en UTC)"],
                "fr": ["Date de fin (en UTC)", "Date de fin"], "de": ["Enddatum (in UTC)", "Enddatum"]},
    "account": {"en": ["Account Name", "Account"], "it": ["Nome account", "Account"], "pt": ["Nome da conta"],
                "es": ["Nombre de la cuenta"], "fr": ["Nom du compte"], "de": ["Kontoname"]},
    "account_id": {"en": ["Account ID"], "it": ["ID account"], "pt": ["ID da conta"], "es": ["ID de la cuenta"],
                   "fr": ["ID du compte"], "de": ["Konto-ID"]},
    "campaign_group": {"en": ["Campaign Group Name", "Campaign Group"],
                       "it": ["Nome gruppo di campagne", "Gruppo di campagne"],
                       "pt": ["Nome do grupo de campanhas"], "es": ["Nombre del grupo de campañas"],
                       "fr": ["Nom du groupe de campagnes"], "de": ["Name der Kampagnengruppe"]},
    "campaign_group_id": {"en": ["Campaign Group ID"], "it": ["ID gruppo di campagne"],
                          "pt": ["ID do grupo de campanhas"], "es": ["ID del grupo de campañas"],
                          "fr": ["ID du groupe de campagnes"], "de": ["Kampagnengruppen-ID"]},
    "campaign": {"en": ["Campaign Name", "Campaign"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha"], "es": ["Nombre de la campaña"], "fr": ["Nom de la campagne"],
                 "de": ["Kampagnenname"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad": {"en": ["Creative Name", "Ad Name", "Creative"], "it": ["Nome creatività", "Nome annuncio"],
           "pt": ["Nome do criativo", "Nome do anúncio"], "es": ["Nombre del creativo", "Nombre del anuncio"],
           "fr": ["Nom de la création", "Nom de l'annonce"], "de": ["Name des Creatives", "Anzeigenname"]},
    "ad_id": {"en": ["Creative ID", "Ad ID"], "it": ["ID creatività", "ID annuncio"],
              "pt": ["ID do criativo", "ID do anúncio"], "es": ["ID del creativo", "ID del anuncio"],
              "fr": ["ID de la création", "ID de l'annonce"], "de": ["Creative-ID", "Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Total Spent", "Amount Spent", "Spent", "Cost"], "it": ["Totale speso", "Importo speso"],
              "pt": ["Total gasto", "Valor gasto"], "es": ["Total gastado", "Importe gastado"],
              "fr": ["Total dépensé", "Montant dépensé"], "de": ["Ausgaben gesamt", "Ausgegebener Betrag"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "pt": ["Impressões"], "es": ["Impresiones"],
                    "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Clicks"], "it": ["Clic"], "pt": ["Cliques"], "es": ["Clics"], "fr": ["Clics"],
               "de": ["Klicks"]},
    "conversions": {"en": ["Conversions", "Total Conversions"], "it": ["Conversioni"], "pt": ["Conversões"],
                    "es": ["Conversiones"], "fr": ["Conversions"], "de": ["Conversions"]},
    "conversion_value": {"en": ["Total Conversion Value", "Conversion Value"],
                         "it": ["Valore totale delle conversioni", "Valore conversione"],
                         "pt": ["Valor total da conversão", "Valor de conversão"],
                         "es": ["Valor total de conversión", "Valor de conversión"],
                         "fr": ["Valeur totale de conversion", "Valeur de conversion"],
                         "de": ["Gesamtwert der Conversions", "Conversion-Wert"]},
    "reach": {"en": ["Reach", "Approximate Member Reach"], "it": ["Copertura"], "pt": ["Alcance"],
              "es": ["Alcance"], "fr": ["Couverture"], "de": ["Reichweite"]},
    "video_views": {"en": ["Video Views", "Views"], "it": ["Visualizzazioni video"],
                    "pt": ["Visualizações de vídeo"], "es": ["Reproducciones de vídeo", "Visualizaciones de vídeo"],
                    "fr": ["Vues de vidéo", "Vues de la vidéo"], "de": ["Videoaufrufe"]},
    "engagements": {"en": ["Total Engagements", "Engagements"], "it": ["Interazioni totali", "Interazioni"],
                    "pt": ["Total de engajamentos"], "es": ["Interacciones totales"], "fr": ["Total des interactions"],
                    "de": ["Interaktionen insgesamt"]},
}
# roi.toml `columns` keys (canonical column names) -> the field names of ALIASES.
CANONICAL = {"date_start": "day", "date": "day", "date_end": "end_day", "account_name": "account",
             "campaign_name": "campaign", "ad_name": "ad"}
# (canonical metric, integer?)
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("reach", True), ("video_views", True), ("engagements", True)]
TOTALS_LABELS = ["Total", "Totale", "Totals", "Totales", "Totaux", "Gesamt", "Insgesamt", "Summe"]


# ---------------------------------------------------------------- files

def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Campaign Manager export (pure, no I/O).

    Daily exports give one row per day; Monthly / All time breakdowns (dates that are all the 1st of a
    month, or all the report start) become period rows clipped to the report's Report Start/End."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no LinkedIn metric columns (Total Spent, Impressions, Clicks) found — is it "
                         "a Campaign Manager performance export?")
    lang = language(header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(
        pl.concat([raw.totals, raw.rows], how="diagonal_relaxed"), metric_cols, hint=decimal_hint(lang)))
    period = parse_report_period(raw.preamble)
    warnings: list[str] = []
    errors: list[pl.Expr] = []

    frame = raw.rows
    if col["day"]:
        values = frame.get_column(col["day"])
        if col["end_day"]:
            values = pl.concat([values, frame.get_column(col["end_day"])])
        order = ctx.options.get("date_order") or infer_date_order(values, "mdy" if lang == "en" else "dmy")
        start, start_error = date(col["day"], order, label="start date")
        errors += [start_error, pl.when(start.is_null() & start_error.is_null()).then(pl.lit("start date: missing"))]
        frame = frame.with_columns(start.alias("date_start"))
        if col["end_day"]:
            end, end_error = date(col["end_day"], order, label="end date")
            errors.append(end_error)
            frame = frame.with_columns(pl.coalesce(end, pl.col("date_start")).alias("date_end"))
        else:
            frame, note = _breakdown(frame, period)
            warnings += [note] if note else []
    else:
        frame = period_dates(frame, period, errors, "no dates: the export has no Start Date column and no Report "
                             "Start/End lines — export it again from Campaign Manager with a time breakdown")

    # LinkedIn has no ad groups; a report by campaign group names its groups where campaigns would be.
    campaign_field = "campaign" if col["campaign"] or col["campaign_id"] else "campaign_group"
    mapped = {**col, "campaign": col[campaign_field], "campaign_id": col[f"{campaign_field}_id"],
              "ad_group": None, "ad_group_id": None}
    frame, levels = map_export_columns(frame, mapped, METRICS, decimal, errors, ctx, header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)

    totals, label = None, None
    chosen = pick(raw.totals, header, TOTALS_LABELS)
    if chosen:
        totals, label = metric_totals(chosen[0], col, decimal), chosen[1]
    return Normalised(frame=out, totals=totals or None, totals_label=label if totals else None, warnings=warnings)


def _breakdown(frame: pl.DataFrame, period: tuple[dt.date, dt.date] | None) -> tuple[pl.DataFrame, str | None]:
    """date_end for rows that have only a start date: the same day for daily exports; the month (or the whole
    report period) for Monthly / All time breakdowns, recognised by their dates."""
    daily = frame.with_columns(pl.col("date_start").alias("date_end"))
    if period is None or period[0] >= period[1]:
        return daily, None
    days = frame.get_column("date_start").drop_nulls().unique().to_list()
    if not days or not all(d.day == 1 or d == period[0] for d in days):
        return daily, None
    if days == [period[0]]:
        return (frame.with_columns(pl.lit(period[1]).alias("date_end")),
                f"no daily breakdown: rows loaded as totals of {period[0]} – {period[1]}")
    if len(days) < 2:
        return daily, None
    month_end = pl.min_horizontal(pl.col("date_start").dt.month_end(), pl.lit(period[1]))
    return (frame.with_columns(pl.max_horizontal(pl.col("date_start"), pl.lit(period[0])).alias("date_start"),
                               month_end.alias("date_end")),
            "monthly breakdown: rows loaded as month totals (spread over their days in daily views)")


# ---------------------------------------------------------------- API records

def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of adAnalytics elements as roi.sources.linkedin_ads.fetch returns them (pure, no I/O).

    Spend is costInLocalCurrency in the account's currency; only where LinkedIn gave no local cost is
    costInUsd used (currency USD, conversion value left empty so currencies never mix)."""
    frame = records

    def raw(column: str) -> pl.Expr:
        return pl.col(column) if column in frame.columns else pl.lit(None, dtype=pl.Utf8)

    errors: list[pl.Expr] = []

    def read(column: str, label: str, integer: bool) -> pl.Expr:
        if column not in frame.columns:
            return pl.lit(None, dtype=pl.Int64 if integer else pl.Float64)
        value, error = number(column, ".", label=label, integer=integer)
        errors.append(error)
        return value

    def part(which: str, key: str) -> pl.Expr:
        return raw("dateRange").str.json_path_match(f"$.{which}.{key}").cast(pl.Int32, strict=False)

    start = pl.date(part("start", "year"), part("start", "month"), part("start", "day"))
    end = pl.date(part("end", "year"), part("end", "month"), part("end", "day"))
    errors.append(pl.when(start.is_null()).then(pl.concat_str(
        [pl.lit("dateRange: '"), raw("dateRange").fill_null(""), pl.lit("' has no start date")])))
    local = read("costInLocalCurrency", "costInLocalCurrency", False)
    usd = read("costInUsd", "costInUsd", False)
    in_usd = local.is_null() & usd.is_not_null()
    account_currency = text("account_currency") if "account_currency" in frame.columns else pl.lit(None, pl.Utf8)
    conversions = str(ctx.options.get("conversion_metric", "externalWebsiteConversions"))
    value_metric = str(ctx.options.get("conversion_value_metric", "conversionValueInLocalCurrency"))
    conversion_value = read(value_metric, value_metric, False)
    is_creative = raw("pivot") == "CREATIVE"
    values = [
        start.alias("date_start"), pl.coalesce(end, start).alias("date_end"),
        raw("account_name").alias("account_name"), raw("account_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        pl.lit(None, dtype=pl.Utf8).alias("ad_group_name"), pl.lit(None, dtype=pl.Utf8).alias("_ad_group_id"),
        pl.when(is_creative).then(raw("creative_name")).alias("ad_name"),
        pl.when(is_creative).then(pl.coalesce(raw("creative_id"), raw("pivot_value"))).alias("_ad_id"),
        pl.when(in_usd).then(pl.lit("USD")).otherwise(
            pl.coalesce(account_currency.str.to_uppercase(), pl.lit(ctx.default_currency))).alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("clicks", "clicks", True).alias("clicks"),
        pl.coalesce(local, usd).alias("spend"),
        read(conversions, conversions, False).alias("conversions"),
        pl.when(in_usd).then(None).otherwise(conversion_value).alias("conversion_value"),
        read("approximateMemberReach", "approximateMemberReach", True).alias("reach"),
        read("videoViews", "videoViews", True).alias("video_views"),
        read("totalEngagements", "totalEngagements", True).alias("engagements"),
    ]
    # The reasons are read in the same step as the values: `impressions` read into `impressions` replaces
    # the cell its reason reads.
    reasons = [e.cast(pl.Utf8).alias(f"_read{i}") for i, e in enumerate(e for e in errors if e is not None)]
    frame = frame.with_columns(*values, *reasons)
    errors = [pl.col(r.meta.output_name()) for r in reasons]
    creative = "pivot" in records.columns and (records.get_column("pivot") == "CREATIVE").any()
    return Normalised(frame=finish_ad_rows(frame, ctx, {"campaign", "ad"} if creative else {"campaign"}, errors))
