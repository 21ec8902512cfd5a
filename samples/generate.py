"""Writes deterministic, realistic demo exports of an Italian e-commerce + B2B business, every source kind."""
from __future__ import annotations

import argparse
import bisect
import io
import math
import os
import random
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

END = date(2026, 10, 31)
DEMO_DIR = Path(__file__).resolve().parent / "demo"
FULL_DIR = Path("data/demo-full")
ROME = ZoneInfo("Europe/Rome")
ANCHOR = date(2026, 10, 31)  # the business grows ~12% a year; older days are scaled down from here

# ---------------------------------------------------------------------------------------------
# Small helpers: randomness, calendar, number formats, CSV writing
# ---------------------------------------------------------------------------------------------


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth below 30, normal approximation above)."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def noise(rng: random.Random, sigma: float) -> float:
    """A multiplicative log-normal factor with mean 1."""
    return math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)


def daterange(start: date, end: date) -> Iterable[date]:
    for i in range((end - start).days + 1):
        yield start + timedelta(days=i)


def month_starts(start: date, end: date) -> list[date]:
    out, m = [], date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def month_end(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def black_friday(year: int) -> date:
    return nth_weekday(year, 11, 4, 4)


def fair_start(year: int) -> date:
    """SANA Bologna (organic & natural products fair): first Friday of September, four days."""
    return nth_weekday(year, 9, 4, 1)


def easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def target_open(d: date) -> bool:
    """A TARGET2 business day: the days the ECB publishes reference rates."""
    if d.weekday() >= 5 or (d.month, d.day) in ((1, 1), (5, 1), (12, 25), (12, 26)):
        return False
    e = easter(d.year)
    return d not in (e - timedelta(days=2), e + timedelta(days=1))


MONTH_FACTOR = {1: 0.86, 2: 0.86, 3: 0.95, 4: 1.0, 5: 1.05, 6: 0.96, 7: 0.9, 8: 0.82, 9: 1.0,
                10: 1.05, 11: 1.3, 12: 1.2}
WEEKDAY_B2C = (1.02, 1.0, 0.98, 0.97, 0.92, 0.88, 1.08)
WEEKDAY_B2B = (1.08, 1.1, 1.06, 1.02, 0.9, 0.35, 0.3)


def season(d: date) -> float:
    """Demand on day d relative to an average day: month, Ferragosto, Black Friday, Christmas, growth."""
    f = MONTH_FACTOR[d.month]
    if d.month == 8 and 8 <= d.day <= 23:
        f *= 0.82
    bf = black_friday(d.year)
    if bf - timedelta(days=4) <= d <= bf + timedelta(days=3):
        f *= 1.6
    if d.month == 12 and 23 <= d.day <= 26 or (d.month, d.day) in ((12, 31), (1, 1)):
        f *= 0.6
    return f * (1 + 0.12 * (d - ANCHOR).days / 365)


_HOURS_B2C = [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.7, 1.8, 2.0, 2.1, 1.8, 1.6, 1.6,
              1.7, 1.9, 2.1, 2.4, 2.6, 2.0, 1.0]
_HOURS_B2B = [0, 0, 0, 0, 0, 0, 0, 0.2, 1.0, 2.0, 2.2, 2.0, 1.0, 0.8, 1.8, 2.0, 1.8, 1.2, 0.5, 0.2,
              0.1, 0, 0, 0]


def _cum(weights: list[float]) -> list[float]:
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


_CUM_B2C, _CUM_B2B = _cum(_HOURS_B2C), _cum(_HOURS_B2B)


def at_time(rng: random.Random, d: date, b2b: bool = False) -> datetime:
    cum = _CUM_B2B if b2b else _CUM_B2C
    hour = bisect.bisect_right(cum, rng.random() * cum[-1])
    return datetime(d.year, d.month, d.day, min(hour, 23), rng.randrange(60), rng.randrange(60))


def fmt_num(x: float, decimals: int = 2, *, thousands: bool = False, lang: str = "en") -> str:
    s = f"{x:,.{decimals}f}" if thousands else f"{x:.{decimals}f}"
    if lang == "it":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def fmt_trim(x: float, decimals: int, lang: str = "en") -> str:
    """Meta style: no trailing zeros ("14.9", "10")."""
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "it" else s


def fmt_pct(x: float | None, lang: str = "en") -> str:
    return " --" if x is None else fmt_num(x * 100, 2, lang=lang) + "%"


def slug(text: str, sep: str = "_") -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, t).strip(sep)


def csv_cell(value: object, delimiter: str, force: Callable[[str], bool] | None = None) -> str:
    s = "" if value is None else str(value)
    if (delimiter in s or '"' in s or "\n" in s or "\r" in s or (force is not None and force(s))):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_bytes(path: Path, data: bytes) -> Path:
    """Writes a new file and renames it over the old one (unchanged bytes are left alone): a hard link
    to the old export, such as roi's raw archive (data/raw/), keeps the bytes it was made from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return path
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_table(path: Path, rows: list[list[object]], *, delimiter: str = ",", newline: str = "\n",
                encoding: str = "utf-8", bom: bool = False, preamble: Iterable[str] = (),
                force: Callable[[str], bool] | None = None, final_newline: bool = True,
                footer: Iterable[str] = ()) -> Path:
    """Writes text lines exactly (no csv-module guesses): the tools differ in BOM, quoting and EOL."""
    lines = list(preamble) + [delimiter.join(csv_cell(v, delimiter, force) for v in r) for r in rows] + list(footer)
    text = newline.join(lines) + (newline if final_newline else "")
    if encoding == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    return write_bytes(path, data)


def _xlsx_column(i: int) -> str:
    name, i = "", i + 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


_XLSX_PARTS = {
    "[Content_Types].xml":
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels":
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>',
    "xl/styles.xml":
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def write_xlsx(path: Path, rows: list[list[object]], *, when: datetime, sheet: str = "Sheet1") -> Path:
    """A one-sheet workbook: str cells as inline text, int/float cells as numbers. Stored, not deflated,
    with fixed member times: the bytes depend neither on the zlib build nor on the clock."""
    xml_rows = []
    for i, row in enumerate(rows, 1):
        cells = []
        for j, v in enumerate(row):
            ref = f"{_xlsx_column(j)}{i}"
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        xml_rows.append(f'<row r="{i}">{"".join(cells)}</row>')
    width = max((len(r) for r in rows), default=1)
    sheet_xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<dimension ref="A1:{_xlsx_column(width - 1)}{max(1, len(rows))}"/>'
                 f'<sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    parts = dict(_XLSX_PARTS)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("{sheet}", escape(sheet))
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, when.hour, when.minute, 0))
            info.create_system, info.external_attr = 0, 0
            archive.writestr(info, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return write_bytes(path, buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# The business: campaigns, ads, products, people
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    account: str                    # google_it | google_en | meta
    id: str
    name: str
    ctype: str                      # campaign type (Google) or objective (Meta), English
    impressions: float              # base daily impressions (an average day, today's size)
    ctr: float
    cpc: float
    cvr: float                      # purchases per click, or leads per click when b2b
    signup: float = 0.0             # newsletter sign-ups per click (B2C)
    b2b: bool = False
    yearly: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((m, d), (m, d)) each year
    launch: date | None = None
    pauses: tuple[tuple[date, date], ...] = ()

    def active(self, d: date) -> bool:
        if self.launch and d < self.launch:
            return False
        if any(a <= d <= b for a, b in self.pauses):
            return False
        if self.yearly:
            (m1, d1), (m2, d2) = self.yearly
            return (m1, d1) <= (d.month, d.day) <= (m2, d2)
        return True

    def ramp(self, d: date) -> float:
        """Learning phase: reduced delivery for ~10 days after a launch or a restart."""
        starts = [b + timedelta(days=1) for _, b in self.pauses if b < d]
        if self.launch:
            starts.append(self.launch)
        if self.yearly:
            starts.append(date(d.year, *self.yearly[0]))
        live = min(((d - s).days for s in starts if s <= d), default=99)
        return min(1.0, 0.45 + 0.055 * live)


G_IT, G_EN, META = "google_it", "google_en", "meta"
ACCOUNTS = {
    G_IT: {"id": "123-456-7890", "currency": "EUR"},
    G_EN: {"id": "987-654-3210", "currency": "USD"},
    META: {"id": "act_1029384756", "currency": "EUR"},
}

CAMPAIGNS: tuple[Campaign, ...] = (
    # Google Ads, Italian account (EUR): e-commerce
    Campaign(G_IT, "20815436701", "IT_Search_Brand", "Search", 1500, 0.095, 0.30, 0.050, 0.010),
    Campaign(G_IT, "20815436702", "IT_Search_Generico_Cosmetici", "Search", 4200, 0.031, 0.74, 0.020,
             0.014),
    Campaign(G_IT, "20815436703", "IT_Shopping_Catalogo", "Shopping", 9500, 0.011, 0.44, 0.026, 0.008),
    Campaign(G_IT, "20815436704", "IT_Search_Saldi_Estivi", "Search", 4200, 0.026, 0.50, 0.028, 0.010,
             yearly=((6, 20), (8, 31))),
    Campaign(G_IT, "21990871205", "IT_PMax_Autunno_2026", "Performance Max", 11000, 0.012, 0.36, 0.024,
             0.010, launch=date(2026, 9, 15)),
    Campaign(G_IT, "19876543206", "IT_Search_Black_Friday", "Search", 6000, 0.035, 0.68, 0.034, 0.012,
             yearly=((11, 14), (12, 1))),
    Campaign(G_IT, "19876543207", "IT_Shopping_Natale", "Shopping", 12000, 0.013, 0.48, 0.030, 0.008,
             yearly=((12, 1), (12, 22))),
    # Google Ads, English account billed in USD: international B2B lead generation
    Campaign(G_EN, "18277460011", "EN_Search_Wholesale_Cosmetics", "Search", 800, 0.048, 1.95, 0.050,
             b2b=True),
    Campaign(G_EN, "18277460012", "EN_Search_Private_Label", "Search", 420, 0.052, 2.45, 0.040, b2b=True,
             pauses=((date(2026, 8, 10), date(2026, 8, 23)),)),
    Campaign(G_EN, "18277460013", "EN_Display_Remarketing_B2B", "Display", 8000, 0.0032, 0.55, 0.012,
             b2b=True, launch=date(2025, 3, 3)),
    # Meta Ads (EUR)
    Campaign(META, "120208765432100010", "BV_Prospecting_Broad", "Sales", 12000, 0.009, 0.52, 0.016,
             0.012),
    Campaign(META, "120208765432100020", "BV | Retargeting | DPA", "Sales", 3400, 0.016, 0.44, 0.050,
             0.006),
    Campaign(META, "120208765432100030", "BV_Lead_B2B_Rivenditori", "Leads", 2600, 0.008, 1.15, 0.085,
             b2b=True),
    Campaign(META, "120211234567800040", "BV_Lancio_Linea_Bio", "Sales", 8500, 0.011, 0.48, 0.020, 0.014,
             launch=date(2026, 10, 1)),
    Campaign(META, "120199876543200050", "BV_Black_Friday", "Sales", 14000, 0.013, 0.55, 0.030, 0.008,
             yearly=((11, 10), (11, 30))),
)
BY_NAME = {c.name: c for c in CAMPAIGNS}


@dataclass(frozen=True)
class MetaAd:
    campaign: Campaign
    adset_id: str
    adset: str
    id: str
    name: str
    share: float


def _meta_ads() -> tuple[MetaAd, ...]:
    spec = [
        ("BV_Prospecting_Broad", "Donne 25-54 · Italia", [
            ("🍂 Autunno – Carosello prodotti", 0.22), ("Video UGC\nversione 2", 0.18),
            ("Statico – Crema viso calendula", 0.12)]),
        ("BV_Prospecting_Broad", "Lookalike 1% Clienti", [
            ("🌿 Ingredienti naturali – Video 15s", 0.28), ("Statico – Crema viso calendula", 0.20)]),
        ("BV | Retargeting | DPA", "Visitatori 30 gg", [("Catalogo dinamico – Visti di recente", 0.55)]),
        ("BV | Retargeting | DPA", "Carrello abbandonato 7 gg", [
            ("🛒 Hai dimenticato qualcosa?", 0.27), ("Catalogo dinamico – Spedizione gratuita", 0.18)]),
        ("BV_Lead_B2B_Rivenditori", "Erboristerie e farmacie", [
            ("Diventa rivenditore 💼", 0.6), ("Listino B2B – Carosello", 0.4)]),
        ("BV_Lancio_Linea_Bio", "Interessi bio & vegan", [
            ("✨ Nuova linea Bio – Reel", 0.35), ("Nuova linea Bio – Statico", 0.2)]),
        ("BV_Lancio_Linea_Bio", "Advantage+ pubblico", [("✨ Nuova linea Bio – Reel", 0.45)]),
        ("BV_Black_Friday", "Clienti + Lookalike", [
            ("🔥 Black Friday -30% – Carosello", 0.6), ("Black Friday – Storia countdown", 0.4)]),
    ]
    ads, seq = [], {}
    for camp_name, adset, items in spec:
        c = BY_NAME[camp_name]
        n = seq[c.id] = seq.get(c.id, 0) + 1
        adset_id = str(int(c.id) + 100 * n + 1_000_000)
        for j, (name, share) in enumerate(items, 1):
            ads.append(MetaAd(c, adset_id, adset, str(int(adset_id) + 2_000_000 + j), name, share))
    return tuple(ads)


META_ADS = _meta_ads()

# The smaller channels, simulated after the main ones on a random stream of their own (Simulation.extend):
# a LinkedIn B2B account, a Microsoft Ads copy of the Italian search campaigns, and a one-month TikTok
# test for the Bio line launch (the "experiment" budget bucket).
LI, MS, TT = "linkedin", "microsoft", "tiktok"
ACCOUNTS.update({
    LI: {"id": "508812345", "name": "BV Cosmetici Naturali – B2B", "currency": "EUR"},
    MS: {"id": "180456789", "number": "F149XK2P", "name": "BV Cosmetici IT", "currency": "EUR"},
    TT: {"id": "7301234567890123457", "name": "BV Cosmetici Naturali", "currency": "EUR"},
})
LINKEDIN_LAUNCH, TIKTOK_LAUNCH = date(2026, 3, 2), date(2026, 10, 1)
MORE_CAMPAIGNS: tuple[Campaign, ...] = (
    # LinkedIn Campaign Manager (EUR): Italian shops, and from mid-September private label abroad
    Campaign(LI, "284512301", "BV_B2B_Rivenditori_Italia", "Sponsored Content", 1050, 0.0062, 3.55, 0.060,
             b2b=True, launch=LINKEDIN_LAUNCH),
    Campaign(LI, "284512302", "BV_B2B_Private_Label_EU", "Sponsored Content", 760, 0.0055, 4.85, 0.050,
             b2b=True, launch=date(2026, 9, 14)),
    # Microsoft Advertising (EUR): the Italian search campaigns imported from Google Ads
    Campaign(MS, "412003101", "MS_IT_Search_Brand", "Search", 230, 0.085, 0.24, 0.050, 0.010),
    Campaign(MS, "412003102", "MS_IT_Search_Generico_Cosmetici", "Search", 900, 0.028, 0.45, 0.018, 0.012),
    # TikTok Ads Manager (EUR): the October test
    Campaign(TT, "1812345678901234567", "BV_TikTok_Test_Linea_Bio", "Sales", 5600, 0.0085, 0.48, 0.0075,
             0.010, launch=TIKTOK_LAUNCH),
)
LI_GROUPS = {"284512301": ("Rivenditori Italia 2026", "612004501"),
             "284512302": ("Private label 2026", "612004502")}


def _tiktok_ads() -> tuple[MetaAd, ...]:
    c = next(c for c in MORE_CAMPAIGNS if c.account == TT)
    spec = [("Donne 18-34 · Italia", "1812345678901234601", [
                ("✨ Linea Bio – UGC routine serale", "1812345678901239011", 0.45),
                ("Spark Ad @giulia.green 🌿", "1812345678901239012", 0.35)]),
            ("Interessi clean beauty", "1812345678901234602", [
                ("✨ Linea Bio – UGC routine serale", "1812345678901239021", 0.30),
                ("Prima e dopo in 15 secondi", "1812345678901239022", 0.25)])]
    return tuple(MetaAd(c, adset_id, adset, ad_id, name, share)
                 for adset, adset_id, items in spec for name, ad_id, share in items)


TIKTOK_ADS = _tiktok_ads()

# (name, url handle, price EUR, available from, seasonal months or None)
PRODUCTS = (
    ("Crema viso idratante alla calendula 50 ml", "crema-viso-calendula", 14.99),
    ("Siero viso all'acido ialuronico 30 ml", "siero-acido-ialuronico", 19.99),
    ("Shampoo all'ortica bio 250 ml", "shampoo-ortica-bio", 7.99),
    ("Balsamo nutriente all'olio d'oliva 200 ml", "balsamo-olio-oliva", 8.49),
    ("Bagnoschiuma fiori di tiglio 400 ml", "bagnoschiuma-tiglio", 6.99),
    ("Crema mani al burro di karité, 75 ml", "crema-mani-karite", 5.99),
    ("Latte corpo alla mandorla dolce 250 ml", "latte-corpo-mandorla", 11.99),
    ("Olio secco multifunzione 100 ml", "olio-secco", 16.90),
    ("Maschera viso argilla verde 75 ml", "maschera-argilla-verde", 9.99),
    ('Contorno occhi "Luce" 15 ml', "contorno-occhi-luce", 17.50),
    ("Deodorante roll-on salvia 50 ml", "deodorante-salvia", 5.49),
    ("Scrub corpo zucchero e limone 200 ml", "scrub-zucchero-limone", 12.99),
    ("Acqua profumata fico & vaniglia 100 ml", "acqua-profumata-fico-vaniglia", 22.90),
    ("Rossetto matte nude n. 03", "rossetto-matte-nude-03", 9.90),
    ("Mascara volume nero", "mascara-volume-nero", 11.90),
    ("Cofanetto regalo Rituale Calendula", "cofanetto-rituale-calendula", 34.90),
    ("Cofanetto regalo Mandorla & Karité", "cofanetto-mandorla-karite", 29.90),
    ("Crema solare SPF 30 150 ml", "crema-solare-spf30", 15.90),
    ("Crema notte rigenerante Bio 50 ml", "crema-notte-bio", 24.90),
    ("Detergente viso Bio alla camomilla 150 ml", "detergente-viso-bio", 12.90),
    ("Siero Bio vitamina C 30 ml", "siero-bio-vitamina-c", 26.90),
)
BIO_LAUNCH = date(2026, 10, 1)


def product_weights(d: date) -> list[float]:
    w = []
    for name, _, _ in PRODUCTS:
        x = 1.0
        if "Cofanetto" in name:
            x = 4.0 if d.month == 12 or (d.month == 11 and d.day > 15) else 0.4
        elif "solare" in name:
            x = 2.5 if d.month in (5, 6, 7, 8) else 0.05
        elif "Bio" in name and name != "Shampoo all'ortica bio 250 ml":
            x = 2.2 if d >= BIO_LAUNCH else 0.0
        w.append(x)
    return w


FIRST_F = ("Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Elisa",
           "Federica", "Silvia", "Laura", "Paola", "Elena", "Anna", "Roberta", "Simona", "Ilaria",
           "Beatrice", "Camilla", "Noemi", "Greta", "Aurora", "Sofia", "Giorgia", "Alice", "Marta",
           "Serena", "Veronica", "Cristina", "Monica", "Barbara", "Daniela", "Claudia", "Lucia",
           "Margherita", "Benedetta", "Arianna", "Eleonora", "Irene", "Nicoletta")
FIRST_M = ("Marco", "Luca", "Andrea", "Matteo", "Alessandro", "Davide", "Francesco", "Lorenzo",
           "Simone", "Stefano", "Nicolò", "Riccardo", "Giovanni", "Paolo", "Federico", "Michele")
LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
        "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo",
        "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferri",
        "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis", "Gatti",
        "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato",
        "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti",
        "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino",
        "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali",
        "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino",
        "D'Amico", "Orlando", "Damico", "Negri", "Mele")
FIRST_INTL = ("Anna", "Laura", "Sophie", "Emma", "Julia", "Hannah", "Claire", "Marie", "Lucía",
              "Carmen", "Thomas", "Daniel", "Peter", "Jan", "Pierre", "Javier", "Oliver", "Sarah")
LAST_INTL = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Martin", "Bernard", "Dubois",
             "García", "Fernández", "López", "Smith", "Jones", "Taylor", "Brown", "de Vries", "Jansen",
             "Novak", "Kowalski", "Nielsen")
B2C_DOMAINS = (("gmail.com", 40), ("libero.it", 14), ("hotmail.it", 9), ("yahoo.it", 7),
               ("outlook.it", 8), ("icloud.com", 8), ("alice.it", 5), ("virgilio.it", 4),
               ("tiscali.it", 3), ("live.it", 2))
IT_SHOPS = ("Erboristeria", "Farmacia", "Parafarmacia", "Profumeria", "Bioprofumeria", "Concept store")
IT_SHOP_NAMES = ("La Camomilla", "San Marco", "Salute & Natura", "Il Melograno", "Verde Salvia",
                 "Centrale", "del Corso", "La Lavanda", "Natura Viva", "Sole e Luna", "Il Girasole",
                 "Santa Chiara", "Belvedere", "L'Albero", "Dolce Natura", "Fior di Loto")
IT_CITIES = ("Milano", "Roma", "Torino", "Bologna", "Firenze", "Napoli", "Verona", "Padova", "Bari",
             "Genova", "Brescia", "Parma", "Modena", "Trento", "Pescara", "Lecce", "Bergamo", "Udine")
INTL_COMPANIES = (("Naturkosmetik {} GmbH", "de"), ("Green Beauty {} Ltd", "co.uk"),
                  ("Belleza Natural {} SL", "es"), ("Beauté Bio {} SARL", "fr"),
                  ("{} Organics BV", "nl"), ("{} Natural Care AB", "se"), ("Bio-Drogerie {} GmbH", "at"),
                  ("{} Wellness Sp. z o.o.", "pl"), ("{} Beauty Distribution LLC", "com"))
INTL_BRANDS = ("Alpen", "Nordic", "Blue Lotus", "Helios", "Verde", "Aurora", "Linden", "Sunna", "Iris",
               "Oak & Moss", "Mira", "Cedar", "Luma", "Flora", "Atlas", "Solace")


@dataclass(frozen=True)
class Touch:
    """A marketing touch: the UTM triple, the ad/email it came from (key) and its URL extras."""
    source: str
    medium: str
    campaign: str
    key: tuple[str, str] | None = None  # ("google", campaign id) | ("meta", ad id) | ("email", uid)
    extra: str = ""

    def query(self) -> str:
        q = (f"utm_source={quote(self.source, safe='')}&utm_medium={quote(self.medium, safe='')}"
             f"&utm_campaign={quote(self.campaign, safe='')}")
        return q + self.extra

    @property
    def label(self) -> str:
        return {"cpc": "Paid Search", "paid_social": "Paid Social", "paid": "Paid Social",
                "email": "Email Marketing", "organic": "Organic Search", "referral": "Referrals",
                "events": "Offline Sources"}.get(self.medium, "Other Campaigns")


@dataclass(eq=False)
class Person:
    record_id: int | None           # None: guest checkout, not in the CRM
    first: str
    last: str
    email: str
    company: str
    city: str
    created: datetime
    touch: Touch | None
    b2b: bool
    mql: datetime | None = None
    sql: datetime | None = None
    customer: datetime | None = None
    orders: int = 0


@dataclass(eq=False)
class Order:
    created: datetime
    person: Person
    touch: Touch | None
    landing: str
    lines: list[tuple[str, str, int, float]]   # (name, sku, qty, unit price)
    discount_code: str
    discount: float
    shipping: float
    status: str
    refunded: float
    b2b: bool
    seq: int = 0

    @property
    def subtotal(self) -> float:
        return round(sum(q * p for _, _, q, p in self.lines) - self.discount, 2)

    @property
    def total(self) -> float:
        return round(self.subtotal + self.shipping, 2)


@dataclass
class EmailCampaign:
    uid: str
    title: str
    subject: str
    list_name: str
    sent: datetime
    recipients: int
    soft: int
    hard: int
    unique_opens: int
    total_opens: int
    unique_clicks: int
    total_clicks: int
    unsubscribes: int
    complaints: int
    forwarded: int
    ecommerce: bool
    touch: Touch
    campaign_id: str = ""           # the tool's own id (Klaviyo, HubSpot); variants of an A/B test share it
    variant: str = ""

    @property
    def delivered(self) -> int:
        return self.recipients - self.soft - self.hard


@dataclass
class AdDay:
    """One row of an ads export before formatting: money in cents, conversions in hundredths."""
    day: date
    campaign: Campaign
    ad: MetaAd | None
    impressions: int
    clicks: int
    cost_cents: int
    reach: int = 0
    conv_centi: int = 0
    value_cents: int = 0


# ---------------------------------------------------------------------------------------------
# The simulation: ads → clicks → contacts, orders, pipeline; email sends; repeat purchases
# ---------------------------------------------------------------------------------------------

EMAIL_THEMES_AUTUMN = (
    ("Novità d'autunno", "Novità d'autunno: la routine viso che ami"),
    ("Idratazione", "Idratazione profonda per le prime giornate fresche"),
    ("Ricariche", "Più idratazione, meno sprechi: arrivano le ricariche"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
    ("Capelli", "Capelli forti all'ortica: la guida d'autunno"),
)
EMAIL_THEMES_WINTER = (
    ("Regali", "Idee regalo sotto i 30 €: i cofanetti più amati"),
    ("Natale", "Il Natale è più buono quando è naturale"),
    ("Mani", "Mani screpolate? Il burro di karité è la risposta"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_SPRING = (
    ("Primavera", "Primavera in fiore: profumi leggeri e freschezza"),
    ("Esfoliazione", "Scrub e maschere: la pelle si prepara alla bella stagione"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_SUMMER = (
    ("Estate", "Sole sì, ma con la protezione giusta"),
    ("Saldi", "Saldi estivi: fino al 40% sui preferiti"),
    ("Doposole", "Dopo il mare: idratazione intensa per tutta la famiglia"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_B2B = (
    ("Listino", "Il nostro listino B2B è aggiornato"),
    ("Rivenditori", "Perché erboristerie e farmacie scelgono noi"),
    ("Espositori", "Nuovi espositori da banco per il tuo punto vendita"),
    ("Formazione", "Formazione gratuita per il tuo staff: le date d'autunno"),
    ("Private label", "Private label: la tua linea cosmetica prodotta in Italia"),
)
# Brevo: the trade-fair team's list of shops; (days from the fair's first day, hour, minute, short, subject)
BREVO_SENDS = (
    (-11, 10, 0, "Invito", "Ti aspettiamo al SANA {y}: Padiglione 21, stand B34"),
    (-3, 9, 30, "Promemoria", "Tra pochi giorni al SANA: prenota il tuo appuntamento allo stand"),
    (5, 11, 0, "Grazie", "Grazie per la visita al SANA {y} 🌿 il listino fiera è qui"),
    (19, 10, 0, "Offerta fiera", "Ultimi giorni per le condizioni fiera: -15% sul primo ordine"),
)
# Klaviyo: a trial on the Shopify customers, Wednesdays from the Bio launch; two subjects = an A/B test
KLAVIYO_START = date(2026, 10, 1)
KLAVIYO_THEMES = (
    ("Linea Bio – i preferiti", ("I 3 prodotti Bio più amati della prima settimana 🌿",)),
    ("Routine d'autunno", ("La tua routine d'autunno in 3 passi",)),
    ("Siero vitamina C", ("Luminosità in 7 giorni: il siero Bio alla vitamina C",
                          "Hai già provato il siero più richiesto?")),
    ("Cofanetti regalo", ("Pensa già ai regali: i cofanetti sono arrivati 🎁",)),
)
# HubSpot marketing emails: B2B nurturing of the MQLs, Wednesdays of odd ISO weeks
HUBSPOT_START = date(2026, 3, 4)
HUBSPOT_THEMES = (
    ("Chi siamo", "Cosmetici naturali prodotti in Italia: chi siamo"),
    ("Margini", "Quanto guadagna un rivenditore con la nostra linea?"),
    ("Caso di successo", "Come un'erboristeria di Bologna ha raddoppiato le vendite"),
    ("Kit campioni", "Richiedi il kit campioni gratuito per il tuo negozio"),
    ("Private label", "La tua linea cosmetica, prodotta nel nostro laboratorio"),
)


class Simulation:
    def __init__(self, start: date, end: date, seed: int):
        self.start, self.end = start, end
        self.rng = random.Random(f"roi-demo:{seed}:sim")
        self.seed = seed
        self.people: list[Person] = []
        self.orders: list[Order] = []
        self.ad_days: list[AdDay] = []
        self.emails: list[EmailCampaign] = []
        self.agenda: dict[date, list[tuple]] = defaultdict(list)
        self.b2c_customers: list[Person] = []
        self.b2c_leads: list[Person] = []
        self.used_emails: set[str] = set()
        self.next_record = 61_250_000_000 + 1000
        self.last_client_email: EmailCampaign | None = None
        self.order_seq = 0
        self.more_ad_days: list[AdDay] = []                 # LinkedIn, Microsoft Ads, TikTok
        self.tool_emails: dict[str, list[EmailCampaign]] = {"brevo": [], "klaviyo": [], "hubspot": []}
        self._pool: list[Person] = []                       # B2C customers by first purchase (extend)
        self._pool_times: list[datetime] = []

    # -- people ------------------------------------------------------------------------------
    def _unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def new_person(self, t: datetime, touch: Touch | None, *, b2b: bool = False, intl: bool = False,
                   crm: bool = True) -> Person:
        r = self.rng
        if intl:
            first, last = r.choice(FIRST_INTL), r.choice(LAST_INTL)
            template, tld = r.choice(INTL_COMPANIES)
            company = template.format(r.choice(INTL_BRANDS))
            domain = slug(company.split(" GmbH")[0].split(" Ltd")[0], "-")[:24].strip("-") + "." + tld
            city = ""
        else:
            first = r.choice(FIRST_F) if r.random() < 0.82 or b2b else r.choice(FIRST_M)
            last = r.choice(LAST)
            city = r.choice(IT_CITIES)
            company = f"{r.choice(IT_SHOPS)} {r.choice(IT_SHOP_NAMES)}" if b2b else ""
            domain = (slug(company, "") + "." + r.choice(("it", "it", "com"))) if b2b else \
                r.choices([d for d, _ in B2C_DOMAINS], [w for _, w in B2C_DOMAINS])[0]
        f, l_ = slug(first, ""), slug(last, "")
        style = r.random()
        if b2b or intl:
            local = f"{f}.{l_}" if style < 0.7 else (f"{f[0]}.{l_}" if style < 0.9 else "info")
        elif style < 0.45:
            local = f"{f}.{l_}"
        elif style < 0.65:
            local = f"{f}{l_}"
        elif style < 0.78:
            local = f"{f[0]}.{l_}"
        elif style < 0.88:
            local = f"{f}_{l_}"
        else:
            local = f"{f}.{l_}{r.randrange(60, 100) if r.random() < 0.5 else r.randrange(1, 30)}"
        record = None
        if crm:
            self.next_record += r.randrange(1, 40)
            record = self.next_record
        p = Person(record, first, last, self._unique_email(local, domain), company, city, t, touch,
                   b2b or intl)
        self.people.append(p)
        if crm and not p.b2b:
            self.b2c_leads.append(p)
        return p

    # -- orders ------------------------------------------------------------------------------
    def _landing(self, touch: Touch | None, handle: str, b2b: bool) -> str:
        r = self.rng
        if b2b:
            return r.choice(("/account/login", "/pages/rivenditori", "/collections/b2b"))
        if touch is None:
            return r.choice(("/", "/", f"/products/{handle}", "/collections/viso", "/collections/corpo",
                             "/blogs/consigli/routine-viso-autunno"))
        page = f"/products/{handle}" if touch.medium != "email" else r.choice(
            ("/collections/novita", f"/products/{handle}", "/"))
        return f"{page}?{touch.query()}"

    def place_order(self, t: datetime, person: Person, touch: Touch | None, *, b2b: bool = False,
                    code: str = "") -> Order | None:
        if t.date() > self.end:
            return None
        r = self.rng
        d = t.date()
        weights = product_weights(d)
        if b2b:
            k = r.randint(3, 6)
            idx = []
            while len(idx) < k:
                i = r.choices(range(len(PRODUCTS)), weights)[0]
                if i not in idx:
                    idx.append(i)
            lines = [(PRODUCTS[i][0], f"BV-{i + 101:04d}-B2B", r.choice((12, 12, 24, 24, 36, 48)),
                      round(PRODUCTS[i][2] * 0.55, 2)) for i in idx]
        else:
            k = r.choices((1, 2, 3, 4, 5), (30, 30, 22, 12, 6))[0]
            idx = []
            for _ in range(k):
                i = r.choices(range(len(PRODUCTS)), weights)[0]
                if i not in idx:
                    idx.append(i)
            lines = [(PRODUCTS[i][0], f"BV-{i + 101:04d}", 2 if r.random() < 0.15 else 1, PRODUCTS[i][2])
                     for i in idx]
        gross = sum(q * p for _, _, q, p in lines)
        discount = 0.0
        if code == "SCONTO10" and gross >= 39:
            discount = 10.0
        elif not b2b and person.orders == 0 and r.random() < 0.12:
            code, discount = "BENVENUTO15", round(gross * 0.15, 2)
        else:
            code = ""
        subtotal = gross - discount
        shipping = (0.0 if subtotal >= 500 else 15.0) if b2b else (0.0 if subtotal >= 49 else 4.90)
        status, refunded = "paid", 0.0
        x = r.random()
        if b2b and (self.end - d).days < 10 and x < 0.5:
            status = "pending"
        elif not b2b and (self.end - d).days >= 5:
            if x < 0.03:
                status, refunded = "refunded", round(subtotal + shipping, 2)
            elif x < 0.05 and len(lines) > 1:
                status, refunded = "partially_refunded", lines[-1][3]
        self.order_seq += 1
        o = Order(t, person, touch, self._landing(touch, next(h for n, h, _ in PRODUCTS
                                                               if n == lines[0][0]), b2b),
                  lines, code, discount, shipping, status, refunded, b2b, self.order_seq)
        self.orders.append(o)
        if person.customer is None:
            person.customer = t
            if person.record_id is not None and not person.b2b:
                self.b2c_customers.append(person)
        person.orders += 1
        return o

    def schedule(self, d: date, event: tuple) -> None:
        if d <= self.end:
            self.agenda[d].append(event)

    def first_purchase_now(self, d: date, touch: Touch | None) -> None:
        t = at_time(self.rng, d)
        p = self.new_person(t, touch, crm=self.rng.random() > 0.03)
        # Google does not tag organic results: the shop sees no UTM (last touch = direct)
        order_touch = None if touch and touch.medium == "organic" else touch
        self.place_order(t + timedelta(minutes=self.rng.randrange(2, 25)), p, order_touch)
        self._maybe_repeat(p, d, 0.45)

    def _maybe_repeat(self, p: Person, d: date, prob: float) -> None:
        if self.rng.random() < prob:
            gap = 7 + int(self.rng.expovariate(1 / 50))
            self.schedule(d + timedelta(days=gap), ("repeat", p))

    def signup(self, d: date, touch: Touch | None) -> None:
        p = self.new_person(at_time(self.rng, d), touch)
        if self.rng.random() < 0.22:
            self.schedule(d + timedelta(days=1 + int(self.rng.expovariate(1 / 14))), ("late_first", p))

    def returning_purchase(self, d: date, touch: Touch) -> bool:
        if not self.b2c_customers:
            return False
        p = self.b2c_customers[self.rng.randrange(len(self.b2c_customers))]
        self.place_order(at_time(self.rng, d), p, touch)
        return True

    # -- B2B pipeline --------------------------------------------------------------------------
    def b2b_lead(self, t: datetime, touch: Touch, *, intl: bool, mql_rate: float = 0.55) -> None:
        p = self.new_person(t, touch, b2b=True, intl=intl)
        if self.rng.random() < mql_rate:
            self.schedule(self._workday(t.date() + timedelta(days=self.rng.randint(0, 4))), ("mql", p))

    @staticmethod
    def _workday(d: date) -> date:
        return d + timedelta(days=(7 - d.weekday()) % 7) if d.weekday() >= 5 else d

    def _b2b_time(self, d: date, after: datetime) -> datetime:
        t = at_time(self.rng, d, b2b=True)
        return t if t > after else after + timedelta(minutes=self.rng.randrange(20, 240))

    # -- one day ------------------------------------------------------------------------------
    def run(self) -> None:
        for d in daterange(self.start, self.end):
            self._ads(d)
            self._organic(d)
            self._email(d)
            self._fair(d)
            while self.agenda.get(d):
                for event in self.agenda.pop(d):
                    self._handle(d, event)

    def _touch_for(self, c: Campaign, ad: MetaAd | None) -> Touch:
        r = self.rng
        if c.account == META:
            src, med = ("facebook", "paid_social") if r.random() < 0.6 else ("instagram", "paid")
            fbclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                                       k=22))
            return Touch(src, med, c.name, ("meta", ad.id), f"&utm_content={ad.id}&fbclid=IwAR{fbclid}")
        gclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=24))
        return Touch("google", "cpc", c.name, ("google", c.id), f"&gclid=Cj0KCQjw{gclid}")

    def _ads(self, d: date) -> None:
        r = self.rng
        s = season(d)
        cpc_pressure = 1 + 0.35 * (MONTH_FACTOR[d.month] - 1)
        for c in CAMPAIGNS:
            if not c.active(d):
                continue
            wd = (WEEKDAY_B2B if c.b2b else WEEKDAY_B2C)[d.weekday()]
            base = c.impressions * s * wd * c.ramp(d) * noise(r, 0.10)
            units = [a for a in META_ADS if a.campaign is c] if c.account == META else [None]
            for ad in units:
                share = ad.share * noise(r, 0.18) if ad else 1.0
                impr = round(base * share)
                if impr <= 0:
                    continue
                clicks = min(impr, poisson(r, impr * c.ctr * noise(r, 0.08)))
                cpc = c.cpc * cpc_pressure * noise(r, 0.07)
                cost_cents = round(clicks * cpc * 100)
                reach = 0
                if ad:
                    freq = (1.6 if "Retargeting" in c.name else 1.08) + 0.5 * r.random()
                    reach = max(1, min(impr, round(impr / freq)))
                    cost_cents = max(cost_cents, round(impr * 0.0022 * 100))  # CPM floor ~2.2 €
                self.ad_days.append(AdDay(d, c, ad, impr, clicks, cost_cents, reach))
                self._outcomes(d, c, ad, clicks)

    def _outcomes(self, d: date, c: Campaign, ad: MetaAd | None, clicks: int) -> None:
        r = self.rng
        if c.b2b:
            for _ in range(poisson(r, clicks * c.cvr)):
                self.b2b_lead(at_time(r, d, b2b=True), self._touch_for(c, ad), intl=c.account == G_EN)
            return
        weekday_cvr = 1.08 if d.weekday() == 6 else 1.0
        returning_share = 0.45 if "Brand" in c.name else (0.35 if "Retargeting" in c.name else 0.18)
        for _ in range(poisson(r, clicks * c.cvr * weekday_cvr)):
            touch = self._touch_for(c, ad)
            if r.random() < returning_share and self.returning_purchase(d, touch):
                continue
            self.first_purchase_now(d, touch)
        for _ in range(poisson(r, clicks * c.signup)):
            self.signup(d, self._touch_for(c, ad))

    def _organic(self, d: date) -> None:
        r = self.rng
        f = season(d) * WEEKDAY_B2C[d.weekday()]
        organic = Touch("google", "organic", "")
        for _ in range(poisson(r, 6.5 * f)):
            if r.random() < 0.35:
                self.first_purchase_now(d, organic)
            else:
                self.signup(d, organic)
        for _ in range(poisson(r, 1.2 * f)):
            site = r.choice(("beautyblog.it", "greenme.it", "cosmeticinatura.it", "vivereverde.it"))
            touch = Touch(site, "referral", r.choice(("recensione_crema_viso", "guida_regali",
                                                       "routine_naturale")))
            (self.first_purchase_now if r.random() < 0.3 else self.signup)(d, touch)
        for _ in range(poisson(r, 2.6 * f)):
            (self.first_purchase_now if r.random() < 0.5 else self.signup)(d, None)
        for _ in range(poisson(r, 0.35 * WEEKDAY_B2B[d.weekday()])):
            self.b2b_lead(at_time(r, d, b2b=True), organic, intl=r.random() < 0.3)

    def _handle(self, d: date, event: tuple) -> None:
        r = self.rng
        kind, p = event[0], event[1]
        if kind == "late_first":
            if p.customer is not None:
                return
            x = r.random()
            recent = self.last_client_email
            if x < 0.45 and recent and (d - recent.sent.date()).days <= 10:
                touch = recent.touch
            elif x < 0.55:
                touch = self._touch_for(BY_NAME["IT_Search_Brand"], None)
            else:
                touch = None
            self.place_order(at_time(r, d), p, touch)
            self._maybe_repeat(p, d, 0.45)
        elif kind == "repeat":
            x = r.random()
            brand = BY_NAME["IT_Search_Brand"]
            touch = self._touch_for(brand, None) if x < 0.2 and brand.active(d) else None
            self.place_order(at_time(r, d), p, touch)
            self._maybe_repeat(p, d, 0.5)
        elif kind == "repeat_plain":                     # a customer of the smaller channels comes back
            self.place_order(at_time(r, d), p, None)
        elif kind == "email_order":
            campaign: EmailCampaign = event[2]
            self.place_order(event[3], p, campaign.touch,
                             code="SCONTO10" if "sconto" in campaign.subject else "")
        elif kind == "mql":
            p.mql = self._b2b_time(d, p.created)
            if r.random() < 0.45:
                self.schedule(self._workday(d + timedelta(days=r.randint(2, 10))), ("sql", p))
        elif kind == "sql":
            p.sql = self._b2b_time(d, p.mql)
            if r.random() < 0.35:
                self.schedule(self._workday(d + timedelta(days=r.randint(7, 35))), ("won", p))
        elif kind in ("won", "reorder"):
            after = p.sql if kind == "won" else p.created
            self.place_order(self._b2b_time(d, after), p, None, b2b=True)
            if r.random() < 0.7:
                self.schedule(self._workday(d + timedelta(days=r.randint(25, 50))), ("reorder", p))

    # -- email -------------------------------------------------------------------------------
    def _email(self, d: date) -> None:
        wd = d.weekday()
        if wd == 1:
            self._send(d, "Clienti", 8, 30, promo=False)
        if wd == 4 and d.day <= 7:
            self._send(d, "Clienti", 18, 0, promo=True)
        if wd == 3 and d.isocalendar()[1] % 2 == 0:
            self._send(d, "Newsletter B2B", 10, 0, promo=False)

    def _send(self, d: date, list_name: str, hh: int, mm: int, *, promo: bool) -> None:
        r = self.rng
        b2b = list_name != "Clienti"
        if promo:
            short, subject = "Promo", "€ 10 di sconto sul tuo prossimo ordine"
        else:
            themes = EMAIL_THEMES_B2B if b2b else (
                EMAIL_THEMES_AUTUMN if d.month in (9, 10, 11) else EMAIL_THEMES_WINTER
                if d.month in (12, 1, 2) else EMAIL_THEMES_SPRING if d.month in (3, 4, 5)
                else EMAIL_THEMES_SUMMER)
            short, subject = themes[(d.toordinal() // 7) % len(themes)]
            if not b2b and d >= BIO_LAUNCH and d < BIO_LAUNCH + timedelta(days=7):
                short, subject = "Linea Bio", "È arrivata la nuova Linea Bio: scoprila per prima"
        days_in = (d - date(2024, 11, 1)).days
        size = round((1650 + 0.9 * days_in) if b2b else (12500 + 6.5 * days_in))
        recipients = max(200, size + r.randint(-40, 40))
        soft = poisson(r, recipients * 0.004)
        hard = poisson(r, recipients * 0.0015)
        delivered = recipients - soft - hard
        uo = round(delivered * r.uniform(0.30, 0.42) * (1.05 if promo else 1.0))
        uc = round(delivered * (r.uniform(0.028, 0.045) if b2b else r.uniform(0.018, 0.032))
                   * (1.35 if promo else 1.0))
        uid = "".join(r.choices("0123456789abcdef", k=10))
        title = f"{list_name} – {short} ({d:%d/%m/%y})"
        if promo:
            title = f"{list_name} – Promo, € 10 di sconto ({d:%d/%m/%y})"
        touch = Touch("mailchimp", "email", slug(f"{list_name}_{short}_{d:%Y_%m_%d}"), ("email", uid),
                      f"&mc_cid={uid}&mc_eid={''.join(r.choices('0123456789abcdef', k=10))}")
        camp = EmailCampaign(uid, title, subject, list_name, datetime(d.year, d.month, d.day, hh, mm),
                             recipients, soft, hard, uo, round(uo * r.uniform(1.4, 1.9)), uc,
                             round(uc * r.uniform(1.2, 1.6)), poisson(r, delivered * 0.0016),
                             poisson(r, delivered * 0.00008), poisson(r, 2), not b2b, touch)
        self.emails.append(camp)
        if b2b:
            # Forwarded to colleagues: a few new B2B contacts per send
            for _ in range(poisson(r, 0.6)):
                self.b2b_lead(camp.sent + timedelta(hours=r.randint(1, 30)), touch, intl=False)
            return
        self.last_client_email = camp
        for _ in range(poisson(r, uc * (0.075 if promo else 0.045))):
            offset = r.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]
            od = d + timedelta(days=offset)
            if od > self.end:
                continue
            t = at_time(r, od)
            if offset == 0 and t <= camp.sent:
                t = camp.sent + timedelta(minutes=r.randrange(5, 300))
            x = r.random()
            if x < 0.65 and self.b2c_customers:
                buyer = self.b2c_customers[r.randrange(len(self.b2c_customers))]
            elif x < 0.9 and self.b2c_leads:
                buyer = self.b2c_leads[r.randrange(len(self.b2c_leads))]
                if buyer.created >= t:
                    buyer = self.new_person(t - timedelta(minutes=3), touch)
            else:
                buyer = self.new_person(t - timedelta(minutes=3), touch)
            self.schedule(t.date(), ("email_order", buyer, camp, t))

    # -- trade fair --------------------------------------------------------------------------
    def _fair(self, d: date) -> None:
        fs = fair_start(d.year)
        if fs <= d < fs + timedelta(days=4):
            touch = Touch("sana_bologna", "events", f"sana_{d.year}")
            for _ in range(poisson(self.rng, 17)):
                t = datetime(d.year, d.month, d.day, self.rng.randint(9, 18), self.rng.randrange(60))
                self.b2b_lead(t, touch, intl=self.rng.random() < 0.1, mql_rate=0.7)

    # -- platform-reported conversions -----------------------------------------------------------
    def attribute(self) -> None:
        """Fills the ads' reported conversions from the simulated orders and leads, with each
        platform's usual over-reporting (modelled / view-through conversions)."""
        r = random.Random(f"roi-demo:{self.seed}:conv")
        orders_by: dict[tuple, list[float]] = defaultdict(list)
        for o in self.orders:
            if o.touch and o.touch.key and o.touch.key[0] in ("google", "meta"):
                orders_by[(o.touch.key, o.created.date())].append(o.total)
        leads_by: dict[tuple, int] = defaultdict(int)
        for p in self.people:
            if p.b2b and p.touch and p.touch.key and p.touch.key[0] in ("google", "meta"):
                leads_by[(p.touch.key, p.created.date())] += 1
        for row in self.ad_days:
            c = row.campaign
            key = ("meta", row.ad.id) if row.ad else ("google", c.id)
            if c.b2b:
                if c.account == META:
                    continue                           # lead forms: no purchases in Ads Manager
                n = leads_by.get((key, row.day), 0)
                conv = n * r.uniform(0.95, 1.12)
                row.conv_centi = round(conv * 100)
                row.value_cents = row.conv_centi * 50   # a lead is valued 50 USD in the account
                continue
            values = orders_by.get((key, row.day), [])
            if c.account == META:
                factor = r.uniform(1.0, 1.45)
                purchases = round(len(values) * factor)
                if not values and r.random() < 0.05 * min(1.0, row.clicks / 20):
                    purchases, values, factor = 1, [r.uniform(25, 60)], 1.0
                row.conv_centi = purchases * 100
                row.value_cents = round(sum(values) * factor * 100) if purchases else 0
            else:
                factor = r.uniform(0.92, 1.22)
                conv = len(values) * factor
                if not values and r.random() < 0.08:
                    conv = r.uniform(0.2, 0.9)
                    values = [36.0 * conv]
                    factor = 1.0
                row.conv_centi = round(conv * 100)
                row.value_cents = round(sum(values) * factor * 100) if row.conv_centi else 0


    # -- the smaller channels: LinkedIn, Microsoft Ads, TikTok; Brevo, Klaviyo, HubSpot emails ----------
    def extend(self) -> None:
        """Runs the smaller channels over the same days, after the main run and on a random stream of
        their own, so the main channels' exports do not move with them. A returning buyer here is a
        customer whose first order came earlier; no event of the main run is touched."""
        self._pool = sorted((p for p in self.people if p.customer and p.record_id is not None and not p.b2b),
                            key=lambda p: (p.customer, p.record_id))
        self._pool_times = [p.customer for p in self._pool]
        main, self.rng = self.rng, random.Random(f"roi-demo:{self.seed}:more")
        try:
            for d in daterange(self.start, self.end):
                self._more_ads(d)
                self._tool_emails(d)
                while self.agenda.get(d):
                    for event in self.agenda.pop(d):
                        self._handle(d, event)
        finally:
            self.rng = main

    def _returning(self, t: datetime) -> Person | None:
        """A B2C customer (in the CRM) whose first order came before t, or None."""
        n = bisect.bisect_left(self._pool_times, t)
        return self._pool[self.rng.randrange(n)] if n else None

    def _more_touch(self, c: Campaign, ad: MetaAd | None) -> Touch:
        r = self.rng
        if c.account == LI:
            h = "".join(r.choices("0123456789abcdef", k=32))
            return Touch("linkedin", "paid_social", c.name, ("linkedin", c.id),
                         f"&li_fat_id={h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        if c.account == MS:
            return Touch("bing", "cpc", c.name, ("microsoft", c.id),
                         f"&msclkid={''.join(r.choices('0123456789abcdef', k=32))}")
        ttclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=30))
        return Touch("tiktok", "paid_social", c.name, ("tiktok", ad.id),
                     f"&utm_content={ad.id}&ttclid=E.C.P.{ttclid}")

    def _more_ads(self, d: date) -> None:
        r = self.rng
        s = season(d)
        cpc_pressure = 1 + 0.35 * (MONTH_FACTOR[d.month] - 1)
        for c in MORE_CAMPAIGNS:
            if not c.active(d):
                continue
            wd = (WEEKDAY_B2B if c.b2b else WEEKDAY_B2C)[d.weekday()]
            base = c.impressions * s * wd * c.ramp(d) * noise(r, 0.12)
            units = [a for a in TIKTOK_ADS if a.campaign is c] if c.account == TT else [None]
            for ad in units:
                impr = round(base * (ad.share * noise(r, 0.2) if ad else 1.0))
                if impr <= 0:
                    continue
                clicks = min(impr, poisson(r, impr * c.ctr * noise(r, 0.08)))
                cost_cents = round(clicks * c.cpc * cpc_pressure * noise(r, 0.07) * 100)
                reach = 0
                if c.account == TT:
                    reach = max(1, round(impr / (1.12 + 0.25 * r.random())))
                    cost_cents = max(cost_cents, round(impr * 0.0042 * 100))   # CPM floor ~4.2 €
                elif c.account == LI:
                    reach = max(1, round(impr / (1.3 + 0.5 * r.random())))
                self.more_ad_days.append(AdDay(d, c, ad, impr, clicks, cost_cents, reach))
                self._more_outcomes(d, c, ad, clicks)

    def _more_outcomes(self, d: date, c: Campaign, ad: MetaAd | None, clicks: int) -> None:
        r = self.rng
        if c.b2b:
            for _ in range(poisson(r, clicks * c.cvr)):
                self.b2b_lead(at_time(r, d, b2b=True), self._more_touch(c, ad), intl=c.name.endswith("_EU"))
            return
        returning_share = 0.45 if "Brand" in c.name else 0.15
        for _ in range(poisson(r, clicks * c.cvr)):
            touch = self._more_touch(c, ad)
            t = at_time(r, d)
            buyer = self._returning(t) if r.random() < returning_share else None
            if buyer is not None:
                self.place_order(t, buyer, touch)
                continue
            p = self.new_person(t, touch, crm=r.random() > 0.03)
            self.place_order(t + timedelta(minutes=r.randrange(2, 25)), p, touch)
            if r.random() < 0.3:
                self.schedule(d + timedelta(days=7 + int(r.expovariate(1 / 50))), ("repeat_plain", p))
        for _ in range(poisson(r, clicks * c.signup)):
            self.new_person(at_time(r, d), self._more_touch(c, ad))

    def _tool_emails(self, d: date) -> None:
        fs = fair_start(d.year)
        for offset, hh, mm, short, subject in BREVO_SENDS:
            if d == fs + timedelta(days=offset):
                self._tool_send("brevo", d, hh, mm, "Fiere ed eventi – rivenditori", f"SANA {d.year} – {short}",
                                subject.format(y=d.year))
        if d >= KLAVIYO_START and d.weekday() == 2:
            short, subjects = KLAVIYO_THEMES[(d - KLAVIYO_START).days // 7 % len(KLAVIYO_THEMES)]
            self._tool_send("klaviyo", d, 10, 0, "Clienti Shopify", f"Clienti – {short} ({d:%d/%m/%y})",
                            *subjects)
        if d >= HUBSPOT_START and d.weekday() == 2 and d.isocalendar()[1] % 2 == 1:
            short, subject = HUBSPOT_THEMES[d.toordinal() // 14 % len(HUBSPOT_THEMES)]
            self._tool_send("hubspot", d, 9, 15, "MQL – rivenditori e distributori",
                            f"B2B nurturing – {short} ({d:%d/%m/%y})", subject)

    def _tool_send(self, tool: str, d: date, hh: int, mm: int, list_name: str, title: str, *subjects: str) -> None:
        r = self.rng
        sent = datetime(d.year, d.month, d.day, hh, mm)
        days_in = (d - date(2024, 11, 1)).days
        b2b = tool != "klaviyo"
        size = (round(2150 + 0.6 * days_in) if tool == "brevo" else round(320 + 0.45 * days_in) if b2b
                else max(200, round(0.8 * bisect.bisect_left(self._pool_times, sent))))
        sent_before = len(self.tool_emails[tool])
        cid = ""
        if tool == "klaviyo":
            cid = "01J" + "".join(r.choices("0123456789ABCDEFGHJKMNPQRSTVWXYZ", k=23))
        elif tool == "hubspot":
            cid = str(184_512_300_000 + 1_137 * sent_before + r.randrange(1000))
        for i, subject in enumerate(subjects):
            recipients = max(50, size // len(subjects) + r.randint(-20, 20))
            soft = poisson(r, recipients * 0.004)
            hard = poisson(r, recipients * (0.003 if b2b else 0.0015))
            delivered = recipients - soft - hard
            uo = round(delivered * (r.uniform(0.30, 0.42) if b2b else r.uniform(0.40, 0.52)))
            uc = round(delivered * (r.uniform(0.028, 0.045) if b2b else r.uniform(0.025, 0.04)))
            uid = "".join(r.choices("0123456789abcdef", k=10))
            if tool == "klaviyo":
                kx = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=22))
                touch = Touch("klaviyo", "email", f"{title} ({cid})", ("email", uid), f"&_kx={kx}.TxYz9q")
            elif tool == "brevo":
                touch = Touch("brevo", "email", slug(title), ("email", uid))
            else:
                enc = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=40))
                touch = Touch("hs_email", "email", slug(title), ("email", uid), f"&_hsenc=p2ANqtz-{enc}&_hsmi={cid}")
            camp = EmailCampaign(uid, title, subject, list_name, sent, recipients, soft, hard, uo,
                                 round(uo * r.uniform(1.3, 1.8)), uc, round(uc * r.uniform(1.15, 1.5)),
                                 poisson(r, delivered * 0.002), poisson(r, delivered * 0.0001), 0, not b2b, touch,
                                 cid, "AB"[i] if len(subjects) > 1 else "")
            self.tool_emails[tool].append(camp)
            if tool == "brevo":
                # shops that ask for the catalogue or an appointment: new B2B contacts
                for _ in range(poisson(r, 1.3 if "Grazie" in title or "Offerta" in title else 0.6)):
                    t = sent + timedelta(hours=r.randint(1, 30))
                    if t.date() <= self.end:
                        self.b2b_lead(t, touch, intl=False)
            elif tool == "klaviyo":
                for _ in range(poisson(r, uc * 0.07)):
                    t = at_time(r, d + timedelta(days=r.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]))
                    if t <= sent:
                        t = sent + timedelta(minutes=r.randrange(5, 300))
                    buyer = self._returning(t)
                    if buyer is not None:
                        self.place_order(t, buyer, touch)

    def attribute_more(self) -> None:
        """The smaller platforms' reported conversions: LinkedIn counts website leads (plus view-through),
        valued 50 EUR each; Microsoft Ads about the orders it drove; TikTok's pixel over-reports."""
        r = random.Random(f"roi-demo:{self.seed}:more-conv")
        orders_by: dict[tuple, list[float]] = defaultdict(list)
        for o in self.orders:
            if o.touch and o.touch.key and o.touch.key[0] in ("microsoft", "tiktok"):
                orders_by[(o.touch.key, o.created.date())].append(o.total)
        leads_by: dict[tuple, int] = defaultdict(int)
        for p in self.people:
            if p.touch and p.touch.key and p.touch.key[0] == "linkedin":
                leads_by[(p.touch.key, p.created.date())] += 1
        for row in self.more_ad_days:
            c = row.campaign
            if c.account == LI:
                conv = round(leads_by.get((("linkedin", c.id), row.day), 0) * r.uniform(1.0, 1.4))
                row.conv_centi, row.value_cents = conv * 100, conv * 5000
                continue
            key = ("microsoft", c.id) if c.account == MS else ("tiktok", row.ad.id)
            values = orders_by.get((key, row.day), [])
            factor = r.uniform(0.9, 1.15) if c.account == MS else r.uniform(1.2, 1.9)
            conv = round(len(values) * factor)
            if not values and r.random() < 0.05:
                conv, values, factor = 1, [r.uniform(20, 55)], 1.0
            row.conv_centi = conv * 100
            row.value_cents = round(sum(values) * factor * 100) if conv else 0


# ---------------------------------------------------------------------------------------------
# Writers, one per export
# ---------------------------------------------------------------------------------------------

IT_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
             "settembre", "ottobre", "novembre", "dicembre")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
GOOGLE_TYPE_IT = {"Search": "Rete di ricerca", "Shopping": "Shopping", "Performance Max": "Performance Max",
                  "Display": "Rete Display"}


def _range_label(start: date, end: date, lang: str) -> str:
    months = IT_MONTHS if lang == "it" else EN_MONTHS
    return f"{start.day} {months[start.month - 1]} {start.year} - {end.day} {months[end.month - 1]} {end.year}"


def write_google_ads(sim: Simulation, out: Path) -> list[Path]:
    """Google Ads UI 'Campaign report' downloads, daily: IT (UTF-8 BOM, comma) and EN (UTF-16 TAB)."""
    paths = []
    for account, lang in ((G_IT, "it"), (G_EN, "en")):
        cur = ACCOUNTS[account]["currency"]
        rows = sorted((r for r in sim.ad_days if r.campaign.account == account),
                      key=lambda r: (r.day, r.campaign.name))

        def n(x, dec=0, th=True):
            return fmt_num(x, dec, thousands=th, lang=lang)

        def metrics(impr, clicks, cost_c, conv_c, value_c):
            cost, conv, value = cost_c / 100, conv_c / 100, value_c / 100
            ctr = clicks / impr if impr else None
            cpc = n(cost / clicks, 2, False) if clicks else " --"
            rate = conv / clicks if clicks else None
            cpa = n(cost / conv, 2, False) if conv_c else " --"
            return ([n(impr), n(clicks), fmt_pct(ctr, lang)], cpc, n(cost, 2, False),
                    [n(conv, 2), fmt_pct(rate, lang), n(value, 2), cpa])

        def line(status, name, cid, day, ctype, impr, clicks, cost_c, conv_c, value_c):
            head, cpc, cost, tail = metrics(impr, clicks, cost_c, conv_c, value_c)
            if lang == "it":
                return [status, name, cid, day, ctype, cur, *head, cpc, cost, *tail]
            return [status, name, cid, day, ctype, cur, *head, cur, cpc, cost, *tail]

        body = []
        for r in rows:
            c = r.campaign
            status = c.active(sim.end)
            status = ("Attiva" if status else "In pausa") if lang == "it" else ("Enabled" if status else "Paused")
            ctype = GOOGLE_TYPE_IT[c.ctype] if lang == "it" else c.ctype
            body.append(line(status, c.name, c.id, r.day.isoformat(), ctype, r.impressions, r.clicks,
                             r.cost_cents, r.conv_centi, r.value_cents))

        def sums(rs):
            return (sum(x.impressions for x in rs), sum(x.clicks for x in rs), sum(x.cost_cents for x in rs),
                    sum(x.conv_centi for x in rs), sum(x.value_cents for x in rs))

        total = sums(rows)
        labels = (("Totale: campagne", "Totale: account", "Totale: ") if lang == "it"
                  else ("Total: Campaigns", "Total: Account", "Total: "))
        body.append(line(labels[0], " --", " --", "", " --", *total))
        body.append(line(labels[1], "", "", "", "", *total))
        for ctype in dict.fromkeys(x.campaign.ctype for x in sorted(rows, key=lambda x: x.campaign.ctype)):
            label = GOOGLE_TYPE_IT[ctype] if lang == "it" else ctype
            body.append(line(labels[2] + label, "", "", "", label,
                             *sums([x for x in rows if x.campaign.ctype == ctype])))
        if lang == "it":
            header = ["Stato campagna", "Campagna", "ID campagna", "Giorno", "Tipo di campagna", "Codice valuta",
                      "Impr.", "Clic", "CTR", "CPC medio", "Costo", "Conversioni", "Tasso di conv.",
                      "Valore conv.", "Costo/conv."]
            preamble = ["Rapporto sulle campagne", _range_label(sim.start, sim.end, "it")]
            path = out / "google_ads" / f"it_rapporto_campagne_{ACCOUNTS[account]['id']}.csv"
            paths.append(write_table(path, [header] + body, bom=True, preamble=preamble))
        else:
            header = ["Campaign status", "Campaign", "Campaign ID", "Day", "Campaign type", "Currency code",
                      "Impr.", "Clicks", "CTR", "Currency code", "Avg. CPC", "Cost", "Conversions",
                      "Conv. rate", "Conv. value", "Cost / conv."]
            preamble = ["Campaign report", _range_label(sim.start, sim.end, "en")]
            path = out / "google_ads" / f"en_campaign_report_{ACCOUNTS[account]['id']}_usd.csv"
            # "CSV for Excel": UTF-16LE + BOM, TAB; numbers with thousands commas stay quoted
            paths.append(write_table(path, [header] + body, delimiter="\t", encoding="utf-16",
                                     preamble=preamble, force=lambda s: "," in s))
    return paths


def _meta_quote(s: str) -> bool:
    return bool(s) and re.search(r"[^A-Za-z0-9_.\-:]", s) is not None


def write_meta_ads(sim: Simulation, out: Path) -> list[Path]:
    """Ads Manager export, ad level by day, Italian UI: UTF-8 BOM, comma, decimal commas."""
    header = ["Giorno", "Nome della campagna", "ID campagna", "Nome del gruppo di inserzioni",
              "ID gruppo di inserzioni", "Nome dell'inserzione", "ID inserzione", "Copertura", "Frequenza",
              "Impressioni", "Valuta", "Importo speso (EUR)", "Clic sul link", "Acquisti",
              "Valore di conversione degli acquisti", "Inizio report", "Fine report"]
    rows = sorted((r for r in sim.ad_days if r.ad), key=lambda r: (-r.day.toordinal(), r.campaign.name,
                                                                    r.ad.adset, r.ad.name, r.ad.id))
    body = []
    for r in rows:
        purchases = str(r.conv_centi // 100) if r.conv_centi else ""
        value = fmt_trim(r.value_cents / 100, 2, "it") if r.conv_centi else ""
        body.append([r.day.isoformat(), r.campaign.name, r.campaign.id, r.ad.adset, r.ad.adset_id, r.ad.name,
                     r.ad.id, r.reach, fmt_trim(r.impressions / r.reach, 8, "it"), r.impressions, "EUR",
                     fmt_trim(r.cost_cents / 100, 2, "it"), r.clicks, purchases, value, r.day.isoformat(),
                     r.day.isoformat()])
    path = out / "meta_ads" / f"meta_ads_inserzioni_{sim.start:%Y%m%d}_{sim.end:%Y%m%d}.csv"
    return [write_table(path, [header] + body, bom=True, force=_meta_quote)]


def _mdy(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _en_long(d: date) -> str:
    return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _en_short(d: date) -> str:
    return f"{EN_MONTHS[d.month - 1][:3]} {d.day}, {d.year}"


def _en_time(t: datetime) -> str:
    """HubSpot's English UI: "Oct 7, 2026 9:15 AM"."""
    return f"{_en_short(t.date())} {(t.hour - 1) % 12 + 1}:{t:%M} {'AM' if t.hour < 12 else 'PM'}"


def write_linkedin_ads(sim: Simulation, out: Path) -> list[Path]:
    """Campaign Manager 'Campaign performance' export, daily: UTF-16LE with BOM, TAB, report lines above."""
    account = ACCOUNTS[LI]
    r = random.Random(f"roi-demo:{sim.seed}:linkedin")
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == LI), key=lambda x: (x.day, x.campaign.name))
    header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Group ID", "Campaign Name",
              "Campaign ID", "Campaign Type", "Currency", "Total Spent", "Impressions", "Clicks",
              "Click Through Rate", "Average CPC", "Reactions", "Comments", "Shares", "Follows", "Total Engagements",
              "Conversions", "Total Conversion Value", "Leads", "Reach"]
    body = []
    for x in rows:
        c = x.campaign
        group, group_id = LI_GROUPS[c.id]
        social = [poisson(r, x.impressions * k) for k in (0.004, 0.0003, 0.0002, 0.0004)]
        cost = x.cost_cents / 100
        body.append([_mdy(x.day), account["name"], group, group_id, c.name, c.id, c.ctype, account["currency"],
                     f"{cost:.2f}", x.impressions, x.clicks, f"{x.clicks / x.impressions:.4f}",
                     f"{cost / x.clicks:.2f}" if x.clicks else "0", *social, x.clicks + sum(social),
                     x.conv_centi // 100, f"{x.value_cents / 100:.2f}", 0, x.reach])
    preamble = ["Campaign Performance Report (in UTC)", f'"Report Start: {_en_long(sim.start)}, 12:00 AM"',
                f'"Report End: {_en_long(sim.end)}, 11:59 PM"',
                f'"Date Generated: {_en_long(sim.end + timedelta(days=1))}, 8:12 AM"', ""]
    path = out / "linkedin_ads" / f"campaign_performance_report_{account['id']}.csv"
    return [write_table(path, [header] + body, delimiter="\t", encoding="utf-16", preamble=preamble)]


def write_microsoft_ads(sim: Simulation, out: Path) -> list[Path]:
    """Microsoft Advertising campaign report download, daily, English UI: UTF-8 BOM, CRLF, every cell
    quoted, 'Report Name:' lines above the header, a Total row and a copyright footer."""
    account = ACCOUNTS[MS]
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == MS), key=lambda x: (x.day, x.campaign.name))
    header = ["Time period", "Account name", "Account number", "Campaign name", "Campaign ID", "Currency code",
              "Impr.", "Clicks", "CTR", "Avg. CPC", "Spend", "Conversions", "Revenue"]

    def metrics(impr: int, clicks: int, cost_c: int, conv_c: int, value_c: int) -> list[str]:
        return [f"{impr:,}", f"{clicks:,}", f"{100 * clicks / impr:.2f}%" if impr else "0.00%",
                f"{cost_c / clicks / 100:.2f}" if clicks else "0.00", f"{cost_c / 100:,.2f}", f"{conv_c // 100:,}",
                f"{value_c / 100:,.2f}"]

    body = [[_mdy(x.day), account["name"], account["number"], x.campaign.name, x.campaign.id, account["currency"],
             *metrics(x.impressions, x.clicks, x.cost_cents, x.conv_centi, x.value_cents)] for x in rows]
    if rows:
        body.append(["Total", "", "", "", "", "", *metrics(*(sum(getattr(x, f) for x in rows) for f in (
            "impressions", "clicks", "cost_cents", "conv_centi", "value_cents")))])
    ready = sim.end + timedelta(days=1)
    preamble = ['"Report Name: Campaign performance - daily"', f'"Report Time: {_mdy(sim.start)},{_mdy(sim.end)}"',
                '"Time Zone: (GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"',
                f'"Last Completed Available Day: {_mdy(ready)} 10:20:00 AM (GMT)"', '"Potential Incomplete Data: false"',
                ""]
    footer = ["", f'"©{ready.year} Microsoft Corporation. All rights reserved. "']
    path = out / "microsoft_ads" / f"campaign_performance_{account['number']}.csv"
    return [write_table(path, [header] + body, newline="\r\n", bom=True, preamble=preamble, footer=footer,
                        force=lambda s: True)]


def write_tiktok_ads(sim: Simulation, out: Path) -> list[Path]:
    """TikTok Ads Manager custom report, ad level by day, as the XLSX it downloads by default: IDs as
    text, metrics as numbers, a "Total of N results" row at the end."""
    r = random.Random(f"roi-demo:{sim.seed}:tiktok")
    rows = sorted((x for x in sim.more_ad_days if x.campaign.account == TT),
                  key=lambda x: (x.day, x.ad.adset, x.ad.name, x.ad.id))
    header = ["Date", "Campaign name", "Campaign ID", "Ad group name", "Ad group ID", "Ad name", "Ad ID", "Currency",
              "Cost", "Impressions", "Clicks (destination)", "CTR (destination)", "CPC (destination)", "Conversions",
              "Cost per conversion", "Total purchase value", "Reach", "Video views"]

    def metrics(cost_c: int, impr: int, clicks: int, conv: int, value_c: int, reach: int, views: int) -> list:
        cost = cost_c / 100
        return [cost, impr, clicks, f"{100 * clicks / impr:.2f}%" if impr else "0.00%",
                round(cost / clicks, 2) if clicks else 0, conv, round(cost / conv, 2) if conv else 0, value_c / 100,
                reach, views]

    body, sums = [], [0] * 7
    for x in rows:
        part = [x.cost_cents, x.impressions, x.clicks, x.conv_centi // 100, x.value_cents, x.reach,
                round(x.impressions * r.uniform(0.45, 0.6))]
        sums = [a + b for a, b in zip(sums, part)]
        body.append([x.day.isoformat(), x.campaign.name, x.campaign.id, x.ad.adset, x.ad.adset_id, x.ad.name, x.ad.id,
                     ACCOUNTS[TT]["currency"], *metrics(*part)])
    sums[5] = round(sums[5] / 1.9)            # reach is deduplicated over the period, not a sum
    body.append([f"Total of {len(rows)} results", "", "", "", "", "", "", "", *metrics(*sums)])
    path = out / "tiktok_ads" / f"tiktok_custom_report_{sim.start:%Y%m%d}_{sim.end:%Y%m%d}.xlsx"
    return [write_xlsx(path, [header] + body, when=datetime.combine(sim.end + timedelta(days=1), datetime.min.time())
                       .replace(hour=8, minute=40))]


def _money_mc(x: float) -> str:
    return f"€{x:,.2f} "


def write_mailchimp(sim: Simulation, out: Path) -> list[Path]:
    """Mailchimp campaign export: cp1252, CRLF, no final newline, rates 0-100, 'n/a' cells."""
    header = ["Title", "Subject", "List", "Send_Date", "Send_Weekday", "Total_Recipients",
              "Successful_Deliveries", "Soft_Bounces", "Hard_Bounces", "Total_Bounces", "Times_Forwarded",
              "Forwarded_Opens", "Unique_Opens", "Open_Rate", "Total_Opens", "Unique_Clicks", "Click_Rate",
              "Total_Clicks", "Unsubscribes", "Abuse_Complaints", "Times_Liked_on_Facebook", "Folder_Id",
              "Unique_Id", "Analytics_ROI", "Campaign_Cost", "Revenue_Created", "Visits", "New_Visits",
              "Pages/Visit", "Bounce_Rate", "Time_on_Site", "Goal_Conversion_Rate", "Per_Visit_Goal_Value",
              "Transactions", "Ecommerce_Conversion_Rate", "Per_Visit_Value", "Average_Value"]
    revenue: dict[str, float] = defaultdict(float)
    for o in sim.orders:
        if o.touch and o.touch.key and o.touch.key[0] == "email":
            revenue[o.touch.key[1]] += o.total

    def rate(a: int, b: int) -> str:
        return f"{round(100 * a / b, 2):g}" if b else "0"

    body = []
    for e in sorted(sim.emails, key=lambda e: (e.sent, e.title), reverse=True):
        s = e.sent
        body.append([e.title, e.subject, e.list_name, f"{s.month}/{s.day}/{s:%y} {s.hour}:{s:%M}", f"{s:%A}",
                     e.recipients, e.delivered, e.soft, e.hard, e.soft + e.hard, e.forwarded,
                     min(e.forwarded, 1), e.unique_opens, rate(e.unique_opens, e.delivered), e.total_opens,
                     e.unique_clicks, rate(e.unique_clicks, e.delivered), e.total_clicks, e.unsubscribes,
                     e.complaints, 0, 0 if e.ecommerce else 6621, e.uid, "n/a", "n/a",
                     _money_mc(revenue.get(e.uid, 0.0)) if e.ecommerce else "n/a", *["n/a"] * 11])
    path = out / "mailchimp" / "campaigns.csv"
    return [write_table(path, [header] + body, newline="\r\n", encoding="cp1252", final_newline=False)]


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.2f}%" if b else "0.00%"


def write_brevo(sim: Simulation, out: Path) -> list[Path]:
    """Brevo campaign statistics, Italian UI: UTF-8 BOM, ';', CRLF, title and period lines, thousands
    dots, a "Totale" row."""
    emails = sorted(sim.tool_emails["brevo"], key=lambda e: e.sent)
    header = ["Nome della campagna", "Oggetto", "Liste", "Data di invio", "Inviate", "Consegnate", "Aperture uniche",
              "Aperture", "Clic unici", "Clic", "Disiscrizioni", "Hard bounce", "Soft bounce", "Reclami",
              "Tasso di apertura"]

    def counts(e: EmailCampaign) -> list[int]:
        return [e.recipients, e.delivered, e.unique_opens, e.total_opens, e.unique_clicks, e.total_clicks,
                e.unsubscribes, e.hard, e.soft, e.complaints]

    def n(x: int) -> str:
        return fmt_num(x, 0, thousands=True, lang="it")

    body = [[e.title, e.subject, e.list_name, f"{e.sent:%d/%m/%Y %H:%M}", *map(n, counts(e)),
             fmt_num(100 * e.unique_opens / e.delivered, 2, lang="it") + " %"] for e in emails]
    if emails:
        body.append(["Totale", "", "", "", *(n(sum(col)) for col in zip(*map(counts, emails))), ""])
    preamble = ['"Statistiche campagne email";;;', f'"Periodo: {sim.start:%d/%m/%Y} - {sim.end:%d/%m/%Y}";;;']
    path = out / "brevo" / "statistiche_campagne_email.csv"
    return [write_table(path, [header] + body, delimiter=";", newline="\r\n", bom=True, preamble=preamble)]


def write_klaviyo(sim: Simulation, out: Path) -> list[Path]:
    """Klaviyo campaign export (Campaigns > Export analytics): UTF-8, rates next to the counts, one row
    per A/B variant; Placed Order and Revenue in Klaviyo's own attribution window (it credits orders
    that came through other channels too)."""
    r = random.Random(f"roi-demo:{sim.seed}:klaviyo")
    placed: dict[str, list[float]] = defaultdict(list)
    for o in sim.orders:
        if o.touch and o.touch.source == "klaviyo":
            placed[o.touch.key[1]].append(o.total)
    emails = sorted(sim.tool_emails["klaviyo"], key=lambda e: (e.sent, e.variant))
    best: dict[str, EmailCampaign] = {}
    for e in emails:
        if e.variant and (e.campaign_id not in best or
                          e.unique_opens / e.delivered > best[e.campaign_id].unique_opens / best[e.campaign_id].delivered):
            best[e.campaign_id] = e
    header = ["Campaign Name", "Variant Name", "Tags", "Subject", "List", "Send Time", "Send Weekday", "Total Recipients",
              "Unique Placed Order", "Placed Order Rate", "Revenue", "Unique Opens", "Open Rate", "Total Opens",
              "Unique Clicks", "Click Rate", "Total Clicks", "Unsubscribes", "Spam Complaints", "Spam Complaints Rate",
              "Successful Deliveries", "Bounces", "Bounce Rate", "Campaign ID", "Campaign Channel", "Winning Variant?"]
    body = []
    for e in emails:
        values = placed.get(e.uid, [])
        factor = r.uniform(1.15, 1.5)
        orders = round(len(values) * factor)
        revenue = round(sum(values) * factor, 2) if orders else 0.0
        bounces = e.soft + e.hard
        tags = "Newsletter, Linea Bio" if "Bio" in e.title or "vitamina" in e.title else "Newsletter"
        winner = "" if not e.variant else ("TRUE" if best[e.campaign_id] is e else "FALSE")
        body.append([e.title, e.variant, tags, e.subject, e.list_name, f"{e.sent:%Y-%m-%d %H:%M:%S}", f"{e.sent:%A}",
                     f"{e.recipients:,}", orders, _pct(orders, e.recipients), f"{revenue:,.2f}",
                     f"{e.unique_opens:,}", _pct(e.unique_opens, e.delivered), f"{e.total_opens:,}",
                     f"{e.unique_clicks:,}", _pct(e.unique_clicks, e.delivered), f"{e.total_clicks:,}", e.unsubscribes,
                     e.complaints, _pct(e.complaints, e.delivered), f"{e.delivered:,}", bounces,
                     _pct(bounces, e.recipients), e.campaign_id, "Email", winner])
    return [write_table(out / "klaviyo" / "klaviyo_campaigns_export.csv", [header] + body)]


def write_hubspot_email(sim: Simulation, out: Path) -> list[Path]:
    """HubSpot marketing email dashboard export, English UI: UTF-8 BOM, CRLF, title and date-range lines,
    counts next to their rates, a Total row."""
    emails = sorted(sim.tool_emails["hubspot"], key=lambda e: e.sent)
    header = ["Email name", "Email ID", "Subject", "Send date", "Sent", "Delivered", "Delivered rate", "Opened",
              "Open rate", "Clicked", "Click rate", "Hard bounced", "Soft bounced", "Unsubscribed", "Spam reports"]

    def line(name: str, eid: str, subject: str, when: str, c: list[int]) -> list[str]:
        sent, delivered, opened, clicked, hard, soft, unsub, spam = c
        return [name, eid, subject, when, f"{sent:,}", f"{delivered:,}", _pct(delivered, sent) if name != "Total" else "",
                f"{opened:,}", _pct(opened, delivered) if name != "Total" else "", f"{clicked:,}",
                _pct(clicked, delivered) if name != "Total" else "", f"{hard:,}", f"{soft:,}", f"{unsub:,}", f"{spam:,}"]

    def counts(e: EmailCampaign) -> list[int]:
        return [e.recipients, e.delivered, e.unique_opens, e.unique_clicks, e.hard, e.soft, e.unsubscribes,
                e.complaints]

    body = [line(e.title, e.campaign_id, e.subject, _en_time(e.sent), counts(e)) for e in emails]
    if emails:
        body.append(line("Total", "", "", "", [sum(col) for col in zip(*map(counts, emails))]))
    preamble = ["Marketing email performance", f'"Date range: {_en_short(sim.start)} - {_en_short(sim.end)}"']
    path = out / "hubspot_email" / "marketing_email_performance.csv"
    return [write_table(path, [header] + body, newline="\r\n", bom=True, preamble=preamble)]


def _hs_time(t: datetime | None) -> str:
    return "" if t is None else f"{t:%Y-%m-%d %H:%M}"


def write_leads(sim: Simulation, out: Path) -> list[Path]:
    """HubSpot contacts export (UTF-8, every cell quoted)."""
    header = ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Create Date", "Lifecycle Stage",
              "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
              "Became a Customer Date", "Original Source", "UTM Source", "UTM Medium", "UTM Campaign"]
    body = []
    for p in sorted((p for p in sim.people if p.record_id is not None), key=lambda p: p.record_id):
        stage = ("Customer" if p.customer else "Sales Qualified Lead" if p.sql else
                 "Marketing Qualified Lead" if p.mql else "Lead")
        t = p.touch
        body.append([p.record_id, p.first, p.last, p.email, p.company, _hs_time(p.created), stage,
                     _hs_time(p.mql), _hs_time(p.sql), _hs_time(p.customer),
                     t.label if t else "Direct Traffic", t.source if t else "", t.medium if t else "",
                     t.campaign if t else ""])
    path = out / "leads" / "hubspot_contatti.csv"
    return [write_table(path, [header] + body, force=lambda s: True)]


def _shop_time(t: datetime) -> str:
    return t.replace(tzinfo=ROME).strftime("%Y-%m-%d %H:%M:%S %z")


def write_orders(sim: Simulation, out: Path) -> list[Path]:
    """Shopify orders export: one row per line item, order fields on the first row only."""
    header = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Accepts Marketing",
              "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount",
              "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
              "Billing City", "Refunded Amount", "Landing Site", "Id"]
    ordered = sorted(sim.orders, key=lambda o: (o.created, o.seq))
    body = []
    for number, o in reversed(list(enumerate(ordered, 1001))):
        created = _shop_time(o.created)
        paid = "" if o.status == "pending" else _shop_time(o.created + timedelta(seconds=7))
        fulfilled = "unfulfilled" if (sim.end - o.created.date()).days < 2 else "fulfilled"
        taxes = round(o.total - o.total / 1.22, 2)
        for i, (name, sku, qty, price) in enumerate(o.lines):
            if i == 0:
                body.append([f"#{number}", o.person.email, o.status, paid, fulfilled,
                             "yes" if o.person.record_id else "no", "EUR", f"{o.subtotal:.2f}",
                             f"{o.shipping:.2f}", f"{taxes:.2f}", f"{o.total:.2f}", o.discount_code,
                             f"{o.discount:.2f}", created, qty, name, f"{price:.2f}", sku, o.person.city,
                             f"{o.refunded:.2f}", o.landing, 5_900_000_000_000 + number * 7])
            else:
                body.append([f"#{number}", o.person.email, "", "", "", "", "", "", "", "", "", "", "",
                             created, qty, name, f"{price:.2f}", sku, "", "", "", ""])
    path = out / "orders" / "shopify_orders_export.csv"
    return [write_table(path, [header] + body)]


def _it(x: float, dec: int = 2) -> str:
    return fmt_num(x, dec, thousands=True, lang="it")


def cost_rows(start: date, end: date, seed: int) -> list[list[str]]:
    """The costs sheet: weekly timesheets, monthly subscriptions and fees, one-off production and the fair."""
    r = random.Random(f"roi-demo:{seed}:costs")
    rows: list[tuple] = []  # (sort date, data, mese, canale, campagna, tipo, descrizione, ore, tariffa, importo, valuta)
    staff = (("google_ads", "SEA specialist – ottimizzazione campagne", 8, 40.0),
             ("meta_ads", "Social media manager", 12, 35.0),
             ("email", "Email marketing – newsletter e automazioni", 6, 30.0))
    for d in daterange(start, end):
        if d.weekday() == 4:
            for channel, desc, hours, rate in staff:
                h = max(2.0, hours + r.choice((-2, -1.5, -1, -0.5, 0, 0, 0.5, 1, 1.5, 2)))
                rows.append((d, d, channel, "", "personale", desc, h, rate, round(h * rate, 2), "EUR"))
        if d.day == 10:
            rows.append((d, d, "meta_ads", "", "freelance", "Copywriter freelance – testi annunci",
                         r.choice((6, 7.5, 8, 9)), 45.0, None, "EUR"))
        if (d.month, d.day) == (9, 15):
            rows.append((d, d, "email", "", "freelance", "Grafico freelance – template newsletter autunno",
                         5, 50.0, None, "EUR"))
        if (d.month, d.day) == (9, 22):
            bio = d.year == 2026
            rows.append((d, d, "meta_ads", "BV_Lancio_Linea_Bio" if bio else "", "contenuti",
                         "Shooting fotografico Linea Bio" if bio else f"Shooting fotografico collezione autunno {d.year}",
                         None, None, 1850.0 if bio else 1400.0, "EUR"))
        if (d.month, d.day) == (9, 29) and d.year == 2026:
            rows.append((d, d, "meta_ads", "BV_Lancio_Linea_Bio", "freelance", "Video UGC creator (3 video)",
                         6, 75.0, None, "EUR"))
        if (d.month, d.day) == (11, 3):
            rows.append((d, d, "meta_ads", "BV_Black_Friday", "contenuti", f"Shooting prodotti Natale {d.year}",
                         None, None, 1400.0, "EUR"))
        if (d.month, d.day) == (10, 14):
            rows.append((d, d, "meta_ads", "", "formazione", "Corso Meta Blueprint (certificazione)",
                         None, None, 290.0, "EUR"))
        if d.weekday() == 4 and d >= LINKEDIN_LAUNCH:
            rows.append((d, d, "linkedin_ads", "", "personale", "Marketing B2B – campagne LinkedIn", 3, 35.0, 105.0,
                         "EUR"))
        if d == TIKTOK_LAUNCH - timedelta(days=6):
            rows.append((d, d, "tiktok_ads", "BV_TikTok_Test_Linea_Bio", "freelance", "Video UGC TikTok (3 creator)",
                         6, 75.0, None, "EUR"))
        if d == fair_start(d.year):
            y = d.year
            rows += [(d, d, "events", f"SANA {y}", "altro", f"Stand SANA Bologna {y} (4 giorni)", None, None,
                      4500.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "altro", "Trasferta e allestimento stand", None, None,
                      1180.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "personale", "Personale allo stand", 32, 28.0, 896.0, "EUR"),
                     (d, d, "events", f"SANA {y}", "contenuti", "Materiali stampati e campioncini", None, None,
                      620.0, "EUR")]
    for m in month_starts(start, end):
        monthly = [("google_ads", "agenzia", "Fee mensile gestione Google Ads – Agenzia Rossi Digital", 1200.0, "EUR"),
                   ("google_ads", "strumento", "Semrush Pro", 139.95, "USD"),
                   ("meta_ads", "strumento", "Canva Pro", 11.99, "EUR"),
                   ("email", "strumento", "Mailchimp Standard (18.000 contatti)", 189.0, "EUR"),
                   ("email", "strumento", "Brevo Starter (20.000 email/mese)", 19.0, "EUR"),
                   ("microsoft_ads", "agenzia", "Fee mensile gestione Microsoft Ads – Agenzia Rossi Digital", 150.0,
                    "EUR")]
        if m >= HUBSPOT_START.replace(day=1):
            monthly.append(("email", "strumento", "HubSpot Marketing Hub Starter", 20.0, "EUR"))
        if m >= KLAVIYO_START.replace(day=1):
            monthly.append(("email", "strumento", "Klaviyo Email (fino a 1.500 profili)", 45.0, "USD"))
        for channel, kind, desc, amount, cur in monthly:
            rows.append((m, None, channel, "", kind, desc, None, None, amount, cur))
    rows.sort(key=lambda x: (x[0], x[1] is not None, x[2], x[5]))
    out = []
    for when, d, channel, campaign, kind, desc, hours, rate, amount, cur in rows:
        month = d or when
        out.append([f"{d:%d/%m/%Y}" if d else "", f"{month:%Y-%m}", channel, campaign, kind, desc,
                    "" if hours is None else fmt_trim(hours, 1, "it"),
                    "" if rate is None else _it(rate), "" if amount is None else _it(amount), cur])
    return out


def write_costs(sim: Simulation, out: Path) -> list[Path]:
    """Italian costs sheet saved by Excel: UTF-8 BOM, ';', CRLF, decimal commas."""
    header = ["data", "mese", "canale", "campagna", "tipo", "descrizione", "ore", "tariffa oraria", "importo",
              "valuta"]
    path = out / "costs" / "costi_marketing.csv"
    return [write_table(path, [header] + cost_rows(sim.start, sim.end, sim.seed), delimiter=";",
                        newline="\r\n", bom=True)]


BUDGET_K = {1: 22, 2: 22, 3: 24, 4: 24, 5: 25, 6: 24, 7: 23, 8: 20, 9: 26, 10: 26, 11: 30, 12: 28}


def budget_rows(start: date, end: date) -> list[list[str]]:
    rows = []
    for m in month_starts(start, end):
        total = BUDGET_K[m.month] * 1000 * (1.0 if m >= date(2026, 1, 1) else 0.9)
        total = round(total / 100) * 100
        email = round(total * 0.08 / 100) * 100
        proven, new = total * 7 // 10, total * 2 // 10
        experiment = total - proven - new
        # the smaller channels' lines (total cost: media, staff, fees) are carved out of their bucket
        microsoft = 700
        linkedin = (0 if m < LINKEDIN_LAUNCH.replace(day=1) else 800 if m < date(2026, 9, 1) else 1600)
        creatives = (TIKTOK_LAUNCH.replace(day=1) - timedelta(days=1)).replace(day=1)   # the month before
        tiktok = 0 if m < creatives else 500 if m < TIKTOK_LAUNCH else 1000
        for channel, bucket, amount in (("google_ads", "proven", proven - email - microsoft),
                                        ("microsoft_ads", "proven", microsoft), ("email", "proven", email),
                                        ("meta_ads", "new", new - linkedin), ("linkedin_ads", "new", linkedin),
                                        ("events", "experiment", experiment - tiktok),
                                        ("tiktok_ads", "experiment", tiktok)):
            if amount:
                rows.append([f"{m:%Y-%m}", channel, bucket, f"{amount:.2f}", "EUR"])
    return rows


def write_budgets(sim: Simulation, out: Path) -> list[Path]:
    header = ["month", "channel", "bucket", "planned_amount", "currency"]
    return [write_table(out / "budgets" / "budgets.csv", [header] + budget_rows(sim.start, sim.end))]


def goal_rows(start: date, end: date) -> list[list[str]]:
    """Four SMART goals that start inside the slice and end around or after its last day."""
    quarter = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    q_end = month_end(date(quarter.year, quarter.month + 2, 1))
    two_months = date(end.year, end.month, 1) - timedelta(days=1)
    two_months = date(two_months.year, two_months.month, 1)
    nxt = month_end(date(end.year + (end.month == 12), end.month % 12 + 1, 1))
    clip = lambda d: max(d, start)  # noqa: E731
    y, q = end.year, (end.month - 1) // 3 + 1
    return [
        [f"G{y}-01", "CPL Google Ads sotto 25 €", "cpl", "google_ads", "25", "at_most", "31.40",
         clip(two_months).isoformat(), q_end.isoformat(), "Giulia Ferri (performance)"],
        [f"G{y}-02", "ROAS Meta ≥ 3", "roas", "meta_ads", "3", "at_least", "2.2",
         clip(two_months).isoformat(), nxt.isoformat(), "Luca Conti (social)"],
        [f"G{y}-03", f"Lead totali Q{q} ≥ 4.000", "leads", "", "4000", "at_least", "3570",
         clip(quarter).isoformat(), q_end.isoformat(), "Sara Bianchi (marketing manager)"],
        [f"G{y}-04", "ROI complessivo ≥ 150%", "roi_pct", "", "150", "at_least", "95",
         start.isoformat(), end.isoformat(), "Sara Bianchi (marketing manager)"],
    ]


def write_goals(sim: Simulation, out: Path) -> list[Path]:
    header = ["goal_id", "name", "kpi", "channel", "target_value", "direction", "baseline_value", "start_date",
              "deadline", "owner"]
    return [write_table(out / "goals" / "goals.csv", [header] + goal_rows(sim.start, sim.end))]


# ECB columns in the file's own order; None = discontinued (always "N/A" in this window)
FX = (("USD", 1.125, 4, 0.0045), ("JPY", 168.0, 2, 0.005), ("BGN", 1.9558, 4, 0.0), ("CYP", None, 0, 0),
      ("CZK", 24.6, 3, 0.002), ("DKK", 7.4605, 4, 0.0002), ("GBP", 0.858, 5, 0.003), ("HUF", 395.0, 2, 0.004),
      ("PLN", 4.27, 4, 0.003), ("RON", 5.02, 4, 0.0015), ("SEK", 11.15, 4, 0.004), ("CHF", 0.935, 4, 0.003),
      ("ISK", 145.0, 1, 0.003), ("NOK", 11.6, 4, 0.004), ("HRK", None, 0, 0), ("RUB", None, 0, 0),
      ("TRY", 46.0, 4, 0.003), ("AUD", 1.75, 4, 0.005), ("BRL", 6.3, 4, 0.007), ("CAD", 1.58, 4, 0.004),
      ("CNY", 8.1, 4, 0.004), ("HKD", 8.78, 4, 0.0045), ("INR", 98.5, 4, 0.005), ("MXN", 21.4, 4, 0.007),
      ("NZD", 1.93, 4, 0.005), ("SGD", 1.46, 4, 0.003), ("ZAR", 20.4, 4, 0.007))


def fx_rows(start: date, end: date, seed: int) -> list[list[str]]:
    """ECB reference rates, oldest simulated first, written newest first; USD kept in 1.08-1.17."""
    r = random.Random(f"roi-demo:{seed}:fx")
    level = {c: base for c, base, _, _ in FX if base}
    rows = []
    for d in daterange(start - timedelta(days=21), end):
        if not target_open(d):
            continue
        row = [d.isoformat()]
        for cur, base, dec, vol in FX:
            if base is None:
                row.append("N/A")
                continue
            if vol:
                x = level[cur] * math.exp(r.gauss(0, vol) + 0.03 * math.log(base / level[cur]))
                if cur == "USD":
                    x = min(1.17, max(1.08, x))
                level[cur] = x
            row.append(f"{level[cur]:.{dec}f}")
        rows.append(row + [""])
    return rows[::-1]


def write_fx(sim: Simulation, out: Path) -> list[Path]:
    header = ["Date", *[c for c, *_ in FX], ""]
    return [write_table(out / "fx_rates" / "eurofxref-hist.csv", [header] + fx_rows(sim.start, sim.end, sim.seed))]


ROI_TOML = '''\
# roi — demo configuration for the bundled sample exports of a "Bottega Verde"-like Italian
# e-commerce with a B2B wholesale arm, reporting in EUR.
# Written by samples/generate.py ({days} days ending {end}, seed {seed}); regenerate with
#   python -m roi.samples.generate            (the ~90-day slice bundled in samples/demo/)
#   python -m roi.samples.generate --full     (two years into data/demo-full/, with its own roi.toml)
#
# Every [[sources]] path is relative to THIS file's folder. The warehouse path of the bundled
# demo is relative to the folder you run `roi` from (the package folder may be read-only).

[warehouse]
path = "data/roi.duckdb"
reporting_currency = "EUR"
timezone = "Europe/Rome"

# [kpi]
# attribution = "first_touch"   # credit revenue to the lead's first UTM: the fair and organic
#                                # search then get the B2B and repeat revenue they started

[channels]
# The trade fair (SANA Bologna) is an offline channel: its costs and leads count like any other.
custom = ["events"]

# Leads scanned at the fair carry utm_source = "sana_bologna", utm_medium = "events".
[[channels.rules]]
utm_medium = "events?|fiera|trade[-_ ]?show"
channel = "events"

# lookback_days = 3650 in every source: the demo window then covers the whole bundled slice
# whatever day you run it. Real nightly configurations use 28 (platforms restate ~4 weeks).

# Google Ads, Italian UI, EUR (UTF-8 with BOM, decimal commas, "Totale: ..." rows)
[[sources]]
name = "google_ads_it"
kind = "google_ads"
mode = "files"
path = "google_ads/it_*.csv"
lookback_days = 3650

# Google Ads, English UI, billed in USD ("CSV for Excel": UTF-16LE, TAB) — converted with ECB rates
[[sources]]
name = "google_ads_en"
kind = "google_ads"
mode = "files"
path = "google_ads/en_*.csv"
lookback_days = 3650

# Meta Ads Manager, ad level by day, Italian UI
[[sources]]
name = "meta_ads"
kind = "meta_ads"
mode = "files"
path = "meta_ads/*.csv"
lookback_days = 3650

# LinkedIn Campaign Manager, campaign performance by day (UTF-16LE, TAB, "Report Start/End" lines):
# the B2B lead campaigns; their leads carry utm_source = linkedin, utm_medium = paid_social
[[sources]]
name = "linkedin_ads"
kind = "linkedin_ads"
mode = "files"
path = "linkedin_ads/*.csv"
lookback_days = 3650

# Microsoft Advertising report download ("Report Name:" lines, a Total row, a © footer):
# the Italian search campaigns imported from Google Ads
[[sources]]
name = "microsoft_ads"
kind = "microsoft_ads"
mode = "files"
path = "microsoft_ads/*.csv"
lookback_days = 3650

# TikTok Ads Manager custom report (XLSX, ad level by day, "Total of N results" row):
# the October test for the Bio line, paid from the "experiment" budget bucket
[[sources]]
name = "tiktok_ads"
kind = "tiktok_ads"
mode = "files"
path = "tiktok_ads/*.xlsx"
lookback_days = 3650

# Mailchimp campaign export (Windows-1252): lists "Clienti" and "Newsletter B2B"
[[sources]]
name = "mailchimp"
kind = "mailchimp"
mode = "files"
path = "mailchimp/*.csv"
lookback_days = 3650

# Brevo campaign statistics, Italian UI (";", "Totale" row): the trade-fair invitations and follow-ups
[[sources]]
name = "brevo"
kind = "brevo"
mode = "files"
path = "brevo/*.csv"
lookback_days = 3650

# Klaviyo campaign export: the October trial on the Shopify customers, one A/B subject test
[[sources]]
name = "klaviyo"
kind = "klaviyo"
mode = "files"
path = "klaviyo/*.csv"
lookback_days = 3650

# HubSpot marketing email dashboard export (English UI, Total row): B2B nurturing of the MQLs
[[sources]]
name = "hubspot_email"
kind = "hubspot_email"
mode = "files"
path = "hubspot_email/*.csv"
lookback_days = 3650

# HubSpot contacts: lifecycle dates and first-touch UTMs
[[sources]]
name = "hubspot_leads"
kind = "leads"
mode = "files"
path = "leads/*.csv"
lookback_days = 3650

# Shopify orders export: one row per line item; the landing site carries the last-touch UTMs.
# Taxes (IVA 22 %), Shipping, Refunded Amount and Financial Status (pending = not paid) make
# revenue net: [kpi] revenue = "gross" counts tax and shipping in
[[sources]]
name = "shopify_orders"
kind = "orders"
mode = "files"
path = "orders/*.csv"
lookback_days = 3650

# Non-media costs kept in a spreadsheet: staff hours x rate, tools, agency fee, fair
[[sources]]
name = "costs"
kind = "costs"
mode = "files"
path = "costs/*.csv"
lookback_days = 3650

# Monthly plan in the 70/20/10 buckets (proven / new / experiment)
[[sources]]
name = "budgets"
kind = "budgets"
mode = "files"
path = "budgets/*.csv"
lookback_days = 3650

# SMART goals: KPI, target, baseline, deadline, owner
[[sources]]
name = "goals"
kind = "goals"
mode = "files"
path = "goals/*.csv"
lookback_days = 3650

# ECB euro reference rates (eurofxref-hist.csv layout) for the USD account and the USD tools
[[sources]]
name = "ecb_rates"
kind = "fx_rates"
mode = "files"
path = "fx_rates/*.csv"
lookback_days = 3650
'''


WRITERS: tuple[tuple[str, Callable[[Simulation, Path], list[Path]]], ...] = (
    ("google_ads", write_google_ads), ("meta_ads", write_meta_ads), ("linkedin_ads", write_linkedin_ads),
    ("microsoft_ads", write_microsoft_ads), ("tiktok_ads", write_tiktok_ads), ("mailchimp", write_mailchimp),
    ("brevo", write_brevo), ("klaviyo", write_klaviyo), ("hubspot_email", write_hubspot_email),
    ("leads", write_leads), ("orders", write_orders), ("costs", write_costs), ("budgets", write_budgets),
    ("goals", write_goals), ("fx_rates", write_fx),
)


def simulate(days: int = 90, end: date = END, seed: int = 7) -> Simulation:
    """Runs the business for `days` days ending on `end` (inclusive); nothing is written."""
    if days < 1:
        raise ValueError("days must be at least 1")
    sim = Simulation(end - timedelta(days=days - 1), end, seed)
    sim.run()
    sim.attribute()
    sim.extend()
    sim.attribute_more()
    return sim


def generate(out: Path, days: int = 90, end: date = END, seed: int = 7) -> dict[str, list[Path]]:
    """Writes one export per source kind (and a roi.toml) under `out`; returns kind -> files written.

    Same arguments, same bytes: nothing depends on the clock, the locale or hash order."""
    out = Path(out)
    sim = simulate(days, end, seed)
    written = {kind: writer(sim, out) for kind, writer in WRITERS}
    write_bytes(out / "roi.toml", ROI_TOML.format(days=days, end=end.isoformat(), seed=seed).encode("utf-8"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roi.samples.generate",
                                     description="Write deterministic demo exports for every source kind.")
    parser.add_argument("--out", type=Path, help=f"output folder (default: samples/demo, or {FULL_DIR} with --full)")
    parser.add_argument("--full", action="store_true", help="two years (730 days) instead of 90")
    parser.add_argument("--days", type=int, help="number of days (default 90, or 730 with --full)")
    parser.add_argument("--end", type=date.fromisoformat, default=END, help=f"last day, YYYY-MM-DD (default {END})")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    days = args.days or (730 if args.full else 90)
    if days < 1:
        parser.error("--days must be at least 1")
    out = args.out or (FULL_DIR if args.full else DEMO_DIR)
    written = generate(out, days=days, end=args.end, seed=args.seed)
    size = sum(p.stat().st_size for files in written.values() for p in files)
    start = args.end - timedelta(days=days - 1)
    print(f"wrote {sum(map(len, written.values()))} files ({size / 1e6:.1f} MB), {start} to {args.end}, "
          f"into {out} (+ roi.toml)")
    for kind, files in written.items():
        for p in files:
            print(f"  {kind:<13} {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
