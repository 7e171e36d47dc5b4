"""``/sparql``: the SPARQL 1.1 Protocol query operation (https://www.w3.org/TR/sparql11-protocol/).

* GET ``?query=``, POST form-encoded ``query=``, POST ``application/sparql-query`` (UTF-8 body);
  ``default-graph-uri`` / ``named-graph-uri`` (repeatable) override the query's FROM / FROM NAMED.
  Without either, the default graph is the union of all graphs and the named graphs are every
  article graph and the ontology graph (never the internal union graph).
* Results by ``format=`` or ``Accept`` (q-values): SPARQL JSON/XML/CSV/TSV for SELECT and ASK;
  Turtle, N-Triples, JSON-LD, RDF/XML, TriG (N-Quads) for CONSTRUCT and DESCRIBE; 406 otherwise.
* Status codes: 400 missing/repeated ``query``, malformed query (the parser's message), or SPARQL
  Update text in ``query`` (a malformed query for the protocol); 403 an ``update`` operation
  (read-only endpoint) or a SERVICE not on ``service_allowlist`` (or ``SERVICE ?var``), refused
  before anything is sent; 413 a result over ``result_limit`` rows/triples; 415 another POST body
  type; 503 a query past ``query_timeout`` seconds (its worker process is killed); 500/502 a
  failed evaluation (e.g. an unreachable SERVICE).
* GET without ``query``: the SPARQL 1.1 Service Description (Turtle etc.), or for browsers a
  redirect to the query page.
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..store.base import UNION
from . import workers
from .negotiate import GRAPH_FORMATS, TABLE_FORMATS, choose

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

# --- looking into the query text without running it -----------------------------------------
# A tokenizer, not a parser: enough to see the query form, the dataset clauses and SERVICE calls
# while skipping strings, IRIs and comments (where the words mean nothing). pyoxigraph 0.5 offers
# no parse-only API, and rdflib's parser costs milliseconds per query.
_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7-\uFFFF]*)
  | (?P<word>[\w\u00B7-\uFFFF.\-:%\\]+)
  | (?P<punct>.)
''', re.X | re.S)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_LOCAL_ESCAPE = re.compile(r"\\(.)")
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(frozen=True)
class QueryInfo:
    """What the endpoint must know before running a query."""

    form: str | None = None                      # SELECT, ASK, ... or INSERT, DELETE... (update)
    default_graphs: tuple[str, ...] = ()         # FROM
    named_graphs: tuple[str, ...] = ()           # FROM NAMED
    services: tuple[str | None, ...] = ()        # SERVICE targets (None: ?var or unknown)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_WORDS


@functools.lru_cache(maxsize=1024)  # clients repeat their queries; the cached answers are immutable
def inspect(text: str) -> QueryInfo:
    """The query form, dataset clauses and SERVICE endpoints of ``text`` (IRIs resolved).

    >>> i = inspect('PREFIX e: <http://e/> SELECT * FROM e:g { SERVICE <http://s/q> {} } # SERVICE <x>')
    >>> i.form, i.default_graphs, i.services
    ('SELECT', ('http://e/g',), ('http://s/q',))
    >>> inspect('ASK { ?s ?p "SERVICE <http://x/>" }').services
    ()
    >>> inspect('ASK { SERVICE SILENT ?e {} }').services
    (None,)
    """
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    form: str | None = None
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    services: list[str | None] = []
    base, prefixes = "", {}

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        if kind == "word" and ":" in value:
            prefix, _, local = value.rstrip(".").partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + _PN_LOCAL_ESCAPE.sub(r"\1", local)
        return None

    def at(i: int) -> tuple[str, str]:
        return tokens[i] if i < len(tokens) else ("", "")

    for i, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        word = value.upper()
        if word == "BASE" and at(i + 1)[0] == "iri":
            base = resolve(*at(i + 1)) or base
        elif word == "PREFIX" and at(i + 1)[1].endswith(":") and at(i + 2)[0] == "iri":
            prefixes[at(i + 1)[1][:-1]] = resolve(*at(i + 2)) or ""
        elif form is None and (word in QUERY_FORMS or word in UPDATE_WORDS):
            form = word
        elif word == "FROM":
            named = at(i + 1)[1].upper() == "NAMED"
            iri = resolve(*at(i + 2 if named else i + 1))
            if iri is not None:
                (named_graphs if named else default_graphs).append(iri)
        elif word == "SERVICE":
            j = i + 2 if at(i + 1)[1].upper() == "SILENT" else i + 1
            services.append(resolve(*at(j)))
    return QueryInfo(form, tuple(default_graphs), tuple(named_graphs), tuple(services))


def refused_services(text: str, allowlist: tuple[str, ...]) -> list[str]:
    """The SERVICE calls of ``text`` not on ``allowlist`` (``?var`` calls are never allowed).
    Codepoint escapes (``\\u0053ERVICE``) are expanded first, as the SPARQL grammar does."""
    lowered = text.lower()
    if "service" not in lowered and "\\u" not in lowered:
        return []  # the common case, at the cost of a substring search
    targets = (*inspect(text).services, *inspect(_ESCAPE.sub(_unescape, text)).services)
    return sorted({t or "SERVICE ?variable" for t in targets if t not in allowlist})


def _unescape(m: re.Match) -> str:
    return chr(int(m.group(1) or m.group(2), 16))


# --- the endpoint ---------------------------------------------------------------------------

# The worker pool of each site being served (by ``id(site)``), started by :func:`lifespan`.
_POOLS: dict[int, workers.Pool] = {}


@contextlib.asynccontextmanager
async def lifespan(site) -> AsyncIterator[None]:
    """Start the query workers with the application; kill them all when it stops."""
    pool = workers.Pool(site.store_path, UNION.value, timeout=site.settings.query_timeout)
    _POOLS[id(site)] = pool
    try:
        await pool.start()
        yield
    finally:
        _POOLS.pop(id(site), None)
        await pool.close()


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status)


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _operation(request: Request) -> tuple[str | None, list[tuple[str, str]]]:
    """The query text (``None`` if absent) and the protocol parameters of a request."""
    params = list(request.query_params.multi_items())
    body_query: list[str] = []
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest(400, "the request body is not UTF-8") from None
        if ctype == FORM:
            params += parse_qsl(text, keep_blank_values=True)
        elif ctype == QUERY_BODY:
            body_query = [text]
        elif ctype == UPDATE_BODY:
            raise _BadRequest(403, "SPARQL Update is not accepted: this endpoint is read-only")
        else:
            raise _BadRequest(415, f"POST a query as {FORM} or {QUERY_BODY}, not {ctype or 'no type'}")
    if any(k == "update" for k, _ in params):
        raise _BadRequest(403, "SPARQL Update is not accepted: this endpoint is read-only")
    queries = body_query + [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise _BadRequest(400, "the request must hold exactly one query (it has several)")
    return (queries[0] if queries else None), params


def routes(site) -> list:
    settings = site.settings
    limit = settings.result_limit
    allowlist = tuple(settings.service_allowlist)

    async def endpoint(request: Request) -> Response:
        try:
            query, params = await _operation(request)
        except _BadRequest as e:
            return _error(e.status, str(e))
        if query is None:
            if request.method == "GET" and not any(k in ("default-graph-uri", "named-graph-uri") for k, _ in params):
                return service_description(request, site)
            return _error(400, "missing parameter: query")
        refused = refused_services(query, allowlist)
        if refused:
            return _error(403, "SERVICE not allowed on this endpoint: " + ", ".join(refused))
        info = inspect(query)
        if info.is_update:
            return _error(400, "SPARQL Update is not a query: this endpoint is read-only")
        job = _job(query, info, params, request.headers.get("accept"), limit)
        wanted = {"SELECT": job.table, "ASK": job.table, "CONSTRUCT": job.graph, "DESCRIBE": job.graph}
        if info.form in wanted and wanted[info.form] is None:  # known now: no worker needed
            return _error(406, f"none of the acceptable formats can hold the results of {info.form}")
        pool = _POOLS.get(id(site))
        if pool is None:  # an application run without its lifespan (e.g. a test client)
            return _error(503, "the query workers are not running")
        try:
            reply = await pool.run(job)
        except workers.QueryTimeout as e:
            return _error(503, str(e))
        except workers.WorkerLost as e:
            return _error(500, str(e))
        if reply.status == workers.OK:
            return Response(reply.body, headers={"Content-Type": f"{reply.media_type}; charset=utf-8", "Vary": "Accept"})
        if reply.status == workers.FAILED and info.services:
            return _error(502, reply.message)  # the allowed SERVICE failed, most likely
        return _error(_STATUS.get(reply.status, 500), reply.message)

    return [Route("/sparql", endpoint, methods=["GET", "POST"], name="sparql")]


_STATUS = {workers.BAD_QUERY: 400, workers.TOO_LARGE: 413, workers.NOT_ACCEPTABLE: 406}


def _job(query: str, info: QueryInfo, params: list[tuple[str, str]], accept: str | None, limit: int) -> workers.Job:
    """The worker's job: the query, its dataset (protocol parameters over FROM / FROM NAMED, else
    the endpoint's default one) and the media types negotiated for each kind of result."""
    default = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    if not default and not named:  # no protocol dataset: the query's own, if any
        default, named = list(info.default_graphs), list(info.named_graphs)
    explicit = bool(default or named)
    named = [g for g in named if g != UNION.value]  # never a named graph, even when asked for
    names = tuple(v for k, v in params if k in ("format", "output"))
    return workers.Job(
        query=query,
        default_graphs=default if explicit else None,
        named_graphs=named if explicit else None,
        table=_negotiate_cached("table", names, accept),
        graph=_negotiate_cached("graph", names, accept),
        limit=limit,
    )


@functools.lru_cache(maxsize=256)  # parsing Accept headers costs ~50 us; clients send few distinct ones
def _negotiate_cached(kind: str, names: tuple[str, ...], accept: str | None) -> str | None:
    return _negotiate(TABLE_FORMATS if kind == "table" else GRAPH_FORMATS, names, accept)


def _negotiate(formats: dict, names: tuple[str, ...], accept: str | None) -> str | None:
    """The media type to answer with: the first ``format``/``output`` value that names one of
    ``formats`` (a value holding media types is read as an Accept header: SPARQLWrapper sends
    ``format=json-ld&format=application/ld+json,...``), else by ``accept`` if none was given."""
    for name in names:
        found = choose(formats, name=name) or ("/" in name and choose(formats, accept=name)) or None
        if found:
            return found
    return None if names else choose(formats, accept=accept)


# --- service description --------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_SD_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG"]


def service_description(request: Request, site) -> Response:
    """The endpoint described with the SPARQL 1.1 Service Description vocabulary; browsers
    (who prefer HTML) are sent to the query page."""
    accept = request.headers.get("accept", "")
    if choose({**GRAPH_FORMATS, "text/html": ((), None)}, accept=accept) == "text/html":
        return RedirectResponse("/query", status_code=303)
    media_type = choose(GRAPH_FORMATS, name=request.query_params.get("format"), accept=accept)
    if media_type is None:
        return _error(406, "the service description is available as " + ", ".join(GRAPH_FORMATS))
    nn, lit = ox.NamedNode, ox.Literal
    rdf_type = nn("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    me = nn(str(request.url.replace(query="")))
    triples = [
        ox.Triple(me, rdf_type, nn(SD + "Service")),
        ox.Triple(me, nn(SD + "endpoint"), me),
        ox.Triple(me, nn(SD + "supportedLanguage"), nn(SD + "SPARQL11Query")),
        ox.Triple(me, nn(SD + "feature"), nn(SD + "UnionDefaultGraph")),
        ox.Triple(me, nn("http://www.w3.org/2000/01/rdf-schema#comment"),
                  lit(f"Read-only. Queries stop after {site.settings.query_timeout:g} s and may return "
                      f"at most {site.settings.result_limit} rows or triples.", language="en")),
        *(ox.Triple(me, nn(SD + "resultFormat"), nn(FORMATS + f)) for f in _SD_FORMATS),
    ]
    body = ox.serialize(triples, format=GRAPH_FORMATS[media_type][1])
    return Response(body, headers={"Content-Type": f"{media_type}; charset=utf-8", "Vary": "Accept"})
