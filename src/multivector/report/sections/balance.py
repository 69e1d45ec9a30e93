"""The balance section: evenness by channel, the shares by pole, the tilt and the decomposition
of the composite's change."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import ORDER, WORDS, label
from multivector.report.charts.balance import (
    channel_balance,
    decomposition,
    tilt_heatmap,
    tilt_lines,
)
from multivector.report.charts.common import pole_label
from multivector.report.picks import composite_rows, min_channels
from multivector.report.tree import Block, Heading, Link, Paragraph, Section, Table, figure
from multivector.report.words import SOURCES, caption, fixed, pct


def balance_section(p: Profile) -> Section:
    """Evenness by channel, the shares by pole, the tilt and the decomposition of the change."""
    b = p.balance
    years = b["year"] if len(b) else None
    blocks: list[Block] = [
        figure("channels", channel_balance(p), caption(p, SOURCES["balance"], years),
                "the balance index"),
    ]
    if len(b):
        rows: list[list[str | Link]] = []
        header = ["Channel", "Year", *[pole_label(p, x) for x in p.pole_set.ids], "Evenness",
                  "Largest"]
        t = p.tilt
        for ch in ORDER:
            sub = t[t["channel"] == ch] if len(t) else t
            if sub.empty:
                continue
            y = int(sub["year"].max())
            s = sub[sub["year"] == y].set_index("pole")["share"]
            brow = b[(b["channel"] == ch) & (b["year"] == y)]
            rows.append([label(ch), str(y),
                         *[pct(s[x]) if x in s.index else "-" for x in p.pole_set.ids],
                         fixed(brow["evenness"].iloc[0]) if len(brow) else "",
                         pole_label(p, brow["dominant_pole"].iloc[0]) if len(brow) else ""])
        blocks.append(Heading("Shares by pole, latest year of each channel"))
        blocks.append(Table("shares", header, rows,
                            [False, True, *[True] * len(p.pole_set.ids), True, False],
                            [1.3, 0.7, *[1.0] * len(p.pole_set.ids), 0.9, 1.4],
                            "Each channel's shares over the poles only (the rest of the world "
                            "left out), as the index uses them."))
    blocks += [
        figure("tilt", tilt_lines(p), caption(p, SOURCES["balance"], years),
                "the tilt"),
        figure("tiltmap", tilt_heatmap(p),
                caption(p, SOURCES["balance"], years, shaded=False), "the tilt by channel"),
    ]
    d = p.decomposition
    comp = composite_rows(p)
    dfig = figure("decomposition", decomposition(p),
                   caption(p, SOURCES["balance"], comp["year"].iloc[[0, -1]] if len(comp) > 1
                           else None, "Years compared", shaded=False),
                   "a change of the composite (it needs a composite in two years)")
    blocks.append(dfig)
    if len(d):
        blocks.append(Paragraph(
            f"Residual of the decomposition (change minus the sum of the bars): "
            f"{d.attrs.get('residual', float('nan')):.1e}. A channel marked 'no data in' a year "
            "enters or leaves the composite between the two years; its bar measures that, not "
            "a change of policy. Formats marked 'none in' a year: the state shared no format "
            "of the table with any pole that year, so the channel was not in the composite.",
            "method"))
    w = p.balance_options.weight_dict() if p.balance_options is not None else {}
    weights = ", ".join(f"{WORDS.get(k, k)} {v:g}" for k, v in w.items())
    blocks.append(Paragraph(
        "Evenness is Pielou's J = H / ln n over the poles, H = −Σ s ln s the Shannon entropy of "
        "the shares (rest of the world left out, shares renormalised to sum to one): 1 for equal "
        "shares, 0 when one pole takes all. The composite is the weighted mean of the channels' "
        f"share vectors (weights: {weights}; renormalised over the channels with data; at least "
        f"{min_channels(p)} channels). Intervals: UN votes, a bootstrap over roll calls; trade, "
        "the range between the state's own and its partners' figures; the composite carries "
        "both. The tilt is the centred log-ratio of each pole's share, ln s − mean ln s (0 = the "
        "geometric-mean pole). The decomposition splits the change of the composite between "
        "its first and last year into contributions of channel × pole by integrated gradients; "
        "they add up to the change.", "method"))
    return Section("balance", "Balance by channel, tilt and change", blocks, "Balance")
