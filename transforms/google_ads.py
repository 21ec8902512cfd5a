"""Google Ads UI report exports (any UI language, daily or period reports) -> canonical ad_performance rows."""
from __future__ import annotations

import datetime as dt

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms import keywords
from roi.transforms.ad_exports import find_export_columns, finish_ad_rows, map_export_columns, metric_totals
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import Aliases, decimal_hint, language
from roi.transforms.numbers import currency_code, error_list, infer_decimal, number, text
from roi.transforms.totals import pick

TABLE = "ad_performance"

# Canonical field -> header names per UI language. Derived ratios (CTR, Avg. CPC, Cost / conv.,
# Conv. rate, Interaction rate ...) are deliberately absent: KPIs are recomputed from summed parts.
ALIASES: Aliases = {
    "day": {"en": ["Day", "Date"], "it": ["Giorno", "Data"], "pt": ["Dia", "Data"],
            "es": ["Día", "Dia", "Fecha"], "fr": ["Jour", "Date"], "de": ["Tag", "Datum"]},
    "week": {"en": ["Week"], "it": ["Settimana"], "pt": ["Semana"], "es": ["Semana"], "fr": ["Semaine"],
             "de": ["Woche"]},
    "month": {"en": ["Month"], "it": ["Mese"], "pt": ["Mês"], "es": ["Mes"], "fr": ["Mois"], "de": ["Monat"]},
    "account": {"en": ["Account", "Account name"], "it": ["Account", "Nome account", "Nome dell'account"],
                "pt": ["Conta", "Nome da conta"], "es": ["Cuenta", "Nombre de la cuenta"],
                "fr": ["Compte", "Nom du compte"], "de": ["Konto", "Kontoname"]},
    "account_id": {"en": ["Customer ID", "Account ID"], "it": ["ID cliente", "ID account"],
                   "pt": ["ID do cliente", "ID da conta"], "es": ["ID de cliente", "ID de la cuenta"],
                   "fr": ["ID client", "ID du client", "ID de compte"], "de": ["Kundennummer", "Kunden-ID"]},
    "campaign": {"en": ["Campaign", "Campaign name"], "it": ["Campagna", "Nome campagna"],
                 "pt": ["Campanha", "Nome da campanha"], "es": ["Campaña", "Nombre de la campaña"],
                 "fr": ["Campagne", "Nom de la campagne"], "de": ["Kampagne", "Kampagnenname"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de campaña", "ID de la campaña"], "fr": ["ID de campagne", "ID de la campagne"],
                    "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad group", "Ad group name"], "it": ["Gruppo di annunci", "Nome gruppo di annunci"],
                 "pt": ["Grupo de anúncios"], "es": ["Grupo de anuncios"], "fr": ["Groupe d'annonces"],
                 "de": ["Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad group ID"], "it": ["ID gruppo di annunci"], "pt": ["ID do grupo de anúncios"],
                    "es": ["ID de grupo de anuncios", "ID del grupo de anuncios"],
                    "fr": ["ID du groupe d'annonces", "ID de groupe d'annonces"], "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad", "Ad name"], "it": ["Annuncio", "Nome annuncio"], "pt": ["Anúncio"], "es": ["Anuncio"],
           "fr": ["Annonce"], "de": ["Anzeige"]},
    "ad_id": {"en": ["Ad ID"], "it": ["ID annuncio"], "pt": ["ID do anúncio"],
              "es": ["ID de anuncio", "ID del anuncio"],
              "fr": ["ID d'annonce", "ID de l'annonce"], "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency code", "Currency"], "it": ["Codice valuta", "Valuta"],
                 "pt": ["Código da moeda", "Moeda"], "es": ["Código de moneda", "Moneda"],
                 "fr": ["Code de la devise", "Code devise", "Devise"], "de": ["Währungscode", "Währung"]},
    "impressions": {"en": ["Impr.", "Impressions"], "it": ["Impr.", "Impressioni"], "pt": ["Impr.", "Impressões"],
                    "es": ["Impr.", "Impresiones"], "fr": ["Impr.", "Impressions"], "de": ["Impr.", "Impressionen"]},
    "clicks": {"en": ["Clicks"], "it": ["Clic"], "pt": ["Cliques"], "es": ["Clics"], "fr": ["Clics"],
               "de": ["Klicks"]},
    "spend": {"en": ["Cost"], "it": ["Costo"], "pt": ["Custo"], "es": ["Coste", "Costo"], "fr": ["Coût"],
              "de": ["Kosten"]},
    "conversions": {"en": ["Conversions"], "it": ["Conversioni"], "pt": ["Conversões"], "es": ["Conversiones"],
                    "fr": ["Conversions"], "de": ["Conversions", "Conversionen"]},
    "conversion_value": {"en": ["Conv. value", "Conversion value"], "it": ["Valore conv.", "Valore conversioni"],
                         "pt": ["Valor conv.", "Valor da conv."], "es": ["Valor de conv.", "Valor conv."],
                         "fr": ["Valeur de conv.", "Valeur conv."], "de": ["Conv.-Wert", "Conversion-Wert"]},
    "video_views": {"en": ["Video views", "Views"], "it": ["Visualizzazioni video", "Visualizzazioni"],
                    "pt": ["Visualizações de vídeo", "Visualizações"],
                    "es": ["Visualizaciones de vídeo", "Visualizaciones de video", "Visualizaciones"],
                    "fr": ["Vues de vidéos", "Vues de la vidéo", "Vues"], "de": ["Videoaufrufe", "Aufrufe"]},
    "engagements": {"en": ["Engagements"], "it": ["Coinvolgimenti"], "pt": ["Engajamentos"],
                    "es": ["Participaciones"], "fr": ["Engagements"], "de": ["Engagements"]},
    **keywords.ALIASES,   # keyword and search-term reports: keyword, match types, search term
}
# roi.toml `columns` keys (canonical column names) -> the field names of ALIASES.
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
# (canonical metric, integer?)
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("video_views", True), ("engagements", True)]

# The filtered totals row that sums exactly the rows of the report, most specific first. Account-wide
# ("Total: Account", "Totale: account", "Total: Conta") and per-campaign-type rows ("Total: Search",
# "Total: Performance Max") are never used.
FILTERED_TOTALS = [
    "Total: Campaigns", "Totale: campagne", "Total: Campanhas", "Total: Campañas", "Total: Campagnes",
    "Gesamt: Kampagnen", "Insgesamt: Kampagnen", "Summe: Kampagnen",
    "Total: Filtered campaigns", "Totale: campagne filtrate",
    "Total: Ad groups", "Totale: gruppi di annunci", "Total: Grupos de anúncios", "Total: Grupos de anuncios",
    "Total: Groupes d'annonces", "Gesamt: Anzeigengruppen", "Insgesamt: Anzeigengruppen",
    "Total: Ads", "Totale: annunci", "Total: Anúncios", "Total: Anuncios", "Total: Annonces",
    "Gesamt: Anzeigen", "Insgesamt: Anzeigen",
    "Total: Filtered ad groups", "Total: Filtered ads",
    # keyword and search-term reports (their label sits in the 2nd or 3rd column, after the status)
    "Total: Filtered keywords", "Totale: parole chiave filtrate", "Total: Keywords", "Totale: parole chiave",
    "Total: Palavras-chave", "Total: Palabras clave", "Total: Mots clés", "Gesamt: Keywords",
    "Total: Filtered search terms", "Total: Search terms", "Totale: termini di ricerca",
    "Total: Termos de pesquisa", "Total: Términos de búsqueda", "Total: Termes de recherche",
    "Gesamt: Suchbegriffe",
    # legacy AdWords ("Total - all experiments", "Total - Search", "Total - all but removed …" are not)
    "Total - filtered", "Total - filtered campaigns", "Total - filtered ad groups", "Total - filtered ads",
    "Total - filtered keywords",
    "Total", "Totale", "Totals", "Totales", "Totaux", "Gesamt", "Insgesamt", "Summe",
]

_NO_DATES = ("no dates: the report covers '{period}' with no Day column — export it with a date range "
             "or the Day segment")


def _period_error(preamble: list[str]) -> str:
    period = preamble[1] if len(preamble) > 1 else (preamble[0] if preamble else "no date range")
    return _NO_DATES.format(period=period)


def _dates(raw: RawTable, col: dict[str, str | None], order: str,
           period: tuple[dt.date, dt.date] | None) -> tuple[pl.Expr, pl.Expr, list[pl.Expr]]:
    """(date_start, date_end, error expressions) for a daily, weekly, monthly or period report."""
    if col["day"]:
        day, error = date(col["day"], order, label="day")
        missing = pl.when(day.is_null() & error.is_null()).then(pl.lit("day: missing date"))
        return day, day, [error, missing]
    for segment, label in (("week", "week"), ("month", "month")):
        if col[segment]:
            first, error = date("_segment", order, label=label)
            if segment == "week":
                start, end = first, first + pl.duration(days=6)
            else:
                start, end = first.dt.month_start(), first.dt.month_end()
            if period:
                start = pl.max_horizontal(start, pl.lit(period[0]))
                end = pl.min_horizontal(end, pl.lit(period[1]))
            missing = pl.when(first.is_null() & error.is_null()).then(pl.lit(f"{label}: missing date"))
            return start, end, [error, missing]
    if period:
        return pl.lit(period[0], dtype=pl.Date), pl.lit(period[1], dtype=pl.Date), []
    none = pl.lit(None, dtype=pl.Date)
    return none, none, [pl.lit(_period_error(raw.preamble))]


def columns_used(header: list[str], ctx: SourceContext) -> list[str]:
    """The columns normalise reads (and the first three, where totals rows are labelled): a big
    export's other columns (CTR, Avg. CPC ...) need not be parsed."""
    col, _ = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    return header[:3] + [c for c in col.values() if c]


def choices(raw: RawTable, ctx: SourceContext) -> dict[str, str]:
    """What normalise decides from the whole export, not row by row: the decimal mark (from the
    totals and the first SAMPLE_ROWS rows) and the date order (from every distinct date cell),
    unless roi.toml sets them. A batched read (roi.pipeline.ingest) decides them on its first batch and
    checks them at the end on the first rows plus the `choice_rows` of every batch."""
    col, _ = find_export_columns(raw.header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    lang = language(raw.header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(
        pl.concat([raw.totals, raw.rows], how="diagonal_relaxed"), metric_cols, hint=decimal_hint(lang)))
    date_col = col["day"] or col["week"] or col["month"]
    order = ctx.options.get("date_order") or (
        infer_date_order(raw.rows.get_column(date_col), "mdy" if lang == "en" else "dmy") if date_col else "dmy")
    return {"decimal": decimal, "date_order": order}


def choice_rows(raw: RawTable, ctx: SourceContext) -> pl.DataFrame:
    """The cells of `raw` that `choices` reads besides the export's first rows: its distinct date cells."""
    col, _ = find_export_columns(raw.header, ALIASES, CANONICAL, ctx.columns)
    date_col = col["day"] or col["week"] or col["month"]
    if not date_col:
        return raw.rows.select([])
    return raw.rows.select(pl.col(date_col).unique(maintain_order=True))


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Google Ads report export (pure, no I/O)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Google Ads metric columns (Cost, Impr., Clicks) found — "
                         "is it a Google Ads report?")
    chosen = choices(raw, ctx)
    decimal, order = chosen["decimal"], chosen["date_order"]
    period = parse_report_period(raw.preamble)

    frame = raw.rows
    segment = col["week"] or col["month"]
    if not col["day"] and segment:   # "June 2026" -> "1 June 2026"; ISO dates stay as they are
        s = pl.col(segment).str.strip_chars()
        frame = frame.with_columns(
            pl.when(s.str.contains(r"^\D+\s*\d{4}$")).then(pl.concat_str([pl.lit("1 "), s])).otherwise(s)
            .alias("_segment"))
    start, end, errors = _dates(raw, col, order, period)
    frame = frame.with_columns(start.alias("date_start"), end.alias("date_end"))
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    frame = finish_ad_rows(frame, ctx, levels, errors)
    extra = keywords.extra_tables(frame, raw.rows, col)

    totals, totals_label = None, None
    chosen = pick(raw.totals, header, FILTERED_TOTALS)
    if chosen:
        whole = {metric for metric, integer in METRICS if integer}
        totals, totals_label = metric_totals(chosen[0], col, decimal, whole=whole), chosen[1]
    return Normalised(frame=frame, totals=totals or None, totals_label=totals_label, extra=extra)


# --- API mode (sources/google_ads.py): searchStream rows, REST field names --------------------------

# Canonical metric -> (stream column, integer?). Proto3 JSON leaves zero metrics out: a missing
# metric in a returned row is 0. Cost comes in micros of the account currency.
API_METRICS = {
    "impressions": ("metrics.impressions", True),
    "clicks": ("metrics.clicks", True),
    "spend": ("metrics.costMicros", True),
    "conversions": ("metrics.conversions", False),
    "conversion_value": ("metrics.conversionsValue", False),
    "video_views": (("metrics.videoTrueviewViews", "metrics.videoViews"), True),
    "engagements": ("metrics.engagements", True),
}
API_NAMES = {
    "account_id": "customer.id", "account_name": "customer.descriptiveName", "currency": "customer.currencyCode",
    "campaign_id": "campaign.id", "campaign_name": "campaign.name", "ad_group_id": "adGroup.id",
    "ad_group_name": "adGroup.name", "ad_id": "adGroupAd.ad.id", "ad_name": "adGroupAd.ad.name",
    "day": "segments.date",
}
API_LEVELS = ("campaign", "ad_group", "ad")   # the report's level: the deepest id column it has
# Stream columns of keyword_view and search_term_view rows -> keywords.extra_tables' fields. A search
# term's match type is its keyword's (segments.keyword.info.matchType), as the notation is in an export.
API_KEYWORD_COLUMNS = {"keyword": "adGroupCriterion.keyword.text",
                       "keyword_match_type": "adGroupCriterion.keyword.matchType"}
API_SEARCH_TERM_COLUMNS = {"search_term": "searchTermView.searchTerm", "keyword": "segments.keyword.info.text",
                           "keyword_match_type": "segments.keyword.info.matchType"}


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of Google Ads API stream rows (pure, no I/O); keyword_view and
    search_term_view rows also give their keyword_performance or search_term_performance rows in `extra`
    (the ad-group rows are summed to ad group x day at load, as a keyword export's are)."""
    searched = API_SEARCH_TERM_COLUMNS if API_SEARCH_TERM_COLUMNS["search_term"] in records.columns else (
        API_KEYWORD_COLUMNS if API_KEYWORD_COLUMNS["keyword"] in records.columns else {})
    columns = [c for c in list(API_NAMES.values()) + list(searched.values()) if c not in records.columns]
    frame = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in dict.fromkeys(columns))
    level = "ad" if "adGroupAd.ad.id" in records.columns else (
        "ad_group" if "adGroup.id" in records.columns else "campaign")

    def name(col: str) -> pl.Expr:
        return text(API_NAMES[col])

    day, day_error = date(API_NAMES["day"], "ymd", label="day")
    errors = [day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("day: missing date"))]
    currency, currency_error = currency_code(API_NAMES["currency"], ctx.default_currency)
    errors.append(currency_error)
    values = {}
    for metric, (names, integer) in API_METRICS.items():
        # video views: whichever name the API version used; none: a metric the level's query does not ask for
        col = next((c for c in ((names,) if isinstance(names, str) else names) if c in records.columns), None)
        if col is None:
            values[metric] = pl.lit(None, dtype=pl.Float64 if metric == "spend" or not integer else pl.Int64)
            continue
        value, error = number(col, ".", label=metric, integer=integer)
        value = pl.when(text(col).is_null()).then(0).otherwise(value)
        if metric == "spend":   # micros -> currency units
            value = (value.cast(pl.Float64) / 1_000_000).round(6)
        values[metric] = value.cast(pl.Int64 if integer and metric != "spend" else pl.Float64)
        errors.append(error)
    depth = API_LEVELS.index(level)
    ids = {f"{lv}_id": name(f"{lv}_id") if i <= depth else pl.lit("") for i, lv in enumerate(API_LEVELS)}
    frame = frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        day.alias("date_start"), day.alias("date_end"),
        name("account_id").alias("account_id"), name("account_name").alias("account_name"),
        ids["campaign_id"].alias("campaign_id"), name("campaign_name").alias("campaign_name"),
        ids["ad_group_id"].alias("ad_group_id"),
        (name("ad_group_name") if level != "campaign" else pl.lit(None, dtype=pl.Utf8)).alias("ad_group_name"),
        ids["ad_id"].alias("ad_id"),
        (name("ad_name") if level == "ad" else pl.lit(None, dtype=pl.Utf8)).alias("ad_name"),
        currency.alias("currency"),
        *[v.alias(m) for m, v in values.items()],
        pl.lit(None, dtype=pl.Int64).alias("reach"),
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
    )
    missing_ids = [pl.when(pl.col(c).is_null()).then(pl.lit(f"{c}: missing")) for c in ("account_id", *ids)]
    frame = frame.with_columns(error_list([pl.col(f"_e{i}") for i in range(len(errors))] + missing_ids))
    out = frame.select(*schemas.columns(TABLE), pl.col("_row").cast(pl.Int64), "_errors")
    return Normalised(frame=out, extra=keywords.extra_tables(out, frame, searched))
