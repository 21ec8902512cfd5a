"""The demo business over a run of days: its channels bring people to the shop (shop.py) — Google and Meta
ads, organic search and referrals, the Mailchimp newsletters, the trade fair; then, on a random stream of
their own, the smaller channels (LinkedIn, Microsoft Ads, TikTok; Brevo, Klaviyo and HubSpot emails) — and
each platform reports the conversions it claims. Nothing here knows a file format (exports/ does)."""
from __future__ import annotations

import bisect
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Iterator

from roi.samples.business import (AMZ, BIO_LAUNCH, BREVO_SENDS, BY_NAME, CAMPAIGNS, EMAIL_THEMES_AUTUMN,
                                  EMAIL_THEMES_B2B, EMAIL_THEMES_SPRING, EMAIL_THEMES_SUMMER, EMAIL_THEMES_WINTER,
                                  G_EN, HUBSPOT_START, HUBSPOT_THEMES, KLAVIYO_START, KLAVIYO_THEMES, LI, META,
                                  MARKET_CAMPAIGNS, META_ADS, MORE_CAMPAIGNS, MS, PIN, PIN_GROUPS, PRODUCTS, TIKTOK_ADS,
                                  TT, AdDay, Campaign, EmailCampaign, MetaAd, Order, Person, Touch, slug)
from roi.samples.media_effects import (CHANNEL, LAG_WEEKS, RESPONSES, Response, adstock, budget_plan, marginal,
                                       monday, order_net, response, weeks)
from roi.samples.seasons import (WEEKDAY_B2B, WEEKDAY_B2C, at_time, cpc_pressure, daterange, fair_start, noise,
                                 poisson, season)
from roi.samples.shop import Shop

END = date(2026, 10, 31)
PAID_B2B_LEADS = 4.5        # shops a day that reach us through a B2B ad, whatever its budget (known effects)
NET_PER_ORDER = 27.0        # about what a B2C order nets: caused revenue is filled with orders of about this size


class Simulation(Shop):
    """The shop and the channels that bring it people. `simulate` plays it: run (the main channels, day by day)
    -> attribute (what Google and Meta claim) -> extend (the smaller channels) -> attribute_more. With known
    effects (the full demo) clicks bring no orders: cause places the ones each channel's spend brings."""

    def __init__(self, start: date, end: date, seed: int, usd_rates: dict[date, float] | None = None):
        super().__init__(start, end, seed)
        # known effects (the two-year demo): budgets in flights, and the paid channels' orders from their responses
        self.effects = usd_rates is not None
        self.usd_rates = usd_rates or {}
        self.budgets = budget_plan(start, end, seed) if self.effects else {}
        self.caused: dict[str, list[Order]] = {}            # channel -> the orders its spend caused
        self.truth: dict = {}                               # what mmm_truth.json says
        self.ad_days: list[AdDay] = []
        self.emails: list[EmailCampaign] = []
        self.last_client_email: EmailCampaign | None = None
        self.more_ad_days: list[AdDay] = []                 # LinkedIn, Microsoft Ads, TikTok
        self.market_ad_days: list[AdDay] = []               # Pinterest, Amazon Ads
        self.tool_emails: dict[str, list[EmailCampaign]] = {"brevo": [], "klaviyo": [], "hubspot": []}
        self._pool: list[Person] = []                       # B2C customers by first purchase (extend)
        self._pool_times: list[datetime] = []

    # -- one day ------------------------------------------------------------------------------
    def run(self) -> None:
        for d in daterange(self.start, self.end):
            self._ads(d)
            if self.effects:
                self._paid_b2b_leads(d)
            self._organic(d)
            self._email(d)
            self._fair(d)
            while self.agenda.get(d):
                for event in self.agenda.pop(d):
                    self._handle(d, event)

    def _touch_for(self, c: Campaign, ad: MetaAd | None) -> Touch:
        r = self.rng
        if c.account == META:
            src, med = ("facebook", "paid_social") if r.random() < 0.6 else ("instagram", "paid")
            fbclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                                       k=22))
            return Touch(src, med, c.name, ("meta", ad.id), f"&utm_content={ad.id}&fbclid=IwAR{fbclid}")
        gclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=24))
        return Touch("google", "cpc", c.name, ("google", c.id), f"&gclid=Cj0KCQjw{gclid}")

    def _deliveries(self, d: date, campaigns: tuple[Campaign, ...], ads: tuple[MetaAd, ...], *, day_sigma: float,
                    ad_sigma: float) -> Iterator[tuple[Campaign, MetaAd | None, int, int]]:
        """(campaign, ad, impressions, clicks) of every campaign live on day d, one per ad where the campaign has
        ads (Meta, TikTok): the day's demand x the campaign's size and learning ramp, with noise. A generator, so
        that what the caller draws for one row comes before the next row's draws, as the simulation always had."""
        r, s = self.rng, season(d)
        for c in campaigns:
            if not c.active(d):
                continue
            wd = (WEEKDAY_B2B if c.b2b else WEEKDAY_B2C)[d.weekday()]
            base = c.impressions * s * wd * c.ramp(d) * noise(r, day_sigma) * self._budget(c, d)
            for ad in [a for a in ads if a.campaign is c] or [None]:
                impr = round(base * (ad.share * noise(r, ad_sigma) if ad else 1.0))
                if impr > 0:
                    yield c, ad, impr, min(impr, poisson(r, impr * c.ctr * noise(r, 0.08)))

    def _ads(self, d: date) -> None:
        r, pressure = self.rng, cpc_pressure(d)
        for c, ad, impr, clicks in self._deliveries(d, CAMPAIGNS, META_ADS, day_sigma=0.10, ad_sigma=0.18):
            cpc = c.cpc * pressure * noise(r, 0.07)
            cost_cents = round(clicks * cpc * 100)
            reach = 0
            if ad:
                freq = (1.6 if "Retargeting" in c.name else 1.08) + 0.5 * r.random()
                reach = max(1, min(impr, round(impr / freq)))
                cost_cents = max(cost_cents, round(impr * 0.0022 * 100))  # CPM floor ~2.2 €
            self.ad_days.append(AdDay(d, c, ad, impr, clicks, cost_cents, reach))
            self._outcomes(d, c, ad, clicks)

    def _budget(self, c: Campaign, d: date) -> float:
        return self.budgets.get((c.account, monday(d)), 1.0)

    def _outcomes(self, d: date, c: Campaign, ad: MetaAd | None, clicks: int) -> None:
        r = self.rng
        if self.effects:                                 # orders and B2B leads come from cause / _paid_b2b_leads
            for _ in range(0 if c.b2b else poisson(r, clicks * c.signup)):
                self.new_person(at_time(r, d), self._touch_for(c, ad))
            return
        if c.b2b:
            for _ in range(poisson(r, clicks * c.cvr)):
                self.b2b_lead(at_time(r, d, b2b=True), self._touch_for(c, ad), intl=c.account == G_EN)
            return
        weekday_cvr = 1.08 if d.weekday() == 6 else 1.0
        returning_share = 0.45 if "Brand" in c.name else (0.35 if "Retargeting" in c.name else 0.18)
        for _ in range(poisson(r, clicks * c.cvr * weekday_cvr)):
            touch = self._touch_for(c, ad)
            if r.random() < returning_share and self.returning_purchase(d, touch):
                continue
            self.first_purchase_now(d, touch)
        for _ in range(poisson(r, clicks * c.signup)):
            self.signup(d, self._touch_for(c, ad))

    def _organic(self, d: date) -> None:
        r = self.rng
        f = season(d) * WEEKDAY_B2C[d.weekday()]
        organic = Touch("google", "organic", "")
        for _ in range(poisson(r, 6.5 * f)):
            if r.random() < 0.35:
                self.first_purchase_now(d, organic)
            else:
                self.signup(d, organic)
        for _ in range(poisson(r, 1.2 * f)):
            site = r.choice(("beautyblog.it", "greenme.it", "cosmeticinatura.it", "vivereverde.it"))
            touch = Touch(site, "referral", r.choice(("recensione_crema_viso", "guida_regali",
                                                       "routine_naturale")))
            (self.first_purchase_now if r.random() < 0.3 else self.signup)(d, touch)
        for _ in range(poisson(r, 2.6 * f)):
            (self.first_purchase_now if r.random() < 0.5 else self.signup)(d, None)
        for _ in range(poisson(r, 0.35 * WEEKDAY_B2B[d.weekday()])):
            self.b2b_lead(at_time(r, d, b2b=True), organic, intl=r.random() < 0.3)

    def _handle(self, d: date, event: tuple) -> None:
        r = self.rng
        kind, p = event[0], event[1]
        if kind == "late_first":
            if p.customer is not None:
                return
            x = r.random()
            recent = self.last_client_email
            if x < 0.45 and recent and (d - recent.sent.date()).days <= 10:
                touch = recent.touch
            elif x < 0.55:
                touch = self._touch_for(BY_NAME["IT_Search_Brand"], None)
            else:
                touch = None
            self.place_order(at_time(r, d), p, touch)
            self._maybe_repeat(p, d, 0.45)
        elif kind == "repeat":
            x = r.random()
            brand = BY_NAME["IT_Search_Brand"]
            touch = self._touch_for(brand, None) if x < 0.2 and brand.active(d) else None
            self.place_order(at_time(r, d), p, touch)
            self._maybe_repeat(p, d, 0.5)
        elif kind == "repeat_plain":                     # a customer of the smaller channels comes back
            self.place_order(at_time(r, d), p, None)
        elif kind == "email_order":
            campaign: EmailCampaign = event[2]
            self.place_order(event[3], p, campaign.touch,
                             code="SCONTO10" if "sconto" in campaign.subject else "")
        elif kind == "mql":
            p.mql = self._b2b_time(d, p.created)
            if r.random() < 0.45:
                self.schedule(self._workday(d + timedelta(days=r.randint(2, 10))), ("sql", p))
        elif kind == "sql":
            p.sql = self._b2b_time(d, p.mql)
            if r.random() < 0.35:
                self.schedule(self._workday(d + timedelta(days=r.randint(7, 35))), ("won", p))
        elif kind in ("won", "reorder"):
            after = p.sql if kind == "won" else p.created
            self.place_order(self._b2b_time(d, after), p, None, b2b=True)
            if r.random() < 0.7:
                self.schedule(self._workday(d + timedelta(days=r.randint(25, 50))), ("reorder", p))

    # -- email -------------------------------------------------------------------------------
    def _email(self, d: date) -> None:
        wd = d.weekday()
        if wd == 1:
            self._send(d, "Clienti", 8, 30, promo=False)
        if wd == 4 and d.day <= 7:
            self._send(d, "Clienti", 18, 0, promo=True)
        if wd == 3 and d.isocalendar()[1] % 2 == 0:
            self._send(d, "Newsletter B2B", 10, 0, promo=False)

    def _send(self, d: date, list_name: str, hh: int, mm: int, *, promo: bool) -> None:
        r = self.rng
        b2b = list_name != "Clienti"
        if promo:
            short, subject = "Promo", "€ 10 di sconto sul tuo prossimo ordine"
        else:
            themes = EMAIL_THEMES_B2B if b2b else (
                EMAIL_THEMES_AUTUMN if d.month in (9, 10, 11) else EMAIL_THEMES_WINTER
                if d.month in (12, 1, 2) else EMAIL_THEMES_SPRING if d.month in (3, 4, 5)
                else EMAIL_THEMES_SUMMER)
            short, subject = themes[(d.toordinal() // 7) % len(themes)]
            if not b2b and d >= BIO_LAUNCH and d < BIO_LAUNCH + timedelta(days=7):
                short, subject = "Linea Bio", "È arrivata la nuova Linea Bio: scoprila per prima"
        days_in = (d - date(2024, 11, 1)).days
        size = round((1650 + 0.9 * days_in) if b2b else (12500 + 6.5 * days_in))
        recipients = max(200, size + r.randint(-40, 40))
        soft = poisson(r, recipients * 0.004)
        hard = poisson(r, recipients * 0.0015)
        delivered = recipients - soft - hard
        uo = round(delivered * r.uniform(0.30, 0.42) * (1.05 if promo else 1.0))
        uc = round(delivered * (r.uniform(0.028, 0.045) if b2b else r.uniform(0.018, 0.032))
                   * (1.35 if promo else 1.0))
        uid = "".join(r.choices("0123456789abcdef", k=10))
        title = f"{list_name} – {short} ({d:%d/%m/%y})"
        if promo:
            title = f"{list_name} – Promo, € 10 di sconto ({d:%d/%m/%y})"
        touch = Touch("mailchimp", "email", slug(f"{list_name}_{short}_{d:%Y_%m_%d}"), ("email", uid),
                      f"&mc_cid={uid}&mc_eid={''.join(r.choices('0123456789abcdef', k=10))}")
        camp = EmailCampaign(uid, title, subject, list_name, datetime(d.year, d.month, d.day, hh, mm),
                             recipients, soft, hard, uo, round(uo * r.uniform(1.4, 1.9)), uc,
                             round(uc * r.uniform(1.2, 1.6)), poisson(r, delivered * 0.0016),
                             poisson(r, delivered * 0.00008), poisson(r, 2), not b2b, touch)
        self.emails.append(camp)
        if b2b:
            # Forwarded to colleagues: a few new B2B contacts per send
            for _ in range(poisson(r, 0.6)):
                self.b2b_lead(camp.sent + timedelta(hours=r.randint(1, 30)), touch, intl=False)
            return
        self.last_client_email = camp
        for _ in range(poisson(r, uc * (0.075 if promo else 0.045))):
            offset = r.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]
            od = d + timedelta(days=offset)
            if od > self.end:
                continue
            t = at_time(r, od)
            if offset == 0 and t <= camp.sent:
                t = camp.sent + timedelta(minutes=r.randrange(5, 300))
            x = r.random()
            if x < 0.65 and self.b2c_customers:
                buyer = self.b2c_customers[r.randrange(len(self.b2c_customers))]
            elif x < 0.9 and self.b2c_leads:
                buyer = self.b2c_leads[r.randrange(len(self.b2c_leads))]
                if buyer.created >= t:
                    buyer = self.new_person(t - timedelta(minutes=3), touch)
            else:
                buyer = self.new_person(t - timedelta(minutes=3), touch)
            self.schedule(t.date(), ("email_order", buyer, camp, t))

    # -- trade fair --------------------------------------------------------------------------
    def _fair(self, d: date) -> None:
        fs = fair_start(d.year)
        if fs <= d < fs + timedelta(days=4):
            touch = Touch("sana_bologna", "events", f"sana_{d.year}")
            for _ in range(poisson(self.rng, 17)):
                t = datetime(d.year, d.month, d.day, self.rng.randint(9, 18), self.rng.randrange(60))
                self.b2b_lead(t, touch, intl=self.rng.random() < 0.1, mql_rate=0.7)

    # -- known effects (the two-year demo) --------------------------------------------------------------
    def _paid_b2b_leads(self, d: date) -> None:
        """The shops that write through a B2B ad come at a rate of their own, whatever its budget (the ads take
        the credit, not the cause), each on one of the B2B campaigns live that day."""
        r = self.rng
        live = [c for c in CAMPAIGNS + MORE_CAMPAIGNS if c.b2b and c.active(d) and self._budget(c, d) > 0]
        for _ in range(poisson(r, PAID_B2B_LEADS * season(d) * WEEKDAY_B2B[d.weekday()]) if live else 0):
            c = r.choices(live, [x.impressions * x.ctr * x.cvr for x in live])[0]
            if c.account == LI:
                self.b2b_lead(at_time(r, d, b2b=True), self._more_touch(c, None), intl=c.name.endswith("_EU"))
                continue
            ads = [a for a in META_ADS if a.campaign is c]
            ad = r.choices(ads, [a.share for a in ads])[0] if ads else None
            self.b2b_lead(at_time(r, d, b2b=True), self._touch_for(c, ad), intl=c.account == G_EN)

    def _eur(self, row: AdDay) -> float:
        cost = row.cost_cents / 100
        return cost / self.usd_rates[row.day] if row.campaign.account == G_EN else cost

    def cause(self) -> None:
        """Places the shop orders each paid channel's spend causes, on a random stream of its own: the week's
        spend (EUR), adstocked and saturated (media_effects.py), is the week's incremental net revenue, filled
        with orders on that week's days (what one week leaves over goes to the next). Then writes self.truth."""
        main, self.rng = self.rng, random.Random(f"roi-demo:{self.seed}:caused")
        try:
            mondays = weeks(self.start, self.end)
            rows: dict[str, list[AdDay]] = defaultdict(list)
            for row in self.ad_days + self.more_ad_days + self.market_ad_days:
                rows[CHANNEL[row.campaign.account]].append(row)
            channels = {}
            for channel, effect in RESPONSES.items():
                spend = [0.0] * len(mondays)
                for row in rows[channel]:
                    spend[(monday(row.day) - mondays[0]).days // 7] += self._eur(row)
                if any(spend):
                    channels[channel] = self._cause_channel(channel, effect, mondays, spend, rows[channel])
        finally:
            self.rng = main
        self.truth = {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat(), "weeks": len(mondays)},
            "weeks": [m.isoformat() for m in mondays],
            "definitions": {
                "week": "Monday to Sunday; the first and last weeks may be partial",
                "spend": "the channel's ad spend in its ad exports, EUR (the USD account at the ECB rate of the day "
                         "or the latest earlier one); the costs sheet is not in it",
                "net_revenue": "core.orders amount_net: paid orders, goods without tax and shipping, less refunds",
                "incremental_revenue": "net revenue of the orders the channel's spend caused in the period",
                "roi": "incremental_revenue / spend",
                "response": f"adstock_t = sum_l alpha^l spend_(t-l) / sum_l alpha^l (l < {LAG_WEEKS}); revenue_t = "
                            "beta (1 - exp(-lam adstock_t / scale)) / (1 + exp(-lam adstock_t / scale))",
                "response_revenue": "the response summed over the weeks: what incremental_revenue fills, to an order",
                "marginal_roi": "the response's slope at the mean weekly spend of the weeks the channel spent",
                "tagged": "share of the caused orders that carry the channel's UTMs when it ran that day",
            },
            "net_revenue": round(sum(order_net(o) for o in self.orders), 2),
            "channels": channels,
        }

    def _cause_channel(self, channel: str, effect: Response, mondays: list[date], spend: list[float],
                       rows: list[AdDay]) -> dict:
        r = self.rng
        scale = round(max(spend), 2)
        beta, lam = effect.beta, effect.lam(scale)
        expected = [response(x, beta, lam, scale) for x in adstock(spend, effect.alpha)]
        ran: dict[date, list[AdDay]] = defaultdict(list)        # the days it ran ads a shopper can click
        for row in rows:
            if not row.campaign.b2b and row.campaign.account != AMZ:
                ran[row.day].append(row)
        caused, revenue, owed = self.caused.setdefault(channel, []), [], 0.0
        for week, target in zip(mondays, expected):
            days = [d for d in daterange(week, week + timedelta(days=6)) if self.start <= d <= self.end]
            owed, got = owed + target, 0.0
            while owed > NET_PER_ORDER / 2:
                o = self._caused_order(r.choices(days, [WEEKDAY_B2C[d.weekday()] for d in days])[0],
                                       effect.tagged, ran)
                if o is not None:
                    caused.append(o)
                    owed, got = owed - order_net(o), got + order_net(o)
            revenue.append(got)
        live = [x for x in spend if x > 0]
        total_spend, total_revenue = sum(spend), sum(revenue)
        return {"spend": round(total_spend, 2), "incremental_revenue": round(total_revenue, 2),
                "roi": round(total_revenue / total_spend, 4),
                "marginal_roi": round(marginal(sum(live) / len(live), beta, lam, scale), 4),
                "response_revenue": round(sum(expected), 2), "orders": len(caused),
                "tagged_orders": sum(o.touch is not None for o in caused),
                "alpha": effect.alpha, "lam": lam, "beta": beta, "scale": scale, "half_saturation": effect.half,
                "tagged": effect.tagged,
                "weekly_spend": [round(x, 2) for x in spend], "weekly_revenue": [round(x, 2) for x in revenue]}

    def _caused_order(self, d: date, tagged: float, ran: dict[date, list[AdDay]]) -> Order | None:
        """One order the channel caused on day d: with its UTMs (a click on one of that day's ads) or none."""
        r = self.rng
        t, touch = at_time(r, d), None
        if ran.get(d) and r.random() < tagged:
            row = r.choices(ran[d], [x.clicks + 1 for x in ran[d]])[0]
            c = row.campaign
            touch = self._touch_for(c, row.ad) if c in CAMPAIGNS else self._more_touch(c, row.ad)
        buyer = self._returning(t) if r.random() < 0.25 else None
        if buyer is not None:
            return self.place_order(t, buyer, touch)
        p = self.new_person(t, touch, crm=r.random() > 0.03)
        return self.place_order(t + timedelta(minutes=r.randrange(2, 25)), p, touch)

    # -- platform-reported conversions -----------------------------------------------------------
    def _orders_by_touch(self, *platforms: str) -> dict[tuple, list[float]]:
        """The totals of the orders whose last touch is an ad of these platforms, by (touch key, day)."""
        totals: dict[tuple, list[float]] = defaultdict(list)
        for o in self.orders:
            if o.touch and o.touch.key and o.touch.key[0] in platforms:
                totals[(o.touch.key, o.created.date())].append(o.total)
        return totals

    def _leads_by_touch(self, *platforms: str) -> dict[tuple, int]:
        """How many B2B contacts an ad of these platforms brought, by (touch key, day)."""
        counts: dict[tuple, int] = defaultdict(int)
        for p in self.people:
            if p.b2b and p.touch and p.touch.key and p.touch.key[0] in platforms:
                counts[(p.touch.key, p.created.date())] += 1
        return counts

    def attribute(self) -> None:
        """Fills the ads' reported conversions from the simulated orders and leads, with each
        platform's usual over-reporting (modelled / view-through conversions)."""
        r = random.Random(f"roi-demo:{self.seed}:conv")
        orders_by, leads_by = self._orders_by_touch("google", "meta"), self._leads_by_touch("google", "meta")
        for row in self.ad_days:
            c = row.campaign
            key = ("meta", row.ad.id) if row.ad else ("google", c.id)
            if c.b2b:
                if c.account == META:
                    continue                           # lead forms: no purchases in Ads Manager
                n = leads_by.get((key, row.day), 0)
                conv = n * r.uniform(0.95, 1.12)
                row.conv_centi = round(conv * 100)
                row.value_cents = row.conv_centi * 50   # a lead is valued 50 USD in the account
                continue
            values = orders_by.get((key, row.day), [])
            if c.account == META:
                factor = r.uniform(1.0, 1.45)
                purchases = round(len(values) * factor)
                if not values and r.random() < 0.05 * min(1.0, row.clicks / 20):
                    purchases, values, factor = 1, [r.uniform(25, 60)], 1.0
                row.conv_centi = purchases * 100
                row.value_cents = round(sum(values) * factor * 100) if purchases else 0
            else:
                factor = r.uniform(0.92, 1.22)
                conv = len(values) * factor
                if not values and r.random() < 0.08:
                    conv = r.uniform(0.2, 0.9)
                    values = [36.0 * conv]
                    factor = 1.0
                row.conv_centi = round(conv * 100)
                row.value_cents = round(sum(values) * factor * 100) if row.conv_centi else 0


    # -- the smaller channels: LinkedIn, Microsoft Ads, TikTok; Brevo, Klaviyo, HubSpot emails ----------
    def extend(self) -> None:
        """Runs the smaller channels over the same days, after the main run and on a random stream of
        their own, so the main channels' exports do not move with them. A returning buyer here is a
        customer whose first order came earlier; no event of the main run is touched."""
        self._pool = sorted((p for p in self.people if p.customer and p.record_id is not None and not p.b2b),
                            key=lambda p: (p.customer, p.record_id))
        self._pool_times = [p.customer for p in self._pool]
        main, self.rng = self.rng, random.Random(f"roi-demo:{self.seed}:more")
        try:
            for d in daterange(self.start, self.end):
                self._more_ads(d)
                self._tool_emails(d)
                while self.agenda.get(d):
                    for event in self.agenda.pop(d):
                        self._handle(d, event)
        finally:
            self.rng = main

    def _returning(self, t: datetime) -> Person | None:
        """A B2C customer (in the CRM) whose first order came before t, or None."""
        n = bisect.bisect_left(self._pool_times, t)
        return self._pool[self.rng.randrange(n)] if n else None

    def _more_touch(self, c: Campaign, ad: MetaAd | None) -> Touch:
        r = self.rng
        if c.account == LI:
            h = "".join(r.choices("0123456789abcdef", k=32))
            return Touch("linkedin", "paid_social", c.name, ("linkedin", c.id),
                         f"&li_fat_id={h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        if c.account == MS:
            return Touch("bing", "cpc", c.name, ("microsoft", c.id),
                         f"&msclkid={''.join(r.choices('0123456789abcdef', k=32))}")
        if c.account == PIN:
            epik = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789", k=28))
            return Touch("pinterest", "paid_social", c.name, ("pinterest", ad.id),
                         f"&utm_content={ad.id}&epik=dj0yJnU9{epik}")
        ttclid = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=30))
        return Touch("tiktok", "paid_social", c.name, ("tiktok", ad.id),
                     f"&utm_content={ad.id}&ttclid=E.C.P.{ttclid}")

    def _more_ads(self, d: date) -> None:
        r, pressure = self.rng, cpc_pressure(d)
        for c, ad, impr, clicks in self._deliveries(d, MORE_CAMPAIGNS, TIKTOK_ADS, day_sigma=0.12, ad_sigma=0.2):
            # the cost as in _ads, multiplied in another order: floats round differently, and the demo's
            # bytes depend on it
            cost_cents = round(clicks * c.cpc * pressure * noise(r, 0.07) * 100)
            reach = 0
            if c.account == TT:
                reach = max(1, round(impr / (1.12 + 0.25 * r.random())))
                cost_cents = max(cost_cents, round(impr * 0.0042 * 100))   # CPM floor ~4.2 €
            elif c.account == LI:
                reach = max(1, round(impr / (1.3 + 0.5 * r.random())))
            self.more_ad_days.append(AdDay(d, c, ad, impr, clicks, cost_cents, reach))
            self._more_outcomes(d, c, ad, clicks)

    def _more_outcomes(self, d: date, c: Campaign, ad: MetaAd | None, clicks: int) -> None:
        r = self.rng
        if self.effects:
            for _ in range(0 if c.b2b else poisson(r, clicks * c.signup)):
                self.new_person(at_time(r, d), self._more_touch(c, ad))
            return
        if c.b2b:
            for _ in range(poisson(r, clicks * c.cvr)):
                self.b2b_lead(at_time(r, d, b2b=True), self._more_touch(c, ad), intl=c.name.endswith("_EU"))
            return
        returning_share = 0.45 if "Brand" in c.name else 0.15
        for _ in range(poisson(r, clicks * c.cvr)):
            touch = self._more_touch(c, ad)
            t = at_time(r, d)
            buyer = self._returning(t) if r.random() < returning_share else None
            if buyer is not None:
                self.place_order(t, buyer, touch)
                continue
            p = self.new_person(t, touch, crm=r.random() > 0.03)
            self.place_order(t + timedelta(minutes=r.randrange(2, 25)), p, touch)
            if r.random() < 0.3:
                self.schedule(d + timedelta(days=7 + int(r.expovariate(1 / 50))), ("repeat_plain", p))
        for _ in range(poisson(r, clicks * c.signup)):
            self.new_person(at_time(r, d), self._more_touch(c, ad))

    def _tool_emails(self, d: date) -> None:
        fs = fair_start(d.year)
        for offset, hh, mm, short, subject in BREVO_SENDS:
            if d == fs + timedelta(days=offset):
                self._tool_send("brevo", d, hh, mm, "Fiere ed eventi – rivenditori", f"SANA {d.year} – {short}",
                                subject.format(y=d.year))
        if d >= KLAVIYO_START and d.weekday() == 2:
            short, subjects = KLAVIYO_THEMES[(d - KLAVIYO_START).days // 7 % len(KLAVIYO_THEMES)]
            self._tool_send("klaviyo", d, 10, 0, "Clienti Shopify", f"Clienti – {short} ({d:%d/%m/%y})",
                            *subjects)
        if d >= HUBSPOT_START and d.weekday() == 2 and d.isocalendar()[1] % 2 == 1:
            short, subject = HUBSPOT_THEMES[d.toordinal() // 14 % len(HUBSPOT_THEMES)]
            self._tool_send("hubspot", d, 9, 15, "MQL – rivenditori e distributori",
                            f"B2B nurturing – {short} ({d:%d/%m/%y})", subject)

    def _tool_send(self, tool: str, d: date, hh: int, mm: int, list_name: str, title: str, *subjects: str) -> None:
        r = self.rng
        sent = datetime(d.year, d.month, d.day, hh, mm)
        days_in = (d - date(2024, 11, 1)).days
        b2b = tool != "klaviyo"
        size = (round(2150 + 0.6 * days_in) if tool == "brevo" else round(320 + 0.45 * days_in) if b2b
                else max(200, round(0.8 * bisect.bisect_left(self._pool_times, sent))))
        sent_before = len(self.tool_emails[tool])
        cid = ""
        if tool == "klaviyo":
            cid = "01J" + "".join(r.choices("0123456789ABCDEFGHJKMNPQRSTVWXYZ", k=23))
        elif tool == "hubspot":
            cid = str(184_512_300_000 + 1_137 * sent_before + r.randrange(1000))
        for i, subject in enumerate(subjects):
            recipients = max(50, size // len(subjects) + r.randint(-20, 20))
            soft = poisson(r, recipients * 0.004)
            hard = poisson(r, recipients * (0.003 if b2b else 0.0015))
            delivered = recipients - soft - hard
            uo = round(delivered * (r.uniform(0.30, 0.42) if b2b else r.uniform(0.40, 0.52)))
            uc = round(delivered * (r.uniform(0.028, 0.045) if b2b else r.uniform(0.025, 0.04)))
            uid = "".join(r.choices("0123456789abcdef", k=10))
            if tool == "klaviyo":
                kx = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=22))
                touch = Touch("klaviyo", "email", f"{title} ({cid})", ("email", uid), f"&_kx={kx}.TxYz9q")
            elif tool == "brevo":
                touch = Touch("brevo", "email", slug(title), ("email", uid))
            else:
                enc = "".join(r.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=40))
                touch = Touch("hs_email", "email", slug(title), ("email", uid), f"&_hsenc=p2ANqtz-{enc}&_hsmi={cid}")
            camp = EmailCampaign(uid, title, subject, list_name, sent, recipients, soft, hard, uo,
                                 round(uo * r.uniform(1.3, 1.8)), uc, round(uc * r.uniform(1.15, 1.5)),
                                 poisson(r, delivered * 0.002), poisson(r, delivered * 0.0001), 0, not b2b, touch,
                                 cid, "AB"[i] if len(subjects) > 1 else "")
            self.tool_emails[tool].append(camp)
            if tool == "brevo":
                # shops that ask for the catalogue or an appointment: new B2B contacts
                for _ in range(poisson(r, 1.3 if "Grazie" in title or "Offerta" in title else 0.6)):
                    t = sent + timedelta(hours=r.randint(1, 30))
                    if t.date() <= self.end:
                        self.b2b_lead(t, touch, intl=False)
            elif tool == "klaviyo":
                for _ in range(poisson(r, uc * 0.07)):
                    t = at_time(r, d + timedelta(days=r.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]))
                    if t <= sent:
                        t = sent + timedelta(minutes=r.randrange(5, 300))
                    buyer = self._returning(t)
                    if buyer is not None:
                        self.place_order(t, buyer, touch)

    def attribute_more(self) -> None:
        """The smaller platforms' reported conversions: LinkedIn counts website leads (plus view-through),
        valued 50 EUR each; Microsoft Ads about the orders it drove; TikTok's pixel over-reports."""
        r = random.Random(f"roi-demo:{self.seed}:more-conv")
        orders_by, leads_by = self._orders_by_touch("microsoft", "tiktok"), self._leads_by_touch("linkedin")
        for row in self.more_ad_days:
            c = row.campaign
            if c.account == LI:
                conv = round(leads_by.get((("linkedin", c.id), row.day), 0) * r.uniform(1.0, 1.4))
                row.conv_centi, row.value_cents = conv * 100, conv * 5000
                continue
            key = ("microsoft", c.id) if c.account == MS else ("tiktok", row.ad.id)
            values = orders_by.get((key, row.day), [])
            factor = r.uniform(0.9, 1.15) if c.account == MS else r.uniform(1.2, 1.9)
            conv = round(len(values) * factor)
            if not values and r.random() < 0.05:
                conv, values, factor = 1, [r.uniform(20, 55)], 1.0
            row.conv_centi = conv * 100
            row.value_cents = round(sum(values) * factor * 100) if conv else 0


    # -- Pinterest and Amazon Ads: last, on a stream of their own -----------------------------------------
    def extend_marketplaces(self) -> None:
        """Pinterest sends buyers to the shop (orders with utm_source = pinterest); Amazon's Sponsored Products
        sell on Amazon, so their sales exist only in Amazon's report. Runs after everything else, so no other
        export moves with them."""
        main, self.rng = self.rng, random.Random(f"roi-demo:{self.seed}:marketplaces")
        try:
            for d in daterange(self.start, self.end):
                r, pressure = self.rng, cpc_pressure(d)
                for c, group, impr, clicks in self._deliveries(d, MARKET_CAMPAIGNS, PIN_GROUPS, day_sigma=0.14,
                                                               ad_sigma=0.15):
                    cost_cents = round(clicks * c.cpc * pressure * noise(r, 0.08) * 100)
                    if c.account == PIN:
                        reach = max(1, round(impr / (1.2 + 0.3 * r.random())))
                        self.market_ad_days.append(AdDay(d, c, group, impr, clicks, cost_cents, reach))
                        self._more_outcomes(d, c, group, clicks)
                        continue
                    row = AdDay(d, c, None, impr, clicks, cost_cents)
                    orders = poisson(r, clicks * c.cvr)
                    # Amazon's 14-day attributed sales of the advertised creams (a unit or two each)
                    row.conv_centi = orders * 100
                    row.value_cents = sum(round(PRODUCTS[r.choice((0, 1, 18))][2] * r.choice((1, 1, 1, 2)) * 100)
                                          for _ in range(orders))
                    self.market_ad_days.append(row)
                while self.agenda.get(d):
                    for event in self.agenda.pop(d):
                        self._handle(d, event)
        finally:
            self.rng = main

    def attribute_marketplaces(self) -> None:
        """Pinterest's reported checkouts: its tag counts the shop orders it drove, and some it only saw."""
        r = random.Random(f"roi-demo:{self.seed}:marketplaces-conv")
        orders_by = self._orders_by_touch("pinterest")
        for row in self.market_ad_days:
            if row.campaign.account != PIN:
                continue
            values = orders_by.get((("pinterest", row.ad.id), row.day), [])
            factor = r.uniform(1.1, 1.6)
            conv = round(len(values) * factor)
            if not values and r.random() < 0.06:
                conv, values, factor = 1, [r.uniform(20, 50)], 1.0
            row.conv_centi = conv * 100
            row.value_cents = round(sum(values) * factor * 100) if conv else 0


def simulate(days: int = 90, end: date = END, seed: int = 7,
             usd_rates: dict[date, float] | None = None) -> Simulation:
    """Runs the business for `days` days ending on `end` (inclusive); nothing is written.

    With usd_rates (USD per EUR each day, as the warehouse converts the USD account's spend), the known effects of
    the two-year demo: budgets in flights, the paid channels' orders from their responses, sim.truth."""
    if days < 1:
        raise ValueError("days must be at least 1")
    sim = Simulation(end - timedelta(days=days - 1), end, seed, usd_rates)
    sim.run()
    if sim.effects:                 # the platforms claim their conversions once every order is placed
        sim.extend()
        sim.extend_marketplaces()
        sim.cause()
        sim.attribute()
        sim.attribute_more()
        sim.attribute_marketplaces()
        return sim
    sim.attribute()
    sim.extend()
    sim.attribute_more()
    sim.extend_marketplaces()
    sim.attribute_marketplaces()
    return sim
