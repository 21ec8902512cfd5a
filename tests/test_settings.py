"""roi.toml and the environment: what is accepted, and the one-line errors for what is not."""
import pytest

from roi.contracts.errors import ConfigError
from roi.pipeline.config import load_settings, read_dotenv


def write(tmp_path, text, files=("exports/g.csv",)):
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("Day,Campaign\n")
    path = tmp_path / "roi.toml"
    path.write_text(text)
    return path


GOOD = """
[warehouse]
path = "wh/roi.duckdb"
reporting_currency = "EUR"
timezone = "Europe/Rome"

[[sources]]
name = "google_ads_it"
kind = "google_ads"
mode = "files"
path = "exports/*.csv"
"""


def test_paths_resolve_against_the_toml_folder(tmp_path):
    s = load_settings(write(tmp_path, GOOD))
    assert s.warehouse_path == tmp_path / "wh" / "roi.duckdb"
    src = s.source("google_ads_it")
    assert src.path == str(tmp_path / "exports/*.csv")
    assert src.lookback_days == 28 and src.mode == "files" and not s.is_demo


@pytest.mark.parametrize("extra, message", [
    ('\n[warehouse2]\n', "unknown key 'warehouse2'"),
    ('\n[[sources]]\nname = "x"\nkind = "myspace_ads"\npath = "exports/*.csv"\n', "unknown kind 'myspace_ads'"),
    ('\n[[sources]]\nname = "x"\nkind = "meta_ads"\npath = "nothing/*.csv"\n', "no file matches path"),
    ('\n[[sources]]\nname = "google_ads_it"\nkind = "meta_ads"\npath = "exports/*.csv"\n', "used twice"),
    ('\n[[sources]]\nname = "x"\nkind = "meta_ads"\npath = "exports/*.csv"\ncolour = 1\n', "unknown key 'colour'"),
])
def test_bad_configuration_is_named(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(write(tmp_path, GOOD + extra))
    assert "\n" not in str(info.value)


def test_bad_timezone_and_currency(tmp_path):
    with pytest.raises(ConfigError, match="not a time zone"):
        load_settings(write(tmp_path, GOOD.replace("Europe/Rome", "Europe/Milano")))
    with pytest.raises(ConfigError, match="3-letter ISO"):
        load_settings(write(tmp_path, GOOD.replace('"EUR"', '"euro"')))


def test_secrets_come_from_env_and_dotenv(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    (tmp_path / ".env").write_text("# comment\nexport ROI_GOOGLE_ADS_IT__DEVELOPER_TOKEN='from-dotenv'\n")
    s = load_settings(path)
    assert s.secret(s.source("google_ads_it"), "DEVELOPER_TOKEN") == "from-dotenv"
    monkeypatch.setenv("ROI_GOOGLE_ADS_IT__DEVELOPER_TOKEN", "from-env")
    s = load_settings(path)
    assert s.secret(s.source("google_ads_it"), "DEVELOPER_TOKEN") == "from-env"


def test_dotenv_syntax_error_names_the_line(tmp_path):
    (tmp_path / ".env").write_text("GOOD=1\nthis line has no equals\n")
    with pytest.raises(ConfigError, match=r"\.env:2"):
        read_dotenv(tmp_path / ".env")


def test_without_roi_toml_the_demo_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(None)
    assert s.is_demo and s.warehouse_path == tmp_path / "data" / "roi.duckdb"
    kinds = {src.kind for src in s.sources}
    from roi.sources.registry import file_kinds
    # the demo covers every file kind but the platforms without a demo slice yet (the demo's Shopify export
    # is read by kind orders, which shopify and woocommerce read exports as)
    assert kinds == set(file_kinds()) - {"snapchat_ads", "reddit_ads", "apple_search_ads", "x_ads",
                                          "shopify", "woocommerce"}


def test_custom_channels_and_rules(tmp_path):
    text = GOOD + '\n[channels]\ncustom = ["events"]\nrules = [{utm_source = "fiera", channel = "events"}]\n'
    s = load_settings(write(tmp_path, text))
    assert "events" in s.channels and s.channel_rules[0].channel == "events"
    with pytest.raises(ConfigError, match="unknown channel 'radio'"):
        load_settings(write(tmp_path, GOOD + '\n[channels]\nrules = [{utm_source = "x", channel = "radio"}]\n'))


def test_wasted_spend_minimum_defaults_to_ten_and_must_be_an_amount(tmp_path):
    assert load_settings(write(tmp_path, GOOD)).wasted_spend_min == 10.0
    s = load_settings(write(tmp_path, GOOD + "\n[kpi]\nwasted_spend_min = 25\n"))
    assert s.wasted_spend_min == 25.0
    assert load_settings(write(tmp_path, GOOD + "\n[kpi]\nwasted_spend_min = 2.5\n"), sources=False).wasted_spend_min == 2.5
    for bad in ('"10 €"', "-1", "true"):
        with pytest.raises(ConfigError, match=r"\[kpi\] wasted_spend_min must be an amount >= 0") as info:
            load_settings(write(tmp_path, GOOD + f"\n[kpi]\nwasted_spend_min = {bad}\n"))
        assert "\n" not in str(info.value)


def test_platform_revenue_names_channels_and_defaults_to_amazon_ads(tmp_path):
    assert load_settings(write(tmp_path, GOOD)).platform_revenue == ("amazon_ads",)
    s = load_settings(write(tmp_path, GOOD + '\n[kpi]\nplatform_revenue = []\n'))
    assert s.platform_revenue == ()
    with pytest.raises(ConfigError, match=r"platform_revenue must be a list of channel names"):
        load_settings(write(tmp_path, GOOD + '\n[kpi]\nplatform_revenue = "amazon_ads"\n'))
