"""The ontology: parses, is consistent for HermiT, declares every contract term, and its
disjointness axioms bite (a thing typed Person and Organisation is inconsistent)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
from kg.ontology import KG, ONTOLOGY_IRI, class_hierarchy, ontology_graph, ontology_path

CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"  # CI has ../shared beside the clone

# The kg: terms of the contract (CONTRACT.md, "Terms the data must use").
CONTRACT_CLASSES = """Organisation OrganisationalUnit Person Membership Role Event Meeting Visit Workshop
Conference Symposium Forum Session Training Ceremony Signing Agreement MemorandumOfUnderstanding
CooperationAgreement Article Place""".split()
CONTRACT_PROPERTIES = "party status evidence".split()
CONTRACT_STATUSES = "Planned UnderNegotiation Signed InForce Renewed Expired StatusUnknown".split()
CONTRACT_TERMS = CONTRACT_CLASSES + CONTRACT_PROPERTIES + CONTRACT_STATUSES

SCHEMA = rdflib.Namespace("https://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def g() -> rdflib.Graph:
    return ontology_graph()


def test_ontology_header(g):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert ontology_path().name == "coopkg.ttl"


def test_contract_list_matches_contract_file():
    if not CONTRACT.exists():
        pytest.skip("CONTRACT.md not available here")
    named = set(re.findall(r"\bkg:([A-Za-z]+)", CONTRACT.read_text()))
    assert named <= set(CONTRACT_TERMS), named - set(CONTRACT_TERMS)


@pytest.mark.parametrize("name", CONTRACT_TERMS)
def test_contract_term_declared_with_label(g, name):
    t = KG[name]
    types = set(g.objects(t, RDF.type))
    if name in CONTRACT_CLASSES:
        assert OWL.Class in types
    elif name in CONTRACT_PROPERTIES:
        assert OWL.ObjectProperty in types
    else:
        assert KG.AgreementStatus in types and OWL.NamedIndividual in types
    labels = [l for l in g.objects(t, RDFS.label) if l.language == "en"]
    assert len(labels) == 1, f"kg:{name} needs exactly one English rdfs:label"


def test_every_kg_class_and_property_has_label_and_comment(g):
    terms = {s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and str(s).startswith(str(KG))}
    assert len(terms) >= len(CONTRACT_TERMS)
    for t in terms:
        assert any(l.language == "en" for l in g.objects(t, RDFS.label)), t
        assert any(c.language == "en" for c in g.objects(t, RDFS.comment)), t


@pytest.mark.parametrize(
    "sub,sup",
    [
        (KG.Organisation, ORG.Organization), (KG.Organisation, SCHEMA.Organization),
        (KG.Organisation, FOAF.Organization), (KG.OrganisationalUnit, KG.Organisation),
        (KG.OrganisationalUnit, ORG.OrganizationalUnit), (KG.Person, FOAF.Person),
        (KG.Person, SCHEMA.Person), (KG.Membership, ORG.Membership), (KG.Role, ORG.Role),
        (KG.Event, SCHEMA.Event), (KG.Visit, KG.Event), (KG.Signing, KG.Event),
        (KG.MemorandumOfUnderstanding, KG.Agreement), (KG.CooperationAgreement, KG.Agreement),
        (KG.Article, SCHEMA.NewsArticle), (KG.Article, PROV.Entity), (KG.Place, SCHEMA.Place),
    ],
)
def test_alignment(g, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in g


def test_subclass_path_works_without_reasoner(g):
    q = "ASK { kg:Signing rdfs:subClassOf* kg:Event . kg:OrganisationalUnit rdfs:subClassOf* org:Organization }"
    assert g.query(q, initNs={"kg": KG, "rdfs": RDFS, "org": ORG}).askAnswer
    assert (KG.OrganisationalUnit, RDFS.subClassOf, KG.Organisation) in class_hierarchy()


def test_no_owl_full_datatypes(g):
    """xsd:date, xsd:gYear, xsd:gYearMonth are outside the OWL 2 datatype map: no ranges with them."""
    XSD = rdflib.namespace.XSD
    for bad in (XSD.date, XSD.gYear, XSD.gYearMonth):
        assert not list(g.subjects(RDFS.range, bad))


# --- HermiT ---------------------------------------------------------------------------------

owlready2 = pytest.importorskip("owlready2")


def _load_world(tmp_path: Path, extra: rdflib.Graph | None = None):
    data = rdflib.Graph()
    for t in ontology_graph():
        data.add(t)
    if extra is not None:
        for t in extra:
            data.add(t)
    nt = tmp_path / "coopkg.nt"
    data.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    return world, onto


def test_hermit_consistent(tmp_path):
    world, onto = _load_world(tmp_path)
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


def test_hermit_person_and_organisation_is_inconsistent(tmp_path):
    bad = rdflib.Graph()
    x = rdflib.URIRef("http://example.org/id/person/jane-doe")
    bad.add((x, RDF.type, OWL.NamedIndividual))
    bad.add((x, RDF.type, KG.Person))
    bad.add((x, RDF.type, KG.Organisation))
    world, onto = _load_world(tmp_path, bad)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


def test_hermit_event_with_organisation_party_data_is_consistent(tmp_path):
    """A small article-like graph in the mapper's shape is consistent with the ontology."""
    ttl = """
    @prefix kg: <https://w3id.org/coopkg/ontology#> . @prefix org: <http://www.w3.org/ns/org#> .
    @prefix schema: <https://schema.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix ex: <http://example.org/id/> .
    ex:org-a a kg:Organisation, owl:NamedIndividual . ex:unit a kg:OrganisationalUnit, owl:NamedIndividual ;
        org:subOrganizationOf ex:org-a .
    ex:p a kg:Person, owl:NamedIndividual . ex:r a kg:Role, owl:NamedIndividual .
    ex:m a kg:Membership, owl:NamedIndividual ; org:member ex:p ; org:role ex:r ; org:organization ex:unit ;
        kg:evidence ex:ev .
    ex:v a kg:Visit, owl:NamedIndividual ; schema:attendee ex:p, ex:org-a ; schema:location ex:pl ;
        schema:startDate "2024-05-03"^^xsd:string ; kg:evidence ex:ev .
    ex:pl a kg:Place, owl:NamedIndividual .
    ex:ag a kg:MemorandumOfUnderstanding, owl:NamedIndividual ; kg:party ex:org-a, ex:unit ;
        kg:status kg:Signed ; kg:evidence ex:ev .
    ex:ev a nif:RFC5147String, owl:NamedIndividual ; nif:beginIndex "0"^^xsd:nonNegativeInteger ;
        nif:endIndex "10"^^xsd:nonNegativeInteger ; nif:referenceContext ex:art .
    ex:art a kg:Article, owl:NamedIndividual .
    """
    extra = rdflib.Graph().parse(data=ttl, format="turtle")
    world, onto = _load_world(tmp_path, extra)
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
