"""Read article documents from files: .json (an object or a list), .jsonl, .txt, or a folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from streams.failures import InputError

SUFFIXES = (".json", ".jsonl", ".txt")
JSON_TYPES = {str: "a string", int: "a number", float: "a number", bool: "true or false",
              list: "a list", type(None): "null"}


class CorpusError(InputError):
    """A corpus file that cannot be read as articles (a ValueError)."""


def corpus_files(path: Path) -> list[Path]:
    """The article files at `path`: the file itself, or the folder's files sorted by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not path.exists():
        raise CorpusError(f"no such file or folder: {path}")
    return [path]


def load_articles(path: str | Path) -> list[dict[str, Any]]:
    """Every article under `path`; none at all is an error, not a run that does nothing."""
    articles = list(read_articles(path))
    if not articles:
        where = "standard input" if str(path) == "-" else path
        raise CorpusError(f"no articles in {where}",
                          hint=f"give a file or a folder of {', '.join(SUFFIXES)} files "
                               "holding article objects")
    return articles


def read_articles(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield each article document under `path` ("-" reads JSON Lines from standard input)."""
    if str(path) == "-":
        yield from _jsonl_lines(sys.stdin.buffer, "<stdin>")
        return
    for file in corpus_files(Path(path)):
        yield from read_file(file)


def read_file(file: Path) -> Iterator[dict[str, Any]]:
    if file.suffix == ".txt":
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        yield text_article(file.stem, text)
    elif file.suffix == ".jsonl":
        with file.open("rb") as handle:
            yield from _jsonl_lines(handle, str(file))
    else:
        doc = _loads(file.read_bytes(), str(file))
        if isinstance(doc, list):
            for number, item in enumerate(doc, start=1):
                yield _article(item, f"{file}: item {number} of the list")
        else:
            yield _article(doc, str(file))


def text_article(article_id: str, text: str) -> dict[str, Any]:
    """A plain-text article: the first line is the title, the rest the body."""
    title, _, body = text.strip().partition("\n")
    return {"id": article_id, "title": title.strip(), "body": body.strip(), "source": None,
            "url": None, "published_at": None}


def _jsonl_lines(handle, name: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield _article(_loads(line, f"{name}:{number}"), f"{name}:{number}")


def _article(doc: Any, where: str) -> dict[str, Any]:
    """An article is a JSON object; anything else would fail later, further from its file."""
    if not isinstance(doc, dict):
        raise CorpusError(f"{where} is {JSON_TYPES.get(type(doc), type(doc).__name__)}, "
                          "not an article object")
    return doc


def _loads(raw: bytes, where: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON: {exc}") from None
