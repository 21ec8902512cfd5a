"""Prefect flows (nightly, backfill) and their deployments; thin: each step is a pipeline function."""
