from streams.extraction.casing import recase_headlines


def test_headline_words_take_the_case_the_text_gives_them_and_keep_the_length():
    text = "COUNCIL BACKS NEW BRIDGE PLAN . The council backs a new plan for a bridge"
    recased = recase_headlines(text)
    assert recased == "council backs new bridge plan . The council backs a new plan for a bridge"
    assert len(recased) == len(text)


def test_a_word_the_text_capitalises_within_a_sentence_is_a_name():
    text = "RUGBY - DEVON SIDE CLIMB . The side from Devon climbed"
    assert recase_headlines(text) == "Rugby - Devon side Climb . The side from Devon climbed"


def test_a_word_capitalised_only_at_a_sentence_start_is_no_evidence_of_a_name():
    # "Plan" opens the second sentence; "plan" is lower case inside the third
    text = "NEW PLAN ADOPTED . Plan approved. They adopted the plan"
    assert recase_headlines(text).startswith("New plan ")


def test_an_acronym_the_text_uses_alone_stays_in_capitals():
    text = "NATO TROOPS LAND . NATO said its troops land"
    assert recase_headlines(text) == "NATO troops land . NATO said its troops land"


def test_without_evidence_function_words_are_lower_case_and_others_title_case():
    assert recase_headlines("SMITH NAMED AS CAPTAIN") == "Smith Named as Captain"


def test_the_title_takes_its_evidence_from_the_context():
    title = "MAYOR BACKS PLAN"
    assert recase_headlines(title, ["The mayor backs the plan."]) == "mayor backs plan"


def test_a_dateline_word_is_recased_but_a_lone_acronym_is_not():
    assert recase_headlines("PARIS 2009-05-14 NATO said") == "Paris 2009-05-14 NATO said"


def test_abbreviations_with_dots_are_kept():
    assert recase_headlines("U.S. TROOPS LAND") == "U.S. Troops Land"


def test_ordinary_text_is_untouched():
    text = "Syrian government forces advanced on Sunday south of Aleppo."
    assert recase_headlines(text) is text


def test_the_contexts_own_headlines_are_no_evidence():
    # the body's dateline "PARIS" is no acronym that keeps the title's "PARIS" in capitals
    assert recase_headlines("STRIKE IN PARIS", ["PARIS 2009-05-14 A strike began."]) == \
        "strike in Paris"
