from streams.extraction.casing import recase_headlines


def test_headline_runs_become_title_case_with_the_same_length():
    text = "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP . West Indian all-rounder"
    recased = recase_headlines(text)
    assert recased == "Cricket - Leicestershire Take Over At Top . West Indian all-rounder"
    assert len(recased) == len(text)


def test_a_dateline_word_is_recased_but_a_lone_acronym_is_not():
    assert recase_headlines("LONDON 1996-08-30 NATO said") == "London 1996-08-30 NATO said"


def test_abbreviations_with_dots_are_kept():
    assert recase_headlines("U.S. TROOPS LAND") == "U.S. Troops Land"


def test_ordinary_text_is_untouched():
    text = "Syrian government forces advanced on Sunday south of Aleppo."
    assert recase_headlines(text) is text
