"""The event coder end to end: spaCy, embeddings, the classifier fitted on the PLOVER manual.

Needs the ``events`` extra (CI installs it with the ``test`` extra) and the mirror's PLOVER
manual; one coder, fitted on the manual only (not on the gold records), is shared by the tests.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, MIRROR
from multivector.cli import app

pytest.importorskip("spacy", reason="the 'events' extra is not installed")
EV = FIXTURES / "events"
pytestmark = pytest.mark.skipif(
    MIRROR is None, reason="real data mirror not found (the PLOVER manual is read from it): "
    "set MULTIVECTOR_MIRROR")


@pytest.fixture(scope="module")
def coder():
    from multivector.sources.eventcoder.coder import EventCoder

    return EventCoder(records=[], mirror=MIRROR)


def test_classifier_on_fixed_sentences(coder):
    from multivector.sources.eventcoder.gsr import Record
    from multivector.sources.eventcoder.plover import QUADS

    sents = {
        "Russian troops shelled the Ukrainian town of Bakhmut, killing four civilians.":
            "ASSAULT",
        "Kazakhstan and Uzbekistan signed a treaty on the demarcation of their border.":
            "SUPPORT",
        "Japan sent emergency food aid and tents to Turkey after the earthquake.": "AID",
        "China condemned the visit and accused Washington of interfering in its affairs.":
            "ACCUSE",
        "Police arrested dozens of opposition activists in Minsk.": "COERCE",
        "North Korea threatened to retaliate against South Korea.": "THREATEN",
    }
    pred = coder.code_records([Record(str(i), s) for i, s in enumerate(sents)])
    got = dict(zip(sents, pred["event_type"], strict=True))
    right = sum(got[s] == t for s, t in sents.items())
    assert right >= 5, got
    assert pred["confidence"].between(0, 1).all()
    assert (pred["quad"] == pred["event_type"].map(QUADS)).all()


def test_actor_roles(coder):
    from multivector.sources.eventcoder.gsr import Record

    recs = [Record("a", "Armenia rejected an invitation from Azerbaijan to hold talks in Baku."),
            Record("b", "Turkey was attacked by Syrian forces near the border, officials said."),
            Record("c", "Tokayev met Chinese President Xi Jinping in Xi'an, the Akorda said."),
            Record("d", "Egyptian police arrested twelve protesters in Cairo.")]
    pred = coder.code_records(recs).set_index("id")
    assert (pred.loc["a", "source"], pred.loc["a", "target"]) == ("ARM", "AZE")
    assert (pred.loc["b", "source"], pred.loc["b", "target"]) == ("SYR", "TUR")  # passive
    assert (pred.loc["c", "source"], pred.loc["c", "target"]) == ("KAZ", "CHN")
    assert (pred.loc["d", "source"], pred.loc["d", "target"]) == ("EGY", "EGY")  # domestic


def test_kazakhstan_article_lists_visits_summits_agreements(coder):
    from multivector.sources.eventcoder.text import read_inputs

    ev = coder.code_documents(read_inputs([str(EV / "news" / "kazakhstan_2023.txt")]))
    pairs = {(r.source, r.target, r.type) for r in ev.itertuples()}
    by_no = ev.set_index("sentence_no")
    # the Berlin visit, the Macron visit, the Xi meeting: consultations with the right states
    assert {("KAZ", "DEU"), ("FRA", "KAZ"), ("KAZ", "CHN")} <= {(s, t) for s, t, _ in pairs}
    visits = ev[ev["sentence"].str.contains("visited|met ")]
    assert set(visits["type"]) <= {"CONSULT", "AGREE"}, visits[["sentence", "type"]]
    # agreements signed: cooperative, between the two states
    signed = ev[ev["sentence"].str.contains("signed")]
    assert len(signed) == 2
    assert set(signed["quad"]) <= {"VERBAL COOPERATION", "MATERIAL COOPERATION"}
    assert {frozenset((r.source, r.target)) for r in signed.itertuples()} == {
        frozenset(("DEU", "KAZ")), frozenset(("KAZ", "FRA"))}
    # dates: stated in the sentence, else a weekday before the article's date, else its date
    assert by_no.loc[by_no["sentence"].str.contains("Berlin").idxmax(), "date"] == "2023-09-29"
    csto = ev[ev["sentence"].str.contains("Collective Security")]
    assert list(csto["date"]) == ["2023-12-28"]  # "on Thursday": the article's own day
    assert list(csto["target"]) == ["CSTO"]
    # the weather is no event
    assert not ev["sentence"].str.contains("weather").any()


def test_cli_stdin_html_folder_and_store(coder, monkeypatch, tmp_path):
    monkeypatch.setenv("MULTIVECTOR_MIRROR", str(MIRROR))
    monkeypatch.setenv("MULTIVECTOR_EVENTS", str(tmp_path / "ev.duckdb"))
    runner = CliRunner()
    text = "Japan sent humanitarian aid to Turkey on 7 February 2023.\n"
    res = runner.invoke(app, ["events", "code", "-", "-f", "csv"], input=text)
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert list(df[["source", "target", "date"]].iloc[0]) == ["JPN", "TUR", "2023-02-07"]
    res = runner.invoke(app, ["events", "code", str(EV / "news" / "protest.html"),
                              "-f", "json"])
    rows = json.loads(res.stdout)
    assert rows[0]["source"] == "KAZ" and rows[0]["date"] == "2023-03-13"  # "on Monday"
    folder = [str(EV / "news"), "--store", "-f", "csv"]
    first = runner.invoke(app, ["events", "code", *folder])
    assert first.exit_code == 0 and "stored" in first.stderr
    n = len(pd.read_csv(io.StringIO(first.stdout)))
    again = runner.invoke(app, ["events", "code", *folder])
    said = " ".join(again.stderr.split())  # rich folds long lines
    assert "stored 0 events" in said and "2 document(s) already stored" in said
    from multivector.warehouse.events import read_events

    assert len(read_events(tmp_path / "ev.duckdb")) == n > 5


def test_cli_gsr_round_trip_and_evaluate(coder, monkeypatch, tmp_path):
    monkeypatch.setenv("MULTIVECTOR_MIRROR", str(MIRROR))
    runner = CliRunner()
    out = tmp_path / "pred.csv"
    res = runner.invoke(app, ["events", "code", "--gsr", str(EV / "tiny-gsr.json"),
                              "-f", "csv", "-o", str(out)])
    assert res.exit_code == 0, res.output
    pred = pd.read_csv(out, keep_default_na=False)
    assert list(pred.columns) == ["id", "event_type", "quad", "source", "target", "confidence"]
    assert list(pred["id"]) == [f"T-{i}" for i in range(1, 9)]
    res = runner.invoke(app, ["events", "evaluate", str(EV / "tiny-gsr.json"),
                              "--predictions", str(out), "-f", "json"])
    figs = {r["figure"]: r["value"] for r in json.loads(res.stdout)}
    from multivector.sources.eventcoder.evaluate import score
    from multivector.sources.eventcoder.gsr import read_gsr

    assert figs["type_accuracy"] == round(score(read_gsr(EV / "tiny-gsr.json"), pred)
                                          ["type_accuracy"], 4)
    assert figs["source_accuracy"] >= 0.75 and figs["records"] == 8
    # cross-validation on the tiny labelled set itself (the manual + the other fold)
    res = runner.invoke(app, ["events", "evaluate", str(EV / "tiny-gsr.json"), "--folds", "2",
                              "-f", "csv"])
    assert res.exit_code == 0, res.output
    cv = pd.read_csv(io.StringIO(res.stdout)).set_index("figure")["value"]
    assert 0 <= cv["type_accuracy"] <= 1 and cv["records"] == 8
    bad = runner.invoke(app, ["events", "code", "--gsr", str(tmp_path / "none.json")])
    assert bad.exit_code == 1 and "no such file" in bad.stderr
