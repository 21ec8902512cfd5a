"""The demo's files, one module per source kind (named as the kind, with `write(sim, out) -> [paths]`), each
writing the bytes that tool's export has; files.py and formats.py hold what they share, demo_config.py the
roi.toml."""
