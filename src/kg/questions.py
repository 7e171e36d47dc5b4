"""Named questions: SPARQL queries kept in ``queries/*.rq`` with a header, run by name.

Each ``.rq`` file starts with comment lines::

    # title: Who holds which post in an organisation and its units
    # description: every post held in organisation X or in any of its units ...
    #   (indented comment lines continue the previous field)
    # param: org (iri) - the organisation: its IRI, or a name or acronym

A parameter is a SPARQL variable of the query. Its type says how a value given as text is bound:

* ``iri``: an entity. A value starting with ``http://`` or ``https://`` is bound as a NamedNode to
  ``?org``; anything else is a name, bound as a plain literal to ``?orgName``, which the query
  matches against ``rdfs:label`` / ``skos:altLabel`` case-insensitively.
* ``literal`` / ``string``: the text, bound as an ``xsd:string`` literal to ``?name``.

Add ``optional`` inside the parentheses (``(iri, optional)``) for a parameter that may be left out.
Values are never pasted into the query text: they go to ``store.query(text, bindings)``, which has
pyoxigraph serialise them into a ``VALUES`` block, so a value such as ``x" } ; DROP ALL ; #`` is
only ever a value.

>>> from kg.store import open_store
>>> questions = load_questions()
>>> questions["posts-in-organisation"].title  # doctest: +SKIP
'Who holds which post in an organisation and its units'
>>> store = open_store("store", read_only=True)  # doctest: +SKIP
>>> for row in ask(store, "posts-in-organisation", {"org": "ICEKI"}):  # doctest: +SKIP
...     print(row["person"].value, row["role"].value if row["role"] else "")
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

__all__ = ["Param", "Question", "load_questions", "parse_question", "bindings_for", "ask", "QUERIES_DIR"]

# The repository's queries/ (src/kg/questions.py -> root), else the copy an installed wheel carries
# (src/kg/data/queries is a link to it in the source tree; building a wheel copies the files).
QUERIES_DIR = next((d for d in (Path(__file__).resolve().parents[2] / "queries", Path(__file__).parent / "data" / "queries")
                    if d.is_dir()), Path(__file__).resolve().parents[2] / "queries")
PARAM_TYPES = ("iri", "literal", "string")
_FIELD = re.compile(r"^#\s*([A-Za-z]+)\s*:\s?(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*\((?P<spec>[^)]*)\)\s*(?:[-\u2013\u2014:]\s*(?P<meaning>.*))?$")
_IRI = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "iri"
    description: str = ""
    optional: bool = False

    def __str__(self) -> str:
        return f"{self.name} ({self.type}{', optional' if self.optional else ''})"


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    text: str = ""
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_question(name: str, text: str, path: Path | None = None) -> Question:
    """Read the header of one query (its leading comment lines)."""
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _FIELD.match(stripped)
        if m and not re.match(r"^#\s{2,}", stripped):
            key, value = m.group(1).lower(), m.group(2).strip()
            if key == "param":
                pm = _PARAM.match(value)
                if not pm:
                    raise ValueError(f"{path or name}: cannot read parameter line {value!r}; "
                                     "expected '# param: name (iri|literal|string) - meaning'")
                spec = [s.strip().lower() for s in pm.group("spec").split(",") if s.strip()]
                kinds = [s for s in spec if s in PARAM_TYPES]
                unknown = [s for s in spec if s not in PARAM_TYPES and s != "optional"]
                if unknown or len(kinds) != 1:
                    raise ValueError(f"{path or name}: parameter {pm.group('name')}: type must be one of "
                                     f"{', '.join(PARAM_TYPES)} (optionally ', optional'), not {pm.group('spec')!r}")
                params.append(Param(pm.group("name"), kinds[0], (pm.group("meaning") or "").strip(),
                                    "optional" in spec))
                current = None
            else:
                current = fields.setdefault(key, [])
                current.append(value)
        elif current is not None:
            current.append(stripped.lstrip("#").strip())
    join = lambda key: " ".join(s for s in fields.get(key, []) if s)  # noqa: E731
    return Question(name=name, title=join("title") or name, description=join("description"),
                    params=tuple(params), text=text, path=path)


def load_questions(folder: str | Path | None = None) -> dict[str, Question]:
    """Every ``*.rq`` in ``folder`` (default: the repository's ``queries/``), by file stem."""
    folder = Path(folder) if folder is not None else QUERIES_DIR
    questions = {}
    for path in sorted(folder.glob("*.rq")):
        questions[path.stem] = parse_question(path.stem, path.read_text(encoding="utf-8"), path)
    return questions


def bindings_for(question: Question, params: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """The pyoxigraph terms to bind for ``params`` (text values); ValueError on a bad parameter."""
    known = {p.name for p in question.params}
    unknown = sorted(set(params) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ValueError(f"question {question.name!r} has no parameter {', '.join(unknown)} (its parameters: {allowed})")
    missing = [p.name for p in question.params if not p.optional and p.name not in params]
    if missing:
        raise ValueError(f"question {question.name!r} needs parameter {', '.join(missing)} "
                         f"(give it as --param {missing[0]}=VALUE)")
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in question.params:
        if p.name not in params:
            continue
        value = str(params[p.name])
        if p.type == "iri" and _IRI.match(value.strip()):
            try:
                bindings[p.name] = ox.NamedNode(value.strip())
            except ValueError as exc:
                raise ValueError(f"parameter {p.name}: {value!r} is not a valid IRI ({exc})") from None
        elif p.type == "iri":
            bindings[p.name + "Name"] = ox.Literal(value)
        else:
            bindings[p.name] = ox.Literal(value)
    return bindings


def ask(store, name: str, params: dict[str, str] | None = None, questions: dict[str, Question] | None = None):
    """Run the named question on ``store`` with ``params`` (text values); returns the store's results.

    >>> rows = ask(store, "agreements-of-organisation", {"org": "ICEKI"})  # doctest: +SKIP
    >>> rows = ask(store, "evidence", {"fact": "http://localhost:8000/id/agreement/424026a76ff83375"})  # doctest: +SKIP

    ValueError for an unknown question, an unknown parameter or a missing required one.
    """
    questions = questions if questions is not None else load_questions()
    if name not in questions:
        raise ValueError(f"no question named {name!r}; known: {', '.join(sorted(questions))}")
    question = questions[name]
    return store.query(question.text, bindings_for(question, dict(params or {})))
