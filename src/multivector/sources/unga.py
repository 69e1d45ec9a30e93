"""UN General Assembly roll calls and votes: Voeten's data in its three published forms, read.

Forms (see ``data/sources.toml`` for the pinned files and citations):

``long``  Voeten's long release, 1946-2015 (``UNVotesPublished.RData``, object ``x``): one row per
          roll call and COW state, dissolved states included, votes coded 1 yes, 2 abstain,
          3 no, 8 absent, 9 not a member.
``pkg``   The unvotes R package, 1946-2019: roll calls with sessions, short titles and
          descriptions (``un_roll_calls``), issue codes (``un_roll_call_issues``) and
          yes/abstain/no votes by ISO2 (``un_votes``); absences and non-members are dropped.
``wide``  A wide table of today's members to June 2024 (``ungaVoting_003.csv``): one row per roll
          call, one column per ISO3 code, cells coded as in the long release.

:mod:`multivector.sources.unga_reconcile` reconciles the three into one roll-call table and one
vote table. *Session* is Voeten's where a release carries it (to 2019); for later roll calls it
is derived from the date by :func:`session_from_date` (regular sessions open in September; a vote
before the opening day belongs to the previous session's resumed part), a rule checked against
the known sessions of 1946-2019 in the tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

from multivector.core import states
from multivector.core.errors import ParseError
from multivector.core.vocabulary import year_session

ISSUES = ("me", "nu", "di", "hr", "co", "ec")
VOTE_CODES = (1, 2, 3, 8, 9)
PKG_VOTES = {"yes": 1, "abstain": 2, "no": 3}
YUG_LAST_YEAR = 1991  # COW 345: YUG to 1991, SRB from 1992 (data/cow_states.csv)

# Opening days of regular sessions that the rule below does not give (the GA moved the opening
# to the Tuesday of the second week from its 78th session).
OPENING_DAYS = {2023: dt.date(2023, 9, 5), 2024: dt.date(2024, 9, 10), 2025: dt.date(2025, 9, 9)}


@dataclass
class UngaForms:
    """The three forms, parsed: roll calls and votes of each."""

    long_rollcalls: pd.DataFrame
    long_votes: pd.DataFrame
    pkg_rollcalls: pd.DataFrame
    pkg_votes: pd.DataFrame
    wide_rollcalls: pd.DataFrame
    wide_votes: pd.DataFrame


def opening_day(year: int) -> dt.date:
    """Opening day of the regular session that begins in September of ``year``.

    From 2003 the session opens on the Tuesday of the third week of September, counting from
    the first week that contains at least one working day (GA resolution 57/301); before, on the
    third Tuesday of September; from 2023 as in ``OPENING_DAYS``.
    """
    if year in OPENING_DAYS:
        return OPENING_DAYS[year]
    first = dt.date(year, 9, 1)
    if year >= 2003:
        monday = first - dt.timedelta(days=first.weekday())
        if first.weekday() >= 5:  # Sat/Sun: first week with a working day starts next Monday
            monday += dt.timedelta(days=7)
        return monday + dt.timedelta(days=14 + 1)
    first_tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + dt.timedelta(days=14)


def session_from_date(dates: pd.Series) -> pd.Series:
    """Voeten's session number for roll calls on ``dates`` (session 1 opened in 1946).

    A roll call on or after the year's opening day belongs to the session that opened that year
    (:func:`multivector.core.vocabulary.year_session`); one before it, to the previous
    session's resumed part.
    """
    d = pd.to_datetime(dates)
    years = d.dt.year
    openings = pd.to_datetime(years.map(lambda y: opening_day(int(y))))
    return (year_session(years) - (d < openings).astype(int)).astype("Int16")


def _flag(series: pd.Series) -> pd.Series:
    """Voeten's 0/1 flags, stored as text with stray quotes in places ('0\"'), to booleans."""
    s = series.astype("string").str.replace(r"[^01]", "", regex=True)
    return s.map({"1": True, "0": False}).astype("boolean")


def read_long(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read Voeten's long release (``UNVotesPublished.RData``).

    Returns
    -------
    rollcalls, votes : pandas.DataFrame
        ``rcid, session, date, year, unres, important, me..ec`` and
        ``rcid, iso3, vote, ccode``.
    """
    path = Path(path)
    try:
        x = pyreadr.read_r(str(path))["x"]
    except KeyError:
        raise ParseError(str(path), "no object 'x' in the RData file") from None
    except Exception as exc:
        raise ParseError(str(path), f"not a readable RData file: {exc}") from exc
    need = {"rcid", "session", "vote", "ccode", "importantvote", "date", "unres", *ISSUES}
    missing = need - set(x.columns)
    if missing:
        raise ParseError(str(path), f"missing columns {sorted(missing)}")
    bad = ~x["vote"].isin(VOTE_CODES)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParseError(str(path), "vote code not in 1,2,3,8,9", row=i + 1,
                         value=x["vote"].iloc[i])
    x = x.reset_index(drop=True)
    date = pd.to_datetime(x["date"], format="%m/%d/%Y", errors="coerce")
    # one roll call (rcid 4592, 2004) has neither date nor resolution number: its year stands,
    # and combine() takes the date from the package. Anything unparseable is an error.
    bad_date = date.isna() & (x["date"].notna() | x["year"].isna())
    if bad_date.any():
        i = int(np.flatnonzero(bad_date.to_numpy())[0])
        raise ParseError(str(path), "date is not m/d/Y", row=i + 1, value=x["date"].iloc[i])
    year = date.dt.year.fillna(x["year"]).astype("int16")
    first = ~x["rcid"].duplicated()
    rc = pd.DataFrame({
        "rcid": x.loc[first, "rcid"].astype("int32"),
        "session": x.loc[first, "session"].astype("int16"),
        "date": date[first].dt.date,
        "year": year[first],
        "unres": x.loc[first, "unres"].astype("string").str.strip(),
        "important": _flag(x.loc[first, "importantvote"]),
        **{k: _flag(x.loc[first, k]) for k in ISSUES},
    }).reset_index(drop=True)
    iso3 = states.cow_to_iso3(x["ccode"], year)
    if iso3.isna().any():
        i = int(np.flatnonzero(iso3.isna().to_numpy())[0])
        raise ParseError(str(path), "COW code unknown to data/cow_states.csv", row=i + 1,
                         value=x["ccode"].iloc[i])
    votes = pd.DataFrame({"rcid": x["rcid"].astype("int32"), "iso3": iso3,
                          "vote": x["vote"].astype("int8"), "ccode": x["ccode"].astype("int16")})
    # two COW codes of one ISO3 state in one roll call (255 and 260 are both DEU in 1955-90,
    # 678 and 679 both YEM in 1990): keep the row that says most, a cast vote before an
    # absence before a non-membership (Voeten's codes sort that way)
    votes = (votes.sort_values(["rcid", "iso3", "vote"], kind="stable")
             .drop_duplicates(["rcid", "iso3"]).sort_index())
    return rc, votes


def read_pkg(votes_path: str | Path, rollcalls_path: str | Path,
             issues_path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the unvotes package's three tables.

    Returns
    -------
    rollcalls, votes : pandas.DataFrame
        ``rcid, session, date, unres, important, amend, para, short, descr, me..ec`` and
        ``rcid, iso3, vote, country`` (vote 1/2/3).
    """
    def one(p, name):
        try:
            return pyreadr.read_r(str(p))[name]
        except KeyError:
            raise ParseError(str(p), f"no object {name!r}") from None

    v = one(votes_path, "un_votes")
    r = one(rollcalls_path, "un_roll_calls")
    iss = one(issues_path, "un_roll_call_issues")
    bad = ~v["vote"].astype(str).isin(PKG_VOTES)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParseError(str(votes_path), "vote not yes/abstain/no", row=i + 1,
                         value=v["vote"].iloc[i])
    unknown_issue = ~iss["short_name"].isin(ISSUES)
    if unknown_issue.any():
        i = int(np.flatnonzero(unknown_issue.to_numpy())[0])
        raise ParseError(str(issues_path), "unknown issue code", row=i + 1,
                         value=iss["short_name"].iloc[i])
    flags = (iss.assign(flag=True).pivot_table(index="rcid", columns="short_name",
                                               values="flag", aggfunc="any")
             .reindex(columns=list(ISSUES)))
    rc = pd.DataFrame({
        "rcid": r["rcid"].astype("int32"),
        "session": r["session"].astype("int16"),
        "date": pd.to_datetime(r["date"]).dt.date,
        "unres": r["unres"].astype("string").str.strip(),
        "important": _flag(r["importantvote"]),
        "amend": _flag(r["amend"]),
        "para": _flag(r["para"]),
        "short": r["short"].astype("string").str.strip(),
        "descr": r["descr"].astype("string").str.strip(),
    })
    # a roll call absent from the issues table has no issue code: False, not unknown
    rc = rc.join(flags.astype("boolean").fillna(False), on="rcid")
    rc[list(ISSUES)] = rc[list(ISSUES)].fillna(False)
    # names first (they carry the historical states), ISO2 for the rest
    by_name = states.resolve_names(v["country"], "unvotes")
    by_name = by_name[by_name.kind != "unmapped"].set_index("label")["iso3"]
    iso3 = v["country"].map(by_name)
    by_iso2 = states.resolve_names(v["country_code"].dropna(), "unvotes", by="ISO2")
    iso3 = iso3.fillna(v["country_code"].map(by_iso2.set_index("label")["iso3"]))
    # unvotes calls Serbia "Yugoslavia" (YU) until 2006; COW code 345 and multivector map the
    # state to YUG to 1991 and SRB from 1992
    year = v["rcid"].astype("int32").map(rc.set_index("rcid")["date"].map(lambda d: d.year))
    iso3 = iso3.where(~((iso3 == "YUG") & (year >= YUG_LAST_YEAR + 1)), "SRB")
    votes = pd.DataFrame({"rcid": v["rcid"].astype("int32"), "iso3": iso3,
                          "vote": v["vote"].astype(str).map(PKG_VOTES).astype("int8"),
                          "country": v["country"].astype(str)})
    return rc, votes


def read_wide(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the wide table (one column per ISO3 code, cells 1/2/3/8/9).

    Returns
    -------
    rollcalls, votes : pandas.DataFrame
        ``rcid, date, me..ec, row`` and ``rcid, date, iso3, vote`` (``row`` is the 1-based
        file line of the roll call, used to tell apart re-numbered roll calls).
    """
    path = Path(path)
    w = pd.read_csv(path)
    head = ["rcid", "date", *ISSUES]
    if list(w.columns[:8]) != head:
        raise ParseError(str(path), f"first columns must be {head}", row=1,
                         value=list(w.columns[:8]))
    codes = list(w.columns[8:])
    bad_codes = [c for c in codes if len(c) != 3 or not c.isupper()]
    if bad_codes:
        raise ParseError(str(path), "country columns must be ISO3 codes", row=1,
                         value=bad_codes[:5])
    rcid = pd.to_numeric(w["rcid"], errors="coerce")
    bad_rcid = rcid.isna() | (rcid % 1 != 0)
    if bad_rcid.any():
        i = int(np.flatnonzero(bad_rcid.to_numpy())[0])
        raise ParseError(str(path), "rcid is missing or not an integer", row=i + 2,
                         value=w["rcid"].iloc[i])
    w["rcid"] = rcid.astype("int32")
    date = pd.to_datetime(w["date"], format="%Y-%m-%d", errors="coerce")
    if date.isna().any():
        i = int(np.flatnonzero(date.isna().to_numpy())[0])
        raise ParseError(str(path), "date is not Y-m-d", row=i + 2, value=w["date"].iloc[i])
    cells = w[codes].to_numpy(dtype=float)
    bad = ~np.isnan(cells) & ~np.isin(cells, VOTE_CODES)
    if bad.any():
        i, j = (int(a[0]) for a in np.nonzero(bad))
        raise ParseError(str(path), f"vote code not in 1,2,3,8,9 for {codes[j]}", row=i + 2,
                         value=cells[i, j])
    rc = pd.DataFrame({"rcid": w["rcid"].astype("int32"), "date": date.dt.date,
                       **{k: w[k].astype("boolean") for k in ISSUES},
                       "row": np.arange(2, len(w) + 2)})
    long = (w[["rcid"] + codes].assign(row=rc["row"]).melt(id_vars=["rcid", "row"],
                                                           var_name="iso3", value_name="vote")
            .dropna(subset=["vote"]))
    long["vote"] = long["vote"].astype("int8")
    long["rcid"] = long["rcid"].astype("int32")
    # the wide table recodes Yugoslavia as SRB throughout; before 1992 it is YUG here
    year = long["row"].map(pd.Series(date.dt.year.to_numpy(), index=rc["row"]))
    long.loc[(long["iso3"] == "SRB") & (year <= YUG_LAST_YEAR), "iso3"] = "YUG"
    return rc, long[["rcid", "row", "iso3", "vote"]].reset_index(drop=True)


def read_forms(long_path, pkg_paths: dict[str, Path], wide_path) -> UngaForms:
    """Parse all three forms; ``pkg_paths`` maps un_votes/un_roll_calls/un_roll_call_issues."""
    lr, lv = read_long(long_path)
    pr, pv = read_pkg(pkg_paths["un_votes"], pkg_paths["un_roll_calls"],
                      pkg_paths["un_roll_call_issues"])
    wr, wv = read_wide(wide_path)
    return UngaForms(lr, lv, pr, pv, wr, wv)
