"""Aggregating events into dyad-year counts: one SQL definition, run on DuckDB by default or
on Spark for clusters."""
