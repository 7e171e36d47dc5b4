"""Ingest throughput and memory: spaCy alone vs the whole ingest, 1 and 2 jobs, 100 and 1,000 articles.

    .venv/bin/python bench/ingest.py                 # 100 and 1000 articles
    .venv/bin/python bench/ingest.py --sizes 100,300 # a quick run (a few minutes on 2 CPUs)
    .venv/bin/python bench/ingest.py --sizes 100 --jobs 1   # only the 1-job ingest

The corpus is the demo articles (the single-article files) replicated with small changes (URLs
and one added sentence per copy, so every copy is a distinct article) in a temp dir.

* spaCy alone: ``load_nlp().pipe(texts, batch_size=CHUNK)`` over the same article texts the
  ingest reads (the same pipeline as ``kg.extract.pipeline.load_nlp``), model load excluded.
* end to end: ``kg.ingest.ingest`` via the API in a fresh subprocess with a fresh embedded store,
  timed around the ``ingest()`` call (so it includes building the Processor: spaCy load, shapes;
  with 2 jobs, the workers' start-up). The subprocess's peak RSS is the ``ru_maxrss`` of
  ``os.wait4`` (for 2 jobs: the largest single process, the parent or a worker).
* stage shares are ``Summary.timings`` (seconds summed over articles; with 2 jobs they are worker
  CPU-side times, so they add up to more than the wall time). "load" is building the Processor
  (spaCy, shapes): in the parent with 1 job, summed over the workers with 2 jobs.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import replicate_articles  # noqa: E402  (the corpus the ingest tests use too)

ARTICLES = ROOT / "data" / "articles"
MULTI = {".jsonl", ".xml", ".rss", ".atom", ".feed"}  # files holding several articles
STAGES = ("read", "load", "nlp", "rules", "mapping", "validation", "store")


def make_corpus(dest: Path, n: int) -> Path:
    files = sorted(p for p in ARTICLES.iterdir() if p.name[:2].isdigit() and p.suffix.lower() not in MULTI)
    replicate_articles(files, dest, n)
    return dest


def worker(corpus: str, store: str, jobs: int) -> None:
    """Child mode: one ingest via the API, result as JSON on stdout."""
    from kg.config import Settings
    from kg.ingest import ingest
    from kg.store import open_store

    settings = Settings(jobs=jobs)
    target = open_store(store)
    t = time.perf_counter()
    summary = ingest([corpus], target, settings)
    seconds = time.perf_counter() - t
    target.close()
    print(json.dumps({"seconds": seconds, "accepted": summary.accepted, "rejected": len(summary.rejected),
                      "timings": dict(summary.timings)}))


def run_child(corpus: Path, store: Path, jobs: int) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--worker", str(corpus), str(store), str(jobs)],
                            stdout=subprocess.PIPE, cwd=store.parent)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"ingest child failed with status {proc.returncode}")
    result = json.loads(out)
    result["maxrss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def spacy_alone(corpus: Path) -> tuple[float, int]:
    from kg.article import Article
    from kg.extract.pipeline import load_nlp
    from kg.ingest import CHUNK
    from kg.sources import read

    texts = [a.text for a in read([corpus]) if isinstance(a, Article)]
    nlp = load_nlp()
    list(nlp.pipe(texts[:4]))  # warm up
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=CHUNK):
        pass
    return time.perf_counter() - t, len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["100", "1000"],
                    help="numbers of articles, space- or comma-separated (default: 100 1000)")
    ap.add_argument("--jobs", nargs="+", default=["1", "2"],
                    help="job counts to run end to end, space- or comma-separated (default: 1 2)")
    ap.add_argument("--worker", nargs=3, metavar=("CORPUS", "STORE", "JOBS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return
    sizes = [int(x) for v in args.sizes for x in v.split(",") if x.strip()]
    job_counts = [int(x) for v in args.jobs for x in v.split(",") if x.strip()]

    import spacy

    from kg.extract.pipeline import MODEL

    print(f"CoopKG ingest benchmark: spaCy {spacy.__version__}, model {MODEL}, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        for n in sizes:
            corpus = make_corpus(Path(tmp) / f"corpus-{n}", n)
            nlp_s, count = spacy_alone(corpus)
            runs = {}
            for jobs in job_counts:
                store = Path(tmp) / f"store-{n}-{jobs}"
                runs[jobs] = run_child(corpus, store, jobs)
                assert runs[jobs]["accepted"] == count, (runs[jobs], count)
            rows.append((n, count, nlp_s, runs))
            print(f"  done: {n} articles", file=sys.stderr, flush=True)

    print()
    head = f"{'articles':>8} | {'spaCy art/s':>11}"
    for jobs in job_counts:
        head += f" | {f'e2e {jobs}j art/s':>13} | {f'{jobs}j/spaCy':>9} | {f'peak RSS {jobs}j':>12} | {f'store ms/art {jobs}j':>16}"
    print(head)
    print("-" * len(head))
    for n, count, nlp_s, runs in rows:
        spacy_rate = count / nlp_s
        line = f"{count:>8} | {spacy_rate:>11.1f}"
        for jobs in job_counts:
            r = runs[jobs]
            rate = count / r["seconds"]
            store_ms = 1000 * r["timings"].get("store", 0.0) / max(1, r["accepted"])
            line += (f" | {rate:>13.1f} | {rate / spacy_rate:>9.2f} | {r['maxrss_mb']:>9.0f} MB"
                     f" | {store_ms:>16.1f}")
        print(line)
    print("(art/s = articles per second; e2e = kg.ingest.ingest wall time incl. Processor/worker start-up;"
          " peak RSS with 2+ jobs is the largest single process)")
    print()
    print("share of stage time (Summary.timings), % of the stage total; seconds in brackets")
    print(f"{'articles':>8} {'jobs':>4} | " + " | ".join(f"{s:>13}" for s in STAGES) + f" | {'wall s':>7}")
    for n, count, _, runs in rows:
        for jobs in job_counts:
            t = runs[jobs]["timings"]
            total = sum(t.get(s, 0.0) for s in STAGES) or 1.0
            cells = " | ".join(f"{100 * t.get(s, 0.0) / total:5.1f}% ({t.get(s, 0.0):5.1f})" for s in STAGES)
            print(f"{count:>8} {jobs:>4} | {cells} | {runs[jobs]['seconds']:>7.1f}")

if __name__ == "__main__":
    main()
