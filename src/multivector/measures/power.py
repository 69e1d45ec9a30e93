"""An open middle-power index: position, reach, and the power gap. Pure functions.

The construction follows the logic of the Lowy Institute's Asia Power Index (Lowy Institute
2023, *Asia Power Index: Methodology*): measures of what a state *has* and of what it *does*
with it are scaled, weighted and combined, and the *power gap* is the residual of influence
regressed on resources. The components here are all open and cited:

position (resources)
    ``gdp`` share of world GDP (World Bank WDI, current US$), ``population`` (WDI),
    ``milex`` military expenditure (SIPRI constant US$; WDI % of GDP x GDP where SIPRI stops,
    labelled derived), ``cinc`` (COW National Material Capabilities; Singer, Bremer & Stuckey
    1972).
reach (engagement)
    ``igo`` full IGO memberships (COW IGO 3; Pevehouse et al. 2020), ``allies`` states with an
    ATOP alliance obligation (Leeds et al. 2002), ``trade_reach`` states for which the state is
    at least 1% of their total trade (IMF DOTS: how many economies depend on it, not how many
    it trades with, which is nearly every state for nearly every state), ``vote_breadth``
    states whose chance-corrected UNGA agreement with the state (Cohen's kappa) is at least
    0.5 on at least 20 joint votes in the session opening that year (Voeten's data).

Each component is scaled 0-100 by the year's maximum over states (as the Lowy index does), the
pillar score is the weighted mean of its available components, and the index is the weighted
mean of the two pillars. The power gap is the residual of an ordinary least-squares regression
of reach on position across all states with both in that year: positive when a state's
engagement exceeds what its resources predict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POSITION = ("gdp", "population", "milex", "cinc")
REACH = ("igo", "allies", "trade_reach", "vote_breadth")
# vote breadth counts coalition partners: states of a bloc that votes together (the EU) and
# small states with near-identical records reach high counts, so it weighs half
DEFAULT_WEIGHTS: dict[str, float] = {**{c: 1.0 for c in (*POSITION, *REACH)},
                                     "vote_breadth": 0.5}
DEFAULT_PILLAR = 0.5  # weight of position; reach gets the rest


def scale_components(components: pd.DataFrame) -> pd.DataFrame:
    """Scale each component to 0-100 by its maximum over states in the year.

    Parameters
    ----------
    components : pandas.DataFrame
        ``iso3, year, component, value`` (raw values; missing values are dropped).

    Returns
    -------
    pandas.DataFrame
        The input rows with ``score`` = 100 * value / max(value in that year and component).
    """
    c = components[components["value"].notna()].copy()
    top = c.groupby(["year", "component"])["value"].transform("max")
    c["score"] = np.where(top > 0, 100 * c["value"] / top, np.nan)
    return c


def power_index(components: pd.DataFrame, weights: dict[str, float] | None = None,
                pillar: float = DEFAULT_PILLAR) -> pd.DataFrame:
    """Position, reach, index, rank and power gap of every state and year.

    Parameters
    ----------
    components : pandas.DataFrame
        ``iso3, year, component, value`` with components among :data:`POSITION` and
        :data:`REACH`.
    weights : dict, optional
        Weight of each component within its pillar (default: equal).
    pillar : float
        Weight of position in the index (reach: ``1 - pillar``).

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, position, reach, index, rank, power_gap, n_components``; rank 1 is the
        highest index in the year (ties share the best rank). A state needs at least one
        component in each pillar to be ranked.
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(components["component"]) - set(w)
    if unknown:
        raise ValueError(f"unknown power components: {sorted(unknown)}")
    s = scale_components(components)
    s["w"] = s["component"].map(w)
    s["pillar"] = np.where(s["component"].isin(POSITION), "position", "reach")
    s["ws"] = s["w"] * s["score"]
    g = s.groupby(["iso3", "year", "pillar"]).agg(ws=("ws", "sum"), w=("w", "sum"),
                                                  n=("score", "size"))
    g["score"] = g["ws"] / g["w"].where(g["w"] > 0)
    wide = g["score"].unstack("pillar")
    n = g["n"].groupby(level=["iso3", "year"]).sum()
    out = wide.reindex(columns=["position", "reach"]).join(n.rename("n_components"))
    out = out.dropna(subset=["position", "reach"]).reset_index()
    out["index"] = pillar * out["position"] + (1 - pillar) * out["reach"]
    out["rank"] = (out.groupby("year")["index"].rank(ascending=False, method="min")
                   .astype(int))
    out["power_gap"] = power_gap(out)
    cols = ["iso3", "year", "position", "reach", "index", "rank", "power_gap", "n_components"]
    return out[cols].sort_values(["year", "rank", "iso3"]).reset_index(drop=True)


def power_gap(scores: pd.DataFrame) -> pd.Series:
    """Residual of reach regressed on position (OLS with intercept) within each year."""
    out = pd.Series(np.nan, index=scores.index)
    for _, g in scores.groupby("year"):
        if len(g) < 3:
            continue
        x, y = g["position"].to_numpy(), g["reach"].to_numpy()
        design = np.column_stack([np.ones_like(x), x])
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        out.loc[g.index] = y - design @ beta
    return out


def rank_sensitivity(components: pd.DataFrame, draws: int = 200, seed: int = 0,
                     pillar_range: tuple[float, float] = (0.3, 0.7)) -> pd.DataFrame:
    """How ranks move when the weights change.

    Component weights within each pillar are drawn from a flat Dirichlet distribution and the
    position weight uniformly from ``pillar_range``; every draw re-ranks all states. The draws
    do not depend on which components or years the data hold, so one year's ranges are the same
    whether it is computed alone or with others.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, rank, rank_min, rank_p05, rank_median, rank_p95, rank_max`` where
        ``rank`` is the rank under the default weights.
    """
    rng = np.random.default_rng(seed)
    base = power_index(components)
    ranks = []
    for _ in range(draws):
        # every component gets a weight, present in these data or not, so that a draw is the
        # same whichever years are passed (a missing component drops out of a state's mean)
        w = {}
        for pil in (POSITION, REACH):
            w.update(zip(pil, rng.dirichlet(np.ones(len(pil))), strict=True))
        r = power_index(components, weights=w, pillar=float(rng.uniform(*pillar_range)))
        ranks.append(r[["iso3", "year", "rank"]])
    allr = pd.concat(ranks, ignore_index=True)
    q = allr.groupby(["iso3", "year"])["rank"].quantile([0.0, 0.05, 0.5, 0.95, 1.0]).unstack()
    q.columns = ["rank_min", "rank_p05", "rank_median", "rank_p95", "rank_max"]
    out = base[["iso3", "year", "rank"]].join(q, on=["iso3", "year"])
    return out.reset_index(drop=True)
