-- grain: macro (scalar): every KPI ratio of a set of summed parts, as one struct (unnest() spreads
-- it into columns). The ratio formulas of the KPI table, in one place for every mart: rates are
-- fractions, roi_pct a percentage, and a ratio whose denominator is 0 or NULL is NULL. A mart
-- without some part passes NULL for it and leaves the ratios that need it out.
-- customers (new customers: first orders by the order's attributed channel) is cac's denominator;
-- lead_to_customer_rate is converted_leads / leads: the leads of the period and channel that became
-- customers over those leads, both by the lead's channel, so it never exceeds 1. converted_leads is a
-- named parameter (converted_leads := …): a caller that does not pass it gets a NULL close rate,
-- never first orders divided by leads of another channel.
CREATE OR REPLACE MACRO int.kpi_ratios(spend, impressions, clicks, conversions, conversion_value, total_cost,
                                       leads, customers, revenue, engagements, email_delivered,
                                       email_unique_opens, email_unique_clicks, converted_leads := NULL) AS {
    'ctr': clicks / nullif(impressions, 0),
    'cpc': spend / nullif(clicks, 0),
    'cpm': spend * 1000 / nullif(impressions, 0),
    'conversion_rate': conversions / nullif(clicks, 0),
    'cpa': spend / nullif(conversions, 0),
    'roas': conversion_value / nullif(spend, 0),
    'cpl': total_cost / nullif(leads, 0),
    'cac': total_cost / nullif(customers, 0),
    'roi_pct': (revenue - total_cost) * 100 / nullif(total_cost, 0),
    'lead_to_customer_rate': converted_leads / nullif(leads, 0),
    'engagement_rate': engagements / nullif(impressions, 0),
    'open_rate': email_unique_opens / nullif(email_delivered, 0),
    'click_rate': email_unique_clicks / nullif(email_delivered, 0)
}
