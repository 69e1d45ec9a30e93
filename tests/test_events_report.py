"""The report's events section: there only when events exist for the state, naming sources."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

from multivector.analysis.profile import Profile
from multivector.report import content, tree
from multivector.report import html as html_mod
from multivector.sources.eventcoder import crosswalk
from multivector.warehouse import events as store
from profiles import bare_profile

FIX = Path(__file__).parent / "fixtures" / "events"


def _profile(iso3: str, name: str) -> Profile:
    return bare_profile(iso3, name, (2016, 2019))


@pytest.fixture()
def events_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "events.duckdb"
    monkeypatch.setenv("MULTIVECTOR_EVENTS", str(path))
    table = crosswalk.cameo_table(FIX / "cameo2plover.txt")
    monkeypatch.setattr(crosswalk, "_packaged_table", lambda: table)
    return path


def test_no_events_no_section(events_file):
    ids = [s.id for s in content.build(_profile("KAZ", "Kazakhstan")).sections]
    assert "events" not in ids


def test_events_section_names_its_sources(events_file):
    store.ingest_file(FIX / "icews.tab", "icews")
    report = content.build(_profile("KAZ", "Kazakhstan"))
    sec = next(s for s in report.sections if s.id == "events")
    table = next(b for b in sec.blocks if isinstance(b, tree.Table))
    assert table.rows == [["ICEWS", "icews.tab", "4", "2018-06-01 to 2018-07-15"]]
    fig = next(b for b in sec.blocks if isinstance(b, tree.Figure))
    data = pd.DataFrame(next(iter(fig.spec()["datasets"].values())))
    kaz = data.set_index("pole")["share"]
    assert kaz["RUS"] == pytest.approx(0.5) and kaz["CHN"] == pytest.approx(0.25)
    page = html.unescape(html_mod.render(report))
    assert "Diplomatic events" in page and "icews.tab" in page
    # a state without events in the file gets no section
    other = content.build(_profile("BRA", "Brazil"))
    assert "events" not in [s.id for s in other.sections]
