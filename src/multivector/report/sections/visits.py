"""The US official visits section: the state's visits by the US President and the Secretary of
State over the report's years, as a timeline and a table with the record's remarks.

It is one pole's side only (the United States' official record, U.S. Office of the Historian),
context and not a balance channel: nothing here enters the composite. The section says so, says
where the record stops, and says in words when the years hold no visit (no empty chart).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from multivector.analysis.profile import Profile
from multivector.analysis.records import OFFICES
from multivector.report.charts.visits import day, stay, visits_timeline
from multivector.report.tree import Block, Figure, Link, Paragraph, Section, Table
from multivector.report.words import SOURCES, and_list, span, the_pole

US = "USA"
TITLE = "US official visits (one pole's record)"


def _years(p: Profile) -> str:
    return f"{p.years[0]}-{p.years[1]}"


def _surname(traveler: str) -> str:
    """The last word of a traveller's name as the record gives it (``Blinken``)."""
    return traveler.split()[-1] if traveler.split() else traveler


def one_pole(p: Profile) -> str:
    """The sentence that says whose record this is and what it is not."""
    others = [the_pole(p, x) for x in p.pole_set.ids if x != US]
    named = f" (those of {and_list(others)})" if others else ""
    return ("This is one pole's side only: the United States' official record of the visits "
            "abroad of its President and Secretary of State. It is context, not a balance "
            "channel, and it does not enter the composite. Other poles' official visit "
            f"records{named} are not in these data, so the section cannot compare the poles' "
            "visits.")


def record_end(p: Profile) -> str | None:
    """Where the record stops, and whether the report's years run past it."""
    rec = p.visits_record
    if rec is None:
        return None
    text = (f"The record runs from {rec.first.year} to {day(rec.last)} and stops there: visits "
            "after that date are not in these data.")
    if rec.last < dt.date(p.years[1], 12, 31):
        after = (f"the rest of {rec.last.year} is" if rec.last.year >= p.years[1] else
                 f"the rest of {rec.last.year} and {span(rec.last.year + 1, p.years[1])} are")
        text += (f" The years asked run to {p.years[1]}: {after} not covered, so no visit "
                 "there is not evidence of none.")
    return text


def summary(p: Profile) -> list[str]:
    """Sentences on the visits of the years: how many, by whom, the latest; and, for each
    office without a visit, that the record lists none."""
    v = p.visits
    n = len(v)
    out = []
    parts = []
    for office in OFFICES.values():
        sub = v[v["office"] == office]
        if len(sub):
            names = list(dict.fromkeys(_surname(t) for t in sub["traveler"]))
            plural = "Secretaries of State" if office == "Secretary of State" else "Presidents"
            who = (f"{office} {names[0]}" if len(names) == 1
                   else f"{plural} {and_list(names)}")
            parts.append(f"{len(sub)} by {who}")
    out.append(f"The US Office of the Historian's record lists {n} visit"
               f"{'s' if n != 1 else ''} to {p.name} by the US President or the Secretary of "
               f"State in {_years(p)}: {and_list(parts)}.")
    last = v.iloc[-1]
    out.append(f"The latest: {last['traveler']} ({last['office']}), {last['place']}, "
               f"{stay(last['start_date'], last['end_date'])}"
               + (f" (\"{last['remarks'].rstrip('.')}\")." if last["remarks"] else "."))
    for office, words in (("President", "a US President"),
                          ("Secretary of State", "a Secretary of State")):
        if not (v["office"] == office).any():
            out.append(f"The record lists no visit by {words} to {p.name} in {_years(p)}.")
    return out


def visit_rows(v: pd.DataFrame) -> list[list[str | Link]]:
    """One table row per visit: dates, traveller, office, place, remarks."""
    return [[stay(r.start_date, r.end_date), str(r.traveler), str(r.office), str(r.place),
             str(r.remarks)] for r in v.itertuples()]


def visits_section(p: Profile) -> Section:
    """The timeline of the state's US official visits and their table, or words where the
    years hold none."""
    blocks: list[Block] = []
    rec = p.visits_record
    if rec is None:
        blocks.append(Paragraph(f"No data in the warehouse for the US official visits to "
                                f"{p.name}: it has no visits table (the Office of the "
                                "Historian's travel record, hsg_travels).", "empty"))
    elif p.visits.empty:
        blocks.append(Paragraph(f"The US Office of the Historian's record lists no visit by a "
                                f"US President or Secretary of State to {p.name} in "
                                f"{_years(p)}.", "empty"))
    else:
        blocks.append(Paragraph(" ".join(summary(p))))
    blocks.append(Paragraph(one_pole(p)))
    end = record_end(p)
    if end:
        blocks.append(Paragraph(end))
    if rec is not None and len(p.visits):
        blocks.append(Figure("visits", visits_timeline(p),
                             f"Source: {SOURCES['visits']} (record to {day(rec.last)}). One "
                             "mark per visit at its first day; the traveller, place and "
                             "remarks are in the table below and in the chart's tooltip.",
                             f"No US official visit to {p.name} in {_years(p)}."))
        blocks.append(Table("visits", ["Dates", "Traveller", "Office", "Place", "Remarks"],
                            visit_rows(p.visits), [False] * 5, [1.4, 1.7, 1.5, 1.2, 3.8],
                            caption="The record's remarks as published; one row per "
                                    "traveller, country and stay."))
    blocks.append(Paragraph(
        "Visits abroad of the US President and the Secretary of State as the U.S. Department "
        "of State's Office of the Historian lists them, one per traveller, country and stay "
        "(records of the same stay under two ids are one visit); a visit is shown when its "
        "stay overlaps the years asked; the place is the record's locale. The same record "
        "serves the visit checks of claims files (docs/methods.md, Claims). It is not a "
        "measure: no share, evenness or rank in this report uses it.", "method"))
    return Section("visits", TITLE, blocks, "US visits")
