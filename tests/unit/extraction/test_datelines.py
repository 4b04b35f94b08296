"""Datelines: the all-caps place that opens a story (invented openings)."""

from __future__ import annotations

import pytest

from streams.extraction.datelines import DATELINE_REACH, Dateline, find_dateline


@pytest.mark.parametrize(("text", "expected"), [
    ("SPRINGFIELD, Ill. -- The council met.", Dateline("SPRINGFIELD", 0, 11, "Ill.", 13, 17)),
    ("SPRINGFIELD — The council met.", Dateline("SPRINGFIELD", 0, 11)),
    ("Budget passes. ROCKY HILL - Residents met.", Dateline("ROCKY HILL", 15, 25)),
    ("By ANN LEE Staff Writer May 4, 2009 NEW HOPE -- Rain fell.", Dateline("NEW HOPE", 36, 44)),
    ("QUITO, Ecuador (AP) _ A quake hit.", Dateline("QUITO", 0, 5, "Ecuador", 7, 14)),
    ("Headline here\nST. PAUL, Minn. – Lawmakers met.", Dateline("ST. PAUL", 14, 22, "Minn.", 24, 29)),
])
def test_a_dateline_is_found_with_its_qualifier(text, expected):
    assert find_dateline(text) == expected


@pytest.mark.parametrize("text", [
    "The NASA - led mission flew.",  # a capitalised word inside a sentence
    "Rain fell on Monday - and then stopped.",
    "OK - fine.",  # too short to be a place
    "x. " * (DATELINE_REACH // 3 + 1) + "DOVER -- Late.",  # too far into the body
])
def test_text_without_a_dateline(text):
    assert find_dateline(text) is None


def test_the_lookup_name_is_title_case():
    assert Dateline("ROCKY HILL", 0, 10).lookup_name == "Rocky Hill"
