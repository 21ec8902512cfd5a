-- Canonical, validated tables. Money is DECIMAL so that sums are exact; each row carries its
-- source and the load that wrote it. No primary keys: the load path replaces whole windows.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.ad_performance (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL,
    date_start DATE NOT NULL, date_end DATE NOT NULL,
    account_id VARCHAR NOT NULL, account_name VARCHAR,
    campaign_id VARCHAR NOT NULL, campaign_name VARCHAR,
    ad_group_id VARCHAR NOT NULL, ad_group_name VARCHAR,
    ad_id VARCHAR NOT NULL, ad_name VARCHAR,
    currency VARCHAR NOT NULL,
    impressions BIGINT, clicks BIGINT, spend DECIMAL(18, 6), conversions DOUBLE,
    conversion_value DECIMAL(18, 6), reach BIGINT, video_views BIGINT, engagements BIGINT,
    load_id VARCHAR NOT NULL
);

-- Keyword and search-term rows of the same exports (and API reports): the same facts at a finer grain,
-- summed to the ad group in core.ad_performance. match_type: exact | phrase | broad | '' (not said).
CREATE TABLE IF NOT EXISTS core.keyword_performance (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL,
    date_start DATE NOT NULL, date_end DATE NOT NULL,
    account_id VARCHAR NOT NULL,
    campaign_id VARCHAR NOT NULL, campaign_name VARCHAR,
    ad_group_id VARCHAR NOT NULL, ad_group_name VARCHAR,
    keyword VARCHAR NOT NULL, match_type VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    impressions BIGINT, clicks BIGINT, spend DECIMAL(18, 6), conversions DOUBLE,
    conversion_value DECIMAL(18, 6),
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.search_term_performance (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL,
    date_start DATE NOT NULL, date_end DATE NOT NULL,
    account_id VARCHAR NOT NULL,
    campaign_id VARCHAR NOT NULL, campaign_name VARCHAR,
    ad_group_id VARCHAR NOT NULL, ad_group_name VARCHAR,
    search_term VARCHAR NOT NULL, keyword VARCHAR NOT NULL, match_type VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    impressions BIGINT, clicks BIGINT, spend DECIMAL(18, 6), conversions DOUBLE,
    conversion_value DECIMAL(18, 6),
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.email_campaigns (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL,
    campaign_id VARCHAR NOT NULL, campaign_name VARCHAR, subject VARCHAR, list_name VARCHAR,
    send_time TIMESTAMP, send_date DATE NOT NULL,
    recipients BIGINT, delivered BIGINT, hard_bounces BIGINT, soft_bounces BIGINT,
    unique_opens BIGINT, total_opens BIGINT, unique_clicks BIGINT, total_clicks BIGINT,
    unsubscribes BIGINT, complaints BIGINT, orders BIGINT, revenue DECIMAL(18, 6),
    currency VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);

-- Web analytics (GA4): sessions by day, channel group, session source / medium and campaign; channel is
-- roi's, by the same UTM rules as leads and orders. revenue: the purchase revenue the analytics tool saw.
CREATE TABLE IF NOT EXISTS core.web_sessions (
    source VARCHAR NOT NULL, platform VARCHAR NOT NULL, property_id VARCHAR NOT NULL, date DATE NOT NULL,
    channel_group VARCHAR NOT NULL, utm_source VARCHAR NOT NULL, utm_medium VARCHAR NOT NULL,
    utm_campaign VARCHAR NOT NULL, channel VARCHAR NOT NULL,
    sessions BIGINT, engaged_sessions BIGINT, new_users BIGINT, key_events DOUBLE, revenue DECIMAL(18, 6),
    currency VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);

-- Organic search (Search Console) by day, query and page; query = page = '' on a day's total row (which
-- counts the anonymised queries too). position_sum = average position x impressions (rows add up).
CREATE TABLE IF NOT EXISTS core.organic_search (
    source VARCHAR NOT NULL, site_url VARCHAR NOT NULL, date DATE NOT NULL,
    query VARCHAR NOT NULL, page VARCHAR NOT NULL,
    clicks BIGINT, impressions BIGINT, position_sum DOUBLE,
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.leads (
    source VARCHAR NOT NULL, lead_id VARCHAR NOT NULL, customer_id VARCHAR,
    created_date DATE NOT NULL, mql_date DATE, sql_date DATE, customer_date DATE, lost_date DATE,
    utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, channel VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);

-- amount: the order's total as exported (tax and shipping included, before refunds); tax, shipping,
-- refunded: NULL when the export does not say; paid: NULL when unknown (counted as paid).
CREATE TABLE IF NOT EXISTS core.orders (
    source VARCHAR NOT NULL, order_id VARCHAR NOT NULL, customer_id VARCHAR,
    order_date DATE NOT NULL, amount DECIMAL(18, 6) NOT NULL,
    tax DECIMAL(18, 6), shipping DECIMAL(18, 6), refunded DECIMAL(18, 6), paid BOOLEAN,
    currency VARCHAR NOT NULL,
    is_first_order BOOLEAN,
    utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, channel VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);
-- Added for net revenue (issue 19). Warehouses made before hold amount = total − refunds with these
-- NULL, so their orders count as paid, untaxed and unrefunded until their windows are loaded again.
ALTER TABLE core.orders ADD COLUMN IF NOT EXISTS tax DECIMAL(18, 6);
ALTER TABLE core.orders ADD COLUMN IF NOT EXISTS shipping DECIMAL(18, 6);
ALTER TABLE core.orders ADD COLUMN IF NOT EXISTS refunded DECIMAL(18, 6);
ALTER TABLE core.orders ADD COLUMN IF NOT EXISTS paid BOOLEAN;

CREATE TABLE IF NOT EXISTS core.costs (
    source VARCHAR NOT NULL, cost_date DATE NOT NULL, period_end DATE NOT NULL,
    channel VARCHAR NOT NULL, campaign_name VARCHAR, cost_type VARCHAR NOT NULL,
    description VARCHAR, hours DOUBLE, hourly_rate DECIMAL(18, 6),
    amount DECIMAL(18, 6) NOT NULL, currency VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.budgets (
    source VARCHAR NOT NULL, month DATE NOT NULL, channel VARCHAR NOT NULL, bucket VARCHAR NOT NULL,
    planned_amount DECIMAL(18, 6) NOT NULL, currency VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.goals (
    source VARCHAR NOT NULL, goal_id VARCHAR NOT NULL, name VARCHAR NOT NULL, kpi VARCHAR NOT NULL,
    channel VARCHAR, target_value DOUBLE NOT NULL, direction VARCHAR NOT NULL,
    baseline_value DOUBLE, start_date DATE NOT NULL, deadline DATE NOT NULL, owner VARCHAR,
    load_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.fx_rates (
    source VARCHAR NOT NULL, rate_date DATE NOT NULL, currency VARCHAR NOT NULL,
    units_per_reporting DOUBLE NOT NULL,
    load_id VARCHAR NOT NULL
);
