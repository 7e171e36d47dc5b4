"""The audit record of a resolution decision: a ``kg:Resolution`` in the graph whose node it explains."""
from __future__ import annotations

import pyoxigraph as ox

from ..naming import entity_hash

KG = "https://w3id.org/coopkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


def resolution_iri(article: str, entity: str, rule: str) -> str:
    """One record per entity and rule in an article's graph."""
    return f"{article}#resolution-{entity_hash(entity, rule)}"


def resolution_triples(article: str, entity: str, rule: str, why: str, names: list[str],
                       merged: list[str] = ()) -> list[ox.Triple]:
    """The audit record of one resolution decision (a ``kg:Resolution``), kept in ``article``'s graph.

    >>> ts = resolution_triples("http://x/article/a", "http://x/org/iceki", "acronym",
    ...                         "acronym ICEKI introduced for ...", ["ICEKI", "International Centre ..."])
    >>> sorted({t.predicate.value.rsplit("#", 1)[-1] for t in ts})
    ['comment', 'mergedName', 'resolvedEntity', 'rule', 'type']
    """
    node = ox.NamedNode(resolution_iri(article, entity, rule))
    out = [ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(KG + "Resolution")),
           ox.Triple(node, ox.NamedNode(KG + "resolvedEntity"), ox.NamedNode(entity)),
           ox.Triple(node, ox.NamedNode(KG + "rule"), ox.Literal(rule)),
           ox.Triple(node, ox.NamedNode(RDFS_COMMENT), ox.Literal(why))]
    out += [ox.Triple(node, ox.NamedNode(KG + "mergedName"), ox.Literal(n)) for n in names]
    out += [ox.Triple(node, ox.NamedNode(KG + "mergedIri"), ox.NamedNode(m)) for m in merged]
    return out
