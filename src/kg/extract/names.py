"""Name phrases: capitalised stretches of a sentence, classified as person, organisation, place or role.

spaCy's small English model labels many names in this kind of news wrongly (Chinese names as
places, "Room 2002" as a date, units cut short at a hyphen), so the rules here read the
capitalisation and the words themselves, and use spaCy's entity labels only as hints:

- a phrase grows over capitalised words and the joining words of institution names
  ("of", "for", "and", "in", "to", "the", hyphens), under rules that stop it from swallowing
  a list ("IKCEST and UNESCO" stays two names);
- a leading honorific ("Dr.", "H.E. Mr.") is split off; a leading role ("Research Fellow",
  "Director of") is split off and kept;
- what remains is an organisation if its words include an institution head ("Division",
  "University") or it is an acronym, a place if a place head ("Room 2002", "Headquarters") or
  spaCy says so, and a person when the context says so (an honorific, a role next to it, spaCy).

>>> from kg.extract.pipeline import load_nlp
>>> doc = load_nlp()("Mr. Omar Haddad, First Secretary of the Permanent Mission of Jordan to UNESCO, met them.")
>>> [(p.kind, p.text) for p in phrases(doc)]
[('Person', 'Omar Haddad'), ('Role', 'First Secretary'), ('Organisation', 'Permanent Mission of Jordan to UNESCO')]
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from .lexicon import Lexicon

LEX = Lexicon.load()

MONTHS = {m.lower() for m in (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday").split()}
# Capitalised only because they start a sentence or a heading; never part of a name.
NOT_NAMES = {w.lower() for w in (
    "The A An This That These Those It Its They Their He She His Her We Our You I In On At From "
    "To For About Also After Before During While When Since Upon With Without By As Under Over Going "
    "Many Some Both All Each Every Other Such There Here Later Meanwhile However Moreover Furthermore "
    "Finally Then Next Last First Second Third Today Yesterday Tomorrow Recently Earlier Together "
    "Following According Among Between Through Within Against Toward Towards Besides Despite "
    "Chinese English French Russian Arabic Spanish").split()}
# Acronyms that are not organisations.
NOT_ORG_ACRONYMS = {"MP", "MEP", "OBE", "MBE", "CBE", "FRS", "AI", "IT", "ICT", "COVID", "SDG", "SDGs", "STEM", "GDP", "PhD", "MoU", "MOU", "CEO",
                    "R&D", "PPP", "USD", "EUR", "RMB", "CNY", "NGO", "NGOs", "MSc", "BSc", "OK", "TV",
                    "ID", "PDF", "URL", "AM", "PM", "II", "III", "IV", "VI", "Q&A", "VR", "AR", "IoT"}
_CHROME = json.loads((Path(__file__).parent / "patterns" / "names_chrome.json").read_text(encoding="utf-8"))
EDGE_WORDS = frozenset(w.lower() for w in _CHROME["edge_words"])
NOT_ORG_ACRONYMS |= set(_CHROME["topic_acronyms"])
LOCATED_HEADS = frozenset(w.lower() for w in json.loads(
    (Path(__file__).parent / "patterns" / "names_heads.json").read_text(encoding="utf-8"))["located_heads"])
# Lower-case words inside personal names ("Annelies de Waard", "Nurul Huda binti Rahman").
PARTICLES = {"de", "van", "von", "der", "den", "da", "dos", "das", "del", "di", "du", "bin", "binti", "ibn", "al", "el",
             "la", "le", "ter", "y"}
JOIN_ALWAYS = {"of", "for", "the", "de", "du", "des", "la", "le", "los", "las", "del", "di", "van", "von", "&", "bin", "binti", "ibn",
               "do", "da", "dos", "das"}  # "Universidade Técnica do Alto Minho"
DOCUMENT_WORDS = {"agreement", "agreements", "accord", "memorandum", "protocol", "convention", "statute", "statutes",
                  "charter", "treaty", "declaration", "communique", "communiqué", "strategy", "agenda", "plan", "roadmap"}
AGREEMENT_ACRONYMS = {"MoU", "MOU", "MoUs", "MOUs", "MoA", "MOA", "LoI", "LOI", "LoA"}
QUOTES_OPEN = {'"', "“", "‘", "«"}
QUOTES_CLOSE = {'"', "”", "’", "»"}
EVENT_WORDS = {"symposium", "forum", "conference", "workshop", "meeting", "ceremony", "session", "summit",
               "congress", "expo", "exhibition", "festival", "seminar", "webinar", "training", "course"}
# Capitalised words that occur in titles of things, never in people's names.
NOT_NAME_WORDS = {w.lower() for w in (
    "Award Awards Prize Medal Report Plan Strategy Day Week Year Programme Program Project Projects Initiative "
    "Fund Network Platform Service Services System Systems Knowledge Engineering Engineers Science Sciences "
    "Technology Technologies Innovation Development Research International National Global Regional Annual "
    "Young Women Water Digital Data Learning Education Policy Action Agenda Goals Framework Summit Cup Award "
    "Open Smart Green Climate Disaster Risk Reduction Management Cooperation Partnership Belt Road "
    "East West North South Eastern Western Northern Southern Central Asian African European American Pacific "
    "Street Road Avenue District Province Region County City").split()}
# Subject words common in institution names ("Food and Agriculture", "Research and Innovation").
COMMON_NAME_WORDS = {w.lower() for w in (
    "Food Agriculture Health Energy Environment Transport Trade Industry Culture Arts Sport Youth Labour "
    "Finance Economy Economic Social Marine Ocean Earth Space Nuclear Atomic Geological Meteorological "
    "Standards Statistics Communications Information Higher Public Natural Human Resources Mining Forestry "
    "Fisheries Water Land Planning Infrastructure Security Peace Safety Welfare Medical Scientific Industrial").split()}
# Words of subject fields and activities: a name of nothing but these is a topic ("Foreign Affairs").
FIELD_WORDS = {"affairs", "relations", "studies", "resilience", "and", "of", "the", "for", "technical", "scientific",
               "international", "cooperation", "co-operation", "exchange", "diplomacy", "sciences", "engineering"}
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]{1,11}s?$")
# A lower-case particle joined to a surname by a hyphen: "al-Harbi", "bin-Said", "ud-Din".
PARTICLE_HYPHEN = re.compile(r"^(?:al|el|ad|ad-|ud|ul|ur|ibn|bin|binti|abu|de|da|di|van|von)-[A-Z]\w")
# An initial or an abbreviated given name: "T.", "Md.", "Mohd."
INITIAL = re.compile(r"^(?:[A-Z]\.|[A-Z][a-z]{1,3}\.)$")
# Months that are also given names ("June Wong", "April Mensah"); read as a name only when a
# capitalised word follows and nothing date-like comes before
MONTH_NAMES = {"april", "may", "june", "july", "august", "jan", "jun"}  # "Jan" is a Dutch, Polish, Czech given name
DATE_LEAD = {"in", "on", "of", "since", "until", "till", "by", "during", "from", "to", "early", "late", "mid",
             "last", "next", "this", "each", "every", "before", "after", "between", "and", "-", "–"}


@dataclass
class Phrase:
    """A classified name phrase; ``start``/``end`` are character offsets in the document."""

    kind: str  # "Person" | "Organisation" | "Place" | "Role"
    text: str
    start: int
    end: int
    sent: int  # index of the sentence in the doc
    role: str | None = None  # for kind == "Role": the role; for a person, a role written before the name
    honorific: str | None = None
    parent: str | None = None  # organisation name a unit belongs to, as written
    unit: str | None = None  # a unit's own name when written with its parent ("Secretariat")
    acronym: str | None = None  # "(DRR)" or "(hereinafter X)" right after the phrase
    possessive: bool = False  # "UNESCO's"
    tokens: tuple[int, int] = (0, 0)  # token range in the doc
    hints: set[str] = field(default_factory=set)


def is_acronym(word: str) -> bool:
    return bool(ACRONYM.match(word)) and word not in NOT_ORG_ACRONYMS and sum(c.isupper() for c in word) >= 2


def _cap(tok: Token) -> bool:
    """Could this token be part of a name?"""
    t = tok.text
    if PARTICLE_HYPHEN.match(t):
        return True
    if not t or not (t[0].isupper() or (t[0].isdigit() and tok.i > 0 and tok.nbor(-1).text[:1].isupper())):
        return False
    if t.lower() in MONTHS and not is_acronym(t) and not _month_as_name(tok):
        return False
    if t.lower() in NOT_NAMES and tok.pos_ != "PROPN":
        return False
    if tok.is_sent_start and t.lower() in NOT_NAMES:
        return False
    return True


def _month_as_name(tok: Token) -> bool:
    """"Dr. June Wong", "April Mushi Massawe": a month word that is a given name (a capitalised
    name word follows; no number or date preposition around it)."""
    t = tok.text
    if t.lower() not in MONTH_NAMES or not t[1:].islower() or tok.i + 1 >= len(tok.doc):
        return False
    nxt = tok.nbor(1)
    if not (nxt.text[:1].isupper() and nxt.is_alpha and nxt.lower_ not in MONTHS and not LEX.is_honorific(nxt.text)
            and nxt.lower_ not in NOT_NAMES and not LEX.org_head(nxt.text)):
        return False
    if tok.i > 0:
        prev = tok.nbor(-1)
        if prev.like_num or prev.lower_ in DATE_LEAD or prev.text in (",", "/"):
            return False
    return not (tok.i + 2 < len(tok.doc) and tok.nbor(2).like_num and tok.nbor(2).text.isdigit() and len(tok.nbor(2).text) == 4)


def _name_word(w: str) -> bool:
    """A word that can be part of a personal name: "Lina", "Aziz-ud-Din", "al-Harbi", "T.", "Md."."""
    plain = w.replace("-", "").replace("'", "").replace("’", "")
    return (w[:1].isupper() and plain.isalpha()) or w in PARTICLES or bool(PARTICLE_HYPHEN.match(w)) \
        or bool(INITIAL.match(w))


def _in_quotes(sent: Span) -> set[int]:
    """Token indices inside quotation marks: titles of reports and talks, not names."""
    inside, depth_open, out = False, None, set()
    for tok in sent:
        if not inside and tok.text in QUOTES_OPEN and not (tok.text == "’"):
            inside, depth_open = True, tok.i
            continue
        if inside and (tok.text in QUOTES_CLOSE and tok.text != "’") and tok.i != depth_open:
            inside = False
            continue
        if inside:
            out.add(tok.i)
    if inside:  # an unclosed quote: trust nothing inside it less than nothing at all
        return set()
    return out


def _grow(sent: Span, i: int, quoted: set[int]) -> int:
    """Index one past the end of the name phrase starting at token i."""
    doc = sent.doc
    end = i + 1
    toks = [doc[i]]
    while end < sent.end:
        tok = doc[end]
        if end in quoted:
            break
        if tok.is_space and "\n\n" not in tok.text and end + 1 < sent.end and _cap(doc[end + 1]):
            end += 1  # a name wrapped onto the next line goes on there
            continue
        if tok.text in AGREEMENT_ACRONYMS:  # "the KIME–HORU MoU": the document, not a name's last word
            break
        if _cap(tok) and not (LEX.is_honorific(tok.text) and not LEX.is_honorific(toks[-1].text)):
            toks.append(tok)
            end += 1
            continue
        # an acronym inside a name: "Disaster Risk Reduction (DRR) Knowledge Service System"
        if (tok.text == "(" and end + 3 < sent.end and is_acronym(doc[end + 1].text) and doc[end + 2].text == ")"
                and _cap(doc[end + 3]) and doc[end + 3].text.lower() not in NOT_NAMES):
            toks += [tok, doc[end + 1], doc[end + 2]]
            end += 3
            continue
        # "Ministry of Science, Technology and Innovation": a comma inside a list of fields that
        # ends in "and <Field>", in the name of an organisation "of" something
        if tok.text == "," and (("of" in {t.lower_ for t in toks} and any(LEX.org_head(t.text) for t in toks))
                                or _field_list_before_head(doc, toks, end, sent.end)):
            k = _end_of_field_list(doc, end + 1, sent.end)  # "of Education, Research, Science and Technology"
            if k is not None:
                toks += list(doc[end:k])
                end = k
                continue
        low = tok.lower_
        nxt = end + 1
        if nxt < sent.end and doc[nxt].lower_ == "the" and low != "the":
            nxt += 1
        elif nxt < sent.end and low in ("de", "van", "von", "di") and doc[nxt].lower_ in ("los", "las", "la", "les", "der", "den", "del"):
            nxt += 1  # "Universidad Técnica de los Andes", "Universiteit van der X"
        if nxt >= sent.end or not _cap(doc[nxt]) or nxt in quoted or doc[nxt].lower_ in MONTHS or LEX.is_honorific(doc[nxt].text):
            break
        joined = [t.lower_ for t in toks]
        if low in JOIN_ALWAYS and low != "the":
            pass
        elif low == "and":
            # inside a complement ("Division of Man and the Biosphere") or between the modifiers of
            # one institution ("Research and Innovation Agency"), never between two institutions
            if LEX.org_head(doc[nxt].text) or is_role_word(doc[nxt].text) or doc[nxt].ent_type_ == "PERSON" \
                    or is_acronym(doc[nxt].text):
                break
            if not ({"of", "for", "in"} & set(joined)) and not _modifiers_of_one_name(toks, doc, nxt, sent.end):
                break
        elif low == "in":
            located = any(t.lower_ in LOCATED_HEADS for t in toks)
            if not ({"of", "for"} & set(joined) or located):
                break
            # "X University in Almaty" is X University; "Embassy of Chile in India" is named by its seat
            # ("in the Sahel", "in Southern Africa": a region the body serves stays in its name)
            if not located and (doc[nxt].ent_type_ == "GPE" or (_place_tail(doc, nxt, sent.end) and nxt == end + 1
                                                                 and doc[nxt].ent_type_ != "LOC")):
                break
        elif low == "to":
            if not any(t.lower_ in ("mission", "embassy", "delegation", "ambassador", "representative", "envoy")
                       for t in toks):
                break
        elif low == "on":  # "Committee on X", "Symposium on X"
            if not (LEX.org_head(toks[-1].text) or toks[-1].lower_ in EVENT_WORDS):
                break
        else:
            break
        toks += list(doc[end:nxt])
        end = nxt
    # a phrase never ends on a joining word
    while end - 1 > i and doc[end - 1].lower_ in JOIN_ALWAYS | {"and", "in", "to", "on"}:
        end -= 1
    return end


def _place_tail(doc: Doc, i: int, limit: int) -> bool:
    """Do the capitalised words from i end the phrase as a place would ("in Kotor", "in Santa Cruz"),
    not as a field of study ("in Agriculture", "in Water Resources Management")?"""
    j = i
    while j < limit and _cap(doc[j]) and j < i + 3:
        if doc[j].lower_ in COMMON_NAME_WORDS | NOT_NAME_WORDS or LEX.org_head(doc[j].text):
            return False
        j += 1
    return j > i and (j >= limit or not _cap(doc[j])) and doc[j if j < limit else limit - 1].lower_ not in ("of", "for")


def _field_list_before_head(doc: Doc, toks: list[Token], comma: int, limit: int) -> bool:
    """"Educational, Scientific and Cultural Organization": capitalised fields in a list whose
    "and <Field>" is followed by an institution head."""
    if any(LEX.org_head(t.text) for t in toks) or len(toks) > 4:
        return False
    k = comma + 1
    while k < limit and k < comma + 4 and _cap(doc[k]) and not LEX.org_head(doc[k].text):
        k += 1
    return k < limit and doc[k].lower_ == "and" and any(LEX.org_head(t.text) for t in doc[k + 1:min(limit, k + 4)])


def _end_of_field_list(doc: Doc, k: int, limit: int) -> int | None:
    """After a comma in a name: the end of "<Field>, <Field>, ... and <Field>" (one to three
    capitalised words each, at most five fields), or None when what follows is no such list."""
    for _ in range(5):
        j = k
        while j < limit and _cap(doc[j]) and not LEX.is_honorific(doc[j].text) and doc[j].ent_type_ != "PERSON":
            j += 1
        if not k < j <= k + 3:
            return None
        if j + 1 < limit and doc[j].text == "," and _cap(doc[j + 1]):
            k = j + 1
            continue
        if j + 1 < limit and doc[j].lower_ == "and" and _cap(doc[j + 1]) \
                and not LEX.is_honorific(doc[j + 1].text) and doc[j + 1].ent_type_ != "PERSON":
            return j + 2
        return None
    return None


def _modifiers_of_one_name(left: list[Token], doc: Doc, nxt: int, limit: int) -> bool:
    """"Food and Agriculture Organization": plain words on the left (no institution, acronym or
    person), and an institution word ahead before the capitals end."""
    if any(LEX.org_head(t.text) or is_acronym(t.text) or t.ent_type_ == "PERSON" for t in left):
        return False
    plain = all(t.lower_ in NOT_NAME_WORDS or t.ent_type_ in ("GPE", "NORP") or t.lower_ in COMMON_NAME_WORDS for t in left)
    j = nxt
    while j < limit and j < nxt + 5 and (doc[j].text[:1].isupper() or doc[j].lower_ in ("of", "for", "the")):
        if LEX.org_head(doc[j].text):
            # plain words before "and", or spaCy reads the whole stretch as one organisation
            one_entity = doc[j].ent_type_ == "ORG" and all(t.ent_iob_ == "I" for t in doc[left[0].i + 1: j + 1])
            return plain or one_entity
        j += 1
    return False


def phrases(doc: Doc) -> list[Phrase]:
    """Every name phrase of the document, classified, in text order."""
    out: list[Phrase] = []
    for s_idx, sent in enumerate(doc.sents):
        quoted = _in_quotes(sent)
        i = sent.start
        while i < sent.end:
            tok = doc[i]
            if i in quoted or not _cap(tok) or tok.text == "(":
                i += 1
                continue
            end = _grow(sent, i, quoted)
            out.extend(_classify(doc, i, end, s_idx))
            i = end
    # a one-word organisation ("Voltarna") is one wherever the article names it, also where spaCy
    # reads that mention as a person or a place
    single = {p.text for p in out if p.kind == "Organisation" and " " not in p.text and not is_acronym(p.text)}
    for p in out:
        if p.text in single and p.kind in ("Other", "Place", "Person") and not p.honorific and not p.role:
            p.kind = "Organisation"
    return out


def _span_text(doc: Doc, a: int, b: int) -> tuple[str, int, int]:
    """A name as written, with a line break inside it read as a space; and its offsets."""
    span = doc[a:b]
    return " ".join(span.text.split()), span.start_char, span.end_char


def _classify(doc: Doc, a: int, b: int, s_idx: int) -> list[Phrase]:
    """Split one raw phrase into honorific, role, and the name proper, and classify the name."""
    out: list[Phrase] = []
    # page chrome stuck to a name: "About X", "X Home", "Email X", "X Copyright"
    while a < b and doc[a].lower_ in EDGE_WORDS:
        a += 1
    while b > a and doc[b - 1].lower_ in EDGE_WORDS:
        b -= 1
    if a >= b:
        return out
    if _byline(doc, a, b):
        t, st, en = _span_text(doc, a, b)
        return [Phrase("Other", t, st, en, s_idx, tokens=(a, b))]
    caps = [t for t in doc[a:b] if t.is_alpha]
    if len(caps) >= 2 and all(t.text.isupper() for t in caps):
        return [_caps_phrase(doc, a, b, s_idx)]
    if b == a + 1 and _dateline(doc, a):
        t, st, en = _span_text(doc, a, b)
        return [Phrase("Place", t, st, en, s_idx, tokens=(a, b))]
    honorific = []
    while a < b and (LEX.is_honorific(doc[a].text) or (doc[a].text in ("H.E", "HE") )):
        honorific.append(doc[a].text)
        a += 1
    if a < b and doc[a].lower_ == "the":
        a += 1
    hon = " ".join(honorific) or None
    # "CAGIS President X", "ICEKI Director-General X": an organisation's acronym before a role
    if a + 1 < b and is_acronym(doc[a].text) and not LEX.is_role_head(doc[a].text) and _role_end(doc, a + 1, b):
        t, st, en = _span_text(doc, a, a + 1)
        out.append(Phrase("Organisation", t, st, en, s_idx, tokens=(a, a + 1)))
        a += 1
    role_end = _role_end(doc, a, b)
    if role_end is not None and doc[a:role_end].text in ("Professor", "Academician") and role_end < b \
            and doc[role_end].lower_ not in ("of", "for", "at", "emeritus"):
        hon = " ".join(filter(None, (hon, doc[a].text)))  # "Professor X" is addressed, not appointed
        a, role_end = role_end, None
    if role_end is not None:
        role_text, rs, re_ = _span_text(doc, a, role_end)
        out.append(Phrase("Role", role_text, rs, re_, s_idx, role=role_text, tokens=(a, role_end)))
        a = role_end
        while a < b and LEX.is_honorific(doc[a].text):  # "Vice-Chancellor Prof. X"
            hon = " ".join(filter(None, (hon, doc[a].text)))
            a += 1
        # "Director of Research of the Ministry of X": a field of the role before its organisation
        if a + 2 < b and doc[a].lower_ in ("of", "for"):
            for k in range(a + 2, min(b, a + 9)):
                if doc[k].lower_ == "of" and not any(LEX.org_head(t.text) for t in doc[a + 1:k]) \
                        and any(LEX.org_head(t.text) or is_acronym(t.text) for t in doc[k + 1:b]):
                    role_end = k
                    out[-1] = Phrase("Role", doc[out[-1].tokens[0]:k].text, out[-1].start, doc[k - 1].idx + len(doc[k - 1].text),
                                     s_idx, role=doc[out[-1].tokens[0]:k].text, tokens=(out[-1].tokens[0], k))
                    a = k
                    break
        # "Assistant Director-General for Natural Sciences", "Director of International Affairs at Y":
        # a field, part of the role (the organisation, if any, comes after "at")
        after = [t for t in doc[b:b + 3] if t.lower_ != "the"]
        at_org = len(after) >= 2 and after[0].lower_ in ("at", "in") and after[1].text[:1].isupper()
        if a + 1 < b and (doc[a].lower_ == "for" or (doc[a].lower_ == "of" and at_org)) \
                and not any(LEX.org_head(t.text) or is_acronym(t.text) for t in doc[a + 1:b]):
            role = doc[out[-1].tokens[0]:b].text
            out[-1] = Phrase("Role", role, out[-1].start, doc[b - 1].idx + len(doc[b - 1].text), s_idx, role=role,
                             tokens=(out[-1].tokens[0], b))
            return out
        if a < b and doc[a].lower_ in ("of", "for", "at", "to"):
            a += 1
        if a < b and doc[a].lower_ == "the":
            a += 1
    if a >= b:
        if hon and out:
            out[0].honorific = hon
        return out
    # "the Faculty of Engineering and the International Centre for X": two institutions, not one
    for k in range(a + 1, b - 1):
        # ("Portugal and the X University": "and the" before an institution ends what precedes it)
        if doc[k].lower_ == "and" and (any(LEX.org_head(t.text) for t in doc[a:k]) or doc[k + 1].lower_ == "the"):
            r = k + 1 + (doc[k + 1].lower_ == "the")
            # the right side names an institution of its own only if its head comes before its
            # first "of"/"and": "Department of Civil and Water Engineering of X" is one name
            # ("and the Korea Polar and Mountain Research Institute": after "the", "and" stays inside)
            stops = ("of", "for", "on", "in") if r > k + 1 else ("of", "for", "and", "on", "in")
            e = next((j for j in range(r, b) if doc[j].lower_ in stops), b)
            if any(LEX.org_head(t.text) for t in doc[r:e]) or (r + 1 == b and is_acronym(doc[r].text)):
                return out + _classify(doc, a, k, s_idx) + _classify(doc, r, b, s_idx)
    # "the Fifth Session of the Governing Board of X": an event's name, then the organisation
    for k in range(a + 1, b - 1):
        if doc[k].lower_ != "of":
            continue
        if any(t.lower_ in EVENT_WORDS for t in doc[a:k]) and not any(LEX.org_head(t.text) for t in doc[a:k]):
            r = k + 1 + (doc[k + 1].lower_ == "the")
            if any(LEX.org_head(t.text) for t in doc[r:b]) or (r + 1 == b and is_acronym(doc[r].text)):
                text, start, end = _span_text(doc, a, k)
                room = any(t.lower_ in LEX.place_heads for t in doc[a:k])  # "Meeting Room 305 of the Senate"
                return out + [Phrase("Place" if room else "Other", text, start, end, s_idx, tokens=(a, k))] \
                    + _classify(doc, r, b, s_idx)
        break
    # "Rovani Sigamoney of the Section for X": a person's name joined to an organisation by "of"
    for k in range(a + 2, min(b - 1, a + 5)):
        if doc[k].lower_ != "of":
            continue
        left = list(doc[a:k])
        if any(LEX.org_head(t.text) or LEX.org_head(_singular(t.text)) or is_role_word(t.text) or t.lower_ in LEX.place_heads
               or t.lower_ in EVENT_WORDS or t.lower_ in NOT_NAME_WORDS or t.lower_ in NOT_NAMES for t in left):
            break
        r = k + 1 + (doc[k + 1].lower_ == "the")
        right = list(doc[r:b])
        of_country = bool(out) and out[-1].kind == "Role" and all(t.ent_type_ == "GPE" for t in right)  # "Ambassador X of Finland"
        if right and (any(LEX.org_head(t.text) for t in right) or (len(right) == 1 and is_acronym(right[0].text)) or of_country):
            text, start, end = _span_text(doc, a, k)
            out.append(Phrase("Person", text, start, end, s_idx, honorific=hon,
                              role=out[0].role if out else None, tokens=(a, k)))
            return out + _classify(doc, r, b, s_idx)
        break
    k = _person_tail(doc, a, b, bool(out) and out[-1].kind == "Role")
    if k is not None:
        # "Director of the X Institute of Glaciology Yerlan Abenov", "ASRT Farrukh Sharipov":
        # an organisation, then the person holding the post, with no comma between
        text, start, end = _span_text(doc, k, b)
        person = Phrase("Person", text, start, end, s_idx, honorific=hon,
                        role=out[0].role if out and out[0].kind == "Role" else None, tokens=(k, b))
        return out + _classify(doc, a, k, s_idx) + [person]
    text, start, end = _span_text(doc, a, b)
    toks = list(doc[a:b])
    acr = _acronym_after(doc, b)
    possessive = b < len(doc) and doc[b].text in ("'s", "’s")
    kind, parent, unit = _name_kind(doc, toks, hon is not None)
    p = Phrase(kind, text, start, end, s_idx, honorific=hon, parent=parent, unit=unit, acronym=acr,
               possessive=possessive, tokens=(a, b))
    roles = [q for q in out if q.kind == "Role"]
    if roles and kind == "Person":
        p.role = roles[0].role
    out.append(p)
    return out


def _caps_phrase(doc: Doc, a: int, b: int, s_idx: int) -> Phrase:
    """A name written in capitals ("MINISTRY OF SCIENCE AND TECHNOLOGY"): its words are no
    acronyms, so it is one organisation if an institution word heads it, else a heading."""
    text, start, end = _span_text(doc, a, b)
    toks = list(doc[a:b])
    lower = [t.lower_ for t in toks]
    kind = "Organisation" if LEX.org_head(_head(lower)) and len(toks) <= 10 and not any(w in EVENT_WORDS for w in lower) else "Other"
    return Phrase(kind, text, start, end, s_idx, tokens=(a, b))


def _byline(doc: Doc, a: int, b: int) -> bool:
    """"(Steppe Wire) –", "(Reporting by X)": the agency or writer of a dateline, not a party to the news."""
    return a > 0 and doc[a - 1].text == "(" and b + 1 < len(doc) and doc[b].text == ")" \
        and doc[b + 1].text in ("-", "–", "—", ":")


def _dateline(doc: Doc, i: int) -> bool:
    """"ASTANA, 3 May (Wire) –", "PŁOCK (Wire) –": a city in capitals opening a line."""
    t = doc[i]
    if not (t.text.isupper() and t.is_alpha and len(t.text) > 2):
        return False
    before = doc.text[:t.idx].rstrip(" \t")
    return (not before or before.endswith("\n")) and i + 1 < len(doc) and doc[i + 1].text in (",", "(", "-", "–", "—")


def _person_tail(doc: Doc, a: int, b: int, after_role: bool) -> int | None:
    """Where a person's name starts at the end of an organisation's name, if it does: 2-4 name
    words after the organisation's complement ("... of Uzbekistan | Dilnoza Karimova") or after
    its acronym ("ASRT | Farrukh Sharipov"), when a role precedes or spaCy reads a person there."""
    def capital_surname(t: Token) -> bool:  # "MORIOKA Kenta": a surname in capitals, then the given name
        return t.i == k_first[0] and t.text.isupper() and t.i + 1 < b and doc[t.i + 1].text[1:].islower()

    k_first = [a]

    def personal(k: int) -> bool:
        tail = doc[k:b]
        k_first[0] = k
        return 2 <= len(tail) <= 4 and all(_name_word(t.text) and t.lower_ not in NOT_NAME_WORDS | COMMON_NAME_WORDS
                                            and not LEX.org_head(t.text) and (not is_acronym(t.text) or capital_surname(t))
                                            and t.ent_type_ not in (("GPE", "LOC") if after_role else ("GPE", "ORG", "LOC"))
                                            for t in tail) \
            and (after_role or (doc[k].ent_type_ == "PERSON" and doc[k].ent_iob_ == "B")) \
            and doc.text.count(doc[k - 1:b].text) == 1  # "Arid Zone Botany" again elsewhere: a name's own words
    if b - a >= 3 and is_acronym(doc[a].text) and personal(a + 1):
        return a + 1
    joins = [j for j in range(a, b) if doc[j].lower_ in ("of", "for")]
    if after_role and joins and not any(LEX.org_head(t.text) for t in doc[a:joins[0]]):
        # "Deputy Minister of | Science and Technology of Viet Nam | Le Van Hoang", "Vice President for
        # | International Affairs | MORIOKA Kenta": after a role, a name at the end is the person's
        for k in range(joins[0] + 2, b - 1):  # after the organisation's complement, never inside a bare name
            inside = doc[k].ent_iob_ == "I" and doc[k].ent_type_ != "PERSON"  # not "Viet | Nam"
            if doc[k - 1].lower_ not in JOIN_ALWAYS | {"and", "on", "in"} and not inside and doc[k].text[:1].isupper() \
                    and doc[k].lower_ not in JOIN_ALWAYS and personal(k):
                return k
        return None
    if not joins or not any(LEX.org_head(t.text) for t in doc[a:joins[0]]):
        return None
    for k in range(joins[0] + 2, b - 1):
        if doc[k - 1].lower_ in JOIN_ALWAYS | {"and", "on", "in"} or doc[k].lower_ in JOIN_ALWAYS:
            continue
        if personal(k):
            return k
    return None


def _role_end(doc: Doc, a: int, b: int) -> int | None:
    """End of a role written at token a ("Technology Director", "First Secretary"), if one starts there.

    A role is capitalised words up to a role head; it is no role when an institution word follows
    ("Executive Office") or when it is only an institution word ("Council").
    """
    end = None
    for j in range(a, b):
        t = doc[j]
        if t.lower_ in ("of", "for", "to", "and", "the") or LEX.is_honorific(t.text):
            break
        if is_role_word(t.text) and not (j + 1 < b and LEX.org_head(doc[j + 1].text)):
            end = j + 1
        elif end == j and t.text in ("General", "Magnificus", "Emeritus", "Extraordinary", "Plenipotentiary"):
            end = j + 1  # "Director General", "Rector Magnificus"
        elif end is not None and not _role_goes_on(doc, j, b):
            break
    if end is None or all(LEX.org_head(t.text) for t in doc[a:end]):
        return None
    return end


def _role_goes_on(doc: Doc, j: int, b: int) -> bool:
    """After a role word, do one or two modifiers lead to another ("Chief Scientific Secretary",
    "Deputy Permanent Delegate")? A name after a role ("Director Anna Berg") does not."""
    for k in range(j, min(b, j + 3)):
        t = doc[k]
        if is_role_word(t.text):
            return k > j
        if t.lower_ in ("of", "for", "to", "and", "the") or LEX.org_head(t.text) or LEX.is_honorific(t.text) \
                or t.ent_type_ == "PERSON":
            return False
    return False


def is_role_word(word: str) -> bool:
    """A role head: listed ("Director"), a hyphenated one ("Co-Director"), or an -ist ("Hydrologist",
    not the surname "Lindqvist")."""
    if LEX.is_role_head(word) or LEX.is_role_head(word.split("-")[-1]):
        return True
    return len(word) > 7 and word[0].isupper() and word.endswith("ist") and word.isalpha() \
        and not word.lower().endswith(("vist", "quist", "qvist", "kvist"))


def _acronym_after(doc: Doc, b: int) -> str | None:
    """The acronym a name introduces: "... Technology (IKCEST)", "(hereinafter referred to as "X")"."""
    if b < len(doc) and doc[b].text == "(":
        j = b + 1
        inner = []
        while j < len(doc) and doc[j].text != ")" and j - b < 12:
            inner.append(doc[j])
            j += 1
        words = [t.text for t in inner if t.text not in QUOTES_OPEN | QUOTES_CLOSE and t.text != "as"]
        if words and words[0].lower() == "hereinafter":
            words = [w for w in words if w.lower() not in ("hereinafter", "referred", "to", "called", "the")]
            return " ".join(words) or None
        if len(words) == 1 and is_acronym(words[0]):
            return words[0]
        if len(words) == 3 and words[1] == "/" and is_acronym(words[0]) and is_acronym(words[2]):
            return words[0]  # "Intergovernmental Oceanographic Commission of UNESCO (IOC/UNESCO)"
    return None


def _name_kind(doc: Doc, toks: list[Token], honorific: bool) -> tuple[str, str | None, str | None]:
    """Classify a name (honorific and role removed): (kind, parent as written, unit's own name)."""
    words = [t.text for t in toks]
    lower = [w.lower() for w in words]
    ents = {t.ent_type_ for t in toks} - {""}
    if honorific and not any(LEX.org_head(w) for w in words):
        return "Person", None, None
    if _heading(doc, toks):
        return "Other", None, None
    head = _head(lower)
    if head in DOCUMENT_WORDS or lower[-1] in DOCUMENT_WORDS:
        return "Other", None, None  # "Host Country Agreement", "University Statute": documents, no organisations
    last_word = next((w for w in reversed(lower) if w.isalpha()), head)  # "Room" in "Meeting Room 305"
    if (lower[0] in LEX.place_heads or head in LEX.place_heads or last_word in LEX.place_heads) \
            and not any(LEX.org_head(w) for w in words):
        return "Place", None, None  # before the event words: "Meeting Room 305", "Conference Hall B"
    if words[0].split("-")[0] in NOT_ORG_ACRONYMS or any(w in EVENT_WORDS for w in lower):
        return "Other", None, None
    if lower[0] in LEX.place_heads or head in LEX.place_heads:
        return "Place", None, None
    if _generic_plural(words, head):
        return "Other", None, None
    heads = [i for i, w in enumerate(words) if LEX.org_head(w)]
    acronyms = [i for i, w in enumerate(words) if is_acronym(w)]
    # "ZHANG Min": a surname in capitals, as some news writes Chinese names
    if (len(words) == 2 and acronyms == [0] and words[1][:1].isupper() and words[1][1:].islower() and not heads
            and words[1].lower() not in COMMON_NAME_WORDS | NOT_NAME_WORDS):
        return "Person", None, None
    if heads or (acronyms and len(words) <= 2 and not (ents & {"PERSON", "GPE", "LOC"} and len(words) == 1 and not acronyms)):
        parent, unit = _split_unit(doc, toks)
        return "Organisation", parent, unit
    if len(words) == 1 and _company(toks[0]):
        return "Organisation", None, None
    person_ctx = _person_context(doc, toks)
    if ents & {"GPE", "LOC", "FAC"} and not person_ctx:
        return "Place", None, None
    if len(words) == 1 and words[0].isupper() and sum(c.isalpha() for c in words[0]) > 1:
        return "Organisation", None, None
    nxt = doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.is_lower and toks[-1].head == nxt and not heads:
        return "Other", None, None  # "the Sri Lankan institute", "a Polish company": a modifier, no name
    if len(words) == 1 and not honorific and toks[0].ent_type_ != "PERSON":
        return "Other", None, None
    particles = PARTICLES
    name_like = all(_name_word(w) for w in words) and not any(w.lower() in NOT_NAME_WORDS for w in words)
    generic = all(w in NOT_NAME_WORDS | COMMON_NAME_WORDS | FIELD_WORDS for w in lower)  # "International Cooperation"
    if ents & {"ORG"} and not person_ctx and len(words) > 1 and not generic \
            and not (name_like and any(w in particles for w in words)):
        return "Organisation", None, None
    if ents & {"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT"} and not person_ctx:
        return "Other", None, None
    if any(w in NOT_NAME_WORDS for w in lower):
        return "Other", None, None
    if 1 <= len(words) <= 6 and all(_name_word(w) for w in words) and not all(INITIAL.match(w) for w in words):
        if person_ctx or len(words) >= 2:
            return "Person", None, None
    return "Other", None, None


def _singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _generic_plural(words: list[str], head: str) -> bool:
    """"Category 2 Centres", "Centres of Excellence", "UNESCO Chairs", "National Committees of A
    and B", "Sustainable Development Goals": a plural head names a kind of body, not one body.
    (An acronym's plural, "AUVs", "NGOs", is a kind of thing as well.)"""
    if len(words) == 1 and re.fullmatch(r"[A-Z]{2,}s", words[0]):
        return True
    if head == words[-1].lower() and words[-1][:1].isupper() is False:
        return False
    sing = _singular(head)
    if sing == head:
        return False
    return bool(LEX.org_head(sing)) or LEX.is_role_head(sing) or sing in NOT_NAME_WORDS or head in NOT_NAME_WORDS


COMPANY_WORDS = {"company", "firm", "manufacturer", "maker", "start-up", "startup", "corporation", "producer", "operator",
                 "utility", "developer", "provider", "supplier", "group", "enterprise", "conglomerate", "insurer", "bank"}
PARTNER_VERBS = {"sign", "conclude", "enter", "agree", "partner", "join", "fund", "cooperate", "collaborate", "team",
                 "sponsor", "invest", "build", "supply", "inaugurate", "open"}


def _company(tok: Token) -> bool:
    """A one-word company ("Voltarna", "Helionord"): named as one ("battery maker X", "X, a power
    company"), or tagged an organisation by spaCy where organisations act (signing, funding,
    joining) or beside another organisation ("X and the University")."""
    doc = tok.doc
    if tok.i > 0 and doc[tok.i - 1].lower_ in COMPANY_WORDS:
        return True
    after = doc[tok.i + 1: tok.i + 6]
    if len(after) >= 3 and after[0].text == "," and any(t.lower_ in COMPANY_WORDS for t in after[1:]):
        return True
    if tok.ent_type_ != "ORG":
        return False
    node = tok
    while node.dep_ == "conj" and node.head != node:
        node = node.head
    if node.dep_ in ("nsubj", "nsubjpass", "dobj") and node.head.lemma_ in PARTNER_VERBS:
        return True
    if node.dep_ == "pobj" and node.head.lower_ in ("with", "by") and node.head.head.lemma_ in PARTNER_VERBS:
        return True  # "signed with X", not "signed in Castries"
    return any(c.dep_ == "conj" and LEX.org_head(c.text) for c in tok.children) or \
        (tok.dep_ == "conj" and LEX.org_head(tok.head.text))


def _heading(doc: Doc, toks: list[Token]) -> bool:
    """A line in capitals on its own ("NEW MEMBERS") is a heading, not a name."""
    if not all(t.text.isupper() or not t.is_alpha for t in toks) or len("".join(t.text for t in toks)) < 5:
        return False
    text = doc.user_data.get("kg_text") or doc.user_data.setdefault("kg_text", doc.text)  # built once per doc
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end != -1 else len(text)].strip()
    return line == text[start:end] or len(toks) > 1 and not any(LEX.org_head(t.text) for t in toks)


def _head(lower: list[str]) -> str:
    """The head word of a name: the last word before its first "of"/"for" ("Senate Chamber of X" -> chamber)."""
    for i, w in enumerate(lower):
        if w in ("of", "for", "in", "on", "at") and i > 0:
            return lower[i - 1]
    return lower[-1]


def _person_context(doc: Doc, toks: list[Token]) -> bool:
    """A name followed by ", <Role>" or "from/of <Org>", or preceded by a role or an honorific."""
    a, b = toks[0].i, toks[-1].i + 1
    if b + 1 < len(doc) and doc[b].text == "," and is_role_word(_first_role_head(doc, b + 1)):
        return True
    if b < len(doc) and doc[b].lower_ == "from" and len(toks) >= 2 and not ({t.ent_type_ for t in toks} & {"GPE", "LOC", "NORP"}):
        return True
    if a > 0 and (is_role_word(doc[a - 1].text) or LEX.is_honorific(doc[a - 1].text)):
        return True
    return False


def _first_role_head(doc: Doc, i: int) -> str:
    """The first capitalised word from i that is a role head, within a few words ("Project Manager")."""
    for j in range(i, min(i + 5, len(doc))):
        if is_role_word(doc[j].text):
            return doc[j].text
        if not doc[j].text[:1].isupper():
            break
    return ""


# Heads of organisations that are often parts of a larger one, when written "X of <organisation>".
HOSTED_HEADS = frozenset({"Institute", "Laboratory", "Observatory", "Museum"})


def _split_unit(doc: Doc, toks: list[Token]) -> tuple[str | None, str | None]:
    """Find the parent inside an organisation name: "UNESCO Division of X" or "Division of X of IKCEST"."""
    words = [t.text for t in toks]
    # "<unit> of <org>": the last "of" whose right side is itself an organisation
    for k in range(len(toks) - 1, 0, -1):
        if toks[k].lower_ != "of":
            continue
        left, right = toks[:k], toks[k + 1:]
        if right and right[0].lower_ == "the":
            right = right[1:]
        if not right or not left:
            continue
        if any(LEX.org_head(t.text) == "unit" for t in left) and (_is_org_name(right) or _headed(right)):
            return _text(right), _text(left)
        # "Agency for Glacier and Water Monitoring of the State Committee on Ecology": an
        # institution "of" another institution (whose head is its own, not a field) is its part
        if any(LEX.org_head(t.text) for t in left) and len(right) > 1 and _headed(right) and not all(t.text.isupper() for t in toks):
            return _text(right), _text(left)
        # "Intergovernmental Oceanographic Commission of UNESCO"
        if any(LEX.org_head(t.text) for t in left) and len(right) == 1 and is_acronym(right[0].text):
            return _text(right), _text(left)
        # "Institute of Remote Sensing of the Chinese Academy of X": an institute named as part of
        # a larger organisation is its unit
        if left[0].text in HOSTED_HEADS and len(right) > 1 and _is_org_name(right):
            return _text(right), _text(left)
    # "<org acronym> <unit words>": "IKCEST Secretariat", "UNESCO Division of X"
    if len(toks) >= 2 and is_acronym(words[0]) and any(LEX.org_head(w) for w in words[1:]):
        return words[0], _text(toks[1:])
    # "<Org ending in org head> <Unit head ...>": "Tsinghua University School of Engineering"
    for k in range(1, len(toks) - 1):
        if LEX.org_head(words[k - 1]) == "org" and LEX.org_head(words[k]) == "unit" and toks[k - 1].i + 1 == toks[k].i:
            return _text(toks[:k]), _text(toks[k:])
    return None, None


def _headed(toks: list[Token]) -> bool:
    """Is the head of these words (the word before their first "of"/"for"/"on") an institution word?
    ("State Committee on Ecology" yes; "Republic of Tajikistan" no)."""
    return bool(LEX.org_head(_head([t.lower_ for t in toks])))


def _is_org_name(toks: list[Token]) -> bool:
    """Could these words name a whole organisation (a parent), not a unit or a place?"""
    if len(toks) == 1:
        return is_acronym(toks[0].text)
    return any(LEX.org_head(t.text) == "org" for t in toks)


def _text(toks: list[Token]) -> str:
    doc = toks[0].doc
    return doc[toks[0].i: toks[-1].i + 1].text
