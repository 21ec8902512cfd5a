"""Maps UTM fields, channel labels and CRM source labels to the marketing channels (vectorised rules)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

import polars as pl

from roi.contracts.settings import BUILTIN_CHANNELS
from roi.transforms.numbers import MISSING

CHANNEL_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Rule:
    """utm_source / utm_medium: case-insensitive regular expressions matching the whole value
    (surrounding spaces ignored, missing = ""); None matches anything."""
    channel: str
    utm_source: str | None = None
    utm_medium: str | None = None


def _site(names: str) -> str:
    """A source naming a site bare or as a host: 'google', 'www.google.com', 'l.facebook.com'."""
    return rf"(?:[a-z0-9-]+\.)*(?:{names})(?:\.[a-z]{{2,3}})*"


_PAID = (r"cpc|ppc|cpm|cpv|cpa|paid|paid[-_ ]?(?:search|social|media|ads?)|(?:search|social)[-_ ]?paid"
         r"|sem|display|ads?")
_GOOGLE = _site(r"google|adwords|googleads|google[-_ ]ads")
_MICROSOFT = _site(r"bing|microsoft|msn|bingads|bing[-_ ]ads|microsoft[-_ ]ads")
_META = _site(r"facebook|fb|instagram|ig|meta|messenger|threads|facebook[-_ ]ads|meta[-_ ]ads")
_LINKEDIN = _site(r"linkedin|lnkd|linkedin[-_ ]ads")
_TIKTOK = _site(r"tiktok|tik[-_ ]tok|tiktok[-_ ]ads")
_PINTEREST = _site(r"pinterest|pin|pinterest[-_ ]ads")
_SNAPCHAT = _site(r"snapchat|snap|snapchat[-_ ]ads|snapchatads")
_REDDIT = _site(r"reddit|reddit[-_ ]ads|rdt")
_AMAZON = _site(r"amazon|amzn|amazon[-_ ]ads|amazon[-_ ]advertising|amazon[-_ ]dsp|sponsored[-_ ]products"
                r"|sponsored[-_ ]brands|sponsored[-_ ]display")
_APPLE_SEARCH = _site(r"apple[-_ ]search[-_ ]ads|apple[-_ ]search|apple[-_ ]ads|asa|searchads|app[-_ ]?store[-_ ]?ads"
                      r"|adservices")
_X = _site(r"twitter|x|t\.co|x[-_ ]ads|twitter[-_ ]ads")
_EMAIL_MEDIUM = r"e[-_ ]?mail|e[-_ ]?mailing|newsletter|mail|mailing|dem|email[-_ ]marketing"
_EMAIL_SOURCE = _site(r"mailchimp|brevo|sendinblue|klaviyo|hubspot|hs[-_]email|hs[-_]automation"
                      r"|newsletter|mailup|mailerlite|activecampaign|sendgrid|substack"
                      r"|mail\.google|gmail|outlook\.live|mail\.yahoo")
_SEARCH = _site(r"google|bing|duckduckgo|yahoo|ecosia|baidu|yandex|qwant|startpage|search\.brave")
_SOCIAL = _site(r"facebook|fb|instagram|ig|linkedin|lnkd|tiktok|twitter|x|t\.co|youtube|youtu\.be"
                r"|pinterest|reddit|threads|whatsapp|telegram|messenger")
_SOCIAL_MEDIUM = r"social|organic[-_ ]?social|social[-_ ]?(?:network|media)|sm"

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("google_ads", _GOOGLE, _PAID),
    Rule("microsoft_ads", _MICROSOFT, _PAID),
    Rule("meta_ads", _META, _PAID),
    Rule("linkedin_ads", _LINKEDIN, _PAID),
    Rule("tiktok_ads", _TIKTOK, _PAID),
    Rule("pinterest_ads", _PINTEREST, _PAID),
    Rule("snapchat_ads", _SNAPCHAT, _PAID),
    Rule("reddit_ads", _REDDIT, _PAID),
    Rule("amazon_ads", _AMAZON, _PAID),
    Rule("apple_search_ads", _APPLE_SEARCH, _PAID),
    Rule("x_ads", _X, _PAID),
    Rule("email", None, _EMAIL_MEDIUM),
    Rule("email", _EMAIL_SOURCE, None),
    Rule("organic_search", _SEARCH, r"organic|\(none\)|referral|"),
    Rule("organic_social", _SOCIAL, rf"{_SOCIAL_MEDIUM}|organic|\(none\)|referral|"),
    Rule("organic_social", None, _SOCIAL_MEDIUM),
    Rule("organic_search", None, r"organic|seo"),
    Rule("referral", None, r"referral|referrer"),
    Rule("direct", r"\(direct\)|direct", None),
    Rule("direct", r"|\(none\)", r"|\(none\)"),
    Rule("other", None, None),
)

# The default rules in words, one line per rule above, in order (paste into the README).
DEFAULT_RULES_TABLE = """\
| # | utm_source (whole value, any case; also as a host such as `www.google.com`) | utm_medium | channel |
|---|---|---|---|
| 1 | google, adwords, googleads | cpc, ppc, cpm, cpv, cpa, paid, paid_search, paid_social, paid_media, paidsearch, search_paid, sem, display, ad, ads | google_ads |
| 2 | bing, microsoft, msn, bingads | (paid, as in 1) | microsoft_ads |
| 3 | facebook, fb, instagram, ig, meta, messenger, threads | (paid, as in 1) | meta_ads |
| 4 | linkedin, lnkd | (paid, as in 1) | linkedin_ads |
| 5 | tiktok | (paid, as in 1) | tiktok_ads |
| 6 | pinterest, pin | (paid, as in 1) | pinterest_ads |
| 7 | snapchat, snap, snapchatads | (paid, as in 1) | snapchat_ads |
| 8 | reddit, rdt | (paid, as in 1) | reddit_ads |
| 9 | amazon, amzn, amazon_ads, amazon_advertising, amazon_dsp, sponsored_products, sponsored_brands, sponsored_display | (paid, as in 1) | amazon_ads |
| 10 | apple_search_ads, apple_search, apple_ads, asa, searchads, app_store_ads, adservices | (paid, as in 1) | apple_search_ads |
| 11 | twitter, x, t.co, x_ads, twitter_ads | (paid, as in 1) | x_ads |
| 12 | any | email, e-mail, e_mail, mail, mailing, newsletter, dem, email marketing | email |
| 13 | mailchimp, brevo, sendinblue, klaviyo, hubspot, hs_email, hs_automation, newsletter, mailup, mailerlite, activecampaign, sendgrid, substack, webmail hosts (mail.google.com, gmail, outlook.live.com, mail.yahoo.com) | any | email |
| 14 | google, bing, duckduckgo, yahoo, ecosia, baidu, yandex, qwant, startpage, search.brave | organic, (none), referral or empty | organic_search |
| 15 | facebook, fb, instagram, ig, linkedin, lnkd, tiktok, twitter, x, t.co, youtube, youtu.be, pinterest, reddit, threads, whatsapp, telegram, messenger | social, organic_social, social_network, social_media, sm, organic, (none), referral or empty | organic_social |
| 16 | any | social, organic_social, social_network, social_media, sm | organic_social |
| 17 | any | organic, seo | organic_search |
| 18 | any | referral, referrer | referral |
| 19 | (direct), direct | any | direct |
| 20 | empty or (none) | empty or (none) | direct |
| 21 | any | any | other |

Your own `[[channels.rules]]` in roi.toml are tried first, in file order; the first matching rule wins.
Missing markers ("", "-", "n/a", "(not set)" …) count as empty.
"""


def _full(pattern: str) -> str:
    return f"(?i)^(?:{pattern})$"


def _check_regex(pattern: str) -> str | None:
    """The reason `pattern` is not a usable regular expression (Python and polars), or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    try:
        pl.Series([""]).str.contains(_full(pattern))
    except pl.exceptions.PolarsError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines()]
        return next((ln[len("error: "):] for ln in lines if ln.startswith("error: ")), lines[0])
    return None


def parse_rules(config_list: list[dict]) -> tuple[Rule, ...]:
    """The `[[channels.rules]]` entries of roi.toml as Rules, followed by DEFAULT_RULES.

    Raises ValueError (one line naming the entry) for unknown keys, a missing or malformed
    channel, no utm_source/utm_medium at all, or an invalid regular expression."""
    rules: list[Rule] = []
    for i, entry in enumerate(config_list or [], start=1):
        where = f"[[channels.rules]] entry {i}"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where}: expected a table with utm_source / utm_medium / channel")
        unknown = sorted(set(entry) - {"utm_source", "utm_medium", "channel"})
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} "
                             "(allowed: utm_source, utm_medium, channel)")
        channel = entry.get("channel")
        if not isinstance(channel, str) or not CHANNEL_PATTERN.match(channel):
            raise ValueError(f"{where}: channel = {channel!r} must be a snake_case channel name "
                             "such as 'google_ads' or 'events'")
        where = f"{where} (channel = '{channel}')"
        if entry.get("utm_source") is None and entry.get("utm_medium") is None:
            raise ValueError(f"{where}: give utm_source and/or utm_medium")
        for key in ("utm_source", "utm_medium"):
            value = entry.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ValueError(f"{where}: {key} must be a text (a regular expression)")
            problem = _check_regex(value)
            if problem:
                raise ValueError(f"{where}: {key} = '{value}' is not a valid regular expression "
                                 f"({problem})")
        rules.append(Rule(channel, entry.get("utm_source"), entry.get("utm_medium")))
    return tuple(rules) + DEFAULT_RULES


def known(channels: Iterable[str] | None) -> tuple[str, ...]:
    """The known channels: the configured ones (built-in + custom), or the built-ins when none."""
    channels = tuple(channels or ())
    return channels or BUILTIN_CHANNELS


def _utm_value(col: str | pl.Expr) -> pl.Expr:
    e = pl.col(col) if isinstance(col, str) else col
    s = e.cast(pl.Utf8).str.strip_chars()
    return pl.when(s.is_null() | s.str.to_lowercase().is_in(sorted(MISSING))).then(pl.lit("")).otherwise(s)


def channel_expr(utm_source: str | pl.Expr, utm_medium: str | pl.Expr, rules: Iterable[Rule] = (),
                 known_channels: Iterable[str] | None = None) -> pl.Expr:
    """The channel of each row from its UTM source and medium: the first matching rule wins,
    'other' when none matches. `rules` empty means DEFAULT_RULES. Raises ValueError when a rule
    names a channel that is not known."""
    rules = tuple(rules) or DEFAULT_RULES
    names = set(known(known_channels))
    src, med = _utm_value(utm_source), _utm_value(utm_medium)
    chain = None
    for rule in rules:
        if rule.channel not in names:
            raise ValueError(f"channel rule ({rule.utm_source or 'any'} / {rule.utm_medium or 'any'} → "
                             f"{rule.channel}): '{rule.channel}' is not a known channel — declare it "
                             "under [channels] custom in roi.toml")
        cond = pl.lit(True)
        if rule.utm_source is not None:
            cond = cond & src.str.contains(_full(rule.utm_source))
        if rule.utm_medium is not None:
            cond = cond & med.str.contains(_full(rule.utm_medium))
        chain = (pl.when(cond) if chain is None else chain.when(cond)).then(pl.lit(rule.channel))
        if rule.utm_source is None and rule.utm_medium is None:
            break
    fallback = pl.lit("other")
    return (fallback if chain is None else chain.otherwise(fallback)).alias("channel")


# ---- channel labels written in files --------------------------------------------------------

# Normalised label (lower-case snake_case, accents removed) -> built-in channel.
LABEL_ALIASES: dict[str, str] = {
    **dict.fromkeys(["google", "google_ads", "googleads", "adwords", "google_adwords", "google_cpc",
                     "google_paid", "google_search", "paid_search", "sem", "ppc", "search_ads",
                     "ricerca_a_pagamento"], "google_ads"),
    **dict.fromkeys(["meta", "meta_ads", "facebook", "facebook_ads", "fb", "fb_ads", "instagram",
                     "instagram_ads", "ig", "facebook_instagram", "facebook_e_instagram",
                     "paid_social", "social_a_pagamento", "social_ads"], "meta_ads"),
    **dict.fromkeys(["linkedin", "linkedin_ads", "linked_in"], "linkedin_ads"),
    **dict.fromkeys(["microsoft", "microsoft_ads", "microsoft_advertising", "bing", "bing_ads"],
                    "microsoft_ads"),
    **dict.fromkeys(["tiktok", "tiktok_ads", "tik_tok", "tik_tok_ads"], "tiktok_ads"),
    **dict.fromkeys(["pinterest", "pinterest_ads"], "pinterest_ads"),
    **dict.fromkeys(["snapchat", "snapchat_ads", "snap", "snap_ads"], "snapchat_ads"),
    **dict.fromkeys(["reddit", "reddit_ads"], "reddit_ads"),
    **dict.fromkeys(["amazon", "amazon_ads", "amazon_advertising", "sponsored_products"], "amazon_ads"),
    **dict.fromkeys(["apple_search_ads", "apple_search", "apple_ads", "asa", "search_ads_apple"],
                    "apple_search_ads"),
    **dict.fromkeys(["x", "x_ads", "twitter", "twitter_ads"], "x_ads"),
    **dict.fromkeys(["email", "e_mail", "mail", "emails", "newsletter", "newsletters",
                     "email_marketing", "e_mail_marketing", "dem", "mailing", "mailchimp", "brevo",
                     "sendinblue", "klaviyo", "mailup", "correo", "correo_electronico",
                     "courriel", "posta_elettronica"], "email"),
    **dict.fromkeys(["organic_search", "organic", "seo", "search_organic", "natural_search",
                     "ricerca_organica", "organico", "busqueda_organica", "recherche_organique",
                     "organische_suche", "pesquisa_organica"], "organic_search"),
    **dict.fromkeys(["organic_social", "social", "social_media", "social_organic", "social_organico",
                     "social_network", "redes_sociales", "reseaux_sociaux", "soziale_medien",
                     "redes_sociais"], "organic_social"),
    **dict.fromkeys(["referral", "referrals", "referral_traffic", "referrer", "referenze",
                     "siti_di_riferimento", "passaparola", "word_of_mouth", "ai_referrals"],
                    "referral"),
    **dict.fromkeys(["direct", "direct_traffic", "diretto", "traffico_diretto", "directo",
                     "direkt", "direto", "typein", "type_in"], "direct"),
    **dict.fromkeys(["other", "others", "altro", "altri", "otro", "otros", "autre", "autres",
                     "sonstige", "andere", "outro", "outros", "other_campaigns", "altre_campagne",
                     "offline_sources", "fonti_offline", "varie"], "other"),
}

# Common custom (often offline) channels written in other languages: label -> channel name.
# Used only when the target channel is declared in roi.toml.
CUSTOM_TRANSLATIONS: dict[str, str] = {
    "eventi": "events", "evento": "events", "event": "events", "eventos": "events",
    "evenements": "events", "veranstaltungen": "events",
    "fiere": "trade_shows", "fiera": "trade_shows", "trade_show": "trade_shows",
    "stampa": "print", "giornali": "print", "riviste": "print", "carta_stampata": "print",
    "prensa": "print", "presse": "print",
    "televisione": "tv", "television": "tv",
    "affissioni": "outdoor", "cartellonistica": "outdoor", "out_of_home": "outdoor", "ooh": "outdoor",
    "volantini": "flyers", "volantinaggio": "flyers",
    "webinars": "webinar", "partner": "partners", "affiliazione": "affiliates",
    "affiliati": "affiliates", "affiliate": "affiliates",
}


def label_key(expr: pl.Expr) -> pl.Expr:
    """A label as a lower-case snake_case key: 'Google Ads' -> 'google_ads', 'Créativité' -> 'creativite'."""
    return (expr.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
            .str.normalize("NFKD").str.replace_all(r"\p{Mn}", "")
            .str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_"))


def label_map(known_channels: Iterable[str] | None = None,
              aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every label key understood as a channel, -> the channel (known names win over aliases)."""
    names = known(known_channels)
    mapping: dict[str, str] = {k: v for k, v in LABEL_ALIASES.items() if v in names}
    mapping.update({k: v for k, v in CUSTOM_TRANSLATIONS.items() if v in names})
    for name in names:
        mapping[name + "s"] = name
        if name.endswith("s"):
            mapping[name[:-1]] = name
    for label, channel in (aliases or {}).items():
        if channel in names:
            mapping[_py_key(label)] = channel
    mapping.update({name: name for name in names})
    return mapping


def _py_key(label: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFKD", label.strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def channel_from_column(col: str, known_channels: Iterable[str] | None = None,
                        aliases: Mapping[str, str] | None = None) -> tuple[pl.Expr, pl.Expr]:
    """(channel, error) from a column of channel labels ('Google Ads', 'SEO', 'Eventi' ...).

    Empty cells give a null channel and no error (callers fall back to other evidence); a label
    that is neither a known channel nor an alias of one gives a null channel and the error
    "channel: 'xyz' is not a known channel — declare it under [channels] custom in roi.toml"."""
    raw = pl.col(col).cast(pl.Utf8).str.strip_chars()
    empty = raw.is_null() | raw.str.to_lowercase().is_in(sorted(MISSING))
    value = label_key(raw).replace_strict(label_map(known_channels, aliases), default=None,
                                          return_dtype=pl.Utf8)
    value = pl.when(empty).then(None).otherwise(value)
    error = (pl.when(~empty & value.is_null())
             .then(pl.concat_str([pl.lit("channel: '"), raw,
                                  pl.lit("' is not a known channel — declare it under [channels] "
                                         "custom in roi.toml")]))
             .otherwise(None).cast(pl.Utf8))
    return value.alias("channel"), error.alias("channel__error")


# ---- UTM fields from a landing URL or "key: value" notes ------------------------------------

_PERCENT_ESCAPES = {
    "%20": " ", "%21": "!", "%22": '"', "%23": "#", "%24": "$", "%26": "&", "%27": "'", "%28": "(",
    "%29": ")", "%2A": "*", "%2B": "+", "%2C": ",", "%2D": "-", "%2E": ".", "%2F": "/", "%3A": ":",
    "%3B": ";", "%3D": "=", "%3F": "?", "%40": "@", "%5B": "[", "%5D": "]", "%5F": "_", "%7C": "|",
    "%7E": "~", "%25": "%",
    "%C3%A0": "à", "%C3%A1": "á", "%C3%A8": "è", "%C3%A9": "é", "%C3%AC": "ì", "%C3%AD": "í",
    "%C3%B2": "ò", "%C3%B3": "ó", "%C3%B9": "ù", "%C3%BA": "ú", "%C3%B1": "ñ", "%C3%A7": "ç",
    "%C3%BC": "ü", "%C3%B6": "ö", "%C3%A4": "ä", "%E2%82%AC": "€",
}


def url_decode(expr: pl.Expr) -> pl.Expr:
    """Decodes '+' and the common %XX escapes of a URL query value (one pass, case-insensitive)."""
    plus = expr.str.replace_all("+", " ", literal=True)
    return plus.str.replace_many(list(_PERCENT_ESCAPES), list(_PERCENT_ESCAPES.values()),
                                 ascii_case_insensitive=True)


def _query_param(col: str, key: str) -> pl.Expr:
    value = pl.col(col).cast(pl.Utf8).str.extract(rf"(?i)[?&;#]{key}=([^&#;\s]*)", 1)
    value = url_decode(value).str.strip_chars()
    return pl.when(value.str.len_chars() > 0).then(value).otherwise(None)


def utm_from_url(col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(utm_source, utm_medium, utm_campaign) read from the query string of a landing URL column
    ('/products/x?utm_source=google&utm_medium=cpc&utm_campaign=estate%202026'); null when absent."""
    return (_query_param(col, "utm_source").alias("utm_source"),
            _query_param(col, "utm_medium").alias("utm_medium"),
            _query_param(col, "utm_campaign").alias("utm_campaign"))


def _note_value(col: str, key: str) -> pl.Expr:
    value = pl.col(col).cast(pl.Utf8).str.extract(rf"(?im)^\s*{key}\s*[:=]\s*(.*?)\s*$", 1)
    return pl.when(value.str.len_chars() > 0).then(value).otherwise(None)


def utm_from_notes(col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(utm_source, utm_medium, utm_campaign) from 'key: value' lines such as Shopify's
    "Note Attributes" ('utm_source: google\\nutm_medium: cpc'); null when absent."""
    return (_note_value(col, "utm_source").alias("utm_source"),
            _note_value(col, "utm_medium").alias("utm_medium"),
            _note_value(col, "utm_campaign").alias("utm_campaign"))


def host_of(col: str) -> pl.Expr:
    """The host of a URL column ('https://www.google.com/search?q=x' -> 'www.google.com'), lower-case."""
    host = (pl.col(col).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
            .str.extract(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#:]+)", 1))
    return host


# ---- CRM source labels (when a record has no UTM) -------------------------------------------

_HUBSPOT_SOURCES: dict[str, str] = {
    **dict.fromkeys(["organic_search", "ricerca_organica", "busqueda_organica", "recherche_organique",
                     "organische_suche", "pesquisa_organica"], "organic_search"),
    **dict.fromkeys(["email_marketing", "e_mail_marketing", "marketing_via_email", "email"], "email"),
    **dict.fromkeys(["social_media", "organic_social", "social"], "organic_social"),
    **dict.fromkeys(["referrals", "referral", "ai_referrals", "referenze", "referral_da_ai"], "referral"),
    **dict.fromkeys(["direct_traffic", "traffico_diretto", "trafico_directo", "trafic_direct",
                     "direkter_traffic", "trafego_direto"], "direct"),
    **dict.fromkeys(["offline_sources", "offline", "other_campaigns", "fonti_offline",
                     "altre_campagne", "other"], "other"),
}
_PAID_SEARCH = ["paid_search", "ricerca_a_pagamento", "busqueda_de_pago", "recherche_payante",
                "bezahlte_suche", "pesquisa_paga"]
_PAID_SOCIAL = ["paid_social", "social_a_pagamento", "social_de_pago", "social_payant",
                "bezahlte_social_media", "social_pago"]


def hubspot_channel(source_col: str, drill_col: str | None = None) -> pl.Expr:
    """The channel from HubSpot's "Original Source" (+ "Original Source Drill-Down 1"); null when
    the source is empty or not one of HubSpot's labels.

    Paid Search -> microsoft_ads when the drill-down names Bing/Microsoft, else google_ads;
    Paid Social -> linkedin_ads / tiktok_ads / pinterest_ads / snapchat_ads / reddit_ads / x_ads by
    drill-down, meta_ads for Facebook/Instagram or no
    drill-down, other for other networks; Organic Search, Email Marketing, Social Media,
    Referrals, Direct Traffic, Offline Sources / Other Campaigns as named."""
    src = label_key(pl.col(source_col))
    drill = label_key(pl.col(drill_col)) if drill_col else pl.lit(None, pl.Utf8)
    drill = drill.fill_null("")
    return (
        pl.when(src.is_in(_PAID_SEARCH))
        .then(pl.when(drill.str.contains(r"bing|microsoft|msn")).then(pl.lit("microsoft_ads"))
              .otherwise(pl.lit("google_ads")))
        .when(src.is_in(_PAID_SOCIAL))
        .then(pl.when(drill.str.contains("linkedin")).then(pl.lit("linkedin_ads"))
              .when(drill.str.contains("tiktok")).then(pl.lit("tiktok_ads"))
              .when(drill.str.contains("pinterest")).then(pl.lit("pinterest_ads"))
              .when(drill.str.contains("snapchat")).then(pl.lit("snapchat_ads"))
              .when(drill.str.contains("reddit")).then(pl.lit("reddit_ads"))
              .when(drill.str.contains(r"twitter|^x$|^x_")).then(pl.lit("x_ads"))
              .when((drill == "") | drill.str.contains(r"facebook|instagram|meta|^fb|^ig"))
              .then(pl.lit("meta_ads"))
              .otherwise(pl.lit("other")))
        .otherwise(src.replace_strict(_HUBSPOT_SOURCES, default=None, return_dtype=pl.Utf8))
    )


_CRM_LEAD_SOURCES: dict[str, str] = {
    **dict.fromkeys(["web", "website", "sito", "sito_web", "phone_inquiry", "phone", "telefono",
                     "chat", "inbound"], "direct"),
    **dict.fromkeys(["partner_referral", "employee_referral", "external_referral",
                     "customer_referral", "partner", "referral_partner"], "referral"),
    **dict.fromkeys(["purchased_list", "advertisement", "cold_call", "outbound"], "other"),
}
_EVENT_SOURCES = ["trade_show", "seminar", "seminar_internal", "seminar_partner", "webinar",
                  "event", "events", "conference", "fiera", "evento", "eventi"]


def lead_source_channel(col: str, known_channels: Iterable[str] | None = None) -> pl.Expr:
    """The channel from a CRM "Lead Source" label (Salesforce picklist or free text): a channel
    label or alias, Web / Phone Inquiry -> direct, partner/employee/external referrals -> referral,
    trade shows / seminars / webinars -> 'events' when declared, anything else -> other; null when
    empty."""
    names = known(known_channels)
    key = label_key(pl.col(col))
    empty = key.is_null() | (key == "")
    mapping = {**_CRM_LEAD_SOURCES, **label_map(names)}
    if "events" in names:
        mapping.update({k: "events" for k in _EVENT_SOURCES})
    value = key.replace_strict(mapping, default="other", return_dtype=pl.Utf8)
    return pl.when(empty).then(None).otherwise(value)
