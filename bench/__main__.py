"""`python -m bench [--rows N] [--runs R] [--json FILE] [--only NAME,...]`: measure, print, write BENCHMARKS.md."""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench import generate

ROOT = Path(__file__).resolve().parent.parent
# The peers run in their own virtualenv (`make bench` makes it from bench/peers.txt): installed
# next to roi, pandas would be imported by pandera on every roi start, which no user install does.
PEERS = {"dlt": ["dlt", "pyarrow"], "pandas": ["pandas", "duckdb_engine"]}
PEER_TASKS = ("dlt_merge", "pandas_to_sql")
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"


@dataclass
class Task:
    """One child-process measurement, run `runs` times side by side with the others."""
    name: str
    args: Callable[[], dict]
    command: list[str] | None = None      # a whole command timed from outside (cold starts)
    samples: list[dict] = field(default_factory=list)

    def median(self, key: str = "seconds") -> float:
        return statistics.median(s[key] for s in self.samples)


@dataclass
class Measure:
    name: str
    label: str
    tasks: list[str]
    value: Callable[[dict[str, Task]], float]
    unit: str                              # "x" (ratio), "%" or "s"
    target: tuple[str, float] | None       # ("<=", 1.25) ...
    detail: Callable[[dict[str, Task]], str] = lambda t: ""


def _run(task: Task, env: dict, peers: Path) -> dict:
    if task.command:
        start = time.perf_counter()
        done = subprocess.run(task.command, capture_output=True, text=True, env=env, cwd=ROOT)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{task.name}: {' '.join(task.command)} failed: {done.stderr.strip()[-400:]}")
        return {"seconds": seconds, "prefect_imported": "PREFECT_IMPORTED=1" in done.stderr}
    kind = task.name.split(":")[0]
    python = str(peers) if kind in PEER_TASKS else sys.executable
    done = subprocess.run([python, "-m", "bench.tasks", kind, json.dumps(task.args())],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{task.name} failed: {done.stderr.strip()[-600:]}")
    return json.loads(line[6:])


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def plan(rows: int, data: Path) -> tuple[dict[str, Task], list[Measure], dict[str, Callable[[], Path]]]:
    """The files to generate, the child tasks, and the measurements built from their medians."""
    work = data / "work"
    small = max(2_000, min(rows, 20_000))
    per_day = max(10, rows // 5_000)
    files: dict[str, Callable[[], Path]] = {
        "en": lambda: generate.google_ads(data / f"google_en_{rows}.csv", rows),
        "it": lambda: generate.google_ads(data / f"google_it_{rows}.csv", rows, "it", messy=True),
        "nightly": lambda: generate.google_restatement(data / f"google_nightly_{rows}.csv", rows),
        "meta": lambda: generate.meta_ads(data / f"meta_{rows // 5}.csv", max(2_000, rows // 5)),
        "mailchimp": lambda: generate.mailchimp(data / f"mailchimp_{rows // 1000}.csv", max(50, rows // 1000)),
        "small_en": lambda: generate.google_ads(data / f"google_en_{small}.csv", small),
        "tiny": lambda: generate.google_ads(data / "google_en_2000.csv", 2_000),
        "segmented": lambda: generate.google_segmented(data / f"google_segmented_{rows}.csv", rows),
        "noids": lambda: generate.google_noids(data / f"google_noids_{rows}.csv", rows),
        "excel": lambda: generate.google_excel(data / f"google_excel_{rows}.csv", rows),
        "year": lambda: generate.google_clean_year(data / f"google_year_{rows}.csv", rows),
        "months36": lambda: (generate.google_months(data / f"months36_{per_day}", 36, per_day)[0].parent),
        "months3": lambda: (generate.google_months(data / f"months3_{per_day}", 3, per_day)[0].parent),
    }
    p = {k: data / name for k, name in (
        ("en", f"google_en_{rows}.csv"), ("it", f"google_it_{rows}.csv"), ("nightly", f"google_nightly_{rows}.csv"),
        ("meta", f"meta_{rows // 5}.csv"), ("mailchimp", f"mailchimp_{rows // 1000}.csv"),
        ("small_en", f"google_en_{small}.csv"), ("tiny", "google_en_2000.csv"),
        ("segmented", f"google_segmented_{rows}.csv"), ("noids", f"google_noids_{rows}.csv"),
        ("excel", f"google_excel_{rows}.csv"), ("year", f"google_year_{rows}.csv"),
        ("months36", f"months36_{per_day}"), ("months3", f"months3_{per_day}"))}
    first_month = generate.END.replace(day=1)
    y, m = divmod(first_month.year * 12 + first_month.month - 1 - 35, 12)
    start36 = f"{y:04d}-{m + 1:02d}-01"
    y, m = divmod(first_month.year * 12 + first_month.month - 1 - 2, 12)
    start3 = f"{y:04d}-{m + 1:02d}-01"
    kpi_config = work / "small" / "roi.toml"
    roi = [sys.executable, "-c", "import sys, roi.cli.main\ntry:\n    roi.cli.main.main()\nfinally:\n"
           "    print('PREFECT_IMPORTED=%d' % ('prefect' in sys.modules), file=sys.stderr)"]
    tasks = {t.name: t for t in [
        Task("duckdb_csv:en", lambda: {"csv": str(p["en"]), "db": str(work / "ref" / "ref.duckdb"),
                                       "types": "GOOGLE_TYPES"}),
        Task("duckdb_canonical:en", lambda: {"csv": str(p["en"]), "db": str(work / "canonical" / "roi.duckdb")}),
        Task("roi_ingest:en", lambda: {"csv": str(p["en"]), "folder": str(work / "en")}),
        Task("roi_ingest:it", lambda: {"csv": str(p["it"]), "folder": str(work / "it")}),
        Task("roi_ingest:segmented", lambda: {"csv": str(p["segmented"]), "folder": str(work / "segmented")}),
        Task("duckdb_csv:segmented", lambda: {"csv": str(p["segmented"]), "db": str(work / "ref_seg" / "ref.duckdb"),
                                              "types": "SEGMENTED_TYPES"}),
        Task("roi_ingest:noids", lambda: {"csv": str(p["noids"]), "folder": str(work / "noids")}),
        Task("roi_ingest:excel", lambda: {"csv": str(p["excel"]), "folder": str(work / "excel")}),
        Task("duckdb_csv:year", lambda: {"csv": str(p["year"]), "db": str(work / "ref_year" / "ref.duckdb"),
                                         "types": "GOOGLE_TYPES"}),
        Task("dlt_merge:en", lambda: {"csv": str(p["en"]), "folder": str(work / "dlt")}),
        Task("restatement:en", lambda: {"base": str(work / "en" / "roi.duckdb"), "nightly": str(p["nightly"]),
                                        "folder": str(work / "nightly")}),
        Task("views:big", lambda: {"db": str(data / f"warehouse_{rows * 10}.duckdb"), "rows": rows * 10}),
        Task("marts_month:big", lambda: {"db": str(data / f"warehouse_{rows * 10}.duckdb"), "rows": rows * 10}),
        Task("backfill:36", lambda: {"folder": str(work / "bf36"), "files": str(p["months36"] / "*.csv"),
                                     "start": start36, "end": str(generate.END)}),
        Task("backfill:3", lambda: {"folder": str(work / "bf3"), "files": str(p["months3"] / "*.csv"),
                                    "start": start3, "end": str(generate.END)}),
        Task("pandas_to_sql:small", lambda: {"csv": str(p["small_en"]), "folder": str(work / "pandas")}),
        Task("duckdb_csv:small", lambda: {"csv": str(p["small_en"]), "db": str(work / "ref_small" / "ref.duckdb"),
                                          "types": "GOOGLE_TYPES"}),
        Task("roi_ingest:meta", lambda: {"csv": str(p["meta"]), "folder": str(work / "meta"), "kind": "meta_ads"}),
        Task("duckdb_csv:meta", lambda: {"csv": str(p["meta"]), "db": str(work / "ref_meta" / "ref.duckdb"),
                                         "types": "META_TYPES"}),
        Task("roi_ingest:mailchimp", lambda: {"csv": str(p["mailchimp"]), "folder": str(work / "mailchimp"),
                                              "kind": "mailchimp"}),
        Task("cli:import", lambda: {}, command=[sys.executable, "-c", "import duckdb, polars"]),
        Task("cli:ingest_small", lambda: {}, command=roi + ["ingest", str(p["tiny"]), "--kind", "google_ads",
                                                            "--config", str(kpi_config)]),
        Task("cli:kpi", lambda: {}, command=roi + ["kpi", "--config", str(kpi_config)]),
    ]}
    ratio = lambda a, b: lambda t: t[a].median() / t[b].median()  # noqa: E731
    measures = [
        Measure("ingest_en",
                f"`roi ingest` clean English Google Ads daily ({rows:,} rows) ÷ DuckDB typed read_csv CTAS",
                ["roi_ingest:en", "duckdb_csv:en"], ratio("roi_ingest:en", "duckdb_csv:en"), "x", ("<=", 1.25),
                lambda t: f"{_fmt(t['roi_ingest:en'].median())} vs {_fmt(t['duckdb_csv:en'].median())}"),
        *shape_measures(rows),
        Measure("dlt", "dlt merge of the same rows (idempotent upsert into DuckDB) ÷ roi ingest",
                ["dlt_merge:en", "roi_ingest:en"], ratio("dlt_merge:en", "roi_ingest:en"), "x", (">=", 2),
                lambda t: f"{_fmt(t['dlt_merge:en'].median())} vs {_fmt(t['roi_ingest:en'].median())}"),
        Measure("validate_share", "pandera validation share of ingest time (English export)",
                ["roi_ingest:en"], lambda t: 100 * t["roi_ingest:en"].median("validate_seconds")
                / t["roi_ingest:en"].median(), "%", ("<=", 15),
                lambda t: f"{_fmt(t['roi_ingest:en'].median('validate_seconds'))} of "
                          f"{_fmt(t['roi_ingest:en'].median())}"),
        Measure("restatement", f"nightly restatement (28 days + yesterday) into a {rows:,}-row warehouse ÷ full load",
                ["roi_ingest:en", "restatement:en"], lambda t: 100 * t["restatement:en"].median()
                / t["roi_ingest:en"].median(), "%", ("<=", 8),
                lambda t: f"{_fmt(t['restatement:en'].median())} vs {_fmt(t['roi_ingest:en'].median())}"),
        Measure("channel_monthly", f"marts.channel_monthly over {rows * 10:,} rows ÷ hand-written aggregate on core",
                ["views:big"], lambda t: t["views:big"].median() / t["views:big"].median("hand_seconds"), "x",
                ("<=", 1.5), lambda t: f"{_fmt(t['views:big'].median())} vs "
                                       f"{_fmt(t['views:big'].median('hand_seconds'))} (target < 1 s)"),
        Measure("marts_month", f"the slowest marts view, `SELECT *` for one month, over {rows * 10:,} ad rows",
                ["marts_month:big"], lambda t: t["marts_month:big"].median(), "s", ("<=", 1),
                lambda t: f"marts.{t['marts_month:big'].samples[0]['slowest']}; the five slowest: " + ", ".join(
                    f"{v} {s:.2f} s" for v, s in list(t["marts_month:big"].samples[0]["views"].items())[:5])),
        Measure("channel_daily_month", "marts.channel_daily for one month ÷ the hand-written aggregate of its days",
                ["marts_month:big"], lambda t: t["marts_month:big"].median("channel_daily_seconds")
                / t["marts_month:big"].median("hand_seconds"), "x", ("<=", 1.5),
                lambda t: f"{_fmt(t['marts_month:big'].median('channel_daily_seconds'))} vs "
                          f"{_fmt(t['marts_month:big'].median('hand_seconds'))}"),
        Measure("report_big", f"`roi report` (default period: 30 days) over {rows * 10:,} ad rows of 3 years",
                ["marts_month:big"], lambda t: t["marts_month:big"].median("report_seconds"), "s", ("<=", 3)),
        Measure("rss_ingest", "peak RSS of the ingest ÷ DuckDB CTAS peak RSS",
                ["roi_ingest:en", "duckdb_csv:en"], lambda t: t["roi_ingest:en"].median("peak_rss_mb")
                / t["duckdb_csv:en"].median("peak_rss_mb"), "x", ("<=", 3),
                lambda t: f"{t['roi_ingest:en'].median('peak_rss_mb'):.0f} MB vs "
                          f"{t['duckdb_csv:en'].median('peak_rss_mb'):.0f} MB"),
        Measure("rss_backfill", f"peak RSS of a 3-year backfill ÷ a 3-month backfill ({per_day:,} ad groups a day)",
                ["backfill:36", "backfill:3"], lambda t: t["backfill:36"].median("peak_rss_mb")
                / t["backfill:3"].median("peak_rss_mb"), "x", ("<=", 1.25),
                lambda t: f"{t['backfill:36'].median('peak_rss_mb'):.0f} MB vs "
                          f"{t['backfill:3'].median('peak_rss_mb'):.0f} MB"),
        Measure("cold_kpi", '`roi kpi` cold start ÷ `python -c "import duckdb, polars"`',
                ["cli:import", "cli:ingest_small", "cli:kpi"], ratio("cli:kpi", "cli:import"), "x", ("<=", 1.3),
                lambda t: f"{_fmt(t['cli:kpi'].median())} vs {_fmt(t['cli:import'].median())}; Prefect imported: "
                          f"{'yes' if any(s['prefect_imported'] for s in t['cli:kpi'].samples) else 'no'}"),
        Measure("small_ingest", "`roi ingest` of one small file (2,000 rows), whole command",
                ["cli:ingest_small"], lambda t: t["cli:ingest_small"].median(), "s", ("<=", 2),
                lambda t: "Prefect imported: "
                          f"{'yes' if any(s['prefect_imported'] for s in t['cli:ingest_small'].samples) else 'no'}"),
        Measure("duckdb_canonical", "DuckDB alone: its typed read_csv inserted straight into core.ad_performance "
                "(22 columns) ÷ its CTAS (14)", ["duckdb_canonical:en", "duckdb_csv:en"],
                ratio("duckdb_canonical:en", "duckdb_csv:en"), "x", None,
                lambda t: f"{_fmt(t['duckdb_canonical:en'].median())} vs {_fmt(t['duckdb_csv:en'].median())}"),
        Measure("ingest_vs_canonical", "`roi ingest` (English) ÷ DuckDB alone into core.ad_performance",
                ["roi_ingest:en", "duckdb_canonical:en"], ratio("roi_ingest:en", "duckdb_canonical:en"), "x", None,
                lambda t: f"{_fmt(t['roi_ingest:en'].median())} vs {_fmt(t['duckdb_canonical:en'].median())}"),
        Measure("pandas", f"pandas read_csv + to_sql (SQLAlchemy) ÷ DuckDB CTAS, at {small:,} rows",
                ["pandas_to_sql:small", "duckdb_csv:small"], ratio("pandas_to_sql:small", "duckdb_csv:small"), "x",
                None, lambda t: f"{_fmt(t['pandas_to_sql:small'].median())} vs "
                                f"{_fmt(t['duckdb_csv:small'].median())}"),
        Measure("ingest_mailchimp", f"`roi ingest` Mailchimp campaigns ({max(50, rows // 1000):,} sends)",
                ["roi_ingest:mailchimp"], lambda t: t["roi_ingest:mailchimp"].median(), "s", None),
    ]
    return tasks, measures, files


# The export shapes beside the clean English one: (name, label, roi task, DuckDB reference task). Each is timed
# and weighed against DuckDB's typed read_csv CTAS of the same rows (a clean file of the same facts).
SHAPES = (
    ("it", "Italian locale (decimal commas, thousands, title and totals rows)", "roi_ingest:it", "duckdb_csv:en"),
    ("noids", "no id columns (ids from names), CRLF, title lines, quoted thousands, 14,000 ad groups a day",
     "roi_ingest:noids", "duckdb_csv:year"),
    ("excel", 'UTF-16 "CSV for Excel" (TAB, title lines, thousands)', "roi_ingest:excel", "duckdb_csv:year"),
    ("segmented", "keyword-segmented, ad-group keys repeated 30×", "roi_ingest:segmented", "duckdb_csv:segmented"),
    ("meta", "Meta ad-level daily", "roi_ingest:meta", "duckdb_csv:meta"),
)


def shape_measures(rows: int) -> list[Measure]:
    """Time (≤ 1.5) and peak memory (≤ 3) of `roi ingest` per export shape, each ÷ DuckDB on the same rows."""
    out = []
    for name, label, ours, ref in SHAPES:
        count = f"{max(2_000, rows // 5):,}" if name == "meta" else f"{rows:,}"
        out.append(Measure(f"ingest_{name}", f"`roi ingest` {label} ({count} rows) ÷ DuckDB typed read_csv CTAS",
                           [ours, ref], lambda t, a=ours, b=ref: t[a].median() / t[b].median(), "x", ("<=", 1.5),
                           lambda t, a=ours, b=ref: f"{_fmt(t[a].median())} vs {_fmt(t[b].median())}"))
        out.append(Measure(f"rss_{name}", f"peak RSS of that ingest ({name}) ÷ DuckDB CTAS peak RSS", [ours, ref],
                           lambda t, a=ours, b=ref: t[a].median("peak_rss_mb") / t[b].median("peak_rss_mb"), "x",
                           ("<=", 3), lambda t, a=ours, b=ref: f"{t[a].median('peak_rss_mb'):.0f} MB vs "
                                                             f"{t[b].median('peak_rss_mb'):.0f} MB"))
    return out


def _has_modules(python: Path, modules: list[str]) -> bool:
    check = f"import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in {modules!r}))"
    return python.exists() and subprocess.run([str(python), "-c", check], capture_output=True).returncode == 0


def run(rows: int, runs: int, data: Path, only: list[str] | None, log=print, peers: Path = PEERS_PYTHON) -> dict:
    tasks, measures, files = plan(rows, data)
    if only:
        unknown = set(only) - {m.name for m in measures}
        if unknown:
            raise SystemExit(f"bench: unknown measurement(s) {', '.join(sorted(unknown))}; "
                             f"choose from {', '.join(m.name for m in measures)}")
        measures = [m for m in measures if m.name in only]
    missing = {name: mods for name, mods in PEERS.items() if not _has_modules(peers, mods)}
    for name in missing:
        log(f"skipping {name}: needs {', '.join(missing[name])} in {peers} — `make bench` installs them")
    measures = [m for m in measures if m.name not in missing]
    wanted = [name for name in tasks if any(name in m.tasks for m in measures)]
    needs = {"duckdb_csv:en": ["en"], "duckdb_canonical:en": ["en"], "roi_ingest:en": ["en"], "roi_ingest:it": ["it"],
             "dlt_merge:en": ["en"], "restatement:en": ["nightly"], "backfill:36": ["months36"], "backfill:3": ["months3"],
             "pandas_to_sql:small": ["small_en"], "duckdb_csv:small": ["small_en"], "roi_ingest:meta": ["meta"],
             "duckdb_csv:meta": ["meta"], "roi_ingest:mailchimp": ["mailchimp"], "cli:ingest_small": ["tiny"],
             "cli:kpi": ["tiny"], "roi_ingest:segmented": ["segmented"], "duckdb_csv:segmented": ["segmented"],
             "roi_ingest:noids": ["noids"], "roi_ingest:excel": ["excel"], "duckdb_csv:year": ["year"]}
    if "restatement:en" in wanted and "roi_ingest:en" not in wanted:
        wanted.insert(0, "roi_ingest:en")
    if "cli:kpi" in wanted and "cli:ingest_small" not in wanted:
        wanted.insert(wanted.index("cli:kpi"), "cli:ingest_small")
    data.mkdir(parents=True, exist_ok=True)
    for key in dict.fromkeys(k for name in wanted for k in needs.get(name, [])):
        started = time.perf_counter()
        marker = data / f".{key}_{rows}.done"
        if not marker.exists():
            files[key]()
            marker.write_text("generated\n")
            log(f"generated {key} in {time.perf_counter() - started:.1f} s")
    (data / "work" / "small").mkdir(parents=True, exist_ok=True)
    (data / "work" / "small" / "roi.toml").write_text(
        f'[warehouse]\npath = "{data / "work" / "small" / "roi.duckdb"}"\n')
    env = dict(os.environ, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for r in range(runs):
        for name in wanted:
            started = time.perf_counter()
            tasks[name].samples.append(_run(tasks[name], env, peers))
            log(f"run {r + 1}/{runs} {name}: {time.perf_counter() - started:.1f} s")
    results = []
    for m in measures:
        value = m.value(tasks)
        ok = None if m.target is None else (value <= m.target[1] if m.target[0] == "<=" else value >= m.target[1])
        if m.name == "channel_monthly" and ok:
            ok = tasks["views:big"].median() < 1.0
        if m.name == "cold_kpi" and ok:
            ok = not any(s["prefect_imported"] for s in tasks["cli:kpi"].samples)
        results.append({"name": m.name, "label": m.label, "value": round(value, 3), "unit": m.unit,
                        "target": f"{m.target[0]} {m.target[1]:g}" if m.target else None, "ok": ok,
                        "detail": m.detail(tasks)})
    return {
        "rows": rows, "runs": runs, "date": time.strftime("%Y-%m-%d"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measurements": results,
        "tasks": {name: {"median_seconds": round(tasks[name].median(), 3), "samples": tasks[name].samples}
                  for name in wanted},
    }


def table(report: dict) -> str:
    lines = [f"Rows: {report['rows']:,} · median of {report['runs']} run(s) each, side by side in one run · "
             f"{report['machine']['cpus']} CPUs · Python {report['machine']['python']} · {report['date']}", "",
             "| measurement | value | target | | absolute (not targeted) |", "|---|---|---|---|---|"]
    for m in report["measurements"]:
        value = f"{m['value']:.2f}{'×' if m['unit'] == 'x' else ' ' + m['unit'] if m['unit'] == 's' else m['unit']}"
        status = {True: "✅", False: "❌", None: ""}[m["ok"]]
        lines.append(f"| {m['label']} | {value} | {m['target'] or '—'} | {status} | {m['detail']} |")
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    """Replace the results block of BENCHMARKS.md (the prose around it is kept)."""
    block = f"{BEGIN}\n{text}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the large exports (default 5,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--json", type=Path, help="write the results as JSON here (BENCHMARKS.md is left alone)")
    parser.add_argument("--only", help="comma-separated measurement names (default: all)")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "bench", help="generated files and scratch")
    parser.add_argument("--markdown", type=Path, default=ROOT / "BENCHMARKS.md", help="the results file to update")
    parser.add_argument("--peers", type=Path, default=PEERS_PYTHON,
                        help="the Python of the peers' virtualenv (dlt, pandas: bench/peers.txt)")
    args = parser.parse_args(argv)
    report = run(args.rows, args.runs, args.data.resolve(), args.only.split(",") if args.only else None,
                 log=lambda msg: print(msg, file=sys.stderr, flush=True), peers=args.peers)
    text = table(report)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    else:
        write_markdown(args.markdown, text)


if __name__ == "__main__":
    main()
