"""Agreements (kg.extract.agreements) on sentences written for the tests: the terms news uses for
them, one agreement per mention, references back, parties and status as the article reports them."""
from __future__ import annotations

import pytest

from kg.article import Article
from kg.extract import agreements
from kg.extract.pipeline import extract


def run(text: str):
    return next(extract([Article.from_text(text, source="test")]))


def facts(ex):
    return sorted((a.type, a.status, frozenset(p.name for p in a.parties)) for a in ex.agreements)


A, B, C = "Alpine Research Council", "Lisbon University of Technology", "Baltic Institute of Marine Geology"


@pytest.mark.parametrize("sentence, atype", [
    (f"On 3 May 2023 the {A} and the {B} concluded an agreement for joint research on glacier lakes.", "Agreement"),
    (f"On 3 May 2023 the {A} signed a co-operation protocol with the {B}.", "Agreement"),
    (f"On 3 May 2023 the {A} and the {B} signed a letter of intent on joint field courses.", "Agreement"),
    (f"On 3 May 2023 the {A} signed a memorandum of agreement with the {B}.", "Agreement"),
    (f"On 3 May 2023 the {A} entered into an MoU with the {B} on data sharing.", "MemorandumOfUnderstanding"),
    # several words between "agreement on" and "cooperation"
    (f"On 3 May 2023 the {A} and the {B} signed an Agreement on Scientific and Technical Cooperation.",
     "CooperationAgreement"),
])
def test_agreement_terms_and_their_types(sentence, atype):
    (ag,) = run(sentence).agreements
    assert ag.type == atype and ag.status == "Signed"
    assert {p.name for p in ag.parties} == {A, B}


def test_an_agreement_made_by_two_organisations():
    ex = run(f"An agreement to establish the Joint Centre for Lake Studies was made by the {A} and the {B} "
             "in November 2024.")
    assert facts(ex) == [("Agreement", "Signed", frozenset({A, B}))]


def test_two_agreements_in_one_sentence_each_with_its_parties():
    ex = run(f"The {A} already has an MoU with the {B}, signed in 2019, and a joint research agreement "
             f"with the {C}.")
    assert facts(ex) == [("Agreement", "InForce", frozenset({A, C})),
                         ("MemorandumOfUnderstanding", "InForce", frozenset({A, B}))]


def test_a_new_accord_and_the_first_one_it_replaces_are_two():
    ex = run(f"The {A} and the {B} signed a new cooperation agreement on 4 May 2023. The new document replaces "
             "the first accord the two institutions signed in 1994, which is no longer in force.")
    assert facts(ex) == [("Agreement", "Expired", frozenset({A, B})),
                         ("CooperationAgreement", "Signed", frozenset({A, B}))]


def test_the_mou_later_is_the_same_memorandum():
    ex = run(f"The {A} and the {B} signed a memorandum of understanding on 4 May 2023. The MoU was signed by "
             f"Dr. Ana Lopez, Director of the {C}, and Prof. Jan Berg. Under the MoU, the {A} will share data "
             f"with the {C}.")
    assert facts(ex) == [("MemorandumOfUnderstanding", "Signed", frozenset({A, B}))]


@pytest.mark.parametrize("sentence", [
    f"The regional units of the {A} are linked to the state governments by agreements that allow field trials.",
    f"The {A} was established in 2007 by an intergovernmental agreement among the Alpine states.",
])
def test_agreements_in_general_or_without_named_parties_are_none(sentence):
    assert run(sentence).agreements == []


def test_an_expired_memorandum_and_talks_on_a_new_one():
    ex = run(f"The {A} signed an MoU with the {B} in 2015, which expired in 2020 and was not renewed; "
             f"talks on a new MoU with the {B} are in progress.")
    assert facts(ex) == [("MemorandumOfUnderstanding", "Expired", frozenset({A, B})),
                         ("MemorandumOfUnderstanding", "UnderNegotiation", frozenset({A, B}))]


def test_the_two_institutions_named_before_in_the_sentence():
    ex = run(f"The Ambassador spoke of the interest of the {A} in cooperating with the {B}, and proposed that "
             "a memorandum of understanding between the two institutions be prepared.")
    assert facts(ex) == [("MemorandumOfUnderstanding", "Planned", frozenset({A, B}))]


@pytest.mark.parametrize("text, before, status", [
    ("which expired in 2020 and was not renewed", "", "Expired"),
    ("The senate approved the draft agreement.", "", "Planned"),
    ("The new accord replaces the first accord", "The new accord replaces the first ", "Expired"),
    ("The new accord will replace the first accord, which expires in June.",
     "The new accord will replace the first ", "InForce"),
    ("The data agreement, which expired in 2022, has been extended for two years.", "", "Renewed"),
])
def test_status_cues(text, before, status):
    assert agreements.status_of(text, before or None, "" if before else None) == status


def test_every_term_pattern_has_a_head_noun():
    """The Matcher runs only on sentences with a head noun, so each pattern must require one."""
    for p in agreements._term_patterns():
        words = set()
        for tok in p["pattern"]:
            spec = tok.get("LOWER") or tok.get("TEXT")
            words |= set(spec.get("IN", [spec.get("REGEX")])) if isinstance(spec, dict) else {spec}
        assert words & agreements.HEAD_NOUNS or any("mou" in str(w).lower() for w in words), p


def test_the_headline_agreement_is_the_one_the_body_names():
    ex = run(f"{A} hosts delegation; agreement on lake monitoring signed\n\n"
             f"The highlight of the visit was the signing of a cooperation agreement between the {A} and the {B} "
             "on 4 May 2023.")
    assert facts(ex) == [("CooperationAgreement", "Signed", frozenset({A, B}))]


def test_an_executive_agreement_under_a_protocol_is_another_agreement():
    ex = run(f"The {A} and the {B} signed a co-operation protocol on 4 May 2023. They then signed the 2023 "
             f"executive agreement for the implementation of the protocol.")
    assert [a.type for a in ex.agreements] == ["Agreement", "Agreement"]


def test_similar_agreements_in_general_are_none():
    ex = run(f"The {A} would seek similar agreements with universities in Asia.")
    assert ex.agreements == []


def test_the_agreement_refers_to_the_last_one_called_an_agreement():
    ex = run(f"The {A} and the {B} renewed their framework agreement and signed a letter of intent on 4 May 2023. "
             "The agreement was signed by the two directors.")
    (loi,) = [a for a in ex.agreements if a.status == "Signed"]
    (framework,) = [a for a in ex.agreements if a.status == "Renewed"]
    assert len(framework.evidence) == 2 and len(loi.evidence) == 1


def test_the_speakers_organisation_is_the_other_party():
    ex = run(f"Dr. Ana Lopez, Director of the {A}, said that a similar agreement with the {B} is being drafted.")
    assert facts(ex) == [("Agreement", "UnderNegotiation", frozenset({A, B}))]


def test_units_agreement_is_not_their_parents_agreement():
    ex = run("The Alpine Academy of Sciences and the Baltic Academy of Sciences signed a cooperation agreement on "
             "4 May 2023. In addition, the Institute of Soil Physics of the Alpine Academy of Sciences and the "
             "Institute of Marine Botany of the Baltic Academy of Sciences signed an agreement on joint research.")
    assert sorted(a.type for a in ex.agreements) == ["Agreement", "CooperationAgreement"]


def test_the_two_governments_not_the_drafting_ministry():
    ex = run("The Government of the Republic of Estonia and the Government of the Republic of Chile signed an "
             "Agreement on Scientific Cooperation on 4 May 2023. A draft intergovernmental agreement between the "
             f"two Governments on the recognition of degrees, prepared by the {A} with the {B}, is still under "
             "discussion.")
    draft = next(a for a in ex.agreements if a.status == "UnderNegotiation")
    assert draft.type == "Agreement"
    assert {p.name for p in draft.parties} == {"Government of the Republic of Estonia",
                                               "Government of the Republic of Chile"}


# ---- round 2: parties and status in shapes the parser or the first rules missed

D, E = "Danube Institute of Hydrology", "Carpathian Forestry University"


def test_between_a_and_b_when_the_parser_hangs_b_elsewhere():
    ex = run(f"The council approved the conclusion of an agreement between the {D} and the {E} (Romania) "
             "covering joint supervision of students.")
    assert facts(ex) == [("Agreement", "Planned", frozenset({D, E}))]


def test_a_lower_case_definite_reference_is_the_organisation_last_named_so():
    ex = run(f"On 4 May, engineers of the {A} toured the {E}. The council has had a memorandum of understanding "
             f"with the university since 2019.")
    (ag,) = ex.agreements
    assert {p.name for p in ag.parties} == {A, E}


def test_the_two_sides_are_the_two_organisations_of_the_previous_sentence():
    ex = run(f"The {C} works with the {D} and the {A}. The {C}'s Director, Dr. Lena Holm, met Prof. Ivo Horvat, "
             f"Rector of the {E}, on 3 May 2021. The two institutions signed a memorandum of understanding.")
    (ag,) = ex.agreements
    assert {p.name for p in ag.parties} == {C, E}


def test_an_implementation_agreement_under_a_framework_agreement_between_the_parents():
    ex = run(f"The Faculty of Forestry of the {E} and the {D} signed an implementation agreement under the "
             f"framework agreement between the {E} and the {D}.")
    got = {(a.status, frozenset(p.name for p in a.parties)) for a in ex.agreements}
    assert got == {("Signed", frozenset({f"Faculty of Forestry of the {E}", D})),
                   ("InForce", frozenset({E, D}))}


@pytest.mark.parametrize("text, status", [
    ("The memorandum entered into force on 1 June 2022.", "InForce"),
    ("The protocol came into effect in 2020.", "InForce"),
    ("The two institutes entered into an MoU in May.", "Signed"),
    ("Both directors put their signatures to a letter of intent.", "Signed"),
    ("After two years of negotiations, the academies signed a cooperation protocol.", "Signed"),
    ("Talks on a new protocol will resume in May.", "UnderNegotiation"),
])
def test_taking_effect_is_in_force_not_signing(text, status):
    assert agreements.status_of(text) == status


def test_entering_into_force_later_outranks_the_signing():
    ex = run(f"The {E} signed a cooperation agreement with the {D} in 2015. The agreement entered into force "
             "on 1 June 2016.")
    (ag,) = ex.agreements
    assert ag.status == "InForce" and str(ag.date) == "2016-06-01"


def test_extended_with_words_before_the_term_is_renewed():
    ex = run(f"The {E} and the {D} extended their research agreement until 2030.")
    assert facts(ex) == [("Agreement", "Renewed", frozenset({D, E}))]


def test_the_agreement_it_replaces_dated_years_before_is_another_one():
    ex = run(f"Following the talks, the two presidents signed the Agreement on scientific cooperation between the "
             f"{E} and the {D}. The document replaces the agreement signed in Vienna on 2 March 2006, which "
             "expired in 2016.")
    assert facts(ex) == [("Agreement", "Expired", frozenset({D, E})),
                         ("CooperationAgreement", "Signed", frozenset({D, E}))]


def test_the_organisations_signatories_act_for_are_the_parties():
    ex = run(f"The {C} works with the {A}. The protocol was signed on behalf of the {E} by its Rector, and for "
             f"the {D} by its Director, on 3 May 2021.")
    assert facts(ex) == [("Agreement", "Signed", frozenset({D, E}))]


def test_the_two_institutions_of_the_last_agreement_not_of_the_previous_sentence():
    ex = run(f"The {E} and the {D} signed an MoU on 3 May 2024. Later the {E} opened a laboratory funded by the "
             f"{A}. The MoU builds on a letter of intent signed by the two institutions at the {E} in 2021.")
    loi = next(a for a in ex.agreements if a.type == "Agreement")
    assert {p.name for p in loi.parties} == {D, E}


def test_the_organisation_of_a_signing_person_is_a_party():
    ex = run(f"The {C} works with the {A}. Prof. Ivo Horvat, Rector of the {E}, signed a memorandum of "
             f"understanding with the {D} on 3 May 2021, in the presence of the Director of the {A}.")
    assert facts(ex) == [("MemorandumOfUnderstanding", "Signed", frozenset({D, E}))]


def test_one_agreement_per_line_of_a_list_after_a_colon():
    ex = run(f"The {A} and the {C} signed a cooperation agreement. The ministers then witnessed the signing of two "
             "memoranda of understanding, signed by the following rectors:\n"
             f"- Prof. Ana Lind (Oslo Marine University) and Prof. Tor Vik ({E}), on fisheries;\n"
             f"- Prof. Eva Sand, Rector, Bergen Polytechnic University, and Dr. Ola Berg, Director, {D}, on dams.")
    mous = {frozenset(p.name for p in a.parties) for a in ex.agreements if a.type == "MemorandumOfUnderstanding"}
    assert mous == {frozenset({"Oslo Marine University", E}), frozenset({"Bergen Polytechnic University", D})}


def test_the_two_ministries_are_two_ministries_not_the_last_partners():
    ex = run(f"The {E} and the {D} signed an MoU on 3 May 2024. The Ministry of Forests of Ruritania and the "
             "Ministry of Water of Freedonia sent observers. The first MoU between the two Ministries, signed in "
             "2010, expired in 2015.")
    old = next(a for a in ex.agreements if a.status == "Expired")
    assert {p.name for p in old.parties} == {"Ministry of Forests of Ruritania", "Ministry of Water of Freedonia"}


def test_first_signed_years_ago_and_renewed_now_is_one_memorandum():
    ex = run(f"On 8 May 2024 the {E} and the {D} renewed their memorandum of understanding for five years. "
             "The two institutions first signed the MoU in Vienna in May 2019.")
    assert facts(ex) == [("MemorandumOfUnderstanding", "Renewed", frozenset({D, E}))]


def test_a_lower_case_reference_with_a_modifier_keeps_to_that_name():
    ex = run(f"On 4 May, the {D} and the {A} held a joint seminar. Later, the {E} entered into an MoU with the "
             "Danube institute.")
    (ag,) = ex.agreements
    assert {p.name for p in ag.parties} == {D, E}
