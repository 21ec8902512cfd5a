"""Which platform made an export, from header names only: for telling a user they picked the wrong --kind."""
from __future__ import annotations

import re

from roi.transforms.headers import norm

# Header names only one platform's exports use (any UI language), by kind. Kinds roi reads have a
# transform module of that name; the others are named so that the message can say so.
MARKERS: dict[str, list[str]] = {
    "google_ads": ["Impr.", "Avg. CPC", "Conv. value", "Cost / conv.", "Conv. rate", "Interactions",
                   "Interaction rate", "Search impr. share", "Campaign type", "Optimization score",
                   "Optimisation score", "Customer ID", "Valore conv.", "CPC medio", "Costo/conv.",
                   "Custo/conv.", "Valor conv.", "Search keyword match type"],
    "meta_ads": ["Amount spent", "Reporting starts", "Reporting ends", "Ad set name", "Ad Set Name", "Ad set ID",
                 "Result indicator", "Results", "Cost per result", "Link clicks", "Frequency", "Importo speso",
                 "Inizio report", "Fine report", "Nome del gruppo di inserzioni", "Nome dell'inserzione",
                 "Risultati", "Valor usado", "Importe gastado", "Montant dépensé", "Ausgegebener Betrag"],
    "linkedin_ads": ["Total Spent", "Campaign Group Name", "Campaign Group ID", "Campaign Group Status",
                     "Clicks (Link clicks)", "Conversions (Post-Click)", "Leads (Lead Gen Forms)", "Sends",
                     "Creative Name", "Creative ID", "Totale speso"],
    "microsoft_ads": ["TimePeriod", "AccountName", "AccountNumber", "CampaignName", "CampaignId", "AdGroupName",
                      "AdGroupId", "Spend", "Impr. share (IS) %", "Ad distribution", "CurrencyCode", "Gregorian date"],
    "tiktok_ads": ["Clicks (destination)", "Total purchase value", "Total complete payment", "Ad group name",
                   "Ad Group Name", "Video views at 100%", "Total of", "Complete payment", "CTR (destination)",
                   "Advertiser ID", "Advertiser name"],
    "pinterest_ads": ["Spend in account currency", "Pin promotion name", "Pin promotion ID", "Pin ID", "Pin clicks",
                      "Paid impressions", "Earned impressions", "Outbound clicks", "Saves", "Total conversions",
                      "Earned saves", "Organic pin ID", "Ad entity status", "Spesa nella valuta dell'account",
                      "Clic sul Pin"],
    "snapchat_ads": ["Swipe Ups", "Swipe Up Rate", "Paid Impressions", "Ad Squad Name", "Ad Squad ID",
                     "Story Opens", "Swipes", "eCPSU", "Impressions payantes", "Bezahlte Impressionen"],
    "amazon_ads": ["Advertised ASIN", "Advertised SKU", "14 Day Total Sales", "7 Day Total Sales",
                   "Total Advertising Cost of Sales (ACOS)", "Total Return on Advertising Spend (ROAS)",
                   "Portfolio name", "Targeting", "Customer Search Term", "7 Day Total Orders (#)",
                   "14 Day Total Orders (#)", "7 Day Conversion Rate", "Nome portafoglio", "Termine ricerca cliente",
                   "SKU pubblicizzato", "ASIN pubblicizzato", "Totale ordini (#) 7 giorni",
                   "Totale ordini (#) 14 giorni", "Vendite totali (€) 7 giorni", "Vendite totali (€) 14 giorni",
                   "Costo pubblicitario delle vendite (ACOS) totale",
                   "Ritorno sulla spesa pubblicitaria (ROAS) totale"],
    "apple_search_ads": ["Taps", "Installs (Tap-Through)", "Installs (View-Through)", "TTR", "Avg CPT",
                         "Avg CPA (Tap-Through)", "Search Term", "Installs (Total)", "Installazioni (totali)",
                         "Installazioni (tap-through)", "Installationen (gesamt)", "Installationen (Tap-Through)",
                         "Tap", "Org Name"],
    "x_ads": ["Promoted Tweet", "Billed charge", "Billed engagements", "Tweet engagements", "Line item name",
              "Line item ID", "Funding instrument", "Time period", "Url clicks", "Purchases - sale amount",
              "Video total views", "Post engagements", "Tweet ID", "Tweet text"],
    "reddit_ads": ["Post ID", "eCPM", "Conversion Roas", "Subreddit", "Community", "Purchases (Click)",
                   "Purchases (View)", "Purchase Clicks", "Purchase Views", "Video Starts", "Käufe (Klick)",
                   "Käufe (Ansicht)"],
    "search_console": ["Top queries", "Top pages", "Position", "Posizione"],
    "shopify": ["Financial Status", "Fulfillment Status", "Accepts Marketing", "Lineitem name", "Lineitem quantity",
                "Lineitem price", "Lineitem sku", "Referring Site", "Landing Site"],
    "woocommerce": ["_wc_order_attribution_source_type", "_wc_order_attribution_utm_source",
                    "_wc_order_attribution_referrer", "Order Shipping Tax", "Cart Tax", "Order Refund Amount"],
    "ga4": ["Session default channel group", "Session primary channel group (Default Channel Group)",
            "Session source / medium", "Session source", "Session medium", "Session campaign", "Engaged sessions",
            "Key events", "Gruppo di canali predefinito della sessione", "Sorgente/mezzo della sessione",
            "Sessioni con engagement", "Eventi chiave", "Entrate totali"],
}
NAMES = {"google_ads": "Google Ads", "meta_ads": "Meta Ads Manager", "linkedin_ads": "LinkedIn Campaign Manager",
         "microsoft_ads": "Microsoft Advertising", "tiktok_ads": "TikTok Ads Manager", "pinterest_ads": "Pinterest Ads",
         "snapchat_ads": "Snapchat Ads", "amazon_ads": "Amazon Ads", "apple_search_ads": "Apple Search Ads",
         "x_ads": "X (Twitter) Ads", "reddit_ads": "Reddit Ads",
         "search_console": "Google Search Console", "shopify": "Shopify orders",
         "woocommerce": "WooCommerce orders", "ga4": "Google Analytics 4"}
# Kinds that read another kind's exports as their own: no hint to switch between them.
SAME_EXPORTS = {"shopify": {"orders"}, "woocommerce": {"orders"}}
_SUFFIX = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")   # "Amount spent (EUR)" -> "Amount spent"
_BY_NORM = {norm(m): kind for kind, markers in MARKERS.items() for m in markers}
# Header names that settle the platform alone, whatever other platforms' names the export shares (a
# Snapchat export also says "Amount spent" and "Ad set name", as Meta's do).
DECISIVE = {norm(m): kind for kind, markers in {
    "snapchat_ads": ["Swipe Ups", "Swipes", "Swipe Up Rate", "eCPSU"],
    "pinterest_ads": ["Spend in account currency", "Pin clicks", "Pin promotion name"],
    "amazon_ads": ["Advertised ASIN", "Total Advertising Cost of Sales (ACOS)"],
    "apple_search_ads": ["Installs (Tap-Through)", "Avg CPT"],
    "search_console": ["Top queries", "Top pages"],
    "ga4": ["Session default channel group", "Session source / medium", "Engaged sessions",
            "Gruppo di canali predefinito della sessione", "Sessioni con engagement"],
}.items() for m in markers}


def guess_kind(header: list[str]) -> str | None:
    """The platform whose own header names the export uses most (two at least), or None."""
    decided = {DECISIVE[c] for name in header for c in (norm(name), norm(_SUFFIX.sub("", name))) if c in DECISIVE}
    if len(decided) == 1:
        return decided.pop()
    scores: dict[str, int] = {}
    for name in header:
        for candidate in {norm(name), norm(_SUFFIX.sub("", name))}:
            kind = _BY_NORM.get(candidate)
            if kind:
                scores[kind] = scores.get(kind, 0) + 1
                break
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 and list(scores.values()).count(scores[best]) == 1 else None


def wrong_kind_hint(header: list[str], kind: str, readable: frozenset[str]) -> str | None:
    """"this looks like a Meta Ads Manager export: use --kind meta_ads" when the header is another
    platform's; None when it looks like `kind`'s or nobody's."""
    guess = guess_kind(header)
    if guess is None or guess == kind or kind in SAME_EXPORTS.get(guess, ()):
        return None
    name = NAMES[guess]
    if guess in readable:
        return f"this looks like a {name} export: use --kind {guess} (or kind = \"{guess}\" in roi.toml)"
    return f"this looks like a {name} export, which roi does not read yet"
