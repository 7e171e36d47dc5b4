"""Articles reconcile with the store: a later article's names reach the nodes earlier ones made."""
from __future__ import annotations

import pyoxigraph as ox

from kg.config import Settings
from kg.ingest import ingest
from kg.store import open_store

KG = "https://w3id.org/coopkg/ontology#"
FIRST = """Baltic institutes sign a research agreement

On 3 May 2023 the Baltic Institute for Marine Studies (BIMS) and the Tallinn Polytechnic University signed a Memorandum of Understanding on coastal monitoring in Riga. Anna Kask, Director of BIMS, and Peeter Tamm, Rector of the Tallinn Polytechnic University, signed the document in the presence of students. """
SECOND = """Coastal monitoring partnership starts its first project

On 14 June 2023 the Baltic Institute for Marine Studies hosted a workshop on coastal monitoring in Riga, the first activity under the Memorandum of Understanding with the Tallinn Polytechnic University. Director Anna Kask opened the workshop and welcomed twenty researchers from the region. """
THIRD = """BIMS joins regional network of marine institutes

On 2 September 2023 BIMS joined the Nordic Network of Marine Institutes at a ceremony in Oslo. Kask Anna said the network would help the institute share coastal data with partners in the whole region. """


def _ingest_in_order(tmp_path, *texts):
    paths = []
    for i, text in enumerate(texts, 1):
        p = tmp_path / f"{i:02d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    store = open_store(tmp_path / "store")
    for p in paths:  # one ingest per article: what is known comes from the store
        assert ingest([p], store, Settings()).ok
    return store


def _nodes_named(store, name: str, cls: str) -> set[str]:
    rows = store.query(
        "SELECT DISTINCT ?e WHERE { ?e a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c ; "
        "(<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel>) ?n }",
        {"c": ox.NamedNode(KG + cls), "n": ox.Literal(name)},
    )
    return {r["e"].value for r in rows}


def test_full_name_acronym_and_name_order_meet_on_one_node(tmp_path):
    store = _ingest_in_order(tmp_path, FIRST, SECOND, THIRD)
    bims = _nodes_named(store, "Baltic Institute for Marine Studies", "Organisation")
    assert len(bims) == 1
    assert _nodes_named(store, "BIMS", "Organisation") == bims
    assert len(_nodes_named(store, "Anna Kask", "Person") | _nodes_named(store, "Kask Anna", "Person")) == 1
    store.close()


def test_one_preferred_label_per_node_across_sources(tmp_path):
    store = _ingest_in_order(tmp_path, FIRST, SECOND, THIRD)
    rows = store.query(
        "SELECT ?e (COUNT(DISTINCT ?l) AS ?n) WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER(lang(?l) = '') } GROUP BY ?e HAVING (COUNT(DISTINCT ?l) > 1)")
    assert [r["e"].value for r in rows] == []
    store.close()


def test_the_same_agreement_is_one_node_from_source_to_source(tmp_path):
    store = _ingest_in_order(tmp_path, FIRST, SECOND)
    rows = list(store.query(
        "SELECT DISTINCT ?a ?g WHERE { GRAPH ?g { ?a a <https://w3id.org/coopkg/ontology#MemorandumOfUnderstanding> } }"))
    assert len({r["a"].value for r in rows}) == 1 and len({r["g"].value for r in rows}) == 2
    store.close()
