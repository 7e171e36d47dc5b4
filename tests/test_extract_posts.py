"""Posts (kg:Membership) from the shapes real news uses, on invented sentences.

One behaviour per test; the patterns themselves are data (src/kg/extract/patterns/posts*.jsonl).
"""
from __future__ import annotations

from kg.article import Article
from kg.extract import posts
from kg.extract.pipeline import extract


def run(text: str):
    return next(extract([Article.from_text(text, source="test")]))


def post_set(text: str) -> set[tuple[str, str | None, str | None]]:
    ex = run(text)
    return {(m.person.name, m.role, m.organisation.name if m.organisation else None) for m in ex.memberships}


def test_patterns_load_and_expand():
    main, chain, hosts = posts._patterns()
    assert {"appos_role_comma_org", "shared_org", "paren_role_of_org"} <= {p["name"] for p in main}
    assert chain and hosts


def test_lowercase_role_comma_organisation():
    got = post_set("Also present were Mr. Tomasz Herrera, registrar, Lakeside Polytechnic Institute; "
                   "and Dr. Ines Moravec, Deputy Director (Research), Lakeside Polytechnic Institute.")
    assert ("Tomasz Herrera", "Registrar", "Lakeside Polytechnic Institute") in got
    assert ("Ines Moravec", "Deputy Director (Research)", "Lakeside Polytechnic Institute") in got
    # the role with its portfolio, not a second bare "Deputy Director"
    assert not any(p == "Ines Moravec" and r == "Deputy Director" for p, r, _ in got)


def test_lowercase_role_of_organisation_in_apposition():
    got = post_set("The plan was presented by Dr. Oskar Lindgren, a senior lecturer at the Baltic Institute of Hydrology.")
    assert ("Oskar Lindgren", "Senior Lecturer", "Baltic Institute of Hydrology") in got


def test_role_in_parentheses_then_chain():
    got = post_set("The guests included Prof. Mirela Kostadinova (Corresponding Member of the Danube Academy of Sciences), "
                   "Director of the Institute of Soil Physics, who spoke first.")
    assert ("Mirela Kostadinova", "Corresponding Member", "Danube Academy of Sciences") in got
    assert ("Mirela Kostadinova", "Director", "Institute of Soil Physics") in got


def test_shared_organisation_at_the_end():
    got = post_set("The visitors met Prof. Anton Weber, Dean, and Dr. Lucia Ferri, Vice-Dean, of the Faculty of Marine Sciences.")
    assert ("Anton Weber", "Dean", "Faculty of Marine Sciences") in got
    assert ("Lucia Ferri", "Vice-Dean", "Faculty of Marine Sciences") in got


def test_dash_role_of_organisation():
    got = post_set("The rectors signed the accord: Mikael Holm – rector of the University of Nordvik – spoke first.")
    assert ("Mikael Holm", "Rector", "University of Nordvik") in got


def test_anaphoric_organisation_the_institute():
    got = post_set("The delegation visited the Coastal Research Institute in Varna. "
                   "They were received by Dr. Petar Zlatev, deputy director of the institute.")
    assert ("Petar Zlatev", "Deputy Director", "Coastal Research Institute") in got


def test_possessive_lowercase_role_before_the_name():
    got = post_set("The Orinoco Water Agency hosted the meeting. The agency's chief engineer, Carla Mendoza, opened it.")
    assert ("Carla Mendoza", "Chief Engineer", "Orinoco Water Agency") in got


def test_whose_role_and_lowercase_title():
    got = post_set("The work falls under the Centre for Dryland Studies, whose head, associate professor Imani Kariuki, "
                   "leads the field team.")
    assert ("Imani Kariuki", "Head", "Centre for Dryland Studies") in got
    assert ("Imani Kariuki", "Associate Professor", None) in got


def test_role_of_organisation_then_name_without_comma():
    got = post_set("In the meeting, vice rector Prof. Dr. Deniz Arslan, dean of Faculty of Forestry Prof. Dr. Cem Yildiz "
                   "and other staff were present.")
    assert ("Cem Yildiz", "Dean", "Faculty of Forestry") in got
    assert ("Deniz Arslan", "Dean", "Faculty of Forestry") not in got


def test_host_organisation_for_roles_given_alone():
    got = post_set("From the Tamil Nadu Institute of Ocean Studies, Dr. Ravi Kannan, Registrar, and Dr. Mala Iyer, "
                   "Dean (Academics), were present.")
    assert ("Ravi Kannan", "Registrar", "Tamil Nadu Institute of Ocean Studies") in got


def test_former_post_is_no_post():
    got = post_set("The first accord was signed by Dr. Hugo Lenz, then director of the Alpine Glacier Institute.")
    assert not any(p == "Hugo Lenz" for p, _, _ in got)


def test_second_role_in_a_chain():
    got = post_set("Dr. Sofia Marquez, Chair of the Board of the Andean Geology Network, Vice-President of the Academy of "
                   "Sciences of Quito, opened the session.")
    assert ("Sofia Marquez", "Vice-President", "Academy of Sciences of Quito") in got


def test_drop_subsumed_keeps_other_posts():
    got = post_set("Dr. Lin Ma, Deputy Director-General of the Eastern Centre for Water Studies, and Dr. Lin Ma, "
                   "Director-General of the Eastern Centre for Water Studies, met.")
    roles = {r for p, r, _ in got if p == "Lin Ma"}
    assert {"Deputy Director-General", "Director-General"} <= roles


def test_representing_an_organisation_is_a_post_without_role():
    got = post_set("Observers included Ms. Greta Lund, representing the Water Board of the Fjell Region, and others.")
    assert ("Greta Lund", None, "Water Board of the Fjell Region") in got


def test_role_naming_its_institution_resolves_to_it():
    got = post_set("The workshop was organised by the Andes Seed Network in Quito. "
                   "The network coordinator, Dr. Pablo Ruiz, opened it.")
    assert ("Pablo Ruiz", "Network Coordinator", "Andes Seed Network") in got


def test_role_with_a_field_in_parentheses_list():
    got = post_set("Guests also included Ms. Hanna Meier (Head of Programmes, Alpine Development Office in Bern).")
    assert ("Hanna Meier", "Head of Programmes", "Alpine Development Office in Bern") in got


def test_its_role_without_comma():
    got = post_set("Kestrel Robotics Corporation was represented by its CTO Tomas Havel.")
    assert ("Tomas Havel", "CTO", "Kestrel Robotics Corporation") in got


def test_role_of_the_next_person_in_a_list_of_signatories():
    got = post_set("It was signed by the Rector of Lindell University, Prof. Maja Ek, the Rector of the University of "
                   "the Tagus Valley, Prof. Rui Tavora, and others.")
    assert ("Maja Ek", "Rector", "Lindell University") in got
    assert ("Rui Tavora", "Rector", "University of the Tagus Valley") in got
    assert ("Maja Ek", "Rector", "University of the Tagus Valley") not in got


def test_role_comma_org_wins_over_sentence_host():
    got = post_set("Signatories: Dr. Amal Rao, Director, Konkan Institute of Ocean Studies; Prof. Ken Sato, President, "
                   "Hokkaido Marine University.")
    assert ("Ken Sato", "President", "Hokkaido Marine University") in got
    assert ("Ken Sato", "President", "Konkan Institute of Ocean Studies") not in got


def test_head_of_a_unit_named_with_a_possessive():
    got = post_set("She was joined by Dr. Lia Costa, Head of the Cerrado Institute's Directorate of International Relations.")
    assert ("Lia Costa", "Head", "Directorate of International Relations") in got


def test_person_then_possessive_organisation_role():
    got = post_set("Speaking at the ceremony, Prof. Amani Njoroge, KUT's Deputy Vice-Chancellor (Research), recalled the start.")
    assert ("Amani Njoroge", "Deputy Vice-Chancellor (Research)", "KUT") in got


def test_host_where():
    got = post_set("The guests visited the Institute of Polar Geodesy, where Dr. Ivo Brand, Associate Professor, presented images.")
    assert ("Ivo Brand", "Associate Professor", "Institute of Polar Geodesy") in got


def test_posts_held_until_a_year_or_then_held_are_no_posts():
    got = post_set("Dr. Piet Maas, Dean of the Faculty of Law until 2019, spoke. The first MoU was signed in 2012 by "
                   "the then Director of the Lake Research Institute, Dr. Amos Kibet.")
    assert not any(p in ("Piet Maas", "Amos Kibet") for p, _, _ in got)


def test_lowercase_org_acronym_role():
    got = post_set("The report was presented by Mr. Kwame Bediako, the NRA president, at the session.")
    assert ("Kwame Bediako", "President", "NRA") in got


def test_lowercase_field_of_a_role_before_at_organisation():
    got = post_set("The plan was presented by Dr. Ana Reyes, professor of marine biology at the University of Valparaiso Norte.")
    assert ("Ana Reyes", "Professor of Marine Biology", "University of Valparaiso Norte") in got


def test_its_role_is_the_nearest_organisation_before():
    got = post_set("The Ministry thanked the Department of Science and Technology, under the leadership of its Director, "
                   "Mr. Bwalya Mumba, for the preparations.")
    assert ("Bwalya Mumba", "Director", "Department of Science and Technology") in got


def test_organisation_then_lowercase_role_then_name():
    got = post_set("On 5 May there was a meeting with the Lakeside Board of Trustees chair Dr. Ines Varga.")
    assert ("Ines Varga", "Chair", "Lakeside Board of Trustees") in got


def test_who_serves_as_role_of_organisation():
    got = post_set("Dr. Lucia Brandt, who also serves as Vice-Chair of the Alpine Hydrology Network, joined. "
                   "Dr. Omar Said, who was director of the Nile Delta Institute, retired.")
    assert ("Lucia Brandt", "Vice-Chair", "Alpine Hydrology Network") in got
    assert not any(p == "Omar Said" for p, _, _ in got)


def test_ambassador_of_a_country_has_a_post_without_organisation():
    got = post_set("The Minister received the Ambassador of the Republic of Ruritania to Montenegro, with residence in "
                   "Belgrade, H.E. Mr. Arvid Kessel.")
    assert ("Arvid Kessel", "Ambassador", None) in got


# ---------------------------------------------------------------- round 2: posts from the dependency parse


def test_parse_lowercase_role_from_organisation():
    got = post_set("Dr. Kemi Adeyemi, an agronomist from the Savanna Crops Institute, described the trials.")
    assert ("Kemi Adeyemi", "Agronomist", "Savanna Crops Institute") in got


def test_parse_role_of_the_anaphoric_unit():
    got = post_set("The team toured the Baobab Field Station near Kayes. "
                   "Amara Diallo, head of the station, showed them the seed bank.")
    assert ("Amara Diallo", "Head", "Baobab Field Station") in got


def test_title_before_name_organisation_after_name():
    got = post_set("Pro-Rector Jonas Vilkas of the Klaipeda Maritime Academy opened the session.")
    assert ("Jonas Vilkas", "Pro-Rector", "Klaipeda Maritime Academy") in got
    assert not any(r is None for p, r, _ in got if p == "Jonas Vilkas")


def test_who_is_also_role_with_field_at_organisation():
    got = post_set("Dr. Ines Falk, who is also director of research at the Elbe Institute of Ecology, chaired the panel.")
    assert ("Ines Falk", "Director of Research", "Elbe Institute of Ecology") in got


def test_head_of_possessive_department():
    got = post_set("Prof. Omar Haddad, head of Lakeside University's chemistry department, and Pro-Rector Jonas Vilkas "
                   "of the Klaipeda Maritime Academy opened the event.")
    assert ("Omar Haddad", "Head", "Lakeside University") in got
    # the possessive belongs to Haddad's apposition, not to the next person's title
    assert ("Jonas Vilkas", "Pro-Rector", "Lakeside University") not in got


def test_organisation_opening_the_sentence_hosts_roles_given_alone():
    got = post_set("At the Caspian University of Technology, the visitors toured two laboratories, and "
                   "Prof. Kari Lund, the dean of engineering, welcomed them.")
    assert ("Kari Lund", "Dean of Engineering", "Caspian University of Technology") in got


def test_degree_after_name_does_not_cut_the_apposition():
    got = post_set("The MoU was signed by TANAKA Hiroshi, Dr. Eng., President of the Kiso Institute of Technology, and "
                   "Dr. Lena Holt, Ph.D., director of the Fjord Coastal Institute.")
    assert ("TANAKA Hiroshi", "President", "Kiso Institute of Technology") in got
    assert ("Lena Holt", "Director", "Fjord Coastal Institute") in got


def test_coordinated_people_keep_their_own_appositions():
    got = post_set("From the Lombok Marine University, Dr. Wayan Sudarma, Vice Rector for Cooperation, and "
                   "Bapak Made Sutrisno, M.Eng., head of the Lombok Marine University International Office, joined.")
    assert ("Made Sutrisno", "Head", "Lombok Marine University International Office") in got
    assert not any(p == "Wayan Sudarma" and r == "Head" for p, r, _ in got)


def test_contact_lines_a_line_break_ends_the_post():
    got = post_set("Contacts:\nIng. Petra Horakova, Ph.D., Head of the Unit of Regional Programmes\n"
                   "Dr. Milan Sykora, programme officer for Slovak cooperation\n")
    assert ("Petra Horakova", "Head", "Unit of Regional Programmes") in got
    assert not any(p == "Milan Sykora" and r == "Head" for p, r, _ in got)


def test_former_role_and_now_role():
    got = post_set("The advisory board will be chaired by Ms Ivana Horvat, former State Secretary and now Director of "
                   "the Sava Basin Institute.")
    assert ("Ivana Horvat", "Director", "Sava Basin Institute") in got
    assert not any(r == "State Secretary" for p, r, _ in got)


def test_post_then_second_title_then_name():
    got = post_set("The guests were Scientific Secretary of the Presidium of the Ural Academy of Sciences, Corresponding "
                   "Member of the Ural Academy of Sciences Oleg Petrovich Sannikov; and others.")
    assert ("Oleg Petrovich Sannikov", "Scientific Secretary", "Presidium of the Ural Academy of Sciences") in got
    assert ("Oleg Petrovich Sannikov", "Corresponding Member", "Ural Academy of Sciences") in got


def test_role_of_organisation_with_acronym_then_name():
    got = post_set("The talks were chaired by the President of the Sahel Grain Institute (SGI), Dr. Selma Okoro.")
    assert ("Selma Okoro", "President", "Sahel Grain Institute") in got


def test_its_role_after_the_name():
    got = post_set("The Ethiopian side was represented by Dr. Abebe Kebede, Director General of the Ethiopian Space "
                   "Science Institute, and Ms. Hanna Alemu, its deputy director.")
    assert ("Hanna Alemu", "Deputy Director", "Ethiopian Space Science Institute") in got


def test_attending_from_hosts_a_list_of_roles():
    got = post_set("Attending from the Kiso Institute of Technology were Dr. Ken Mori, Trustee (Finance); "
                   "Dr. Aya Ito, Professor Emeritus; and Dr. Ren Sato, Dean of the Graduate School of Forestry.")
    assert ("Aya Ito", "Professor Emeritus", "Kiso Institute of Technology") in got
    assert ("Ren Sato", "Dean", "Graduate School of Forestry") in got


def test_roles_given_alone_then_both_of_one_organisation():
    got = post_set("The delegation comprised Prof. Jane Wambui, vice-chancellor, and Dr. Peter Otieno, registrar, "
                   "both of Rift Valley University.")
    assert ("Jane Wambui", "Vice-Chancellor", "Rift Valley University") in got
    assert ("Peter Otieno", "Registrar", "Rift Valley University") in got


def test_bare_institution_word_is_the_organisation_named_before():
    got = post_set("A session of the Presidium of the Academy of Sciences of Atlantis was held on 3 May. "
                   "Academician Iris Vane (Vice-President of the Academy) opened it.")
    assert ("Iris Vane", "Vice-President", "Academy of Sciences of Atlantis") in got


def test_present_copula_gives_a_post_past_does_not():
    got = post_set("Dr. Sara Levi is a senior researcher with the Galilee Water Institute. "
                   "Dr. Omar Said was director of the Nile Delta Institute.")
    assert ("Sara Levi", "Senior Researcher", "Galilee Water Institute") in got
    assert not any(p == "Omar Said" for p, _, _ in got)


def test_who_heads_a_field_at_an_organisation():
    got = post_set("Nadia Rahman, who heads research at the Bengal Delta Institute, joined the call.")
    assert ("Nadia Rahman", "Head", "Bengal Delta Institute") in got


def test_untranslated_spanish_titles_are_roles():
    got = post_set("Also present were Ing. Julián Ortiz Rueda, Decano, and Dra. Yesenia Parra Pinilla, Vicedecana, of the "
                   "Faculty of Engineering of the Magdalena Valley University.")
    assert ("Julián Ortiz Rueda", "Decano", "Faculty of Engineering of the Magdalena Valley University") in got
    assert ("Yesenia Parra Pinilla", "Vicedecana", "Faculty of Engineering of the Magdalena Valley University") in got


def test_a_role_on_an_organisations_topic_is_a_post_in_that_organisation():
    found = post_set("They met Ana Lind, Director of the Division of Polar Sciences, and Omar Haddad, Programme Specialist "
                  "on WMO’s ICE projects, and other staff of the division.")
    assert ("Omar Haddad", "Programme Specialist", "WMO") in found
