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

import numpy as np
import pandas as pd

CIF_FOB = 1.10
DISCREPANCY = 0.25
PARTNER_KINDS = ("state", "historical", "territory", "group")
OTHER_SIDE = {"exports": "imports", "imports": "exports"}


def partner_flows(trade: pd.DataFrame, focal: list[str] | None = None,
                  cif_fob: float = CIF_FOB, threshold: float = DISCREPANCY) -> pd.DataFrame:
    """Each focal state's exports and imports by partner, with mirror figures where missing.

    Parameters
    ----------
    trade : pandas.DataFrame
        Rows of the warehouse ``trade`` table: ``reporter, reporter_kind, partner,
        partner_kind, year, flow, value_usd_m``. Must hold the focal states' own rows and the
        rows other reporters give for them (``partner`` in ``focal``).
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
    t = trade[trade["partner_kind"].isin(PARTNER_KINDS)
              & trade["reporter_kind"].isin(PARTNER_KINDS)]
    own = t if focal is None else t[t["reporter"].isin(focal)]
    own = (own.groupby(["reporter", "partner", "year", "flow"], as_index=False)["value_usd_m"]
           .sum(min_count=1)
           .rename(columns={"reporter": "iso3", "value_usd_m": "reported_usd_m"}))
    mir = t if focal is None else t[t["partner"].isin(focal)]
    mir = mir.rename(columns={"reporter": "partner", "partner": "iso3"})
    mir = mir.assign(flow=mir["flow"].map(OTHER_SIDE))
    factor = np.where(mir["flow"] == "exports", 1 / cif_fob, cif_fob)
    mir = mir.assign(mirror_usd_m=mir["value_usd_m"] * factor)
    mir = (mir.groupby(["iso3", "partner", "year", "flow"], as_index=False)["mirror_usd_m"]
           .sum(min_count=1))
    out = own.merge(mir, on=["iso3", "partner", "year", "flow"], how="outer")
    out = out[out["iso3"] != out["partner"]]
    rep, mirv = out["reported_usd_m"], out["mirror_usd_m"]
    big = np.fmax(rep, mirv)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap"] = np.where(big > 0, (rep - mirv) / big, np.nan)
    out["value_usd_m"] = rep.fillna(mirv)
    out["flag"] = np.select([rep.isna() & mirv.notna(),
                             rep.notna() & (out["gap"].abs() > threshold)],
                            ["mirror", "discrepant"], "")
    out = out[out["value_usd_m"].notna()]
    cols = ["iso3", "partner", "year", "flow", "value_usd_m", "reported_usd_m", "mirror_usd_m",
            "gap", "flag"]
    return out[cols].sort_values(["iso3", "flow", "year", "partner"]).reset_index(drop=True)


def trade_totals(trade: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Each focal state's total exports and imports per year, mirror-filled gaps added.

    The total is the reporter's own ``World`` figure (which includes trade it could not
    allocate to a partner) plus the partner values filled by the mirror rule (absent from that
    figure by construction). A year without a reported ``World`` figure gets the sum over
    partners and the flag ``partner sum``.

    Parameters
    ----------
    trade : pandas.DataFrame
        The ``trade`` rows with ``partner_label == "World"`` for the focal states (``reporter,
        partner_label, year, flow, value_usd_m``); other rows are ignored.
    flows : pandas.DataFrame
        Output of :func:`partner_flows`.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, flow, total_usd_m, total_flag``.
    """
    world = (trade[trade["partner_label"] == "World"]
             .groupby(["reporter", "year", "flow"], as_index=False)["value_usd_m"].sum()
             .rename(columns={"reporter": "iso3", "value_usd_m": "world_usd_m"}))
    fl = flows.assign(filled=flows["value_usd_m"].where(flows["flag"] == "mirror", 0.0))
    sums = fl.groupby(["iso3", "year", "flow"], as_index=False).agg(
        partners_usd_m=("value_usd_m", "sum"), filled_usd_m=("filled", "sum"))
    out = sums.merge(world, on=["iso3", "year", "flow"], how="outer")
    has_world = out["world_usd_m"].notna()
    out["total_usd_m"] = np.where(has_world,
                                  out["world_usd_m"] + out["filled_usd_m"].fillna(0.0),
                                  out["partners_usd_m"])
    out["total_flag"] = np.where(has_world, "", "partner sum")
    return out[["iso3", "year", "flow", "total_usd_m", "total_flag"]]
