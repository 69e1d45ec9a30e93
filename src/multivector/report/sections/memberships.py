"""The memberships section: IGOs shared with each pole, IGO counts, regional formats and their
official sources."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.charts.memberships import formats_shared, igo_count, igo_shared
from multivector.report.tree import Block, Heading, Link, Paragraph, Section, Table, figure
from multivector.report.words import SOURCES, caption


def memberships_section(p: Profile) -> Section:
    """Shared IGOs with each pole, IGO counts, regional formats and their sources."""
    sh = p.shares
    igo = sh[sh["channel"] == "igo"] if len(sh) else sh
    fm = sh[sh["channel"] == "formats"] if len(sh) else sh
    blocks: list[Block] = [
        figure("igo", igo_shared(p), caption(p, SOURCES["igo"], igo["year"] if len(igo)
                                                       else None),
                "shared IGO memberships (the COW IGO table is not in this warehouse)"),
        figure("igocount", igo_count(p),
                caption(p, SOURCES["igo"], p.igo_counts["year"] if len(p.igo_counts) else None),
                "IGO memberships (COW IGO)"),
        figure("formats", formats_shared(p),
                caption(p, SOURCES["formats"], fm["year"] if len(fm) else None),
                "regional formats"),
    ]
    f = p.formats
    if len(f):
        rows: list[list[str | Link]] = []
        for r in f.itertuples():
            end = r.to_date if isinstance(r.to_date, str) and r.to_date else "present"
            rows.append([str(r.format), str(r.format_name), str(r.status), str(r.from_date),
                         end,
                         Link(str(r.source_title) if isinstance(r.source_title, str)
                              else str(r.source_url), str(r.source_url))])
        blocks.append(Heading(f"Formats {p.name} belongs to"))
        blocks.append(Table("formats", ["Format", "Name", "Status", "From", "Until",
                                        "Official source"],
                            rows, [False] * 6, [0.9, 2.4, 1.0, 1.1, 0.9, 3.4]))
    else:
        blocks.append(Paragraph(f"{p.name} belongs to none of the formats in the maintained "
                                "table.", "empty"))
    blocks.append(Paragraph(
        "Shared IGOs: the intergovernmental organisations both states are full members of, "
        "leaving out those every pole belongs to (manyIOs MIGO, Roger & Rowan, to 2010); for "
        "a bloc, the mean over its members. Formats: the regional formats of multivector's "
        "maintained table, each membership dated and sourced to an official page; full status "
        "counts 1, observer or partner 0.5, frozen participation 0; the EU-Central Asia format "
        "is shared with the EU's members; only for the post-Soviet and SCO states the table is "
        "built for.",
        "method"))
    return Section("memberships", "Memberships: IGOs and regional formats", blocks,
                   "Memberships")
