"""Agreements: type from the words that name them, parties, date, and status from the wording.

Status is read from the words around the agreement, most telling first: renewed ("renewed",
"extension of"), planned ("will sign", "plan to sign"), under negotiation ("draft", "discussed",
"speed up the MoU-signing process"), signed ("signed", "signing ceremony"), in force
("the continuity of", "under the framework of", "based on the content of"), expired. "Between
the two sides" and "both parties" are resolved to the two organisations the article is about.
"""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Span as SpacySpan

from ..article import Agreement, Entity, Span
from .dates import DateMention
from .entities import ArticleEntities
from .names import Phrase

TERMS = [
    ("MemorandumOfUnderstanding", re.compile(r"\b(memorand(um|a) of understanding|MoUs?|MOUs?)\b")),
    ("CooperationAgreement", re.compile(r"\b((cooperation|co-operation|collaboration|partnership|framework)\s+(agreement|accord)s?|agreements?\s+(on|of)\s+(\w+\s+){0,2}(cooperation|collaboration))\b", re.I)),
    ("Agreement", re.compile(r"\b((bilateral|strategic|formal|joint|research|exchange|licen[cs]e|framework)\s+agreements?|letters? of intent|(cooperation\s+)?protocols?\s+(on|of|for)\b|agreements?\b(?=\s+(was|were|has been|have been)\s+signed)|signed\s+(an?|the)\s+agreement)", re.I)),
]
# checked in this order: the first cue found decides
STATUS_CUES = [
    ("Renewed", r"\b(renew\w*|extension of|extend(ed|ing)? the)\b"),
    ("Expired", r"\b(expired?|terminated|lapsed)\b"),
    ("Planned", r"\b(will|would|shall|plans? to|planning to|intends? to|to be|agreed to|expected to|going to|ready to|hope[sd]? to)\s+(\w+\s+){0,2}(sign|conclude|renew)\w*\b"),
    ("UnderNegotiation", r"\b(draft\w*|negotiat\w*|discuss\w*|speed\w* up|signing process|finali[sz]\w*|consult\w*|work(ed|ing)? (towards?|on)|prepar\w*|under consideration|revis\w*)\b"),
    ("Signed", r"\b(signed|signing|inked|concluded|entered into)\b"),
    ("InForce", r"\b(continuity|framework of|based on|in force|existing|implement\w*|in accordance with|under the|pursuant to|valid)\b"),
]
SIDES = re.compile(r"\b(two sides|both sides|both parties|two parties|the parties|two institutions|both institutions|two organi[sz]ations|the sides)\b", re.I)
MERGE_ORDER = ["StatusUnknown", "Planned", "UnderNegotiation", "InForce", "Signed", "Renewed", "Expired"]
TYPE_LABEL = {"MemorandumOfUnderstanding": "Memorandum of Understanding", "CooperationAgreement": "Cooperation agreement",
              "Agreement": "Agreement"}


def status_of(sentence: str) -> str:
    """The agreement status a sentence states.

    >>> status_of("They agreed to speed up the MoU-signing process.")
    'UnderNegotiation'
    >>> status_of("The two sides signed a Memorandum of Understanding on 3 May.")
    'Signed'
    >>> status_of("The division recognised the continuity of the cooperation agreement.")
    'InForce'
    """
    for status, cue in STATUS_CUES:
        if re.search(cue, sentence, re.I):
            return status
    return "StatusUnknown"


def sides(phrases: list[Phrase], ents: ArticleEntities) -> list[Entity]:
    """The two organisations an article is about: the most mentioned, units counting for their parent."""
    counts: Counter = Counter()
    for p in phrases:
        e = ents.get(p)
        if e is not None and e.kind == "Organisation":
            top = e
            while top.parent is not None:
                top = top.parent
            counts[id(top)] += 1
    by_id = {id(e): e for e in ents.entities}
    return [by_id[i] for i, _ in counts.most_common(2) if i in by_id]


def find(doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention]) -> list[Agreement]:
    found: dict[str, Agreement] = {}
    main = None
    for s_idx, sent in enumerate(sents):
        text = sent.text
        for atype, pat in TERMS:
            m = pat.search(text)
            if m is None:
                continue
            status = status_of(text)
            parties = _parties(phrases, ents, s_idx)
            if SIDES.search(text) or len(parties) < 2:
                main = main if main is not None else sides(phrases, ents)
                for e in main:
                    if len(parties) >= 2:
                        break
                    if e not in parties and not any(_top(p) is e for p in parties):
                        parties.append(e)
            a = found.get(atype)
            if a is None:
                a = found[atype] = Agreement(atype, "", [sentences[s_idx]], parties, status)
            else:
                a.evidence.append(sentences[s_idx])
                a.parties += [p for p in parties if p not in a.parties]
                if MERGE_ORDER.index(status) > MERGE_ORDER.index(a.status):
                    a.status = status
            if status in ("Signed", "Renewed") and a.date is None:
                sdates = [d for d in dates if sent.start_char <= d.begin < sent.end_char]
                if sdates:
                    a.date = sdates[0].start
            break  # one agreement per sentence
    for a in found.values():
        names = " and ".join(_top(p).name for p in a.parties[:3])
        a.label = f"{TYPE_LABEL[a.type]} between {names}" if len(a.parties) > 1 else TYPE_LABEL[a.type] + (f" of {names}" if names else "")
    return [a for a in found.values() if a.parties]


def _top(e: Entity) -> Entity:
    while e.parent is not None:
        e = e.parent
    return e


def _parties(phrases: list[Phrase], ents: ArticleEntities, s_idx: int) -> list[Entity]:
    out: list[Entity] = []
    for p in phrases:
        if p.sent != s_idx:
            continue
        e = ents.get(p)
        if e is not None and e.kind == "Organisation" and e not in out:
            out.append(e)
    return out
