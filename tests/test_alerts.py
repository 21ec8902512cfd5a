"""marts.kpi_alerts on constructed series (weekday-aware robust bands, budgets, goals) and sending each alert once."""
import datetime as dt
import email
import hashlib
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from pytest import approx

from roi.outputs import alerts
from roi.contracts.errors import ConfigError
from viewkit import Warehouse
from roi.warehouse.build import build

D = dt.date
START = D(2026, 3, 2)           # a Monday; google_ads runs 9 weeks, 2 March - 3 May 2026
END = D(2026, 5, 3)
SMALL_SPIKE = D(2026, 4, 14)    # Tuesday: spend 120 instead of 100
CTR_DROP = D(2026, 4, 16)       # Thursday: 10 clicks instead of 50 per 1000 impressions
BIG_SPIKE = D(2026, 4, 22)      # Wednesday: spend 300 instead of 100
OPEN_DROP = D(2026, 4, 23)      # Thursday newsletter: 10 % opens instead of 30 %
SUNDAY_DROP = D(2026, 4, 26)    # Sunday: spend 10 instead of the usual Sunday 40


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def series(wh):
    """google_ads: weekdays spend 100, 1000 impressions, 50 clicks, 5 conversions worth 300; weekends 40, 400,
    20, 2, 120 (CTR 5 %, CPA 20, ROAS 3 every day), with the anomalies above. meta_ads: only 10 days, the last
    a spike (too little history to judge). Email: Tuesday and Thursday sends, 30 % opens."""
    for day in days(START, END):
        weekend = day.weekday() >= 5
        row = dict(spend=40, impressions=400, clicks=20, conversions=2, conversion_value=120) if weekend else \
            dict(spend=100, impressions=1000, clicks=50, conversions=5, conversion_value=300)
        row["spend"] = {SMALL_SPIKE: 120, BIG_SPIKE: 300, SUNDAY_DROP: 10}.get(day, row["spend"])
        row["clicks"] = 10 if day == CTR_DROP else row["clicks"]
        wh.ad(day.isoformat(), **row)
        if day.weekday() in (1, 3):
            opens = 100 if day == OPEN_DROP else 300
            wh.email(day.isoformat(), campaign_id=f"e{day:%m%d}", recipients=1000, delivered=1000,
                     unique_opens=opens)
    for day in days(D(2026, 4, 24), END):
        wh.ad(day.isoformat(), platform="meta_ads", source="meta", spend=500 if day == END else 50,
              impressions=1000, clicks=30, conversions=3, conversion_value=150)


@pytest.fixture(scope="module")
def built():
    """One warehouse holding series() for the whole module (views take ~0.3 s to plan: query them sparingly)."""
    con = duckdb.connect(config={"threads": 1})
    build(con)
    series(Warehouse(con))
    yield con
    con.close()


@pytest.fixture
def wh(built):
    """series() in a transaction rolled back after the test."""
    built.execute("BEGIN TRANSACTION")
    try:
        yield Warehouse(built)
    finally:
        built.execute("ROLLBACK")


@pytest.fixture(scope="module")
def all_alerts(built) -> list[dict]:
    return Warehouse(built).rows("SELECT * FROM marts.kpi_alerts ORDER BY alert_date, channel, metric")


def metric_alerts(rows: list[dict]) -> dict:
    found: dict = {}
    for r in rows:
        if r["kind"].startswith("metric_"):
            found.setdefault((r["alert_date"], r["channel"]), {})[r["metric"]] = r
    return found


def alerts_of(wh, kind: str) -> list[dict]:
    return wh.rows("SELECT * FROM marts.kpi_alerts WHERE kind LIKE ? ORDER BY alert_date, channel", kind)


def test_spikes_and_drops_are_found_and_nothing_else(all_alerts):
    found = metric_alerts(all_alerts)
    assert set(found) == {(SMALL_SPIKE, "google_ads"), (CTR_DROP, "google_ads"), (BIG_SPIKE, "google_ads"),
                          (OPEN_DROP, "email"), (SUNDAY_DROP, "google_ads")}
    # Steady weekdays: center 100, MAD 0 -> sigma floored at 5 % of 100 = 5; band 100 -/+ 3.5 x 5.
    spend = found[(BIG_SPIKE, "google_ads")]["spend"]
    assert (spend["kind"], spend["value"], spend["expected"]) == ("metric_spike", 300, approx(100))
    assert (spend["lower"], spend["upper"]) == (approx(82.5), approx(117.5))
    assert spend["score"] == approx(40) and spend["severity"] == "critical"     # 40 >= 2 x 3.5
    assert spend["message"] == ("google_ads spend on Wednesday 2026-04-22 was 300.00 EUR, above its usual range "
                                "of 82.50 EUR to 117.50 EUR (expected 100.00 EUR, from the last 28 days)")
    # The same day: CPA 300 / 5 = 60 (band 20 -/+ 3.5) is bad news; ROAS 300 / 300 = 1 too.
    assert found[(BIG_SPIKE, "google_ads")]["cpa"]["kind"] == "metric_spike"
    assert found[(BIG_SPIKE, "google_ads")]["roas"]["kind"] == "metric_drop"
    assert set(found[(BIG_SPIKE, "google_ads")]) == {"spend", "cpa", "roas"}
    # A small spike: 120 is 4 sigma above 100 -> warning; CPA 24 is 4 sigma above 20; ROAS 2.5 is inside.
    small = found[(SMALL_SPIKE, "google_ads")]
    assert set(small) == {"spend", "cpa"}
    assert small["spend"]["score"] == approx(4) and small["spend"]["severity"] == "warning"
    ctr = found[(CTR_DROP, "google_ads")]
    assert set(ctr) == {"ctr"}
    assert (ctr["ctr"]["kind"], ctr["ctr"]["value"], ctr["ctr"]["expected"]) == ("metric_drop", 0.01, approx(0.05))
    opened = found[(OPEN_DROP, "email")]["open_rate"]
    assert (opened["kind"], opened["value"], opened["expected"]) == ("metric_drop", approx(0.1), approx(0.3))
    assert opened["severity"] == "critical"                                     # |(0.1 - 0.3) / 0.015| >= 7


def test_bands_are_weekday_aware(all_alerts):
    found = metric_alerts(all_alerts)
    # Every other Sunday spends 40 without an alert; this one spends 10: compared with Sundays
    # (expected 40, band 40 -/+ 17.5), not with the weekdays' 100.
    sunday = found[(SUNDAY_DROP, "google_ads")]
    assert sunday["spend"]["kind"] == "metric_drop"
    assert (sunday["spend"]["expected"], sunday["spend"]["lower"], sunday["spend"]["upper"]) == \
        (approx(40), approx(22.5), approx(57.5))
    assert sunday["spend"]["severity"] == "warning"                             # score -6
    assert "for a Sunday" in sunday["spend"]["message"]
    # CPA 10 / 2 = 5 and ROAS 120 / 10 = 12 move the good way: info, not warning.
    assert (sunday["cpa"]["kind"], sunday["cpa"]["severity"]) == ("metric_drop", "info")
    assert (sunday["roas"]["kind"], sunday["roas"]["severity"]) == ("metric_spike", "info")
    assert not [key for key in found if key[0].weekday() >= 5 and key[0] != SUNDAY_DROP]


def test_short_history_is_not_judged_and_k_comes_from_settings(all_alerts, wh):
    assert not [key for key in metric_alerts(all_alerts) if key[1] == "meta_ads"]   # 10 days: no band yet
    wh.settings(alert_k="10")
    found = metric_alerts(alerts_of(wh, "metric_%"))
    assert (SMALL_SPIKE, "google_ads") not in found                             # 4 sigma < 10
    assert found[(BIG_SPIKE, "google_ads")]["spend"]["upper"] == approx(150)    # 100 + 10 x 5
    assert found[(CTR_DROP, "google_ads")]["ctr"]["severity"] == "warning"      # 16 < 2 x 10


def test_alert_ids_are_stable_hashes(all_alerts):
    spike = metric_alerts(all_alerts)[(BIG_SPIKE, "google_ads")]["spend"]
    key = "metric_spike|google_ads|spend||2026-04-22"
    assert spike["alert_id"] == hashlib.md5(key.encode()).hexdigest()[:16]
    ids = [r["alert_id"] for r in all_alerts]
    assert len(ids) == len(set(ids))


def test_budget_pacing_alerts_once_a_month(wh):
    wh.budget("2026-04-01", "google_ads", 2000)
    wh.settings(as_of="2026-04-03")                 # 3 days: too early to judge a month
    assert not alerts_of(wh, "budget_%")
    wh.settings(as_of="2026-04-10")
    budget = {r["channel"]: r for r in alerts_of(wh, "budget_%")}
    assert set(budget) == {"google_ads"}            # meta_ads starts on 24 April
    google = budget["google_ads"]
    # 1-10 April: 8 weekdays x 100 + 2 weekend days x 40 = 880 -> 2640 projected over 30 days
    assert (google["kind"], google["value"], google["expected"]) == ("budget_over", approx(2640), approx(2000))
    assert (google["lower"], google["upper"], google["severity"]) == (approx(1800), approx(2200), "warning")
    assert google["alert_date"] == D(2026, 4, 10)
    assert google["message"] == ("google_ads (proven budget) is projected to cost 2,640.00 EUR in April 2026 "
                                 "against a plan of 2,000.00 EUR (132% of plan, over by more than 10%); "
                                 "10 of 30 days elapsed, 880.00 EUR so far")
    wh.settings(as_of="2026-04-27")                 # later in the month: the same alert, not a new one
    later = {r["channel"]: r for r in alerts_of(wh, "budget_%")}
    assert later["google_ads"]["alert_id"] == google["alert_id"]
    assert later["meta_ads"]["message"].startswith("meta_ads has no budget for April 2026")


def test_goals_at_risk_and_missed(wh):
    wh.goal("q2_leads", "leads", 100, "2026-04-01", "2026-06-30", name="Lead Q2")
    wh.goal("march_roas", "roas", 4, "2026-03-01", "2026-03-31", channel="google_ads", name="ROAS marzo")
    wh.goal("clicks", "clicks", 10, "2026-04-01", "2026-06-30", name="Clicks")          # achieved: no alert
    rows = {r["subject"]: r for r in alerts_of(wh, "goal_%")}
    assert set(rows) == {"q2_leads", "march_roas"}
    assert (rows["q2_leads"]["kind"], rows["q2_leads"]["channel"], rows["q2_leads"]["severity"]) == \
        ("goal_at_risk", "all", "warning")
    assert (rows["q2_leads"]["value"], rows["q2_leads"]["lower"], rows["q2_leads"]["upper"]) == (0, 100, None)
    missed = rows["march_roas"]
    assert (missed["kind"], missed["channel"], missed["severity"], missed["value"]) == \
        ("goal_missed", "google_ads", "critical", approx(3))
    assert missed["message"] == ("Goal 'ROAS marzo' (roas at least 4.00 on google_ads by 2026-03-31) was missed: "
                                 "3.00 at the deadline")
    key = "goal_missed|google_ads|roas|march_roas|2026-03-31"
    assert missed["alert_id"] == hashlib.md5(key.encode()).hexdigest()[:16]


# ------------------------------------------------------------------ notifiers --------------------

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message's raw bytes land in server.messages."""

    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        lines, in_data = [], False
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(lines))
                    lines, in_data = [], False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 end with .\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:                                    # EHLO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def receivers():
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    hook.received, hook.status = [], 200
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSink)
    smtp.daemon_threads = True
    smtp.messages = []
    for server in (hook, smtp):
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield hook, smtp
    for server in (hook, smtp):
        server.shutdown()
        server.server_close()


def settings_for(hook, smtp) -> dict:
    return {"webhook_url": f"http://127.0.0.1:{hook.server_address[1]}/hooks/T0/SECRET",
            "smtp_host": "127.0.0.1", "smtp_port": smtp.server_address[1], "smtp_from": "roi@example.com",
            "smtp_to": "team@example.com, cmo@example.com", "since_days": 30}


EXPECTED_SENT = 8   # warnings and criticals of series(): 2 + 1 + 3 + 1 + 1 (the two infos are not sent)


def test_notify_sends_each_alert_once(wh, receivers):
    hook, smtp = receivers
    assert alerts.notify(settings_for(hook, smtp), wh.con) == EXPECTED_SENT
    assert len(hook.received) == 1 and hook.received[0]["count"] == EXPECTED_SENT
    sent = hook.received[0]["alerts"]
    assert {a["severity"] for a in sent} == {"warning", "critical"}
    assert {(a["alert_date"], a["metric"]) for a in sent} >= {("2026-04-22", "spend"), ("2026-04-23", "open_rate")}
    assert hook.received[0]["text"].startswith(f"roi: {EXPECTED_SENT} new KPI alerts (critical)")
    assert len(smtp.messages) == 1
    mail = email.message_from_bytes(smtp.messages[0])
    assert mail["To"] == "team@example.com, cmo@example.com"
    assert mail["Subject"].startswith(f"roi: {EXPECTED_SENT} new KPI alerts")
    assert "google_ads spend on Wednesday 2026-04-22 was 300.00 EUR" in mail.get_payload(decode=True).decode()
    assert wh.one("SELECT count(*) AS n FROM ops.alerts_sent")["n"] == 2 * EXPECTED_SENT
    # The next nightly run finds nothing new: nothing is sent twice.
    assert alerts.notify(settings_for(hook, smtp), wh.con) == 0
    assert len(hook.received) == 1 and len(smtp.messages) == 1


def test_a_failing_notifier_retries_alone(wh, receivers):
    hook, smtp = receivers
    hook.status = 500
    with pytest.raises(alerts.AlertError) as failure:
        alerts.notify(settings_for(hook, smtp), wh.con)
    assert "127.0.0.1 answered HTTP 500" in str(failure.value)
    assert "SECRET" not in str(failure.value)                  # the webhook URL is a secret
    assert len(smtp.messages) == 1                             # e-mail went out and is recorded
    hook.status = 200
    assert alerts.notify(settings_for(hook, smtp), wh.con) == EXPECTED_SENT
    assert len(hook.received) == 2 and len(smtp.messages) == 1  # only the webhook retried


def test_since_and_min_severity_limit_what_is_sent(wh, receivers):
    hook, smtp = receivers
    only_hook = {"webhook_url": settings_for(hook, smtp)["webhook_url"]}
    assert alerts.notify(only_hook, wh.con) == 0               # default: the last 7 days (27 April on)
    assert alerts.notify({**only_hook, "since_days": 30, "min_severity": "critical"}, wh.con) == 5
    assert {a["severity"] for a in hook.received[0]["alerts"]} == {"critical"}
    assert alerts.notify({}, wh.con) == 0                      # no notifier configured


def test_prefect_block_is_loaded_by_name(wh):
    pending = alerts.new_alerts(wh.con, START, min_severity="critical")
    calls = []

    class FakeBlock:
        def notify(self, body, subject=None):
            calls.append((subject, body))

    alerts.send_prefect("slack-webhook/marketing", pending, load=lambda name: calls.append(name) or FakeBlock())
    assert calls[0] == "slack-webhook/marketing"
    assert calls[1][0].startswith("roi: 5 new KPI alerts (critical)")
    with pytest.raises(ConfigError):
        alerts.send_prefect("marketing", pending, load=lambda name: FakeBlock())


def test_roi_alerts_lists_the_period(tmp_path, capsys):
    path = tmp_path / "roi.duckdb"
    con = duckdb.connect(str(path))
    build(con)
    series(Warehouse(con))
    con.close()
    alerts.show_alerts(path, D(2026, 4, 20))
    out = capsys.readouterr().out
    assert "KPI alerts since 2026-04-20" in out and "2026-04-22" in out and "2026-04-14" not in out
    alerts.show_alerts(path)                                   # default: the last 7 days of data
    assert "no alerts since 2026-04-27" in capsys.readouterr().out
