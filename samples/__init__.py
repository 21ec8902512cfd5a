"""Bundled demo exports and the deterministic generator that writes them (`python -m samples`)."""
