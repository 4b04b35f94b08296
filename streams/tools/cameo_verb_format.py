"""Reader for the PETRARCH2 CAMEO verb dictionary format (the coder's dictionaries.rst).

The file holds synsets, then verb blocks:

    &CURRENCY                 a synset: '+' lines of words or phrases ('_' joins words)
    +DOLLAR
    --- ATTACK [190] ---      a block: its description and default code ('---': no event)
    ATTACK                    a verb (base form), optionally {irregular forms} and its own [code]
    +CALL_FOR {...} [020]     a multi-word verb: '+' marks the verb, the rest follows it
    - * AID [070]             a pattern: nouns before '*' (the verb), then after it objects,
    - * (FOR {FOOD AID}) [0233]   particles, {noun phrases} whose last word is the head,
                              (PREPOSITION NOUN) phrases, &SYNSETS; '$' marks the source and
                              '+' the target, '%' and '^' a compound or skipped actor
    ~ a (a b ATTACK) SAY = ...   a transformation (not read here)

A code 'A:B' codes the source's act A (and the target's B; an empty A codes only the target);
'#' starts a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

NULL_CODE = "---"
_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s*---")
_CODE = re.compile(r"\[([^\]]*)\]\s*$")
_ELEMENT = re.compile(r"\([^)]*\)|\{[^}]*\}|\S+")


@dataclass(frozen=True, slots=True)
class Verb:
    lemma: str  # lower case, the verb word of a multi-word verb ("call")
    particle: str  # the words after it in a multi-word verb ("for"), else ""
    code: str | None  # its own code, None when it takes the block's


@dataclass(frozen=True, slots=True)
class Pattern:
    before: tuple[str, ...]  # elements before '*' (raw, upper case)
    after: tuple[str, ...]  # elements after '*'
    code: str  # raw code text: '190', '042:043', ':173', '---'
    found_with: tuple[str, ...] = ()  # the comment's first words: the verb(s) it was written for


@dataclass(slots=True)
class VerbBlock:
    name: str
    code: str  # the block's default code ('---' for none)
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


def read_synsets(lines: Iterable[str]) -> dict[str, list[str]]:
    """'&NAME' -> its phrases (lower case, words joined by blanks), plurals not generated."""
    synsets: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("---"):
            break  # the verb blocks start
        if line.startswith("&"):
            current = synsets.setdefault(line.rstrip("_"), [])
        elif line.startswith("+") and current is not None:
            phrase = " ".join(line[1:].replace("_", " ").lower().split())
            if phrase:
                current.append(phrase)
        elif not line:
            continue
        else:
            current = None
    return synsets


def read_blocks(lines: Iterable[str]) -> Iterator[VerbBlock]:
    """The verb blocks in file order, with their verbs and patterns."""
    block: VerbBlock | None = None
    for raw in lines:
        line, _, comment = (part.strip() for part in raw.partition("#"))
        if not line:
            continue
        head = _BLOCK.match(line)
        if head:
            if block is not None:
                yield block
            block = VerbBlock(head.group(1), head.group(2).strip() or NULL_CODE)
        elif block is None or line.startswith(("~", "&")):
            continue
        elif line.startswith("-"):
            pattern = parse_pattern(line[1:], comment)
            if pattern is not None:
                block.patterns.append(pattern)
        else:
            verb = parse_verb(line)
            if verb is not None:
                block.verbs.append(verb)
    if block is not None:
        yield block


def parse_verb(line: str) -> Verb | None:
    """'HURRY {HURRIES ...} [020]', '+ASK_FOR {...} [020]'; None for a verb that is not the
    first word of its phrase ('WIRE_+TAP'): the matcher reads complements after the verb."""
    code_match = _CODE.search(line)
    code = code_match.group(1).strip() if code_match else None
    words = line.split("{", 1)[0].split("[", 1)[0].strip().split()
    if not words:
        return None
    parts = words[0].lower().split("_")
    if len(parts) > 1 and not parts[0].startswith("+"):
        return None
    lemma = parts[0].lstrip("+")
    if not lemma.isalpha():
        return None
    return Verb(lemma, " ".join(p for p in parts[1:] if p), code or None)


def parse_pattern(text: str, comment: str = "") -> Pattern | None:
    """The part of a '-' line after the dash, '* (FOR AID) [0233]', and its comment, 'ASK, PLEAD
    (coder's note)': the verbs named first are those the pattern was written for."""
    code_match = _CODE.search(text)
    if not code_match or "*" not in text:
        return None
    before, _, after = text[: code_match.start()].partition("*")
    return Pattern(tuple(_ELEMENT.findall(before)), tuple(_ELEMENT.findall(after)),
                   code_match.group(1).strip(), _verbs_named(comment))


def _verbs_named(comment: str) -> tuple[str, ...]:
    """'RUSH', 'ASK, REQUEST: OY 2005' -> ('rush',), ('ask', 'request')."""
    head = re.split(r"[:;(\[]|\s-\s|\s{2,}", comment, maxsplit=1)[0]
    names = (word.strip().lower() for word in head.replace("/", ",").split(","))
    return tuple(name for name in names if name.isalpha())


def source_code(code: str) -> str | None:
    """The code of the source's act: '042:043' -> '042', '080!' -> '080'; None for ':173' (the
    target's act only) and for what is not a code."""
    first = code.split(":", 1)[0].rstrip("!").strip()
    if first == NULL_CODE or first.isdigit():
        return first
    return None
