"""The worker processes that run the SPARQL endpoint's queries, and the pool that drives them.

pyoxigraph cannot cancel a running query, so a query is stopped at the time limit by killing the
process running it. Each worker is a long-lived ``python workers.py STORE UNION`` child that opens
the store read-only ONCE, then answers jobs one at a time over its stdin/stdout pipes: the query
is evaluated AND serialised in the worker, only bytes come back. The parent never blocks its event
loop: pipes are asyncio streams. A killed worker is replaced at once, in the background.

The worker side imports nothing but the standard library and pyoxigraph (it is started as a
script, not as ``kg.web.workers``, so that a replacement does not import Starlette & co.: it is
ready in a few hundred milliseconds). Frames on the pipes::

    parent -> worker: 4-byte big-endian length + JSON job
    worker -> parent: 1-byte status + 8-byte big-endian length + payload

The payload of ``OK`` is ``media-type NUL body``; of every other status a UTF-8 message.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

OK, BAD_QUERY, TOO_LARGE, NOT_ACCEPTABLE, FAILED, READY = range(6)
_JOB_HEAD = struct.Struct(">I")
_REPLY_HEAD = struct.Struct(">BQ")


@dataclass(frozen=True)
class Job:
    """One query to run. Graph lists are IRIs; ``None`` means the endpoint's default dataset
    (default graph: the union graph; named graphs: all but the union graph).

    ``table``/``graph`` are the negotiated media types for each kind of result, ``None`` if the
    client accepts none: only the worker knows which kind of result the query gives."""

    query: str
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    table: str | None = None
    graph: str | None = None
    limit: int = 100_000


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str = ""
    body: bytes = b""

    @property
    def message(self) -> str:
        return self.body.decode("utf-8", "replace")


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class WorkerLost(Exception):
    """The worker died while running the query (crash, out of memory...)."""


# --- the parent's side ----------------------------------------------------------------------

def default_size() -> int:
    """One worker per CPU, at least two, plus a spare: a killed worker's replacement takes a few
    hundred milliseconds to start, and a long query should not make short ones queue."""
    return max(2, os.cpu_count() or 1) + 1


class _Worker:
    """One child process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, store_path: Path, union: str, ready_timeout: float = 60.0) -> _Worker:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-P", str(Path(__file__).resolve()), str(store_path), union,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(proc)
        try:
            reply = await asyncio.wait_for(worker._read(), ready_timeout)
        except BaseException:
            worker.kill()
            raise
        if reply.status != READY:
            worker.kill()
            raise RuntimeError(f"query worker could not start: {reply.message}")
        return worker

    async def run(self, job: Job) -> Reply:
        data = json.dumps(job.__dict__).encode("utf-8")  # dataclasses.asdict is 10x slower
        assert self.proc.stdin is not None
        self.proc.stdin.write(_JOB_HEAD.pack(len(data)) + data)
        await self.proc.stdin.drain()
        return await self._read()

    async def _read(self) -> Reply:
        assert self.proc.stdout is not None
        status, size = _REPLY_HEAD.unpack(await self.proc.stdout.readexactly(_REPLY_HEAD.size))
        payload = await self.proc.stdout.readexactly(size)
        if status == OK:
            media_type, _, body = payload.partition(b"\0")
            return Reply(status, media_type.decode("ascii"), body)
        return Reply(status, body=payload)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()


@dataclass
class Pool:
    """``size`` workers on the store at ``store_path``; :meth:`run` gives each job ``timeout``
    seconds of a worker's time (waiting for a free worker is not counted)."""

    store_path: Path
    union: str
    timeout: float
    size: int = field(default_factory=default_size)
    _idle: asyncio.Queue = field(default_factory=asyncio.Queue, init=False)
    _all: set[_Worker] = field(default_factory=set, init=False)
    _starting: set[asyncio.Task] = field(default_factory=set, init=False)
    _closed: bool = field(default=False, init=False)

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    async def _spawn(self) -> _Worker:
        worker = await _Worker.start(self.store_path, self.union)
        self._all.add(worker)
        if self._closed:  # closed while it started
            self._discard(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement in the background."""
        self._discard(worker)
        if self._closed:
            return

        async def spawn_into_idle() -> None:
            try:
                self._idle.put_nowait(await self._spawn())
            except Exception as e:  # keep serving with one worker less; say why on stderr
                print(f"kg serve: could not start a query worker: {e}", file=sys.stderr)

        task = asyncio.create_task(spawn_into_idle())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        # reap it without waiting here, so no zombie is left
        reaper = asyncio.create_task(worker.proc.wait())
        self._starting.add(reaper)
        reaper.add_done_callback(self._starting.discard)

    async def run(self, job: Job) -> Reply:
        """The worker's reply. Raises :class:`QueryTimeout` past the limit (the worker is killed
        and replaced), :class:`WorkerLost` if the worker died."""
        worker: _Worker = await self._idle.get()
        try:
            reply = await asyncio.wait_for(worker.run(job), self.timeout)
        except asyncio.TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query exceeded the {self.timeout:g} s time limit") from None
        except (asyncio.IncompleteReadError, ConnectionError) as e:
            self._replace(worker)
            raise WorkerLost(f"the query worker died ({e.__class__.__name__})") from None
        except BaseException:  # cancelled (client gone, shutdown): the worker is mid-job
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    async def close(self) -> None:
        """Kill every worker and wait for them to exit."""
        self._closed = True
        for task in list(self._starting):
            task.cancel()
        workers = list(self._all)
        for w in workers:
            w.kill()
        await asyncio.gather(*(w.proc.wait() for w in workers), *self._starting, return_exceptions=True)
        self._all.clear()

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._all]


# --- the worker's side ----------------------------------------------------------------------

def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent dies, even if it is killed itself (no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _Limit(Exception):
    pass


class _LineCounter:
    """A binary sink that fails once it received more than ``limit`` newlines, so serialising
    a too-large result stops early instead of filling the memory."""

    def __init__(self, limit: int) -> None:
        self.limit, self.lines, self.chunks = limit, 0, []

    def write(self, chunk: bytes) -> int:
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _Limit
        self.chunks.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


class _Runner:
    def __init__(self, store_path: str, union: str) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = ox.Store.read_only(store_path)
        # the store never changes under a read-only open: the dataset is computed once
        self.union = ox.NamedNode(union)
        self.named = sorted((g for g in self.store.named_graphs()
                             if isinstance(g, ox.NamedNode) and g != self.union), key=lambda g: g.value)
        has_union = any(True for _ in self.store.quads_for_pattern(None, None, None, self.union))
        self.default = [self.union] if has_union else list(self.named)

    def run(self, job: dict) -> tuple[int, bytes]:
        ox = self.ox
        default = self.default if job["default_graphs"] is None else [ox.NamedNode(i) for i in job["default_graphs"]]
        named = self.named if job["named_graphs"] is None else [ox.NamedNode(i) for i in job["named_graphs"]]
        try:
            result = self.store.query(job["query"], default_graph=default, named_graphs=named)
            table, graph, limit = job["table"], job["graph"], job["limit"]
            if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
                if table is None:
                    return NOT_ACCEPTABLE, b"the client accepts none of the SPARQL results formats"
                media_type, fmt = table, ox.QueryResultsFormat.from_media_type(table)
                if isinstance(result, ox.QueryBoolean):
                    body = result.serialize(format=fmt)
                else:
                    body = self._solutions(result, fmt, limit)
            else:
                if graph is None:
                    return NOT_ACCEPTABLE, b"the client accepts none of the RDF graph formats"
                media_type, fmt = graph, ox.RdfFormat.from_media_type(graph)
                triples = list(itertools.islice(result, limit + 1))
                if len(triples) > limit:
                    raise _Limit
                body = ox.serialize(triples, format=fmt)
        except SyntaxError as e:
            return BAD_QUERY, str(e).encode("utf-8")
        except _Limit:
            return TOO_LARGE, f"the result exceeds the limit of {job['limit']} rows or triples".encode("utf-8")
        except Exception as e:  # e.g. a SERVICE that failed (OSError): say it, keep the worker
            return FAILED, f"the query failed: {e}".encode("utf-8")
        return OK, media_type.encode("ascii") + b"\0" + body

    def _solutions(self, solutions, fmt, limit: int) -> bytes:
        """Rows are counted on TSV (one line per row, after the header line), then converted: the
        only way to count them while letting pyoxigraph write every format."""
        ox = self.ox
        sink = _LineCounter(limit + 1)
        try:
            solutions.serialize(sink, format=ox.QueryResultsFormat.TSV)
        except Exception:  # pyoxigraph may wrap the sink's exception into its own
            if sink.lines > sink.limit:
                raise _Limit from None
            raise
        tsv = b"".join(sink.chunks)
        if fmt == ox.QueryResultsFormat.TSV:
            return tsv
        return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)


def _serve(store_path: str, union: str) -> None:
    _die_with_parent()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the reply frames
    inp = os.fdopen(0, "rb")

    def reply(status: int, payload: bytes) -> None:
        out.write(_REPLY_HEAD.pack(status, len(payload)) + payload)
        out.flush()

    try:
        runner = _Runner(store_path, union)
    except Exception as e:
        reply(FAILED, str(e).encode("utf-8"))
        return
    reply(READY, b"")
    while True:
        head = inp.read(_JOB_HEAD.size)
        if len(head) < _JOB_HEAD.size:
            return  # the parent closed the pipe: done
        (size,) = _JOB_HEAD.unpack(head)
        job = json.loads(inp.read(size))
        reply(*runner.run(job))


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
