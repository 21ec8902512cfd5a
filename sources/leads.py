"""Leads from a CRM's API: HubSpot contacts, Pipedrive persons or Salesforce leads created in the window (option crm)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources import crm, hubspot, pipedrive, salesforce
from roi.transforms import leads as transform

SECRETS = crm.SECRETS["hubspot"]     # each CRM's: required_secrets
required_secrets = crm.required_secrets
NEEDS_ACCOUNTS = False            # a token belongs to one HubSpot account, Pipedrive company or Salesforce org
OPTIONS = transform.OPTIONS          # crm, utm_properties (HubSpot), utm_fields, lost_statuses (Salesforce)
DEFAULT_BASE_URL = hubspot.DEFAULT_BASE_URL
DEFAULT_API_VERSION = hubspot.DEFAULT_API_VERSION


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Contacts whose createdate falls in the window (a day's margin each side for time zones):
    POST …/contacts/search filtered on createdate, sorted by it, 200 a page, ranges over 10,000
    contacts split; one row per contact with the funnel dates, original source and UTM properties.
    crm = "pipedrive": sources/pipedrive.py leads; crm = "salesforce": sources/salesforce.py leads."""
    which = crm.crm_of(source)
    if which == "pipedrive":
        return pipedrive.leads(session, source, window, secret)
    if which == "salesforce":
        return salesforce.leads(session, source, window, secret)
    hubspot.check_crm(source)
    utm = hubspot.utm_properties(source)
    properties = list(dict.fromkeys(transform.CONTACT_PROPERTIES + list(utm.values())))
    api = hubspot.HubSpot(session, source, secret)
    start, end = hubspot.window_bounds(window)
    contacts = api.search("contacts", "createdate", start, end, properties)
    rows = [hubspot.crm_row(c, properties) for c in contacts]
    return hubspot.frame(rows, ["id", "createdAt", "updatedAt", "archived"] + properties)
