"""Reader for JSON (.json: one object or a list of objects) and JSON Lines (.jsonl).

Each record has ``text`` (plain) or ``html`` (extracted as in :mod:`kg.sources.html`),
and optionally ``url`` (or ``link``), ``title`` (or ``headline``), ``published`` (or
``date``, ``datePublished``) and ``source`` / ``publisher``. Records inside a file are named
``path#N`` (N from 1) when the file holds a list or lines. Malformed JSON is one ReadError with
the decoder's message (line and column); in JSON Lines a bad line is its own ReadError and the
other lines are still read.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kg.article import Article, ReadError
from kg.sources.common import build_article
from kg.sources.html import extract_html


def _first(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def read_record(record: object, source: str) -> Article | ReadError:
    """One JSON object -> Article, or the ReadError saying what is missing."""
    if not isinstance(record, dict):
        return ReadError(source, f"expected a JSON object, got {type(record).__name__}")
    url = _first(record, "url", "link")
    title = _first(record, "title", "headline")
    published = _first(record, "published", "date", "datePublished")
    publisher = _first(record, "source", "publisher")
    text = _first(record, "text", "body")
    if isinstance(text, str) and text.strip():
        return build_article(text, source, title=title, url=url, published=published, publisher=publisher)
    html = record.get("html")
    if isinstance(html, str) and html.strip():
        found = extract_html(html, url=url if isinstance(url, str) else None)
        if found is None:
            return ReadError(source, "no article text found in the html field")
        return build_article(
            found.text,
            source,
            title=title or found.title,
            url=url or found.url,
            published=published or found.date,
            publisher=publisher,
        )
    return ReadError(source, "JSON object has no text or html field")


def _json_error(e: json.JSONDecodeError) -> str:
    return f"malformed JSON: {e.msg} (line {e.lineno}, column {e.colno})"


def read_json(text: str, source: str) -> Iterator[Article | ReadError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield ReadError(source, _json_error(e))
        return
    if isinstance(data, list):
        if not data:
            return
        for n, record in enumerate(data, start=1):
            yield read_record(record, f"{source}#{n}")
    else:
        yield read_record(data, source)


def read_jsonl(text: str, source: str) -> Iterator[Article | ReadError]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        name = f"{source}#{n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield ReadError(name, _json_error(e).replace("(line 1, ", f"(line {n}, "))
            continue
        yield read_record(record, name)
