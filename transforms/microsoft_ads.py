"""Microsoft Advertising report downloads and Reporting API rows -> canonical ad_performance rows."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import keywords
from roi.transforms.ad_exports import (ApiRecords, find_export_columns, finish_ad_rows, map_export_columns,
                                      metric_totals, period_dates)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_date_range, parse_one
from roi.transforms.headers import Aliases, decimal_hint, language
from roi.transforms.numbers import currency_code, infer_decimal
from roi.transforms.totals import pick

TABLE = "ad_performance"
OPTIONS = ("aggregation",)   # daily | weekly | monthly: what TimePeriod dates stand for, when the file cannot say

# UI download names (English, Italian) and the Reporting API's column names (TimePeriod, CampaignName …),
# so a report downloaded through the API loads as a file too. Derived ratios (CTR, Avg. CPC, CPA, Conv.
# rate …) are absent on purpose: KPIs are recomputed from summed parts.
ALIASES: Aliases = {
    "day": {"en": ["Time period", "Gregorian date", "Day", "Date", "TimePeriod", "GregorianDate"],
            "it": ["Periodo di tempo", "Data gregoriana", "Giorno", "Data"],
            "pt": ["Período de tempo", "Dia", "Data"], "es": ["Período de tiempo", "Día", "Fecha"],
            "fr": ["Période", "Jour", "Date"], "de": ["Zeitraum", "Tag", "Datum"]},
    "week": {"en": ["Week", "Week (Sun - Sat)", "Week (Mon - Sun)", "Week starting Monday"], "it": ["Settimana"],
             "pt": ["Semana"], "es": ["Semana"], "fr": ["Semaine"], "de": ["Woche"]},
    "month": {"en": ["Month"], "it": ["Mese"], "pt": ["Mês"], "es": ["Mes"], "fr": ["Mois"], "de": ["Monat"]},
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
    # keyword and search query reports: the keyword's own (bid) match type wins over the delivered one
    **keywords.aliases({
        "keyword_match_type": {"en": ["Bid match type", "BidMatchType"]},
        "match_type": {"en": ["Delivered match type", "DeliveredMatchType"]},
        "search_term": {"en": ["Search query", "SearchQuery"]},
    }),
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
    warnings: list[str] = []
    frame = raw.rows
    period = report_period(raw.preamble, ctx.options.get("date_order") or hint)
    time_col = col["day"] or col["week"] or col["month"]
    if time_col:
        aggregation = (None if col["day"] else "weekly" if col["week"] else "monthly") or _aggregation(ctx)
        frame, time_errors, note = _time_periods(frame, time_col, ctx.options.get("date_order"), hint, period,
                                                 aggregation)
        errors += time_errors
        warnings += [note] if note else []
    else:
        frame = period_dates(frame, period, errors, "no dates: the report has no Time period column and no Report "
                             "Time line — download it again with Time: Day (or keep the report header lines)")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx,
                                       header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    extra = keywords.extra_tables(out, raw.rows, col)
    totals, label = None, None
    chosen = pick(raw.totals, header, TOTALS_LABELS)
    if chosen:
        totals, label = metric_totals(chosen[0], col, decimal), chosen[1]
    return Normalised(frame=out, totals=totals or None, totals_label=label if totals else None, extra=extra,
                      warnings=warnings)


# TimePeriod cells: "2023-11-11|01" (hourly: the day), a date (a day, or the first day of a week or month),
# a month without its day ("2023-11", "11/2023", "November 2023").
_HOUR = r"\s*\|\s*\d{1,2}\s*$"
_YEAR_MONTH = r"^(\d{4})[-/](\d{1,2})$"
_MONTH_YEAR = r"^(\d{1,2})[-/](\d{4})$"
_MONTH_NAME_YEAR = r"^[^\W\d_][^\d|]*\s\d{4}$"
_AGGREGATIONS = {"hourly": "daily", "daily": "daily", "weekly": "weekly", "monthly": "monthly"}


def _aggregation(ctx: SourceContext) -> str | None:
    """The source's `aggregation` option (daily | weekly | monthly), or None to read it from the dates."""
    value = ctx.options.get("aggregation")
    if value is None:
        return None
    if str(value).lower() not in _AGGREGATIONS:
        raise ValueError(f"source '{ctx.source}': aggregation = {value!r} — set it to \"daily\", \"weekly\" or "
                         "\"monthly\" in roi.toml")
    return _AGGREGATIONS[str(value).lower()]


def _time_periods(frame: pl.DataFrame, column: str, order: str | None, hint: str,
                  period: tuple[dt.date, dt.date] | None, aggregation: str | None
                  ) -> tuple[pl.DataFrame, list[pl.Expr], str | None]:
    """date_start / date_end of each row from its TimePeriod cell: an hour's row is its day (rows of one
    day are summed at load); a week's first day gives the week, a month (or its first day) the month,
    both clipped to the Report Time period. Whether dates are days, weeks or months: `aggregation`, else
    the dates themselves (a month written without its day, or two or more distinct dates besides the
    report's first day all the 1st of their month: months; all on one weekday: weeks), else days.
    Returns the frame, the error expressions and a note for the load."""
    cell = pl.col(column).str.strip_chars()
    ym, my = cell.str.extract_groups(_YEAR_MONTH), cell.str.extract_groups(_MONTH_YEAR)
    month_only = cell.str.contains(f"{_YEAR_MONTH}|{_MONTH_YEAR}|{_MONTH_NAME_YEAR}")
    day_text = (pl.when(cell.str.contains(_YEAR_MONTH))
                .then(pl.concat_str([ym.struct.field("1"), ym.struct.field("2"), pl.lit("01")], separator="-"))
                .when(cell.str.contains(_MONTH_YEAR))
                .then(pl.concat_str([my.struct.field("2"), my.struct.field("1"), pl.lit("01")], separator="-"))
                .when(cell.str.contains(_MONTH_NAME_YEAR)).then(pl.concat_str([pl.lit("1 "), cell]))
                .otherwise(cell.str.replace(_HOUR, "")))
    frame = frame.with_columns(day_text.alias("_day"), month_only.fill_null(False).alias("_month_only"),
                               cell.str.contains(_HOUR).fill_null(False).alias("_hourly"))
    dated = frame.filter(~pl.col("_month_only"))
    plain = dated.filter(~pl.col("_hourly"))
    order = order or infer_date_order(dated.get_column("_day"), hint)
    day, error = date("_day", order, label="time period")
    errors = [error, pl.when(day.is_null() & error.is_null()).then(pl.lit("time period: missing date"))]
    frame = frame.with_columns(day.alias("_first"))
    note = None
    days = sorted(plain.select(day.alias("d")).get_column("d").drop_nulls().unique().to_list())
    inner = [d for d in days if period is None or d != period[0]]   # the first may be a clipped week/month
    if aggregation is None:
        if frame.get_column("_month_only").any():   # "2023-11" beside "2023-12-01": months, all of them
            aggregation = "monthly"
        elif len(inner) >= 2 and all(d.day == 1 for d in inner):
            aggregation = "monthly"
        elif len(inner) >= 2 and len({d.weekday() for d in inner}) == 1:
            aggregation = "weekly"
        if aggregation and not frame.get_column("_month_only").all():
            note = (f"{aggregation} time periods: rows loaded as {aggregation[:-2]} totals (spread over their days "
                    f"in daily views) — set aggregation = \"daily\" in roi.toml if they are days")
    first = pl.col("_first")
    monthly = pl.col("_month_only") | pl.lit(aggregation == "monthly")
    weekly = ~pl.col("_hourly") & pl.lit(aggregation == "weekly")
    start = pl.when(monthly).then(first.dt.month_start()).otherwise(first)
    # a week ends the day before the next one starts (the report's first week may start on its first day)
    starts = Counter(d.isoweekday() for d in inner).most_common(1)
    week_days = ((pl.lit(starts[0][0] + 13) - first.dt.weekday()) % 7) if starts else pl.lit(6)
    end = (pl.when(monthly).then(first.dt.month_end())
           .when(weekly).then(first + pl.duration(days=week_days)).otherwise(first))
    if period:   # a week or month row covers the report's days only
        ranged = monthly | weekly
        start = pl.when(ranged).then(pl.max_horizontal(start, pl.lit(period[0]))).otherwise(start)
        end = pl.when(ranged).then(pl.min_horizontal(end, pl.lit(period[1]))).otherwise(end)
    frame = frame.with_columns(start.alias("date_start"), end.alias("date_end"))
    return frame.drop("_first", "_month_only", "_hourly"), errors, note


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

# Keyword and search query report columns -> keywords.extra_tables' fields (a file's aliases name the same).
API_KEYWORD_COLUMNS = {"keyword": "Keyword", "keyword_match_type": "BidMatchType", "match_type": "DeliveredMatchType",
                       "search_term": "SearchQuery"}


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of the Reporting API's CSV rows as roi.sources.microsoft_ads.fetch returns them (pure):
    ad_performance rows, and a keyword or search query report's keyword_performance or
    search_term_performance rows in `extra` (its ad-group rows are summed to ad group x day at load)."""
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
    out = finish_ad_rows(frame, ctx, levels, errors)
    searched = {field: column for field, column in API_KEYWORD_COLUMNS.items() if column in records.columns}
    return Normalised(frame=out, extra=keywords.extra_tables(out, records, searched))
