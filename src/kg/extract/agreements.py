"""Agreements: type from the words that name them, parties, date, and status from the wording.

Status is read from the words around the agreement, most telling first: renewed ("renewed",
"extension of"), planned ("will sign", "plan to sign"), under negotiation ("draft", "discussed",
"speed up the MoU-signing process"), signed ("signed", "signing ceremony"), in force
("the continuity of", "under the framework of", "based on the content of"), expired. "Between
the two sides" and "both parties" are resolved to the two organisations the article is about.
"""
from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan

from ..article import Agreement, Entity, Span
from .dates import DateMention
from .entities import ArticleEntities, organisations_by_mentions, top_level
from .names import Phrase

TERMS = [
    ("MemorandumOfUnderstanding", re.compile(r"\b(memorand(um|a) of understanding|MoUs?|MOUs?)\b", re.I)),
    ("CooperationAgreement", re.compile(r"\b((cooperation|co-operation|collaboration|partnership|framework)\s+(agreement|accord)s?|agreements?\s+(on|of)\s+(\w+\s+){0,2}(cooperation|collaboration))\b", re.I)),
    ("Agreement", re.compile(r"\b((bilateral|strategic|formal|joint|research|exchange|licen[cs]e|framework)\s+agreements?|letters? of intent|(cooperation\s+)?protocols?\s+(on|of|for)\b|agreements?\b(?=\s+(was|were|has been|have been)\s+signed)|signed\s+(an?|the)\s+agreement)", re.I)),
]
# checked in this order: the first cue found in a sentence decides
STATUS_CUES = [
    ("Renewed", r"\b(renewed|(renewal|extension)\s+of\s+(\w+\s+){0,4}(was|were|has been|have been)?\s*signed|extended (the|its|their)\b)"),
    # said outright, being in force outweighs any work on what comes next ("in force since 2021,
    # and asked the Secretariat to prepare its renewal")
    ("InForce", r"\b(in force|continuity|remains? valid|still valid|runs until|valid until)\b"),
    ("Planned", r"\b((will|would|shall|plans? to|planning to|intends? to|to be|agreed to|expected to|going to|ready to|hope[sd]? to|decided to)\s+(\w+\s+){0,2}(sign|conclude|renew)\w*|propos\w*|future|potential|possible|prospective|work(ed|ing)? towards?)\b"),
    ("UnderNegotiation", r"\b(draft\w*|negotiat\w*|discuss\w*|speed\w* up|signing process|finali[sz]\w*|consult\w*|prepar\w*|under consideration|revis\w*)\b"),
    # work done under an agreement signed earlier: in force, though the sentence says "signed"
    ("InForce", r"\b(framework of|based on|existing|implement\w*|in accordance with|pursuant to|valid|carried out under|under (a|an|the|their|its) (\w+\s+){0,3}(mou|memorandum|agreement|letter)|(already|has) led to)\b"),
    ("Signed", r"\b(signed|signing|inked|concluded|entered into)\b"),
    ("Expired", r"\b(expired|terminated|lapsed)\b"),
]
SIDES = re.compile(r"\b(two sides|both sides|both parties|two parties|the parties|two institutions|both institutions|two organi[sz]ations|the sides)\b", re.I)
# What an article says about an agreement overall: the strongest state any sentence reports.
MERGE_ORDER = ["StatusUnknown", "Planned", "UnderNegotiation", "Expired", "InForce", "Signed", "Renewed"]
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
    """The two organisations an article is about: its two most mentioned."""
    return organisations_by_mentions(ents, phrases)[:2]


def find(doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention]) -> list[Agreement]:
    """One Agreement per type and set of parties; later mentions add evidence and may move the status."""
    found: list[Agreement] = []
    main: list[Entity] | None = None
    for s_idx, sent in enumerate(sents):
        text = sent.text
        for atype, pat in TERMS:
            m = pat.search(text)
            if m is None:
                continue
            term = next((t for t in sent if t.idx >= sent.start_char + m.start()), None)
            status = status_of(text)
            sdates = [d for d in dates if sent.start_char <= d.begin < sent.end_char]
            parties, explicit = _parties(phrases, ents, s_idx, doc, term)
            if SIDES.search(text) and not explicit:  # "between the two sides": the article's two sides
                main = main if main is not None else sides(phrases, ents)
                parties = list(main)
            elif len(parties) < 2:
                main = main if main is not None else sides(phrases, ents)
                for e in main:
                    if len(parties) >= 2:
                        break
                    if e not in parties and not any(top_level(p) is e for p in parties):
                        parties.append(e)
            a = _same(found, atype, parties)
            if a is None:
                a = Agreement(atype, "", [sentences[s_idx]], parties, status)
                found.append(a)
                a.date = sdates[0].start if sdates and status != "Planned" else None
            else:
                a.evidence.append(sentences[s_idx])
                if MERGE_ORDER.index(status) > MERGE_ORDER.index(a.status):
                    a.status = status
                    if sdates:  # the date that goes with the status that counts
                        a.date = sdates[0].start
                elif a.date is None and sdates and status == a.status:
                    a.date = sdates[0].start
            break  # one agreement per sentence
    for a in found:
        names = " and ".join(top_level(p).name for p in a.parties[:3])
        a.label = f"{TYPE_LABEL[a.type]} between {names}" if len(a.parties) > 1 else TYPE_LABEL[a.type] + (f" of {names}" if names else "")
    return [a for a in found if a.parties]


def _same(found: list[Agreement], atype: str, parties: list[Entity]) -> Agreement | None:
    """The agreement already found that this mention names: same type, same top-level parties
    ("the agreement" after "a Memorandum of Understanding" is that memorandum)."""
    tops = {id(top_level(p)) for p in parties}
    for a in reversed(found):
        if a.type != atype and atype != "Agreement":
            continue
        theirs = {id(top_level(p)) for p in a.parties}
        if tops == theirs or (len(tops) < 2 and tops <= theirs):
            return a
    return None


def _parties(phrases: list[Phrase], ents: ArticleEntities, s_idx: int, doc=None, term=None) -> tuple[list[Entity], bool]:
    """Organisations in party position: "between A and B" first, else those in the clause of the
    agreement's verb ("A and B signed", "with B", "their MoU"), else every organisation of the
    sentence; and whether two were found in party position."""
    ranked: dict[int, list[Entity]] = {1: [], 2: [], 3: []}
    verb = _verb_of(term) if term is not None else None
    for p in phrases:
        if p.sent != s_idx:
            continue
        e = ents.get(p)
        if e is None or e.kind != "Organisation":
            continue
        rank = _party_rank(doc[p.tokens[1] - 1], verb) if doc is not None else 3
        if all(e not in group for group in ranked.values()):
            ranked[rank].append(e)
    best = ranked[1] if len(ranked[1]) >= 2 else ranked[1] + ranked[2]
    return (best, True) if len(best) >= 2 else (best or ranked[3], False)


def _verb_of(tok):
    """The verb governing a token (the clause it belongs to)."""
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") or tok.head == tok:
            return tok
        tok = tok.head
    return tok


def _party_rank(tok, verb) -> int:
    """1: "between A and B"; 2: in the clause of the agreement's verb, or "their MoU"; 3: elsewhere."""
    for _ in range(6):
        if tok.dep_ == "pobj" and tok.head.lower_ in ("between", "among"):
            return 1
        if tok.dep_ == "poss" and tok.head.lower_ in ("mou", "memorandum", "agreement"):
            return 2
        if tok.dep_ not in ("conj", "compound", "appos", "flat") or tok.head == tok:
            break
        tok = tok.head
    return 2 if verb is not None and _verb_of(tok) == verb else 3
