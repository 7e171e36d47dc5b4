"""Posts (kg:Membership) from the shapes news uses to introduce people.

- "X, Director of Y" / "X, Project Manager of Y" / "X, Programme Specialist on Y's projects"
- "Research Fellow X" (a role with no organisation stays without one)
- "Director-General of Y, X" and "Director of Y X"
- "X from Y" / "X of Y" (a membership with no role)
- "Y's Director X"
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from ..article import Entity, Membership, Span
from ..naming import norm
from .entities import ArticleEntities
from .names import LEX, Phrase, is_role_word

STOP = {",", ";", ":", "(", ")", ".", "and", "who", "which", "while", "as", "said", "says"}


def find(doc: Doc, phrases: list[Phrase], ents: ArticleEntities, sentences: list[Span]) -> list[Membership]:
    out: list[Membership] = []
    seen: set[tuple[int, str | None, int]] = set()

    text = doc.text  # spaCy joins the tokens anew on every access
    # "Minister of Technology and Science" heads the "Ministry of Technology and Science" the article names
    ministries = {norm(e.name)[len("ministry of "):]: e for e in ents.entities
                  if e.kind == "Organisation" and norm(e.name).startswith("ministry of ")}

    def ministry(r: Phrase) -> Entity | None:
        if not ministries or not r.role or not r.role.lower().endswith("minister"):
            return None
        after = norm(text[r.end:r.end + 120])
        return next((e for field, e in ministries.items() if re.match(rf"(of|for)( the)? {re.escape(field)}\b", after)), None)

    def add(p: Phrase, role: str | None, org: Phrase | Entity | None, role_phrase: Phrase | None = None) -> None:
        person = ents.get(p)
        organisation = ents.get(org) if isinstance(org, Phrase) else org
        if organisation is None and role_phrase is not None:
            organisation = ministry(role_phrase)
        if person is None or person.kind != "Person":
            return
        if organisation is not None and organisation.kind != "Organisation":
            organisation = None
        if role is None and organisation is None:
            return
        key = (id(person), role.lower() if role else None, id(organisation))
        if key in seen:
            return
        seen.add(key)
        out.append(Membership(person, role, organisation, sentences[p.sent]))

    for i, p in enumerate(phrases):
        if p.kind != "Person":
            continue
        nxt = phrases[i + 1] if i + 1 < len(phrases) else None
        if p.role:  # "Research Fellow X": the role written before the name
            prev_org = _org_before_role(phrases, i)
            add(p, p.role, prev_org)
        if nxt is None or nxt.sent != p.sent:
            continue
        between = doc[p.tokens[1]: nxt.tokens[0]].text.strip().lower()
        if nxt.kind == "Role" and between in (",", ", the", ", a", ", an"):
            add(p, nxt.role, _org_after_role(doc, phrases, i + 1) or _host_before(phrases, i), nxt)
        elif (nxt.kind == "Organisation" and between == "," and i + 2 < len(phrases) and phrases[i + 2].kind == "Role"
              and phrases[i + 2].tokens[0] == nxt.tokens[1]):  # "X, UNESCO Assistant Director-General"
            add(p, phrases[i + 2].role, nxt)
        elif nxt.kind == "Organisation" and between in ("from", "from the", "of", "of the", "at", "at the"):
            add(p, None, nxt)
    for m in _lowercase_posts(doc, phrases):
        add(*m)
    for m in _person_first_posts(doc, phrases):
        add(*m)
    for m in _listed_members(doc, phrases):
        add(*m)
    for m in _narrative_posts(doc, phrases):
        add(*m)
    # "Director-General of Y, X" / "Y's Director X" / "Director of Y X"
    for i, r in enumerate(phrases):
        if r.kind != "Role" or i + 1 >= len(phrases):
            continue
        prev = phrases[i - 1] if i > 0 else None
        if prev is not None and prev.kind == "Person" and prev.sent == r.sent and doc[prev.tokens[1]: r.tokens[0]].text.strip() in (",", ""):
            continue  # the role belongs to the person before it
        org = _org_after_role(doc, phrases, i)
        j = i + 1 + (org is not None and phrases[i + 1] is org)
        head = ministry(r) if org is None else None
        if head is not None:  # "The Minister of Technology and Science, Hon. X": X after the field
            field = head.name.split(" ", 2)[2]
            m = re.compile(rf"\s+(?:of|for)\s+(?:the\s+)?{re.escape(field)}\s*,\s*", re.I).match(text, r.end)
            q = next((q for q in phrases[i + 1:] if q.start >= m.end()), None) if m else None
            if q is not None and q.kind == "Person" and q.sent == r.sent \
                    and all(LEX.is_honorific(w) for w in text[m.end():q.start].split()):
                add(q, r.role, head)
                continue
        if j < len(phrases) and phrases[j].kind == "Person" and phrases[j].sent == r.sent:
            gap = _words_between(doc, (org or r).tokens[1], phrases[j].tokens[0])
            if gap in (",", ""):
                # "a delegation of Y, led by its Director, X": the organisation "its" stands for
                if org is None and r.tokens[0] > 0 and doc[r.tokens[0] - 1].lower_ == "its":
                    org = next((q for q in reversed(phrases[:i]) if q.sent == r.sent and q.kind == "Organisation"), None)
                # "Y's Director X", "KUT Vice-Chancellor Prof. X": the organisation right before the role
                if org is None and prev is not None and prev.kind == "Organisation" and prev.sent == r.sent \
                        and (prev.possessive or prev.tokens[1] == r.tokens[0]):
                    org = prev
                add(phrases[j], r.role, org, r)
    # "Vice-President Zhang welcomed ..." after "ZHANG Wei, Vice-President of CAGIS": the same post
    placed = {(id(m.person), m.role.lower()) for m in out if m.role and m.organisation is not None}
    return [m for m in out if m.organisation is not None or not m.role or (id(m.person), m.role.lower()) not in placed]


def _org_after_role(doc: Doc, phrases: list[Phrase], i: int) -> Phrase | None:
    """The organisation a role is of: joined by of/for/at, or possessed a few words on ("on Y's projects")."""
    r = phrases[i]
    for j in range(i + 1, min(i + 3, len(phrases))):
        q = phrases[j]
        if q.sent != r.sent or q.kind in ("Person", "Role"):
            return None
        gap = doc[r.tokens[1]: q.tokens[0]]
        if any(t.text in STOP for t in gap):
            return None
        if q.kind == "Organisation":
            words = [t.lower_ for t in gap]
            if words[:1] in (["of"], ["for"], ["at"], ["to"], []) or q.possessive:
                return q
            return None
    return None


def _host_before(phrases: list[Phrase], i: int) -> Phrase | None:
    """"visited the UNESCO Office in X, where it met Dr. A, Hydrologist, and Ms. B, Programme
    Specialist": the one organisation the sentence names before a person whose role names none."""
    before = [q for q in phrases[:i] if q.sent == phrases[i].sent and q.kind == "Organisation"]
    if len(before) != 1:
        return None
    host = before[0]
    # only people (a listed delegation) and their roles between the host and the person
    if any(q.kind not in ("Person", "Role") for q in phrases[phrases.index(host) + 1:i]):
        return None
    return host


def _org_before_role(phrases: list[Phrase], i: int) -> Phrase | None:
    """"UNESCO's Director X", "CAGIS President X": an organisation right before the role of person i."""
    j = i - 1
    if j >= 0 and phrases[j].kind == "Role":
        j -= 1
    if j < 0 or phrases[j].kind != "Organisation" or phrases[j].sent != phrases[i].sent:
        return None
    nxt = phrases[j + 1]
    if phrases[j].possessive or phrases[j].tokens[1] == nxt.tokens[0]:
        return phrases[j]
    return None


def _words_between(doc: Doc, a: int, b: int) -> str:
    """The text between two token positions, honorifics left out ("the Rector of X, Prof. Y")."""
    return " ".join(t.text for t in doc[a:b] if not LEX.is_honorific(t.text)).strip()


def _next_in_sentence(phrases: list[Phrase], first: str, second: str) -> Iterator[tuple[Phrase, Phrase]]:
    """Each phrase of kind ``first`` followed, in the same sentence, by one of kind ``second``."""
    for a, b in zip(phrases, phrases[1:]):
        if a.kind == first and b.kind == second and a.sent == b.sent:
            yield a, b


LED_BY = {"headed": "Head", "led": "Head", "chaired": "Chair", "directed": "Director", "coordinated": "Coordinator"}


def _lowercase_posts(doc: Doc, phrases: list[Phrase]):
    """"the director of Y, X," and "Y, headed by X": posts written without capitals."""
    text = doc.text  # spaCy joins the tokens anew on every access
    for q, nxt in _next_in_sentence(phrases, "Organisation", "Person"):
        gap = text[q.end:nxt.start]
        # "the director of the KAIST Graduate School of AI, Kim Min-jun,"
        if gap.strip() in (",", ""):
            before = text[max(0, q.start - 40):q.start]
            m = re.search(r"\b(?:the\s+)?((?:[a-z\-]+\s+)?([a-z\-]+))\s+of\s+(?:the\s+)?$", before)
            if m and is_role_word(m.group(2).capitalize()) and not text[q.start - 1:q.start].isupper():
                role = m.group(1)
                words = role.split()
                if len(words) == 2 and not is_role_word(words[0].capitalize()) and words[0] not in ("deputy", "vice", "assistant", "executive", "acting", "associate", "senior", "chief", "general", "former"):
                    role = words[1]
                yield nxt, role[:1].upper() + role[1:], q
        # "Al-Waha University's president, Khalid Al-Harthy,"
        if q.possessive:
            m = re.fullmatch(r"['’]s\s+((?:[a-z\-]+\s+){0,3}?([a-z\-]+))\s*,\s*(?:(?:[A-Z][a-z]*\.|Prof|Dr|Mr|Ms|Mrs)\s+)*", gap)
            if m and is_role_word(m.group(2).capitalize()):
                yield nxt, m.group(1)[:1].upper() + m.group(1)[1:], q
        # "Ilse Vermeulen (Scheldt University)" is handled from the person's side below
        # "the Section for X, headed by Peggy Oti-Boateng"
        m = re.fullmatch(r"\s*,?\s*(headed|led|chaired|directed|coordinated)\s+by\s+(?:the\s+)?", gap)
        if m:
            yield nxt, LED_BY[m.group(1)], q


HEADS = re.compile(r"\s*,\s*who\s+(heads|leads|directs|chairs|coordinates|manages)\s+(?:the\s+)?$")
HEAD_ROLE = {"heads": "Head", "leads": "Head", "directs": "Director", "chairs": "Chair", "coordinates": "Coordinator",
             "manages": "Manager"}


def _person_first_posts(doc: Doc, phrases: list[Phrase]):
    """"X, who heads the Y Unit" and "X (Y University)"."""
    text = doc.text  # spaCy joins the tokens anew on every access
    for p, q in _next_in_sentence(phrases, "Person", "Organisation"):
        gap = text[p.end:q.start]
        m = HEADS.fullmatch(gap)
        if m:
            yield p, HEAD_ROLE[m.group(1)], q
        elif re.fullmatch(r"\s*\(\s*(?:the\s+)?", gap) and text[q.end:q.end + 1] == ")":
            yield p, None, q


AS_ROLE = re.compile(r"(?:\b(?:as|appointed|elected|named|nominated|promoted\s+to)\s+(?:(?:its|the|their|a|an|new|acting|first|interim)\s+)*)$", re.I)


def _narrative_posts(doc: Doc, phrases: list[Phrase]):
    """Posts told in a story: "the appointment of X as its new Director-General", "X has been
    appointed Vice-President of Y", "X served as Deputy Director of Y and, before that, as Head of
    Z", "X, Chair of the Board and President of Y"."""
    text = doc.text  # spaCy joins the tokens anew on every access
    for i, r in enumerate(phrases):
        if r.kind != "Role":
            continue
        before = text[max(0, r.start - 60):r.start]
        people = [q for q in phrases[:i] if q.sent == r.sent and q.kind == "Person"]
        if not people:
            continue
        person = people[-1]
        m = AS_ROLE.search(before)
        org = _org_after_role(doc, phrases, i)
        if m:
            if org is None and re.search(r"\b(its|their)\b", m.group(0), re.I):
                org = next((q for q in reversed(phrases[:i]) if q.sent == r.sent and q.kind == "Organisation"
                            and q.start < person.start), None)
            yield person, r.role, org
        # "X, Chair of the Board and President of Y": a second post in the same apposition
        elif i >= 3 and re.fullmatch(r"\s+and\s+", text[phrases[i - 1].end:r.start]) \
                and phrases[i - 1].kind == "Organisation" and phrases[i - 2].kind == "Role" \
                and phrases[i - 3] is person and re.fullmatch(r",\s*(?:the\s+)?", text[person.end:phrases[i - 2].start]):
            yield person, r.role, org


LIST_START = re.compile(r"\s+members?\s*,?\s*(?:i\.\s?e\.|namely|including|:)", re.I)
JOINED = re.compile(r"\bmembers?\s+(?:joined|of)\s+(?:the\s+)?$", re.I)


def _listed_members(doc: Doc, phrases: list[Phrase]):
    """"Board members, i.e. A, B and C" and "two new members joined the Board: A, B": each named
    person is a Member of that organisation."""
    text = doc.text  # spaCy joins the tokens anew on every access
    for i, q in enumerate(phrases):
        if q.kind != "Organisation":
            continue
        listed = LIST_START.match(text, q.end) or (
            JOINED.search(text, max(0, q.start - 40), q.start) and text[q.end:q.end + 2].lstrip().startswith(":"))
        if not listed:
            continue
        for p in phrases[i + 1:]:
            if p.sent != q.sent:
                break
            if p.kind == "Person":
                yield p, "Member", q
