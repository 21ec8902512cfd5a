"""One source x one window: extract (sources) -> normalise (transforms) -> validate (schemas) -> load (warehouse),
and roi.toml -> Settings. No Prefect here: the flows and `roi ingest` both call it."""
