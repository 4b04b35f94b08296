"""Read article documents from files: .json (an object or a list), .jsonl, .txt, or a folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

SUFFIXES = (".json", ".jsonl", ".txt")


class CorpusError(ValueError):
    """A corpus file that cannot be read as articles."""


def corpus_files(path: Path) -> list[Path]:
    """The article files at `path`: the file itself, or the folder's files sorted by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not path.exists():
        raise CorpusError(f"no such file or folder: {path}")
    return [path]


def read_articles(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield each article document under `path` ("-" reads JSON Lines from standard input)."""
    if str(path) == "-":
        yield from _jsonl_lines(sys.stdin.buffer, "<stdin>")
        return
    for file in corpus_files(Path(path)):
        yield from read_file(file)


def read_file(file: Path) -> Iterator[dict[str, Any]]:
    if file.suffix == ".txt":
        yield text_article(file.stem, file.read_text(encoding="utf-8"))
    elif file.suffix == ".jsonl":
        with file.open("rb") as handle:
            yield from _jsonl_lines(handle, str(file))
    else:
        doc = _loads(file.read_bytes(), str(file))
        yield from (doc if isinstance(doc, list) else [doc])


def text_article(article_id: str, text: str) -> dict[str, Any]:
    """A plain-text article: the first line is the title, the rest the body."""
    title, _, body = text.strip().partition("\n")
    return {"id": article_id, "title": title.strip(), "body": body.strip(), "source": None,
            "url": None, "published_at": None}


def _jsonl_lines(handle, name: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield _loads(line, f"{name}:{number}")


def _loads(raw: bytes, where: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON: {exc}") from None
