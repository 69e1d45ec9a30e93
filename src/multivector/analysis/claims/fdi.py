"""The ``investment`` frame: who invests in a state, by pole and by partner, in one year.

The warehouse's ``investment`` table holds a state's inward FDI stock and inflows by immediate
investing partner (wiiw FDI Database, from the National Bank of Kazakhstan: Kazakhstan only,
2003-2021), in EUR million, with wiiw's ``WORLD`` total and bloc aggregates (``EU27``...).
:func:`frame` turns a year of it into the rows the ``share.investment*`` measures of
:mod:`multivector.analysis.claims.catalog` read:

* ``level = "pole"``: each pole of the ``core`` set, its value the sum over its members that
  year (:func:`multivector.measures.channels.pole_shares`, as ``multivector shares --channel
  investment``), its share that value over the ``WORLD`` total; a pole none of whose members
  wiiw lists has no value (``not reported``) and is not ranked;
* ``level = "partner"``: each partner wiiw lists (states; the aggregates are not partners).

Unlike the other measures, the rank runs over a state's investors, not over states: ``rank``
1 is the largest value (EUR million) among the poles, or the partners, with a value that year,
``of`` how many there are. Inflows can be negative (a withdrawal): such an investor ranks
last; a share needs a positive world total.

A state without rows in the table has no investment source: :func:`no_source` says so, and a
claim about it is unverifiable.
"""

from __future__ import annotations

import pandas as pd

from multivector.analysis.claims.catalog import span_sql
from multivector.analysis.claims.tables import WarehouseTables
from multivector.core.vocabulary import REST
from multivector.measures import channels as ch

WORLD = "WORLD"
COLUMNS = ("iso3", "year", "measure", "level", "investor", "share", "value_eur_m",
           "total_eur_m", "flag", "rank", "of")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def _ranked(d: pd.DataFrame) -> pd.DataFrame:
    """Rank each row's value among the rows of its state, measure and level that have one."""
    d = d[d["value_eur_m"].notna()].copy()
    keys = ["iso3", "measure", "level"]
    d["rank"] = d.groupby(keys)["value_eur_m"].rank(ascending=False, method="min").astype(int)
    d["of"] = d.groupby(keys)["value_eur_m"].transform("count").astype(int)
    return d


def frame(md: WarehouseTables, year: int) -> pd.DataFrame:
    """Every investing pole and partner of every state with investment data in ``year``.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; empty without an ``investment`` table or rows that year.
    """
    if not md.has_table("investment"):
        return _empty()
    rows = md.con.execute(
        "SELECT iso3, partner, partner_kind, measure, value_eur_m FROM investment "
        "WHERE year = ? AND value_eur_m IS NOT NULL", [year]).df()
    if rows.empty:
        return _empty()
    membership = md.pole_set.membership([year])
    parts = []
    for measure, r in rows.groupby("measure"):
        totals = (r[r["partner"] == WORLD][["iso3", "value_eur_m"]]
                  .rename(columns={"value_eur_m": "total"}).assign(year=year))
        dyads = (r[r["partner_kind"] != "aggregate"][["iso3", "partner", "value_eur_m"]]
                 .rename(columns={"value_eur_m": "value"}).assign(year=year))
        if totals.empty or dyads.empty:
            continue
        poles = ch.pole_shares(dyads, membership, "sum", totals)
        poles = poles[poles["pole"] != REST]
        parts.append(pd.DataFrame({
            "iso3": poles["iso3"], "measure": measure, "level": "pole",
            "investor": poles["pole"], "share": poles["share"], "value_eur_m": poles["value"],
            "total_eur_m": poles["total"], "flag": poles["flag"]}))
        partners = dyads.merge(totals[["iso3", "total"]], on="iso3")
        parts.append(pd.DataFrame({
            "iso3": partners["iso3"], "measure": measure, "level": "partner",
            "investor": partners["partner"],
            "share": partners["value"] / partners["total"].where(partners["total"] > 0),
            "value_eur_m": partners["value"], "total_eur_m": partners["total"], "flag": ""}))
    if not parts:
        return _empty()
    out = _ranked(pd.concat(parts, ignore_index=True)).assign(year=year)
    return out[list(COLUMNS)].reset_index(drop=True)


def span(md: WarehouseTables, measure: str) -> tuple[int, int] | None:
    """First and last year of ``measure`` (``stock`` or ``inflow``) in the table."""
    return span_sql("investment", where="measure = ?", params=(measure,))(md)


def no_source(md: WarehouseTables, iso3: str) -> str | None:
    """``no source: ...`` when the table has no row for ``iso3``, else None."""
    if not md.has_table("investment"):
        return None
    covered = md.cached(("investment_states",), lambda: sorted(
        r[0] for r in md.con.execute("SELECT DISTINCT iso3 FROM investment").fetchall()))
    if iso3 in covered:
        return None
    have = ", ".join(covered) if covered else "no state"
    return (f"no source: inward FDI by partner (wiiw FDI Database) covers {have} only in this "
            f"warehouse, not {iso3}")
