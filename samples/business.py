"""What the demo business is made of, fixed before any day is simulated: its ad accounts, campaigns and ads,
its products, the names its customers and shops are drawn from, its email plans, and the records the
simulation fills (touches, people, orders, email campaigns, ad days)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

# -- ad accounts, campaigns and ads ----------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    account: str                    # google_it | google_en | meta
    id: str
    name: str
    ctype: str                      # campaign type (Google) or objective (Meta), English
    impressions: float              # base daily impressions (an average day, today's size)
    ctr: float
    cpc: float
    cvr: float                      # purchases per click, or leads per click when b2b
    signup: float = 0.0             # newsletter sign-ups per click (B2C)
    b2b: bool = False
    yearly: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((m, d), (m, d)) each year
    launch: date | None = None
    pauses: tuple[tuple[date, date], ...] = ()

    def active(self, d: date) -> bool:
        if self.launch and d < self.launch:
            return False
        if any(a <= d <= b for a, b in self.pauses):
            return False
        if self.yearly:
            (m1, d1), (m2, d2) = self.yearly
            return (m1, d1) <= (d.month, d.day) <= (m2, d2)
        return True

    def ramp(self, d: date) -> float:
        """Learning phase: reduced delivery for ~10 days after a launch or a restart."""
        starts = [b + timedelta(days=1) for _, b in self.pauses if b < d]
        if self.launch:
            starts.append(self.launch)
        if self.yearly:
            starts.append(date(d.year, *self.yearly[0]))
        live = min(((d - s).days for s in starts if s <= d), default=99)
        return min(1.0, 0.45 + 0.055 * live)


G_IT, G_EN, META = "google_it", "google_en", "meta"
ACCOUNTS = {
    G_IT: {"id": "123-456-7890", "currency": "EUR"},
    G_EN: {"id": "987-654-3210", "currency": "USD"},
    META: {"id": "act_1029384756", "currency": "EUR"},
}

CAMPAIGNS: tuple[Campaign, ...] = (
    # Google Ads, Italian account (EUR): e-commerce
    Campaign(G_IT, "20815436701", "IT_Search_Brand", "Search", 1500, 0.095, 0.30, 0.050, 0.010),
    Campaign(G_IT, "20815436702", "IT_Search_Generico_Cosmetici", "Search", 4200, 0.031, 0.74, 0.020,
             0.014),
    Campaign(G_IT, "20815436703", "IT_Shopping_Catalogo", "Shopping", 9500, 0.011, 0.44, 0.026, 0.008),
    Campaign(G_IT, "20815436704", "IT_Search_Saldi_Estivi", "Search", 4200, 0.026, 0.50, 0.028, 0.010,
             yearly=((6, 20), (8, 31))),
    Campaign(G_IT, "21990871205", "IT_PMax_Autunno_2026", "Performance Max", 11000, 0.012, 0.36, 0.024,
             0.010, launch=date(2026, 9, 15)),
    Campaign(G_IT, "19876543206", "IT_Search_Black_Friday", "Search", 6000, 0.035, 0.68, 0.034, 0.012,
             yearly=((11, 14), (12, 1))),
    Campaign(G_IT, "19876543207", "IT_Shopping_Natale", "Shopping", 12000, 0.013, 0.48, 0.030, 0.008,
             yearly=((12, 1), (12, 22))),
    # Google Ads, English account billed in USD: international B2B lead generation
    Campaign(G_EN, "18277460011", "EN_Search_Wholesale_Cosmetics", "Search", 800, 0.048, 1.95, 0.050,
             b2b=True),
    Campaign(G_EN, "18277460012", "EN_Search_Private_Label", "Search", 420, 0.052, 2.45, 0.040, b2b=True,
             pauses=((date(2026, 8, 10), date(2026, 8, 23)),)),
    Campaign(G_EN, "18277460013", "EN_Display_Remarketing_B2B", "Display", 8000, 0.0032, 0.55, 0.012,
             b2b=True, launch=date(2025, 3, 3)),
    # Meta Ads (EUR)
    Campaign(META, "120208765432100010", "BV_Prospecting_Broad", "Sales", 12000, 0.009, 0.52, 0.016,
             0.012),
    Campaign(META, "120208765432100020", "BV | Retargeting | DPA", "Sales", 3400, 0.016, 0.44, 0.050,
             0.006),
    Campaign(META, "120208765432100030", "BV_Lead_B2B_Rivenditori", "Leads", 2600, 0.008, 1.15, 0.085,
             b2b=True),
    Campaign(META, "120211234567800040", "BV_Lancio_Linea_Bio", "Sales", 8500, 0.011, 0.48, 0.020, 0.014,
             launch=date(2026, 10, 1)),
    Campaign(META, "120199876543200050", "BV_Black_Friday", "Sales", 14000, 0.013, 0.55, 0.030, 0.008,
             yearly=((11, 10), (11, 30))),
)
BY_NAME = {c.name: c for c in CAMPAIGNS}


@dataclass(frozen=True)
class MetaAd:
    campaign: Campaign
    adset_id: str
    adset: str
    id: str
    name: str
    share: float


def _meta_ads() -> tuple[MetaAd, ...]:
    spec = [
        ("BV_Prospecting_Broad", "Donne 25-54 · Italia", [
            ("🍂 Autunno – Carosello prodotti", 0.22), ("Video UGC\nversione 2", 0.18),
            ("Statico – Crema viso calendula", 0.12)]),
        ("BV_Prospecting_Broad", "Lookalike 1% Clienti", [
            ("🌿 Ingredienti naturali – Video 15s", 0.28), ("Statico – Crema viso calendula", 0.20)]),
        ("BV | Retargeting | DPA", "Visitatori 30 gg", [("Catalogo dinamico – Visti di recente", 0.55)]),
        ("BV | Retargeting | DPA", "Carrello abbandonato 7 gg", [
            ("🛒 Hai dimenticato qualcosa?", 0.27), ("Catalogo dinamico – Spedizione gratuita", 0.18)]),
        ("BV_Lead_B2B_Rivenditori", "Erboristerie e farmacie", [
            ("Diventa rivenditore 💼", 0.6), ("Listino B2B – Carosello", 0.4)]),
        ("BV_Lancio_Linea_Bio", "Interessi bio & vegan", [
            ("✨ Nuova linea Bio – Reel", 0.35), ("Nuova linea Bio – Statico", 0.2)]),
        ("BV_Lancio_Linea_Bio", "Advantage+ pubblico", [("✨ Nuova linea Bio – Reel", 0.45)]),
        ("BV_Black_Friday", "Clienti + Lookalike", [
            ("🔥 Black Friday -30% – Carosello", 0.6), ("Black Friday – Storia countdown", 0.4)]),
    ]
    ads, seq = [], {}
    for camp_name, adset, items in spec:
        c = BY_NAME[camp_name]
        n = seq[c.id] = seq.get(c.id, 0) + 1
        adset_id = str(int(c.id) + 100 * n + 1_000_000)
        for j, (name, share) in enumerate(items, 1):
            ads.append(MetaAd(c, adset_id, adset, str(int(adset_id) + 2_000_000 + j), name, share))
    return tuple(ads)


META_ADS = _meta_ads()

# The smaller channels, simulated after the main ones on a random stream of their own (Simulation.extend):
# a LinkedIn B2B account, a Microsoft Ads copy of the Italian search campaigns, and a one-month TikTok
# test for the Bio line launch (the "experiment" budget bucket).
LI, MS, TT = "linkedin", "microsoft", "tiktok"
ACCOUNTS.update({
    LI: {"id": "508812345", "name": "BV Cosmetici Naturali – B2B", "currency": "EUR"},
    MS: {"id": "180456789", "number": "F149XK2P", "name": "BV Cosmetici IT", "currency": "EUR"},
    TT: {"id": "7301234567890123457", "name": "BV Cosmetici Naturali", "currency": "EUR"},
})
LINKEDIN_LAUNCH, TIKTOK_LAUNCH = date(2026, 3, 2), date(2026, 10, 1)
MORE_CAMPAIGNS: tuple[Campaign, ...] = (
    # LinkedIn Campaign Manager (EUR): Italian shops, and from mid-September private label abroad
    Campaign(LI, "284512301", "BV_B2B_Rivenditori_Italia", "Sponsored Content", 1050, 0.0062, 3.55, 0.060,
             b2b=True, launch=LINKEDIN_LAUNCH),
    Campaign(LI, "284512302", "BV_B2B_Private_Label_EU", "Sponsored Content", 760, 0.0055, 4.85, 0.050,
             b2b=True, launch=date(2026, 9, 14)),
    # Microsoft Advertising (EUR): the Italian search campaigns imported from Google Ads
    Campaign(MS, "412003101", "MS_IT_Search_Brand", "Search", 230, 0.085, 0.24, 0.050, 0.010),
    Campaign(MS, "412003102", "MS_IT_Search_Generico_Cosmetici", "Search", 900, 0.028, 0.45, 0.018, 0.012),
    # TikTok Ads Manager (EUR): the October test
    Campaign(TT, "1812345678901234567", "BV_TikTok_Test_Linea_Bio", "Sales", 5600, 0.0085, 0.48, 0.0075,
             0.010, launch=TIKTOK_LAUNCH),
)
LI_GROUPS = {"284512301": ("Rivenditori Italia 2026", "612004501"),
             "284512302": ("Private label 2026", "612004502")}


def _tiktok_ads() -> tuple[MetaAd, ...]:
    c = next(c for c in MORE_CAMPAIGNS if c.account == TT)
    spec = [("Donne 18-34 · Italia", "1812345678901234601", [
                ("✨ Linea Bio – UGC routine serale", "1812345678901239011", 0.45),
                ("Spark Ad @giulia.green 🌿", "1812345678901239012", 0.35)]),
            ("Interessi clean beauty", "1812345678901234602", [
                ("✨ Linea Bio – UGC routine serale", "1812345678901239021", 0.30),
                ("Prima e dopo in 15 secondi", "1812345678901239022", 0.25)])]
    return tuple(MetaAd(c, adset_id, adset, ad_id, name, share)
                 for adset, adset_id, items in spec for name, ad_id, share in items)


TIKTOK_ADS = _tiktok_ads()

# Pinterest and Amazon Ads, simulated last on a stream of their own (Simulation.extend_marketplaces): a
# Pinterest account for gift and autumn-routine ideas (its buyers come to the shop with utm_source =
# pinterest), and Sponsored Products on Amazon.it, whose sales happen on Amazon and never reach the shop.
PIN, AMZ = "pinterest", "amazon"
ACCOUNTS.update({
    PIN: {"id": "549755885175", "name": "BV Cosmetici Naturali", "currency": "EUR"},
    AMZ: {"id": "3716640259812345", "name": "BV Cosmetici Naturali – Amazon.it", "currency": "EUR"},
})
PINTEREST_LAUNCH = date(2026, 9, 1)
MARKET_CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(PIN, "626744128301", "BV_Pinterest_Routine_Autunno", "Consideration", 6200, 0.0072, 0.38, 0.011,
             0.006, launch=PINTEREST_LAUNCH),
    Campaign(PIN, "626744128302", "BV_Pinterest_Idee_Regalo", "Conversions", 3900, 0.0081, 0.46, 0.016, 0.004,
             launch=date(2026, 10, 5)),
    Campaign(AMZ, "301884512760421", "SP - Auto - Creme viso", "Sponsored Products", 2600, 0.0042, 0.58, 0.075),
    Campaign(AMZ, "301884512760422", "SP - Exact - crema viso calendula", "Sponsored Products", 900, 0.0085,
             0.71, 0.10),
    Campaign(AMZ, "301884512760423", "SP - Brand - Bottega BV", "Sponsored Products", 520, 0.0160, 0.34, 0.125),
)
# Pinterest's ad groups, as the simulation's ads (one export row per ad group and day)
PIN_GROUPS: tuple[MetaAd, ...] = tuple(
    MetaAd(c, group_id, group, group_id, group, share)
    for c in MARKET_CAMPAIGNS if c.account == PIN
    for group, group_id, share in {
        "626744128301": (("Routine viso · Donne 25-45", "2680078811201", 0.6),
                         ("Capelli e corpo · Interessi", "2680078811202", 0.4)),
        "626744128302": (("Idee regalo Natale", "2680078811203", 1.0),)}[c.id])

# -- products --------------------------------------------------------------------------------------

# (name, url handle, price EUR); product_weights says when each sells
PRODUCTS = (
    ("Crema viso idratante alla calendula 50 ml", "crema-viso-calendula", 14.99),
    ("Siero viso all'acido ialuronico 30 ml", "siero-acido-ialuronico", 19.99),
    ("Shampoo all'ortica bio 250 ml", "shampoo-ortica-bio", 7.99),
    ("Balsamo nutriente all'olio d'oliva 200 ml", "balsamo-olio-oliva", 8.49),
    ("Bagnoschiuma fiori di tiglio 400 ml", "bagnoschiuma-tiglio", 6.99),
    ("Crema mani al burro di karité, 75 ml", "crema-mani-karite", 5.99),
    ("Latte corpo alla mandorla dolce 250 ml", "latte-corpo-mandorla", 11.99),
    ("Olio secco multifunzione 100 ml", "olio-secco", 16.90),
    ("Maschera viso argilla verde 75 ml", "maschera-argilla-verde", 9.99),
    ('Contorno occhi "Luce" 15 ml', "contorno-occhi-luce", 17.50),
    ("Deodorante roll-on salvia 50 ml", "deodorante-salvia", 5.49),
    ("Scrub corpo zucchero e limone 200 ml", "scrub-zucchero-limone", 12.99),
    ("Acqua profumata fico & vaniglia 100 ml", "acqua-profumata-fico-vaniglia", 22.90),
    ("Rossetto matte nude n. 03", "rossetto-matte-nude-03", 9.90),
    ("Mascara volume nero", "mascara-volume-nero", 11.90),
    ("Cofanetto regalo Rituale Calendula", "cofanetto-rituale-calendula", 34.90),
    ("Cofanetto regalo Mandorla & Karité", "cofanetto-mandorla-karite", 29.90),
    ("Crema solare SPF 30 150 ml", "crema-solare-spf30", 15.90),
    ("Crema notte rigenerante Bio 50 ml", "crema-notte-bio", 24.90),
    ("Detergente viso Bio alla camomilla 150 ml", "detergente-viso-bio", 12.90),
    ("Siero Bio vitamina C 30 ml", "siero-bio-vitamina-c", 26.90),
)
BIO_LAUNCH = date(2026, 10, 1)


def product_weights(d: date) -> list[float]:
    w = []
    for name, _, _ in PRODUCTS:
        x = 1.0
        if "Cofanetto" in name:
            x = 4.0 if d.month == 12 or (d.month == 11 and d.day > 15) else 0.4
        elif "solare" in name:
            x = 2.5 if d.month in (5, 6, 7, 8) else 0.05
        elif "Bio" in name and name != "Shampoo all'ortica bio 250 ml":
            x = 2.2 if d >= BIO_LAUNCH else 0.0
        w.append(x)
    return w



# -- people and shops ------------------------------------------------------------------------------

FIRST_F = ("Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Elisa",
           "Federica", "Silvia", "Laura", "Paola", "Elena", "Anna", "Roberta", "Simona", "Ilaria",
           "Beatrice", "Camilla", "Noemi", "Greta", "Aurora", "Sofia", "Giorgia", "Alice", "Marta",
           "Serena", "Veronica", "Cristina", "Monica", "Barbara", "Daniela", "Claudia", "Lucia",
           "Margherita", "Benedetta", "Arianna", "Eleonora", "Irene", "Nicoletta")
FIRST_M = ("Marco", "Luca", "Andrea", "Matteo", "Alessandro", "Davide", "Francesco", "Lorenzo",
           "Simone", "Stefano", "Nicolò", "Riccardo", "Giovanni", "Paolo", "Federico", "Michele")
LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
        "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo",
        "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferri",
        "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis", "Gatti",
        "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato",
        "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti",
        "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino",
        "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali",
        "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino",
        "D'Amico", "Orlando", "Damico", "Negri", "Mele")
FIRST_INTL = ("Anna", "Laura", "Sophie", "Emma", "Julia", "Hannah", "Claire", "Marie", "Lucía",
              "Carmen", "Thomas", "Daniel", "Peter", "Jan", "Pierre", "Javier", "Oliver", "Sarah")
LAST_INTL = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Martin", "Bernard", "Dubois",
             "García", "Fernández", "López", "Smith", "Jones", "Taylor", "Brown", "de Vries", "Jansen",
             "Novak", "Kowalski", "Nielsen")
B2C_DOMAINS = (("gmail.com", 40), ("libero.it", 14), ("hotmail.it", 9), ("yahoo.it", 7),
               ("outlook.it", 8), ("icloud.com", 8), ("alice.it", 5), ("virgilio.it", 4),
               ("tiscali.it", 3), ("live.it", 2))
IT_SHOPS = ("Erboristeria", "Farmacia", "Parafarmacia", "Profumeria", "Bioprofumeria", "Concept store")
IT_SHOP_NAMES = ("La Camomilla", "San Marco", "Salute & Natura", "Il Melograno", "Verde Salvia",
                 "Centrale", "del Corso", "La Lavanda", "Natura Viva", "Sole e Luna", "Il Girasole",
                 "Santa Chiara", "Belvedere", "L'Albero", "Dolce Natura", "Fior di Loto")
IT_CITIES = ("Milano", "Roma", "Torino", "Bologna", "Firenze", "Napoli", "Verona", "Padova", "Bari",
             "Genova", "Brescia", "Parma", "Modena", "Trento", "Pescara", "Lecce", "Bergamo", "Udine")
INTL_COMPANIES = (("Naturkosmetik {} GmbH", "de"), ("Green Beauty {} Ltd", "co.uk"),
                  ("Belleza Natural {} SL", "es"), ("Beauté Bio {} SARL", "fr"),
                  ("{} Organics BV", "nl"), ("{} Natural Care AB", "se"), ("Bio-Drogerie {} GmbH", "at"),
                  ("{} Wellness Sp. z o.o.", "pl"), ("{} Beauty Distribution LLC", "com"))
INTL_BRANDS = ("Alpen", "Nordic", "Blue Lotus", "Helios", "Verde", "Aurora", "Linden", "Sunna", "Iris",
               "Oak & Moss", "Mira", "Cedar", "Luma", "Flora", "Atlas", "Solace")


def slug(text: str, sep: str = "_") -> str:
    """ASCII, lower case, one separator between words: e-mail local parts, domains, UTM campaigns."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, t).strip(sep)


# -- the records the simulation fills --------------------------------------------------------------


@dataclass(frozen=True)
class Touch:
    """A marketing touch: the UTM triple, the ad/email it came from (key) and its URL extras."""
    source: str
    medium: str
    campaign: str
    key: tuple[str, str] | None = None  # ("google", campaign id) | ("meta", ad id) | ("email", uid)
    extra: str = ""

    def query(self) -> str:
        q = (f"utm_source={quote(self.source, safe='')}&utm_medium={quote(self.medium, safe='')}"
             f"&utm_campaign={quote(self.campaign, safe='')}")
        return q + self.extra

    @property
    def label(self) -> str:
        return {"cpc": "Paid Search", "paid_social": "Paid Social", "paid": "Paid Social",
                "email": "Email Marketing", "organic": "Organic Search", "referral": "Referrals",
                "events": "Offline Sources"}.get(self.medium, "Other Campaigns")


@dataclass(eq=False)
class Person:
    record_id: int | None           # None: guest checkout, not in the CRM
    first: str
    last: str
    email: str
    company: str
    city: str
    created: datetime
    touch: Touch | None
    b2b: bool
    mql: datetime | None = None
    sql: datetime | None = None
    customer: datetime | None = None
    orders: int = 0


@dataclass(eq=False)
class Order:
    created: datetime
    person: Person
    touch: Touch | None
    landing: str
    lines: list[tuple[str, str, int, float]]   # (name, sku, qty, unit price)
    discount_code: str
    discount: float
    shipping: float
    status: str
    refunded: float
    b2b: bool
    seq: int = 0

    @property
    def subtotal(self) -> float:
        return round(sum(q * p for _, _, q, p in self.lines) - self.discount, 2)

    @property
    def total(self) -> float:
        return round(self.subtotal + self.shipping, 2)


@dataclass
class EmailCampaign:
    uid: str
    title: str
    subject: str
    list_name: str
    sent: datetime
    recipients: int
    soft: int
    hard: int
    unique_opens: int
    total_opens: int
    unique_clicks: int
    total_clicks: int
    unsubscribes: int
    complaints: int
    forwarded: int
    ecommerce: bool
    touch: Touch
    campaign_id: str = ""           # the tool's own id (Klaviyo, HubSpot); variants of an A/B test share it
    variant: str = ""

    @property
    def delivered(self) -> int:
        return self.recipients - self.soft - self.hard


@dataclass
class AdDay:
    """One row of an ads export before formatting: money in cents, conversions in hundredths."""
    day: date
    campaign: Campaign
    ad: MetaAd | None
    impressions: int
    clicks: int
    cost_cents: int
    reach: int = 0
    conv_centi: int = 0
    value_cents: int = 0


# -- email plans: themes by season and list, and the smaller tools' calendars ----------------------

EMAIL_THEMES_AUTUMN = (
    ("Novità d'autunno", "Novità d'autunno: la routine viso che ami"),
    ("Idratazione", "Idratazione profonda per le prime giornate fresche"),
    ("Ricariche", "Più idratazione, meno sprechi: arrivano le ricariche"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
    ("Capelli", "Capelli forti all'ortica: la guida d'autunno"),
)
EMAIL_THEMES_WINTER = (
    ("Regali", "Idee regalo sotto i 30 €: i cofanetti più amati"),
    ("Natale", "Il Natale è più buono quando è naturale"),
    ("Mani", "Mani screpolate? Il burro di karité è la risposta"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_SPRING = (
    ("Primavera", "Primavera in fiore: profumi leggeri e freschezza"),
    ("Esfoliazione", "Scrub e maschere: la pelle si prepara alla bella stagione"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_SUMMER = (
    ("Estate", "Sole sì, ma con la protezione giusta"),
    ("Saldi", "Saldi estivi: fino al 40% sui preferiti"),
    ("Doposole", "Dopo il mare: idratazione intensa per tutta la famiglia"),
    ("Consigli", "Cosa c'è di nuovo questa settimana nel nostro laboratorio"),
)
EMAIL_THEMES_B2B = (
    ("Listino", "Il nostro listino B2B è aggiornato"),
    ("Rivenditori", "Perché erboristerie e farmacie scelgono noi"),
    ("Espositori", "Nuovi espositori da banco per il tuo punto vendita"),
    ("Formazione", "Formazione gratuita per il tuo staff: le date d'autunno"),
    ("Private label", "Private label: la tua linea cosmetica prodotta in Italia"),
)
# Brevo: the trade-fair team's list of shops; (days from the fair's first day, hour, minute, short, subject)
BREVO_SENDS = (
    (-11, 10, 0, "Invito", "Ti aspettiamo al SANA {y}: Padiglione 21, stand B34"),
    (-3, 9, 30, "Promemoria", "Tra pochi giorni al SANA: prenota il tuo appuntamento allo stand"),
    (5, 11, 0, "Grazie", "Grazie per la visita al SANA {y} 🌿 il listino fiera è qui"),
    (19, 10, 0, "Offerta fiera", "Ultimi giorni per le condizioni fiera: -15% sul primo ordine"),
)
# Klaviyo: a trial on the Shopify customers, Wednesdays from the Bio launch; two subjects = an A/B test
KLAVIYO_START = date(2026, 10, 1)
KLAVIYO_THEMES = (
    ("Linea Bio – i preferiti", ("I 3 prodotti Bio più amati della prima settimana 🌿",)),
    ("Routine d'autunno", ("La tua routine d'autunno in 3 passi",)),
    ("Siero vitamina C", ("Luminosità in 7 giorni: il siero Bio alla vitamina C",
                          "Hai già provato il siero più richiesto?")),
    ("Cofanetti regalo", ("Pensa già ai regali: i cofanetti sono arrivati 🎁",)),
)
# HubSpot marketing emails: B2B nurturing of the MQLs, Wednesdays of odd ISO weeks
HUBSPOT_START = date(2026, 3, 4)
HUBSPOT_THEMES = (
    ("Chi siamo", "Cosmetici naturali prodotti in Italia: chi siamo"),
    ("Margini", "Quanto guadagna un rivenditore con la nostra linea?"),
    ("Caso di successo", "Come un'erboristeria di Bologna ha raddoppiato le vendite"),
    ("Kit campioni", "Richiedi il kit campioni gratuito per il tuo negozio"),
    ("Private label", "La tua linea cosmetica, prodotta nel nostro laboratorio"),
)

