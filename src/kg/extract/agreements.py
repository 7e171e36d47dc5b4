"""Agreements: each mention of one (a term found by the patterns in ``patterns/agreements_terms.jsonl``),
its parties, date and status, and which mentions name the same agreement.

A sentence may mention several agreements ("an MoU with A, signed in 2019, and a research agreement
with B"): each mention gets the part of the sentence around it (its window) for its status and date.
Status cues (``patterns/agreements_status.json``) are checked in order, most telling first. A
mention is the agreement already found when it refers back ("the MoU", "the Protocol") or names the
same parties with a compatible term; "a new agreement" and "the first accord" are two agreements.
"Agreements" with no determiner and no parties ("linked to the states by agreements") is none.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span as SpacySpan, Token
from spacy.util import filter_spans

from ..article import Agreement, Entity, Span
from .dates import DateMention
from .entities import ArticleEntities, named_before, organisations_by_mentions, top_level
from .names import LEX, Phrase

PATTERNS = Path(__file__).parent / "patterns"
SIDES = re.compile(r"\b(two sides|both sides|both parties|two parties|the parties|the sides|(the|both|two|three|four) "
                   r"(institutions|institutes|organi[sz]ations|academies|universities|agencies|centres|centers|"
                   r"governments|partners|councils|countries|ministries|companies|firms|banks|foundations|societies|"
                   r"commissions|schools|colleges|faculties|laboratories|observatories|museums))\b", re.I)
# What an article says about an agreement overall: the strongest state any of its mentions reports.
# Work "under the MoU" does not outweigh its signing reported in the same article.
MERGE_ORDER = ["StatusUnknown", "Planned", "UnderNegotiation", "InForce", "Signed", "Renewed", "Expired"]
TYPE_LABEL = {"MemorandumOfUnderstanding": "Memorandum of Understanding", "CooperationAgreement": "Cooperation agreement",
              "Agreement": "Agreement"}
SPECIFIC = {"MemorandumOfUnderstanding": 2, "CooperationAgreement": 1, "Agreement": 0}
# words before a term that make it another agreement than the current one of the same parties
NEW_WORDS = {"new", "second", "another", "updated", "fresh", "revised", "separate", "similar"}
DRAFT_WORDS = {"draft", "proposed", "planned", "future", "possible", "prospective"}
OLD_WORDS = {"first", "previous", "earlier", "former", "old", "original", "initial", "prior"}
REFERRING_DETS = {"the", "this", "that", "these", "those", "its", "their", "said", "such"}
SEPARATORS = (";", ",")


@lru_cache(maxsize=1)
def _term_patterns() -> list[dict]:
    with open(PATTERNS / "agreements_terms.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@lru_cache(maxsize=1)
def _status_cues() -> list[tuple[str, str, re.Pattern, str | None]]:
    data = json.loads((PATTERNS / "agreements_status.json").read_text(encoding="utf-8"))
    return [(c["status"], c["where"], re.compile(c["regex"], re.I), c.get("outranks")) for c in data["cues"]]


# Every term pattern has one of these nouns (tests check it): the Matcher, which costs per token,
# runs only on sentences that have one.
HEAD_NOUNS = frozenset({"agreement", "agreements", "accord", "accords", "memorandum", "memoranda", "mou", "mous",
                        "protocol", "protocols", "letter", "letters", "loi", "lois", "contract", "contracts"})


_MATCHERS: dict[int, Matcher] = {}

HEAD_RE = re.compile(r"\b(" + "|".join(sorted(HEAD_NOUNS)) + r")\b", re.I)


def _matcher(doc: Doc) -> Matcher:
    """One Matcher per vocabulary (built once per process)."""
    m = _MATCHERS.get(id(doc.vocab))
    if m is None:
        m = Matcher(doc.vocab)
        for i, p in enumerate(_term_patterns()):
            m.add(f"{p['label']}|{p['form']}|{i}", [p["pattern"]])
        _MATCHERS[id(doc.vocab)] = m
    return m


@dataclass
class Mention:
    """One agreement term in a sentence: ``form`` tells kinds apart within a type (a protocol and
    a letter of intent are both "Agreement" but never the same one; "generic" is any)."""

    span: SpacySpan
    type: str
    form: str
    sent: int
    sent_start: int = 0  # token index where the sentence starts
    lo: int = 0  # window (character offsets) the mention's status, date and parties come from
    hi: int = 0


def status_of(sentence: str, before: str | None = None, after: str | None = None) -> str:
    """The agreement status a text states; with ``before``/``after`` (the text either side of the
    term) cues tied to a side are checked on that side only.

    >>> status_of("They agreed to speed up the MoU-signing process.")
    'UnderNegotiation'
    >>> status_of("The two sides signed a Memorandum of Understanding on 3 May.")
    'Signed'
    >>> status_of("The division recognised the continuity of the cooperation agreement.")
    'InForce'
    >>> status_of("The new accord replaces the first accord ", before="The new accord replaces the first ", after="")
    'Expired'
    """
    return _status_cue(sentence, before, after)[0]


def _status_cue(sentence: str, before: str | None = None, after: str | None = None) -> tuple[str, str | None]:
    """The status a text states and the status it outranks when merged ("entered into force"
    outranks "Signed": the agreement signed earlier has since taken effect)."""
    for status, where, cue, outranks in _status_cues():
        text = sentence if where == "any" or before is None else (before if where == "before" else after)
        for m in cue.finditer(text or ""):
            if not re.search(r"\b(not|never)\s+(be\s+|been\s+)?$", text[:m.start()], re.I):
                return status, outranks
    return "StatusUnknown", None


def sides(phrases: list[Phrase], ents: ArticleEntities) -> list[Entity]:
    """The two organisations an article is about: its two most mentioned."""
    return organisations_by_mentions(ents, phrases)[:2]


def mentions(doc: Doc, sents: list[SpacySpan]) -> list[Mention]:
    """Agreement terms of the document, longest first where they overlap, without generic plurals.

    Each sentence is cut between consecutive mentions at the last ";" or "," between them (else
    right after the earlier one): the window of a mention.
    """
    out: list[Mention] = []
    matcher = _matcher(doc)
    for s_idx, sent in enumerate(sents):
        # only sentences with a head noun: the Matcher costs per token
        if not HEAD_RE.search(sent.text):
            continue
        spans = []
        for match_id, start, end in matcher(sent):
            label, form, _ = doc.vocab.strings[match_id].split("|")
            spans.append(SpacySpan(doc, sent.start + start, sent.start + end, label=f"{label}|{form}"))
        first = len(out)
        for span in sorted(filter_spans(spans), key=lambda s: s.start):
            if _generic_plural(span):
                continue
            if len(out) > first and _attached(span.root, out[-1].span.root) and not _own_parties(span):
                # "the executive agreement for the implementation of the Protocol": one mention inside
                # another; "under the framework agreement between A and B" names one of its own
                continue
            label, form = span.label_.split("|")
            out.append(Mention(span, label, form, s_idx, sent.start))
    for i, m in enumerate(out):
        sent = sents[m.sent]
        prev = out[i - 1] if i and out[i - 1].sent == m.sent else None
        nxt = out[i + 1] if i + 1 < len(out) and out[i + 1].sent == m.sent else None
        m.lo = _cut(doc, prev.span.end, m.span.start) if prev else sent.start_char
        m.hi = _cut(doc, m.span.end, nxt.span.start) if nxt else sent.end_char
    return out


def _own_parties(span: SpacySpan) -> bool:
    """Does the term name its own parties ("the framework agreement between A and B")?"""
    return any(t.lower_ in ("between", "among") for t in span.root.children)


def _cut(doc: Doc, a: int, b: int) -> int:
    """Character offset where one mention's window ends and the next one's begins, between tokens
    a and b: after the last ";", else the last ",", else at a (the end of the earlier mention)."""
    for sep in SEPARATORS:
        for t in reversed(doc[a:b]):
            if t.text == sep:
                return t.idx + 1
    return doc[a].idx if a < b else doc[b].idx


def _generic_plural(span: SpacySpan) -> bool:
    """ "linked to the state governments by agreements": a plural term with no determiner, number
    or possessive and no "between" is agreements in general, not one."""
    root = span.root
    if not root.lower_.endswith("s") or root.lower_ == "memoranda":
        return False
    left = [t for t in root.children if t.dep_ in ("det", "nummod", "poss") and t.i < span.start]
    right = [t for t in root.children if t.lower_ in ("between", "among")]
    return not left and not right


def find(doc, sents: list[SpacySpan], sentences: list[Span], phrases: list[Phrase], ents: ArticleEntities,
         dates: list[DateMention]) -> list[Agreement]:
    """One Agreement per agreement the article mentions; later mentions add evidence and may move
    the status."""
    found: list[Agreement] = []
    forms: dict[int, str] = {}  # id(agreement) -> its most specific form
    ages: dict[int, str | None] = {}
    heads: dict[int, set[str]] = {}  # id(agreement) -> the nouns its mentions used ("agreement", "letter")
    own: dict[int, list[Entity] | None] = {}  # parties named directly while the rest were guessed; None once named in full
    main: list[Entity] | None = None
    by_sent: dict[int, list[Phrase]] = {}
    for p in phrases:
        by_sent.setdefault(p.sent, []).append(p)
    ms = mentions(doc, sents)
    prev_status = "StatusUnknown"
    text = doc.text
    for k, m in enumerate(ms):
        window = text[m.lo:m.hi]
        status, outranks = _status_cue(window, text[m.lo:m.span.start_char], text[m.span.end_char:m.hi])
        prev = ms[k - 1] if k and ms[k - 1].sent == m.sent else None
        if status == "StatusUnknown" and prev is not None and re.match(r"[\s,]*(and|as well as)\b", window):
            status = prev_status  # "MHUST already has an MoU with A, and a research agreement with B"
        prev_status = status
        age = _age(m, status)
        sdates = [d for d in dates if m.lo <= d.begin < m.hi]
        listed = _listed(m, sents, by_sent, ents)
        if listed:  # "signed three MoUs, by the following:" and one line per agreement
            for j, parties in listed:
                a = Agreement(m.type, "", [sentences[j]], parties, status)
                a.date = sdates[0].start if sdates and status != "Planned" else None
                found.append(a)
                forms[id(a)], ages[id(a)], heads[id(a)], own[id(a)] = m.form, age, {m.span.root.lemma_.lower()}, None
            continue
        ranked = _ranked_parties(by_sent.get(m.sent, []), ents, doc, m)
        if not ranked[1] and _unnamed_parties(m):
            continue  # "an intergovernmental agreement among the Sahelian states": parties not named
        direct = ranked[1] + ranked[2]
        explicit = len(direct) >= 2
        parties = ranked[1] if len(ranked[1]) >= 2 else direct
        if not explicit:
            parties = direct + ranked[3] if direct or ranked[3] else ranked[4]
        a = None
        referring = False
        if _refers_back(m) and not direct:  # "The MoU was signed by ...": the last agreement of that kind
            fits = [x for x in reversed(found) if _compatible(forms[id(x)], x.type, m) and
                    {ages[id(x)], age} != {"new", "old"} and not (_draft(m) and _past(x.status))
                    and not (status == "Expired" and _other_year(x, sdates))]
            # "the agreement" is the last one called an agreement, before a letter of intent found since
            a = next((x for x in fits if m.span.root.lemma_.lower() in heads[id(x)]), fits[0] if fits else None)
            referring = a is not None
        if a is None and explicit:
            # "X and Y sign MoU" in the headline, its parties guessed, then named in full
            a = next((x for x in found[:1] if own[id(x)] is not None and _compatible(forms[id(x)], x.type, m)
                      and (forms[id(x)] in (m.form, "generic") or _refers_back(m))
                      and set(map(id, own[id(x)])) <= set(map(id, parties))), None)
            if a is not None:
                a.parties, own[id(a)] = list(parties), None
        if a is None:
            filled = not explicit
            if not explicit:
                main = main if main is not None else sides(phrases, ents)
                parties = _guess_parties(m, window, ranked, parties, found[-1] if found else None, main,
                                         by_sent.get(m.sent, []), phrases, ents)
            a = _same(found, forms, ages, m, parties, age, status, explicit, sdates)
            if a is None:
                a = Agreement(m.type, "", [sentences[m.sent]], parties, status)
                found.append(a)
                forms[id(a)], ages[id(a)], heads[id(a)] = m.form, age, {m.span.root.lemma_.lower()}
                own[id(a)] = list(direct) if filled else None
                a.date = sdates[0].start if sdates and status != "Planned" else None
                continue
        heads[id(a)].add(m.span.root.lemma_.lower())
        if sentences[m.sent] not in a.evidence:
            a.evidence.append(sentences[m.sent])
        if SPECIFIC[m.type] > SPECIFIC[a.type] or (forms[id(a)] == "generic" and m.form != "generic"):
            a.type, forms[id(a)] = m.type, m.form
        if not referring:
            a.parties = _union(a.parties, parties)
        ages[id(a)] = ages[id(a)] or age
        if MERGE_ORDER.index(status) > MERGE_ORDER.index(a.status) or a.status == outranks:
            a.status = status
            if sdates:  # the date that goes with the status that counts
                a.date = sdates[0].start
        elif a.date is None and sdates and status == a.status:
            a.date = sdates[0].start
    for a in found:
        names = " and ".join(top_level(p).name for p in a.parties[:3])
        a.label = f"{TYPE_LABEL[a.type]} between {names}" if len(a.parties) > 1 else TYPE_LABEL[a.type] + (f" of {names}" if names else "")
    return [a for a in found if a.parties]


def _guess_parties(m: Mention, window: str, ranked: dict[int, list[Entity]], parties: list[Entity],
                   last: Agreement | None, main: list[Entity], sent_phrases: list[Phrase], phrases: list[Phrase],
                   ents: ArticleEntities) -> list[Entity]:
    """Parties of a mention that names fewer than two directly."""
    direct = ranked[1] + ranked[2]
    said = SIDES.search(window)
    if said:
        # "the two institutions": two named in the clause or before it in the sentence,
        # else those of the last agreement, else the article's two
        near = _union(direct, ranked[3] + [e for e in ranked[4] if _first_at(e, sent_phrases, ents) < m.lo + said.start()])
        if re.search(r"governments|countries", said.group(0), re.I):  # "the two Governments"
            govs = [e for e in organisations_by_mentions(ents, phrases) if e.name.lower().startswith("government")]
            near = govs if len(govs) >= 2 else near
        elif len(near) < 2 and _singular(said.group(0).split()[-1].lower()) in LEX.org_heads:
            # "the two Ministries": the article's two most mentioned organisations so called, never
            # the universities of the last agreement
            kind = _singular(said.group(0).split()[-1].lower())
            called = {id(e) for e in ents.entities if e.kind == "Organisation" and kind in e.name.lower().split()}
            named = [e for e in organisations_by_mentions(ents, phrases) if id(e) in called]
            if len(named) >= 2:
                return named[:2]
        if len(near) >= 2:
            return near
        # "A received B's delegation. The two sides signed ...": the two of the previous sentence,
        # unless the last agreement's parties include those named here already
        tops = {id(top_level(e)) for e in near}
        if last is not None and near and tops <= {id(top_level(e)) for e in last.parties}:
            return _union(direct, last.parties)
        before = _previous_pair(m, phrases, ents)
        if before and not tops <= {id(e) for e in before}:
            before = []
        return _union(direct, before or (last.parties if last is not None else main))
    if len(parties) >= 2:
        return parties
    if parties:  # "Dr. Z, Director of A, said that a similar agreement with B is being drafted"
        speaker = [e for e in ranked[4] if _first_at(e, sent_phrases, ents) < m.span.start_char]
        parties = _union(parties, speaker[:1])
    tops = {id(top_level(p)) for p in parties}
    if last is not None and (not parties or tops <= {id(top_level(p)) for p in last.parties}):
        parties = _union(parties, last.parties)  # "the first accord", "a new MoU with the institute"
    for e in main:  # else the article's two
        if len(parties) >= 2:
            break
        if e not in parties and not any(top_level(p) is e for p in parties):
            parties.append(e)
    return parties


BULLETS = ("-", "–", "•", "*", "·")


def _listed(m: Mention, sents: list[SpacySpan], by_sent: dict[int, list[Phrase]],
            ents: ArticleEntities) -> list[tuple[int, list[Entity]]]:
    """A plural term ("three Memoranda of Understanding", "the following agreements") in a sentence
    that ends with ":" and is followed by list lines: one agreement per line that names two
    organisations or more (their parties)."""
    root = m.span.root
    if not (root.lower_.endswith("s") or root.lower_ == "memoranda") or not sents[m.sent].text.rstrip().endswith(":"):
        return []
    out: list[tuple[int, list[Entity]]] = []
    for j in range(m.sent + 1, len(sents)):
        line = sents[j].text.lstrip()
        if not line.startswith(BULLETS) and not re.match(r"\(?\d{1,2}[.)]\s", line):
            break
        parties: list[Entity] = []
        for p in by_sent.get(j, []):
            e = ents.get(p)
            if e is not None and e.kind == "Organisation" and e not in parties:
                parties.append(e)
        if len(parties) >= 2:
            out.append((j, parties))
    return out


def _singular(word: str) -> str:
    """ "ministries" -> "ministry", "institutes" -> "institute", "academies" -> "academy"."""
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word


def _previous_pair(m: Mention, phrases: list[Phrase], ents: ArticleEntities) -> list[Entity]:
    """The two organisations the previous sentence names, when it names exactly two (top level)."""
    out: list[Entity] = []
    for p in phrases:
        e = ents.get(p)
        if p.sent == m.sent - 1 and e is not None and e.kind == "Organisation" and top_level(e) not in out:
            out.append(top_level(e))
    return out if len(out) == 2 else []


def _unnamed_parties(m: Mention) -> bool:
    """ "between/among" + a plural noun that names no organisation and does not point back ("the
    Sahelian states", not "them" or "the two sides")."""
    for prep in m.span.root.children:
        if prep.lower_ in ("between", "among"):
            objs = [t for t in prep.children if t.dep_ == "pobj"]
            if objs and not any(t.pos_ == "PRON" for t in objs):
                phrase = prep.doc[prep.i:objs[-1].right_edge.i + 1].text
                return not SIDES.search(phrase) and objs[0].tag_ == "NNS"
    return False


def _other_year(a: Agreement, sdates: list[DateMention]) -> bool:
    """ "The document replaces the agreement signed on 14 June 2008, which expired in 2018": an
    expired agreement dated in another year than the one found (or than one signed in the news,
    undated) is another agreement; "the two first signed the MoU in 2021" is not (it is renewed)."""
    if not sdates or a.status == "Expired":
        return False
    if a.date is None:  # signed or renewed in the article's news, no date given: not the dated old one
        return a.status in ("Signed", "Renewed")
    years = {str(d.start)[:4] for d in sdates}
    return str(a.date)[:4] not in years


def _past(status: str) -> bool:
    return status in ("Signed", "InForce", "Renewed", "Expired")


def _draft(m: Mention) -> bool:
    """ "the draft agreement", "the proposed MoU": not one already signed."""
    doc = m.span.doc
    return any(t.lower_ in DRAFT_WORDS for t in doc[max(m.span.start - 3, m.sent_start):m.span.end])


def _first_at(e: Entity, phrases: list[Phrase], ents: ArticleEntities) -> int:
    """Where the sentence first names e (character offset)."""
    return min((p.start for p in phrases if ents.get(p) is e), default=1 << 30)


def _union(a: list[Entity], b: list[Entity]) -> list[Entity]:
    out = list(a)
    for e in b:
        if e not in out and not any(top_level(x) is top_level(e) for x in out):
            out.append(e)
    return out


def _age(m: Mention, status: str) -> str | None:
    """ "new" ("a new agreement", "another MoU"), "old" ("the first accord", one reported expired) or None."""
    words = {t.lower_ for t in m.span.doc[max(m.span.start - 3, m.sent_start):m.span.start]}
    words |= {t.lower_ for t in m.span}
    if words & NEW_WORDS:
        return "new"
    if words & OLD_WORDS or status == "Expired":
        return "old"
    return None


def _refers_back(m: Mention) -> bool:
    """ "the MoU", "this agreement", "under the Protocol": a definite mention, which names an
    agreement already introduced when there is one of its kind."""
    root = m.span.root
    dets = [t for t in root.children if t.dep_ in ("det", "poss") and t.i < m.span.start]
    first = m.span.doc[m.span.start - 1] if m.span.start > 0 else None
    words = {t.lower_ for t in dets} | ({first.lower_} if first is not None else set())
    return bool(words & REFERRING_DETS)


def _compatible(form: str, atype: str, m: Mention) -> bool:
    """Can mention m name an agreement found with this form? A generic "agreement" names any; a
    protocol is not a letter of intent nor an executive agreement, though all are of type Agreement."""
    if m.form == "generic" or form == "generic":
        return True
    return form == m.form


def _same(found: list[Agreement], forms: dict[int, str], ages: dict[int, str | None], m: Mention,
          parties: list[Entity], age: str | None, status: str, explicit: bool = False,
          sdates: list[DateMention] = ()) -> Agreement | None:
    """The agreement already found that this mention names: compatible term, the same top-level
    parties (or all of one side's among the other's, two at least), not one "new" and one "old".
    Of several, the one with the same term and exactly these parties, else the latest. Parties
    named in full by an indefinite mention are compared as named: "the Institutes of A and of B
    signed an agreement" is not the agreement of their academies."""
    exact = explicit and (not _refers_back(m) or _own_parties(m.span))
    level = (lambda p: p) if exact else top_level
    tops = {id(level(p)) for p in parties}
    best, best_score = None, -1
    for a in reversed(found):
        if not _compatible(forms[id(a)], a.type, m) or {ages[id(a)], age} == {"new", "old"}:
            continue
        if status == "Expired" and _other_year(a, list(sdates)):
            continue
        # "a joint research agreement with B" is not the protocol with B; "the agreement" may be
        if forms[id(a)] != m.form and not _refers_back(m):
            continue
        if status != "StatusUnknown" and a.status != "StatusUnknown" and _past(status) != _past(a.status):
            continue  # "will sign an MoU" is not the framework agreement the same partners renewed
        theirs = {id(level(p)) for p in a.parties}
        if tops == theirs or (len(tops & theirs) >= 2 and (tops <= theirs or theirs <= tops)):
            score = 2 * (tops == theirs) + (forms[id(a)] == m.form)
            if score > best_score:
                best, best_score = a, score
    return best


def _ranked_parties(phrases: list[Phrase], ents: ArticleEntities, doc: Doc, m: Mention) -> dict[int, list[Entity]]:
    """Organisations by party position: 1 "between A and B"; 2 directly the agreement's ("A and B
    signed", "with B", "made by A", "their MoU"); 3 in the clause of its verb ("signed by Dr. X,
    Director of A"); 4 anywhere in the mention's window. Only the window counts, except the subject
    of the agreement's verb ("A has an MoU with B, and an agreement with C": A is a party of both)."""
    ranked: dict[int, list[Entity]] = {1: [], 2: [], 3: [], 4: []}
    term = m.span.root
    verb = _verb_of(term)
    for p in phrases:
        e = ents.get(p)
        if e is None or e.kind != "Organisation":
            continue
        tok = doc[p.tokens[0]:p.tokens[1]].root
        rank = _party_rank(tok, verb, term)
        if not m.lo <= p.start < m.hi and not (rank == 2 and _is_subject(tok)) and not (rank == 1 and _attached(tok, term)):
            continue
        if all(e not in group for group in ranked.values()):
            ranked[rank].append(e)
    for tok, e in _bare_references(phrases, ents, doc, m):
        if all(e not in group for group in ranked.values()):
            ranked[_party_rank(tok, verb, term)].append(e)
    _between_by_text(phrases, ents, doc, m, ranked)
    return ranked


BARE_DETS = {"the", "this", "that", "our", "their", "its"}


def _bare_references(phrases: list[Phrase], ents: ArticleEntities, doc: Doc, m: Mention) -> list[tuple[Token, Entity]]:
    """ "with the university", "the Ministry and the institute signed": a definite institution head
    word that is not part of a name refers to the organisation last named before it with that word
    in its name ("the university" after "Vistula Polytechnic University"). Organisations are
    matched by their name's words, so "the company" finds none and is left alone."""
    covered = {i for p in phrases for i in range(*p.tokens)}
    out: list[tuple[Token, Entity]] = []
    for tok in doc.char_span(m.lo, m.hi, alignment_mode="expand") or ():
        head = tok.lower_
        if tok.i in covered or tok in m.span or tok.pos_ not in ("NOUN", "PROPN") or LEX.org_head(head) is None:
            continue
        if not any(c.dep_ in ("det", "poss") and c.lower_ in BARE_DETS for c in tok.children):
            continue
        # "the Tien Shan institute": its modifiers must be in the name too
        words = {head} | {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i}
        best = named_before(ents, words, tok.idx)
        if best is not None:
            out.append((tok, best))
    return out


LIST_GAP = re.compile(r"\s*(,\s*(and\s+)?|and\s+|as well as\s+)(the\s+)?$", re.I)
AND_GAP = re.compile(r"\s+and\s+(the\s+)?", re.I)


def _between_by_text(phrases: list[Phrase], ents: ArticleEntities, doc: Doc, m: Mention,
                     ranked: dict[int, list[Entity]]) -> None:
    """ "between A and the B (Portugal) covering ...": the parser often hangs B elsewhere; a name
    that follows a party of "between" with only "and" / "," between them is a party of it too, and
    one joined by "and" to a direct party (a subject, "with A") is one too."""
    orgs = sorted((p for p in phrases if (e := ents.get(p)) is not None and e.kind == "Organisation"
                   and m.lo <= p.start < m.hi), key=lambda p: p.start)
    for a, b in zip(orgs, orgs[1:]):
        ea, eb = ents.get(a), ents.get(b)
        gap = " " + doc[a.tokens[1]:b.tokens[0]].text + " "  # not doc.text: it is rebuilt on each call
        if ea in ranked[1] and eb not in ranked[1] and a.start > m.span.start_char and LIST_GAP.fullmatch(gap):
            rank = 1
        elif ea in ranked[2] and eb in ranked[3] + ranked[4] and AND_GAP.fullmatch(gap):
            rank = 2  # "The Faculty of X of the University of Y and the Institute Z signed": the parser joins Z to Y
        else:
            continue
        for group in ranked.values():
            if eb in group:
                group.remove(eb)
        ranked[rank].append(eb)


def _is_subject(tok: Token) -> bool:
    return _chain_end(tok).dep_ in ("nsubj", "nsubjpass")


def _chain_end(tok: Token) -> Token:
    """The head of a name's coordination/compound chain ("A and B": A)."""
    for _ in range(6):
        if tok.dep_ not in ("conj", "compound", "appos", "flat") or tok.head == tok:
            break
        tok = tok.head
    return tok


def _attached(tok: Token, term: Token) -> bool:
    """Is tok's "between" phrase attached to this term (not to another agreement of the sentence)?
    Another agreement noun on the way up owns it ("an implementation agreement under the framework
    agreement between A and B": A and B are the framework's)."""
    start = tok
    for _ in range(8):
        if tok == term:
            return True
        if tok.head == tok or (tok != start and tok.lower_ in HEAD_NOUNS and tok.dep_ != "compound"
                               and not (tok.head.lower_ == "of" and tok.head.head == term)):  # "letter of agreement"
            return False
        tok = tok.head
    return False


def _verb_of(tok):
    """The verb governing a token (the clause it belongs to)."""
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") or tok.head == tok:
            return tok
        tok = tok.head
    return tok


SIGN_VERBS = {"sign", "make", "conclude", "ink", "seal", "enter", "agree", "initial", "link", "bind"}
# prepositions that make an agreement the setting of a clause, not its object
ADJUNCT_PREPS = {"under", "within", "in", "through", "following", "after", "as", "per", "pursuant", "according", "despite"}


def _in_subject(tok: Token, verb: Token) -> bool:
    """Is tok inside the subject of verb ("The Rector of A, Dr. X, and the Rector of B ... signed")?"""
    for _ in range(8):
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head == verb:
            return True
        if tok.head == tok or tok.pos_ in ("VERB", "AUX"):
            return False
        tok = tok.head
    return False


def _signs_for(prep: Token) -> bool:
    """ "signed for the University by its Vice-Rector", "signed it on behalf of the Ministry": the
    organisation a signatory acts for is a party."""
    if prep.lower_ == "of" and prep.head.lower_ == "behalf":
        prep = prep.head.head
    elif prep.lower_ != "for":
        return False
    return prep.head.pos_ in ("VERB", "AUX") and prep.head.lemma_.lower() in SIGN_VERBS


def _party_rank(tok: Token, verb: Token, term: Token) -> int:
    """1: "between A and B"; 2: directly the agreement's ("A signed", "with B", "by B", "their MoU");
    3: in the clause of the agreement's verb otherwise; 4: elsewhere. The verb's subject and its
    "with" are not an agreement's parties when the agreement is only its setting ("Under the
    agreement, A will share data with B")."""
    tok = _chain_end(tok)
    if tok.dep_ == "pobj" and tok.head.lower_ in ("between", "among"):
        return 1
    if tok.dep_ == "poss" and tok.head == term:
        return 2
    t = _chain_end(term)
    arg = not (t.dep_ == "pobj" and t.head.lower_ in ADJUNCT_PREPS)
    prep = tok.head
    if tok.dep_ == "pobj" and prep.lower_ in ("with", "by") and (
            _attached(prep, term) or (arg and prep.head == verb)):
        # "by" names parties after a verb of concluding ("made by A and B"), not "prepared by the Ministry"
        if prep.lower_ == "with" or prep.head.lemma_.lower() in SIGN_VERBS:
            return 2
    if arg and tok.dep_ in ("nsubj", "nsubjpass") and tok.head == verb:
        return 2
    if tok.dep_ == "pobj" and _signs_for(prep):
        return 2
    if arg and verb.lemma_.lower() in SIGN_VERBS and _in_subject(tok, verb):
        return 2  # "Prof. X, President of A, signed an MoU with B": A is a party
    # in the agreement's clause, or in a phrase hanging from it ("the MoU signed by Dr. X, Director of A")
    return 3 if _verb_of(tok) == verb or _attached(tok, term) else 4
