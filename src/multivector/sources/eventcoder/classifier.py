"""The PLOVER event-type classifier: sentence embeddings + lexical cues → logistic regression.

Features of a sentence: its all-MiniLM-L6-v2 embedding (384 numbers, unit length; Reimers &
Gurevych 2019, *Sentence-BERT*), and for each PLOVER type the number of that type's cue words
(event verbs and nouns, from the manual's definitions) among the sentence's lemmas, plus the
type of the cue on the main event verb (one-hot), each scaled by ``cue_weight``. A multinomial
logistic regression with L2 penalty (``C``) and class weights inversely proportional to class
frequency is fitted on the manual's and crosswalk's training text (weight ``ontology_weight``)
together with labelled records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from multivector.sources.eventcoder.plover import QUADS, TYPES, Example

# cue lemmas (and two-word phrases) for each type, drawn from the PLOVER manual's definitions
CUES: dict[str, tuple[str, ...]] = {
    "AGREE": ("agree", "agreement", "promise", "pledge", "offer", "accord", "pact", "deal",
              "commit", "willing", "intend", "vow", "invite", "invitation", "treaty"),
    "CONSULT": ("meet", "meeting", "talk", "visit", "host", "discuss", "discussion", "summit",
                "negotiate", "negotiation", "consult", "consultation", "mediate", "mediation",
                "confer", "telephone", "call", "hold talk", "receive"),
    "SUPPORT": ("support", "praise", "endorse", "commend", "welcome", "approve", "recognize",
                "recognise", "ratify", "sign", "back", "applaud", "congratulate", "hail",
                "thank", "restore", "establish"),
    "CONCEDE": ("concede", "apologize", "apologise", "apology", "regret", "pardon", "amnesty",
                "lift", "ease", "relax", "acquit", "compromise", "suspend protest", "accept"),
    "COOPERATE": ("cooperate", "cooperation", "exchange", "joint", "extradite", "share",
                  "trade", "collaborate", "partnership", "exercise"),
    "AID": ("aid", "assistance", "assist", "donate", "donation", "grant", "loan", "provide",
            "supply", "asylum", "rescue", "relief", "humanitarian", "send", "deliver", "give",
            "shelter", "admit", "open"),
    "RETREAT": ("withdraw", "withdrawal", "retreat", "release", "free", "surrender", "resign",
                "disarm", "pull", "return", "repatriate", "hand over", "evacuate", "cede"),
    "REQUEST": ("demand", "urge", "ask", "request", "appeal", "call on", "call for", "press",
                "insist", "plead", "seek", "order", "petition", "must"),
    "ACCUSE": ("accuse", "condemn", "criticize", "criticise", "denounce", "blame", "allege",
               "charge", "sue", "investigate", "investigation", "probe", "inquiry", "complain",
               "deplore", "protest", "disapprove", "decry", "summon", "indict"),
    "REJECT": ("reject", "refuse", "deny", "veto", "rebuff", "dismiss", "spurn", "defy",
               "oppose", "decline", "violate", "boycott", "bar", "ban entry", "refusal"),
    "THREATEN": ("threaten", "threat", "warn", "warning", "ultimatum", "vow", "menace"),
    "PROTEST": ("protest", "demonstrate", "demonstration", "demonstrator", "rally", "march",
                "strike", "hunger", "picket", "riot", "block", "blockade", "sit"),
    "SANCTION": ("sanction", "embargo", "suspend", "expel", "cut", "freeze", "halt",
                 "break off", "sever", "recall", "boycott", "restrict", "convict", "cancel",
                 "downgrade", "terminate"),
    "MOBILIZE": ("mobilize", "mobilise", "deploy", "mass", "alert", "reinforce",
                 "reinforcement", "troop", "buildup", "station", "move"),
    "COERCE": ("arrest", "detain", "kidnap", "seize", "abduct", "deport", "raid", "confiscate",
               "censor", "curfew", "hostage", "ban", "jail", "imprison", "torture", "expel",
               "crack", "crackdown", "martial", "execute"),
    "ASSAULT": ("attack", "kill", "bomb", "shell", "shoot", "fire", "clash", "fight", "invade",
                "strike", "assault", "massacre", "wound", "ambush", "explode", "bombing",
                "airstrike", "missile", "fighting", "battle", "assassinate", "injure"),
}
REPORTING = {"say", "announce", "report", "tell", "state", "add", "declare", "quote", "claim",
             "disclose", "confirm", "note", "write", "indicate"}


def cue_types(lemma: str, next_lemma: str = "") -> list[int]:
    """Indices (into TYPES) of the types whose cues include ``lemma`` or "lemma next"."""
    out = []
    for i, t in enumerate(TYPES):
        cues = CUES[t]
        if lemma in cues or (next_lemma and f"{lemma} {next_lemma}" in cues):
            out.append(i)
    return out


@dataclass
class Parsed:
    """What the classifier needs of a sentence: its text, lemmas and main event verb's lemma."""

    text: str
    lemmas: list[str]
    main_verb: str = ""
    main_next: str = ""


def cue_features(p: Parsed) -> np.ndarray:
    """2 × len(TYPES) numbers: cue counts per type, and the main verb's cue types (one-hot)."""
    f = np.zeros(2 * len(TYPES))
    lem = p.lemmas
    for i, w in enumerate(lem):
        for k in cue_types(w, lem[i + 1] if i + 1 < len(lem) else ""):
            f[k] += 1.0
    for k in cue_types(p.main_verb, p.main_next):
        f[len(TYPES) + k] = 1.0
    return np.minimum(f, 2.0)


def has_cue(p: Parsed) -> bool:
    """Whether any event cue occurs in the sentence."""
    return bool(cue_features(p)[: len(TYPES)].any())


@dataclass
class EventClassifier:
    """Embeddings + cue features → multinomial logistic regression over the PLOVER types.

    Parameters
    ----------
    embed : callable
        ``list[str] -> ndarray (n, d)`` of unit-length sentence embeddings.
    C : float
        Inverse L2 regularisation strength.
    cue_weight : float
        Scale of the cue features against the embedding.
    ontology_weight : float
        Sample weight of the manual's and crosswalk's training text (records weigh 1).
    """

    embed: object
    C: float = 4.0
    cue_weight: float = 0.35
    ontology_weight: float = 0.5
    model: object = field(default=None, repr=False)

    def features(self, parsed: list[Parsed]) -> np.ndarray:
        emb = np.asarray(self.embed([p.text for p in parsed]), dtype=float)
        cues = np.array([cue_features(p) for p in parsed]) * self.cue_weight
        return np.hstack([emb, cues])

    def fit(self, parsed: list[Parsed], labels: list[str],
            weights: list[float] | None = None) -> EventClassifier:
        from sklearn.linear_model import LogisticRegression

        X = self.features(parsed)
        y = np.array(labels)
        w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
        # balanced class weights, multiplied into the sample weights
        classes, counts = np.unique(y, return_counts=True)
        cw = dict(zip(classes, len(y) / (len(classes) * counts), strict=True))
        w = w * np.array([cw[v] for v in y])
        self.model = LogisticRegression(C=self.C, max_iter=3000).fit(X, y, sample_weight=w)
        return self

    def predict_proba(self, parsed: list[Parsed]) -> tuple[list[str], np.ndarray]:
        """The classes and, for each sentence, the probability of each."""
        if self.model is None:
            raise RuntimeError("the classifier has not been fitted")
        return list(self.model.classes_), self.model.predict_proba(self.features(parsed))

    def predict(self, parsed: list[Parsed]) -> list[tuple[str, str, float]]:
        """For each sentence: (type, quad class, probability of that type)."""
        classes, proba = self.predict_proba(parsed)
        out = []
        for row in proba:
            k = int(np.argmax(row))
            out.append((classes[k], QUADS[classes[k]], float(row[k])))
        return out


def training_set(examples: list[Example], parse) -> tuple[list[Parsed], list[str], list[float]]:
    """Parsed texts, labels and unit weights of ontology examples (``parse``: texts → Parsed)."""
    parsed = parse([e.text for e in examples])
    return parsed, [e.event_type for e in examples], [1.0] * len(examples)
