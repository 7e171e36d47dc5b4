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
import datetime as dt
from datetime import date

from spacy.tokens import Doc, Span as SpacySpan, Token

from ..article import Entity, Event, Span
from .dates import DateMention, is_history, reference_date
from .entities import ArticleEntities
from .names import LEX, Phrase

VERB_EVENTS = {"visit": "Visit", "meet": "Meeting", "sign": "Signing"}
NOT_HAPPENED = {"will", "would", "shall", "should", "could", "might", "may", "can", "must"}
FUTURE_WORDS = {"next", "upcoming", "future", "forthcoming", "planned", "proposed", "preparatory"}
HAPPENING_VERBS = {"hold", "take", "open", "host", "organise", "organize", "convene", "attend", "launch", "kick",
                   "conclude", "close", "co-organize", "co-organise", "start", "begin", "end", "run", "conduct",
                   "participate", "join", "chair", "preside", "witness", "mark", "celebrate", "deliver", "go"}
# Verbs whose object is an event that took place as part of something ("the visit included a
# workshop", "concluded its stay with a visit to X").
CONTAINING_VERBS = {"include", "feature", "comprise", "conclude", "end", "begin", "start", "continue", "follow",
                    "combine", "complete", "pay", "make", "undertake", "have"}
DELEGATION = re.compile(r"\b(delegation|team|representatives?)\b", re.I)


@dataclass
class _Found:
    event: Event
    sent: int
    trigger: Token


def _event_type(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    if lemma == "call" and any(c.lower_ == "courtesy" for c in tok.children):
        return "Meeting"  # "paid a courtesy call on the Director General"
    if tok.pos_ in ("VERB",) and lemma in VERB_EVENTS:
        return VERB_EVENTS[lemma]
    if tok.pos_ in ("NOUN", "PROPN"):
        for etype, words in LEX.event_words:
            if lemma in words or tok.lower_ in words:
                return etype
    return None


def _happened(tok: Token) -> bool:
    """Is this event word a report of something that took place?

    The event word must be the governing verb ("visited", "met"), its subject ("the workshop was
    held", "the visit strengthened"), the object of a verb of holding or attending ("hosted a
    forum"), or the object of "during"/"at" ("during the visit"); and that verb must be in the
    past and not modal ("would conduct a video conference", "plans to hold").
    """
    verb, node = None, tok
    for _ in range(4):  # climb to the governing verb
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod", "compound"):
            verb = node
            break
        if node.head == node:
            break
        node = node.head
    if verb is None:
        return False
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & NOT_HAPPENED or "to" in aux:
        return False
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("plan", "hope", "want", "intend", "expect", "agree", "wish", "decide"):
        return False
    if verb.dep_ == "ccomp" and verb.head.lemma_ in ("recall", "remind", "note", "mention", "recount", "remember"):
        return False  # "He recalled that CAGIS signed an agreement in 2022": background
    if not (verb.tag_ in ("VBD", "VBN") or aux & {"was", "were", "had", "has", "have"}
            or (verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl"))):
        return False
    if tok == verb and verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl") and _main_verb_past(verb):
        return True  # "The Steering Committee, meeting online on 28 November, admitted ..."
    if verb.dep_ in ("acl", "relcl"):  # "the forum held in May", "the MoU, which was signed in 2021": in passing
        return False
    if tok == verb:
        return True
    if tok.dep_ in ("nsubj", "nsubjpass"):
        return tok.head == verb
    while tok.dep_ == "conj" and tok.head != tok:  # "a workshop on 1 March and a visit to X on 3 March"
        tok = tok.head
    if tok.dep_ in ("dobj", "attr"):
        return tok.head == verb and verb.lemma_.lower() in HAPPENING_VERBS | CONTAINING_VERBS
    if tok.dep_ == "pobj":
        prep = tok.head
        holder = prep.head
        if holder.lower_ in ("part", "participation") and holder.head == verb:  # "took part in a workshop"
            return True
        if holder == verb and prep.lower_ in ("during", "at", "in"):
            return True
        return holder == verb and prep.lower_ == "with" and verb.lemma_.lower() in CONTAINING_VERBS
    return False


def _main_verb_past(tok: Token) -> bool:
    root = tok.sent.root
    return root.tag_ in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("was", "were", "has", "have", "had")
                                              for c in root.children)


def _is_session(tok: Token) -> bool:
    """A session worth its own event: a named one ("Sixth Session") or of a board or an assembly,
    not the parts of a programme ("opening session", "parallel sessions")."""
    if tok.text[:1].isupper():
        return True
    near = {t.lower_ for t in tok.subtree}
    return bool(near & {"board", "council", "assembly", "committee", "commission", "plenary"})


def _nearest_date(tok: Token, sdates: list[DateMention], triggers: list[Token]) -> DateMention | None:
    """The date of the sentence closest to this event word rather than to another one."""
    best = None
    for d in sdates:
        dist = abs(d.begin - tok.idx)
        if any(abs(d.begin - t.idx) < dist for t in triggers if t != tok):
            continue
        if best is None or dist < abs(best.begin - tok.idx):
            best = d
    return best


def _type_in(tok: Token, sent: SpacySpan) -> str | None:
    etype = _event_type(tok)
    if etype == "Ceremony" and _SIGNING.search(sent.text):
        return "Signing"  # "renewed their MoU at a ceremony"
    return etype


def find(doc: Doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention], published: date | None = None) -> list[Event]:
    """The events the article reports (not those it recalls as background, dated long before it)."""
    found: list[_Found] = []
    for s_idx, sent in enumerate(sents):
        triggers: list[Token] = []
        for tok in sent:
            etype = _type_in(tok, sent)
            if etype is None or tok.dep_ == "compound" or not _happened(tok):
                continue
            if any(c.lower_ in FUTURE_WORDS for c in tok.children):
                continue
            if etype == "Session" and not _is_session(tok):
                continue
            if all(_type_in(t, sent) != etype for t in triggers):
                triggers.append(tok)
        if not triggers:
            continue
        sdates = [d for d in dates if sent.start_char <= d.begin < sent.end_char]
        context: _Found | None = None  # "during the visit, X met Y": the visit holds the meeting
        new: list[_Found] = []
        for tok in triggers:
            etype = _type_in(tok, sent)
            date = _nearest_date(tok, sdates, triggers)
            during = tok.dep_ == "pobj" and tok.head.lower_ == "during"
            same = _same_as(found, etype, tok, date)
            if same is not None:  # a later mention adds evidence (and a date if it had none), not attendees
                if sentences[s_idx] not in same.event.evidence:
                    same.event.evidence.append(sentences[s_idx])
                if same.event.start is None and date is not None:
                    same.event.start, same.event.end = date.start, date.end
                if during:
                    context = same
                continue
            ev = Event(type=etype, label=_label(tok, etype), evidence=[sentences[s_idx]])
            if date is not None:
                ev.start, ev.end = date.start, date.end
            elif found and (_SAME_DAY.search(sent.text) or _NEXT_DAY.search(sent.text)):
                # "On the same afternoon, the delegation visited X", "The following day, ...": the
                # day of the last one-day event before it, wherever that was told
                prev = next((f.event for f in reversed(found) if f.event.end is None and isinstance(f.event.start, dt.date)), None)
                if prev is not None:
                    ev.start = prev.start + dt.timedelta(days=1) if _NEXT_DAY.search(sent.text) else prev.start
            elif found and found[-1].sent >= s_idx - 2 and _same_paragraph(doc, sents, found[-1].sent, s_idx):
                prev = found[-1].event  # "In the afternoon, the delegation visited X": the same day
                if prev.end is None and prev.start is not None:
                    ev.start = prev.start
            ev.place = _place(tok, sent, s_idx, phrases, ents)
            _add_attendees(ev, doc, sent, s_idx, phrases, ents)
            _add_organisers(ev, sent, s_idx, phrases, ents)
            # the next sentence of the same paragraph often names who took part
            # ("The delegation held talks with X and Y"), unless it reports an event of its own
            if s_idx + 1 < len(sents) and _same_paragraph(doc, sents, s_idx, s_idx + 1):
                nxt = sents[s_idx + 1]
                if not any(_event_type(t) and _happened(t) for t in nxt):
                    _add_attendees(ev, doc, nxt, s_idx + 1, phrases, ents)
                    ev.evidence.append(sentences[s_idx + 1])
            f = _Found(ev, s_idx, tok)
            if during:
                context = f
            new.append(f)
        for f in new:
            if context is not None and f is not context:
                f.event.super_event = context.event
        found.extend(new)
    reference = reference_date(dates, published)
    events = [f.event for f in found if not is_history(f.event.end or f.event.start, reference)]
    for e in events:  # a container dropped as background takes its parts' link with it
        if e.super_event is not None and e.super_event not in events:
            e.super_event = None
    _nest(events)
    return events


_SAME_DAY = re.compile(r"\b(?:the\s+same|that)\s+(?:day|morning|afternoon|evening)\b|\blater\s+that\s+day\b", re.I)
_NEXT_DAY = re.compile(r"\bthe\s+(?:following|next)\s+(?:day|morning|afternoon|evening)\b", re.I)
_SIGNING = re.compile(r"\b(sign(ed|ing)?|renew(ed|al)?|memorand(um|a) of understanding|mou|agreement)\b", re.I)


def _same_paragraph(doc: Doc, sents: list[SpacySpan], i: int, j: int) -> bool:
    # tokens, not doc.text: spaCy joins the whole text anew on every access
    return not any("\n" in t.text_with_ws for t in doc[sents[i].end - 1:sents[j].start])


def _same_as(found: list[_Found], etype: str, tok: Token, date: DateMention | None) -> _Found | None:
    """An event already found that this mention names: "the visit", "during the meeting", the same
    kind of event on the same day, or the article's one signing."""
    definite = any(c.lower_ in ("the", "this", "that", "its", "their") for c in tok.children)
    for f in reversed(found):
        if f.event.type != etype:
            continue
        same_day = date is not None and f.event.start is not None and date.start == f.event.start
        if definite or same_day or (etype == "Signing" and (date is None or f.event.start is None)):
            return f
    return None


def _in_sent(phrases: list[Phrase], s_idx: int) -> list[Phrase]:
    return [p for p in phrases if p.sent == s_idx]


def _place(trigger: Token, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities) -> Entity | None:
    """Where it happened: what was visited ("visited X", "a visit to X"), else a place after "in"/"at"
    (a room before a city), else any place of the sentence."""
    doc = sent.doc
    in_sent = [p for p in _in_sent(phrases, s_idx) if p.kind in ("Place", "Organisation") and ents.get(p) is not None]

    def head_of(p: Phrase) -> Token:
        return doc[p.tokens[1] - 1]

    if trigger.lemma_.lower() == "visit":
        for p in in_sent:
            h = head_of(p)
            if (trigger.pos_ == "VERB" and h.dep_ == "dobj" and h.head == trigger) or (
                    h.dep_ == "pobj" and h.head.lower_ == "to" and h.head.head == trigger):
                return _as_place(ents.get(p), ents)
    places = [p for p in in_sent if p.kind == "Place"]
    located = [p for p in places if head_of(p).dep_ == "pobj" and head_of(p).head.lower_ in ("in", "at", "inside")]
    rooms = [p for p in located if any(w.lower() in LEX.place_heads for w in p.text.split())]
    for group in (rooms, located, places):
        if group:
            return ents.get(group[0])
    return None


def _as_place(e: Entity, ents: ArticleEntities) -> Entity:
    """An organisation visited is also a place (its premises), kept as a separate kg:Place."""
    if e.kind == "Place":
        return e
    for other in ents.entities:
        if other.kind == "Place" and other.name == e.name:
            return other
    place = Entity("Place", e.name, mentions=list(e.mentions))
    ents.entities.append(place)
    return place


def _label(tok: Token, etype: str) -> str:
    doc = tok.doc
    if tok.pos_ == "VERB":
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        obj = [c for c in tok.children if c.dep_ == "dobj"] or [
            c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("with", "to", "at", "in", "on")]
        words = []
        if subj:  # the subject's head and its modifiers, not its appositions nor a dateline
            start = subj[0].left_edge.i
            dashes = [t.i for t in doc[start:subj[0].i] if t.text in ("—", "–", "--")]
            words.append(doc[(dashes[-1] + 1 if dashes else start): subj[0].i + 1].text)
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


def _add_attendees(ev: Event, doc: Doc, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities) -> None:
    """People named in the sentence, and organisations that act in it (not those only named in a post)."""
    text = doc.text  # spaCy joins the tokens anew on every access
    in_sent = _in_sent(phrases, s_idx)
    for i, p in enumerate(in_sent):
        e = ents.get(p)
        if e is None or e.kind not in ("Person", "Organisation") or e in ev.attendees:
            continue
        if e.kind == "Organisation":
            prev = in_sent[i - 1] if i > 0 else None
            gap = text[prev.end:p.start].strip().lower() if prev else ""
            after = text[p.end:p.end + 40]
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
