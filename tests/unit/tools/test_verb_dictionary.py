"""Building the CAMEO verb table from a dictionary in the CAMEO 2.0 format: invented snippets only."""

from __future__ import annotations

from streams.extraction.verb_lexicon import parse_lexicon
from streams.tools.cameo_verb_format import (
    Pattern,
    parse_pattern,
    parse_verb,
    read_blocks,
    read_synsets,
    source_code,
)
from streams.tools.verb_dictionary import VERBS_TABLE, build, complements, project_code, verb_rows

SNIPPET = """\
# AN INVENTED VERB DICTIONARY
#
# The MIT License (MIT)
#
# Copyright (c) 2099 Nobody in Particular
#
# Permission is hereby granted, free of charge, to anyone.
# IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

####### SYNONYM SETS #######

&GADGET
+WIDGET
+SPROCKET_
+FLUX_CAPACITOR

&HUGE_SET_
+ALPHA

####### VERB PATTERNS #######

---  GLORP   [---]  ---
GLORP  [0871]
ZORBLE {ZORBLES ZORBLED ZORBLING}
+FLIM_AWAY {+FLIMS_AWAY +FLIMMED_AWAY +FLIMMING_AWAY} [042]
WIRE_+TAP
- * TREATY                                        [057]         # GLORP
- * OFF TALKS                                     [164]         # ZORBLE
- * {PEACE DEAL}                                  [0311]        # GLORP
- * (INTO ALLEGATION)                             [090]         # ZORBLE, GLORP
- * (ON {FINANCIAL AID})                          [0231]        # GLORP
- * (TO)                                          [042:043]     # GLORP
- * (BEFORE COURT)                                [:173]        # GLORP
- * &GADGET                                       [0874]        # GLORP
- &MILITARY * EXERCISES                           [062]         # GLORP
- * % (WITH)                                      [040]         # GLORP
- * NONSENSE                                      [---]         # GLORP
- * BANANAS                                       [0999]        # GLORP

---  BLEEP   [020]  ---
BLEEP
SAY
QUUX  [1999]
- * SAUCE                                         [0214]        # NOT_A_VERB_HERE

~ a (a b GLORP) SAY = a b 015
"""

KNOWN = frozenset({"020", "0214", "042", "057", "090", "099", "0231", "0311", "0871", "0874", "164",
                   "173", "199"})


def lines():
    return SNIPPET.splitlines()


def test_synsets_are_read_lower_case_with_words_joined_by_blanks():
    synsets = read_synsets(lines())
    assert synsets == {"&GADGET": ["widget", "sprocket", "flux capacitor"], "&HUGE_SET": ["alpha"]}


def test_blocks_hold_their_verbs_and_patterns():
    glorp, bleep = list(read_blocks(lines()))
    assert (glorp.name, glorp.code, bleep.name, bleep.code) == ("GLORP", "---", "BLEEP", "020")
    assert [(v.lemma, v.particle, v.code) for v in glorp.verbs] == [
        ("glorp", "", "0871"), ("zorble", "", None), ("flim", "away", "042"),
    ]  # WIRE_+TAP: the verb is not the first word, so it is left out
    assert len(glorp.patterns) == 12 and len(bleep.patterns) == 1
    assert glorp.patterns[3] == Pattern((), ("(INTO ALLEGATION)",), "090", ("zorble", "glorp"))
    assert glorp.patterns[8].before == ("&MILITARY",)


def test_a_verb_line_and_a_pattern_line():
    assert parse_verb("QUERY {QUERYING QUERIES QUERIED }  # OY 2003").code is None
    assert parse_verb("+ASK_FOR {+ASKED_FOR} [020]").particle == "for"
    assert parse_pattern(" * (FOR {FINANCIAL AID})  [0231]", "ASK").after == ("(FOR {FINANCIAL AID})",)
    assert parse_pattern(" * AID", "no code") is None


def test_the_source_code_of_a_dictionary_code():
    assert [source_code(c) for c in ("042:043", ":173", "080!", "---", "s", "190")] == [
        "042", None, "080", "---", None, "190",
    ]
    assert project_code("0999", KNOWN) == "099"  # missing from the table: its parent
    assert project_code("1999", KNOWN) == "199"
    assert project_code("2999", KNOWN) is None
    assert project_code("---", KNOWN) == "-"


def test_complements_are_the_shapes_the_matcher_can_check():
    synsets = read_synsets(lines())
    patterns = {p.after: p for p in next(read_blocks(lines())).patterns}

    def of(*after):
        return complements(patterns[after], synsets)

    assert of("TREATY") == ["treaty"]
    assert of("OFF", "TALKS") == ["off talks"]
    assert of("{PEACE DEAL}") == ["peace deal"]
    assert of("(INTO ALLEGATION)") == ["into allegation"]
    assert of("(TO)") == ["to"]
    assert of("&GADGET") == ["widget", "sprocket", "flux capacitor"]
    assert of("(ON {FINANCIAL AID})") is None  # a modifier inside a prepositional phrase
    assert of("EXERCISES") is None  # needs a word before the verb
    assert of("%", "(WITH)") is None  # a compound actor


def test_rows_drop_broad_and_common_bare_verbs_and_keep_patterns_for_their_verbs():
    rows = list(verb_rows(read_blocks(lines()), read_synsets(lines()), KNOWN))
    bare = {(lemma, complement): code for lemma, complement, code in rows if " " not in complement
            and complement in ("", "away")}
    # glorp has its own code; zorble takes the block's '---' (no event); bleep's 020 is a broad
    # code; "say" is a common verb; quux's 1999 falls back to 199
    assert bare == {("glorp", ""): "0871", ("flim", "away"): "042", ("quux", ""): "199"}
    patterns = {(lemma, complement): code for lemma, complement, code in rows if complement
                and complement != "away"}
    assert patterns[("zorble", "off talks")] == "164"
    assert ("glorp", "off talks") not in patterns  # the comment names the verb it was found for
    assert patterns[("zorble", "into allegation")] == patterns[("glorp", "into allegation")] == "090"
    assert ("glorp", "to") not in patterns  # a preposition alone says nothing of the act
    assert patterns[("glorp", "nonsense")] == "-"
    assert patterns[("glorp", "bananas")] == "099"
    assert patterns[("glorp", "flux capacitor")] == "0874"
    # a comment naming no verb of the block: the pattern holds for every verb of the block
    assert patterns[("bleep", "sauce")] == patterns[("say", "sauce")] == "0214"
    assert not any("court" in complement for _, complement in patterns)  # ':173' codes the target


def test_build_writes_a_table_with_the_notice_that_the_lexicon_reads(tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    reference.mkdir()
    out.mkdir()
    (reference / "CAMEO.2.0.txt").write_text(SNIPPET, encoding="utf-8")
    (out / "events_verbs.tsv").write_text(
        "pos\tlemma\tcomplement\tcode\nN\tsprocket\t\t0874\nN\ttreaty\t\t-\n", encoding="utf-8")
    (out / "cameo_codes.tsv").write_text(
        "code\tname\n" + "".join(f"{code}\tx\n" for code in sorted(KNOWN)), encoding="utf-8")
    count = build(reference, out)
    text = (out / VERBS_TABLE).read_text(encoding="utf-8")
    assert "# Copyright (c) 2099 Nobody in Particular" in text
    assert "# IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE." in text
    assert "GENERATED by `make actors`" in text
    lexicon = parse_lexicon(text.splitlines())
    assert lexicon.verbs["glorp"][""] == "0871"
    assert lexicon.verbs["zorble"]["off talks"] == "164"
    assert lexicon.verbs["glorp"]["treaty"] == "057"  # "treaty" is no event noun there ("-")
    assert "sprocket" not in lexicon.verbs["glorp"]  # left to the event noun
    assert lexicon.verbs["glorp"]["widget"] == "0874"
    assert count == sum(len(entries) for entries in lexicon.verbs.values())


def test_a_pattern_with_an_event_noun_for_object_is_left_to_the_noun():
    rows = {(lemma, c) for lemma, c, _ in verb_rows(read_blocks(lines()), read_synsets(lines()),
                                                     KNOWN, frozenset({"talk", "deal"}))}
    assert ("zorble", "off talks") not in rows  # "talks": the plural of an event noun
    assert ("glorp", "peace deal") not in rows  # the head of the noun phrase
    assert ("glorp", "treaty") in rows and ("glorp", "into allegation") in rows


def test_the_first_table_wins_where_two_name_the_same_entry():
    header = "pos\tlemma\tcomplement\tcode"
    lexicon = parse_lexicon([header, "V\tglorp\t\t030"], [header, "V\tglorp\t\t0871",
                                                           "V\tglorp\ttreaty\t057"])
    assert dict(lexicon.verbs["glorp"]) == {"": "030", "treaty": "057"}


def test_an_appeal_pattern_in_the_block_of_demands_is_a_demand():
    snippet = """\
---  INSIST   [100]  ---
INSIST
- * AID                                           [023]         # URGE
- * {ECONOMIC AID}                                [0231]        # URGE
- * TALKS                                         [026]         # URGE
- * PROBE                                         [090]         # URGE
"""
    known = frozenset({"023", "0231", "090", "100", "103", "1031"})
    rows = {(lemma, c): code for lemma, c, code in verb_rows(read_blocks(snippet.splitlines()), {},
                                                             known)}
    assert rows == {("insist", "aid"): "103", ("insist", "economic aid"): "1031",
                    ("insist", "probe"): "090"}  # 106 is not a known code here: "talks" is dropped
