-- grain: one row: the reporting currency (ops.settings 'reporting_currency', default 'EUR')
CREATE OR REPLACE VIEW stg.reporting_currency AS
SELECT upper(coalesce(nullif(trim(max(value)), ''), 'EUR')) AS reporting_currency
FROM ops.settings
WHERE key = 'reporting_currency'
