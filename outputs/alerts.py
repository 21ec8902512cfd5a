"""KPI alerts: lists marts.kpi_alerts and sends each new one once by webhook, e-mail or a Prefect notification block."""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import WarehouseTarget

COLUMNS = ("alert_date", "channel", "kind", "metric", "value", "expected", "lower", "upper", "severity",
           "message", "subject", "alert_id", "score")
SEVERITIES = ("info", "warning", "critical")       # in rising order
DEFAULT_SINCE_DAYS = 7                              # notify: alerts of the last 7 days not sent yet
DEFAULT_MIN_SEVERITY = "warning"                    # notify: 'info' (good news) only shows in lists
TIMEOUT_SECONDS = 15.0
ALERTS_SQL = f"""
SELECT {", ".join(COLUMNS)}
FROM marts.kpi_alerts
WHERE alert_date >= ? AND alert_date <= ?
ORDER BY alert_date DESC, CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, channel, kind, metric
"""
SINCE_SQL = f"""
SELECT {", ".join(COLUMNS)}
FROM marts.kpi_alerts
WHERE alert_date >= ? AND list_position(?::VARCHAR[], severity) IS NOT NULL
ORDER BY alert_date, CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, channel, kind, metric
"""


class AlertError(RoiError):
    """A notifier could not deliver; the alerts it did not send are retried on the next run."""


# ------------------------------------------------------------------ reading ----------------------

def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _check_view(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'marts' "
                        "AND view_name = 'kpi_alerts'").fetchone()[0]
    if not found:
        raise RoiError("this warehouse was built before alerts existed — run `roi run` (or `roi ingest`) once "
                       "to add marts.kpi_alerts")


def as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The warehouse's current day: the latest day with data (or the 'as_of' setting)."""
    return con.execute("SELECT as_of FROM stg.settings").fetchone()[0]


def list_alerts(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> list[dict]:
    """Alerts between date_from (default: 7 days before the latest data) and date_to, newest first."""
    _check_view(con)
    hi = date_to or dt.date(9999, 12, 31)
    lo = date_from or as_of(con) - dt.timedelta(days=DEFAULT_SINCE_DAYS - 1)
    if hi < lo:
        raise ConfigError(f"--to {hi} is before --from {lo}")
    return _rows(con, ALERTS_SQL, [lo, hi])


def new_alerts(con: duckdb.DuckDBPyConnection, since: dt.date, notifier: str | None = None,
               min_severity: str = "info") -> list[dict]:
    """Alerts dated since or later, at least min_severity, not sent yet (by that notifier, or by any)."""
    candidates = _candidates(con, since, min_severity)
    sent = _sent(con, candidates)
    if notifier is None:
        done = {alert_id for alert_id, _ in sent}
        return [a for a in candidates if a["alert_id"] not in done]
    return [a for a in candidates if (a["alert_id"], notifier) not in sent]


def _candidates(con: duckdb.DuckDBPyConnection, since: dt.date, min_severity: str) -> list[dict]:
    _check_view(con)
    if min_severity not in SEVERITIES:
        raise ConfigError(f"alerts: min_severity '{min_severity}' is not one of {', '.join(SEVERITIES)}")
    return _rows(con, SINCE_SQL, [since, list(SEVERITIES[SEVERITIES.index(min_severity):])])


def _sent(con: duckdb.DuckDBPyConnection, alerts: list[dict]) -> set[tuple[str, str]]:
    """(alert_id, notifier) pairs already delivered, among these alerts."""
    if not alerts:
        return set()
    rows = con.execute("SELECT alert_id, notifier FROM ops.alerts_sent WHERE alert_id IN (SELECT unnest(?::VARCHAR[]))",
                       [[a["alert_id"] for a in alerts]]).fetchall()
    return {(alert_id, notifier) for alert_id, notifier in rows}


def mark_sent(con: duckdb.DuckDBPyConnection, notifier: str, alerts: list[dict]) -> None:
    """Records the alerts as delivered by notifier (a re-send of the same id is ignored)."""
    now = dt.datetime.now(dt.timezone.utc)
    for a in alerts:
        # Where absent, not ON CONFLICT: a DuckLake's ops.alerts_sent has no primary key (warehouse/build.py).
        con.execute(
            "INSERT INTO ops.alerts_sent (alert_id, notifier, sent_at, alert_date, kind, channel, metric, severity, "
            "message) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM ops.alerts_sent "
            "WHERE alert_id = ? AND notifier = ?)",
            [a["alert_id"], notifier, now, a["alert_date"], a["kind"], a["channel"], a["metric"], a["severity"],
             a["message"], a["alert_id"], notifier])


# ------------------------------------------------------------------ messages ---------------------

def subject_line(alerts: list[dict]) -> str:
    worst = max((a["severity"] for a in alerts), key=SEVERITIES.index)
    channels = sorted({a["channel"] for a in alerts})
    shown = ", ".join(channels[:3]) + (f" +{len(channels) - 3}" if len(channels) > 3 else "")
    return f"roi: {len(alerts)} new KPI alert{'s' if len(alerts) != 1 else ''} ({worst}) — {shown}"


def text_body(alerts: list[dict]) -> str:
    lines = [f"[{a['severity'].upper()}] {a['alert_date']} {a['message']}" for a in alerts]
    lines.append("")
    lines.append("All alerts: `roi alerts`; the KPI report: `roi report`.")
    return "\n".join(lines)


def payload(alerts: list[dict]) -> dict:
    """The webhook's JSON: a Slack/Teams-style 'text' plus every alert's fields."""
    items = []
    for a in alerts:
        item = {k: a.get(k) for k in COLUMNS}
        item["alert_date"] = a["alert_date"].isoformat()
        items.append(item)
    return {"text": subject_line(alerts) + "\n" + text_body(alerts), "count": len(alerts), "alerts": items}


# ------------------------------------------------------------------ notifiers --------------------

def send_webhook(url: str, alerts: list[dict], timeout: float = TIMEOUT_SECONDS) -> None:
    """POSTs the alerts as JSON; any answer but 2xx is a failure (the URL never appears in errors)."""
    import requests
    host = urlsplit(url).hostname or "the webhook"
    try:
        response = requests.post(url, json=payload(alerts), timeout=timeout)
    except requests.RequestException as exc:
        raise AlertError(f"webhook: cannot reach {host} ({type(exc).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise AlertError(f"webhook: {host} answered HTTP {response.status_code}")


def send_email(smtp: dict, alerts: list[dict], timeout: float = TIMEOUT_SECONDS) -> None:
    """One e-mail listing the alerts. smtp: host, port, from, to (list or comma-separated), user, password,
    security (starttls | ssl | none; default ssl on port 465, starttls on 587, else none)."""
    host, port = smtp.get("host"), int(smtp.get("port") or 25)
    sender, recipients = smtp.get("from"), smtp.get("to")
    if isinstance(recipients, str):
        recipients = [r.strip() for r in recipients.split(",") if r.strip()]
    if not host or not sender or not recipients:
        raise ConfigError("alerts: e-mail needs smtp_host, smtp_from and smtp_to in [alerts]")
    security = smtp.get("security") or ("ssl" if port == 465 else "starttls" if port == 587 else "none")
    if security not in ("ssl", "starttls", "none"):
        raise ConfigError(f"alerts: smtp_security '{security}' must be starttls, ssl or none")
    message = EmailMessage()
    message["Subject"] = subject_line(alerts)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(text_body(alerts))
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if smtp.get("user"):
                server.login(smtp["user"], smtp.get("password") or "")
            server.send_message(message, from_addr=sender, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError:
        raise AlertError(f"e-mail: {host} refused the login — check smtp_user and ROI_ALERTS__SMTP_PASSWORD") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise AlertError(f"e-mail: sending through {host}:{port} failed ({type(exc).__name__})") from None


def send_prefect(block: str, alerts: list[dict], load=None) -> None:
    """Notifies through a saved Prefect notification block, named 'type-slug/name' (e.g. 'slack-webhook/marketing')."""
    if "/" not in block:
        raise ConfigError(f"alerts: prefect_block '{block}' must be 'block-type/name', e.g. 'slack-webhook/marketing'")
    if load is None:
        from prefect.blocks.core import Block
        load = Block.load
    try:
        notifier = load(block)
        notifier.notify(body=text_body(alerts), subject=subject_line(alerts))
    except ValueError as exc:
        raise AlertError(f"prefect: cannot load the block '{block}' ({str(exc).splitlines()[0][:120]})") from None
    except Exception as exc:  # noqa: BLE001 — any block failure is one line, retried next run
        raise AlertError(f"prefect: the block '{block}' failed ({type(exc).__name__})") from None


def notifiers(settings_like: dict) -> dict:
    """name -> function(alerts) for each notifier the settings configure."""
    found = {}
    if settings_like.get("webhook_url"):
        found["webhook"] = lambda alerts: send_webhook(settings_like["webhook_url"], alerts)
    if settings_like.get("smtp_host") or settings_like.get("smtp_to"):
        smtp = {key: settings_like.get(f"smtp_{key}") for key in
                ("host", "port", "from", "to", "user", "password", "security")}
        found["email"] = lambda alerts: send_email(smtp, alerts)
    if settings_like.get("prefect_block"):
        found["prefect"] = lambda alerts: send_prefect(settings_like["prefect_block"], alerts)
    return found


def notify(settings_like: dict, con: duckdb.DuckDBPyConnection) -> int:
    """Sends the alerts not yet sent through every configured notifier; returns how many alerts went out.

    settings_like: webhook_url, smtp_host, smtp_port, smtp_from, smtp_to, smtp_user, smtp_password
    (from the environment only), smtp_security, prefect_block, min_severity (default 'warning'),
    since_days (default 7: older alerts are never sent). con: a read-write connection. A notifier
    that fails is retried on the next run (the others are not repeated); the failures are raised
    together as one AlertError after the others have been recorded."""
    from roi.warehouse import build
    build.ensure(con)
    configured = notifiers(settings_like)
    if not configured:
        return 0
    since = as_of(con) - dt.timedelta(days=int(settings_like.get("since_days") or DEFAULT_SINCE_DAYS) - 1)
    candidates = _candidates(con, since, settings_like.get("min_severity") or DEFAULT_MIN_SEVERITY)
    already = _sent(con, candidates)
    sent: set[str] = set()
    errors: list[str] = []
    for name, send in configured.items():
        pending = [a for a in candidates if (a["alert_id"], name) not in already]
        if not pending:
            continue
        try:
            send(pending)
        except RoiError as exc:
            errors.append(str(exc))
            continue
        mark_sent(con, name, pending)
        sent |= {a["alert_id"] for a in pending}
    if errors:
        raise AlertError("; ".join(errors) + " — the unsent alerts are retried on the next run")
    return len(sent)


# ------------------------------------------------------------------ printing ---------------------

def show_alerts(warehouse: WarehouseTarget | Path, date_from: dt.date | None = None, date_to: dt.date | None = None) -> None:
    """`roi alerts`: the alerts of the period as a table (read-only, no Prefect)."""
    from rich.markup import escape
    from rich.table import Table

    from roi.outputs.tables import console
    from roi.warehouse import db
    with db.connect_read_only(warehouse) as con:
        rows = list_alerts(con, date_from, date_to)
        start = date_from or as_of(con) - dt.timedelta(days=DEFAULT_SINCE_DAYS - 1)
    if not rows:
        console.print(f"no alerts since {start}" + (" (use --from for earlier days)" if date_from is None else ""))
        return
    styles = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
    table = Table(title=f"KPI alerts since {start} ({len(rows)})", title_justify="left")
    for col in ("date", "severity", "kind", "channel", "metric", "message", "id"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(str(a["alert_date"]), f"[{styles.get(a['severity'], '')}]{a['severity']}[/]", a["kind"],
                      a["channel"], a["metric"], escape(a["message"]), a["alert_id"])
    console.print(table)
