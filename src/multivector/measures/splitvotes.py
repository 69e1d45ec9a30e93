"""UNGA shares by pole counted on the roll calls that split the poles: pure functions.

Agreement with each pole, renormalised into shares, gives every state near-equal shares: most
General Assembly roll calls are lopsided yes votes on which every pole votes alike, so agreeing
with one pole is agreeing with all. Only a roll call on which the poles part says which pole a
state sides with (the logic of Voeten 2000, *International Organization* 54(2): 185-215, and
Bailey, Strezhnev & Voeten 2017, *Journal of Conflict Resolution* 61(2): 430-456: information
about positions comes from divisive votes).

Rule, for a focal state *f* and a session:

* **A pole's vote.** A state pole votes as it voted: yes (1), abstain (2) or no (3); absent
  (8) or not a member (9) is no vote. A bloc pole (the EU) votes its members' *plurality*: the
  vote cast by the most members voting yes, abstain or no, the focal state left out of its own
  bloc. A bloc whose members tie for the most common vote is *split* and has no vote on that
  roll call (it neither makes a roll call divisive nor is credited).
* **A split roll call.** At least two poles have a vote and they are not all the same. A pole
  that is the focal state itself (the United States seen from Washington) takes no part.
* **Credit.** On each split roll call *f* voted yes, abstain or no on, *f*'s vote goes to the
  poles that cast the same vote, shared equally:
  ``value_p = sum_r [v_f(r) = v_p(r)] / #{q : v_q(r) = v_f(r)}``; a split vote on which *f*
  matched no pole goes to the rest of the world. ``total`` is the number of split roll calls
  *f* voted on, so the shares of the poles and the rest of the world sum to one.

Consensus votes (every pole alike) carry no information about balance and are not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import REST

VOTES = (1, 2, 3)  # yes, abstain, no (Voeten's coding)


def pole_votes(votes: pd.DataFrame, members: pd.DataFrame,
               exclude: str | None = None) -> pd.DataFrame:
    """The vote of every pole on every roll call (a bloc: its members' plurality).

    Parameters
    ----------
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` (1 yes, 2 abstain, 3 no; other codes are no vote).
    members : pandas.DataFrame
        ``pole, iso3``: the poles' members that year.
    exclude : str, optional
        A state left out of every pole (the focal state).

    Returns
    -------
    pandas.DataFrame
        ``rcid, pole, vote``: one row per roll call and pole with a vote; a bloc tied between
        two votes and a pole none of whose members voted have no row.
    """
    m = members if exclude is None else members[members["iso3"] != exclude]
    v = votes[votes["vote"].isin(VOTES)]
    j = v.merge(m[["pole", "iso3"]], on="iso3")
    if j.empty:
        return pd.DataFrame({"rcid": pd.Series(dtype="int64"), "pole": pd.Series(dtype=object),
                             "vote": pd.Series(dtype="int64")})
    n = j.groupby(["rcid", "pole", "vote"]).size().rename("n").reset_index()
    top = n.groupby(["rcid", "pole"])["n"].transform("max")
    best = n[n["n"] == top]
    ties = best.groupby(["rcid", "pole"])["vote"].transform("size")
    return best[ties == 1][["rcid", "pole", "vote"]].reset_index(drop=True)


def _plurality(n: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``keys`` + ``vote`` where one vote has strictly the most members (``n``)."""
    n = n[n["n"] > 0]
    best = n[n["n"] == n.groupby(keys)["n"].transform("max")]
    return best[best.groupby(keys)["vote"].transform("size") == 1][[*keys, "vote"]]


def context_pole_votes(votes: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """:func:`pole_votes` for every reading at once: ``ctx`` empty for a state in no pole, and
    for each pole member ``ctx`` = that member, left out of its poles (a member's own vote is
    taken off its bloc's counts; a pole it is the only member of has no vote).

    Returns ``ctx, rcid, pole, vote``; equal, reading by reading, to :func:`pole_votes` with
    ``exclude`` the member.
    """
    v = votes[votes["vote"].isin(VOTES)][["rcid", "iso3", "vote"]]
    n = (v.merge(members[["pole", "iso3"]], on="iso3").groupby(["rcid", "pole", "vote"])
         .size().rename("n").reset_index())
    base = _plurality(n, ["rcid", "pole"])
    pairs = members[["pole", "iso3"]].drop_duplicates().rename(columns={"iso3": "ctx"})
    # each member's own poles: its vote taken off the counts
    mine = v.rename(columns={"iso3": "ctx", "vote": "_v"})
    adj = n.merge(pairs, on="pole").merge(mine, on=["ctx", "rcid"], how="left")
    adj = adj.assign(n=adj["n"] - (adj["vote"] == adj["_v"]).astype(int))
    own = _plurality(adj, ["ctx", "rcid", "pole"])
    # the other poles as everyone reads them
    ctxs = pairs[["ctx"]].drop_duplicates()
    other = ctxs.merge(base, how="cross").merge(pairs.assign(_own=True), on=["ctx", "pole"],
                                                 how="left")
    other = other[other["_own"].isna()]
    out = pd.concat([base.assign(ctx=""), own, other], ignore_index=True)
    return out[["ctx", "rcid", "pole", "vote"]]


def split_rollcalls(pv: pd.DataFrame) -> pd.Series:
    """The roll calls of ``pv`` (:func:`pole_votes`) on which the poles split."""
    g = pv.groupby("rcid")["vote"]
    k = g.agg(["size", "nunique"])
    return pd.Series(k.index[(k["size"] >= 2) & (k["nunique"] >= 2)], name="rcid")


def credit(own: pd.DataFrame, pv: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Credit of focal states' votes to the poles on split roll calls.

    Parameters
    ----------
    own : pandas.DataFrame
        ``iso3, rcid, vote`` (and ``ctx``, the reading of the poles' votes that applies to the
        state: see :func:`context_pole_votes`): the focal states' votes.
    pv : pandas.DataFrame
        ``rcid, pole, vote`` (and ``ctx``): the poles' votes with the focal states left out
        (:func:`pole_votes`, :func:`context_pole_votes`).

    Returns
    -------
    (pandas.DataFrame, pandas.Series)
        ``iso3, pole, value`` per focal state and pole matched at least once, plus :data:`REST`
        (split votes that matched no pole); and, per focal state, the number of split roll
        calls it voted on (states with none are absent).
    """
    if "ctx" not in pv:
        pv, own = pv.assign(ctx=""), own.assign(ctx="")
    k = pv.groupby(["ctx", "rcid"])["vote"].agg(["size", "nunique"])
    split = k[(k["size"] >= 2) & (k["nunique"] >= 2)].index.to_frame(index=False)
    mine = own[own["vote"].isin(VOTES)].merge(split, on=["ctx", "rcid"])
    n = mine.groupby("iso3")["rcid"].nunique()
    hit = mine.merge(pv, on=["ctx", "rcid", "vote"])
    k = hit.groupby(["iso3", "rcid"])["pole"].transform("size")
    value = (1.0 / k).groupby([hit["iso3"], hit["pole"]]).sum().rename("value").reset_index()
    matched = hit.groupby("iso3")["rcid"].nunique().reindex(n.index, fill_value=0)
    rest = pd.DataFrame({"iso3": n.index, "pole": REST,
                         "value": (n - matched).astype(float).to_numpy()})
    return pd.concat([value, rest], ignore_index=True), n


def split_vote_shares(votes: pd.DataFrame, rollcalls: pd.DataFrame, membership: pd.DataFrame,
                      focal: list[str] | None = None) -> pd.DataFrame:
    """UNGA shares by pole from split roll calls, for every focal state and year.

    Parameters
    ----------
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` of every state that voted (the poles' members included).
    rollcalls : pandas.DataFrame
        ``rcid, year``: the year each roll call counts in (the year its session opened).
    membership : pandas.DataFrame
        ``pole, iso3, year`` (:meth:`multivector.core.poles.PoleSet.membership`).
    focal : list of str, optional
        Focal states; every state that voted when None.

    Returns
    -------
    pandas.DataFrame
        ``iso3, pole, year, value, share, total, n_members, flag``: one row per focal
        state-year with at least one yes, abstain or no, per pole and the rest of the world.
        ``value`` is the credit (see the module docstring), ``total`` the number of split roll
        calls the state voted on, ``share = value / total``. ``flag``: ``self`` (a pole that
        is the focal state itself: no value) or ``no split votes`` (no share can be formed).
    """
    poles = list(dict.fromkeys(membership["pole"]))
    v = votes.merge(rollcalls[["rcid", "year"]], on="rcid")
    frames = []
    for year, vy in v.groupby("year", sort=True):
        mem = membership[membership["year"] == year]
        states = vy.loc[vy["vote"].isin(VOTES), "iso3"].drop_duplicates()
        if focal is not None:
            states = states[states.isin(focal)]
        in_pole = set(mem["iso3"])
        own = vy[vy["iso3"].isin(states)][["iso3", "rcid", "vote"]]
        # states in no pole share one reading of the poles' votes; a pole member has its own
        own = own.assign(ctx=own["iso3"].where(own["iso3"].isin(in_pole), ""))
        value, n = credit(own, context_pole_votes(vy, mem))
        n = n.reindex(states, fill_value=0)
        grid = pd.DataFrame({"iso3": states.to_numpy()}).merge(
            pd.DataFrame({"pole": [*poles, REST]}), how="cross")
        grid = grid.merge(value, on=["iso3", "pole"], how="left")
        grid["total"] = grid["iso3"].map(n).astype(float)
        grid["value"] = np.where(grid["total"] > 0, grid["value"].fillna(0.0), np.nan)
        cnt = mem.groupby("pole")["iso3"].agg(set)
        grid["n_members"] = [0 if p == REST else len(cnt.get(p, set()) - {s})
                             for s, p in zip(grid["iso3"], grid["pole"], strict=True)]
        selfp = ((grid["n_members"] == 0) & (grid["pole"] != REST)).to_numpy() & np.array(
            [s in cnt.get(p, set()) for s, p in zip(grid["iso3"], grid["pole"], strict=True)],
            dtype=bool)
        grid["flag"] = np.where(selfp, "self",
                                np.where(grid["total"] > 0, "", "no split votes"))
        grid.loc[selfp, "value"] = np.nan
        frames.append(grid.assign(year=int(year)))
    cols = ["iso3", "pole", "year", "value", "share", "total", "n_members", "flag"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["share"] = out["value"] / out["total"].where(out["total"] > 0)
    return out[cols]


def rollcall_credit(votes: pd.DataFrame, members: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Per roll call, what one focal state's vote gives each pole (one session's votes).

    Returns
    -------
    pandas.DataFrame
        ``rcid, pole, credit``: for every split roll call the state voted on, the credit of
        each matched pole (``1 / #matched``) or :data:`REST` 1 when it matched none. Summed
        over roll calls it is :func:`split_vote_shares`' ``value``; the number of distinct
        ``rcid`` is its ``total``.
    """
    pv = pole_votes(votes, members, exclude=iso3)
    split = split_rollcalls(pv)
    own = votes[(votes["iso3"] == iso3) & votes["vote"].isin(VOTES) & votes["rcid"].isin(split)]
    hit = own[["rcid", "vote"]].merge(pv, on=["rcid", "vote"])
    hit = hit.assign(credit=1.0 / hit.groupby("rcid")["pole"].transform("size"))
    miss = own.loc[~own["rcid"].isin(hit["rcid"]), ["rcid"]].assign(pole=REST, credit=1.0)
    return pd.concat([hit[["rcid", "pole", "credit"]], miss], ignore_index=True)


def bootstrap_shares(votes: pd.DataFrame, rollcalls: pd.DataFrame, membership: pd.DataFrame,
                     iso3: str, n_boot: int, seed: int) -> pd.DataFrame:
    """Split-vote shares of one state under resampled roll calls.

    Each session's roll calls are drawn with replacement, as many as it held (split or not, so
    the number of split votes varies as it would across sessions), ``n_boot`` times; a
    replicate's share is ``sum_r n_r c_rp / sum_r n_r s_r`` with ``n_r`` the draws of roll call
    *r*, ``c_rp`` its credit to pole *p* (:func:`rollcall_credit`) and ``s_r`` 1 when it is a
    split roll call the state voted on (Efron & Tibshirani 1993, the nonparametric bootstrap).

    Returns
    -------
    pandas.DataFrame
        ``year, replicate, pole, share`` over the poles and :data:`REST` (poles that are the
        state itself left out).
    """
    rng = np.random.default_rng(seed)
    v = votes.merge(rollcalls[["rcid", "year"]], on="rcid")
    poles = [p for p in dict.fromkeys(membership["pole"])]
    frames = []
    for year, rc in rollcalls.groupby("year", sort=True):
        mem = membership[membership["year"] == year]
        own_poles = set(mem.groupby("pole")["iso3"].agg(set).loc[
            lambda s: s.map(lambda m: m == {iso3})].index)
        cols = [p for p in poles if p not in own_poles] + [REST]
        c = rollcall_credit(v[v["year"] == year], mem, iso3)
        ids = rc["rcid"].to_numpy()
        C = (c.pivot_table(index="rcid", columns="pole", values="credit", aggfunc="sum")
             .reindex(index=ids, columns=cols).fillna(0.0).to_numpy())
        s = np.isin(ids, c["rcid"].unique()).astype(float)
        draws = rng.multinomial(len(ids), np.full(len(ids), 1.0 / len(ids)), size=n_boot)
        tot = draws @ s
        with np.errstate(invalid="ignore", divide="ignore"):
            sh = (draws @ C) / np.where(tot > 0, tot, np.nan)[:, None]
        frames.append(pd.DataFrame(sh, columns=cols).rename_axis("replicate").reset_index()
                      .melt(id_vars="replicate", var_name="pole", value_name="share")
                      .assign(year=int(year)))
    if not frames:
        return pd.DataFrame(columns=["year", "replicate", "pole", "share"])
    return pd.concat(frames, ignore_index=True)[["year", "replicate", "pole", "share"]]
