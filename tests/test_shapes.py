"""The SHACL shapes, through kg.validate.Validator: for every shape a graph that conforms and
graphs that violate it, checking the verdict, the offending node and the message."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[1]
from kg.ontology import ontology_graph, shapes_graph
from kg.validate import Problem, Report, Validator

ID = "http://localhost:8000/id/"
ART = ID + "article/0123456789abcdef"
EV1 = ART + "#char=0,40"
EV2 = ART + "#char=41,90"
POST = ID + "post/p1"
EVENT = ID + "event/0123456789abcdef-1"
AGR = ID + "agreement/a1"
PERSON = ID + "person/li-wang"
ORG = ID + "org/cae"
UNIT = ID + "org/cae/international-office"
PLACE = ID + "place/beijing"
ROLE = ID + "role/director"

PREFIXES = """
@prefix kg: <https://w3id.org/coopkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix id: <http://localhost:8000/id/> .
"""

ARTICLE = f"""
<{ART}> a kg:Article ; rdfs:label "CAE delegation visits UNESCO"@en ;
    schema:headline "CAE delegation visits UNESCO"@en ; schema:url <https://news.example.org/1> ;
    schema:datePublished "2024-05-06"^^xsd:date ;
    nif:isString "Dr. Li Wang, Director of the CAE International Office, visited Beijing." .
<{EV1}> a nif:String, nif:RFC5147String ; nif:anchorOf "Dr. Li Wang, Director of the CAE office" ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "40"^^xsd:nonNegativeInteger ;
    nif:referenceContext <{ART}> .
<{EV2}> a nif:String, nif:RFC5147String ; nif:anchorOf "visited Beijing" ;
    nif:beginIndex "41"^^xsd:nonNegativeInteger ; nif:endIndex "90"^^xsd:nonNegativeInteger ;
    nif:referenceContext <{ART}> .
"""
ENTITIES = f"""
<{PERSON}> a kg:Person ; rdfs:label "Li Wang" ; skos:altLabel "Wang Li" ; schema:honorificPrefix "Dr." .
<{ORG}> a kg:Organisation ; rdfs:label "Chinese Academy of Engineering" ; skos:altLabel "CAE" .
<{UNIT}> a kg:OrganisationalUnit ; rdfs:label "International Office" ; org:subOrganizationOf <{ORG}> .
<{PLACE}> a kg:Place ; rdfs:label "Beijing" .
<{ROLE}> a kg:Role ; rdfs:label "Director"@en .
"""
POST_TTL = f"""
<{POST}> a kg:Membership ; rdfs:label "Li Wang, Director, International Office"@en ;
    org:member <{PERSON}> ; org:role <{ROLE}> ; org:organization <{UNIT}> ; kg:evidence <{EV1}> .
"""
EVENT_TTL = f"""
<{EVENT}> a kg:Visit ; rdfs:label "Visit to Beijing"@en ;
    schema:startDate "2024-05-03"^^xsd:date ; schema:endDate "2024-05-05"^^xsd:date ;
    schema:location <{PLACE}> ; schema:attendee <{PERSON}>, <{ORG}> ; schema:organizer <{UNIT}> ;
    kg:evidence <{EV2}> .
"""
AGR_TTL = f"""
<{AGR}> a kg:MemorandumOfUnderstanding ; rdfs:label "MoU between CAE and its office"@en ;
    kg:party <{ORG}>, <{UNIT}> ; kg:status kg:Signed ; dcterms:date "2024-05-04"^^xsd:date ;
    kg:evidence <{EV2}> .
"""
FULL = ARTICLE + ENTITIES + POST_TTL + EVENT_TTL + AGR_TTL


@pytest.fixture(scope="module")
def v() -> Validator:
    return Validator()


def graph(*parts: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + "\n".join(parts), format="turtle")


def replaced(old: str, new: str, base: str = FULL) -> rdflib.Graph:
    assert old in base, old
    return graph(base.replace(old, new))


def check(v: Validator, g: rdflib.Graph, node: str, *words: str) -> Report:
    r = v.validate(g)
    assert not r.conforms, "expected a violation"
    hits = [p for p in r.problems if p.node == node and all(w.lower() in p.message.lower() for w in words)]
    assert hits, f"no problem on {node} mentioning {words}:\n{r}"
    assert node in str(r)
    return r


def ok(v: Validator, g: rdflib.Graph) -> None:
    r = v.validate(g)
    assert r.conforms, str(r)
    assert r.problems == [] and str(r) == "conforms"


# --- the whole article ------------------------------------------------------------------------


def test_full_article_conforms(v):
    ok(v, graph(FULL))


def test_validate_does_not_modify_data(v):
    g = graph(FULL.replace('rdfs:label "Beijing"', ""))
    n = len(g)
    v.validate(g)
    assert len(g) == n


def test_report_format_and_fields(v):
    g = replaced('rdfs:label "Li Wang"', 'rdfs:label "Li Wang", "Wang Li"')
    r = v.validate(g)
    assert isinstance(r.problems[0], Problem)
    p = r.problems[0]
    assert (p.node, p.path, p.severity) == (PERSON, "http://www.w3.org/2000/01/rdf-schema#label", "Violation")
    assert str(r).splitlines()[0].startswith(f"{PERSON}  rdfs:label  More than one rdfs:label")
    assert not r


# --- labels (shared by every named shape) ---------------------------------------------------------


def test_two_plain_labels(v):
    check(v, replaced('rdfs:label "Li Wang"', 'rdfs:label "Li Wang", "Wang Li"'), PERSON, "skos:altLabel")


def test_two_labels_same_language(v):
    check(v, replaced('rdfs:label "Director"@en', 'rdfs:label "Director"@en, "Head"@en'), ROLE, "same language")


def test_one_label_per_language_and_one_plain_conforms(v):
    ok(v, replaced('rdfs:label "Li Wang"', 'rdfs:label "Li Wang", "Li Wang"@en, "王力"@zh'))


def test_label_must_be_literal(v):
    check(v, replaced('rdfs:label "Beijing"', 'rdfs:label "Beijing" , <http://example.org/x>'), PLACE, "literal")


@pytest.mark.parametrize(
    "old,node",
    [
        ('<{}> a kg:Person ; rdfs:label "Li Wang" ;'.format(PERSON), PERSON),
        ('rdfs:label "Chinese Academy of Engineering" ;', ORG),
        ('rdfs:label "International Office" ;', UNIT),
        ('rdfs:label "Beijing" ', PLACE),
        ('rdfs:label "Director"@en ', ROLE),
        ('rdfs:label "Li Wang, Director, International Office"@en ;', POST),
        ('rdfs:label "Visit to Beijing"@en ;', EVENT),
        ('rdfs:label "MoU between CAE and its office"@en ;', AGR),
        ('rdfs:label "CAE delegation visits UNESCO"@en ;', ART),
    ],
)
def test_label_required(v, old, node):
    new = f"<{PERSON}> a kg:Person ;" if node == PERSON else ""
    check(v, replaced(old, new), node, "rdfs:label")


# --- article ------------------------------------------------------------------------------------


def test_article_without_headline(v):
    check(v, replaced('schema:headline "CAE delegation visits UNESCO"@en ;', ""), ART, "schema:headline")


def test_article_date_published_wrong_datatype(v):
    check(v, replaced('"2024-05-06"^^xsd:date', '"May 6, 2024"'), ART, "xsd:date")


def test_article_url_must_be_iri(v):
    check(v, replaced("schema:url <https://news.example.org/1>", 'schema:url "https://news.example.org/1"'), ART, "IRI")


def test_article_needs_text(v):
    check(v, replaced('nif:isString "Dr. Li Wang, Director of the CAE International Office, visited Beijing."',
                      'schema:about "x"'), ART, "nif:isString")


def test_article_without_optional_url_and_date_conforms(v):
    ok(v, replaced('schema:url <https://news.example.org/1> ;\n    schema:datePublished "2024-05-06"^^xsd:date ;', ""))


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_begin_after_end(v):
    check(v, replaced('nif:beginIndex "41"^^xsd:nonNegativeInteger', 'nif:beginIndex "95"^^xsd:nonNegativeInteger'),
          EV2, "nif:beginIndex < nif:endIndex")


def test_evidence_offsets_wrong_datatype(v):
    check(v, replaced('nif:beginIndex "0"^^xsd:nonNegativeInteger', 'nif:beginIndex 0'), EV1, "xsd:nonNegativeInteger")


def test_evidence_without_anchor(v):
    check(v, replaced('nif:anchorOf "visited Beijing" ;', ""), EV2, "nif:anchorOf")


def test_evidence_without_context(v):
    check(v, replaced(f"nif:endIndex \"40\"^^xsd:nonNegativeInteger ;\n    nif:referenceContext <{ART}>",
                      'nif:endIndex "40"^^xsd:nonNegativeInteger'), EV1, "nif:referenceContext")


def test_evidence_context_must_be_article(v):
    check(v, replaced(f"nif:endIndex \"40\"^^xsd:nonNegativeInteger ;\n    nif:referenceContext <{ART}>",
                      f'nif:endIndex "40"^^xsd:nonNegativeInteger ;\n    nif:referenceContext <{PLACE}>'),
          EV1, "kg:Article")


def test_evidence_untyped_is_still_checked(v):
    """A node used as kg:evidence is validated as evidence even if the nif:String type is missing."""
    r = check(v, replaced(f"<{EV1}> a nif:String, nif:RFC5147String ; nif:anchorOf \"Dr. Li Wang, Director of the CAE office\" ;",
                          f"<{EV1}> nif:anchorOf \"Dr. Li Wang, Director of the CAE office\" ;"), POST, "nif:String")
    assert not r.conforms


# --- people, organisations, units ----------------------------------------------------------------


def test_unit_pointing_to_parent_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES))


def test_unit_without_parent(v):
    check(v, replaced(f"; org:subOrganizationOf <{ORG}>", ""), UNIT, "org:subOrganizationOf")


def test_sub_organisation_of_a_person(v):
    check(v, replaced(f"org:subOrganizationOf <{ORG}>", f"org:subOrganizationOf <{PERSON}>"), UNIT, "kg:Organisation")


def test_honorific_must_be_string(v):
    check(v, replaced('schema:honorificPrefix "Dr."', "schema:honorificPrefix <http://example.org/Dr>"), PERSON, "honorificPrefix")


# --- posts ---------------------------------------------------------------------------------------


def test_membership_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES + POST_TTL))


def test_membership_without_organisation_or_role_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES + POST_TTL.replace(f"org:role <{ROLE}> ; org:organization <{UNIT}> ;", "")))


def test_membership_without_evidence(v):
    check(v, replaced(f"org:organization <{UNIT}> ; kg:evidence <{EV1}> .", f"org:organization <{UNIT}> ."),
          POST, "kg:evidence")


def test_membership_organisation_is_a_person(v):
    check(v, replaced(f"org:organization <{UNIT}>", f"org:organization <{PERSON}>"), POST, "kg:Organisation")


def test_membership_organisation_untyped(v):
    check(v, replaced(f"org:organization <{UNIT}>", f"org:organization <{ID}org/unknown>"), POST, "kg:Organisation")


def test_membership_member_is_an_organisation(v):
    check(v, replaced(f"org:member <{PERSON}>", f"org:member <{ORG}>"), POST, "kg:Person")


def test_membership_without_member(v):
    check(v, replaced(f"org:member <{PERSON}> ;", ""), POST, "org:member")


def test_membership_role_is_a_string(v):
    check(v, replaced(f"org:role <{ROLE}>", 'org:role "Director"'), POST, "kg:Role")


# --- events --------------------------------------------------------------------------------------


def test_event_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES + EVENT_TTL))


def test_event_ends_before_start(v):
    r = check(v, replaced('schema:endDate "2024-05-05"^^xsd:date', 'schema:endDate "2024-05-01"^^xsd:date'),
              EVENT, "must not end before it starts")
    assert any(p.path and p.path.endswith("endDate") for p in r.problems if p.node == EVENT)


def test_event_ends_before_start_mixed_precision(v):
    check(v, replaced('schema:endDate "2024-05-05"^^xsd:date', 'schema:endDate "2024-04"^^xsd:gYearMonth'),
          EVENT, "must not end before it starts")
    check(v, replaced('schema:startDate "2024-05-03"^^xsd:date', 'schema:startDate "2025"^^xsd:gYear'),
          EVENT, "must not end before it starts")


@pytest.mark.parametrize(
    "start,end",
    [
        ('"2024-05"^^xsd:gYearMonth', '"2024-05-05"^^xsd:date'),
        ('"2024"^^xsd:gYear', '"2024-05"^^xsd:gYearMonth'),
        ('"2024-05-03"^^xsd:date', '"2024-05"^^xsd:gYearMonth'),
        ('"2024-05-05"^^xsd:date', '"2024-05-05"^^xsd:date'),
    ],
)
def test_event_mixed_precision_dates_conform(v, start, end):
    ok(v, replaced('schema:startDate "2024-05-03"^^xsd:date ; schema:endDate "2024-05-05"^^xsd:date',
                   f"schema:startDate {start} ; schema:endDate {end}"))


def test_event_wrong_datatype_date(v):
    check(v, replaced('schema:startDate "2024-05-03"^^xsd:date', 'schema:startDate "3 May 2024"'),
          EVENT, "schema:startDate", "xsd:date")
    check(v, replaced('schema:endDate "2024-05-05"^^xsd:date', 'schema:endDate "2024-05-05T10:00:00"^^xsd:dateTime'),
          EVENT, "schema:endDate")


def test_event_two_start_dates(v):
    check(v, replaced('schema:startDate "2024-05-03"^^xsd:date', 'schema:startDate "2024-05-03"^^xsd:date, "2024-05-02"^^xsd:date'),
          EVENT, "single")


def test_event_location_not_a_place(v):
    check(v, replaced(f"schema:location <{PLACE}>", f"schema:location <{ORG}>"), EVENT, "kg:Place")


def test_event_attendee_is_a_place(v):
    check(v, replaced(f"schema:attendee <{PERSON}>, <{ORG}>", f"schema:attendee <{PERSON}>, <{PLACE}>"),
          EVENT, "schema:attendee", "kg:Person or kg:Organisation")


def test_event_organizer_is_a_role(v):
    check(v, replaced(f"schema:organizer <{UNIT}>", f"schema:organizer <{ROLE}>"), EVENT, "schema:organizer")


def test_event_without_evidence(v):
    check(v, replaced(f"schema:organizer <{UNIT}> ;\n    kg:evidence <{EV2}> .", f"schema:organizer <{UNIT}> ."),
          EVENT, "kg:evidence")


def test_event_subclass_targets(v):
    """Every kg:Event subclass is a target: a kg:Signing without evidence is caught."""
    check(v, graph(FULL.replace(f"<{EVENT}> a kg:Visit", f"<{EVENT}> a kg:Signing")
                .replace(f"schema:organizer <{UNIT}> ;\n    kg:evidence <{EV2}> .", f"schema:organizer <{UNIT}> .")),
          EVENT, "kg:evidence")


def test_super_event(v):
    sub = f"""<{EVENT}-m> a kg:Meeting ; rdfs:label "Meeting during the visit"@en ; schema:superEvent <{EVENT}> ;
        schema:startDate "2024-05-04"^^xsd:date ; kg:evidence <{EV2}> ."""
    ok(v, graph(FULL + sub))
    check(v, graph(FULL + sub.replace(f"schema:superEvent <{EVENT}>", f"schema:superEvent <{PLACE}>")), f"{EVENT}-m", "kg:Event")


# --- agreements ----------------------------------------------------------------------------------


def test_agreement_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES + AGR_TTL))


def test_agreement_without_party(v):
    check(v, replaced(f"kg:party <{ORG}>, <{UNIT}> ;", ""), AGR, "at least one kg:party")


def test_agreement_party_is_a_person(v):
    check(v, replaced(f"kg:party <{ORG}>, <{UNIT}>", f"kg:party <{ORG}>, <{PERSON}>"), AGR, "kg:party", "not a person")


def test_agreement_status_not_in_list(v):
    check(v, replaced("kg:status kg:Signed", "kg:status kg:Approved"), AGR, "kg:status must be one of")


def test_agreement_two_statuses(v):
    check(v, replaced("kg:status kg:Signed", "kg:status kg:Signed, kg:InForce"), AGR, "exactly one kg:status")


def test_agreement_without_status(v):
    check(v, replaced("kg:status kg:Signed ;", ""), AGR, "kg:StatusUnknown")


def test_agreement_date_wrong_datatype(v):
    check(v, replaced('dcterms:date "2024-05-04"^^xsd:date', 'dcterms:date "2024-05-04"'), AGR, "dcterms:date")


def test_agreement_without_evidence(v):
    check(v, replaced(f'dcterms:date "2024-05-04"^^xsd:date ;\n    kg:evidence <{EV2}> .', 'dcterms:date "2024-05-04"^^xsd:date .'),
          AGR, "kg:evidence")


@pytest.mark.parametrize("cls", ["kg:Agreement", "kg:CooperationAgreement"])
def test_agreement_subclasses_are_targets(v, cls):
    check(v, graph(FULL.replace("a kg:MemorandumOfUnderstanding", f"a {cls}").replace(f"kg:party <{ORG}>, <{UNIT}> ;", "")),
          AGR, "kg:party")


# --- every shape has messages; the fast path agrees with plain pyshacl ---------------------------


def test_every_property_shape_has_a_message():
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    sg = shapes_graph()
    props = set(sg.objects(None, SH.property)) | set(sg.subjects(rdflib.RDF.type, SH.PropertyShape))
    assert props
    for p in props:
        assert (p, SH.message, None) in sg, sg.cbd(p).serialize(format="turtle")
    for c in sg.objects(None, SH.sparql):
        assert (c, SH.message, None) in sg


def _variants() -> list[rdflib.Graph]:
    return [
        graph(FULL),
        replaced('schema:endDate "2024-05-05"^^xsd:date', 'schema:endDate "2024-05-01"^^xsd:date'),
        replaced(f"org:organization <{UNIT}>", f"org:organization <{PERSON}>"),
        replaced(f"kg:party <{ORG}>, <{UNIT}> ;", ""),
        replaced('rdfs:label "Li Wang"', 'rdfs:label "Li Wang", "Wang Li"'),
        replaced(f"schema:attendee <{PERSON}>, <{ORG}>", f"schema:attendee <{PERSON}>, <{PLACE}>"),
    ]


def test_fast_path_agrees_with_plain_pyshacl(v):
    import pyshacl

    for g in _variants():
        ours = v.validate(g)
        conforms, results, _ = pyshacl.validate(g, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none")
        SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        theirs = {(str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultMessage)))
                  for r in results.objects(None, SH.result)}
        assert ours.conforms == conforms
        assert {(p.node, p.message) for p in ours.problems} == theirs


def test_union_of_articles(v):
    g = graph(FULL)
    bad = replaced(f"kg:party <{ORG}>, <{UNIT}> ;", "").serialize(format="nt").replace(AGR, AGR + "-2")
    g.parse(data=bad, format="nt")
    r = v.validate(g)
    assert [p.node for p in r.problems] == [AGR + "-2"]


def test_dataset_with_named_graph(v):
    ds = rdflib.Dataset()
    ds.graph(rdflib.URIRef(ART)).parse(data=PREFIXES + FULL, format="turtle")
    assert v.validate(ds).conforms
    ds.graph(rdflib.URIRef(ART + "-2")).parse(data=PREFIXES + f'<{ID}place/x> a kg:Place .', format="turtle")
    assert [p.node for p in v.validate(ds).problems] == [f"{ID}place/x"]


def test_every_referenced_shape_is_defined():
    """pyshacl silently skips an sh:node / sh:property that names a shape that does not exist."""
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    sg = shapes_graph()
    for p in sg.objects(None, SH.property):
        assert (p, SH.path, None) in sg, p
    for n in sg.objects(None, SH.node):
        assert (n, None, None) in sg, n


RESOLUTION = ART + "#resolution-1"
RESOLUTION_TTL = f"""
<{RESOLUTION}> a kg:Resolution ; kg:resolvedEntity <{ORG}> ; kg:rule "acronym" ;
    kg:mergedName "CAE", "Chinese Academy of Engineering" ;
    rdfs:comment "the acronym CAE stands for Chinese Academy of Engineering" .
"""


def test_resolution_record_conforms(v):
    ok(v, graph(ARTICLE + ENTITIES + RESOLUTION_TTL))


@pytest.mark.parametrize("old, new, words", [
    ('kg:rule "acronym"', 'kg:rule "looked similar"', ("kg:rule",)),
    (f"kg:resolvedEntity <{ORG}>", f"kg:resolvedEntity <{PLACE}>", ("kg:resolvedEntity",)),
    (f"kg:resolvedEntity <{ORG}> ;", "", ("kg:resolvedEntity",)),
    ('rdfs:comment "the acronym CAE stands for Chinese Academy of Engineering"', 'rdfs:comment <http://x/>', ("rdfs:comment",)),
])
def test_resolution_record_violations(v, old, new, words):
    check(v, replaced(old, new, ARTICLE + ENTITIES + RESOLUTION_TTL), RESOLUTION, *words)
