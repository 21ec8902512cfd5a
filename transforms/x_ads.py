"""X (Twitter) Ads Manager exports and Ads API analytics rows -> canonical ad_performance rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import (ApiRecords, export_decimal, find_export_columns, finish_ad_rows,
                                      map_export_columns, metric_totals, period_dates)
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order, parse_report_period
from roi.transforms.headers import Aliases, language
from roi.transforms.totals import label_of

TABLE = "ad_performance"
OPTIONS = ("conversion_metric", "attribution")

# English names are Ads Manager's export columns, today's ("Ad group", "Post") and Twitter's older ones
# ("Line item", "Tweet", "Billed charge"); other languages are best effort.
ALIASES: Aliases = {
    "day": {"en": ["Time period", "Date", "Day", "Time"], "it": ["Periodo di tempo", "Periodo", "Data", "Giorno"],
            "pt": ["Período", "Data", "Dia"], "es": ["Período de tiempo", "Periodo", "Fecha", "Día"],
            "fr": ["Période", "Date", "Jour"], "de": ["Zeitraum", "Datum", "Tag"]},
    "account": {"en": ["Account name", "Ad account name", "Account"], "it": ["Nome account"],
                "pt": ["Nome da conta"], "es": ["Nombre de la cuenta"], "fr": ["Nom du compte"],
                "de": ["Kontoname"]},
    "account_id": {"en": ["Account ID", "Ad account ID"], "it": ["ID account"], "pt": ["ID da conta"],
                   "es": ["ID de la cuenta"], "fr": ["ID du compte"], "de": ["Konto-ID"]},
    "campaign": {"en": ["Campaign name", "Campaign"], "it": ["Nome campagna", "Campagna"],
                 "pt": ["Nome da campanha", "Campanha"], "es": ["Nombre de la campaña", "Campaña"],
                 "fr": ["Nom de la campagne", "Campagne"], "de": ["Kampagnenname", "Kampagne"]},
    "campaign_id": {"en": ["Campaign ID"], "it": ["ID campagna"], "pt": ["ID da campanha"],
                    "es": ["ID de la campaña"], "fr": ["ID de la campagne"], "de": ["Kampagnen-ID"]},
    "ad_group": {"en": ["Ad group name", "Ad group", "Line item name", "Line item"],
                 "it": ["Nome gruppo di annunci", "Gruppo di annunci"],
                 "pt": ["Nome do grupo de anúncios", "Grupo de anúncios"],
                 "es": ["Nombre del grupo de anuncios", "Grupo de anuncios"],
                 "fr": ["Nom du groupe d'annonces", "Groupe d'annonces"],
                 "de": ["Name der Anzeigengruppe", "Anzeigengruppe"]},
    "ad_group_id": {"en": ["Ad group ID", "Line item ID"], "it": ["ID gruppo di annunci"],
                    "pt": ["ID do grupo de anúncios"], "es": ["ID del grupo de anuncios"],
                    "fr": ["ID du groupe d'annonces"], "de": ["Anzeigengruppen-ID"]},
    "ad": {"en": ["Ad name", "Ad", "Post text", "Tweet text", "Promoted Tweet"],
           "it": ["Nome annuncio", "Annuncio", "Testo del post"], "pt": ["Nome do anúncio", "Texto do post"],
           "es": ["Nombre del anuncio", "Anuncio", "Texto del post"], "fr": ["Nom de l'annonce", "Texte du post"],
           "de": ["Anzeigenname", "Post-Text"]},
    "ad_id": {"en": ["Ad ID", "Post ID", "Tweet ID", "Promoted Tweet ID"], "it": ["ID annuncio", "ID del post"],
              "pt": ["ID do anúncio", "ID do post"], "es": ["ID del anuncio", "ID del post"],
              "fr": ["ID de l'annonce", "ID du post"], "de": ["Anzeigen-ID", "Post-ID"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "pt": ["Moeda"], "es": ["Moneda", "Divisa"],
                 "fr": ["Devise"], "de": ["Währung"]},
    "spend": {"en": ["Spend", "Billed charge", "Total spend"], "it": ["Spesa", "Addebito fatturato"],
              "pt": ["Gasto", "Valor gasto"], "es": ["Gasto", "Cargo facturado"],
              "fr": ["Dépenses", "Montant facturé"], "de": ["Ausgaben", "Abgerechnete Kosten"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "pt": ["Impressões"], "es": ["Impresiones"],
                    "fr": ["Impressions"], "de": ["Impressionen"]},
    "clicks": {"en": ["Link clicks", "Url clicks", "Clicks"], "it": ["Clic sul link", "Clic"],
               "pt": ["Cliques no link", "Cliques"], "es": ["Clics en el enlace", "Clics"],
               "fr": ["Clics sur le lien", "Clics"], "de": ["Link-Klicks", "Klicks"]},
    "conversions": {"en": ["Purchases", "Conversions"], "it": ["Acquisti", "Conversioni"],
                    "pt": ["Compras", "Conversões"], "es": ["Compras", "Conversiones"],
                    "fr": ["Achats", "Conversions"], "de": ["Käufe", "Conversions"]},
    "conversion_value": {"en": ["Purchases - sale amount", "Purchase sale amount", "Sale amount"],
                         "it": ["Acquisti - importo della vendita", "Importo della vendita"],
                         "pt": ["Compras - valor da venda", "Valor da venda"],
                         "es": ["Compras - importe de la venta", "Importe de la venta"],
                         "fr": ["Achats - montant de la vente", "Montant de la vente"],
                         "de": ["Käufe - Verkaufsbetrag", "Verkaufsbetrag"]},
    "video_views": {"en": ["Video views", "Video total views"], "it": ["Visualizzazioni video"],
                    "pt": ["Visualizações de vídeo"], "es": ["Reproducciones de video", "Visualizaciones de video"],
                    "fr": ["Vues de vidéo", "Vues de la vidéo"], "de": ["Videoaufrufe"]},
    "engagements": {"en": ["Engagements", "Post engagements", "Tweet engagements"], "it": ["Interazioni"],
                    "pt": ["Engajamentos"], "es": ["Interacciones"], "fr": ["Engagements", "Interactions"],
                    "de": ["Interaktionen"]},
}
CANONICAL = {"date_start": "day", "date": "day", "account_name": "account", "campaign_name": "campaign",
             "ad_group_name": "ad_group", "ad_name": "ad"}
METRICS = [("impressions", True), ("clicks", True), ("spend", False), ("conversions", False),
           ("conversion_value", False), ("video_views", True), ("engagements", True)]
# A whole-period export writes its range in the date column: "2026-06-01 - 2026-06-07", "01/06/2026 – 07/06/2026".
_RANGE = r"^\s*(.+?)\s+(?:-|–|—|to|a|al|au|bis)\s+(.+?)\s*$"

# API mode: the conversion event (`conversion_metric`) and which of its conversions count (`attribution`).
API_CONVERSIONS = ("conversion_purchases", "conversion_sign_ups", "conversion_site_visits", "conversion_downloads",
                   "conversion_custom")
API_ATTRIBUTION = {"all": ("metric", "sale_amount"), "post_engagement": ("post_engagement", "sale_amount_engagement"),
                   "post_view": ("post_view", "sale_amount_view")}
MICRO = 1_000_000     # billed_charge_local_micro and sale amounts are millionths of the account's currency


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical ad_performance rows of one X Ads Manager export, CSV or XLSX, daily or whole-period (pure)."""
    header = raw.header
    col, header_currency = find_export_columns(header, ALIASES, CANONICAL, ctx.columns)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    if raw.rows.height and not metric_cols:
        raise ValueError(f"{raw.path}: no X Ads metric columns (Spend, Impressions, Link clicks) found — is it an "
                         "X Ads Manager export?")
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    errors: list[pl.Expr] = []
    frame = raw.rows
    if col["day"]:
        frame = frame.with_columns(
            pl.col(col["day"]).cast(pl.Utf8).str.extract(_RANGE, 1).alias("_from"),
            pl.col(col["day"]).cast(pl.Utf8).str.extract(_RANGE, 2).alias("_to"))
        frame = frame.with_columns(pl.coalesce("_from", col["day"]).alias("_from"),
                                   pl.coalesce("_to", col["day"]).alias("_to"))
        order = ctx.options.get("date_order") or infer_date_order(
            pl.concat([frame["_from"], frame["_to"]]).drop_nulls(), "mdy" if lang == "en" else "dmy")
        start, start_error = date("_from", order, label="date")
        end, end_error = date("_to", order, label="date")
        ranged = pl.col(col["day"]).cast(pl.Utf8).str.contains(_RANGE).fill_null(False)
        errors += [start_error, pl.when(ranged).then(end_error),        # a single day's cell is read twice
                   pl.when(start.is_null() & start_error.is_null()).then(pl.lit("date: missing date"))]
        frame = frame.with_columns(start.alias("date_start"), end.alias("date_end"))
    else:
        frame = period_dates(frame, parse_report_period(raw.preamble), errors, "no dates: the export has no Time "
                             "period column — in Ads Manager export with a daily breakdown, or a whole period")
    frame, levels = map_export_columns(frame, col, METRICS, decimal, errors, ctx, header=header_currency)
    out = finish_ad_rows(frame, ctx, levels, errors)
    totals, label = None, None
    if raw.totals.height:
        first = raw.totals.head(1)
        totals = metric_totals(first, col, decimal, whole={"impressions", "clicks"})
        label = label_of(first, header)[0] if header else None
    return Normalised(frame=out, totals=totals or None, totals_label=label if totals else None)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of the stats rows roi.sources.x_ads.fetch returns (pure): spend and sale amounts from
    micro-currency, clicks = url_clicks (link clicks), conversions of the chosen event and attribution."""
    # The API's names prefixed: "impressions" read into "impressions" would lose its cells' error reasons.
    records = records.rename({c: f"api.{c}" for c in records.columns if c != "_row"})
    cells = ApiRecords(records)
    errors = cells.errors

    def raw(name: str) -> pl.Expr:
        return cells.text(f"api.{name}")

    def read(name: str, integer: bool) -> pl.Expr:
        return cells.number(f"api.{name}", name, integer)

    event = str(ctx.options.get("conversion_metric", "conversion_purchases"))
    attribution = str(ctx.options.get("attribution", "all"))
    if event not in API_CONVERSIONS:
        raise ValueError(f"{ctx.source}: conversion_metric must be one of {', '.join(API_CONVERSIONS)}, not {event!r}")
    if attribution not in API_ATTRIBUTION:
        raise ValueError(f"{ctx.source}: attribution must be \"all\", \"post_engagement\" or \"post_view\", "
                         f"not {attribution!r}")
    count, amount = (f"{event}_{part}" for part in API_ATTRIBUTION[attribution])
    day, day_error = date("api.date", "ymd", label="date") if "api.date" in records.columns \
        else (pl.lit(None, dtype=pl.Date), pl.lit("date: missing"))
    errors += [day_error, pl.when(day.is_null()).then(pl.lit("date: missing date"))]
    code = raw("currency").str.to_uppercase()
    frame = records.with_columns(
        day.alias("date_start"), day.alias("date_end"),
        raw("account_name").alias("account_name"), raw("account_id").alias("_account_id"),
        raw("campaign_name").alias("campaign_name"), raw("campaign_id").alias("_campaign_id"),
        raw("line_item_name").alias("ad_group_name"), raw("line_item_id").alias("_ad_group_id"),
        raw("tweet_id").alias("ad_name"), raw("promoted_tweet_id").alias("_ad_id"),
        pl.coalesce(code, pl.lit(ctx.default_currency)).alias("currency"),
        read("impressions", True).alias("impressions"),
        read("url_clicks", True).alias("clicks"),
        (read("billed_charge_local_micro", True) / MICRO).alias("spend"),
        read(count, False).alias("conversions"),
        (read(amount, False) / MICRO).alias("conversion_value"),
        read("video_total_views", True).alias("video_views"),
        read("engagements", True).alias("engagements"),
    )
    levels = {level for level, column in (("campaign", "campaign_id"), ("ad_group", "line_item_id"),
                                           ("ad", "promoted_tweet_id")) if f"api.{column}" in records.columns}
    return Normalised(frame=finish_ad_rows(frame, ctx, levels, errors))
