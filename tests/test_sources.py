"""kg.sources: every format read correctly, raw page copies cleaned, bad input reported."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
from kg.article import Article, ReadError
from kg.sources import read
from kg.sources.checks import check_english
from kg.sources.page import clean_page
from kg.sources.text import read_text

FIX = ROOT / "tests" / "fixtures" / "sources"
FORMATS = FIX / "formats"
PAGES = FIX / "pages"

ENGLISH = (
    "The Chinese Academy of Sciences and the University of Nairobi signed a memorandum of "
    "understanding on 3 May 2021 in Nairobi to set up a joint centre for research on water "
    "and climate in East Africa."
)


def one(path: Path | str, **kw) -> Article:
    results = list(read([path], **kw))
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


def articles(path: Path | str) -> list[Article]:
    results = list(read([path]))
    assert all(isinstance(r, Article) for r in results), results
    return results  # type: ignore[return-value]


# --- formats -------------------------------------------------------------------------------

def test_markdown_front_matter():
    a = one(FORMATS / "front_matter.md")
    assert a.title == "IKCEST and UNESCO hold symposium on disaster risk reduction"
    assert a.url == "https://example.org/news/ikcest-drr-symposium"
    assert a.published == date(2018, 11, 5)
    assert a.publisher == "IKCEST News"
    assert a.text.startswith("The second International Symposium")
    assert a.text.endswith("in disaster risk reduction.")
    assert "“big data”" in a.text  # curly quotes untouched
    assert "\n\nMore than eighty" in a.text  # paragraph break kept
    assert a.id == Article.make_id(a.text, a.url)


def test_markdown_heading_is_title():
    a = one(FORMATS / "heading.md")
    assert a.title == "Mongolia and China sign agreement on desert research"
    assert a.text.startswith("The Mongolian Academy of Sciences")
    assert a.url is None and a.published is None
    assert a.id == Article.make_id(a.text)


def test_html():
    a = one(FORMATS / "article.html")
    assert a.title == "CAS and UNESCO sign memorandum on open science"
    assert a.url == "https://example.org/news/cas-unesco-mou"
    assert a.published == date(2019, 3, 14)
    assert a.text.startswith("On March 12, 2019, the Chinese Academy of Sciences")
    assert a.text.endswith("later this year.")
    assert "\n\nThe memorandum was signed" in a.text
    for boilerplate in ("Home", "Contact us", "Copyright", "Log in"):
        assert boilerplate not in a.text


def test_json_list_and_html_field():
    first, second = articles(FORMATS / "articles.json")
    assert first.source.endswith("articles.json#1") and second.source.endswith("articles.json#2")
    assert first.title == "Vietnam and Japan open joint research centre on climate"
    assert first.url == "https://example.org/news/1"
    assert first.published == date(2018, 9, 20)
    assert first.text.startswith("The Vietnam Academy")
    assert second.title == "Morocco hosts African forum on water science"
    assert second.published is None  # "not a date": unparsable is not an error
    assert second.text.startswith("The third African forum on water science")
    assert "Home News" not in second.text and "Contact" not in second.text


def test_json_single_object():
    a = one(FORMATS / "single.json")
    assert a.source.endswith("single.json")  # one object: no #N
    assert a.title == "Single object article"
    assert a.published == date(2020, 1, 15)


def test_json_lines():
    a, b = articles(FORMATS / "articles.jsonl")
    assert a.source.endswith("articles.jsonl#1") and b.source.endswith("articles.jsonl#2")
    assert (a.title, a.published) == ("Line one article", date(2021, 6, 1))
    assert (b.url, b.published) == ("https://example.org/news/b", date(2021, 6, 2))


def test_rss():
    a, b = articles(FORMATS / "feed.rss")
    assert a.source.endswith("feed.rss#1") and b.source.endswith("feed.rss#2")
    assert a.title == "Nigeria and China agree on space science training"
    assert a.url == "https://example.org/wire/nigeria-china-space"
    assert a.published == date(2018, 9, 20)
    assert a.publisher == "Science Cooperation Wire"
    assert "<p>" not in a.text and "\n\nThe training will start in January." in a.text
    assert b.published == date(2018, 9, 21)


def test_atom():
    a = one(FORMATS / "feed.atom")
    assert a.source.endswith("feed.atom#1")
    assert a.title == "Academies of Sciences of Iran and Russia sign memorandum"
    assert a.url == "https://example.org/academy/iran-russia"
    assert a.published == date(2019, 5, 1)
    assert a.text.startswith("The presidents of the Iranian")
    assert "Joint seminars every year" in a.text and "<li>" not in a.text


def test_ids_are_deterministic():
    first = [(r.source, r.id) for r in read([FIX])]
    second = [(r.source, r.id) for r in read([FIX])]
    assert first == second and len(first) >= 15
    assert len({i for _, i in first}) == len(first)


def test_same_url_same_id(tmp_path):
    url = "https://example.org/news/same"
    (tmp_path / "a.json").write_text(json.dumps({"url": url, "text": ENGLISH}))
    (tmp_path / "b.md").write_text(f"---\nurl: {url}\ntitle: Corrected\n---\n{ENGLISH} Corrected.\n")
    a, b = articles(tmp_path)
    assert a.text != b.text and a.id == b.id == Article.make_id("", url)


def test_same_text_same_id_wherever_read(tmp_path):
    (tmp_path / "x.txt").write_text(ENGLISH)
    (tmp_path / "y.txt").write_text(ENGLISH + "\n\n\n")
    x, y = articles(tmp_path)
    assert x.id == y.id and x.source != y.source


def test_text_normalisation(tmp_path):
    raw = "Joint laboratory opens in Hanoi\r\n\r\n" + ENGLISH + "\r\n\r\n" + ENGLISH + "  \r\n\r\n"
    (tmp_path / "crlf.txt").write_bytes(raw.encode())
    a = one(tmp_path / "crlf.txt")
    assert a.title == "Joint laboratory opens in Hanoi"
    assert "\r" not in a.text and a.text == ENGLISH + "\n\n" + ENGLISH


def test_bom_is_dropped(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode())
    assert one(tmp_path / "bom.txt").text == ENGLISH


# --- raw page copies -----------------------------------------------------------------------

def test_seed_page_copy():
    seed = PAGES / "ikcest_seed.txt"
    a = one(seed)
    assert a.title == "IKCEST delegation undertook cooperation missions in UNESCO Headquarters"
    assert a.text.startswith("From September 16 to 19, 2018")
    assert a.text.endswith("follow through on the cooperation commitments reached with the UNESCO.")
    for nav in ("Welcome to the IKCEST", "Expert News", "Something to say", "Log in", "Language"):
        assert nav not in a.text
    assert "UNESCO’s DRR projects" in a.text  # characters untouched
    assert a.text in seed.read_text()  # the body is a slice of the page copy


@pytest.mark.parametrize(
    "name, title, published, starts, ends, absent",
    [
        (
            "ministry_kenya.txt",
            "China and Kenya launch joint laboratory for crop science",
            date(2021, 3, 12),
            "On 10 March 2021, the Chinese Academy",
            "meet again in Beijing in 2022 to review progress.",
            ["Home |", "You are here", "Press Office", "Share:", "Back to top", "©"],
        ),
        (
            "university_chile.txt",
            "University signs research agreement with Chilean observatory",
            None,
            "The University of Leeds and the European Southern Observatory",
            "travel to Chile in September.",
            ["Skip to main content", "MENU", "Newsroom", "Tags:", "Print this page", "press office"],
        ),
        (
            "cookie_banner.txt",
            "Brazil and Portugal renew ocean science partnership",
            date(2022, 6, 5),
            "Lisbon, 3 June 2022 - The Brazilian Ministry",
            "exchange programme for early-career scientists!",
            ["cookies", "Accept all", "Maria Lopez", "helpful", "Subscribe"],
        ),
        (
            "welcome_banner.txt",
            "Examplestan and Chile sign agreement on astronomy data",
            date(2020, 2, 2),
            "The National Science Foundation of Examplestan and the Chilean",
            "fund five joint projects each year.",
            ["Welcome", "Latest news", "Posted on", "Related news", "main public funder", "Sitemap"],
        ),
        (
            "title_first.txt",
            "Egypt and Italy agree on archaeology research programme",
            None,
            "Cairo University and the University of Pisa",
            "over the next three years.",
            ["archaeology research programme\n"],
        ),
        (
            "no_headline.txt",
            "The International Science Council and the Academy of Science of South Africa",
            None,
            "The International Science Council",
            "scientists from twenty countries.",
            [],
        ),
    ],
)
def test_page_copy_heuristic(name, title, published, starts, ends, absent):
    a = one(PAGES / name)
    assert a.title == title
    assert a.published == published
    assert a.text.startswith(starts)
    assert a.text.endswith(ends)
    for s in absent:
        assert s not in a.text
    assert a.text in (PAGES / name).read_text()


def test_a_date_in_the_page_chrome_is_not_the_articles_date():
    header = ("Northern Lakes University\nMonday, 9 December 2024\nHome | About | Research | News\n"
              "Home » News\n\nLakes university signs a research agreement with a fisheries institute\n\n")
    prose = ("The Northern Lakes University signed a research agreement with the Inland Fisheries "
             "Institute on 3 December 2024 in the university's senate hall.\n")
    labelled = clean_page(header + "Posted by: Press Office | 04 December 2024 | Views: 310\n\n" + prose)
    assert labelled.published == date(2024, 12, 4)
    bare = clean_page(header + "4 December 2024\n\n" + prose)
    assert bare.published == date(2024, 12, 4)


def test_dotted_dates_are_day_first_and_datelines_may_end_in_a_colon():
    menu = "Institute of Soil Physics\nHome | About | Institutes | Press Centre | Contact Us | Search...\n\n"
    prose = "The institute hosted a delegation of the Andean Soil Network on 7 June 2023 in its main building.\n"
    assert clean_page(menu + "12.06.2023\n\nSoil institute hosts Andean delegation\n\n" + prose).published == date(2023, 6, 12)
    [a] = read_text("Soil institute hosts delegation\n\nPuno, 9 January 2024: " + prose * 2, "x.txt")
    assert a.published == date(2024, 1, 9)


def test_a_digest_of_items_under_section_headings_keeps_every_item():
    item = ("The institute hosted a regional workshop on seed conservation for curators from five national "
            "genebanks, with sessions on germination testing, moisture equilibrium and the safety duplication "
            "of collections, and a visit to its new seed laboratory on the last day of the course. ")
    page = ("SEED NETWORK BULLETIN\nNo. 12 – Second Quarter 2022\n\nTRAINING\n\nCurators trained in Arusha\n\n"
            + item + "\n\nVISITS\n\nDelegation at the genebank\n\n" + item.replace("workshop", "visit")
            + "\n\nAGREEMENTS\n\nBoards sign a memorandum\n\n" + item.replace("workshop", "signing") + "\n")
    body = clean_page(page).body
    assert "regional workshop" in body and "regional visit" in body and "regional signing" in body


def test_clean_page_keeps_middle_subheadings():
    page = clean_page(
        "Menu\nNews\nTwo academies open a joint institute\n\n" + ENGLISH + "\n\nBackground\n\n"
        + ENGLISH + "\n\nThe institute opens in May.\n\nShare\nPrint\n"
    )
    assert page.title == "Two academies open a joint institute"
    assert "\n\nBackground\n\n" in page.body
    assert page.body.endswith("The institute opens in May.")


def test_telegraphic_english_is_english_and_other_languages_are_not():
    note = ("PRESS NOTE | 3 Mar 2025\nMoU inked: 1 Mar 2025, Senate Hall, Tromsø.\n"
            "- Parties: Arctic Ocean Institute (AOI) and Nordland Polytechnic University.\n"
            "- Signatories: Dr. K. Lind, Director of AOI; Prof. Ola Berg, Rector of the university.\n"
            "- Scope: joint research on sea ice, student exchange, shared test tank. Validity: 5 years.\n"
            "Visit: 28 Feb - 2 Mar. Delegation led by the Rector. Lab visit, workshop with 40 participants.")
    assert check_english(note) is None
    spanish = ("Firma: 1 mar 2025, Sala del Senado, Lima. Partes: Instituto del Mar y Universidad "
               "Nacional. Firmantes: Dr. K. Lind, directora; Prof. Ola Berg, rector. Alcance: "
               "investigación conjunta con los estudiantes para la cooperación entre las partes.")
    assert "Spanish" in check_english(spanish)


def test_english_check():
    assert check_english(ENGLISH) is None
    assert check_english("中国科学院与联合国教科文组织签署合作协议，双方将在气候研究领域开展合作。") is not None
    assert check_english(
        "Die Akademie der Wissenschaften und die Universität haben am Montag eine Vereinbarung "
        "über die Zusammenarbeit unterzeichnet und wollen gemeinsame Projekte fördern."
    ) is not None


# --- bad input -----------------------------------------------------------------------------

GOOD_FEED_ENTRY = f"<item><title>Good entry</title><link>https://example.org/g</link><description>{ENGLISH}</description></item>"


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path to read, substring the reason must contain)."""
    bad = tmp / "bad"
    bad.mkdir()

    def put(name: str, data: bytes | str) -> Path:
        p = bad / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
        return p

    cases = {
        "missing": (tmp / "nowhere" / "missing.txt", "no such file"),
        "empty": (put("empty.txt", b""), "empty"),
        "blank": (put("blank.md", "\n  \n\t\n"), "empty"),
        "binary": (put("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), "binary"),
        "utf8": (put("latin1.txt", ("Caf\u00e9 " + ENGLISH).encode("latin-1")), "invalid UTF-8 at byte offset 3"),
        "large": (put("large.txt", (ENGLISH + "\n\n") * 200), "limit"),
        "json": (put("broken.json", '{"title": "x", "text": "unterminated}'), "line 1, column"),
        "json_fields": (put("fields.json", '{"title": "No body here", "url": "https://example.org/x"}'), "no text or html"),
        "html": (put("broken.html", "<html><<<>>><body><div></div></scr"), "no article text"),
        "feed": (put("broken.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>A &amp B</title'), "malformed feed"),
        "chinese": (put("chinese.txt", "中国科学院与联合国教科文组织签署合作协议。" * 10), "English"),
        "german": (
            put("german.txt",
                "Die Chinesische Akademie der Wissenschaften und die Universität Heidelberg haben am "
                "Montag eine Vereinbarung über die Zusammenarbeit bei der Klimaforschung "
                "unterzeichnet. Beide Seiten wollen gemeinsame Projekte fördern."),
            "English",
        ),
        "short": (put("short.txt", "Delegation visits Paris. More soon."), "too short"),
        "suffix": (put("slides.xyz", "whatever"), "unsupported file type .xyz"),
    }
    # entries inside files: one bad entry, the others still read
    jsonl = put("mixed.jsonl", "\n".join([
        json.dumps({"url": "https://example.org/l1", "text": ENGLISH}),
        '{"url": "https://example.org/l2", "text": ',
        json.dumps({"url": "https://example.org/l3", "text": ENGLISH}),
    ]))
    cases["jsonl_line"] = (Path(f"{jsonl}#2"), "line 2, column")
    rss = put("mixed.rss", f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
              f"{GOOD_FEED_ENTRY}<item><title>Empty</title><link>https://example.org/e</link></item>"
              "</channel></rss>")
    cases["feed_entry"] = (Path(f"{rss}#2"), "no content")
    return cases


def test_bad_input_never_stops_the_batch(tmp_path):
    cases = _bad_inputs(tmp_path)
    good = [
        PAGES / "ikcest_seed.txt",
        FORMATS / "article.html",
        FORMATS / "articles.json",
        FORMATS / "feed.rss",
        FORMATS / "front_matter.md",
    ]
    # hidden files are skipped silently; a folder with no articles is not an error
    (tmp_path / "bad" / ".DS_Store").write_bytes(b"\x00\x01junk")
    (tmp_path / "emptydir" / "sub").mkdir(parents=True)

    file_cases = [c for c in cases.values() if "#" not in c[0].name]
    paths: list[Path] = [good[0]]
    for i, (path, _) in enumerate(file_cases):
        paths.append(path)
        if i % 4 == 3:
            paths.append(good[1 + (i // 4) % 3])
    paths += [tmp_path / "bad" / "mixed.jsonl", tmp_path / "bad" / "mixed.rss", tmp_path / "emptydir", good[4]]
    results = list(read(paths, max_bytes=20_000))

    errors = [r for r in results if isinstance(r, ReadError)]
    good_articles = [r for r in results if isinstance(r, Article)]
    assert len(errors) == len(cases), "\n".join(map(str, errors))
    for name, (path, expect) in cases.items():
        mine = [e for e in errors if e.source == str(path)]
        assert len(mine) == 1, (name, errors)
        assert expect.lower() in mine[0].reason.lower(), (name, mine[0].reason)
        assert len(mine[0].reason) < 120
    sources = {a.source for a in good_articles}
    assert str(good[0]) in sources and str(good[4]) in sources and str(good[1]) in sources
    assert f"{tmp_path / 'bad' / 'mixed.jsonl'}#1" in sources
    assert f"{tmp_path / 'bad' / 'mixed.jsonl'}#3" in sources
    assert f"{tmp_path / 'bad' / 'mixed.rss'}#1" in sources
    # the batch order follows the input order: good articles before, between and after errors
    kinds = [isinstance(r, Article) for r in results]
    assert kinds[0] and kinds[-1] and any(
        kinds[i] and not kinds[i - 1] and not kinds[i + 1] for i in range(1, len(kinds) - 1)
    )


def test_folder_walk_is_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ENGLISH + " Two.")
    (tmp_path / "a.txt").write_text(ENGLISH + " One.")
    (tmp_path / "c.txt").write_text(ENGLISH + " Three.")
    (tmp_path / ".hidden" / "x.txt").write_text(ENGLISH)
    (tmp_path / ".notes.xyz").write_text("hidden")
    names = [Path(r.source).name for r in read([tmp_path])]
    assert names == ["a.txt", "2.txt", "c.txt"]
    assert list(read([tmp_path / "b" / ".."])) and list(read([])) == []


def test_front_matter_title_and_h1_heading(tmp_path):
    (tmp_path / "h.md").write_text(
        "---\ntitle: Front matter title wins here\npublished: 5 May 2021\n---\n\n"
        "# Joint centre opens in Nairobi\n\n" + ENGLISH + "\n"
    )
    a = one(tmp_path / "h.md")
    assert a.title == "Front matter title wins here" and a.published == date(2021, 5, 5)
    assert a.text == ENGLISH


def test_page_date_in_header_before_headline():
    page = clean_page(
        "Example Academy\nHome | News | Contact\n"
        "Published: 2021-06-14   Source: Institute of Remote Sensing   Views: 1,204\n"
        "Training course on remote sensing concludes\n\n" + ENGLISH + "\n\n[Print]  [Close]\n"
    )
    assert page.title == "Training course on remote sensing concludes"
    assert page.published == date(2021, 6, 14)
    assert page.body == ENGLISH


def test_single_path_and_old_mac_newlines(tmp_path):
    p = tmp_path / "mac.txt"
    p.write_bytes(("Menu\rResearch centre opens in Hanoi\r\r" + ENGLISH + "\r\rShare\r").encode())
    (a,) = read(str(p))
    assert isinstance(a, Article)
    assert a.title == "Research centre opens in Hanoi" and a.text == ENGLISH


def test_short_html_fragment_falls_back_to_its_text(tmp_path):
    (tmp_path / "frag.json").write_text(json.dumps({"html": f"<div><p>{ENGLISH}</p></div>"}))
    (tmp_path / "small.html").write_text(
        f"<html><head><title>Small</title></head><body><nav>Home | News</nav><p>{ENGLISH}</p>"
        "<footer>Contact us</footer></body></html>"
    )
    for a in articles(tmp_path):
        assert a.text == ENGLISH


def test_hard_wrapped_text_is_read_whole(tmp_path):
    """A text wrapped at ~75 columns: no line alone looks like prose, the paragraphs do."""
    p = tmp_path / "wrapped.txt"
    p.write_text(
        "Baltic institutes sign a research agreement\n\n"
        "On 3 May 2023 the Baltic Institute for Marine Studies (BIMS) and the Tallinn\n"
        "Polytechnic University signed a Memorandum of Understanding on coastal\n"
        "monitoring in Riga. Anna Kask, Director of BIMS, and Peeter Tamm, Rector of\n"
        "the Tallinn Polytechnic University, signed the document in the presence of\n"
        "students.\n", encoding="utf-8")
    (article,) = list(read([p]))
    assert article.title == "Baltic institutes sign a research agreement"
    assert article.text.startswith("On 3 May 2023 the Baltic Institute") and article.text.endswith("students.")
