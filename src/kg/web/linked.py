"""Dereferenceable IRIs: every IRI under the base answers with an HTML page or RDF.

Following "Cool URIs for the Semantic Web" (303 URIs forwarding to different documents): an IRI
under the base names a thing (a person, an organisation, an article), so ``GET {base}person/x``
answers ``303 See Other`` to the document that describes it, chosen by the ``Accept`` header:
``person/x.html`` for browsers, ``person/x.ttl`` / ``.jsonld`` / ``.nt`` / ``.rdf`` for programs.
Those documents can also be asked for directly. An IRI that is neither subject nor object of any
triple answers 404 at once, without a redirect.

IRIs are mapped by path: a request for ``/id/person/x`` (the path of the base, whatever host
the request reached) describes ``{base}person/x``, so the site works behind a proxy whose
public name is the base's host.

The RDF of a resource: its triples in all graphs (the union), the triples pointing to it, the
labels of the resources on the other end, and for an article its whole named graph
(``queries/describe.rq``). JSON-LD is compacted with the context published at
``/context.jsonld``. ``/ontology`` and ``/shapes`` are documents (no 303): HTML or Turtle by
content negotiation or suffix.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import urlsplit

import pyoxigraph as ox
import rdflib
from markupsafe import Markup, escape
from rdflib.namespace import OWL, RDF, RDFS, SH
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..ontology import ontology_graph, ontology_path, shapes_graph, shapes_path
from ..store.base import Store
from .negotiate import GRAPH_FORMATS, choose

if TYPE_CHECKING:
    from .app import Site

QUERIES_DIR = Path(__file__).parent / "queries"

KG_NS = "https://w3id.org/coopkg/ontology#"
SHAPES_NS = "https://w3id.org/coopkg/shapes#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NIF_IS_STRING = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString"
ORG_SUB = "http://www.w3.org/ns/org#subOrganizationOf"

# Prefixes of the Turtle output and of the published JSON-LD context.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgsh": SHAPES_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
}
CONTEXT: dict[str, Any] = {"@context": dict(PREFIXES)}
CONTEXT_PATH = "/context.jsonld"

# The RDF formats a resource is offered in (media type -> file suffix), and the page formats.
RDF_SUFFIXES: dict[str, str] = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "application/rdf+xml": ".rdf",
}
HTML = "text/html"
PAGE_FORMATS: dict[str, tuple[tuple[str, ...], ox.RdfFormat | None]] = {
    HTML: (("html", "htm"), None),  # first: the default when the client accepts anything
    **{m: GRAPH_FORMATS[m] for m in RDF_SUFFIXES},
}
SUFFIX_TYPES: dict[str, str] = {".html": HTML, **{s: m for m, s in RDF_SUFFIXES.items()}}


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    """The SPARQL of ``queries/{name}.rq`` (read once)."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def select(store: Store, name: str, iri: ox.NamedNode) -> list[dict[str, Any]]:
    """Rows of the SELECT ``queries/{name}.rq`` with ``?r`` bound to ``iri``, as dicts."""
    results = store.query(query_text(name), {"r": iri})
    names = [v.value for v in results.variables]
    return [{n: row[n] for n in names} for row in results]


# --- serialising RDF ----------------------------------------------------------------------

def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples (through N-Triples: exact for every term)."""
    g = rdflib.Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def jsonld(graph: rdflib.Graph, context_url: str) -> bytes:
    """Compact JSON-LD of ``graph``: compacted with :data:`CONTEXT`, which is then referred to by
    its published URL instead of being repeated in every document."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    doc = json.loads(graph.serialize(format="json-ld", context=CONTEXT["@context"], auto_compact=True))
    if isinstance(doc, dict):
        doc["@context"] = context_url
    else:  # an empty graph serialises as a list
        doc = {"@context": context_url, "@graph": doc}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def serialize_triples(triples: list[ox.Triple], media_type: str, context_url: str) -> bytes:
    """``triples`` in ``media_type``: pyoxigraph writes Turtle, N-Triples and RDF/XML (fast),
    rdflib the JSON-LD (pyoxigraph cannot compact with a context)."""
    if media_type == "application/ld+json":
        return jsonld(to_rdflib(triples), context_url)
    fmt = GRAPH_FORMATS[media_type][1]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


def serialize_graph(graph: rdflib.Graph, media_type: str, context_url: str) -> bytes:
    """An rdflib graph in ``media_type`` (one of :data:`RDF_SUFFIXES`)."""
    if media_type == "application/ld+json":
        return jsonld(graph, context_url)
    rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt",
                     "application/rdf+xml": "xml"}[media_type]
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def context_url(request: Request) -> str:
    """The absolute URL of the published JSON-LD context, on the host the client asked."""
    return str(request.base_url).rstrip("/") + CONTEXT_PATH


def rdf_response(body: bytes, media_type: str, **headers: str) -> Response:
    charset = "" if media_type == "application/rdf+xml" else "; charset=utf-8"
    return Response(body, headers={"Content-Type": media_type + charset, **headers})


def not_acceptable(offered: Iterable[str]) -> PlainTextResponse:
    return PlainTextResponse("406 Not Acceptable: this resource is available as " + ", ".join(offered),
                             status_code=406)


# --- labels and links ---------------------------------------------------------------------

def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``: a fallback label."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri


@lru_cache(maxsize=1)
def vocabulary_labels() -> dict[str, str]:
    """Labels of the ontology's terms (classes, properties, status values), English first."""
    labels: dict[str, str] = {}
    for s, o in ontology_graph().subject_objects(RDFS.label):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.Literal):
            if str(s) not in labels or o.language in (None, "en"):
                labels[str(s)] = str(o)
    return labels


@dataclass(frozen=True)
class Linker:
    """Turns IRIs into links and labels: IRIs under the base link to their path (relative, so
    pages work on any host), ontology terms to the ontology page, others to themselves."""

    base: str

    @property
    def base_path(self) -> str:
        return urlsplit(self.base).path or "/"

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            return self.base_path + iri[len(self.base):]
        if iri.startswith(KG_NS):
            return "/ontology#" + iri[len(KG_NS):]
        if iri.startswith(SHAPES_NS):
            return "/shapes#" + iri[len(SHAPES_NS):]
        return iri

    def label(self, iri: str, labels: dict[str, str] | None = None) -> str:
        if labels and iri in labels:
            return labels[iri]
        return vocabulary_labels().get(iri) or local_name(iri)

    def link(self, iri: str, labels: dict[str, str] | None = None) -> dict[str, str]:
        return {"href": self.href(iri), "label": self.label(iri, labels), "iri": iri}


def prefer_label(labels: dict[str, str], term: Any, label: Any) -> None:
    """Remember ``label`` for ``term``; a plain or English label wins over other languages."""
    if not isinstance(term, ox.NamedNode) or not isinstance(label, ox.Literal):
        return
    if term.value not in labels or label.language in (None, "en"):
        labels[term.value] = label.value


def literal_view(lit: ox.Literal) -> dict[str, str]:
    note = lit.language or ("" if lit.datatype.value.endswith("#string") else local_name(lit.datatype.value))
    return {"text": lit.value, "note": note}


# --- the article text with its evidence spans --------------------------------------------

def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """``text`` as HTML with each evidence span (begin, end, what it supports) in a ``<mark>``.

    Overlapping spans are merged into one mark. Every piece of text is escaped on its own, so
    nothing from the data can become markup.

    >>> str(highlight("a <b> c", [(2, 5, "x")]))
    'a <mark title="x">&lt;b&gt;</mark> c'
    """
    merged: list[list[Any]] = []
    for begin, end, note in sorted(spans):
        begin, end = max(0, begin), min(len(text), end)
        if begin >= end:
            continue
        if merged and begin < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if note and note not in merged[-1][2]:
                merged[-1][2].append(note)
        else:
            merged.append([begin, end, [note] if note else []])
    out = []
    pos = 0
    for begin, end, notes in merged:
        out.append(escape(text[pos:begin]))
        out.append(Markup('<mark title="{}">{}</mark>').format("; ".join(notes), text[begin:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


# --- the HTML page of a resource ------------------------------------------------------------

@dataclass
class Page:
    """What resource.html shows about one resource."""

    iri: str
    label: str = ""
    types: list[dict[str, str]] = field(default_factory=list)
    properties: list[dict[str, Any]] = field(default_factory=list)
    inverse: list[dict[str, Any]] = field(default_factory=list)
    graphs: list[dict[str, str]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    text: Markup | None = None
    units: list[dict[str, str]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "resource"
    graphs_total: int = 0
    evidence_total: int = 0


# A page lists at most this many sources, evidence sentences and values of one property (a
# resource named in thousands of articles would otherwise make a page of megabytes); the RDF
# description and /sparql have them all.
LIST_LIMIT = 100


def _grouped(rows: list[dict[str, Any]], linker: Linker, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Rows (?p, ?o) grouped by property: [{property link, values}], values linked or literal."""
    by_prop: dict[str, list[dict[str, str]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        p, o = row["p"].value, row["o"]
        key = (p, str(o))
        if key in seen:
            continue
        seen.add(key)
        if isinstance(o, ox.Literal):
            by_prop[p].append(literal_view(o))
        elif isinstance(o, ox.NamedNode):
            by_prop[p].append(linker.link(o.value, labels))
        else:
            by_prop[p].append({"text": str(o), "note": "blank node"})
    return [{"property": linker.link(p), "total": len(vs),
             "terms": sorted(vs, key=lambda v: v.get("label") or v.get("text", ""))[:LIST_LIMIT]}
            for p, vs in sorted(by_prop.items(), key=lambda kv: (kv[0] != RDF_TYPE, linker.label(kv[0])))]


def _value(row: dict[str, Any], name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def build_page(store: Store, linker: Linker, iri: str) -> Page | None:
    """The page of ``iri``, or None when no triple mentions it. A handful of queries: the
    links both ways, the graphs, the evidence; then what the kind of resource calls for."""
    node = ox.NamedNode(iri)
    rows = select(store, "page-links", node)
    if not rows:
        return None
    labels: dict[str, str] = {}
    for row in rows:
        prefer_label(labels, row["o"], row["label"])
    out_rows = [r for r in rows if r["dir"].value == "out"]
    in_rows = [r for r in rows if r["dir"].value == "in"]
    page = Page(iri=iri)
    for r in out_rows:
        if r["p"].value == RDFS_LABEL:
            prefer_label(labels, node, r["o"])
    page.label = linker.label(iri, labels)
    types = sorted({r["o"].value for r in out_rows if r["p"].value == RDF_TYPE and isinstance(r["o"], ox.NamedNode)})
    page.types = [linker.link(t, labels) for t in types]
    text_rows = [r for r in out_rows if r["p"].value == NIF_IS_STRING]
    page.properties = _grouped([r for r in out_rows if r["p"].value != NIF_IS_STRING], linker, labels)
    page.inverse = _grouped([{"p": r["p"], "o": r["o"]} for r in in_rows], linker, labels)

    if KG_NS + "Article" in types:
        page.kind = "article"
        if text_rows:
            spans = [(int(r["begin"].value), int(r["end"].value), _value(r, "factLabel"))
                     for r in select(store, "article-spans", node)]
            page.text = highlight(text_rows[0]["o"].value, spans)
        return page

    graphs = sorted(
        ({**linker.link(r["g"].value), "label": _value(r, "title") or local_name(r["g"].value),
          "date": _value(r, "date")} for r in select(store, "page-graphs", node)),
        key=lambda g: (g["date"], g["label"]), reverse=True)
    page.graphs_total = len(graphs)
    page.graphs = graphs[:LIST_LIMIT]  # the newest
    evidence = _evidence(select(store, "page-evidence", node), linker)
    page.evidence_total = len(evidence)
    page.evidence = evidence[:LIST_LIMIT]

    if {KG_NS + "Organisation", KG_NS + "OrganisationalUnit"} & set(types):
        _organisation_sections(page, store, linker, node, in_rows, labels)
    elif KG_NS + "Person" in types:
        _person_sections(page, store, linker, node)
    return page


def _organisation_sections(page: Page, store: Store, linker: Linker, node: ox.NamedNode,
                           in_rows: list[dict[str, Any]], labels: dict[str, str]) -> None:
    """Units (from the inverse links already fetched), posts, events, agreements."""
    page.kind = "organisation"
    page.units = sorted((linker.link(r["o"].value, labels) for r in in_rows
                         if r["p"].value == ORG_SUB and isinstance(r["o"], ox.NamedNode)),
                        key=lambda u: u["label"])
    page.posts = sorted(
        ({"person": _optional_link(linker, r, "person", "personLabel"),
          "role": _optional_link(linker, r, "role", "roleLabel"),
          "unit": _optional_link(linker, r, "unit", "unitLabel"),
          "post": linker.href(r["post"].value)} for r in select(store, "org-posts", node)),
        key=lambda p: (p["person"]["label"], p["role"]["label"] if p["role"] else ""))
    page.events = _events(select(store, "agent-events", node), linker)
    page.agreements = _agreements(select(store, "org-agreements", node),
                                  select(store, "org-agreement-parties", node), linker)


def _person_sections(page: Page, store: Store, linker: Linker, node: ox.NamedNode) -> None:
    """Posts and events."""
    page.kind = "person"
    page.posts = sorted(
        ({"role": _optional_link(linker, r, "role", "roleLabel"),
          "org": _optional_link(linker, r, "org", "orgLabel"),
          "post": linker.href(r["post"].value)} for r in select(store, "person-posts", node)),
        key=lambda p: (p["org"]["label"] if p["org"] else "", p["role"]["label"] if p["role"] else ""))
    page.events = _events(select(store, "agent-events", node), linker)


def _optional_link(linker: Linker, row: dict[str, Any], name: str, label_name: str) -> dict[str, str] | None:
    term = row.get(name)
    if term is None:
        return None
    label = row.get(label_name)
    return linker.link(term.value, {term.value: label.value} if label is not None else None)


def _evidence(rows: list[dict[str, Any]], linker: Linker) -> list[dict[str, Any]]:
    """One entry per sentence (article, offset), with the facts it supports."""
    by_sentence: dict[tuple[str, int, str], dict[str, Any]] = {}
    for r in rows:
        article = r["article"].value
        key = (article, int(r["begin"].value) if r["begin"] is not None else -1, r["sentence"].value)
        entry = by_sentence.setdefault(key, {
            "sentence": r["sentence"].value,
            "article": linker.link(article, {article: _value(r, "articleTitle")} if r["articleTitle"] else None),
            "facts": [],
        })
        fact = _optional_link(linker, r, "fact", "factLabel")
        if fact and fact not in entry["facts"]:
            entry["facts"].append(fact)
    return [by_sentence[k] for k in sorted(by_sentence)]


def _events(rows: list[dict[str, Any]], linker: Linker) -> list[dict[str, Any]]:
    """Events on a timeline: sorted by start date (its lexical form orders xsd:gYear,
    gYearMonth and date alike), undated last."""
    events: dict[str, dict[str, Any]] = {}
    for r in rows:
        iri = r["event"].value
        e = events.setdefault(iri, {"event": _optional_link(linker, r, "event", "eventLabel"),
                                    "start": _value(r, "start"), "end": _value(r, "end"),
                                    "place": _optional_link(linker, r, "place", "placeLabel"), "roles": []})
        e["start"] = min(filter(None, (e["start"], _value(r, "start"))), default="")
        role = f'{r["how"].value}: {r["agentLabel"].value if r["agentLabel"] else local_name(r["agent"].value)}'
        if role not in e["roles"]:
            e["roles"].append(role)
    return sorted(events.values(), key=lambda e: (e["start"] == "", e["start"], e["event"]["label"]))


def _agreements(rows: list[dict[str, Any]], party_rows: list[dict[str, Any]], linker: Linker) -> list[dict[str, Any]]:
    """One entry per agreement and source article (status and date as that article states
    them), newest source first within an agreement; at most LIST_LIMIT entries."""
    parties: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in party_rows:
        party = _optional_link(linker, r, "party", "partyLabel")
        if party and party not in parties[r["agreement"].value]:
            parties[r["agreement"].value].append(party)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["agreement"].value, r["source"].value)
        out.setdefault(key, {
            "agreement": _optional_link(linker, r, "agreement", "label"),
            "status": _optional_link(linker, r, "status", "statusLabel"),
            "date": _value(r, "date"),
            "published": _value(r, "published"),
            "source": _optional_link(linker, r, "source", "sourceTitle"),
            "parties": sorted(parties.get(key[0], []), key=lambda p: p["label"]),
        })
    entries = sorted(out.values(), key=lambda a: a["published"] or a["date"], reverse=True)
    entries.sort(key=lambda a: a["agreement"]["label"])  # stable: by agreement, newest source first
    return entries[:LIST_LIMIT]


# --- /ontology and /shapes -------------------------------------------------------------------

def _text(graph: rdflib.Graph, s: rdflib.term.Node, p: rdflib.URIRef) -> str:
    values = [o for o in graph.objects(s, p) if isinstance(o, rdflib.Literal)]
    values.sort(key=lambda o: o.language not in (None, "en"))
    return str(values[0]) if values else ""


def _term(linker: Linker, term: rdflib.term.Node, graph: rdflib.Graph | None = None) -> dict[str, str]:
    if isinstance(term, rdflib.URIRef):
        return linker.link(str(term))
    if isinstance(term, rdflib.BNode) and graph is not None:
        # OWL class expressions (unionOf lists) are blank nodes: show their members.
        members = [m for lst in graph.objects(term, OWL.unionOf) for m in rdflib.collection.Collection(graph, lst)]
        if members:
            return {"href": "", "label": " or ".join(_term(linker, m)["label"] for m in members), "iri": ""}
    return {"href": "", "label": str(term), "iri": ""}


@lru_cache(maxsize=4)
def ontology_doc(base: str) -> dict[str, Any]:
    """The ontology's classes, properties and individuals in the kg: namespace, for the page."""
    g, linker = ontology_graph(), Linker(base)

    def entries(kinds: tuple[rdflib.URIRef, ...]) -> list[dict[str, Any]]:
        found = {s for k in kinds for s in g.subjects(RDF.type, k)
                 if isinstance(s, rdflib.URIRef) and str(s).startswith(KG_NS)}
        return [{"id": str(s)[len(KG_NS):], "iri": str(s), "label": _text(g, s, RDFS.label) or local_name(str(s)),
                 "comment": _text(g, s, RDFS.comment),
                 "super": [_term(linker, o, g) for o in g.objects(s, RDFS.subClassOf) if isinstance(o, rdflib.URIRef)]
                 + [_term(linker, o, g) for o in g.objects(s, RDFS.subPropertyOf)],
                 "domain": [_term(linker, o, g) for o in g.objects(s, RDFS.domain)],
                 "range": [_term(linker, o, g) for o in g.objects(s, RDFS.range)],
                 "types": [_term(linker, o, g) for o in g.objects(s, RDF.type) if str(o).startswith(KG_NS)]}
                for s in sorted(found)]

    ont = rdflib.URIRef("https://w3id.org/coopkg/ontology")
    return {"title": _text(g, ont, RDFS.label) or "Ontology", "comment": _text(g, ont, RDFS.comment),
            "classes": entries((OWL.Class,)),
            "properties": entries((OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)),
            "individuals": entries((OWL.NamedIndividual,))}


CONSTRAINTS = (SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH["in"],
               SH.pattern, SH.uniqueLang, SH.qualifiedMaxCount, SH.hasValue, SH.node, SH.message)


@lru_cache(maxsize=4)
def shapes_doc(base: str) -> dict[str, Any]:
    """The node shapes with their targets and property constraints, for the page."""
    g, linker = shapes_graph(), Linker(base)

    def show(o: rdflib.term.Node) -> str:
        if isinstance(o, rdflib.URIRef):
            return g.namespace_manager.normalizeUri(o)
        if isinstance(o, rdflib.BNode):
            items = list(rdflib.collection.Collection(g, o)) if (o, RDF.first, None) in g else []
            if items:
                return "(" + " ".join(show(i) for i in items) + ")"
            return "[" + "; ".join(f"{show(p)} {show(v)}" for p, v in g.predicate_objects(o)) + "]"
        return str(o)

    shapes = []
    for s in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        props = []
        for ps in g.objects(s, SH.property):
            props.append({"id": str(ps)[len(SHAPES_NS):] if str(ps).startswith(SHAPES_NS) else "",
                          "constraints": [(local_name(str(c)), show(v)) for c in CONSTRAINTS for v in g.objects(ps, c)]})
        props.sort(key=lambda p: [v for k, v in p["constraints"] if k == "path"] or [""])
        shapes.append({"id": str(s)[len(SHAPES_NS):] if str(s).startswith(SHAPES_NS) else str(s),
                       "label": _text(g, s, RDFS.label), "comment": _text(g, s, RDFS.comment),
                       "targets": [_term(linker, o) for o in g.objects(s, SH.targetClass)],
                       "other": [(local_name(str(c)), show(v)) for c in (SH.sparql, SH.closed, SH.message)
                                 for v in g.objects(s, c) if c != SH.sparql],
                       "properties": props})
    return {"title": "CoopKG SHACL shapes", "shapes": shapes}


# --- routes ------------------------------------------------------------------------------------

def split_suffix(rest: str) -> tuple[str, str | None]:
    """``("person/x", "text/turtle")`` for ``person/x.ttl``; no media type for a bare IRI path.
    Slugs and article ids never contain a dot, so a known suffix is always a document's."""
    for suffix, media_type in SUFFIX_TYPES.items():
        if rest.endswith(suffix):
            return rest[: -len(suffix)], media_type
    return rest, None


PAGE_CACHE_SIZE = 4096  # resource pages and descriptions kept per server


def routes(site: Site) -> list[Route]:
    """The resource pages under the base's path, the ontology, shapes, context and home page."""
    linker = Linker(site.base)
    templates = site.templates
    base_path = linker.base_path

    def not_found(request: Request, iri: str) -> Response:
        return templates.TemplateResponse(request, "not_found.html", {"iri": iri}, status_code=404)

    # The served store is a read-only snapshot: a page or a description, once built, holds until
    # the server stops, so the busiest resources are answered without querying again.
    @lru_cache(maxsize=PAGE_CACHE_SIZE)
    def page_of(iri: str, stem: str) -> bytes | None:
        page = build_page(site.store, linker, iri)
        if page is None:
            return None
        alternates = {m: base_path + stem + s for m, s in RDF_SUFFIXES.items()}
        return templates.get_template("resource.html").render(page=page, alternates=alternates).encode("utf-8")

    @lru_cache(maxsize=PAGE_CACHE_SIZE)
    def description_of(iri: str, media_type: str, context: str) -> bytes | None:
        triples = list(site.store.query(query_text("describe"), {"r": ox.NamedNode(iri)}))
        return serialize_triples(triples, media_type, context) if triples else None

    def resource(request: Request) -> Response:
        rest = request.path_params["rest"]
        stem, media_type = split_suffix(rest)
        iri = site.base + stem
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return not_found(request, iri)
        if media_type is None:
            # The thing itself: 303 to the document in the format asked for.
            chosen = choose(PAGE_FORMATS, name=request.query_params.get("format"),
                            accept=request.headers.get("accept"))
            if chosen is None:
                return not_acceptable(PAGE_FORMATS)
            if not bool(site.store.query(query_text("exists"), {"r": node})):
                return not_found(request, iri)
            suffix = ".html" if chosen == HTML else RDF_SUFFIXES[chosen]
            return RedirectResponse(base_path + stem + suffix, status_code=303, headers={"Vary": "Accept"})
        if media_type == HTML:
            html = page_of(iri, stem)
            if html is None:
                return not_found(request, iri)
            return Response(html, media_type="text/html; charset=utf-8")
        body = description_of(iri, media_type, context_url(request))
        if body is None:
            return not_found(request, iri)
        return rdf_response(body, media_type)

    def document(kind: str, suffix: str | None):
        """/ontology and /shapes: a document, so content negotiation answers directly."""
        path = ontology_path if kind == "ontology" else shapes_path
        graph = ontology_graph if kind == "ontology" else shapes_graph

        def endpoint(request: Request) -> Response:
            offered = {HTML: PAGE_FORMATS[HTML], **{m: GRAPH_FORMATS[m] for m in RDF_SUFFIXES}}
            media_type = SUFFIX_TYPES[suffix] if suffix else choose(
                offered, name=request.query_params.get("format"), accept=request.headers.get("accept"))
            if media_type is None:
                return not_acceptable(offered)
            headers = {} if suffix else {"Vary": "Accept",
                                         "Content-Location": f"/{kind}{'.html' if media_type == HTML else RDF_SUFFIXES[media_type]}"}
            if media_type == HTML:
                doc = ontology_doc(site.base) if kind == "ontology" else shapes_doc(site.base)
                return templates.TemplateResponse(request, f"{kind}.html", {"doc": doc}, headers=headers)
            if media_type == "text/turtle":
                return rdf_response(path().read_bytes(), media_type, **headers)  # the file as written, with its comments
            return rdf_response(serialize_graph(graph(), media_type, context_url(request)), media_type, **headers)

        return endpoint

    def context(request: Request) -> Response:
        return JSONResponse(CONTEXT, media_type="application/ld+json",
                            headers={"Cache-Control": "public, max-age=86400"})

    def home(request: Request) -> Response:
        return templates.TemplateResponse(request, "home.html", home_context(site, linker))

    doc_routes = [Route(f"/{kind}{suffix or ''}", document(kind, suffix), methods=["GET", "HEAD"])
                  for kind in ("ontology", "shapes") for suffix in (None, *SUFFIX_TYPES)]
    return [
        Route("/", home, methods=["GET", "HEAD"]),
        Route(CONTEXT_PATH, context, methods=["GET", "HEAD"]),
        *doc_routes,
        Route(base_path + "{rest:path}", resource, methods=["GET", "HEAD"]),
    ]


# --- the home page ---------------------------------------------------------------------------

HOME_LIMIT = 200  # entries per list on the home page (the LIMIT in home-lists.rq)


@lru_cache(maxsize=4)
def _home_data(store_key: str, linker: Linker, store: Store) -> dict[str, Any]:
    """Counts and lists for the home page, computed once per store: the served store is
    read-only, so they cannot change while it is served."""
    lists: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in store.query(query_text("home-lists")):
        lists[row["kind"].value].append(linker.link(row["x"].value, {row["x"].value: row["label"].value}))
    for entries in lists.values():
        entries.sort(key=lambda e: e["label"].lower())
    return {"stats": store.stats(), "lists": dict(lists)}


def home_context(site: Site, linker: Linker) -> dict[str, Any]:
    """What home.html shows: the dataset's counts and links to its main resources."""
    return {**_home_data(str(site.store_path), linker, site.store), "limit": HOME_LIMIT, "base": site.base}
