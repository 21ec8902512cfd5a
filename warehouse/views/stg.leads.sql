-- grain: one row per lead (source, lead_id); an empty customer_id is NULL
CREATE OR REPLACE VIEW stg.leads AS
WITH source AS (
    SELECT * FROM core.leads
)
SELECT
    source,
    lead_id,
    nullif(trim(customer_id), '') AS customer_id,
    created_date,
    mql_date,
    sql_date,
    customer_date,
    lost_date,
    utm_source,
    utm_medium,
    utm_campaign,
    channel
FROM source
