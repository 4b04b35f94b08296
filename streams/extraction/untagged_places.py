"""Names after a preposition of place that the NER left untagged: "in Euclid", "north of Moorhead".

The small model misses towns it has rarely seen even where the sentence says a place follows.
These are only candidates: the mention finder keeps those the gazetteer knows as a sizeable town
of the article's countries, or as a region or country.
"""

from __future__ import annotations

LOCATIVES = {"in", "near", "outside", "around"}
DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast",
              "southwest"}
MAX_NAME_WORDS = 3


def locative_names(doc) -> list[tuple[int, int]]:
    """(start, end) token indices of capitalised runs after a preposition of place ("in", or
    "of" after a direction: "north of"), where the NER tagged nothing."""
    tagged = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    found = []
    for token in doc[:-1]:
        if not _locative(doc, token):
            continue
        start = end = token.i + 1
        while (end < len(doc) and end - start < MAX_NAME_WORDS and end not in tagged
               and _name_word(doc[end])):
            end += 1
        if end > start and (end == len(doc) or not _name_word(doc[end])):
            found.append((start, end))
    return found


def _locative(doc, token) -> bool:
    """"in", "near", ...; "of" after a direction ("north of")."""
    return token.lower_ in LOCATIVES or (token.lower_ == "of" and token.i > 0
                                         and doc[token.i - 1].lower_ in DIRECTIONS)


def _name_word(token) -> bool:
    return token.text[:1].isupper() and token.is_alpha and not token.is_stop
