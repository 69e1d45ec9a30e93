"""``multivector serve``: the web observatory (FastAPI on uvicorn, :mod:`multivector.web`).

Its ``commands`` are merged into the root app (:mod:`multivector.cli.root`). uvicorn, of the
``web`` extra, is imported when the command runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from multivector.analysis import ingest
from multivector.cli.common import err, friendly
from multivector.core.errors import MultivectorError

commands = typer.Typer()


@commands.command("serve")
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the dashboard, the JSON API (/api/, schema at /api/openapi.json) and what-if
    scenarios on the warehouse, opened read-only."""
    if not 1 <= port <= 65535:
        raise MultivectorError(f"--port must lie within 1-65535, got {port}")
    if not 1 <= workers <= 64:
        raise MultivectorError(f"--workers must lie within 1-64, got {workers}")
    try:
        import uvicorn
    except ImportError:
        raise MultivectorError("the web observatory needs its extra: pip install "
                               "'multivector[web]'") from None
    ingest.ensure()
    err.print(f"multivector observatory on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run("multivector.web.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning")
