"""Reconciling an article graph with what the store already holds: the tenth article about an
organisation adds to the node of the first.

An article's graph is built with keys from its own text (``assign_keys``). Before it is stored,
each person and organisation in it is looked up by its names (preferred and alternative labels,
normalised as in ``resolve``) among the nodes the store knows:

- ``store-name``: an article that writes only "Kilimani University of Technology" finds the
  node an earlier article made as "KUT" with that full name as an alias, and uses it;
- ``store-bridge``: an article that names two stored nodes as one ("Chinese Academy of
  Geoinformation Sciences (CAGIS)" when one article wrote only the acronym and another only the
  full name) merges them: the graphs of the other node are rewritten to the kept one;
- ``store-unit``: a unit named without its parent ("the Governing Board") is the one stored unit
  of that name whose parent the article names; and the other way round, a stored parentless unit
  whose articles name the parent of a unit of the same name is merged into that unit.

A match renames the node in the graph, keeps the stored preferred label (the article's own
spelling becomes a ``skos:altLabel``), and renames the posts and agreements whose IRIs are made
from it, so the same agreement stays one node from source to source. Of two stored nodes merged,
the smaller IRI is kept, so the result does not depend on which article came first. People match
only on a full name (two words or more), never on a surname; units only under the same parent.
Every decision is written as a ``kg:Resolution`` (rule, names, merged IRIs, why) into the graph
whose node it changed, so a user can audit it.

The index is read once from the store (through the Store interface, so a SPARQL server works
too) and kept up to date as graphs are stored.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..naming import entity_hash, norm
from .audit import resolution_iri, resolution_triples

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SUB_ORG = ox.NamedNode("http://www.w3.org/ns/org#subOrganizationOf")
KG = "https://w3id.org/coopkg/ontology#"
PERSON, ORG, UNIT = (ox.NamedNode(KG + c) for c in ("Person", "Organisation", "OrganisationalUnit"))
MEMBERSHIP, ROLE_P = ox.NamedNode(KG + "Membership"), ox.NamedNode("http://www.w3.org/ns/org#role")
MEMBER, ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#member"), ox.NamedNode("http://www.w3.org/ns/org#organization")
PARTY = ox.NamedNode(KG + "party")
RESOLUTION, RESOLVED, RULE = (ox.NamedNode(KG + n) for n in ("Resolution", "resolvedEntity", "rule"))

SPARQL_DIR = Path(__file__).parent / "sparql"


def _rq(name: str) -> str:
    return (SPARQL_DIR / f"{name}.rq").read_text(encoding="utf-8")


def _keys(kind: str, name: str) -> set[str]:
    """The forms under which a name matches: normalised; for people, word order free and full only."""
    n = norm(name)
    if not n:
        return set()
    if kind == "person":
        words = n.split()
        return {" ".join(sorted(words))} if len(words) >= 2 else set()
    return {n}


@dataclass
class Merge:
    """A stored node to fold into another, and why."""
    old: str
    new: str
    rule: str
    why: str
    names: list[str] = field(default_factory=list)


class StoreResolver:
    """Renames an article's entities to the nodes the store already has for them."""

    def __init__(self, store, base: str):
        self.store = store
        self.base = base
        self.by_name: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)  # (kind, key, parent) -> IRIs
        self.units: dict[str, set[str]] = defaultdict(set)  # a unit's name key -> units (with a parent) so named
        self.names: dict[str, set[str]] = defaultdict(set)  # IRI -> its names
        self.person_words: dict[str, set[str]] = defaultdict(set)  # a word of a person's name -> people so named
        self.kind: dict[str, str] = {}
        self.preferred: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        for row in store.query(_rq("store-index")):
            iri = row["e"].value
            self.kind[iri] = "person" if row["c"] == PERSON else "org"
            parent = row["parent"].value if row["parent"] is not None else None
            self.parent.setdefault(iri, parent)
            for term in (row["label"], row["alt"]):
                if term is not None:
                    self._add(self.kind[iri], iri, term.value)
            if row["label"] is not None:
                # one preferred label per node: the smallest, so the choice does not depend on row order
                old = self.preferred.get(iri)
                if old is None or row["label"].value < old:
                    self.preferred[iri] = row["label"].value

    def _add(self, kind: str, iri: str, name: str) -> None:
        self.names[iri].add(name)
        if kind == "person":
            for word in norm(name).split():
                self.person_words[word].add(iri)
        parent = self.parent.get(iri)
        for key in _keys(kind, name):
            self.by_name[(kind, key, parent)].add(iri)
            if parent is not None:
                self.units[key].add(iri)

    def resolve(self, triples: list[ox.Triple], graph: str | None = None) -> tuple[list[ox.Triple], list[Merge]]:
        """The article's triples with its entities renamed to known nodes (and the decisions
        recorded, when ``graph`` names the article), and the stored nodes to merge: apply those
        with :meth:`merge` before storing the graph."""
        kinds, labelled, parents = _entities(triples)
        names = {iri: sorted({name for _, name in pairs}) for iri, pairs in labelled.items()}
        rename: dict[str, str] = {}
        merges: list[Merge] = []
        decisions: list[tuple[str, str, str, list[str]]] = []  # (entity, rule, why, names)
        # parents before units, so a unit is looked up under its parent's final IRI
        for iri in sorted(kinds, key=lambda i: (i in parents, i)):
            kind = kinds[iri]
            parent = parents.get(iri)
            parent = rename.get(parent, parent) if parent else None
            found = set()
            for name in names.get(iri, []):
                for key in _keys(kind, name):
                    found |= self.by_name.get((kind, key, parent), set())
            known = iri in self.preferred
            stored = (found | {iri}) if known else found
            if len(stored) > 1:
                # this article names two stored nodes as one: keep the smaller IRI
                target = min(stored)
                for other in sorted(stored - {target}):
                    merges.append(Merge(other, target, "store-bridge",
                                        f"{graph or 'an article'} names {other} and {target} as one "
                                        f"({'; '.join(names.get(iri, []))})", names.get(iri, [])))
            elif stored:
                target = next(iter(stored))
            else:
                target = self._unit_by_parent(kind, iri, names.get(iri, []), parent, kinds, rename, triples)
                if target:
                    decisions.append((target, "store-unit", f"{names.get(iri, [''])[0]} is the unit of that name of "
                                      f"{self.parent[target]}, which this article names", names.get(iri, [])))
            if target and target != iri:
                rename[iri] = target
                if not any(d[0] == target for d in decisions):
                    decisions.append((target, "store-name", f"named {'; '.join(names.get(iri, []))}, as {target} is in earlier articles",
                                      names.get(iri, [])))
        # a person left unmatched may be a stored person written with more or fewer names, when the
        # posts give evidence ("Amina Otieno" / "Amina Wanjiru Otieno", both at the same university)
        for iri in sorted(i for i in kinds if kinds[i] == "person" and i not in rename and i not in self.preferred):
            found = self._person_variant(iri, names.get(iri, []), triples, rename)
            if found is not None:
                rename[iri], why = found
                decisions.append((rename[iri], "store-person-variant", why, names.get(iri, [])))
        # every node the store knew keeps its stored preferred label (one per node across sources)
        relabel = {iri for iri in kinds if iri in self.preferred} | set(rename.values())
        out = self._rewrite(triples, rename, relabel)
        out = self._rename_derived(out)
        if graph is not None:
            kept = self._merge_records(graph, {t.subject.value for t in out if t.predicate == RDF_TYPE})
            explained = {t.object.value for t in kept if t.predicate == RESOLVED}
            out += kept
            for entity, rule, why, matched in decisions:
                if entity not in explained:
                    out += resolution_triples(graph, entity, rule, why, matched, merged=[])
        entities = _entities(out)  # the article's people and organisations under their final IRIs
        merges += self._orphan_units(*entities)
        self._learn(*entities)
        return out, merges

    def _merge_records(self, graph: str, typed: set[str]) -> list[ox.Triple]:
        """The stored article's records of merges into its nodes, for the nodes it still has:
        ingesting the article again keeps them (and so changes nothing)."""
        triples = list(self.store.query(_rq("merge-records"), {"g": ox.NamedNode(graph)}))
        gone = {t.subject for t in triples if t.predicate == RESOLVED and t.object.value not in typed}
        return [t for t in triples if t.subject not in gone]

    def _unit_by_parent(self, kind, iri, names, parent, kinds, rename, triples) -> str | None:
        """A unit named without its parent: the one stored unit of that name whose parent this
        article names ("the Governing Board" in an article about ICEKI); of several, the one
        where the store already has the people this article gives a post in it ("ZHANG Min,
        Director of the Division of International Cooperation" in an article naming two
        organisations that each have such a division)."""
        if kind != "org" or parent is not None or not names:
            return None
        mentioned = {rename.get(i, i) for i in kinds}
        candidates = {u for n in names for key in _keys(kind, n) for u in self.units.get(key, ())
                      if self.parent.get(u) in mentioned}
        if len(candidates) > 1:
            posts = {t.subject for t in triples if t.predicate == ORGANIZATION and t.object.value == iri}
            people = {rename.get(t.object.value, t.object.value) for t in triples if t.subject in posts and t.predicate == MEMBER}
            candidates = {u for u in candidates if any(
                self.store.query(_rq("holds-post-at"), {"person": ox.NamedNode(p), "unit": ox.NamedNode(u)})
                for p in sorted(people))}
        return candidates.pop() if len(candidates) == 1 else None

    def _person_variant(self, iri: str, names: list[str], triples: list[ox.Triple],
                        rename: dict[str, str]) -> tuple[str, str] | None:
        """The one stored person whose name has this one's words and more, or fewer (two at least in
        common), and who holds a post in the same organisation or under the same role; with why."""
        words = {frozenset(norm(n).split()) for n in names}
        candidates: set[str] = set()
        for ws in words:
            if len(ws) < 2:
                continue
            # stored names with more words: every word of this name is among theirs
            holders = [self.person_words.get(w, set()) for w in ws]
            candidates |= set.intersection(*holders) if holders else set()
            # stored names with fewer words (two or more) that are all in this name
            for size in range(2, len(ws)):
                for sub in combinations(sorted(ws), size):
                    candidates |= self.by_name.get(("person", " ".join(sub), None), set())
        candidates.discard(iri)
        if not candidates:
            return None
        orgs, roles = self._article_posts(iri, triples, rename)
        fits = []
        for c in sorted(candidates):
            for row in self.store.query(_rq("person-posts"), {"person": ox.NamedNode(c)}):
                stored_orgs = {row[k].value for k in ("org", "parent") if row[k] is not None}
                role = row["role"].value.lower() if row["role"] is not None else None
                shared = sorted(stored_orgs & orgs)
                if shared or (role and role in roles):
                    fits.append((c, f"a post at {self.preferred.get(shared[0], shared[0])}" if shared else f"the role {role}"))
                    break
        if len(fits) != 1:
            return None
        target, evidence = fits[0]
        return target, (f"{'; '.join(names)} and {self.preferred.get(target, target)} share their names' words "
                        f"and both hold {evidence}")

    @staticmethod
    def _article_posts(iri: str, triples: list[ox.Triple], rename: dict[str, str]) -> tuple[set[str], set[str]]:
        """The organisations (and their parents, under their final IRIs) and role names of a
        person's posts in an article's triples."""
        posts = {t.subject for t in triples if t.predicate == MEMBER and t.object.value == iri}
        parents = {t.subject.value: t.object.value for t in triples if t.predicate == SUB_ORG}
        role_nodes = {t.object for t in triples if t.subject in posts and t.predicate == ROLE_P}
        roles = {t.object.value.lower() for t in triples if t.subject in role_nodes and t.predicate == LABEL}
        orgs = set()
        for t in triples:
            if t.subject in posts and t.predicate == ORGANIZATION:
                for o in (t.object.value, parents.get(t.object.value)):
                    if o is not None:
                        orgs.add(rename.get(o, o))
        return orgs, roles

    def _orphan_units(self, kinds: dict[str, str], labelled: dict[str, list], parents: dict[str, str]) -> list[Merge]:
        """Stored parentless nodes named like a unit of this article, whose own articles name
        that unit's parent: the same unit, first written without its parent."""
        out = []

        def named_with(bare: str, parent: str) -> bool:
            return bool(self.store.query(_rq("graphs-mentioning-both"),
                                         {"node": ox.NamedNode(bare), "other": ox.NamedNode(parent)}))

        for unit, parent in parents.items():
            unit_names = sorted({name for _, name in labelled.get(unit, [])})
            for name in unit_names:
                for key in _keys("org", name):
                    for bare in sorted(self.by_name.get(("org", key, None), ())):
                        if bare == unit or bare in kinds or not named_with(bare, parent):
                            continue
                        # only if no other unit of that name has its parent named beside it as well
                        others = {u for u in self.units.get(key, ()) if u != unit and self.parent.get(u) != parent}
                        if any(named_with(bare, self.parent[u]) for u in sorted(others)):
                            continue
                        out.append(Merge(bare, unit, "store-unit",
                                         f"{bare} was named without its parent in articles that name {parent}; "
                                         f"it is {unit}", [name]))
        unique = {m.old: m for m in out}
        return list(unique.values())

    def merge(self, merge: Merge) -> list[str]:
        """Fold a stored node into another: rewrite every graph that mentions it (each graph
        replaced atomically), recording the decision there. Returns the graphs rewritten."""
        if merge.old == merge.new or merge.old not in self.names:
            return []
        graphs = [row["g"] for row in self.store.query(_rq("graphs-mentioning"), {"node": ox.NamedNode(merge.old)})]
        if merge.new not in self.preferred and merge.old in self.preferred:
            self.preferred[merge.new] = self.preferred[merge.old]
        for g in graphs:
            triples = list(self.store.query(_rq("graph-triples"), {"g": g}))
            triples = self._rewrite(triples, {merge.old: merge.new}, {merge.new})
            triples = self._rename_derived(triples)
            triples += resolution_triples(g.value, merge.new, merge.rule, merge.why, merge.names, merged=[merge.old])
            self.store.replace_graph(g, triples)
        # the index: the old node's names are the kept node's aliases now
        kind = self.kind.get(merge.old, "org")
        for name in self.names.pop(merge.old, set()):
            for key in _keys(kind, name):
                for index in (self.by_name[(kind, key, self.parent.get(merge.old))], self.units.get(key, set())):
                    index.discard(merge.old)
            for word in norm(name).split():
                self.person_words.get(word, set()).discard(merge.old)
            self._add(kind, merge.new, name)
        self.preferred.pop(merge.old, None)
        self.kind.setdefault(merge.new, kind)
        return [g.value for g in graphs]

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
                earlier = s[len(self.base + "agreement/"):].partition("/")[2]  # an earlier agreement's date
                rename[s] = self.base + "agreement/" + entity_hash(atype, *parties) + (f"/{earlier}" if earlier else "")
            elif "#resolution-" in s:
                entity = next((t.object.value for t in ts if t.predicate == RESOLVED), "")
                rule = next((t.object.value for t in ts if t.predicate == RULE), "")
                rename[s] = resolution_iri(s.split("#resolution-")[0], entity, rule)
        rename = {a: b for a, b in rename.items() if a != b}
        return self._rewrite(triples, rename) if rename else triples

    def _key(self, term) -> str:
        return term.value[len(self.base):] if term.value.startswith(self.base) else term.value

    def _learn(self, kinds: dict[str, str], names: dict[str, list], parents: dict[str, str]) -> None:
        """Add a stored article's people and organisations to the index."""
        for iri, kind in kinds.items():
            self.parent.setdefault(iri, parents.get(iri))
            self.kind.setdefault(iri, kind)
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
