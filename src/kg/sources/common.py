"""Helpers shared by the readers: date parsing and turning extracted fields into an Article.

``build_article`` is the single place an :class:`~kg.article.Article` is made: it normalises
newlines, runs the text checks (English, long enough), falls back to the first words of
the body for a missing title, and hashes the id via
``Article.from_text`` (URL when known, else text).
"""
from __future__ import annotations

import re
import time
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from kg.article import Article, ReadError
from kg.sources.checks import check_article_text, normalise_newlines

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE_IN_TEXT = re.compile(
    rf"\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{4}}/\d{{1,2}}/\d{{1,2}}"
    rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTHS}\s*,?\s+\d{{4}}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
    re.IGNORECASE,
)


def parse_date(value: object) -> date | None:
    """A ``date`` from a string ("2018-09-20", "20 Sep 2018", RFC 822...), a datetime, a
    ``time.struct_time`` (feedparser) or a date; ``None`` when absent or unparsable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time.struct_time):
        try:
            return date(value.tm_year, value.tm_mon, value.tm_mday)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None
    s = str(value).strip()
    if not re.search(r"\d", s) or len(s) > 80:
        return None
    try:
        return dateutil_parser.parse(s, default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError, TypeError):
        return None


def find_date(line: str) -> date | None:
    """A date written somewhere in a short line ("Published: 20 Sep 2018 | Beijing")."""
    m = DATE_IN_TEXT.search(line)
    if m is None:
        return None
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", m.group(0))
    if dotted:  # "12.06.2023" is day first wherever it is written so
        day, month, year = map(int, dotted.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return parse_date(m.group(0))


def clean_str(value: object) -> str | None:
    """A stripped non-empty string, or ``None``."""
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def fallback_title(body: str) -> str | None:
    """The first sentence's first words, when a page has no headline."""
    first = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0]
    ws = first.split()[:12]
    title = " ".join(ws).rstrip(".,;:!?")
    return title or None


# "PARIS, 14 March 2023 —" / "Nairobi, Kenya, 3 May 2022 -" / "Gopalpur, 9 January 2024:": a dateline.
DATELINE = re.compile(r"^[A-Z][^,\n]{1,40},\s*(?P<date>[^—–\n]{4,60}?)\s*(?:—|–|--|\s-|[.:])\s")


def dateline_date(body: str) -> date | None:
    """The date of a dateline opening the body, when it has one."""
    m = DATELINE.match(body)
    return find_date(m.group("date")) if m else None


def build_article(
    text: str,
    source: str,
    *,
    title: object = None,
    url: object = None,
    published: object = None,
    publisher: object = None,
) -> Article | ReadError:
    """Check the body and make the Article, or the ReadError saying why not."""
    body = normalise_newlines(text).lstrip()
    reason = check_article_text(body)
    if reason:
        return ReadError(source, reason)
    return Article.from_text(
        body,
        source=source,
        title=clean_str(title) or fallback_title(body),
        url=clean_str(url),
        published=parse_date(published) or dateline_date(body),
        publisher=clean_str(publisher),
    )
