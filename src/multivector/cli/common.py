"""What every ``multivector`` command shares: the consoles, the error wrapper and the atomic
writer of ``--out`` files."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from multivector.core import atomic as core_atomic
from multivector.core import validate
from multivector.core.errors import MultivectorError, OptionError

# a pipe or a file gets wide tables (rich would fold them to 80 columns)
console = Console(width=None if sys.stdout.isatty() else 200)
# errors are never hard-wrapped when standard error is not a terminal (a log keeps each
# message on one line, paths unsplit)
err = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


def friendly(fn):
    """Print multivector's own errors as one line on standard error, exit 1.

    A command's ``out`` path (``--out``) is checked before the command computes anything, so a
    path that cannot be written fails at once rather than after the work.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            if isinstance(kwargs.get("out"), Path):
                validate.output_path(kwargs["out"])
            return fn(*args, **kwargs)
        except MultivectorError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write an output file all at once or not at all
    (:func:`multivector.core.atomic.atomic_write`).

    Raises
    ------
    OptionError
        ``cannot write <path>: <reason>``.
    """
    core_atomic.atomic_write(path, write, lambda p, exc: OptionError(
        f"cannot write {str(p)!r}: {exc.strerror or exc}"))


def _cell(v: object) -> str:
    """A table cell: large numbers with thousands separators, others to 4 significant digits."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        if abs(v) >= 10_000:
            return f"{v:,.0f}"
        return f"{v:.4g}"
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10_000:
        return f"{v:,d}"
    return str(v)


Format = StrEnum("Format", {v: v for v in ("table", "csv", "json", "parquet")})


def emit(frame: pd.DataFrame, fmt: Format, out: Path | None, title: str = "",
         caption: str = "") -> None:
    """Write a frame in the chosen format to ``out`` or standard output (a table: with its
    ``title`` above and its ``caption``, what the columns mean, below)."""
    if fmt is Format.parquet:
        if out is None:
            raise MultivectorError("--format parquet needs --out FILE")
        atomic_write(out, lambda tmp: frame.to_parquet(tmp, index=False))
        err.print(f"wrote {len(frame)} rows to {escape(str(out))}")
        return
    if fmt is Format.csv:
        text = frame.to_csv(index=False)
    elif fmt is Format.json:
        text = frame.to_json(orient="records", indent=1, date_format="iso")
    else:
        if out is not None:
            text = frame.to_string(index=False)
        else:
            table = Table(title=title or None, caption=caption or None,
                          caption_justify="left", show_lines=False)
            for col in frame.columns:
                table.add_column(str(col), justify="right" if pd.api.types.is_numeric_dtype(
                    frame[col]) else "left")
            for row in frame.itertuples(index=False):
                table.add_row(*[_cell(v) for v in row])
            console.print(table)
            return
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        err.print(f"wrote {len(frame)} rows to {escape(str(out))}")
