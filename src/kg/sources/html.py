"""Reader for HTML pages (.html, .htm) and HTML fields of JSON records, using trafilatura.

trafilatura removes navigation, footers and comments (``favor_precision``) and keeps whole
paragraphs; its paragraphs are separated by a blank line in the stored text. When
trafilatura finds nothing (it gives up on short fragments), the fragment's own text is used,
without script, style, nav, header, footer and aside elements. Title, URL
(canonical / og:url) and date come from the page metadata; a headline repeated as the body's
first line is dropped. A page that yields no text is a ReadError.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura

from kg.article import Article, ReadError
from kg.sources.common import build_article

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    url: str | None
    date: str | None
    sitename: str | None


def extract_html(html: str, url: str | None = None) -> Extracted | None:
    """Body text and metadata of an HTML page, or ``None`` when it yields no text."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # trafilatura/lxml raise many kinds of errors on broken markup
        doc = None
    if doc is None:  # trafilatura gives up on short fragments: fall back to the plain text
        text = fragment_to_text(html)
        if not any(ch.isalpha() for ch in text):
            return None
        return Extracted(text=text, title=None, url=url, date=None, sitename=None)
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (meta.get("text") or "").replace("\r\n", "\n").strip()
    title = meta.get("title")
    if title and text:
        head, _, rest = text.partition("\n")
        if head.strip() == title.strip():
            text = rest.strip()
    if not any(ch.isalpha() for ch in text):  # markup debris such as ">>>"
        return None
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    return Extracted(
        text="\n\n".join(paragraphs),
        title=title,
        url=meta.get("url") or url,
        date=meta.get("date"),
        sitename=meta.get("sitename"),
    )


def read_html(html: str, source: str) -> Iterator[Article | ReadError]:
    found = extract_html(html)
    if found is None:
        yield ReadError(source, "no article text found in HTML")
        return
    yield build_article(found.text, source, title=found.title, url=found.url, published=found.date)


_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
           "blockquote", "tr", "table", "section", "article", "pre", "hr", "dd", "dt"}


def fragment_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed entry's content): one paragraph per
    block element, separated by blank lines; scripts and styles dropped."""
    import lxml.html
    from lxml import etree

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    etree.strip_elements(root, "script", "style", "nav", "header", "footer", "aside", "head",
                         "title", with_tail=False)
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        block = isinstance(el.tag, str) and el.tag.lower() in _BLOCKS
        if block:
            parts.append("\n\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    paragraphs = (" ".join(p.split()) for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
