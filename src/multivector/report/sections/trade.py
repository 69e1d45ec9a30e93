"""The trade section: exports and imports by pole, top partners, concentration."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.charts.common import pole_label
from multivector.report.charts.trade import concentration, top_partners, trade_shares
from multivector.report.tree import Block, Paragraph, Section, figure
from multivector.report.words import SOURCES, caption, span


def trade_section(p: Profile) -> Section:
    """Trade: exports and imports by pole, top partners, concentration, flags explained."""
    t = p.trade
    blocks: list[Block] = []
    for flow in ("exports", "imports"):
        sub = t[t["flow"] == flow] if len(t) else t
        blocks.append(figure(flow, trade_shares(p, flow),
                              caption(p, SOURCES["trade"] + f", as reported by {p.name}",
                                      sub["year"] if len(sub) else None),
                              f"{p.name}'s {flow} by partner (IMF DOTS)"))
    if len(t):
        gaps = t[t["flag"] == "not reported"]
        if len(gaps):
            spans = []
            for (pole, flow), g in gaps.groupby(["pole", "flow"], sort=False):
                years = span(int(g["year"].min()), int(g["year"].max()))
                spans.append(f"{pole_label(p, pole)} ({flow}) in {years}")
            blocks.append(Paragraph(
                "Outlined years in the two charts above: " + "; ".join(spans)
                + f". {p.name} reports no trade with the pole's members then; the pole has no "
                "value (not a zero) and its trade counts in the rest of the world.", "method"))
    tp = p.top_partners
    tp_year = tp.loc[tp["year"] == tp["year"].max(), "year"] if len(tp) else None
    blocks.append(figure("partners", top_partners(p),
                          caption(p, SOURCES["trade"] + f"; partners' figures where {p.name} "
                                  "reports none", tp_year, "Year", shaded=False),
                          "trade partners (IMF DOTS)"))
    c = p.concentration
    blocks.append(figure("concentration", concentration(p),
                          caption(p, SOURCES["trade"] + ", mirror-filled",
                                  c["year"] if len(c) else None),
                          "partner concentration (IMF DOTS)"))
    blocks.append(Paragraph(
        f"The pole shares are IMF Direction of Trade Statistics as reported by {p.name} (exports "
        "FOB, imports CIF, US$), over its total with the World; the rest of the world is the "
        "remainder, including trade the IMF could not allocate to a partner. The EU is its "
        "members of each year (31 December rule). Partner rankings and concentration fill the "
        f"gaps with the partners' own figures (mirror flows): where {p.name} reports nothing "
        "for a partner and year but the partner reports the other side, the partner's figure is "
        "used, converted with the IMF's c.i.f./f.o.b. factor of 1.10, and flagged "
        "'partner's figure (mirror)'; where both report and they differ by more than 25% of the "
        "larger, the reporter's figure is kept and flagged 'discrepant'. Such gaps are normal "
        "in trade data (valuation, timing, re-exports, origin against consignment), and they are "
        "shown rather than averaged away. Concentration: HHI = Σ s², the partners' shares "
        "squared and summed (1 = one partner), and the shares of the largest and of the three "
        "largest partners.", "method"))
    return Section("trade", "Trade: buyers and suppliers", blocks, "Trade")
