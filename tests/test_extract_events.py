"""Events: which sentences report one, its type, date, place, attendees and a readable label.

All sentences are invented for these tests.
"""
from __future__ import annotations

from datetime import date

from kg.article import Article
from kg.extract.pipeline import extract


def run(text: str, published: date | None = None):
    return next(extract([Article.from_text(text, source="test", published=published)]))


def names(entities) -> set[str]:
    return {e.name for e in entities}


# --- background events are events, with their own dates and places -------------------------------

def test_an_agreement_signed_long_before_is_a_signing_with_its_own_date_and_place():
    ex = run("On 4 May 2023 the Lakeside Institute of Physics and the Boreal University renewed their cooperation agreement. "
             "The previous agreement was signed in Oslo on 3 May 2012.")
    signings = sorted((e for e in ex.events if e.type == "Signing"), key=lambda e: str(e.start))
    assert [str(e.start) for e in signings] == ["2012-05-03", "2023-05-04"]
    assert signings[0].place is not None and signings[0].place.name == "Oslo"


def test_a_dated_signing_told_in_passing_is_an_event():
    ex = run("The new accord replaces the first accord the two academies signed in Tallinn on 17 May 1998.",
             published=date(2024, 2, 1))
    (ev,) = ex.events
    assert (ev.type, ev.start, ev.place.name) == ("Signing", date(1998, 5, 17), "Tallinn")


def test_two_dated_agreements_in_one_sentence_are_two_signings():
    ex = run("The Minister recalled the Agreement between the Government of Norland and the Government of Sudria, "
             "signed in Vardo on 20 March 2005, and the Memorandum of Understanding on Fisheries, signed in Kessa "
             "on 14 July 2011.")
    assert sorted(str(e.start) for e in ex.events if e.type == "Signing") == ["2005-03-20", "2011-07-14"]


def test_an_undated_recalled_signing_is_not_an_event():
    ex = run("He recalled that the two universities had signed an agreement.")
    assert ex.events == []


# --- triggers -------------------------------------------------------------------------------------

def test_entered_into_an_mou_is_a_signing():
    ex = run("On 2 June 2022, the Coastal Seed Centre entered into an MoU with the Highland Agricultural Board.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Signing", date(2022, 6, 2))
    assert names(ev.attendees) == {"Coastal Seed Centre", "Highland Agricultural Board"}
    assert ev.label == "Signing of the MoU between Coastal Seed Centre and Highland Agricultural Board (2022-06-02)"


def test_inaugurated_a_laboratory_is_a_ceremony():
    ex = run("On 5 May 2023 the Rector of Marlow University inaugurated a laboratory for soil physics.")
    (ev,) = ex.events
    assert ev.type == "Ceremony"
    assert ev.label == "Inauguration of the laboratory for soil physics (2023-05-05)"


def test_the_highlight_was_the_signing_is_a_signing():
    ex = run("A delegation of the Fjord Marine Institute visited Dunmore University on 8 March 2023. "
             "The highlight of the visit was the signing of the cooperation accord.")
    assert {e.type for e in ex.events} == {"Visit", "Signing"}


def test_in_the_session_held_on_a_day_the_senate_agreed_is_a_session():
    ex = run("In the session held on 4 May 2023, the Senate of Lakeside University agreed to open a new faculty.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Session", date(2023, 5, 4))
    assert ev.label == "Session of the Senate of Lakeside University (2023-05-04)"


def test_a_dated_special_session_is_a_session_but_an_opening_session_is_not():
    ex = run("A special session on small island states was held on 13 October 2022. "
             "At the opening session on 12 October 2022, the chair welcomed the participants.")
    assert [(e.type, str(e.start)) for e in ex.events] == [("Session", "2022-10-13")]


# --- not events -----------------------------------------------------------------------------------

def test_cancelled_postponed_and_planned_meetings_did_not_happen():
    ex = run("The meeting of the steering board, which was to take place in Lima on 8 March 2024, has been cancelled. "
             "The workshop planned for 2 May 2024 in Quito has been postponed. "
             "A third workshop is planned in Cusco next year.")
    assert ex.events == []


# --- one event named again ------------------------------------------------------------------------

def test_the_ceremony_named_again_is_the_signing_and_adds_its_speaker():
    ex = run("On 8 November 2023, the Lakeside Institute and Marlow University renewed their MoU at a ceremony in "
             "the Senate Chamber. Speaking at the ceremony, Prof. Ada Kerr (member of the Presidium) praised the "
             "partnership.")
    (ev,) = ex.events
    assert ev.type == "Signing" and "Ada Kerr" in names(ev.attendees)


def test_the_meeting_named_again_is_the_session():
    ex = run("On 12 March 2024 the Presidium of the Andean Academy of Sciences held its session in Quito.\n\n"
             "Speaking at the meeting, Prof. Ana Lind (member of the Presidium) praised the glacier survey.")
    (ev,) = ex.events
    assert ev.type == "Session" and "Ana Lind" in names(ev.attendees)


# --- dates ----------------------------------------------------------------------------------------

def test_after_the_meeting_takes_the_meetings_date_and_people():
    ex = run("On 9 June 2023 Dr. Mira Holt, Rector of Lakeside University, met Prof. Ivo Marr, Rector of the "
             "Boreal Institute. After the meeting, the two rectors signed a cooperation protocol.")
    signing = next(e for e in ex.events if e.type == "Signing")
    assert signing.start == date(2023, 6, 9)
    assert {"Mira Holt", "Ivo Marr"} <= names(signing.attendees)


def test_the_second_day_of_a_visit_is_its_start_plus_one():
    ex = run("From 3 to 5 May 2022 a delegation of the Polar Data Centre visited the Arctic Institute. "
             "On the second day of the visit, the guests toured the ice core laboratory.")
    tour = [e for e in ex.events if e.type == "Visit" and e.end is None]
    assert [e.start for e in tour] == [date(2022, 5, 4)]


def test_note_lines_of_a_press_note_are_events_but_not_planned_ones():
    ex = run("PRESS NOTE\n\nVisit: 4-6 Feb 2025.\n\n- 5 Feb: MoU signing.\n\n- Return visit: planned, Oct 2025.")
    assert sorted((e.type, str(e.start)) for e in ex.events) == [("Signing", "2025-02-05"), ("Visit", "2025-02-04")]


# --- place and attendees --------------------------------------------------------------------------

def test_a_venue_in_lower_case_is_the_place():
    ex = run("On 12 July 2022, Dr. Lena Ott met Prof. Omar Bakri in the Vice-Chancellor's boardroom.")
    (ev,) = ex.events
    assert ev.place is not None and ev.place.name == "Vice-Chancellor's boardroom"


def test_a_visit_of_several_days_is_placed_in_its_city():
    ex = run("From 9 to 12 May 2022, a delegation of the Steppe Hydrology Institute visited the Coastal Data "
             "Centre in Port Elara.")
    (ev,) = ex.events
    assert ev.place is not None and ev.place.name == "Port Elara"


def test_the_organisation_of_a_participants_post_takes_part_but_not_a_unit():
    ex = run("On 3 March 2024, Prof. Ivo Marr, Rector of Dunmore University, met Dr. Lena Ott, Dean of the "
             "Faculty of Law of Marlow University.")
    (ev,) = ex.events
    assert "Dunmore University" in names(ev.attendees)
    assert "Faculty of Law of Marlow University" not in names(ev.attendees)


# --- labels ---------------------------------------------------------------------------------------

def test_visit_label_names_visitor_place_and_date():
    ex = run("On 24 January 2022 a delegation of the Geoinformation Academy visited the Andean Polytechnic University.")
    (ev,) = ex.events
    assert ev.label == "Visit of the Geoinformation Academy delegation to Andean Polytechnic University (2022-01-24)"


def test_meeting_label_names_both_sides_not_a_cut_sentence():
    ex = run("On 11 September 2023, Prof. Kemal Arslan, Vice President of the Lakeside Academy, met with a "
             "delegation led by Prof. Nia Obi.")
    (ev,) = ex.events
    assert ev.label == "Meeting of Kemal Arslan with Nia Obi (2023-09-11)"


def test_workshop_label_gives_its_topic():
    ex = run("A workshop on harmonising soil laboratory methods was held on 10 November 2022.")
    (ev,) = ex.events
    assert ev.label == "Workshop on harmonising soil laboratory methods (2022-11-10)"


def test_a_named_event_keeps_its_name():
    ex = run("The Regional Forum on Flood Early Warning was held on 4 June 2022 in Nairobi.")
    (ev,) = ex.events
    assert ev.label == "Regional Forum on Flood Early Warning (2022-06-04)"


# --- datelines and dates of one's own -------------------------------------------------------------

def test_a_dateline_or_a_page_chrome_date_is_no_events_date():
    from kg.extract.dates import find_dates
    text = ("NEWS | Posted on 10 January 2024\n\nKestrel, 9 January 2024: The Dunmore Institute signed an MoU with "
            "Marlow University on 8 January 2024.")
    assert [d.dateline for d in find_dates(text)] == [True, True, False]
    (ev,) = run(text).events
    assert ev.start == date(2024, 1, 8)


def test_each_event_of_a_sentence_takes_the_date_of_its_own_phrase():
    ex = run("The visit of the Chilean delegation to Norway from 1 to 4 March 2023 also included a workshop on "
             "1 March and a visit to the research station in Austevoll on 3 March.")
    got = sorted((e.type, str(e.start), str(e.end)) for e in ex.events)
    assert got == [("Visit", "2023-03-01", "2023-03-04"), ("Visit", "2023-03-03", "None"),
                   ("Workshop", "2023-03-01", "None")]


def test_a_venue_toured_is_the_visits_place():
    ex = run("On 1 October 2024, the Ambassador of Norland toured the long-term storage facility.")
    (ev,) = ex.events
    assert ev.type == "Visit" and ev.place is not None and ev.place.name == "long-term storage facility"


def test_people_named_later_without_an_event_of_their_own_took_part_in_the_lead_event():
    ex = run("On 6 December 2022, the Governing Board of the Fjord Water Centre held its Sixth Session in Bergen.\n\n"
             "Prof. Lars Vik, Chair of the Board, opened the discussion.\n\n"
             "Dr. Mona Aas presented the work plan for 2023.")
    (ev,) = ex.events
    assert {"Lars Vik", "Mona Aas"} <= names(ev.attendees)


def test_a_dateline_with_a_wire_name_is_the_articles_date():
    from kg.extract.dates import find_dates
    found = find_dates("KESTREL, 14 March 2024 (Fjord Wire) – The two institutes met on 13 March 2024.")
    assert [(d.text, d.dateline) for d in found] == [("14 March 2024", True), ("13 March 2024", False)]


def test_a_venue_that_holds_a_named_place_is_told_by_that_place():
    ex = run("From 11 to 13 July 2022 the Lakeside University hosted a regional workshop on flood warning at its main campus in Kisumu.")
    [workshop] = [e for e in ex.events if e.type == "Workshop"]
    assert workshop.place is not None and workshop.place.name == "Kisumu"


# --- round 2: bare years, "of" nouns, guests received, signings told as new --------------------------

def test_a_bare_year_after_the_event_verb_dates_a_background_signing():
    ex = run("The Quillon Marine Institute and the Tarvos University signed a cooperation accord in 2016.",
             published=date(2024, 3, 1))
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Signing", "2016")
    assert ev.label.endswith("(2016)")


def test_a_bare_year_is_not_taken_from_a_span_a_plan_or_another_clause():
    from kg.extract.dates import find_dates
    assert [d.text for d in find_dates("The 2021–2025 plan of the board, adopted in 2020-21, and the 2019 report.")] == []
    ex = run("The Ostrava Soil Institute, founded in 1987, hosted the delegation of the Merrow University on 2 May 2024.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Meeting", date(2024, 5, 2))


def test_a_bare_year_does_not_become_the_article_date():
    from kg.extract.dates import article_year
    assert article_year("They first met in 2009. On 4 June 2023 the two institutes signed an MoU.", None) == 2023


def test_signed_in_one_year_and_renewed_in_another_are_two_signings():
    ex = run("The accord between the Pellham Institute and the Drava Academy was first signed in Zadar in 2010 "
             "and renewed once, in 2017.", published=date(2024, 3, 1))
    assert sorted(str(e.start) for e in ex.events if e.type == "Signing") == ["2010", "2017"]


def test_a_recalled_visit_with_a_year_is_an_event():
    ex = run("The Rector recalled her first visit to the Tindra Polar Observatory in 2012.", published=date(2024, 3, 1))
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Visit", "2012")


def test_the_opening_of_a_laboratory_is_a_ceremony_but_the_opening_of_a_forum_is_not():
    ex = run("The opening of the new isotope laboratory of the Vellan Institute of Geochemistry took place on 8 May 2024.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Ceremony", date(2024, 5, 8))
    assert ev.label.startswith("Opening of the new isotope laboratory")
    ex = run("The opening of the forum on 3 May 2024 was marked by a speech.")
    assert all(e.type != "Ceremony" for e in ex.events)


def test_received_hosted_and_welcomed_a_named_guest_are_meetings():
    ex = run("On 12 March 2024, the Minister of Research, Oona Kettu, received Ambassador Rafael Duarte at the ministry.")
    (ev,) = ex.events
    assert (ev.type, ev.start) == ("Meeting", date(2024, 3, 12))
    assert names(ev.attendees) >= {"Oona Kettu", "Rafael Duarte"}
    assert ev.label == "Meeting of Oona Kettu with Rafael Duarte (2024-03-12)"
    ex = run("On 13 March 2024, Dr. Ines Varga welcomed a group of researchers from the Brackwater University.")
    (ev,) = ex.events
    assert ev.type == "Meeting" and "Brackwater University" in names(ev.attendees)


def test_received_a_grant_or_welcomed_a_decision_is_no_meeting():
    ex = run("On 14 March 2024, the Lumen Institute received a grant and the Rector welcomed the decision.")
    assert ex.events == []


def test_a_meeting_label_names_the_two_people_who_met():
    ex = run("On 9 April 2024, Professor Aino Salo, Rector of the Kivi University, held talks with "
             "Dr. Tariq Nasser, President of the Oasis Academy of Sciences.")
    (ev,) = ex.events
    assert ev.label == "Meeting of Aino Salo with Tariq Nasser (2024-04-09)"


def test_a_signing_told_as_new_in_a_clause_of_recall_is_another_signing():
    ex = run("After the talks on 2 May 2024, the protocol was signed by the two rectors.\n\n"
             "We recall that our university and the Corvin Agency signed a research agreement in 2020.",
             published=date(2024, 5, 10))
    assert sorted(str(e.start) for e in ex.events if e.type == "Signing") == ["2020", "2024-05-02"]


def test_the_headline_event_is_the_event_the_body_dates():
    ex = run("Delegation of the Marren University visited the Ystad Institute\n\n"
             "A delegation of the Marren University visited the Ystad Institute from 3 to 5 April 2024.")
    (ev,) = [e for e in ex.events if e.type == "Visit"]
    assert (ev.start, ev.end) == (date(2024, 4, 3), date(2024, 4, 5))


def test_the_highlight_of_a_meeting_takes_its_date():
    ex = run("On 6 June 2024 the Rector of the Solberg University met the delegation of the Pirin Institute. "
             "The highlight of the meeting was the signing of a cooperation protocol.")
    signing = next(e for e in ex.events if e.type == "Signing")
    assert signing.start == date(2024, 6, 6)


def test_the_items_of_a_visit_programme_are_events_of_that_visit():
    ex = run("From 10 to 12 June 2024, a delegation of the Fjellby University visited the Oakmere Academy of Sciences. "
             "The programme included a workshop on soil carbon, a tour of the laboratories and a meeting with "
             "the Academy's President, Professor Jonas Kettil.")
    visit = next(e for e in ex.events if e.type == "Visit" and e.end is not None)
    parts = [e for e in ex.events if e.super_event is visit]
    assert sorted(e.type for e in parts) == ["Meeting", "Visit", "Workshop"]
    assert all("Fjellby University" in names(e.attendees) for e in parts)
    assert "Tour of the laboratories" in {e.label for e in parts}


def test_concluded_its_stay_with_a_visit_is_a_visit():
    ex = run("The delegation concluded its stay with a visit to the Morrow Seed Bank on 12 May 2024.")
    (ev,) = ex.events
    assert (ev.type, ev.start, ev.place.name) == ("Visit", date(2024, 5, 12), "Morrow Seed Bank")


def test_welcoming_the_guest_after_the_meeting_is_told_is_the_same_meeting():
    ex = run("On 2 October 2024, Professor Hanna Lind, Rector of the Sorvik University, met Ambassador Kofi Mensah "
             "at the rectorate. Professor Lind welcomed the Ambassador and presented the university.")
    assert [e.type for e in ex.events] == ["Meeting"]


def test_a_definite_ceremony_is_not_a_signing_recalled_in_passing():
    ex = run("On 3 March 2024 the Tarn Institute opened a new laboratory at a ceremony. The institute works with the "
             "Nile Delta Institute under an agreement signed in 2020.\n\n"
             "After the ceremony, the guests toured the new laboratory.", published=date(2024, 3, 10))
    tour = next(e for e in ex.events if e.type == "Visit")
    assert tour.start == date(2024, 3, 3)


def test_the_visit_of_a_delegation_to_an_institute_is_placed_there():
    ex = run("The visit of the delegation of the Corrin University to the Halvard Institute of Chemistry "
             "took place on 12 March 2024.")
    (ev,) = ex.events
    assert (ev.type, ev.start, ev.place.name) == ("Visit", date(2024, 3, 12), "Halvard Institute of Chemistry")


def test_a_person_who_paid_a_visit_is_the_visitor_in_the_label():
    ex = run("The Rector of the Marra University, Professor Anton Zeller, paid a working visit to the Quist Institute "
             "on 11 April 2024.")
    (ev,) = ex.events
    assert ev.label == "Visit of Anton Zeller to Quist Institute (2024-04-11)"


def test_a_summit_and_a_hackathon_are_events():
    ex = run("A hackathon on ocean data was organised by the Brinley Institute on 12 April 2024. "
             "Its researchers attended the annual summit of the network in Riga on 18 April 2024.")
    assert [(e.type, str(e.start)) for e in ex.events] == [("Workshop", "2024-04-12"), ("Conference", "2024-04-18")]


def test_before_the_signing_means_the_articles_signing_not_a_recalled_one():
    ex = run("On 10 February 2025 the Selkirk University and the Varda Institute signed an MoU in Doha.\n\n"
             "An earlier research contract between the Selkirk University and the Orm Company, concluded in 2021, "
             "was completed last year.\n\n"
             "Before the signing, the delegation of the Varda Institute held talks with the "
             "Centre for Water Studies.", published=date(2025, 2, 12))
    talks = next(e for e in ex.events if e.type == "Meeting")
    assert talks.start == date(2025, 2, 10)


def test_an_agreement_signed_by_others_in_the_same_story_is_another_signing():
    ex = run("On 25 September 2023 the Tarsk Academy of Sciences and the Oyun Academy of Sciences signed an agreement "
             "on scientific cooperation. Then Dr. Vera Sokol and Dr. Bat Erdene signed an agreement on joint "
             "expeditions between the Institute of Lakes and the Institute of Steppe Soils.")
    signings = [e for e in ex.events if e.type == "Signing"]
    assert len(signings) == 2
    assert {"Institute of Lakes", "Institute of Steppe Soils"} <= names(signings[1].attendees)
    assert signings[1].start == date(2023, 9, 25)


def test_the_agreement_a_new_one_replaces_has_the_same_parties_and_its_own_date():
    ex = run("On 2 June 2024 the Vltava Research Council and the Oder Science Fund signed a new cooperation agreement. "
             "It replaces the cooperation agreement the two councils concluded in Brno on 14 April 2016.")
    old = next(e for e in ex.events if str(e.start) == "2016-04-14")
    assert old.type == "Signing"
    assert names(old.attendees) == {"Vltava Research Council", "Oder Science Fund"}


def test_a_visit_named_again_with_the_visitors_name_is_the_same_visit():
    ex = run("On 3 May 2024, Dr. Lena Ruud visited the Tallis Institute of Physics. "
             "Dr. Ruud's visit strengthened the ties between the two institutes.")
    assert [e.type for e in ex.events] == ["Visit"]


def test_welcoming_what_a_person_did_is_no_meeting():
    ex = run("On 5 March 2024 the Senate welcomed the initiative of Professor Ivo Marrin.")
    assert ex.events == []


def test_at_the_end_of_the_talks_takes_the_date_of_the_talks():
    ex = run("On 21 February 2024 the Minister of Research, Dr. Ama Boateng, held talks with Dr. Lars Eide, "
             "Minister of Education of Norland.\n\n"
             "At the end of the talks the two Ministers signed an agreement on research funding.")
    signing = next(e for e in ex.events if e.type == "Signing")
    assert signing.start == date(2024, 2, 21)


def test_a_second_dated_signing_in_a_side_clause_of_the_same_sentence_is_its_own_event():
    ex = run("The Board took note of the host agreement between the Network and the Government of Sudria, signed in "
             "2009, and welcomed the new letter of agreement with the Valdor Water Board, signed on 10 June 2024 "
             "by Ama Osei and Lena Berg.", published=date(2024, 6, 20))
    assert sorted(str(e.start) for e in ex.events if e.type == "Signing") == ["2009", "2024-06-10"]
