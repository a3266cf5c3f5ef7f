"""Golden pages: every Markdown page generated from the default content, compared as text with
the committed copies in tests/golden/docs/. Run with BRIEFINGS_UPDATE_GOLDEN=1 to rewrite them
(and delete golden files no longer generated); then read the diff before committing it.

The contract checks below read the generated pages for what content-format.md promises, so a
golden file that lost a section fails even when it was rewritten.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
import yaml

from tests.conftest import ROOT, copy_site, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "docs"
UPDATE = os.environ.get("BRIEFINGS_UPDATE_GOLDEN") == "1"
MANIFEST = ".briefings-manifest.json"
SLUG = "2024-10-28-north-korean-troops-kursk"
BRIEFING_PAGE = f"briefings/{SLUG}.md"
ACTORS = yaml.safe_load((ROOT / "seeds" / "actors.yaml").read_text("utf-8"))
ANNOTATION = yaml.safe_load(
    (ROOT / "seeds" / "articles" / f"{SLUG}.yaml").read_text("utf-8"))
ARTICLE = (ROOT / "seeds" / "articles" / f"{SLUG}.txt").read_text("utf-8")


def golden_files() -> list[str]:
    if not GOLDEN.is_dir():
        return []
    return sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


def _generate(root: Path) -> dict[str, str]:
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = run_cli("generate")
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.stderr
    docs = root / "docs"
    files = json.loads((docs / MANIFEST).read_text("utf-8"))["files"]
    return {rel: (docs / rel).read_text("utf-8") for rel in sorted(files)}


def _update_golden(pages: dict[str, str]) -> None:
    for rel, text in pages.items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8", newline="\n")
    for rel in golden_files():
        if rel not in pages:
            (GOLDEN / rel).unlink()
    for folder in sorted((p for p in GOLDEN.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


@pytest.fixture(scope="module")
def golden_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default site, generated once for the module."""
    return copy_site(tmp_path_factory.mktemp("golden") / "root")


@pytest.fixture(scope="module")
def pages(golden_root: Path) -> dict[str, str]:
    """docs-relative path -> text of every page the generator wrote for the default site."""
    generated = _generate(golden_root)
    if UPDATE:
        _update_golden(generated)
    return generated


def test_generated_paths_equal_golden_set(pages: dict[str, str]) -> None:
    assert set(pages) == set(golden_files()), (
        "run with BRIEFINGS_UPDATE_GOLDEN=1 to rewrite tests/golden/docs/")


def test_manifest_lists_every_file_the_generator_wrote(
    golden_root: Path, pages: dict[str, str]
) -> None:
    docs = golden_root / "docs"
    hand_written = {p.relative_to(ROOT / "docs").as_posix()
                    for p in (ROOT / "docs" / "about.md", *(ROOT / "docs" / "assets").rglob("*"))
                    if p.is_file()}
    on_disk = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}
    assert on_disk - hand_written - {MANIFEST} == set(pages)


@pytest.mark.parametrize("rel", golden_files())
def test_page_matches_golden(pages: dict[str, str], rel: str) -> None:
    if UPDATE and rel not in pages:
        pytest.skip(f"{rel} is no longer generated: its golden copy was deleted")
    assert rel in pages, f"{rel} is no longer generated"
    expected = (GOLDEN / rel).read_text("utf-8")
    if pages[rel] != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), pages[rel].splitlines(keepends=True),
            f"golden/{rel}", f"generated/{rel}"))[:60])
        pytest.fail(f"{rel} differs from its golden copy "
                    f"(BRIEFINGS_UPDATE_GOLDEN=1 rewrites it):\n{diff}")


# --- what the contract says each page shows -------------------------------------------------


def parse(markdown_page: str) -> Element:
    """The page's raw HTML blocks as a DOM (Markdown headings stay text)."""
    body = markdown_page.split("---\n", 2)[2]
    root: Element = html5lib.parse(body, namespaceHTMLElements=False)
    return root


def elements(root: Element) -> Iterator[Element]:
    for element in root.iter():
        if isinstance(element.tag, str):
            yield element


def by_class(root: Element, cls: str) -> list[Element]:
    return [e for e in elements(root) if cls in (e.get("class") or "").split()]


def by_tag(root: Element, tag: str) -> list[Element]:
    return [e for e in elements(root) if e.tag.rsplit("}", 1)[-1] == tag]


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def fold(value: str) -> str:
    value = re.sub("[‘’]", "'", value)
    return " ".join(re.sub("[“”]", '"', value).split())


def headings(page: str) -> list[str]:
    return re.findall(r"^##? (.+)$", page, re.M)


def front_title(page: str) -> str:
    front = yaml.safe_load(page.split("---\n", 2)[1])
    return str(front["title"])


def paragraphs() -> list[str]:
    return [" ".join(p.split()) for p in ARTICLE.split("\n") if p.strip()]


def child(element: Element, tag: str) -> Element:
    """The first child element of `element` with this tag."""
    return next(e for e in element if e.tag == tag)


def quote_box(box: Element) -> tuple[str, Element | None, str, Element]:
    """A quote box's words, speaker link (None on the speaker's own page), caption (speaker,
    title, context) and ¶ trace."""
    caption = child(box, "figcaption")
    cite = child(caption, "cite")
    said = text(caption)[: len(text(caption)) - len(text(cite))].strip()
    speaker = next((e for e in caption if e.tag == "a"), None)
    return text(child(box, "blockquote")), speaker, said, by_tag(cite, "a")[-1]


def items(root: Element, cls: str) -> list[Element]:
    """The items of the list with this class."""
    return [e for e in by_class(root, cls)[0] if e.tag == "li"]


def test_briefing_page_header(pages: dict[str, str]) -> None:
    page = pages[BRIEFING_PAGE]
    dom = parse(page)
    assert front_title(page) == ANNOTATION["title"].replace("'", "&#39;")
    (title,) = [h for h in by_tag(dom, "h1")]
    assert text(title) == ANNOTATION["title"]
    kicker = text(by_class(dom, "bf-kicker")[0])
    assert kicker == f"28 Oct 2024 · {ANNOTATION['source']['name']}"
    assert by_tag(by_class(dom, "bf-kicker")[0], "time")[0].get("datetime") == "2024-10-28"
    tags = [(text(a), a.get("href")) for a in by_tag(by_class(dom, "bf-tags")[0], "a")]
    assert tags == [(t, f"../../tags/{t}/") for t in ANNOTATION["tags"]]


def test_briefing_page_sections_in_order(pages: dict[str, str]) -> None:
    page = pages[BRIEFING_PAGE]
    assert headings(page) == ["Key points", "Quotes", "Actors", "Claims", "Events", "Relations",
                              "Article"]
    # the bottom line comes first, before any section
    assert page.index('class="bf-bluf"') < page.index("## Key points")
    summary = text(by_class(parse(page), "bf-bluf__text")[0])
    assert summary == " ".join(ANNOTATION["summary"].split())
    points = [text(li) for li in by_tag(by_class(parse(page), "bf-points")[0], "li")]
    assert points == ANNOTATION["key_points"]


def test_briefing_quote_boxes(pages: dict[str, str]) -> None:
    dom = parse(pages[BRIEFING_PAGE])
    boxes = by_class(dom, "bf-quote")
    assert len(boxes) == len(ANNOTATION["quotes"])
    article = paragraphs()
    marks = {mark.get("id"): (p, mark) for p in by_class(dom, "bf-article")[0]
             for mark in p.iter("mark") if mark.get("id")}
    assert len(marks) == len(ANNOTATION["quotes"])  # one highlight for each to link to
    for number, (box, quote) in enumerate(zip(boxes, ANNOTATION["quotes"], strict=True), 1):
        assert box.get("id") == f"quote-{number}"
        words, speaker, caption, trace = quote_box(box)
        assert words == " ".join(quote["text"].split())
        assert speaker is not None
        actor = ACTORS[quote["speaker"]]
        assert (text(speaker), speaker.get("href")) == (actor["name"],
                                                        f"../../actors/{quote['speaker']}/")
        assert caption == f"{actor['name']}, {actor['title']} · {quote['context']}"
        # the trace goes to the quote's own highlight in the article, in the paragraph it names
        assert trace.get("href") == f"#quote-{number}-text"
        paragraph, mark = marks[f"quote-{number}-text"]
        found = re.fullmatch(r"p-(\d+)", paragraph.get("id") or "")
        assert found, paragraph.get("id")
        first_part = fold(re.split(r"\.\.\.|…", quote["text"])[0]).strip()
        assert fold(" ".join(text(mark).split())) == first_part
        assert first_part in fold(article[int(found[1]) - 1])
        assert text(trace) == f"¶ {found[1]} in the article"


def test_briefing_actors_claims_events_relations(pages: dict[str, str]) -> None:
    dom = parse(pages[BRIEFING_PAGE])
    involved = items(dom, "bf-involved")
    assert len(involved) == len(ANNOTATION["actors"])
    for item, entry in zip(involved, ANNOTATION["actors"], strict=True):
        link = by_class(item, "bf-actor-link")[0]
        assert link.get("href") == f"../../actors/{entry['id']}/"
        assert text(by_class(item, "bf-involved__role")[0]) == entry["role"]
    rows = by_tag(by_tag(by_class(dom, "bf-claims")[0], "tbody")[0], "tr")
    assert len(rows) == len(ANNOTATION["claims"])
    for row, claim in zip(rows, ANNOTATION["claims"], strict=True):
        cells = [text(td) for td in by_tag(row, "td")]
        assert cells[0] == claim["text"]
        assert cells[1] == claim["status"]
        assert cells[2] == (ACTORS[claim["by"]]["name"] if "by" in claim else "")
        assert cells[3] == claim.get("grade", "")
        assert cells[4] == claim["likelihood"].replace("-", " ")
        assert re.fullmatch(r"¶ \d+", cells[5]), cells[5]
    events = items(dom, "bf-timeline")
    assert sorted(" ".join((child(e, "time").tail or "").split()) for e in events) == sorted(
        e["text"] for e in ANNOTATION["events"])
    relations = items(dom, "bf-relations")
    assert len(relations) == len(ANNOTATION["relations"])
    for item, relation in zip(relations, ANNOTATION["relations"], strict=True):
        links = [a.get("href") for a in by_class(item, "bf-actor-link")]
        assert links == [f"../../actors/{relation['from']}/", f"../../actors/{relation['to']}/"]
        assert text(by_class(item, "bf-relation__type")[0]) == relation["type"].replace("-", " ")
        assert text(child(item, "small")) == f"— {relation['note']}"


def test_briefing_article(pages: dict[str, str]) -> None:
    dom = parse(pages[BRIEFING_PAGE])
    article = paragraphs()
    shown = by_tag(by_class(dom, "bf-article")[0], "p")
    assert [p.get("id") for p in shown] == [f"p-{n}" for n in range(1, len(article) + 1)]
    mentioned = set()
    for p, original in zip(shown, article, strict=True):
        pilcrow, *mentions = by_tag(p, "a")
        assert pilcrow.get("href") == f"#{p.get('id')}"
        assert pilcrow.get("aria-label") == f"Paragraph {p.get('id', '')[2:]}"
        assert text(p) == text(pilcrow) + original
        mentioned.update(a.get("href") for a in mentions)
    marks = {m.get("data-quote") for m in by_tag(dom, "mark")}
    assert marks == {f"quote-{n}" for n in range(1, len(ANNOTATION["quotes"]) + 1)}
    for actor_id in ("mark-rutte", "nato", "north-korea", "russia", "kursk", "vladimir-putin",
                     "yoon-suk-yeol", "rustem-umerov"):
        assert f"../../actors/{actor_id}/" in mentioned, actor_id


def test_actor_page_profile(pages: dict[str, str]) -> None:
    page = pages["actors/mark-rutte.md"]
    dom = parse(page)
    actor = ACTORS["mark-rutte"]
    assert front_title(page) == actor["name"]
    assert by_class(dom, "bf-profile")[0].get("id") == "actor-mark-rutte"
    assert text(by_class(dom, "bf-profile__kind")[0]) == actor["kind"]
    assert text(by_class(dom, "bf-profile__name")[0]) == actor["name"]
    title = by_class(dom, "bf-profile__title")[0]
    assert text(title) == f"{actor['title']} · {ACTORS['nato']['name']}"
    assert by_tag(title, "a")[0].get("href") == "../../actors/nato/"
    assert [text(a) for a in by_class(dom, "bf-alias")] == actor["aliases"]
    assert text(by_class(dom, "bf-profile__description")[0]) == " ".join(
        actor["description"].split())
    links = [(text(a), a.get("href")) for a in by_tag(by_class(dom, "bf-profile__links")[0], "a")]
    assert links == list(actor["links"].items())


def test_actor_page_quotes_briefings_claims(pages: dict[str, str]) -> None:
    page = pages["actors/mark-rutte.md"]
    dom = parse(page)
    assert headings(page) == ["Quotes", "Briefings", "Claims", "Relations",
                              "Often appears with"]
    boxes = by_class(dom, "bf-quote")
    assert [quote_box(b)[0] for b in boxes] == [
        " ".join(q["text"].split()) for q in ANNOTATION["quotes"]]
    for box, quote in zip(boxes, ANNOTATION["quotes"], strict=True):
        _, speaker, caption, trace = quote_box(box)
        assert (speaker, caption) == (None, quote["context"])  # his own page: who is known
        assert re.fullmatch(rf"\.\./\.\./briefings/{SLUG}/#quote-\d+-text",
                            trace.get("href") or "")
    (appearance,) = items(dom, "bf-appearances")
    assert appearance.get("class") == "bf-as-involved"  # shown as a badge by the stylesheet
    assert text(by_class(appearance, "bf-role")[0]) == ANNOTATION["actors"][0]["role"]
    # where the article names him: excerpts (never quotations), each traced to its paragraph
    assert by_tag(appearance, "q") == []
    excerpts = by_class(appearance, "bf-excerpt")
    assert excerpts and all("Rutte" in text(e) or "NATO Secretary General" in text(e)
                            for e in excerpts)
    paragraphs = {e.get("id"): text(e) for e in elements(parse(pages[f"briefings/{SLUG}.md"]))
                  if (e.get("id") or "").startswith("p-")}
    for excerpt in excerpts:
        (trace,) = by_tag(excerpt, "a")
        anchor = re.fullmatch(rf"\.\./\.\./briefings/{SLUG}/#(p-\d+)", trace.get("href") or "")
        assert anchor is not None, trace.get("href")
        sentence = text(excerpt).rsplit(" ¶", 1)[0].strip("…")
        assert fold(sentence) in fold(paragraphs[anchor[1]])
    rows = by_tag(by_tag(by_class(dom, "bf-claims")[0], "tbody")[0], "tr")
    assert [text(by_tag(r, "td")[0]) for r in rows] == [
        c["text"] for c in ANNOTATION["claims"] if c.get("by") == "mark-rutte"]


def test_actor_page_relations_in_and_out(pages: dict[str, str]) -> None:
    dom = parse(pages["actors/north-korea.md"])
    lists = by_class(dom, "bf-relations")
    out = [(r["type"], r["to"]) for r in ANNOTATION["relations"] if r["from"] == "north-korea"]
    into = [(r["type"], r["from"]) for r in ANNOTATION["relations"] if r["to"] == "north-korea"]
    assert len(lists) == 2
    # Under "From North Korea" and "To North Korea" each relation names the other side only.
    assert [text(p) for p in by_class(dom, "bf-subhead")] == ["From North Korea",
                                                             "To North Korea"]
    for li in by_tag(lists[0], "li") + by_tag(lists[1], "li"):
        assert len(by_class(li, "bf-actor-link")) == 1
    assert all(text(li).startswith(text(by_class(li, "bf-relation__type")[0]))
               for li in by_tag(lists[0], "li"))
    shown_out = {(text(by_class(li, "bf-relation__type")[0]).replace(" ", "-"),
                  by_class(li, "bf-actor-link")[0].get("href")) for li in by_tag(lists[0], "li")}
    shown_in = {(text(by_class(li, "bf-relation__type")[0]).replace(" ", "-"),
                 by_class(li, "bf-actor-link")[0].get("href")) for li in by_tag(lists[1], "li")}
    assert shown_out == {(t, f"../../actors/{a}/") for t, a in out}
    assert shown_in == {(t, f"../../actors/{a}/") for t, a in into}
    assert by_tag(dom, "svg"), "the relations network"
    co = [a.get("href") for a in by_class(by_class(dom, "bf-co-actors")[0], "bf-actor-link")]
    assert co and "./" not in co


def test_every_actor_has_a_page(pages: dict[str, str]) -> None:
    for actor_id, actor in ACTORS.items():
        page = pages[f"actors/{actor_id}.md"]
        assert text(by_class(parse(page), "bf-profile__name")[0]) == actor["name"]


def test_index_pages(pages: dict[str, str]) -> None:
    home = parse(pages["index.md"])
    cards = by_class(home, "bf-card")
    assert len(cards) == 1
    assert by_tag(cards[0], "a")[0].get("href") == f"briefings/{SLUG}/"
    listed = by_tag(parse(pages["briefings/index.md"]), "li")
    assert [by_tag(li, "a")[0].get("href") for li in listed] == [f"../briefings/{SLUG}/"]
    actors_index = pages["actors/index.md"]
    assert headings(actors_index) == ["Actors", "People", "Organizations", "States", "Places"]
    assert {a.get("href") for a in by_class(parse(actors_index), "bf-actor-link")} == {
        f"../actors/{a}/" for a in ACTORS}
    tags = {text(a) for a in by_tag(parse(pages["tags/index.md"]), "a")}
    assert tags == set(ANNOTATION["tags"])
    for tag in ANNOTATION["tags"]:
        assert f"tags/{tag}.md" in pages
    timeline = items(parse(pages["timeline/index.md"]), "bf-timeline")
    assert len(timeline) == len(ANNOTATION["events"])
    for event in timeline:
        assert child(child(event, "cite"), "a").get("href").startswith(
            f"../briefings/{SLUG}/#event-")
    quotes = by_class(parse(pages["quotes/index.md"]), "bf-quote")
    assert len(quotes) == len(ANNOTATION["quotes"])
    network = parse(pages["network/index.md"])
    assert by_tag(network, "svg")
    assert len(by_tag(by_class(network, "bf-relations")[0], "li")) == len(
        ANNOTATION["relations"])


def test_a_source_link_lands_on_the_event_relation_or_claim_itself(
    pages: dict[str, str]
) -> None:
    """From the timeline, the network or an actor's page, the link to the briefing goes to
    that event, relation or claim on the briefing's page (numbered in the annotation's order, as
    quotes are), not to the top of its section."""
    briefing = parse(pages[BRIEFING_PAGE])
    events = {e.get("id"): e for e in items(briefing, "bf-timeline")}
    assert sorted(events) == sorted(f"event-{n}" for n in range(1, len(ANNOTATION["events"]) + 1))
    for event in items(parse(pages["timeline/index.md"]), "bf-timeline"):
        page, _, anchor = child(child(event, "cite"), "a").get("href").partition("#")
        assert page == f"../briefings/{SLUG}/"
        number = int(anchor.removeprefix("event-"))
        shown = ANNOTATION["events"][number - 1]["text"]
        assert fold(shown) in fold(text(event)) and fold(shown) in fold(text(events[anchor]))
    relations = {r.get("id"): r for r in items(briefing, "bf-relations")}
    assert len(relations) == len(ANNOTATION["relations"])
    stated = 0
    for page in ("network/index.md", *(f"actors/{a}.md" for a in ACTORS)):
        listed = by_class(parse(pages[page]), "bf-relations")
        for relation in (li for ul in listed for li in ul if li.tag == "li"):
            link = by_tag(relation, "a")[-1]
            where, _, anchor = link.get("href").partition("#")
            assert where.endswith(f"briefings/{SLUG}/"), (page, where)
            number = int(anchor.removeprefix("relation-"))
            written = ANNOTATION["relations"][number - 1]
            kind = text(by_class(relation, "bf-relation__type")[0])
            assert kind == text(by_class(relations[anchor], "bf-relation__type")[0])
            assert kind == written["type"].replace("-", " "), (page, anchor)
            stated += 1
    assert stated >= 3 * len(ANNOTATION["relations"])  # the network, and the page of each end
    rows = {r.get("id"): r for r in by_tag(by_class(briefing, "bf-claims")[0], "tr")
            if r.get("id")}
    assert sorted(rows) == sorted(f"claim-{n}" for n in range(1, len(ANNOTATION["claims"]) + 1))
    claimed = 0
    for actor in ACTORS:
        for table in by_class(parse(pages[f"actors/{actor}.md"]), "bf-claims"):
            for row in by_tag(table, "tr")[1:]:
                where, _, anchor = by_tag(row, "a")[-1].get("href").partition("#")
                assert where.endswith(f"briefings/{SLUG}/"), where
                written = ANNOTATION["claims"][int(anchor.removeprefix("claim-")) - 1]
                assert written["by"] == actor and fold(written["text"]) in fold(text(row))
                assert fold(written["text"]) in fold(text(rows[anchor]))
                claimed += 1
    assert claimed == sum(1 for c in ANNOTATION["claims"] if c.get("by"))


def test_home_counts_are_pluralised(pages: dict[str, str]) -> None:
    stats = text(by_class(parse(pages["index.md"]), "bf-home-stats")[0])
    assert "1 briefings" not in stats, stats


def test_quotes_newest_first_across_briefings(tmp_path: Path) -> None:
    """An actor page lists quotes newest briefing first; so does the quotes index."""
    seeds = copy_site(tmp_path / "root") / "seeds" / "articles"
    older = "2024-10-01-older-briefing"
    (seeds / f"{older}.txt").write_text(
        "Mark Rutte took office today.\n\nRutte said: \"I am honoured to serve.\"\n", "utf-8")
    (seeds / f"{older}.yaml").write_text(yaml.safe_dump({
        "title": "Rutte takes office", "date": "2024-10-01",
        "source": {"name": "Press report"}, "summary": "Rutte took office.",
        "quotes": [{"speaker": "mark-rutte", "text": "I am honoured to serve."}],
    }), "utf-8")
    generated = _generate(tmp_path / "root")
    for page, prefix in (("actors/mark-rutte.md", "../../briefings/"),
                         ("quotes/index.md", "../briefings/")):
        boxes = by_class(parse(generated[page]), "bf-quote")
        sources = [quote_box(b)[3].get("href") or "" for b in boxes]
        order = [s.removeprefix(prefix).split("/")[0] for s in sources]
        assert order == [SLUG] * len(ANNOTATION["quotes"]) + [older], (page, order)


def test_a_quote_box_links_to_its_own_highlight_or_else_its_paragraph() -> None:
    """Each box's ¶ link goes to where its quote begins in the article, set apart from other
    quotes in that paragraph; a quote that begins inside another's highlight (two quotes
    sharing words) has none of its own, and its box links to the paragraph instead. A
    quote that runs into the next paragraph carries its id once, where it begins."""
    import datetime as dt

    from generator import components, model

    one, two = "Alpha beta gamma delta.", "Epsilon zeta eta."
    span = model.Span
    quotes = model.with_highlights((
        model.Quote(1, "a", "beta gamma", "", (span(0, 6, 16),)),
        model.Quote(2, "a", "gamma delta", "", (span(0, 11, 22),)),  # inside quote 1's
        model.Quote(3, "a", "delta. Epsilon", "", (span(0, 17, 23), span(1, 0, 7))),
    ))
    briefing = model.Briefing("b", "T", dt.date(2024, 1, 1), model.Source("S"), "s",
                              quotes=quotes, presences=(model.Presence("a", "", True, ()),))
    article = model.Article((model.Paragraph(one), model.Paragraph(two)))
    actors = {"a": model.Actor("a", "A", "person")}
    page = str(components.Blocks("briefings/b.md", actors).article(briefing, article))
    assert re.findall(r'<mark(?: id="([^"]+)")? data-quote="([^"]+)">', page) == [
        ("quote-1-text", "quote-1"), ("quote-3-text", "quote-3"), ("", "quote-3")]
    assert [components.quote_target(q) for q in quotes] == ["quote-1-text", "p-1",
                                                            "quote-3-text"]
    alone = model.with_highlights(quotes[2:])  # without the others, each is highlighted
    assert alone == (quotes[2],) and alone[0].highlighted


def test_links_kept_from_page_to_page_stay_those_of_each_page() -> None:
    """The blocks of a run's pages share the links they make by the pages' depth: a link
    is the same text on every page at one depth, but an actor's link on its own page is
    to the page itself, pages at other depths have theirs, and an actor of another
    registry (its name changed) is shown by its new name."""
    from generator import components, model

    shared: dict[tuple[str, bool], components.Links] = {}
    rutte = model.Actor("rutte", "Mark Rutte", "person")
    actors = {"rutte": rutte, "nato": model.Actor("nato", "NATO", "organisation")}

    def link(page: str, actor: str, known: dict[str, model.Actor] = actors,
             directory_urls: bool = True) -> str:
        return str(components.Blocks(page, known, directory_urls, shared).actor_link(actor))

    to_rutte = '<a class="bf-actor-link bf-kind-person" href="{}">Mark Rutte</a>'
    assert link("actors/nato.md", "rutte") == to_rutte.format("../../actors/rutte/")
    assert link("actors/rutte.md", "rutte") == to_rutte.format("./")  # its own page
    assert link("actors/nato.md", "rutte") == to_rutte.format("../../actors/rutte/")
    assert link("timeline/2024.md", "rutte") == to_rutte.format("../../actors/rutte/")
    assert link("index.md", "rutte") == to_rutte.format("actors/rutte/")
    assert link("timeline/index.md", "rutte") == to_rutte.format("../actors/rutte/")
    renamed = {**actors, "rutte": model.Actor("rutte", "M. Rutte", "person")}
    assert link("actors/nato.md", "rutte", renamed) == \
        '<a class="bf-actor-link bf-kind-person" href="../../actors/rutte/">M. Rutte</a>'
    blocks = components.Blocks("actors/nato.md", actors, True, shared)
    assert blocks.url("actors/nato.md", "quotes") == "#quotes"
    assert blocks.url("briefings/b.md", "p-2") == "../../briefings/b/#p-2"
    assert link("index.md", "rutte", directory_urls=False) == \
        to_rutte.format("actors/rutte.html")  # the other link style, beside the first
    assert components.Blocks("actors/nato.md", actors, False, shared).url("briefings/b.md") \
        == "../briefings/b.html"
