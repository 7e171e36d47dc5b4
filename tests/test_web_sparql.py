"""The SPARQL 1.1 Protocol endpoint of ``kg serve`` (``/sparql``), through real clients
(SPARQLWrapper, httpx) against a running server on the demo store. Expected values come from the
store itself, opened read-only here."""
from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from conftest import kg_serve

pytestmark = [  # rdflib's own parsers use its deprecated classes; SPARQLWrapper warns of format=json on CONSTRUCT
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning"),
]

UNION = "urn:x-coopkg:union"
ONTOLOGY = "https://w3id.org/coopkg/ontology"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
# 2,791 triples cubed: runs for hours (measured: still running after 5 min), far past any limit
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def expected(demo_store) -> dict:
    """Facts about the demo store, read directly: triples in the union, named graphs, and the
    largest article graph with its triple count."""
    store = ox.Store.read_only(str(demo_store))
    graphs = sorted(g.value for g in store.named_graphs() if g.value != UNION)
    sizes = {g: len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in graphs}
    articles = sorted((g for g in graphs if g != ONTOLOGY), key=lambda g: -sizes[g])
    union = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(UNION))))
    del store
    assert len(articles) >= 3 and union > 1000
    return {"union": union, "graphs": graphs, "sizes": sizes, "a": articles[0], "b": articles[1]}


def client(url: str, query: str, fmt: str = JSON, method: str | None = None) -> SPARQLWrapper:
    w = SPARQLWrapper(f"{url}/sparql", returnFormat=fmt)
    w.setQuery(query)
    if method:
        w.setMethod(POST)
        w.setRequestMethod(method)
    return w


def count_of(doc: dict) -> int:
    return int(doc["results"]["bindings"][0]["n"]["value"])


# --- the three ways of sending a query, and the dataset -------------------------------------

@pytest.mark.parametrize("method", [None, "urlencoded", POSTDIRECTLY])
def test_select_by_get_form_and_direct_post(demo_server, expected, method):
    result = client(demo_server, COUNT, method=method).query()
    assert result.response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert count_of(result.convert()) == expected["union"]


def test_named_graphs_are_the_article_graphs_never_the_union(demo_server, expected):
    rows = client(demo_server, GRAPHS).queryAndConvert()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == expected["graphs"]
    assert ONTOLOGY in expected["graphs"] and UNION not in expected["graphs"]
    # even when asked for by name
    w = client(demo_server, "SELECT ?g { GRAPH ?g { } }")
    w.addNamedGraph(UNION)
    assert w.queryAndConvert()["results"]["bindings"] == []


def test_default_graph_uri_overrides_from(demo_server, expected):
    a, b = expected["a"], expected["b"]
    w = client(demo_server, f"SELECT (COUNT(*) AS ?n) FROM <{a}> WHERE {{ ?s ?p ?o }}")
    assert count_of(w.queryAndConvert()) == expected["sizes"][a]  # FROM alone is honoured
    w.addDefaultGraph(b)
    assert count_of(w.queryAndConvert()) == expected["sizes"][b]
    w.addDefaultGraph(a)  # repeatable: the default graph is the merge
    merged = count_of(w.queryAndConvert())
    assert max(expected["sizes"][a], expected["sizes"][b]) < merged <= expected["sizes"][a] + expected["sizes"][b]


def test_named_graph_uri_overrides_from_named(demo_server, expected):
    a, b = expected["a"], expected["b"]
    w = client(demo_server, f"SELECT ?g FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ }} }} ORDER BY ?g")
    assert [r["g"]["value"] for r in w.queryAndConvert()["results"]["bindings"]] == [ONTOLOGY]
    w.addNamedGraph(a)
    w.addNamedGraph(b)
    assert [r["g"]["value"] for r in w.queryAndConvert()["results"]["bindings"]] == sorted([a, b])
    # only named graphs given: the default graph is empty (SPARQL 1.1 Protocol 2.1.4)
    w.setQuery(COUNT)
    assert count_of(w.queryAndConvert()) == 0


def test_dataset_in_a_form_post(demo_server, expected):
    a = expected["a"]
    r = httpx.post(f"{demo_server}/sparql", data={"query": COUNT, "default-graph-uri": a},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and count_of(r.json()) == expected["sizes"][a]


# --- result formats ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, media_type", [(JSON, "application/sparql-results+json"),
                                             (XML, "application/sparql-results+xml"),
                                             (CSV, "text/csv"), (TSV, "text/tab-separated-values")])
def test_select_formats(demo_server, expected, fmt, media_type):
    result = client(demo_server, GRAPHS, fmt).query()
    assert result.response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    data = result.convert()
    if fmt == JSON:
        values = [r["g"]["value"] for r in data["results"]["bindings"]]
    elif fmt == XML:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        values = [u.text for u in data.getroot().iter(f"{ns}uri")] if hasattr(data, "getroot") else \
            [u.firstChild.data for u in data.getElementsByTagName("uri")]
    elif fmt == CSV:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert rows[0] == ["g"]
        values = [r[0] for r in rows[1:]]
    else:
        lines = data.decode("utf-8").splitlines()
        assert lines[0] == "?g"
        values = [line.strip("<>") for line in lines[1:]]
    assert values == expected["graphs"]


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask(demo_server, expected, fmt):
    for query, answer in ((f"ASK {{ GRAPH <{expected['a']}> {{ ?s ?p ?o }} }}", True),
                          (f"ASK {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }}", False)):
        data = client(demo_server, query, fmt).queryAndConvert()
        if fmt == JSON:
            assert data["boolean"] is answer
        elif fmt == XML:
            text = data.toxml() if hasattr(data, "toxml") else ET.tostring(data.getroot(), encoding="unicode")
            assert f"<boolean>{str(answer).lower()}</boolean>" in text
        else:
            assert data.decode("utf-8").strip().splitlines()[-1] == str(answer).lower()


GRAPH_CASES = [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
               ("application/rdf+xml", "xml"), ("application/trig", "trig")]


@pytest.mark.parametrize("media_type, rdflib_format", GRAPH_CASES)
def test_construct_and_describe_in_every_format(demo_server, expected, media_type, rdflib_format):
    a = expected["a"]
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{a}> {{ ?s ?p ?o }} }}"
    describe = f"DESCRIBE <{a}>"
    for query in (construct, describe):
        r = httpx.get(f"{demo_server}/sparql", params={"query": query}, headers={"Accept": media_type})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == f"{media_type}; charset=utf-8"
        g = rdflib.Dataset(default_union=True) if rdflib_format == "trig" else rdflib.Graph()
        g.parse(data=r.content, format=rdflib_format)
        if query is construct:
            assert len(g) == expected["sizes"][a]
        else:
            assert len(g) > 0 and all(str(t[0]) == a for t in g)


@pytest.mark.parametrize("fmt, rdflib_format", [(TURTLE, "turtle"), (RDFXML, "xml"), (JSONLD, "json-ld"),
                                                (XML, "xml"), (JSON, "json-ld")])
def test_construct_with_sparqlwrapper(demo_server, expected, fmt, rdflib_format):
    a = expected["a"]
    result = client(demo_server, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{a}> {{ ?s ?p ?o }} }}", fmt).query()
    g = rdflib.Graph().parse(data=result.response.read(), format=rdflib_format)
    assert len(g) == expected["sizes"][a]


def test_accept_q_values_and_format_parameter(demo_server):
    url = f"{demo_server}/sparql"
    r = httpx.get(url, params={"query": GRAPHS}, headers={"Accept": "text/csv;q=0.5, text/tab-separated-values"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    r = httpx.get(url, params={"query": GRAPHS}, headers={"Accept": "text/csv, text/tab-separated-values;q=0.2"})
    assert r.headers["content-type"].startswith("text/csv")
    r = httpx.get(url, params={"query": GRAPHS, "format": "csv"}, headers={"Accept": "application/sparql-results+json"})
    assert r.headers["content-type"].startswith("text/csv")
    r = httpx.get(url, params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1", "format": "nt"})
    assert r.headers["content-type"].startswith("application/n-triples")


def test_not_acceptable(demo_server):
    url = f"{demo_server}/sparql"
    assert httpx.get(url, params={"query": GRAPHS}, headers={"Accept": "image/png"}).status_code == 406
    assert httpx.get(url, params={"query": GRAPHS}, headers={"Accept": "text/turtle"}).status_code == 406
    assert httpx.get(url, params={"query": "DESCRIBE <x:y>"}, headers={"Accept": "text/csv"}).status_code == 406
    assert httpx.get(url, params={"query": GRAPHS, "format": "turtle"}).status_code == 406


# --- errors -----------------------------------------------------------------------------------

def test_malformed_query(demo_server):
    with pytest.raises(QueryBadFormed):
        client(demo_server, "SELECT ?x WHERE { ?x ").query()
    r = httpx.get(f"{demo_server}/sparql", params={"query": "SELECT ?x WHERE { ?x "})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "error at 1:" in r.text


def test_missing_or_repeated_query(demo_server):
    url = f"{demo_server}/sparql"
    assert httpx.post(url, data={"default-graph-uri": ONTOLOGY}).status_code == 400
    assert httpx.get(url, params={"default-graph-uri": ONTOLOGY}).status_code == 400
    assert httpx.get(url, params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    r = httpx.post(url, params={"query": "ASK {}"}, content="ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "exactly one query" in r.text
    r = httpx.post(url, content="ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_updates_are_refused(demo_server, expected):
    url = f"{demo_server}/sparql"
    insert = "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }"
    r = httpx.post(url, data={"update": insert})
    assert r.status_code == 403 and "read-only" in r.text
    r = httpx.post(url, content=insert, headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    for text in (insert, f"PREFIX x: <http://x/>\nDROP GRAPH <{expected['a']}>", "CLEAR ALL"):
        r = httpx.get(url, params={"query": text})
        assert r.status_code == 400 and "read-only" in r.text
    w = client(demo_server, COUNT)  # nothing changed
    assert count_of(w.queryAndConvert()) == expected["union"]


# --- SERVICE ----------------------------------------------------------------------------------

class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._record()

    def do_POST(self):  # noqa: N802
        self._record()

    def _record(self):
        type(self).requests.append(self.path)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    """An HTTP server on 127.0.0.1 that records every request it gets; yields (url, requests)."""
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql", _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def test_service_not_on_the_allowlist_is_refused_before_any_request(demo_server, recorder):
    endpoint, requests = recorder
    host, _, path = endpoint.rpartition("/")
    refused = [
        f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{endpoint}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{host}/>\nSELECT * WHERE {{ SERVICE r:{path} {{ ?s ?p ?o }} }}",
        f"BASE <{host}/>\nSELECT * WHERE {{ SERVICE <{path}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y 'SERVICE' . SERVICE <{endpoint}> {{ ?s ?p ?o }} }} # SERVICE",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
    ]
    for query in refused:
        r = httpx.get(f"{demo_server}/sparql", params={"query": query})
        assert r.status_code == 403, query
        assert endpoint in r.text
    r = httpx.get(f"{demo_server}/sparql", params={"query": "SELECT * WHERE { BIND(<http://e/> AS ?e) SERVICE ?e { ?s ?p ?o } }"})
    assert r.status_code == 403 and "SERVICE ?variable" in r.text
    # the word in a string or a comment is no SERVICE call
    quoted = f'ASK {{ BIND("SERVICE <{endpoint}> {{ }}" AS ?x) }} # SERVICE <{endpoint}> {{ }}'
    r = httpx.get(f"{demo_server}/sparql", params={"query": quoted}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert requests == []


# --- limits -----------------------------------------------------------------------------------

def test_time_limit_kills_the_query_while_others_are_served(demo_server, expected):
    url = f"{demo_server}/sparql"
    stop = threading.Event()
    quick: list[float] = []

    def simple_queries():
        with httpx.Client(timeout=10) as c:
            while not stop.is_set():
                t0 = time.monotonic()
                r = c.get(url, params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
                assert count_of(r.json()) == expected["union"]
                quick.append(time.monotonic() - t0)

    with ThreadPoolExecutor(2) as pool:
        background = pool.submit(simple_queries)
        t0 = time.monotonic()
        r = httpx.get(url, params={"query": FOREVER}, timeout=30)
        elapsed = time.monotonic() - t0
        stop.set()
        background.result()
    print(f"time limit: error after {elapsed:.2f} s; {len(quick)} other queries meanwhile, slowest {max(quick):.3f} s")
    assert r.status_code == 503
    assert "exceeded the 3 s time limit" in r.text
    assert 3 <= elapsed < 5, elapsed
    assert len(quick) >= 10 and max(quick) < 1.0, (len(quick), max(quick))
    # afterwards: the killed worker was replaced, several queries at once are answered
    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(lambda _: count_of(client(demo_server, COUNT).queryAndConvert()), range(8)))
    assert counts == [expected["union"]] * 8


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DEAD_ENDPOINT = f"http://127.0.0.1:{_closed_port()}/sparql"  # allowlisted, nobody listens


@pytest.fixture(scope="module")
def limited_server(demo_store, oxigraph_server_module):
    """``kg serve`` with a result limit of 50 and the module's ``oxigraph serve`` allowlisted."""
    env = {"KG_RESULT_LIMIT": "50", "KG_SERVICE_ALLOWLIST": f"{oxigraph_server_module}/query {DEAD_ENDPOINT}"}
    with kg_serve(demo_store, env=env) as url:
        yield url


def test_result_limit(limited_server):
    url = f"{limited_server}/sparql"
    r = httpx.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 413 and "limit of 50" in r.text
    r = httpx.get(url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 413
    data = client(limited_server, "SELECT * WHERE { ?s ?p ?o } LIMIT 50").queryAndConvert()
    assert len(data["results"]["bindings"]) == 50
    r = httpx.get(url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 50"}, headers={"Accept": "application/n-triples"})
    assert len(rdflib.Graph().parse(data=r.text, format="nt")) == 50


def test_allowlisted_service_is_called(limited_server, oxigraph_server_module, recorder):
    r = httpx.post(f"{oxigraph_server_module}/store?default", content="<http://ex/s> <http://ex/p> \"from afar\" .",
                   headers={"Content-Type": "application/n-triples"})
    assert r.status_code in (200, 201, 204), r.text
    query = f"SELECT ?o WHERE {{ SERVICE <{oxigraph_server_module}/query> {{ <http://ex/s> <http://ex/p> ?o }} }}"
    data = client(limited_server, query).queryAndConvert()
    assert [b["o"]["value"] for b in data["results"]["bindings"]] == ["from afar"]
    r = httpx.get(f"{limited_server}/sparql", params={"query": f"ASK {{ SERVICE <{DEAD_ENDPOINT}> {{ }} }}"})
    assert r.status_code == 502 and "query failed" in r.text
    r = httpx.get(f"{limited_server}/sparql", params={"query": f"ASK {{ SERVICE SILENT <{DEAD_ENDPOINT}> {{ }} }}"},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    endpoint, requests = recorder  # another endpoint is still refused
    r = httpx.get(f"{limited_server}/sparql", params={"query": f"ASK {{ SERVICE <{endpoint}> {{ }} }}"})
    assert r.status_code == 403 and requests == []


# --- CORS, service description, processes -----------------------------------------------------

def test_cors(demo_server):
    url = f"{demo_server}/sparql"
    r = httpx.options(url, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] in ("*", "https://example.org")
    assert "POST" in r.headers["access-control-allow-methods"]
    r = httpx.get(url, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"


def test_service_description(demo_server):
    r = httpx.get(f"{demo_server}/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    me = rdflib.URIRef(f"{demo_server}/sparql")
    assert (me, rdflib.RDF.type, sd.Service) in g and (me, sd.endpoint, me) in g
    r = httpx.get(f"{demo_server}/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 303 and r.headers["location"] == "/query"


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_no_worker_outlives_the_server(demo_store):
    from support import child_env, kg_command

    with kg_serve(demo_store) as url:  # stopped with SIGTERM
        port = url.rpartition(":")[2]
        server = next(int(p.parent.name) for p in Path("/proc").glob("[0-9]*/cmdline")
                      if f"\0{port}\0".encode() in p.read_bytes() and b"serve" in p.read_bytes())
        workers = _children(server)
        assert len(workers) >= 2
    time.sleep(0.5)
    assert not [p for p in workers if _alive(p)]
    # killed outright (no shutdown code runs): the workers die with it
    proc = subprocess.Popen([*kg_command(), "serve", "--store", str(demo_store), "--host", "127.0.0.1",
                             "--port", "0"], env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # let them all start
        workers = _children(proc.pid)
        assert len(workers) >= 2
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while [p for p in workers if _alive(p)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]
