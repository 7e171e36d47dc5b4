"""Reader for plain text (.txt) and Markdown (.md).

Optional front matter between two ``---`` lines at the very top gives metadata in the simple
``key: value`` form (``title``, ``url``/``link``, ``published``/``date``, ``source``/
``publisher``; values may be quoted; other keys are ignored). The body after front matter is
kept as written, except that an opening ``# Headline`` is taken out (it is the title); without
a ``title`` key, a leading heading or short title line followed by a blank line is the title. A file without front matter is treated as a
possible raw page copy and cleaned by :func:`kg.sources.page.clean_page`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from kg.article import Article, ReadError
from kg.sources.common import build_article, fallback_title
from kg.sources.page import clean_page, is_title_like

_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_H1 = re.compile(r"#[ \t]+\S")
_ALIASES = {"link": "url", "date": "published", "publisher": "source", "headline": "title"}


def split_front_matter(text: str) -> tuple[dict[str, str] | None, str]:
    """``(metadata, rest)``; metadata is ``None`` when the text has no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    meta: dict[str, str] = {}
    for i in range(1, len(lines)):
        line = lines[i]
        if line.strip() in ("---", "..."):
            return meta, "\n".join(lines[i + 1 :])
        m = _KEY_VALUE.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[_ALIASES.get(key, key)] = value
    return None, text  # no closing line: not front matter


def _leading_title(body: str) -> tuple[str | None, str]:
    """A first line that is a heading or title followed by a blank line -> (title, rest)."""
    stripped = body.lstrip("\n")
    head, sep, rest = stripped.partition("\n")
    first = head.strip()
    if first.startswith("#"):
        return first.lstrip("#").strip() or None, rest
    if sep and rest.startswith(("\n", " \n")) and is_title_like(first):
        return first, rest
    return None, body


def read_text(text: str, source: str) -> Iterator[Article | ReadError]:
    meta, body = split_front_matter(text)
    if meta is None:
        page = clean_page(text)
        yield build_article(page.body, source, title=page.title, published=page.published)
        return
    title = meta.get("title") or None
    if _H1.match(body.lstrip("\n")):  # "# Headline" opening the body is the headline
        heading, body = _leading_title(body)
        title = title or heading
    elif not title:
        title, body = _leading_title(body)
    yield build_article(
        body,
        source,
        title=title or fallback_title(body),
        url=meta.get("url"),
        published=meta.get("published"),
        publisher=meta.get("source"),
    )
