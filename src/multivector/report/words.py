"""The report's words: numbers as text, lists, spans of years, captions, sources, rank bands.

Nothing is estimated here. Sentences pick values from the profile and format them with these
helpers; words that judge, such as "among the most evenly spread quarter of states", come from
the stated thresholds of :data:`RANK_BANDS` and are documented in ``docs/report.md``.
"""

from __future__ import annotations

import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report.charts.common import pole_label

# A state's place among all states, as words. The share is rank / states ranked in the year
# (1 = most even); the bands are quarters, and they are the only judgement words the report uses.
RANK_BANDS: tuple[tuple[float, str], ...] = (
    (0.25, "among the most evenly spread quarter of states"),
    (0.75, "in the middle half of states"),
    (1.00, "among the most concentrated quarter of states"),
)

# The sources a figure's caption names.
SOURCES = {
    "unga": "UN General Assembly roll calls (Voeten, Strezhnev & Bailey; three releases "
            "combined)",
    "trade": "IMF Direction of Trade Statistics",
    "security": "ATOP 5 alliance obligations (Leeds et al. 2002)",
    "igo": "COW Intergovernmental Organizations v3 (Pevehouse et al. 2020)",
    "formats": "multivector formats table (official sources in the table below)",
    "minerals": "BGS World Mineral Production (2016); Clio Infra & USGS metal production, "
                "via Our World in Data",
    "wdi": "World Bank World Development Indicators",
    "balance": "multivector balance index, from the channels' shares by pole",
    "sensitivity": "multivector sensitivity run (every state, 1,414 analyses a year)",
    "visits": "U.S. Department of State, Office of the Historian, Travels of the President and "
              "Travels of the Secretary of State",
    "power": "multivector middle-power index (WDI, SIPRI, COW NMC, COW IGO, ATOP, IMF DOTS, "
             "UN votes)",
}


def fixed(x: float, nd: int = 2) -> str:
    """A number with ``nd`` decimals and a true minus sign."""
    return f"{x:.{nd}f}".replace("-", "−")


def signed(x: float, nd: int = 2) -> str:
    """A number with its sign always shown (a true minus sign)."""
    return f"{x:+.{nd}f}".replace("-", "−")


def pct(x: float, nd: int = 0) -> str:
    """A share as a percentage: ``0.25`` -> ``25%``."""
    return f"{100 * x:.{nd}f}%"


def points(x: float) -> str:
    """A difference of shares in percentage points: ``0.12`` -> ``12 percentage points``."""
    n = round(100 * x)
    return f"{n} percentage point{'' if n == 1 else 's'}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def and_list(items: list[str]) -> str:
    """``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def span(first: int | None, last: int | None) -> str:
    """``1992-2020``, one year alone, or ``no data``."""
    if first is None or last is None:
        return "no data"
    return str(first) if first == last else f"{first}-{last}"


def caption(p: Profile, source: str, years: pd.Series | None, what: str = "Data",
            shaded: bool = True) -> str:
    """``Source: …. Data 1992-2020; 2021-2024 shaded: no data.`` for a figure.

    ``shaded`` says whether the chart has a time axis that shows the years without data.
    """
    if years is None or len(years) == 0:
        return f"Source: {source}."
    first, last = int(years.min()), int(years.max())
    text = f"Source: {source}. {what} {span(first, last)}"
    if not shaded:
        return text + "."
    if last < p.years[1]:
        gap = span(last + 1, p.years[1])
        text += f"; {gap} shaded: no data, nothing estimated"
    return text + "."


def the_pole(p: Profile, pole: str) -> str:
    """A pole's label as it reads inside a sentence: "the European Union", "China"."""
    label = pole_label(p, pole)
    return f"the {label}" if label.startswith(("United ", "European ", "Gulf ")) else label


def rank_band(rank: float, n_states: float) -> str:
    """The words of :data:`RANK_BANDS` for a rank among ``n_states`` (1 = most even)."""
    share = rank / n_states
    for limit, words in RANK_BANDS:
        if share <= limit:
            return words
    return RANK_BANDS[-1][1]

