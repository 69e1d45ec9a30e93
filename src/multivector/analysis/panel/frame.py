"""The frame every channel ends in: shares by pole, one row per focal state, pole and year."""

from __future__ import annotations

import pandas as pd

SHARE_COLUMNS = ["iso3", "channel", "pole", "year", "value", "share", "total", "n_members",
                 "flag"]


def empty_shares() -> pd.DataFrame:
    """A frame of :data:`SHARE_COLUMNS` without rows (a channel with no data)."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "share", "total")
                                      else "object") for c in SHARE_COLUMNS})
