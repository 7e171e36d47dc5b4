"""Serving throughput and latency: ``kg serve`` against ``oxigraph serve`` on the same data.

    .venv/bin/python bench/serve.py                      # 10 s per case, 8 clients
    .venv/bin/python bench/serve.py --duration 5 --clients 4
    .venv/bin/python bench/serve.py --question demo-posts

One run: data/articles is ingested into a fresh embedded store in a temp dir (``kg ingest``), its
quads are exported as N-Quads (``kg export``: every article graph and the ontology graph, without
the internal union graph urn:x-coopkg:union) and loaded into ``oxigraph load``; then
``kg serve`` (with KG_QUERY_TIMEOUT=5) and ``oxigraph serve --union-default-graph`` run on
127.0.0.1 side by side (oxigraph without a time limit: its ``--timeout-s`` starts a thread per
query that lives for the whole limit, and under this load the threads exhaust the process, which
aborts). The default graph is the union of all graphs on both: kg serve's
is the store's union graph (a set), oxigraph's the union of the named graphs (a bag: a triple
held by two articles is matched twice, so an undistinct SELECT may return more rows there; the
row counts are printed).

Cases (the same request text to both servers unless said):

* simple:   ``SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 10`` (GET, JSON results)
* question: a named question (queries/*.rq, default posts-in-organisation), its text unchanged,
  parameters unbound (the query reads that as "any")
* page:     a resource page, ``GET /id/....html`` on kg serve (HTML: the page's several queries
  and the template) vs ``DESCRIBE <iri>`` on oxigraph (N-Triples); the clients cycle through
  every organisation and person
* describe: the page's RDF query (src/kg/web/queries/describe.rq, a CONSTRUCT of the resource's
  triples, the triples pointing to it and the labels on the other end) sent to both endpoints,
  ``?r`` replaced by the IRI in the text (as the page binds it), cycling like ``page``

Each case runs for ``--duration`` seconds with ``--clients`` client processes, each with one
keep-alive HTTP/1.1 connection (http.client) sending requests back to back, after a warm-up.
Requests per second count completed 2xx answers; latency is per request, client side. The
clients run on the same machine as the servers and take CPU from them (more so from the faster
server, so ratios are understated rather than exaggerated).

Last, the time limit: simple-query latency on kg serve for ``--duration`` seconds, then again
while one never-ending query (a three-way cross product, COUNT) runs into the 5 s limit; the same
on oxigraph serve, where the query runs on unlimited (the client leaves after 8 s).
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import stop  # noqa: E402  (servers stop as in the tests)

ARTICLES = ROOT / "data" / "articles"
BIN = Path(sys.executable).parent
DESCRIBE_RQ = ROOT / "src" / "kg" / "web" / "queries" / "describe.rq"
TIME_LIMIT = 5

SIMPLE = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 10")
NEVER_ENDING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    parts = urllib.parse.urlsplit(url)
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} did not answer within {timeout} s")
            time.sleep(0.1)


def check_alive(servers) -> None:
    """Stop the run, with the end of its log, if a server has exited."""
    for proc, name, log in servers:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise SystemExit(f"{name} exited with status {proc.returncode} during the run; its log ends:\n{tail}")


# -- load generation ----------------------------------------------------------------------------

def sparql_get(prefix: str, query: str, accept: str) -> tuple[str, str, dict[str, str]]:
    return ("GET", f"{prefix}?{urllib.parse.urlencode({'query': query})}", {"Accept": accept})


def client(port: int, requests: list[tuple[str, str, dict[str, str]]], start: float, seconds: float,
           offset: int, out) -> None:
    """One client process: a keep-alive connection, requests back to back (cycling through
    ``requests`` from ``offset``) from ``start`` for ``seconds``; sends (latencies, errors, sample)."""
    while time.time() < start:
        time.sleep(0.001)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    i = offset
    end = start + seconds
    while time.time() < end:
        method, path, headers = requests[i % len(requests)]
        i += 1
        t = time.perf_counter()
        try:
            conn.request(method, path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except ConnectionRefusedError:
            errors["ConnectionRefusedError (server gone)"] = 1
            break
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        took = time.perf_counter() - t
        if isinstance(status, int) and 200 <= status < 300:
            latencies.append(took)
        else:
            errors[str(status)] = errors.get(str(status), 0) + 1
    conn.close()
    out.put((latencies, errors))


def load(port: int, requests: list, clients: int, seconds: float, warmup: int = 20) -> dict:
    """Run ``clients`` client processes for ``seconds``; requests/s and latency percentiles."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(warmup):
        method, path, headers = requests[i % len(requests)]
        try:
            conn.request(method, path, headers=headers)
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = time.time() + 0.3
    procs = [ctx.Process(target=client, args=(port, requests, start, seconds, k * 7, out)) for k in range(clients)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors: dict[str, int] = {}
    for _, errs in results:
        for k, v in errs.items():
            errors[k] = errors.get(k, 0) + v
    return {"n": len(latencies), "rps": len(latencies) / seconds, "p50": pct(latencies, 50),
            "p99": pct(latencies, 99), "errors": errors}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k] * 1000


def fetch(port: int, request: tuple[str, str, dict[str, str]], timeout: float = 60) -> tuple[int, bytes, float]:
    method, path, headers = request
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t = time.perf_counter()
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, time.perf_counter() - t


def rows(body: bytes) -> str:
    import json
    try:
        return str(len(json.loads(body)["results"]["bindings"]))
    except (ValueError, KeyError):
        return str(body.count(b"\n"))  # N-Triples: one line per triple


# -- the run ------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per case (default 10)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent client processes (default 8)")
    ap.add_argument("--question", default="posts-in-organisation", help="named question of queries/ to run")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (stores, logs)")
    args = ap.parse_args()

    from kg.config import Settings
    from kg.questions import load_questions

    question = load_questions()[args.question]
    base = Settings().base
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    procs: list[subprocess.Popen] = []
    try:
        store, oxdir, dump = tmp / "store", tmp / "oxigraph", tmp / "dump.nq"
        t = time.perf_counter()
        subprocess.run([str(BIN / "kg"), "ingest", str(ARTICLES), "--store", str(store)], env=child_env(),
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "kg"), "export", "--store", str(store), "--format", "nquads", "-o", str(dump)],
                       env=child_env(), check=True)
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(oxdir), "--file", str(dump)],
                       check=True, capture_output=True)
        quads = sum(1 for _ in dump.open("rb"))
        print(f"data: {ARTICLES.relative_to(ROOT)} ingested and loaded in {time.perf_counter() - t:.1f} s; "
              f"{quads} quads (N-Quads export, without urn:x-coopkg:union)")

        kg_port, ox_port = free_port(), free_port()
        kg_log, ox_log = open(tmp / "kg-serve.log", "wb"), open(tmp / "oxigraph.log", "wb")
        kg = subprocess.Popen([str(BIN / "kg"), "serve", "--store", str(store), "--host", "127.0.0.1",
                               "--port", str(kg_port), "--base", base],
                              env=child_env(KG_QUERY_TIMEOUT=str(TIME_LIMIT)), stdout=kg_log, stderr=subprocess.STDOUT)
        procs.append(kg)
        def start_oxigraph(*extra: str) -> subprocess.Popen:
            proc = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location", str(oxdir), "--bind",
                                     f"127.0.0.1:{ox_port}", "--union-default-graph", *extra],
                                    stdout=ox_log, stderr=subprocess.STDOUT)
            procs.append(proc)
            return proc

        # Without --timeout-s: with it, oxigraph 0.5 starts a timer thread per query that lives for
        # the whole limit, and at a thousand requests a second the threads exhaust the process
        # (EAGAIN, then an abort), in the throughput cases and in the time-limit case alike.
        ox = start_oxigraph()
        wait_for(f"http://127.0.0.1:{kg_port}/sparql?query=ASK%7B%7D", kg, "kg serve")
        wait_for(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", ox, "oxigraph serve")
        status, _, _ = fetch(kg_port, sparql_get("/sparql", "ASK {}", JSON))
        if status != 200:
            raise SystemExit(f"kg serve's /sparql answers {status}: is the SPARQL endpoint there?")

        # The resources the page cases cycle through: every organisation and person.
        status, body, _ = fetch(ox_port, sparql_get("/query", """
            PREFIX kg: <https://w3id.org/coopkg/ontology#>
            SELECT DISTINCT ?r WHERE { { ?r a kg:Organisation } UNION { ?r a kg:Person } } ORDER BY ?r""", JSON))
        import json
        iris = [b["r"]["value"] for b in json.loads(body)["results"]["bindings"] if b["r"]["value"].startswith(base)]
        base_path = urllib.parse.urlsplit(base).path
        describe = DESCRIBE_RQ.read_text(encoding="utf-8")

        def bound(iri: str) -> str:
            # describe.rq with ?r replaced by the IRI in the text: what the page gets from binding
            # ?r (pyoxigraph substitutes it in every branch), sent over HTTP to either server
            return re.sub(r"\?r\b", f"<{iri}>", describe)

        cases = [
            ("simple SELECT LIMIT 10", [sparql_get("/sparql", SIMPLE, JSON)], [sparql_get("/query", SIMPLE, JSON)]),
            (f"question {question.name}", [sparql_get("/sparql", question.text, JSON)],
             [sparql_get("/query", question.text, JSON)]),
            (f"page: kg HTML / ox DESCRIBE ({len(iris)} IRIs)",
             [("GET", base_path + iri[len(base):] + ".html", {"Accept": "text/html"}) for iri in iris],
             [sparql_get("/query", f"DESCRIBE <{iri}>", NTRIPLES) for iri in iris]),
            ("describe.rq CONSTRUCT, both", [sparql_get("/sparql", bound(iri), NTRIPLES) for iri in iris],
             [sparql_get("/query", bound(iri), NTRIPLES) for iri in iris]),
        ]

        print(f"machine: {os.cpu_count()} CPUs; {args.clients} client processes; {args.duration:g} s per case\n")
        print("answers (first request):")
        for name, kg_reqs, ox_reqs in cases:
            ks, kb, _ = fetch(kg_port, kg_reqs[0])
            os_, ob, _ = fetch(ox_port, ox_reqs[0])
            print(f"  {name:42} kg {ks} {rows(kb) if 'HTML' not in name else str(len(kb)) + ' bytes':>12}   "
                  f"oxigraph {os_} {rows(ob):>6}")
        print()

        header = f"{'case':42} {'server':9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>8}"
        table, ratios = [header, "-" * len(header)], []
        for name, kg_reqs, ox_reqs in cases:
            r_kg = load(kg_port, kg_reqs, args.clients, args.duration)
            r_ox = load(ox_port, ox_reqs, args.clients, args.duration)
            check_alive(((kg, "kg serve", tmp / "kg-serve.log"), (ox, "oxigraph serve", tmp / "oxigraph.log")))
            for server, r in (("kg", r_kg), ("oxigraph", r_ox)):
                errs = sum(r["errors"].values())
                table.append(f"{name:42} {server:9} {r['rps']:8.1f} {r['p50']:8.2f} {r['p99']:8.2f} "
                             f"{errs:>8}{'  ' + str(r['errors']) if errs else ''}")
                print(table[-1], flush=True)
            ratios.append(f"{name:42} {r_kg['rps'] / r_ox['rps'] if r_ox['rps'] else float('nan'):8.2f} "
                          f"{r_kg['p50'] / r_ox['p50']:8.2f} {r_kg['p99'] / r_ox['p99']:8.2f}")

        # Simple queries while one query runs into the time limit.
        limit_rows = []
        for server, port, prefix in (("kg", kg_port, "/sparql"), ("oxigraph", ox_port, "/query")):
            simple = [sparql_get(prefix, SIMPLE, JSON)]
            before = load(port, simple, args.clients, args.duration)
            outcome: dict = {}

            def runaway() -> None:
                t0 = time.perf_counter()
                try:
                    # oxigraph has no limit here: the client gives up after the limit + 3 s (the
                    # query goes on in the server, which is stopped at the end of the run)
                    s, b, took = fetch(port, sparql_get(prefix, NEVER_ENDING, JSON),
                                       timeout=TIME_LIMIT * 6 if server == "kg" else TIME_LIMIT + 3)
                    outcome.update(status=s, seconds=took, body=b[:120])
                except OSError as exc:
                    outcome.update(status=f"no answer ({type(exc).__name__})", seconds=time.perf_counter() - t0, body=b"")

            th = threading.Thread(target=runaway)
            th.start()
            time.sleep(0.2)
            during = load(port, simple, args.clients, TIME_LIMIT - 1.0, warmup=0)
            th.join()
            limit_rows.append((server, before, during, outcome))

        print("\n" + "\n".join(table))
        print(f"\nratios kg / oxigraph{'':22} {'req/s':>8} {'p50':>8} {'p99':>8}")
        print("\n".join(ratios))
        print(f"\nsimple SELECT while one never-ending query runs into the {TIME_LIMIT} s limit "
              f"({args.clients} clients; 'during' = {TIME_LIMIT - 1:g} s from 0.2 s after it starts)")
        print(f"{'server':9} {'':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   runaway query answer")
        for server, before, during, outcome in limit_rows:
            print(f"{server:9} {'before':7} {before['rps']:8.1f} {before['p50']:8.2f} {before['p99']:8.2f}")
            print(f"{server:9} {'during':7} {during['rps']:8.1f} {during['p50']:8.2f} {during['p99']:8.2f}   "
                  f"{outcome.get('status')} after {outcome.get('seconds', float('nan')):.1f} s "
                  f"{outcome.get('body', b'')[:80]!r}")
    finally:
        for p in procs:
            stop(p)
        if args.keep:
            print(f"\nkept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
