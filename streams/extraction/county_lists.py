"""Names listed before "counties" or "parishes": each is a county ("Walton and Oconee counties").

The NER reads such names as towns, people or one long place ("Butler, Clark or Warren
counties"); the plural after them says what they are. Each name is looked up with its own
"County" ("Walton County"), so its namesake town is not taken.
"""

from __future__ import annotations

PLURALS = {"counties": "County", "parishes": "Parish"}
SEPARATORS = {",", "and", "or", "&"}  # before the last name; "," before the others
MAX_NAME_WORDS = 3  # "Prince William", "St. Lucie", "Anne Arundel"


def county_lists(doc) -> list[tuple[int, int, str]]:
    """(start char, end char, name to look up) of each name listed before a lower-case plural,
    last name first."""
    found = []
    for token in doc:
        suffix = PLURALS.get(token.text)
        if suffix is None:
            continue
        end, first = token.i, len(found)  # one past the name's last word; its list's first
        while True:
            start = end
            while start > 0 and end - start < MAX_NAME_WORDS and _name_word(doc[start - 1]):
                start -= 1
            if start == end:
                break
            name = doc[start:end]
            found.append((name.start_char, name.end_char, f"{name.text} {suffix}"))
            end = start
            # "A, B and C": "and" only before the last name ("in Georgia and Nassau and Baker
            # counties" lists two)
            allowed = SEPARATORS if len(found) == first + 1 else {","}
            while end > 0 and doc[end - 1].lower_ in allowed:
                end -= 1
            if end == start:
                break
    return found


def _name_word(token) -> bool:
    return token.text[:1].isupper() and not token.is_stop and not token.is_punct
