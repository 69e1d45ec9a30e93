"""Bridging: which roll calls of different sessions share their item parameters.

Rule (``bridging="title"``): only votes on whole resolutions (not amendments, not separate
paragraphs) bridge. Their key is the unvotes short title, normalised (lower case, punctuation
and repeated spaces removed), or, where there is no short title, the description without its
trailing ": resolution / adopted by the General Assembly". Roll calls with the same key in
different sessions form one bridge group; a key that occurs more than once in one session
(several different motions under one title) bridges nothing in that session. Sessions after
2019 have no titles in the sources: their roll calls are free items, tied to the scale by the
random walk of the states' ideal points alone.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

BRIDGING = ("title", "none")

_TITLE_TAIL = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the general assembly.*$")
_NOT_TITLE = re.compile(r"^(?:the )?(?:acting )?president|^a recorded vote|^draft resolution")


def bridge_keys(rollcalls: pd.DataFrame) -> pd.Series:
    """The bridging key of each roll call (missing where it does not bridge).

    See the module docstring for the rule. ``rollcalls`` needs ``session, short, descr, amend,
    para``.
    """
    def norm(s: pd.Series) -> pd.Series:
        s = s.astype("string").str.lower().str.replace(_TITLE_TAIL, "", regex=True)
        s = s.str.replace(r"[^a-z0-9 ]", " ", regex=True).str.replace(r"\s+", " ", regex=True)
        return s.str.strip().replace("", pd.NA)

    short = norm(rollcalls["short"]) if "short" in rollcalls else pd.Series(pd.NA,
                                                                             index=rollcalls.index)
    descr = norm(rollcalls["descr"]) if "descr" in rollcalls else short
    descr = descr.where(~descr.fillna("").str.contains(_NOT_TITLE))
    key = short.fillna(descr)
    whole = ~(rollcalls.get("amend", pd.Series(False, index=rollcalls.index))
              .astype("boolean").fillna(False).astype(bool)
              | rollcalls.get("para", pd.Series(False, index=rollcalls.index))
              .astype("boolean").fillna(False).astype(bool))
    key = key.where(whole)
    per_session = key.groupby([rollcalls["session"], key]).transform("size")
    key = key.where(per_session == 1)
    n_sessions = rollcalls["session"].groupby(key).transform("nunique")
    return key.where(n_sessions > 1)


def item_groups(items: pd.DataFrame, rollcalls: pd.DataFrame, bridging: str
                ) -> tuple[pd.DataFrame, int]:
    """The item group of each roll call: one per bridge key, one per unbridged roll call.

    Parameters
    ----------
    items : pandas.DataFrame
        ``rcid, session`` of the roll calls that enter the fit.
    rollcalls : pandas.DataFrame
        Indexed by ``rcid``, with ``short, descr, amend, para`` where known.
    bridging : {"title", "none"}
        The rule (see the module docstring) or none.

    Returns
    -------
    (pandas.DataFrame, int)
        ``items`` with ``bridge_key``, ``group`` (0 .. groups - 1) and ``bridge_group``
        (missing for an item that bridges nothing), and the number of groups.
    """
    items = items.copy()
    if bridging == "title":
        meta = rollcalls.loc[items["rcid"]].reset_index()
        for col in ("short", "descr", "amend", "para"):
            if col not in meta:
                meta[col] = pd.NA
        key = bridge_keys(meta).to_numpy()
    else:
        key = np.full(len(items), pd.NA, dtype=object)
    items["bridge_key"] = key
    label = pd.Series(key, dtype="object").fillna("rcid:" + items["rcid"].astype(str))
    codes, uniques = pd.factorize(label)
    items["group"] = codes
    items["bridge_group"] = pd.array(codes, dtype="Int64")
    items.loc[pd.isna(key), "bridge_group"] = pd.NA
    return items, len(uniques)
