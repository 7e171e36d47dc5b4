"""The extraction rules, one behaviour per test, on sentences written for the test (not the seed's).

Each test names the kind of sentence news uses; together they pin down the contracts of the
components in ``kg.extract``. The yardstick run over ``tests/gold`` at the end measures the whole.
"""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kg.article import Article
from kg.extract import agreements, dates, entities, names, pipeline
from kg import naming
from kg.resolve import audit as resolve_audit, keys as resolve_keys
from kg.extract.pipeline import extract

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"


def run(text: str, published: date | None = None):
    return next(extract([Article.from_text(text, source="test", published=published)]))


def people(ex):
    return {e.name for e in ex.entities if e.kind == "Person"}


def orgs(ex):
    return {e.name: (e.parent.name if e.parent else None) for e in ex.entities if e.kind == "Organisation"}


def post_set(ex):
    return {(m.person.name, m.role, m.organisation.name if m.organisation else None) for m in ex.memberships}


@pytest.mark.parametrize("module", [names, dates, entities, agreements, pipeline, naming, resolve_keys, resolve_audit])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


# --- names and entities -------------------------------------------------------------------------

def test_apposition_role_of_unit_of_organisation():
    ex = run("Maria Okafor, Director of the Division of Water Sciences of the Global Hydrology Institute, opened the meeting.")
    assert ("Maria Okafor", "Director", "Division of Water Sciences of the Global Hydrology Institute") in post_set(ex)
    assert orgs(ex)["Division of Water Sciences of the Global Hydrology Institute"] == "Global Hydrology Institute"


def test_role_before_name_without_organisation_stays_without():
    ex = run("Senior Engineer Tomas Berg and Dr. Aiko Tanaka reviewed the design of the new dam in detail.")
    assert ("Tomas Berg", "Senior Engineer", None) in post_set(ex)
    assert "Aiko Tanaka" in people(ex)


def test_honorifics_are_split_from_names_and_kept():
    ex = run("H.E. Mr. Carlos Mendes met Prof. Dr. Lena Vogt in Geneva to discuss joint research on glaciers.")
    found = {e.name: e.honorific for e in ex.entities if e.kind == "Person"}
    assert found["Carlos Mendes"] == "H.E. Mr."
    assert found["Lena Vogt"] == "Prof. Dr."


def test_acronym_introduced_in_text_is_an_alias_of_the_full_name():
    ex = run("The Baltic Institute for Marine Studies (BIMS) hosted the talks. BIMS will publish a report on coastal erosion.")
    institute = next(e for e in ex.entities if e.name == "Baltic Institute for Marine Studies")
    assert "BIMS" in institute.aliases
    assert sum(1 for e in ex.entities if e.kind == "Organisation") == 1


def test_hereinafter_acronym_goes_to_the_organisation_it_spells():
    ex = run("The Office of the Andean Centre for Seismic Research under the auspices of UNESCO "
             "(hereinafter referred to as ACSR) met in Quito. ACSR thanked its partners for their support.")
    centre = next(e for e in ex.entities if e.name == "Andean Centre for Seismic Research")
    assert "ACSR" in centre.aliases
    assert "ACSR" not in next(e for e in ex.entities if e.name == "UNESCO").aliases


def test_unit_written_with_its_parent_in_front_is_one_entity_with_the_bare_unit():
    ex = run("The CERN Section for Detector Physics welcomed the group. Later the Section for Detector Physics "
             "presented its results to all visitors from the region.")
    units = [e for e in ex.entities if e.kind == "Organisation" and e.parent is not None]
    assert len(units) == 1 and units[0].parent.name == "CERN"


def test_two_institutions_joined_by_and_stay_two():
    ex = run("The Nordic Energy Agency and the Lisbon University of Technology signed a Memorandum of Understanding.")
    assert {"Nordic Energy Agency", "Lisbon University of Technology"} <= set(orgs(ex))


def test_and_inside_one_institutions_name_is_kept():
    ex = run("The Food and Agriculture Organization of the United Nations joined the Ministry of Science and Technology.")
    assert "Ministry of Science and Technology" in orgs(ex)
    assert any(name.startswith("Food and Agriculture Organization") for name in orgs(ex))


def test_rooms_are_places_not_dates_or_organisations():
    ex = run("The working meeting was held in Room 305 of the main building on 4 May 2022.")
    assert any(e.kind == "Place" and e.name.startswith("Room 305") for e in ex.entities)


def test_name_order_variants_and_surname_mentions_are_one_person():
    ex = run("Wei Zhang, President of the Northern Polytechnic University, welcomed the guests. "
             "Later Zhang Wei signed the visitors' book, and Dr. Zhang thanked everyone.")
    assert [e.name for e in ex.entities if e.kind == "Person"] == ["Wei Zhang"]


def test_two_people_sharing_a_surname_are_not_merged():
    ex = run("Li Na, Director of the Sino Water Institute, and Li Qiang, Engineer of the Sino Water Institute, attended.")
    assert {"Li Na", "Li Qiang"} <= people(ex)


def test_headings_in_capitals_are_not_organisations():
    ex = run("NEW MEMBERS\n\nThe Baltic Institute for Marine Studies admitted two members at its annual session in Riga.")
    assert "NEW MEMBERS" not in orgs(ex)


# --- posts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("Director-General of the Alpine Research Council, Anna Huber, opened the forum.",
     ("Anna Huber", "Director-General", "Alpine Research Council")),
    ("The Alpine Research Council's President Jonas Keller opened the forum.",
     ("Jonas Keller", "President", "Alpine Research Council")),
    ("Ravi Menon from the Coastal Observatory of Kerala presented the data to the committee.",
     ("Ravi Menon", None, "Coastal Observatory of Kerala")),
    ("The director of the Coastal Observatory of Kerala, Ravi Menon, presented the data.",
     ("Ravi Menon", "Director", "Coastal Observatory of Kerala")),
    ("The engineering work will be led by Omar Haddad, who heads the Membrane Technology Unit at the institute.",
     ("Omar Haddad", "Head", "Membrane Technology Unit")),
    ("The agreement was signed by the Rector of the Danube University of Applied Sciences, Prof. Eva Novak.",
     ("Eva Novak", "Rector", "Danube University of Applied Sciences")),
    ("The protocol was signed by NHI Director-General Karin Holm and BTU Rector Prof. Lars Vik.",
     ("Lars Vik", "Rector", "BTU")),
    ("A delegation of the Mongolian Institute of Soil Research (MISR), led by its Director, Dr. Bold Erdene, visited Hanoi.",
     ("Bold Erdene", "Director", "Mongolian Institute of Soil Research")),
    ("The delegation visited the Regional Office for Southern Africa, where it met Dr. Thabo Ndlovu, Hydrologist, "
     "and Ms. Lerato Moyo, Programme Specialist.",
     ("Lerato Moyo", "Programme Specialist", "Regional Office for Southern Africa")),
    ("She will brief the Rector of the Universidad de Los Valles, Dr. Tomás Rivas Soto, on the visit.",
     ("Tomás Rivas Soto", "Rector", "Universidad de Los Valles")),
    ("The Nordic Water Centre (NWC) marked the appointment of Dr. Eva Lund as its new Director-General.",
     ("Eva Lund", "Director-General", "Nordic Water Centre")),
    ("She succeeds Prof. Olav Berg, who has been appointed Vice-President of the Baltic Academy of Sciences.",
     ("Olav Berg", "Vice-President", "Baltic Academy of Sciences")),
    ("Dr. Eva Lund previously served as Deputy Director of the Nordic Water Centre and, before that, as Head of "
     "the Data Unit of the Baltic Academy of Sciences.",
     ("Eva Lund", "Head", "Data Unit of the Baltic Academy of Sciences")),
    ("A message was delivered by Prof. Ali Demir, Chair of the Alpine Research Council and President of the "
     "Eurasian Academy of Engineering.",
     ("Ali Demir", "President", "Eurasian Academy of Engineering")),
    ("The Minister of Science, Research and Innovation, Hon. Ama Owusu, MP, received the delegation. "
     "The Ministry of Science, Research and Innovation hosted the talks.",
     ("Ama Owusu", "Minister", "Ministry of Science, Research and Innovation")),
    ("The talks were held with Dr. Kofi Boateng, Minister of Water, Sanitation and Energy of the Republic of Ghana. "
     "The Ministry of Water, Sanitation and Energy will lead the project.",
     ("Kofi Boateng", "Minister", "Ministry of Water, Sanitation and Energy")),
])
def test_post_shapes(sentence, expected):
    assert expected in post_set(run(sentence))


def test_a_role_before_a_surname_picks_the_namesake_introduced_with_it():
    ex = run("Prof. LI Wen, Vice-President of the Alpine Research Council, and LI Hua, Director of its Data Office, "
             "met the guests. Vice-President Li welcomed them.")
    (wen,) = [e for e in ex.entities if e.name == "LI Wen"]
    assert len(wen.mentions) == 2
    assert ("LI Wen", "Vice-President", None) not in post_set(ex)  # the same post, already placed


def test_a_name_in_parentheses_after_an_organisation_is_another_name_of_it():
    ex = run("The forum was held at the Andes Technical University (Universidad Técnica de los Andes, ATU) in Quito. "
             "ATU hosted forty guests.")
    (atu,) = [e for e in ex.entities if e.name == "Andes Technical University"]
    assert {"Universidad Técnica de los Andes", "ATU"} <= atu.aliases
    assert "ATU" not in orgs(ex) and "Universidad Técnica de los Andes" not in orgs(ex)


def test_an_acronym_after_a_unit_of_a_parent_goes_to_the_parent_it_names():
    ex = run("Ana Lopes, Director of the Office of Partnerships of the Atlantic Institute of Geodata Sciences (AIGS), spoke. "
             "AIGS hosts the centre.")
    (unit,) = [e for e in ex.entities if e.name.startswith("Office of Partnerships")]
    assert "AIGS" not in unit.aliases and "AIGS" in unit.parent.aliases


def test_a_comma_inside_a_list_of_fields_stays_in_the_name_but_not_before_a_person():
    ex = run("The Ministry of Education, Culture and Sport of Ruritania hosted the forum. "
             "The Ministry of Health, Dr. Ana Silva and the Dean of the Faculty of Medicine met on 4 May 2023.")
    assert "Ministry of Education, Culture and Sport of Ruritania" in orgs(ex)
    assert "Ministry of Health" in orgs(ex) and "Ana Silva" in people(ex)


def test_member_of_an_unnamed_team_is_no_post():
    ex = run("The delegation included Sara Lind, member of the project team, and Ole Berg, Director of the Polar Data Centre.")
    assert all(m.person.name != "Sara Lind" for m in ex.memberships)


# --- dates ------------------------------------------------------------------------------------------

def test_yearless_dates_take_the_articles_year_and_ranges_are_ranges():
    found = dates.find_dates("From 3 to 5 March 2021 the board met. On 4 March it visited the lab.",
                             dates.article_year("From 3 to 5 March 2021 the board met.", None))
    assert [(d.start, d.end) for d in found] == [(date(2021, 3, 3), date(2021, 3, 5)), (date(2021, 3, 4), None)]


def test_weekdays_resolve_against_the_publication_date():
    found = dates.find_dates("The session was held on Tuesday in Nairobi.", 2022, published=date(2022, 12, 9))
    assert found[0].start == date(2022, 12, 6)


def test_month_only_dates_keep_their_precision():
    assert dates.find_dates("The centre opened in March 2021.")[0].start == "2021-03"


# --- events -----------------------------------------------------------------------------------------

def test_event_typed_dated_and_placed_from_its_sentence():
    ex = run("The workshop on flood forecasting was held in Room 12 of the Hydrology Building on 14 June 2022.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Workshop", date(2022, 6, 14))
    assert ev.place is not None and ev.place.name.startswith("Room 12")


def test_future_and_hypothetical_events_are_not_reported():
    ex = run("The two institutes will hold a symposium in 2025. They would conduct a video conference after the summer.")
    assert ex.events == []


def test_meeting_during_a_visit_is_part_of_it():
    ex = run("From 3 to 6 May 2022, a delegation of the Polar Data Centre visited the Arctic Institute in Tromsø. "
             "During the visit, the Director of the Arctic Institute, Nils Dahl, met with the delegation.")
    visit = next(e for e in ex.events if e.type == "Visit")
    meeting = next(e for e in ex.events if e.type == "Meeting")
    assert meeting.super_event is visit
    assert (visit.start, visit.end) == (date(2022, 5, 3), date(2022, 5, 6))


def test_the_same_afternoon_and_the_following_day_take_the_last_events_date():
    ex = run("On 17 May 2022, the delegation held a working meeting with the Arctic Institute in Tromsø.\n\n"
             "Dr. Sara Lind presented the data.\n\n"
             "On the same afternoon, the delegation visited the Polar Data Centre. "
             "The following day, the delegation visited the Tromsø Museum.")
    visits = sorted((e for e in ex.events if e.type == "Visit"), key=lambda e: e.start)
    assert [v.start for v in visits] == [date(2022, 5, 17), date(2022, 5, 18)]


def test_one_event_mentioned_twice_is_one_event():
    ex = run("The forum opened on 2 October 2023 in Dakar. The forum gathered 300 researchers from 20 countries.")
    assert [e.type for e in ex.events] == ["Forum"]
    assert len(ex.events[0].evidence) == 2


def test_background_events_long_before_the_article_are_events_with_their_own_dates():
    ex = run("On 8 November 2023 the two universities renewed their agreement at a ceremony in Accra. "
             "They first signed the agreement in Beijing in November 2019.")
    assert sorted(str(e.start) for e in ex.events) == ["2019-11", "2023-11-08"]
    assert {e.type for e in ex.events} == {"Signing"}


# --- agreements -------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, status", [
    ("The two sides discussed a draft Memorandum of Understanding on data sharing.", "UnderNegotiation"),
    ("They agreed to speed up the MoU-signing process.", "UnderNegotiation"),
    ("The Alpine Research Council and the Lisbon University of Technology will sign a Memorandum of Understanding next year.", "Planned"),
    ("The Alpine Research Council and the Lisbon University of Technology signed a Memorandum of Understanding on 3 May 2023.", "Signed"),
    ("The division recognised the continuity of the cooperation agreement between the two sides.", "InForce"),
    ("The Alpine Research Council and the Lisbon University of Technology renewed their cooperation agreement for five years.", "Renewed"),
    # in force: work under an agreement signed earlier, or said outright
    ("The course is the first activity carried out under the MoU signed by the two institutions in May 2021.", "InForce"),
    ("The institute works with the Delta Water Institute under a cooperation agreement signed in 2020.", "InForce"),
    ("The Board took note of the MoU with the university, in force since 2021, and asked the Secretariat to prepare its renewal.", "InForce"),
    # a signature recalled is still a signature
    ("He recalled that the two academies signed a cooperation agreement in June 2019.", "Signed"),
])
def test_agreement_status_from_the_wording(sentence, status):
    assert agreements.status_of(sentence) == status


def test_agreement_parties_between_named_sides():
    ex = run("On 3 May 2023 the Nordic Energy Agency signed a Memorandum of Understanding with the Lisbon University "
             "of Technology in the presence of the Portuguese Minister.")
    (ag,) = ex.agreements
    assert ag.type == "MemorandumOfUnderstanding" and ag.status == "Signed"
    assert {p.name for p in ag.parties} == {"Nordic Energy Agency", "Lisbon University of Technology"}


def test_the_two_sides_are_the_articles_two_organisations():
    ex = run("The Nordic Energy Agency received a delegation of the Lisbon University of Technology. The Nordic Energy "
             "Agency and the Lisbon University of Technology reviewed joint projects. The two sides discussed "
             "a draft cooperation agreement.")
    (ag,) = ex.agreements
    assert {p.name for p in ag.parties} == {"Nordic Energy Agency", "Lisbon University of Technology"}
    assert ag.status == "UnderNegotiation"


# --- the yardstick on the development gold ------------------------------------------------------------

@pytest.mark.skipif(not SCORE.exists(), reason="the yardstick ../shared/eval/score.py is not beside the project")
def test_yardstick_on_development_gold(tmp_path):
    kg = Path(sys.executable).parent / "kg"
    out = tmp_path / "score.json"
    golds = sorted(str(p) for p in (ROOT / "tests" / "gold").glob("*.json"))
    proc = subprocess.run([sys.executable, str(SCORE), "--kg", str(kg), "--corpus", "--json", str(out), *golds],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text())
    assert result["failures"] == {}
    f1 = {kind: row["F1"] for kind, row in result["total"].items()}
    # floors a little under what the rules reach today on the 50 development articles
    # (0.943 0.905 0.863 0.865 0.865, macro 0.888): a regression fails the build
    assert f1["people"] >= 0.93 and f1["organisations"] >= 0.89
    assert f1["posts"] >= 0.85 and f1["events"] >= 0.85 and f1["agreements"] >= 0.85
    assert sum(f1.values()) / len(f1) >= 0.87
    # the same entity across articles is one IRI, and no IRI stands for two entities
    for kind in ("people", "organisations"):
        merging = result["merging"][kind]
        assert merging["iris_per_entity"] <= 1.1 and merging["overmerged_iris"] == 0, (kind, merging)


def test_a_name_wrapped_onto_the_next_line_is_one_name():
    ex = run("On 3 May 2023 the Baltic Institute for Marine Studies and the Tallinn\nPolytechnic University signed\n"
             "a Memorandum of Understanding on coastal monitoring in Riga.")
    assert "Tallinn Polytechnic University" in orgs(ex)


def test_listed_members_of_a_board():
    ex = run("The Scientific Council of the Baltic Institute for Marine Studies met in Riga on 4 May 2022. "
             "Council members, i.e. Prof. Anna Kask, Dean of the Faculty of Science of Tartu University, "
             "and Dr. Peeter Tamm, reviewed the annual report.")
    posts_ = post_set(ex)
    members = {p for p, role, _ in posts_ if role == "Member"}
    assert members == {"Anna Kask", "Peeter Tamm"}
