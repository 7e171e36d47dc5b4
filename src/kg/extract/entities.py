"""From name phrases to the entities of one article: one Entity per real person, organisation, place.

Within an article, mentions become one entity when they share a normalised name, when one is
the acronym the text introduced for the other ("... Technology (IKCEST)"), when a unit is named
with and without its parent ("UNESCO Division of X" / "Division of X"), or when a person is
named with the words in another order or by surname alone with a title ("Mr. Yi").
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..article import Entity, Span
from ..naming import norm
from .names import LEX, Phrase, is_acronym

ACRONYM_DEF = re.compile(r"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?[\"“']?(?:the\s+)?([A-Z][A-Za-z0-9&\-]{1,15})(?:/[A-Z][A-Za-z0-9&\-]{1,15})?[\"”']?\s*\)")




def initials_fit(acronym: str, name: str) -> bool:
    """Do the capitals of the acronym spell the name's capitalised words, in order?

    >>> initials_fit("ICEKI", "International Centre for Engineering Knowledge and Innovation")
    True
    >>> initials_fit("ICEKI", "UNESCO")
    False
    """
    letters = [c for c in acronym if c.isupper()]
    initials = [w[0] for w in re.findall(r"[\w’'-]+", name) if w[0].isupper()]
    i = 0
    for c in initials:
        if i < len(letters) and c == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= 2 and initials[:1] == letters[:1]


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms the text defines, with the words they stand for: {"DRR": "Disaster Risk Reduction"}."""
    out: dict[str, str] = {}
    for m in ACRONYM_DEF.finditer(text):
        acr = m.group(1)
        letters = [c for c in acr if c.isupper()]
        if len(letters) < 2:
            continue
        before = re.findall(r"[\w\-’']+", text[max(0, m.start() - 200): m.start()])
        # walk back over the words whose capital initials spell the acronym (small words skipped)
        i, k, start = len(before) - 1, len(letters) - 1, None
        while i >= 0 and k >= 0:
            w = before[i]
            if w[0].upper() == letters[k] and w[0].isupper():
                k -= 1
                start = i
            elif w.lower() not in ("of", "for", "and", "the", "in", "on", "to", "&", "de"):
                break
            i -= 1
        if k < 0 and start is not None:
            out.setdefault(acr, " ".join(before[start:]))
    return out


@dataclass
class ArticleEntities:
    entities: list[Entity] = field(default_factory=list)
    of_phrase: dict[int, Entity] = field(default_factory=dict)  # id(phrase) -> entity

    def get(self, p: Phrase) -> Entity | None:
        return self.of_phrase.get(id(p))


def build(phrases: list[Phrase], text: str) -> ArticleEntities:
    """Group the article's name phrases into entities (people, organisations with parents, places)."""
    acronyms = acronym_definitions(text)
    non_org = {a for a, long in acronyms.items() if not any(LEX.org_head(w) for w in long.split())}
    out = ArticleEntities()
    orgs: dict[str, Entity] = {}
    people: list[Entity] = []
    places: dict[str, Entity] = {}

    def org(name: str, parent_name: str | None = None) -> Entity:
        key = norm(_expand(name, acronyms, non_org))
        if key in orgs:
            return orgs[key]
        # "IKCEST" and "International ... Technology (IKCEST)" are one
        for acr, long in acronyms.items():
            if acr in non_org:
                continue
            if key == norm(acr) and norm(long) in orgs:
                e = orgs[norm(long)]
                orgs[key] = e
                return e
            if key == norm(long) and norm(acr) in orgs:
                e = orgs[norm(acr)]
                orgs[key] = e
                return e
        e = Entity("Organisation", name)
        orgs[key] = e
        out.entities.append(e)
        return e

    bare: list[Phrase] = []  # "the Board", "the Centre": resolved once every full name is known
    seen_in_sentence: dict[int, list[Entity]] = {}
    prev: Phrase | None = None
    for prev, p in zip([None, *phrases], phrases):
        # "ZHOU said": a surname in capitals alone is the person named with it, not an acronym
        if p.kind == "Organisation" and p.text.isupper() and any(p.text in e.name.split() for e in people):
            p.kind = "Person"
        if p.kind == "Organisation" and not p.parent and LEX.org_head(p.text):
            bare.append(p)
        elif p.kind == "Organisation" and prev is not None and prev.kind == "Organisation" and not p.parent \
                and out.get(prev) is not None and ((text[prev.end:p.start].strip() == "(" and not is_acronym(p.text)) or (
                    is_acronym(p.text) and text[prev.end:p.start].strip() == ","
                    and text[:prev.start].rstrip().endswith("(") and text[p.end:].lstrip().startswith(")"))):
            # "Andean Polytechnic University (Universidad Politécnica Andina, APU)": other names of it
            e = out.get(prev)
            if is_acronym(p.text) and LEX.org_head(_head_word(norm(e.name).split() or [""])) == "unit":
                # "Ms. X (International Affairs Division, HORU)": a unit, then whose it is
                owner = org(p.text)
                if e.parent is None and owner is not e:
                    e.parent = owner
                _mention(out, p, owner)
                continue
            for name in (p.text, p.acronym) if p.acronym and p.acronym not in non_org else (p.text,):
                e.aliases.add(name)
                orgs.setdefault(norm(name), e)
            _mention(out, p, e)
        elif p.kind == "Organisation":
            words = p.text.split()
            if words and words[0] in non_org and p.parent == words[0]:  # "DRR Knowledge Service System"
                p.parent, p.unit = None, None
            if p.text in non_org:
                continue
            if p.parent and p.unit:
                # "the Presidium of the Academy": a bare head is the organisation so named before
                parent = (_named_before(out, p.parent.lower(), p.start, None) if LEX.org_head(p.parent) else None) \
                    or org(p.parent)
                unit_key = norm(_expand(p.unit, acronyms, non_org))
                e = orgs.get(unit_key)
                if e is None or (e.parent is not None and e.parent is not parent):
                    e = org(p.text)
                    if unit_key not in orgs and not LEX.org_head(p.unit):
                        orgs[unit_key] = e
                if e.parent is None:
                    e.parent = parent
                if e.name != p.text:
                    e.aliases.add(p.text)
                if not LEX.org_head(p.unit):  # "Secretariat" alone names nothing
                    e.aliases.add(p.unit)
                elif e.parent is parent:  # "Presidium of the Academy of X" is "Presidium of Academy of X"
                    e.aliases.add(f"{p.unit} of {parent.name}")
                # a unit written first without its parent takes the qualified name as its label
                if len(p.text) > len(e.name) and e.parent is parent:
                    e.aliases.add(e.name)
                    e.name = p.text
                    e.aliases.discard(p.text)
            else:
                e = org(p.text)
            if p.acronym and p.acronym not in non_org:
                # "the Governing Board of the International Centre ... (ICEKI)", "the Centre under the
                # auspices of UNESCO (hereinafter ICEKI)": the acronym names the organisation it spells
                candidates = [e, *([e.parent] if e.parent else []), *reversed(seen_in_sentence.get(p.sent, []))]
                def spells(c: Entity) -> bool:  # "CAS Institute of ... Research (IGSNRR)": the unit's own name
                    return initials_fit(p.acronym, c.name) or (c is e and bool(p.unit) and initials_fit(p.acronym, p.unit))

                # none spells it: "X of Y (ACR)" names the nearest name, Y
                # (unless Y has an acronym already: "the University Council of UFVJ (CONSUNI)" is the council's)
                parent_last = e.parent is not None and bool(p.parent) and norm(p.text).endswith(norm(p.parent)) \
                    and not any(is_acronym(n) for n in (e.parent.name, *e.parent.aliases))
                fallback = e.parent if parent_last else (None if is_acronym(e.name) else e)
                target = next((c for c in candidates if spells(c)), fallback)
                if target is not None:
                    target.aliases.add(p.acronym)
                    orgs.setdefault(norm(p.acronym), target)
            seen_in_sentence.setdefault(p.sent, []).append(e)
            if e.parent is not None:
                seen_in_sentence[p.sent].append(e.parent)
            # an acronym first seen alone, its long form named later: the long form is the label
            if is_acronym(e.name) and not is_acronym(p.text) and norm(p.text) != norm(e.name):
                e.aliases.add(e.name)
                e.name = p.text
            _mention(out, p, e)
        elif p.kind == "Person":
            role = prev.role if prev is not None and prev.kind == "Role" and prev.sent == p.sent \
                and not text[prev.end:p.start].strip() else None
            e = _person(people, p, role, text)
            if e is None:
                e = Entity("Person", p.text, honorific=p.honorific)
                people.append(e)
                out.entities.append(e)
            _mention(out, p, e)
        elif p.kind == "Place":
            key = norm(p.text)
            e = places.get(key)
            if e is None:
                e = places[key] = Entity("Place", p.text)
                out.entities.append(e)
            _mention(out, p, e)
    _resolve_bare(out, bare, phrases)
    _spelled_out(out)
    _early_surnames(out)
    _unit_parents(out, phrases, text)
    _main_parent(out, phrases)
    for e in out.entities:
        e.aliases.discard(e.name)
    return out


def _fold(out: ArticleEntities, gone: Entity, into: Entity) -> None:
    """Make ``gone`` one entity with ``into``: its mentions, phrases and units move over."""
    into.mentions += gone.mentions
    for k, v in list(out.of_phrase.items()):
        if v is gone:
            out.of_phrase[k] = into
    for e in out.entities:
        if e.parent is gone:
            e.parent = into
    out.entities.remove(gone)


def _early_surnames(out: ArticleEntities) -> None:
    """A person named by surname alone before the full name is given ("Owusu-Ansah calls on ..."
    in a headline, "Ambassador Kwabena Owusu-Ansah" in the body) is the one person of the article
    whose name ends or starts with those words; with two such people it stays apart."""
    people = [e for e in out.entities if e.kind == "Person"]
    for short in [e for e in people if len(norm(e.name).split()) <= 2]:
        words = norm(short.name).split()
        fits = [e for e in people if e is not short and len(norm(e.name).split()) > len(words)
                and (norm(e.name).split()[-len(words):] == words or norm(e.name).split()[:len(words)] == words)]
        if len(fits) != 1 or len(words) == 2 and len(norm(fits[0].name).split()) < 3:
            continue
        full = fits[0]
        full.aliases |= {short.name, *short.aliases}
        full.honorific = full.honorific or short.honorific
        _fold(out, short, full)
        people.remove(short)


def _spelled_out(out: ArticleEntities) -> None:
    """An acronym and a name whose capitals are exactly its letters, both named in the article
    with no acronym given for the name, are one organisation: "UNESCO" and, in the footer, "the
    United Nations Educational, Scientific and Cultural Organization" (three letters at least)."""
    orgs = [e for e in out.entities if e.kind == "Organisation"]
    short = {e.name: e for e in orgs if is_acronym(e.name) and len(e.name) >= 3 and e.parent is None}
    for long in orgs:
        if long.name in short or any(is_acronym(a) for a in long.aliases) or long.parent is not None:
            continue
        initials = "".join(w[0] for w in re.findall(r"[\w’'-]+", long.name) if w[0].isupper())
        acr = short.get(initials)
        if acr is None or acr is long:
            continue
        # the acronym node keeps the mentions of both; the full name is its label
        acr.aliases.add(acr.name)
        acr.name = long.name
        acr.aliases |= long.aliases
        _fold(out, long, acr)
        del short[initials]


def top_level(e: Entity) -> Entity:
    """The organisation a unit ultimately belongs to (itself for a top-level one)."""
    while e.parent is not None:
        e = e.parent
    return e


def organisations_by_mentions(out: ArticleEntities, phrases: list[Phrase]) -> list[Entity]:
    """The article's top-level organisations, most mentioned first (units count for their parent;
    ties in order of first mention)."""
    counts: Counter = Counter()
    for p in phrases:
        e = out.get(p)
        if e is not None and e.kind == "Organisation":
            counts[top_level(e)] += 1
    return [e for e, _ in counts.most_common()]


def main_organisation(out: ArticleEntities, phrases: list[Phrase]) -> Entity | None:
    """The organisation the article is most about."""
    ranked = organisations_by_mentions(out, phrases)
    return ranked[0] if ranked else None


def _resolve_bare(out: ArticleEntities, bare: list[Phrase], phrases: list[Phrase]) -> None:
    """"the Board", "the Centre", "the Secretariat": the organisation of the article so named, or a
    unit of the article's main organisation."""
    main = None
    for p in bare:
        head = p.text.lower()
        named = [e for e in out.entities if e.kind == "Organisation" and head in e.name.lower().split()
                 and e.name.lower() != head]
        before = [e for e in named if any(m.start < p.start for m in e.mentions)]
        target = (before or named or [None])[-1] if (before or named) else None
        if target is None and LEX.org_head(p.text) == "unit":
            main = main or main_organisation(out, phrases)
            if main is None:
                continue
            short = sorted((a for a in main.aliases | {main.name} if is_acronym(a)), key=len)
            name = f"{(short or [main.name])[0]} {p.text}"
            target = next((e for e in out.entities if e.name == name), None)
            if target is None:
                target = Entity("Organisation", name, parent=main)
                out.entities.append(target)
            target.aliases.add(p.text)
        if target is not None:
            _mention(out, p, target)


def _unit_parents(out: ArticleEntities, phrases: list[Phrase], text: str) -> None:
    """A unit named without its parent ("Division of Hydrology") belongs to the organisation named
    just before it in the same sentence ("representatives of UNESCO, including the Division of ...")."""
    def q_after(q: Phrase) -> str:
        return text[q.end:q.end + 20]

    for i, p in enumerate(phrases):
        e = out.get(p)
        if e is None or e.kind != "Organisation" or e.parent is not None:
            continue
        words = norm(e.name).split()
        if not words:
            continue
        head = _head_word(words)
        hosted = LEX.org_head(head) == "unit" or head in HOSTED
        nxt = phrases[i + 1] if i + 1 < len(phrases) else None
        f = out.get(nxt) if nxt is not None else None
        prv = phrases[i - 1] if i > 0 else None
        g = out.get(prv) if prv is not None else None
        # "the Centre's Partnerships Office", "the Secretariat's Data Unit": the owner named before
        if hosted and g is not None and g.kind == "Organisation" and g is not e and prv.possessive \
                and re.fullmatch(r"['’]s\s+", text[prv.end:p.start]) and not _under(g, e):
            e.parent = g
            continue
        # "held a session of its Governing Council": the organisation the sentence is about
        if (hosted or head in GOVERNING) and re.search(r"\b[Ii]ts\s+$", text[max(0, p.start - 10):p.start]):
            last = next((q for q in reversed(phrases[:i]) if q.sent == p.sent and out.get(q) is not None
                         and out.get(q).kind == "Organisation" and out.get(q).parent is None and not _under(out.get(q), e)), None)
            owner = out.get(last) if last is not None else None
            # "... which hosts X, and met the head of affairs at the academy and the Director of its
            # Institute": a common noun named after the last organisation is what "its" stands for
            nouns = [w for w in re.findall(r"\bthe\s+([a-z]+)\b", text[last.end if last else p.start:p.start]) if LEX.org_head(w)]
            if nouns:
                owner = _named_before(out, nouns[-1], p.start, e) or owner
            if owner is not None:
                e.parent = owner
                continue
        # "the institute's Glacier Dynamics Laboratory": the owner by its common noun
        m = re.search(r"\bthe\s+([a-z]+)['’]s\s+$", text[max(0, p.start - 40):p.start])
        if hosted and m and LEX.org_head(m.group(1)):
            owner = _named_before(out, m.group(1), p.start, e)
            if owner is not None:
                e.parent = owner
                continue
        if f is not None and f.kind == "Organisation" and f is not e and not _under(f, e):
            between = text[p.end:nxt.start]
            # "the Genebank Unit at the Central Rift Research Centre"
            if hosted and re.fullmatch(r"\s*(at|in|of|within)\s+(the\s+)?", between) and (f.parent is None or LEX.org_head(head) == "unit"):
                e.parent = f
                continue
            # "Institute of Optics, Academy of Sciences of Moldova": a unit and its parent in apposition
            fwords = norm(f.name).split()
            if hosted and re.fullmatch(r"\s*,\s*(the\s+)?", between) and any(LEX.org_head(w) == "org" for w in fwords) \
                    and len(fwords) > 1 and not (prv is not None and g is not None and g.kind == "Organisation"
                                                 and re.fullmatch(r"\s*,\s*(the\s+)?", text[prv.end:p.start])):
                e.parent = f
                continue
        if LEX.org_head(words[0]) != "unit":
            continue
        for q in reversed(phrases[:i]):
            if q.kind == "Person":  # a unit after someone else's name is not the earlier organisation's
                break
            if q.sent != p.sent:
                break
            f = out.get(q)
            if p.tokens[0] - q.tokens[1] > 25:  # too far to be what the unit belongs to
                break
            acting = re.match(r"\s*(delegation|team)\b", q_after(q))
            if f is not None and f.kind == "Organisation" and f.parent is None and f is not e and not acting \
                    and LEX.org_head(norm(f.name).split()[0]) != "unit":
                e.parent = f
                break
            # "UNESCO Headquarters": an organisation named inside a place
            if q.kind == "Place" and q.text.split()[0] in {x.name for x in out.entities if x.kind == "Organisation"}:
                e.parent = next(x for x in out.entities if x.kind == "Organisation" and x.name == q.text.split()[0])
                break


def _main_parent(out: ArticleEntities, phrases: list[Phrase]) -> None:
    """A governing body named with no owner ("the Presidium", "the Steering Committee") in an
    article clearly about one organisation belongs to it: named at least three times, twice as
    often as any other."""
    ranked = organisations_by_mentions(out, phrases)
    if not ranked:
        return
    counts = Counter(top_level(out.get(p)) for p in phrases if out.get(p) is not None and out.get(p).kind == "Organisation")
    main = ranked[0]
    if counts[main] < 3 or (len(ranked) > 1 and counts[ranked[1]] * 2 > counts[main]):
        return
    for e in out.entities:
        words = norm(e.name).split()
        if e.kind != "Organisation" or e.parent is not None or e is main or not words:
            continue
        head = _head_word(words)
        # only a plain governing body ("the Secretariat", "the Steering Committee"): a faculty, a
        # division or a department named without its owner may be any organisation's, and a wrong
        # parent splits the unit from its namesake in every other article
        plain = len(words) <= 3 and not {"of", "on", "for"} & set(words)
        if head in GOVERNING and plain:
            e.parent = main


GOVERNING = {"council", "board", "committee", "assembly", "senate", "presidium", "secretariat"}
SELF_STANDING = {"committee", "board", "bureau", "council", "commission", "college", "branch", "group"}
HOSTED = {"institute", "laboratory", "lab", "observatory", "museum", "station", "centre", "center", "farm"}


def _head_word(words: list[str]) -> str:
    """The head of a normalised name: the word before its first "of"/"for"/"on" ("unit" in
    "tropical peat research unit", "institute" in "institute of optics")."""
    for i, w in enumerate(words):
        if w in ("of", "for", "on", "at", "in") and i > 0:
            return words[i - 1]
    return words[-1]


def _under(f: Entity, e: Entity) -> bool:
    """Is f (a candidate parent) e itself or one of e's units?"""
    while f is not None:
        if f is e:
            return True
        f = f.parent
    return False


def _named_before(out: ArticleEntities, noun: str, pos: int, e: Entity | None) -> Entity | None:
    """The organisation last named before pos whose name has this head noun ("institute"), not e
    nor one of its units."""
    return named_before(out, {noun}, pos, exclude=e)


def named_before(out: ArticleEntities, words: set[str], pos: int, exclude: Entity | None = None) -> Entity | None:
    """The organisation last named before offset ``pos`` whose name has all these words ("the
    Tien Shan institute" -> {"tien", "shan", "institute"}), leaving out ``exclude`` and its units."""
    words = {norm(w) for w in words} - {""}
    best, best_pos = None, -1
    for x in out.entities:
        if x.kind != "Organisation" or x is exclude or not words <= set(norm(x.name).split()) \
                or (exclude is not None and _under(x, exclude)):
            continue
        starts = [m.start for m in x.mentions if m.start < pos]
        if starts and max(starts) > best_pos:
            best, best_pos = x, max(starts)
    return best


def _expand(name: str, acronyms: dict[str, str], non_org: set[str]) -> str:
    """Spell out topic acronyms inside a name: "DRR Knowledge Service System" -> "Disaster Risk Reduction ..."."""
    return " ".join(acronyms[w] if w in non_org else w for w in name.split())


def _mention(out: ArticleEntities, p: Phrase, e: Entity) -> None:
    e.mentions.append(Span(p.start, p.end, p.text))
    out.of_phrase[id(p)] = e


def _person(people: list[Entity], p: Phrase, role: str | None = None, text: str = "") -> Entity | None:
    """The person already met that this mention names, if exactly one fits: the same words in any
    order, or some of them ("Ms Carvalho Ribeiro" for "Helena Carvalho Ribeiro", "Dr. Smith").
    When several fit, a role written before the name picks the one introduced with that role
    ("Vice-President Zhang" after "ZHANG Wei, Vice-President of X" and "ZHANG Min, Director")."""
    words = norm(p.text).split()
    for e in people:
        if sorted(norm(e.name).split()) == sorted(words):
            if e.honorific is None:
                e.honorific = p.honorific
            if e.name != p.text:
                e.aliases.add(p.text)
            return e
    fits = [e for e in people if set(words) < set(norm(e.name).split())]
    if len(fits) > 1 and role:
        pattern = re.compile(r"\W{0,3}(?:the\s+)?" + re.escape(role), re.IGNORECASE)
        fits = [e for e in fits if any(pattern.match(text, m.end) for m in e.mentions)]
    if len(fits) == 1 and (len(words) == 1 or p.honorific or len(words) >= 2):
        if e_honorific := p.honorific:
            fits[0].honorific = fits[0].honorific or e_honorific
        return fits[0]
    return None
