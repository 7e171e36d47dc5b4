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
