"""Hostile text in every field of the contract reaches the built HTML as text, never as markup.

One fixture site carries every payload through every text field (one actor and one briefing
per payload, plus a Markdown article with all of them) and is built once with MkDocs. A build
of the default site is the baseline for the scripts the theme itself emits.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
import yaml

from tests.conftest import ROOT, copy_site, run_cli

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</div></div><h1>x</h1>",
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "{% raw %}",
    "a | b | c",
    '!!! danger "x"',
    "??? note",
    "# heading",
    '{: onclick="alert(1)" #main-content }',
    '--8<-- "mkdocs.yml"',
    "[home]: https://evil.example",
    "text\n---",
    '<iframe src="https://evil.example/frame"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="JaVaScRiPt:alert(1)" onclick="alert(1)">y</a>',
    "&lt;b&gt; &amp; &#x3C;",
    "🚀 [x](javascript:alert(1)) {: onclick=alert(1) #main-content }",
)
# Payloads with characters outside the Basic Multilingual Plane (emoji): JSON escapes them as
# surrogate pairs, which MkDocs' YAML loader rejects, so their pages get an extra check.
ASTRAL = frozenset(i for i, p in enumerate(PAYLOADS) if any(ord(c) > 0xFFFF for c in p))
# Payloads that are Markdown syntax: a description is Markdown (sanitised), so their visible
# text legitimately changes there (a link keeps its label, a heading loses its '#', ...).
MARKDOWN_SYNTAX = frozenset({3, 9, 12, 13, 17, 18})  # 17: entities are Markdown too
SITE_TITLE = "Briefings"
LATEST = 12  # briefings on the home page
SOURCE_URL = "https://example.org/source/{i}"
LINK_URL = "https://en.wikipedia.org/wiki/Payload_{i}"
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset",
                  "background", "xlink:href", "{http://www.w3.org/1999/xlink}href")
KNOWN_HEADINGS = frozenset({
    "Latest briefings", "Briefings", "Actors", "Timeline", "Quotes", "Tags", "Network",
    "Relations network", "All relations", "Key points", "Claims", "Events", "Relations",
    "Article", "Often appears with", "People", "Organizations", "States", "Places", "Groups",
    "About these briefings", "How to read a briefing", "Latest quotes", "Latest events",
})


def norm(text: str) -> str:
    """White space collapsed, as every page shows text."""
    return " ".join(text.split())


def slug(i: int) -> str:
    return f"payload-{i:02d}"


def actor_id(i: int) -> str:
    return f"p{i:02d}"


# --- the fixture site ----------------------------------------------------------------------


def write_yaml(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    "utf-8")


def hostile_seeds(folder: Path) -> Path:
    """actors.yaml, one briefing per payload and one Markdown article with every payload."""
    articles = folder / "articles"
    articles.mkdir(parents=True)
    actors: dict[str, object] = {
        "anchor": {"name": "Anchor Actor", "kind": "group", "title": "Plain target"},
    }
    for i, payload in enumerate(PAYLOADS):
        line = norm(payload)
        actors[actor_id(i)] = {
            "name": line,
            "kind": "person",
            "title": line,
            "aliases": [f"{line} alias"],
            "description": payload,
            "links": {line: LINK_URL.format(i=i)},
        }
        write_yaml(articles / f"{slug(i)}.yaml", {
            "title": line,
            "date": f"2024-01-{i + 1:02d}",
            "source": {"name": line, "url": SOURCE_URL.format(i=i)},
            "summary": payload,
            "key_points": [line],
            "tags": ["payloads"],
            "actors": [{"id": actor_id(i), "role": line}, "anchor"],
            "quotes": [{"speaker": actor_id(i), "text": payload, "context": line}],
            "claims": [{
                "text": payload, "by": actor_id(i), "status": "reported", "grade": "B2",
                "likelihood": "likely", "evidence": payload,
            }],
            "events": [{"date": "2024-01", "text": line, "actors": [actor_id(i)]}],
            "relations": [{"from": actor_id(i), "type": "relates-to", "to": "anchor",
                           "note": line}],
        })
        (articles / f"{slug(i)}.txt").write_text(
            f"Opening paragraph number {i}.\n\n{payload}\n\nClosing paragraph number {i}.\n",
            "utf-8",
        )
    write_yaml(folder / "actors.yaml", actors)
    write_yaml(articles / "markdown-article.yaml", {
        "title": "Markdown article",
        "date": "2023-12-31",
        "source": {"name": "Markdown source"},
        "summary": "Every payload inside a Markdown article.",
        "actors": ["anchor"],
    })
    (articles / "markdown-article.md").write_text(
        "Markdown article.\n\n" + "\n\n".join(PAYLOADS) + "\n\n> " + "\n> ".join(
            norm(p) for p in PAYLOADS) + "\n",
        "utf-8",
    )
    return folder


def build(root: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@dataclass
class Built:
    """A built site and a parsed-page cache; `excluded` pages are left out of `pages()`."""

    site: Path
    parse: Callable[[Path], Element]
    excluded: frozenset[str] = frozenset()

    def pages(self) -> list[Path]:
        return sorted(p for p in self.site.rglob("*.html")
                      if p.relative_to(self.site).as_posix() not in self.excluded)

    def page(self, rel: str) -> Element:
        return self.parse(self.site / rel)


def _built(root: Path, excluded: frozenset[str] = frozenset()) -> Built:
    @cache
    def parse(path: Path) -> Element:
        root: Element = html5lib.parse(path.read_text("utf-8"), namespaceHTMLElements=False)
        return root

    return Built(root / "site", parse, excluded)


def astral_pages() -> frozenset[str]:
    return frozenset(page for i in ASTRAL for page in (
        f"briefings/{slug(i)}/index.html", f"actors/{actor_id(i)}/index.html"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("injection")
    seeds = hostile_seeds(base / "hostile-seeds")
    root = copy_site(base / "root", seeds)
    build(root)
    return _built(root, frozenset())


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_site(tmp_path_factory.mktemp("baseline") / "root")
    build(root)
    return _built(root)


# --- DOM helpers ----------------------------------------------------------------------------


def local(tag: object) -> str:
    """The tag name without an SVG/MathML namespace."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def elements(root: Element) -> Iterator[Element]:
    for element in root.iter():
        if isinstance(element.tag, str):
            yield element


def by_class(root: Element, cls: str, tag: str | None = None) -> list[Element]:
    return [e for e in elements(root)
            if cls in (e.get("class") or "").split() and (tag is None or local(e.tag) == tag)]


def by_tag(root: Element, tag: str) -> list[Element]:
    return [e for e in elements(root) if local(e.tag) == tag]


def by_id(root: Element, ident: str) -> Element | None:
    return next((e for e in elements(root) if e.get("id") == ident), None)


def text(element: Element) -> str:
    return norm("".join(element.itertext()))


def child(element: Element, tag: str) -> Element:
    """The first child element of `element` with this tag."""
    return next(e for e in element if local(e.tag) == tag)


def items(root: Element, cls: str) -> list[Element]:
    """The items of every list with this class."""
    return [e for found in by_class(root, cls) for e in found if local(e.tag) == "li"]


def quote_boxes(page: Element) -> list[tuple[str, str, str]]:
    """Each quote box's words, speaker and caption (speaker, title and context)."""
    boxes = []
    for box in by_class(page, "bf-quote", "figure"):
        caption = child(box, "figcaption")
        said = text(caption)[: len(text(caption)) - len(text(child(caption, "cite")))]
        speaker = next((text(e) for e in caption if local(e.tag) == "a"), "")
        boxes.append((text(child(box, "blockquote")), speaker, said.strip()))
    return boxes


def body(root: Element) -> Element:
    found = by_tag(root, "body")
    assert found, "no <body>"
    return found[0]


def content(root: Element) -> Element:
    found = by_class(root, "md-content__inner")
    assert found, "no .md-content__inner"
    return found[0]


def rel(built: Built, page: Path) -> str:
    return page.relative_to(built.site).as_posix()


# --- every page: nothing live ----------------------------------------------------------------


def normalised_script(script: Element) -> str:
    """An inline theme script with the page's base path taken out, for comparison."""
    source = script.text or ""
    if (script.get("type") or "") == "application/json":
        config = json.loads(source)
        config.pop("base", None)
        config.pop("search", None)
        return "json:" + json.dumps(config, sort_keys=True)
    return re.sub(r'new URL\("[^"]*",location\)', "new URL(BASE,location)", source).strip()


def test_only_the_themes_own_scripts(hostile: Built, baseline: Built) -> None:
    known = {
        normalised_script(s)
        for page in baseline.pages()
        for s in by_tag(baseline.parse(page), "script")
        if not s.get("src")
    }
    bad: list[str] = []
    for page in hostile.pages():
        for script in by_tag(hostile.parse(page), "script"):
            src = script.get("src")
            if src is not None:
                path = src.split("?")[0].lstrip("./")
                if "://" in src or not path.startswith("assets/javascripts/"):
                    bad.append(f"{rel(hostile, page)}: <script src={src!r}>")
            elif normalised_script(script) not in known:
                bad.append(f"{rel(hostile, page)}: inline <script> {script.text!r:.120}")
    assert not bad, "\n".join(bad)


def test_no_event_handler_attributes(hostile: Built) -> None:
    bad = [
        f"{rel(hostile, page)}: <{local(e.tag)} {name}={value!r}>"
        for page in hostile.pages()
        for e in elements(hostile.parse(page))
        for name, value in e.attrib.items()
        if local(name).startswith("on")
    ]
    assert not bad, "\n".join(bad)


def test_no_script_or_data_urls(hostile: Built) -> None:
    bad: list[str] = []
    for page in hostile.pages():
        for e in elements(hostile.parse(page)):
            for name, value in e.attrib.items():
                if name.lower() not in URL_ATTRIBUTES:
                    continue
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(DANGEROUS_SCHEMES) or "evil.example" in squeezed:
                    bad.append(f"{rel(hostile, page)}: <{local(e.tag)} {name}={value!r}>")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("tag", ["iframe", "style", "object", "embed", "form", "base", "input"])
def test_no_content_elements_that_change_the_page(hostile: Built, tag: str) -> None:
    # The theme's own search <form> and <input>s sit outside the content; nothing may sit in it.
    scope = content if tag in ("form", "input") else body
    bad = [rel(hostile, page) for page in hostile.pages()
           if by_tag(scope(hostile.parse(page)), tag)]
    assert not bad, f"<{tag}> in the {'content' if scope is content else 'body'} of: {bad}"


def test_no_injected_ids_or_attributes(hostile: Built) -> None:
    bad = [
        f"{rel(hostile, page)}: <{local(e.tag)} id={e.get('id')!r}>"
        for page in hostile.pages()
        for e in elements(hostile.parse(page))
        if e.get("id") in ("main-content", "evil")
    ]
    assert not bad, "\n".join(bad)


def test_no_injected_headings(hostile: Built) -> None:
    bad: list[str] = []
    for page in hostile.pages():
        root = hostile.parse(page)
        h1s = by_tag(root, "h1")
        if len(h1s) != 1:
            bad.append(f"{rel(hostile, page)}: {len(h1s)} <h1>: {[text(h) for h in h1s]}")
        for level in ("h1", "h2", "h3", "h4", "h5", "h6"):
            for heading in by_tag(content(root), level):
                if text(heading) in ("x", "heading", "text") or "bf-" in text(heading):
                    bad.append(f"{rel(hostile, page)}: injected <{level}>{text(heading)}")
    assert not bad, "\n".join(bad)


def test_table_of_contents_has_only_the_pages_own_sections(hostile: Built) -> None:
    bad: list[str] = []
    for page in hostile.pages():
        root = hostile.parse(page)
        for nav in by_class(root, "md-nav--secondary"):
            for link in by_class(nav, "md-nav__link", "a"):
                label = text(link)
                if label not in KNOWN_HEADINGS and not re.fullmatch(r"\d{4}", label):
                    bad.append(f"{rel(hostile, page)}: TOC entry {label!r}")
    assert not bad, "\n".join(bad)


def test_nav_labels_are_the_configured_ones(hostile: Built) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    labels = {next(iter(item)) for item in config["nav"]} | KNOWN_HEADINGS
    bad: list[str] = []
    for page in hostile.pages():
        root = hostile.parse(page)
        for nav in by_class(root, "md-nav--primary") + by_class(root, "md-tabs"):
            for link in by_class(nav, "md-nav__link", "a") + by_class(nav, "md-tabs__link", "a"):
                if text(link) not in labels and not re.fullmatch(r"\d{4}", text(link)):
                    bad.append(f"{rel(hostile, page)}: nav label {text(link)!r}")
    assert not bad, "\n".join(bad)


def test_no_admonitions_details_or_tables_from_text(hostile: Built) -> None:
    bad: list[str] = []
    for page in hostile.pages():
        root = content(hostile.parse(page))
        if by_class(root, "admonition") or by_tag(root, "details"):
            bad.append(f"{rel(hostile, page)}: admonition or details")
        for table in by_tag(root, "table"):
            if "bf-claims" not in (table.get("class") or ""):
                bad.append(f"{rel(hostile, page)}: a table from text")
                continue
            columns = len(by_tag(table, "th"))
            for row in by_tag(by_tag(table, "tbody")[0], "tr"):
                if len(by_tag(row, "td")) != columns:
                    bad.append(f"{rel(hostile, page)}: claim row with "
                               f"{len(by_tag(row, 'td'))} cells, header has {columns}")
    assert not bad, "\n".join(bad)


def test_no_snippet_was_included(hostile: Built) -> None:
    bad = [rel(hostile, page) for page in hostile.pages()
           if "markdown_extensions" in page.read_text("utf-8")]
    assert not bad, f"mkdocs.yml was pasted into: {bad}"


def test_jinja_syntax_reaches_the_page_literally(hostile: Built) -> None:
    page = hostile.page(f"briefings/{slug(4)}/index.html")
    title = by_id(page, "briefing-title")
    assert title is not None and text(title) == "{{ 7*7 }}"
    assert text(by_class(page, "bf-bluf__text")[0]) == "{{ 7*7 }}"
    assert "49" not in text(content(page))
    raw = hostile.page(f"briefings/{slug(5)}/index.html")
    title = by_id(raw, "briefing-title")
    assert title is not None and text(title) == "{% raw %}"


def test_search_index_keeps_payloads_escaped(hostile: Built) -> None:
    # Material renders search titles and previews as HTML: they must hold escaped text only.
    index = json.loads((hostile.site / "search" / "search_index.json").read_text("utf-8"))
    live = re.compile(r"<\s*(script|img|iframe|style|svg|object|embed|h1|div)\b|<a\b[^>]*"
                      r"(javascript:|on\w+=)", re.I)
    bad = [f"{doc['location']}: {field}" for doc in index["docs"] for field in ("title", "text")
           if live.search(doc[field])]
    assert not bad, bad


# --- every field: shown as text, where the contract puts it ---------------------------------


def field_checks(i: int) -> dict[str, Callable[[Built], None]]:
    payload = PAYLOADS[i]
    line = norm(payload)
    briefing = f"briefings/{slug(i)}/index.html"
    actor = f"actors/{actor_id(i)}/index.html"
    on_home = i >= len(PAYLOADS) - LATEST  # the home page shows the newest briefings only

    def title_tag(page: Element) -> str:
        return text(by_tag(page, "title")[0])

    def briefing_title(b: Built) -> None:
        page = b.page(briefing)
        h1 = by_id(page, "briefing-title")
        assert h1 is not None and text(h1) == line
        assert title_tag(page) == f"{line} - {SITE_TITLE}"
        header = [text(e) for e in by_class(page, "md-ellipsis")]
        assert line in header, header
        listings = ["briefings/index.html", "tags/payloads/index.html"]
        for listing in [*listings, "index.html"] if on_home else listings:
            links = [text(a) for a in by_tag(b.page(listing), "a")
                     if (a.get("href") or "").rstrip("/").endswith(slug(i))]
            assert line in links, (listing, links)

    def source_name(b: Built) -> None:
        links = by_class(b.page(briefing), "bf-kicker")[0]
        anchor = by_tag(links, "a")[0]
        assert text(anchor) == line
        assert anchor.get("href") == SOURCE_URL.format(i=i)

    def summary(b: Built) -> None:
        assert text(by_class(b.page(briefing), "bf-bluf__text")[0]) == line
        cards = [text(e) for e in by_class(b.page("index.html"), "bf-card__summary")]
        assert (line in cards) == on_home

    def key_point(b: Built) -> None:
        assert [text(li) for li in by_tag(by_class(b.page(briefing), "bf-points")[0], "li")] == [
            line]

    def role(b: Built) -> None:
        assert line in [text(e) for e in by_class(b.page(briefing), "bf-involved__role")]
        assert line in [text(e) for e in by_class(b.page(actor), "bf-role")]

    def quote_text(b: Built) -> None:
        for page in (briefing, actor, "quotes/index.html"):
            shown = [words for words, _, _ in quote_boxes(b.page(page))]
            assert line in shown, (page, shown)

    def quote_context(b: Built) -> None:
        # the speaker's name and title are this payload too
        assert [caption for _, _, caption in quote_boxes(b.page(briefing))] == [
            f"{line}, {line} · {line}"]

    def speaker(b: Built) -> None:
        for page in (briefing, "quotes/index.html"):
            speakers = [name for _, name, _ in quote_boxes(b.page(page))]
            assert line in speakers, (page, speakers)
        # on the speaker's own page the boxes leave out who said them: the context alone
        assert [(name, said) for _, name, said in quote_boxes(b.page(actor))] == [("", line)]

    def claim_text(b: Built) -> None:
        for page in (briefing, actor):
            rows = by_tag(by_tag(by_class(b.page(page), "bf-claims")[0], "tbody")[0], "tr")
            assert [text(by_tag(r, "td")[0]) for r in rows] == [line], page

    def evidence(b: Built) -> None:
        row = by_tag(by_tag(by_class(b.page(briefing), "bf-claims")[0], "tbody")[0], "tr")[0]
        trace = by_tag(by_tag(row, "td")[-1], "a")[0]
        assert norm(trace.get("title") or "") == line
        assert trace.get("href") == "#p-2"

    def event_text(b: Built) -> None:
        def words(event: Element) -> str:  # the event's own text, after its date
            return norm(child(event, "time").tail or "")

        assert [words(e) for e in items(b.page(briefing), "bf-timeline")] == [line]
        assert line in [words(e) for e in items(b.page("timeline/index.html"), "bf-timeline")]

    def relation_note(b: Built) -> None:
        expected = f"— {line}"
        for page in (briefing, actor, "actors/anchor/index.html", "network/index.html"):
            notes = [text(e) for r in items(b.page(page), "bf-relations")
                     for e in by_tag(r, "small")]
            assert expected in notes, (page, notes)

    def article(b: Built) -> None:
        page = b.page(briefing)
        paragraph = by_id(page, "p-2")
        assert paragraph is not None
        number = child(paragraph, "a")  # each paragraph starts with a link to itself
        assert (text(number), number.get("href")) == ("2", "#p-2")
        assert text(paragraph)[len("2"):] == line
        assert [text(m) for m in by_tag(paragraph, "mark")] == [line]
        assert by_id(page, "p-3") is not None and by_id(page, "p-4") is None

    def mention(b: Built) -> None:
        paragraph = by_id(b.page(briefing), "p-2")
        assert paragraph is not None
        _, *links = by_tag(paragraph, "a")
        assert [(text(a), a.get("href")) for a in links] == [
            (line, f"../../actors/{actor_id(i)}/")]

    def actor_name(b: Built) -> None:
        page = b.page(actor)
        assert text(by_class(page, "bf-profile__name")[0]) == line
        assert title_tag(page) == f"{line} - {SITE_TITLE}"
        assert line in [text(e) for e in by_class(page, "md-ellipsis")]
        names = [text(a) for a in by_class(b.page("actors/index.html"), "bf-actor-link")]
        assert line in names
        involved = [text(a) for a in by_class(b.page(briefing), "bf-actor-link")]
        assert line in involved

    def actor_title(b: Built) -> None:
        assert text(by_class(b.page(actor), "bf-profile__title")[0]) == line
        # the speaker's name and the quote's context are this payload too
        assert f"{line}, {line} · {line}" in [
            caption for _, _, caption in quote_boxes(b.page(briefing))]

    def alias(b: Built) -> None:
        assert [text(e) for e in by_class(b.page(actor), "bf-alias")] == [f"{line} alias"]

    def description(b: Built) -> None:
        shown = by_class(b.page(actor), "bf-profile__description")
        assert shown, "no description"
        if i not in MARKDOWN_SYNTAX:
            assert text(shown[0]) == line

    def link_label(b: Built) -> None:
        anchors = by_tag(by_class(b.page(actor), "bf-profile__links")[0], "a")
        assert [(text(a), a.get("href")) for a in anchors] == [(line, LINK_URL.format(i=i))]

    return {
        "briefing-title": briefing_title, "source-name": source_name, "summary": summary,
        "key-point": key_point, "role": role, "quote-text": quote_text,
        "quote-context": quote_context, "speaker": speaker, "claim-text": claim_text,
        "evidence": evidence, "event-text": event_text, "relation-note": relation_note,
        "article": article, "mention": mention, "actor-name": actor_name,
        "actor-title": actor_title, "alias": alias, "description": description,
        "link-label": link_label,
    }


FIELDS = tuple(field_checks(0))
def field_cases() -> list[object]:
    return [
        pytest.param(index, field, id=f"payload{index:02d}-{field}")
        for index in range(len(PAYLOADS)) for field in FIELDS
    ]


@pytest.mark.parametrize(("index", "field"), field_cases())
def test_field_shows_payload_as_text(hostile: Built, index: int, field: str) -> None:
    field_checks(index)[field](hostile)


def test_astral_characters_keep_the_front_matter(hostile: Built) -> None:
    assert ASTRAL
    bad: list[str] = []
    for i in ASTRAL:
        for page in sorted(astral_pages()):
            root = hostile.page(page)
            title = text(by_tag(root, "title")[0])
            if title != f"{norm(PAYLOADS[i])} - {SITE_TITLE}":
                bad.append(f"{page}: <title>{title}</title>")
            for e in elements(root):
                href = re.sub(r"[\x00-\x20]", "", e.get("href") or "").lower()
                if href.startswith(DANGEROUS_SCHEMES):
                    bad.append(f"{page}: <{local(e.tag)} href={e.get('href')!r}>")
            for heading in by_tag(content(root), "h2"):
                if text(heading).startswith("title:"):
                    bad.append(f"{page}: front matter shown as <h2>{text(heading)}</h2>")
            if by_tag(content(root), "hr"):
                bad.append(f"{page}: front matter fence shown as <hr>")
    assert not bad, "\n".join(bad)


def test_markdown_article_keeps_payloads_as_text(hostile: Built) -> None:
    page = hostile.page("briefings/markdown-article/index.html")
    article = by_class(page, "bf-article")[0]
    shown = text(article)
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                    "{{ 7*7 }}", "{% raw %}", "a | b | c", '!!! danger "x"'):
        assert payload in shown, payload


# --- links that are not http(s) are refused by `check` --------------------------------------

BRIEFING_YAML = "seeds/articles/2024-10-28-north-korean-troops-kursk.yaml"
BAD_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "jav&#x61;script:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://",
)


def _insert_after(path: Path, anchor: str, new: str) -> int:
    """Insert line `new` after the line `anchor`; return the new line's 1-based number."""
    lines = path.read_text("utf-8").split("\n")
    number = lines.index(anchor) + 1
    lines.insert(number, new)
    path.write_text("\n".join(lines), "utf-8")
    return number + 1


def _replace_line(path: Path, old: str, new: str) -> int:
    lines = path.read_text("utf-8").split("\n")
    number = lines.index(old)
    lines[number] = new
    path.write_text("\n".join(lines), "utf-8")
    return number + 1


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("where", ["source-url", "actor-link"])
def test_check_refuses_non_http_links(
    site_root: Path, monkeypatch: pytest.MonkeyPatch, url: str, where: str
) -> None:
    if where == "source-url":
        path = site_root / BRIEFING_YAML
        line = _insert_after(path, "  name: Press report", f"  url: {json.dumps(url)}")
        shown = BRIEFING_YAML
    else:
        path = site_root / "seeds" / "actors.yaml"
        line = _replace_line(path, "    Wikipedia: https://en.wikipedia.org/wiki/NATO",
                             f"    Wikipedia: {json.dumps(url)}")
        shown = "seeds/actors.yaml"
    monkeypatch.chdir(site_root)
    result = run_cli("check")
    assert result.exit_code == 1, result.stderr
    located = re.compile(rf"^{re.escape(shown)}:{line}:\d+: error: .*(url|link)", re.M)
    assert located.search(result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
