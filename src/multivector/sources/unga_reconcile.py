"""UN General Assembly votes: the three published forms reconciled (:mod:`.unga` reads them).

Reconciliation (:func:`combine`), documented and tested:

1. *Roll-call identity* is Voeten's ``rcid``. A wide-table row whose rcid is already used by an
   earlier roll call with a different date is a different roll call that the wide table
   re-numbered (four roll calls of 2023 reuse rcids of 1954-57); it gets ``rcid + 100000`` and
   keeps the original in ``rcid_published``.
2. *Votes*: the first form that carries a roll call decides all its votes, in the order
   long > pkg > wide. For roll calls that only the package and the wide table carry
   (2016-2019), the package's yes/abstain/no stand, and the wide table adds the absences (8) and
   non-memberships (9) the package drops. Where the two disagree on a yes/abstain/no, the package
   wins; :func:`form_agreement` counts every such disagreement so that tests and users see them.
3. *Metadata*: date, session, resolution number and importance from long > pkg > wide; short
   titles, descriptions and the amendment and paragraph flags from the package; issue codes from
   long > pkg > wide.
4. *Roll-call set* is Voeten's: resolutions voted as a whole, the set his agreement scores and
   ideal points are computed on. The long release decides it for the sessions it covers
   (1-70): a roll call only the package or the wide table carries there is left out (345 in
   sessions 52-67: 301 votes on a separate paragraph, 14 on an amendment and 30 others, among
   them copies of long-release roll calls under a second rcid). After it, the package's votes on
   a paragraph or an amendment are left out (73 in sessions 71-72); the long release has none
   from session 40 on. :func:`reconcile` lists every roll call left out, with the reason.
5. *Session* is Voeten's where a release carries it (to 2019). For later roll calls it is derived
   from the date by :func:`multivector.sources.unga.session_from_date`; ``session_derived``
   flags them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from multivector.sources.unga import ISSUES, UngaForms, session_from_date

RENUMBER_OFFSET = 100_000


def _renumber_wide(forms: UngaForms) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give wide-table roll calls that reuse an earlier rcid for another date a new rcid."""
    wr = forms.wide_rollcalls.copy()
    known = pd.concat([forms.long_rollcalls[["rcid", "date"]],
                       forms.pkg_rollcalls[["rcid", "date"]]]).drop_duplicates("rcid")
    m = wr.merge(known, on="rcid", how="left", suffixes=("", "_known"))
    clash = m["date_known"].notna() & (m["date"] != m["date_known"])
    # within the wide table itself, a repeated rcid: the later row is the renumbered one
    clash |= wr["rcid"].duplicated(keep="first").to_numpy() & m["date_known"].isna()
    wr["rcid_published"] = wr["rcid"]
    wr.loc[clash.to_numpy(), "rcid"] = wr.loc[clash.to_numpy(), "rcid"] + RENUMBER_OFFSET
    remap = wr[["row", "rcid"]]
    wv = forms.wide_votes.drop(columns="rcid").merge(remap, on="row")
    return wr, wv


EXCLUDED_COLUMNS = ["rcid", "session", "date", "unres", "form", "reason"]


def outside_voeten(rollcalls: pd.DataFrame, long_ids: set, long_last_session: int) -> pd.Series:
    """Why a combined roll call is not in Voeten's set of whole-resolution votes (else NA).

    In the sessions the long release covers (to ``long_last_session``), its roll calls are the
    set: another form's roll call there is ``paragraph``, ``amendment`` (by the package's
    flags) or ``not in the long release``. After it, a roll call the package flags as a vote on
    a ``paragraph`` or an ``amendment`` is left out; the rest stand.
    """
    para = rollcalls["para"].astype("boolean").fillna(False).astype(bool)
    amend = rollcalls["amend"].astype("boolean").fillna(False).astype(bool)
    in_long = rollcalls["rcid"].isin(long_ids)
    covered = rollcalls["session"] <= long_last_session
    reason = pd.Series(pd.NA, index=rollcalls.index, dtype="string")
    flagged = ~in_long & (para | amend)
    reason[flagged & para] = "paragraph"
    reason[flagged & ~para] = "amendment"
    reason[~in_long & covered & ~flagged] = "not in the long release"
    return reason


@dataclass
class UngaTables:
    """The reconciled tables: Voeten's roll calls and their votes, and the roll calls left out."""

    rollcalls: pd.DataFrame
    votes: pd.DataFrame
    excluded: pd.DataFrame


def combine(forms: UngaForms) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reconcile the three forms into one roll-call table and one vote table.

    The roll calls are Voeten's set (rule 4 of the module docstring); :func:`reconcile` also
    returns those left out.

    Returns
    -------
    rollcalls : pandas.DataFrame
        ``rcid, rcid_published, session, session_derived, year, date, unres, short, descr,
        important, amend, para, me, nu, di, hr, co, ec, form``.
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` with Voeten's codes 1/2/3/8/9.
    """
    t = reconcile(forms)
    return t.rollcalls, t.votes


def reconcile(forms: UngaForms) -> UngaTables:
    """:func:`combine`, with the roll calls left out of Voeten's set.

    Returns
    -------
    UngaTables
        ``rollcalls`` and ``votes`` as :func:`combine`; ``excluded``: ``rcid, session, date,
        unres, form, reason`` for every roll call of a form that is not in Voeten's set (their
        votes are not stored).
    """
    lr, pr = forms.long_rollcalls, forms.pkg_rollcalls
    wr, wv = _renumber_wide(forms)
    base = pd.concat([lr.assign(form="long"), pr.assign(form="pkg"),
                      wr.drop(columns="row").assign(form="wide")], ignore_index=True)
    # precedence long > pkg > wide: first non-missing value per rcid, in form order
    order = {"long": 0, "pkg": 1, "wide": 2}
    base = base.assign(_o=base["form"].map(order)).sort_values(["rcid", "_o"], kind="stable")
    cols = ["session", "date", "year", "unres", "important", *ISSUES, "rcid_published"]
    meta = base.groupby("rcid", sort=True)[cols].first()
    form = base.groupby("rcid", sort=True)["form"].first()
    text = pr.set_index("rcid")[["short", "descr", "amend", "para"]]
    rc = meta.join(form).join(text).reset_index()
    rc["rcid_published"] = rc["rcid_published"].fillna(rc["rcid"]).astype("int32")
    derived = rc["session"].isna()
    rc.loc[derived, "session"] = session_from_date(rc.loc[derived, "date"])
    rc["session"] = rc["session"].astype("int16")
    rc["session_derived"] = derived
    rc["year"] = pd.to_datetime(rc["date"]).dt.year.fillna(rc["year"]).astype("int16")
    rc = rc[["rcid", "rcid_published", "session", "session_derived", "year", "date", "unres",
             "short", "descr", "important", "amend", "para", *ISSUES, "form"]]

    long_ids = set(lr["rcid"])
    pkg_ids = set(pr["rcid"]) - long_ids
    v_long = forms.long_votes[["rcid", "iso3", "vote"]]
    v_pkg = forms.pkg_votes.loc[forms.pkg_votes["rcid"].isin(pkg_ids), ["rcid", "iso3", "vote"]]
    # wide adds 8/9 for pkg-era roll calls, and everything for roll calls only it carries
    wide_pkg = wv[wv["rcid"].isin(pkg_ids) & wv["vote"].isin([8, 9])][["rcid", "iso3", "vote"]]
    wide_pkg = wide_pkg.merge(v_pkg[["rcid", "iso3"]], how="left", indicator=True)
    wide_pkg = wide_pkg.loc[wide_pkg["_merge"] == "left_only", ["rcid", "iso3", "vote"]]
    v_wide = wv.loc[~wv["rcid"].isin(long_ids | pkg_ids), ["rcid", "iso3", "vote"]]
    votes = pd.concat([v_long, v_pkg, wide_pkg, v_wide], ignore_index=True)
    votes["vote"] = votes["vote"].astype("int8")
    reason = outside_voeten(rc, long_ids, int(lr["session"].max()))
    out = reason.notna().to_numpy()
    excluded = rc.loc[out, EXCLUDED_COLUMNS[:-1]].assign(reason=reason[out]).reset_index(drop=True)
    rc = rc.loc[~out].reset_index(drop=True)
    votes = votes[votes["rcid"].isin(rc["rcid"])]
    return UngaTables(rc, votes.sort_values(["rcid", "iso3"], kind="stable")
                      .reset_index(drop=True), excluded)


def form_agreement(forms: UngaForms) -> pd.DataFrame:
    """How far the forms agree on the votes they share.

    For each pair of forms, over roll calls and states both carry with a yes, abstain or no in
    at least one of them: the number of cells compared, the number where both cast the same vote,
    and the number where one records a vote the other lacks (absent or not carried).

    Returns
    -------
    pandas.DataFrame
        ``form_a, form_b, rollcalls, cells, same, differ, share_same``.
    """
    _, wv = _renumber_wide(forms)
    frames = {
        "long": forms.long_votes[["rcid", "iso3", "vote"]].dropna(subset=["iso3"]),
        "pkg": forms.pkg_votes[["rcid", "iso3", "vote"]],
        "wide": wv[["rcid", "iso3", "vote"]],
    }
    rows = []
    for a, b in (("long", "pkg"), ("long", "wide"), ("pkg", "wide")):
        fa = frames[a][frames[a]["vote"] <= 3]
        fb = frames[b][frames[b]["vote"] <= 3]
        shared = set(fa["rcid"]) & set(fb["rcid"])
        fa, fb = fa[fa["rcid"].isin(shared)], fb[fb["rcid"].isin(shared)]
        common_states = set(fa["iso3"]) & set(fb["iso3"])
        fa, fb = fa[fa["iso3"].isin(common_states)], fb[fb["iso3"].isin(common_states)]
        # a state may appear twice in one roll call after mapping (e.g. none expected); keep first
        fa = fa.drop_duplicates(["rcid", "iso3"])
        fb = fb.drop_duplicates(["rcid", "iso3"])
        m = fa.merge(fb, on=["rcid", "iso3"], how="outer", suffixes=("_a", "_b"))
        same = int((m["vote_a"] == m["vote_b"]).sum())
        rows.append((a, b, len(shared), len(m), same, len(m) - same,
                     same / len(m) if len(m) else np.nan))
    return pd.DataFrame(rows, columns=["form_a", "form_b", "rollcalls", "cells", "same",
                                       "differ", "share_same"])
