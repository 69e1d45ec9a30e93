"""The command line (``multivector``): typer commands that parse, validate, call the analysis
and render; one module per command group (:mod:`multivector.cli.root` assembles them),
:mod:`multivector.cli.params` for the parameters they share, :mod:`multivector.cli.common` for
output."""

from multivector.cli.root import app

__all__ = ["app"]
