"""Keys within an article: one key per real entity, the same in every article that names it.

Keys are paths under the base IRI ("person/chang-liu", "org/ikcest/secretariat"), built from
normalised names so that re-ingesting gives the same IRIs and two articles naming the same
organisation or person meet on one node:

- a person: the words of the name, without titles, in sorted order ("Liu Chang" = "Chang Liu");
- an organisation: its acronym when the text gives one, else its full name;
- a unit: its parent's key, then its own name without the parent's ("UNESCO Division of X",
  "Division of X of UNESCO" and "Division of X" under UNESCO are one key);
- a room: scoped to its article (room numbers repeat from building to building).

Each merge is recorded in ``Entity.merged_because`` so a user can audit it.

>>> from kg.article import Entity
>>> unesco = Entity("Organisation", "UNESCO")
>>> d = Entity("Organisation", "UNESCO Division of Water Sciences", parent=unesco)
>>> assign_keys([unesco, d], article_id="a1")
>>> d.key
'org/unesco/division-of-water-sciences'
"""
from __future__ import annotations

import re

from ..article import Entity
from ..naming import norm, slug
from ..extract.names import LEX, is_acronym



def assign_keys(entities: list[Entity], article_id: str) -> None:
    """Set ``key`` on every entity (parents first, so units can build on them)."""
    for e in entities:
        _key(e, article_id)


def _key(e: Entity, article_id: str) -> str:
    if e.key:
        return e.key
    if e.kind == "Person":
        words = sorted(norm(e.name).split())
        e.key = "person/" + slug(" ".join(words))
        if e.aliases:
            e.merged_because.append(("person-name", f"one person named {sorted(e.aliases | {e.name})} (name order, titles and surname-only mentions)"))
    elif e.kind == "Organisation":
        if e.parent is not None:
            parent_key = _key(e.parent, article_id)
            e.key = parent_key + "/" + slug(unit_name(e))
            if e.aliases:
                e.merged_because.append(("unit-of-parent", f"one unit of {e.parent.name} named {sorted(e.aliases | {e.name})}"))
        else:
            acronyms = sorted(a for a in e.aliases | {e.name} if is_acronym(a))
            e.key = "org/" + slug(acronyms[0] if acronyms else e.name)
            if acronyms and e.name != acronyms[0]:
                e.merged_because.append(("acronym", f"the acronym {acronyms[0]} stands for {e.name}"))
    else:
        words = e.name.split()
        if words and words[0].lower() in LEX.place_heads and any(ch.isdigit() for ch in e.name):
            e.key = f"place/{article_id}/" + slug(e.name)
        else:
            e.key = "place/" + slug(e.name)
    return e.key


def unit_name(e: Entity) -> str:
    """A unit's own name: its label without its parent's name before or after it."""
    assert e.parent is not None
    parent_names = sorted({e.parent.name, *e.parent.aliases}, key=len, reverse=True)
    candidates = [e.name, *sorted(e.aliases)]
    for name in candidates:
        for p in parent_names:
            m = re.match(rf"^(?:the\s+)?{re.escape(p)}(?:['’]s)?\s+(.+)$", name, re.I)
            if m:
                return m.group(1)
            m = re.match(rf"^(.+?)\s+of\s+(?:the\s+)?{re.escape(p)}$", name, re.I)
            if m:
                return m.group(1)
    return e.name
