"""The CRM a leads or orders source reads in API mode (option crm) and the secrets each CRM takes."""
from __future__ import annotations

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiError
from roi.transforms.crm_fields import crm_name

# The secrets of each CRM: a name, or a tuple of alternatives (one of them is enough).
SECRETS = {
    "hubspot": ("ACCESS_TOKEN",),                                    # a private-app token
    "pipedrive": (("API_TOKEN", "ACCESS_TOKEN"),),                   # a personal API token, or an OAuth token
    "salesforce": ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN"),   # a connected app's refresh-token grant
}


def crm_of(source: SourceConfig) -> str:
    """The source's CRM; a one-line error for a CRM without an API client."""
    crm = crm_name(source.options)
    if crm not in SECRETS:
        raise ApiError(f"{source.name}: crm = \"{crm}\" has no API client — use crm = \"hubspot\", \"pipedrive\" or "
                       "\"salesforce\", or mode = \"files\" with that CRM's exports")
    return crm


def required_secrets(source: SourceConfig) -> tuple:
    """The secrets the source's CRM needs (none for an unknown CRM: its pull fails with crm_of's message)."""
    return SECRETS.get(crm_name(source.options), ())
