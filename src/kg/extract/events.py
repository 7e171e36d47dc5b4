"""Events that took place, typed by the words that name them, with dates, place and attendees.

A sentence reports an event when an event word ("meeting", "workshop", "visited", "met with")
is the subject or object of its main verb (or is that verb), and the verb is not future or
hypothetical ("will hold", "would conduct a video conference"). A later mention of the same
kind of event without a new date ("the visit", "during the meeting") is the same event. An
event whose dates fall inside a visit's dates is part of it (schema:superEvent).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
import datetime as dt
from datetime import date
from pathlib import Path

from spacy.tokens import Doc, Span as SpacySpan, Token

from ..article import Entity, Event, Span
from .dates import DateMention, as_date, is_history
from .entities import ArticleEntities
from .names import LEX, Phrase

_DATA = json.loads((Path(__file__).parent / "patterns" / "events.json").read_text(encoding="utf-8"))
# verb lemma -> [(type, particle or preposition required, object word class or None, a person may be the object)]
VERB_EVENTS: dict[str, list[tuple[str, str | None, frozenset[str] | None, bool]]] = {}
for _rule in _DATA["verb_triggers"]:
    VERB_EVENTS.setdefault(_rule["lemma"], []).append(
        (_rule["type"], _rule.get("prep"), frozenset(_DATA[_rule["object"]]) if "object" in _rule else None,
         bool(_rule.get("person_object"))))
# "the opening of the laboratory": nouns that name an event only with an "of" object
OF_NOUNS: dict[str, str] = {r["lemma"]: r["type"] for r in _DATA["of_noun_triggers"]}
RECALL_VERBS = frozenset(_DATA["recall_verbs"])
GREETING_VERBS = frozenset(_DATA["greeting_verbs"])
ANCHOR_NOUNS = frozenset(_DATA["anchor_nouns"])
AGREEMENT_WORDS = frozenset(_DATA["agreement_words"])
CANCEL_VERBS = frozenset(_DATA["cancel_verbs"])
CANCEL_WORDS = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _DATA["cancel_words"]) + r")\b", re.I)
HIGHLIGHT_NOUNS = frozenset(_DATA["highlight_nouns"])
VENUE_WORDS = frozenset(_DATA["venue_words"])
NOT_HAPPENED = {"will", "would", "shall", "should", "could", "might", "may", "can", "must"}
FUTURE_WORDS = {"next", "upcoming", "future", "forthcoming", "planned", "proposed", "preparatory"}
HAPPENING_VERBS = {"hold", "take", "open", "host", "organise", "organize", "convene", "attend", "launch", "kick",
                   "conclude", "close", "co-organize", "co-organise", "start", "begin", "end", "run", "conduct",
                   "participate", "join", "chair", "preside", "witness", "mark", "celebrate", "deliver", "go"}
# Verbs whose object is an event that took place as part of something ("the visit included a
# workshop", "concluded its stay with a visit to X").
CONTAINING_VERBS = {"include", "feature", "comprise", "conclude", "end", "begin", "start", "continue", "follow",
                    "combine", "complete", "pay", "make", "undertake", "have"}
FOLLOW_SENTENCES = 3  # how far into its paragraph an event's attendees are looked for
DELEGATION = re.compile(r"\b(delegation|team|representatives?)\b", re.I)


@dataclass
class _Found:
    event: Event
    sent: int
    trigger: Token
    heading: bool = False  # told in a headline ("Delegation of X visited Y"), which the body tells again with its date
    history: bool = False  # dated long before the article: background ("first signed in 2013")

    @property
    def background(self) -> bool:
        return self.history or _in_passing(self.trigger)


def _event_type(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    if lemma == "call" and any(c.lower_ == "courtesy" for c in tok.children):
        return "Meeting"  # "paid a courtesy call on the Director General"
    if tok.pos_ == "VERB" and lemma in VERB_EVENTS:
        for etype, prep, objects, person in VERB_EVENTS[lemma]:
            if _verb_fits(tok, prep, objects, person):
                return etype
        return None
    if lemma in OF_NOUNS and tok.pos_ in ("NOUN", "PROPN", "VERB") and tok.dep_ not in ("amod", "compound"):
        # "the opening of the new laboratory", but not "the opening of the forum" (a part of the forum)
        obj = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                    if g.dep_ == "pobj"), None)
        if obj is None or any(obj.lemma_.lower() in words for _, words in LEX.event_words):
            return None
        return OF_NOUNS[lemma]
    if tok.pos_ in ("NOUN", "PROPN"):
        for etype, words in LEX.event_words:
            if lemma in words or tok.lower_ in words:
                return etype
    return None


def _verb_fits(verb: Token, prep: str | None, objects: frozenset[str] | None, person: bool = False) -> bool:
    """Does this verb have the particle and the kind of object its rule asks for?
    "entered into an MoU" (prep "into", an agreement word), "received the delegation", and with
    ``person``, a named person or role ("received Ambassador X", "welcomed the Rector of Y"), not
    what a person did ("welcomed the initiative of Professor X")."""
    kids = list(verb.children)
    if prep is not None:
        preps = [c for c in kids if c.dep_ in ("prep", "prt") and c.lower_ == prep]
        if not preps:
            return False
        if objects is None:
            return True
        cands = [g for c in preps for g in c.children if g.dep_ == "pobj"]
    else:
        if objects is None:
            return True
        cands = [c for c in kids if c.dep_ in ("dobj", "nsubjpass")] or [
            c for c in kids if c.dep_ == "nsubj"]  # telegraphic "MoU inked: 5 Feb"
        if not cands and verb.dep_ == "conj":  # "the accord was signed in 2013 and renewed in 2018"
            cands = [c for c in verb.head.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.dep_ in ("relcl", "acl"):  # "the agreement the two councils concluded in 2016"
            cands.append(verb.head)
    cands += [g for c in cands for g in c.conjuncts]
    if any(c.lemma_.lower() in objects or c.lower_ in objects for c in cands):
        return True
    if not person:
        return False
    guests = verb.doc.user_data.get("kg_guest_tokens", frozenset())
    cands = [c for c in cands if c.dep_ != "nsubj"]  # the host is the subject, not a guest
    return any(c.i in guests or c.lemma_.lower() in objects for c in cands)


def _dated(tok: Token, date_starts: frozenset[int]) -> bool:
    """Is a date written in this verb's clause, or is the verb a clause of a date ("in August
    2011, when a delegation first visited the glacier")?"""
    return any(t.idx in date_starts for t in tok.subtree) or (tok.dep_ == "relcl" and any(
        t.idx in date_starts for t in tok.head.subtree if t.i < tok.i))


def _called_off(tok: Token, verb: Token) -> bool:
    """A cancelled, postponed or merely planned event: "the meeting ... has been postponed",
    "a second workshop is planned", "the session, which had been scheduled for May"."""
    if verb.lemma_.lower() in CANCEL_VERBS and tok.dep_ in ("nsubj", "nsubjpass", "dobj") and tok.head == verb:
        return True
    for c in tok.children:
        if c.dep_ in ("acl", "relcl") and (c.lemma_.lower() in CANCEL_VERBS
                                          or CANCEL_WORDS.search(tok.doc[c.left_edge.i: c.i + 1].text)):
            return True
    return False


def _happened(tok: Token, date_starts: frozenset[int] = frozenset()) -> bool:
    """Is this event word a report of something that took place?

    The event word must be the governing verb ("visited", "met"), its subject ("the workshop was
    held", "the visit strengthened"), the object of a verb of holding or attending ("hosted a
    forum"), or the object of "during"/"at" ("during the visit"); and that verb must be in the
    past and not modal ("would conduct a video conference", "plans to hold").
    """
    head = _list_head(tok)
    if head is not None:  # "included a workshop on soil carbon, a tour of the laboratories and a meeting"
        return _happened(head, date_starts)
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
    if _called_off(tok, verb):
        return False
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & NOT_HAPPENED or "to" in aux:
        return False
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("plan", "hope", "want", "intend", "expect", "agree", "wish", "decide"):
        return False
    if verb.dep_ == "ccomp" and verb.head.lemma_ in ("recall", "remind", "note", "mention", "recount", "remember") \
            and not _dated(verb, date_starts):
        return False  # "He recalled that they had signed an agreement": undated background
    if not (verb.tag_ in ("VBD", "VBN") or aux & {"was", "were", "had", "has", "have"}
            or (verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl"))):
        return False
    if tok == verb and verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl") and _main_verb_past(verb):
        return True  # "The Steering Committee, meeting online on 28 November, admitted ..."
    if verb.dep_ in ("acl", "relcl"):
        # in passing: "the MoU, signed in Oslo on 3 May 2012", "the accord the academies signed in
        # Minsk on 17 May 1994" are events of their own when dated; "the forum held there" is not
        if not _dated(verb, date_starts):
            return False
    if tok == verb:
        return True
    if tok.dep_ in ("nsubj", "nsubjpass"):
        return tok.head == verb
    while tok.dep_ == "conj" and tok.head != tok:  # "a workshop on 1 March and a visit to X on 3 March"
        tok = tok.head
    if tok.dep_ == "attr" and tok.head == verb and verb.lemma_ == "be":
        # "the highlight of the visit was the signing of the accord"
        return any(c.dep_ == "nsubj" and c.lemma_.lower() in HIGHLIGHT_NOUNS for c in verb.children)
    if tok.dep_ == "dobj" and tok.head == verb and verb.lemma_.lower() in RECALL_VERBS:
        # "recalled her first visit to the station in 2013": a background event when it is dated
        return _dated(verb, date_starts)
    if tok.dep_ in ("dobj", "attr"):
        return tok.head == verb and verb.lemma_.lower() in HAPPENING_VERBS | CONTAINING_VERBS
    if tok.dep_ == "pobj":
        prep = tok.head
        holder = prep.head
        if holder.lower_ in ("part", "participation") and holder.head == verb:  # "took part in a workshop"
            return True
        if holder == verb and prep.lower_ in ("during", "at", "in"):
            return True
        # "concluded (its stay) with a visit to X"
        return prep.lower_ == "with" and verb.lemma_.lower() in CONTAINING_VERBS and (
            holder == verb or (holder.dep_ == "dobj" and holder.head == verb))
    return False


def _contained(tok: Token) -> bool:
    """Is this event word an item of what something included ("the programme included a workshop",
    "the visit featured a tour of X")?"""
    tok = _list_head(tok) or tok
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() in CONTAINING_VERBS - {"pay", "make", "have", "conclude"}


def _in_own_clause(verb: Token, t: Token) -> bool:
    """Is ``t`` in the verb's own words, not in a verb coordinated with it?"""
    return t in verb.subtree and not any(t in c.subtree for c in verb.children if c.dep_ == "conj")


def _subject_entities(verb: Token) -> list[Entity]:
    """The people and organisations named as the subject of a verb ("Dr. A and Dr. B signed")."""
    at = verb.doc.user_data.get("kg_entity_at", {})
    out: list[Entity] = []
    for c in verb.children:
        if c.dep_ == "nsubj":
            for t in c.subtree:
                e = at.get(t.i)
                if e is not None and e not in out:
                    out.append(e)
    return out


def _list_head(tok: Token) -> Token | None:
    """The first item of a list of events this event word is a later item of: "a workshop on soil
    carbon, a tour of the laboratories and a meeting with X" (the small parser hangs the later items
    on the words of the first, as conjuncts or appositions). Only items told with "a"/"an"."""
    if tok.dep_ not in ("conj", "appos") or not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return None
    node = tok
    for _ in range(6):
        if node.head == node:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return None
        if node.dep_ in ("conj", "appos", "pobj", "prep", "compound"):
            continue
        return node if node.pos_ == "NOUN" and _event_type(node) is not None else None
    return None


def _main_verb_past(tok: Token) -> bool:
    root = tok.sent.root
    return root.tag_ in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("was", "were", "has", "have", "had")
                                              for c in root.children)


def _is_session(tok: Token, dated: bool = False) -> bool:
    """A session worth its own event: a named one ("Sixth Session"), one of a board, senate or
    assembly ("at its session", "the session of the Senate"), or one given its own date ("a special
    session on 13 October"); not the parts of a programme ("parallel sessions")."""
    if tok.text[:1].isupper():
        return True
    if tok.tag_ == "NNS" or any(c.lower_ in ("opening", "parallel", "breakout") for c in tok.lefts):
        return False
    if dated or any(c.dep_ == "poss" for c in tok.children):
        return True
    near = {t.lower_ for t in tok.subtree}
    return bool(near & {"board", "council", "assembly", "committee", "commission", "plenary", "senate", "presidium",
                        "parliament", "congress"})


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


_FINITE = {"VBD", "VBZ", "VBP", "MD"}


def _fragment(sent: SpacySpan) -> bool:
    """A verbless note line ("- 4 Feb: lab visit.", "Visit: 4-6 Feb 2025."), as press notes and
    digests write what happened; not one that says it is planned or postponed."""
    return len(sent) <= 30 and not any(t.tag_ in _FINITE or t.lemma_.lower() in CANCEL_VERBS for t in sent) \
        and not CANCEL_WORDS.search(sent.text)


def _in_passing(tok: Token) -> bool:
    """An event verb in a clause about something else: "the MoU, signed in Oslo on 3 May 2012"."""
    return tok.pos_ == "VERB" and tok.dep_ in ("acl", "relcl")


def _year_of(tok: Token, d: DateMention) -> bool:
    """Is a bare year ("in 2019") said of this event: in the event verb's own clause ("signed an
    accord in 2019", "first visited the station in 2013"), in the event noun's phrase ("the visit
    in 2019") or in the clause of the verb that holds it ("the workshop was held in 2019")? Not a
    year of something else ("the institute, founded in 1998, hosted ...")."""
    doc = tok.doc
    year = next((t for t in doc[tok.sent.start:tok.sent.end] if t.idx == d.begin), None)
    if year is None:
        return False
    holders = {tok} | ({tok.head} if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") else set())
    node = year
    for _ in range(4):
        if node.head == node:
            return False
        if node.dep_ in ("relcl", "acl", "advcl", "ccomp", "appos") and node not in holders:
            return False
        node = node.head
        if node in holders:
            return True
    return False


def _own_date(tok: Token, sdates: list[DateMention], triggers: list[Token]) -> DateMention | None:
    """The date written in the event word's own phrase or clause ("the visit ... from 1 to 4 March",
    "the MoU, signed in Oslo on 3 May 2012"), else the nearest one; a bare year only when it is
    said of this event."""
    sdates = [d for d in sdates if not d.year_only or _year_of(tok, d)]
    if tok.pos_ == "VERB" and not _in_passing(tok):
        # "signed in Valparaiso in 2013 and renewed in 2018": the date in the verb's own words,
        # not in a verb coordinated with it
        skip = [(c.left_edge.idx, c.right_edge.idx + len(c.right_edge)) for c in tok.children if c.dep_ == "conj"]
        lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        own = [d for d in sdates if lo <= d.begin < hi and not any(a <= d.begin < b for a, b in skip)]
        if own and skip:
            return min(own, key=lambda d: abs(d.begin - tok.idx))
    if _in_passing(tok) or tok.pos_ in ("NOUN", "PROPN"):
        lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        own = [d for d in sdates if lo <= d.begin < hi
               and not any(t != tok and lo <= t.idx < hi and abs(d.begin - t.idx) < abs(d.begin - tok.idx) for t in triggers)]
        if own:
            return own[0]
    return _nearest_date(tok, sdates, triggers)


def _anchor(found: list["_Found"], sent: SpacySpan) -> "_Found | None":
    """The earlier event a sentence is told relative to: "After the meeting, ...", "At the
    ceremony, ..." (a definite event word after such a preposition)."""
    for tok in sent:
        if tok.dep_ == "pobj" and ((tok.head.lower_ in ("after", "following", "at", "during", "before")
                                    and tok.head.head.pos_ in ("VERB", "AUX"))
                                   or (tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in HIGHLIGHT_NOUNS)
                                   # "At the end of the talks, ...", "on the margins of the meeting"
                                   or (tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in ANCHOR_NOUNS
                                       and tok.head.head.dep_ == "pobj")):
            # "After the meeting, ...", "The highlight of the meeting was the signing ..."
            etype = _type_in(tok, sent)
            if etype is not None:
                same = _same_as(found, etype, tok, None)
                if same is not None:
                    return same
    return None


def find(doc: Doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention], published: date | None = None) -> list[Event]:
    """The events the article reports, including those it recalls with their own dates ("the first
    accord was signed in Minsk on 17 May 1994"), but not planned, cancelled or postponed ones."""
    found: list[_Found] = []
    phrases = sorted(phrases, key=lambda p: p.sent)  # stable: text order within a sentence
    dates = [d for d in dates if not d.dateline]  # "Paris, 7 May 2024 —" dates the article, not an event
    # the words of named people and roles: "received Ambassador X" receives a guest
    doc.user_data["kg_guest_tokens"] = frozenset(i for p in phrases if p.kind in ("Person", "Role")
                                                 for i in range(*p.tokens))
    doc.user_data["kg_entity_at"] = {i: e for p in phrases if p.kind in ("Person", "Organisation")
                                     and (e := ents.get(p)) is not None for i in range(*p.tokens)}
    date_starts = frozenset(d.begin for d in dates)
    reference = published or next((as_date(d.end or d.start) for d in dates if d.explicit_year and not d.year_only), None)
    for s_idx, sent in enumerate(sents):
        triggers: list[Token] = []
        sdates = [d for d in dates if sent.start_char <= d.begin < sent.end_char]
        # a note line counts when dated, or right after a dated one ("- 5 Feb: MoU signing. Meeting with X.")
        noted = _fragment(sent) and (
            (sdates and not (reference and any(as_date(d.start) > reference for d in sdates)))
            or (bool(found) and found[-1].sent == s_idx - 1 and _same_paragraph(doc, sents, s_idx - 1, s_idx)))
        for tok in sent:
            etype = _type_in(tok, sent)
            if etype is None or tok.dep_ == "compound" or not (noted or _happened(tok, date_starts)):
                continue
            if any(c.lower_ in FUTURE_WORDS for c in tok.children):
                continue
            if etype == "Session" and not _is_session(tok, any(sent.start_char <= d < sent.end_char for d in date_starts)):
                continue
            # one event of a type per sentence, unless an in-passing mention has its own date
            # ("the Agreement, signed in Accra on ..., and the MoU, signed in Lima on ...")
            # ("... included a workshop on 1 March and a visit to X on 3 March")
            if all(_type_in(t, sent) != etype for t in triggers) or _in_passing(tok) or (
                    tok.pos_ == "NOUN" and any(c.lower_ in ("a", "an") for c in tok.children)
                    and any(t.idx in date_starts for t in tok.subtree)) or (
                    # "signed in 2013 and renewed in 2018", "..., and welcomed the letter, signed on
                    # 10 June": a verb with a date of its own, which no earlier trigger's clause holds
                    tok.pos_ == "VERB" and any(t.idx in date_starts and not any(
                        o.pos_ == "VERB" and _in_own_clause(o, t) for o in triggers)
                        for c in tok.children if c.dep_ != "conj" for t in c.subtree)):
                triggers.append(tok)
        if not triggers:
            continue
        context: _Found | None = None  # "during the visit, X met Y": the visit holds the meeting
        anchor = _anchor(found, sent)
        new: list[_Found] = []
        for tok in triggers:
            etype = _type_in(tok, sent)
            date = _own_date(tok, sdates, triggers)
            during = tok.dep_ == "pobj" and tok.head.lower_ == "during"
            same = None if _in_passing(tok) else _same_as(found, etype, tok, date)
            if same is None and tok.lemma_.lower() in GREETING_VERBS and date is None:
                # "At the ceremony, the Rector welcomed the Ambassador": part of the ceremony; "X met
                # the guests. X welcomed the Ambassador and ...": the meeting told again
                same = anchor or next((f for f in reversed(found) if f.event.type == "Meeting"
                                       and f.sent >= s_idx - FOLLOW_SENTENCES), None)
            if same is not None:  # a later mention adds evidence (and a date if it had none)
                if sentences[s_idx] not in same.event.evidence:
                    same.event.evidence.append(sentences[s_idx])
                    # "Speaking at the meeting, Prof. X (member of the Presidium) said ...": who
                    # is named where the event is named again took part in it
                    if len(triggers) == 1 and tok.dep_ in ("nsubj", "nsubjpass", "pobj"):
                        _add_attendees(same.event, doc, sent, s_idx, phrases, ents, people_only=True)
                if same.event.start is None and date is not None:
                    same.event.start, same.event.end = date.start, date.end
                elif same.event.start is None and anchor is not None and anchor is not same \
                        and anchor.event.start is not None and anchor.event.end is None:
                    same.event.start = anchor.event.start  # the headline's signing, "the highlight of the visit"
                if same.event.place is None:  # "The MoU was signed in Kigali by ..."
                    same.event.place = _place(tok, sent, s_idx, phrases, ents)
                if during:
                    context = same
                continue
            ev = Event(type=etype, label="", evidence=[sentences[s_idx]])
            if date is not None:
                ev.start, ev.end = date.start, date.end
            elif _nth_day(sent, found) is not None:
                ev.start = _nth_day(sent, found)
            elif anchor is not None and anchor.event.start is not None and anchor.event.end is None:
                ev.start = anchor.event.start  # "After the meeting, the two rectors signed ..."
            elif found and (_SAME_DAY.search(sent.text) or _NEXT_DAY.search(sent.text)):
                # "On the same afternoon, the delegation visited X", "The following day, ...": the
                # day of the last one-day event before it, wherever that was told
                prev = next((f.event for f in reversed(found) if f.event.end is None and isinstance(f.event.start, dt.date)
                             and not f.background), None)
                if prev is not None:
                    ev.start = prev.start + dt.timedelta(days=1) if _NEXT_DAY.search(sent.text) else prev.start
            elif (last := next((f for f in reversed(found) if not f.background), None)) is not None \
                    and last.sent >= s_idx - 2 and _same_paragraph(doc, sents, last.sent, s_idx):
                # "In the afternoon, the delegation visited X": the same day (not the date of an
                # event recalled in passing: "a contract, concluded in 2021")
                prev = last.event
                if prev.end is None and isinstance(prev.start, dt.date):
                    ev.start = prev.start
            ev.place = _place(tok, sent, s_idx, phrases, ents, ranged=ev.end is not None)
            if _in_passing(tok):  # only who is named in its own clause ("signed by X and Y")
                _add_attendees(ev, doc, sent, s_idx, phrases, ents, within=(tok.head.left_edge.idx, tok.right_edge.idx + 1))
                main = next((f for f in reversed(found) if f.event.type == etype and not f.background
                             and f.sent >= s_idx - FOLLOW_SENTENCES and _same_paragraph(doc, sents, f.sent, s_idx)), None)
                if not ev.attendees and main is not None:
                    # "The new document replaces the agreement signed in Minsk on 3 May 1998": the
                    # earlier agreement of the same parties, who are named with the new one
                    ev.attendees.extend(e for e in main.event.attendees if e.kind == "Organisation")
            else:
                _add_attendees(ev, doc, sent, s_idx, phrases, ents)
                _add_organisers(ev, sent, s_idx, phrases, ents)
                if not ev.attendees and anchor is not None:
                    # "After the meeting, the two rectors signed the protocol": those of the meeting
                    ev.attendees.extend(anchor.event.attendees)
                # the following sentences of the same paragraph often name who took part
                # ("The delegation held talks with X and Y"), until one names an event of its own
                j = s_idx + 1
                while j < len(sents) and j <= s_idx + FOLLOW_SENTENCES and _same_paragraph(doc, sents, s_idx, j) \
                        and not any(_event_type(t) and _happened(t, date_starts) for t in sents[j]):
                    _add_attendees(ev, doc, sents[j], j, phrases, ents)
                    ev.evidence.append(sentences[j])
                    j += 1
            if ev.start is None and _contained(tok):
                # "The programme included a workshop, a tour of the laboratories and ...": parts of
                # the visit told just before, which its visitors and hosts attended
                visit = next((g.event for g in reversed(found + new) if g.event.type == "Visit"
                              and g.event.end is not None and g.sent >= s_idx - 3), None)
                if visit is not None:
                    ev.super_event = visit
                    ev.attendees.extend(e for e in visit.attendees if e.kind == "Organisation" and e not in ev.attendees)
            f = _Found(ev, s_idx, tok, heading=_heading(sent), history=is_history(ev.start, reference))
            if during:
                context = f
            new.append(f)
        for f in new:
            if context is not None and f is not context:
                f.event.super_event = context.event
        found.extend(new)
    events = [f.event for f in found]
    if found:
        _add_lead_attendees(found, doc, sents, phrases, ents, date_starts)
    _nest(events)
    for f in found:
        f.event.label = _label(f.event, f.trigger, ents)
    return events


_NTH_DAY = re.compile(r"\b(?:on|in|during)\s+the\s+(?P<nth>first|second|third|fourth|fifth|last|final|closing)\s+day\b", re.I)
_NTH = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}


def _nth_day(sent: SpacySpan, found: list["_Found"]) -> date | None:
    """"On the second day of the visit", "on the last day": a day of the latest event told with a range."""
    m = _NTH_DAY.search(sent.text)
    if m is None:
        return None
    ranged = next((f.event for f in reversed(found) if isinstance(f.event.start, dt.date) and isinstance(f.event.end, dt.date)), None)
    if ranged is None:
        return None
    nth = m.group("nth").lower()
    day = ranged.end if nth not in _NTH else ranged.start + dt.timedelta(days=_NTH[nth])
    return day if ranged.start <= day <= ranged.end else None


_SAME_DAY = re.compile(r"\b(?:the\s+same|that)\s+(?:day|morning|afternoon|evening)\b|\blater\s+that\s+day\b", re.I)
_NEXT_DAY = re.compile(r"\bthe\s+(?:following|next)\s+(?:day|morning|afternoon|evening)\b", re.I)
_SIGNING = re.compile(r"\b(sign(ed|ing)?|renew(ed|al)?|memorand(um|a) of understanding|mou|agreement)\b", re.I)


def _heading(sent: SpacySpan) -> bool:
    """A headline: a short line that does not end as a sentence does."""
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is not None and len(sent) <= 25 and last.text not in (".", "!", "?", "…", '"', "”") and (
        sent.end >= len(sent.doc) or "\n" in sent.doc[sent.end - 1].text_with_ws or sent.doc[sent.end - 1].is_space)


def _same_paragraph(doc: Doc, sents: list[SpacySpan], i: int, j: int) -> bool:
    # tokens, not doc.text: spaCy joins the whole text anew on every access
    return not any("\n" in t.text_with_ws for t in doc[sents[i].end - 1:sents[j].start])


# A definite mention of a generic kind may name an event of a more specific kind told before
# ("renewed their MoU at a ceremony" ... "speaking at the ceremony"; "the session" ... "the meeting").
# "X welcomed a delegation from Y on 4 May" ... "the highlight of the visit": a visit told first as its reception.
_ALSO_NAMED = {"Ceremony": ("Signing",), "Meeting": ("Session", "Signing"), "Session": ("Meeting",),
               "Event": ("Forum", "Workshop", "Conference", "Symposium"), "Visit": ("Meeting",)}


def _same_as(found: list[_Found], etype: str, tok: Token, date: DateMention | None) -> _Found | None:
    """An event already found that this mention names: "the visit", "during the meeting", the same
    kind of event on the same day, or the article's one signing."""
    # a determiner, not "that" opening a clause ("we recall that X signed ...")
    definite = any((c.lower_ in ("the", "this", "that") and c.dep_ == "det") or c.dep_ == "poss"
                   for c in tok.children)  # "the visit", "her visit", "Dr. Ruud's visit"
    # "signed an agreement on joint research": a document told as new is another signing
    nouns = [c for c in tok.children if c.lemma_.lower() in AGREEMENT_WORDS] if etype == "Signing" else []
    nouns += [_object_noun(tok)] if etype == "Signing" else []
    # (with a date of its own: an undated "signed a memorandum" may be what "the signing" named before)
    told_new = any(n is not None and any(c.lower_ in ("a", "an", "another") for c in n.children) for n in nouns)
    # ... or signed by others: "Dr. A and Dr. B then signed an agreement on joint expeditions"
    signers = _subject_entities(tok) if told_new and date is None else []
    another = told_new and date is not None
    # the article's own events before those it recalls in passing: "Before the signing, ..." is not
    # "a research contract, concluded in 2021"
    for f in sorted(reversed(found), key=lambda f: f.background):
        if f.event.type != etype:
            continue
        same_day = date is not None and f.event.start is not None and date.start == f.event.start
        # (the article's one signing, but never one it recalls as background: "the host agreement
        # signed in 2009" ... "a letter of agreement was signed")
        if definite or same_day or (etype == "Signing" and (date is None or f.event.start is None) and not another
                                    and not f.background
                                    and not (signers and not any(e in f.event.attendees for e in signers))):
            return f
        if f.heading and f.event.start is None and date is not None:
            return f  # the headline's event, told again in the body with its date
    if definite and date is None:
        for f in reversed(found):
            # not an event recalled in passing ("under an agreement signed in 2020" is not "the ceremony")
            if f.event.type in _ALSO_NAMED.get(etype, ()) and not f.background:
                return f
    return None


def _text(doc: Doc) -> str:
    """The document's text, joined once (spaCy joins the tokens anew on every ``doc.text``)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def _in_sent(phrases: list[Phrase], s_idx: int) -> list[Phrase]:
    """The phrases of one sentence; found by bisection, as phrases come in text order."""
    lo, hi = bisect_left(phrases, s_idx, key=lambda p: p.sent), bisect_right(phrases, s_idx, key=lambda p: p.sent)
    return phrases[lo:hi]


def _place(trigger: Token, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities,
           ranged: bool = False) -> Entity | None:
    """Where it happened: what was visited ("visited X", "a visit to X"; for a visit of several
    days, the city or country it was in first), else a room or a venue after "in"/"at" ("in the
    Rector's office"), else a place after "in"/"at", else any place of the sentence."""
    doc = sent.doc
    in_sent = [p for p in _in_sent(phrases, s_idx) if p.kind in ("Place", "Organisation") and ents.get(p) is not None]

    def head_of(p: Phrase) -> Token:
        # the phrase's syntactic head: "Institute" in "the Institute of Plant Genetics"
        a, b = p.tokens
        return next((t for t in doc[a:b] if not a <= t.head.i < b or t.head == t), doc[b - 1])

    places = [p for p in in_sent if p.kind == "Place"]
    located = [p for p in places if head_of(p).dep_ == "pobj" and head_of(p).head.lower_ in ("in", "at", "inside")]
    if trigger.lemma_.lower() in ("visit", "tour"):
        if ranged:  # "a visit to Norway from 1 to 4 March", "visited X in Kunming from 19 to 22 May"
            to = [p for p in places if head_of(p).dep_ == "pobj" and head_of(p).head.lower_ == "to"
                  and head_of(p).head.head == trigger]
            if to or located:
                return ents.get((to or located)[0])
        for p in in_sent:
            h = head_of(p)
            if (trigger.pos_ == "VERB" and h.dep_ == "dobj" and h.head == trigger) or (
                    h.dep_ == "pobj" and h.head.lower_ == "to" and h.head.head == trigger) or (
                    # "the visit of the delegation of X to Y": "to" hung on the visitor's words
                    trigger.pos_ == "NOUN" and h.dep_ == "pobj" and h.head.lower_ == "to"
                    and h.head.head.pos_ in ("NOUN", "PROPN") and trigger.i < h.i <= trigger.right_edge.i):
                return _as_place(ents.get(p), ents)
        # "toured the long-term storage facility": a venue written in lower case
        venue = _venue(sent, phrases, s_idx, objects_of=trigger)
        if venue is not None:
            return _named_place(venue, ents, sent)
    rooms = [p for p in located if any(w.lower() in LEX.place_heads for w in p.text.split())]
    if rooms:
        return ents.get(rooms[0])
    venue = _venue(sent, phrases, s_idx)
    if venue is not None:
        return _named_place(venue, ents, sent)
    # not "Ambassador X of Italy", "researchers from Peru": a place that qualifies someone
    places = [p for p in places if not (head_of(p).dep_ == "pobj" and head_of(p).head.lower_ in ("of", "from"))]
    for group in (located, places):
        if group:
            return ents.get(group[0])
    return None


def _venue(sent: SpacySpan, phrases: list[Phrase], s_idx: int, objects_of: Token | None = None) -> str | None:
    """A venue written in lower case, which names no phrase: "in the Vice-Chancellor's boardroom",
    "at the institute's new seed laboratory"; with ``objects_of``, what that verb visited."""
    spans = [p.tokens for p in _in_sent(phrases, s_idx)]
    places = [p.tokens for p in _in_sent(phrases, s_idx) if p.kind == "Place"]
    for t in sent:
        where = (t.dep_ == "dobj" and t.head == objects_of) if objects_of is not None else (
            t.dep_ == "pobj" and t.head.lower_ in ("in", "at"))
        # "the main campus in Nairobi": a venue that holds a named place is told by that place
        if where and t.lemma_.lower() in VENUE_WORDS and not any(a <= t.i < b for a, b in spans) \
                and not any(t.left_edge.i <= a and b <= t.right_edge.i + 1 for a, b in places):
            words = [w for w in t.doc[t.left_edge.i:t.right_edge.i + 1] if not (w.i < t.i and (w.dep_ in ("det", "amod") or (w.dep_ == "poss" and w.pos_ == "PRON")) and w.is_lower)]
            name = _phrase(words, limit=8)
            if name:
                return name
    return None


def _named_place(name: str, ents: ArticleEntities, sent: SpacySpan) -> Entity:
    for other in ents.entities:
        if other.kind == "Place" and other.name == name:
            return other
    start = _text(sent.doc).find(name, sent.start_char)
    place = Entity("Place", name, mentions=[Span(start, start + len(name), name)] if start >= 0 else [])
    ents.entities.append(place)
    return place


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


_TYPE_NOUN = {"Signing": "Signing", "Ceremony": "Ceremony", "Symposium": "Symposium", "Conference": "Conference",
              "Forum": "Forum", "Workshop": "Workshop", "Training": "Training", "Session": "Session",
              "Meeting": "Meeting", "Visit": "Visit", "Event": "Event"}
_CUT = {",", "(", ")", ";", ":", "—", "–", "which", "who", "where", "that", "held", "organised", "organized", "and"}


def _short(e: Entity) -> str:
    """A name fit for a label: the full name, or its acronym when the name is long."""
    if len(e.name) > 45:
        acr = sorted((a for a in e.aliases if a.isupper() and " " not in a), key=len)
        if acr:
            return acr[0]
    return _the(e.name)


_GENERIC_HEADS = {"university", "institute", "academy", "centre", "center", "ministry", "senate", "presidium",
                  "council", "board", "faculty", "department", "division", "office", "embassy", "government",
                  "school", "agency", "commission", "committee", "secretariat", "laboratory", "station", "bureau"}


def _the(name: str) -> str:
    """ "the Senate of Lakeside University", but "Lakeside University", "UNESCO"."""
    first = name.split()[0] if name.split() else ""
    return f"the {name}" if first.lower() in _GENERIC_HEADS and " of " in name else name


def _phrase(toks: list[Token], limit: int = 8) -> str:
    """Words of a noun phrase, as written, up to its first clause or bracket, at most ``limit`` words."""
    out: list[Token] = []
    for t in toks:
        if t.lower_ in _CUT or t.is_space or (out and t.dep_ in ("relcl", "acl")) or (out and t.pos_ == "ADV"):
            break
        if t.text in ('"', "“", "”", "'"):
            continue
        out.append(t)
        if len(out) >= limit:
            break
    while out and out[-1].lower_ in ("of", "on", "for", "the", "a", "an", "in", "at", "with", "to"):
        out.pop()
    return "".join(t.text_with_ws for t in out).strip()


def _title(tok: Token) -> str | None:
    """The event's own name when written as one ("the Regional Workshop on Flood Early Warning",
    "the Fifth Session of the Governing Board"): capitalised words around the event word."""
    if tok.pos_ not in ("NOUN", "PROPN") or not tok.text[:1].isupper():
        return None
    left = [c for c in tok.lefts if c.dep_ not in ("det", "poss", "punct", "nummod") and c.text[:1].isupper()]
    start = min([c.left_edge.i for c in left] + [tok.i])
    words = _phrase(list(tok.doc[start:tok.right_edge.i + 1]), limit=14).split()
    # keep "of"/"on" chains only while they go on with capitalised words
    kept: list[str] = []
    for i, w in enumerate(words):
        if w[:1].islower() and w not in ("of", "on", "for", "the", "and", "in"):
            break
        kept.append(w)
    while kept and kept[-1] in ("of", "on", "for", "the", "and", "in"):
        kept.pop()
    return " ".join(kept) if len(kept) > 1 else None


def _object_noun(tok: Token) -> Token | None:
    """What was signed, inaugurated, toured: the verb's object, or the noun's "of" object."""
    if tok.pos_ == "VERB":
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass"):
                return c
            if c.dep_ == "prep" and c.lower_ == "into":  # "entered into an MoU"
                return next((g for g in c.children if g.dep_ == "pobj"), None)
        node = tok
        for _ in range(2):  # "the accord (the academies) signed in Minsk"
            if node.dep_ not in ("acl", "relcl", "appos") or node.head == node:
                break
            node = node.head
            if node.lemma_.lower() in AGREEMENT_WORDS:
                return node
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    # "the MoU signing"
    return next((c for c in tok.lefts if c.dep_ == "compound" and c.lemma_.lower() in AGREEMENT_WORDS), None)


def _document(noun: Token | None) -> str:
    """'MoU', 'cooperation protocol', 'framework agreement' for a signed document's noun."""
    if noun is None or noun.lemma_.lower() not in AGREEMENT_WORDS:
        return "agreement" if noun is None else ""
    if noun.lemma_.lower() == "memorandum" or noun.lower_ == "mou":
        return "MoU"
    mods = [c.text.lower() for c in noun.lefts if c.dep_ in ("compound", "amod") and c.is_alpha and c.lower_ not in ("new", "first", "same")]
    return " ".join(mods[-2:] + [noun.lower_ if noun.text != noun.text.upper() else noun.text])


def _when(ev: Event) -> str:
    if ev.start is None:
        return ""
    if ev.end is not None and ev.end != ev.start:
        return f" ({ev.start} to {ev.end})"
    return f" ({ev.start})"


def _label(ev: Event, tok: Token, ents: ArticleEntities) -> str:
    """A label a person can read, from the event's type, main actors, and date:
    "Visit of the KUT delegation to China (2021-11-16 to 2021-11-19)",
    "Signing of the MoU between ICEKI and KUT (2021-11-18)", "Workshop on flood forecasting (2022-06-14)"."""
    actors = [e for e in ev.organisers + ev.attendees if ev.place is None or e.name != ev.place.name]
    orgs = [e for e in actors if e.kind == "Organisation"]
    people = [e for e in actors if e.kind == "Person"]
    when = _when(ev)
    etype = ev.type

    def pair(sep: str) -> str:
        named: list[Entity] = []
        for e in (orgs if len(orgs) >= 2 else orgs + people):
            if all(_short(e) != _short(n) for n in named):  # not "between ARUST and ARUST"
                named.append(e)
        named = named[:2]
        if len(named) == 2:
            return f" {sep} {_short(named[0])} and {_short(named[1])}"
        return f" by {_short(named[0])}" if named else ""

    title = _title(tok)
    if title and etype not in ("Signing", "Visit"):
        text = ev.name = title
    elif etype == "Signing":
        doc = _document(_object_noun(tok))
        text = f"Signing of the {doc}" if doc else "Signing"
        text += pair("between")
    elif etype == "Visit":
        # the visitor is named before the event word ("a delegation of X visited Y"), not after
        # ("... where they were received by Z")
        lo = tok.sent.start_char
        of = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"] if tok.pos_ == "NOUN" else []
        hi = of[0].right_edge.idx + 1 if of else tok.idx  # "a visit of a KUT delegation to China"
        before = [e for e in orgs + people if any(lo <= m.start < hi for m in e.mentions)]
        delegation = any(t.lower_ in ("delegation", "team") for t in tok.sent)
        # a person who visited ("The Rector of X, Professor Y, paid a visit"), unless a delegation did
        persons = [e for e in before if e.kind == "Person"]
        visitor = before[:1] if delegation or not persons else persons[:1]
        text = "Visit"
        if tok.pos_ == "NOUN" and not visitor and ev.place is None and of:
            # "a tour of the laboratories"
            text = f"{tok.lemma_.capitalize()} of {_phrase(list(of[0].subtree)[1:], limit=7)}"
        if visitor:
            text += f" of the {_short(visitor[0]).removeprefix('the ')} delegation" \
                if delegation and visitor[0].kind == "Organisation" else f" of {_short(visitor[0])}"
        if ev.place is not None:
            text += f" to {_short(ev.place)}"
    elif tok.lemma_.lower() in OF_NOUNS:  # "Opening of the seed laboratory of X"
        obj = _object_noun(tok)
        words = [t for t in obj.subtree if not (t.i < obj.i and t.dep_ in ("det", "poss"))] if obj is not None else []
        text = tok.lemma_.capitalize() + (f" of the {_phrase(words)}" if words else "")
    elif etype == "Ceremony" and tok.pos_ == "VERB":
        obj = _object_noun(tok)
        words = [t for t in obj.subtree if t.dep_ not in ("det", "poss")] if obj is not None else []
        text = "Inauguration" + (f" of the {_phrase(words)}" if words else "")
    elif etype == "Meeting" and (tok.pos_ == "VERB" or len(actors) >= 2):
        # two people met ("X held talks with Y, President of Z"), else two organisations, else who is named
        named = people[:2] if len(people) >= 2 else orgs[:2] if len(orgs) >= 2 and not people else \
            ((people + orgs)[:2] if tok.pos_ == "VERB" else actors[:2])
        if len(named) == 2:
            text = f"Meeting of {_short(named[0])} with {_short(named[1])}"
        else:
            text = "Meeting" + (f" of {_short(named[0])}" if named else "")
    else:
        mods = [c.text for c in tok.lefts if c.dep_ in ("amod", "compound") and c.is_alpha
                and c.lower_ not in ("one", "first", "short")]
        noun = " ".join(mods + [_TYPE_NOUN.get(etype, etype).lower() if tok.pos_ == "VERB" else tok.lower_])
        topic = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "about")
                      and not any(t.like_num or t.ent_type_ in ("DATE", "TIME") for t in c.subtree)), None)
        if topic is not None:
            text = f"{noun} on {_phrase(list(topic.subtree)[1:], limit=7)}"
        elif orgs:
            text = f"{noun} of {_short(orgs[0])}"
        else:
            text = noun
    text = re.sub(r"\s+", " ", text).strip(" ,.;")
    if len(text) > 160:  # long enough for two full names ("... between the Academy of Sciences of X and ...")
        text = text[:157].rsplit(" ", 1)[0] + "..."
    text = text[:1].upper() + text[1:] if text else etype
    return text + when


def _add_attendees(ev: Event, doc: Doc, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities,
                   people_only: bool = False, within: tuple[int, int] | None = None) -> None:
    """People named in the sentence, and organisations that act in it or whose people do (not units
    only named in a post); ``within`` limits them to a stretch of characters (an in-passing clause)."""
    text = _text(doc)
    in_sent = _in_sent(phrases, s_idx)
    for i, p in enumerate(in_sent):
        e = ents.get(p)
        if e is None or e.kind not in ("Person", "Organisation") or e in ev.attendees:
            continue
        if (people_only and e.kind != "Person") or (within is not None and not within[0] <= p.start < within[1]):
            continue
        if e.kind == "Organisation":
            prev = in_sent[i - 1] if i > 0 else None
            gap = text[prev.end:p.start].strip().lower() if prev else ""
            after = text[p.end:p.end + 40]
            joined_to_post = prev is not None and (prev.kind == "Role" or (prev.kind == "Person" and gap in ("from", "from the", "of", "of the")))
            acting = DELEGATION.match(after.strip()) is not None
            # "X, Dean of the Faculty of Law": the unit only places X, but an organisation of its
            # own ("Y, Rector of Z University") takes part through its head
            if (joined_to_post or p.possessive) and e.parent is not None and not acting:
                continue
        ev.attendees.append(e)


def _add_lead_attendees(found: list[_Found], doc: Doc, sents: list[SpacySpan], phrases: list[Phrase],
                        ents: ArticleEntities, date_starts: frozenset[int]) -> None:
    """The people an article names in sentences that report no event of their own ("Prof. X,
    Dean of Y, presented the results") took part in its lead event (the first it reports)."""
    lead = next((f for f in found if not _in_passing(f.trigger)), found[0])
    told = {f.sent for f in found}
    for j in range(lead.sent + 1, len(sents)):
        if j in told or any(_event_type(t) and _happened(t, date_starts) for t in sents[j]):
            continue
        _add_attendees(lead.event, doc, sents[j], j, phrases, ents, people_only=True)


def _add_organisers(ev: Event, sent: SpacySpan, s_idx: int, phrases: list[Phrase], ents: ArticleEntities) -> None:
    """"organised by X", "hosted by X", "at the invitation of X"."""
    text = _text(sent.doc)
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
