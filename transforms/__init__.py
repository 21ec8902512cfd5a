"""Pure polars functions that turn what a source read into the canonical tables (no I/O)."""
