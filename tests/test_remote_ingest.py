"""The same corpus ingested into a real ``oxigraph serve`` (RemoteStore) and into an embedded
store gives the same answers to the yardstick queries and the same quads."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support import canonical_quads, child_env, kg_command

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
ARTICLE_FILES = sorted(p for p in ARTICLES.iterdir() if p.name[:2].isdigit())
YARDSTICK = ROOT.parent / "shared" / "eval" / "queries"
YARDSTICK_QUERIES = ("agreements", "events", "organisations", "people", "posts")


def run_kg(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(kg_command() + [str(a) for a in args], cwd=cwd, env=child_env(), capture_output=True,
                          text=True, timeout=timeout)


def json_rows(text: str) -> tuple[list[str], list[tuple]]:
    """(variables, sorted rows) of a W3C SPARQL JSON result; each value with its type,
    datatype and language, unbound as None."""
    doc = json.loads(text)
    names = doc["head"]["vars"]
    rows = []
    for b in doc["results"]["bindings"]:
        row = []
        for n in names:
            v = b.get(n)
            row.append(None if v is None else (v["type"], v["value"], v.get("datatype", ""), v.get("xml:lang", "")))
        rows.append(tuple(row))
    return names, sorted(rows, key=repr)


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory, oxigraph_server_module):
    """(embedded store dir, server URL, work dir): the demo articles ingested into both, at once."""
    server = oxigraph_server_module
    work = tmp_path_factory.mktemp("remote")
    embedded = work / "store"
    procs = [subprocess.Popen(kg_command() + ["ingest", *map(str, ARTICLE_FILES), "--store", str(target)], cwd=work,
                              env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for target in (embedded, server)]
    try:
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "18 accepted, 0 rejected" in err
    return embedded, server, work


@pytest.mark.parametrize("name", YARDSTICK_QUERIES)
def test_yardstick_queries_same_on_both_stores(two_stores, name):
    embedded, server, work = two_stores
    path = YARDSTICK / f"{name}.rq"
    if not path.is_file():
        pytest.skip(f"yardstick query {path} not found (the shared eval/ folder is not beside the repo)")
    answers = []
    for target in (embedded, server):
        r = run_kg("query", "-f", path, "--store", target, "--format", "json", cwd=work, timeout=120)
        assert r.returncode == 0, r.stderr
        answers.append(json_rows(r.stdout))
    (vars_e, rows_e), (vars_r, rows_r) = answers
    assert vars_e == vars_r
    assert rows_e, f"{name}: no answers at all"
    assert sorted(set(rows_e), key=repr) == sorted(set(rows_r), key=repr), f"{name}: different answers"
    # the same multiplicity too: the union default graph must be the same (a set, or a bag) on both
    assert len(rows_e) == len(rows_r), (f"{name}: same answers, but {len(rows_e)} rows embedded vs "
                                        f"{len(rows_r)} rows from the server (duplicates)")
    assert rows_e == rows_r


def test_export_same_quads_on_both_stores(two_stores):
    embedded, server, work = two_stores
    dumps = []
    for target in (embedded, server):
        r = run_kg("export", "--store", target, "--format", "nquads", cwd=work, timeout=120)
        assert r.returncode == 0, r.stderr
        dumps.append(canonical_quads(r.stdout))
    assert dumps[0] == dumps[1]
    graphs = {q[3] for q in dumps[0]}
    assert "<https://w3id.org/coopkg/ontology>" in graphs
    assert sum("/article/" in g for g in graphs) == 18


def test_stats_same_on_both_stores(two_stores):
    embedded, server, work = two_stores
    outs = [run_kg("stats", "--store", t, cwd=work, timeout=120) for t in (embedded, server)]
    assert all(o.returncode == 0 for o in outs), [o.stderr for o in outs]
    assert outs[0].stdout == outs[1].stdout
    assert "articles        18" in outs[0].stdout


def test_reingest_into_server_changes_nothing(two_stores):
    embedded, server, work = two_stores
    before = run_kg("export", "--store", server, "--format", "nquads", cwd=work, timeout=120)
    r = run_kg("ingest", *ARTICLE_FILES[:3], "--store", server, cwd=work)
    assert r.returncode == 0, r.stderr
    after = run_kg("export", "--store", server, "--format", "nquads", cwd=work, timeout=120)
    assert canonical_quads(before.stdout) == canonical_quads(after.stdout)
