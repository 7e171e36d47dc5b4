"""Posts (kg:Membership) from the shapes news uses to introduce people.

- "X, Director of Y" / "X, Project Manager of Y" / "X, Programme Specialist on Y's projects"
- "Research Fellow X" (a role with no organisation stays without one)
- "Director-General of Y, X" and "Director of Y X"
- "X from Y" / "X of Y" (a membership with no role)
- "Y's Director X"
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from ..article import Entity, Membership, Span
from ..naming import norm
from .entities import ArticleEntities
from .names import LEX, Phrase, is_role_word

STOP = {",", ";", ":", "(", ")", ".", "and", "who", "which", "while", "as", "said", "says"}


def find(doc: Doc, phrases: list[Phrase], ents: ArticleEntities, sentences: list[Span]) -> list[Membership]:
    out: list[Membership] = []
    seen: set[tuple[int, str | None, int]] = set()

    text = _doc_text(doc)  # spaCy joins the tokens anew on every doc.text
    # "X, Dr. Sci., President of Y": a degree after a name is no name of its own; left in, it cuts
    # the person off from the apposition that gives the post
    phrases = [q for q in phrases if not _is_degree(text, q)]
    # "Minister of Technology and Science" heads the "Ministry of Technology and Science" the article names
    ministries = {norm(e.name)[len("ministry of "):]: e for e in ents.entities
                  if e.kind == "Organisation" and norm(e.name).startswith("ministry of ")}

    def ministry(r: Phrase) -> Entity | None:
        if not ministries or not r.role or not r.role.lower().endswith("minister"):
            return None
        after = norm(text[r.end:r.end + 120])
        return next((e for field, e in ministries.items() if re.match(rf"(of|for)( the)? {re.escape(field)}\b", after)), None)

    org_phrases = [q for q in phrases if q.kind == "Organisation"]

    def add(p: Phrase, role: str | None, org: Phrase | Entity | None, role_phrase: Phrase | None = None) -> None:
        person = ents.get(p)
        organisation = ents.get(org) if isinstance(org, Phrase) else org
        # "Vice-President of the Academy": a bare institution word is the last organisation named with it
        if isinstance(org, Phrase) and " " not in org.text and LEX.org_head(org.text):
            organisation = _named_with(org.text, org.start, org_phrases, ents) or organisation
        if organisation is None and role_phrase is not None:
            organisation = ministry(role_phrase)
        if person is None or person.kind != "Person":
            return
        if organisation is not None and organisation.kind != "Organisation":
            organisation = None
        if role is None and organisation is None:
            return
        if role is not None and _former(text, p, role, sentences[p.sent]):
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
            prev_org = _org_before_role(phrases, i, text)
            add(p, p.role, prev_org)
        if nxt is None or nxt.sent != p.sent:
            continue
        between = doc[p.tokens[1]: nxt.tokens[0]].text.strip().lower()
        # "signed by the Rector of A, Prof. X, the Rector of B, Prof. Y": "the Rector of B" is Y's
        if nxt.kind == "Role" and between == ", the" and _role_of_next_person(doc, phrases, i + 1):
            pass
        elif nxt.kind == "Role" and between in (",", ", the", ", a", ", an"):
            add(p, nxt.role, _org_after_role(doc, phrases, i + 1) or _comma_org(text, phrases, i + 1) or _host_before(phrases, i), nxt)
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
    for m in _pattern_posts(doc, phrases, ents, sentences):
        add(*m)
    for m in _parse_posts(doc, phrases, ents):
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
            # "Head of Y\nDr. Z, officer": a line break with no comma ends a contact line
            broken = "\n" in text[(org or r).start:phrases[j].start] and "," not in text[(org or r).end:phrases[j].start]
            if gap in (",", "") and not broken:
                # "a delegation of Y, led by its Director, X": the organisation "its" stands for
                if org is None and r.tokens[0] > 0 and doc[r.tokens[0] - 1].lower_ == "its":
                    org = next((q for q in reversed(phrases[:i]) if q.sent == r.sent and q.kind == "Organisation"), None)
                # "Y's Director X", "KUT Vice-Chancellor Prof. X": the organisation right before the role
                if org is None and prev is not None and prev.kind == "Organisation" and prev.sent == r.sent \
                        and (prev.possessive and re.fullmatch(r"['’]s\s*", text[prev.end:r.start]) or prev.tokens[1] == r.tokens[0]):
                    org = prev
                add(phrases[j], r.role, org, r)
    # "Vice-President Zhang welcomed ..." after "ZHANG Wei, Vice-President of CAGIS": the same post
    placed = {(id(m.person), m.role.lower()) for m in out if m.role and m.organisation is not None}
    out = [m for m in out if m.organisation is not None or not m.role or (id(m.person), m.role.lower()) not in placed]
    for m in out:
        if m.organisation is None and m.role:
            m.organisation = _org_named_in_role(m, phrases, ents, sentences)
    return _drop_subsumed(out)


DEGREE = re.compile(r"(?:(?:Dr|Ph|M|B|D|Ir|Ing|Eng)\.\s?(?:-?[A-Z][A-Za-z]{0,4}\.?)+|Ph\.?\s?D\.?|D\.?\s?Sc\.?|M\.?\s?Sc\.?"
                    r"|M\.?\s?Phil\.?|MBA|M\.?\s?A\.?|B\.?\s?Sc\.?|(?:Dr|M|B)\.?\s?-?[A-Z][a-z]{1,4}\.?)")


def _is_degree(text: str, q: Phrase) -> bool:
    """Is this phrase a degree written after a name (", Dr. Sci.,", ", M.Eng.,", ", PhD,")?

    >>> _is_degree("A B, Dr. Sci., President", Phrase("Person", "Sci", 9, 12, 0))
    True
    """
    if q.kind not in ("Person", "Other") or len(q.text) > 8:
        return False
    m = re.search(r",\s*((?:[A-Z][a-z]{0,2}\.\s?)?)$", text[max(0, q.start - 8):q.start])
    if m is None:
        return False
    full = m.group(1) + q.text + ("." if text[q.end:q.end + 1] == "." else "")
    return DEGREE.fullmatch(full) is not None and re.match(r"\.?\s*[,;)]", text[q.end:q.end + 3]) is not None


def _org_named_in_role(m: Membership, phrases: list[Phrase], ents: ArticleEntities, sentences: list[Span]) -> Entity | None:
    """"the Network Coordinator, Dr. X", "Lab Head X": a role that starts with an institution word
    is a post in the last organisation named before with that word ("the West African Network ...")."""
    first = m.role.split()[0] if m.role and " " in m.role else ""
    if not LEX.org_head(first):
        return None
    return _named_with(first, m.evidence.end, [q for q in phrases if q.kind == "Organisation"], ents)


def _named_with(word: str, at: int, orgs: list[Phrase], ents: ArticleEntities) -> Entity | None:
    """"the Academy" before offset ``at``: the last organisation named with that word, or the
    parent it names ("the Presidium of the Academy of X" -> the Academy of X)."""
    word = word.lower()
    before = [q for q in orgs if q.start < at and word in q.text.lower().replace("-", " ").split()]
    # "the Centre" after "the Council of Member States of the Centre for X" and "the Centre for X":
    # the organisation whose own head word it is, before one that only names it as its parent
    own = [q for q in before if _head_word(q.text) == word]
    for q in reversed(own or before):
        e = ents.get(q)
        if e is None or e.kind != "Organisation":
            return None
        chain, k = [], e
        while k is not None and len(chain) < 4:
            chain.append(k)
            k = k.parent
        found = next((c for c in chain if _head_word(c.name) == word), None)
        if found is None:  # "Presidium of the Academy of X" with no parent recorded: the Academy of X it names
            inner = e.name.lower()
            found = next((c for c in ents.entities if c.kind == "Organisation" and c is not e
                          and _head_word(c.name) == word and c.name.lower() in inner), e)
        return found
    return None


def _head_word(name: str) -> str | None:
    """The first institution word of a name ("Presidium of the Academy of X" -> "presidium")."""
    return next((w for w in name.lower().split() if LEX.org_head(w)), None)


def _words(role: str | None) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9&]+", (role or "").lower().replace("-", " ")))


def _drop_subsumed(out: list[Membership]) -> list[Membership]:
    """One post per person and role: "Dean" at no organisation goes when "Dean (R&D)" of KIME is
    known, and "Dean" of KIME goes beside "Dean (R&D)" of KIME; a membership with no role goes
    beside a post in the same organisation."""
    def subsumed(a: Membership, b: Membership) -> bool:
        if a is b or a.person is not b.person:
            return False
        wa, wb = _words(a.role), _words(b.role)
        if a.organisation is None:
            if b.organisation is None:  # "Permanent Representative" beside "Permanent Representative of Barbados"
                return bool(wa) and wa < wb
            return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)
        if a.organisation is not b.organisation:
            return False
        # "Dean (R&D)", "Vice-Rector for Research": the same post with its portfolio ("Director" and
        # "Director-General", or "Deputy Director-General", are other posts)
        portfolio = bool(a.role and b.role) and re.match(re.escape(a.role) + r"\s*(?:\(|for\b|of\b)", b.role or "") is not None
        return (not wa and bool(wb)) or portfolio
    return [a for a in out if not any(subsumed(a, b) for b in out)]


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
                # "Head of ICPA's Directorate of International Relations": the unit the possessive names
                nxt = phrases[j + 1] if j + 1 < len(phrases) else None
                if q.possessive and nxt is not None and nxt.kind == "Organisation" and nxt.sent == q.sent \
                        and any(LEX.org_head(w) for w in nxt.text.split()) \
                        and re.fullmatch(r"['’]s\s+", _doc_text(doc)[q.end:nxt.start]):  # not "UNESCO's DRR projects"
                    return nxt
                return q
            return None
    return None


def _former(text: str, p: Phrase, role: str, sent: Span) -> bool:
    """A post the person no longer holds: "X, former President of Y", "then Director X", "X, Dean of
    Y until 2019". The role is looked for next to the person's name, within its clause."""
    start, end = max(sent.start, p.start - 80), min(sent.end, p.end + 160)
    for m in re.finditer(re.escape(role), text[start:end], re.I):
        a, b = start + m.start(), start + m.end()
        if b <= p.start and ";" in text[b:p.start] or a >= p.end and re.search(r"[;()]", text[p.end:a]):
            continue  # another clause
        if FORMER.search(text[max(0, a - 14):a]):
            return True
        clause = re.split(r"[,;()]|\band\b", text[b:b + 100])[0]
        if UNTIL.search(clause):
            return True
    return False


def _role_of_next_person(doc: Doc, phrases: list[Phrase], i: int) -> bool:
    """Is role i followed by its organisation and then ", <honorifics> <person>"?"""
    org = _org_after_role(doc, phrases, i)
    k = phrases.index(org) + 1 if org is not None else None
    if k is None or k >= len(phrases) or phrases[k].kind != "Person" or phrases[k].sent != phrases[i].sent:
        return False
    return _words_between(doc, org.tokens[1], phrases[k].tokens[0]) in (",", "")


def _comma_org(text: str, phrases: list[Phrase], i: int) -> Phrase | None:
    """"X, President, HORU;": an organisation set off by a comma right after the role, ending the apposition."""
    q = phrases[i + 1] if i + 1 < len(phrases) else None
    if q is None or q.kind != "Organisation" or q.sent != phrases[i].sent or text[phrases[i].end:q.start].strip() != ",":
        return None
    return q if re.match(r"\s*(?:[,;.)]|and\b|$)", text[q.end:q.end + 5]) else None


def _doc_text(doc: Doc) -> str:
    """The document's text, built once (spaCy joins the tokens anew on every ``doc.text``)."""
    return doc.user_data.get("kg_text") or doc.user_data.setdefault("kg_text", doc.text)


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


def _org_before_role(phrases: list[Phrase], i: int, text: str | None = None) -> Phrase | None:
    """"UNESCO's Director X", "CAGIS President X": an organisation right before the role of person i."""
    j = i - 1
    if j >= 0 and phrases[j].kind == "Role":
        j -= 1
    if j < 0 or phrases[j].kind != "Organisation" or phrases[j].sent != phrases[i].sent:
        return None
    nxt = phrases[j + 1]
    # "UNESCO's Director X", not "Y's chemistry department, and Vice-Rector X"
    if phrases[j].possessive and (text is None or re.fullmatch(r"['’]s\s*", text[phrases[j].end:nxt.start])) \
            or phrases[j].tokens[1] == nxt.tokens[0]:
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
    text = _doc_text(doc)  # spaCy joins the tokens anew on every doc.text
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
    text = _doc_text(doc)  # spaCy joins the tokens anew on every doc.text
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
    text = _doc_text(doc)  # spaCy joins the tokens anew on every doc.text
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
    text = _doc_text(doc)  # spaCy joins the tokens anew on every doc.text
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


# ---------------------------------------------------------------- posts read from pattern data
#
# Each sentence with a person in it is rewritten as a "skeleton": every name phrase replaced by a
# marker naming its kind and index ("⟨P3⟩, registrar, ⟨O4⟩;"). The shapes news uses to give a
# person's post, lower-case roles included, are then regular expressions over skeletons, kept as
# data in patterns/posts*.jsonl with a few macros ({P1}, {ROLE1}, {ORG1}, ...) defined below.

PATTERNS_DIR = Path(__file__).parent / "patterns"
KIND_MARK = {"Person": "P", "Organisation": "O", "Role": "R", "Place": "L"}
# words that never modify a role written in lower case ("the director", not "who director")
NOT_ROLE_MODIFIERS = ("the a an and or of for at in who whom which with by to on was is were has had have been be as "
                      "from that this its their his her our said says also will would not but then former formerly")
FORMER = re.compile(r"(?:\bthen|\bformer|\bformerly|\bex-|\boutgoing|\blate|\bpast|\binterim\s+until)\s*$", re.I)
UNTIL = re.compile(r"\b(?:until|till|up\s+to)\s+(?:\d{4}|last|\w+\s+\d{4})", re.I)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _macros() -> dict[str, str]:
    heads = _alternation(LEX.roles)
    stop = "|".join(NOT_ROLE_MODIFIERS.split())
    # "vice president for research", "soil chemist", "chief executive": up to three modifiers, a head
    lrole = rf"(?:(?!(?:{stop})\b)[a-z][a-z\-]*\s+){{0,3}}(?i:{heads}|[a-z]{{4,}}ist)\b(?:\s+for\s+[a-z]+(?:\s+and\s+[a-z]+)?)?"
    org_words = _alternation(w for w in LEX.org_heads if w.isalpha())
    hon = _alternation(LEX.honorifics)
    return {
        # a degree written after the name is skipped ("⟨P1⟩, Ph.D., director of ...")
        "P": r"⟨P(?P<p{n}>\d+)⟩(?:\s*,\s*(?:(?:Dr|Ph|M|B|D|Ir|Ing|Eng)\.\s?(?:-?[A-Z][A-Za-z]{0,4}\.)+|PhD|MSc|MBA|DSc)(?=\s*,))?",
        "HON": rf"(?:(?:(?:{hon})(?![\w'])|[A-Z][a-z]{{0,5}}\.|\([A-Z][a-z]{{0,5}}\.\))\s*)*",
        "DET": r"(?:(?:the|a|an|our|its)\s+)?",
        "LROLE": rf"(?P<lr{{n}}>{lrole})",
        # "Head of Programmes": a role with its field when the field is no organisation
        # ("professor of physics at Y": a field in lower case only before "at"/"in" and an organisation,
        # or closing the apposition: "Y, the dean of engineering, said")
        "ROLE": rf"(?:⟨R(?P<r{{n}}>\d+)⟩|(?P<lr{{n}}>{lrole}))(?:\s+(?P<rp{{n}}>of|for)\s+(?:⟨X(?P<rx{{n}}>\d+)⟩"
                rf"|(?P<rl{{n}}>(?!the\b|a\b|an\b)[a-z]+(?:\s+(?:and\s+)?[a-z]+){{0,2}})(?=\s+(?:at|in)\s+(?:the\s+)?⟨O|\s*[,;)]\s)))?"
                rf"(?:\s*\((?P<rf{{n}}>[^()]{{1,60}})\))?",
        # an organisation by name (after "Kazakhstan's"), or "the institute" for the last one named
        "ORG": rf"(?:(?:⟨[LXO]\d+⟩['’]s\s+|(?:[Tt]he|its|their)\s+[a-z]+['’]s\s+)?⟨O(?P<o{{n}}>\d+)⟩|(?:[Tt]he|[Tt]his|[Oo]ur)\s+(?P<ah{{n}}>(?i:{org_words}))\b(?!['’]s|\s*⟨))",
        "ORGN": r"⟨O(?P<o{n}>\d+)⟩",
        "ORGP": rf"(?:⟨O(?P<o{{n}}>\d+)⟩|(?:[Tt]he|[Tt]his|[Oo]ur)\s+(?P<ah{{n}}>(?i:{org_words})))",
        "ORGW": r"(?:⟨O(?P<o{n}>\d+)⟩(?:\s*\([^()]*\))?\s*,\s+whose|(?P<its{n}>\b(?:[Ii]ts|[Tt]heir|whose)))",
        # a role in lower case only ("associate professor X", not "Professor X", an address)
        "LOWROLE": rf"(?P<lr{{n}}>(?:(?!(?:{stop})\b)[a-z][a-z\-]*\s+){{0,3}}(?:{heads.lower()}|[a-z]{{4,}}ist)\b)",
        "END": r"(?=\s*(?:[,;.)]|and\b|$))",
    }


def _expand(regex: str) -> str:
    macros = _macros()
    return re.sub(r"\{([A-Z]+)(\d*)\}", lambda m: macros[m.group(1)].replace("{n}", m.group(2)), regex)


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[dict], list[re.Pattern[str]], list[re.Pattern[str]]]:
    """(patterns, chain patterns, host patterns) from patterns/posts*.jsonl. A chain pattern
    continues the apposition of a person already placed (", Vice President of the Academy"); a
    host pattern names the organisation of the roles a sentence gives alone ("From UICAS, A,
    Dean (Research), and B, Registrar, were present")."""
    main, chain, host = [], [], []
    for path in sorted(PATTERNS_DIR.glob("posts*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            spec = json.loads(line)
            rx = re.compile(_expand(spec["regex"]))
            if spec.get("kind") == "chain":
                chain.append(rx)
            elif spec.get("kind") == "host":
                host.append(rx)
            else:
                # a pattern that ends at the person's name is tried only in the stretch before each name
                anchor = re.compile(_expand(spec["anchor"])) if spec.get("anchor") else None
                main.append({**spec, "rx": rx, "anchor_rx": anchor})
    return main, chain, host


def _skeleton(text: str, sent: Span, phrases: list[tuple[int, Phrase]]) -> tuple[str, list[tuple[int, int]]]:
    """The sentence with each phrase replaced by its marker, and (skeleton offset, text offset)
    at the start of each piece, to map a skeleton position back to the text."""
    parts, where, pos, skel_len = [], [], sent.start, 0
    for i, p in phrases:
        if p.start < pos:
            continue
        piece = text[pos:p.start]
        where.append((skel_len, pos))
        parts.append(piece)
        skel_len += len(piece)
        mark = f"⟨{KIND_MARK.get(p.kind, 'X')}{i}⟩"
        where.append((skel_len, p.start))
        parts.append(mark)
        skel_len += len(mark)
        # a phrase that ends in a line break keeps it in the skeleton (a line break ends a contact line)
        pos = p.start + len(text[p.start:p.end].rstrip())
    where.append((skel_len, pos))
    parts.append(text[pos:sent.end])
    return "".join(parts), where


def _to_text(where: list[tuple[int, int]], k: int) -> int:
    prev = where[0]
    for w in where:
        if w[0] > k:
            break
        prev = w
    return prev[1] + (k - prev[0])


def _matches(spec: dict, skel: str) -> Iterator[re.Match[str]]:
    """Matches of a pattern in a skeleton; with an anchor, searched only in the window before each
    anchor (regular expressions that start with a role would otherwise be tried at every character)."""
    if spec["anchor_rx"] is None:
        yield from spec["rx"].finditer(skel)
        return
    seen: set[tuple[int, int]] = set()
    for a in spec["anchor_rx"].finditer(skel):
        pos = max(0, a.start() - spec.get("window", 160))
        while (m := spec["rx"].search(skel, pos, a.end())) is not None:
            if m.end() == a.end():  # the match that ends at this anchor
                if m.span() not in seen:
                    seen.add(m.span())
                    yield m
                break
            pos = m.start() + 1


def _title(words: str) -> str:
    """"vice-minister for innovation" -> "Vice-Minister for Innovation", as roles are written in titles."""
    return " ".join(w if w in ("for", "and", "of", "in", "at") else "-".join(x[:1].upper() + x[1:] for x in w.split("-"))
                    for w in words.split())


def _role_text(m: re.Match[str], n: int | str, phrases: list[Phrase]) -> str | None:
    """The role of group n as the text writes it, lower-case words capitalised ("Vice Minister")."""
    r, lr, rf = m.groupdict().get(f"r{n}"), m.groupdict().get(f"lr{n}"), m.groupdict().get(f"rf{n}")
    if r is not None:
        role = phrases[int(r)].role
    elif lr is not None:
        role = _title(lr)
    else:
        return None
    if m.groupdict().get(f"rx{n}") is not None:
        role = f"{role} {m.group(f'rp{n}')} {phrases[int(m.group(f'rx{n}'))].text}"
    elif m.groupdict().get(f"rl{n}"):
        role = f"{role} {m.group(f'rp{n}')} {_title(m.group(f'rl{n}'))}"
    if rf:  # "Dean (R&D)", "Deputy Vice-Chancellor (Research)": the portfolio is part of the role
        field_ = re.sub(r"⟨[A-Z](\d+)⟩", lambda x: phrases[int(x.group(1))].text, rf).strip()
        role = f"{role} ({field_})"
    return role


def _pattern_posts(doc: Doc, phrases: list[Phrase], ents: ArticleEntities, sentences: list[Span]):
    """Posts from the data patterns: "X, registrar, Y", "X (Corresponding Member of Y)",
    "X - rector of Y", "A, Dean, and B, Vice-Dean, of Y", "Director of Y Colonel X", "the
    university's vice president, X", "X, Chair of the Board, Vice President of the Academy"."""
    text = _doc_text(doc)
    patterns, chain, hosts = _patterns()
    by_sent: dict[int, list[tuple[int, Phrase]]] = {}
    for i, p in enumerate(phrases):
        by_sent.setdefault(p.sent, []).append((i, p))
    orgs = [p for p in phrases if p.kind == "Organisation"]

    def org_of(m: re.Match[str], n: int | str, skel: str, where) -> Phrase | None:
        g = m.groupdict()
        if g.get(f"o{n}") is not None:
            return phrases[int(g[f"o{n}"])]
        at = _to_text(where, m.start())
        if g.get(f"ah{n}"):  # "the institute": the last organisation named with that word
            return _named_with(g[f"ah{n}"], at, orgs, ents)
        if g.get(f"its{n}"):  # "the Department of X, under the leadership of its Director": the last organisation before
            here = phrases_sent(at)
            return next((q for q in reversed(orgs) if q.start < at and q.sent >= here - 1), None)
        return None

    def phrases_sent(at: int) -> int:
        return next((k for k, s in enumerate(sentences) if s.start <= at < s.end), 0)

    def role_is_held(skel: str, m: re.Match[str], n: int | str) -> bool:
        """Not a former post ("then Director", "former President", "Dean until 2019")."""
        g = f"r{n}" if m.groupdict().get(f"r{n}") is not None else f"lr{n}"
        if m.groupdict().get(g) is None:
            return True
        start = m.start(g) - (2 if g.startswith("r") else 0)
        after = re.split(r"[,;()]|\band\b", skel[m.end(g):m.end(g) + 100])[0]
        return not FORMER.search(skel[max(0, start - 14):start]) and not UNTIL.search(after)

    for s_idx, items in by_sent.items():
        if not any(p.kind == "Person" for _, p in items):
            continue
        skel, where = _skeleton(text, sentences[s_idx], items)
        host = next((phrases[int(h.group("o1"))] for rx in hosts if (h := rx.search(skel))), None)
        for spec in patterns:
            for m in _matches(spec, skel):
                # "X, Director of Y, Prof. Z": the role is X's, not Z's
                if m.groupdict().get("comma") and re.search(r"⟨P\d+⟩\s*[,(]\s*(?:the\s+|a\s+)?$", skel[:m.start()]):
                    continue
                for pn, rn, on in spec["posts"]:
                    person = phrases[int(m.group(f"p{pn}"))]
                    role = _role_text(m, rn, phrases) if rn else None
                    if rn and not role_is_held(skel, m, rn):
                        continue
                    org = org_of(m, on, skel, where) if on else host if rn else None
                    if spec.get("org_in_role") and not (role and " " in role and LEX.org_head(role.split()[0])):
                        continue
                    yield person, role, org
                if not spec.get("chain"):
                    continue
                person, end = phrases[int(m.group("p1"))], m.end()
                while True:  # ", Vice President of the Academy" after the first post
                    c = next((c for rx in chain if (c := rx.match(skel, end))), None)
                    if c is None:
                        break
                    if role_is_held(skel, c, 1):
                        yield person, _role_text(c, 1, phrases), org_of(c, 1, skel, where)
                    end = c.end()


# ---------------------------------------------------------------- posts read from the dependency parse
#
# The shapes above are written over the surface; the parse finds the same apposition whatever the
# wording between: "X, head of the station", "X, an engineer from Y", "the dean of engineering, X",
# "X, who is also vice-president for research at Y", "Vice-Rector X of Y". Only posts whose
# organisation the parse reaches are taken here (a bare role is left to the patterns).

ORG_PREPS = {"of", "at", "from", "in", "with", "for", "to"}
LEAD_VERBS = {"head": "Head", "lead": "Head", "direct": "Director", "chair": "Chair", "coordinate": "Coordinator",
              "manage": "Manager"}
FIELD_PREPS = {"of", "for"}  # "director of research", "vice-president for research": a field, part of the role
ROLE_MODS = {"compound", "amod", "nmod"}


def _span_root(doc: Doc, p: Phrase):
    a, b = p.tokens
    return next((t for t in doc[a:b] if not a <= t.head.i < b or t.head.i == t.i), doc[b - 1])


def _parse_posts(doc: Doc, phrases: list[Phrase], ents: ArticleEntities):
    """Posts from the parse: appositions ("X, head of the station" -> Head of the station named
    before), a role on the person's own title ("Vice-Rector X of Y"), relative clauses ("X, who is
    also dean of Y", "X, who heads research at Y") and a present copula ("X is a lecturer at Y")."""
    by_tok: dict[int, Phrase] = {}
    for q in phrases:
        for k in range(*q.tokens):
            by_tok[k] = q
    orgs = [q for q in phrases if q.kind == "Organisation"]
    people_at: dict[int, list[int]] = {}  # sentence -> first tokens of the people named in it
    for q in phrases:
        if q.kind == "Person":
            people_at.setdefault(q.sent, []).append(q.tokens[0])

    def role_of(t) -> str | None:
        """The role a token heads ("senior lecturer", "Vice-Rector"), or None."""
        ph = by_tok.get(t.i)
        if ph is not None:
            return ph.role if ph.kind == "Role" else None
        if not t.is_alpha and "-" not in t.text or not is_role_word(t.text[:1].upper() + t.text[1:]):
            return None
        if t.pos_ not in ("NOUN", "PROPN"):
            return None
        words, k = [t.text], t.i - 1
        # the modifiers written right before it ("chief technology officer", "associate professor")
        while k >= 0 and doc[k].head.i in (t.i, k + 1) and doc[k].dep_ in ROLE_MODS and doc[k].is_alpha \
                and k not in by_tok and doc[k].lower_ not in NOT_ROLE_MODIFIERS.split() and t.i - k <= 3:
            words.insert(0, doc[k].text)
            k -= 1
        return _title(" ".join(w.lower() if not w.isupper() else w for w in words))

    def org_of(t, role: str, depth: int = 0) -> tuple[str, Phrase | Entity | None]:
        """(role with its field, organisation) along the role's poss / prep-pobj chain."""
        for c in t.children:
            if c.dep_ == "poss" and (ph := by_tok.get(c.i)) is not None and ph.kind == "Organisation":
                return role, ph  # "Y's director"
        for c in t.children:
            if c.dep_ != "prep" or c.lower_ not in ORG_PREPS:
                continue
            ob = next((o for o in c.children if o.dep_ == "pobj"), None)
            if ob is None:
                continue
            ph = by_tok.get(ob.i)
            if ph is not None:
                if ph.kind == "Organisation":
                    return role, ph
                return role, None
            if ob.pos_ != "NOUN":
                continue
            # "head of Y's chemistry department": the organisation the possessive names
            poss = next((o for o in ob.children if o.dep_ == "poss" and by_tok.get(o.i) is not None), None)
            if poss is not None and by_tok[poss.i].kind == "Organisation":
                return role, by_tok[poss.i]
            # "head of the station": the last organisation named with that word
            if any(d.lower_ in ("the", "this", "our") for d in ob.children if d.dep_ == "det"):
                e = _named_with(ob.lower_, ob.idx, orgs, ents)
                if e is not None:
                    return role, e
                continue
            # "director of research at Y": the field belongs to the role, the organisation follows
            if c.lower_ in FIELD_PREPS and depth == 0 and ob.is_lower and not any(d.dep_ == "det" for d in ob.children):
                field_ = [ob.text] + [x.text for x in ob.children if x.dep_ == "conj" and x.is_lower]
                got = org_of(ob, f"{role} {c.lower_} {_title(' and '.join(field_))}", 1)
                if got[1] is not None:
                    return got
        return role, None

    for p in phrases:
        if p.kind != "Person":
            continue
        root = _span_root(doc, p)
        cands = [c for c in root.children if c.dep_ == "appos" and c.i >= p.tokens[1]]
        # "X, Ph.D., Head of Y": the parse hangs the role on the degree
        cands += [x for c in cands if c.i not in by_tok for x in c.children if x.dep_ == "appos"]
        # "X, former State Secretary and now Director of Y": the role coordinated with the apposition
        cands += [x for c in cands for x in c.children if x.dep_ == "conj"]
        if root.dep_ == "appos" and root.head.i < p.tokens[0]:
            cands.append(root.head)  # "the dean of engineering, X"
        for c in root.children:  # "X, who is (also) dean of Y", "X, who serves as head of Y"
            # a past tense is a former post ("X, who was director of Y")
            if c.dep_ == "relcl" and c.tag_ != "VBD" and not any(a.dep_ in ("aux", "auxpass") and a.tag_ == "VBD" for a in c.children):
                cands += [a for a in c.children if a.dep_ == "attr"]
                cands += [o for pr in c.children if pr.dep_ == "prep" and pr.lower_ == "as" for o in pr.children if o.dep_ == "pobj"]
        # "X is a senior researcher with Y" (a present copula: "X was ..." is a former post)
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ == "be" and root.head.tag_ in ("VBZ", "VBP"):
            cands += [a for a in root.head.children if a.dep_ == "attr"]
        if p.role:  # "Vice-Rector X of Y": the title's organisation after the name
            cands.append(root)
        # "X, who heads research at Y" / "X, who leads the Y": a verb that is a post
        for c in root.children:
            if c.dep_ == "relcl" and c.tag_ == "VBZ" and c.lemma_ in LEAD_VERBS:
                objs = [o for o in c.children if o.dep_ == "dobj"]
                org = next((by_tok[o.i] for o in objs if by_tok.get(o.i) is not None), None)
                if org is None:
                    org = next((r for o in objs + [c] for r in [org_of(o, LEAD_VERBS[c.lemma_])[1]] if r is not None), None)
                if org is not None and getattr(org, "kind", "Organisation") == "Organisation":
                    yield p, LEAD_VERBS[c.lemma_], org
        people = [k for k in people_at.get(p.sent, ()) if k != p.tokens[0]]
        for t in cands:
            # the parse hangs an apposition on the first of coordinated people ("A, Dean, and B, head of Y")
            lo, hi = sorted((t.i, p.tokens[0]))
            if any(lo < k < hi for k in people):
                continue
            role = p.role if t is root else role_of(t)
            if not role:
                continue
            role, org = org_of(t, role)
            # "A, dean of Y Prof. B" / "the Rector of Y, Prof. B": a role right before a name is that name's
            if isinstance(org, Phrase) and org is not p and _person_follows(doc, org.tokens[1], by_tok):
                continue
            if org is not None:
                yield p, role, org


def _person_follows(doc: Doc, k: int, by_tok: dict[int, Phrase]) -> bool:
    """Does a person's name (after a comma or honorifics) start at token k?"""
    if k > 0 and "\n" in doc[k - 1].text + doc[k - 1].whitespace_:
        return False  # a line break ends a contact line; the next line is someone else's
    while k < len(doc) and (doc[k].text == "," or LEX.is_honorific(doc[k].text)):
        k += 1
    return k < len(doc) and (q := by_tok.get(k)) is not None and q.kind == "Person"
