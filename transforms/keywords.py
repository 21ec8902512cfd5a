"""Keyword and search-term rows of a search ads export: header names, match types in any UI language, and the extra tables built beside ad_performance."""
from __future__ import annotations

import polars as pl

from roi import schemas
from roi.transforms.headers import Aliases
from roi.transforms.numbers import error_list

KEYWORDS, SEARCH_TERMS = "keyword_performance", "search_term_performance"

# Canonical field -> header names per UI language (Google Ads UI and Report Editor names; Microsoft
# Advertising adds its own with `aliases`). keyword_match_type names the keyword's own match type;
# match_type a report's plain "Match type", which in a search-terms report is how the term matched.
ALIASES: Aliases = {
    "keyword": {"en": ["Keyword", "Search keyword", "Keyword text"], "it": ["Parola chiave"],
                "pt": ["Palavra-chave"], "es": ["Palabra clave"], "fr": ["Mot clé", "Mot-clé"],
                "de": ["Keyword"]},
    "keyword_match_type": {"en": ["Search keyword match type", "Keyword match type"],
                           "it": ["Tipo di corrispondenza della parola chiave",
                                  "Tipo di corrispondenza parola chiave"],
                           "pt": ["Tipo de correspondência da palavra-chave"],
                           "es": ["Tipo de concordancia de la palabra clave"],
                           "fr": ["Type de correspondance du mot clé"], "de": ["Keyword-Option"]},
    "match_type": {"en": ["Match type", "Search term match type", "Search terms match type"],
                   "it": ["Tipo di corrispondenza", "Corrispondenza"],
                   "pt": ["Tipo de correspondência", "Correspondência"],
                   "es": ["Tipo de concordancia", "Concordancia"],
                   "fr": ["Type de correspondance", "Correspondance"], "de": ["Übereinstimmungstyp"]},
    "search_term": {"en": ["Search term", "Search terms", "Search query"],
                    "it": ["Termine di ricerca", "Termini di ricerca"],
                    "pt": ["Termo de pesquisa", "Termos de pesquisa", "Termo de busca"],
                    "es": ["Término de búsqueda", "Términos de búsqueda"],
                    "fr": ["Terme de recherche", "Termes de recherche"], "de": ["Suchbegriff", "Suchbegriffe"]},
}
FIELDS = tuple(ALIASES)

# Words of a match type in the UI languages, tried in this order on the lower-cased cell ("Exact match
# (close variant)" is exact): phrase first, because French writes phrase match "Expression exacte".
MATCH_WORDS = [
    ("phrase", r"phrase|frase|expression|wortgruppe"),              # Phrase match, Corrispondenza a frase …
    ("exact", r"exact|esatt|exat|exakt|genau"),                     # Exact match, esatta, exata, exacta, genau
    ("broad", r"broad|generic|ampl|large|weitgehend"),              # Broad match, generica, ampla/amplia, large
]
# Cells that mean "no keyword" (dynamic search ads, Performance Max terms): fewer than numbers.MISSING,
# so that a search for "none" or "na" stays a search term.
_NO_TEXT = ["", "--", "-", "—", "–"]
# Match-type cells that say nothing: the APIs' enum values for it (Google's UNSPECIFIED / UNKNOWN,
# Microsoft's Unknown), read as '' rather than as a cell that names no match type.
_NOT_SAID = ["unknown", "unspecified"]


def aliases(extra: Aliases) -> Aliases:
    """ALIASES with a platform's own names added (tried before the shared ones of the same language)."""
    merged: Aliases = {}
    for field in FIELDS:
        langs = dict.fromkeys(list(extra.get(field, {})) + list(ALIASES[field]))
        merged[field] = {lang: list(dict.fromkeys(extra.get(field, {}).get(lang, []) + ALIASES[field].get(lang, [])))
                         for lang in langs}
    return merged


def _cell(col: str | None) -> pl.Expr:
    """A keyword or search-term cell stripped; null where empty or a dash."""
    if not col:
        return pl.lit(None, dtype=pl.Utf8)
    s = pl.col(col).cast(pl.Utf8).str.strip_chars()
    return pl.when(s.is_in(_NO_TEXT)).then(None).otherwise(s)


def match_type(cell: pl.Expr, label: str = "match type") -> tuple[pl.Expr, pl.Expr]:
    """(exact | phrase | broad, or null where the cell is empty or "Unknown"; the error of a cell that names
    none) from "Exact match", "Phrase match (close variant)", "Corrispondenza esatta", "EXACT", "Broad" …"""
    cell = pl.when(cell.str.to_lowercase().is_in(_NOT_SAID)).then(None).otherwise(cell)
    words = cell.str.to_lowercase()
    found = pl.lit(None, dtype=pl.Utf8)
    for canonical, pattern in reversed(MATCH_WORDS):
        found = pl.when(words.str.contains(pattern)).then(pl.lit(canonical)).otherwise(found)
    error = pl.when(cell.is_not_null() & found.is_null()).then(
        pl.format("{}: '{}' is not exact, phrase or broad", pl.lit(label), cell))
    return found, error


def notation(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(the keyword without its match-type notation, the match type the notation says or null):
    [running shoes] is exact, "running shoes" phrase, +running +shoes broad (modified broad)."""
    exact = cell.str.contains(r"^\[.*\]$")
    phrase = cell.str.contains(r'^".*"$')
    text = pl.when(exact | phrase).then(cell.str.slice(1, cell.str.len_chars() - 2).str.strip_chars()).otherwise(cell)
    kind = (pl.when(exact).then(pl.lit("exact")).when(phrase).then(pl.lit("phrase"))
            .when(cell.str.contains(r"(^|\s)\+\S")).then(pl.lit("broad")).otherwise(pl.lit(None, dtype=pl.Utf8)))
    return text, kind


def extra_tables(out: pl.DataFrame, rows: pl.DataFrame, col: dict[str, str | None]) -> dict[str, pl.DataFrame]:
    """The keyword_performance or search_term_performance rows of an export, by table name (none when
    the export has neither a keyword nor a search-term column).

    out: the export's ad_performance rows as normalised (same order and `_row`s as `rows`): each
    extra row takes its dates, ids, names, currency, metrics and errors from there, so it belongs to
    the same ad group. rows: the export's cells, for the keyword columns found in `col`.
    An export with a search-term column gives search_term_performance only (with the matched
    keyword where it has one, '' otherwise): its keyword sums are not the keywords' performance.
    Match type: the keyword's own match type column, else (keyword reports) the report's match type
    column or (search-term reports) the keyword's notation ([exact], "phrase") or the report's match
    type column; '' where none says.
    """
    if not (col.get("keyword") or col.get("search_term")):
        return {}
    if out.height != rows.height:
        raise ValueError("extra_tables: the normalised rows and the export's rows differ in number")
    keyword, noted = notation(_cell(col.get("keyword")))
    own, own_error = match_type(_cell(col.get("keyword_match_type")))
    reported, reported_error = match_type(_cell(col.get("match_type")))
    term = _cell(col.get("search_term"))
    if col.get("search_term"):
        table, kind = SEARCH_TERMS, pl.coalesce(own, noted, reported)
        missing = pl.when(term.is_null()).then(pl.lit("search term: missing"))
        keyword = keyword.fill_null("")
    else:
        table, kind = KEYWORDS, pl.coalesce(own, reported, noted)
        missing = pl.when(keyword.is_null()).then(pl.lit("keyword: missing"))
    cells = rows.select(
        keyword.alias("keyword"), kind.fill_null("").alias("match_type"), term.alias("search_term"),
        error_list([missing, own_error, reported_error]).alias("_own_errors"))
    frame = pl.concat([out, cells], how="horizontal").with_columns(
        pl.concat_list("_errors", "_own_errors").alias("_errors"))
    return {table: frame.select(*schemas.columns(table), pl.col("_row").cast(pl.Int64), "_errors")}
