"""Articles reconcile with the store: a later article's names reach the nodes earlier ones made."""
from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest

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


# Three sources about one institute: acronym only, full name only, then both.
ACRONYM_ONLY = """NOMI opens a coastal data portal

On 4 March 2024 NOMI opened a coastal data portal in Bergen. Ingrid Solberg, Director of NOMI, said the portal would serve researchers across the region. """
FULL_NAME_ONLY = """Marine institute hosts summer school

On 8 July 2024 the Nordic Ocean Monitoring Institute hosted a summer school on ocean sensors in Bergen. Lars Berg, Head of Training at the Nordic Ocean Monitoring Institute, welcomed thirty students. """
BOTH = """Nordic institute signs agreement with university

On 2 October 2024 the Nordic Ocean Monitoring Institute (NOMI) and the University of Tromso signed a Memorandum of Understanding in Tromso. Ingrid Solberg, Director of NOMI, signed for the institute. """


def _resolutions(store, rule: str) -> list[dict]:
    rows = store.query(
        "SELECT ?r ?e ?old ?why WHERE { ?r a <https://w3id.org/coopkg/ontology#Resolution> ; "
        "<https://w3id.org/coopkg/ontology#rule> ?rule ; <https://w3id.org/coopkg/ontology#resolvedEntity> ?e ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?why "
        "OPTIONAL { ?r <https://w3id.org/coopkg/ontology#mergedIri> ?old } }",
        {"rule": ox.Literal(rule)})
    return [{k: (r[k].value if r[k] is not None else None) for k in ("e", "old", "why")} for r in rows]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_an_article_naming_two_stored_nodes_as_one_merges_them_in_any_order(tmp_path, order):
    texts = [(ACRONYM_ONLY, FULL_NAME_ONLY, BOTH)[i] for i in order]
    store = _ingest_in_order(tmp_path, *texts)
    nodes = _nodes_named(store, "NOMI", "Organisation") | _nodes_named(store, "Nordic Ocean Monitoring Institute", "Organisation")
    assert len(nodes) == 1, nodes
    graphs = {r["g"].value for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?o a ?c } }", {"o": ox.NamedNode(nodes.pop())})}
    assert len(graphs) == 3  # every source now speaks of the one node
    store.close()


def test_a_merge_of_stored_nodes_is_recorded_where_it_changed_the_graph(tmp_path):
    store = _ingest_in_order(tmp_path, ACRONYM_ONLY, FULL_NAME_ONLY, BOTH)
    merges = _resolutions(store, "store-bridge")
    assert len(merges) == 1
    (node,) = _nodes_named(store, "NOMI", "Organisation")
    assert merges[0]["e"] == node and merges[0]["old"] not in (None, node)
    assert "NOMI" in merges[0]["why"] and "Nordic Ocean Monitoring Institute" in merges[0]["why"]
    # the old IRI is gone from the data
    assert not store.query("ASK { { ?old ?p ?o } UNION { ?s ?p ?old FILTER(?p != <https://w3id.org/coopkg/ontology#mergedIri>) } }",
                           {"old": ox.NamedNode(merges[0]["old"])})
    store.close()


def test_within_article_decisions_are_recorded_with_rule_and_names(tmp_path):
    store = _ingest_in_order(tmp_path, BOTH)
    acronyms = _resolutions(store, "acronym")
    (node,) = _nodes_named(store, "NOMI", "Organisation")
    assert any(r["e"] == node and "NOMI" in r["why"] for r in acronyms)
    store.close()


UNIT_WITH_PARENT = """Coastal division presents flood maps

On 5 May 2024 the Division of Coastal Research of the Nordic Ocean Monitoring Institute presented new flood maps in Bergen. Ingrid Solberg, Director of the Nordic Ocean Monitoring Institute, opened the event. """
UNIT_BARE = """Institute trains coastal engineers

On 9 September 2024 the Nordic Ocean Monitoring Institute trained twenty coastal engineers in Bergen.

Kari Dahl, Head of the Division of Coastal Research, gave the opening lecture. """
OTHER_PARENT = """University division joins flood project

On 1 November 2024 the Division of Coastal Research of the University of Tromso joined a flood project in Tromso. Ole Hansen, Dean of the University of Tromso, welcomed the decision. """


@pytest.mark.parametrize("texts", [(UNIT_WITH_PARENT, UNIT_BARE, OTHER_PARENT), (UNIT_BARE, OTHER_PARENT, UNIT_WITH_PARENT)])
def test_a_unit_named_without_its_parent_is_the_unit_of_the_parent_the_article_names(tmp_path, texts):
    store = _ingest_in_order(tmp_path, *texts)
    units = _nodes_named(store, "Division of Coastal Research", "Organisation")
    parents = {r["p"].value for r in store.query(
        "SELECT ?u ?p WHERE { ?u <http://www.w3.org/ns/org#subOrganizationOf> ?p }") if r["u"].value in units}
    # one unit under the institute, one under the university: same name, different parents
    assert len(units) == 2 and len(parents) == 2, (units, parents)
    kari = _nodes_named(store, "Kari Dahl", "Person")
    post_orgs = {r["o"].value for r in store.query(
        "SELECT ?o WHERE { ?m <http://www.w3.org/ns/org#member> ?p ; <http://www.w3.org/ns/org#organization> ?o }",
        {"p": ox.NamedNode(kari.pop())})}
    nomi = _nodes_named(store, "Nordic Ocean Monitoring Institute", "Organisation")
    assert len(post_orgs) == 1 and post_orgs <= units
    assert {r["p"].value for r in store.query(
        "SELECT ?p WHERE { ?u <http://www.w3.org/ns/org#subOrganizationOf> ?p }", {"u": ox.NamedNode(next(iter(post_orgs)))})} == nomi
    store.close()


BOTH_PARENTS = """Joint flood study presented in Bergen

On 3 December 2024 the Nordic Ocean Monitoring Institute and the University of Tromso presented a joint flood study in Bergen.

Kari Dahl, Head of the Division of Coastal Research, presented the maps. """
KARI_AT_NOMI = """Coastal division presents flood maps

On 5 May 2024 the Nordic Ocean Monitoring Institute presented new flood maps in Bergen. Kari Dahl, Head of the Division of Coastal Research of the Nordic Ocean Monitoring Institute, opened the event. """


def test_of_two_units_named_alike_the_one_where_the_person_holds_the_post_is_chosen(tmp_path):
    store = _ingest_in_order(tmp_path, KARI_AT_NOMI, OTHER_PARENT, BOTH_PARENTS)
    units = _nodes_named(store, "Division of Coastal Research", "Organisation")
    assert len(units) == 2  # the institute's and the university's: the bare mention joined one of them
    kari = _nodes_named(store, "Kari Dahl", "Person").pop()
    rows = list(store.query(
        "SELECT DISTINCT ?o ?g WHERE { GRAPH ?g { ?m <http://www.w3.org/ns/org#member> ?p ; "
        "<http://www.w3.org/ns/org#organization> ?o } }", {"p": ox.NamedNode(kari)}))
    assert len({r["o"].value for r in rows}) == 1 and len({r["g"].value for r in rows}) == 2
    store.close()


# One person written with a middle name in one source and without it in another.
VARIANT_FIRST = """Lakeside University names a new dean

On 2 February 2024 Lakeside University appointed Dr. Amara Nkechi Obi as Dean of the Faculty of Engineering. Amara Nkechi Obi, Dean of the Faculty of Engineering of Lakeside University, said she would open the faculty to regional partners. """
VARIANT_SECOND = """Engineering faculty signs exchange agreement

On 9 May 2024 the Faculty of Engineering of Lakeside University hosted a workshop on water treatment in Kisumu. Amara Obi, Dean of the Faculty of Engineering of Lakeside University, opened the workshop. """
NAMESAKE = """Hydrology institute opens a field station

On 3 June 2024 the Delta Hydrology Institute opened a field station in Mopti. Amara Obi, Head of Field Operations at the Delta Hydrology Institute, led the opening. """


@pytest.mark.parametrize("order", [(VARIANT_FIRST, VARIANT_SECOND), (VARIANT_SECOND, VARIANT_FIRST)])
def test_a_person_named_with_fewer_or_more_names_meets_on_one_node_with_evidence(tmp_path, order):
    store = _ingest_in_order(tmp_path, *order)
    nodes = _nodes_named(store, "Amara Nkechi Obi", "Person") | _nodes_named(store, "Amara Obi", "Person")
    assert len(nodes) == 1
    rows = list(store.query(
        "SELECT ?why WHERE { ?r <https://w3id.org/coopkg/ontology#rule> 'store-person-variant' ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?why }"))
    assert len(rows) == 1 and "a post at Lakeside University" in rows[0]["why"].value
    store.close()


def test_a_shorter_name_without_a_common_post_stays_apart(tmp_path):
    store = _ingest_in_order(tmp_path, VARIANT_FIRST, NAMESAKE)
    assert len(_nodes_named(store, "Amara Nkechi Obi", "Person") | _nodes_named(store, "Amara Obi", "Person")) == 2
    store.close()
