"""Who did what to whom: the event verb of a parsed sentence, its source and target actors.

The event verb is the sentence's root, unless the root is a reporting verb ("said",
"announced") with a clausal complement that comes before it ("X met Y, the ministry said."):
then it is that complement's verb. A reporting verb before its complement ("X said Y must…")
keeps the speaker as the source, as PLOVER codes verbal events. The source is the first actor
named in the event verb's subject (the ``by`` agent of a passive verb); the target is the first
actor, of another code, in the rest of the verb's arguments (object, dative, prepositional
objects, the passive subject), else the first other actor after the source in the sentence.
Without an actor in the subject, the first actor named outside the verb's arguments is the
source. When no actor of another code is named, the target is the source's own code (a domestic
event), with an empty target text.
"""

from __future__ import annotations

from dataclasses import replace

from multivector.sources.eventcoder.classifier import REPORTING
from multivector.sources.eventcoder.gazetteer import Mention

SUBJ = {"nsubj", "csubj"}
PASS_SUBJ = {"nsubjpass", "csubjpass"}


def event_verb(sent):
    """The token of a spaCy sentence span that carries the event (see the module's notes)."""
    root = sent.root
    if root.lemma_ in REPORTING:
        comps = [c for c in root.children if c.dep_ in ("ccomp", "xcomp")]
        if comps and comps[0].i < root.i:
            return comps[0]
        if comps and not any(c.dep_ in SUBJ for c in root.children):
            return comps[0]
    return root


def _subtree_range(tok) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _inside(m: Mention, span: tuple[int, int], offset: int) -> bool:
    return span[0] <= m.start + offset and m.end + offset <= span[1]


def assign_roles(sent, mentions: list[Mention], offset: int = 0
                 ) -> tuple[Mention | None, Mention | None]:
    """Source and target among ``mentions`` (character offsets into the sentence text; add
    ``offset`` to get the document's character offsets that spaCy uses)."""
    if not mentions:
        return None, None
    verb = event_verb(sent)
    heads = [verb, sent.root] if verb is not sent.root else [verb]
    subj = agent = None
    for h in heads:
        for c in h.children:
            if c.dep_ in SUBJ and subj is None:
                subj = c
            elif c.dep_ == "agent" and agent is None:
                agent = c
        if subj is not None or agent is not None:
            break
    source = None
    for who in (agent, subj):
        if who is not None and source is None:
            span = _subtree_range(who)
            source = next((m for m in mentions if _inside(m, span, offset)), None)
    args = []
    for c in verb.children:
        if c.dep_ in ("dobj", "dative", "prep", "pobj", "nsubjpass", "attr", "ccomp", "xcomp",
                      "advcl", "npadvmod", "oprd") and c is not subj and c is not agent:
            args.append(_subtree_range(c))
    if source is None:  # the first actor outside the verb's arguments, else the first one
        source = next((m for m in mentions
                       if not any(_inside(m, a, offset) for a in args)), mentions[0])
    # target: actors in the verb's other arguments, then any other actor after the source
    src_span = (source.start, source.end)
    others = [m for m in mentions if (m.start, m.end) != src_span and m.code != source.code]
    for span in args:
        hit = next((m for m in others if _inside(m, span, offset)), None)
        if hit is not None:
            return source, hit
    after = [m for m in others if m.start > source.start]
    if after:
        return source, after[0]
    if others:
        return source, others[0]
    # one state named alone: an event among its own actors (police and protesters, a
    # government and its opposition), coded with the same code on both sides as PLOVER does
    return source, replace(source, start=-1, end=-1, text="")
