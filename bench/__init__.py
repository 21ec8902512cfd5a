"""Benchmarks of roi against DuckDB's own CSV load and peer loaders (dlt, pandas): `python -m bench`."""
