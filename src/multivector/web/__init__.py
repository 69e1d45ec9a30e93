"""The web observatory: dashboard pages, a JSON API and what-if scenarios (``multivector
serve``). It routes, validates and renders only; every number comes from the same functions
as the CLI and the Python API, on the warehouse opened read-only."""
