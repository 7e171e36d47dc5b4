"""The whole path for a batch: read -> extract -> resolve -> map -> validate -> store.

Each article becomes one named graph, validated whole and stored whole in one transaction:
an article is accepted with all its facts or rejected with none. Bad input never stops the
batch; every rejected input gets one line (which input, and why).

With ``jobs > 1`` the NLP, mapping and validation run in worker processes (each loads spaCy
once), and the parent process alone writes to the store, in input order, so the result does
not depend on the number of jobs. ``jobs = 0`` (the default) picks: one process for a small
batch (starting workers would cost more than they save), else one per CPU, up to four.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .article import Article, ReadError
from .config import Settings
from .store import Store, load_ontology

CHUNK = 16  # articles per spaCy batch and per job sent to a worker
# Input size above which `jobs = 0` starts worker processes: about 60 news articles, the batch
# whose NLP time outweighs loading spaCy again in each worker (measured: ~3 s per worker).
AUTO_PARALLEL_BYTES = 200_000
MAX_AUTO_JOBS = 4


@dataclass
class Outcome:
    """What became of one article: N-Triples ready for the store, or the reason it was rejected."""

    source: str
    graph: str
    ntriples: bytes | None = None
    error: str | None = None
    facts: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Summary:
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    facts: int = 0
    triples: int = 0
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def ok(self) -> bool:
        return not self.rejected


class Processor:
    """Turns articles into validated graphs; built once per process (spaCy, shapes, ontology)."""

    def __init__(self, base: str):
        from .extract.pipeline import load_nlp
        from .validate import Validator

        self.base = base
        self.nlp = load_nlp()
        self.validator = Validator()

    def graph(self, doc, article: Article, timings: dict[str, float]):
        """Extract, resolve and map one parsed article: (its graph, number of facts)."""
        from .extract.pipeline import extract_doc
        from .rdf import to_graph
        from .resolve import assign_keys

        t = time.perf_counter()
        ex = extract_doc(doc, article)
        assign_keys(ex.entities, article.id)
        timings["rules"] = time.perf_counter() - t
        t = time.perf_counter()
        g = to_graph(ex, self.base)
        timings["mapping"] = time.perf_counter() - t
        return g, len(ex.memberships) + len(ex.events) + len(ex.agreements)

    def report(self, article: Article):
        """The validation report of one article's graph (for ``kg validate``)."""
        (doc,) = self._parse([article])
        if isinstance(doc, str):
            raise ValueError(doc)
        g, _ = self.graph(doc, article, {})
        return self.validator.validate(g)

    def process(self, articles: list[Article]) -> list[Outcome]:
        from .rdf import article_iri

        t0 = time.perf_counter()
        docs = self._parse(articles)
        nlp_share = (time.perf_counter() - t0) / max(1, len(articles))
        out = []
        for doc, article in zip(docs, articles):
            graph = str(article_iri(self.base, article.id))
            o = Outcome(article.source, graph, timings={"nlp": nlp_share})
            if isinstance(doc, str):  # spaCy could not parse this one
                o.error = doc
                out.append(o)
                continue
            try:
                g, o.facts = self.graph(doc, article, o.timings)
                t = time.perf_counter()
                report = self.validator.validate(g)
                o.timings["validation"] = time.perf_counter() - t
                if not report.conforms:
                    first = report.problems[0]
                    o.error = (f"does not conform to the shapes ({len(report.problems)} problem(s); "
                               f"first: {first.node} {first.path or ''} {first.message})")
                    out.append(o)
                    continue
                t = time.perf_counter()
                o.ntriples = g.serialize(format="nt", encoding="utf-8")
                o.timings["mapping"] += time.perf_counter() - t
            except Exception as exc:  # a bug on one article must not lose the batch
                o.error = f"extraction failed: {type(exc).__name__}: {exc}"
            out.append(o)
        return out


    def _parse(self, articles: list[Article]) -> list:
        """A spaCy Doc per article, or the reason it cannot be parsed (a str), in order.

        A text longer than ``nlp.max_length`` makes spaCy raise for the whole batch, so it is
        rejected here; if the batch fails anyway, the articles are parsed one by one so that one
        bad text never loses the others."""
        limit = self.nlp.max_length
        fits = [a for a in articles if len(a.text) <= limit]
        try:
            parsed = iter(list(self.nlp.pipe([a.text for a in fits], batch_size=CHUNK)))
        except Exception:
            parsed = None
        docs: list = []
        for a in articles:
            if len(a.text) > limit:
                docs.append(f"too long for the language model ({len(a.text):,} characters, limit {limit:,})")
            elif parsed is not None:
                docs.append(next(parsed))
            else:
                try:
                    docs.append(self.nlp(a.text))
                except Exception as exc:
                    docs.append(f"extraction failed: {type(exc).__name__}: {exc}")
        return docs


_worker: Processor | None = None
_worker_load: float | None = None  # seconds this worker took to build its Processor, not yet reported


def _init_worker(base: str) -> None:
    global _worker, _worker_load
    t = time.perf_counter()
    _worker = Processor(base)
    _worker_load = time.perf_counter() - t


def _work(articles: list[Article]) -> list[Outcome]:
    global _worker_load
    assert _worker is not None
    out = _worker.process(articles)
    if out and _worker_load is not None:  # reported once per worker, with its first outcome
        out[0].timings["load"] = out[0].timings.get("load", 0.0) + _worker_load
        _worker_load = None
    return out


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def auto_jobs(paths: list[str | Path]) -> int:
    """Processes for a batch when none are asked for: one for a small batch, else one per CPU
    (at most MAX_AUTO_JOBS)."""
    from .sources import input_bytes

    if input_bytes(paths) < AUTO_PARALLEL_BYTES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_AUTO_JOBS))


def ingest(paths: Iterable[str | Path], store: Store, settings: Settings | None = None, *,
           on_error: Callable[[str], None] = lambda line: None,
           on_article: Callable[[], None] = lambda: None) -> Summary:
    """Ingest every article under ``paths`` into ``store``; returns counts and rejected lines."""
    from .ontology import ontology_graph
    from .rdf import to_oxigraph
    from .sources import read

    from .resolve import StoreResolver

    settings = settings or Settings.load()
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    jobs = settings.jobs or auto_jobs(paths)
    summary = Summary()
    load_ontology(store, to_oxigraph(ontology_graph()))
    known = StoreResolver(store, settings.base)  # names already in the store, kept current below

    def articles() -> Iterator[Article]:
        t = time.perf_counter()
        for item in read(paths, max_bytes=settings.max_bytes):
            summary.timings["read"] += time.perf_counter() - t
            if isinstance(item, ReadError):
                summary.rejected.append(str(item))
                on_error(str(item))
            else:
                yield item
            t = time.perf_counter()

    def store_outcomes(outcomes: list[Outcome]) -> None:
        for o in outcomes:
            for stage, seconds in o.timings.items():
                summary.timings[stage] += seconds
            if o.error:
                line = f"{o.source}: {o.error}"
                summary.rejected.append(line)
                on_error(line)
            else:
                t = time.perf_counter()
                triples = list(ox.parse(o.ntriples, format=ox.RdfFormat.N_TRIPLES))
                triples, merges = known.resolve(triples, o.graph)
                for merge in merges:  # other articles' nodes this one shows to be the same
                    known.merge(merge)
                store.replace_graph(ox.NamedNode(o.graph), triples)
                summary.timings["store"] += time.perf_counter() - t
                summary.accepted += 1
                summary.facts += o.facts
                summary.triples += len(triples)
            on_article()

    if jobs <= 1:
        t = time.perf_counter()
        processor = Processor(settings.base)
        summary.timings["load"] += time.perf_counter() - t
        for chunk in _chunks(articles(), CHUNK):
            store_outcomes(processor.process(chunk))
    else:
        ctx = multiprocessing.get_context("spawn")  # fork after loading spaCy/rdflib is fragile
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(settings.base,)) as pool:
            for outcomes in pool.imap(_work, _chunks(articles(), CHUNK // 2 or 1)):
                store_outcomes(outcomes)
    return summary
