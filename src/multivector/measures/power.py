"""An open middle-power index: position, reach, and the power gap. Pure functions.

The construction follows the logic of the Lowy Institute's Asia Power Index (Lowy Institute
2018, *Asia Power Index: Methodology*): measures of what a state *has* (resources) and of what
it *does* with it (influence) are scaled 0-100 against the leading state, weighted and
combined, and the *power gap* is the residual of influence regressed on resources. The
components here are all open and cited:

position (resources)
    ``gdp`` share of world GDP (World Bank WDI, current US$), ``milex`` military expenditure
    (SIPRI constant US$; WDI % of GDP x GDP where SIPRI stops, labelled derived),
    ``population`` share of world population (WDI), ``cinc`` (COW National Material
    Capabilities; Singer, Bremer & Stuckey 1972). Their weights 20 : 20 : 7.5 : 7.5 are the
    Lowy 2018 weights of economic resources, military capability, future trends and
    resilience (for which the CINC, a stock of industrial, demographic and military
    capability, stands in); the resources weigh 55% of the index, as in the 2018 edition.
reach (influence, 45%)
    ``trade_share`` share of world merchandise trade, exports plus imports (WDI; Lowy's
    economic relationships measure the weight of a state in others' trade), ``trade_reach``
    states for which the state is at least 1% of their total trade (IMF DOTS), ``allies``
    states with an ATOP alliance obligation (Leeds et al. 2002; defence networks), ``igo`` full
    IGO memberships (COW IGO 3; Pevehouse et al. 2020; multilateral diplomacy), equal weights.
    ``vote_breadth``, states whose chance-corrected UNGA agreement with the state (Cohen's
    kappa) is at least 0.5, is computed but weighs 0 by default: it counts coalition
    partners, so every member of a bloc that votes together (the EU) reaches a large count; it
    measures alignment, not influence.

Scaling: a share is scored ``100 * x / max x`` over the ranked states of the year; a count of
partners ``n`` is scored ``100 * log(1 + n) / log(1 + max n)``, since a partner count has
diminishing returns (the 60th IGO adds less than the 6th) and a linear count puts small,
densely networked states beside the great powers. Pillars are weighted means of their scores
and the index ``pillar * position + (1 - pillar) * reach``.

One component set per ranking and per series. A ranking of all states in a year, and a
state's series over years, use one set of components (:func:`choose_components`): by default
the set of weighted components available in every year of the longest unbroken run of years
in the span (ties: more components; then the later run). A state-year lacking a component of
the set is not ranked (:func:`unranked` says why) instead of being ranked on fewer
components, so a source that ends cannot move a series. The power gap is the residual of an
OLS regression of reach on position across the ranked states of the year.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from multivector.core.errors import MultivectorError

POSITION = ("gdp", "milex", "population", "cinc")
REACH = ("trade_share", "trade_reach", "allies", "igo", "vote_breadth")
COUNTS = ("trade_reach", "allies", "igo", "vote_breadth")  # scored on log(1 + n)
DEFAULT_WEIGHTS: dict[str, float] = {"gdp": 20.0, "milex": 20.0, "population": 7.5,
                                     "cinc": 7.5, "trade_share": 1.0, "trade_reach": 1.0,
                                     "allies": 1.0, "igo": 1.0, "vote_breadth": 0.0}
DEFAULT_PILLAR = 0.55  # weight of position (Lowy 2018: resources 55%); reach gets the rest


def _weights(weights: dict[str, float] | None) -> dict[str, float]:
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(w) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise MultivectorError(f"unknown power components: {sorted(unknown)}; known: "
                               f"{', '.join(DEFAULT_WEIGHTS)}")
    return w


def _check(components: pd.DataFrame) -> None:
    unknown = set(components["component"]) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise MultivectorError(f"unknown power components: {sorted(unknown)}")


def availability(components: pd.DataFrame) -> dict[int, frozenset[str]]:
    """The components with a value for at least one state, per year."""
    c = components[components["value"].notna()]
    return {int(y): frozenset(g) for y, g in c.groupby("year")["component"]}


def choose_components(components: pd.DataFrame, weights: dict[str, float] | None = None,
                      span: tuple[int, int] | None = None
                      ) -> tuple[tuple[str, ...], tuple[int, int]]:
    """The component set of a ranking or series: the longest unbroken run of years.

    For every run of consecutive years ``a..b`` in ``span``, the candidate set is the
    components with a positive weight available (some state has a value) in every year of the
    run. The chosen set is the candidate of the longest run that has at least one component in
    each pillar; ties go to the larger set, then to the later run.

    Returns
    -------
    tuple
        ``(components, (a, b))``: the set in :data:`DEFAULT_WEIGHTS` order and its run.
    """
    _check(components)
    w = _weights(weights)
    avail = availability(components)
    if not avail:
        raise MultivectorError("no power components to choose from")
    y0, y1 = span if span is not None else (min(avail), max(avail))
    years = list(range(y0, y1 + 1))
    wanted = {c for c, v in w.items() if v > 0}
    best: tuple | None = None
    for i, a in enumerate(years):
        s = set(avail.get(a, frozenset())) & wanted
        for b in years[i:]:
            s &= avail.get(b, frozenset())
            if not (s & set(POSITION) and s & set(REACH)):
                break
            key = (b - a + 1, len(s), b)
            if best is None or key > best[0]:
                best = (key, frozenset(s), (a, b))
    if best is None:
        raise MultivectorError(f"no year in {y0}-{y1} has a weighted component of both "
                               "pillars (position and reach)")
    return tuple(c for c in DEFAULT_WEIGHTS if c in best[1]), best[2]


def _complete(components: pd.DataFrame, cset: tuple[str, ...]) -> pd.DataFrame:
    """Rows of the set for the state-years that have every component of it."""
    c = components[components["component"].isin(cset) & components["value"].notna()]
    n = c.groupby(["iso3", "year"])["component"].transform("nunique")
    return c[n == len(cset)].copy()


def scale_components(components: pd.DataFrame) -> pd.DataFrame:
    """Score each component 0-100 against its maximum over the states in the year.

    A share ``x`` scores ``100 * x / max x``; a count ``n`` (:data:`COUNTS`) scores
    ``100 * log(1 + n) / log(1 + max n)``. Missing values are dropped; a component whose
    maximum is 0 has no score.

    Parameters
    ----------
    components : pandas.DataFrame
        ``iso3, year, component, value``.

    Returns
    -------
    pandas.DataFrame
        The input rows with ``score``.
    """
    c = components[components["value"].notna()].copy()
    v = np.where(c["component"].isin(COUNTS), np.log1p(c["value"].clip(lower=0)), c["value"])
    c["_v"] = v
    top = c.groupby(["year", "component"])["_v"].transform("max")
    c["score"] = np.where(top > 0, 100 * c["_v"] / top.where(top > 0), np.nan)
    return c.drop(columns="_v")


def power_index(components: pd.DataFrame, weights: dict[str, float] | None = None,
                pillar: float = DEFAULT_PILLAR,
                component_set: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Position, reach, index, rank and power gap on one component set.

    Parameters
    ----------
    components : pandas.DataFrame
        ``iso3, year, component, value`` with components among :data:`POSITION` and
        :data:`REACH`.
    weights : dict, optional
        Weight of each component within its pillar (default :data:`DEFAULT_WEIGHTS`).
    pillar : float
        Weight of position in the index (reach: ``1 - pillar``).
    component_set : tuple, optional
        The components to use (default: :func:`choose_components` over the years of
        ``components``). A component given here whose weight is 0 counts with weight 1.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, position, reach, index, rank, power_gap, n_components, components``
        for the state-years with every component of the set; rank 1 is the highest index in
        the year (ties share the best rank). ``attrs["components"]`` and ``attrs["run"]``
        hold the set and, when chosen by the rule, its run of years.
    """
    _check(components)
    w = _weights(weights)
    run = None
    if component_set is None:
        cset, run = choose_components(components, weights)
    else:
        cset = tuple(component_set)
        bad = set(cset) - set(DEFAULT_WEIGHTS)
        if bad:
            raise MultivectorError(f"unknown power components: {sorted(bad)}")
        if not (set(cset) & set(POSITION) and set(cset) & set(REACH)):
            raise MultivectorError(f"component set {', '.join(cset)} needs a component of "
                                   "each pillar (position and reach)")
        w = {c: (v if v > 0 or c not in cset else 1.0) for c, v in w.items()}
    s = scale_components(_complete(components, cset))
    cols = ["iso3", "year", "position", "reach", "index", "rank", "power_gap", "n_components",
            "components"]
    s["w"] = s["component"].map(w)
    s["pillar"] = np.where(s["component"].isin(POSITION), "position", "reach")
    s["ws"] = s["w"] * s["score"].fillna(0)
    g = s.groupby(["iso3", "year", "pillar"]).agg(ws=("ws", "sum"), w=("w", "sum"))
    g["score"] = g["ws"] / g["w"].where(g["w"] > 0)
    out = g["score"].unstack("pillar").reindex(columns=["position", "reach"])
    out = out.dropna().reset_index()
    out["index"] = pillar * out["position"] + (1 - pillar) * out["reach"]
    out["rank"] = (out.groupby("year")["index"].rank(ascending=False, method="min")
                   .astype(int))
    out["power_gap"] = power_gap(out)
    out["n_components"] = len(cset)
    out["components"] = ",".join(cset)
    out = out[cols].sort_values(["year", "rank", "iso3"]).reset_index(drop=True)
    out.attrs.update(components=cset, run=run)
    return out


def unranked(components: pd.DataFrame, component_set: tuple[str, ...]) -> pd.DataFrame:
    """The state-years with some component but not every one of the set, and why.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, reason`` where the reason names the missing components ("no cinc").
    """
    c = components[components["value"].notna()]
    have = c.groupby(["iso3", "year"])["component"].agg(frozenset)
    rows = [(iso, year, "no " + ", ".join(m for m in component_set if m not in comps))
            for (iso, year), comps in have.items()
            if not set(component_set) <= comps]
    return (pd.DataFrame(rows, columns=["iso3", "year", "reason"])
            .sort_values(["year", "iso3"]).reset_index(drop=True))


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
                     pillar_range: tuple[float, float] = (0.35, 0.75),
                     weights: dict[str, float] | None = None,
                     component_set: tuple[str, ...] | None = None) -> pd.DataFrame:
    """How ranks move when the weights change, on one component set.

    The set is fixed first (``component_set``, else :func:`choose_components` under
    ``weights``); then component weights within each pillar are drawn from a flat Dirichlet
    distribution and the position weight uniformly from ``pillar_range`` (centred on the
    default 0.55), and every draw re-ranks all states on that set. The draws do not depend on
    which components or years the data hold, so one year's ranges are the same whether it is
    computed alone or with others.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, rank, rank_min, rank_p05, rank_median, rank_p95, rank_max`` where
        ``rank`` is the rank under ``weights``.
    """
    rng = np.random.default_rng(seed)
    base = power_index(components, weights, component_set=component_set)
    cset = base.attrs["components"]
    ranks = []
    for _ in range(draws):
        # every component gets a weight, in the set or not, so that a draw is the same
        # whichever years and components are passed
        w = {}
        for pil in (POSITION, REACH):
            w.update(zip(pil, rng.dirichlet(np.ones(len(pil))), strict=True))
        r = power_index(components, weights=w, pillar=float(rng.uniform(*pillar_range)),
                        component_set=cset)
        ranks.append(r[["iso3", "year", "rank"]])
    cols = ["rank_min", "rank_p05", "rank_median", "rank_p95", "rank_max"]
    if not ranks:
        return base[["iso3", "year", "rank"]].assign(**{c: np.nan for c in cols})
    allr = pd.concat(ranks, ignore_index=True)
    q = allr.groupby(["iso3", "year"])["rank"].quantile([0.0, 0.05, 0.5, 0.95, 1.0]).unstack()
    q.columns = cols
    out = base[["iso3", "year", "rank"]].join(q, on=["iso3", "year"])
    return out.reset_index(drop=True)


BENCHMARK_FILE = "power_benchmark.csv"


def published_benchmark() -> pd.DataFrame:
    """The published comprehensive-power scores the index is compared with.

    ``src/multivector/data/power_benchmark.csv``: one row per state, with the index, edition,
    the year of ours it is compared with, the published rank and score, and the page each
    value was read from. The Lowy Institute Asia Power Index 2018 (scores out of 100).
    """
    with resources.files("multivector.data").joinpath(BENCHMARK_FILE).open() as fh:
        return pd.read_csv(fh)


def spearman_with(index: pd.DataFrame, benchmark: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Spearman rank correlation of our index with a published score, common states only.

    ``rho`` is the Pearson correlation of the two rankings (average ranks for ties) of the
    states present in both. Returns ``(rho, table)`` with ``iso3, score, rank_theirs, index,
    rank_ours`` (ranks among the common states).
    """
    m = benchmark[["iso3", "score"]].merge(index[["iso3", "index"]], on="iso3")
    m["rank_theirs"] = m["score"].rank(ascending=False)
    m["rank_ours"] = m["index"].rank(ascending=False)
    rho = float(m["rank_theirs"].corr(m["rank_ours"])) if len(m) > 2 else float("nan")
    cols = ["iso3", "score", "rank_theirs", "index", "rank_ours"]
    return rho, m[cols].sort_values("rank_theirs").reset_index(drop=True)
