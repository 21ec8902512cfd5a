-- grain: macro (scalar): a metric value as text for alert messages, e.g. '1,234.56 EUR', '3.10%', '2.45'
-- Money (spend, total_cost, revenue, cpl, cac, cpa, cpc, cpm): 2 decimals and the currency;
-- rates (ctr, open_rate, click_rate, conversion_rate, lead_to_customer_rate): percent with 2
-- decimals; roi_pct: percent with 1 decimal; roas: 2 decimals; counts: 1 decimal when fractional.
CREATE OR REPLACE MACRO int.format_metric(metric, x, currency) AS
    CASE
        WHEN x IS NULL THEN 'n/a'
        WHEN metric IN ('spend', 'total_cost', 'revenue', 'cpl', 'cac', 'cpa', 'cpc', 'cpm')
            THEN format('{:,.2f}', x::DOUBLE) || ' ' || currency
        WHEN metric IN ('ctr', 'open_rate', 'click_rate', 'conversion_rate', 'lead_to_customer_rate')
            THEN format('{:.2f}', x::DOUBLE * 100) || '%'
        WHEN metric = 'roi_pct' THEN format('{:.1f}', x::DOUBLE) || '%'
        WHEN metric = 'roas' THEN format('{:.2f}', x::DOUBLE)
        WHEN x::DOUBLE = round(x::DOUBLE) THEN format('{:,.0f}', x::DOUBLE)
        ELSE format('{:,.1f}', x::DOUBLE)
    END
