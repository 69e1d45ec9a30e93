"""What every ``multivector`` command shares: the consoles and the error wrapper."""

from __future__ import annotations

import functools
import sys

import typer
from rich.console import Console

from multivector.errors import MultivectorError

# a pipe or a file gets wide tables (rich would fold them to 80 columns)
console = Console(width=None if sys.stdout.isatty() else 200)
# errors are never hard-wrapped when standard error is not a terminal (a log keeps each
# message on one line, paths unsplit)
err = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


def friendly(fn):
    """Print multivector's own errors as one line on standard error, exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MultivectorError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper
