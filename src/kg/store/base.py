"""The one interface every store offers: replace an article's graph, query, export, stats.

Both implementations speak SPARQL 1.1 underneath; callers never know which one they hold.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Protocol

import pyoxigraph as ox

ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/coopkg/ontology")


class StoreError(Exception):
    """The store cannot be used (locked, unreachable, refused): a message for a person."""


class Store(Protocol):
    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically: readers see the old or the new graph."""

    def query(self, sparql: str, bindings: Mapping[str, ox.Term] | None = None):
        """Run a SPARQL query over the union of all named graphs; values in ``bindings`` are
        substituted as terms, never pasted into the text. Returns pyoxigraph results
        (QuerySolutions, QueryBoolean or QueryTriples)."""

    def export(self, out: IO[bytes], format: ox.RdfFormat) -> None:
        """Write every quad (a dataset format: TriG or N-Quads)."""

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs held."""

    def stats(self) -> dict[str, int]:
        """Counts a person wants to see: quads, graphs, articles, people, organisations..."""

    def close(self) -> None: ...
