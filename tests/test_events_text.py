"""Event coding parts that need only the base install: gazetteer, text, GSR, scores, store."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from conftest import FIXTURES
from multivector.core.errors import DataTableError, ParseError
from multivector.sources.eventcoder import EventsExtraMissingError, require_events
from multivector.sources.eventcoder.evaluate import folds, macro_f1, score
from multivector.sources.eventcoder.gazetteer import Gazetteer, default_gazetteer, read_table
from multivector.sources.eventcoder.gsr import read_gsr
from multivector.sources.eventcoder.plover import OntologyError, current_type, quad
from multivector.sources.eventcoder.text import (
    explicit_date,
    make_document,
    read_inputs,
    sentence_date,
)
from multivector.warehouse.events import read_events, store_events

EV = FIXTURES / "events"


def test_gazetteer_states_capitals_demonyms_igos():
    g = default_gazetteer()
    found = g.find("Kazakhstan's President Tokayev met South Korean officials in Beijing, "
                   "the U.S. and the UN Security Council said; Afghans fled. Let us go.")
    assert [(m.text, m.code) for m in found] == [
        ("Kazakhstan", "KAZ"), ("Tokayev", "KAZ"), ("South Korean", "KOR"),
        ("Beijing", "CHN"), ("U.S.", "USA"), ("UN Security Council", "UN"), ("Afghan", "AFG")]
    assert found[5].is_igo and not found[0].is_igo
    # a misspelt state name or demonym of six letters or more; not a word like "Roman"
    assert g.codes("Quatar's emir flew to Ethopia") == ["QAT", "ETH"]
    assert g.codes("Roman ruins near Sedan") == []
    assert not Gazetteer(
        [("Qatar", "QAT", "alias")]).find("Quatar", fuzzy=False)
    # states come from country_converter: an official name the table does not list
    assert g.codes("the Republic of Uzbekistan and Tajikistan") == ["UZB", "TJK"]


def test_gazetteer_table_rows_are_checked(tmp_path):
    assert all(len(code) == 3 for _, code, kind in read_table() if kind != "igo")
    bad = tmp_path / "g.csv"
    bad.write_text("alias,code,kind\nAstana,KZ,capital\n")
    with pytest.raises(DataTableError, match=r"row 3.*'KZ'|g.csv, row 2"):
        read_table(bad)
    bad.write_text("alias,code,kind\nAstana,KAZ,city\n")
    with pytest.raises(DataTableError, match="kind must be one of"):
        read_table(bad)
    assert Gazetteer([("Xanadu", "XAN", "alias")]).codes("Xanadu's envoy") == ["XAN"]


def test_plover_names_and_quads():
    assert current_type("demand") == "REQUEST" and current_type("FIGHT") == "ASSAULT"
    assert quad("DISAPPROVE") == "VERBAL CONFLICT" and quad("AID") == "MATERIAL COOPERATION"
    with pytest.raises(OntologyError, match="unknown PLOVER event type 'PARTY'"):
        current_type("PARTY")


def test_dates_from_text_and_weekdays():
    assert explicit_date("Tokayev visited Berlin on 29 September 2023.") == dt.date(2023, 9, 29)
    assert explicit_date("signed on March 3, 2022 in Astana") == dt.date(2022, 3, 3)
    assert explicit_date("no date here") is None
    doc_day = dt.date(2023, 3, 15)  # a Wednesday
    assert sentence_date("talks resumed on Monday", doc_day) == dt.date(2023, 3, 13)
    assert sentence_date("talks resumed", doc_day) == doc_day


def test_inputs_html_folder_and_errors(tmp_path):
    docs = read_inputs([str(EV / "news")])
    assert [d.name.rsplit("/", 1)[1] for d in docs] == ["kazakhstan_2023.txt", "protest.html"]
    kaz, html = docs
    assert kaz.date == dt.date(2023, 12, 28) and len(kaz.sha256) == 64
    assert html.date == dt.date(2023, 3, 15)
    assert "condemned the shelling" in html.text
    assert "attacked" not in html.text and "Home | World" not in html.text  # script, nav gone
    assert make_document("x", b"same").sha256 == make_document("y", b"same").sha256
    with pytest.raises(Exception, match="no such file or folder"):
        read_inputs([str(tmp_path / "missing.txt")])


def test_gsr_reading_and_errors(tmp_path):
    recs = read_gsr(EV / "tiny-gsr.json", labelled=True)
    assert len(recs) == 8 and recs[2].event_type == "ACCUSE" and recs[3].sources == ["IGO"]
    assert recs[1].targets == []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "a", "text": "x", "event": "PARTY"}]))
    with pytest.raises(OntologyError, match="row 1 .record."):
        read_gsr(bad)
    bad.write_text(json.dumps([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]))
    with pytest.raises(ParseError, match="duplicate record id"):
        read_gsr(bad)


def test_score_figures_by_hand():
    recs = read_gsr(EV / "tiny-gsr.json", labelled=True)[:4]
    pred = pd.DataFrame({
        "id": ["T-1", "T-2", "T-3", "T-4"],
        "event_type": ["CONSULT", "SUPPORT", "ACCUSE", "REQUEST"],
        "quad": [""] * 4,
        "source": ["KAZ", "KAZ", "AFG", "EU"],  # EU is an IGO: right for a gold "IGO"
        "target": ["CHN", "", "UZB", "BLR"],
        "confidence": [1.0] * 4})
    s = score(recs, pred, igo_codes={"EU"})
    assert s["type_accuracy"] == 0.75 and s["quad_accuracy"] == 1.0  # AGREE/SUPPORT: verbal coop
    assert s["source_accuracy"] == 0.75 and s["target_accuracy"] == pytest.approx(2 / 3)
    assert s["target_n"] == 3  # T-2 has no gold target
    # per-class F1: CONSULT 1, AGREE 0, ACCUSE 1, REQUEST 1 (SUPPORT is not a gold class)
    assert macro_f1(["CONSULT", "AGREE", "ACCUSE", "REQUEST"],
                    list(pred["event_type"])) == 0.75
    with pytest.raises(ParseError, match="no prediction"):
        score(recs, pred.iloc[:2], igo_codes=set())


def test_folds_cover_every_record_once():
    labels = ["A"] * 6 + ["B"] * 5 + ["C"] * 2
    parts = folds(labels, k=5, seed=1)
    assert sorted(i for p in parts for i in p) == list(range(len(labels)))


def test_store_is_idempotent(tmp_path):
    ev = pd.DataFrame({
        "doc": ["a.txt", "a.txt"], "doc_sha256": ["s1", "s1"], "sentence_no": [1, 2],
        "date": ["2023-05-18", None], "source": ["KAZ", "DEU"], "target": ["CHN", "KAZ"],
        "type": ["CONSULT", "AGREE"], "quad": ["VERBAL COOPERATION"] * 2,
        "confidence": [0.8, 0.6], "source_text": ["", ""], "target_text": ["", ""],
        "sentence": ["x", "y"]})
    db = tmp_path / "events.duckdb"
    assert store_events(ev, db) == (2, 0)
    assert store_events(ev, db) == (0, 1)  # the same document again: skipped
    stored = read_events(db)
    assert len(stored) == 2 and list(stored["source"]) == ["text", "text"]
    assert set(stored["doc"]) == {"s1"} and list(stored["quad"]) == [1, 1]
    from multivector.warehouse.events import files
    assert files(db)[["doc", "path", "source"]].values.tolist() == [["s1", "a.txt", "text"]]
    assert pd.Timestamp(stored["date"].iloc[0]).date() == dt.date(2023, 5, 18)


def test_missing_extra_names_the_install_command(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "spacy" else real(name, *a))
    with pytest.raises(EventsExtraMissingError, match=r"pip install 'multivector\[events\]'"):
        require_events()
