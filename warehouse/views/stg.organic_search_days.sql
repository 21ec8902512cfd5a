-- grain: one row per Search Console source, site and day
-- A day's total row (query = page = '': Search Console's own totals, which count the anonymised
-- queries) when the source loaded one, else the sum of its query / page rows (from_totals says which:
-- the query rows leave the anonymised queries' clicks out, and count a search that showed two of the
-- site's pages twice in impressions, so never add both kinds). position = position_sum / impressions,
-- the impression-weighted average position.
CREATE OR REPLACE VIEW stg.organic_search_days AS
WITH source AS (
    SELECT * FROM core.organic_search
),
by_kind AS (
    SELECT
        source,
        site_url,
        date,
        query = '' AND page = '' AS is_total,
        sum(coalesce(clicks, 0)) AS clicks,
        sum(coalesce(impressions, 0)) AS impressions,
        sum(coalesce(position_sum, 0)) AS position_sum
    FROM source
    GROUP BY ALL
),
chosen AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY source, site_url, date ORDER BY is_total DESC) AS pick
    FROM by_kind
)
SELECT
    source,
    site_url,
    date,
    'organic_search' AS channel,
    clicks,
    impressions,
    position_sum,
    position_sum / nullif(impressions, 0) AS position,
    is_total AS from_totals
FROM chosen
WHERE pick = 1
