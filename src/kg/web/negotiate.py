"""Content negotiation shared by the endpoint, the resource pages and the API.

A format is chosen from, in order: an explicit ``format`` name (query parameter or file suffix),
then the request's ``Accept`` header (q-values honoured, via python-mimeparse). ``None`` means
nothing fits: the caller answers 406.

>>> choose(TABLE_FORMATS, accept="text/csv;q=0.9, application/sparql-results+json")
'application/sparql-results+json'
>>> choose(TABLE_FORMATS, accept="text/*")
'text/csv'
>>> choose(TABLE_FORMATS, name="tsv")
'text/tab-separated-values'
>>> choose(TABLE_FORMATS, accept="image/png") is None
True
>>> choose(GRAPH_FORMATS, accept="")  # no Accept header: the first one
'text/turtle'
"""
from __future__ import annotations

import mimeparse
import pyoxigraph as ox

# media type -> (short names accepted in ``format=`` / file suffixes, pyoxigraph format);
# the first entry of each table is the default when the client accepts anything.
TABLE_FORMATS: dict[str, tuple[tuple[str, ...], ox.QueryResultsFormat]] = {
    "application/sparql-results+json": (("json", "srj"), ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": (("xml", "srx"), ox.QueryResultsFormat.XML),
    "text/csv": (("csv",), ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": (("tsv",), ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS: dict[str, tuple[tuple[str, ...], ox.RdfFormat]] = {
    "text/turtle": (("ttl", "turtle"), ox.RdfFormat.TURTLE),
    "application/n-triples": (("nt", "ntriples", "n-triples"), ox.RdfFormat.N_TRIPLES),
    "application/ld+json": (("jsonld", "json-ld", "json"), ox.RdfFormat.JSON_LD),
    "application/rdf+xml": (("rdf", "xml", "rdfxml", "owl"), ox.RdfFormat.RDF_XML),
    "application/trig": (("trig",), ox.RdfFormat.TRIG),
    "application/n-quads": (("nq", "nquads", "n-quads"), ox.RdfFormat.N_QUADS),
}
# Also understood in Accept headers: common aliases of the types above.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


def choose(formats: dict, *, name: str | None = None, accept: str | None = None) -> str | None:
    """The media type of ``formats`` to answer with, or ``None`` if nothing fits.

    ``name`` (a ``format=`` value, short name or media type) wins over ``accept``.
    """
    if name:
        name = name.strip().lower()
        for media_type, (names, _) in formats.items():
            if name == media_type or name in names:
                return media_type
        alias = ALIASES.get(name)
        return alias if alias in formats else None
    if not accept or not accept.strip():
        return next(iter(formats))
    offered = list(formats) + [a for a, target in ALIASES.items() if target in formats]
    # mimeparse prefers later entries on ties: offer ours in reverse so the first listed wins.
    try:
        best = mimeparse.best_match(list(reversed(offered)), accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        return None
    if not best:
        return None
    return ALIASES.get(best, best) if best not in formats else best
