"""IRIs and the mapping of one article's extraction to its named graph (see docs/rdf-mapping.md)."""
from .mapping import article_iri, to_graph, to_oxigraph

__all__ = ["article_iri", "to_graph", "to_oxigraph"]
