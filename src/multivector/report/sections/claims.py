"""The claims section: the verdict and the evidence of each claim checked (``--claims FILE``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report.tree import Block, ClaimItem, Claims, Heading, Paragraph, Section, Table


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _evidence_text(item: Any) -> str:
    """One piece of evidence in words: the checker's explanation and the sources it used, or
    its ``key: value`` pairs (the usual keys first) when it has no explanation."""
    if not isinstance(item, dict):
        item = ({k: v for k, v in vars(item).items() if not k.startswith("_")}
                if hasattr(item, "__dict__") else {"evidence": item})
    sources = [str(_get(s, "title", s)) for s in item.get("sources") or []]
    if item.get("explanation"):
        text = str(item["explanation"])
    else:
        first = ["indicator", "measure", "name", "year", "years", "stated", "found", "value",
                 "ratio", "rank", "tolerance", "source", "citation"]
        skip = {"sources", "details", "values"}
        keys = ([k for k in first if k in item]
                + [k for k in item if k not in first and k not in skip])
        parts = []
        for k in keys:
            v = item[k]
            if v is None or (isinstance(v, float) and pd.isna(v)) or v in ({}, []):
                continue
            parts.append(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}")
        text = "; ".join(parts)
    return text + (f" (source: {'; '.join(sources)})" if sources else "")


def _claims_source(source: Any) -> str:
    if isinstance(source, dict):
        return " — ".join(str(source[k]) for k in ("title", "note") if source.get(k))
    return str(source or "")


def claims_section(p: Profile) -> Section | None:
    """The checked claims (``--claims FILE``): verdict and evidence of each.

    ``Profile.claims`` is ``{"source", "file", "results"}`` with the results of
    :func:`multivector.analysis.claims.check.check` as dicts (``id, text, verdict,
    evidence``); a plain list of such results is read too.
    """
    if p.claims is None:
        return None
    raw = p.claims
    items = (raw if isinstance(raw, list)
             else list(_get(raw, "results", None) or _get(raw, "claims", None) or []))
    source = "" if isinstance(raw, list) else _claims_source(_get(raw, "source", ""))
    out, citations = [], {}
    for c in items:
        ev = _get(c, "evidence", []) or []
        ev = ev if isinstance(ev, list) else [ev]
        for e in ev:
            for s in (_get(e, "sources", None) or []) if isinstance(e, dict) else []:
                if isinstance(s, dict) and s.get("citation"):
                    citations.setdefault(str(s.get("title", s["citation"])), str(s["citation"]))
        out.append(ClaimItem(str(_get(c, "id", "")), str(_get(c, "text", "") or ""),
                             str(_get(c, "verdict", "")), [_evidence_text(e) for e in ev]))
    counts = pd.Series([c.verdict for c in out], dtype=object).value_counts()
    summary = ", ".join(f"{n} {v}" for v, n in counts.items()) if len(out) else "no claims"
    file = "" if isinstance(raw, list) else str(_get(raw, "file", "") or "")
    blocks: list[Block] = [Paragraph(f"{len(out)} claims checked against the warehouse: "
                                     f"{summary}." + (f" Claims file: {file}." if file else ""))]
    blocks.append(Claims(source, out))
    if citations:
        blocks.append(Heading("Sources of the evidence"))
        blocks.append(Table("claims-sources", ["Source", "Citation"],
                            [[t, cit] for t, cit in citations.items()], [False, False],
                            [2.0, 5.0]))
    blocks.append(Paragraph(
        "A claim is supported when every value it states is within its tolerance of the data "
        "(relative, 10% unless the claims file says otherwise; ranks in places), contradicted "
        "when one is not, and unverifiable when the data hold no value for that year or "
        "measure (multivector claims check).", "method"))
    return Section("claims", "Claims checked", blocks, "Claims")
