"""The DuckDB warehouse: DDL for the core and ops tables, the KPI views and their builder."""
