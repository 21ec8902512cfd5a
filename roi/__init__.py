"""roi: marketing ROI from ad-platform, email and CRM exports in one DuckDB warehouse.

Every module lives under this one import name; the repository keeps one folder per layer, mapped here by
pyproject.toml ([tool.setuptools.package-dir]). From the bottom up (a layer imports only from layers below):

    roi.contracts   errors, settings types, the raw-table type: what every layer shares
    roi.schemas     one pandera model per canonical table, and the split of valid from quarantined rows
    roi.transforms  pure polars: each export kind or API response -> canonical rows
    roi.warehouse   DuckDB: DDL, the SQL views, connections, the transactional load
    roi.sources     where rows come from: export files and API clients (which call their transforms)
    roi.pipeline    one source x one window: extract -> normalise -> validate -> load; roi.toml -> Settings
    roi.mmm         the media-mix model: weekly data from the warehouse, fits and budget plans back into it
    roi.flows       Prefect flows (nightly, backfill) and their deployments
    roi.cli         the `roi` command line and what its read-only commands print
    roi.outputs     the HTML report, exports and alerts: they read the warehouse only
    roi.samples     the demo generator and the bundled demo exports (package data)
"""
