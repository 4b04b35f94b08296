from streams.extraction.casing import recase_headlines


def test_headline_runs_become_title_case_with_the_same_length():
    text = "RUGBY - DEVON SIDE CLIMB TO THIRD PLACE . Welsh fly-half"
    recased = recase_headlines(text)
    assert recased == "Rugby - Devon Side Climb To Third Place . Welsh fly-half"
    assert len(recased) == len(text)


def test_a_dateline_word_is_recased_but_a_lone_acronym_is_not():
    assert recase_headlines("PARIS 2009-05-14 NATO said") == "Paris 2009-05-14 NATO said"


def test_abbreviations_with_dots_are_kept():
    assert recase_headlines("U.S. TROOPS LAND") == "U.S. Troops Land"


def test_ordinary_text_is_untouched():
    text = "Syrian government forces advanced on Sunday south of Aleppo."
    assert recase_headlines(text) is text
