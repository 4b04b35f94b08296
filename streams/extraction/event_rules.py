"""Rules that combine CAMEO codes: a framing verb around an inner event, and negation.

"X threatened to attack Y" is one event, a threat of force (1384), not an attack: the framing
verb (threaten, agree, urge, demand, refuse, accuse) decides the root and the inner event
picks the sub-code. Negated cooperation ("did not agree") becomes a rejection.
"""

from __future__ import annotations

# (framing root, inner code prefix, resulting code); the longest matching prefix wins.
FRAMED_CODES: tuple[tuple[str, str, str], ...] = (
    # 03 express intent to ...
    ("03", "045", "039"), ("03", "04", "036"), ("03", "05", "032"), ("03", "06", "031"),
    ("03", "071", "0331"), ("03", "072", "0332"), ("03", "073", "0333"), ("03", "074", "0334"),
    ("03", "07", "033"), ("03", "081", "0351"), ("03", "083", "034"), ("03", "084", "0353"),
    ("03", "085", "0354"), ("03", "086", "0355"), ("03", "087", "0356"), ("03", "08", "035"),
    ("03", "057", "037"), ("03", "061", "0311"), ("03", "062", "0312"), ("03", "063", "0313"),
    ("03", "064", "0314"), ("03", "082", "0352"), ("03", "0831", "0341"),
    # a vow or pledge to use force is a threat
    ("03", "16", "131"), ("03", "17", "137"), ("03", "18", "1383"), ("03", "19", "1384"),
    ("03", "20", "1383"),
    # 02 appeal for ...
    ("02", "045", "028"), ("02", "04", "026"), ("02", "05", "022"), ("02", "06", "021"),
    ("02", "071", "0231"), ("02", "072", "0232"), ("02", "073", "0233"), ("02", "074", "0234"),
    ("02", "07", "023"), ("02", "081", "0251"), ("02", "0831", "0241"), ("02", "083", "024"),
    ("02", "084", "0253"), ("02", "085", "0254"), ("02", "086", "0255"), ("02", "087", "0256"),
    ("02", "08", "025"), ("02", "057", "027"), ("02", "061", "0211"), ("02", "062", "0212"),
    ("02", "063", "0213"), ("02", "064", "0214"), ("02", "082", "0252"),
    # 10 demand ... (CAMEO codebook meanings: 106 meeting, 107 settling, 108 mediation)
    ("10", "045", "108"), ("10", "04", "106"), ("10", "05", "102"), ("10", "06", "101"),
    ("10", "071", "1031"), ("10", "072", "1032"), ("10", "073", "1033"), ("10", "074", "1034"),
    ("10", "07", "103"), ("10", "081", "1051"), ("10", "0831", "1041"), ("10", "083", "104"),
    ("10", "084", "1053"), ("10", "085", "1054"), ("10", "086", "1055"), ("10", "087", "1056"),
    ("10", "08", "105"), ("10", "057", "107"), ("10", "061", "1011"), ("10", "062", "1012"),
    ("10", "063", "1013"), ("10", "064", "1014"), ("10", "082", "1052"),
    # 12 refuse to ...
    ("12", "045", "126"), ("12", "04", "125"), ("12", "06", "121"), ("12", "07", "122"),
    ("12", "081", "1241"), ("12", "083", "123"), ("12", "084", "1243"), ("12", "085", "1244"),
    ("12", "086", "1245"), ("12", "087", "1246"), ("12", "08", "124"), ("12", "057", "127"),
    ("12", "061", "1211"), ("12", "062", "1212"), ("12", "071", "1221"), ("12", "072", "1222"),
    ("12", "073", "1223"), ("12", "074", "1224"), ("12", "0831", "1231"), ("12", "082", "1242"),
    # 09 investigate ...
    ("09", "18", "092"), ("09", "19", "093"), ("09", "20", "094"),
    # 13 threaten to ...
    ("13", "161", "1313"), ("13", "162", "1311"), ("13", "163", "1312"), ("13", "164", "134"),
    ("13", "165", "135"), ("13", "166", "136"), ("13", "16", "131"), ("13", "1721", "1321"),
    ("13", "1722", "1322"), ("13", "1723", "1323"), ("13", "1724", "1324"), ("13", "175", "137"),
    ("13", "17", "132"), ("13", "14", "133"), ("13", "191", "1381"), ("13", "192", "1382"),
    ("13", "19", "1384"), ("13", "204", "1385"), ("13", "18", "1383"), ("13", "20", "1383"),
    # 11 accuse of ...
    ("11", "18", "1123"), ("11", "19", "1123"), ("11", "20", "1124"),
)  # fmt: skip

# Framing roots: the verbs of these roots talk about another event rather than report it
# ("denied attacking", "discussed a ceasefire", "condemned the shelling").
FRAMING_ROOTS = frozenset({"01", "02", "03", "04", "09", "10", "11", "12", "13"})

# Negated cooperation, by code prefix (longest first); other negated events are dropped.
NEGATED_CODES: tuple[tuple[str, str], ...] = (
    ("045", "126"), ("04", "125"), ("057", "127"), ("03", "120"), ("05", "120"),
    ("06", "121"), ("07", "122"), ("081", "1241"), ("083", "123"), ("084", "1243"),
    ("085", "1244"), ("086", "1245"), ("087", "1246"), ("08", "124"),
)  # fmt: skip


def _longest_prefix_match(code: str, prefixes) -> str | None:
    best: tuple[int, str] | None = None
    for prefix, result in prefixes:
        if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), result)
    return best[1] if best else None


def is_framing(code: str) -> bool:
    return code[:2] in FRAMING_ROOTS


def frame(outer: str, inner: str) -> str:
    """The code of `outer` (a framing event) about `inner`; `outer` when no rule applies."""
    rules = [(prefix, result) for root, prefix, result in FRAMED_CODES if root == outer[:2]]
    return _longest_prefix_match(inner, rules) or outer


def negate(code: str) -> str | None:
    """The code of the negated event ("did not release" -> 1243), None when it is no event."""
    return _longest_prefix_match(code, NEGATED_CODES)


# Verbs that end or prevent the event they govern: "halted the talks" is not a consultation
# but a cut in relations, "stopped the shelling" a de-escalation, "banned the march" a
# restriction. Events prevented from happening and not named by a code are dropped.
CESSATION_VERBS = frozenset(
    {"stop", "halt", "end", "cease", "suspend", "cancel", "abandon", "terminate", "scrap",
     "freeze", "discontinue", "interrupt"}
)  # fmt: skip
PREVENTION_VERBS = frozenset(
    {"prevent", "prohibit", "ban", "block", "bar", "forbid", "thwart", "foil", "obstruct"}
)
CEASED_CODES: tuple[tuple[str, str], ...] = (
    ("045", "165"), ("04", "164"), ("05", "160"), ("06", "160"), ("07", "162"), ("14", "082"),
    ("1723", "0813"), ("1724", "0814"), ("17", "081"), ("163", "085"), ("191", "0872"),
    ("15", "0873"), ("18", "087"), ("19", "087"), ("20", "087"),
)  # fmt: skip
PREVENTED_CODES: tuple[tuple[str, str], ...] = (
    ("14", "1721"), ("07", "162"), ("06", "160"), ("05", "160"), ("04", "120"),
)  # fmt: skip


def is_stopping_verb(lemma: str) -> bool:
    return lemma in CESSATION_VERBS or lemma in PREVENTION_VERBS


def stopped(verb_lemma: str, inner: str) -> str | None:
    """The code of ending (or preventing) the `inner` event; None when that is no event."""
    table = CEASED_CODES if verb_lemma in CESSATION_VERBS else PREVENTED_CODES
    return _longest_prefix_match(inner, table)


# A blockade (191) is a use of force by those who have force; people who block a road, a port or
# a building without it obstruct passage in protest (144): "protesters blocked the bridge".
BLOCKADE_CODE = "191"
OBSTRUCTION_CODE = "144"
CIVILIAN_ROLES = frozenset(
    {"CVL", "OPP", "LAB", "EDU", "AGR", "BUS", "REL", "REF", "NGO", "HRI", "HLH", "MED"}
)  # fmt: skip


def blocking_by(code: str, source_code: str | None) -> str:
    """The code of a blockade by this source: a protest when the source is a civilian group."""
    if code == BLOCKADE_CODE and source_code and source_code[3:6] in CIVILIAN_ROLES:
        return OBSTRUCTION_CODE
    return code
