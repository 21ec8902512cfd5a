"""Orders from a CRM's API: HubSpot deals won (closed) in the window with their contact, Pipedrive won deals or
Salesforce won opportunities (option crm)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources import crm, hubspot, pipedrive, salesforce
from roi.sources.http import ApiError
from roi.transforms import orders as transform

SECRETS = crm.SECRETS["hubspot"]     # each CRM's: required_secrets
required_secrets = crm.required_secrets
NEEDS_ACCOUNTS = False            # a token belongs to one HubSpot account, Pipedrive company or Salesforce org
OPTIONS = transform.OPTIONS          # crm, won_stages, utm_properties (HubSpot), utm_fields
DEFAULT_BASE_URL = hubspot.DEFAULT_BASE_URL
DEFAULT_API_VERSION = hubspot.DEFAULT_API_VERSION
DEFAULT_WON_STAGES = ("closedwon",)
ACCOUNT_FIELDS = ("portalId", "companyCurrency", "timeZone")   # from the account details, on every deal


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Deals in a won stage whose closedate falls in the window (a day's margin each side):
    POST …/deals/search (closedate range + dealstage IN won_stages), then each deal's contacts
    (associations batch read) and those contacts' e-mail and source (contacts batch read, 100 a call).
    The deal's contact is the earliest created one; all associated ids are kept as JSON. The account's
    currency and time zone (GET …/account-info/…/details) are recorded on every deal.
    crm = "pipedrive": sources/pipedrive.py deals; crm = "salesforce": sources/salesforce.py opportunities."""
    which = crm.crm_of(source)
    if which == "pipedrive":
        return pipedrive.deals(session, source, window, secret)
    if which == "salesforce":
        return salesforce.opportunities(session, source, window, secret)
    hubspot.check_crm(source)
    utm = hubspot.utm_properties(source)
    stages = _won_stages(source)
    deal_props = list(dict.fromkeys(transform.DEAL_PROPERTIES + list(utm.values())))
    contact_props = list(dict.fromkeys(transform.CONTACT_PROPERTIES + list(utm.values())))
    api = hubspot.HubSpot(session, source, secret)
    start, end = hubspot.window_bounds(window)
    account = api.account()
    deals = api.search("deals", "closedate", start, end, deal_props,
                       [{"propertyName": "dealstage", "operator": "IN", "values": stages}])
    links = api.associated("deals", "contacts", [str(d.get("id")) for d in deals]) if deals else {}
    contact_ids = sorted({c for ids in links.values() for c in ids})
    contacts = api.batch_read("contacts", contact_ids, contact_props) if contact_ids else {}
    rows = []
    for deal in deals:
        row = hubspot.crm_row(deal, deal_props)
        linked = links.get(str(deal.get("id")), [])
        row["associations.contacts"] = linked
        known = [contacts[c] for c in linked if c in contacts]
        first = min(known, key=_created, default=None)
        row.update(hubspot.crm_row(first or {}, contact_props, prefix="contact."))
        if first is None:
            row["contact.id"] = linked[0] if linked else None
        row.update({f"account.{k}": account.get(k) for k in ACCOUNT_FIELDS})
        rows.append(row)
    columns = (["id", "createdAt", "updatedAt", "archived"] + deal_props + ["associations.contacts", "contact.id"]
               + [f"contact.{p}" for p in contact_props] + [f"account.{k}" for k in ACCOUNT_FIELDS])
    return hubspot.frame(rows, columns)


def _won_stages(source: SourceConfig) -> list[str]:
    stages = source.options.get("won_stages", list(DEFAULT_WON_STAGES))
    if isinstance(stages, str):
        stages = [stages]
    if not isinstance(stages, list) or not stages or not all(isinstance(s, str) and s.strip() for s in stages):
        raise ApiError(f"{source.name}: won_stages must be a list of HubSpot deal stage ids like "
                       "[\"closedwon\"] (HubSpot › Settings › Objects › Deals › Pipelines shows the ids)")
    return [s.strip() for s in stages]


def _created(contact: dict) -> tuple:
    """Earliest created first; ties (and contacts without a date) by id."""
    created = (contact.get("properties") or {}).get("createdate") or contact.get("createdAt") or "9999"
    return (str(created), len(str(contact.get("id"))), str(contact.get("id")))
