-- Alerts already delivered: one row per alert (marts.kpi_alerts.alert_id) per notifier (webhook,
-- email, prefect), so each alert goes out once through each notifier, however often the nightly
-- run repeats; a notifier that failed retries it on the next run.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.alerts_sent (
    alert_id VARCHAR NOT NULL,
    notifier VARCHAR NOT NULL,        -- webhook | email | prefect
    sent_at TIMESTAMPTZ NOT NULL,
    alert_date DATE,
    kind VARCHAR,
    channel VARCHAR,
    metric VARCHAR,
    severity VARCHAR,
    message VARCHAR,
    PRIMARY KEY (alert_id, notifier)
);
