"""The closing section: the poles, where every source stops, and the citations."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.tree import Heading, Link, Notes, Paragraph, Section, Table
from multivector.report.words import span


def sources_section(p: Profile) -> Section:
    """Poles, where every source stops, and the citations."""
    listing = p.pole_set.listing(p.years[1])
    poles = Table("poles", ["Pole", "Label", f"Members in {p.years[1]}"],
                  [[x.id, x.label, listing[x.id]] for x in p.pole_set.poles],
                  [False, False, False], [0.8, 1.6, 6.0])
    cov_rows: list[list[str | Link]] = []
    for c in p.coverage:
        cov_rows.append([c.channel, c.source, span(c.first_year, c.last_year),
                         "yes" if c.last_year is not None and c.last_year < p.years[1] else ""])
    coverage = Table("coverage", ["Data", "Source", f"Years with data ({p.years[0]}-"
                                  f"{p.years[1]} asked)", "Stops early"], cov_rows,
                     [False, False, False, False], [2.6, 2.6, 1.6, 0.9])
    src_rows: list[list[str | Link]] = []
    for s in p.sources.to_dict("records"):
        rows_ = s.get("rows")
        n = f"{int(rows_):,}" if rows_ is not None and rows_ == rows_ else ""
        src_rows.append([str(s["title"]), str(s["coverage"]), f"{s['files']} / {n}",
                         str(s["citation"]), str(s["licence"])])
    sources = Table("sources", ["Source", "Coverage", "Files / rows", "Citation", "Licence"],
                    src_rows, [False, False, True, False, False], [2.0, 1.1, 1.0, 4.2, 1.7])
    return Section("sources", "Poles, sources and citations", nav="Sources", blocks=[
        Heading(f"Poles ({p.pole_set.name}: {p.pole_set.description})"), poles,
        Heading("Where each source stops"), coverage, Notes(p.notes),
        Heading("Sources"), sources,
        Paragraph("Every file is pinned by URL at a commit and by sha256; the warehouse records "
                  "each file's checksum and row count (multivector data status). Warehouse "
                  f"built {p.meta.get('built_at', '?')}.", "method"),
    ])
