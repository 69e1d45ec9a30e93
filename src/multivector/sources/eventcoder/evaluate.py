"""Scores of predicted events against gold-standard records, and cross-validation.

* event-type accuracy and macro-F1 (the unweighted mean over the gold types of each type's
  F1 = 2PR/(P+R));
* quad-class accuracy;
* source accuracy: over records with a gold source code, the share whose predicted source is
  one of the gold source codes (an IGO predicted for a gold ``IGO`` counts as right);
* target accuracy: the same over records with a gold target code.

Cross-validation (stratified k-fold, shuffled with a fixed seed) fits the classifier on the
PLOVER manual and k−1 folds of the records and predicts the held-out fold, so that no record is
scored by a model that saw it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.errors import ParseError
from multivector.sources.eventcoder.gazetteer import default_gazetteer
from multivector.sources.eventcoder.gsr import Record
from multivector.sources.eventcoder.plover import QUADS, current_type

IGO_GOLD = {"IGO"}


def _actor_ok(pred: str, gold: list[str], igo_codes: set[str]) -> bool:
    if not pred:
        return False
    return pred in gold or (pred in igo_codes and any(g in IGO_GOLD for g in gold))


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Mean over the gold labels of each label's F1 (0 where it is never predicted right)."""
    f1s = []
    for c in sorted(set(gold)):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s)) if f1s else float("nan")


def score(records: list[Record], pred: pd.DataFrame, igo_codes: set[str] | None = None,
          file: str = "predictions") -> dict[str, float]:
    """The figures of the module's notes for predictions (one row per record id)."""
    if igo_codes is None:
        igo_codes = {c for c, k in default_gazetteer().entries.values() if k == "igo"}
    by_id = pred.set_index("id")
    missing = [r.id for r in records if r.id not in by_id.index]
    if missing:
        raise ParseError(file, "no prediction for a gold record", value=missing[0])
    gold_t, pred_t, src_ok, tgt_ok = [], [], [], []
    for r in records:
        p = by_id.loc[r.id]
        gold_t.append(r.event_type)
        pred_t.append(current_type(p["event_type"], file) if p["event_type"] else "")
        if r.sources:
            src_ok.append(_actor_ok(str(p["source"] or ""), r.sources, igo_codes))
        if r.targets:
            tgt_ok.append(_actor_ok(str(p["target"] or ""), r.targets, igo_codes))
    g, q = np.array(gold_t), np.array(pred_t)
    return {
        "records": len(records),
        "type_accuracy": float(np.mean(g == q)),
        "type_macro_f1": macro_f1(gold_t, pred_t),
        "quad_accuracy": float(np.mean([QUADS[a] == QUADS.get(b) for a, b in zip(g, q,
                                                                               strict=True)])),
        "source_accuracy": float(np.mean(src_ok)) if src_ok else float("nan"),
        "target_accuracy": float(np.mean(tgt_ok)) if tgt_ok else float("nan"),
        "source_n": len(src_ok), "target_n": len(tgt_ok),
    }


def folds(labels: list[str], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Stratified k-fold test indices (types with fewer records than k spread as far as they
    go)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    k = max(2, min(k, len(y)))
    counts = pd.Series(y).value_counts()
    if counts.min() >= k:
        split = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(y, y)
        return [test for _, test in split]
    rng = np.random.default_rng(seed)
    idx = sorted(range(len(y)), key=lambda i: (y[i], rng.random()))
    return [np.array(sorted(idx[f::k])) for f in range(k)]


def cross_validate(coder_factory, records: list[Record], k: int = 5,
                   seed: int = 0) -> pd.DataFrame:
    """Out-of-fold predictions for every record: for each fold, ``coder_factory(train)``
    returns a coder fitted on the manual and the training records, which codes the fold."""
    parts = []
    for test in folds([r.event_type for r in records], k, seed):
        test_set = set(test.tolist())
        train = [r for i, r in enumerate(records) if i not in test_set]
        coder = coder_factory(train)
        parts.append(coder.code_records([records[i] for i in sorted(test_set)]))
    return pd.concat(parts, ignore_index=True)
