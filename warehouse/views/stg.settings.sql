-- grain: one row: the settings the views read (ops.settings, written from roi.toml), defaults applied
-- reporting_currency: default 'EUR'. attribution: 'first_touch' or else 'last_touch' (default).
-- pacing_tolerance: fraction, default 0.10. wasted_spend_min ([kpi] wasted_spend_min): the spend in the
-- reporting currency a search term must exceed in a month without converting to be listed in
-- marts.search_terms_wasted, default 10 (also when not a number >= 0).
-- revenue ([kpi] revenue): 'gross' or else 'net' (default): what stg.orders.amount is.
-- cac_trailing_days ([kpi] cac_trailing_days): days of cost a trailing-window CAC spreads, default 90.
-- headline_revenue ([kpi] headline_revenue): 'all' or else 'cost_channels' (default): which channels'
-- revenue the headline ROI and ROAS count.
-- as_of: the 'as_of' setting (ISO date) when present, else the latest day with data
-- (ad_performance.date_end, email send_date, leads created_date, orders order_date), else today.
-- Costs and budgets do not move as_of: they are often entered ahead of time.
CREATE OR REPLACE VIEW stg.settings AS
WITH source AS (
    SELECT key, value FROM ops.settings
),
renamed AS (
    SELECT
        max(value) FILTER (WHERE key = 'attribution') AS attribution,
        max(value) FILTER (WHERE key = 'pacing_tolerance') AS pacing_tolerance,
        max(value) FILTER (WHERE key = 'wasted_spend_min') AS wasted_spend_min,
        max(value) FILTER (WHERE key = 'revenue') AS revenue,
        max(value) FILTER (WHERE key = 'cac_trailing_days') AS cac_trailing_days,
        max(value) FILTER (WHERE key = 'headline_revenue') AS headline_revenue,
        max(value) FILTER (WHERE key = 'as_of') AS as_of
    FROM source
),
latest_data AS (
    SELECT max(day) AS latest_day
    FROM (
        SELECT max(date_end) AS day FROM core.ad_performance
        UNION ALL SELECT max(send_date) FROM core.email_campaigns
        UNION ALL SELECT max(created_date) FROM core.leads
        UNION ALL SELECT max(order_date) FROM core.orders
    ) AS days
)
SELECT
    reporting.reporting_currency,
    CASE
        WHEN lower(trim(renamed.attribution)) = 'first_touch' THEN 'first_touch'
        ELSE 'last_touch'
    END AS attribution,
    coalesce(try_cast(trim(renamed.pacing_tolerance) AS DOUBLE), 0.10) AS pacing_tolerance,
    CASE
        WHEN try_cast(trim(renamed.wasted_spend_min) AS DOUBLE) >= 0
            THEN try_cast(trim(renamed.wasted_spend_min) AS DOUBLE)
        ELSE 10.0
    END AS wasted_spend_min,
    CASE WHEN lower(trim(renamed.revenue)) = 'gross' THEN 'gross' ELSE 'net' END AS revenue_basis,
    CASE
        WHEN try_cast(trim(renamed.cac_trailing_days) AS INTEGER) >= 1
            THEN try_cast(trim(renamed.cac_trailing_days) AS INTEGER)
        ELSE 90
    END AS cac_trailing_days,
    CASE
        WHEN lower(trim(renamed.headline_revenue)) = 'all' THEN 'all'
        ELSE 'cost_channels'
    END AS headline_revenue,
    coalesce(try_cast(trim(renamed.as_of) AS DATE), latest_data.latest_day, current_date) AS as_of
FROM renamed
CROSS JOIN latest_data
CROSS JOIN stg.reporting_currency AS reporting
