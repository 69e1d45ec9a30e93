"""Error messages reach the terminal as written: rich markup in a message is not applied, so
an install hint such as ``pip install 'multivector[web]'`` keeps its brackets."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from multivector.cli.common import friendly
from multivector.core.errors import MultivectorError

app = typer.Typer()


@app.command()
@friendly
def fail(text: str) -> None:
    raise MultivectorError(text)


def test_brackets_in_an_error_message_are_printed_not_read_as_markup():
    res = CliRunner().invoke(app, ["needs its extra: pip install 'multivector[web]' [bold]x"])
    assert res.exit_code == 1
    assert res.stderr.strip() == ("error: needs its extra: pip install 'multivector[web]' "
                                  "[bold]x")
