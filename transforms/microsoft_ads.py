"""Microsoft Advertising report downloads and Reporting API rows -> canonical ad_performance rows."""
from __future__ import annotations

import datetime as dt
import re

import polars as pl

from sources.raw import RawTable
from transforms.ad_exports import ApiRecords, find_export_columns, finish_ad_rows, map_export_columns
from transforms.context import Normalised, SourceContext
from transforms.dates import date, infer_date_order, parse_date_range, parse_one
from transforms.headers import Aliases, decimal_hint, language
from transforms.numbers import currency_code, infer_decimal, number
from transforms.totals import pick

TABLE = "ad_performance"
OPTIONS = ()

# UI download names (English, Italian) and the Reporting API's column names (TimePeriod, CampaignName …),
# so a report downloaded through the API loads as a file too. Derived ratios (CTR, Avg. CPC, CPA, Conv.
# rate …) are absent on purpose: KPIs are recomputed from summed parts.
ALIASES: Aliases = {
    "day": {"en": ["Time period", "Gregorian date", "Day", "Date", "TimePeriod", "GregorianDate"],
            "it": ["Periodo di tempo", "Data gregoriana", "Giorno", "Data"],
            "pt": ["Período de tempo", "Dia", "Data"], "es": ["Período de tiempo", "Día", "Fecha"],
            "fr": ["Période", "Jour", "Date"], "de": ["Zeitraum", "Tag", "Datum"]},
    "account": {"en": ["Account name", "Account", "AccountName"], "it": ["Nome account", "Account"],
                "pt": ["Nome da conta", "Conta"], "es": ["Nombre de la cuenta", "Cuenta"],
                "fr": ["Nom du compte", "Compte"], "de": ["Kontoname", "Konto"]},
    "account_id": {"en": ["Account ID", "AccountId", "Account number", "AccountNumber"],
                   "it": ["ID account", "Numero account"], "pt": ["ID da conta", "Número da conta"],
                   "es": ["Id. de cuenta", "ID de cuenta", "Número de cuenta"], "fr": ["ID du compte",
                   "Numéro de compte"], "de": ["Konto-ID", "Kontonummer"]},
    "campaign": {"en": ["Campaign name", "Campaign", "CampaignName"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha", "Campanha"], "es": ["Nombre de la campaña", "Campaña"],
                 "fr": ["Nom de la campagne", "Campagne"], "de": ["Kampagnenname", "Kampagne"]},
    "campaign_id": {"en": ["Campaign ID", "CampaignId"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["Id. de campaña", "ID de campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad group", "Ad group name", "AdGroupName"],
                 "it": ["Gruppo di annunci", "Nome gruppo di annunci"], "pt": ["Grupo de anúncios"],
                 "es": ["Grupo de anuncios"], "fr": ["Groupe d'annonces"], "de": ["Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad group ID", "AdGroupId"], "it": ["ID gruppo di annunci"],
                    "pt": ["ID do grupo de anúncios"], "es": ["Id. de grupo de anuncios"],
                    "fr": ["ID du groupe d'annonces"], "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad title", "Ad name", "Ad", "AdTitle"], "it": ["Titolo annuncio", "Annuncio"],
           "pt": ["Título do anúncio"], "es": ["Título del anuncio"], "fr": ["Titre de l'annonce"],
           "de": ["Anzeigentitel"]},
    "ad_id": {"en": ["Ad ID", "AdId"], "it": ["ID annuncio"], "pt": ["ID do anúncio"], "es": ["Id. de anuncio"],
              "fr": ["ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency code", "Currency", "CurrencyCode"], "it": ["Codice valuta", "Valuta"],
                 "pt": ["Código da moeda", "Moeda"], "es": ["Código de moneda", "Moneda"],
                 "fr": ["Code de la devise", "Devise"], "de": ["Währungscode", "Währung"]},
    "impressions": {"en": ["Impr.", "Impressions"], "it": ["Impr.", "Impressioni"], "pt": ["Impressões"],
                    "es": ["Impresiones"], "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Clicks"], "it": ["Clic"], "pt": ["Cliques"], "es": ["Clics"], "fr": ["Clics"],
               "de": ["Klicks"]},
    "spend": {"en": ["Spend", "Cost"], "it": ["Spesa", "Costo"], "pt": ["Gasto", "Custo"], "es": ["Gasto", "Coste"],
              "fr": ["Dépense", "Dépenses", "Coût"], "de": ["Ausgaben", "Kosten"]},
    "conversions": {"en": ["Conversions", "Conv."], "it": ["Conversioni", "Conv."], "pt": ["Conversões"],
                    "es": ["Conversiones"], "fr": ["Conversions"], "de": ["Conversions"]},
    "conversion_value": {"en": ["Revenue", "Conv. value"], "it": ["Ricavi", "Entrate"], "pt": ["Receita"],
                         "es": ["Ingresos"], "fr": ["Revenus", "Chiffre d'affaires"], "de": ["Umsatz"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False)]
TOTALS_LABELS = ["Total", "Totale", "Totals", "Totales", "Totaux", "Gesamt", "Insgesamt", "Summe"]
# The report's own period, in the header lines of a download: "Report Time: 6/10/2026,6/16/2026".
_REPORT_TIME = re.compile(r"^\s*\"?\s*(?:report time|ora del report|periodo del report)\s*:\s*(.+?)\"?\s*$",
                          re.IGNORECASE)


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Microsoft Advertising report download (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Microsoft Advertising metric columns (Spend, Impr., Clicks) found — is it "
                         "a Microsoft Advertising report?")
    lang = language(header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(
        pl.concat([raw.totals, raw.rows], how="diagonal_relaxed"), metric_cols, hint=decimal_hint(lang)))
    hint = "mdy" if lang == "en" else "dmy"
    errors: list[pl.Expr] = []
    frame = raw.rows
    if col["day"]:
        frame = frame.with_columns(pl.col(col["day"]).str.split("|").list.first().alias("_day"))  # "2026-06-01|13"
        order = ctx.options.get("date_order") or infer_date_order(frame.get_column("_day"), hint)
        day, error = date("_day", order, label="time period")
        errors += [error, pl.when(day.is_null() & error.is_null()).then(pl.lit("time period: missing date"))]
        frame = frame.with_columns(day.alias("date_start"), day.alias("date_end"))
    else:
        period = report_period(raw.preamble, ctx.options.get("date_order") or hint)
        if period:
            frame = frame.with_columns(pl.lit(period[0]).alias("date_start"), pl.lit(period[1]).alias("date_end"))
        else:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Date).alias("date_start"),
                                       pl.lit(None, dtype=pl.Date).alias("date_end"))
            errors.append(pl.lit("no dates: the report has no Time period column and no Report Time line — "
                                 "download it again with Time: Day (or keep the report header lines)"))
    frame, levels = map_export_columns(frame, col, METRICS, decimal, header_currency or ctx.default_currency,
                                       errors)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = None, None
    chosen = pick(raw.totals, header, TOTALS_LABELS)
    if chosen:
        totals = {}
        for metric, integer in METRICS:
            if col[metric]:
                value, _ = number(col[metric], decimal, label=metric)
                v = chosen[0].select(value).item()
                if v is not None:
                    totals[metric] = float(v)
        label = chosen[1]
    return Normalised(frame=out, totals=totals or None, totals_label=label if totals else None)


def report_period(preamble: list[str], order: str = "mdy") -> tuple[dt.date, dt.date] | None:
    """The period of a download's "Report Time: 6/10/2026,6/16/2026" (or "… - …", or one day) line."""
    for line in preamble:
        m = _REPORT_TIME.match(line)
        if not m:
            continue
        value = m.group(1).strip().strip('"')
        parts = [p.strip() for p in value.split(",")] if value.count(",") == 1 and "/" in value else None
        if parts:
            first, last = parse_one(parts[0], order), parse_one(parts[1], order)
            if first and last and first <= last:
                return first.date(), last.date()
        found = parse_date_range(value)
        if found:
            return found
        single = parse_one(value, order)
        if single:
            return single.date(), single.date()
    return None


# ---------------------------------------------------------------- API rows

def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of the Reporting API's CSV rows as sources.microsoft_ads.fetch returns them (pure)."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    frame = records.with_columns(raw("TimePeriod").str.split("|").list.first().alias("_day"))
    day, day_error = date("_day", "ymd", label="TimePeriod")
    errors += [day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("TimePeriod: missing date"))]
    if "CurrencyCode" in records.columns:
        currency, currency_error = currency_code("CurrencyCode", ctx.default_currency, label="CurrencyCode")
        errors.append(currency_error)
    else:
        currency = pl.lit(ctx.default_currency)
    frame = frame.with_columns(
        day.alias("date_start"), day.alias("date_end"),
        raw("AccountName").alias("account_name"), raw("AccountId").alias("_account_id"),
        raw("CampaignName").alias("campaign_name"), raw("CampaignId").alias("_campaign_id"),
        raw("AdGroupName").alias("ad_group_name"), raw("AdGroupId").alias("_ad_group_id"),
        raw("AdTitle").alias("ad_name"), raw("AdId").alias("_ad_id"),
        currency.alias("currency"),
        read("Impressions", "Impressions", True).alias("impressions"),
        read("Clicks", "Clicks", True).alias("clicks"),
        read("Spend", "Spend", False).alias("spend"),
        read("Conversions", "Conversions", False).alias("conversions"),
        read("Revenue", "Revenue", False).alias("conversion_value"),
    )
    levels = {level for level, column in (("campaign", "CampaignId"), ("ad_group", "AdGroupId"), ("ad", "AdId"))
              if column in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
