"""A quick check that an article graph conforms to the shapes, so pyshacl runs only when it may not.

pyshacl costs ~20 ms per article graph (most of it per-shape, per-focus-node Python overhead)
and nearly every article conforms. :class:`QuickCheck` compiles the shapes once into plain
Python checks and answers one question: *does this graph certainly conform?* It is built to
be sound, never complete:

* "yes" only when every constraint is certainly met, with pyshacl's own rules (the datatype test
  is pyshacl's, value sets are the same, class membership follows rdf:type/rdfs:subClassOf*);
* anything it is unsure of (a value it cannot compare, a literal it cannot judge) counts as a
  possible violation, and then :class:`kg.validate.Validator` runs pyshacl, which writes the
  report: verdicts and messages always come from pyshacl when a graph does not conform;
* shapes using a feature it does not model (other targets, paths, constraint components, a
  SPARQL constraint that is not a plain monotone SELECT) make it decline every graph
  (``QuickCheck.usable`` is False), so a shapes change can make validation slower, never wrong.

The ontology's hierarchy triples take part only through class membership: no supported target,
path or SPARQL pattern can match a rdfs:subClassOf/subPropertyOf triple (checked when compiling).
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

import rdflib
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
TARGETS = {SH.targetClass, SH.targetObjectsOf, SH.targetNode, SH.targetSubjectsOf, SH.target}
# predicates of a shape that constrain nothing (or, like sh:severity, only say how a violation
# is reported: any violation is a "not certain" here)
INERT = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.name, SH.description, SH.severity,
         SH.order, SH.group, SH.targetClass, SH.targetObjectsOf, SH.property, SH.sparql}
HIERARCHY = {RDFS.subClassOf, RDFS.subPropertyOf}


class Unsupported(Exception):
    """The shapes use something the quick check does not model."""


def _datatype_ok(v, dt) -> bool:
    """pyshacl's DatatypeConstraintComponent for one value (its special cases for rdfs:Literal,
    rdfs:Datatype and rdf:langString are left out: they answer "unsure")."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
    elif not (v.datatype is None and v.language is None and dt == XSD.string):
        return False
    value = v.value
    if dt == XSD.string:
        return isinstance(value, (str, bytes))
    kinds = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
             XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    return isinstance(value, kinds[dt]) if dt in kinds else True


def _may_have_datatype(v, dt) -> bool:
    """False only when ``v`` certainly fails sh:datatype ``dt`` (for qualified counts, which
    must not be under-counted)."""
    if not isinstance(v, Literal):
        return False
    if v.language is not None:
        return dt == RDF.langString
    return v.datatype in (None, dt) or dt in (RDFS.Literal, RDFS.Datatype)


class QuickCheck:
    def __init__(self, shapes: Graph, hierarchy):
        self.usable = True
        supers: dict = defaultdict(set)
        for s, p, o in hierarchy:
            if p == RDFS.subClassOf:
                supers[s].add(o)
        self._supers = {c: self._closure(c, supers) for c in list(supers)}
        try:
            self._compile(shapes)
        except Unsupported:
            self.usable = False

    @staticmethod
    def _closure(c, supers) -> frozenset:
        seen, todo = {c}, [c]
        while todo:
            for o in supers.get(todo.pop(), ()):
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
        return frozenset(seen)

    # -- compiling -------------------------------------------------------------------------
    def _compile(self, sg: Graph) -> None:
        self.sg = sg
        # (classes, predicates whose objects are targets, property checks, SPARQL queries)
        self.shapes: list[tuple[set, set, list, list]] = []
        for shape in sorted(set(s for p in TARGETS for s in sg.subjects(p, None)), key=str):
            if set(sg.objects(shape, SH.targetNode)) or set(sg.objects(shape, SH.targetSubjectsOf)) \
                    or set(sg.objects(shape, SH.target)):
                raise Unsupported("target kind")
            if (shape, RDF.type, RDFS.Class) in sg or (shape, SH.path, None) in sg:
                raise Unsupported("implicit class target or a property shape with targets")
            if (shape, SH.deactivated, None) in sg:
                raise Unsupported("sh:deactivated")
            self._only(shape, INERT)
            classes = set(sg.objects(shape, SH.targetClass))
            objects_of = set(sg.objects(shape, SH.targetObjectsOf))
            if objects_of & HIERARCHY:
                raise Unsupported("targets among hierarchy triples")
            props = [self._property(p) for p in sorted(sg.objects(shape, SH.property), key=str)]
            queries = [self._sparql(c) for c in sg.objects(shape, SH.sparql)]
            self.shapes.append((classes, objects_of, props, queries))

    def _only(self, node, allowed) -> None:
        extra = {p for p in self.sg.predicates(node, None)} - allowed
        if extra:
            raise Unsupported(f"{node}: {sorted(extra)}")

    def _one(self, node, p):
        vals = list(self.sg.objects(node, p))
        if len(vals) > 1:
            raise Unsupported(f"{node}: several {p}")
        return vals[0] if vals else None

    def _property(self, ps):
        sg, one = self.sg, self._one
        self._only(ps, {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.name, SH.description,
                        SH.severity, SH.order, SH.group, SH.path, SH.minCount, SH.maxCount,
                        SH.nodeKind, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMaxCount,
                        SH["class"], SH.datatype, SH.lessThan, SH["in"], SH["or"]})
        path = one(ps, SH.path)
        if not isinstance(path, URIRef) or path in HIERARCHY:
            raise Unsupported(f"path {path}")
        checks = []
        if (n := one(ps, SH.minCount)) is not None:
            checks.append(("min", int(n)))
        if (n := one(ps, SH.maxCount)) is not None:
            checks.append(("max", int(n)))
        if (k := one(ps, SH.nodeKind)) is not None:
            kinds = {SH.IRI: (URIRef,), SH.Literal: (Literal,), SH.BlankNode: (BNode,),
                     SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
                     SH.IRIOrLiteral: (URIRef, Literal)}
            if k not in kinds:
                raise Unsupported(f"nodeKind {k}")
            checks.append(("kind", kinds[k]))
        if (u := one(ps, SH.uniqueLang)) is not None:
            if not (isinstance(u, Literal) and u.value is True):
                raise Unsupported("uniqueLang other than true")
            checks.append(("uniqueLang", None))
        if (q := one(ps, SH.qualifiedValueShape)) is not None:
            self._only(q, {SH.datatype, RDF.type, SH.message})
            n = one(ps, SH.qualifiedMaxCount)
            if n is None or one(q, SH.datatype) is None:
                raise Unsupported("qualified shape")
            checks.append(("qmax", (one(q, SH.datatype), int(n))))
        if (c := one(ps, SH["class"])) is not None:
            checks.append(("class", c))
        if (d := one(ps, SH.datatype)) is not None:
            checks.append(("datatype", d))
        if (lt := one(ps, SH.lessThan)) is not None:
            if not isinstance(lt, URIRef) or lt in HIERARCHY:
                raise Unsupported("lessThan")
            checks.append(("lessThan", lt))
        if (lst := one(ps, SH["in"])) is not None:
            checks.append(("in", frozenset(Collection(self.sg, lst))))
        if (lst := one(ps, SH["or"])) is not None:
            alternatives = []
            for alt in Collection(self.sg, lst):
                self._only(alt, {SH.datatype, SH["class"], RDF.type})
                d, c = one(alt, SH.datatype), one(alt, SH["class"])
                if (d is None) == (c is None):
                    raise Unsupported("sh:or alternative")
                alternatives.append(("datatype", d) if d is not None else ("class", c))
            checks.append(("or", alternatives))
        return path, checks

    def _sparql(self, c):
        """A SPARQL-based constraint as a prepared query without $this bound: run once per graph,
        any row at all is "unsure". Sound only for a monotone query whose patterns cannot match
        hierarchy triples, which is checked on its algebra."""
        self._only(c, {RDF.type, SH.message, SH.select, SH.prefixes, SH.severity})
        select = self._one(c, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        if re.search(r"\$(PATH|currentShape|shapesGraph)\b", str(select)):
            raise Unsupported("SPARQL pre-bound variable other than $this")
        prefixes = {}
        for decl_of in self.sg.objects(c, SH.prefixes):
            for d in self.sg.objects(decl_of, SH.declare):
                prefixes[str(self._one(d, SH.prefix))] = str(self._one(d, SH.namespace))
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
        q = prepareQuery(head + str(select))
        self._check_algebra(q.algebra)
        return q

    def _check_algebra(self, node) -> None:
        if isinstance(node, CompValue):
            if node.name in ("Minus", "LeftJoin", "AggregateJoin", "Group", "ToMultiSet", "values",
                             "ServiceGraphPattern", "Builtin_EXISTS", "Builtin_NOTEXISTS", "Graph",
                             "OrderBy", "Slice") \
                    or node.name.startswith("Builtin_") and "EXISTS" in node.name:
                raise Unsupported(f"SPARQL {node.name}")
            if node.name == "BGP":
                for _, p, _ in node.triples:
                    if isinstance(p, Variable) or p in HIERARCHY or not isinstance(p, URIRef):
                        raise Unsupported("SPARQL pattern that may match hierarchy triples")
            for v in node.values():
                self._check_algebra(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                self._check_algebra(v)

    # -- checking --------------------------------------------------------------------------
    def conforms(self, data: Graph) -> bool:
        """True only if ``data`` (with the hierarchy) certainly conforms to the shapes."""
        if not self.usable or isinstance(data, ConjunctiveGraph):
            return False  # (a Dataset of several articles: rare, pyshacl judges it)
        out: dict = defaultdict(lambda: defaultdict(set))  # s -> p -> objects
        by_pred: dict = defaultdict(list)  # p -> objects
        for s, p, o in data:
            if p in HIERARCHY:
                return False  # the data changes the class hierarchy: leave it to pyshacl
            out[s][p].add(o)
            by_pred[p].append(o)
        supers = self._supers
        member: dict = {}  # node -> the classes it certainly belongs to

        def classes(v) -> frozenset:
            c = member.get(v)
            if c is None:
                c = frozenset().union(*(supers.get(t, frozenset((t,))) for t in out[v][RDF.type])) \
                    if v in out and not isinstance(v, Literal) else frozenset()
                member[v] = c
            return c

        for target_classes, objects_of, props, queries in self.shapes:
            focus = set()
            if target_classes:
                focus.update(s for s in out if not target_classes.isdisjoint(classes(s)))
            for p in objects_of:
                focus.update(by_pred.get(p, ()))
            if not focus:
                continue
            for path, checks in props:
                for f in focus:
                    values = out[f][path] if f in out else set()
                    if not all(self._ok(kind, arg, values, f, out, classes) for kind, arg in checks):
                        return False
            for q in queries:
                if any(True for _ in data.query(q)):
                    return False
        return True

    @staticmethod
    def _ok(kind, arg, values, f, out, classes) -> bool:
        if kind == "min":
            return len(values) >= arg
        if kind == "max":
            return len(values) <= arg
        if kind == "kind":
            return all(isinstance(v, arg) for v in values)
        if kind == "uniqueLang":
            langs = [str(v.language).lower() for v in values if isinstance(v, Literal) and v.language]
            return len(langs) == len(set(langs))
        if kind == "qmax":
            dt, n = arg
            return sum(1 for v in values if _may_have_datatype(v, dt)) <= n
        if kind == "class":
            return all(arg in classes(v) for v in values)
        if kind == "datatype":
            return all(_datatype_ok(v, arg) for v in values)
        if kind == "in":
            return all(v in arg for v in values)
        if kind == "or":
            return all(any(arg_ in classes(v) if k == "class" else _datatype_ok(v, arg_) for k, arg_ in arg)
                       for v in values)
        if kind == "lessThan":
            others = out[f][arg] if f in out else set()
            return all(isinstance(v, Literal) and isinstance(o, Literal) and type(v.value) is int
                       and type(o.value) is int and v.value < o.value for v in values for o in others)
        raise AssertionError(kind)
