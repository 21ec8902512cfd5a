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
    rows_combined BIGINT,             -- rows summed into another row of the same key (segments)
    error VARCHAR,
    totals_check VARCHAR,             -- reconciliation against the export's own totals row
    files VARCHAR,                    -- the files read, ';'-separated
    trigger VARCHAR                   -- run | backfill | ingest
);
-- Added after the first release (warehouses made before keep their old rows_duplicate column).
ALTER TABLE ops.loads ADD COLUMN IF NOT EXISTS rows_combined BIGINT;
-- the segments the combined rows differed by (device, hour, keyword …) as the export names them
ALTER TABLE ops.loads ADD COLUMN IF NOT EXISTS combined_by VARCHAR;
-- rows of an earlier export of the same key, replaced by a later export's (not in rows_in)
ALTER TABLE ops.loads ADD COLUMN IF NOT EXISTS rows_superseded BIGINT;
-- the sha1 of each file read, ';'-separated in the order of `files` (roi ingest's same-file check)
ALTER TABLE ops.loads ADD COLUMN IF NOT EXISTS digests VARCHAR;
-- one account's load of a source the flows load account by account (NULL: the whole source's)
ALTER TABLE ops.loads ADD COLUMN IF NOT EXISTS account VARCHAR;

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
