"""Settings: defaults, overridden by ``kg.toml`` in the working directory, then by environment
variables, then by command-line options.

``kg.toml``::

    [kg]
    base = "https://data.example.org/id/"   # where data IRIs live
    store = "http://127.0.0.1:7878"          # a directory, or a SPARQL server's URL
    max_bytes = 5000000                      # larger input files are rejected
    jobs = 2                                 # processes for `kg ingest` (0: as many as CPUs, up to 4, for large batches)
    query_timeout = 10.0                     # seconds a query may run on `kg serve`
    result_limit = 100000                    # rows (or triples) a query may return on `kg serve`
    service_allowlist = ["https://partner.example.org/sparql"]  # SERVICE endpoints allowed

Environment: ``KG_BASE``, ``KG_STORE``, ``KG_MAX_BYTES``, ``KG_JOBS``, ``KG_QUERY_TIMEOUT``,
``KG_RESULT_LIMIT``, ``KG_SERVICE_ALLOWLIST`` (endpoints separated by spaces).

>>> Settings().base
'http://localhost:8000/id/'
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

CONFIG_FILE = "kg.toml"


@dataclass(frozen=True)
class Settings:
    base: str = "http://localhost:8000/id/"
    store: str = "store"
    max_bytes: int = 5_000_000
    jobs: int = 0
    query_timeout: float = 10.0
    result_limit: int = 100_000
    service_allowlist: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None, **overrides) -> "Settings":
        s = cls()
        path = path or Path(CONFIG_FILE)
        if path.is_file():
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("kg", {})
            s = s._with({f.name: table[f.name] for f in fields(cls) if f.name in table})
        s = s._with({f.name: os.environ[f"KG_{f.name.upper()}"] for f in fields(cls) if f"KG_{f.name.upper()}" in os.environ})
        s = replace(s, **{k: v for k, v in overrides.items() if v is not None})
        if not s.base.endswith(("/", "#")):  # IRIs are made by appending paths
            s = replace(s, base=s.base + "/")
        return s

    def _with(self, values: dict) -> "Settings":
        return replace(self, **{k: _convert(getattr(self, k), v) for k, v in values.items()})


def _convert(default, value):
    """Give a value from kg.toml or the environment the type of the setting's default."""
    if isinstance(default, tuple):
        return tuple(value.split() if isinstance(value, str) else value)
    return type(default)(value)
