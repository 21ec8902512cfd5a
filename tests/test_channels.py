"""UTM → channel rules, channel labels, UTM from landing URLs and CRM source labels."""
import polars as pl
import pytest

from roi.transforms import channels
from roi.transforms.channels import BUILTIN_CHANNELS, DEFAULT_RULES, Rule, parse_rules

WITH_CUSTOM = BUILTIN_CHANNELS + ("events", "influencer")


def classify(pairs, rules=(), known=None):
    df = pl.DataFrame({"s": [p[0] for p in pairs], "m": [p[1] for p in pairs]},
                      schema={"s": pl.Utf8, "m": pl.Utf8})
    return df.select(channels.channel_expr("s", "m", rules, known)).to_series().to_list()


@pytest.mark.parametrize("source, medium, expected", [
    ("google", "cpc", "google_ads"),
    ("Google", "PPC", "google_ads"),
    ("adwords", "paid", "google_ads"),
    (" google ", "sem", "google_ads"),
    ("bing", "cpc", "microsoft_ads"),
    ("microsoft", "paid", "microsoft_ads"),
    ("facebook", "paid", "meta_ads"),
    ("fb", "paid_social", "meta_ads"),
    ("ig", "cpc", "meta_ads"),
    ("Instagram", "cpm", "meta_ads"),
    ("meta", "paidsocial", "meta_ads"),
    ("linkedin", "paid", "linkedin_ads"),
    ("tiktok", "cpc", "tiktok_ads"),
    ("mailchimp", "", "email"),
    ("brevo", "newsletter", "email"),
    ("anything", "e-mail", "email"),
    ("newsletter", None, "email"),
    ("google", "organic", "organic_search"),
    ("duckduckgo", "(none)", "organic_search"),
    ("www.google.com", "referral", "organic_search"),
    ("google", "", "organic_search"),
    ("facebook", "social", "organic_social"),
    ("l.facebook.com", "referral", "organic_social"),
    ("instagram", "organic", "organic_social"),
    ("youtube", None, "organic_social"),
    ("someblog", "social", "organic_social"),
    ("someblog", "organic", "organic_search"),
    ("blog.example.it", "referral", "referral"),
    ("(direct)", "(none)", "direct"),
    ("", "", "direct"),
    (None, None, "direct"),
    ("(not set)", "(not set)", "direct"),
    ("", "cpc", "other"),
    ("partner", "banner", "other"),
    ("googleplex", "cpc", "other"),     # whole-value match: not "google"
    ("pinterest", "cpc", "pinterest_ads"), ("pinterest", "social", "organic_social"),
    ("snapchat", "paid_social", "snapchat_ads"), ("reddit", "cpm", "reddit_ads"),
    ("amazon", "cpc", "amazon_ads"), ("apple_search_ads", "cpc", "apple_search_ads"),
    ("twitter", "paid", "x_ads"), ("x", "cpc", "x_ads"), ("t.co", "social", "organic_social"),
    ("amazon", "referral", "referral"),   # an Amazon store link is not an ad
    ("sponsored_brands", "cpc", "amazon_ads"), ("rdt", "paid", "reddit_ads"), ("adservices", "cpc", "apple_search_ads"),
    ("snapchatads", "paid_social", "snapchat_ads"),
])
def test_default_rules(source, medium, expected):
    assert classify([(source, medium)]) == [expected]


def test_default_rules_table_documents_every_rule_in_order():
    numbered = [ln for ln in channels.DEFAULT_RULES_TABLE.splitlines() if ln.startswith("| ")
                and ln.split("|")[1].strip().isdigit()]
    assert len(numbered) == len(DEFAULT_RULES) == 21
    assert [ln.split("|")[-2].strip() for ln in numbered] == [r.channel for r in DEFAULT_RULES]


def test_user_rules_come_first_and_can_name_a_custom_channel():
    rules = parse_rules([
        {"utm_source": "instagram", "utm_medium": "paid|influencer", "channel": "influencer"},
        {"utm_medium": "event|fiera", "channel": "events"},
    ])
    assert rules[:2] == (Rule("influencer", "instagram", "paid|influencer"), Rule("events", None, "event|fiera"))
    assert rules[2:] == DEFAULT_RULES
    pairs = [("instagram", "paid"), ("Instagram", "Influencer"), ("facebook", "paid"), ("google", "fiera"),
             ("google", "cpc")]
    assert classify(pairs, rules, WITH_CUSTOM) == ["influencer", "influencer", "meta_ads", "events", "google_ads"]
    # without the user rules the same rows follow the defaults
    assert classify(pairs) == ["meta_ads", "other", "meta_ads", "other", "google_ads"]


@pytest.mark.parametrize("entry, message", [
    ({"utm_source": "(goo", "channel": "x"},
     "entry 2 (channel = 'x'): utm_source = '(goo' is not a valid regular expression"),
    ({"utm_medium": "a(?=b)", "channel": "x"}, "look-around"),
    ({"utm_source": "a", "channel": "Google Ads"}, "must be a snake_case channel name"),
    ({"utm_source": "a"}, "channel = None"),
    ({"channel": "events"}, "give utm_source and/or utm_medium"),
    ({"utm_source": "a", "channel": "events", "utm_term": "x"}, "unknown key(s) utm_term"),
])
def test_parse_rules_rejects_bad_entries_with_one_line(entry, message):
    with pytest.raises(ValueError) as exc:
        parse_rules([{"utm_source": "ok", "channel": "events"}, entry])
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_rule_naming_an_undeclared_channel_is_refused():
    rules = parse_rules([{"utm_medium": "fiera", "channel": "events"}])
    with pytest.raises(ValueError, match="'events' is not a known channel — declare it under \\[channels\\] custom"):
        channels.channel_expr("s", "m", rules, BUILTIN_CHANNELS)


def test_channel_labels_map_to_channels_and_unknown_labels_are_errors():
    labels = ["Google Ads", "google ads", "Facebook Ads", "Meta", "Email", "Newsletter", "Organic Search",
              "SEO", "Eventi", "events", "Microsoft Advertising", "Traffico diretto", "  ", None, "Radio"]
    df = pl.DataFrame({"c": labels}, schema={"c": pl.Utf8})
    value, error = channels.channel_from_column("c", WITH_CUSTOM)
    out = df.select(value, error)
    assert out["channel"].to_list() == [
        "google_ads", "google_ads", "meta_ads", "meta_ads", "email", "email", "organic_search",
        "organic_search", "events", "events", "microsoft_ads", "direct", None, None, None]
    assert out["channel__error"].to_list()[:-1] == [None] * 14
    assert out["channel__error"][-1] == ("channel: 'Radio' is not a known channel — declare it under "
                                         "[channels] custom in roi.toml")


def test_eventi_needs_the_custom_channel_declared():
    df = pl.DataFrame({"c": ["Eventi"]})
    value, error = channels.channel_from_column("c", BUILTIN_CHANNELS)
    assert df.select(value, error).row(0) == (None, "channel: 'Eventi' is not a known channel — declare "
                                                    "it under [channels] custom in roi.toml")


def test_utm_from_landing_url_decodes_the_query_string():
    df = pl.DataFrame({"u": [
        "/products/tazza?utm_source=facebook&utm_medium=paid&utm_campaign=estate%202026",
        "https://shop.it/?UTM_SOURCE=google&x=1&utm_medium=cpc&utm_campaign=saldi+%C3%A8+sconti",
        "https://shop.it/collections/all",
        "/?utm_source=&utm_medium=email",
        None,
    ]})
    out = df.select(*channels.utm_from_url("u")).rows()
    assert out == [("facebook", "paid", "estate 2026"), ("google", "cpc", "saldi è sconti"),
                   (None, None, None), (None, "email", None), (None, None, None)]


def test_utm_from_note_lines():
    df = pl.DataFrame({"n": ["utm_source: google\nutm_medium: cpc\nutm_campaign: brand", "gift: yes", None]})
    assert df.select(*channels.utm_from_notes("n")).rows() == [
        ("google", "cpc", "brand"), (None, None, None), (None, None, None)]


def test_hubspot_original_source():
    pairs = [("Paid Search", "Google"), ("Paid Search", "bing"), ("Paid Search", None),
             ("Paid Social", "Facebook"), ("Paid Social", "Instagram"), ("Paid Social", "LinkedIn"),
             ("Paid Social", "TikTok"), ("Paid Social", "Twitter"), ("Organic Search", "google"),
             ("Email Marketing", None), ("Social Media", "LinkedIn"), ("Referrals", "example.com"),
             ("Direct Traffic", None), ("Offline Sources", "IMPORT"), ("Other Campaigns", None),
             ("PAID_SEARCH", "GOOGLE"), ("Ricerca organica", None), (None, None), ("Whatever", None)]
    df = pl.DataFrame({"s": [p[0] for p in pairs], "d": [p[1] for p in pairs]},
                      schema={"s": pl.Utf8, "d": pl.Utf8})
    assert df.select(channels.hubspot_channel("s", "d")).to_series().to_list() == [
        "google_ads", "microsoft_ads", "google_ads", "meta_ads", "meta_ads", "linkedin_ads",
        "tiktok_ads", "x_ads", "organic_search", "email", "organic_social", "referral", "direct",
        "other", "other", "google_ads", "organic_search", None, None]


def test_crm_lead_source_labels():
    df = pl.DataFrame({"s": ["Web", "Partner Referral", "Trade Show", "Google AdWords", "Email",
                             "Purchased List", "Something else", None]})
    with_events = df.select(channels.lead_source_channel("s", WITH_CUSTOM)).to_series().to_list()
    assert with_events == ["direct", "referral", "events", "google_ads", "email", "other", "other", None]
    builtin_only = df.select(channels.lead_source_channel("s", BUILTIN_CHANNELS)).to_series().to_list()
    assert builtin_only[2] == "other"
