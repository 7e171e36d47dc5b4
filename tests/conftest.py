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
def _oxigraph_serve(location: Path):
    """Run ``oxigraph serve`` on 127.0.0.1 (a free port, data in ``location``) until the block ends;
    yields its base URL. Skips when the server is not installed, fails if it does not answer in 15 s."""
    exe = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if not exe.exists():
        pytest.skip(f"oxigraph server not installed ({exe})")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = open(location.parent / f"oxigraph-{port}.log", "wb")
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited with status {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 15 s")
                time.sleep(0.05)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)
        log.close()


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    log = open(store.parent / f"kg-serve-{port}.log", "wb")
    proc = subprocess.Popen(
        [*kg_command(), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
         "--base", base or f"{url}/id/"],
        stdout=log, stderr=subprocess.STDOUT, env={**child_env(), **(env or {})},
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.flush()
                pytest.fail(f"kg serve exited with status {proc.returncode}: "
                            f"{(store.parent / f'kg-serve-{port}.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"kg serve did not answer within {timeout} s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def demo_server(demo_store):
    """``kg serve`` on the demo store for the tests of one module (query time limit 3 s);
    yields its root URL (``http://127.0.0.1:PORT``)."""
    with kg_serve(demo_store, env={"KG_QUERY_TIMEOUT": "3"}) as url:
        yield url
