"""Helpers the end-to-end tests (and the benchmarks in bench/) share: running the `kg` command,
comparing stores by their quads, stopping servers, replicating the demo articles into a corpus."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph


def canonical_quads(nquads: bytes | str) -> list[tuple[str, str, str, str]]:
    """The quads of an N-Quads document, sorted, with blank nodes relabelled canonically per
    graph (the ontology graph has OWL blank nodes whose labels change on every load)."""
    if isinstance(nquads, str):
        nquads = nquads.encode("utf-8")
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        by_graph[str(q.graph_name)].append(q)
    out = []
    for g, quads in by_graph.items():
        if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            rg = rdflib.Graph()
            rg.parse(data="\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads), format="nt")
            out += [(s.n3(), p.n3(), o.n3(), g) for s, p, o in to_canonical_graph(rg)]
        else:
            out += [(str(q.subject), str(q.predicate), str(q.object), g) for q in quads]
    return sorted(out)


def kg_command() -> list[str]:
    """The installed `kg` of this interpreter's environment, else `python -m kg.cli`."""
    exe = Path(sys.executable).parent / ("kg.exe" if os.name == "nt" else "kg")
    found = shutil.which("kg", path=str(exe.parent))
    return [found] if found else [sys.executable, "-m", "kg.cli"]


def child_env() -> dict[str, str]:
    """The environment without KG_* settings, so only the options given count."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KG_")}


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started for a test or a benchmark: politely (so it can stop its own
    workers), then by force after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def replicate_articles(files: list[Path], dest: Path, n: int) -> list[Path]:
    """``n`` article files in ``dest``: copies of ``files``, each copy with its URLs changed and one
    sentence added in the middle of the body, so every copy is a distinct article."""
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    k = 0
    while len(out) < n:
        for src in files:
            if len(out) >= n:
                break
            text = src.read_text(encoding="utf-8")
            text = re.sub(r"(https?://)", rf"\1c{k}.", text)
            mid = text.find(". ", len(text) // 2)
            if mid > 0:
                text = f"{text[:mid + 2]}The archive reference is {k}. {text[mid + 2:]}"
            p = dest / f"c{k:04d}_{src.name}"
            p.write_text(text, encoding="utf-8")
            out.append(p)
        k += 1
    return out
