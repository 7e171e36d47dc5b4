"""The ``kg`` command: thin wrappers over the library (ingest, query, validate, export, stats).

Heavy imports (spaCy, pyshacl) happen inside the commands that need them, so ``kg query``
starts fast.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .config import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="CoopKG: cooperation news in, SHACL-validated linked data out.")

STORE_HELP = "Store directory, or the URL of a SPARQL 1.1 server (default: ./store, or KG_STORE / kg.toml)."
RESULT_FORMATS = ("table", "json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "nquads", "jsonld", "trig", "xml")


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _check_base(base: str) -> None:
    """A usage error (exit 2) unless ``base`` makes valid absolute IRIs (from --base, KG_BASE or kg.toml)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(base + "article/x")
    except ValueError as exc:
        _err(f"kg: the base IRI {base!r} is not an absolute IRI ({exc}); use e.g. --base https://data.example.org/id/")
        raise typer.Exit(2)


def _open(store: Optional[str], read_only: bool = False):
    from .store import StoreError, open_store

    location = Settings.load(store=store).store
    try:
        return open_store(location, read_only=read_only)
    except StoreError as exc:
        _err(f"kg: {exc}")
        raise typer.Exit(2)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders: .txt .md .html .json .jsonl, RSS/Atom feeds."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    base: Optional[str] = typer.Option(None, "--base", help="Base IRI of the data (default http://localhost:8000/id/)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes for NLP and validation (default: one per CPU, up to 4, for large batches)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", min=1, help="Reject input files larger than this."),
) -> None:
    """Read articles, extract facts, validate each article's graph and store it (one graph per article).

    Example: kg ingest data/articles --store ./store
    Exit status: 0 all accepted, 1 some rejected (one line each on stderr), 2 usage error.
    """
    from .ingest import ingest as run
    from .store import StoreError

    settings = Settings.load(store=store, base=base, jobs=jobs, max_bytes=max_bytes)
    _check_base(settings.base)
    target = _open(settings.store)
    progress = None
    try:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            # The progress bar and the rejection lines go to stderr; the lines are printed as
            # they are (no markup: a file named "x[/y].txt" must neither crash nor be mangled)
            # and never wrapped, so each rejected input stays one line.
            progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} articles"),
                                TimeElapsedColumn(), transient=True, console=Console(stderr=True))
            progress.start()
            task = progress.add_task("ingesting", total=None)
            on_article = lambda: progress.advance(task)  # noqa: E731

            def on_error(line: str) -> None:
                progress.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        else:
            on_article, on_error = (lambda: None), _err
        summary = run(paths, target, settings, on_error=on_error, on_article=on_article)
    except StoreError as exc:
        _err(f"kg: {exc}")
        raise typer.Exit(2)
    except KeyboardInterrupt:
        # Each article is stored whole in one transaction, so what is stored is complete.
        _err("kg ingest: interrupted; the articles stored so far are complete, run it again to finish")
        raise typer.Exit(130)
    finally:
        if progress is not None:
            progress.stop()
        target.close()
    _err(f"{summary.accepted} accepted, {len(summary.rejected)} rejected, {summary.facts} facts, "
         f"{summary.triples} triples")
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def query(
    text: Optional[str] = typer.Argument(None, help="A SPARQL query (or use -f)."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the query from this file."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"SELECT/ASK: {', '.join(RESULT_FORMATS)}; "
                                      f"CONSTRUCT/DESCRIBE: {', '.join(GRAPH_FORMATS)}."),
) -> None:
    """Run a SPARQL query; the default graph is the union of all named graphs.

    Example: kg query 'SELECT ?p WHERE { ?p a <https://w3id.org/coopkg/ontology#Person> }' --format csv
    """
    from .store import StoreError

    if (text is None) == (file is None):
        _err("kg query: give a query or -f FILE (one of them)")
        raise typer.Exit(2)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            _err(f"kg query: cannot read {file}: {exc.strerror}")
            raise typer.Exit(2)
    target = _open(store, read_only=True)
    try:
        result = target.query(text)
    except SyntaxError as exc:
        _err(f"kg query: syntax error: {exc}")
        raise typer.Exit(2)
    except StoreError as exc:
        _err(f"kg: {exc}")
        raise typer.Exit(2)
    _print_result(result, fmt, "kg query")
    target.close()


@app.command()
def ask(
    name: Optional[str] = typer.Argument(None, help="The question's name; leave it out to list the questions."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="A parameter as key=value (repeatable)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"{', '.join(RESULT_FORMATS)}"),
) -> None:
    """Run a named question (a query in queries/*.rq); with no name, list them.

    Example: kg ask posts-in-organisation --param org=ICEKI --format csv
    Values are bound as RDF terms (an http(s) IRI, or a name matched against labels), never pasted into the query.
    """
    from .questions import ask as run, bindings_for, load_questions
    from .store import StoreError

    try:
        questions = load_questions()
    except (OSError, ValueError) as exc:
        _err(f"kg ask: cannot read the questions: {exc}")
        raise typer.Exit(2)
    if name is None:
        for q in questions.values():
            params = " ".join(f"--param {p.name}=…" + ("" if not p.optional else " (optional)") for p in q.params)
            typer.echo(f"{q.name:28} {q.title}" + (f"  [{params}]" if params else ""))
        return
    values: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _err(f"kg ask: --param {item!r} is not key=value")
            raise typer.Exit(2)
        values[key.strip()] = value
    try:  # a wrong name or parameter is reported before the store is opened
        if name not in questions:
            raise ValueError(f"no question named {name!r}; run 'kg ask' to list them")
        bindings_for(questions[name], values)
    except ValueError as exc:
        _err(f"kg ask: {exc}")
        raise typer.Exit(2)
    target = _open(store, read_only=True)
    try:
        result = run(target, name, values, questions)
        _print_result(result, fmt, "kg ask")
    except ValueError as exc:
        _err(f"kg ask: {exc}")
        raise typer.Exit(2)
    except SyntaxError as exc:
        _err(f"kg ask: syntax error in question {name}: {exc}".splitlines()[0])
        raise typer.Exit(2)
    except StoreError as exc:
        _err(f"kg: {exc}")
        raise typer.Exit(2)
    finally:
        target.close()


def _print_result(result, fmt: Optional[str], command: str) -> None:
    """Write a query result to stdout in ``fmt`` (the one output path of kg query and kg ask)."""
    import pyoxigraph as ox

    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                   "xml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
        name = fmt or "turtle"
        if name not in formats:
            _err(f"{command}: --format {name} is not for CONSTRUCT/DESCRIBE; use one of {', '.join(formats)}")
            raise typer.Exit(2)
        result.serialize(out, format=formats[name])
    else:
        formats = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
        name = fmt or ("table" if sys.stdout.isatty() else "tsv")
        if name == "table":
            _table(result)
        elif name in formats:
            result.serialize(out, format=formats[name])
        else:
            _err(f"{command}: --format {name} is not for SELECT/ASK; use one of {', '.join(RESULT_FORMATS)}")
            raise typer.Exit(2)
    out.flush()


def _table(result) -> None:
    import pyoxigraph as ox
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if isinstance(result, ox.QueryBoolean):
        console.print(str(bool(result)).lower())
        return
    table = Table(*[v.value for v in result.variables])
    rows = 0
    for solution in result:
        # Text, not str: values are data, never rich markup ("[/x]" in a literal must not crash)
        table.add_row(*[Text(_cell(solution[v])) for v in result.variables])
        rows += 1
    console.print(table)
    console.print(f"{rows} row(s)")


def _cell(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if isinstance(term, ox.NamedNode) else str(term)


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Files or folders of articles."),
    base: Optional[str] = typer.Option(None, "--base"),
) -> None:
    """Extract and validate articles without storing them; print every problem found.

    Example: kg validate data/articles
    """
    from .ingest import Processor
    from .article import ReadError
    from .sources import read
    from .validate import Report

    settings = Settings.load(base=base)
    _check_base(settings.base)
    processor = Processor(settings.base)
    bad = 0
    for item in read(paths, max_bytes=settings.max_bytes):
        if isinstance(item, ReadError):
            _err(str(item))
            bad += 1
            continue
        try:
            report: Report = processor.report(item)
        except Exception as exc:  # too long for spaCy, or an extraction bug: this article only
            reason = str(exc) if isinstance(exc, ValueError) else f"extraction failed: {type(exc).__name__}: {exc}"
            _err(f"{item.source}: {reason}")
            bad += 1
            continue
        if report.conforms:
            typer.echo(f"{item.source}: conforms")
        else:
            bad += 1
            typer.echo(f"{item.source}: {len(report.problems)} problem(s)")
            typer.echo(str(report))
    raise typer.Exit(1 if bad else 0)


@app.command()
def export(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    fmt: str = typer.Option("trig", "--format", help="trig or nquads"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """Write every graph of the store (articles and ontology) as TriG or N-Quads.

    Example: kg export --format nquads -o dump.nq
    """
    import pyoxigraph as ox

    formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
    if fmt not in formats:
        _err(f"kg export: --format must be one of {', '.join(formats)}")
        raise typer.Exit(2)
    from .store import StoreError

    target = _open(store, read_only=True)
    try:
        if output is None:
            target.export(sys.stdout.buffer, formats[fmt])
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as fh:
                target.export(fh, formats[fmt])
    except (StoreError, BrokenPipeError) as exc:
        if isinstance(exc, BrokenPipeError) or isinstance(exc.__context__, BrokenPipeError):
            # the reader went away (kg export | head): stop quietly, as Unix tools do
            sys.stdout = open(os.devnull, "w")
            raise typer.Exit(141)
        _err(f"kg: {exc}")
        raise typer.Exit(2)
    except OSError as exc:
        _err(f"kg export: cannot write {output}: {exc.strerror or exc}")
        raise typer.Exit(2)
    finally:
        target.close()


@app.command()
def stats(store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP)) -> None:
    """Counts of what the store holds.

    Example: kg stats --store ./store
    """
    from .store import StoreError

    target = _open(store, read_only=True)
    try:
        counts = target.stats()
    except StoreError as exc:
        _err(f"kg: {exc}")
        raise typer.Exit(2)
    finally:
        target.close()
    for name, value in counts.items():
        typer.echo(f"{name:15} {value}")


@app.command()
def serve(
    store: Optional[str] = typer.Option(None, "--store", help="Store directory to publish (default: ./store, or KG_STORE / kg.toml)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    base: Optional[str] = typer.Option(None, "--base", help="Base IRI of the data (default http://localhost:8000/id/)."),
) -> None:
    """Publish the store as linked data: SPARQL endpoint, resource pages, VoID, dumps, query page."""
    import uvicorn

    from .store import StoreError
    from .web import create_app

    settings = Settings.load(store=store, base=base)
    _check_base(settings.base)
    if settings.store.lower().startswith(("http://", "https://")):
        _err(f"kg serve: publishes an embedded store (a directory); {settings.store} is a SPARQL server already")
        raise typer.Exit(2)
    try:
        web_app = create_app(settings)
    except StoreError as exc:
        _err(f"kg serve: {exc}")
        raise typer.Exit(2)
    typer.echo(f"CoopKG serves {settings.store} at http://{host}:{port}/ (SPARQL: http://{host}:{port}/sparql); Ctrl-C stops it.")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
