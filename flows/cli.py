"""The `roi` command line: thin commands over flows (writers) and read-only warehouse queries (readers).

Read-only commands (status, kpi, quarantine, query) never import Prefect."""
from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="roi: marketing ROI from your ad-platform, email and CRM exports, in one DuckDB warehouse.")
STATE = {"debug": False}

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="Configuration file (default ./roi.toml, else the bundled demo).")]
SourceOpt = Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Only this source (repeatable).")]


def main() -> None:
    # pandera imports hypothesis (the dev extra) for its data-synthesis strategies, which roi never uses,
    # the first time it validates: 0.15 s of every load. It goes without, as in a plain install, when
    # the import fails, which a None entry in sys.modules makes it do.
    sys.modules.setdefault("hypothesis", None)
    app()


@app.callback()
def _global(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks and Prefect logs.")] = False):
    STATE["debug"] = debug


def friendly(fn):
    """Errors become one line on stderr; exit 2 for bad usage/configuration, 1 for failed runs."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from flows.errors import ConfigError, RoiError
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except ConfigError as exc:
            _fail(str(exc), 2)
        except RoiError as exc:
            _fail(str(exc), 1)
        except KeyboardInterrupt:
            _fail("interrupted — completed windows are kept; run the same command again to resume", 130)
        except Exception as exc:  # noqa: BLE001 — the last line of defence for users
            if STATE["debug"]:
                raise
            _fail(f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                  "(run again with --debug for the details)", 1)
    return wrapper


def _fail(message: str, code: int):
    if STATE["debug"] and code != 130:
        import traceback
        traceback.print_exc()
    typer.echo(f"roi: error: {message}", err=True)
    raise typer.Exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    from flows.errors import ConfigError
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date like 2026-06-30") from None


def _settings(config: Path | None, check_secrets: bool = True):
    from flows.settings import load_settings
    return load_settings(config, check_secrets=check_secrets)


def _reader_settings(config: Path | None):
    """Settings for read-only commands: the warehouse only, no source modules imported."""
    from flows.settings import load_settings
    return load_settings(config, check_secrets=False, sources=False)


def _config_arg(config: Path | None) -> str | None:
    """The flows find the same configuration the CLI did (an absolute path, or None for ./roi.toml/demo)."""
    return str(config.resolve()) if config else None


def _prefect_env():
    from flows.settings import prefect_defaults
    prefect_defaults(debug=STATE["debug"])


# ---------------------------------------------------------------- writers (Prefect) ---------------

@app.command()
@friendly
def init(directory: Annotated[Path, typer.Argument(help="Folder to write roi.toml and .env.example into.")] = Path("."),
         force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False):
    """Write a commented starter roi.toml and .env.example."""
    from flows.starter import write_starter
    for path in write_starter(directory, force=force):
        typer.echo(f"wrote {path}")
    typer.echo("next: edit roi.toml (one [[sources]] per export folder or account), then `roi run`")


@app.command()
@friendly
def run(date: Annotated[Optional[str], typer.Option("--date", help="Last day of the window (default: yesterday in the configured time zone).")] = None,
        config: ConfigOpt = None, source: SourceOpt = None):
    """Nightly load: each source's window [date − lookback_days, date], then the KPI views."""
    settings = _settings(config)
    day = _date(date, "--date")
    _prefect_env()
    from flows.nightly import nightly
    if settings.is_demo:
        typer.echo("no roi.toml here: running the bundled demo (warehouse: data/roi.duckdb)")
    records = nightly(config=_config_arg(config), run_date=day, sources=source or None)
    _report(records)


@app.command()
@friendly
def backfill(start: Annotated[str, typer.Option("--start", help="First day, e.g. 2024-01-01.")],
             end: Annotated[str, typer.Option("--end", help="Last day, e.g. 2025-12-31.")],
             config: ConfigOpt = None, source: SourceOpt = None,
             chunk_days: Annotated[int, typer.Option("--chunk-days", help="Days per chunk (each commits on its own).")] = 30,
             force: Annotated[bool, typer.Option("--force", help="Reload chunks already loaded.")] = False):
    """Load history in chunks; chunks already loaded are skipped, so an interrupted backfill resumes."""
    settings = _settings(config)
    lo, hi = _date(start, "--start"), _date(end, "--end")
    from flows.runs import chunks
    chunks(lo, hi, chunk_days)  # validates the range before Prefect starts
    _prefect_env()
    from flows.backfill import backfill as backfill_flow
    records = backfill_flow(start=lo, end=hi, config=_config_arg(config), sources=source or None,
                            chunk_days=chunk_days, force=force)
    if not records:
        typer.echo("nothing to do: every chunk is already loaded (use --force to reload)")
    _report(records)


@app.command()
@friendly
def ingest(paths: Annotated[list[Path], typer.Argument(help="Export files (CSV, TSV, XLSX).")],
           kind: Annotated[str, typer.Option("--kind", help="What the files are: google_ads, meta_ads, linkedin_ads, microsoft_ads, tiktok_ads, mailchimp, brevo, klaviyo, hubspot_email, leads, orders, costs, budgets, goals, fx_rates.")],
           source: Annotated[Optional[str], typer.Option("--source", help="Source name for the rows (default: the kind).")] = None,
           config: ConfigOpt = None):
    """Load export files now (no Prefect server): each replaces its source's rows over the file's dates."""
    settings = _settings(config, check_secrets=False)
    from flows.runs import ingest_files
    from warehouse.db import WriterLock
    with WriterLock(settings.warehouse_path, settings.lock_timeout_seconds):
        records = ingest_files(settings, paths, kind, source)
    import dataclasses
    _report([dataclasses.asdict(r) for r in records])


@app.command()
@friendly
def deploy(config: ConfigOpt = None):
    """Register the nightly (cron) and backfill deployments with your Prefect server (PREFECT_API_URL)."""
    settings = _settings(config)
    from flows.settings import prefect_api_url
    from flows.errors import ConfigError
    if not prefect_api_url():
        raise ConfigError("roi deploy registers with a running Prefect server: set PREFECT_API_URL "
                          "(e.g. http://127.0.0.1:4200/api after `prefect server start`), or use `roi serve`")
    _prefect_env()
    from flows.deploy import register
    for name in register(settings):
        typer.echo(f"registered deployment {name}")
    typer.echo(f"nightly runs on '{settings.cron}' ({settings.schedule_timezone}); start a worker with `roi serve`")


@app.command()
@friendly
def serve(config: ConfigOpt = None):
    """Run the deployments in this process: nightly on its cron, backfill on demand (Ctrl-C stops)."""
    settings = _settings(config)
    _prefect_env()
    from flows.deploy import serve_forever
    typer.echo(f"serving: nightly on '{settings.cron}' ({settings.schedule_timezone}); Ctrl-C to stop")
    serve_forever(settings)


def _report(records: list[dict]) -> None:
    from flows.show import load_table
    load_table(records)
    failed = [r for r in records if r["status"] != "succeeded"]
    if failed:
        for r in failed:
            typer.echo(f"roi: error: {r['error']}", err=True)
        raise typer.Exit(1)


# ---------------------------------------------------------------- readers (no Prefect) -------------

@app.command()
@friendly
def status(config: ConfigOpt = None):
    """Last load of each source: window, rows in / loaded / quarantined, state, errors."""
    from flows import show
    show.status(_reader_settings(config))


@app.command()
@friendly
def kpi(by: Annotated[str, typer.Option("--by", help="channel, campaign or month.")] = "channel",
        date_from: Annotated[Optional[str], typer.Option("--from", help="First day (default: all data).")] = None,
        date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (default: all data).")] = None,
        config: ConfigOpt = None):
    """The KPI table: spend, total cost, revenue, ROAS, CPL, CAC, ROI % … by channel, campaign or month."""
    from flows import show
    from flows.errors import ConfigError
    if by not in ("channel", "campaign", "month"):
        raise ConfigError(f"--by {by}: choose channel, campaign or month")
    show.kpi(_reader_settings(config), by, _date(date_from, "--from"), _date(date_to, "--to"))


@app.command()
@friendly
def quarantine(source: Annotated[Optional[str], typer.Option("--source", help="Only this source.")] = None,
               limit: Annotated[int, typer.Option(help="Most rows to show.")] = 100,
               config: ConfigOpt = None):
    """Rows that were rejected, with every reason, the file and its row number."""
    from flows import show
    show.quarantine(_reader_settings(config), source, limit)


@app.command()
@friendly
def query(sql: Annotated[str, typer.Argument(help="A SELECT over core.*, ops.*, marts.* (read-only).")],
          config: ConfigOpt = None,
          csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False):
    """Read-only SQL against the warehouse."""
    from flows import show
    show.query(_reader_settings(config), sql, csv)


@app.command()
@friendly
def report(date_from: Annotated[Optional[str], typer.Option("--from", help="First day (default: 30 days before --to).")] = None,
           date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (default: the latest day with data).")] = None,
           out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
           lang: Annotated[Optional[str], typer.Option("--lang", help="it or en (default: [report] lang in roi.toml, else it).")] = None,
           config: ConfigOpt = None):
    """One self-contained HTML report (opens offline): KPIs vs the previous period, channels, funnel, email, budget, goals, alerts."""
    from flows.errors import ConfigError
    from flows.report import write_report
    settings = _reader_settings(config)
    language = lang or settings.report_lang
    if language not in ("it", "en"):
        raise ConfigError(f"--lang {language}: choose it or en")
    path = write_report(settings.warehouse_path, out, _date(date_from, "--from"), _date(date_to, "--to"), language)
    typer.echo(f"wrote {path} — open it in any browser; it needs no network")


@app.command()
@friendly
def export(fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
           out: Annotated[Optional[Path], typer.Option("--out", help="Folder (default: export/ beside the warehouse, e.g. data/export).")] = None,
           config: ConfigOpt = None):
    """Write every marts view to one file each, for Looker Studio, Power BI, Sheets or Excel."""
    from flows.export import export as export_views, show_export
    settings = _reader_settings(config)
    show_export(export_views(settings.warehouse_path, fmt, out or settings.warehouse_path.parent / "export"))


@app.command()
@friendly
def alerts(date_from: Annotated[Optional[str], typer.Option("--from", help="First day (default: the last 7 days with data).")] = None,
           date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (default: all).")] = None,
           config: ConfigOpt = None):
    """KPI alerts: metrics outside their usual range, budgets off plan, goals at risk or missed."""
    from flows.alerts import show_alerts
    show_alerts(_reader_settings(config).warehouse_path, _date(date_from, "--from"), _date(date_to, "--to"))


if __name__ == "__main__":
    main()
