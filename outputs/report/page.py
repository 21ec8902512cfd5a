"""The page every section builder draws on: the gathered data with the words and formats of its language, each
channel's name and colour, and the HTML pieces (section, panel, table, pill, chart). Charts are only collected here;
render.py writes them into the one script that draws them."""
from __future__ import annotations

import html

from roi.outputs.report.formats import Fmt
from roi.outputs.report.period import Period
from roi.outputs.report.words import CHANNELS, TEXT, WORDS

FONT = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
CHANNEL_COLORS = {
    "google_ads": "#2563eb", "meta_ads": "#7c3aed", "linkedin_ads": "#0891b2", "microsoft_ads": "#0d9488",
    "tiktok_ads": "#db2777", "pinterest_ads": "#e60023", "snapchat_ads": "#eab308", "reddit_ads": "#ff4500",
    "amazon_ads": "#f97316", "apple_search_ads": "#6b7280", "x_ads": "#0f172a", "email": "#f59e0b", "organic_search": "#16a34a", "organic_social": "#65a30d",
    "referral": "#64748b", "direct": "#334155", "other": "#94a3b8",
}
EXTRA_COLORS = ["#ea580c", "#dc2626", "#9333ea", "#0284c7", "#ca8a04", "#be185d", "#4d7c0f", "#475569"]
STATUS_TONE = {"under": "warn", "on_track": "good", "over": "bad", "achieved": "good", "at_risk": "warn",
               "missed": "bad", "critical": "bad", "warning": "warn", "info": "info"}


def esc(text) -> str:
    return html.escape("" if text is None else str(text))


def as_float(value) -> float | None:
    """A number for a chart or a sort key (DuckDB hands decimals as Decimal); None stays a gap."""
    return None if value is None else float(value)


class Page:
    """One report being built. d: what queries.gather read; t, w: the TEXT and WORDS of its language; f: its
    number and date formats; charts: every chart drawn so far, in page order."""

    def __init__(self, data: dict, period: Period, lang: str):
        self.d = data
        self.period = period
        self.lang = lang
        self.t = TEXT[lang]
        self.w = WORDS[lang]
        self.f = Fmt(lang, data["currency"])
        self.charts: list[dict] = []
        names = sorted({r["channel"] for r in data["by_channel"]} | {r["channel"] for r in data["funnel"]})
        extra = iter(EXTRA_COLORS * 4)
        self.colors = {c: CHANNEL_COLORS.get(c) or next(extra) for c in names}

    # -- words ---------------------------------------------------------------------------------------
    def channel(self, name: str | None) -> str:
        if name is None:
            return self.t["all_channels"]
        return CHANNELS[self.lang].get(name) or name.replace("_", " ").capitalize()

    def color(self, name: str) -> str:
        if name not in self.colors:
            self.colors[name] = EXTRA_COLORS[len(self.colors) % len(EXTRA_COLORS)]
        return self.colors[name]

    def word(self, key: str | None) -> str:
        return self.w.get(key or "none", key or self.w["none"])

    # -- the comparison with the previous period (cards, header, footer) ------------------------------
    @property
    def comparable(self) -> bool:
        """The previous period holds data, and every source of this period already had data on its first day."""
        return bool(self.d["prev"]["channel_days"]) and self.d["comparison"].comparable

    def no_comparison(self) -> str:
        """Why there is no comparison, in one sentence."""
        start = self.d["comparison"].records_start
        if start is None or start > self.period.end:
            return self.t["no_prev"]
        return self.t["no_comparable"].format(first=self.f.date(start),
                                              prev_start=self.f.date(self.period.previous.start))

    # -- HTML pieces ---------------------------------------------------------------------------------
    def section(self, key: str, title_key: str, lead: str, body: str) -> str:
        return (f'<section id="{key}"><h2>{esc(self.t[title_key])}</h2>'
                f'<p class="lead">{esc(lead)}</p>{body}</section>')

    def panel(self, title: str, inner: str, note: str = "") -> str:
        note_html = f'<p class="note">{esc(note)}</p>' if note else ""
        return f'<div class="panel"><h3>{esc(title)}</h3>{note_html}{inner}</div>'

    def empty(self, key: str = "no_data", **kw) -> str:
        return f'<div class="empty">{esc(self.t[key].format(**kw))}</div>'

    def pill(self, key: str | None) -> str:
        tone = STATUS_TONE.get(key or "", "neutral")
        return f'<span class="pill {tone}">{esc(self.word(key))}</span>'

    def chart(self, data: list[dict], layout: dict, height: int = 320) -> str:
        """A placeholder for a plotly chart; layout is laid over the house style (dicts merged one level deep)."""
        chart_id = f"chart-{len(self.charts) + 1}"
        base = {
            "height": height, "margin": {"l": 64, "r": 16, "t": 10, "b": 40},
            "font": {"family": FONT, "size": 12, "color": "#334155"},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "separators": self.f.separators,
            "legend": {"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 11.5}},
            "hoverlabel": {"font": {"family": FONT}},
            "xaxis": {"gridcolor": "#eef2f7", "linecolor": "#cbd5e1", "automargin": True},
            "yaxis": {"gridcolor": "#eef2f7", "zerolinecolor": "#cbd5e1", "automargin": True},
        }
        for key, value in layout.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                base[key] = {**base[key], **value}
            else:
                base[key] = value
        self.charts.append({"id": chart_id, "data": data, "layout": base})
        return f'<div class="chart" id="{chart_id}" style="height:{height}px"></div>'

    def table(self, columns: list[tuple[str, str, str]], rows: list[dict], sortable: bool = True) -> str:
        """columns: (key, label, kind) with kind money|int|num1|pct|pctv|ratio|date|text|channel, or html|htmlnum
        for (html, sort value) pairs."""
        head = "".join(
            f'<th class="{"num" if kind not in ("text", "html", "channel", "date") else ""}">{esc(label)}</th>'
            for _, label, kind in columns)
        body = []
        for row in rows:
            cells = []
            for key, _, kind in columns:
                cells.append(self.cell(row.get(key), kind))
            body.append("<tr>" + "".join(cells) + "</tr>")
        cls = "data sortable" if sortable else "data"
        return (f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>')

    def cell(self, value, kind: str) -> str:
        sort = "" if value is None else value
        if kind in ("html", "htmlnum"):
            text, sort = value
            cls = ' class="num"' if kind == "htmlnum" else ""
            return f'<td{cls} data-v="{esc(sort)}">{text}</td>'
        if kind == "channel":
            swatch = f'<span class="swatch" style="background:{self.color(value)}"></span>'
            return f'<td data-v="{esc(self.channel(value))}">{swatch}{esc(self.channel(value))}</td>'
        if kind == "text":
            return f"<td>{esc(value if value is not None else '–')}</td>"
        if kind == "date":
            return f'<td class="nowrap" data-v="{esc(value.isoformat() if value else "")}">{esc(self.f.date(value))}</td>'
        text = {
            "money": lambda v: self.f.money(v),
            "int": lambda v: self.f.num(v, 0),
            "num1": lambda v: self.f.num(v, 1),
            "pct": lambda v: self.f.pct(v),
            "pctv": lambda v: self.f.pct_value(v),
            "ratio": lambda v: self.f.ratio(v),
        }[kind](value)
        return f'<td class="num" data-v="{esc(sort)}">{esc(text)}</td>'
