"""Render stage: turn the verified site into Markdown pages with Jinja2 templates.

Every piece of article or YAML text is escaped for HTML (autoescape) and lands only inside
raw HTML blocks or front matter, so none of it can become markup, Markdown structure or a
link: the analyst's words always show as written.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markupsafe import Markup, escape

from generator import diagram, model

HOME = "index.md"
BRIEFINGS = "briefings/index.md"
ACTORS = "actors/index.md"
TAGS = "tags/index.md"
TIMELINE = "timeline/index.md"
QUOTES = "quotes/index.md"
NETWORK = "network/index.md"
INDEX_PAGES = (HOME, BRIEFINGS, ACTORS, TAGS, TIMELINE, QUOTES, NETWORK)
OWNED_DIRS = ("briefings", "actors", "tags", "timeline", "quotes", "network")
LATEST = 12

_DESCRIPTION_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "blockquote"}
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def briefing_page(slug: str) -> str:
    """The docs-relative page of a briefing."""
    return f"briefings/{slug}.md"


def actor_page(actor_id: str) -> str:
    """The docs-relative page of an actor."""
    return f"actors/{actor_id}.md"


def tag_page(tag: str) -> str:
    """The docs-relative page of a tag."""
    return f"tags/{tag}.md"


def page_url(path: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a page, relative to the site root."""
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(source: str, target: str, directory_urls: bool, anchor: str = "") -> str:
    """A link from one page to another (and an anchor on it) that works on any host."""
    src = page_url(source, directory_urls)
    dst = page_url(target, directory_urls)
    base = src if src.endswith("/") or not src else posixpath.dirname(src)
    rel = posixpath.relpath(dst or ".", base or ".")
    if not dst or dst.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def front_matter_text(value: str) -> Markup:
    """A YAML double-quoted scalar that MkDocs will print as text, never as HTML."""
    return Markup(json.dumps(str(escape(" ".join(value.split()))), ensure_ascii=False))


def sanitise_markdown(text: str) -> Markup:
    """Render an analyst's Markdown (descriptions) to HTML that keeps no markup of its own."""
    rendered = markdown.markdown(str(escape(text)))
    clean = nh3.clean(
        rendered,
        tags=_DESCRIPTION_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # One line: no text of the analyst's may start a line the outer Markdown pass could read.
    return Markup(_LINE_BREAKS.sub(" ", clean).strip())


def one_line(value: Any) -> Any:
    """Collapse line breaks in plain text so it can never start a Markdown block."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return " ".join(value.split())
    return value


@dataclass(frozen=True, slots=True, order=True)
class Piece:
    """A marked stretch of a paragraph: a quote highlight or a mention link."""

    start: int
    end: int
    kind: str  # "quote" or "mention"
    target: str  # quote anchor or actor id


def markup_paragraph(
    text: str, pieces: Iterable[Piece], link: Any, names: dict[str, str]
) -> Markup:
    """Escape a paragraph, highlighting quotes and linking the first mention of each actor."""
    quotes = sorted(p for p in pieces if p.kind == "quote")
    mentions = sorted(p for p in pieces if p.kind == "mention")
    out: list[str] = []
    linked: set[str] = set()

    def plain(start: int, end: int) -> None:
        position = start
        for mention in mentions:
            if mention.start < position or mention.end > end or mention.target in linked:
                continue
            linked.add(mention.target)
            out.append(str(escape(text[position : mention.start])))
            out.append(
                f'<a class="bf-mention" href="{escape(link(actor_page(mention.target)))}" '
                f'title="{escape(names[mention.target])}">'
                f"{escape(text[mention.start : mention.end])}</a>"
            )
            position = mention.end
        out.append(str(escape(text[position:end])))

    position = 0
    for quote in quotes:
        if quote.start < position:
            continue
        plain(position, quote.start)
        out.append(f'<mark class="bf-quoted" data-quote="{escape(quote.target)}">')
        plain(quote.start, quote.end)
        out.append("</mark>")
        position = quote.end
    plain(position, len(text))
    return Markup("".join(out))


class Renderer:
    """Renders every page of a site from the templates folder."""

    def __init__(self, templates: Path, directory_urls: bool = True) -> None:
        self.directory_urls = directory_urls
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            finalize=one_line,
        )
        self.env.filters["front_matter"] = front_matter_text
        self.env.filters["sanitise"] = sanitise_markdown
        self.env.globals["url"] = self._url
        self.env.globals["briefing_page"] = briefing_page
        self.env.globals["actor_page"] = actor_page
        self.env.globals["tag_page"] = tag_page
        self.env.globals["KIND_PLURALS"] = model.KIND_PLURALS
        self.env.globals.update(
            HOME=HOME, BRIEFINGS=BRIEFINGS, ACTORS=ACTORS, TAGS=TAGS,
            TIMELINE=TIMELINE, QUOTES=QUOTES, NETWORK=NETWORK,
        )

    @jinja2.pass_context
    def _url(self, context: Any, target: str, anchor: str = "") -> str:
        return self.link(context["page"], target, anchor)

    def link(self, source: str, target: str, anchor: str = "") -> str:
        """A relative link from page `source` to page `target`."""
        return relative_url(source, target, self.directory_urls, anchor)

    def render(self, template: str, page: str, **values: Any) -> str:
        """Render one template as the page at docs-relative path `page`."""
        return self.env.get_template(template).render(page=page, **values)

    def article(self, briefing: model.Briefing, names: dict[str, str]) -> list[Markup]:
        """The article's paragraphs as escaped HTML with quotes highlighted, mentions linked."""
        pieces: list[list[Piece]] = [[] for _ in briefing.paragraphs]
        for quote in briefing.quotes:
            for span in quote.spans:
                pieces[span.paragraph].append(Piece(span.start, span.end, "quote", quote.anchor))
        for mention in briefing.mentions:
            span = mention.span
            pieces[span.paragraph].append(Piece(span.start, span.end, "mention", mention.actor))
        page = briefing_page(briefing.slug)
        return [
            markup_paragraph(p.text, pieces[i], lambda target: self.link(page, target), names)
            for i, p in enumerate(briefing.paragraphs)
        ]


def _actor_link(renderer: Renderer, page: str, actor_id: str) -> str:
    return renderer.link(page, actor_page(actor_id))


def render_site(site: model.Site, templates: Path, directory_urls: bool = True) -> dict[str, str]:
    """Render every generated page: docs-relative path to Markdown text."""
    renderer = Renderer(templates, directory_urls)
    names = {actor_id: actor.name for actor_id, actor in site.actors.items()}
    pages: dict[str, str] = {}
    common = {"site": site, "actors": site.actors}
    for briefing in site.briefings:
        page = briefing_page(briefing.slug)
        pages[page] = renderer.render(
            "briefing.md.j2", page, briefing=briefing,
            article=renderer.article(briefing, names),
            claims=[model.ClaimRef(briefing, claim) for claim in briefing.claims], **common,
        )
    for actor in site.actors.values():
        page = actor_page(actor.id)
        pages[page] = renderer.render(
            "actor.md.j2", page, actor=actor,
            quotes=site.quotes_by_actor.get(actor.id, ()),
            claims=site.claims_by_actor.get(actor.id, ()),
            appearances=site.appearances.get(actor.id, ()),
            outgoing=[r for r in site.relations if r.relation.source == actor.id],
            incoming=[r for r in site.relations if r.relation.target == actor.id],
            co_actors=site.co_actors.get(actor.id, ()),
            network=diagram.ego_network(site, actor.id, partial(_actor_link, renderer, page)),
            **common,
        )
    for tag, tagged in site.tags.items():
        page = tag_page(tag)
        pages[page] = renderer.render("tag.md.j2", page, tag=tag, tagged=tagged, **common)
    by_kind = {
        kind: sorted((a for a in site.actors.values() if a.kind == kind),
                     key=lambda a: (a.name.casefold(), a.id))
        for kind in model.ACTOR_KINDS
    }
    pages[HOME] = renderer.render("home.md.j2", HOME, latest=site.briefings[:LATEST], **common)
    pages[BRIEFINGS] = renderer.render("briefings.md.j2", BRIEFINGS, **common)
    pages[ACTORS] = renderer.render("actors.md.j2", ACTORS, by_kind=by_kind, **common)
    pages[TAGS] = renderer.render("tags.md.j2", TAGS, **common)
    pages[TIMELINE] = renderer.render("timeline.md.j2", TIMELINE, **common)
    pages[QUOTES] = renderer.render("quotes.md.j2", QUOTES, **common)
    pages[NETWORK] = renderer.render(
        "network.md.j2", NETWORK,
        network=diagram.site_network(site, partial(_actor_link, renderer, NETWORK)),
        **common,
    )
    return pages
