"""Matching export header names across UI languages and spellings."""
from __future__ import annotations

import re

from roi.transforms.numbers import CURRENCY_MARK, currency_of_mark, mark_currencies

# A currency in brackets at a header's end: "Amount spent (EUR)", "Cost (US$)", "Spesa (€)", "Cost ($)".
_CURRENCY = re.compile(rf"[(\[]\s*({CURRENCY_MARK})\s*[)\]]\s*$")


def norm(name: str) -> str:
    """A header name for comparison: lower case, accents kept, BOM/quotes/outer spaces removed,
    runs of spaces and underscores collapsed to one space ("Send_Date" -> "send date")."""
    s = name.replace("\ufeff", "").strip().strip('"').strip("'")
    return re.sub(r"[\s_]+", " ", s).strip().lower()


def find(header: list[str], aliases: list[str]) -> str | None:
    """The first header name (as written in the file) equal by `norm` to one of `aliases`,
    trying aliases in order; None when none is present."""
    by_norm: dict[str, str] = {}
    for name in header:
        by_norm.setdefault(norm(name), name)
    for alias in aliases:
        hit = by_norm.get(norm(alias))
        if hit is not None:
            return hit
    return None


def currency_mark_in_header(name: str) -> str | None:
    """The currency mark at a header's end as written, "Cost (US$)" -> "US$", "Cost ($)" -> "$",
    "Amount spent (EUR)" -> "EUR", else None."""
    m = _CURRENCY.search(name.strip())
    return m.group(1) if m and mark_currencies(m.group(1)) else None


def currency_in_header(name: str) -> str | None:
    """The ISO currency code a header names, "Amount spent (EUR)" -> "EUR", "Cost (US$)" -> "USD",
    "Spesa (€)" -> "EUR"; None without one or for an ambiguous mark ("Cost ($)")."""
    return currency_of_mark(currency_mark_in_header(name))


def find_with_currency(header: list[str], aliases: list[str], *,
                       ambiguous: bool = False) -> tuple[str, str | None] | None:
    """A money header that may carry its currency ("Amount spent (EUR)", "Importo speso (EUR)",
    "Cost (US$)"): (header name, ISO code or None) for the first alias matched with or without it.
    ambiguous=True also matches "Cost ($)" / "Belopp (kr)", giving the mark as written ("$")."""
    for alias in aliases:
        for name in header:
            mark = currency_mark_in_header(name)
            code = currency_of_mark(mark) if mark else None
            if mark and code is None and not ambiguous:
                continue
            bare = _CURRENCY.sub("", name.strip()) if mark else name
            if norm(bare) == norm(alias):
                return name, code or mark
    return None


Aliases = dict[str, dict[str, list[str]]]   # canonical field -> {language: [header names]}
LANGUAGES = ("en", "it", "pt", "es", "fr", "de")


def names(aliases: Aliases, field: str) -> list[str]:
    """Every header name of `field`, English first then it/pt/es/fr/de."""
    by_lang = aliases.get(field, {})
    return [n for lang in LANGUAGES for n in by_lang.get(lang, [])]


def find_field(header: list[str], aliases: Aliases, field: str) -> str | None:
    """The header column holding `field`, or None."""
    return find(header, names(aliases, field))


def language(header: list[str], aliases: Aliases) -> str:
    """The UI language an export was made in: the language whose header names match most columns
    (English on ties or when nothing matches)."""
    normed = {norm(h) for h in header}
    scores = {lang: 0 for lang in LANGUAGES}
    for by_lang in aliases.values():
        for lang, lang_names in by_lang.items():
            if any(norm(n) in normed for n in lang_names):
                scores[lang] += 1
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > scores["en"] else "en"


def decimal_hint(lang: str) -> str:
    """The decimal mark a UI language usually writes: "," for it/pt/es/fr/de, "." for English."""
    return "." if lang == "en" else ","


def configured(header: list[str], overrides: dict[str, str], fields: dict[str, str] | None = None) -> dict[str, str]:
    """The columns a source's roi.toml names explicitly (canonical column -> header name), keyed by
    the transform's own field names (`fields` maps canonical -> field), kept only when present."""
    found: dict[str, str] = {}
    for canonical, name in (overrides or {}).items():
        hit = find(header, [name])
        if hit is not None:
            found[(fields or {}).get(canonical, canonical)] = hit
    return found
