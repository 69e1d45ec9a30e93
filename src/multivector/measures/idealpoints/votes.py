"""The vote list of an ideal-point fit in index form: state-session cells, item groups, votes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from multivector.measures.idealpoints.bridging import BRIDGING, item_groups

MODES = ("ordinal", "binary")
KEEP = {"ordinal": [1, 2, 3], "binary": [1, 3]}  # Voeten's codes: 1 yes, 2 abstain, 3 no
CATEGORY = {"ordinal": {3: 0, 2: 1, 1: 2}, "binary": {3: 0, 1: 1}}  # code -> category


@dataclass
class VoteData:
    """The vote list in index form, sorted by category so that each is one slice."""

    cell: np.ndarray  # state-session cell of each vote
    group: np.ndarray  # item group of each vote
    y: np.ndarray  # 0 no, 1 abstain, 2 yes (binary: 0 no, 1 yes)
    bounds: list[tuple[int, int]]  # slice of each category
    n_cells: int
    n_groups: int
    prev: np.ndarray  # previous cell of the same state (-1 for a first cell)
    gap: np.ndarray  # sessions since the previous cell
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # e.g. device copies

    @property
    def n_cuts(self) -> int:
        """Cutpoints per item: 2 for ordinal votes (no < abstain < yes), 1 for binary."""
        return len(self.bounds) - 1

    def with_votes(self, y: np.ndarray) -> VoteData:
        """The same cells and items with other votes (for the parametric bootstrap)."""
        order = np.argsort(y, kind="stable")
        y = y[order]
        edges = np.searchsorted(y, np.arange(len(self.bounds) + 1))
        return VoteData(self.cell[order], self.group[order], y,
                        [(int(edges[c]), int(edges[c + 1])) for c in range(len(self.bounds))],
                        self.n_cells, self.n_groups, self.prev, self.gap)


def check_settings(mode: str, bridging: str) -> None:
    """Raise ValueError for an unknown ``mode`` or ``bridging``."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'ordinal' or 'binary', got {mode!r}")
    if bridging not in BRIDGING:
        raise ValueError(f"bridging must be 'title' or 'none', got {bridging!r}")


def prepare_votes(votes: pd.DataFrame, rollcalls: pd.DataFrame, mode: str, bridging: str
                  ) -> tuple[VoteData, pd.DataFrame, pd.DataFrame]:
    """The contested votes of ``votes`` in index form.

    Parameters
    ----------
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` with Voeten's codes (1 yes, 2 abstain, 3 no; others ignored).
    rollcalls : pandas.DataFrame
        ``rcid, session`` and, for bridging, ``short, descr, amend, para``.
    mode : {"ordinal", "binary"}
        Keep abstentions as the middle category, or drop them.
    bridging : {"title", "none"}
        How roll calls share item parameters (:mod:`.bridging`).

    Returns
    -------
    (VoteData, pandas.DataFrame, pandas.DataFrame)
        The votes; the cells ``iso3, session`` (sorted, the index of theta); the items
        ``rcid, session, bridge_key, group, bridge_group``.

    Raises
    ------
    ValueError
        When no roll call among ``votes`` is contested (everyone voted alike on each).
    """
    v = votes[votes["vote"].isin(KEEP[mode])][["rcid", "iso3", "vote"]]
    rc = rollcalls.drop_duplicates("rcid").set_index("rcid")
    v = v[v["rcid"].isin(rc.index)]
    # roll calls on which everyone voted alike carry no information on positions
    spread = v.groupby("rcid")["vote"].nunique()
    v = v[v["rcid"].isin(spread.index[spread > 1])]
    if v.empty:
        raise ValueError("no contested roll calls among the votes given")
    session = rc.loc[v["rcid"], "session"].to_numpy()
    cells = (pd.DataFrame({"iso3": v["iso3"].to_numpy(), "session": session})
             .drop_duplicates().sort_values(["iso3", "session"]).reset_index(drop=True))
    cell = pd.MultiIndex.from_frame(cells).get_indexer(
        pd.MultiIndex.from_arrays([v["iso3"].to_numpy(), session]))
    same_state = cells["iso3"].eq(cells["iso3"].shift()).to_numpy()
    prev = np.where(same_state, np.arange(len(cells)) - 1, -1)
    gap = np.where(same_state, cells["session"].diff().fillna(1), 1).astype(float)
    items = pd.DataFrame({"rcid": np.sort(v["rcid"].unique())})
    items["session"] = rc.loc[items["rcid"], "session"].to_numpy()
    items, n_groups = item_groups(items, rc, bridging)
    group = items.set_index("rcid").loc[v["rcid"], "group"].to_numpy()
    y = v["vote"].map(CATEGORY[mode])
    base = VoteData(cell.astype(np.int64), group.astype(np.int64), np.zeros(0, np.int8),
                    [(0, 0)] * (len(CATEGORY[mode])), len(cells), n_groups, prev, gap)
    return base.with_votes(y.to_numpy().astype(np.int8)), cells, items
