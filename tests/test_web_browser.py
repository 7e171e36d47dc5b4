"""The site in a real browser: Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) driven
by playwright, on ``kg serve`` over the demo corpus.

Nothing is downloaded: playwright's own browsers are not used (no ``playwright install``), and
every request the pages make to another host fails the test. ``make test`` installs Chromium
first (``make browser``); without it these tests fail, saying so. Screenshots of every test, passed
or failed, are left in ``test-artifacts/screenshots/``.
"""
from __future__ import annotations

import json
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
STATIC = ROOT / "src" / "kg" / "web" / "static"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 20_000


# -- without a browser: what the query page ships ------------------------------------------------

def test_yasgui_build_is_shipped_with_its_licence_and_loads_nothing_from_elsewhere():
    folder = STATIC / "yasgui"
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "THIRD-PARTY-NOTICES.txt"):
        assert (folder / name).is_file(), f"{folder / name} is missing: run `make ui`"
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    loads = re.compile(r"""https?://[^\s"'`)]*(cdn|unpkg|jsdelivr|googleapis|gstatic|cloudflare)[^\s"'`)]*"""
                       r"""|https?://[^\s"'`)]+\.(js|mjs|css|woff2?|ttf|otf|eot)(?=["'`)\s?])"""
                       r"""|(@import|url\()\s*["']?https?://""", re.IGNORECASE)
    for path in [*folder.iterdir(), STATIC / "query.js", STATIC / "query.css"]:
        if path.suffix in (".js", ".css"):
            found = [m.group(0) for m in loads.finditer(path.read_text(encoding="utf-8"))]
            assert not found, f"{path.name} loads files from other sites: {found[:5]}"


# -- the site -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(demo_store):
    """``kg serve`` on the demo store, on 127.0.0.1 (a free port), with the base its IRIs were minted
    with (the default, as ``demo_store`` is ingested without KG_BASE): resource pages are found by
    the path of the base on any host, so ``/id/...`` links work here. Yields the root URL."""
    from conftest import kg_serve

    from kg.config import Settings

    with kg_serve(demo_store, base=Settings().base, env={"KG_QUERY_TIMEOUT": "10"}) as url:
        yield url


# -- in Chromium ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests need it. Run `make browser` "
                    "(it runs `apt-get install chromium`, with sudo unless root), or set CHROMIUM=/path/to/chromium.",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        except Exception as exc:  # a broken install: say so, do not skip
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        yield b
        b.close()


@pytest.fixture
def page(browser, site, request):
    """A fresh browser tab (own cookies and local storage). Requests to any host but the server
    are refused and fail the test; page errors too. A screenshot is taken at the end."""
    host = urllib.parse.urlsplit(site).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    foreign: list[str] = []
    errors: list[str] = []

    def guard(route):
        url = route.request.url
        if urllib.parse.urlsplit(url).netloc == host or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{request.node.name}.png"
        try:
            tab.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        except Exception as exc:  # the page may be gone; the test's own failure says why
            print(f"no screenshot ({exc})")
        context.close()
    assert not foreign, f"the page asked other sites for: {foreign}"
    assert not errors, f"JavaScript errors on the page: {errors}"


def sparql(server: str, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT on the server's endpoint, each variable's value as text."""
    req = urllib.request.Request(f"{server}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        body = json.load(resp)
    return [{k: v["value"] for k, v in row.items()} for row in body["results"]["bindings"]]


def labels_of(store, iri: str) -> list[str]:
    return [str(r["l"].value) for r in store.query(
        "SELECT ?l WHERE { ?r <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
        {"r": ox.NamedNode(iri)})]


def test_resource_page_shows_the_label_and_links_to_other_resources(page, site, demo_store):
    from kg.config import Settings
    from kg.store import open_store

    base = Settings().base
    store = open_store(str(demo_store), read_only=True)
    # An organisation with a label and as many links to other labelled resources as any.
    rows = list(store.query("""
        PREFIX kg: <https://w3id.org/coopkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?org (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?other) AS ?links) WHERE {
          ?org a kg:Organisation ; rdfs:label ?l .
          { ?org ?p ?other } UNION { ?other ?p ?org }
          FILTER(isIRI(?other) && ?other != ?org)
          ?other rdfs:label ?otherLabel .
        } GROUP BY ?org ORDER BY DESC(?links) STR(?org) LIMIT 1"""))
    assert rows, "the demo store has no labelled organisation linked to anything"
    org, label = rows[0]["org"].value, rows[0]["label"].value
    assert org.startswith(base), f"{org} is not under the base {base}"
    url = site + urllib.parse.urlsplit(org).path

    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    assert "html" in (response.headers.get("content-type") or ""), response.headers
    assert label in page.locator("main").inner_text(), f"the page of {org} does not show its label {label!r}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "resource-organisation.png"), full_page=True)

    # Links to other resources of this site: same host, under the base's path, not this page.
    here = page.url.split("#")[0]
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.href)")
    base_path = urllib.parse.urlsplit(base).path
    host = urllib.parse.urlsplit(site).netloc
    def stem(h: str) -> str:
        return re.sub(r"\.(html|ttl|jsonld|nt|rdf)$", "", urllib.parse.urlsplit(h).path)

    # (the page's own RDF alternates, e.g. .ttl, are links to this resource: not counted)
    others = [i for i, h in enumerate(hrefs)
              if urllib.parse.urlsplit(h).netloc == host and urllib.parse.urlsplit(h).path.startswith(base_path)
              and stem(h) != stem(url) and stem(h) == urllib.parse.urlsplit(h).path]
    assert others, f"the page of {org} links to no other resource: {hrefs}"
    target = hrefs[others[0]]
    page.locator("main a[href]").nth(others[0]).click()
    page.wait_for_url(lambda u: stem(u) != stem(url))
    page.wait_for_load_state("load")
    landed = urllib.parse.urlsplit(page.url).path
    assert landed.startswith(base_path), f"clicking {target} led to {page.url}"
    # The resource reached: the base plus the page's path without its .html suffix.
    other = base + landed[len(base_path):].removesuffix(".html")
    heading = page.locator("h1").first.inner_text().strip()
    assert heading, f"the page of {other} ({page.url}) has no heading"
    other_labels = labels_of(store, other)
    if other_labels:
        text = page.locator("main").inner_text()
        assert any(l in text for l in other_labels), f"the page of {other} shows none of its labels {other_labels}"


def test_query_page_runs_a_named_question_and_shows_rows(page, site):
    from kg.questions import load_questions

    # A question without parameters, and one with (run unbound: the query reads it as "any").
    questions = list(load_questions().values())
    plain = next(q for q in questions if not q.params)
    with_param = next(q for q in questions if q.params)

    page.goto(f"{site}/query")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert page.evaluate("window.kgYasgui.getTab().getEndpoint()") == f"{site}/sparql"

    for q in (plain, with_param):
        page.click(f'button.kg-question[data-question="{q.name}"]')
        page.wait_for_function("name => window.kgYasgui.getTab().getName() === name", arg=q.name)
        assert page.evaluate("window.kgYasgui.getTab().getQuery()") == q.text
        panel = page.locator(".tabPanel.active")
        panel.locator(".yasqe_queryButton").click()
        rows = panel.locator(".yasr table.dataTable tbody tr:visible")
        rows.first.wait_for()
        header = " ".join(panel.locator(".yasr table.dataTable thead").all_text_contents())
        variables = re.findall(r"SELECT\s+(?:DISTINCT\s+)?\?(\w+)", q.text)
        assert variables and variables[0] in header, f"{q.name}: header {header!r}"
        assert rows.count() > 0
        assert "No results" not in rows.first.inner_text(), f"{q.name} ran with no rows"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"query-{q.name}.png"), full_page=True)


def test_query_page_opens_the_question_named_in_its_address(page, site):
    from kg.questions import load_questions

    question = next(iter(load_questions().values()))
    page.goto(f"{site}/query?question={urllib.parse.quote(question.name)}")
    page.wait_for_function("name => window.kgYasgui && window.kgYasgui.getTab().getName() === name",
                           arg=question.name)
    assert page.evaluate("window.kgYasgui.getTab().getQuery()") == question.text
    assert page.evaluate("window.kgYasgui.getTab().getEndpoint()") == f"{site}/sparql"
