"""Bilateral trade of focal states with the partner's mirror figures: pure functions.

IMF DOTS publishes what each reporter says it exported to (FOB) and imported from (CIF) each
partner. A reporter's own figure can be missing for a partner and year while the partner reports
the other side of the same flow (Kazakhstan's 1992-93 returns list no trade with Russia; many
small states report late or never). The *mirror rule* fills such gaps from the partner's report,
converted between valuation bases with the IMF's standard c.i.f./f.o.b. factor (IMF, *Direction
of Trade Statistics Guide*, 1993, and the DOTS notes: "imports c.i.f. are estimated as exports
f.o.b. times 1.10"):

* exports of F to P (FOB)  ~  imports of P from F (CIF) / 1.10
* imports of F from P (CIF)  ~  exports of P to F (FOB) x 1.10

A filled value carries the flag ``mirror``. Where both figures exist and differ by more than a
threshold (relative to the larger, default 25%), the reporter's figure is kept and flagged
``discrepant``; the gap is reported, never averaged away (asymmetries between mirror flows are
a known feature of trade data: Hamanaka 2012, *ADB Working Paper on Regional Economic
Integration* 101).
"""

from __future__ import annotations

import duckdb
import pandas as pd
from duckdb import ColumnExpression, ConstantExpression

CIF_FOB = 1.10
DISCREPANCY = 0.25
PARTNER_KINDS = ("state", "historical", "territory", "group")
OTHER_SIDE = {"exports": "imports", "imports": "exports"}
FLOW_COLUMNS = ["iso3", "partner", "year", "flow", "value_usd_m", "reported_usd_m",
                "mirror_usd_m", "gap", "flag"]

TradeInput = pd.DataFrame | duckdb.DuckDBPyRelation


def _relation(trade: TradeInput) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation over a frame, or the relation itself (lazy: a relation on the
    warehouse's ``trade`` table pushes the filters down into the scan)."""
    if isinstance(trade, duckdb.DuckDBPyRelation):
        return trade
    return duckdb.from_df(trade)


def is_in(column: str, values: list[str] | tuple[str, ...]) -> duckdb.Expression:
    """``column IN (values)`` as a DuckDB expression: the values are bound as constants,
    never pasted into SQL text (an empty list matches nothing)."""
    if not values:
        return ConstantExpression(False)
    return ColumnExpression(column).isin(*(ConstantExpression(str(v)) for v in values))


def partner_flows(trade: TradeInput, focal: list[str] | None = None,
                  cif_fob: float = CIF_FOB, threshold: float = DISCREPANCY) -> pd.DataFrame:
    """Each focal state's exports and imports by partner, with mirror figures where missing.

    Parameters
    ----------
    trade : pandas.DataFrame or duckdb.DuckDBPyRelation
        Rows of the warehouse ``trade`` table: ``reporter, reporter_kind, partner,
        partner_kind, year, flow, value_usd_m``. Must hold the focal states' own rows and the
        rows other reporters give for them (``partner`` in ``focal``). A DuckDB relation is
        evaluated lazily, in the database.
    focal : list of str, optional
        Focal ISO3 codes; all reporters when omitted.
    cif_fob : float
        Factor between imports (CIF) and exports (FOB).
    threshold : float
        Relative gap between a reported figure and its mirror above which the pair is flagged
        ``discrepant``.

    Returns
    -------
    pandas.DataFrame
        ``iso3, partner, year, flow, value_usd_m, reported_usd_m, mirror_usd_m, gap, flag``.
        ``gap`` = (reported - mirror) / max(reported, mirror); ``flag`` is ``""``, ``mirror``
        or ``discrepant``. Mirror figures are in the focal state's valuation (FOB for exports,
        CIF for imports).
    """
    rel = _relation(trade).filter(is_in("partner_kind", PARTNER_KINDS)
                                  & is_in("reporter_kind", PARTNER_KINDS))
    everyone = ConstantExpression(True)
    own = is_in("reporter", focal) if focal is not None else everyone
    mir = is_in("partner", focal) if focal is not None else everyone
    if focal is not None:
        rel = rel.filter(own | mir)
    cols = [ColumnExpression(c) for c in ("reporter", "partner", "year", "flow", "value_usd_m")]
    rel = rel.select(*cols, own.alias("is_own"), mir.alias("is_mir"))
    sql = f"""
    WITH t AS (SELECT * FROM _trade_input), own AS (
        SELECT reporter AS iso3, partner, year, flow, sum(value_usd_m) AS reported_usd_m
        FROM t WHERE is_own GROUP BY ALL
    ), mir AS (
        SELECT partner AS iso3, reporter AS partner, year,
               CASE flow WHEN 'exports' THEN 'imports' ELSE 'exports' END AS flow,
               sum(value_usd_m * CASE flow WHEN 'imports' THEN {1 / float(cif_fob)!r}
                                           ELSE {float(cif_fob)!r} END) AS mirror_usd_m
        FROM t WHERE is_mir GROUP BY ALL
    ), j AS (
        SELECT iso3, partner, year, flow, reported_usd_m, mirror_usd_m,
               CASE WHEN greatest(reported_usd_m, mirror_usd_m) > 0
                    THEN (reported_usd_m - mirror_usd_m)
                         / greatest(reported_usd_m, mirror_usd_m) END AS gap
        FROM own FULL OUTER JOIN mir USING (iso3, partner, year, flow)
        WHERE iso3 <> partner
    )
    SELECT iso3, partner, CAST(year AS INTEGER) AS year, flow,
           coalesce(reported_usd_m, mirror_usd_m) AS value_usd_m, reported_usd_m,
           mirror_usd_m, gap,
           CASE WHEN reported_usd_m IS NULL AND mirror_usd_m IS NOT NULL THEN 'mirror'
                WHEN reported_usd_m IS NOT NULL AND abs(gap) > {float(threshold)!r}
                THEN 'discrepant' ELSE '' END AS flag
    FROM j WHERE coalesce(reported_usd_m, mirror_usd_m) IS NOT NULL
    """
    # a name no warehouse table has: a relation queried under a table's name can bind to it
    out = rel.query("_trade_input", sql).df()
    return out[FLOW_COLUMNS].sort_values(["iso3", "flow", "year", "partner"],
                                         ignore_index=True)


def trade_totals(trade: TradeInput, flows: pd.DataFrame) -> pd.DataFrame:
    """Each focal state's total exports and imports per year, mirror-filled gaps added.

    The total is the reporter's own ``World`` figure (which includes trade it could not
    allocate to a partner) plus the partner values filled by the mirror rule (absent from that
    figure by construction). A year without a reported ``World`` figure gets the sum over
    partners and the flag ``partner sum``.

    Parameters
    ----------
    trade : pandas.DataFrame or duckdb.DuckDBPyRelation
        The ``trade`` rows with ``partner_label == "World"`` for the focal states (``reporter,
        reporter_kind, partner_label, year, flow, value_usd_m``); other rows, and reporters
        that are aggregates (no ISO3 code), are ignored.
    flows : pandas.DataFrame
        Output of :func:`partner_flows`.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, flow, total_usd_m, total_flag``.
    """
    rel = _relation(trade).filter((ColumnExpression("partner_label") == ConstantExpression("World"))
                                  & is_in("reporter_kind", PARTNER_KINDS))
    world = rel.query("_trade_input", "SELECT reporter AS iso3, CAST(year AS INTEGER) AS year, "
                      "flow, sum(value_usd_m) AS world_usd_m FROM _trade_input WHERE reporter "
                      "IS NOT NULL GROUP BY ALL").df()
    sums = (flows.assign(filled=flows["value_usd_m"].where(flows["flag"] == "mirror", 0.0))
            .groupby(["iso3", "year", "flow"], as_index=False)
            .agg(partners_usd_m=("value_usd_m", "sum"), filled_usd_m=("filled", "sum")))
    if len(world):
        world["year"] = world["year"].astype(sums["year"].dtype if len(sums) else "int64")
    out = sums.merge(world, on=["iso3", "year", "flow"], how="outer")
    has_world = out["world_usd_m"].notna()
    out["total_usd_m"] = out["world_usd_m"].where(
        ~has_world, out["world_usd_m"] + out["filled_usd_m"].fillna(0.0))
    out.loc[~has_world, "total_usd_m"] = out.loc[~has_world, "partners_usd_m"]
    out["total_flag"] = ""
    out.loc[~has_world, "total_flag"] = "partner sum"
    return out[["iso3", "year", "flow", "total_usd_m", "total_flag"]]
