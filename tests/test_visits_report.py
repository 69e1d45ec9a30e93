"""The report's US official visits section: a timeline and a table of the US pole's visits to
the state, with the words that say it is one pole's record, where the record stops, and that
the years hold no visit when they hold none.

The unit tests use SYNTHETIC profiles (made-up travellers, dates and remarks, no warehouse).
The mirror test reads Kazakhstan's visits from the warehouse built from the real data; its
values were checked in the ``visits`` table by SQL (``SELECT * FROM visits WHERE iso3 = 'KAZ'``):
ten visits, all by Secretaries of State, nine of them in 1992-2024 (Baker's, 17 December 1991,
is before), the last Blinken's, Astana, 27-28 February 2023 (the C5+1 ministerial); no US
President in the record; the record ends 19 February 2025.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pandas as pd
import pypdfium2 as pdfium
import pytest

from multivector.analysis.profile import Profile
from multivector.analysis.records import VISIT_COLUMNS, VisitRecord
from multivector.report import content, tree
from multivector.report import html as html_mod
from multivector.report import pdf as pdf_mod
from multivector.report.sections.visits import TITLE, visits_section
from profiles import bare_profile

RECORD = VisitRecord(dt.date(1866, 1, 9), dt.date(2025, 2, 19))
ONE_POLE = ("This is one pole's side only: the United States' official record of the visits "
            "abroad of its President and Secretary of State. It is context, not a balance "
            "channel, and it does not enter the composite.")


def synthetic_visits() -> pd.DataFrame:
    """SYNTHETIC: three made-up visits (two offices), not the record's."""
    d = dt.date
    return pd.DataFrame([
        (d(1999, 5, 3), d(1999, 5, 4), "Alice Example", "Secretary of State", "Capital City",
         "Synthetic remark one."),
        (d(2006, 7, 30), d(2006, 8, 1), "Bob Placeholder", "President", "Port Town",
         "Synthetic summit remark."),
        (d(2019, 12, 9), d(2019, 12, 9), "Carol Sample", "Secretary of State", "Capital City",
         "Synthetic ministerial, C9+1."),
    ], columns=VISIT_COLUMNS)


def synthetic(visits: pd.DataFrame | None, record: VisitRecord | None = RECORD,
              years: tuple[int, int] = (1992, 2024)) -> Profile:
    """SYNTHETIC: an empty profile of Kazakhstan holding only ``visits``."""
    p = bare_profile("KAZ", "Kazakhstan", years)
    p.visits = visits if visits is not None else pd.DataFrame(columns=VISIT_COLUMNS)
    p.visits_record = record
    return p


def texts(sec: tree.Section) -> str:
    return " ".join(b.text for b in sec.blocks if isinstance(b, tree.Paragraph))


def test_a_state_with_visits_gets_a_timeline_and_a_table_with_remarks():
    sec = visits_section(synthetic(synthetic_visits()))
    words = texts(sec)
    assert ("lists 3 visits to Kazakhstan by the US President or the Secretary of State in "
            "1992-2024: 1 by President Placeholder and 2 by Secretaries of State Example and "
            "Sample.") in words
    assert ('The latest: Carol Sample (Secretary of State), Capital City, 9 Dec 2019 '
            '("Synthetic ministerial, C9+1").') in words
    assert "lists no visit by" not in words
    fig = next(b for b in sec.blocks if isinstance(b, tree.Figure))
    spec = fig.spec()
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert len(data) == 3  # one mark per visit
    assert data["dates"].tolist() == ["3-4 May 1999", "30 Jul - 1 Aug 2006", "9 Dec 2019"]
    marks = spec["layer"][-1]
    assert marks["mark"]["type"] == "point"
    assert marks["encoding"]["x"]["type"] == "temporal"
    assert marks["encoding"]["y"]["scale"]["domain"] == ["President", "Secretary of State"]
    assert {t["field"] for t in marks["encoding"]["tooltip"]} >= {"traveler", "place",
                                                                  "remarks"}
    table = next(b for b in sec.blocks if isinstance(b, tree.Table))
    assert table.header == ["Dates", "Traveller", "Office", "Place", "Remarks"]
    assert table.rows[1] == ["30 Jul - 1 Aug 2006", "Bob Placeholder", "President",
                             "Port Town", "Synthetic summit remark."]


def test_an_office_without_a_visit_is_said_in_words():
    v = synthetic_visits()
    sec = visits_section(synthetic(v[v["office"] == "Secretary of State"]))
    assert ("The record lists no visit by a US President to Kazakhstan in 1992-2024."
            in texts(sec))


def test_a_state_without_visits_gets_words_and_no_empty_chart():
    sec = visits_section(synthetic(None))
    assert not [b for b in sec.blocks if isinstance(b, tree.Figure | tree.Table)]
    empty = [b.text for b in sec.blocks if isinstance(b, tree.Paragraph) and b.style == "empty"]
    assert empty == ["The US Office of the Historian's record lists no visit by a US President "
                     "or Secretary of State to Kazakhstan in 1992-2024."]


@pytest.mark.parametrize("visits", [synthetic_visits(), None])
def test_the_section_says_it_is_one_poles_record_and_where_it_stops(visits):
    words = texts(visits_section(synthetic(visits)))
    assert ONE_POLE in words
    assert ("Other poles' official visit records (those of the European Union, China and "
            "Russia) are not in these data") in words
    assert ("The record runs from 1866 to 19 Feb 2025 and stops there: visits after that date "
            "are not in these data.") in words
    assert "not covered" not in words  # 1992-2024 lies inside the record


def test_years_past_the_record_are_said_not_covered():
    words = texts(visits_section(synthetic(synthetic_visits(), years=(2000, 2026))))
    assert ("The years asked run to 2026: the rest of 2025 and 2026 are not covered, so no "
            "visit there is not evidence of none.") in words


def test_a_warehouse_without_the_visits_table_says_so():
    sec = visits_section(synthetic(None, record=None))
    assert sec.blocks[0].style == "empty"
    assert sec.blocks[0].text.startswith("No data in the warehouse for the US official visits")
    assert ONE_POLE in texts(sec)


def test_the_section_follows_memberships_in_both_renderings(tmp_path):
    report = content.build(synthetic(synthetic_visits()))
    ids = [s.id for s in report.sections]
    assert ids.index("visits") == ids.index("memberships") + 1
    page = html.unescape(html_mod.render(report))
    assert TITLE in page and "Synthetic summit remark." in page and 'id="fig-visits"' in page
    data = pdf_mod.write(report, tmp_path / "visits.pdf").read_bytes()
    doc = pdfium.PdfDocument(io.BytesIO(data))
    full = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert TITLE in full and "Synthetic summit remark." in full
    assert "one pole's side only" in full


@pytest.mark.mirror
def test_kazakhstan_report_lists_blinkens_2023_visit_and_no_president(built_warehouse):
    from multivector import warehouse
    from multivector.analysis import profile

    with warehouse.connect(built_warehouse) as con:
        p = profile.build_profile(con, "KAZ", peers=None)
    assert p.visits_record == RECORD
    assert len(p.visits) == 9 and set(p.visits["office"]) == {"Secretary of State"}
    sec = next(s for s in content.build(p).sections if s.id == "visits")
    words = texts(sec)
    assert "lists 9 visits to Kazakhstan" in words
    assert "The record lists no visit by a US President to Kazakhstan in 1992-2024." in words
    assert ONE_POLE in words
    table = next(b for b in sec.blocks if isinstance(b, tree.Table))
    assert table.rows[-1] == ["27-28 Feb 2023", "Antony John Blinken", "Secretary of State",
                              "Astana", "Participated in a C5+1 Ministerial and met with "
                              "senior Kazakh officials."]
    assert table.rows[0][:2] == ["23-24 Oct 1993", "Warren Minor Christopher"]
    fig = next(b for b in sec.blocks if isinstance(b, tree.Figure))
    fig.chart.to_dict(validate=True)
