-- grain: one row: whether any revenue source is loaded (has_revenue_source)
-- Orders (or a CRM's deals) are loaded, or an email platform reports revenue, or a platform whose sales
-- happen on it (stg.platform_revenue: Amazon Ads) reports its conversion value. Without one, revenue and
-- ROI are unknown, not 0 and -100 %: marts.period_kpis (the report's cards) and roi kpi's tables read
-- this one flag.
CREATE OR REPLACE VIEW int.revenue_source AS
SELECT
    EXISTS (SELECT 1 FROM core.orders)
        OR EXISTS (SELECT 1 FROM core.email_campaigns WHERE revenue IS NOT NULL)
        OR EXISTS (SELECT 1 FROM core.ad_performance
                   WHERE conversion_value IS NOT NULL AND platform IN (SELECT channel FROM stg.platform_revenue))
        AS has_revenue_source
