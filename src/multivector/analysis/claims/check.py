"""Check claims against the data: the verdicts and the evidence.

Verdicts (``METHODS.md``, *Claims*; ``docs/methods.md``):

* a value check is *supported* when ``|v - x| <= tolerance * |v|`` (v the data, x the
  statement; relative tolerance, default 0.1), else *contradicted*;
* a ratio check compares the growth factor ``v(Y2) / v(Y1)`` with the stated factor the same way;
* a rank check is supported when the state's rank equals the stated rank (an investor's rank
  among the state's investors for ``share.investment*``); ``tolerance`` on a rank check is an
  absolute number of places (default 0: exact);
* any check without data (a year, state or table the warehouse does not have) is
  *unverifiable*; a state without an investment source gets ``no source``; a name the data
  cannot have (``minerals.unobtainium.share``) is an error (unknown measure), raised before
  anything is computed;
* a visit check is judged on the record of official visits by
  :mod:`multivector.analysis.claims.visits` (the United States' visits only);
* a claim is supported only when all its checks are, contradicted when any is, and otherwise
  unverifiable.

The verdict functions (:func:`judge_value`, :func:`judge_ratio`, :func:`judge_rank`,
:func:`combine`) are pure; :func:`check` takes a claims file as
:func:`multivector.analysis.claims.parse.load_claims` reads it, fetches the data through
:class:`multivector.analysis.claims.frames.MeasureData` and writes the evidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from multivector.analysis.claims import catalog, visits
from multivector.analysis.claims.parse import (
    DEFAULT_RANK_TOLERANCE,
    DEFAULT_TOLERANCE,
    Claim,
    ClaimsFile,
    ClaimsFileError,
)

VERDICTS = ("supported", "contradicted", "unverifiable")
FLOAT_SLACK = 1e-9  # relative: a statement exactly at the tolerance edge is supported


# ------------------------------------------------------------------------------ verdict logic
@dataclass(frozen=True)
class Judgement:
    """The verdict of one comparison and the relative difference behind it."""

    verdict: str
    found: float | None = None
    difference: float | None = None  # (stated - found) / |found|; places for ranks
    reason: str = ""


def within(found: float, stated: float, tolerance: float) -> bool:
    """``|found - stated| <= tolerance * |found|`` (METHODS.md), with a 1e-9 relative slack
    so that a statement exactly at the edge is not lost to floating-point rounding."""
    slack = FLOAT_SLACK * max(abs(found), abs(stated))
    return abs(found - stated) <= tolerance * abs(found) + slack


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def judge_value(found: float | None, stated: float, tolerance: float = DEFAULT_TOLERANCE
                ) -> Judgement:
    """Compare a stated value with the data value ``found`` (None: no data)."""
    if _missing(found):
        return Judgement("unverifiable", reason="no data")
    diff = (stated - found) / abs(found) if found != 0 else None
    ok = within(found, stated, tolerance)
    return Judgement("supported" if ok else "contradicted", found, diff,
                     "within tolerance" if ok else "outside tolerance")


def judge_ratio(first: float | None, second: float | None, stated: float,
                tolerance: float = DEFAULT_TOLERANCE) -> Judgement:
    """Compare a stated growth factor with ``second / first``."""
    if _missing(first) or _missing(second):
        return Judgement("unverifiable", reason="no data for one of the years")
    if first == 0:
        return Judgement("unverifiable", reason="the first year's value is 0: no growth factor")
    return judge_value(second / first, stated, tolerance)


def judge_rank(rank: int | None, stated: int, places: float = DEFAULT_RANK_TOLERANCE
               ) -> Judgement:
    """Compare a stated rank with the computed ``rank`` (None: not ranked)."""
    if rank is None:
        return Judgement("unverifiable", reason="no rank")
    diff = float(stated - rank)
    ok = abs(diff) <= places
    return Judgement("supported" if ok else "contradicted", float(rank), diff,
                     "rank matches" if ok else "rank differs")


def combine(verdicts: Iterable[str]) -> str:
    """A claim's verdict from its checks': contradicted if any is, supported if all are,
    else unverifiable."""
    vs = list(verdicts)
    if not vs:
        raise ValueError("a claim needs at least one check")
    bad = set(vs) - set(VERDICTS)
    if bad:
        raise ValueError(f"unknown verdicts {sorted(bad)}")
    if "contradicted" in vs:
        return "contradicted"
    if all(v == "supported" for v in vs):
        return "supported"
    return "unverifiable"


# ------------------------------------------------------------------------------- with the data
@dataclass
class ClaimResult:
    """A claim, its verdict and the evidence of each check."""

    claim: Claim
    verdict: str
    evidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """``id, text, country, verdict, evidence`` for JSON."""
        return {"id": self.claim.id, "text": self.claim.text, "country": self.claim.country,
                "verdict": self.verdict, "evidence": self.evidence}


def fmt_number(v: float | None) -> str:
    """A number for people: thousands separators, four significant digits for small ones."""
    if v is None:
        return "n/a"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def _tol(t: float) -> str:
    return f"{t * 100:g}%"


def _pct(d: float | None) -> str:
    return "n/a" if d is None else f"{d:+.1%}"


def explain(kind: str, label: str, iso3: str, years: tuple[int, ...], stated: float,
            tolerance: float, j: Judgement, values: dict[int, float | None],
            rank: tuple[int, int] | None, rank_rule: str, why: str | None = None,
            investor: str | None = None, among: str = "states") -> str:
    """One line saying what was found and why the verdict follows.

    ``label`` names the measure (a WDI indicator's title, a measure's name); ``why`` says why
    a check is unverifiable; ``investor`` is the pole or partner a measure ranked ``among`` a
    state's investors (``poles``, ``partners``) is about.
    """
    y = "-".join(map(str, years))
    if j.verdict == "unverifiable":
        have = ", ".join(f"{k}: {fmt_number(v)}" for k, v in values.items() if not _missing(v))
        return (f"no {label} for {iso3} in {y}" + (f" ({why})" if why else "")
                + (f"; found {have}" if have else "") + " -> unverifiable")
    if kind == "rank":
        r, n = rank or (None, None)
        places = f" +/-{int(tolerance)}" if tolerance else ""
        who = f"{investor} ranks {r} of {n} {among} investing in {iso3}" if investor else (
            f"{iso3} ranks {r} of {n} {among}")
        return (f"{who} on {label} in {y} ({rank_rule.split(';')[0]}); "
                f"stated {int(stated)}{places} -> {j.verdict}")
    if kind == "ratio":
        y0, y1 = years
        return (f"{label} of {iso3}: {fmt_number(values[y0])} in {y0}, "
                f"{fmt_number(values[y1])} in {y1}, factor {j.found:.4g}; stated "
                f"{stated:.4g} ({_pct(j.difference)}, tolerance {_tol(tolerance)}) -> {j.verdict}")
    extra = f", rank {rank[0]} of {rank[1]}" if rank else ""
    extra += f" {among} investing in {iso3}" if rank and investor else ""
    return (f"{label} of {iso3} in {y} = {fmt_number(j.found)}{extra}; stated "
            f"{fmt_number(stated)} ({_pct(j.difference)}, tolerance {_tol(tolerance)}) -> "
            f"{j.verdict}")


def check(claims: ClaimsFile, data) -> list[ClaimResult]:
    """Check every claim against the data.

    Parameters
    ----------
    claims : ClaimsFile
        From :func:`multivector.analysis.claims.parse.load_claims`.
    data : multivector.analysis.claims.frames.MeasureData
        Data access on a warehouse connection (frames cached across claims).

    Returns
    -------
    list of ClaimResult
    """
    unknown = getattr(data, "unknown", None)
    for i, claim in enumerate(claims.claims, start=1):  # names the data cannot have, first
        for j, chk in enumerate(claim.checks, start=1):
            if chk.visit is not None:
                continue
            why = unknown(catalog.resolve(chk.name)) if unknown is not None else None
            if why:
                raise ClaimsFileError(claims.path, why, f"claim {claim.id!r} (#{i}), check {j}")
    results = []
    for claim in claims.claims:
        evidence = []
        for chk in claim.checks:
            if chk.visit is not None:  # the record of official visits, not a measure
                evidence.append(visits.evaluate(chk, claim.country, data))
                continue
            spec = catalog.resolve(chk.name)
            looks = {y: data.lookup(spec, claim.country, y) for y in chk.years}
            values = {y: (lk.value if lk else None) for y, lk in looks.items()}
            last = looks[chk.years[-1]]
            if chk.kind == "value":
                j = judge_value(values[chk.years[0]], chk.stated, chk.tolerance)
            elif chk.kind == "ratio":
                j = judge_ratio(values[chk.years[0]], values[chk.years[1]], chk.stated,
                                chk.tolerance)
            else:
                j = judge_rank(last.rank if last else None, int(chk.stated), chk.tolerance)
            why = None
            if j.verdict == "unverifiable":
                why = data.why_missing(spec, claim.country)
                span = data.span(spec)
                if why is None and span is not None:
                    why = f"{spec.name} covers {span[0]}-{span[1]} in this warehouse"
                elif why is None and j.reason != "no data":
                    why = j.reason
            rank = (last.rank, last.of) if last and chk.kind != "ratio" else None
            ev = {
                "check": chk.kind, "name": spec.name, "kind": spec.kind,
                "title": data.title(spec), "unit": spec.unit,
                **({"years": list(chk.years)} if chk.kind == "ratio"
                   else {"year": chk.years[0]}),
                "stated": int(chk.stated) if chk.kind == "rank" else chk.stated,
                "found": (j.found if chk.kind != "rank" else (last.rank if last else None)),
                "values": {str(y): v for y, v in values.items()},
                "difference": j.difference,
                "tolerance": chk.tolerance,
                "tolerance_kind": "places" if chk.kind == "rank" else "relative",
                "rank": rank[0] if rank else None, "of": rank[1] if rank else None,
                "rank_rule": spec.rank_rule,
                "details": last.details if last else {},
                "method": spec.method,
                "sources": data.sources(spec),
                "verdict": j.verdict,
            }
            label = ev["title"] if spec.kind == "indicator" else spec.name
            investor = dict(spec.where).get("investor") if spec.among != "states" else None
            ev["explanation"] = explain(chk.kind, label, claim.country, chk.years,
                                        chk.stated, chk.tolerance, j, values, rank,
                                        spec.rank_rule, why, investor, spec.among)
            evidence.append(ev)
        results.append(ClaimResult(claim, combine(e["verdict"] for e in evidence), evidence))
    return results
