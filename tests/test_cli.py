"""``kg ingest`` on a terminal: the progress display must not change what is reported."""
from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


def kg_command() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    found = shutil.which("kg", path=str(exe.parent))
    return [found] if found else [sys.executable, "-m", "kg.cli"]


def run_with_tty_stderr(args: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (so the rich progress display is on) and stdout piped."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["COLUMNS"] = "60"  # a narrow terminal: long lines must still not be wrapped
    proc = subprocess.Popen(kg_command() + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    err = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                err += chunk
            elif proc.poll() is not None:
                break
        out = proc.stdout.read()
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_rejection_lines_on_a_terminal_are_verbatim_on_stderr(tmp_path):
    """With a terminal, rejected inputs were printed through rich markup on stdout: a name with
    ``[draft]`` lost it, and a name with ``[/y]`` crashed the whole ingest (MarkupError)."""
    folder = tmp_path / "in"
    (folder / "x[").mkdir(parents=True)
    (folder / "x[" / "y].docx").write_text("hi")
    long_name = "notes[draft]_" + "a" * 80 + ".docx"
    (folder / long_name).write_text("hi")
    shutil.copy(ARTICLES / "02_iceki_kut_draft_mou_talks.md", folder)
    rc, out, err = run_with_tty_stderr(["ingest", "in", "--store", "store"], cwd=tmp_path)
    assert "Traceback" not in err and "MarkupError" not in err, err[-2000:]
    assert rc == 1, err[-2000:]
    assert out == ""  # nothing of the report on stdout
    assert "in/x[/y].docx: unsupported file type .docx" in err
    assert f"in/{long_name}: unsupported file type .docx" in err  # whole, on one line
    assert "1 accepted, 2 rejected" in err


def test_query_table_shows_values_verbatim(tmp_path):
    """``--format table`` rendered values as rich markup: "[draft]" vanished and "[/x]" crashed."""
    store = tmp_path / "store"
    import pyoxigraph as ox

    from kg.store import open_store

    with open_store(store) as s:  # an (almost) empty store is enough
        s.replace_graph(ox.NamedNode("http://example.org/g"),
                        [ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                                   ox.Literal("x"))])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["COLUMNS"] = "200"
    q = 'SELECT ?x WHERE { VALUES ?x { "see [draft] text" "end [/x] here" } }'
    r = subprocess.run(kg_command() + ["query", q, "--store", str(store), "--format", "table"], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "see [draft] text" in r.stdout
    assert "end [/x] here" in r.stdout
    assert "2 row(s)" in r.stdout


def _closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


@pytest.mark.parametrize("args", [
    ["stats"],
    ["export"],
    ["query", "ASK { ?s ?p ?o }", "--format", "json"],
    ["ingest", str(ARTICLES / "02_iceki_kut_draft_mou_talks.md")],
])
def test_unreachable_server_exits_2_with_one_line(tmp_path, args):
    """``kg stats`` and ``kg export`` let the StoreError escape: a traceback and exit 1."""
    url = _closed_port_url()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    r = subprocess.run(kg_command() + args + ["--store", url], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2, r.stderr[-2000:]
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr[-2000:]
    assert "cannot reach SPARQL server" in lines[0] and url in lines[0]
    assert r.stdout == ""


def test_export_to_a_closed_pipe_is_quiet(tmp_path):
    import pyoxigraph as ox

    from kg.store import open_store

    store = tmp_path / "store"
    with open_store(store) as s:
        s.replace_graph(ox.NamedNode("http://example.org/g"),
                        [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                                   ox.Literal("x" * 200)) for i in range(5000)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    proc = subprocess.Popen(kg_command() + ["export", "--store", str(store), "--format", "nquads"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `kg export | head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first.startswith(b"<http://example.org/s")
    assert "Traceback" not in err and "Error" not in err, err[-2000:]


def test_export_to_unwritable_file_exits_2(tmp_path):
    import pyoxigraph as ox

    from kg.store import open_store

    store = tmp_path / "store"
    with open_store(store) as s:
        s.replace_graph(ox.NamedNode("http://example.org/g"),
                        [ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                                   ox.Literal("x"))])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    r = subprocess.run(kg_command() + ["export", "--store", str(store), "-o", str(tmp_path / "no" / "dir.trig")],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "dir.trig" in r.stderr


def test_ctrl_c_during_ingest_is_one_line_and_resumable(tmp_path):
    import signal

    from kg.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    files = sorted(p for p in ARTICLES.iterdir() if p.name[:2].isdigit())
    for f in files:
        shutil.copy(f, folder)
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    proc = subprocess.Popen(kg_command() + ["ingest", str(folder), "--store", str(store)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if (store / "CURRENT").exists():
                s = open_store(store, read_only=True)
                try:
                    n = sum("/article/" in g.value for g in s.graphs())
                finally:
                    s.close()
                if n:
                    break
            time.sleep(0.1)
        assert proc.poll() is None, "ingest ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0], err[-2000:]
    r = subprocess.run(kg_command() + ["ingest", str(folder), "--store", str(store)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "18 accepted, 0 rejected" in r.stderr
