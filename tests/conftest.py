"""Shared pytest fixtures."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


@contextlib.contextmanager
def _server(command: list[str], probe: str, log_path: Path, name: str, timeout: float,
            env: dict[str, str] | None = None):
    """Run a server (its output in ``log_path``) until the block ends, once ``probe`` answers
    (any HTTP status counts); fails, with the end of its log, if it exits or does not answer in
    ``timeout`` seconds."""
    from support import stop

    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{name} exited with status {proc.returncode}: "
                                f"{log_path.read_text(errors='replace')[-2000:]}")
                try:
                    with urllib.request.urlopen(probe, timeout=2):
                        break
                except urllib.error.HTTPError:
                    break  # it answers
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"{name} did not answer within {timeout:g} s")
                    time.sleep(0.05)
            yield
        finally:
            stop(proc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _oxigraph_serve(location: Path):
    """Run ``oxigraph serve`` on 127.0.0.1 (a free port, data in ``location``) until the block ends;
    yields its base URL. Skips when the server is not installed, fails if it does not answer in 15 s."""
    exe = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if not exe.exists():
        pytest.skip(f"oxigraph server not installed ({exe})")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with _server([str(exe), "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"],
                 f"{url}/query?query=ASK%7B%7D", location.parent / f"oxigraph-{port}.log", "oxigraph serve", 15):
        yield url


@pytest.fixture
def oxigraph_server(tmp_path_factory):
    """A fresh ``oxigraph serve`` for one test; yields its base URL (``http://127.0.0.1:PORT``)."""
    with _oxigraph_serve(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(scope="module")
def oxigraph_server_module(tmp_path_factory):
    """Like ``oxigraph_server`` but shared by the tests of one module (one server, one dataset)."""
    with _oxigraph_serve(tmp_path_factory.mktemp("oxigraph-server-module")) as url:
        yield url


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """An embedded store holding data/articles (the demo corpus), ingested once per test run."""
    from support import child_env, kg_command

    store = tmp_path_factory.mktemp("demo") / "store"
    articles = Path(__file__).resolve().parents[1] / "data" / "articles"
    subprocess.run([*kg_command(), "ingest", str(articles), "--store", str(store)],
                   env=child_env(), check=True, capture_output=True, timeout=600)
    return store


@contextlib.contextmanager
def kg_serve(store: Path, *, base: str | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    """Run ``kg serve`` on 127.0.0.1 (a free port; base IRI ``base``, by default
    ``http://127.0.0.1:PORT/id/``) until the block ends; yields its root URL without the final
    slash. Fails if it does not answer in ``timeout`` seconds."""
    from support import child_env, kg_command

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with _server([*kg_command(), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
                  "--base", base or f"{url}/id/"],
                 f"{url}/sparql?query=ASK%7B%7D", store.parent / f"kg-serve-{port}.log", "kg serve", timeout,
                 env={**child_env(), **(env or {})}):
        yield url


@pytest.fixture(scope="module")
def demo_server(demo_store):
    """``kg serve`` on the demo store for the tests of one module (query time limit 3 s);
    yields its root URL (``http://127.0.0.1:PORT``)."""
    with kg_serve(demo_store, env={"KG_QUERY_TIMEOUT": "3"}) as url:
        yield url
