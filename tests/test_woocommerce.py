"""Kind woocommerce in file mode: an order export with the order attribution meta columns read as kind orders
reads it, into a real warehouse, with net revenue per channel."""
import shutil
from pathlib import Path

from roi.pipeline.config import load_settings
from roi.pipeline.ingest import extract, file_window, load
from roi.sources.files import read_export
from roi.sources.registry import transform
from roi.transforms import orders
from roi.transforms.channels import BUILTIN_CHANNELS
from roi.transforms.context import SourceContext
from tests.fakeapi import query

FIXTURE = Path(__file__).parent / "fixtures" / "woocommerce" / "orders_export.csv"


def test_the_export_reads_as_kind_orders_reads_it():
    raw = read_export(FIXTURE)
    ctx = SourceContext(source="negozio", kind="woocommerce", channels=BUILTIN_CHANNELS)
    assert transform("woocommerce").normalise(raw, ctx).frame.equals(orders.normalise(raw, ctx).frame)


def test_the_export_loads_with_net_revenue_per_channel(tmp_path, empty_warehouse):
    shutil.copyfile(empty_warehouse, tmp_path / "roi.duckdb")
    (tmp_path / "roi.toml").write_text(f'[warehouse]\npath = "roi.duckdb"\n\n[[sources]]\nname = "negozio"\n'
                                       f'kind = "woocommerce"\npath = "{FIXTURE.as_posix()}"\n', encoding="utf-8")
    settings = load_settings(tmp_path / "roi.toml")
    extracted = extract(settings, settings.source("negozio"))
    assert load(settings, extracted, file_window(extracted), "test").status == "succeeded"
    # 3001: Order Tax 20.90 + shipping tax 1.10 = 22; 127 − 22 − 5 = 100. 3002: refund written −30.50:
    # (61 − 11) × ½ = 25. 3003 on hold: 0. 3004 cancelled: quarantined.
    assert query(settings, "SELECT order_id, customer_id, channel, paid, round(amount_net, 2) FROM stg.orders "
                           "ORDER BY 1") == [
        ("3001", "ospite@example.it", "google_ads", True, 100.0),
        ("3002", "cliente17@example.it", "organic_search", True, 25.0),
        ("3003", "c18@example.it", "direct", False, 0.0)]
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [
        ("order_status: 'wc-cancelled' orders are not revenue",)]


def test_a_wrong_kind_is_told_the_export_is_woocommerce_s_but_kind_orders_is_not():
    from roi.sources.registry import file_kinds
    from roi.transforms.detect import wrong_kind_hint
    header = read_export(FIXTURE).header
    assert "use --kind woocommerce" in wrong_kind_hint(header, "meta_ads", file_kinds())
    assert wrong_kind_hint(header, "orders", file_kinds()) is None
