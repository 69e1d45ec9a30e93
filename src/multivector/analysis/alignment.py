"""The UNGA part of a profile: the analyst's UNGA choices (:class:`UngaOptions`), the focal
state's alignment with each pole with bootstrap intervals, its ideal points against the poles',
and every alignment measure of one session side by side."""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd
from scipy.special import ndtri

from multivector.analysis.options import UngaChannel
from multivector.core import poles as poles_mod
from multivector.core import validate
from multivector.core.errors import OptionError
from multivector.core.vocabulary import session_year
from multivector.measures import alignment, similarity
from multivector.warehouse import idealpoints as idealpoint_store
from multivector.warehouse.readers import has_table, load_rollcalls, load_votes, session_range

TRAJECTORY_COLUMNS = ["who", "session", "year", "theta", "lo", "hi"]


@dataclass(frozen=True)
class UngaOptions:
    """The analyst's choices for the UNGA channel (defaults documented in docs/methods.md)."""

    measure: str = "split"  # the channel's; the alignment section shows agreement then
    bloc: str = "mean"
    by: str = "session"
    issue: str | None = None
    important_only: bool = False
    amendments: bool = True
    paragraphs: bool = True
    n_boot: int = 500
    level: float = 0.95
    seed: int = 1992

    def __post_init__(self) -> None:  # the CLI's rules (multivector.core.validate), same words
        measures = ("split", *similarity.MEASURES, "idealpoint_distance")
        for name, value, allowed in (("measure", self.measure, measures),
                                     ("bloc", self.bloc, ("mean", "majority")),
                                     ("by", self.by, ("session", "year"))):
            if value not in allowed:
                raise OptionError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        validate.number(self.n_boot, "n_boot")
        validate.number(self.level, "level")
        validate.number(self.seed, "seed")

    @property
    def alignment_measure(self) -> str:
        """The dyadic measure the alignment section shows: split-vote shares are no dyadic
        alignment, so agreement then."""
        return "agreement" if self.measure == "split" else self.measure

    def channel(self) -> UngaChannel:
        """The UNGA channel of the balance under these choices
        (:class:`multivector.analysis.options.UngaChannel`)."""
        return UngaChannel(self.measure, self.issue, self.important_only, self.amendments,
                           self.paragraphs)


def unga_alignment(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                   pole_set: poles_mod.PoleSet, options: UngaOptions | None = None
                   ) -> pd.DataFrame:
    """Alignment of ``iso3`` with each pole per session (or year), with bootstrap intervals."""
    o = options or UngaOptions()
    if o.measure != o.alignment_measure:
        o = replace(o, measure=o.alignment_measure)
    membership = pole_set.membership(range(years[0], years[1] + 1))
    if o.measure == "idealpoint_distance":
        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
        sessions = session_range(years)
        points = points[points["session"].between(*sessions)]
        return alignment.idealpoint_distance(points, iso3, membership, pole_set.ids, o.level)
    rc = similarity.subset_rollcalls(load_rollcalls(con, years, o.by), o.issue,
                                     o.important_only, o.amendments, o.paragraphs)
    votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
    return alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids, o.measure,
                                    o.by, o.bloc, o.n_boot, o.level, o.seed)


def idealpoint_trajectories(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                            pole_set: poles_mod.PoleSet, level: float = 0.95) -> pd.DataFrame:
    """The focal state's ideal points and each pole's, per session, with intervals.

    Returns ``who, session, year, theta, lo, hi`` (``who`` is the ISO3 code of the focal
    state or a pole id); empty when the warehouse holds no ideal points.
    """
    if not has_table(con, "idealpoints"):
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    membership = pole_set.membership(range(years[0], years[1] + 1))
    points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
    points = points[points["session"].between(*session_range(years))]
    z = float(ndtri(0.5 + level / 2))
    focal = points[points["iso3"] == iso3].assign(who=iso3)
    focal = focal.assign(lo=focal["theta"] - z * focal["se"], hi=focal["theta"] + z * focal["se"])
    poles = alignment.pole_trajectories(points, membership, pole_set.ids, level)
    return pd.concat([focal.assign(year=session_year(focal["session"]))[TRAJECTORY_COLUMNS],
                      poles.rename(columns={"pole": "who"})[TRAJECTORY_COLUMNS]],
                     ignore_index=True)


def unga_contrast(con: duckdb.DuckDBPyConnection, iso3: str, session: int,
                  pole_set: poles_mod.PoleSet, bloc: str = "mean") -> pd.DataFrame:
    """Every measure of alignment with each pole in one session (for contrasting them)."""
    year = session_year(session)
    membership = pole_set.membership([year])
    rc = load_rollcalls(con, (year, year))
    votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
    frames = [alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids, m,
                                       bloc=bloc) for m in similarity.MEASURES]
    if has_table(con, "idealpoints"):  # a warehouse built before ideal points were cached
        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
        frames.append(alignment.idealpoint_distance(points[points["session"] == session], iso3,
                                                    membership, pole_set.ids))
    return pd.concat(frames, ignore_index=True)
