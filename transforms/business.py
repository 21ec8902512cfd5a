"""Shared column finding and cell reading for the business-data kinds (leads, orders, costs, ...)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms import channels, dates, headers, numbers
from roi.transforms.context import SourceContext

ERROR_SUFFIX = "__error"
_CODE = re.compile(r"\s*[(\[]\s*[A-Z]{3}\s*[)\]]\s*$")  # "Importo (EUR)" -> "Importo"


@dataclass
class Mapped:
    """A file's columns under the kind's field names.

    frame: one Utf8 column per field (all-null when the file has no such column) + `_row`.
    found: field -> the header it was read from. currency: field -> ISO code written in that
    header ("Importo (EUR)"). italian: some recognised header is Italian (decimal-comma hint).
    """
    frame: pl.DataFrame
    found: dict[str, str]
    currency: dict[str, str] = field(default_factory=dict)
    italian: bool = False


def map_columns(raw: RawTable, ctx: SourceContext, fields: dict[str, list[str]],
                italian: set[str] | frozenset[str] = frozenset()) -> Mapped:
    """Finds each field's column: the user's `columns` mapping first, then the aliases in order
    (headers compared case/space/underscore-insensitively, a trailing "(EUR)" ignored); a header
    feeds at most one field unless the user maps it twice. Raises ValueError for a mapping that
    names an unknown field or a header the file lacks."""
    header = raw.header
    found: dict[str, str] = {}
    currency: dict[str, str] = {}
    for key, name in (ctx.columns or {}).items():
        if key not in fields:
            raise ValueError(f"columns.{key}: not a field of kind '{ctx.kind}' "
                             f"(fields: {', '.join(fields)})")
        hit = name if name in header else headers.find(header, [name])
        if hit is None:
            raise ValueError(f"columns.{key} = '{name}': no such column in {raw.path.name} "
                             f"(columns: {', '.join(header)})")
        found[key] = hit
    used = set(found.values())
    for key, aliases in fields.items():
        if key in found:
            continue
        free = [h for h in header if h not in used]
        hit = headers.find(free, aliases)
        code = None
        if hit is None:
            with_code = headers.find_with_currency(free, aliases)
            if with_code is not None:
                hit, code = with_code
        if hit is not None:
            found[key] = hit
            used.add(hit)
            if code:
                currency[key] = code
    for key, hit in found.items():
        code = headers.currency_in_header(hit)
        if code:
            currency.setdefault(key, code)
    italian_norms = {headers.norm(a) for a in italian}
    is_italian = any(headers.norm(_CODE.sub("", h)) in italian_norms for h in found.values())
    frame = raw.rows.select(
        *[(pl.col(found[k]).cast(pl.Utf8) if k in found else pl.lit(None, pl.Utf8)).alias(k)
          for k in fields],
        pl.col("_row").cast(pl.Int64),
    )
    return Mapped(frame, found, currency, is_italian)


def decimal_mark(raw: RawTable, ctx: SourceContext, frame: pl.DataFrame, cols: list[str],
                 italian: bool) -> str:
    """'.' for typed spreadsheet cells, the `decimal` option when set, else inferred from the
    values with a ',' hint for Italian headers."""
    if raw.typed_cells:
        return "."
    if ctx.options.get("decimal") in (".", ","):
        return ctx.options["decimal"]
    return numbers.infer_decimal(frame, cols, "," if italian else None)


def date_order(ctx: SourceContext, frame: pl.DataFrame, cols: list[str], hint: str = "dmy") -> str:
    """One day/month order for all date columns of a file (the `date_order` option when set)."""
    if ctx.options.get("date_order") in ("dmy", "mdy", "ymd"):
        return ctx.options["date_order"]
    present = [c for c in cols if c in frame.columns]
    if not present:
        return hint
    values = pl.concat([frame.get_column(c).cast(pl.Utf8).alias("v") for c in present])
    return dates.infer_date_order(values, hint)


def err(name: str) -> str:
    return name + ERROR_SUFFIX


def parsed(value: pl.Expr, error: pl.Expr, name: str) -> list[pl.Expr]:
    """A (value, error) pair as the column `name` and its error column."""
    return [value.alias(name), error.cast(pl.Utf8).alias(err(name))]


def on_distinct(frame: pl.DataFrame, col: str, exprs: list[pl.Expr]) -> pl.DataFrame:
    """frame.with_columns(exprs) for expressions that read only `col`, evaluated once per
    distinct value of `col` and joined back (dates and amounts repeat a lot; parsing is costly).
    Row order is kept."""
    key = "__distinct"
    names = [e.meta.output_name() for e in exprs]
    values = (frame.select(pl.col(col).unique()).with_columns(pl.col(col).alias(key))
              .with_columns(exprs).select(key, *[n for n in names]))
    base = frame.with_columns(pl.col(col).alias(key)).drop([n for n in names if n in frame.columns])
    return (base.join(values, on=key, how="left", nulls_equal=True, maintain_order="left")
            .drop(key))


def parse_each(frame: pl.DataFrame, parsers: dict[str, tuple[pl.Expr, pl.Expr]]) -> pl.DataFrame:
    """Applies {column: (value, error)} parsers, each on the column's distinct values; the value
    replaces the column, the error goes to '<column>__error'."""
    for col, (value, error) in parsers.items():
        frame = on_distinct(frame, col, parsed(value, error, col))
    return frame


def required(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Adds "<name>: missing" to each empty required column without an error already."""
    exprs = []
    for name in names:
        missing = pl.col(name).is_null()
        if name in frame.columns and frame.schema[name] == pl.Utf8:
            missing = missing | (pl.col(name).str.strip_chars() == "")
        reason = pl.when(missing).then(pl.lit(f"{name}: missing"))
        if err(name) in frame.columns:
            exprs.append(pl.coalesce(pl.col(err(name)), reason).alias(err(name)))
        else:
            exprs.append(reason.cast(pl.Utf8).alias(err(name)))
    return frame.with_columns(exprs)


def lowered(name: str) -> pl.Expr:
    """Text cell lower-cased and stripped; missing markers -> null."""
    return numbers.text(name).str.to_lowercase()


def email(name: str) -> pl.Expr:
    """An e-mail address as a customer key: stripped, lower-case; null when empty."""
    return lowered(name)


def customer_key(name: str) -> pl.Expr:
    """An id cell as a customer key: e-mail addresses lower-cased; '0' (a guest) -> null."""
    s = numbers.text(name)
    s = pl.when(s.str.contains("@")).then(s.str.to_lowercase()).otherwise(s)
    return pl.when(s == "0").then(None).otherwise(s)


_YES = ["true", "yes", "y", "1", "si", "sì", "s", "x", "vero", "new", "nuovo", "nuova", "first",
        "first order", "primo", "primo ordine", "sim", "oui", "ja", "wahr", "verdadero", "nuevo",
        "novo", "nouveau", "neu", "first-time", "first time", "new customer", "nuovo cliente"]
_NO = ["false", "no", "n", "0", "falso", "returning", "repeat", "existing", "ricorrente",
       "di ritorno", "abituale", "esistente", "nao", "não", "non", "nein", "falsch", "recurrente",
       "returning customer", "cliente di ritorno", "cliente abituale", "repeat customer"]


def boolean(name: str) -> tuple[pl.Expr, pl.Expr]:
    """(Boolean, error) from yes/no text in en/it/es/pt/fr/de ('sì', 'new', 'returning' ...)."""
    s = lowered(name)
    value = pl.when(s.is_in(_YES)).then(True).when(s.is_in(_NO)).then(False).otherwise(None)
    error = pl.when(s.is_not_null() & value.is_null()).then(
        pl.concat_str([pl.lit(f"{name}: '"), numbers.text(name), pl.lit("' is not yes/no")]))
    return value.cast(pl.Boolean).alias(name), error.cast(pl.Utf8).alias(err(name))


def month(name: str, order: str, label: str | None = None) -> tuple[pl.Expr, pl.Expr]:
    """(first day of the month, error) from '2026-06', '06/2026', '6.2026', 'giugno 2026',
    'June 2026', 'giu-2026', '2026 giugno' or a full date (its month)."""
    label = label or name
    s = numbers.text(name)
    folded = (s.str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{Mn}", "")
              .str.strip_chars())
    ym = folded.str.extract_groups(r"^(?P<y>[0-9]{4})[-/.\s](?P<m>[0-9]{1,2})$")
    my = folded.str.extract_groups(r"^(?P<m>[0-9]{1,2})[-/.\s](?P<y>[0-9]{4})$")
    named = folded.str.extract_groups(r"^(?P<n>[a-z]+)\.?[\s\-/',]*(?P<y>[0-9]{4}|'?[0-9]{2})$")
    named_rev = folded.str.extract_groups(r"^(?P<y>[0-9]{4})[\s\-/]*(?P<n>[a-z]+)\.?$")
    names = pl.coalesce(named.struct.field("n"), named_rev.struct.field("n"))
    name_month = names.replace_strict(dates.MONTHS, default=None, return_dtype=pl.Int32)
    y_text = pl.coalesce(ym.struct.field("y"), my.struct.field("y"),
                         named.struct.field("y").str.replace("'", "", literal=True),
                         named_rev.struct.field("y"))
    y = y_text.cast(pl.Int32, strict=False)
    y = pl.when(y_text.str.len_chars() == 2).then(y + 2000).otherwise(y)
    m = pl.coalesce(ym.struct.field("m").cast(pl.Int32, strict=False),
                    my.struct.field("m").cast(pl.Int32, strict=False), name_month)
    short = pl.when(m.is_between(1, 12) & y.is_between(1900, 2999)).then(pl.date(y, m, 1))
    full, _ = dates.date(name, order, label=label)
    value = pl.coalesce(short, full.dt.month_start())
    error = pl.when(s.is_not_null() & value.is_null()).then(
        pl.concat_str([pl.lit(f"{label}: '"), s, pl.lit("' is not a month")]))
    return value.alias(name), error.cast(pl.Utf8).alias(err(name))


def currency(name: str, default: str) -> tuple[pl.Expr, pl.Expr]:
    """(ISO code, error) from a currency column ('eur', '€', 'EUR'); `default` where empty."""
    s = numbers.text(name).str.to_uppercase()
    s = s.replace({"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "¥": "JPY", "CHF.": "CHF",
                   "FR.": "CHF", "R$": "BRL", "EURO": "EUR", "EUROS": "EUR", "DOLLARI": "USD",
                   "DOLLARS": "USD", "STERLINE": "GBP"})
    ok = s.str.contains(r"^[A-Z]{3}$")
    value = pl.when(s.is_null()).then(pl.lit(default)).when(ok).then(s).otherwise(None)
    error = pl.when(s.is_not_null() & ~ok).then(
        pl.concat_str([pl.lit(f"{name}: '"), numbers.text(name), pl.lit("' is not a currency code")]))
    return value.alias(name), error.cast(pl.Utf8).alias(err(name))


def channel_label(name: str, ctx: SourceContext) -> tuple[pl.Expr, pl.Expr]:
    """(channel, error) from a channel-label column (labels mapped as in
    channels.channel_from_column, plus the source's `channel_aliases` option); the source's
    `channel` option where the cell is empty."""
    value, error = channels.channel_from_column(name, ctx.channels, ctx.options.get("channel_aliases"))
    default = ctx.options.get("channel")
    if default:
        value = pl.coalesce(value, pl.lit(default))
    return value.alias(name), error.alias(err(name))


def export_channel(frame: pl.DataFrame, ctx: SourceContext, known, rules, hint: pl.Expr) -> pl.DataFrame:
    """`channel` of a lead or order export's rows, the first of: the export's channel column (a name
    that is no channel is a reason), the row's UTM through the channel `rules`, `hint` (the kind's own
    clue: a lead's HubSpot original source, an order's referrer), the row's lead source, the source's
    `channel` option, and last the rules' answer for a row without UTM. utm_source and utm_medium
    must be set already."""
    explicit, explicit_err = channels.channel_from_column("channel", known, ctx.options.get("channel_aliases"))
    default = pl.lit(ctx.options.get("channel"), pl.Utf8)
    has_utm = pl.col("utm_source").is_not_null() | pl.col("utm_medium").is_not_null()
    frame = frame.with_columns(channels.channel_expr("utm_source", "utm_medium", rules, known).alias("_by_rules"))
    by_rules = pl.col("_by_rules")
    return frame.with_columns(
        pl.coalesce(
            explicit,
            pl.when(has_utm).then(by_rules),
            hint,
            channels.lead_source_channel("lead_source", known),
            default,
            by_rules,
        ).alias("channel"),
        explicit_err.alias(err("channel")),
    )


def finish(frame: pl.DataFrame, table: str, ctx: SourceContext) -> pl.DataFrame:
    """The canonical columns of `table` in order (cast to the model's types; `source` from the
    context) + `_row` + `_errors` gathered from every '<name>__error' column (canonical column
    order first, then the others as created)."""
    model = schemas.MODELS[table].to_schema().columns
    order = {name: i for i, name in enumerate(schemas.columns(table))}
    error_cols = sorted((c for c in frame.columns if c.endswith(ERROR_SUFFIX)),
                        key=lambda c: order.get(c[:-len(ERROR_SUFFIX)], len(order)))
    errors = (pl.concat_list([pl.col(c) for c in error_cols]).list.drop_nulls() if error_cols
              else pl.lit([], dtype=pl.List(pl.Utf8)))
    out = []
    for name in schemas.columns(table):
        dtype = model[name].dtype.type
        if name == "source":
            out.append(pl.lit(ctx.source, pl.Utf8).alias("source"))
        elif name in frame.columns:
            out.append(pl.col(name).cast(dtype).alias(name))
        else:
            out.append(pl.lit(None, dtype).alias(name))
    out += [pl.col("_row").cast(pl.Int64), errors.cast(pl.List(pl.Utf8)).alias("_errors")]
    return frame.select(out)


def collapse(frame: pl.DataFrame, key: str) -> tuple[pl.DataFrame, int]:
    """Rows sharing `key` merged into one (line-item exports): per column the first non-empty
    value, `_row` of the first row. Rows with an empty key are kept as they are. Returns the frame
    and how many rows were merged away."""
    cols = [c for c in frame.columns if c not in ("_row", key)]
    cleaned = frame.with_columns([numbers.text(c) for c in cols + [key]])
    keyed = cleaned.filter(pl.col(key).is_not_null())
    loose = cleaned.filter(pl.col(key).is_null())
    merged = (keyed.group_by(key, maintain_order=True)
              .agg([pl.col(c).drop_nulls().first().alias(c) for c in cols]
                   + [pl.col("_row").min()]))
    out = pl.concat([merged.select(frame.columns), loose.select(frame.columns)]).sort("_row")
    return out, frame.height - out.height
