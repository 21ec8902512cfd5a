-- grain: one row: the alert settings the views read (ops.settings, written from roi.toml), defaults applied
-- alert_k: half-width of the anomaly band in robust standard deviations (ops.settings key
-- 'alert_k', [alerts] k in roi.toml), default 3.5; a value that is not a positive number means 3.5.
CREATE OR REPLACE VIEW int.alert_settings AS
WITH source AS (
    SELECT try_cast(trim(max(value)) AS DOUBLE) AS alert_k
    FROM ops.settings
    WHERE key = 'alert_k'
)
SELECT CASE WHEN alert_k > 0 THEN alert_k ELSE 3.5 END AS alert_k
FROM source
