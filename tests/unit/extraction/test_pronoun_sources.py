"""A pronoun subject stands for an actor named before the pronoun, preferably one that acts,
not for whoever the sentence names between the pronoun and the event word."""

from __future__ import annotations

import pytest
from test_event_targets import actor, code

pytest.importorskip("spacy")


def test_a_pronoun_stands_for_the_actor_before_it_not_the_object_after_it(nlp):
    text = ("Turkish troops advanced on Monday as they pushed to encircle Kurdish fighters "
            "and impose a blockade.")
    events = code(nlp, text, actor(text, "Turkish troops", "TURMIL"),
                  actor(text, "Kurdish fighters", "KURREB"))
    blockades = [event for event in events if event[0].startswith("191")]
    assert blockades and {event[2] for event in blockades} == {"TURMIL"}


def test_who_reported_it_is_not_who_they_are(nlp):
    text = ("Turkish troops advanced on Monday, state media said, as they pushed to encircle "
            "Kurdish fighters and impose a blockade.")
    events = code(nlp, text, actor(text, "Turkish troops", "TURMIL"),
                  actor(text, "state media", "TURMED"),
                  actor(text, "Kurdish fighters", "KURREB"))
    blockades = [event for event in events if event[0].startswith("191")]
    assert blockades and {event[2] for event in blockades} == {"TURMIL"}
