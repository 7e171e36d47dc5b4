"""The dataset described for machines: VoID + DCAT, the N-Quads dump, the sitemap, robots.txt.

* ``/.well-known/void`` (RFC 5785 / VoID §7.2): a ``void:Dataset`` that is also a
  ``dcat:Dataset``, with its counts, class partitions, SPARQL endpoint, example resources,
  vocabularies, licence (CC BY 4.0) and the dump as ``void:dataDump`` / ``dcat:distribution``.
  Turtle by default, the other RDF formats by content negotiation or ``?format=``.
* ``/dump.nq.gz``: every quad of the store (article graphs and the ontology graph, never the
  internal union graph), gzipped N-Quads, streamed from a file written once per store state.
* ``/sitemap.xml`` lists the HTML page of every typed resource under the base; ``/robots.txt``
  points to it.

URLs of documents and services are on the host the client reached (so the description is
right behind a proxy and in tests); the IRIs of the data are the configured base's.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from .linked import (
    PREFIXES,
    RDF_SUFFIXES,
    Linker,
    context_url,
    not_acceptable,
    query_text,
    rdf_response,
    serialize_graph,
)
from ..store.base import Store
from .negotiate import GRAPH_FORMATS, choose

if TYPE_CHECKING:
    from .app import Site

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
VOID_PATH = "/.well-known/void"
DUMP_PATH = "/dump.nq.gz"
SITEMAP_PATH = "/sitemap.xml"
VOCABULARIES = [
    "https://w3id.org/coopkg/ontology#", "http://www.w3.org/ns/org#", "https://schema.org/",
    "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
]
VOID_FORMATS = {m: GRAPH_FORMATS[m] for m in RDF_SUFFIXES}  # Turtle first: the default


@dataclass(frozen=True)
class DatasetFacts:
    """What the VoID description says about the store; computed once, the store being read-only."""

    stats: dict[str, int]
    entities: int
    classes: int
    properties: int
    subjects: int
    objects: int
    partitions: tuple[tuple[str, int], ...]
    examples: tuple[str, ...]


def dataset_facts(store: Store, base: str) -> DatasetFacts:
    """Counts and examples by a few SPARQL queries (``queries/void-*.rq``)."""
    bindings = {"base": ox.Literal(base)}
    row = next(iter(store.query(query_text("void-counts"), bindings)))
    count = lambda name: int(row[name].value)  # noqa: E731
    partitions = tuple((r["c"].value, int(r["n"].value)) for r in store.query(query_text("void-classes")))
    examples = tuple(sorted(r["x"].value for r in store.query(query_text("void-examples"))
                            if r["x"] is not None and r["x"].value.startswith(base)))
    return DatasetFacts(stats=store.stats(), entities=count("entities"), classes=count("classes"),
                        properties=count("properties"), subjects=count("subjects"), objects=count("objects"),
                        partitions=partitions, examples=examples)


def void_graph(facts: DatasetFacts, base: str, root: str, dump_size: int | None) -> rdflib.Graph:
    """The VoID + DCAT description; ``root`` is the site's URL without the final slash."""
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    ds = rdflib.URIRef(f"{root}{VOID_PATH}#dataset")
    dump = rdflib.URIRef(f"{root}{DUMP_PATH}")
    dist = rdflib.URIRef(f"{root}{VOID_PATH}#dump")
    lic = rdflib.URIRef(LICENSE)
    integer = lambda n: rdflib.Literal(n, datatype=XSD.integer)  # noqa: E731
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, rdflib.Literal("CoopKG", lang="en")))
    g.add((ds, DCTERMS.description, rdflib.Literal(
        "Science and technology cooperation as reported in news articles: organisations and their "
        "units, people and their posts, events and agreements, each fact with the sentence it comes "
        "from. One named graph per article.", lang="en")))
    g.add((ds, DCTERMS.license, lic))
    g.add((ds, DCTERMS.modified, rdflib.Literal(date.today().isoformat(), datatype=XSD.date)))
    g.add((ds, FOAF.homepage, rdflib.URIRef(f"{root}/")))
    g.add((ds, DCAT.landingPage, rdflib.URIRef(f"{root}/")))
    g.add((ds, VOID.sparqlEndpoint, rdflib.URIRef(f"{root}/sparql")))
    g.add((ds, VOID.uriSpace, rdflib.Literal(base)))
    g.add((ds, VOID.rootResource, rdflib.URIRef(f"{root}/")))
    for vocabulary in VOCABULARIES:
        g.add((ds, VOID.vocabulary, rdflib.URIRef(vocabulary)))
    for example in facts.examples:
        g.add((ds, VOID.exampleResource, rdflib.URIRef(example)))
    # void:triples counts quads: a triple stated in two articles is two statements of the
    # dataset (and two lines of the dump). The distinct triples are in the union graph.
    g.add((ds, VOID.triples, integer(facts.stats["quads"])))
    g.add((ds, VOID.entities, integer(facts.entities)))
    g.add((ds, VOID.classes, integer(facts.classes)))
    g.add((ds, VOID.properties, integer(facts.properties)))
    g.add((ds, VOID.distinctSubjects, integer(facts.subjects)))
    g.add((ds, VOID.distinctObjects, integer(facts.objects)))
    for cls, n in facts.partitions:
        part = rdflib.BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], rdflib.URIRef(cls)))
        g.add((part, VOID.entities, integer(n)))
    g.add((ds, VOID.dataDump, dump))
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, rdflib.Literal("Dump of every named graph (N-Quads, gzip)", lang="en")))
    g.add((dist, DCAT.downloadURL, dump))
    g.add((dist, DCAT.accessURL, dump))
    g.add((dist, DCAT.mediaType, rdflib.URIRef("https://www.iana.org/assignments/media-types/application/n-quads")))
    g.add((dist, DCAT.compressFormat, rdflib.URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
    g.add((dist, DCTERMS.license, lic))
    if dump_size is not None:
        g.add((dist, DCAT.byteSize, rdflib.Literal(dump_size, datatype=XSD.nonNegativeInteger)))
    return g


# --- the dump --------------------------------------------------------------------------------

def store_key(path: Path) -> str:
    """A short key of the store's location (the dump files of one store share it)."""
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]


def store_fingerprint(path: Path) -> str:
    """A key that changes whenever the store's files do (names, sizes, modification times)."""
    h = hashlib.sha256()
    for f in sorted(path.iterdir()):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def write_dump(store: Store, target: Path) -> None:
    """Write the store's quads (``export`` leaves out the union graph) as gzipped N-Quads to
    ``target``, atomically: a half-written file is never served."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            store.export(gz, ox.RdfFormat.N_QUADS)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Publication:
    """The store's derived documents (VoID facts, dump file), made on first use and kept: the
    served store is read-only, so they stay current for the life of the process. The dump is
    cached on disk under a key of the store's state, so a restart on the same store reuses it."""

    def __init__(self, site: Site, cache_dir: Path | None = None) -> None:
        self.site = site
        self.cache_dir = cache_dir or Path(os.environ.get("KG_CACHE_DIR", tempfile.gettempdir()))
        self._lock = threading.Lock()
        self._facts: DatasetFacts | None = None
        self._dump: Path | None = None

    def facts(self) -> DatasetFacts:
        with self._lock:
            if self._facts is None:
                self._facts = dataset_facts(self.site.store, self.site.base)
            return self._facts

    def dump(self) -> Path:
        with self._lock:
            if self._dump is None or not self._dump.exists():
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                prefix = f"coopkg-dump-{store_key(self.site.store_path)}-"
                target = self.cache_dir / f"{prefix}{store_fingerprint(self.site.store_path)}.nq.gz"
                if not target.exists():
                    write_dump(self.site.store, target)
                    for old in self.cache_dir.glob(prefix + "*.nq.gz"):  # dumps of earlier states
                        if old != target:
                            old.unlink(missing_ok=True)
                self._dump = target
            return self._dump


# --- routes ------------------------------------------------------------------------------------

def site_root(request: Request) -> str:
    """The site's URL on the host the client reached, without the final slash."""
    return str(request.base_url).rstrip("/")


def sitemap_xml(urls: list[str]) -> bytes:
    """A sitemap (sitemaps.org 0.9) of ``urls``; at most 50,000 (sitemap.rq's LIMIT)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def routes(site: Site) -> list[Route]:
    publication = Publication(site)
    linker = Linker(site.base)

    def void(request: Request) -> Response:
        media_type = choose(VOID_FORMATS, name=request.query_params.get("format"),
                            accept=request.headers.get("accept"))
        if media_type is None:
            return not_acceptable(VOID_FORMATS)
        dump = publication.dump()
        graph = void_graph(publication.facts(), site.base, site_root(request), dump.stat().st_size)
        return rdf_response(serialize_graph(graph, media_type, context_url(request)), media_type, Vary="Accept")

    def dump(request: Request) -> Response:
        path = publication.dump()
        # FileResponse streams the file in chunks; the name tells a browser what it downloads.
        return FileResponse(path, media_type="application/gzip", filename="coopkg.nq.gz",
                            headers={"Link": f'<{LICENSE}>; rel="license"'})

    def sitemap(request: Request) -> Response:
        root = site_root(request)
        urls = [f"{root}/"] + [root + linker.href(row["x"].value) + ".html"
                               for row in site.store.query(query_text("sitemap"), {"base": ox.Literal(site.base)})]
        return Response(sitemap_xml(urls), media_type="application/xml")

    def robots(request: Request) -> Response:
        # The SPARQL endpoint and the API are for programs; crawlers get the pages.
        return PlainTextResponse(f"User-agent: *\nDisallow: /sparql\nDisallow: /api/\n"
                                 f"Sitemap: {site_root(request)}{SITEMAP_PATH}\n")

    return [
        Route(VOID_PATH, void, methods=["GET", "HEAD"]),
        Route(DUMP_PATH, dump, methods=["GET", "HEAD"]),
        Route(SITEMAP_PATH, sitemap, methods=["GET", "HEAD"]),
        Route("/robots.txt", robots, methods=["GET", "HEAD"]),
    ]

