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


def test_events_output_is_written_through_the_atomic_writer(tmp_path):
    """``events code --out`` writes like every other command: all at once, or a clear error
    naming the path, never a traceback or a half-written file."""
    import pandas as pd
    import pytest

    from multivector.cli.events import Fmt, emit
    from multivector.core.errors import OptionError

    frame = pd.DataFrame({"id": ["a"], "event_type": ["CONSULT"]})
    emit(frame, Fmt.csv, tmp_path / "ok.csv", "events")
    assert (tmp_path / "ok.csv").read_text() == "id,event_type\na,CONSULT\n"
    (tmp_path / "afile").write_text("not a folder")
    with pytest.raises(OptionError, match="cannot write .*afile/x.csv"):
        emit(frame, Fmt.csv, tmp_path / "afile" / "x.csv", "events")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "ok.csv"]
