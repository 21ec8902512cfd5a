-- grain: one row per email campaign (source, campaign_id), platform revenue in the reporting currency
-- Rate of send_date or the latest earlier one (stg.period_days, a campaign being a one-day row); with
-- none revenue is NULL (marts.fx_missing). revenue counts a revenue the platform did not report as 0
-- (revenue_original keeps the NULL).
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
        revenue AS revenue_original,
        upper(trim(currency)) AS currency,
        send_date AS date_start,   -- the one day stg.period_days finds the rate of
        send_date AS date_end
    FROM source
)
SELECT
    * EXCLUDE (date, days_in_row, date_start, date_end, revenue_original),
    revenue_original,
    coalesce(revenue_original, 0) / fx_rate AS revenue
FROM stg.period_days(renamed)   -- the campaign on its send_date, with that day's rate
