"""The roi command line and the Prefect flows (nightly, backfill) that drive one window load per source."""
