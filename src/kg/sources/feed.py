"""Reader for RSS and Atom feeds (.xml, .rss, .atom, .feed), using feedparser.

One Article per entry, named ``path#N`` (N from 1): body from the entry's content (or its
summary when there is none) converted from HTML to paragraphs; ``link`` as url; the
published (or updated) date; the feed's title as publisher. A file feedparser cannot parse
and that has no entries is one ReadError; an entry without content is its own ReadError.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import feedparser

from kg.article import Article, ReadError
from kg.sources.common import build_article
from kg.sources.html import fragment_to_text


def _entry_body(entry: Any) -> str:
    candidates: list[Any] = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        candidates.append(entry["summary_detail"])
    elif entry.get("summary"):
        candidates.append({"value": entry["summary"], "type": "text/html"})
    for c in candidates:
        value = (c.get("value") or "").strip()
        if not value:
            continue
        kind = c.get("type") or "text/html"
        text = fragment_to_text(value) if "html" in kind else value
        if text.strip():
            return text
    return ""


def read_feed(text: str, source: str) -> Iterator[Article | ReadError]:
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")))  # bytes: never a path or URL
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            detail = str(problem).strip() if problem else "not a feed"
            m = re.match(r"^<unknown>:(\d+):(\d+):\s*(.*)$", detail)
            if m:
                detail = f"{m.group(3)} (line {m.group(1)}, column {m.group(2)})"
            yield ReadError(source, f"malformed feed: {detail}")
        elif not parsed.get("version"):
            yield ReadError(source, "not an RSS or Atom feed")
        return
    publisher = parsed.get("feed", {}).get("title")
    for n, entry in enumerate(entries, start=1):
        name = f"{source}#{n}"
        body = _entry_body(entry)
        if not body:
            yield ReadError(name, "feed entry has no content")
            continue
        published = (
            entry.get("published_parsed")
            or entry.get("updated_parsed")
            or entry.get("published")
            or entry.get("updated")
        )
        yield build_article(
            body,
            name,
            title=entry.get("title"),
            url=entry.get("link"),
            published=published,
            publisher=publisher,
        )
