"""Where the graphs live: an embedded pyoxigraph store in a directory, or a SPARQL server.

``open_store(location)`` picks one: a URL starting with http:// or https:// gives a
:class:`RemoteStore`, anything else an :class:`EmbeddedStore` on that directory.
"""
from __future__ import annotations

from pathlib import Path

from .base import ONTOLOGY_GRAPH, Store, StoreError, load_ontology
from .embedded import EmbeddedStore
from .remote import RemoteStore

DEFAULT_STORE_DIR = Path("store")

__all__ = [
    "ONTOLOGY_GRAPH",
    "DEFAULT_STORE_DIR",
    "EmbeddedStore",
    "RemoteStore",
    "Store",
    "StoreError",
    "load_ontology",
    "open_store",
]


def open_store(location: str | Path | None, *, read_only: bool = False) -> Store:
    """Open the store at ``location`` (a directory, or an http(s) URL of a SPARQL server).

    ``None`` means ``./store``. ``read_only=True`` opens an embedded store without taking its
    lock (for query commands while an ingest runs); it has no effect on a remote store.
    """
    if location is None:
        location = DEFAULT_STORE_DIR
    text = str(location)
    if text.lower().startswith(("http://", "https://")):
        return RemoteStore(text)
    return EmbeddedStore(Path(location), read_only=read_only)
