"""Reading articles from files: ``read(paths)`` yields an Article or a ReadError per input.

Folders are walked recursively in sorted order; hidden files and folders (".name") are
skipped. Files are dispatched by suffix:

=====================================  ==============================================
.txt, .md                               :mod:`kg.sources.text` (front matter, page copies)
.html, .htm                             :mod:`kg.sources.html` (trafilatura)
.json, .jsonl                           :mod:`kg.sources.structured`
.xml, .rss, .atom, .feed                :mod:`kg.sources.feed` (feedparser)
=====================================  ==============================================

Bad input never stops the batch: each bad file (or bad entry inside a file, named
``path#N``) gives one :class:`~kg.article.ReadError` with a short reason; the checks are
in :mod:`kg.sources.checks`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.article import Article, ReadError
from kg.sources.checks import check_size, decode
from kg.sources.feed import read_feed
from kg.sources.html import read_html
from kg.sources.structured import read_json, read_jsonl
from kg.sources.text import read_text

__all__ = ["read", "read_file", "READERS", "Article", "ReadError"]

Reader = Callable[[str, str], Iterator[Article | ReadError]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
    ".feed": read_feed,
}

DEFAULT_MAX_BYTES = 5_000_000


def read(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | ReadError]:
    """Articles (and ReadErrors) from files and folders, in a deterministic order.

    A single path (``str`` or ``Path``) is accepted as well as an iterable of them.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file, max_bytes=max_bytes)
        elif path.exists():
            yield from read_file(path, max_bytes=max_bytes)
        else:
            yield ReadError(str(p), "no such file or directory")


def input_bytes(paths: Iterable[str | Path]) -> int:
    """The total size of the files under ``paths`` (what a batch will read), for sizing the work."""
    total = 0
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        path = Path(p)
        for file in _walk(path) if path.is_dir() else [path]:
            try:
                total += file.stat().st_size
            except OSError:
                pass
    return total


def _walk(folder: Path) -> Iterator[Path]:
    try:
        children = sorted(folder.iterdir(), key=lambda c: c.name)
    except OSError:
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | ReadError]:
    """The articles of one file; exactly one ReadError when the whole file is unusable."""
    source = str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        suffix = path.suffix.lower() or "(no suffix)"
        yield ReadError(source, f"unsupported file type {suffix}")
        return
    try:
        reason = check_size(path.stat().st_size, max_bytes)
        if reason:
            yield ReadError(source, reason)
            return
        data = path.read_bytes()
    except OSError as e:
        yield ReadError(source, f"cannot read: {e.strerror or e}")
        return
    try:
        text = decode(data)
    except ValueError as e:
        yield ReadError(source, str(e))
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        yield from reader(text, source)
    except Exception as e:  # a reader bug must not stop the batch
        yield ReadError(source, f"could not read: {type(e).__name__}: {e}")
