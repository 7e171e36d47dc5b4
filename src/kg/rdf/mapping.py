"""One article's extraction -> one RDF graph under the contract's terms.

The graph is named by the article's IRI and stands alone: every entity a fact points to is
typed and labelled in it, so replacing one article never strands another's facts. Every
membership, event and agreement carries ``kg:evidence``: the sentence, as a NIF string with
character offsets into the article text (kept as ``nif:isString`` on the article).

>>> from kg.article import Article, Entity, Membership, Span, Extraction
>>> a = Article.from_text("Ana Lopez, Director of CERN, spoke.", source="x")
>>> p, o = Entity("Person", "Ana Lopez", key="person/ana-lopez"), Entity("Organisation", "CERN", key="org/cern")
>>> ex = Extraction(a, [p, o], [Membership(p, "Director", o, Span(0, 35, a.text))])
>>> g = to_graph(ex, "http://example.org/id/")
>>> len(list(g.subjects(RDF.type, KG.Membership)))
1
"""
from __future__ import annotations

from datetime import date

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..article import Agreement, Entity, Event, Extraction, Span
from ..naming import entity_hash, slug
from ..resolve import resolution_triples

KG = Namespace("https://w3id.org/coopkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
CLASS = {"Person": KG.Person, "Organisation": KG.Organisation, "Place": KG.Place}


def article_iri(base: str, article_id: str) -> URIRef:
    return URIRef(f"{base}article/{article_id}")




def _date(value: date | str) -> Literal:
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


class _Mapper:
    def __init__(self, ex: Extraction, base: str):
        self.ex, self.base = ex, base
        self.g = Graph()
        self.article = article_iri(base, ex.article.id)
        self.done: dict[int, URIRef] = {}
        for prefix, ns in (("kg", KG), ("org", ORG), ("schema", SCHEMA), ("nif", NIF), ("skos", SKOS), ("dcterms", DCTERMS)):
            self.g.bind(prefix, ns)

    def label(self, node: URIRef, text: str, lang: str | None = None) -> None:
        """One preferred label per resource: a second spelling under the same IRI is an altLabel."""
        lit = Literal(text, lang=lang)
        if (node, RDFS.label, None) in self.g:
            if (node, RDFS.label, lit) not in self.g:
                self.g.add((node, SKOS.altLabel, lit))
        else:
            self.g.add((node, RDFS.label, lit))

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def entity(self, e: Entity) -> URIRef:
        """Type and label an entity (and its parent) in this graph; return its IRI."""
        if id(e) in self.done:
            return self.done[id(e)]
        node = self.iri(e.key or f"{e.kind.lower()}/{slug(e.name)}")
        self.done[id(e)] = node
        g = self.g
        cls = KG.OrganisationalUnit if e.kind == "Organisation" and e.parent is not None else CLASS[e.kind]
        g.add((node, RDF.type, cls))
        self.label(node, e.name)
        for alias in sorted(e.aliases):
            if alias != e.name:
                g.add((node, SKOS.altLabel, Literal(alias)))
        if e.honorific:
            g.add((node, SCHEMA.honorificPrefix, Literal(e.honorific)))
        if e.parent is not None:
            g.add((node, ORG.subOrganizationOf, self.entity(e.parent)))
        for rule, why in e.merged_because:
            for s, p, o in resolution_triples(str(self.article), str(node), rule, why, sorted(e.aliases | {e.name})):
                g.add((URIRef(s.value), URIRef(p.value),
                       URIRef(o.value) if isinstance(o, ox.NamedNode) else Literal(o.value)))
        return node

    def evidence(self, subject: URIRef, span: Span) -> None:
        node = URIRef(f"{self.article}#char={span.start},{span.end}")
        g = self.g
        g.add((subject, KG.evidence, node))
        if (node, RDF.type, NIF.String) not in g:
            g.add((node, RDF.type, NIF.String))
            g.add((node, RDF.type, NIF.RFC5147String))
            g.add((node, NIF.anchorOf, Literal(span.text)))
            g.add((node, NIF.beginIndex, Literal(span.start, datatype=XSD.nonNegativeInteger)))
            g.add((node, NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)))
            g.add((node, NIF.referenceContext, self.article))

    def article_node(self) -> None:
        a, g, node = self.ex.article, self.g, self.article
        g.add((node, RDF.type, KG.Article))
        title = a.title or a.text[:80]
        g.add((node, RDFS.label, Literal(title, lang="en")))
        g.add((node, SCHEMA.headline, Literal(title)))
        if a.url:
            g.add((node, SCHEMA.url, URIRef(a.url)))
        if a.published:
            g.add((node, SCHEMA.datePublished, _date(a.published)))
        g.add((node, NIF.isString, Literal(a.text)))

    def membership(self, m) -> None:
        person = self.entity(m.person)
        org = self.entity(m.organisation) if m.organisation is not None else None
        node = self.iri("post/" + entity_hash(m.person.key, (m.role or "").lower(), m.organisation.key if m.organisation else ""))
        g = self.g
        g.add((node, RDF.type, KG.Membership))
        g.add((node, ORG.member, person))
        parts = [m.person.name, m.role, m.organisation.name if m.organisation else None]
        self.label(node, ", ".join(p for p in parts if p), "en")
        if m.role:
            role = self.iri("role/" + slug(m.role))
            g.add((role, RDF.type, KG.Role))
            self.label(role, m.role, "en")
            g.add((node, ORG.role, role))
        if org is not None:
            g.add((node, ORG.organization, org))
        self.evidence(node, m.evidence)

    def event(self, ev: Event, n: int, nodes: dict[int, URIRef]) -> None:
        node = nodes[id(ev)]
        g = self.g
        g.add((node, RDF.type, KG[ev.type]))
        g.add((node, RDFS.label, Literal(ev.label, lang="en")))
        if ev.name and ev.name != ev.label:  # found by its own title too ("Regional Workshop on X")
            g.add((node, SKOS.altLabel, Literal(ev.name, lang="en")))
        if ev.start is not None:
            g.add((node, SCHEMA.startDate, _date(ev.start)))
        if ev.end is not None:
            g.add((node, SCHEMA.endDate, _date(ev.end)))
        if ev.place is not None:
            g.add((node, SCHEMA.location, self.entity(ev.place)))
        for a in ev.attendees:
            g.add((node, SCHEMA.attendee, self.entity(a)))
        for o in ev.organisers:
            g.add((node, SCHEMA.organizer, self.entity(o)))
        if ev.super_event is not None and id(ev.super_event) in nodes:
            g.add((node, SCHEMA.superEvent, nodes[id(ev.super_event)]))
        for span in ev.evidence:
            self.evidence(node, span)

    def agreement(self, ag: Agreement, earlier: str = "") -> None:
        parties = sorted(p.key or p.name for p in ag.parties)
        node = self.iri("agreement/" + entity_hash(ag.type, *parties) + (f"/{earlier}" if earlier else ""))
        g = self.g
        g.add((node, RDF.type, KG[ag.type]))
        self.label(node, ag.label, "en")
        g.add((node, KG.status, KG[ag.status]))
        for p in ag.parties:
            g.add((node, KG.party, self.entity(p)))
        if ag.date is not None:
            g.add((node, DCTERMS.date, _date(ag.date)))
        for span in ag.evidence:
            self.evidence(node, span)




def to_graph(ex: Extraction, base: str) -> Graph:
    """The article's named-graph content as an rdflib Graph (entities need ``key`` set by resolve)."""
    m = _Mapper(ex, base)
    m.article_node()
    for m_ in ex.memberships:
        m.membership(m_)
    nodes = {id(ev): m.iri(f"event/{ex.article.id}-{n}") for n, ev in enumerate(ex.events, 1)}
    for n, ev in enumerate(ex.events, 1):
        m.event(ev, n, nodes)
    for ag, earlier in _earlier_agreements(ex.agreements):
        m.agreement(ag, earlier)
    # people and organisations named but in no fact are still worth knowing
    for e in ex.entities:
        if e.kind in ("Person", "Organisation"):
            m.entity(e)
    return m.g


LAPSED = {"Expired"}


def _earlier_agreements(agreements: list[Agreement]) -> list[tuple[Agreement, str]]:
    """Each agreement with the suffix that tells it from a current one of the same type and parties.

    An article may name two agreements of one kind between the same parties: "the new agreement
    replaces the first accord the two academies signed in 1994". The current one (not lapsed, the
    latest) keeps the IRI every source gives it; an earlier one is named after it plus its date.
    """
    groups: dict[tuple, list[Agreement]] = {}
    for ag in agreements:
        groups.setdefault((ag.type, frozenset(id(p) for p in ag.parties)), []).append(ag)
    out = []
    for ag in agreements:
        group = groups[(ag.type, frozenset(id(p) for p in ag.parties))]
        current = max(group, key=lambda a: (a.status not in LAPSED, str(a.date or "9999"), -group.index(a)))
        if ag is current:
            out.append((ag, ""))
        else:
            out.append((ag, str(ag.date) if ag.date else f"earlier-{group.index(ag) + 1}"))
    return out


def to_oxigraph(g: Graph) -> list[ox.Triple]:
    """The same triples as pyoxigraph terms, for the store (through N-Triples: exact and fast)."""
    data = g.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
