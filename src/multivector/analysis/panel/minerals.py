"""Mineral production: every state's share of world production, and the poles' shares of the
minerals a focal state produces (:mod:`multivector.measures.minerals`)."""

from __future__ import annotations

import duckdb
import pandas as pd

from multivector.measures.minerals import pole_production, production_shares
from multivector.warehouse import readers


def mineral_production(con: duckdb.DuckDBPyConnection, years: tuple[int, int]
                       ) -> pd.DataFrame:
    """Production of every state, mineral and year with the world total, share and rank.

    The world total is the source's ``World`` row where it publishes one, else the sum over
    states (``world_basis`` says which). Rank 1 is the largest producer that year.

    Returns
    -------
    pandas.DataFrame
        ``iso3, mineral, year, value, unit, source, world, world_basis, share, rank,
        n_producers``.
    """
    if not readers.has_table(con, "minerals"):
        return pd.DataFrame(columns=["iso3", "mineral", "year", "value", "unit", "source",
                                     "world", "world_basis", "share", "rank", "n_producers"])
    return production_shares(readers.minerals(con, years))


def mineral_pole_shares(production: pd.DataFrame, membership: pd.DataFrame,
                        focal: list[str] | None = None) -> pd.DataFrame:
    """World production of each mineral the focal state produces, by pole and the focal state.

    Rows per focal state, mineral and year: the focal state itself (``pole`` = its ISO3,
    flag ``focal``), every pole (members' production summed; the focal state left out of a
    bloc it belongs to) and the rest of the world; ``share`` is of world production and sums
    to one over the rows. Only minerals the focal state produced that year.
    """
    return pole_production(production, membership, focal)
