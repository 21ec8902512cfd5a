"""HubSpot marketing email results (UI exports and the marketing emails API) -> canonical email_campaigns rows."""
from __future__ import annotations

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import datetime, infer_date_order
from roi.transforms.headers import Aliases, configured, decimal_hint, find_field, language
from roi.transforms.ids import stable_id
from roi.transforms.numbers import error_list, infer_decimal, number, text

TABLE = "email_campaigns"
OPTIONS: tuple[str, ...] = ()

# Canonical field -> header names of the email dashboard export, per UI language. Rates ("Open rate",
# "Click rate", "Delivered rate" …) are deliberately absent: rates are recomputed from counts.
ALIASES: Aliases = {
    "campaign_name": {"en": ["Email name", "Email", "Name", "Email title"],
                      "it": ["Nome e-mail", "Nome email", "Nome dell'e-mail", "E-mail"],
                      "pt": ["Nome do e-mail", "Nome do email"],
                      "es": ["Nombre del correo", "Nombre del correo electrónico", "Correo"],
                      "fr": ["Nom de l'e-mail", "Nom de l'email", "E-mail"],
                      "de": ["E-Mail-Name", "Name der E-Mail", "E-Mail"]},
    "campaign_id": {"en": ["Email ID", "ID"], "it": ["ID e-mail", "ID email"], "pt": ["ID do e-mail"],
                    "es": ["ID del correo", "ID de correo"], "fr": ["ID de l'e-mail"], "de": ["E-Mail-ID"]},
    "subject": {"en": ["Subject", "Subject line"], "it": ["Oggetto", "Riga dell'oggetto"], "pt": ["Assunto"],
                "es": ["Asunto", "Línea de asunto"], "fr": ["Objet", "Ligne d'objet"],
                "de": ["Betreff", "Betreffzeile"]},
    "send_time": {"en": ["Send date", "Sent date", "Date sent", "Publish date", "Published date", "Send time"],
                  "it": ["Data di invio", "Data invio", "Data di pubblicazione", "Data pubblicazione"],
                  "pt": ["Data de envio", "Data de publicação"],
                  "es": ["Fecha de envío", "Fecha de publicación"],
                  "fr": ["Date d'envoi", "Date de publication"],
                  "de": ["Sendedatum", "Versanddatum", "Veröffentlichungsdatum"]},
    "list_name": {"en": ["Lists", "List", "Recipient lists", "Sent to"], "it": ["Elenchi", "Liste", "Elenco"],
                  "pt": ["Listas"], "es": ["Listas"], "fr": ["Listes"], "de": ["Listen"]},
    "recipients": {"en": ["Sent", "Emails sent"], "it": ["Inviate", "Inviati", "E-mail inviate"],
                   "pt": ["Enviados", "Enviadas"], "es": ["Enviados", "Enviadas"], "fr": ["Envoyés", "Envoyes"],
                   "de": ["Gesendet", "Versendet"]},
    "delivered": {"en": ["Delivered"], "it": ["Consegnate", "Consegnati", "Recapitate", "Recapitati"],
                  "pt": ["Entregues"], "es": ["Entregados", "Entregadas"], "fr": ["Délivrés", "Remis"],
                  "de": ["Zugestellt"]},
    "unique_opens": {"en": ["Opened", "Opens", "Unique opens"], "it": ["Aperte", "Aperti", "Aperture"],
                     "pt": ["Abertos", "Abertas"], "es": ["Abiertos", "Abiertas", "Aperturas"],
                     "fr": ["Ouverts", "Ouvertures"], "de": ["Geöffnet", "Öffnungen"]},
    "unique_clicks": {"en": ["Clicked", "Clicks", "Unique clicks"], "it": ["Cliccate", "Cliccati", "Clic"],
                      "pt": ["Clicados", "Cliques"], "es": ["Con clics", "Clics"], "fr": ["Cliqués", "Clics"],
                      "de": ["Geklickt", "Klicks"]},
    "hard_bounces": {"en": ["Hard bounced", "Hard bounces"],
                     "it": ["Mancati recapiti permanenti", "Rimbalzi permanenti", "Hard bounce"],
                     "pt": ["Devoluções permanentes", "Rejeições permanentes"],
                     "es": ["Rebotes permanentes", "Rebotes duros"], "fr": ["Rebonds permanents", "Rebonds durs"],
                     "de": ["Hard Bounces", "Harte Bounces"]},
    "soft_bounces": {"en": ["Soft bounced", "Soft bounces"],
                     "it": ["Mancati recapiti temporanei", "Rimbalzi temporanei", "Soft bounce"],
                     "pt": ["Devoluções temporárias", "Rejeições temporárias"],
                     "es": ["Rebotes temporales", "Rebotes suaves"], "fr": ["Rebonds temporaires", "Rebonds doux"],
                     "de": ["Soft Bounces", "Weiche Bounces"]},
    "total_bounces": {"en": ["Bounced", "Bounces"], "it": ["Mancati recapiti", "Rimbalzi", "Rimbalzate"],
                      "pt": ["Devoluções", "Rejeições"], "es": ["Rebotes", "Rebotados"], "fr": ["Rebonds"],
                      "de": ["Bounces"]},
    "unsubscribes": {"en": ["Unsubscribed", "Unsubscribes"],
                     "it": ["Annullamenti iscrizione", "Annullamenti dell'iscrizione", "Disiscritti",
                            "Cancellazioni"],
                     "pt": ["Cancelamentos de inscrição", "Descadastros"],
                     "es": ["Bajas", "Cancelaciones de suscripción"],
                     "fr": ["Désabonnés", "Désabonnements"], "de": ["Abgemeldet", "Abmeldungen"]},
    "complaints": {"en": ["Spam reports", "Spam reported", "Reported as spam"],
                   "it": ["Segnalazioni di spam", "Segnalati come spam", "Segnalazioni spam"],
                   "pt": ["Denúncias de spam", "Relatórios de spam"], "es": ["Informes de spam", "Denuncias de spam"],
                   "fr": ["Signalements de spam", "Signalés comme spam"],
                   "de": ["Spam-Meldungen", "Spam-Beschwerden"]},
}
COUNTS = ["recipients", "delivered", "hard_bounces", "soft_bounces", "total_bounces", "unique_opens",
          "unique_clicks", "unsubscribes", "complaints"]
# "443 (62.93%)": a count written with its rate in the same cell.
_RATE_SUFFIX = r"\s*\(\s*[-+]?[0-9.,\s]*%\s*\)\s*$"

# The marketing emails API: stats.counters.<name> -> canonical count.
COUNTERS = {"recipients": "sent", "delivered": "delivered", "hard_bounces": "hardbounced",
            "soft_bounces": "softbounced", "total_bounces": "bounce", "unique_opens": "open",
            "unique_clicks": "click", "unsubscribes": "unsubscribed", "complaints": "spamreport"}

# Shared with the HubSpot CRM kinds (leads, orders): the properties read by default.
DEFAULT_UTM_PROPERTIES = {"utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign"}


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical email_campaigns rows of one HubSpot marketing email export (pure, no I/O).

    Counts are read, rates ignored; a count cell carrying its rate ("443 (62.9%)") keeps the count.
    """
    header = raw.header
    col = {field: find_field(header, ALIASES, field) for field in ALIASES}
    col.update({k: v for k, v in configured(header, ctx.columns).items() if k in col})
    numeric = [col[f] for f in COUNTS if col[f]]
    if raw.rows.height and not numeric:
        raise ValueError(f"{raw.path}: no HubSpot email columns (Email name, Sent, Delivered, Opened) found — "
                         "is it an export of HubSpot's marketing email dashboard?")
    rows = raw.rows.with_columns(
        pl.col(c).cast(pl.Utf8).str.replace(_RATE_SUFFIX, "").alias(c) for c in dict.fromkeys(numeric))
    lang = language(header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else
                                             infer_decimal(rows, numeric, hint=decimal_hint(lang)))
    errors: list[pl.Expr] = []
    if col["send_time"]:
        order = ctx.options.get("date_order") or infer_date_order(
            rows.get_column(col["send_time"]), "mdy" if lang == "en" else "dmy")
        send_time, error = datetime(col["send_time"], order, label="send date")
        errors += [error, pl.when(send_time.is_null() & error.is_null()).then(pl.lit("send date: missing"))]
    else:
        send_time = pl.lit(None, dtype=pl.Datetime("us"))
        errors.append(pl.lit("send date: the export has no Send date / Publish date column — export the "
                             "email dashboard again with that column"))
    values = {}
    for field in COUNTS:
        if col[field]:
            value, error = number(col[field], decimal, label=field, integer=True)
            values[field] = value
            errors.append(error)
        else:
            values[field] = pl.lit(None, dtype=pl.Int64)

    def name(field: str) -> pl.Expr:
        return text(col[field]) if col[field] else pl.lit(None, dtype=pl.Utf8)

    frame = rows.with_columns(
        name("campaign_name").alias("campaign_name"), name("subject").alias("subject"),
        name("list_name").alias("list_name"), name("campaign_id").alias("_campaign_id"),
        send_time.alias("send_time"),
        *[v.alias(k) for k, v in values.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
    )
    frame = frame.with_columns(pl.col("send_time").dt.strftime("%Y-%m-%d %H:%M:%S").alias("_send_key"))
    derived = pl.when(pl.col("campaign_name").is_not_null()).then(
        stable_id("campaign_name", "_send_key", prefix="hs_"))
    frame = frame.with_columns(pl.coalesce(pl.col("_campaign_id"), derived).alias("campaign_id"))
    frame = _finish(frame, ctx, [pl.col(f"_e{i}") for i in range(len(errors))])
    return Normalised(frame=frame)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical email_campaigns rows of marketing emails pulled with their statistics (pure, no I/O).

    One row per email (each A/B variant is its own email); the send time is publishDate (else
    publishedAt) in the reporting time zone; opens and clicks are HubSpot's unique counters."""
    frame = records
    errors: list[pl.Expr] = []
    send_time, error = hubspot_datetime(pl.coalesce(column(frame, "publishDate"), column(frame, "publishedAt")),
                                        ctx.timezone, "send time")
    errors += [error, pl.when(send_time.is_null() & error.is_null()).then(pl.lit("send time: missing publishDate"))]
    counts = {}
    for field, counter in COUNTERS.items():
        name = f"stats.counters.{counter}"
        if name in frame.columns:
            value, error = number(name, ".", label=counter, integer=True)
            counts[field] = value
            errors.append(error)
        else:
            counts[field] = pl.lit(None, pl.Int64)
    frame = frame.with_columns(
        column(frame, "id").str.strip_chars().alias("campaign_id"),
        column(frame, "name").alias("campaign_name"),
        column(frame, "subject").alias("subject"),
        pl.lit(None, pl.Utf8).alias("list_name"),
        send_time.alias("send_time"),
        *[v.alias(k) for k, v in counts.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
    )
    checks = [pl.col(f"_e{i}") for i in range(len(errors))]
    checks.append(pl.when(pl.col("campaign_id").is_null() | (pl.col("campaign_id") == ""))
                  .then(pl.lit("id: missing")))
    return Normalised(frame=_finish(frame, ctx, checks))


def _finish(frame: pl.DataFrame, ctx: SourceContext, errors: list[pl.Expr]) -> pl.DataFrame:
    """Bounce split and delivered filled in, the canonical columns, `_row` and `_errors`."""
    hard, soft, total = pl.col("hard_bounces"), pl.col("soft_bounces"), pl.col("total_bounces")
    frame = frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        pl.col("send_time").dt.date().alias("send_date"),
        # Only a total: which kind of bounce is unknown. A total and one kind: the other is the rest.
        pl.coalesce(hard, pl.when(soft.is_not_null()).then(total - soft)).alias("hard_bounces"),
        pl.coalesce(soft, pl.when(hard.is_not_null()).then(total - hard)).alias("soft_bounces"),
        pl.coalesce(pl.col("delivered"), pl.col("recipients") - pl.coalesce(hard + soft, total)).alias("delivered"),
        pl.lit(None, pl.Int64).alias("total_opens"), pl.lit(None, pl.Int64).alias("total_clicks"),
        pl.lit(None, pl.Int64).alias("orders"), pl.lit(None, pl.Float64).alias("revenue"),
        pl.lit(ctx.default_currency).alias("currency"),
    )
    frame = frame.with_columns(error_list(
        errors + [pl.when(pl.col("campaign_id").is_null()).then(pl.lit("email: missing name and id"))]))
    return frame.select(*schemas.columns(TABLE), pl.col("_row").cast(pl.Int64), "_errors")


# ---- HubSpot values shared with the CRM kinds (leads, orders) ----------------------------------

def column(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A raw HubSpot field (text; empty -> null), or nulls when no record carried it."""
    if name in frame.columns:
        s = pl.col(name).cast(pl.Utf8).str.strip_chars()
        return pl.when(s == "").then(None).otherwise(s)
    return pl.lit(None, pl.Utf8)


def hubspot_datetime(value: pl.Expr, timezone: str, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(naive local Datetime, error) from a HubSpot timestamp: ISO-8601 in UTC ('2026-06-01T22:30:00.000Z',
    '+00:00' offsets), epoch milliseconds (older APIs), or a calendar date ('2026-06-01', kept as is)."""
    s = value.cast(pl.Utf8).str.strip_chars()
    iso = s.str.replace(r"(?i)z$", "+00:00")
    utc = pl.Datetime("us", "UTC")
    instant = pl.coalesce(
        iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_zone="UTC", strict=False).cast(utc),
        iso.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%:z", time_zone="UTC", strict=False).cast(utc),
        s.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC").cast(utc),
        pl.when(s.str.contains(r"^[0-9]{12,13}$")).then(s.cast(pl.Int64, strict=False))
        .cast(pl.Datetime("ms")).dt.replace_time_zone("UTC").cast(utc),
    )
    local = instant.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    day = s.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    out = pl.coalesce(local, day)
    error = pl.when(s.is_not_null() & (s != "") & out.is_null()).then(
        pl.concat_str([pl.lit(f"{label}: '"), s, pl.lit("' is not a date")]))
    return out, error.cast(pl.Utf8)
