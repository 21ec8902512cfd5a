"""Amazon Ads console reports (Sponsored Products, Brands, Display) and Reporting API v3 rows -> ad_performance rows."""
from __future__ import annotations

import re

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, period_dates, totals_row)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import Aliases, language, names, norm
from roi.transforms.numbers import CURRENCY_MARK, currency_of_mark, mark_currencies

TABLE = "ad_performance"
OPTIONS = ()

# English names are the advertising console's report columns (Reports > Sponsored Products / Brands /
# Display: campaign, advertised product …); the Italian ones are amazon.it's; other languages best effort.
# Conversions are the report's attributed orders and sales: "7 Day" for Sponsored Products (sellers),
# "14 Day" for vendors, Sponsored Brands and Display — a report holds one window.
ALIASES: Aliases = {
    "day": {"en": ["Date", "Day"], "it": ["Data", "Giorno"], "es": ["Fecha"], "fr": ["Date", "Jour"],
            "de": ["Datum", "Tag"]},
    "starts": {"en": ["Start Date"], "it": ["Data di inizio"], "es": ["Fecha de inicio"], "fr": ["Date de début"],
               "de": ["Startdatum"]},
    "ends": {"en": ["End Date"], "it": ["Data di fine"], "es": ["Fecha de finalización", "Fecha de fin"],
             "fr": ["Date de fin"], "de": ["Enddatum"]},
    "account": {"en": ["Account name", "Account", "Advertiser"], "it": ["Nome account", "Account"]},
    "account_id": {"en": ["Profile ID", "Account ID"], "it": ["ID profilo", "ID account"]},
    "campaign": {"en": ["Campaign Name", "Campaign", "Campaigns"], "it": ["Nome campagna", "Campagna", "Campagne"],
                 "es": ["Nombre de la campaña", "Campaña"], "fr": ["Nom de la campagne", "Campagne"],
                 "de": ["Kampagnenname", "Kampagne"]},
    "campaign_id": {"en": ["Campaign ID", "Campaign Id"], "it": ["ID campagna"], "es": ["ID de la campaña"],
                    "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad Group Name", "Ad Group"], "it": ["Nome gruppo di annunci", "Gruppo di annunci"],
                 "es": ["Nombre del grupo de anuncios"], "fr": ["Nom du groupe d'annonces"],
                 "de": ["Name der Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad Group ID", "Ad Group Id"], "it": ["ID gruppo di annunci"],
                    "es": ["ID del grupo de anuncios"], "fr": ["ID du groupe d'annonces"],
                    "de": ["Anzeigengruppen-ID"]},
    # an advertised product report names its ads by SKU/ASIN; Sponsored Display calls them promoted
    "ad": {"en": ["Advertised SKU", "Advertised ASIN", "Promoted SKU", "Promoted ASIN", "Ad Name", "Ad"],
           "it": ["SKU pubblicizzato", "ASIN pubblicizzato", "SKU promosso", "ASIN promosso", "Nome annuncio"],
           "es": ["SKU anunciado", "ASIN anunciado"], "fr": ["SKU annoncé", "ASIN annoncé"],
           "de": ["Beworbene SKU", "Beworbene ASIN"]},
    "ad_id": {"en": ["Ad ID", "Ad Id"], "it": ["ID annuncio"], "es": ["ID del anuncio"], "fr": ["ID de l'annonce"],
              "de": ["Anzeigen-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "es": ["Moneda", "Divisa"], "fr": ["Devise"],
                 "de": ["Währung"]},
    "spend": {"en": ["Spend", "Cost", "Total cost"], "it": ["Spesa", "Costo"], "es": ["Gasto", "Inversión", "Coste"],
              "fr": ["Dépenses", "Coût"], "de": ["Ausgaben", "Kosten"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "es": ["Impresiones"], "fr": ["Impressions"],
                    "de": ["Impressionen", "Sichtkontakte"]},
    "clicks": {"en": ["Clicks"], "it": ["Clic"], "es": ["Clics"], "fr": ["Clics"], "de": ["Klicks"]},
    "conversions": {
        "en": [f"{n} Day Total Orders (#)" for n in (7, 14, 1, 30)] + ["Orders", "Purchases"],
        "it": [f"Totale ordini (#) {n} giorni" for n in (7, 14, 1, 30)] + [
            f"Ordini totali (#) {n} giorni" for n in (7, 14, 1, 30)] + ["Ordini"],
        "es": [f"Total de pedidos (#) de {n} días" for n in (7, 14)] + ["Pedidos"],
        "fr": [f"Total des commandes (#) sur {n} jours" for n in (7, 14)] + ["Commandes"],
        "de": [f"Gesamtzahl der Bestellungen (#) in {n} Tagen" for n in (7, 14)] + ["Bestellungen"]},
    "conversion_value": {
        "en": [f"{n} Day Total Sales" for n in (7, 14, 1, 30)] + ["Sales"],
        "it": [f"Vendite totali {n} giorni" for n in (7, 14, 1, 30)] + ["Vendite"],
        "es": [f"Ventas totales de {n} días" for n in (7, 14)] + ["Ventas"],
        "fr": [f"Ventes totales sur {n} jours" for n in (7, 14)] + ["Ventes"],
        "de": [f"Gesamtumsatz in {n} Tagen" for n in (7, 14)] + ["Umsatz"]},
}
CANONICAL = {"date_start": "starts", "date_end": "ends", "date": "day", "account_name": "account",
             "campaign_name": "campaign", "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False)]
# A currency in brackets inside a money header, as amazon.it writes it: "Vendite totali (€) 7 giorni".
_MARK_INSIDE = re.compile(rf"\s*[(\[]\s*({CURRENCY_MARK})\s*[)\]]\s*")


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one Amazon Ads console report, CSV or XLSX (pure, no I/O)."""
    header, currency_mark = _money_headers(raw.header)
    col, header_currency = find_export_columns(list(header), ALIASES, CANONICAL, ctx.columns)
    col = {field: header[name] if name in header else name for field, name in col.items()}
    header_currency = header_currency or currency_mark
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no Amazon Ads metric columns (Impressions, Clicks, Spend) found — is it an "
                         "Amazon Ads console report?")
    lang = language(list(header), ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = raw.rows
    first, last = col["day"] or col["starts"], col["day"] or col["ends"] or col["starts"]
    if first:
        order = ctx.options.get("date_order") or infer_date_order(frame.get_column(first),
                                                                  "mdy" if lang == "en" else "dmy")
        start, start_error = date(first, order, label="date" if col["day"] else "start date")
        end, end_error = date(last, order, label="end date") if last != first else (start, None)
        errors += [start_error, end_error, pl.when(start.is_null() & start_error.is_null()).then(
            pl.lit("date: missing date")), pl.when(end.is_null() & start.is_not_null()).then(
            pl.lit("date: missing end date"))]
        frame = frame.with_columns(start.alias("date_start"), end.alias("date_end"))
    else:
        frame = period_dates(frame, parse_report_period(raw.preamble), errors, "no dates: the report has neither "
                             "a Date column nor Start Date/End Date — in the console pick the Daily time unit (or "
                             "Summary) when creating the report")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = totals_row(raw, col, decimal, whole={"impressions", "clicks"})
    return Normalised(frame=out, totals=totals, totals_label=label)


def _money_headers(header: list[str]) -> tuple[dict[str, str], str | None]:
    """Each header as matched -> as written, a money header's inner currency mark taken out
    ("Vendite totali (€) 7 giorni" -> "Vendite totali 7 giorni"), and that mark's currency."""
    money = {norm(n) for field in ("spend", "conversion_value") for n in names(ALIASES, field)}
    matched: dict[str, str] = {}
    currency = None
    for name in header:
        found = _MARK_INSIDE.search(name)
        bare = _MARK_INSIDE.sub(" ", name).strip() if found else name
        if found and norm(bare) in money and mark_currencies(found.group(1)):
            currency = currency or currency_of_mark(found.group(1)) or found.group(1)
            matched.setdefault(bare, name)
        else:
            matched.setdefault(name, name)
    return matched, currency


# ---------------------------------------------------------------- API mode (roi.sources.amazon_ads.fetch)

def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of Reporting API v3 daily rows as roi.sources.amazon_ads.fetch returns them (pure).
    Sponsored Products' orders and sales are those of `attribution_window` (7d unless set); Sponsored
    Brands and Display report theirs over 14 days."""
    cells = ApiRecords(records)
    raw, read, errors = cells.text, cells.number, cells.errors
    day, day_error = date("date", "ymd", label="date") if "date" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("date: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("date: missing date"))]
    window = str(ctx.options.get("attribution_window", "7d")).lower()
    frame = cells.with_values(   # each number read with its reason, in one step
        records,
        day.alias("date_start"), day.alias("date_end"),
        raw("profileName").alias("account_name"), raw("profileId").alias("_account_id"),
        raw("campaignName").alias("campaign_name"), raw("campaignId").alias("_campaign_id"),
        raw("adGroupName").alias("ad_group_name"), raw("adGroupId").alias("_ad_group_id"),
        pl.coalesce(raw("advertisedSku"), raw("advertisedAsin"), raw("promotedSku"), raw("promotedAsin"))
        .alias("ad_name"), raw("adId").alias("_ad_id"),
        pl.coalesce(raw("currencyCode").str.to_uppercase(), pl.lit(ctx.default_currency)).alias("currency"),
        read("impressions", "impressions", True).alias("impressions"),
        read("clicks", "clicks", True).alias("clicks"),
        read("cost", "cost", False).alias("spend"),
        pl.coalesce(read(f"purchases{window}", f"purchases{window}", False),
                    read("purchases", "purchases", False)).alias("conversions"),
        pl.coalesce(read(f"sales{window}", f"sales{window}", False),
                    read("sales", "sales", False)).alias("conversion_value"),
        read("video5SecondViews", "video5SecondViews", True).alias("video_views"),
    )
    levels = {level for level, column in (("campaign", "campaignId"), ("ad_group", "adGroupId"), ("ad", "adId"))
              if column in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
