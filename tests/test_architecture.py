"""The house rules that a linter does not check: every module is small enough to read.

The layer rules and the absence of import cycles are import-linter contracts
(``[tool.importlinter]`` in pyproject.toml), run by ``lint-imports`` in the README's test
command; ``docs/architecture.md`` describes the layers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "multivector"
MAX_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules():
    assert len(MODULES) > 50


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_exceeds_the_line_limit(module: Path):
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module.relative_to(PACKAGE)} has {n} lines (limit {MAX_LINES})"


def test_the_layers_are_the_folders():
    top = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert top == {"core", "sources", "warehouse", "measures", "analysis", "report", "cli",
                   "web", "data"}
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]
