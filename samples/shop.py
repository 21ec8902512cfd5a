"""The demo shop's people and orders: contacts with their e-mail addresses and CRM ids, orders with their
lines, discounts, shipping and refunds, and the B2B pipeline from lead to customer. The channels that bring
these people (simulation.py) build on it; follow-ups go on the agenda, which the simulation plays."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from roi.samples.business import (B2C_DOMAINS, FIRST_F, FIRST_INTL, FIRST_M, INTL_BRANDS, INTL_COMPANIES,
                                  IT_CITIES, IT_SHOP_NAMES, IT_SHOPS, LAST, LAST_INTL, PRODUCTS, Order, Person,
                                  Touch, product_weights, slug)
from roi.samples.seasons import at_time


class Shop:
    """Contacts and orders. Follow-ups (a repeat purchase, an MQL that may become an SQL …) go on the agenda
    by day; Simulation._handle plays them."""

    def __init__(self, start: date, end: date, seed: int):
        self.start, self.end = start, end
        self.rng = random.Random(f"roi-demo:{seed}:sim")
        self.seed = seed
        self.people: list[Person] = []
        self.orders: list[Order] = []
        self.agenda: dict[date, list[tuple]] = defaultdict(list)
        self.b2c_customers: list[Person] = []
        self.b2c_leads: list[Person] = []
        self.used_emails: set[str] = set()
        self.next_record = 61_250_000_000 + 1000
        self.order_seq = 0

    # -- people ------------------------------------------------------------------------------
    def _unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def new_person(self, t: datetime, touch: Touch | None, *, b2b: bool = False, intl: bool = False,
                   crm: bool = True) -> Person:
        r = self.rng
        if intl:
            first, last = r.choice(FIRST_INTL), r.choice(LAST_INTL)
            template, tld = r.choice(INTL_COMPANIES)
            company = template.format(r.choice(INTL_BRANDS))
            domain = slug(company.split(" GmbH")[0].split(" Ltd")[0], "-")[:24].strip("-") + "." + tld
            city = ""
        else:
            first = r.choice(FIRST_F) if r.random() < 0.82 or b2b else r.choice(FIRST_M)
            last = r.choice(LAST)
            city = r.choice(IT_CITIES)
            company = f"{r.choice(IT_SHOPS)} {r.choice(IT_SHOP_NAMES)}" if b2b else ""
            domain = (slug(company, "") + "." + r.choice(("it", "it", "com"))) if b2b else \
                r.choices([d for d, _ in B2C_DOMAINS], [w for _, w in B2C_DOMAINS])[0]
        f, l_ = slug(first, ""), slug(last, "")
        style = r.random()
        if b2b or intl:
            local = f"{f}.{l_}" if style < 0.7 else (f"{f[0]}.{l_}" if style < 0.9 else "info")
        elif style < 0.45:
            local = f"{f}.{l_}"
        elif style < 0.65:
            local = f"{f}{l_}"
        elif style < 0.78:
            local = f"{f[0]}.{l_}"
        elif style < 0.88:
            local = f"{f}_{l_}"
        else:
            local = f"{f}.{l_}{r.randrange(60, 100) if r.random() < 0.5 else r.randrange(1, 30)}"
        record = None
        if crm:
            self.next_record += r.randrange(1, 40)
            record = self.next_record
        p = Person(record, first, last, self._unique_email(local, domain), company, city, t, touch,
                   b2b or intl)
        self.people.append(p)
        if crm and not p.b2b:
            self.b2c_leads.append(p)
        return p

    # -- orders ------------------------------------------------------------------------------
    def _landing(self, touch: Touch | None, handle: str, b2b: bool) -> str:
        r = self.rng
        if b2b:
            return r.choice(("/account/login", "/pages/rivenditori", "/collections/b2b"))
        if touch is None:
            return r.choice(("/", "/", f"/products/{handle}", "/collections/viso", "/collections/corpo",
                             "/blogs/consigli/routine-viso-autunno"))
        page = f"/products/{handle}" if touch.medium != "email" else r.choice(
            ("/collections/novita", f"/products/{handle}", "/"))
        return f"{page}?{touch.query()}"

    def place_order(self, t: datetime, person: Person, touch: Touch | None, *, b2b: bool = False,
                    code: str = "") -> Order | None:
        if t.date() > self.end:
            return None
        r = self.rng
        d = t.date()
        weights = product_weights(d)
        if b2b:
            k = r.randint(3, 6)
            idx = []
            while len(idx) < k:
                i = r.choices(range(len(PRODUCTS)), weights)[0]
                if i not in idx:
                    idx.append(i)
            lines = [(PRODUCTS[i][0], f"BV-{i + 101:04d}-B2B", r.choice((12, 12, 24, 24, 36, 48)),
                      round(PRODUCTS[i][2] * 0.55, 2)) for i in idx]
        else:
            k = r.choices((1, 2, 3, 4, 5), (30, 30, 22, 12, 6))[0]
            idx = []
            for _ in range(k):
                i = r.choices(range(len(PRODUCTS)), weights)[0]
                if i not in idx:
                    idx.append(i)
            lines = [(PRODUCTS[i][0], f"BV-{i + 101:04d}", 2 if r.random() < 0.15 else 1, PRODUCTS[i][2])
                     for i in idx]
        gross = sum(q * p for _, _, q, p in lines)
        discount = 0.0
        if code == "SCONTO10" and gross >= 39:
            discount = 10.0
        elif not b2b and person.orders == 0 and r.random() < 0.12:
            code, discount = "BENVENUTO15", round(gross * 0.15, 2)
        else:
            code = ""
        subtotal = gross - discount
        shipping = (0.0 if subtotal >= 500 else 15.0) if b2b else (0.0 if subtotal >= 49 else 4.90)
        status, refunded = "paid", 0.0
        x = r.random()
        if b2b and (self.end - d).days < 10 and x < 0.5:
            status = "pending"
        elif not b2b and (self.end - d).days >= 5:
            if x < 0.03:
                status, refunded = "refunded", round(subtotal + shipping, 2)
            elif x < 0.05 and len(lines) > 1:
                status, refunded = "partially_refunded", lines[-1][3]
        self.order_seq += 1
        o = Order(t, person, touch, self._landing(touch, next(h for n, h, _ in PRODUCTS
                                                               if n == lines[0][0]), b2b),
                  lines, code, discount, shipping, status, refunded, b2b, self.order_seq)
        self.orders.append(o)
        if person.customer is None:
            person.customer = t
            if person.record_id is not None and not person.b2b:
                self.b2c_customers.append(person)
        person.orders += 1
        return o

    def schedule(self, d: date, event: tuple) -> None:
        if d <= self.end:
            self.agenda[d].append(event)

    def first_purchase_now(self, d: date, touch: Touch | None) -> None:
        t = at_time(self.rng, d)
        p = self.new_person(t, touch, crm=self.rng.random() > 0.03)
        # Google does not tag organic results: the shop sees no UTM (last touch = direct)
        order_touch = None if touch and touch.medium == "organic" else touch
        self.place_order(t + timedelta(minutes=self.rng.randrange(2, 25)), p, order_touch)
        self._maybe_repeat(p, d, 0.45)

    def _maybe_repeat(self, p: Person, d: date, prob: float) -> None:
        if self.rng.random() < prob:
            gap = 7 + int(self.rng.expovariate(1 / 50))
            self.schedule(d + timedelta(days=gap), ("repeat", p))

    def signup(self, d: date, touch: Touch | None) -> None:
        p = self.new_person(at_time(self.rng, d), touch)
        if self.rng.random() < 0.22:
            self.schedule(d + timedelta(days=1 + int(self.rng.expovariate(1 / 14))), ("late_first", p))

    def returning_purchase(self, d: date, touch: Touch) -> bool:
        if not self.b2c_customers:
            return False
        p = self.b2c_customers[self.rng.randrange(len(self.b2c_customers))]
        self.place_order(at_time(self.rng, d), p, touch)
        return True

    # -- B2B pipeline --------------------------------------------------------------------------
    def b2b_lead(self, t: datetime, touch: Touch, *, intl: bool, mql_rate: float = 0.55) -> None:
        p = self.new_person(t, touch, b2b=True, intl=intl)
        if self.rng.random() < mql_rate:
            self.schedule(self._workday(t.date() + timedelta(days=self.rng.randint(0, 4))), ("mql", p))

    @staticmethod
    def _workday(d: date) -> date:
        return d + timedelta(days=(7 - d.weekday()) % 7) if d.weekday() >= 5 else d

    def _b2b_time(self, d: date, after: datetime) -> datetime:
        t = at_time(self.rng, d, b2b=True)
        return t if t > after else after + timedelta(minutes=self.rng.randrange(20, 240))
