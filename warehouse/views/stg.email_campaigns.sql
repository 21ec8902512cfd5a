-- grain: one row per email campaign (source, campaign_id), platform revenue in the reporting currency
-- Rate of send_date or the latest earlier one; with none revenue is NULL (marts.fx_missing).
-- revenue counts a revenue the platform did not report as 0 (revenue_original keeps the NULL).
CREATE OR REPLACE VIEW stg.email_campaigns AS
WITH source AS (
    SELECT * FROM core.email_campaigns
),
renamed AS (
    SELECT
        source,
        platform,
        'email' AS channel,
        campaign_id,
        campaign_name,
        subject,
        list_name,
        send_time,
        send_date,
        recipients,
        delivered,
        hard_bounces,
        soft_bounces,
        unique_opens,
        total_opens,
        unique_clicks,
        total_clicks,
        unsubscribes,
        complaints,
        orders,
        revenue,
        upper(trim(currency)) AS currency
    FROM source
),
converted AS (
    SELECT
        renamed.*,
        fx.units_per_reporting AS fx_rate
    FROM renamed
    ASOF LEFT JOIN stg.fx_rates AS fx
        ON fx.currency = renamed.currency AND renamed.send_date >= fx.rate_date
)
SELECT
    source,
    platform,
    channel,
    campaign_id,
    campaign_name,
    subject,
    list_name,
    send_time,
    send_date,
    recipients,
    delivered,
    hard_bounces,
    soft_bounces,
    unique_opens,
    total_opens,
    unique_clicks,
    total_clicks,
    unsubscribes,
    complaints,
    orders,
    currency,
    fx_rate,
    revenue AS revenue_original,
    coalesce(revenue, 0) / fx_rate AS revenue
FROM converted
