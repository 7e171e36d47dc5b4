"""The SHACL gate: an article graph goes into the store only if it conforms to ``shapes/coopkg.ttl``.

>>> from rdflib import Graph
>>> from kg.validate import Validator
>>> data = Graph().parse(format="turtle", data='''
... @prefix kg: <https://w3id.org/coopkg/ontology#> .
... @prefix org: <http://www.w3.org/ns/org#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <http://localhost:8000/id/org/unesco> a kg:Organisation ; rdfs:label "UNESCO" .
... <http://localhost:8000/id/org/unesco/science-sector> a kg:OrganisationalUnit ;
...     rdfs:label "Natural Sciences Sector" ;
...     org:subOrganizationOf <http://localhost:8000/id/org/unesco> .
... <http://localhost:8000/id/person/jane-doe> a kg:Person ; rdfs:label "Jane Doe", "J. Doe" .
... ''')
>>> v = Validator()          # parses shapes and ontology once; reuse it for every article
>>> report = v.validate(data)
>>> report.conforms
False
>>> print(report)  # doctest: +NORMALIZE_WHITESPACE
http://localhost:8000/id/person/jane-doe  rdfs:label  More than one rdfs:label without a language tag:
keep one preferred label and move the others to skos:altLabel.

How it is fast enough for ingest (see ``bench/validate.py``):

* shapes and the ontology are parsed once per :class:`Validator`; the ontology is reduced to
  its named ``rdfs:subClassOf``/``rdfs:subPropertyOf`` triples (what ``sh:targetClass`` and
  ``sh:class`` need to see subclasses), which are added to a *copy* of the data graph: the
  caller's graph is never modified, and no inference is run;
* one pyshacl validator object is kept, so shapes are harvested once, not per article;
* SPARQL-based constraints are parsed once (rdflib re-parses query text on every call otherwise);
* a graph that certainly conforms (a sound check of the compiled shapes, ``kg.quickcheck``) is
  not given to pyshacl at all; every report with problems is pyshacl's.

Validate article graphs one at a time (or a batch of different articles), not the whole store:
across articles the same agreement may carry different kg:status values and the same entity
different preferred labels, which the shapes (one status, one plain label) rightly reject
within one article graph.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import ConjunctiveGraph, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.ontology import class_hierarchy, shapes_graph
from kg.quickcheck import QuickCheck

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

_PREFIXES = {
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "https://w3id.org/coopkg/ontology#": "kg:",
    "http://www.w3.org/ns/org#": "org:",
    "https://schema.org/": "schema:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#": "nif:",
}


def _short(iri: str) -> str:
    for ns, prefix in _PREFIXES.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


@dataclass(frozen=True)
class Problem:
    """One SHACL validation result.

    ``node`` is the focus node (an IRI, or ``_:id`` for a blank node); ``path`` the property's
    full IRI (None for node-level results); ``severity`` "Violation", "Warning" or "Info".
    """

    node: str
    path: str | None
    message: str
    severity: str
    value: str | None = field(default=None, compare=False)  # the offending value, if any
    shape: str | None = field(default=None, compare=False)  # the source shape, for debugging

    def __str__(self) -> str:
        return f"{self.node}  {_short(self.path) if self.path else '-'}  {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    problems: list[Problem]

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems) if self.problems else "conforms"

    def __bool__(self) -> bool:  # "if report:" reads as "if it conforms"
        return self.conforms


class _PreparedQueryGraph(Graph):
    """A Graph whose ``query`` parses each distinct query text only once (pyshacl passes the
    SPARQL constraint's text on every focus node; parsing costs rdflib ~50 ms, evaluating ~1 ms)."""

    _prepared: dict[str, object] = {}
    _lock = threading.Lock()

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            q = self._prepared.get(query_object)
            if q is None:
                q = prepareQuery(query_object)
                with self._lock:
                    self._prepared[query_object] = q
            query_object = q
        return super().query(query_object, *args, **kwargs)


def _speed_up_pyshacl() -> None:
    """pyshacl looks every shape predicate up in a *list* of constraint parameters (a linear scan
    of rdflib term comparisons, a third of its time on our shapes). Same members, as a set."""
    try:
        import pyshacl.shape as shape_mod
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

        if not isinstance(getattr(shape_mod, "CONSTRAINT_PARAMS", (None,))[0], frozenset):
            shape_mod.CONSTRAINT_PARAMS = (frozenset(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    except Exception:  # pragma: no cover - a pyshacl without these internals: just slower
        pass


class Validator:
    """Validates article graphs against CoopKG's SHACL shapes. Create once, reuse; thread-safe."""

    def __init__(self, shapes: Path | None = None, ontology: Path | None = None):
        _speed_up_pyshacl()
        # SimpleMemory: rdflib's store without named-graph bookkeeping, ~2x faster lookups.
        self._shapes = Graph(store="SimpleMemory")
        for t in shapes_graph(shapes):
            self._shapes.add(t)
        for prefix, ns in shapes_graph(shapes).namespaces():
            self._shapes.bind(prefix, ns, override=True)
        self._hierarchy = list(class_hierarchy(ontology))
        # most graphs conform: a sound pure-Python check spares them pyshacl (see quickcheck.py)
        self._quick = QuickCheck(self._shapes, self._hierarchy)
        self._pv = None
        self._lock = threading.Lock()
        if not self._quick.usable:  # every graph goes to pyshacl: harvest shapes and parse SPARQL now
            self.validate(_warm_up_graph())
        # else pyshacl is set up by the first graph that may not conform (~0.3 s; often none does)

    def _working_copy(self, data: Graph) -> Graph:
        g = _PreparedQueryGraph()
        add = g.add
        if isinstance(data, ConjunctiveGraph):  # a Dataset: the union of its graphs
            for s, p, o, _ in data.quads((None, None, None, None)):
                add((s, p, o))
        else:
            for t in data:
                add(t)
        for t in self._hierarchy:
            add(t)
        return g

    def _run(self, g: Graph) -> Graph:
        from pyshacl import Validator as PyValidator
        from pyshacl.graph_abstraction import DataGraph

        dg = DataGraph.from_rdflib(g)
        options = {"inference": "none", "inplace": True, "advanced": False}
        with self._lock:
            try:
                if self._pv is None:
                    self._pv = PyValidator(dg, shacl_graph=self._shapes, options=options)
                else:
                    self._pv.data_graph = dg
                    self._pv._target_graph = None
                    self._pv.inplace = True
                _, results, _ = self._pv.run()
            except Exception:
                self._pv = None  # don't reuse a validator left in an unknown state
                raise
        return results

    def validate(self, data: Graph) -> Report:
        """Validate one article graph, or several at once (a bigger Graph, or a Dataset: the union
        of its named graphs is validated). ``data`` is not modified."""
        if self._quick.conforms(data):
            return Report(conforms=True, problems=[])  # what pyshacl reports for such a graph
        results = self._run(self._working_copy(data))
        problems = []
        for r in results.objects(None, SH.result):
            focus = results.value(r, SH.focusNode)
            path = results.value(r, SH.resultPath)
            msgs = list(results.objects(r, SH.resultMessage))
            msg = next((str(m) for m in msgs if getattr(m, "language", None) in (None, "en")), None)
            if msg is None:
                comp = results.value(r, SH.sourceConstraintComponent)
                msg = str(msgs[0]) if msgs else f"violates {_short(str(comp))}"
            sev = results.value(r, SH.resultSeverity)
            value = results.value(r, SH.value)
            shape = results.value(r, SH.sourceShape)
            problems.append(
                Problem(
                    node=_node_str(focus),
                    path=str(path) if isinstance(path, URIRef) else (None if path is None else "(complex path)"),
                    message=msg,
                    severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
                    value=None if value is None else (str(value) if not isinstance(value, rdflib.BNode) else "_:" + value),
                    shape=None if shape is None else (str(shape) if isinstance(shape, URIRef) else None),
                )
            )
        problems.sort(key=lambda p: (p.node, p.path or "", p.message))
        conforms = not problems
        return Report(conforms=conforms, problems=problems)


def _warm_up_graph() -> Graph:
    """An event with both dates (so the SPARQL constraint gets parsed) and nothing else."""
    g = Graph()
    e = URIRef("urn:coopkg:warm-up")
    schema = rdflib.Namespace("https://schema.org/")
    g.add((e, rdflib.RDF.type, URIRef("https://w3id.org/coopkg/ontology#Event")))
    g.add((e, schema.startDate, rdflib.Literal("2024-01-01", datatype=rdflib.XSD.date)))
    g.add((e, schema.endDate, rdflib.Literal("2024-01-02", datatype=rdflib.XSD.date)))
    return g


def _node_str(n) -> str:
    if n is None:
        return "-"
    if isinstance(n, rdflib.BNode):
        return "_:" + str(n)
    return str(n)


__all__ = ["Problem", "Report", "Validator"]

