"""roi.toml + environment (and .env) -> Settings (contracts/settings.py); the only module that reads os.environ."""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from roi.contracts.errors import ConfigError
from roi.contracts.settings import DEFAULT_LOOKBACK_DAYS, Engine, Mmm, Settings, SourceConfig, WarehouseTarget

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "samples" / "demo" / "roi.toml"

TOP_KEYS = {"warehouse", "sources", "channels", "kpi", "schedule", "report", "alerts", "engine", "mmm"}
ENGINE_KEYS = {"task_runner", "max_workers", "dask_address", "api_concurrency"}
REPORT_KEYS = {"lang"}
ALERTS_KEYS = {"k", "webhook_url", "smtp_host", "smtp_port", "smtp_from", "smtp_to", "smtp_user", "smtp_security",
               "prefect_block", "min_severity", "since_days"}
WAREHOUSE_KEYS = {"path", "reporting_currency", "timezone", "lock_timeout_seconds", "archive_raw",
                  "backend", "catalog", "data_path"}
KPI_KEYS = {"attribution", "pacing_tolerance", "wasted_spend_min", "revenue", "cac_trailing_days", "headline_revenue",
            "platform_revenue"}
SCHEDULE_KEYS = {"cron", "timezone"}
MMM_KEYS = {"outcome", "channels", "media_costs", "country", "holidays", "controls", "max_change", "cron"}
CHANNELS_KEYS = {"custom", "rules"}
# Keys every source takes; each kind's modules add their own options (module constant OPTIONS).
SOURCE_KEYS = {
    "name", "kind", "mode", "path", "lookback_days", "strict_totals", "currency", "columns",
    "account_ids", "api_version", "base_url", "token_url",
}
# Options the shared readers understand for every file kind.
COMMON_OPTIONS = {"date_order", "decimal", "channel", "channel_aliases"}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def find_config(config: str | Path | None) -> tuple[Path, bool]:
    """The toml to use: --config, else roi.toml in the current folder or the nearest parent (as git
    finds .git), else the bundled demo (is_demo=True)."""
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file — run `roi init` to write a starter roi.toml")
        return path, path.resolve() == DEMO_CONFIG
    for folder in (Path("."), *Path.cwd().parents):   # here, then each parent up to the filesystem root
        found = folder / "roi.toml"
        if found.is_file():
            return found, found.resolve() == DEMO_CONFIG
    return DEMO_CONFIG, True


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blank lines, `export` and quotes allowed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(config: str | Path | None = None, *, check_secrets: bool = True,
                  sources: bool = True) -> Settings:
    """roi.toml -> Settings. sources=False reads only what readers need (warehouse, kpi), without
    importing any source or transform module: the read-only commands start fast."""
    path, is_demo = find_config(config)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}) — fix the line it names") from None
    base_dir = path.resolve().parent
    where = "the bundled demo configuration" if is_demo else str(path)
    _unknown(data, TOP_KEYS, where, "top level")

    wh = _table(data, "warehouse", where)
    _unknown(wh, WAREHOUSE_KEYS, where, "[warehouse]")
    kpi = _table(data, "kpi", where)
    _unknown(kpi, KPI_KEYS, where, "[kpi]")
    schedule = _table(data, "schedule", where)
    _unknown(schedule, SCHEDULE_KEYS, where, "[schedule]")
    channels = _table(data, "channels", where)
    _unknown(channels, CHANNELS_KEYS, where, "[channels]")

    wh_path = Path(wh.get("path", "data/roi.duckdb"))
    if not wh_path.is_absolute():
        # The demo writes into the current folder; a user's config is relative to its own folder.
        wh_path = (Path.cwd() if is_demo else base_dir) / wh_path
    lake = _lake(wh, base_dir, where)
    currency = str(wh.get("reporting_currency", "EUR")).upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ConfigError(f"{where}: [warehouse] reporting_currency '{currency}' is not a 3-letter ISO code like EUR")
    timezone = _timezone(wh.get("timezone", "Europe/Rome"), where, "[warehouse] timezone")
    attribution = kpi.get("attribution", "last_touch")
    if attribution not in ("last_touch", "first_touch"):
        raise ConfigError(f"{where}: [kpi] attribution must be \"last_touch\" or \"first_touch\", not '{attribution}'")
    wasted_spend_min = kpi.get("wasted_spend_min", 10.0)
    if isinstance(wasted_spend_min, bool) or not isinstance(wasted_spend_min, (int, float)) or wasted_spend_min < 0:
        raise ConfigError(f"{where}: [kpi] wasted_spend_min must be an amount >= 0 in the reporting currency, "
                          "like 10 (a search term spending more without converting is listed as wasted)")
    revenue = kpi.get("revenue", "net")
    if revenue not in ("net", "gross"):
        raise ConfigError(f"{where}: [kpi] revenue must be \"net\" (without tax, shipping, refunds and unpaid "
                          f"orders) or \"gross\", not '{revenue}'")
    cac_trailing_days = kpi.get("cac_trailing_days", 90)
    if isinstance(cac_trailing_days, bool) or not isinstance(cac_trailing_days, int) or cac_trailing_days < 1:
        raise ConfigError(f"{where}: [kpi] cac_trailing_days must be a whole number of days >= 1, like 90")
    headline_revenue = kpi.get("headline_revenue", "cost_channels")
    if headline_revenue not in ("cost_channels", "all"):
        raise ConfigError(f"{where}: [kpi] headline_revenue must be \"cost_channels\" (the headline ROI counts "
                          f"revenue of channels that carry cost) or \"all\", not '{headline_revenue}'")
    platform_revenue = kpi.get("platform_revenue", ["amazon_ads"])
    if not isinstance(platform_revenue, list) or not all(
            isinstance(c, str) and re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in platform_revenue):
        raise ConfigError(f"{where}: [kpi] platform_revenue must be a list of channel names like [\"amazon_ads\"] "
                          "(channels whose sales happen on the platform), or [] for none")
    kpi_choices = {"revenue": revenue, "cac_trailing_days": cac_trailing_days, "headline_revenue": headline_revenue,
                   "platform_revenue": tuple(platform_revenue)}

    report = _table(data, "report", where)
    _unknown(report, REPORT_KEYS, where, "[report]")
    report_lang = str(report.get("lang", "it"))
    if report_lang not in ("it", "en"):
        raise ConfigError(f"{where}: [report] lang must be \"it\" or \"en\", not '{report_lang}'")
    alerts_cfg = _table(data, "alerts", where)
    _unknown(alerts_cfg, ALERTS_KEYS, where, "[alerts]")
    alert_k = alerts_cfg.get("k", 3.5)
    if isinstance(alert_k, bool) or not isinstance(alert_k, (int, float)) or alert_k <= 0:
        raise ConfigError(f"{where}: [alerts] k must be a positive number like 3.5 (robust standard deviations)")
    alerts = {key: value for key, value in alerts_cfg.items() if key != "k"}

    if not sources:
        return Settings(config_path=path, base_dir=base_dir, warehouse_path=wh_path,
                        reporting_currency=currency, timezone=timezone, attribution=attribution,
                        is_demo=is_demo, report_lang=report_lang, alert_k=float(alert_k),
                        wasted_spend_min=float(wasted_spend_min), lake=lake, **kpi_choices)

    from roi.transforms.channels import BUILTIN_CHANNELS, parse_rules
    custom = tuple(str(c).strip().lower() for c in channels.get("custom", []))
    for c in custom:
        if not NAME_PATTERN.match(c):
            raise ConfigError(f"{where}: [channels] custom '{c}' must be lower_case letters, digits and _")
    try:
        rules = parse_rules(channels.get("rules", []))
    except ValueError as exc:
        raise ConfigError(f"{where}: [[channels.rules]] {exc}") from None
    known = set(BUILTIN_CHANNELS) | set(custom)
    for rule in rules:
        if rule.channel not in known:
            raise ConfigError(f"{where}: [[channels.rules]] sends to unknown channel '{rule.channel}' — "
                              "declare it in [channels] custom")

    env = read_dotenv(base_dir / ".env")
    env.update({k: v for k, v in os.environ.items() if k.startswith("ROI_")})
    for key in ("webhook_url", "smtp_password"):    # secrets: the environment / .env (a Slack URL is one too)
        if env.get(f"ROI_ALERTS__{key.upper()}"):
            alerts[key] = env[f"ROI_ALERTS__{key.upper()}"]

    sources = tuple(_source(raw, i, base_dir, where) for i, raw in enumerate(data.get("sources", []), 1))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: source name '{dupes[0]}' is used twice — every [[sources]] name must be unique")
    _check_paths(sources, base_dir, where)
    engine = _engine(_table(data, "engine", where), where)
    mmm = _mmm(_table(data, "mmm", where), base_dir, where)

    settings = Settings(
        config_path=path, base_dir=base_dir, warehouse_path=wh_path,
        reporting_currency=currency, timezone=timezone,
        lock_timeout_seconds=float(wh.get("lock_timeout_seconds", 600)),
        archive_raw=bool(wh.get("archive_raw", True)),
        attribution=attribution, pacing_tolerance=float(kpi.get("pacing_tolerance", 0.10)),
        wasted_spend_min=float(wasted_spend_min), **kpi_choices,
        cron=str(schedule.get("cron", "0 4 * * *")),
        schedule_timezone=_timezone(schedule.get("timezone", timezone), where, "[schedule] timezone"),
        custom_channels=custom, channel_rules=rules, sources=sources, env=env, is_demo=is_demo,
        report_lang=report_lang, alert_k=float(alert_k), alerts=alerts, engine=engine, lake=lake,
        mmm=mmm,
    )
    if check_secrets:
        from roi.sources.registry import client
        for s in sources:
            if s.mode != "api":
                continue
            module = client(s.kind)
            # tuple of names, or of alternatives (tuples); a kind over several platforms (leads and orders:
            # one per crm) names the source's own with required_secrets(source)
            needed = module.required_secrets(s) if hasattr(module, "required_secrets") else module.SECRETS
            missing = [k if isinstance(k, str) else k[0] for k in needed
                       if not any(settings.secret(s, a) for a in ((k,) if isinstance(k, str) else k))]
            if missing:
                raise ConfigError(
                    f"{where}: source '{s.name}' needs the secret {s.secret_prefix}{missing[0]} in the "
                    "environment or in .env beside roi.toml")
    return settings


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def _unknown(section: dict, allowed: set[str], where: str, label: str) -> None:
    for key in section:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise ConfigError(f"{where}: unknown key '{key}' in {label} (known: {hint})")


def _engine(raw: dict, where: str) -> Engine:
    """[engine]: task_runner = "threads" (max_workers) or "dask" (dask_address), api_concurrency per kind."""
    _unknown(raw, ENGINE_KEYS, where, "[engine]")
    runner = raw.get("task_runner", "threads")
    if runner not in ("threads", "dask"):
        raise ConfigError(f"{where}: [engine] task_runner must be \"threads\" or \"dask\", not {runner!r}")
    workers = raw.get("max_workers", Engine.max_workers)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"{where}: [engine] max_workers must be a whole number >= 1, like 8 (tasks at once)")
    address = raw.get("dask_address")
    if runner == "dask":
        if not isinstance(address, str) or not re.fullmatch(r"(tcp|tls)://[^\s/:]+:\d+", address):
            raise ConfigError(f"{where}: [engine] task_runner = \"dask\" needs dask_address = \"tcp://host:8786\" "
                              "(the address `dask scheduler` prints)")
        import importlib.util
        if importlib.util.find_spec("prefect_dask") is None:
            raise ConfigError(f"{where}: [engine] task_runner = \"dask\" needs prefect-dask: install it with "
                              "`pip install 'roi[dask]'`, or set task_runner = \"threads\"")
    elif address is not None:
        raise ConfigError(f"{where}: [engine] dask_address is read with task_runner = \"dask\" only — "
                          "set task_runner = \"dask\" or remove dask_address")
    limits = raw.get("api_concurrency", {})
    if not isinstance(limits, dict):
        raise ConfigError(f"{where}: [engine] api_concurrency must be a table like {{ google_ads = 2, meta_ads = 4 }}")
    from roi.sources.registry import api_kinds
    for kind, limit in limits.items():
        if kind not in api_kinds():
            raise ConfigError(f"{where}: [engine] api_concurrency names unknown API kind '{kind}' "
                              f"(kinds: {', '.join(sorted(api_kinds()))})")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigError(f"{where}: [engine] api_concurrency {kind} = {limit!r}: give a whole number >= 1 "
                              "(pulls of that platform at once)")
    return Engine(task_runner=runner, max_workers=workers, dask_address=address,
                  api_concurrency={str(k): int(v) for k, v in limits.items()})


def _mmm(raw: dict, base_dir: Path, where: str) -> Mmm:
    """[mmm]: the media-mix model's outcome, channels, calendar, controls, plan limits and monthly schedule."""
    _unknown(raw, MMM_KEYS, where, "[mmm]")
    outcome = raw.get("outcome", "revenue")
    if outcome not in ("revenue", "orders", "leads"):
        raise ConfigError(f"{where}: [mmm] outcome must be \"revenue\", \"orders\" or \"leads\", not {outcome!r}")
    names = {}
    for key in ("channels", "media_costs"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}: [mmm] {key} must be a list of channel names like [\"google_ads\", \"meta_ads\"]")
        names[key] = tuple(value)
    days = raw.get("holidays", [])
    if not isinstance(days, list) or not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in days):
        raise ConfigError(f"{where}: [mmm] holidays must be a list of dates written without quotes, like "
                          "[2026-06-02, 2026-12-26]")
    change = raw.get("max_change", 0.30)
    if not isinstance(change, (int, float)) or isinstance(change, bool) or not 0 <= change <= 1:
        raise ConfigError(f"{where}: [mmm] max_change must be a share between 0 and 1, like 0.3 (±30 %)")
    controls = raw.get("controls")
    if controls is not None:
        controls = Path(controls) if Path(controls).is_absolute() else base_dir / controls
        if not controls.is_file():
            raise ConfigError(f"{where}: [mmm] controls file {controls} does not exist")
    return Mmm(outcome=outcome, channels=names["channels"], media_costs=names["media_costs"],
               country=str(raw.get("country", "IT")).upper(), holidays=tuple(days), controls=controls,
               max_change=float(change), cron=str(raw.get("cron", "0 6 1 * *")))


def _lake(wh: dict, base_dir: Path, where: str) -> WarehouseTarget | None:
    """[warehouse] backend = "ducklake" with its catalog and data_path; None for the default one-file backend."""
    backend = wh.get("backend", "duckdb")
    if backend not in ("duckdb", "ducklake"):
        raise ConfigError(f"{where}: [warehouse] backend must be \"duckdb\" (one file, `path`) or \"ducklake\" "
                          f"(catalog + data_path, many writers), not {backend!r}")
    if backend == "duckdb":
        extra = [k for k in ("catalog", "data_path") if k in wh]
        if extra:
            raise ConfigError(f"{where}: [warehouse] {extra[0]} is read with backend = \"ducklake\" only — "
                              "set backend = \"ducklake\" or remove it")
        return None
    catalog = wh.get("catalog")
    if not isinstance(catalog, str) or not catalog.startswith(("postgres:", "sqlite:")):
        raise ConfigError(f"{where}: [warehouse] backend = \"ducklake\" needs catalog = \"postgres:dbname=roi "
                          "host=… user=…\" or \"sqlite:/path/catalog.sqlite\"")
    if catalog.startswith("postgres:") and re.search(r"(^|\s|:)password\s*=", catalog):
        raise ConfigError(f"{where}: [warehouse] catalog holds a password — remove it from roi.toml and give it "
                          "in the environment as PGPASSWORD (or in ~/.pgpass)")
    if catalog.startswith("sqlite:"):
        file = Path(catalog[len("sqlite:"):])
        catalog = f"sqlite:{file if file.is_absolute() else base_dir / file}"
    data_path = wh.get("data_path")
    if not isinstance(data_path, str) or not data_path.strip():
        raise ConfigError(f"{where}: [warehouse] backend = \"ducklake\" needs data_path = \"/srv/roi/lake/\" "
                          "(a folder, or an s3:// URL) where the Parquet files go")
    if "://" not in data_path and not Path(data_path).is_absolute():
        data_path = str(base_dir / data_path)
    if "://" not in data_path and not data_path.endswith("/"):
        data_path += "/"
    return WarehouseTarget(backend="ducklake", catalog=catalog, data_path=data_path)


def _timezone(name: str, where: str, label: str) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: {label} '{name}' is not a time zone like Europe/Rome") from None
    return str(name)


def _source(raw: dict, index: int, base_dir: Path, where: str) -> SourceConfig:
    label = f"[[sources]] #{index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {label} must be a table")
    name = raw.get("name")
    if not name or not NAME_PATTERN.match(str(name)):
        raise ConfigError(f"{where}: {label} needs a name of lower_case letters, digits and _ (got {name!r})")
    label = f"source '{name}'"
    kind = raw.get("kind")
    from roi.sources.registry import api_kinds, client, file_kinds, transform
    known = sorted(file_kinds() | api_kinds())
    if kind not in known:
        raise ConfigError(f"{where}: {label} has unknown kind {kind!r} (kinds: {', '.join(known)})")
    options = set(COMMON_OPTIONS)
    for kinds, module in ((file_kinds(), transform), (api_kinds(), client)):
        if kind in kinds:
            options |= set(getattr(module(kind), "OPTIONS", ()))
    _unknown(raw, SOURCE_KEYS | options, where, label)
    mode = raw.get("mode", "files")
    if mode not in ("files", "api"):
        raise ConfigError(f"{where}: {label} mode must be \"files\" or \"api\", not {mode!r}")
    if mode == "files" and kind not in file_kinds():
        raise ConfigError(f"{where}: {label}: kind {kind} reads from its API only — set mode = \"api\"")
    if mode == "api" and kind not in api_kinds():
        raise ConfigError(f"{where}: {label}: the {kind} API client is not available in this version — "
                          "set mode = \"files\" and point path at its exports")
    if mode == "api" and getattr(client(kind), "NEEDS_ACCOUNTS", False) and not raw.get("account_ids"):
        raise ConfigError(f"{where}: {label} needs account_ids = [\"…\"] (the {kind} account ids to pull)")
    path = raw.get("path")
    if mode == "files":
        if not path:
            raise ConfigError(f"{where}: {label} needs path = \"exports/…/*.csv\" (mode = \"files\")")
        path = str(path if Path(path).is_absolute() else base_dir / path)
    lookback = raw.get("lookback_days", DEFAULT_LOOKBACK_DAYS)
    if not isinstance(lookback, int) or lookback < 0:
        raise ConfigError(f"{where}: {label} lookback_days must be a whole number of days ≥ 0")
    currency = raw.get("currency")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", str(currency)):
        raise ConfigError(f"{where}: {label} currency '{currency}' is not a 3-letter ISO code like EUR")
    columns = raw.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(f"{where}: {label} columns must be a table like {{ order_id = \"Order number\" }}")
    return SourceConfig(
        name=name, kind=kind, mode=mode, path=path, lookback_days=lookback,
        strict_totals=bool(raw.get("strict_totals", False)), currency=currency,
        columns={str(k): str(v) for k, v in columns.items()},
        account_ids=tuple(str(a) for a in raw.get("account_ids", [])),
        api_version=raw.get("api_version"), base_url=raw.get("base_url"), token_url=raw.get("token_url"),
        options={k: raw[k] for k in options if k in raw},
    )


def _check_paths(sources: tuple[SourceConfig, ...], base_dir: Path, where: str) -> None:
    """Every files-mode source's path matches a file; all the ones that do not are named at once
    (a starter roi.toml has several example paths to point at real exports)."""
    missing = [s for s in sources if s.mode == "files" and not _glob(s.path or "")]

    def shown(path: str) -> str:   # as written in roi.toml where it is under the toml's folder
        return str(Path(path).relative_to(base_dir)) if Path(path).is_relative_to(base_dir) else path
    if len(missing) == 1:
        raise ConfigError(f"{where}: source '{missing[0].name}': no file matches path {shown(missing[0].path)} — "
                          "check the folder and pattern")
    if missing:
        listed = "; ".join(f"{s.name}: {shown(s.path)}" for s in missing)
        raise ConfigError(f"{where}: no file matches the path of {len(missing)} sources ({listed}) — check each "
                          "folder and pattern, or remove the [[sources]] you do not use")


def _glob(pattern: str) -> list[Path]:
    p = Path(pattern)
    if p.is_file():
        return [p]
    anchor = Path(p.anchor)
    return sorted(x for x in anchor.glob(str(p.relative_to(anchor))) if x.is_file())


def source_files(source: SourceConfig) -> list[Path]:
    """The export files a files-mode source reads, oldest first (a later export supersedes)."""
    files = _glob(source.path or "")
    return sorted(files, key=lambda f: (f.stat().st_mtime, f.name))


def prefect_defaults(debug: bool = False) -> None:
    """Environment Prefect reads at import: no telemetry, quiet logs unless --debug."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if debug else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "INFO" if debug else "WARNING")


def prefect_api_url() -> str | None:
    return os.environ.get("PREFECT_API_URL") or None
