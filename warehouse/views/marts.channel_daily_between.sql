-- grain: macro (table): one row per channel per day of lo … hi (NULL: unbounded): marts.channel_daily for those days
-- marts.channel_daily is this macro unbounded; a period read here reads only its own days (int.channel_kpis).
CREATE OR REPLACE MACRO marts.channel_daily_between(lo, hi) AS TABLE
SELECT * EXCLUDE (days, first_date, last_date)
    REPLACE (
        leads::BIGINT AS leads,
        converted_leads::BIGINT AS converted_leads,
        customers::BIGINT AS customers,
        orders::BIGINT AS orders,
        email_delivered::BIGINT AS email_delivered,
        email_unique_opens::BIGINT AS email_unique_opens,
        email_unique_clicks::BIGINT AS email_unique_clicks
    )
    RENAME (period_start AS date)
FROM int.channel_kpis('day', lo := lo, hi := hi)
