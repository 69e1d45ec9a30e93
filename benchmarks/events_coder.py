"""Benchmark of the PLOVER event coder on the gold-standard dev records.

Prints, for stratified 5-fold cross-validation on ``eval/plover-gsr-dev.json`` of the mirror
(the coder is fitted on the PLOVER manual and four folds, and scores the fifth), the event-type
accuracy and macro-F1, quad-class accuracy and source/target actor accuracy, next to two
baselines on the same folds: TF-IDF + logistic regression on the records alone, and a
gazetteer that takes the first actor named as the source and the next other one as the target.
Then the coder's warm speed in sentences per second on two threads, coding the dev records'
texts as running text.

Run: ``MULTIVECTOR_MIRROR=../shared/data python benchmarks/events_coder.py``
"""

from __future__ import annotations

import os
import sys
import time

import pandas as pd


def main() -> int:
    os.environ.setdefault("MULTIVECTOR_MIRROR", "../shared/data")
    import torch

    torch.set_num_threads(2)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from multivector.sources.eventcoder.coder import EventCoder, Pipeline, labelled_records
    from multivector.sources.eventcoder.evaluate import cross_validate, folds, score
    from multivector.sources.eventcoder.gazetteer import default_gazetteer
    from multivector.sources.eventcoder.plover import QUADS
    from multivector.sources.eventcoder.text import Document

    records = labelled_records()
    if not records:
        print("no eval/plover-gsr-dev.json under MULTIVECTOR_MIRROR", file=sys.stderr)
        return 1
    pipe = Pipeline.shared()
    pred = cross_validate(lambda train: EventCoder(train, pipeline=pipe), records, 5, 0)
    coder = score(records, pred)

    # baselines on the same folds
    rows = []
    gaz = default_gazetteer()
    for test in folds([r.event_type for r in records], 5, 0):
        held = set(test.tolist())
        train = [r for i, r in enumerate(records) if i not in held]
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        clf = LogisticRegression(C=10.0, max_iter=3000)
        clf.fit(vec.fit_transform([r.text for r in train]), [r.event_type for r in train])
        for i in sorted(held):
            r = records[i]
            t = clf.predict(vec.transform([r.text]))[0]
            codes = gaz.codes(r.text)
            rows.append((r.id, t, QUADS[t], codes[0] if codes else "",
                         codes[1] if len(codes) > 1 else ""))
    base = score(records, pd.DataFrame(rows, columns=["id", "event_type", "quad", "source",
                                                      "target"]).assign(confidence=1.0))

    keys = ["type_accuracy", "type_macro_f1", "quad_accuracy", "source_accuracy",
            "target_accuracy"]
    print(f"{'5-fold CV, ' + str(len(records)) + ' records':34s} {'coder':>8s} {'baseline':>9s}")
    for k in keys:
        print(f"{k:34s} {coder[k]:8.3f} {base[k]:9.3f}")
    print("baseline: TF-IDF + logistic regression (type), first/second gazetteer actor (actors)")

    full = EventCoder(records, pipeline=pipe)
    docs = [Document(f"rec{i}", r.text, f"{i:064d}") for i, r in enumerate(records)]
    full.code_documents(docs[:20])  # warm
    n_sent = sum(len(list(pipe.nlp(d.text).sents)) for d in docs)
    t0 = time.perf_counter()
    full.code_documents(docs)
    secs = time.perf_counter() - t0
    print(f"speed: {n_sent} sentences in {secs:.2f} s = {n_sent / secs:.1f} sentences/second "
          f"(2 threads, warm)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
