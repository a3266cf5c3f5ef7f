"""Render stage: turn the verified site into Markdown pages with Jinja2 templates.

Every piece of article or YAML text is escaped for HTML (autoescape) and lands only inside
raw HTML blocks or front matter, so none of it can become markup, Markdown structure or a
link: the analyst's words always show as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator import diagram, model
from generator.cache import fingerprint
from generator.components import (
    Blocks,
    Links,
    actor_page,
    briefing_page,
    quotes_page,
    relative_url,
    stated_at,
    tag_page,
    timeline_page,
)
from generator.textmatch import markdown_html

HOME = "index.md"
BRIEFINGS = "briefings/index.md"
ACTORS = "actors/index.md"
TAGS = "tags/index.md"
TIMELINE = "timeline/index.md"
QUOTES = "quotes/index.md"
NETWORK = "network/index.md"
INDEX_PAGES = (HOME, BRIEFINGS, ACTORS, TAGS, TIMELINE, QUOTES, NETWORK)
OWNED_DIRS = ("briefings", "actors", "tags", "timeline", "quotes", "network")


def owned_page(rel: str) -> bool:
    """Whether a docs-relative path is one the generator writes (and may remove): the home
    page, and what is in its folders; never a hand-written page."""
    return rel == HOME or rel.split("/", 1)[0] in OWNED_DIRS
LATEST = 12
RECENT = 30



def front_matter_text(value: str) -> Markup:
    """A YAML double-quoted scalar that MkDocs will print as text, never as HTML."""
    return Markup(json.dumps(str(escape(" ".join(value.split()))), ensure_ascii=False))


def sanitise_markdown(text: str) -> Markup:
    """Render an analyst's Markdown to HTML that keeps no markup of its own (the `sanitise`
    filter; actors' descriptions come sanitised already, as `description_html`)."""
    return Markup(markdown_html(text))


class TemplateNotUtf8(jinja2.TemplateSyntaxError):
    """A template file that is not UTF-8 text."""


class Renderer:
    """Renders every page of a site from the templates folder."""

    def __init__(self, templates: Path, directory_urls: bool = True,
                 compiled: Path | None = None) -> None:
        """`compiled`: a folder to keep compiled templates in from one run to the next."""
        self.directory_urls = directory_urls
        self.templates = templates
        self._links: dict[tuple[str, bool], Links] = {}  # the pages' blocks share them
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A renderer lives for one run: no template is looked at on disk again for each
            # page (a stat per page), and the next run reads any that changed.
            auto_reload=False,
        )
        self.env.filters["front_matter"] = front_matter_text
        self.env.filters["sanitise"] = sanitise_markdown
        self.env.globals["url"] = self._url
        self.env.globals["briefing_page"] = briefing_page
        self.env.globals["actor_page"] = actor_page
        self.env.globals["tag_page"] = tag_page
        self.env.globals["timeline_page"] = timeline_page
        self.env.globals["quotes_page"] = quotes_page
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

    def render(self, template: str, page: str, actors: dict[str, model.Actor],
               **values: Any) -> str:
        """Render one template as the page at docs-relative path `page`.

        Besides `values` it sees `page`, `actors` and `blocks`, the building blocks of pages
        (components.Blocks) with their links made relative to this page.
        """
        blocks = Blocks(page, actors, self.directory_urls, self._links)
        return self.env.get_template(template).render(page=page, actors=actors, blocks=blocks,
                                                      **values)

    def compile_all(self) -> None:
        """Compile every template now, so worker processes inherit them compiled; a
        template that is not UTF-8 is a TemplateNotUtf8 naming it."""
        for name in self.env.list_templates(filter_func=lambda name: name.endswith(".j2")):
            try:
                self.env.get_template(name)
            except UnicodeDecodeError as exc:
                raise TemplateNotUtf8(
                    f"not UTF-8 (byte 0x{exc.object[exc.start]:02x}); save the template as UTF-8",
                    exc.object[:exc.start].count(b"\n") + 1, name,
                    str(self.templates / name)) from None

    def briefing(self, briefing: model.Briefing, article: model.Article,
                 actors: dict[str, model.Actor]) -> str:
        """The page of one briefing, with its article."""
        return self.render(
            "briefing.md.j2", briefing_page(briefing.slug), actors,
            briefing=briefing,
            article=article,
            claims=[model.ClaimRef(briefing, claim) for claim in briefing.claims],
        )


def _actor_link(renderer: Renderer, page: str, actor_id: str) -> str:
    return renderer.link(page, actor_page(actor_id))


@dataclass(frozen=True, slots=True)
class PagePlan:
    """A page to generate: its path, what it shows (`key`) and how to render it.

    Two plans with the same fingerprint render the same text, so a page whose fingerprint
    has not changed since the last run need not be rendered again. Both the fingerprint and
    the page are worked out only when asked for, so a worker process can do either.
    """

    path: str
    salt: str
    key: Callable[[], tuple[object, ...]]
    render: Callable[[], str]

    def fingerprint(self) -> str:
        """A hash of everything the page shows, and of the templates."""
        return fingerprint(self.salt, self.path, self.key())


def _display(actor: model.Actor) -> tuple[str, str, str, str]:
    """What other pages show of an actor: a link with its name, kind and title."""
    return (actor.id, actor.name, actor.kind, actor.title)


def templates_key(templates: Path) -> str:
    """A hash of every template: a changed template means every page is rendered again."""
    return fingerprint(*(
        (path.relative_to(templates).as_posix(), path.read_bytes())
        for path in sorted(templates.rglob("*")) if path.is_file()
    ))


def page_salt(templates: Path, directory_urls: bool) -> str:
    """What every page's fingerprint starts from: the templates and the link style."""
    return fingerprint(templates_key(templates), directory_urls)


def briefing_fingerprint(salt: str, briefing: model.Briefing, source_key: str,
                         actors: dict[str, model.Actor]) -> str:
    """The fingerprint of a briefing's page: its sources and how it shows each actor."""
    return fingerprint(salt, briefing_page(briefing.slug), source_key, tuple(
        _display(actors[p.actor]) for p in briefing.presences if p.actor in actors))


def pages_of(briefing: model.Briefing) -> tuple[str, ...]:
    """The pages that show something of this briefing, besides the index pages.

    Its own page, the page of every actor present in it, its tags' pages, the timeline
    pages of its events' years and the quotes page of its year. A change to a briefing can
    change these pages and the index pages, and no others.
    """
    pages = [briefing_page(briefing.slug), *(actor_page(p.actor) for p in briefing.presences),
             *(tag_page(tag) for tag in briefing.tags),
             *(timeline_page(year) for year in sorted({e.date.year for e in briefing.events}))]
    if briefing.quotes:
        pages.append(quotes_page(briefing.date.year))
    return tuple(pages)


def shows_actors(page: str) -> bool:
    """Whether a page that shows a briefing can show an actor: all but a tag's page, which
    lists the briefings' titles, dates and sources."""
    return not page.startswith(_TAG_FOLDER)


_TAG_FOLDER = tag_page("x")[: -len("x.md")]


# What index pages show of each thing, as plain tuples: a page is rendered again when, and
# only when, one of these changes.
def _head(b: model.Briefing) -> tuple[str, str, int]:
    return (b.slug, b.title, b.date.toordinal())


def _row(b: model.Briefing) -> tuple[object, ...]:
    return (b.slug, b.title, b.date.toordinal(), b.source.name)


def _card(b: model.Briefing) -> tuple[object, ...]:
    return (b.slug, b.title, b.date.toordinal(), b.source.name, b.summary, len(b.quotes), b.tags)


def _rows(briefings: Iterable[model.Briefing]) -> tuple[tuple[object, ...], ...]:
    return tuple(_row(b) for b in briefings)


def _quote(ref: model.QuoteRef) -> tuple[object, ...]:
    q = ref.quote
    return (_head(ref.briefing), q.number, q.speaker, q.text, q.context, q.paragraph,
            q.highlighted)


def _event(ref: model.EventRef) -> tuple[object, ...]:
    e = ref.event
    return (_head(ref.briefing), e.number, e.date.iso, e.text, e.actors)


def _relation(ref: model.RelationRef) -> tuple[object, ...]:
    r = ref.relation
    return (r.source, r.type, r.target, r.note,
            tuple((_head(b), stated_at(b, r)) for b in ref.briefings))


def shown_on(briefing: model.Briefing) -> dict[str, tuple[object, ...]]:
    """What each page in `pages_of(briefing)` but its own shows of the briefing.

    Each page's fingerprint is made of these parts, one from each briefing it shows (with
    what they are ordered by), and of the actor registry: while a briefing's part for a page
    is the same, its edit cannot change that page. A part may hold more than the page shows.
    """
    head = _head(briefing)
    present = tuple(p.actor for p in briefing.presences)  # who is counted as appearing with whom
    parts: dict[str, tuple[object, ...]] = {}
    for presence in briefing.presences:
        related = tuple((i, r) for i, r in enumerate(briefing.relations)  # place: the anchor
                        if presence.actor in (r.source, r.target))
        parts[actor_page(presence.actor)] = (head, presence, related, present)
    for tag in briefing.tags:
        parts[tag_page(tag)] = _row(briefing)
    for year in sorted({e.date.year for e in briefing.events}):
        parts[timeline_page(year)] = tuple(
            (i, _event(model.EventRef(briefing, e)))
            for i, e in enumerate(briefing.events) if e.date.year == year)
    if briefing.quotes:
        parts[quotes_page(briefing.date.year)] = _quotes_of(briefing)
    return parts


def index_view(briefing: model.Briefing, among: Collection[str] = ()) -> tuple[object, ...]:
    """Everything an index page can show of a briefing, or count of it, but its tags (which
    the tags page counts): its card but the summary and tags (the briefings list, the order
    of the latest), who it quotes (the actors' quote counts), its events' dates (the
    timeline's counts, their order), its relations with their notes (the network), and what
    the pages of LATEST_PAGES show of it where it is among their latest (`among`): its
    quotes, its whole card, its events. While this and its tags are the same, and no
    briefing is added or removed, no index page changes."""
    return (
        (briefing.slug, briefing.title, briefing.date.toordinal(), briefing.source.name,
         len(briefing.quotes)),
        tuple(q.speaker for q in briefing.quotes),
        tuple(e.date.iso for e in briefing.events),
        tuple((r.source, r.type, r.target, r.note) for r in briefing.relations),
        _quotes_of(briefing) if QUOTES in among else (),
        _card(briefing) if HOME in among else (),
        tuple(_event(model.EventRef(briefing, e)) for e in briefing.events)
        if TIMELINE in among else (),
    )


def _quotes_of(briefing: model.Briefing) -> tuple[tuple[object, ...], ...]:
    return tuple(_quote(model.QuoteRef(briefing, q)) for q in briefing.quotes)


LATEST_PAGES = (QUOTES, HOME, TIMELINE)  # index pages that show the latest briefings' parts


def latest_shown(site: model.Site) -> dict[str, set[str]]:
    """For each page of LATEST_PAGES, the briefings among its latest: whose quotes the quotes
    page lists, whose cards the home page shows, whose events the timeline lists."""
    return {
        QUOTES: {ref.briefing.slug for ref in site.quotes[:RECENT]},
        HOME: {briefing.slug for briefing in site.briefings[:LATEST]},
        TIMELINE: {ref.briefing.slug for ref in site.events[-RECENT:]},
    }


YearCounts = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


def count_by_year(events: Mapping[int, int], quotes: Mapping[int, int]) -> YearCounts:
    """How many events and how many quotes each year has (years with none left out), as
    the timeline and quotes pages list them: (year, count), by year."""
    return (tuple(sorted((year, n) for year, n in events.items() if n)),
            tuple(sorted((year, n) for year, n in quotes.items() if n)))


def plan_site(
    site: model.Site, renderer: Renderer, salt: str,
    wanted: Callable[[str], bool] = lambda path: True,
    whole: Any = None,
    by_year: YearCounts | None = None,
    totals: tuple[int, int, int, int] | None = None,
    tag_counts: tuple[tuple[str, int], ...] | None = None,
) -> list[PagePlan]:
    """The pages of the site but the briefings' own that `wanted` asks for, in a stable order,
    with their fingerprints; the work of a page not wanted is skipped.

    `site` may hold only the briefings that the wanted pages show: `whole`, then, is what
    templates see as `site` (the whole site, built only if a template looks at it), and
    `by_year` the events and quotes of each year in the whole site, `totals` its numbers
    of briefings, actors, quotes and events, and `tag_counts` its tags with the number of
    briefings of each, by tag.
    """
    actors = site.actors
    seen_as = site if whole is None else whole
    plans: list[PagePlan] = []

    def plan(path: str, key: Callable[[], tuple[object, ...]], template: str,
             **values: Any) -> None:
        if wanted(path):
            add(path, key, template, **values)

    def add(path: str, key: Callable[[], tuple[object, ...]], template: str,
            **values: Any) -> None:
        def render() -> str:
            computed = {k: v() if callable(v) else v for k, v in values.items()}
            return renderer.render(template, path, actors, site=seen_as, **computed)

        plans.append(PagePlan(path, salt, key, render))

    def displays(ids: Iterable[str]) -> tuple[tuple[str, str, str, str], ...]:
        return tuple(_display(actors[i]) for i in sorted(set(ids)) if i in actors)

    outgoing: dict[str, list[model.RelationRef]] = {}
    incoming: dict[str, list[model.RelationRef]] = {}
    for ref in site.relations:
        outgoing.setdefault(ref.relation.source, []).append(ref)
        incoming.setdefault(ref.relation.target, []).append(ref)
    def actor_key(actor: model.Actor, co_actors: Callable[[], Any]) -> tuple[object, ...]:
        appearances = site.appearances.get(actor.id, ())
        relations = [*outgoing.get(actor.id, ()), *incoming.get(actor.id, ())]
        linked = [actor.affiliation, *(other for other, _ in co_actors())]
        linked += [r.relation.source for r in relations] + [r.relation.target for r in relations]
        return (
            repr(actor),
            # what each briefing says of the actor (its quotes and claims too), by digest
            tuple((a.briefing.slug, a.briefing.title, a.briefing.date.toordinal(),
                   a.presence.digest) for a in appearances),
            tuple(_relation(ref) for ref in relations),
            co_actors(),
            displays(linked),
        )

    for actor in actors.values():
        page = actor_page(actor.id)
        if not wanted(page):  # most of them, after an edit: skip the work below
            continue
        appearances = site.appearances.get(actor.id, ())
        quotes = site.quotes_by_actor.get(actor.id, ())
        claims = site.claims_by_actor.get(actor.id, ())
        co_actors = cache(partial(model.co_actors, site, actor.id))  # for the key and the page
        relations = [*outgoing.get(actor.id, ()), *incoming.get(actor.id, ())]
        add(
            page, partial(actor_key, actor, co_actors), "actor.md.j2",
            actor=actor,
            quotes=quotes,
            claims=claims,
            appearances=appearances,
            outgoing=outgoing.get(actor.id, ()),
            incoming=incoming.get(actor.id, ()),
            co_actors=co_actors,
            network=partial(diagram.ego_network, site, actor.id, relations,
                            partial(_actor_link, renderer, page)),
        )
    for tag, tagged in site.tags.items():
        plan(tag_page(tag), partial(_rows, tagged), "tag.md.j2", tag=tag, tagged=tagged)
    events_by_year: dict[int, list[model.EventRef]] = {}
    def events_key(events: list[model.EventRef]) -> tuple[object, ...]:
        return (tuple(_event(r) for r in events),
                displays(a for r in events for a in r.event.actors))

    def quotes_key(quotes: list[model.QuoteRef]) -> tuple[object, ...]:
        return (tuple(_quote(r) for r in quotes), displays(r.quote.speaker for r in quotes))

    for event_ref in site.events:
        events_by_year.setdefault(event_ref.event.date.year, []).append(event_ref)
    quotes_by_year: dict[int, list[model.QuoteRef]] = {}
    for quote_ref in site.quotes:
        quotes_by_year.setdefault(quote_ref.briefing.date.year, []).append(quote_ref)
    for year, events in events_by_year.items():
        plan(timeline_page(year), partial(events_key, events), "timeline_year.md.j2",
             year=year, events=events)
    for year, said in quotes_by_year.items():
        plan(quotes_page(year), partial(quotes_key, said), "quotes_year.md.j2",
             year=year, quotes=said)
    latest = site.briefings[:LATEST]
    counts = totals or (len(site.briefings), len(actors), len(site.quotes), len(site.events))
    plan(HOME, lambda: (tuple(_card(b) for b in latest), counts), "home.md.j2", latest=latest,
         stats=dict(zip(("briefings", "actors", "quotes", "events"), counts, strict=True)))
    plan(BRIEFINGS, partial(_rows, site.briefings), "briefings.md.j2")
    plan(
        ACTORS,
        lambda: (displays(actors),
                 sorted((k, len(v)) for k, v in site.quotes_by_actor.items())),
        "actors.md.j2",
        by_kind=partial(_actors_by_kind, site),
        quote_counts=lambda: {k: len(v) for k, v in site.quotes_by_actor.items()},
    )
    tags = tag_counts or tuple((tag, len(tagged)) for tag, tagged in site.tags.items())
    plan(TAGS, lambda: tags, "tags.md.j2", tag_counts=tags)
    year_counts = by_year or count_by_year(
        {year: len(events) for year, events in events_by_year.items()},
        {year: len(quotes) for year, quotes in quotes_by_year.items()})
    recent_events = site.events[-RECENT:]
    plan(
        TIMELINE,
        lambda: (year_counts, tuple(_event(r) for r in recent_events),
                 displays(a for r in recent_events for a in r.event.actors)),
        "timeline.md.j2", years=year_counts[0], recent=recent_events[::-1],
    )
    recent_quotes = site.quotes[:RECENT]
    plan(
        QUOTES,
        lambda: (year_counts, tuple(_quote(r) for r in recent_quotes),
                 displays(r.quote.speaker for r in recent_quotes)),
        "quotes.md.j2", years=year_counts[1], recent=recent_quotes,
    )
    plan(
        NETWORK,
        lambda: (tuple(_relation(r) for r in site.relations),
                 displays(a for r in site.relations
                          for a in (r.relation.source, r.relation.target))),
        "network.md.j2",
        network=partial(diagram.site_network, site, partial(_actor_link, renderer, NETWORK)),
    )
    return plans


def _actors_by_kind(site: model.Site) -> dict[str, list[model.Actor]]:
    return {
        kind: sorted((a for a in site.actors.values() if a.kind == kind),
                     key=lambda a: (a.name.casefold(), a.id))
        for kind in model.ACTOR_KINDS
    }
