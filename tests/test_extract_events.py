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
