"""Meta Ads Manager exports (any UI language; campaign, ad set or ad level) -> canonical ad_performance rows."""
from __future__ import annotations

import json

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import finish_ad_rows, map_export_columns, metric_totals
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import (Aliases, configured, decimal_hint, find, find_field, find_with_currency, language,
                                names, norm)
from roi.transforms.numbers import currency_code, error_list, infer_decimal, number, text
from roi.transforms.totals import pick

TABLE = "ad_performance"
OPTIONS = ("conversion_column", "conversion_value_column", "action_types", "attribution_windows")

ALIASES: Aliases = {
    "day": {"en": ["Day", "Date"], "it": ["Giorno", "Data"], "pt": ["Dia", "Data"], "es": ["Día", "Fecha"],
            "fr": ["Jour", "Date"], "de": ["Tag", "Datum"]},
    "starts": {"en": ["Reporting starts", "Reporting start"], "it": ["Inizio dei report", "Inizio report"],
               "pt": ["Início dos relatórios"], "es": ["Inicio del informe", "Inicio de los informes"],
               "fr": ["Début des rapports"], "de": ["Berichtsbeginn", "Beginn der Berichterstellung"]},
    "ends": {"en": ["Reporting ends", "Reporting end"], "it": ["Fine dei report", "Fine report"],
             "pt": ["Término dos relatórios", "Encerramento dos relatórios", "Fim dos relatórios"],
             "es": ["Fin del informe", "Fin de los informes"], "fr": ["Fin des rapports"],
             "de": ["Berichtsende", "Ende der Berichterstellung"]},
    "account": {"en": ["Account name"], "it": ["Nome account", "Nome dell'account"], "pt": ["Nome da conta"],
                "es": ["Nombre de la cuenta"], "fr": ["Nom du compte"], "de": ["Kontoname", "Name des Kontos"]},
    "account_id": {"en": ["Account ID"], "it": ["ID account", "ID dell'account"],
                   "pt": ["Identificação da conta", "ID da conta"],
                   "es": ["Identificador de la cuenta", "ID de la cuenta"],
                   "fr": ["Identifiant du compte", "ID du compte"], "de": ["Konto-ID"]},
    "campaign": {"en": ["Campaign name", "Campaign"], "it": ["Nome della campagna", "Campagna"],
                 "pt": ["Nome da campanha", "Campanha"], "es": ["Nombre de la campaña", "Campaña"],
                 "fr": ["Nom de la campagne", "Campagne"], "de": ["Kampagnenname", "Name der Kampagne", "Kampagne"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna", "ID della campagna"],
                    "pt": ["Identificação da campanha", "ID da campanha"],
                    "es": ["Identificador de la campaña", "ID de la campaña"],
                    "fr": ["Identifiant de la campagne", "ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad set name", "Ad set"], "it": ["Nome del gruppo di inserzioni", "Gruppo di inserzioni"],
                 "pt": ["Nome do conjunto de anúncios", "Conjunto de anúncios"],
                 "es": ["Nombre del conjunto de anuncios", "Conjunto de anuncios"],
                 "fr": ["Nom de l'ensemble de publicités", "Ensemble de publicités"],
                 "de": ["Name der Anzeigengruppe", "Anzeigengruppenname", "Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad set ID"], "it": ["ID gruppo di inserzioni", "ID del gruppo di inserzioni"],
                    "pt": ["Identificação do conjunto de anúncios", "ID do conjunto de anúncios"],
                    "es": ["Identificador del conjunto de anuncios", "ID del conjunto de anuncios"],
                    "fr": ["Identifiant de l'ensemble de publicités", "ID de l'ensemble de publicités"],
                    "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad name", "Ad"], "it": ["Nome dell'inserzione", "Inserzione"], "pt": ["Nome do anúncio", "Anúncio"],
           "es": ["Nombre del anuncio", "Anuncio"], "fr": ["Nom de la publicité", "Publicité"],
           "de": ["Anzeigenname", "Name der Anzeige", "Anzeige"]},
    "ad_id": {"en": ["Ad ID"], "it": ["ID inserzione", "ID dell'inserzione"],
              "pt": ["Identificação do anúncio", "ID do anúncio"],
              "es": ["Identificador del anuncio", "ID del anuncio"],
              "fr": ["Identifiant de la publicité", "ID de la publicité"],
              "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Divisa", "Moneda"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Amount spent"], "it": ["Importo speso"], "pt": ["Valor usado", "Valor gasto", "Quantia gasta"],
              "es": ["Importe gastado", "Importe invertido"], "fr": ["Montant dépensé"],
              "de": ["Ausgegebener Betrag"]},
    "impressions": {"en": ["Impressions"], "it": ["Impression", "Impressioni"], "pt": ["Impressões"],
                    "es": ["Impresiones"], "fr": ["Impressions"], "de": ["Impressionen"]},
    "reach": {"en": ["Reach"], "it": ["Copertura"], "pt": ["Alcance"], "es": ["Alcance"], "fr": ["Couverture"],
              "de": ["Reichweite"]},
    "link_clicks": {"en": ["Link clicks"], "it": ["Clic sul link"], "pt": ["Cliques no link"],
                    "es": ["Clics en el enlace"], "fr": ["Clics sur un lien", "Clics sur le lien"],
                    "de": ["Link-Klicks"]},
    "all_clicks": {"en": ["Clicks (all)"], "it": ["Clic (tutti)"], "pt": ["Cliques (todos)"], "es": ["Clics (todos)"],
                   "fr": ["Clics (tous)"], "de": ["Klicks (alle)"]},
    "purchases": {"en": ["Purchases", "Website purchases"], "it": ["Acquisti", "Acquisti sul sito web"],
                  "pt": ["Compras", "Compras no site"], "es": ["Compras", "Compras en el sitio web"],
                  "fr": ["Achats", "Achats sur le site web"], "de": ["Käufe", "Website-Käufe"]},
    "results": {"en": ["Results"], "it": ["Risultati"], "pt": ["Resultados"], "es": ["Resultados"],
                "fr": ["Résultats"], "de": ["Ergebnisse"]},
    "leads": {"en": ["Leads"], "it": ["Contatti", "Lead"], "pt": ["Leads", "Cadastros"],
              "es": ["Clientes potenciales"], "fr": ["Prospects"], "de": ["Leads"]},
    "purchases_value": {"en": ["Purchases conversion value", "Website purchases conversion value"],
                        "it": ["Valore di conversione degli acquisti", "Valore di conversione acquisti"],
                        "pt": ["Valor de conversão da compra", "Valor de conversão das compras"],
                        "es": ["Valor de conversión de compras", "Valor de conversión de las compras"],
                        "fr": ["Valeur de conversion des achats"], "de": ["Conversion-Wert für Käufe"]},
    "results_value": {"en": ["Results value", "Result value"], "it": ["Valore dei risultati"],
                      "pt": ["Valor dos resultados"], "es": ["Valor de los resultados"],
                      "fr": ["Valeur des résultats"], "de": ["Ergebniswert"]},
    "video_views": {"en": ["3-second video plays", "3-second video views", "Video plays", "ThruPlays"],
                    "it": ["Riproduzioni del video di 3 secondi", "Riproduzioni del video", "ThruPlay"],
                    "pt": ["Reproduções de vídeo de 3 segundos", "Reproduções do vídeo", "ThruPlays"],
                    "es": ["Reproducciones de video de 3 segundos", "Reproducciones de vídeo de 3 segundos",
                           "Reproducciones del video", "ThruPlays"],
                    "fr": ["Lectures de vidéo de 3 secondes", "Lectures de la vidéo", "ThruPlays"],
                    "de": ["3-Sekunden-Videowiedergaben", "Videowiedergaben", "ThruPlays"]},
    "engagements": {"en": ["Post engagement", "Post engagements"], "it": ["Interazioni con il post"],
                    "pt": ["Engajamento com a publicação", "Envolvimento com a publicação"],
                    "es": ["Interacción con la publicación"], "fr": ["Interactions avec la publication"],
                    "de": ["Beitragsinteraktionen"]},
}
# Which value column goes with which conversion column.
_VALUE_OF = {"purchases": "purchases_value", "results": "results_value", "leads": None}
_INTEGER = {"impressions": True, "reach": True, "clicks": True, "spend": False, "conversions": False,
            "conversion_value": False, "video_views": True, "engagements": True}
# roi.toml `columns` keys (canonical column names) -> the field names used here.
CANONICAL = {"date_start": "starts", "date_end": "ends", "date": "day", "account_name": "account",
             "campaign_name": "campaign", "ad_group_name": "ad_group", "ad_name": "ad"}
_ENTITY_FIELDS = ("campaign", "campaign_id", "ad_group", "ad_group_id", "ad", "ad_id")
TOTALS_LABELS = ["Total", "Totale", "Totals", "Totales", "Totaux", "Gesamt", "Insgesamt", "Summe"]


def _names_nothing(rows: pl.DataFrame, entity: list[str]) -> bool:
    """Whether the first row names no campaign, ad set or ad (as Ads Manager's summary row)."""
    return rows.height > 0 and bool(entity) and \
        rows.head(1).select(pl.all_horizontal([text(c).is_null() for c in entity])).item()


def _is_summary_row(rows: pl.DataFrame, entity: list[str], sources: dict[str, str | None], decimal: str) -> bool:
    """Ads Manager's optional summary row: a first row naming no campaign, ad set or ad whose spend
    (or impressions) equals the sum of the rows below it."""
    if rows.height < 2 or not _names_nothing(rows, entity):
        return False
    for metric in ("spend", "impressions"):
        if sources[metric]:
            value, _ = number(sources[metric], decimal, label=metric)
            first = rows.head(1).select(value).item()
            rest = rows.slice(1).select(value.sum()).item()
            return first is not None and abs(first - (rest or 0.0)) <= 0.005 * rows.height
    return False


def _conversion_columns(header: list[str], col: dict[str, str | None], options: dict) -> tuple[str | None, str | None]:
    """(conversions column, conversion value column): the configured `conversion_column` (and
    `conversion_value_column`), else the first present of Purchases / Results / Leads."""
    configured = options.get("conversion_column")
    if configured:
        conv = find(header, [configured])
        value = find(header, [options["conversion_value_column"]]) if options.get("conversion_value_column") else None
        if conv and value is None:
            family = next((f for f in _VALUE_OF if norm(conv) in {norm(n) for n in names(ALIASES, f)}), None)
            value = col.get(_VALUE_OF[family]) if family and _VALUE_OF[family] else None
        return conv, value
    for family, value_field in _VALUE_OF.items():
        if col[family]:
            return col[family], col[value_field] if value_field else None
    return None, None


def _columns(header: list[str], ctx: SourceContext) -> tuple[dict[str, str | None], dict[str, str | None], str | None]:
    """(field -> export column, canonical metric -> export column, the currency in the spend header)."""
    col = {field: find_field(header, ALIASES, field) for field in ALIASES}
    overrides = configured(header, ctx.columns, CANONICAL)
    col.update({k: v for k, v in overrides.items() if k in col})
    spend = find_with_currency(header, names(ALIASES, "spend"), ambiguous=True)
    conversions_col, value_col = _conversion_columns(header, col, ctx.options)
    sources = {
        "impressions": col["impressions"], "reach": col["reach"],
        "clicks": col["link_clicks"] or col["all_clicks"], "spend": spend[0] if spend else None,
        "conversions": conversions_col, "conversion_value": value_col,
        "video_views": col["video_views"], "engagements": col["engagements"],
    }
    sources.update({k: v for k, v in overrides.items() if k in sources})
    return col, sources, spend[1] if spend else None


def _date_columns(col: dict[str, str | None]) -> tuple[str | None, str | None]:
    """(first day, last day) columns: Day twice, or Reporting starts and ends; (None, None) without."""
    if col["day"] or (col["starts"] and col["ends"]):
        return col["day"] or col["starts"], col["day"] or col["ends"]
    return None, None


def _entity(col: dict[str, str | None]) -> list[str]:
    return [col[f] for f in _ENTITY_FIELDS if col[f]]


def columns_used(header: list[str], ctx: SourceContext) -> list[str]:
    """The columns normalise reads (and the first three, where totals rows are labelled): a big
    export's other columns (Frequency, cost per result ...) need not be parsed."""
    col, sources, _ = _columns(header, ctx)
    return header[:3] + [c for c in [*col.values(), *sources.values()] if c]


def choices(raw: RawTable, ctx: SourceContext) -> dict[str, str]:
    """What normalise decides from the whole export, not row by row: the decimal mark (from the
    first SAMPLE_ROWS rows) and the date order (from every distinct date cell), unless roi.toml
    sets them, and whether the first row is Ads Manager's summary row (its spend checked against
    the sum of every row below it). A batched read (roi.pipeline.ingest) takes them from its first batch
    when `batchable` says that batch can decide, and checks them at the end on the first rows plus
    the `choice_rows` of every batch."""
    col, sources, _ = _columns(raw.header, ctx)
    lang = language(raw.header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(
        raw.rows, [c for c in sources.values() if c], hint=decimal_hint(lang)))
    summary = ctx.options.get("summary_row") or (
        "yes" if _is_summary_row(raw.rows, _entity(col), sources, decimal) else "no")
    rows = raw.rows.slice(1) if summary == "yes" else raw.rows
    first_col, last_col = _date_columns(col)
    order = ctx.options.get("date_order") or (infer_date_order(
        pl.concat([rows.get_column(first_col), rows.get_column(last_col)]), "mdy" if lang == "en" else "dmy")
        if first_col else "dmy")
    return {"decimal": decimal, "date_order": order, "summary_row": summary}


def batchable(raw: RawTable, ctx: SourceContext) -> bool:
    """Whether the first batch of an export can take `choices` for the whole: not when its first row
    names no campaign, ad set or ad (a summary row is known by the sum of every row below it)."""
    col, _, _ = _columns(raw.header, ctx)
    return not _names_nothing(raw.rows, _entity(col))


def choice_rows(raw: RawTable, ctx: SourceContext) -> pl.DataFrame:
    """The cells of `raw` that `choices` reads besides the export's first rows: its distinct date
    cells (a Reporting starts/ends export's both columns, in the first)."""
    col, _, _ = _columns(raw.header, ctx)
    first_col, last_col = _date_columns(col)
    if not first_col:
        return raw.rows.select([])
    cells = pl.concat([raw.rows.get_column(first_col), raw.rows.get_column(last_col)])
    return pl.DataFrame({first_col: cells.unique(maintain_order=True)})


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Meta Ads Manager export (pure, no I/O)."""
    header = raw.header
    col, sources, header_currency = _columns(header, ctx)
    metric_cols = [c for c in sources.values() if c]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Meta Ads metric columns (Amount spent, Impressions) found — "
                         "is it a Meta Ads Manager export?")
    chosen = choices(raw, ctx)
    decimal, order = chosen["decimal"], chosen["date_order"]
    rows, totals_frame, totals_label = raw.rows, None, None
    if chosen["summary_row"] == "yes":
        rows, totals_frame, totals_label = rows.slice(1), rows.head(1), "Summary row"
    else:
        chosen_totals = pick(raw.totals, header, TOTALS_LABELS)
        if chosen_totals:
            totals_frame, totals_label = chosen_totals

    errors: list[pl.Expr] = []
    first_col, last_col = _date_columns(col)
    if first_col:
        start, start_error = date(first_col, order, label="day" if col["day"] else "reporting starts")
        end, end_error = date(last_col, order, label="day" if col["day"] else "reporting ends")
        errors += [start_error, end_error if not col["day"] else None,
                   pl.when(start.is_null() & start_error.is_null()).then(pl.lit("date: missing date")),
                   pl.when(end.is_null() & end_error.is_null() & start.is_not_null())
                   .then(pl.lit("date: missing end date"))]
    else:
        period = parse_report_period(raw.preamble)
        start = end = pl.lit(None, dtype=pl.Date)
        if period:
            start, end = pl.lit(period[0], dtype=pl.Date), pl.lit(period[1], dtype=pl.Date)
        else:
            errors.append(pl.lit("no dates: the export has neither a Day column nor Reporting starts/ends — "
                                 "export it again with the Day breakdown or the reporting dates"))

    frame = rows.with_columns(start.alias("date_start"), end.alias("date_end"))
    # Metrics are read from `sources`, not from the fields' own columns (clicks: link clicks, else all
    # clicks; conversions and their value: the export's result type).
    metrics = [(metric, _INTEGER[metric]) for metric in sources]
    frame, levels = map_export_columns(frame, {**col, **sources}, metrics, decimal, errors, ctx,
                                       header=header_currency)
    frame = finish_ad_rows(frame, ctx, levels, errors)

    totals = None
    if totals_frame is not None and totals_frame.height:
        totals = metric_totals(totals_frame, sources, decimal, whole={m for m, integer in _INTEGER.items() if integer})
    return Normalised(frame=frame, totals=totals or None, totals_label=totals_label if totals else None)


# --- API mode (sources/meta_ads.py): insights records, Graph API field names -------------------------

# The purchase action types, most specific first: per row the first one present is THE conversion
# count (they are aliases of one event, so they are never added up). roi.toml `action_types` overrides.
DEFAULT_ACTION_TYPES = ("offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase")
# Canonical metric -> (insights field, integer?). A count missing from a record is 0; reach stays unknown.
API_METRICS = {"impressions": ("impressions", True), "clicks": ("inline_link_clicks", True),
               "spend": ("spend", False), "reach": ("reach", True), "engagements": ("inline_post_engagement", True)}
API_TEXT = ("account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id",
            "adset_name", "ad_id", "ad_name", "date_start", "date_stop", "actions", "action_values",
            "video_play_actions")


def _action_number(entry: dict, windows: list[str]) -> object:
    """An action's count/value: under the configured attribution windows (nested click windows and
    nested view windows each counted once: the widest; clicks + views), else its `value`."""
    present = [w for w in windows if entry.get(w) is not None]
    if not present:
        return entry.get("value")
    total = 0.0
    for kind in ("click", "view"):
        values = [float(entry[w]) for w in present if kind in w]
        total += max(values) if values else 0.0
    other = [float(entry[w]) for w in present if "click" not in w and "view" not in w]
    return total + (max(other) if other else 0.0)


def _actions(actions: str | None, values: str | None, plays: str | None, types: list[str],
             windows: list[str]) -> tuple[float, float, int | None, list[str]]:
    """(conversions, conversion value, video views, errors) of one insights record."""
    errors: list[str] = []

    def entries(text_: str | None, label: str) -> dict[str, dict]:
        if text_ is None:
            return {}
        try:
            data = json.loads(text_)
        except ValueError:
            errors.append(f"{label}: not valid JSON")
            return {}
        if not isinstance(data, list):
            errors.append(f"{label}: not a list of actions")
            return {}
        return {str(e.get("action_type")): e for e in data if isinstance(e, dict)}

    def num(entry: dict | None, label: str, use_windows: bool = True) -> float | None:
        if entry is None:
            return None
        try:
            raw = _action_number(entry, windows if use_windows else [])
            return float(raw) if raw is not None else None
        except (TypeError, ValueError):
            errors.append(f"{label}: '{entry.get('value')}' is not a number")
            return None

    counted, valued = entries(actions, "actions"), entries(values, "action_values")
    chosen = next((t for t in types if t in counted), None) or next((t for t in types if t in valued), None)
    conversions = num(counted.get(chosen), "conversions") if chosen else None
    value = num(valued.get(chosen), "conversion_value") if chosen else None
    video = num(counted.get("video_view"), "video_views", False)
    if video is None:
        video = num(entries(plays, "video_play_actions").get("video_view"), "video_views", False)
    return conversions or 0.0, value or 0.0, None if video is None else int(round(video)), errors


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of Meta insights records (level=ad, one day each; pure, no I/O)."""
    types = ctx.options.get("action_types") or DEFAULT_ACTION_TYPES
    types = [types] if isinstance(types, str) else [str(t) for t in types]
    windows = ctx.options.get("attribution_windows") or []
    windows = [windows] if isinstance(windows, str) else [str(w) for w in windows]
    missing = [c for c in dict.fromkeys(API_TEXT + tuple(f for f, _ in API_METRICS.values()))
               if c not in records.columns]
    frame = records.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)

    picked = [_actions(a, v, p, types, windows) for a, v, p in
              frame.select("actions", "action_values", "video_play_actions").iter_rows()]
    frame = frame.with_columns(
        pl.Series("_conversions", [p[0] for p in picked], dtype=pl.Float64),
        pl.Series("_conversion_value", [p[1] for p in picked], dtype=pl.Float64),
        pl.Series("_video_views", [p[2] for p in picked], dtype=pl.Int64),
        pl.Series("_e_actions", [p[3] for p in picked], dtype=pl.List(pl.Utf8)),
    )
    start, start_error = date("date_start", "ymd", label="date_start")
    end, end_error = date("date_stop", "ymd", label="date_stop")
    errors = [start_error, end_error,
              pl.when(start.is_null() & start_error.is_null()).then(pl.lit("date_start: missing date")),
              pl.when(end.is_null() & end_error.is_null()).then(pl.lit("date_stop: missing date"))]
    currency, currency_error = currency_code("account_currency", ctx.default_currency)
    errors.append(currency_error)
    values = {}
    for metric, (col, integer) in API_METRICS.items():
        value, error = number(col, ".", label=metric, integer=integer)
        values[metric] = value if metric == "reach" else pl.when(text(col).is_null()).then(0).otherwise(value) \
            .cast(pl.Int64 if integer else pl.Float64)
        errors.append(error)
    ids = {"account_id": "account_id", "campaign_id": "campaign_id", "ad_group_id": "adset_id", "ad_id": "ad_id"}
    frame = frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        start.alias("date_start"), end.alias("date_end"),
        *[text(api).alias(col) for col, api in ids.items()],
        text("account_name").alias("account_name"), text("campaign_name").alias("campaign_name"),
        text("adset_name").alias("ad_group_name"), text("ad_name").alias("ad_name"),
        currency.alias("currency"),
        *[v.alias(m) for m, v in values.items()],
        pl.col("_conversions").alias("conversions"), pl.col("_conversion_value").alias("conversion_value"),
        pl.col("_video_views").alias("video_views"),
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
    )
    missing_ids = [pl.when(pl.col(c).is_null()).then(pl.lit(f"{c}: missing")) for c in ids]
    frame = frame.with_columns(pl.concat_list(
        error_list([pl.col(f"_e{i}") for i in range(len(errors))] + missing_ids), pl.col("_e_actions")
    ).alias("_errors"))
    frame = frame.select(*schemas.columns(TABLE), pl.col("_row").cast(pl.Int64), "_errors")
    return Normalised(frame=frame)
