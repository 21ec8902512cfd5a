-- grain: one row per channel whose revenue is the platform's own conversion value ([kpi] platform_revenue)
-- Sales that happen on the platform never reach the shop's orders: Amazon Ads sells on Amazon, so its
-- channel's revenue is the sales Amazon attributes to the ads (default ['amazon_ads']; an empty list in
-- roi.toml turns it off). int.channel_day_facts adds that value to the channel's revenue, beside any shop
-- orders the UTM rules give the channel (those are other sales).
CREATE OR REPLACE VIEW stg.platform_revenue AS
WITH stored AS (
    SELECT max(value) AS value FROM ops.settings WHERE key = 'platform_revenue'
)
SELECT DISTINCT lower(trim(channel)) AS channel
FROM stored, unnest(string_split(coalesce(stored.value, 'amazon_ads'), ',')) AS t(channel)
WHERE trim(channel) <> ''
