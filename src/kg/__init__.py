"""CoopKG: cooperation news in, SHACL-validated linked data out.

The small public API, one function per stage of the flow
(sources -> extract -> resolve -> rdf -> validate -> store)::

    >>> import kg
    >>> store = kg.open_store(tmp_dir)                         # doctest: +SKIP
    >>> summary = kg.ingest(["data/articles"], store)          # doctest: +SKIP
    >>> summary.accepted, summary.rejected                     # doctest: +SKIP
    (18, [])

Heavy modules (spaCy, pyshacl) load only when a function that needs them is called.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["read", "extract", "ingest", "open_store", "Settings"]

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings
    from .extract.pipeline import extract
    from .ingest import ingest
    from .sources import read
    from .store import open_store


def __getattr__(name: str):
    if name == "read":
        from .sources import read
        return read
    if name == "extract":
        from .extract.pipeline import extract
        return extract
    if name == "ingest":
        from .ingest import ingest
        return ingest
    if name == "open_store":
        from .store import open_store
        return open_store
    if name == "Settings":
        from .config import Settings
        return Settings
    raise AttributeError(name)
