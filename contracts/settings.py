"""The settings every layer reads: one source's configuration and the whole roi.toml, as frozen dataclasses.
pipeline/config.py builds them from roi.toml and the environment; nothing here reads a file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from roi.contracts.errors import ConfigError

DEFAULT_LOOKBACK_DAYS = 28
# The channels roi knows without configuration ([channels] custom adds yours).
BUILTIN_CHANNELS = (
    "google_ads", "meta_ads", "linkedin_ads", "microsoft_ads", "tiktok_ads", "pinterest_ads", "snapchat_ads",
    "reddit_ads", "amazon_ads", "apple_search_ads", "x_ads", "email",
    "organic_search", "organic_social", "referral", "direct", "other",
)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    mode: str = "files"
    path: str | None = None            # glob, absolute (resolved against the toml's folder)
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    strict_totals: bool = False
    currency: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    account_ids: tuple[str, ...] = ()
    account: str | None = None         # set on one account of a source the flows load account by account
    api_version: str | None = None
    base_url: str | None = None
    token_url: str | None = None
    options: dict = field(default_factory=dict)

    @property
    def secret_prefix(self) -> str:
        return f"ROI_{self.name.upper()}__"


@dataclass(frozen=True)
class Engine:
    """[engine]: where the flows' tasks run — threads of the flow's process, or a Dask cluster's workers —
    and how many API pulls of each platform may run at once across all of them."""
    task_runner: str = "threads"                            # threads | dask
    max_workers: int = 8                                    # threads: tasks at once in the flow's process
    dask_address: str | None = None                         # dask: the scheduler, tcp://host:8786
    api_concurrency: dict[str, int] = field(default_factory=dict)   # kind -> pulls at once (Prefect limit)

    def limit_name(self, kind: str) -> str:
        """The Prefect global concurrency limit that holds `kind`'s pulls to api_concurrency[kind]."""
        return f"roi-api-{kind}"


@dataclass(frozen=True)
class Mmm:
    """[mmm]: what `roi mmm` fits and `roi plan` moves. Empty channels: every paid channel with spend."""
    outcome: str = "revenue"                                # revenue (net, as [kpi] revenue says) | orders | leads
    channels: tuple[str, ...] = ()                          # the channels to model; () = all with media spend
    media_costs: tuple[str, ...] = ()                       # channels whose costs lines count as media (events …)
    country: str = "IT"                                     # the holiday calendar (mmm/holidays.py)
    holidays: tuple = ()                                    # your own days (dates), one event
    controls: Path | None = None                            # a CSV of weekly control variables (date + numbers)
    max_change: float = 0.30                                # roi plan: no channel moved more than this by default
    cron: str = "0 6 1 * *"                                 # the monthly fit's deployment (roi deploy / serve)


@dataclass(frozen=True)
class WarehouseTarget:
    """[warehouse] backend: where the tables live — one DuckDB file (backend "duckdb", `path`), or a DuckLake:
    a catalog database (PostgreSQL or SQLite) and a folder or object-store URL for its Parquet files, which
    many roi processes load at once. A PostgreSQL password comes from libpq's PGPASSWORD or ~/.pgpass."""
    backend: str = "duckdb"                 # duckdb | ducklake
    path: Path | None = None                # duckdb: the warehouse file
    catalog: str | None = None              # ducklake: "postgres:<libpq conninfo>" or "sqlite:<path>"
    data_path: str | None = None            # ducklake: where the Parquet files go (a folder, s3://…)

    @property
    def is_lake(self) -> bool:
        return self.backend == "ducklake"

    @property
    def label(self) -> str:
        """How messages name the warehouse: its file, or the DuckLake catalog (never a password)."""
        return f"DuckLake {self.catalog}" if self.is_lake else str(self.path)


@dataclass(frozen=True)
class Settings:
    config_path: Path | None
    base_dir: Path
    warehouse_path: Path                                    # the duckdb backend's file; its folder holds raw/
    reporting_currency: str = "EUR"
    timezone: str = "Europe/Rome"
    lock_timeout_seconds: float = 600.0
    archive_raw: bool = True
    attribution: str = "last_touch"
    pacing_tolerance: float = 0.10
    wasted_spend_min: float = 10.0                          # [kpi]: marts.search_terms_wasted, reporting currency
    revenue: str = "net"                                    # [kpi] revenue: net (no tax, shipping, refunds, unpaid) | gross
    cac_trailing_days: int = 90                             # [kpi]: marts.ltv_cac trailing-window CAC
    headline_revenue: str = "cost_channels"                 # [kpi]: headline ROI/ROAS on cost_channels | all
    platform_revenue: tuple[str, ...] = ("amazon_ads",)   # [kpi]: channels whose revenue is the platform's value
    cron: str = "0 4 * * *"
    schedule_timezone: str = "Europe/Rome"
    custom_channels: tuple[str, ...] = ()
    channel_rules: tuple = ()
    sources: tuple[SourceConfig, ...] = ()
    env: dict[str, str] = field(default_factory=dict, repr=False)
    is_demo: bool = False
    report_lang: str = "it"                                 # [report] lang: it | en
    alert_k: float = 3.5                                    # [alerts] k, written to ops.settings 'alert_k'
    alerts: dict = field(default_factory=dict, repr=False)  # [alerts] notifiers, for roi.outputs.alerts.notify
    engine: Engine = field(default_factory=Engine)         # [engine]: threads or a Dask cluster, API limits
    mmm: Mmm = field(default_factory=Mmm)                   # [mmm]: the media-mix model and the budget plan
    lake: WarehouseTarget | None = None                     # [warehouse] backend = "ducklake"; None: the file

    @property
    def warehouse(self) -> WarehouseTarget:
        """The warehouse every connection opens (roi.warehouse.db.connect): the DuckLake, or the file."""
        return self.lake or WarehouseTarget(backend="duckdb", path=self.warehouse_path)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named '{name}' in {self.config_label} (sources: {known})")

    @property
    def config_label(self) -> str:
        return "the bundled demo configuration" if self.is_demo else str(self.config_path or "roi.toml")

    @property
    def raw_dir(self) -> Path:
        return self.warehouse_path.parent / "raw"

    def secret(self, source: SourceConfig, key: str) -> str | None:
        return self.env.get(source.secret_prefix + key) or None

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(BUILTIN_CHANNELS + self.custom_channels))
