"""The store contract, on both implementations: embedded pyoxigraph and a real Oxigraph server."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import (
    ONTOLOGY_GRAPH,
    EmbeddedStore,
    RemoteStore,
    StoreError,
    load_ontology,
    open_store,
)

KG = "https://w3id.org/coopkg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
HEADLINE = ox.NamedNode("https://schema.org/headline")
BASE = "http://localhost:8000/id/"
A1 = ox.NamedNode(BASE + "article/1")
A2 = ox.NamedNode(BASE + "article/2")
NASTY = 'x" } ; DROP ALL ; #'


def kg(name: str) -> ox.NamedNode:
    return ox.NamedNode(KG + name)


def ex(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + path)


def T(s, p, o) -> ox.Triple:
    return ox.Triple(s, p, o)


ONTOLOGY = [
    T(kg("Visit"), SUBCLASS, kg("Event")),
    T(kg("Meeting"), SUBCLASS, kg("Event")),
    T(kg("OrganisationalUnit"), SUBCLASS, kg("Organisation")),
    T(kg("MemorandumOfUnderstanding"), SUBCLASS, kg("Agreement")),
]


def article(art: ox.NamedNode, title: str, *extra: ox.Triple) -> list[ox.Triple]:
    return [
        T(art, RDF_TYPE, kg("Article")),
        T(art, HEADLINE, ox.Literal(title, language="en")),
        *extra,
    ]


@pytest.fixture(params=["embedded", "remote"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "store")
    else:
        s = RemoteStore(request.getfixturevalue("oxigraph_server"), timeout=10)
    yield s
    s.close()


def count(store, sparql: str, bindings=None) -> int:
    return int(next(iter(store.query(sparql, bindings)))["n"].value)


def test_open_store_picks_implementation(tmp_path):
    s = open_store(tmp_path / "db")
    assert isinstance(s, EmbeddedStore)
    s.close()
    r = open_store("http://127.0.0.1:1/")
    assert isinstance(r, RemoteStore)
    assert (r.query_url, r.update_url) == ("http://127.0.0.1:1/query", "http://127.0.0.1:1/update")
    f = RemoteStore("http://h:3030/ds/sparql")
    assert (f.query_url, f.update_url, f.graph_store_url) == (
        "http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data")


def test_replace_twice_keeps_only_second(store):
    store.replace_graph(A1, article(A1, "First version", T(ex("org/a"), LABEL, ox.Literal("A"))))
    store.replace_graph(A1, article(A1, "Second version"))
    titles = [r["h"].value for r in store.query(f"SELECT ?h WHERE {{ {A1} <{HEADLINE.value}> ?h }}")]
    assert titles == ["Second version"]
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == 2
    assert store.graphs() == [A1]


def test_graphs_are_independent(store):
    store.replace_graph(A1, article(A1, "One"))
    store.replace_graph(A2, article(A2, "Two"))
    store.replace_graph(A1, article(A1, "One again"))
    assert store.graphs() == [A1, A2]
    q = "SELECT ?h WHERE { GRAPH ?g { ?a <https://schema.org/headline> ?h } }"
    two = [r["h"].value for r in store.query(q, {"g": A2})]
    assert two == ["Two"]
    store.replace_graph(A2, [])
    assert store.graphs() == [A1]


def test_query_union_with_binding(store):
    load_ontology(store, ONTOLOGY)
    visit = ex("event/1-1")
    store.replace_graph(A1, article(
        A1, "Visit", T(visit, RDF_TYPE, kg("Visit")), T(visit, LABEL, ox.Literal("Visit to ICEKI", language="en"))))
    store.replace_graph(A2, article(A2, "Other"))
    # the join spans the article graph and the ontology graph: only the union default graph allows it
    q = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?e WHERE {{ ?e a/rdfs:subClassOf* <{KG}Event> ; rdfs:label ?label }}"""
    rows = list(store.query(q, {"label": ox.Literal("Visit to ICEKI", language="en")}))
    assert [r["e"] for r in rows] == [visit]
    assert list(store.query(q, {"label": ox.Literal("Visit to ICEKI")})) == []  # no language tag
    # bindings also reach FILTERs and aggregates of the WHERE group
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t FILTER(?t = ?want) }",
                 {"want": kg("Article")}) == 2
    assert bool(store.query("ASK { ?a <https://schema.org/headline> ?h }", {"h": ox.Literal("Other", language="en")}))
    triples = list(store.query("CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o }", {"a": A2}))
    assert len(triples) == 2 and all(isinstance(t, ox.Triple) for t in triples)


def test_binding_cannot_inject(store):
    store.replace_graph(A1, article(A1, NASTY))
    store.replace_graph(A2, article(A2, "Plain"))
    before = store.stats()["quads"]
    q = "SELECT ?a WHERE { ?a <https://schema.org/headline> ?h }"
    assert [r["a"] for r in store.query(q, {"h": ox.Literal(NASTY, language="en")})] == [A1]
    assert list(store.query(q, {"?h": ox.Literal(NASTY)})) == []
    assert store.stats()["quads"] == before
    with pytest.raises(ValueError):
        store.query(q, {"h} ; DROP ALL": ox.Literal("x")})
    with pytest.raises(TypeError):
        store.query(q, {"h": NASTY})  # raw text is refused: bindings are terms


def test_export_trig_round_trips(store):
    load_ontology(store, ONTOLOGY)
    store.replace_graph(A1, article(A1, 'Quotes " and \\ and \n newline'))
    store.replace_graph(A2, article(A2, "Two", T(ox.BlankNode(), LABEL, ox.Literal("anon"))))
    for fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        out = io.BytesIO()
        store.export(out, fmt)
        quads = list(ox.parse(out.getvalue(), fmt))
        assert len(quads) == store.stats()["quads"] == len(ONTOLOGY) + 5
        assert {q.graph_name for q in quads} == {ONTOLOGY_GRAPH, A1, A2}
    with pytest.raises(ValueError):
        store.export(io.BytesIO(), ox.RdfFormat.TURTLE)


def test_stats(store):
    load_ontology(store, ONTOLOGY)
    store.replace_graph(A1, article(
        A1, "One",
        T(ex("person/a"), RDF_TYPE, kg("Person")),
        T(ex("person/b"), RDF_TYPE, kg("Person")),
        T(ex("org/x"), RDF_TYPE, kg("Organisation")),
        T(ex("org/x/u"), RDF_TYPE, kg("OrganisationalUnit")),
        T(ex("post/1"), RDF_TYPE, kg("Membership")),
        T(ex("event/1-1"), RDF_TYPE, kg("Visit")),
        T(ex("event/1-2"), RDF_TYPE, kg("Meeting")),
        T(ex("agreement/1"), RDF_TYPE, kg("MemorandumOfUnderstanding")),
    ))
    store.replace_graph(A2, article(A2, "Two", T(ex("person/a"), RDF_TYPE, kg("Person"))))
    assert store.stats() == {
        "quads": len(ONTOLOGY) + 10 + 3,
        "named_graphs": 3,
        "articles": 2,
        "people": 2,
        "organisations": 2,
        "memberships": 1,
        "events": 2,
        "agreements": 1,
    }


def test_malformed_query_is_syntax_error(store):
    with pytest.raises(SyntaxError):
        store.query("SELECT * WHERE { ?s ?p ")


def _child_env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


def test_locked_store_gives_clear_error(tmp_path):
    path = tmp_path / "store"
    holder = EmbeddedStore(path)
    holder.replace_graph(A1, article(A1, "Held"))
    holder._store.flush()
    code = textwrap.dedent(f"""
        from kg.store import open_store, StoreError
        try:
            open_store({str(path)!r})
        except StoreError as e:
            print("StoreError:", e)
        s = open_store({str(path)!r}, read_only=True)
        print("read-only graphs:", len(s.graphs()))
        try:
            s.replace_graph(s.graphs()[0], [])
        except StoreError as e:
            print("StoreError:", e)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=20, env=_child_env())
    finally:
        holder.close()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"StoreError: store {path} is in use by another process (")
    assert "Traceback" not in done.stderr
    assert lines[1] == "read-only graphs: 1"
    assert "read-only" in lines[2]


def test_read_only_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "nothing", read_only=True)


def test_remote_unreachable(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    store = RemoteStore(f"http://127.0.0.1:{port}", timeout=5)
    t0 = time.monotonic()
    with pytest.raises(StoreError, match=f"cannot reach SPARQL server http://127.0.0.1:{port}/query"):
        store.query("ASK {}")
    with pytest.raises(StoreError, match="cannot reach SPARQL server"):
        store.replace_graph(A1, article(A1, "x"))
    assert time.monotonic() - t0 < 5


def test_remote_http_error_carries_server_message(oxigraph_server):
    store = RemoteStore(oxigraph_server, update_url=oxigraph_server + "/nowhere")
    with pytest.raises(StoreError, match="404"):
        store.replace_graph(A1, article(A1, "x"))


def test_replace_is_atomic_for_readers(store):
    """A reader racing a writer only ever sees a whole graph (200 triples), never a gap."""
    import threading

    def version(v: int) -> list[ox.Triple]:
        return [T(ex(f"s{i}"), LABEL, ox.Literal(f"{v}-{i}")) for i in range(200)]

    store.replace_graph(A1, version(0))
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            v = 1
            while not stop.is_set():
                store.replace_graph(A1, version(v))
                v += 1
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=writer)
    t.start()
    seen = set()
    deadline = time.monotonic() + 1.0
    try:
        while time.monotonic() < deadline:
            seen.add(count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {A1} {{ ?s ?p ?o }} }}"))
    finally:
        stop.set()
        t.join(timeout=10)
    assert not errors
    assert seen == {200}


def test_periodic_flush_keeps_every_graph_and_the_union(tmp_path):
    """The embedded store flushes its memtables every ``flush_every`` writes (RSS stays flat);
    what is stored is the same as without flushing, and survives reopening."""
    def write(s):
        for k in range(7):
            art = ex(f"article/{k}")
            s.replace_graph(art, article(art, f"title {k}", T(ex("person/1"), LABEL, ox.Literal("P"))))
        s.replace_graph(ex("article/3"), article(ex("article/3"), "again"))

    flushed = EmbeddedStore(tmp_path / "flushed", flush_every=2)
    plain = EmbeddedStore(tmp_path / "plain", flush_every=0)
    write(flushed)
    write(plain)
    assert flushed._writes == plain._writes == 8
    quads = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = lambda s: sorted(tuple(str(r[v]) for v in "spog") for r in s._store.query(quads))  # noqa: E731
    assert rows(flushed) == rows(plain)
    assert count(flushed, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 7 * 2 + 1
    plain.close()
    flushed.close()
    with EmbeddedStore(tmp_path / "flushed", read_only=True) as again:
        assert len(again.graphs()) == 7
        assert count(again, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 15
