"""Linked data of ``kg serve`` as a real client sees it: dereferencing (303, suffixes, 404), every
RDF format parsed by rdflib, HTML pages, escaping, /ontology and /shapes, VoID, dump, sitemap.

The demo store's IRIs use the default base (``http://localhost:8000/id/``) while the server
listens on 127.0.0.1: the same situation as a public base host behind a proxy, so these tests
also check that IRIs are mapped by path, not by the host of the request.
"""
from __future__ import annotations

import contextlib
import gzip
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, VOID

from kg.store import EmbeddedStore
from kg.store.base import UNION

KG = rdflib.Namespace("https://w3id.org/coopkg/ontology#")
RDF_TYPES = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


# --- a server whose base is not its own address ------------------------------------------------

@contextlib.contextmanager
def serve(store: Path, base: str):
    """``kg serve`` of ``store`` on a free port of 127.0.0.1 with ``--base base``; yields its URL."""
    from conftest import kg_serve

    with kg_serve(store, base=base, env={"KG_CACHE_DIR": str(store.parent / "cache")}) as url:
        yield url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def get(url: str, accept: str | None = None, follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET; redirects are followed only if ``follow``."""
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with (urllib.request.urlopen if follow else _opener.open)(req, timeout=20) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


class Links(HTMLParser):
    """The links (href -> text), <mark> texts, the text of the page and of its <h1>."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.marks: list[str] = []
        self.h1 = ""
        self.text: list[str] = []
        self._href: str | None = None
        self._anchor = ""
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._anchor = ""
        elif tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "a" and self._href is not None:
            self.links.setdefault(self._href, self._anchor)  # the first link to a target
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self._anchor += data
        if "mark" in self._in:
            self.marks[-1] += data
        if "h1" in self._in:
            self.h1 += data


def parse_html(body: bytes) -> Links:
    p = Links()
    p.feed(body.decode("utf-8"))
    return p


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(demo_store):
    s = EmbeddedStore(demo_store, read_only=True)
    yield s
    s.close()


def one(store, sparql: str) -> dict[str, ox.Term]:
    rows = list(store.query(sparql))
    assert rows, sparql
    return rows[0]


@pytest.fixture(scope="module")
def base(store) -> str:
    article = one(store, "SELECT ?a WHERE { ?a a <https://w3id.org/coopkg/ontology#Article> } LIMIT 1")["a"].value
    return article.rsplit("article/", 1)[0]


@pytest.fixture(scope="module")
def server(demo_store, base):
    with serve(demo_store, base) as url:
        yield url


@pytest.fixture(scope="module")
def samples(store) -> dict[str, str]:
    """IRIs to look at, found by SPARQL: an organisation with posts in a unit, a person
    with a post, an article."""
    pre = "PREFIX org: <http://www.w3.org/ns/org#> PREFIX kg: <https://w3id.org/coopkg/ontology#> "
    org = one(store, pre + "SELECT ?o WHERE { ?u org:subOrganizationOf ?o . ?p org:organization ?u ; org:member ?m } ORDER BY ?o LIMIT 1")["o"]
    person = one(store, pre + "SELECT ?m WHERE { ?p org:member ?m ; org:organization ?o } ORDER BY ?m LIMIT 1")["m"]
    article = one(store, pre + "SELECT ?a WHERE { ?a a kg:Article } ORDER BY ?a LIMIT 1")["a"]
    return {"org": org.value, "person": person.value, "article": article.value}


def path_of(iri: str, base: str) -> str:
    assert iri.startswith(base)
    return "/id/" + iri[len(base):]


def label_of(store, iri: str) -> str:
    return one(store, f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY ?l LIMIT 1")["l"].value


# --- dereferencing ------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, suffix", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html"),  # a browser
    (None, ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("text/turtle;q=0.5, application/rdf+xml", ".rdf"),
])
def test_iri_answers_303_to_the_document_in_the_format_asked(server, base, samples, accept, suffix):
    path = path_of(samples["person"], base)
    status, headers, _ = get(server + path, accept, follow=False)
    assert status == 303
    assert headers["location"] == path + suffix
    assert "accept" in headers.get("vary", "").lower()


def test_unacceptable_format_is_406(server, base, samples):
    assert get(server + path_of(samples["org"], base), "image/png", follow=False)[0] == 406


@pytest.mark.parametrize("kind", ["org", "person", "article"])
def test_every_rdf_format_parses_and_holds_the_label_and_types(server, store, base, samples, kind):
    iri = samples[kind]
    label = label_of(store, iri)
    types = {r["t"].value for r in store.query(f"SELECT ?t WHERE {{ <{iri}> a ?t }}")}
    for media_type, (suffix, rdflib_format) in RDF_TYPES.items():
        # by content negotiation (following the 303) and by suffix: the same document
        status, headers, body = get(server + path_of(iri, base), media_type)
        assert status == 200 and headers["content-type"].startswith(media_type)
        assert body == get(server + path_of(iri, base) + "." + suffix)[2]
        g = rdflib.Graph().parse(data=body, format=rdflib_format, publicID=server + "/")
        s = rdflib.URIRef(iri)
        assert str(g.value(s, RDFS.label)) == label, media_type
        assert {str(t) for t in g.objects(s, RDF.type)} == types, media_type


def test_jsonld_is_compact_with_a_published_context(server, base, samples):
    status, _, body = get(server + path_of(samples["org"], base) + ".jsonld")
    doc = json.loads(body)
    assert isinstance(doc["@context"], str) and doc["@context"].endswith("/context.jsonld")
    assert "@graph" in doc and any("rdfs:label" in node for node in doc["@graph"])  # compacted terms
    status, headers, ctx = get(doc["@context"])
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    assert json.loads(ctx)["@context"]["kg"] == str(KG)


def test_description_has_inverse_links_labels_and_the_article_graph(server, store, base, samples):
    org = samples["org"]
    g = rdflib.Graph().parse(data=get(server + path_of(org, base) + ".nt")[2], format="nt")
    unit = one(store, f"SELECT ?u WHERE {{ ?u <http://www.w3.org/ns/org#subOrganizationOf> <{org}> }} LIMIT 1")["u"].value
    assert (rdflib.URIRef(unit), rdflib.URIRef("http://www.w3.org/ns/org#subOrganizationOf"), rdflib.URIRef(org)) in g
    assert str(g.value(rdflib.URIRef(unit), RDFS.label)) == label_of(store, unit)
    article = samples["article"]
    g = rdflib.Graph().parse(data=get(server + path_of(article, base) + ".nt")[2], format="nt")
    held = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{article}> {{ ?s ?p ?o }} }}")
    graph = rdflib.Graph().parse(data=ox.serialize(held, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert len(graph) > 20 and all(t in g for t in graph)  # the whole article graph


@pytest.mark.parametrize("suffix", ["", ".html", ".ttl", ".jsonld", ".nt", ".rdf"])
def test_unknown_iri_is_404(server, suffix):
    assert get(server + "/id/person/nobody-of-that-name" + suffix, follow=False)[0] == 404


def test_iris_are_mapped_by_path_not_by_host(server, base, samples):
    # The server is at 127.0.0.1 but the base (the public name) is the store's: the path decides.
    assert not base.startswith(server)
    assert get(server + path_of(samples["person"], base) + ".ttl")[0] == 200


# --- HTML pages --------------------------------------------------------------------------------

def test_organisation_page(server, store, base, samples):
    org = samples["org"]
    status, headers, body = get(server + path_of(org, base) + ".html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = parse_html(body)
    assert page.h1.strip() == label_of(store, org)
    assert page.links.get("/ontology#Organisation") == "Organisation"  # its type, labelled
    pre = "PREFIX org: <http://www.w3.org/ns/org#> PREFIX kg: <https://w3id.org/coopkg/ontology#> "
    units = {r["u"].value for r in store.query(pre + f"SELECT ?u WHERE {{ ?u org:subOrganizationOf <{org}> }}")}
    people = {r["m"].value for r in store.query(pre + f"SELECT ?m WHERE {{ ?u org:subOrganizationOf* <{org}> . ?p org:organization ?u ; org:member ?m }}")}
    sources = {r["g"].value for r in store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {{ <{org}> ?p ?o }} UNION {{ ?s ?q <{org}> }} }} }}")}
    for iri in units | people | sources:
        href = path_of(iri, base)
        assert href in page.links, iri
        assert page.links[href].strip() == label_of(store, iri)  # linked by label, not IRI
    text = "".join(page.text)
    for heading in ("Units", "People and their posts", "Stated in", "Evidence", "Linked from"):
        assert heading in text
    sentence = one(store, pre + "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
                   f"SELECT ?s WHERE {{ ?f ?p <{org}> ; kg:evidence/nif:anchorOf ?s }} LIMIT 1")["s"].value
    assert sentence in text


def test_organisation_events_are_a_timeline_and_agreements_listed(server, store, base):
    pre = "PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/coopkg/ontology#> "
    org = one(store, pre + "SELECT ?o (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e schema:attendee ?o ; schema:startDate ?d . ?a kg:party ?o } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1")["o"].value
    body = get(server + path_of(org, base) + ".html")[2].decode()
    events = body.split('id="events"')[1].split("</section>")[0]
    dates = [d for d in (s.split("<")[0].split(" ")[0] for s in events.split('class="date">')[1:]) if d != "undated"]
    assert dates and dates == sorted(dates)
    agreements = parse_html(body.split('id="agreements"')[1].split("</section>")[0].encode())
    for r in store.query(pre + f"SELECT DISTINCT ?a WHERE {{ ?a kg:party <{org}> }}"):
        assert path_of(r["a"].value, base) in agreements.links


def test_person_page_lists_posts(server, store, base, samples):
    person = samples["person"]
    page = parse_html(get(server + path_of(person, base) + ".html")[2])
    assert page.h1.strip() == label_of(store, person)
    for r in store.query(f"SELECT ?o WHERE {{ ?p <http://www.w3.org/ns/org#member> <{person}> ; <http://www.w3.org/ns/org#organization> ?o }}"):
        assert path_of(r["o"].value, base) in page.links


def test_person_page_lists_events(server, store, base):
    pre = "PREFIX schema: <https://schema.org/> "
    person = one(store, pre + "SELECT ?p WHERE { ?e schema:attendee ?p . ?p a <https://w3id.org/coopkg/ontology#Person> } ORDER BY ?p LIMIT 1")["p"].value
    body = get(server + path_of(person, base) + ".html")[2].decode()
    events = parse_html(body.split('id="events"')[1].split("</section>")[0].encode())
    for r in store.query(pre + f"SELECT ?e WHERE {{ {{ ?e schema:attendee <{person}> }} UNION {{ ?e schema:organizer <{person}> }} }}"):
        assert path_of(r["e"].value, base) in events.links


def test_article_page_shows_text_with_evidence_marked(server, store, base, samples):
    article = samples["article"]
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    text = one(store, f"SELECT ?t WHERE {{ <{article}> <{nif}isString> ?t }}")["t"].value
    body = get(server + path_of(article, base) + ".html")[2].decode()
    shown = body.split('<div class="article-text">')[1].split("</div>")[0]
    page = parse_html(shown.encode())
    assert unescape("".join(page.text)) == text  # the whole text, marks only added
    spans = {(int(r["b"].value), int(r["e"].value)) for r in store.query(
        f"SELECT ?b ?e WHERE {{ GRAPH <{article}> {{ ?x <{nif}referenceContext> <{article}> ; <{nif}beginIndex> ?b ; <{nif}endIndex> ?e }} }}")}
    assert page.marks and all(any(text[b:e] in m for m in page.marks) for b, e in spans)


@pytest.fixture(scope="module")
def malicious_server(tmp_path_factory):
    """A store whose labels and texts try to inject markup."""
    path = tmp_path_factory.mktemp("evil") / "store"
    base = "http://example.org/id/"
    kg, rdfs = "https://w3id.org/coopkg/ontology#", "http://www.w3.org/2000/01/rdf-schema#"
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    n, lit = ox.NamedNode, ox.Literal
    art, org, person = n(base + "article/evil"), n(base + "org/evil"), n(base + "person/evil")
    text = "<b>Bold</b> claim & <script>alert(1)</script> here."
    ev = n(base + "article/evil#char=0,11")
    triples = [
        ox.Triple(art, n(RDF.type), n(kg + "Article")), ox.Triple(art, n(rdfs + "label"), lit("<i>headline</i>")),
        ox.Triple(art, n(nif + "isString"), lit(text)),
        ox.Triple(ev, n(nif + "referenceContext"), art), ox.Triple(ev, n(nif + "anchorOf"), lit("<b>Bold</b>")),
        ox.Triple(ev, n(nif + "beginIndex"), lit("0", datatype=n("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
        ox.Triple(ev, n(nif + "endIndex"), lit("11", datatype=n("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
        ox.Triple(org, n(RDF.type), n(kg + "Organisation")),
        ox.Triple(org, n(rdfs + "label"), lit("<script>alert('org')</script>")),
        ox.Triple(person, n(RDF.type), n(kg + "Person")), ox.Triple(person, n(rdfs + "label"), lit('"><img src=x onerror=alert(2)>')),
        ox.Triple(person, n(kg + "evidence"), ev), ox.Triple(person, n("https://schema.org/worksFor"), org),
    ]
    with EmbeddedStore(path) as s:
        s.replace_graph(art, triples)
    with serve(path, base) as url:
        yield url


def test_everything_from_the_data_is_escaped(malicious_server):
    for path in ("/id/org/evil.html", "/id/person/evil.html", "/id/article/evil.html", "/"):
        status, _, body = get(malicious_server + path)
        html = body.decode()
        assert status == 200, path
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html and "<i>headline" not in html
    html = get(malicious_server + "/id/org/evil.html")[2].decode()
    assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;" in html  # shown as text
    article = parse_html(get(malicious_server + "/id/article/evil.html")[2])
    assert article.marks == ["<b>Bold</b>"]  # the span, as text
    assert "<script>alert(1)</script>" in "".join(article.text)


# --- /ontology, /shapes --------------------------------------------------------------------

def test_ontology_and_shapes_pages(server):
    for kind in ("ontology", "shapes"):
        status, headers, body = get(f"{server}/{kind}", "text/html")
        assert status == 200 and headers["content-type"].startswith("text/html")
        for how in ({"accept": "text/turtle"}, {"suffix": ".ttl"}):
            url = f"{server}/{kind}{how.get('suffix', '')}"
            status, headers, ttl = get(url, how.get("accept"))
            assert status == 200 and headers["content-type"].startswith("text/turtle")
            g = rdflib.Graph().parse(data=ttl, format="turtle")
            assert len(g) > 50
    ontology = parse_html(get(f"{server}/ontology.html")[2])
    text = "".join(ontology.text)
    assert "#Person" in ontology.links and "Person" in text and "Membership" in text
    g = rdflib.Graph().parse(data=get(f"{server}/ontology.ttl")[2], format="turtle")
    assert (KG.Person, RDF.type, OWL.Class) in g
    comment = str(g.value(KG.Person, RDFS.comment) or "")
    assert comment[:40] in unescape("".join(ontology.text))
    shapes = get(f"{server}/shapes")[2].decode()
    sg = rdflib.Graph().parse(data=get(f"{server}/shapes.ttl")[2], format="turtle")
    node_shapes = set(sg.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    assert node_shapes and all(f'id="{str(s).rsplit("#", 1)[1]}"' in shapes for s in node_shapes)
    assert "minCount" in shapes and "path" in shapes


# --- VoID, dump, sitemap, home --------------------------------------------------------------

def test_void_counts_equal_the_store_stats(server, store, base):
    status, headers, body = get(server + "/.well-known/void")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    assert (ds, RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")) in g
    stats = store.stats()
    assert int(g.value(ds, VOID.triples)) == stats["quads"]
    by_class = {str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)}
    for key, cls in {"articles": "Article", "people": "Person", "organisations": "Organisation",
                     "memberships": "Membership", "events": "Event", "agreements": "Agreement"}.items():
        assert by_class[str(KG) + cls] == stats[key], key
    assert int(g.value(ds, VOID.entities)) > stats["people"] + stats["organisations"]
    assert int(g.value(ds, VOID.properties)) > 10 and int(g.value(ds, VOID.classes)) > 5
    assert str(g.value(ds, VOID.uriSpace)) == base
    assert str(g.value(ds, VOID.sparqlEndpoint)) == server + "/sparql"
    assert str(g.value(ds, rdflib.URIRef("http://purl.org/dc/terms/license"))) == "https://creativecommons.org/licenses/by/4.0/"
    examples = list(g.objects(ds, VOID.exampleResource))
    assert examples and all(get(server + path_of(str(e), base), "text/turtle")[0] == 200 for e in examples)
    assert list(g.objects(ds, VOID.vocabulary))
    dump = g.value(ds, VOID.dataDump)
    dist = g.value(ds, rdflib.URIRef("http://www.w3.org/ns/dcat#distribution"))
    assert g.value(dist, rdflib.URIRef("http://www.w3.org/ns/dcat#downloadURL")) == dump
    # other RDF formats by content negotiation
    for media_type, (_, fmt) in RDF_TYPES.items():
        status, headers, body = get(server + "/.well-known/void", media_type)
        assert status == 200 and headers["content-type"].startswith(media_type)
        assert len(rdflib.Graph().parse(data=body, format=fmt)) == len(g)


def test_dump_is_current_and_leaves_out_the_union_graph(server, store):
    status, headers, body = get(server + "/dump.nq.gz")
    assert status == 200 and headers["content-type"] == "application/gzip"
    quads = list(ox.parse(gzip.decompress(body), format=ox.RdfFormat.N_QUADS))
    assert not any(q.graph_name == UNION for q in quads)
    assert len(quads) == store.stats()["quads"]
    assert {q.graph_name for q in quads} == set(store.graphs())


def test_sitemap_and_robots(server, base):
    status, headers, body = get(server + "/sitemap.xml")
    assert status == 200 and "xml" in headers["content-type"]
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in ET.fromstring(body).iter(ns + "loc")]
    assert len(locs) > 100 and all(loc.startswith(server + "/") for loc in locs)
    assert any("/id/person/" in loc for loc in locs) and not any("#" in loc for loc in locs)
    for loc in locs[1:4] + locs[-2:]:
        assert get(loc)[0] == 200
    robots = get(server + "/robots.txt")[2].decode()
    assert f"Sitemap: {server}/sitemap.xml" in robots


def test_home_page(server, store):
    page = parse_html(get(server + "/")[2])
    for href in ("/query", "/.well-known/void", "/dump.nq.gz", "/api/questions", "/sitemap.xml"):
        assert href in page.links
    text = "".join(page.text)
    stats = store.stats()
    assert str(stats["people"]) in text and str(stats["organisations"]) in text
    assert sum(1 for h in page.links if h.startswith("/id/person/")) == stats["people"]
    assert any(h.startswith("/id/org/") for h in page.links) and any(h.startswith("/id/article/") for h in page.links)
