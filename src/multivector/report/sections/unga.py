"""The UN General Assembly section: alignment with each pole, ideal points, the measures side
by side."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import session_year
from multivector.measures.similarity import MEASURE_TITLES, MEASURES
from multivector.report.charts.common import pole_label
from multivector.report.charts.unga import ideal_points, unga_alignment
from multivector.report.tree import (
    Block,
    Heading,
    Link,
    Paragraph,
    Section,
    Table,
    figure,
)
from multivector.report.words import (
    SOURCES,
    caption,
    fixed,
)

CONTRAST = (*MEASURES, "idealpoint_distance")
SHORT_MEASURES = {"agreement": "agreement", "agreement_half": "agreement, ½ for abstaining",
                  "kappa": "Cohen's kappa", "pi": "Scott's pi", "s_abs": "S, absolute",
                  "s_sq": "S, squared", "idealpoint_distance": "ideal-point distance"}


def unga_section(p: Profile) -> Section:
    """UN General Assembly: alignment with bands, ideal points, the measures side by side."""
    o = p.unga_options
    blocks: list[Block] = [
        figure("unga", unga_alignment(p),
                caption(p, SOURCES["unga"], p.unga["year"] if len(p.unga) else None,
                        "Sessions opened"),
                f"{p.name}'s UN General Assembly votes"),
        figure("idealpoints", ideal_points(p),
                caption(p, SOURCES["unga"] + "; multivector ideal points",
                        p.idealpoints["year"] if len(p.idealpoints) else None,
                        "Sessions opened"),
                "ideal points (the warehouse was built without them)"),
    ]
    c = p.unga_contrast
    if len(c):
        session = int(c["session"].max())
        rows = []
        for pole in p.pole_set.ids:
            sub = c[c["pole"] == pole].set_index("measure")
            if sub.empty:
                continue
            row: list[str | Link] = [pole_label(p, pole)]
            for m in CONTRAST:
                row.append(fixed(sub.loc[m, "value"] + 0.0).replace("−0.00", "0.00")
                           if m in sub.index else "")
            row.append(f"{sub.loc['agreement', 'n_votes']:.0f}" if "agreement" in sub.index
                       else "")
            rows.append(row)
        opened = session_year(session)
        blocks.append(Heading(f"Session {session} ({opened}-{(opened + 1) % 100:02d}): the "
                              "measures side by side"))
        blocks.append(Table("unga-measures",
                            ["Pole", *[SHORT_MEASURES.get(m, MEASURE_TITLES[m]) for m in CONTRAST],
                             "joint votes"],
                            rows, [False, *[True] * (len(CONTRAST) + 1)],
                            [1.6, *[1.0] * len(CONTRAST), 0.8]))
        blocks.append(Paragraph(
            "Agreement counts identical votes; the half-credit variant gives 0.5 when one "
            "state abstains. Cohen's kappa and Scott's pi correct agreement for what the two "
            "states' vote shares would produce by chance (Häge 2011), so they fall when both "
            "vote yes on almost everything. Signorino and Ritter's S measures distance on the "
            "yes-abstain-no scale (1999), from -1 to 1. The ideal-point distance is the gap "
            "between the two states' positions on the dynamic scale below (0 = same position).",
            "method"))
    bloc = ("For a bloc pole the value is the unweighted mean over the members of the year the "
            "session opened, with the focal state left out."
            if o.bloc == "mean" else
            "For a bloc pole the value is taken against the bloc's majority position on each "
            "roll call (no position on a tie).")
    band = (f", with a {o.level:.0%} percentile band from {o.n_boot} bootstrap resamples of "
            f"each session's roll calls (seed {o.seed})" if o.n_boot else "")
    blocks.append(Paragraph(
        f"The first chart shows {MEASURE_TITLES[o.alignment_measure].lower()}{band}. Agreement "
        f"is the share of roll calls, among those where both cast yes, abstain or no, on which "
        f"{p.name} and the pole cast the same vote (Voeten's definition; Bailey, Strezhnev & "
        f"Voeten 2017). Absences and non-membership are missing, never votes. {bloc} Roll calls "
        "combine Voeten's long release (to 2015), the unvotes package (to 2019) and the wide "
        "table of current members (to June 2024); sessions after 2019 are derived from the vote "
        "dates. Ideal points: dynamic ordinal ideal points (Bailey, Strezhnev & Voeten 2017's "
        "model), an ordered probit on no < abstain < yes in one dimension, following a random "
        "walk from session to session, fitted to every recorded vote 1946-2024; the United "
        "States is on the positive side; bands are 95% Laplace intervals.", "method"))
    return Section("unga", "UN General Assembly votes", blocks, "UN votes")
