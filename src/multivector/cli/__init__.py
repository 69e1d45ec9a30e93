"""The command line (``multivector``): typer commands that parse, validate, call the analysis
and render; one module per command group, :mod:`multivector.cli.common` for output."""

from multivector.cli.main import app

__all__ = ["app"]
