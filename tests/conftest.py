"""Shared fixtures.

Tests that need the real data mirror use the ``mirror`` fixture (or ``warehouse_path``); they
skip with a clear reason when the mirror is absent. The mirror is ``MULTIVECTOR_MIRROR`` or
``../shared/data`` beside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _mirror_root() -> Path | None:
    env = os.environ.get("MULTIVECTOR_MIRROR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for c in candidates:
        if (c / "REGISTRY.tsv").is_file():
            return c.resolve()
    return None


MIRROR = _mirror_root()
needs_mirror = pytest.mark.skipif(
    MIRROR is None,
    reason="real data mirror not found: set MULTIVECTOR_MIRROR or place it at ../shared/data",
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own MULTIVECTOR_HOME, and no mirror unless it asks for one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MULTIVECTOR_HOME", str(home))
    monkeypatch.delenv("MULTIVECTOR_MIRROR", raising=False)
    monkeypatch.delenv("MULTIVECTOR_WAREHOUSE", raising=False)
    monkeypatch.delenv("MULTIVECTOR_EXTRA_REGISTRY", raising=False)
    yield home


@pytest.fixture
def mirror(monkeypatch) -> Path:
    """The real data mirror root, set as MULTIVECTOR_MIRROR (skips when absent)."""
    if MIRROR is None:
        pytest.skip("real data mirror not found: set MULTIVECTOR_MIRROR or place it at "
                    "../shared/data")
    monkeypatch.setenv("MULTIVECTOR_MIRROR", str(MIRROR))
    return MIRROR


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """One warehouse built from the real mirror, shared by the tests of a session.

    ``MULTIVECTOR_TEST_WAREHOUSE`` names an already built one to reuse (read-only) while
    developing; CI leaves it unset and builds afresh.
    """
    if MIRROR is None:
        pytest.skip("real data mirror not found: set MULTIVECTOR_MIRROR or place it at "
                    "../shared/data")
    from multivector.analysis import ingest

    prebuilt = os.environ.get("MULTIVECTOR_TEST_WAREHOUSE")
    if prebuilt and Path(prebuilt).is_file():  # a developer's warehouse built from this tree
        return Path(prebuilt)
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    ingest.build(path, mirror=MIRROR, progress=False)
    return path


@pytest.fixture
def warehouse_env(built_warehouse, monkeypatch, mirror) -> Path:
    """MULTIVECTOR_WAREHOUSE pointed at the shared built warehouse (read-only use)."""
    monkeypatch.setenv("MULTIVECTOR_WAREHOUSE", str(built_warehouse))
    return built_warehouse


def _tree(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` with its size and modification time."""
    out = {}
    for root in roots:
        if root.is_file():
            st = root.stat()
            out[str(root)] = (st.st_size, st.st_mtime_ns)
        for p in sorted(root.rglob("*")) if root.is_dir() else []:
            st = p.stat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def cli_clean(tmp_path, monkeypatch, _isolated_home):
    """Run the CLI in an empty working folder and check that nothing changed on disk.

    Returns ``invoke(args, *watch)``: the typer result, after asserting that the working
    folder, MULTIVECTOR_HOME and the ``watch`` paths (the fixtures a test reads) hold the same
    files as before, unchanged, and that no traceback was printed.
    """
    from typer.testing import CliRunner

    from multivector.cli import app

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    runner = CliRunner()

    def invoke(args: list[str], *watch: Path):
        roots = (work, _isolated_home, *watch)
        before = _tree(*roots)
        res = runner.invoke(app, [str(a) for a in args])
        assert _tree(*roots) == before, "the command changed files on disk"
        assert "Traceback" not in res.output, res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
        return res

    return invoke
