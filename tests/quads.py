"""Comparing stores by their quads: the helper the ingest and remote-store tests share."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph


def canonical_quads(nquads: bytes | str) -> list[tuple[str, str, str, str]]:
    """The quads of an N-Quads document, sorted, with blank nodes relabelled canonically per
    graph (the ontology graph has OWL blank nodes whose labels change on every load)."""
    if isinstance(nquads, str):
        nquads = nquads.encode("utf-8")
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        by_graph[str(q.graph_name)].append(q)
    out = []
    for g, quads in by_graph.items():
        if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            rg = rdflib.Graph()
            rg.parse(data="\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads), format="nt")
            out += [(s.n3(), p.n3(), o.n3(), g) for s, p, o in to_canonical_graph(rg)]
        else:
            out += [(str(q.subject), str(q.predicate), str(q.object), g) for q in quads]
    return sorted(out)
