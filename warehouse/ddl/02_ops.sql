-- Operational tables: every load attempt, every rejected row, and the settings the views read.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.loads (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    window_start DATE,
    window_end DATE,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,          -- running | succeeded | failed
    rows_in BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    rows_duplicate BIGINT,            -- exact duplicates of another row, loaded once
    error VARCHAR,
    totals_check VARCHAR,             -- reconciliation against the export's own totals row
    files VARCHAR,                    -- the files read, ';'-separated
    trigger VARCHAR                   -- run | backfill | ingest
);

CREATE TABLE IF NOT EXISTS ops.quarantine (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    row_number BIGINT,
    raw_row JSON,
    reasons VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL,
    file VARCHAR
);

-- Key/value settings from roi.toml that the views need (reporting currency, attribution ...).
CREATE TABLE IF NOT EXISTS ops.settings (key VARCHAR PRIMARY KEY, value VARCHAR);

-- Custom channels declared in roi.toml, so that views know every channel.
CREATE TABLE IF NOT EXISTS ops.channels (channel VARCHAR PRIMARY KEY, kind VARCHAR);

-- How much a re-pulled day changed (platforms restate late conversions for ~28 days).
CREATE TABLE IF NOT EXISTS ops.restatements (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    date DATE NOT NULL,
    metric VARCHAR NOT NULL,
    before DOUBLE,
    after DOUBLE,
    recorded_at TIMESTAMPTZ NOT NULL
);
