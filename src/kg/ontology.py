"""Where CoopKG's ontology and SHACL shapes live, loaded once per process.

>>> from kg.ontology import ontology_graph, ONTOLOGY_IRI, KG
>>> (KG.Person, None, None) in ontology_graph()
True
>>> str(ONTOLOGY_IRI)
'https://w3id.org/coopkg/ontology'

The files are ``ontology/coopkg.ttl`` and ``shapes/coopkg.ttl`` at the project root (next to
``src/``); set ``COOPKG_ONTOLOGY`` / ``COOPKG_SHAPES`` to use other copies (e.g. in an
installed deployment where the source tree is absent).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

KG = Namespace("https://w3id.org/coopkg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/coopkg/ontology")

_ROOT = Path(__file__).resolve().parents[2]


def _find(env: str, rel: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    for base in (_ROOT, Path(__file__).resolve().parent / "data", Path.cwd()):
        p = base / rel
        if p.is_file():
            return p
    return _ROOT / rel


def ontology_path() -> Path:
    """The ontology in Turtle."""
    return _find("COOPKG_ONTOLOGY", "ontology/coopkg.ttl")


def shapes_path() -> Path:
    """The SHACL shapes in Turtle."""
    return _find("COOPKG_SHAPES", "shapes/coopkg.ttl")


def _load(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=None)
def _cached(path: str) -> Graph:
    return _load(Path(path))


def ontology_graph(path: Path | None = None) -> Graph:
    """The ontology's triples, parsed once per process (don't modify the returned graph)."""
    return _cached(str(path or ontology_path()))


def shapes_graph(path: Path | None = None) -> Graph:
    """The SHACL shapes, parsed once per process (don't modify the returned graph)."""
    return _cached(str(path or shapes_path()))


@lru_cache(maxsize=None)
def _hierarchy(path: str) -> Graph:
    ont = _cached(path)
    h = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for s, o in ont.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                h.add((s, p, o))
    return h


def class_hierarchy(path: Path | None = None) -> Graph:
    """Only the named ``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` triples of the ontology: what
    a SHACL engine needs to see for ``sh:targetClass`` and ``sh:class`` to cover subclasses."""
    return _hierarchy(str(path or ontology_path()))


def classes(path: Path | None = None) -> set[URIRef]:
    """Every class the ontology declares in the kg: namespace."""
    g = ontology_graph(path)
    return {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(str(KG))}
