"""The named questions (``queries/*.rq``, :mod:`kg.questions`) as a small web API.

* ``GET /api/questions``: JSON list of the questions: name, title, description, parameters
  (name, type, description, required) and the URL that answers each.
* ``GET /api/questions/{name}?param=value``: the answer, as SPARQL 1.1 Query Results JSON
  (``application/sparql-results+json``: a standard a SPARQL client already reads, with the
  type of every value kept), or CSV / TSV / XML by ``Accept`` or ``?format=csv``. Parameters
  go through :func:`kg.questions.bindings_for`, so values are bound, never pasted into SPARQL.
  404 for an unknown question; 400 with a message for a missing, unknown or malformed
  parameter; 406 when no offered format is acceptable.
* ``GET /openapi.json``: an OpenAPI 3.0 description, one operation per question.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..questions import Question, ask, load_questions
from .negotiate import TABLE_FORMATS, choose

if TYPE_CHECKING:
    from .app import Site

API_PATH = "/api/questions"
FORMAT_PARAM = "format"  # reserved: chooses the result format, never a question's parameter


@lru_cache(maxsize=1)
def questions() -> dict[str, Question]:
    """The named questions, read once per process (the .rq files ship with the code)."""
    return load_questions()


def describe_question(q: Question) -> dict[str, Any]:
    """The JSON listing entry of one question."""
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "parameters": [{"name": p.name, "type": p.type, "description": p.description, "required": not p.optional}
                       for p in q.params],
        "url": f"{API_PATH}/{q.name}",
    }


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def openapi(qs: dict[str, Question]) -> dict[str, Any]:
    """An OpenAPI 3.0.3 document: the listing, and one GET operation per named question with
    its parameters as query parameters."""
    results_schema = {"$ref": "#/components/schemas/SparqlResults"}
    error_response = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    format_param = {
        "name": FORMAT_PARAM, "in": "query", "required": False,
        "description": "Result format, instead of the Accept header: json (default), csv, tsv or xml.",
        "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]},
    }
    paths: dict[str, Any] = {
        API_PATH: {"get": {
            "operationId": "listQuestions",
            "summary": "The named questions and their parameters",
            "responses": {"200": {"description": "The questions", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}}}}}},
        }},
    }
    for q in qs.values():
        params = [{
            "name": p.name, "in": "query", "required": not p.optional,
            "description": p.description or p.name,
            "schema": {"type": "string", **({"format": "iri-or-name"} if p.type == "iri" else {})},
        } for p in q.params]
        paths[f"{API_PATH}/{q.name}"] = {"get": {
            "operationId": "ask_" + q.name.replace("-", "_"),
            "summary": q.title,
            "description": q.description or q.title,
            "tags": ["questions"],
            "parameters": [*params, format_param],
            "responses": {
                "200": {"description": "The answer (SPARQL 1.1 Query Results)", "content": {
                    "application/sparql-results+json": {"schema": results_schema},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                    "application/sparql-results+xml": {"schema": {"type": "string"}},
                }},
                "400": {**error_response, "description": "A parameter is missing, unknown or malformed"},
                "406": {"description": "None of the offered formats is acceptable"},
            },
        }}
    return {
        "openapi": "3.0.3",
        "info": {"title": "CoopKG questions API", "version": "1.0.0",
                 "description": "Named SPARQL questions about science and technology cooperation, "
                                "answered over the CoopKG knowledge graph. Parameters are bound as "
                                "values, never pasted into the query.",
                 "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "paths": paths,
        "components": {"schemas": {
            "Question": {"type": "object", "required": ["name", "title", "parameters"], "properties": {
                "name": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                "url": {"type": "string"},
                "parameters": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "type": {"type": "string", "enum": ["iri", "literal", "string"]},
                    "description": {"type": "string"}, "required": {"type": "boolean"}}}}}},
            "SparqlResults": {"type": "object", "properties": {
                "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
                "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
                    "type": "object", "additionalProperties": {"type": "object", "properties": {
                        "type": {"type": "string"}, "value": {"type": "string"},
                        "xml:lang": {"type": "string"}, "datatype": {"type": "string"}}}}}}}}},
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
        }},
    }


def routes(site: Site) -> list[Route]:
    def listing(request: Request) -> Response:
        return JSONResponse([describe_question(q) for q in questions().values()])

    def answer(request: Request) -> Response:
        name = request.path_params["name"]
        qs = questions()
        if name not in qs:
            return error(404, f"no question named {name!r}; see {API_PATH} for the list")
        media_type = choose(TABLE_FORMATS, name=request.query_params.get(FORMAT_PARAM),
                            accept=request.headers.get("accept"))
        if media_type is None:
            return error(406, "acceptable formats: " + ", ".join(TABLE_FORMATS))
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key == FORMAT_PARAM:
                continue
            if key in params:
                return error(400, f"parameter {key} is given more than once")
            if not value.strip():
                return error(400, f"parameter {key} is empty")
            params[key] = value
        # Checked here too, for a message in the API's terms (kg.questions speaks of --param).
        missing = [p.name for p in qs[name].params if not p.optional and p.name not in params]
        if missing:
            return error(400, f"question {name!r} needs parameter {', '.join(missing)} "
                              f"(e.g. {API_PATH}/{name}?{missing[0]}=VALUE)")
        try:
            results = ask(site.store, name, params, questions=qs)
        except ValueError as exc:  # unknown, missing or malformed parameter (kg.questions)
            return error(400, str(exc))
        body = results.serialize(format=TABLE_FORMATS[media_type][1])
        charset = "; charset=utf-8" if media_type.startswith("text/") else ""
        return Response(body, headers={"Content-Type": media_type + charset, "Vary": "Accept"})

    def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi(questions()))

    return [
        Route(API_PATH, listing, methods=["GET", "HEAD"]),
        Route(API_PATH + "/{name}", answer, methods=["GET", "HEAD"]),
        Route("/openapi.json", openapi_json, methods=["GET", "HEAD"]),
    ]
