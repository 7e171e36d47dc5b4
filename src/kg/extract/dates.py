"""Dates as news writes them, resolved against the article's own year.

A date without a year ("on September 17") takes the year of the nearest earlier full date in
the article, else the publication year; "From September 16 to 19, 2018" and "3-5 March 2021"
are ranges. Only the precision the text gives is kept: "in March 2021" is a month.

>>> [(d.start, d.end) for d in find_dates("From September 16 to 19, 2018, they met. On September 17 they signed.", 2018)]
[(datetime.date(2018, 9, 16), datetime.date(2018, 9, 19)), (datetime.date(2018, 9, 17), None)]
>>> find_dates("It was held on 3-5 March 2021 in Paris.")[0].end
datetime.date(2021, 3, 5)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {m: i for i, names in enumerate((
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"))) for m in names}

_M = r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<{n}>(?:19|20)\d\d)"
_SEP = r"\s*(?:-|–|—|to|until|till|and|through)\s*"


def _f(pattern: str, **names: str) -> str:
    return pattern.format(**{k: v.format(n=k) for k, v in names.items()})


PATTERNS = [
    # September 16 to 19, 2018 / September 16-19 / September 30 to October 2, 2018
    re.compile(_f(r"\b{m1}\s+{d1}(?:" + _SEP + r"(?:{m2}\s+)?{d2})?(?:,?\s+{y})?\b",
                  m1=_M, d1=_D, m2=_M, d2=_D, y=_Y)),
    # 16 to 19 September 2018 / 3-5 March / 30 September to 2 October 2018
    re.compile(_f(r"\b{d1}(?:\s+{m1})?" + _SEP + r"{d2}\s+{m2}(?:,?\s+{y})?\b", d1=_D, m1=_M, d2=_D, m2=_M, y=_Y)),
    re.compile(_f(r"\b{d1}\s+{m1}(?:,?\s+{y})?\b", d1=_D, m1=_M, y=_Y)),
    # 2018-09-17
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    # March 2021
    re.compile(_f(r"\b{m1},?\s+{y}\b", m1=_M, y=_Y)),
    # in 2019 / in early 2019: a year alone, only after "in" and not the start of a span or a
    # name ("in 2022–2026", "in 2019/20", "in 2019 Annual Report"), so "signed in 2019" is dated
    re.compile(r"\b[Ii]n\s+(?:(?:early|late|mid)[- ])?(?P<yo>(?:19|20)\d\d)\b(?!\s*(?:[-–—/]\s*\d|[-–—/]\d|['’]s|\s[A-Z]))"),
]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY = re.compile(r"\b(?:[Oo]n|[Ll]ast|[Tt]his past)\s+(?P<w1>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                     r"(?:\s+(?:and|to|-|–)\s+(?P<w2>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))?\b(?!,?\s+\d)")
RELATIVE = re.compile(r"\b(?P<rel>yesterday|today)\b", re.I)


@dataclass(frozen=True)
class DateMention:
    begin: int
    end_char: int
    text: str
    start: date | str  # a date, or "YYYY-MM" when only the month is known
    end: date | str | None = None
    explicit_year: bool = False
    dateline: bool = False  # the article's own date ("Paris, 7 May 2024 —", a date line of the page), no event's
    year_only: bool = False  # "in 2019": only the year is known ("2019"); never the article's own date


# "Gopalpur, 9 January 2024:", "PARIS, 7 May 2024 —": a dateline opening a paragraph
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][\w’'.-]*(?:[ \t]+[A-Z(][\w’'.()-]*){0,4},[ \t]*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]*)?$")
_DATELINE_AFTER = re.compile(r"^[ \t]*(?:\([^)\n]{0,40}\)[ \t]*)?(?::|—|–|--|-[ \t])")  # "(Steppe Wire) –"
# words that may share a line with a date in page chrome: "PRESS NOTE | 07 Feb 2025", "Posted on 3 May 2024"
_CHROME_WORDS = {"press", "note", "release", "news", "published", "posted", "updated", "date", "on", "by", "at", "am",
                 "pm", "last", "modified", "time", *WEEKDAYS}


def _is_dateline(text: str, start: int, end: int) -> bool:
    """Is the date at text[start:end] a dateline or a page-chrome date, rather than one the text reports?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = re.sub(r"[^\w\s]|\d", " ", text[line_start:start] + " " + text[end:line_end]).lower().split()
    if all(w in _CHROME_WORDS for w in rest):
        return True
    return bool(_DATELINE_BEFORE.search(text, max(line_start - 1, 0), start)) and bool(_DATELINE_AFTER.match(text[end:end + 50]))


def _day(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, default_year: int | None = None, published: date | None = None) -> list[DateMention]:
    """Every date expression in ``text``, in order, resolved; overlapping matches keep the longest.

    Weekdays ("on Tuesday") and "yesterday" resolve only against a publication date: the last
    such day on or before it, as news reports what has happened.
    """
    raw = []
    for pat in PATTERNS + ([WEEKDAY, RELATIVE] if published else []):
        for m in pat.finditer(text):
            raw.append(m)
    raw.sort(key=lambda m: (m.start(), -(m.end() - m.start())))
    chosen, last_end = [], -1
    for m in raw:
        if m.start() >= last_end:
            chosen.append(m)
            last_end = m.end()
    out: list[DateMention] = []
    year = default_year
    for m in chosen:
        g = {k: v for k, v in m.groupdict().items() if v}
        if "w1" in g or "rel" in g:
            assert published is not None
            if "rel" in g:
                day = published - timedelta(days=1 if g["rel"].lower() == "yesterday" else 0)
                out.append(DateMention(m.start(), m.end(), m.group(0), day, None, False))
                continue
            start = _last_weekday(published, g["w1"])
            end = _last_weekday(published, g["w2"]) if "w2" in g else None
            if end is not None and end < start:
                start -= timedelta(days=7)
            out.append(DateMention(m.start(), m.end(), m.group(0), start, end, False))
            continue
        if "yo" in g:
            out.append(DateMention(m.start("yo"), m.end(), g["yo"], g["yo"], None, True, year_only=True))
            continue
        if "iso" in g:
            y, mo, d = map(int, g["iso"].split("-"))
            start = _day(y, mo, d)
            if start:
                out.append(DateMention(m.start(), m.end(), m.group(0), start, None, True))
            continue
        explicit = "y" in g
        y = int(g["y"]) if explicit else year
        m1 = MONTHS[g["m1"].lower().rstrip(".")] if "m1" in g else None
        m2 = MONTHS[g["m2"].lower().rstrip(".")] if "m2" in g else None
        if "d1" not in g:  # month and year only
            if y is not None and m1:
                out.append(DateMention(m.start(), m.end(), m.group(0), f"{y:04d}-{m1:02d}", None, explicit))
            continue
        m1 = m1 or m2
        if y is None or m1 is None:
            continue
        start = _day(y, m1, int(g["d1"]))
        end = _day(y, m2 or m1, int(g["d2"])) if "d2" in g else None
        if start is None:
            continue
        if end is not None and end < start:
            end = None
        out.append(DateMention(m.start(), m.end(), m.group(0), start, end, explicit))
    return [DateMention(d.begin, d.end_char, d.text, d.start, d.end, d.explicit_year, True)
            if not d.year_only and _is_dateline(text, d.begin, d.end_char) else d for d in out]


def _last_weekday(ref: date, name: str) -> date:
    return ref - timedelta(days=(ref.weekday() - WEEKDAYS.index(name.lower())) % 7)


def article_year(text: str, published: date | None) -> int | None:
    """The year a text's yearless dates belong to: the publication year, else the year of the
    first full date written (the lead's date), else the first year written."""
    if published:
        return published.year
    full = [d for d in find_dates(text) if d.explicit_year and not d.year_only]
    if full:
        first = full[0].start
        return first.year if isinstance(first, date) else int(first[:4])
    m = re.search(r"\b(?:19|20)\d\d\b", text)
    return int(m.group(0)) if m else None


HISTORY_DAYS = 60  # what an article dates this long before its own date is background, not its news


def as_date(value: date | str) -> date:
    """A date for comparisons: "2021-11" counts as 1 November 2021."""
    if isinstance(value, date):
        return value
    parts = [int(x) for x in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], 1)


def reference_date(dates: list[DateMention], published: date | None) -> date | None:
    """The article's own time: its publication date, else the first full date it gives (the lead's)."""
    if published:
        return published
    known = [as_date(d.end or d.start) for d in dates if d.explicit_year and not d.year_only]
    return known[0] if known else None


def is_history(value: date | str | None, reference: date | None) -> bool:
    """Is this date background to an article of the given date ("first signed in 2021")?"""
    return value is not None and reference is not None and (reference - as_date(value)).days > HISTORY_DAYS
