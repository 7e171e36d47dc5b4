"""The questions API of ``kg serve`` as a client sees it: the listing, answers equal to
``kg.questions.ask`` on the same store, CSV, 400/404/406, and the OpenAPI description."""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from kg.questions import ask, load_questions
from kg.store import EmbeddedStore


def get(url: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="module")
def store(demo_store):
    s = EmbeddedStore(demo_store, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def acronym(store) -> str:
    """An organisation acronym that has posts in it, found in the store (no seed names here)."""
    row = next(iter(store.query(
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?a (COUNT(?p) AS ?n) WHERE { ?o skos:altLabel ?a . ?p org:organization ?o } "
        "GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1")))
    return row["a"].value


def rows(results_json: dict) -> list[str]:
    """The bindings of SPARQL JSON results, order-independent."""
    return sorted(json.dumps(b, sort_keys=True) for b in results_json["results"]["bindings"])


def test_listing_has_every_question_with_its_parameters(demo_server):
    status, headers, body = get(demo_server + "/api/questions")
    assert status == 200 and headers["content-type"].startswith("application/json")
    listed = {q["name"]: q for q in json.loads(body)}
    questions = load_questions()
    assert set(listed) == set(questions)
    for name, q in questions.items():
        entry = listed[name]
        assert entry["title"] == q.title and entry["description"] == q.description
        assert [(p["name"], p["type"], p["required"]) for p in entry["parameters"]] == \
               [(p.name, p.type, not p.optional) for p in q.params]


def test_answer_equals_kg_questions_ask(demo_server, store, acronym):
    url = f"{demo_server}/api/questions/posts-in-organisation?" + urllib.parse.urlencode({"org": acronym})
    status, headers, body = get(url)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    expected = json.loads(ask(store, "posts-in-organisation", {"org": acronym}).serialize(format=ox.QueryResultsFormat.JSON))
    got = json.loads(body)
    assert got["head"] == expected["head"] and rows(got) == rows(expected) and expected["results"]["bindings"]


def test_every_question_without_required_parameters_answers_like_ask(demo_server, store):
    for name, q in load_questions().items():
        if any(not p.optional for p in q.params):
            continue
        status, _, body = get(f"{demo_server}/api/questions/{name}")
        assert status == 200, name
        expected = json.loads(ask(store, name, {}).serialize(format=ox.QueryResultsFormat.JSON))
        assert rows(json.loads(body)) == rows(expected), name


def test_iri_parameters_are_bound(demo_server, store):
    fact = next(iter(store.query("SELECT ?f WHERE { ?f <https://w3id.org/coopkg/ontology#evidence> ?e } ORDER BY ?f LIMIT 1")))["f"].value
    status, _, body = get(f"{demo_server}/api/questions/evidence?" + urllib.parse.urlencode({"fact": fact}))
    assert status == 200
    expected = json.loads(ask(store, "evidence", {"fact": fact}).serialize(format=ox.QueryResultsFormat.JSON))
    assert rows(json.loads(body)) == rows(expected) and expected["results"]["bindings"]


@pytest.mark.parametrize("how", [{"format": "csv"}, {"accept": "text/csv"}])
def test_csv_by_format_or_accept(demo_server, store, acronym, how):
    query = {"org": acronym, **({"format": how["format"]} if "format" in how else {})}
    status, headers, body = get(f"{demo_server}/api/questions/posts-in-organisation?" + urllib.parse.urlencode(query),
                                how.get("accept"))
    assert status == 200 and headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    expected = list(csv.reader(io.StringIO(ask(store, "posts-in-organisation", {"org": acronym})
                                           .serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8"))))
    assert table[0] == expected[0] and sorted(table[1:]) == sorted(expected[1:])


def test_an_injection_attempt_is_only_a_value(demo_server):
    evil = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    status, _, body = get(f"{demo_server}/api/questions/posts-in-organisation?" + urllib.parse.urlencode({"org": evil}))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


@pytest.mark.parametrize("query, status, message", [
    ("posts-in-organisation", 400, "needs parameter org"),
    ("posts-in-organisation?org=", 400, "empty"),
    ("posts-in-organisation?org=X&bogus=1", 400, "no parameter bogus"),
    ("evidence?fact=" + urllib.parse.quote("http://bad iri"), 400, "not a valid IRI"),
    ("no-such-question", 404, "no question named"),
])
def test_errors_come_with_a_message(demo_server, query, status, message):
    got, headers, body = get(f"{demo_server}/api/questions/{query}")
    assert got == status and headers["content-type"].startswith("application/json")
    assert message in json.loads(body)["error"]


def test_unacceptable_format_is_406(demo_server, acronym):
    url = f"{demo_server}/api/questions/posts-in-organisation?" + urllib.parse.urlencode({"org": acronym})
    assert get(url, "image/png")[0] == 406


# --- OpenAPI -----------------------------------------------------------------------------------

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def resolve(doc: dict, ref: str) -> object:
    assert ref.startswith("#/"), ref
    node: object = doc
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, ref
        node = node[part]
    return node


def refs(node: object):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def test_openapi_is_a_well_formed_openapi_3_document(demo_server):
    status, headers, body = get(demo_server + "/openapi.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    doc = json.loads(body)
    # the structure OpenAPI 3.0 requires
    assert re.fullmatch(r"3\.\d+\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    assert isinstance(doc["paths"], dict) and doc["paths"]
    operation_ids = []
    for path, item in doc["paths"].items():
        assert path.startswith("/")
        for method, op in item.items():
            assert method in HTTP_METHODS
            assert op["responses"] and all(re.fullmatch(r"[1-5]\d\d|default", code) for code in op["responses"])
            assert all(r["description"] is not None for r in op["responses"].values())
            operation_ids.append(op["operationId"])
            seen = set()
            for p in op.get("parameters", []):
                assert p["in"] in {"query", "header", "path", "cookie"} and p["name"]
                assert ("schema" in p) != ("content" in p)
                assert (p["name"], p["in"]) not in seen
                seen.add((p["name"], p["in"]))
                if p["in"] == "path":
                    assert p["required"] is True and "{" + p["name"] + "}" in path
    assert len(operation_ids) == len(set(operation_ids))
    for ref in refs(doc):
        resolve(doc, ref)
    # one operation per question, with its parameters
    for name, q in load_questions().items():
        op = doc["paths"][f"/api/questions/{name}"]["get"]
        params = {p["name"]: p for p in op["parameters"]}
        for p in q.params:
            assert params[p.name]["in"] == "query" and params[p.name]["required"] is (not p.optional)
        assert set(params) == {p.name for p in q.params} | {"format"}
