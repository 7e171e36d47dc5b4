"""Clean-up of raw page copies: text pasted from a web page, navigation and footer included.

The rule is general, not tied to one site's wording:

* a line is *prose* when it is long (>= 60 characters or >= 8 words), ends with sentence
  punctuation (optionally followed by a closing quote or bracket) and is not boilerplate
  (cookies, copyright, sign-up...);
* everything before the first prose line is navigation, except the headline: the nearest
  title-like line (>= 3 words, no final period, no breadcrumb separators) among the few
  non-blank lines just before the first prose line (date and byline lines are skipped);
* a header line before the body that is a labelled date ("Published: ...") gives the
  published date, else the bare date line nearest the body (one at the top of the page is the
  site's clock);
* a prose-like line cut off from the rest by a block of short lines (>= 3, or >= 2 with a
  title-like one at the top) is a banner or a site blurb, not body;
* the body runs from the first prose line to the last one, extended over following lines
  that end with a full stop and are not boilerplate; later lines are footer (short lines
  without a final full stop: "Share", "Log in", "Something to say?").

The body is a slice of the input (from the start of its first line), so characters are
untouched. When no headline is found the title is the first sentence's first 12 words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kg.sources.common import fallback_title, find_date

_SENTENCE_END = re.compile(r"[.!?…。](?:[\"'”’)\]»]*)$")
_STATEMENT_END = re.compile(r"[.…。](?:[\"'”’)\]»]*)$")
_BOILERPLATE = re.compile(
    r"cookie|copyright|©|all rights reserved|privacy policy|terms of (?:use|service)|"
    r"sign up|log ?in|subscribe|newsletter|javascript|share this|follow us",
    re.IGNORECASE,
)
_SEPARATORS = {"|", "•", "·", "-", "–", "—", "»"}
_DAY_RANGE = re.compile(r"\b\d{1,2}\s*[–—]\s*\d{1,2}\b")
_MENU_SEPARATOR = re.compile(r"\s[|»›]\s")
_BREADCRUMB = re.compile(r"\s[|>»›/]\s|\s-\s.*\s-\s")
_BYLINE = re.compile(r"^(?:by|source|author|editor|posted|published|updated|date)\b[:\s]", re.I)
_DATE_LABEL = re.compile(r"\b(?:published|posted|date|updated|release[sd]?|time)\b", re.I)
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
TITLE_LOOKBACK = 3
ISOLATING_LINES = 3
BANNER_MAX = 200  # a banner is a line; a paragraph longer than this is an item of a digest, with its own headings


@dataclass(frozen=True)
class Page:
    title: str | None
    body: str
    published: date | None = None


def is_prose(line: str) -> bool:
    s = line.strip()
    if not s or not _SENTENCE_END.search(s):
        return False
    if len(s) < 60 and len(s.split()) < 8:
        return False
    # a menu ("Home | About | ... | Contact Us  Search...") ends in dots but is no sentence
    if len(_MENU_SEPARATOR.findall(s)) >= 3:
        return False
    return not _BOILERPLATE.search(s)


def ends_statement(line: str) -> bool:
    """A short closing line kept in the body: it ends with a full stop (a question or an
    exclamation after the article is a call to action: "Something to say?")."""
    s = line.strip()
    return bool(_STATEMENT_END.search(s)) and not _BOILERPLATE.search(s)


def is_title_like(line: str) -> bool:
    s = _HEADING_MARK.sub("", line.strip())
    n = len(s.split())
    return (
        3 <= n <= 30
        and len(s) <= 250
        and not s.endswith(".")
        and not _BREADCRUMB.search(s)
        and not _BOILERPLATE.search(s)
    )


def _find_headline(lines: list[str], first: int) -> str | None:
    seen = 0
    for line in reversed(lines[:first]):
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > TITLE_LOOKBACK + 2:
            break
        if _BYLINE.match(s) or (len(s) <= 80 and find_date(s)):
            continue  # "By Press Office", "Published: 12 March 2021" between headline and body
        if is_title_like(s):
            return _HEADING_MARK.sub("", s)
        if seen >= TITLE_LOOKBACK:
            break
    return None


def _find_published(lines: list[str], first: int) -> date | None:
    """A date line in the page header: "Published: 2021-06-14  Source: ..." or a bare date.

    A labelled date ("Posted on", "Published") wins over a bare one; of bare dates, the one
    nearest the body: a date at the top of the page, above the menu and the headline, is the
    site's clock ("Thursday, 21 March 2024"), not the article's.
    """
    labelled, bare = [], []
    for line in lines[:first]:
        s = line.strip()
        if not s or len(s) > 120:
            continue
        when = find_date(s)
        if when and _DATE_LABEL.search(s):
            labelled.append(when)
        elif when and len([w for w in s.split() if w not in _SEPARATORS]) <= 5 and not _DAY_RANGE.search(s):
            bare.append(when)  # "PRESS NOTE | 07 Feb 2025"; not "Valencia, 12–14 October": an event's days
    return labelled[0] if labelled else (bare[-1] if bare else None)


def _gap(lines: list[str], a: int, b: int) -> list[str]:
    return [s for s in (line.strip() for line in lines[a + 1 : b]) if s]


def _body_prose(lines: list[str], prose: list[int]) -> list[int]:
    """Drop isolated prose-like lines cut off from the body by a block of short lines: a
    welcome banner above the menu and headline, a site blurb below the related links."""
    while len(prose) > 1 and len(lines[prose[0]].strip()) <= BANNER_MAX:
        gap = _gap(lines, prose[0], prose[1])
        if len(gap) >= ISOLATING_LINES or (len(gap) >= 2 and any(map(is_title_like, gap))):
            prose = prose[1:]
        else:
            break
    while len(prose) > 1 and len(_gap(lines, prose[-2], prose[-1])) >= ISOLATING_LINES:
        prose = prose[:-1]
    return prose


WRAP_WIDTH = 50  # a line this long that stops mid-sentence was wrapped: the next line goes on with it


def _paragraphs(lines: list[str]) -> list[tuple[int, int]]:
    """Spans (first, last) of lines that read as one: hard-wrapped text is judged by its
    paragraphs, not by its lines, which alone would look like menu items."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        j = i
        while (j + 1 < len(lines) and lines[j + 1].strip() and len(lines[j].strip()) >= WRAP_WIDTH
               and not _SENTENCE_END.search(lines[j].strip()) and not lines[j + 1].lstrip().startswith(("-", "*", "•"))):
            j += 1
        spans.append((i, j))
        i = j + 1
    return spans


def clean_page(text: str) -> Page:
    """Split a raw page copy into headline, body and (when written near the top) date."""
    lines = text.split("\n")
    prose = []
    for a, b in _paragraphs(lines):
        if is_prose(" ".join(line.strip() for line in lines[a:b + 1])):
            prose += range(a, b + 1)
    prose = _body_prose(lines, prose)
    if not prose:
        body = text.strip()
        return Page(fallback_title(body), body)
    first, last = prose[0], prose[-1]
    end = last
    for j in range(last + 1, len(lines)):
        s = lines[j].strip()
        if not s:
            continue
        if not ends_statement(s):
            break
        end = j
    title = _find_headline(lines, first)
    published = _find_published(lines, first)
    start_line = lines[first]
    body = "\n".join([start_line[len(start_line) - len(start_line.lstrip()):], *lines[first + 1 : end + 1]])
    body = body.rstrip()
    return Page(title or fallback_title(body), body, published)
