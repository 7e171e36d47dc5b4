"""The quick conformance check never says "conforms" where pyshacl does not, and it says so for
the real article graphs pyshacl accepts (so it spares them pyshacl)."""
from __future__ import annotations

import random
from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef

from kg.article import Article
from kg.extract.pipeline import extract
from kg.rdf import to_graph
from kg.resolve import assign_keys
from kg.sources import read
from kg.validate import Validator

ROOT = Path(__file__).resolve().parents[1]


def _article_graphs() -> list[Graph]:
    arts = [a for a in read([ROOT / "data" / "articles"]) if isinstance(a, Article)]
    out = []
    for ex in extract(arts):
        assign_keys(ex.entities, ex.article.id)
        out.append(to_graph(ex, "http://localhost:8000/id/"))
    return out


def _variants(g: Graph, rnd: random.Random, n: int) -> list[Graph]:
    """Graphs a little off: triples dropped, objects swapped, literals retyped or mangled."""
    triples = list(g)
    out = []
    for _ in range(n):
        v = Graph()
        for t in triples:
            v.add(t)
        for _ in range(rnd.randint(1, 3)):
            s, p, o = rnd.choice(triples)
            kind = rnd.randrange(4)
            if kind == 0:
                v.remove((s, p, o))
            elif kind == 1:
                v.add((s, p, rnd.choice(triples)[2]))
            elif kind == 2 and isinstance(o, Literal):
                v.remove((s, p, o))
                v.add((s, p, Literal(str(o), datatype=rnd.choice([XSD.date, XSD.integer, XSD.string, None]))))
            else:
                v.add((s, p, URIRef(str(s) + "-x")))
        out.append(v)
    return out


def test_quick_check_agrees_with_pyshacl():
    v = Validator()
    quick = v._quick
    assert quick.usable
    rnd = random.Random(7)
    graphs = _article_graphs()
    assert all(quick.conforms(g) for g in graphs)  # real graphs conform and are spared pyshacl
    rejected = 0
    for g in graphs:
        for variant in _variants(g, rnd, 8):
            verdict = v._run(v._working_copy(variant))  # pyshacl, bypassing the quick check
            conforms = not any(True for _ in verdict.objects(None, URIRef("http://www.w3.org/ns/shacl#result")))
            if quick.conforms(variant):
                assert conforms, sorted(variant)[:5]
            rejected += not conforms
    assert rejected > 10  # the variants do exercise the shapes
