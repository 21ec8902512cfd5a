"""Kind shopify in file mode: the admin's orders export (one row per line item) read as kind orders reads it,
into a real warehouse, with net revenue per channel."""
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

FIXTURE = Path(__file__).parent / "fixtures" / "shopify" / "orders_export.csv"


def test_the_export_reads_as_kind_orders_reads_it():
    raw = read_export(FIXTURE)
    ctx = SourceContext(source="shop", kind="shopify", channels=BUILTIN_CHANNELS)
    got = transform("shopify").normalise(raw, ctx)
    assert got.frame.equals(orders.normalise(raw, ctx).frame)
    assert got.warnings == ["1 line-item rows merged into their orders (one row per order)"]


def test_the_export_loads_with_net_revenue_per_channel(tmp_path, empty_warehouse):
    shutil.copyfile(empty_warehouse, tmp_path / "roi.duckdb")
    (tmp_path / "roi.toml").write_text(f'[warehouse]\npath = "roi.duckdb"\n\n[[sources]]\nname = "shop"\n'
                                       f'kind = "shopify"\npath = "{FIXTURE.as_posix()}"\n', encoding="utf-8")
    settings = load_settings(tmp_path / "roi.toml")
    extracted = extract(settings, settings.source("shop"))
    assert load(settings, extracted, file_window(extracted), "test").status == "succeeded"
    # #2001: 127 − 22 − 5 = 100 by its landing page's UTM; #2002: (61 − 11) × (1 − 30.50 / 61) = 25 by its
    # referrer (Google search); #2003 voided: never paid, 0
    assert query(settings, "SELECT order_id, channel, paid, round(amount_net, 2) FROM stg.orders ORDER BY 1") == [
        ("#2001", "google_ads", True, 100.0), ("#2002", "organic_search", True, 25.0),
        ("#2003", "direct", False, 0.0)]


def test_a_wrong_kind_is_told_the_export_is_shopify_s_but_kind_orders_is_not():
    from roi.sources.registry import file_kinds
    from roi.transforms.detect import wrong_kind_hint
    header = read_export(FIXTURE).header
    assert "use --kind shopify" in wrong_kind_hint(header, "google_ads", file_kinds())
    assert wrong_kind_hint(header, "orders", file_kinds()) is None
    assert wrong_kind_hint(header, "shopify", file_kinds()) is None
