"""The one interface every store offers: replace an article's graph, query, export, stats.

Both implementations speak SPARQL 1.1 underneath; callers never know which one they hold.
Results are always pyoxigraph objects (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``),
whether they come from the embedded store or were parsed from a server's response.

Atomic replacement of a graph is done the same way on both stores: ONE SPARQL Update request

    DROP SILENT GRAPH <g> ;
    INSERT DATA { GRAPH <g> { ...triples in N-Triples syntax... } }

which Oxigraph (embedded and server) and Fuseki run as one transaction. pyoxigraph 0.5 has no
Python transaction object, ``Store.extend`` is atomic only for the insertion, and Oxigraph
server's Graph Store PUT clears the graph and loads the new one in two separate transactions, so
a reader may see the graph empty in between; the single update has none of these gaps. The terms
are written with ``str(term)`` of pyoxigraph terms, which is N-Triples syntax with every quote,
backslash and newline escaped, so no value can end the data block early.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import IO, Protocol, Union

import pyoxigraph as ox

ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/coopkg/ontology")
# The union of all named graphs as a set, kept up to date by every write (both stores). A
# server's own union default graph (and pyoxigraph 0.5's use_default_graph_as_union) returns a
# triple once per graph holding it (Oxigraph issue #1919), so COUNTs and plain SELECTs over
# entities named in many articles would repeat rows. Hidden from graphs(), export() and GRAPH ?g.
UNION = ox.NamedNode("urn:x-coopkg:union")
KG = "https://w3id.org/coopkg/ontology#"

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Bindings = Mapping[Union[str, ox.Variable], Term]


class StoreError(Exception):
    """The store cannot be used (locked, unreachable, refused): a message for a person."""


class Store(Protocol):
    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically: readers see the old or the new graph.
        Quads are accepted too; their graph name is ignored."""

    def query(self, sparql: str, bindings: Bindings | None = None):
        """Run a SPARQL query over the union of all named graphs; values in ``bindings``
        (variable name, ``?`` optional -> pyoxigraph NamedNode or Literal) are serialised by
        pyoxigraph into a VALUES block at the start of the WHERE group, never pasted as raw text
        (the same on every store; blank nodes cannot be bound). Returns pyoxigraph results (QuerySolutions, QueryBoolean or QueryTriples).
        A malformed query raises SyntaxError."""

    def export(self, out: IO[bytes], format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        """Write every quad (a dataset format: TriG or N-Quads)."""

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs held."""

    def stats(self) -> dict[str, int]:
        """Counts a person wants to see: quads, named_graphs, articles, people, organisations,
        memberships, events, agreements."""

    def close(self) -> None: ...


def load_ontology(store: Store, triples: Iterable[ox.Triple | ox.Quad]) -> None:
    """Replace the ontology graph (``ONTOLOGY_GRAPH``) with ``triples``."""
    store.replace_graph(ONTOLOGY_GRAPH, triples)


# --- helpers shared by the implementations -------------------------------------------------

def replace_and_union_update(graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """The single SPARQL Update that replaces ``graph`` and keeps ``UNION`` the set of all triples:
    the old graph's triples held by no other graph leave it, the new ones join it."""
    if graph == UNION:
        raise ValueError(f"{UNION} is reserved")
    return (
        f"DELETE {{ GRAPH {UNION} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER (?h NOT IN ({graph}, {UNION})) }} }} ;\n"
        + replace_graph_update(graph, triples, also=UNION)
    )


BUILD_UNION_UPDATE = f"INSERT {{ GRAPH {UNION} {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {UNION}) }}"


def replace_graph_update(graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad],
                         also: ox.NamedNode | None = None) -> str:
    """The single SPARQL Update that atomically makes ``graph`` hold exactly ``triples`` (and adds
    them to the graph ``also``, if given)."""
    if not isinstance(graph, ox.NamedNode):
        raise TypeError(f"graph must be a pyoxigraph NamedNode, not {type(graph).__name__}")
    lines = []
    for t in triples:
        if not isinstance(t, (ox.Triple, ox.Quad)):
            raise TypeError(f"expected pyoxigraph Triple or Quad, not {type(t).__name__}")
        lines.append(f"{t.subject} {t.predicate} {t.object} .")
    update = f"DROP SILENT GRAPH {graph}"
    if lines:
        body = "\n".join(lines)
        extra = f" GRAPH {also} {{\n{body}\n}}" if also is not None else ""
        update += f" ;\nINSERT DATA {{ GRAPH {graph} {{\n{body}\n}}{extra} }}"
    return update


_VARNAME = re.compile(r"^[A-Za-z_0-9\u00B7\u00C0-\uFFFF][A-Za-z_0-9\u00B7\u00C0-\uFFFF]*$")


def normalise_bindings(bindings: Bindings | None) -> dict[str, Term]:
    """``{"name": term}`` with checked variable names and pyoxigraph terms."""
    out: dict[str, Term] = {}
    for key, value in (bindings or {}).items():
        name = key.value if isinstance(key, ox.Variable) else str(key).lstrip("?$")
        if not _VARNAME.match(name):
            raise ValueError(f"invalid SPARQL variable name: {key!r}")
        if not isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
            raise TypeError(
                f"binding for ?{name} must be a pyoxigraph term (NamedNode, Literal...), "
                f"not {type(value).__name__}"
            )
        out[name] = value
    return out


STATS_CLASSES = {
    "articles": "Article",
    "people": "Person",
    "organisations": "Organisation",
    "memberships": "Membership",
    "events": "Event",
    "agreements": "Agreement",
}

STATS_CLASS_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {\n"
    "  VALUES ?c { " + " ".join(f"<{KG}{c}>" for c in STATS_CLASSES.values()) + " }\n"
    "  ?x a/rdfs:subClassOf* ?c .\n"
    "} GROUP BY ?c"
)
STATS_QUAD_QUERY = (
    "SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?g) AS ?graphs) "
    "WHERE { GRAPH ?g { ?s ?p ?o } }"
)


def compute_stats(store: Store, quads: int | None = None, named_graphs: int | None = None) -> dict[str, int]:
    """Stats through SPARQL on the union default graph (subclasses counted through the ontology
    graph with ``rdfs:subClassOf*``)."""
    if quads is None or named_graphs is None:
        row = next(iter(store.query(STATS_QUAD_QUERY)))
        quads = int(row["quads"].value)
        named_graphs = int(row["graphs"].value)
    stats = {"quads": quads, "named_graphs": named_graphs}
    by_class = {
        row["c"].value: int(row["n"].value) for row in store.query(STATS_CLASS_QUERY)
    }
    for key, cls in STATS_CLASSES.items():
        stats[key] = by_class.get(KG + cls, 0)
    return stats
