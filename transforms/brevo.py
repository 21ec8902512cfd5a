"""Brevo email campaign exports (any UI language) and API records -> canonical email_campaigns rows."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import infer_date_order
from roi.transforms.headers import Aliases, configured, decimal_hint, find_field, find_with_currency, language, names
from roi.transforms.mailchimp import (api_number, api_send_time, api_text, email_rows, export_rows)
from roi.transforms.numbers import infer_decimal

TABLE = "email_campaigns"
OPTIONS = ()

# Canonical field -> header names per UI language of Brevo's campaign statistics export. Rates
# ("Open rate", "Taux d'ouverture" ...) are deliberately absent: KPIs are recomputed from counts.
# "Opens" / "Clicks" alone are totals; the unique counts say so ("Unique opens").
ALIASES: Aliases = {
    "campaign_id": {"en": ["Campaign ID", "Campaign Id", "ID"], "it": ["ID campagna", "ID della campagna"],
                    "fr": ["ID de la campagne", "ID campagne"], "es": ["ID de la campaña"],
                    "de": ["Kampagnen-ID"], "pt": ["ID da campanha"]},
    "campaign_name": {"en": ["Campaign name", "Campaign", "Name"], "it": ["Nome della campagna", "Nome campagna",
                                                                         "Campagna"],
                      "fr": ["Nom de la campagne", "Campagne"], "es": ["Nombre de la campaña", "Campaña"],
                      "de": ["Kampagnenname", "Name der Kampagne", "Kampagne"],
                      "pt": ["Nome da campanha", "Campanha"]},
    "subject": {"en": ["Subject", "Subject line"], "it": ["Oggetto"], "fr": ["Objet"], "es": ["Asunto"],
                "de": ["Betreff"], "pt": ["Assunto"]},
    "list_name": {"en": ["Lists", "List", "Recipients lists"], "it": ["Liste", "Lista"], "fr": ["Listes", "Liste"],
                  "es": ["Listas", "Lista"], "de": ["Listen", "Liste"], "pt": ["Listas", "Lista"]},
    "send_time": {"en": ["Sent date", "Send date", "Sent on", "Date sent", "Date"],
                  "it": ["Data di invio", "Data invio", "Inviata il", "Data"],
                  "fr": ["Date d'envoi", "Envoyée le", "Date"], "es": ["Fecha de envío", "Enviada el", "Fecha"],
                  "de": ["Versanddatum", "Gesendet am", "Datum"], "pt": ["Data de envio", "Enviada em", "Data"]},
    "recipients": {"en": ["Sent", "Recipients", "Emails sent"], "it": ["Inviate", "Inviati", "Destinatari"],
                   "fr": ["Envoyés", "Envoyées", "Destinataires"], "es": ["Enviados", "Destinatarios"],
                   "de": ["Gesendet", "Versendet", "Empfänger"], "pt": ["Enviados", "Destinatários"]},
    "delivered": {"en": ["Delivered"], "it": ["Consegnate", "Consegnati", "Recapitate"],
                  "fr": ["Délivrés", "Délivrées", "Livrés"], "es": ["Entregados"], "de": ["Zugestellt"],
                  "pt": ["Entregues"]},
    "unique_opens": {"en": ["Unique opens", "Unique openers", "Openers"],
                     "it": ["Aperture uniche", "Aperture univoche"], "fr": ["Ouvertures uniques", "Ouvreurs"],
                     "es": ["Aperturas únicas"], "de": ["Eindeutige Öffnungen", "Unique Öffnungen"],
                     "pt": ["Aberturas únicas"]},
    "total_opens": {"en": ["Opens", "Total opens"], "it": ["Aperture", "Aperture totali"],
                    "fr": ["Ouvertures", "Ouvertures totales"], "es": ["Aperturas", "Aperturas totales"],
                    "de": ["Öffnungen", "Öffnungen gesamt"], "pt": ["Aberturas", "Aberturas totais"]},
    "unique_clicks": {"en": ["Unique clicks", "Clickers"], "it": ["Clic unici", "Clic univoci"],
                      "fr": ["Clics uniques", "Cliqueurs"], "es": ["Clics únicos"], "de": ["Eindeutige Klicks"],
                      "pt": ["Cliques únicos"]},
    "total_clicks": {"en": ["Clicks", "Total clicks"], "it": ["Clic", "Clic totali"], "fr": ["Clics", "Clics totaux"],
                     "es": ["Clics", "Clics totales"], "de": ["Klicks", "Klicks gesamt"],
                     "pt": ["Cliques", "Cliques totais"]},
    "unsubscribes": {"en": ["Unsubscribed", "Unsubscriptions", "Unsubscribes"],
                     "it": ["Disiscrizioni", "Disiscritti", "Annullamenti iscrizione"],
                     "fr": ["Désinscriptions", "Désinscrits"], "es": ["Bajas", "Cancelaciones de suscripción"],
                     "de": ["Abmeldungen"], "pt": ["Descadastros", "Cancelamentos de inscrição"]},
    "hard_bounces": {"en": ["Hard bounces", "Hard bounce"], "it": ["Hard bounce", "Mancati recapiti permanenti"],
                     "fr": ["Hard bounces", "Hard bounce"], "es": ["Rebotes duros", "Hard bounces"],
                     "de": ["Hard Bounces", "Harte Bounces"], "pt": ["Hard bounces", "Devoluções permanentes"]},
    "soft_bounces": {"en": ["Soft bounces", "Soft bounce"], "it": ["Soft bounce", "Mancati recapiti temporanei"],
                     "fr": ["Soft bounces", "Soft bounce"], "es": ["Rebotes suaves", "Soft bounces"],
                     "de": ["Soft Bounces", "Weiche Bounces"], "pt": ["Soft bounces", "Devoluções temporárias"]},
    "total_bounces": {"en": ["Bounces"], "it": ["Bounce", "Mancati recapiti"], "fr": ["Bounces", "Rebonds"],
                      "es": ["Rebotes"], "de": ["Bounces"], "pt": ["Devoluções", "Bounces"]},
    "complaints": {"en": ["Complaints", "Spam complaints"], "it": ["Reclami", "Segnalazioni di spam"],
                   "fr": ["Plaintes", "Plaintes pour spam"], "es": ["Quejas", "Denuncias de spam"],
                   "de": ["Beschwerden", "Spam-Beschwerden"], "pt": ["Reclamações", "Denúncias de spam"]},
    "orders": {"en": ["Orders", "Conversions"], "it": ["Ordini", "Conversioni"], "fr": ["Commandes", "Conversions"],
               "es": ["Pedidos", "Conversiones"], "de": ["Bestellungen", "Conversions"], "pt": ["Pedidos", "Conversões"]},
    "revenue": {"en": ["Revenue"], "it": ["Fatturato", "Ricavi", "Entrate"], "fr": ["Chiffre d'affaires", "Revenus"],
                "es": ["Ingresos"], "de": ["Umsatz"], "pt": ["Receita"]},
    "currency": {"en": ["Currency"], "it": ["Valuta"], "fr": ["Devise"], "es": ["Moneda"], "de": ["Währung"],
                 "pt": ["Moeda"]},
}
NUMERIC = ["recipients", "delivered", "unique_opens", "total_opens", "unique_clicks", "total_clicks", "unsubscribes",
           "hard_bounces", "soft_bounces", "total_bounces", "complaints", "orders", "revenue"]


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical email_campaigns rows of one Brevo campaign statistics export (pure, no I/O)."""
    header = raw.header
    col = {field: find_field(header, ALIASES, field) for field in ALIASES}
    col.update({k: v for k, v in configured(header, ctx.columns).items() if k in col})
    header_currency = None
    found = find_with_currency(header, names(ALIASES, "revenue"))
    if found:
        col["revenue"], header_currency = col["revenue"] or found[0], found[1]
    numeric = [col[f] for f in NUMERIC if col[f]]
    if raw.rows.height and not col["campaign_name"] and not numeric:
        raise ValueError(f"{raw.path}: no Brevo campaign columns (Campaign name, Sent date, Delivered) found — "
                         "is it a Brevo email campaigns export?")
    lang = language(header, ALIASES)
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else
                                             infer_decimal(raw.rows, numeric, hint=decimal_hint(lang)))
    order = ctx.options.get("date_order") or (
        infer_date_order(raw.rows.get_column(col["send_time"]), "mdy" if lang == "en" else "dmy")
        if col["send_time"] else "dmy")
    frame = export_rows(raw.rows, ctx, col, decimal=decimal, order=order, prefix="br_", currency=header_currency)
    return Normalised(frame=frame)


# Canonical field -> the campaign totals' field (statistics.globalStats.<field>: roi.sources.brevo puts there
# Brevo's globalStats, or the sum of its per-list campaignStats[] when globalStats are empty or zero).
API_COUNTS = {
    "recipients": "sent",
    "delivered": "delivered",
    "hard_bounces": "hardBounces",
    "soft_bounces": "softBounces",
    "unique_opens": "uniqueViews",
    "total_opens": "viewed",
    "unique_clicks": "uniqueClicks",
    "total_clicks": "clickers",        # Brevo's name; its documentation: "number of total clicks"
    "unsubscribes": "unsubscriptions",
    "complaints": "complaints",
}


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of Brevo email campaign records (pure, no I/O): counts from the campaign totals,
    send_time = sentDate (UTC) in the warehouse's time zone. Brevo's campaign statistics carry no
    orders or revenue."""
    send_time, errors = api_send_time(records, ["sentDate", "scheduledAt"], ctx.timezone)
    values: dict[str, pl.Expr] = {}
    for field, name in API_COUNTS.items():
        values[field], error = api_number(records, f"statistics.globalStats.{name}", field)
        errors.append(error)
    values.update(campaign_id=api_text(records, "id"), campaign_name=api_text(records, "name"),
                  subject=api_text(records, "subject"), send_time=send_time)
    return Normalised(frame=email_rows(records, ctx, values, errors))
