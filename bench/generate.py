"""Deterministic generator of large, realistic export files (Google Ads, Meta Ads, Mailchimp) for the benchmark."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

END = dt.date(2026, 10, 31)          # the last day of every generated history
_MASK = (1 << 64) - 1
_IT_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
              "settembre", "ottobre", "novembre", "dicembre")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

GOOGLE_EN = ["Day", "Campaign", "Campaign ID", "Ad group", "Ad group ID", "Campaign type", "Currency code",
             "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions", "Conv. value"]
GOOGLE_IT = ["Giorno", "Campagna", "ID campagna", "Gruppo di annunci", "ID gruppo di annunci",
             "Tipo di campagna", "Codice valuta", "Impr.", "Clic", "CTR", "CPC medio", "Costo",
             "Conversioni", "Valore conv."]
# DuckDB column types of the clean English Google Ads export (the physical reference reads it typed).
GOOGLE_TYPES = {"Day": "DATE", "Campaign": "VARCHAR", "Campaign ID": "BIGINT", "Ad group": "VARCHAR",
                "Ad group ID": "BIGINT", "Campaign type": "VARCHAR", "Currency code": "VARCHAR",
                "Impr.": "BIGINT", "Clicks": "BIGINT", "CTR": "VARCHAR", "Avg. CPC": "DOUBLE",
                "Cost": "DOUBLE", "Conversions": "DOUBLE", "Conv. value": "DOUBLE"}
META_EN = ["Day", "Campaign name", "Campaign ID", "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Reach",
           "Frequency", "Impressions", "Currency", "Amount spent (EUR)", "Link clicks", "Purchases",
           "Purchases conversion value", "Reporting starts", "Reporting ends"]
META_TYPES = {"Day": "DATE", "Campaign name": "VARCHAR", "Campaign ID": "BIGINT", "Ad set name": "VARCHAR",
              "Ad set ID": "BIGINT", "Ad name": "VARCHAR", "Ad ID": "BIGINT", "Reach": "BIGINT",
              "Frequency": "DOUBLE", "Impressions": "BIGINT", "Currency": "VARCHAR",
              "Amount spent (EUR)": "DOUBLE", "Link clicks": "BIGINT", "Purchases": "BIGINT",
              "Purchases conversion value": "DOUBLE", "Reporting starts": "DATE", "Reporting ends": "DATE"}
_TYPES_EN = ["Search", "Shopping", "Performance Max", "Display", "Video"]
_TYPES_IT = ["Rete di ricerca", "Shopping", "Performance Max", "Display", "Video"]
_THEMES = ["Brand", "Generico Cosmetici", "Crema Viso", "Linea Bio", "Saldi Estivi", "Natale", "Regali",
           "Solari", "Shampoo Solido", "Rivenditori B2B", "Profumi", "Idratazione", "Anti-età", "Vegan",
           "Black Friday", "Catalogo"]


def _mix(x: pl.Expr) -> pl.Expr:
    """splitmix64 finaliser on UInt64 (wrapping arithmetic): a stable hash, independent of polars' own."""
    x = x.xor(_shr(x, 30)) * pl.lit(0xBF58476D1CE4E5B9, pl.UInt64)
    x = x.xor(_shr(x, 27)) * pl.lit(0x94D049BB133111EB, pl.UInt64)
    return x.xor(_shr(x, 31))


def _shr(x: pl.Expr, bits: int) -> pl.Expr:
    return x // pl.lit(1 << bits, pl.UInt64)


def uniform(key: pl.Expr, seed: int) -> pl.Expr:
    """A deterministic uniform [0, 1) per value of `key` (an integer expression) and `seed`."""
    salted = key.cast(pl.UInt64) + pl.lit((seed * 0x9E3779B97F4A7C15) & _MASK, pl.UInt64)
    return _shr(_mix(salted), 11).cast(pl.Float64) / float(1 << 53)


def _grouped(n: pl.Expr, sep: str) -> pl.Expr:
    """A non-negative integer as text with `sep` between groups of three digits ("" for none)."""
    n = n.cast(pl.Int64)
    if not sep:
        return n.cast(pl.Utf8)
    millions, thousands, units = n // 1_000_000, (n // 1000) % 1000, n % 1000
    z3 = lambda e: e.cast(pl.Utf8).str.zfill(3)  # noqa: E731
    return (pl.when(n >= 1_000_000).then(pl.concat_str([millions.cast(pl.Utf8), pl.lit(sep), z3(thousands),
                                                          pl.lit(sep), z3(units)]))
            .when(n >= 1000).then(pl.concat_str([thousands.cast(pl.Utf8), pl.lit(sep), z3(units)]))
            .otherwise(units.cast(pl.Utf8)))


def _decimal(x: pl.Expr, decimal: str, thousands: str = "") -> pl.Expr:
    """A non-negative amount with two decimals: "1234.50", or "1.234,50" with decimal="," thousands="."."""
    cents = (x * 100).round(0).cast(pl.Int64)
    return pl.concat_str([_grouped(cents // 100, thousands), pl.lit(decimal),
                          (cents % 100).cast(pl.Utf8).str.zfill(2)])


def _iso(day: pl.Expr) -> pl.Expr:
    return day.dt.strftime("%Y-%m-%d")


def _range_line(start: dt.date, end: dt.date, lang: str) -> str:
    months = _IT_MONTHS if lang == "it" else _EN_MONTHS
    return f"{start.day} {months[start.month - 1]} {start.year} - {end.day} {months[end.month - 1]} {end.year}"


def google_facts(start: dt.date, end: dt.date, entities: int, seed: int = 1, max_rows: int | None = None,
                 revise: float = 0.0) -> pl.DataFrame:
    """One row per day x ad group with typed figures; `revise` > 0 changes that share of rows' figures
    (a platform restating past days)."""
    days = (end - start).days + 1
    n = days * entities if max_rows is None else min(max_rows, days * entities)
    i = pl.int_range(0, n, dtype=pl.Int64)
    frame = pl.select(day_index=i // entities, entity=i % entities)
    ent, campaign = pl.col("entity"), pl.col("entity") // 8
    base = 40 + (uniform(ent, seed) ** 3 * 6000).floor()
    weekday = 1.0 + 0.15 * ((pl.col("day_index") % 7) - 3).abs() / 3
    row_key = pl.col("day_index") * 1_000_003 + ent
    noise = 0.6 + 0.8 * uniform(row_key, seed + 1)
    impressions = (base * weekday * noise).floor().cast(pl.Int64)
    ctr = 0.005 + 0.08 * uniform(ent, seed + 2) ** 2
    clicks = (pl.col("impressions") * ctr * (0.7 + 0.6 * uniform(row_key, seed + 3))).floor().cast(pl.Int64)
    cpc = 0.15 + 1.6 * uniform(campaign, seed + 4)
    cost = (pl.col("clicks") * cpc * (0.8 + 0.4 * uniform(row_key, seed + 5)) * 100).round(0) / 100
    cvr = 0.01 + 0.06 * uniform(campaign, seed + 6)
    conversions = (pl.col("clicks") * cvr * (0.5 + uniform(row_key, seed + 7)) * 100).round(0) / 100
    value = (pl.col("conversions") * (25 + 90 * uniform(campaign, seed + 8)) * 100).round(0) / 100
    if revise:
        bump = pl.when(uniform(row_key, seed + 9) < revise).then(1.0 + 0.2 * uniform(row_key, seed + 10)) \
            .otherwise(1.0)
        conversions = (conversions * bump * 100).round(0) / 100
    theme = pl.lit(pl.Series(_THEMES)).get((campaign % len(_THEMES)).cast(pl.UInt32))
    frame = frame.with_columns(
        (pl.lit(start) + pl.duration(days=pl.col("day_index"))).cast(pl.Date).alias("day"),
        (campaign + 20815436700).alias("campaign_id"),
        (ent + 151800000000).alias("ad_group_id"),
        (campaign % len(_TYPES_EN)).alias("type_index"),
        pl.concat_str([pl.lit("IT_"), theme, pl.lit(" #"), campaign.cast(pl.Utf8)]).alias("campaign"),
        pl.concat_str([pl.lit("Gruppo "), (ent % 8 + 1).cast(pl.Utf8), pl.lit(" – "), theme]).alias("ad_group"),
    ).with_columns(impressions.alias("impressions")).with_columns(clicks.alias("clicks")) \
        .with_columns(cost.alias("cost"), conversions.alias("conversions")) \
        .with_columns(value.alias("conv_value"))
    return frame.drop("day_index", "entity")


def _google_cells(facts: pl.DataFrame, lang: str) -> pl.DataFrame:
    it = lang == "it"
    dec, thou = (",", ".") if it else (".", "")
    types = pl.lit(pl.Series(_TYPES_IT if it else _TYPES_EN)).get(pl.col("type_index").cast(pl.UInt32))
    ctr = pl.col("clicks") / pl.col("impressions") * 100
    cpc = pl.col("cost") / pl.col("clicks")
    header = GOOGLE_IT if it else GOOGLE_EN
    exprs = [
        _iso(pl.col("day")), pl.col("campaign"), pl.col("campaign_id").cast(pl.Utf8), pl.col("ad_group"),
        pl.col("ad_group_id").cast(pl.Utf8), types, pl.lit("EUR"),
        _grouped(pl.col("impressions"), thou), _grouped(pl.col("clicks"), thou),
        pl.when(pl.col("impressions") > 0).then(pl.concat_str([_decimal(ctr, dec), pl.lit("%")]))
        .otherwise(pl.lit("0" + dec + "00%")),
        pl.when(pl.col("clicks") > 0).then(_decimal(cpc, dec, thou)).otherwise(pl.lit("0" + dec + "00")),
        _decimal(pl.col("cost"), dec, thou), _decimal(pl.col("conversions"), dec, thou),
        _decimal(pl.col("conv_value"), dec, thou),
    ]
    return facts.select(e.alias(name) for e, name in zip(exprs, header))


def _totals_line(facts: pl.DataFrame, label: str, lang: str, delimiter: str = ",") -> str:
    it = lang == "it"
    s = facts.select(pl.col("impressions", "clicks", "cost", "conversions", "conv_value").sum()).row(0)
    dec, thou = (",", ".") if it else (".", ",")
    one = pl.DataFrame({"i": [s[0]], "c": [s[1]], "cost": [s[2]], "conv": [s[3]], "val": [s[4]]})
    f = one.select(_grouped(pl.col("i"), thou), _grouped(pl.col("c"), thou), _decimal(pl.col("cost"), dec, thou),
                   _decimal(pl.col("conv"), dec, thou), _decimal(pl.col("val"), dec, thou)).row(0)
    quote = lambda v: f'"{v}"' if delimiter in v else v  # noqa: E731
    cells = [label, "", "", "", "", "", "EUR", *[quote(v) for v in f[:2]], "", "", *[quote(v) for v in f[2:]]]
    return delimiter.join(cells)


def write_google(path: Path, facts: pl.DataFrame, lang: str = "en", messy: bool = False) -> Path:
    """A Google Ads ad-group daily export. messy=False: a plain CSV (header on line 1, no totals, '.'
    decimals) that DuckDB can read typed; messy=True: the UI's download — UTF-8 BOM, report title and
    date-range lines, thousands separators (and decimal commas in Italian), totals rows at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = _google_cells(facts, lang if messy else "en")
    with open(path, "wb") as fh:
        if messy:
            start, end = facts["day"].min(), facts["day"].max()
            title = "Rapporto sui gruppi di annunci" if lang == "it" else "Ad group report"
            fh.write(("\ufeff" + title + "\n" + _range_line(start, end, lang) + "\n").encode())
        cells.write_csv(fh, quote_style="necessary")
        if messy:
            labels = (["Totale: account", "Totale: gruppi di annunci"] if lang == "it"
                      else ["Total: Account", "Total: Ad groups"])
            for label in labels:
                fh.write((_totals_line(facts, label, lang) + "\n").encode())
    return path


def google_ads(path: Path, rows: int, lang: str = "en", messy: bool = False, seed: int = 1) -> Path:
    """`rows` rows of a Google Ads ad-group daily export over up to three years ending on END."""
    days = min(1095, max(35, rows // 4000))
    entities = -(-rows // days)
    facts = google_facts(END - dt.timedelta(days=days - 1), END, entities, seed, max_rows=rows)
    return write_google(path, facts, lang, messy)


def _year_facts(rows: int, seed: int) -> pl.DataFrame:
    """`rows` rows of one year, ad groups a day as many as it takes (14,000 a day at 5M rows)."""
    entities = -(-rows // 365)
    return google_facts(END - dt.timedelta(days=364), END, entities, seed, max_rows=rows)


def google_clean_year(path: Path, rows: int, seed: int = 5) -> Path:
    """The clean English CSV (GOOGLE_TYPES) of the rows google_noids and google_excel write: their reference."""
    return write_google(path, _year_facts(rows, seed), "en")


def google_noids(path: Path, rows: int, seed: int = 5) -> Path:
    """A Google Ads download without id columns (roi derives ids from the names), CRLF line ends, the title
    and date-range lines above the header, `Impr.` and `Clicks` with quoted thousands separators ("1,234"),
    totals rows at the end — one year of `rows // 365` ad groups a day."""
    facts = _year_facts(rows, seed)
    cells = facts.select(
        _iso(pl.col("day")).alias("Day"), pl.col("campaign").alias("Campaign"), pl.col("ad_group").alias("Ad group"),
        pl.lit("Search").alias("Campaign type"), pl.lit("EUR").alias("Currency code"),
        _grouped(pl.col("impressions"), ",").alias("Impr."), _grouped(pl.col("clicks"), ",").alias("Clicks"),
        _decimal(pl.col("cost"), ".", ",").alias("Cost"), _decimal(pl.col("conversions"), ".").alias("Conversions"),
        _decimal(pl.col("conv_value"), ".", ",").alias("Conv. value"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        start, end = facts["day"].min(), facts["day"].max()
        fh.write(("Ad group report\r\n" + _range_line(start, end, "en") + "\r\n").encode())
        cells.write_csv(fh, quote_style="necessary", line_terminator="\r\n")
        s = facts.select(pl.col("impressions", "clicks", "cost", "conversions", "conv_value").sum()).row(0)
        fh.write((f'Total: Ad groups,,,,EUR,"{s[0]:,}","{s[1]:,}","{s[2]:,.2f}",{s[3]:.2f},"{s[4]:,.2f}"\r\n')
                 .encode())
    return path


def google_excel(path: Path, rows: int, seed: int = 5) -> Path:
    """The same rows as Google Ads' "CSV for Excel": UTF-16LE with a BOM, TAB-separated, the title and
    date-range lines, thousands separators, the totals rows at the end."""
    facts = _year_facts(rows, seed)
    cells = facts.select(
        _iso(pl.col("day")).alias("Day"), pl.col("campaign").alias("Campaign"),
        pl.col("campaign_id").cast(pl.Utf8).alias("Campaign ID"), pl.col("ad_group").alias("Ad group"),
        pl.col("ad_group_id").cast(pl.Utf8).alias("Ad group ID"), pl.lit("EUR").alias("Currency code"),
        _grouped(pl.col("impressions"), ",").alias("Impr."), _grouped(pl.col("clicks"), ",").alias("Clicks"),
        _decimal(pl.col("cost"), ".", ",").alias("Cost"), _decimal(pl.col("conversions"), ".").alias("Conversions"),
        _decimal(pl.col("conv_value"), ".", ",").alias("Conv. value"))
    start, end = facts["day"].min(), facts["day"].max()
    s = facts.select(pl.col("impressions", "clicks", "cost", "conversions", "conv_value").sum()).row(0)
    text = ("Ad group report\n" + _range_line(start, end, "en") + "\n"
            + cells.write_csv(separator="\t", quote_style="necessary")
            + f"Total: Ad groups\t\t\t\t\tEUR\t{s[0]:,}\t{s[1]:,}\t{s[2]:,.2f}\t{s[3]:.2f}\t{s[4]:,.2f}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"\xff\xfe")
        fh.write(text.encode("utf-16-le"))
    return path


SEGMENTED_TYPES = {**dict(list(GOOGLE_TYPES.items())[:5]), "Keyword": "VARCHAR", **dict(list(GOOGLE_TYPES.items())[5:])}


def google_segmented(path: Path, rows: int, repeats: int = 30, seed: int = 4) -> Path:
    """A keyword-segmented Google Ads export: `rows` rows whose ad-group x day keys repeat `repeats`
    times (one row per keyword), a plain CSV DuckDB reads typed (SEGMENTED_TYPES)."""
    days = min(1095, max(35, rows // (4000 * repeats)))
    entities = -(-rows // (days * repeats))
    facts = google_facts(END - dt.timedelta(days=days - 1), END, entities, seed, max_rows=-(-rows // repeats))
    cells = _google_cells(facts, "en")
    keywords = pl.DataFrame({"Keyword": [f"kw {k}" for k in range(repeats)]})
    segmented = cells.join(keywords, how="cross").head(rows).select(list(SEGMENTED_TYPES))
    path.parent.mkdir(parents=True, exist_ok=True)
    segmented.write_csv(path, quote_style="necessary")
    return path


def google_restatement(path: Path, rows: int, seed: int = 1, window_days: int = 29) -> Path:
    """The nightly re-pull of the last `window_days` days of `google_ads(rows=...)`, 10 % of rows restated."""
    days = min(1095, max(35, rows // 4000))
    entities = -(-rows // days)
    full = google_facts(END - dt.timedelta(days=days - 1), END, entities, seed, max_rows=rows, revise=0.1)
    return write_google(path, full.filter(pl.col("day") > END - dt.timedelta(days=window_days)), "en")


def google_months(folder: Path, months: int, per_day: int, seed: int = 1) -> list[Path]:
    """`months` monthly Google Ads exports ending with END's month, `per_day` ad groups a day (a backfill drop)."""
    paths = []
    first = dt.date(END.year, END.month, 1)
    for k in range(months):
        y, m = divmod(first.year * 12 + first.month - 1 - k, 12)
        start = dt.date(y, m + 1, 1)
        end = (dt.date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - dt.timedelta(days=1))
        facts = google_facts(start, end, per_day, seed)
        paths.append(write_google(folder / f"google_ads_{start:%Y_%m}.csv", facts, "en", messy=True))
    return sorted(paths)


def meta_ads(path: Path, rows: int, seed: int = 2) -> Path:
    """`rows` rows of a Meta Ads Manager ad-level daily export (English UI, EUR in the spend header)."""
    days = min(1095, max(35, rows // 4000))
    entities = -(-rows // days)
    facts = google_facts(END - dt.timedelta(days=days - 1), END, entities, seed, max_rows=rows)
    ent = pl.col("ad_group_id") - 151800000000
    reach = (pl.col("impressions") / (1.05 + uniform(ent, seed + 11))).floor().cast(pl.Int64)
    purchases = pl.col("conversions").floor().cast(pl.Int64)
    emoji = pl.when(ent % 5 == 0).then(pl.lit(" ✨")).otherwise(pl.lit(""))
    exprs = [
        _iso(pl.col("day")), pl.col("campaign"), (pl.col("campaign_id") + 120208765432000000).cast(pl.Utf8),
        pl.col("ad_group"), (pl.col("ad_group_id") + 120208765433000000).cast(pl.Utf8),
        pl.concat_str([pl.lit("Inserzione "), (ent % 3 + 1).cast(pl.Utf8), emoji]),
        (ent * 3 + 120208765435000000).cast(pl.Utf8), reach.cast(pl.Utf8),
        pl.when(reach > 0).then((pl.col("impressions") / reach).round(8).cast(pl.Utf8))
        .otherwise(pl.lit(None, pl.Utf8)),
        pl.col("impressions").cast(pl.Utf8), pl.lit("EUR"), _decimal(pl.col("cost"), "."),
        pl.col("clicks").cast(pl.Utf8),
        pl.when(purchases > 0).then(purchases.cast(pl.Utf8)).otherwise(pl.lit(None, pl.Utf8)),
        pl.when(purchases > 0).then(_decimal(pl.col("conv_value"), ".")).otherwise(pl.lit(None, pl.Utf8)),
        _iso(pl.col("day")), _iso(pl.col("day")),
    ]
    cells = facts.select(e.alias(name) for e, name in zip(exprs, META_EN))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        cells.write_csv(fh, quote_style="necessary")
    return path


def mailchimp(path: Path, campaigns: int, seed: int = 3) -> Path:
    """A Mailchimp campaigns export: `campaigns` sends, US dates, 'n/a' where a figure is missing."""
    i = pl.int_range(0, campaigns, dtype=pl.Int64)
    f = pl.select(i=i).with_columns(
        (pl.lit(dt.datetime(END.year, END.month, END.day, 8, 30))
         - pl.duration(hours=pl.col("i") * 13)).alias("sent"),
        (2000 + (uniform(pl.col("i"), seed) * 20000).floor()).cast(pl.Int64).alias("recipients"),
    ).with_columns(
        (pl.col("recipients") * (0.004 + 0.01 * uniform(pl.col("i"), seed + 1))).floor().cast(pl.Int64)
        .alias("bounces"),
    ).with_columns(
        (pl.col("recipients") - pl.col("bounces")).alias("delivered"),
        (pl.col("bounces") // 3).alias("hard"),
    ).with_columns(
        (pl.col("delivered") * (0.25 + 0.2 * uniform(pl.col("i"), seed + 2))).floor().cast(pl.Int64).alias("opens"),
    ).with_columns(
        (pl.col("opens") * (0.05 + 0.1 * uniform(pl.col("i"), seed + 3))).floor().cast(pl.Int64).alias("clicks"),
    )
    rev = pl.col("clicks") * (3 + 9 * uniform(pl.col("i"), seed + 4))
    cells = f.select(
        pl.concat_str([pl.lit("Newsletter "), pl.col("i").cast(pl.Utf8), pl.lit(" – "),
                       pl.lit(pl.Series(_THEMES)).get((pl.col("i") % len(_THEMES)).cast(pl.UInt32))]).alias("Title"),
        pl.lit("Novità per te").alias("Subject"),
        pl.when(pl.col("i") % 4 == 0).then(pl.lit("Newsletter B2B")).otherwise(pl.lit("Clienti")).alias("List"),
        pl.col("sent").dt.strftime("%-m/%-d/%y %-H:%M").alias("Send_Date"),
        pl.col("recipients").cast(pl.Utf8).alias("Total_Recipients"),
        pl.col("delivered").cast(pl.Utf8).alias("Successful_Deliveries"),
        (pl.col("bounces") - pl.col("hard")).cast(pl.Utf8).alias("Soft_Bounces"),
        pl.col("hard").cast(pl.Utf8).alias("Hard_Bounces"),
        pl.col("bounces").cast(pl.Utf8).alias("Total_Bounces"),
        pl.col("opens").cast(pl.Utf8).alias("Unique_Opens"),
        (pl.col("opens") * 17 // 10).cast(pl.Utf8).alias("Total_Opens"),
        pl.col("clicks").cast(pl.Utf8).alias("Unique_Clicks"),
        (pl.col("clicks") * 3 // 2).cast(pl.Utf8).alias("Total_Clicks"),
        (pl.col("delivered") // 900).cast(pl.Utf8).alias("Unsubscribes"),
        (pl.col("delivered") // 9000).cast(pl.Utf8).alias("Abuse_Complaints"),
        pl.format("{}", pl.col("i").cast(pl.Utf8).str.zfill(10)).alias("Unique_Id"),
        pl.when(pl.col("i") % 4 == 0).then(pl.lit("n/a")).otherwise(_decimal(rev, ".")).alias("Revenue_Created"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    cells.write_csv(path, quote_style="necessary")
    return path
