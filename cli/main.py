"""The `roi` command line: thin commands over flows (writers) and read-only warehouse queries (readers).

Read-only commands (status, sources, kpi, quarantine, query, report, export, alerts) never import Prefect.
The parser is the standard library's argparse: a command starts in the time Python and DuckDB take
to import (a CLI framework cost every command 0.15-0.2 s more)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

STATE = {"debug": False}
KINDS = ("google_ads, meta_ads, linkedin_ads, microsoft_ads, tiktok_ads, pinterest_ads, snapchat_ads, reddit_ads, "
         "amazon_ads, apple_search_ads, x_ads, mailchimp, brevo, klaviyo, hubspot_email, ga4, search_console, leads, "
         "orders, shopify, woocommerce, costs, budgets, goals, fx_rates")


def main(argv: list[str] | None = None) -> None:
    # pandera imports hypothesis (the dev extra) for its data-synthesis strategies, which roi never uses,
    # the first time it validates: 0.15 s of every load. It goes without, as in a plain install, when
    # the import fails, which a None entry in sys.modules makes it do.
    sys.modules.setdefault("hypothesis", None)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        raise SystemExit(2)
    if args.command in (status, sources, kpi, quarantine, query, report, export, alerts):
        # Where the MMM extra (roi[mmm]) is installed, pandas is too, and DuckDB imports it (0.6 s, with pyarrow)
        # at the first query with parameters, to see whether one is a DataFrame: the readers pass none, and start
        # as fast as without the extra.
        sys.modules.setdefault("pandas", None)
    STATE["debug"] = args.debug
    raise SystemExit(_call(args))


def _call(args: argparse.Namespace) -> int:
    """Errors become one line on stderr; exit 2 for bad usage/configuration, 1 for failed runs."""
    from roi.contracts.errors import ConfigError, RoiError
    try:
        _say_demo(args)
        args.command(args)
        return 0
    except ConfigError as exc:
        return _fail(str(exc), 2)
    except RoiError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return _fail("interrupted — completed windows are kept; run the same command again to resume", 130)
    except Exception as exc:  # noqa: BLE001 — the last line of defence for users
        if STATE["debug"]:
            raise
        return _fail(f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                     "(run again with --debug for the details)", 1)


def _fail(message: str, code: int) -> int:
    if STATE["debug"] and code != 130:
        import traceback
        traceback.print_exc()
    print(f"roi: error: {message}", file=sys.stderr)
    return code


def _say_demo(args: argparse.Namespace) -> None:
    """Every command that uses the bundled demo says so first: on stdout, or on stderr where stdout
    is data for another program (`roi query --csv`)."""
    from roi.pipeline.config import DEMO_CONFIG, find_config, load_settings
    if args.command is init:
        return
    path, is_demo = find_config(args.config)
    if not is_demo:
        return
    warehouse = load_settings(path, check_secrets=False, sources=False).warehouse_path
    if warehouse.is_relative_to(Path.cwd()):
        warehouse = warehouse.relative_to(Path.cwd())
    # find_config returns DEMO_CONFIG itself when it found no roi.toml (not the demo's toml found as one)
    why = f"no roi.toml in {Path.cwd()} or its parents" if path is DEMO_CONFIG else \
        f"{path} is the bundled demo's configuration"
    print(f"demo data: {why} — using the bundled demo (warehouse {warehouse}); `roi init` writes your own",
          file=sys.stderr if getattr(args, "csv", False) else sys.stdout, flush=True)


def _date(value: str | None, option: str) -> dt.date | None:
    from roi.contracts.errors import ConfigError
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date like 2026-06-30") from None


def _settings(config: Path | None, check_secrets: bool = True):
    from roi.pipeline.config import load_settings
    return load_settings(config, check_secrets=check_secrets)


def _reader_settings(config: Path | None):
    """Settings for read-only commands: the warehouse only, no source modules imported."""
    from roi.pipeline.config import load_settings
    return load_settings(config, check_secrets=False, sources=False)


def _config_arg(config: Path | None) -> str | None:
    """The flows find the same configuration the CLI did (an absolute path, or None: roi.toml here or in
    a parent folder, else the demo)."""
    return str(config.resolve()) if config else None


def _prefect_env():
    from roi.pipeline.config import prefect_defaults
    prefect_defaults(debug=STATE["debug"])


# ---------------------------------------------------------------- writers (Prefect) ---------------

def init(args):
    """Write a commented starter roi.toml and .env.example."""
    from roi.cli.starter import write_starter
    for path in write_starter(args.directory, force=args.force):
        print(f"wrote {path}")
    print("next: edit roi.toml (one [[sources]] per export folder or account), then `roi run`")


def run(args):
    """Nightly load: each source's window [date − lookback_days, date], then the KPI views."""
    settings = _settings(args.config)
    day = _date(args.date, "--date")
    from roi.pipeline.runs import check_engine, check_run_date, select_sources
    check_run_date(settings, day)           # a future --date and an unknown --source are named before Prefect starts
    select_sources(settings, args.source)
    check_engine(settings)
    _prefect_env()
    from roi.flows.nightly import nightly
    records = nightly(config=_config_arg(args.config), run_date=day, sources=args.source or None)
    _report(records, settings.report_lang)


def backfill(args):
    """Load history in chunks; chunks already loaded are skipped, so an interrupted backfill resumes."""
    settings = _settings(args.config)
    lo, hi = _date(args.start, "--start"), _date(args.end, "--end")
    from roi.pipeline.runs import check_engine, chunks, select_sources
    chunks(lo, hi, args.chunk_days)  # the range and the sources are checked before Prefect starts
    select_sources(settings, args.source)
    check_engine(settings)
    _prefect_env()
    from roi.flows.backfill import backfill as backfill_flow
    records = backfill_flow(start=lo, end=hi, config=_config_arg(args.config), sources=args.source or None,
                            chunk_days=args.chunk_days, force=args.force)
    if not records:
        print("nothing to do: every chunk is already loaded (use --force to reload)")
    _report(records, settings.report_lang)


def ingest(args):
    """Load export files now (no Prefect server): each replaces its source's rows over the file's dates."""
    settings = _settings(args.config, check_secrets=False)
    import dataclasses

    from roi.pipeline.overlap import AlreadyLoaded
    from roi.pipeline.runs import ingest_files
    from roi.warehouse.db import WriterLock
    try:
        with WriterLock(settings.warehouse, settings.lock_timeout_seconds):
            records = ingest_files(settings, args.paths, args.kind, args.source, args.force_new_source)
    except AlreadyLoaded as exc:
        if exc.records:   # the files before the refused one, loaded
            from roi.outputs.show import load_table
            load_table([dataclasses.asdict(r) for r in exc.records], settings.report_lang)
        raise
    _report([dataclasses.asdict(r) for r in records], settings.report_lang)


def forget(args):
    """Remove one source's rows from every table, its quarantined rows too, in one transaction (recorded in ops.loads)."""
    settings = _settings(args.config, check_secrets=False)   # the writer lock's timeout, the sources of roi.toml
    from roi.outputs import show
    from roi.contracts.errors import ConfigError
    from roi.warehouse.db import WriterLock, connect, exists
    from roi.warehouse.source_rows import forget as forget_rows
    if not exists(settings.warehouse):
        raise ConfigError(f"unknown source '{args.source}' (no warehouse yet at {settings.warehouse.label})")
    with WriterLock(settings.warehouse, settings.lock_timeout_seconds):
        with connect(settings.warehouse) as con:
            forgotten = forget_rows(con, args.source)
    show.forgotten(settings, forgotten)


def deploy(args):
    """Register the nightly (cron) and backfill deployments with your Prefect server (PREFECT_API_URL)."""
    settings = _settings(args.config)
    from roi.contracts.errors import ConfigError
    from roi.pipeline.config import prefect_api_url
    if not prefect_api_url():
        raise ConfigError("roi deploy registers with a running Prefect server: set PREFECT_API_URL "
                          "(e.g. http://127.0.0.1:4200/api after `prefect server start`), or use `roi serve`")
    _prefect_env()
    from roi.flows.deploy import register
    from roi.mmm import extra
    for name in register(settings, args.pool):
        print(f"registered deployment {name}")
    if not extra.installed():
        print(f"not registered: roi-mmm/monthly (the media-mix fit) — it {extra.MESSAGE}")
    if args.pool is not None:
        print(f"nightly runs on '{settings.cron}' ({settings.schedule_timezone}) on work pool '{args.pool}'; "
              f"start a worker with `prefect worker start --pool {args.pool}`")
    else:
        print(f"nightly runs on '{settings.cron}' ({settings.schedule_timezone}); start a worker with `roi serve`")


def serve(args):
    """Run the deployments in this process: nightly on its cron, backfill on demand (Ctrl-C stops)."""
    settings = _settings(args.config)
    _prefect_env()
    from roi.flows.deploy import serve_forever
    from roi.mmm import extra
    monthly = f", the media-mix fit on '{settings.mmm.cron}'" if extra.installed() else ""
    print(f"serving: nightly on '{settings.cron}' ({settings.schedule_timezone}){monthly}; Ctrl-C to stop",
          flush=True)
    serve_forever(settings)


def _report(records: list[dict], lang: str) -> None:
    """The load table in the numbers of [report] lang, the notes, and exit 1 when a load failed."""
    from roi.outputs.show import load_table
    load_table(records, lang)
    for r in records:
        if r.get("note"):   # a window that loaded none of the days its source's files hold
            print(f"note: {r['note']}")
    failed = [r for r in records if r["status"] != "succeeded"]
    if failed:
        for r in failed:
            print(f"roi: error: {r['error']}", file=sys.stderr)
        raise SystemExit(1)


def mmm(args):
    """Fit the media-mix model: each paid channel's incremental revenue and ROI with intervals (needs roi[mmm])."""
    from roi.mmm.run import fit
    from roi.outputs.mmm_tables import show_fit
    settings = _settings(args.config, check_secrets=False)
    channels = tuple(c.strip() for c in (args.channels or "").split(",") if c.strip())
    show_fit(fit(settings, _date(args.date_from, "--from"), _date(args.date_to, "--to"), channels, args.quick),
             settings.report_lang)


def plan(args):
    """Allocate a budget across channels by the latest media-mix fit, within limits (needs roi[mmm])."""
    from roi.mmm.run import budget_plan
    from roi.outputs.mmm_tables import show_plan
    settings = _settings(args.config, check_secrets=False)
    show_plan(budget_plan(settings, args.budget, args.weeks, _amounts(args.min, "--min"),
                          _amounts(args.max, "--max"), args.fit), settings.report_lang)


def _amounts(values: list[str] | None, option: str) -> dict[str, float]:
    """--min google_ads=2000 (repeatable) -> {"google_ads": 2000.0}."""
    from roi.contracts.errors import ConfigError
    found = {}
    for value in values or []:
        channel, _, amount = value.partition("=")
        try:
            found[channel.strip()] = float(amount.replace(",", "."))
        except ValueError:
            raise ConfigError(f"{option} {value!r}: write CHANNEL=AMOUNT, like {option} google_ads=2000") from None
    return found


# ---------------------------------------------------------------- readers (no Prefect) -------------

def status(args):
    """Each source: its last load, the days its rows cover, rows, last loaded at; every chunk of the latest backfill."""
    from roi.outputs.status import status as show_status
    show_status(_reader_settings(args.config))


def kpi(args):
    """The KPI table: spend, total cost, revenue, ROAS, CPL, CAC, ROI % … by channel, campaign or month."""
    from roi.outputs import show
    show.kpi(_reader_settings(args.config), args.by, _date(args.date_from, "--from"), _date(args.date_to, "--to"),
             args.csv)


def sources(args):
    """The sources in the warehouse: kind, tables, rows, the days they cover, when last loaded."""
    from roi.outputs import show
    show.sources(_reader_settings(args.config))


def quarantine(args):
    """Rows that were rejected, with every reason, the file and its row number."""
    from roi.outputs import show
    show.quarantine(_reader_settings(args.config), args.source, args.limit)


def query(args):
    """Read-only SQL against the warehouse."""
    from roi.outputs import show
    show.query(_reader_settings(args.config), args.sql, args.csv, args.raw)


def report(args):
    """One self-contained HTML report (opens offline): KPIs vs the previous period, channels, funnel, email, budget, goals, alerts."""
    from roi.outputs.report import write_report
    settings = _reader_settings(args.config)
    path = write_report(settings.warehouse, args.out, _date(args.date_from, "--from"),
                        _date(args.date_to, "--to"), args.lang or settings.report_lang)
    print(f"wrote {path} — open it in any browser; it needs no network")


def export(args):
    """Write every marts view to a Parquet or CSV file each, or to one Excel workbook with a sheet per view."""
    from roi.outputs.export import export as export_views, show_export
    settings = _reader_settings(args.config)
    show_export(export_views(settings.warehouse, args.format,
                             args.out or settings.warehouse_path.parent / "export", args.excel_it))


def alerts(args):
    """KPI alerts: metrics outside their usual range, budgets off plan, goals at risk or missed."""
    from roi.outputs.alerts import show_alerts
    show_alerts(_reader_settings(args.config).warehouse, _date(args.date_from, "--from"), _date(args.date_to, "--to"))


# ---------------------------------------------------------------- the parser ----------------------

class _Parser(argparse.ArgumentParser):
    """Usage errors in roi's one-line form, exit code 2."""

    def error(self, message: str):
        self.exit(2, f"roi: error: {message} (see `{self.prog} --help`)\n")


def _parser() -> _Parser:
    parser = _Parser(prog="roi", allow_abbrev=False,
                     description="roi: marketing ROI from your ad-platform, email and CRM exports, in one DuckDB warehouse.")
    parser.add_argument("--debug", action="store_true", help="Show full tracebacks and Prefect logs.")
    commands = parser.add_subparsers(metavar="COMMAND")
    parser.set_defaults(command=None)

    def command(fn, *options: tuple[tuple, dict]) -> None:
        summary = fn.__doc__.splitlines()[0]
        sub = commands.add_parser(fn.__name__, help=summary.replace("%", "%%"), description=summary,
                                  allow_abbrev=False)
        for flags, spec in options:
            sub.add_argument(*flags, **spec)
        sub.add_argument("--config", "-c", type=Path, metavar="FILE",
                         help="Configuration file (default: roi.toml here or in the nearest parent folder, "
                              "else the bundled demo).")
        sub.set_defaults(command=fn)

    def opt(*flags: str, **spec) -> tuple[tuple, dict]:
        return flags, spec

    only_sources = opt("--source", "-s", action="append", metavar="NAME", help="Only this source (repeatable).")
    date_from = opt("--from", dest="date_from", metavar="DATE", help="First day (default: all data).")
    date_to = opt("--to", dest="date_to", metavar="DATE", help="Last day (default: all data).")
    command(init, opt("directory", nargs="?", type=Path, default=Path("."),
                      help="Folder to write roi.toml and .env.example into (default: here)."),
            opt("--force", action="store_true", help="Overwrite existing files."))
    command(run, opt("--date", metavar="DATE", help="Last day of the window (default: yesterday in the configured time zone)."),
            only_sources)
    command(backfill, opt("--start", required=True, metavar="DATE", help="First day, e.g. 2024-01-01."),
            opt("--end", required=True, metavar="DATE", help="Last day, e.g. 2025-12-31."), only_sources,
            opt("--chunk-days", type=int, default=30, metavar="N", help="Days per chunk (each commits on its own)."),
            opt("--force", action="store_true", help="Reload chunks already loaded."))
    command(ingest, opt("paths", nargs="+", type=Path, metavar="PATH",
                        help="Export files (CSV, TSV, XLSX), or folders: the export files in them."),
            opt("--kind", required=True, help=f"What the files are: {KINDS}."),
            opt("--source", metavar="NAME", help="Source name for the rows (default: the kind)."),
            opt("--force-new-source", action="store_true",
                help="Load rows another source already holds (same file, or same account and days) "
                     "under this source too."))
    command(deploy, opt("--pool", metavar="NAME",
                        help="Register on this process work pool (created if missing) for `prefect worker start --pool NAME`."))
    command(serve)
    command(mmm, opt("--from", dest="date_from", metavar="DATE", help="First day (default: the first week with spend)."),
            opt("--to", dest="date_to", metavar="DATE", help="Last day (default: the last whole week with data)."),
            opt("--channels", metavar="A,B", help="Only these channels (default: [mmm] channels, else every paid "
                                                   "channel with spend)."),
            opt("--quick", action="store_true", help="A point estimate in seconds (MAP), no intervals: a preview."))
    command(plan, opt("--budget", type=float, required=True, metavar="AMOUNT",
                      help="Media budget over the weeks, in the reporting currency."),
            opt("--weeks", type=int, default=4, metavar="N", help="Weeks the budget covers (default 4)."),
            opt("--min", action="append", metavar="CHANNEL=AMOUNT",
                help="A channel's least spend over the weeks (repeatable; 0 lets it stop)."),
            opt("--max", action="append", metavar="CHANNEL=AMOUNT",
                help="A channel's most spend over the weeks (repeatable)."),
            opt("--fit", metavar="FIT_ID", help="Plan with this fit (default: the latest)."))
    command(status)
    command(sources)
    command(forget, opt("source", metavar="SOURCE", help="The source whose rows to remove (see `roi sources`)."))
    command(kpi, opt("--by", choices=("channel", "campaign", "month"), default="channel",
                     help="channel, campaign or month."), date_from, date_to,
            opt("--csv", action="store_true", help="Print CSV (every column, '.' decimals) instead of a table."))
    command(quarantine, opt("--source", metavar="NAME", help="Only this source."),
            opt("--limit", type=int, default=100, metavar="N", help="Most rows to show (default 100)."))
    command(query, opt("sql", metavar="SQL", help="A SELECT over core.*, ops.*, marts.* (read-only)."),
            opt("--csv", action="store_true", help="Print CSV instead of a table."),
            opt("--raw", action="store_true", help="Numbers in full precision (default: 2 decimals for reading)."))
    command(report, opt("--from", dest="date_from", metavar="DATE", help="First day (default: 30 days before --to)."),
            opt("--to", dest="date_to", metavar="DATE", help="Last day (default: the latest day with data)."),
            opt("--out", type=Path, default=Path("report.html"), metavar="FILE", help="HTML file to write."),
            opt("--lang", choices=("it", "en"), help="it or en (default: [report] lang in roi.toml, else it)."))
    command(export, opt("--format", choices=("parquet", "csv", "xlsx"), default="parquet",
                        help="parquet, csv (one file per view) or xlsx (one workbook, a sheet per view)."),
            opt("--excel-it", action="store_true",
                help="With --format csv: ';' separators, decimal comma and a UTF-8 BOM, for Italian Excel."),
            opt("--out", type=Path, metavar="DIR",
                help="Folder (default: export/ beside the warehouse, e.g. data/export)."))
    command(alerts, opt("--from", dest="date_from", metavar="DATE", help="First day (default: the last 7 days with data)."),
            date_to)
    return parser


if __name__ == "__main__":
    main()
