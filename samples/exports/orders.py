"""Shopify: the orders export, one row per line item."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from roi.samples.exports.files import write_table
from roi.samples.simulation import Simulation

ROME = ZoneInfo("Europe/Rome")


def _shop_time(t: datetime) -> str:
    return t.replace(tzinfo=ROME).strftime("%Y-%m-%d %H:%M:%S %z")


def write(sim: Simulation, out: Path) -> list[Path]:
    """Shopify orders export: one row per line item, order fields on the first row only."""
    header = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Accepts Marketing",
              "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount",
              "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
              "Billing City", "Refunded Amount", "Landing Site", "Id"]
    ordered = sorted(sim.orders, key=lambda o: (o.created, o.seq))
    body = []
    for number, o in reversed(list(enumerate(ordered, 1001))):
        created = _shop_time(o.created)
        paid = "" if o.status == "pending" else _shop_time(o.created + timedelta(seconds=7))
        fulfilled = "unfulfilled" if (sim.end - o.created.date()).days < 2 else "fulfilled"
        taxes = round(o.total - o.total / 1.22, 2)
        for i, (name, sku, qty, price) in enumerate(o.lines):
            if i == 0:
                body.append([f"#{number}", o.person.email, o.status, paid, fulfilled,
                             "yes" if o.person.record_id else "no", "EUR", f"{o.subtotal:.2f}",
                             f"{o.shipping:.2f}", f"{taxes:.2f}", f"{o.total:.2f}", o.discount_code,
                             f"{o.discount:.2f}", created, qty, name, f"{price:.2f}", sku, o.person.city,
                             f"{o.refunded:.2f}", o.landing, 5_900_000_000_000 + number * 7])
            else:
                body.append([f"#{number}", o.person.email, "", "", "", "", "", "", "", "", "", "", "",
                             created, qty, name, f"{price:.2f}", sku, "", "", "", ""])
    path = out / "orders" / "shopify_orders_export.csv"
    return [write_table(path, [header] + body)]
