"""The store in a directory on this machine: pyoxigraph (RocksDB) on disk.

Locking, as measured with pyoxigraph 0.5.13: a read-write ``Store(path)`` takes RocksDB's
``LOCK`` file, and a second read-write open from another process fails at once with
``OSError("IO error: While lock file: DIR/LOCK: Resource temporarily unavailable")``, which is
turned into ``StoreError("store DIR is in use by another process (...)")``.
``Store.read_only(path)`` does NOT take the lock: it opens fine while an ingest holds the store
and sees the data committed when it was opened. pyoxigraph documents reading while another
process writes as undefined behaviour, so ``read_only=True`` is meant for short query
commands (``kg query``, ``kg stats``), never for long-lived readers; such a store refuses
writes with StoreError.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .base import (
    BUILD_UNION_UPDATE,
    UNION,
    Bindings,
    replace_and_union_update,
    StoreError,
    compute_stats,
    normalise_bindings,
)
from .remote import inject_values


def _is_lock_error(e: OSError) -> bool:
    msg = str(e)
    return "lock" in msg.lower() and ("unavailable" in msg.lower() or "LOCK" in msg)


# Writes between two ``Store.flush()`` calls. pyoxigraph 0.5 opens RocksDB with 128 MB write
# buffers (memtables) per column family, up to 6 of them, for 12 column families: nothing reaches
# disk, and RSS grows by ~0.4 MB per article written (measured: 860 MB after 2,000 synthetic
# 210-triple articles), and writes slow down as the memtables grow. Flushing every 100 writes
# costs ~200 ms per flush (~2 ms per article) and keeps RSS flat (~100 MB after 2,000).
FLUSH_EVERY = 100


class EmbeddedStore:
    """pyoxigraph ``Store`` on disk at ``path`` (created if missing unless ``read_only``)."""

    def __init__(self, path: str | Path, *, read_only: bool = False,
                 flush_every: int = FLUSH_EVERY) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.flush_every = flush_every
        self._writes = 0
        # the named graphs (without the union), kept between queries and updated by writes:
        # listing them costs ~2 ms per query at a hundred graphs
        self._graphs: list[ox.NamedNode] | None = None
        self._has_union = False
        try:
            if read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(f"no store at {self.path} (nothing has been ingested there yet)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
                self._build_union_if_missing()
        except OSError as e:
            if _is_lock_error(e):
                raise StoreError(f"store {self.path} is in use by another process ({e})") from None
            raise StoreError(f"cannot open store {self.path}: {e}") from None

    # -- writing ---------------------------------------------------------------------------
    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """One SPARQL Update ``DROP SILENT GRAPH g ; INSERT DATA {GRAPH g {...}}``: pyoxigraph runs
        an update in a single transaction (see base.py). ~10-15 ms for 200 triples (the union graph
        doubles the quads written); every ``flush_every`` writes the memtables go to disk."""
        self._check_writable()
        triples = list(triples)
        update = replace_and_union_update(graph, triples)
        try:
            self._store.update(update)
            self._note_written(graph, bool(triples))
            self._writes += 1
            if self.flush_every > 0 and self._writes % self.flush_every == 0:
                self._store.flush()  # bounds the memtables: see FLUSH_EVERY
        except OSError as e:
            raise StoreError(f"cannot write to store {self.path}: {e}") from None

    def _note_written(self, graph: ox.NamedNode, filled: bool) -> None:
        """Keep the cached graph list current after a write instead of listing the graphs again
        (which costs a scan of every graph name per query, so quadratic over an ingest): a graph
        written with triples is there and so is the union; one written empty is gone."""
        if self._graphs is None:
            return
        if not filled:
            self._graphs = None  # the union may have emptied too: list both again when asked
            return
        self._has_union = True
        i = bisect.bisect_left(self._graphs, graph.value, key=lambda g: g.value)
        if i == len(self._graphs) or self._graphs[i] != graph:
            self._graphs.insert(i, graph)

    def _build_union_if_missing(self) -> None:
        """Stores written before the union graph existed get it once, on their first writable open."""
        if any(True for _ in self._store.quads_for_pattern(None, None, None, UNION)):
            return
        if any(True for g in self._store.named_graphs() if g != UNION):
            self._store.update(BUILD_UNION_UPDATE)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} was opened read-only")

    # -- reading ---------------------------------------------------------------------------
    def query(self, sparql: str, bindings: Bindings | None = None):
        """SPARQL over the union (a set) of all named graphs; ``GRAPH ?g`` sees each named graph.

        ``bindings`` are written by pyoxigraph into a ``VALUES`` block at the start of the WHERE
        group (``remote.inject_values``), exactly as for a RemoteStore, so both stores give the
        same answers. pyoxigraph's own ``substitutions`` are not used: in 0.5 they raise
        ``RuntimeError: The SPARQL query does not contains variable ?h in its SELECT
        projection`` whenever the bound variable is not projected, which is the common case.

        >>> store.query("SELECT ?a WHERE { ?a <https://schema.org/headline> ?h }",
        ...             {"h": ox.Literal("UNESCO visit", language="en")})  # doctest: +SKIP
        """
        text = inject_values(sparql, normalise_bindings(bindings))
        try:
            graphs = self.graphs()
            if graphs and self._has_union:
                return self._store.query(text, default_graph=UNION, named_graphs=graphs)
            return self._store.query(text, use_default_graph_as_union=True)  # an empty store
        except OSError as e:
            raise StoreError(f"cannot read store {self.path}: {e}") from None

    def export(self, out: IO[bytes], format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        if not format.supports_datasets:
            raise ValueError(f"{format.name} cannot hold named graphs; use TriG or N-Quads")
        try:
            quads = (q for q in self._store.quads_for_pattern(None, None, None) if q.graph_name != UNION)
            ox.serialize(quads, out, format)
        except OSError as e:
            raise StoreError(f"cannot export store {self.path}: {e}") from None

    def graphs(self) -> list[ox.NamedNode]:
        if self._graphs is None:
            self._has_union = any(True for _ in self._store.quads_for_pattern(None, None, None, UNION))
            self._graphs = sorted(
                (g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g != UNION),
                key=lambda g: g.value,
            )
        return list(self._graphs)

    def stats(self) -> dict[str, int]:
        return compute_stats(self)

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None:
            if not self.read_only:
                try:
                    store.flush()
                except OSError:
                    pass
            del self._store

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r}{', read_only=True' if self.read_only else ''})"
