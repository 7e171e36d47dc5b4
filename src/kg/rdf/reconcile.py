"""Reconciling an article graph with what the store already holds: the tenth article about an
organisation adds to the node of the first.

An article's graph is built with keys from its own text (``assign_keys``). Before it is stored,
each person and organisation in it whose IRI the store does not know yet is looked up by its
names (preferred and alternative labels, normalised as in ``resolve``): an article that writes
only "Kilimani University of Technology" finds the node an earlier article made as "KUT" with
that full name as an alias. A match renames the node in this graph, keeps the stored preferred
label (the article's own spelling becomes a ``skos:altLabel``), and renames the posts and
agreements whose IRIs are made from it, so the same agreement stays one node from source to
source. People match only on a full name (two words or more), never on a surname; units only
under the same parent.

The index is read once from the store (through the Store interface, so a SPARQL server works
too) and kept up to date as graphs are stored; runs are deterministic for a given input order.
"""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..extract.entities import norm
from .mapping import entity_hash

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SUB_ORG = ox.NamedNode("http://www.w3.org/ns/org#subOrganizationOf")
KG = "https://w3id.org/coopkg/ontology#"
PERSON, ORG, UNIT = (ox.NamedNode(KG + c) for c in ("Person", "Organisation", "OrganisationalUnit"))
MEMBERSHIP, ROLE_P = ox.NamedNode(KG + "Membership"), ox.NamedNode("http://www.w3.org/ns/org#role")
MEMBER, ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#member"), ox.NamedNode("http://www.w3.org/ns/org#organization")
PARTY = ox.NamedNode(KG + "party")

INDEX_QUERY = """
PREFIX kg: <https://w3id.org/coopkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?e ?c ?label ?alt ?parent WHERE {
  VALUES ?c { kg:Person kg:Organisation kg:OrganisationalUnit }
  ?e a ?c .
  OPTIONAL { ?e rdfs:label ?label }
  OPTIONAL { ?e skos:altLabel ?alt }
  OPTIONAL { ?e org:subOrganizationOf ?parent }
}
"""


def _keys(kind: str, name: str) -> set[str]:
    """The forms under which a name matches: normalised; for people, word order free and full only."""
    n = norm(name)
    if not n:
        return set()
    if kind == "person":
        words = n.split()
        return {" ".join(sorted(words))} if len(words) >= 2 else set()
    return {n}


class StoreResolver:
    """Renames an article's entities to the nodes the store already has for them."""

    def __init__(self, store, base: str):
        self.base = base
        self.by_name: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)  # (kind, key, parent) -> IRIs
        self.preferred: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        for row in store.query(INDEX_QUERY):
            iri = row["e"].value
            kind = "person" if row["c"] == PERSON else "org"
            parent = row["parent"].value if row["parent"] is not None else None
            self.parent.setdefault(iri, parent)
            for term in (row["label"], row["alt"]):
                if term is not None:
                    self._add(kind, iri, term.value)
            if row["label"] is not None:
                # one preferred label per node: the smallest, so the choice does not depend on row order
                old = self.preferred.get(iri)
                if old is None or row["label"].value < old:
                    self.preferred[iri] = row["label"].value

    def _add(self, kind: str, iri: str, name: str) -> None:
        for key in _keys(kind, name):
            self.by_name[(kind, key, self.parent.get(iri))].add(iri)

    def resolve(self, triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[str]]:
        """The article's triples with its entities renamed to known nodes; and why, one line each."""
        kinds, labelled, parents = _entities(triples)
        names = {iri: [name for _, name in pairs] for iri, pairs in labelled.items()}
        rename: dict[str, str] = {}
        why: list[str] = []
        # parents before units, so a unit is looked up under its parent's final IRI
        for iri in sorted(kinds, key=lambda i: (i in parents, i)):
            if iri in self.preferred:
                continue  # the store knows this node already
            parent = parents.get(iri)
            parent = rename.get(parent, parent) if parent else None
            found = set()
            for name in names.get(iri, []):
                for key in _keys(kinds[iri], name):
                    found |= self.by_name.get((kinds[iri], key, parent), set())
            found.discard(iri)
            if found:
                target = min(found)
                rename[iri] = target
                why.append(f"{iri} -> {target}: same name as a known node ({', '.join(sorted(set(names.get(iri, []))))})")
        # every node the store knew keeps its stored preferred label (one per node across sources)
        relabel = {iri for iri in kinds if iri in self.preferred} | set(rename.values())
        out = self._rewrite(triples, rename, relabel)
        out = self._rename_derived(out)
        self._learn(out)
        return out, why

    def _rewrite(self, triples: list[ox.Triple], rename: dict[str, str], relabel: set[str] = frozenset()) -> list[ox.Triple]:
        def term(x):
            return ox.NamedNode(rename[x.value]) if isinstance(x, ox.NamedNode) and x.value in rename else x

        merged = set(relabel)
        out, seen = [], set()
        for t in triples:
            s, o = term(t.subject), term(t.object)
            p = t.predicate
            if isinstance(s, ox.NamedNode) and s.value in merged and p == LABEL:
                # the stored preferred label stays preferred; this article's spelling is an alias
                preferred = self.preferred.get(s.value)
                if preferred is not None and preferred != o.value:
                    p = ALT
            new = ox.Triple(s, p, o)
            if new not in seen:
                seen.add(new)
                out.append(new)
        for iri in merged:
            preferred = self.preferred.get(iri)
            if preferred is not None:
                label = ox.Triple(ox.NamedNode(iri), LABEL, ox.Literal(preferred))
                if label not in seen:
                    seen.add(label)
                    out.append(label)
                alt = ox.Triple(ox.NamedNode(iri), ALT, ox.Literal(preferred))
                if alt in seen:
                    out.remove(alt)
        return out

    def _rename_derived(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        """Posts and agreements are named from their people and organisations: name them again."""
        by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                by_subject[t.subject.value].append(t)
        labels = {s: next((t.object.value for t in ts if t.predicate == LABEL), "") for s, ts in by_subject.items()}
        rename: dict[str, str] = {}
        for s, ts in by_subject.items():
            types = {t.object.value for t in ts if t.predicate == RDF_TYPE}
            key = self._key
            if s.startswith(self.base + "post/"):
                person = next((key(t.object) for t in ts if t.predicate == MEMBER), "")
                role = next((labels.get(t.object.value, "").lower() for t in ts if t.predicate == ROLE_P), "")
                org = next((key(t.object) for t in ts if t.predicate == ORGANIZATION), "")
                rename[s] = self.base + "post/" + entity_hash(person, role, org)
            elif s.startswith(self.base + "agreement/"):
                atype = next((t[len(KG):] for t in types if t.startswith(KG)), "Agreement")
                parties = sorted(key(t.object) for t in ts if t.predicate == PARTY)
                rename[s] = self.base + "agreement/" + entity_hash(atype, *parties)
        rename = {a: b for a, b in rename.items() if a != b}
        return self._rewrite(triples, rename) if rename else triples

    def _key(self, term) -> str:
        return term.value[len(self.base):] if term.value.startswith(self.base) else term.value

    def _learn(self, triples: list[ox.Triple]) -> None:
        kinds, names, parents = _entities(triples)
        for iri, kind in kinds.items():
            self.parent.setdefault(iri, parents.get(iri))
            for pred, name in names.get(iri, []):
                self._add(kind, iri, name)
                if pred == LABEL:
                    self.preferred.setdefault(iri, name)


def _entities(triples: list[ox.Triple]):
    """The people and organisations of a graph: their kind, (predicate, name) pairs and parent."""
    kinds: dict[str, str] = {}
    names: dict[str, list[tuple[ox.NamedNode, str]]] = defaultdict(list)
    parents: dict[str, str] = {}
    for t in triples:
        s = t.subject.value if isinstance(t.subject, ox.NamedNode) else None
        if s is None:
            continue
        if t.predicate == RDF_TYPE and t.object in (PERSON, ORG, UNIT):
            kinds[s] = "person" if t.object == PERSON else "org"
        elif t.predicate in (LABEL, ALT):
            names[s].append((t.predicate, t.object.value))
        elif t.predicate == SUB_ORG:
            parents[s] = t.object.value
    return kinds, names, parents
