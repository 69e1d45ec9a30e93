"""Bulk event data: readers on their layouts and malformed rows, the CAMEO-PLOVER crosswalk,
the events file (idempotent ingest), the aggregation, the events channel."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from multivector.analysis.events import aggregate
from multivector.core.errors import ParseError
from multivector.sources import event_files as readers
from multivector.sources.eventcoder import crosswalk
from multivector.warehouse import events as store

FIX = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture()
def cameo() -> pd.DataFrame:
    return crosswalk.cameo_table(FIX / "cameo2plover.txt")


@pytest.fixture()
def events_file(tmp_path, monkeypatch, cameo) -> Path:
    """An empty events file location; the pinned crosswalk replaced by the fixture's."""
    path = tmp_path / "events.duckdb"
    monkeypatch.setenv("MULTIVECTOR_EVENTS", str(path))
    monkeypatch.setattr(crosswalk, "_packaged_table", lambda: cameo)
    return path


def _tuples(ev: pd.DataFrame) -> list[tuple]:
    return [(str(r.date), r.source_iso3, r.target_iso3, r.type, int(r.quad))
            for r in ev.itertuples()]


def _problems(rep: readers.ReadReport) -> set[tuple]:
    return {(r.field, r.label, int(r.rows), r.reason) for r in rep.problems.itertuples()}


# ------------------------------------------------------------------------------- crosswalk
def test_crosswalk_parents_roots_and_unmapped(cameo):
    m = crosswalk.map_cameo(["0871", "089", "010", "40", "061", "1056"], cameo).set_index(
        "cameo")
    assert (m.loc["0871", "type"], m.loc["0871", "quad"]) == ("RETREAT", 2)  # parent 087
    assert m.loc["061", "type"] == "COOPERATE"
    assert pd.isna(m.loc["089", "type"])  # root 08 splits between CONCEDE and RETREAT
    assert pd.isna(m.loc["010", "type"])  # CAMEO 01 has no PLOVER type
    assert pd.isna(m.loc["40", "type"])  # no leading zero: not guessed
    assert pd.isna(m.loc["1056", "type"])


def test_crosswalk_rejects_unknown_type(tmp_path):
    f = tmp_path / "cw.txt"
    f.write_text("# header\n040: CONSULT, ,  # Consult\n041: GOSSIP, ,  # Discuss\n")
    with pytest.raises(ParseError, match=r"row 3.*GOSSIP"):
        crosswalk.parse_crosswalk(f)


def test_quads_follow_the_manual():
    assert {t for t, q in crosswalk.QUAD.items() if q in crosswalk.COOPERATION} == {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}


@pytest.mark.mirror
def test_pinned_crosswalk(mirror):
    t = crosswalk.cameo_table()
    m = crosswalk.map_cameo(["040", "057", "0874", "190", "010"], t).set_index("cameo")
    assert list(m["type"].iloc[:4]) == ["CONSULT", "SUPPORT", "RETREAT", "ASSAULT"]
    assert pd.isna(m.loc["010", "type"])
    assert len(t) > 250


# --------------------------------------------------------------------------------- readers
def test_icews_layout_and_malformed_rows(cameo):
    ev, rep = readers.read_events(FIX / "icews.tab", "icews", cameo=cameo)
    assert _tuples(ev) == [
        ("2018-06-01", "KAZ", "RUS", "CONSULT", 1), ("2018-06-01", "RUS", "KAZ", "CONSULT", 1),
        ("2018-06-02", "CHN", "KAZ", "SUPPORT", 1), ("2018-07-15", "USA", "KAZ", "COOPERATE", 2),
        ("2018-07-16", "RUS", "USA", "ACCUSE", 3)]
    assert _problems(rep) == {
        ("row", "MISSING COLUMNS at line(s) 7", 1, "malformed row"),
        ("date", "2018-13-40", 1, "bad date"),
        ("source country", "NA", 1, "no country"),
        ("source country", "Atlantis", 1, "unmapped country"),
        ("event code", "010", 1, "CAMEO code without PLOVER type")}
    assert rep.rows_read == 10 and rep.rows_kept == 5


def test_gdelt1_accepts_57_and_58_fields(cameo):
    ev, rep = readers.read_events(FIX / "gdelt1.export.CSV", "gdelt1", cameo=cameo)
    assert _tuples(ev) == [("2015-03-01", "KAZ", "RUS", "CONSULT", 1),
                           ("2012-03-01", "KAZ", "CHN", "SUPPORT", 1),  # the 57-field row
                           ("2015-03-02", "ROU", "KAZ", "RETREAT", 2)]  # CAMEO ROM, code 0871
    assert _problems(rep) == {
        ("row", "fewer than 57 fields (event ids 109)", 1, "malformed row"),
        ("date", "2015030", 1, "bad date"),
        ("source country", "(empty)", 1, "no country"),
        ("source country", "AFR", 1, "region, not a state"),
        ("target country", "XYZ", 1, "unmapped country"),
        ("event code", "020", 1, "CAMEO code without PLOVER type")}


def test_gdelt2_rejects_other_widths(cameo):
    ev, rep = readers.read_events(FIX / "gdelt2.export.CSV", "gdelt2", cameo=cameo)
    assert _tuples(ev) == [("2020-01-05", "KAZ", "USA", "AGREE", 1),
                           ("2020-02-10", "USA", "KAZ", "AGREE", 1),
                           ("2020-02-11", "KAZ", "CHN", "ASSAULT", 4)]
    assert _problems(rep) == {("row", "MISSING COLUMNS at line(s) 4", 1, "malformed row"),
                              ("row", "TOO MANY COLUMNS at line(s) 5", 1, "malformed row")}
    # a 2.0 file read as 1.0: the rows of 61 and 62 fields are too wide, and said to be
    ev1, rep1 = readers.read_events(FIX / "gdelt2.export.CSV", "gdelt1", cameo=cameo)
    assert list(ev1["event_id"]) == ["204"]
    assert _problems(rep1) == {("row", "TOO MANY COLUMNS at line(s) 1, 2, 3, 5", 4,
                                "malformed row")}


def test_polecat_layout(cameo):
    ev, rep = readers.read_events(FIX / "polecat.txt", "polecat", cameo=cameo)
    assert _tuples(ev) == [("2023-01-05", "KAZ", "RUS", "CONSULT", 1),
                           ("2023-01-06", "CHN", "KAZ", "AGREE", 1),  # quad from the type
                           ("2023-02-01", "KAZ", "USA", "AID", 2),  # country names
                           ("2023-02-02", "KAZ", "USA", "ACCUSE", 3)]
    assert _problems(rep) == {("row", "MISSING COLUMNS at line(s) 9", 1, "malformed row"),
                              ("date", "2023-02-30", 1, "bad date"),
                              ("target country", "(empty)", 1, "no country"),
                              ("event type", "CRIME", 1, "not a PLOVER type")}


def test_wrong_layout_names_the_missing_columns(cameo, tmp_path):
    with pytest.raises(ParseError, match="missing column.*Actor Country"):
        readers.read_events(FIX / "icews.tab", "polecat", cameo=cameo)
    with pytest.raises(ParseError, match="no such file"):
        readers.read_events(tmp_path / "nope.tab", "icews", cameo=cameo)
    (tmp_path / "empty.tab").write_text("")
    with pytest.raises(ParseError, match="empty file"):
        readers.read_events(tmp_path / "empty.tab", "icews", cameo=cameo)


# ------------------------------------------------------------------------------ events file
def test_ingest_is_idempotent(events_file, tmp_path):
    rep, doc, seen = store.ingest_file(FIX / "icews.tab", "icews")
    assert not seen and rep.rows_kept == 5
    _, doc2, seen2 = store.ingest_file(FIX / "icews.tab", "icews")
    assert seen2 and doc2 == doc
    # the same bytes under another name are the same document
    copy = tmp_path / "copy.tab"
    shutil.copy(FIX / "icews.tab", copy)
    store.ingest_file(copy, "icews")
    store.ingest_file(FIX / "gdelt2.export.CSV", "gdelt2")
    with duckdb.connect(str(events_file), read_only=True) as con:
        n = con.execute("SELECT source, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
        probs = con.execute("SELECT sum(rows) FROM event_problems WHERE doc = ?", [doc]
                            ).fetchall()[0][0]
    assert n == [("gdelt2", 3), ("icews", 5)]
    assert probs == 5
    assert len(store.files()) == 2


def test_strict_ingest_stores_nothing(events_file):
    with pytest.raises(ParseError, match="malformed.*line"):
        store.ingest_file(FIX / "icews.tab", "icews", strict=True)
    assert not events_file.exists() or store.files().empty


# ------------------------------------------------------------------------------ aggregation
def _all_events(events_file) -> Path:
    for f, fmt in [("icews.tab", "icews"), ("gdelt1.export.CSV", "gdelt1"),
                   ("gdelt2.export.CSV", "gdelt2"), ("polecat.txt", "polecat")]:
        store.ingest_file(FIX / f, fmt)
    return events_file


def test_duckdb_aggregation_counts(events_file):
    src = _all_events(events_file)
    got = aggregate.aggregate(src, "month")
    with duckdb.connect(str(src), read_only=True) as con:
        ev = con.execute("SELECT * FROM events").df()
    want = (ev.groupby(["source_iso3", "target_iso3", "year", "month", "type", "quad"],
                       as_index=False).agg(n_events=("doc", "size"), weight=("weight", "sum")))
    pd.testing.assert_frame_equal(got, aggregate.sort_result(want))
    by_year = aggregate.aggregate(src, "year")
    assert by_year["n_events"].sum() == len(ev) == 15
    assert "month" not in by_year


def test_duckdb_and_spark_agree(events_file, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark not installed (the 'spark' extra)")
    if not shutil.which("java"):
        pytest.skip("no Java runtime for Spark")
    src = _all_events(events_file)
    pq = aggregate.events_to_parquet(src, tmp_path / "events.parquet")
    for by in ("year", "month"):
        a = aggregate.aggregate(pq, by, "duckdb")
        b = aggregate.aggregate(src, by, "spark")
        pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------- events channel
def test_events_channel_shares(events_file):
    from multivector.analysis.panel.shares import channel_shares
    from multivector.core import poles

    store.ingest_file(FIX / "icews.tab", "icews")
    ps = poles.load_pole_set("core")
    sh = channel_shares(None, "events", ps, (2018, 2018), ["KAZ"]).set_index("pole")
    # KAZ 2018: RUS consults both ways (2), China signs (1), the US cooperates (1); the
    # accusation RUS->USA is conflict and not KAZ's
    assert sh.loc["RUS", "value"] == 2 and sh.loc["CHN", "value"] == 1
    assert sh.loc["USA", "value"] == 1 and sh.loc["EU", "value"] == 0
    assert sh.loc["RUS", "share"] == pytest.approx(0.5)
    assert sh["share"].sum() == pytest.approx(1.0)
    assert channel_shares(None, "events", ps, (2019, 2020), ["KAZ"]).empty


# ---------------------------------------------------------------------- the real ICEWS sample
@pytest.mark.mirror
def test_icews_sample_ingests_and_feeds_the_events_channel(warehouse_env, tmp_path,
                                                           monkeypatch):
    import io

    from typer.testing import CliRunner

    from multivector.cli import app
    from multivector.sources import fetch, registry

    monkeypatch.setenv("MULTIVECTOR_EVENTS", str(tmp_path / "events.duckdb"))
    sample = fetch.fetch(registry.get_source("icews_sample").files[0])
    runner = CliRunner()
    res = runner.invoke(app, ["events", "ingest", str(sample), "--format", "icews"])
    assert res.exit_code == 0, res.output
    assert "stored 2,607 of 3,705 events" in res.output
    assert "CAMEO code without PLOVER type: 730 rows" in res.output
    assert "no country: 368 rows" in res.output
    again = runner.invoke(app, ["events", "ingest", str(sample), "--format", "icews"])
    assert "replaced 2,607 of 3,705" in again.output
    res = runner.invoke(app, ["shares", "KAZ", "--channel", "events", "--years", "2018-2018",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout)).set_index("pole")["value"]
    # the same count straight from the file: Kazakhstan on either side, a cooperative code
    raw = pd.read_csv(sample, sep="\t", dtype=str, keep_default_na=False)
    quad = crosswalk.map_cameo(raw["CAMEO Code"]).set_index("cameo")["quad"]
    coop = raw[raw["CAMEO Code"].map(quad).isin([1, 2])]
    kaz = coop[(coop["Source Country"] == "Kazakhstan") ^ (coop["Target Country"] ==
                                                           "Kazakhstan")]
    other = kaz["Source Country"].where(kaz["Target Country"] == "Kazakhstan",
                                        kaz["Target Country"])
    assert got["RUS"] == (other == "Russian Federation").sum() > 0
    assert got["CHN"] == (other == "China").sum()
    assert got["USA"] == (other == "United States").sum()


def test_cli_aggregate_and_status(events_file):
    import io

    from typer.testing import CliRunner

    from multivector.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["events", "status"])
    assert res.exit_code == 0 and "no events ingested" in res.output
    ok = runner.invoke(app, ["events", "ingest", str(FIX / "gdelt1.export.CSV"), "--format",
                             "gdelt1"])
    assert ok.exit_code == 0, ok.output
    assert "stored 3 of 9 events" in ok.output and "region, not a state: 1 rows" in ok.output
    res = runner.invoke(app, ["events", "aggregate", "--by", "month", "--format", "csv"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(io.StringIO(res.stdout), dtype={"quad": "int32"})
    assert list(zip(got["source_iso3"], got["target_iso3"], got["year"], got["month"],
                    got["type"], got["n_events"], strict=True)) == [
        ("KAZ", "CHN", 2012, 3, "SUPPORT", 1), ("KAZ", "RUS", 2015, 3, "CONSULT", 1),
        ("ROU", "KAZ", 2015, 3, "RETREAT", 1)]
    res = runner.invoke(app, ["events", "status", "--problems", "--format", "csv"])
    probs = pd.read_csv(io.StringIO(res.stdout))
    assert set(probs["reason"]) >= {"malformed row", "bad date", "unmapped country"}
    strict = runner.invoke(app, ["events", "ingest", str(FIX / "gdelt1.export.CSV"),
                                 "--format", "gdelt1", "--strict"])
    assert strict.exit_code == 1 and "malformed" in strict.output
    assert "Traceback" not in strict.output


@pytest.mark.parametrize("name", ["polecat_headline_not_in_rows.txt", "polecat_excess_tabs.txt"])
def test_polecat_documented_malformations_are_mended(cameo, name):
    """Two malformations of published POLECAT weekly files (Beger 2024, POLECAT FAQ): a header
    naming a Headline column the rows lack, and rows with excess trailing tabs."""
    ev, rep = readers.read_events(FIX / name, "polecat", cameo=cameo)
    assert _tuples(ev) == [("2023-01-05", "KAZ", "RUS", "CONSULT", 1),
                           ("2023-01-06", "CHN", "KAZ", "AGREE", 1),
                           ("2023-02-01", "KAZ", "USA", "AID", 2),
                           ("2023-02-02", "KAZ", "USA", "ACCUSE", 3)]
    assert _problems(rep) == set()


def test_polecat_excess_column_with_a_value_is_refused(cameo):
    with pytest.raises(ParseError) as exc:
        readers.read_events(FIX / "polecat_excess_tab_with_value.txt", "polecat", cameo=cameo)
    assert str(exc.value).endswith("polecat_excess_tab_with_value.txt, row event p3: not the "
                                   "polecat layout: a value beyond the header's 19 columns "
                                   "(value: 'stray')")
