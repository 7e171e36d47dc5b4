"""Events that took place, typed by the words that name them, with dates, place and attendees.

A sentence reports an event when an event word ("meeting", "workshop", "visited", "met with")
is the subject or object of its main verb (or is that verb), and the verb is not future or
hypothetical ("will hold", "would conduct a video conference"). A later mention of the same
kind of event without a new date ("the visit", "during the meeting") is the same event. An
event whose dates fall inside a visit's dates is part of it (schema:superEvent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from ..article import Entity, Event, Span
from .dates import DateMention
from .entities import ArticleEntities
from .names import LEX, Phrase

VERB_EVENTS = {"visit": "Visit", "meet": "Meeting", "sign": "Signing", "train": "Training"}
NOT_HAPPENED = {"will", "would", "shall", "should", "could", "might", "may", "can", "must"}
FUTURE_WORDS = {"next", "upcoming", "future", "forthcoming", "planned", "proposed", "preparatory"}
HAPPENING_VERBS = {"hold", "take", "open", "host", "organise", "organize", "convene", "attend", "launch", "kick",
                   "conclude", "close", "co-organize", "co-organise", "start", "begin", "end", "run", "conduct",
                   "participate", "join", "chair", "preside", "witness", "mark", "celebrate", "deliver", "go"}
DELEGATION = re.compile(r"\b(delegation|team|representatives?)\b", re.I)
DISCUSS = {"discuss", "discussion", "talk", "exchange", "meet", "brief", "introduce", "present", "hold", "conduct"}


@dataclass
class _Found:
    event: Event
    sent: int
    trigger: Token


def _event_type(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB",) and lemma in VERB_EVENTS:
        return VERB_EVENTS[lemma]
    if tok.pos_ in ("NOUN", "PROPN"):
        for etype, words in LEX.event_words:
            if lemma in words or tok.lower_ in words:
                return etype
    return None


def _happened(tok: Token) -> bool:
    """Is the clause around this token a report of something that took place?"""
    verb = tok if tok.pos_ in ("VERB", "AUX") else None
    node = tok
    for _ in range(4):  # climb to the governing verb
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod", "acl", "compound"):
            verb = node
            break
        if node.head == node:
            break
        node = node.head
    if verb is None:
        return False
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & NOT_HAPPENED or (verb.dep_ == "xcomp" and verb.head.lemma_ in ("plan", "hope", "want", "intend", "expect", "agree", "wish")):
        return False
    if verb.tag_ in ("VBD", "VBN") or aux & {"was", "were", "had", "has", "have"}:
        if tok == verb:
            return True
        return tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "pobj") and (
            tok.dep_ != "pobj" or tok.head.head == verb and tok.head.lower_ in ("during", "in", "at", "attended"))
    return False


def find(doc: Doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention]) -> list[Event]:
    found: list[_Found] = []
    for s_idx, sent in enumerate(sents):
        context: _Found | None = None  # "during the visit, X met Y": the visit holds the meeting
        for tok in sent:
            etype = _event_type(tok)
            if etype is None or not _happened(tok):
                continue
            if tok.dep_ == "pobj" and tok.head.lower_ in ("during", "on", "at") and tok.head.dep_ == "prep":
                context = _same_as(found, etype, tok, [])
                if context is not None:
                    continue
            if any(c.lower_ in FUTURE_WORDS for c in tok.children) or tok.dep_ == "compound":
                continue
            sdates = [d for d in dates if sent.start_char <= d.begin < sent.end_char]
            same = _same_as(found, etype, tok, sdates)
            if same is not None:  # a later mention adds evidence, not attendees
                if sentences[s_idx] not in same.event.evidence:
                    same.event.evidence.append(sentences[s_idx])
                continue
            ev = Event(type=etype, label=_label(tok, etype), evidence=[sentences[s_idx]])
            if sdates:
                ev.start, ev.end = sdates[0].start, sdates[0].end
            ev.place = _place(sent, s_idx, phrases, ents, tok)
            _add_attendees(ev, doc, sent, s_idx, phrases, ents)
            _add_organisers(ev, sent, s_idx, phrases, ents)
            # the next sentence of the same paragraph often names who took part
            # ("The delegation held talks with X and Y"), unless it reports an event of its own
            if s_idx + 1 < len(sents) and "\n" not in doc.text[sent.end_char:sents[s_idx + 1].start_char]:
                nxt = sents[s_idx + 1]
                if not any(_event_type(t) and _happened(t) for t in nxt):
                    _add_attendees(ev, doc, nxt, s_idx + 1, phrases, ents)
                    ev.evidence.append(sentences[s_idx + 1])
            if context is not None:
                ev.super_event = context.event
            found.append(_Found(ev, s_idx, tok))
            break  # one event per sentence: the first event word that happened
    events = [f.event for f in found]
    _nest(events)
    return events


def _same_as(found: list[_Found], etype: str, tok: Token, sdates: list[DateMention]) -> _Found | None:
    """A definite mention ("the visit", "during the meeting") of an event already found."""
    definite = any(c.lower_ in ("the", "this", "that") for c in tok.children)
    for f in reversed(found):
        if f.event.type != etype:
            continue
        if sdates and f.event.start and sdates[0].start != f.event.start:
            continue
        if definite or not sdates or f.event.start is None:
            if definite or (sdates and f.event.start is None):
                if sdates and f.event.start is None:
                    f.event.start, f.event.end = sdates[0].start, sdates[0].end
                return f
    return None


def _label(tok: Token, etype: str) -> str:
    doc = tok.doc
    if tok.pos_ == "VERB":
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        obj = [c for c in tok.children if c.dep_ == "dobj"] or [
            c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("with", "to", "at", "in", "on")]
        words = []
        if subj:  # the subject's head and its modifiers, not its appositions
            words.append(doc[subj[0].left_edge.i: subj[0].i + 1].text)
        words.append(tok.text)
        if obj:
            words.append(doc[obj[0].left_edge.i: obj[0].right_edge.i + 1].text)
        text = " ".join(words)
    else:
        sub = list(tok.subtree)
        text = tok.doc[sub[0].i: sub[-1].i + 1].text
    text = re.sub(r"\s+", " ", text).strip(" ,.;")
    text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.I)
    if len(text) > 120:
        text = text[:117].rsplit(" ", 1)[0] + "..."
    return text[:1].upper() + text[1:] if text else etype


def _in_sent(phrases: list[Phrase], s_idx: int) -> list[Phrase]:
    return [p for p in phrases if p.sent == s_idx]


def _place(sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities, trigger: Token) -> Entity | None:
    """The most specific place named in the sentence: a room or venue before a city or country."""
    places = [ents.get(p) for p in _in_sent(phrases, s_idx) if p.kind == "Place" and ents.get(p) is not None]
    if not places:
        return None
    specific = [e for e in places if any(w.lower() in LEX.place_heads for w in e.name.split())]
    return (specific or places)[0]


def _add_attendees(ev: Event, doc: Doc, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities) -> None:
    """People named in the sentence, and organisations that act in it (not those only named in a post)."""
    in_sent = _in_sent(phrases, s_idx)
    for i, p in enumerate(in_sent):
        e = ents.get(p)
        if e is None or e.kind not in ("Person", "Organisation") or e in ev.attendees:
            continue
        if e.kind == "Organisation":
            prev = in_sent[i - 1] if i > 0 else None
            gap = doc.text[prev.end:p.start].strip().lower() if prev else ""
            after = doc.text[p.end:p.end + 40]
            joined_to_post = prev is not None and (prev.kind == "Role" or (prev.kind == "Person" and gap in ("from", "from the", "of", "of the")))
            acting = DELEGATION.match(after.strip()) is not None
            if (joined_to_post or p.possessive) and not acting:
                continue
        ev.attendees.append(e)


def _add_organisers(ev: Event, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities) -> None:
    """"organised by X", "hosted by X", "at the invitation of X"."""
    text = sent.doc.text
    for p in _in_sent(phrases, s_idx):
        e = ents.get(p)
        if e is None or e.kind not in ("Organisation", "Person"):
            continue
        before = text[max(sent.start_char, p.start - 40): p.start].lower()
        if re.search(r"(organi[sz]ed|hosted|convened|sponsored|co-organi[sz]ed) by( the)?\s*$", before):
            if e not in ev.organisers:
                ev.organisers.append(e)
        if re.search(r"invitation (of|from)( the)?\s*$", before) and e not in ev.attendees:
            ev.attendees.append(e)


def _nest(events: list[Event]) -> None:
    """Events inside a visit's dates are part of the visit."""
    visits = [e for e in events if e.type == "Visit" and e.start is not None and e.end is not None]
    for e in events:
        if e.type == "Visit" or e.super_event is not None or e.start is None or not hasattr(e.start, "year"):
            continue
        for v in visits:
            if hasattr(v.start, "year") and v.start <= e.start <= v.end:
                e.super_event = v
                break
