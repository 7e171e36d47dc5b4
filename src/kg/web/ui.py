"""The SPARQL query page (``/query``: YASGUI on our ``/sparql``) and the static files (``/static``).

YASGUI's browser build is shipped in the package, under ``static/yasgui/`` (built from ``ui/`` by
``make ui``; nothing is loaded from a CDN). The named questions (``queries/*.rq``, see
:mod:`kg.questions`) are listed on the page as examples; clicking one opens its text in the
editor. A question's parameters are left unbound there, which each query reads as "any" (its
``FILTER(!BOUND(?orgName) || ...)``), so the example runs as it is and shows every row; the page
says how to fix a parameter by editing the query (``VALUES ?orgName { "ICEKI" }``).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..questions import Param, Question, load_questions
from .app import STATIC_DIR

__all__ = ["routes", "question_examples"]


def _binding_hint(param: Param) -> str:
    """How to fix ``param`` in the query text: the variable the query reads and an example value."""
    if param.type == "iri":
        return (f'VALUES ?{param.name}Name {{ "a name or acronym" }} (or VALUES ?{param.name} '
                f'{{ <an IRI> }}) as the first line inside WHERE {{ ... }}')
    return f'VALUES ?{param.name} {{ "a value" }} as the first line inside WHERE {{ ... }}'


def question_examples(questions: dict[str, Question]) -> list[dict]:
    """What the page shows of each named question, and the query text the editor gets."""
    return [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "params": [{"name": p.name, "type": p.type, "optional": p.optional,
                        "description": p.description, "hint": _binding_hint(p)} for p in q.params],
            "query": q.text,
        }
        for q in questions.values()
    ]


def routes(site) -> list:
    async def query_page(request: Request) -> Response:
        try:
            examples = question_examples(load_questions())
            problem = ""
        except (OSError, ValueError) as exc:  # a broken .rq must not take the page down
            examples, problem = [], str(exc)
        return site.templates.TemplateResponse(
            request, "query.html",
            {"questions": examples, "problem": problem, "endpoint": "/sparql"},
        )

    return [
        Route("/query", query_page, methods=["GET"], name="query"),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
