"""A store behind a SPARQL 1.1 server (Oxigraph server, Fuseki, ...), over plain HTTP.

Only the SPARQL 1.1 Protocol is used (queries and updates), so any conforming server works;
see ``RemoteStore`` for the endpoint layouts, atomic replacement and the union default graph.
"""
from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import IO

import pyoxigraph as ox

from .base import (
    BUILD_UNION_UPDATE,
    UNION,
    Bindings,
    StoreError,
    compute_stats,
    normalise_bindings,
    replace_and_union_update,
)

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples, text/turtle;q=0.8"
)


def derive_endpoints(url: str) -> tuple[str, str | None, str | None]:
    """(query, update, graph store) URLs from one server URL.

    * Oxigraph server (``oxigraph serve``): ``http://host:7878`` or ``http://host:7878/query``
      -> ``/query``, ``/update``, ``/store``.
    * Fuseki-style dataset: ``http://host:3030/ds``, ``.../ds/sparql`` or ``.../ds/query``
      -> ``/ds/query`` (or the given ``/ds/sparql``), ``/ds/update``, ``/ds/data``.
    * Anything else is taken as the query endpoint, with no update / graph store endpoint.
    """
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")

    def at(p: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, p, "", ""))

    if path == "":
        return at("/query"), at("/update"), at("/store")
    head, _, last = path.rpartition("/")
    if last in ("query", "sparql"):
        if head == "":  # Oxigraph's root layout
            return at(path), at("/update"), at("/store")
        return at(path), at(head + "/update"), at(head + "/data")
    if head == "":  # http://host:3030/ds -- a Fuseki dataset
        return at(path + "/query"), at(path + "/update"), at(path + "/data")
    return url, None, None


class RemoteStore:
    """A SPARQL 1.1 server used through the SPARQL 1.1 Protocol (queries, updates) only.

    ``RemoteStore("http://127.0.0.1:7878")`` derives the other endpoints (``derive_endpoints``):

    * Oxigraph: ``http://host:port[/query]`` -> query ``/query``, update ``/update``,
      graph store ``/store``;
    * Fuseki: ``http://host:port/ds[/sparql|/query]`` -> query ``/ds/query`` (or the one given),
      update ``/ds/update``, graph store ``/ds/data``.

    Pass ``update_url`` / ``graph_store_url`` explicitly for any other layout.

    **Atomic replace.** ``replace_graph`` sends ONE SPARQL Update request,
    ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }``; Oxigraph and Fuseki run an
    update request as one transaction, so readers see the old graph or the new one. A Graph Store
    Protocol ``PUT ?graph=<g>`` is NOT used: Oxigraph server (0.5, ``cli/src/main.rs``) clears
    the graph and loads the body in two separate transactions, so a reader can see the graph
    empty in between. (``graph_store_url`` is kept for callers who want bulk loads.)

    **Union default graph.** The contract says the default graph of every query is the union of
    all named graphs. Servers' own unions (Oxigraph's ``union-default-graph``, Virtuoso) repeat
    a triple once per graph holding it, which multiplies rows through joins. So, like the
    embedded store, every write also keeps the graph ``urn:x-coopkg:union`` (base.UNION) equal
    to the set of all triples, in the same update request, and queries are sent with
    ``default-graph-uri=urn:x-coopkg:union`` (plus ``named-graph-uri`` for every article graph
    when the query uses GRAPH): standard SPARQL 1.1 Protocol, the same answers as the embedded
    store on any conforming server. A query with its own FROM, or a server CoopKG has not
    written to, is sent with ``union-default-graph`` (the server's own union).

    **Bindings** are never pasted as text: each value is serialised by pyoxigraph
    (``str(term)``: N-Triples syntax, quotes and newlines escaped) into a ``VALUES`` block put
    at the start of the query's WHERE group, where it joins like a triple pattern (FILTERs of
    that group see it). Blank nodes cannot be bound (SPARQL has no syntax for them in VALUES).

    >>> store = RemoteStore("http://127.0.0.1:7878")                       # doctest: +SKIP
    >>> store.query("SELECT ?a WHERE { ?a <https://schema.org/headline> ?h }",
    ...             {"h": ox.Literal('He said "hi" } ; DROP ALL', language="en")})  # doctest: +SKIP
    sends ``SELECT ?a WHERE { VALUES (?h) { ("He said \\"hi\\" } ; DROP ALL"@en) } ?a ... ?h }``

    Errors: the server refusing a query as malformed raises SyntaxError with the server's
    message; other HTTP errors raise StoreError with the server's message; a server that cannot
    be reached raises ``StoreError("cannot reach SPARQL server URL: ...")``.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 30,
    ) -> None:
        q, u, g = derive_endpoints(query_url)
        explicit = update_url is not None or graph_store_url is not None
        self.query_url = query_url if explicit else q
        self.update_url = update_url if explicit else u
        self.graph_store_url = graph_store_url if explicit else g
        self.timeout = timeout
        self._union: bool | None = None  # does the server hold CoopKG's union graph? (asked once)

    # -- HTTP ------------------------------------------------------------------------------
    def _request(
        self, url: str, body: bytes | None, headers: dict[str, str], *, is_query: bool = False
    ) -> tuple[str, bytes]:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            resp = urllib.request.urlopen(req, timeout=self.timeout)
            with resp:
                return resp.headers.get_content_type(), resp.read()
        except urllib.error.HTTPError as e:
            try:
                message = e.read().decode("utf-8", "replace").strip()
            except Exception:
                message = ""
            message = message[:2000] or e.reason
            if e.code == 400 and is_query:
                raise SyntaxError(f"SPARQL server {self.query_url} rejected the query: {message}") from None
            raise StoreError(f"SPARQL server {url} answered {e.code} {e.reason}: {message}") from None
        except urllib.error.URLError as e:
            raise StoreError(f"cannot reach SPARQL server {url}: {e.reason}") from None
        except (TimeoutError, socket.timeout):
            raise StoreError(f"SPARQL server {url} did not answer within {self.timeout} s") from None
        except (ConnectionError, OSError) as e:
            raise StoreError(f"cannot reach SPARQL server {url}: {e}") from None

    def _update(self, update: str) -> None:
        if not self.update_url:
            raise StoreError(f"no SPARQL update endpoint known for {self.query_url}; pass update_url")
        self._request(
            self.update_url,
            update.encode("utf-8"),
            {"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # -- writing ---------------------------------------------------------------------------
    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        if not self._has_union():
            self._update(BUILD_UNION_UPDATE)  # a server filled before CoopKG kept the union graph
        self._update(replace_and_union_update(graph, triples))
        self._union = True

    def _has_union(self) -> bool:
        if self._union is None:
            self._union = bool(self._send(f"ASK {{ GRAPH {UNION} {{ ?s ?p ?o }} }}", []))
        return self._union

    # -- reading ---------------------------------------------------------------------------
    def query(self, sparql: str, bindings: Bindings | None = None):
        """Run a query with the union graph as its default graph (protocol parameters
        ``default-graph-uri``, and ``named-graph-uri`` for each article graph when the query
        names graphs); a query with its own FROM keeps the dataset it asks for."""
        text = inject_values(sparql, normalise_bindings(bindings))
        words = {value for kind, _, value in _scan_top_level(text) if kind == "word"}
        if "from" in words or not self._has_union():
            return self._send(text, [], server_union=True)
        dataset = [("default-graph-uri", UNION.value)]
        if "graph" in words:
            dataset += [("named-graph-uri", g.value) for g in self.graphs()]
        return self._send(text, dataset)

    def _send(self, text: str, dataset: list[tuple[str, str]], server_union: bool = False):
        params = [("query", text), *dataset] + ([("union-default-graph", "")] if server_union else [])
        ctype, body = self._request(
            self.query_url,
            urllib.parse.urlencode(params).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT},
            is_query=True,
        )
        if ctype in _RESULT_FORMATS:
            return ox.parse_query_results(body, _RESULT_FORMATS[ctype])
        rdf_format = ox.RdfFormat.from_media_type(ctype)
        if rdf_format is None:
            raise StoreError(f"SPARQL server {self.query_url} answered with unexpected type {ctype}")
        # Give CONSTRUCT/DESCRIBE results the same type as the embedded store: QueryTriples.
        scratch = ox.Store()
        scratch.load(body, rdf_format)
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def export(self, out: IO[bytes], format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        """Every quad of the named graphs, fetched with a portable SELECT."""
        if not format.supports_datasets:
            raise ValueError(f"{format.name} cannot hold named graphs; use TriG or N-Quads")
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows if r["g"] != UNION)
        ox.serialize(quads, out, format)

    def graphs(self) -> list[ox.NamedNode]:
        rows = self._send("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", [], server_union=True)
        return sorted((r["g"] for r in rows if isinstance(r["g"], ox.NamedNode) and r["g"] != UNION),
                      key=lambda g: g.value)

    def stats(self) -> dict[str, int]:
        return compute_stats(self)

    def close(self) -> None:
        pass

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r})"


# --- binding injection ---------------------------------------------------------------------

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][\w\-.:]*")
_VAR = re.compile(r"[?$][\w]+")


def _scan_top_level(sparql: str):
    """Yield (kind, pos, depth) for braces, words and parens outside strings, IRIs and comments."""
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            j = sparql.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = c * 3 if sparql.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (m := _IRIREF.match(sparql, i)):
            i = m.end()
        elif c in "?$" and (m := _VAR.match(sparql, i)):
            yield "var", i, m.group()
            i = m.end()
        elif c.isalpha() or c == "_":
            m = _WORD.match(sparql, i)
            yield "word", i, m.group().lower()
            i = m.end()
        elif c in "{}()":
            yield c, i, c
            i += 1
        else:
            i += 1


def _term_text(name: str, term) -> str:
    if isinstance(term, ox.BlankNode):
        raise ValueError(f"?{name}: a blank node cannot be bound (SPARQL VALUES has no syntax for it)")
    if isinstance(term, ox.Triple):
        raise ValueError(f"?{name}: a quoted triple cannot be bound (SPARQL 1.1 VALUES has no syntax for it)")
    return str(term)


def inject_values(sparql: str, bindings: dict) -> str:
    """Bind variables by a ``VALUES`` block at the start of the query's WHERE group.

    >>> inject_values('SELECT * WHERE { ?s ?p ?o }', {"o": ox.Literal('x" }')})
    'SELECT * WHERE { VALUES (?o) { ("x\\\\" }") }  ?s ?p ?o }'
    """
    if not bindings:
        return sparql
    names = list(bindings)
    block = (
        "VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
        + " ".join(_term_text(n, bindings[n]) for n in names) + ") }"
    )
    depth = paren = 0
    form = None
    prev = None  # previous top-level token text
    first_group = True
    start = None  # position of the WHERE group's "{"
    after_start = None  # first token inside the WHERE group
    end = None
    for kind, pos, text in _scan_top_level(sparql):
        if start is not None and after_start is None and depth == 1:
            after_start = text
        if kind == "(" and depth == 0:
            paren += 1
        elif kind == ")" and depth == 0:
            paren -= 1
        elif kind == "{":
            if depth == 0 and paren == 0 and start is None:
                is_template = form == "construct" and first_group and prev != "where"
                if form == "construct" and first_group and prev == "where":
                    # CONSTRUCT WHERE { triples }: the pattern is also the template, so no
                    # VALUES may go inside; a trailing VALUES clause is equivalent here.
                    return f"{sparql}\n{block}"
                first_group = False
                if not is_template:
                    start = pos
            depth += 1
        elif kind == "}":
            depth -= 1
            if depth == 0 and start is not None and end is None:
                end = pos
        if depth == 0 and kind == "word" and form is None and text in ("select", "construct", "describe", "ask"):
            form = text
        if depth == 0 and kind not in ("{", "}"):
            prev = text
    if start is None or end is None:
        # DESCRIBE <x> with no WHERE clause, or text we cannot follow: a trailing VALUES clause
        return f"{sparql}\n{block}"
    if after_start == "select":  # the group is a sub-select: wrap it
        return f"{sparql[:start + 1]} {block} {{{sparql[start + 1:end]}}} {sparql[end:]}"
    return f"{sparql[:start + 1]} {block} {sparql[start + 1:]}"

