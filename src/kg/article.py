"""The records that flow through CoopKG, from left to right.

``sources`` makes :class:`Article`; ``extract`` makes :class:`Extraction` (entities and
facts, each pointing back at the text by character offsets); ``resolve`` gives every entity
a :attr:`Entity.key` shared by all its mentions; ``rdf`` turns the result into one named
graph per article. These are plain dataclasses: no behaviour beyond small conveniences.

>>> a = Article.from_text("IKCEST met UNESCO.", source="note.txt")
>>> a.id == Article.from_text("IKCEST met UNESCO.", source="elsewhere.txt").id
True
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One news article as read, before any NLP.

    ``id`` is deterministic: the hash of the URL when the article has one (a news item keeps
    its identity when its text is corrected), else of its text. Evidence offsets index
    ``text`` exactly as stored here.
    """

    id: str
    text: str
    source: str  # where it was read from: a path, or "path#entry-N" inside a feed or JSON Lines file
    title: str | None = None
    url: str | None = None
    published: date | None = None
    publisher: str | None = None

    @staticmethod
    def make_id(text: str, url: str | None = None) -> str:
        basis = f"url:{url.strip()}" if url else f"text:{text}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_text(cls, text: str, source: str, **meta) -> "Article":
        return cls(id=cls.make_id(text, meta.get("url")), text=text, source=source, **meta)


@dataclass(frozen=True)
class ReadError:
    """An input that could not become an article; the batch goes on without it."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Span:
    """A stretch of the article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A person, organisation (or unit) or place named in an article.

    ``kind`` is "Person", "Organisation" or "Place". ``key`` is set by ``resolve``: equal keys
    mean the same real-world entity (within and across articles) and give the same IRI.
    """

    kind: str
    name: str
    mentions: list[Span] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    parent: "Entity | None" = None  # the organisation a unit belongs to
    honorific: str | None = None  # "Dr.", "Mr.", "H.E." for people
    key: str | None = None
    merged_because: list[tuple[str, str]] = field(default_factory=list)  # (rule, why): audit trail from resolve

    def __hash__(self) -> int:  # identity: two Entity objects are two entities until resolved
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@dataclass
class Membership:
    """A post: ``person`` holds ``role`` (may be None) in ``organisation`` (may be None)."""

    person: Entity
    role: str | None
    organisation: Entity | None
    evidence: Span


@dataclass
class Event:
    """Something that happened: ``type`` is a kg:Event subclass local name ("Visit", "Meeting"...)."""

    type: str
    label: str
    evidence: list[Span]
    start: date | str | None = None  # a date, or "YYYY-MM" / "YYYY" when only that is known
    end: date | str | None = None
    place: Entity | None = None
    attendees: list[Entity] = field(default_factory=list)
    organisers: list[Entity] = field(default_factory=list)
    super_event: "Event | None" = None
    name: str | None = None  # the event's own title when the text gives one ("Regional Workshop on X")


@dataclass
class Agreement:
    """An agreement: ``type`` is "Agreement", "MemorandumOfUnderstanding" or "CooperationAgreement";
    ``status`` is a kg status local name ("Signed", "UnderNegotiation", ...)."""

    type: str
    label: str
    evidence: list[Span]
    parties: list[Entity] = field(default_factory=list)
    status: str = "StatusUnknown"
    date: date | str | None = None


@dataclass
class Extraction:
    """Everything extracted from one article."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
