"""Small profiles built by hand for the report tests (no warehouse): one place for the shape."""

from __future__ import annotations

import pandas as pd

from multivector.analysis.alignment import UngaOptions
from multivector.analysis.coverage import Coverage
from multivector.analysis.profile import Profile
from multivector.core import poles


def bare_profile(iso3: str = "KAZ", name: str = "Kazakhstan",
                 years: tuple[int, int] = (1992, 2024)) -> Profile:
    """A profile with nothing in it, as a warehouse without any source would give."""
    cov = [Coverage("Trade by partner", "IMF DOTS", None, None, years)]
    return Profile(iso3, name, years, poles.load_pole_set("core"), pd.DataFrame(
        columns=["year", "indicator", "value"]), {}, pd.DataFrame(), pd.DataFrame(),
        UngaOptions(), pd.DataFrame(), pd.DataFrame(), cov,
        pd.DataFrame(columns=["source", "title", "citation", "coverage", "licence", "files",
                              "rows"]), {"built_at": "2026-01-01"})
