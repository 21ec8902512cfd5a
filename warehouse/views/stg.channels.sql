-- grain: one row per known channel: the built-in ones and the custom ones declared in roi.toml (ops.channels)
-- kind: 'paid' (ad platforms), 'email', 'organic' (organic_search, organic_social, referral,
-- direct), 'other', or the declared kind of a custom channel ('custom', 'offline').
CREATE OR REPLACE VIEW stg.channels AS
WITH built_in AS (
    SELECT * FROM (VALUES
        ('google_ads', 'paid'), ('meta_ads', 'paid'), ('linkedin_ads', 'paid'),
        ('microsoft_ads', 'paid'), ('tiktok_ads', 'paid'), ('pinterest_ads', 'paid'), ('snapchat_ads', 'paid'),
        ('reddit_ads', 'paid'), ('amazon_ads', 'paid'), ('apple_search_ads', 'paid'), ('x_ads', 'paid'),
        ('email', 'email'),
        ('organic_search', 'organic'), ('organic_social', 'organic'), ('referral', 'organic'),
        ('direct', 'organic'), ('other', 'other')
    ) AS t (channel, kind)
),
declared AS (
    SELECT channel, coalesce(nullif(trim(kind), ''), 'custom') AS kind
    FROM ops.channels
    WHERE channel NOT IN (SELECT channel FROM built_in)
)
SELECT channel, kind FROM built_in
UNION ALL
SELECT channel, kind FROM declared
