"""The repeated building blocks of pages, as HTML: quote boxes, timelines, claims and lists.

Templates lay out each page and call these for the blocks that repeat thousands of times on
a large site. Built here in plain Python they cost about a third of a Jinja macro, and their
markup is lean, a class on each block and plain elements inside, because MkDocs' Markdown
pass and its search index read every tag and attribute of every page.

Every text from an article or annotation is escaped here for the place it lands (element
text or a double-quoted attribute); none of it can become markup. Links are relative to the
page being rendered, so the site works on any host and from disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from functools import cache

from markupsafe import Markup

from generator import model


def briefing_page(slug: str) -> str:
    """The docs-relative page of a briefing."""
    return f"briefings/{slug}.md"


def actor_page(actor_id: str) -> str:
    """The docs-relative page of an actor."""
    return f"actors/{actor_id}.md"


def tag_page(tag: str) -> str:
    """The docs-relative page of a tag."""
    return f"tags/{tag}.md"


def timeline_page(year: int) -> str:
    """The docs-relative page of one year's events."""
    return f"timeline/{year:04d}.md"


def quotes_page(year: int) -> str:
    """The docs-relative page of one year's quotes."""
    return f"quotes/{year:04d}.md"


def item_anchor(kind: str, number: int) -> str:
    """The anchor of a briefing's event, claim or relation (`kind`) by its place (from 1) in
    the annotation, as "quote-1" is the first quote's."""
    return f"{kind}-{number}"


def stated_at(briefing: model.Briefing, relation: model.Relation) -> str:
    """The anchor of where a briefing states a relation (its note may differ from the one
    shown), or of its relations section."""
    for number, stated in enumerate(briefing.relations, 1):
        if (stated.source, stated.type, stated.target) == \
                (relation.source, relation.type, relation.target):
            return item_anchor("relation", number)
    return "relations"


@cache
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
    """A link from page `source` to page `target` (and an anchor on it) that works on any
    host: up to the site root, then down to the target; an anchor alone on the same page."""
    if source == target:
        return f"#{anchor}" if anchor else "./"
    url = "../" * page_url(source, directory_urls).count("/") + page_url(target, directory_urls)
    url = url or "./"
    return f"{url}#{anchor}" if anchor else url


def _e(text: str) -> str:
    """Text escaped for an element or a double-quoted attribute (every attribute here is).

    An apostrophe needs no escaping in either place, and left as it is it costs MkDocs'
    Markdown pass nothing; an entity it parses one by one. (Four replacements in C cost a
    quarter of markupsafe's escape and its Markup object, on the million texts of a site.)
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&#34;")


Stretch = model.Stretch


def quote_target(quote: model.Quote) -> str:
    """The anchor on the briefing's page that a box of `quote` links to: its highlight where
    it begins in the article, or its paragraph when it begins inside another quote's."""
    return f"{quote.anchor}-text" if quote.highlighted else f"p-{quote.paragraph + 1}"


def markup_paragraph(
    text: str, quotes: list[Stretch], mentions: list[Stretch], link: Callable[[str], str],
    names: dict[str, str], starts: Set[Stretch] = frozenset(),
) -> str:
    """Escape a paragraph, highlighting quotes and linking the first mention of each actor;
    the highlight of each stretch in `starts` (where a quote begins) carries the quote's
    anchor with "-text" as its id, for the quote's box to link to."""
    if not quotes and not mentions:
        return _e(text)
    mentions.sort()
    out: list[str] = []
    linked: set[str] = set()

    def plain(start: int, end: int) -> None:
        position = start
        for first, last, actor in mentions:
            if first < position or last > end or actor in linked:
                continue
            linked.add(actor)
            out.append(_e(text[position:first]))
            out.append(f'<a href="{_e(link(actor_page(actor)))}" title="{_e(names[actor])}">'
                       f"{_e(text[first:last])}</a>")
            position = last
        out.append(_e(text[position:end]))

    position = 0
    for stretch in model.marked(quotes):
        first, last, anchor = stretch
        plain(position, first)
        ident = f' id="{_e(anchor)}-text"' if stretch in starts else ""
        out.append(f'<mark{ident} data-quote="{_e(anchor)}">')
        plain(first, last)
        out.append("</mark>")
        position = last
    plain(position, len(text))
    return "".join(out)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class Links:
    """Links made for the pages at one depth of the site, kept for the next page there: the
    link to each page, and each actor's link with its name (and the actor it was made of)."""

    urls: dict[str, str] = field(default_factory=dict)
    actors: dict[str, tuple[model.Actor, str]] = field(default_factory=dict)


@dataclass
class Blocks:
    """The building blocks for one page: every link in them is relative to `page`."""

    page: str
    actors: dict[str, model.Actor]
    directory_urls: bool = True
    # The links of a run's pages by their depth and link style, kept from one page to the
    # next: the same link on two such pages is the same text (a renderer keeps them).
    shared: dict[tuple[str, bool], Links] = field(default_factory=dict, repr=False)
    _up: str = field(default="", repr=False)  # from this page up to the site root
    _links: Links = field(default_factory=Links, repr=False)  # those of this page's depth

    def __post_init__(self) -> None:
        self._up = "../" * page_url(self.page, self.directory_urls).count("/")
        self._links = self.shared.setdefault((self._up, self.directory_urls), self._links)

    def url(self, target: str, anchor: str = "") -> str:
        """A link from this page to page `target`, as relative_url makes it (slugs only:
        nothing to escape)."""
        if target == self.page:
            return f"#{anchor}" if anchor else "./"
        urls = self._links.urls
        url = urls.get(target)
        if url is None:
            url = urls[target] = self._up + page_url(target, self.directory_urls) or "./"
        return f"{url}#{anchor}" if anchor else url

    # --- links and small pieces ------------------------------------------------------------

    def actor_link(self, actor_id: str) -> Markup:
        """A link to an actor's page, marked with the actor's kind."""
        return Markup(self._actor(actor_id))

    def _actor(self, actor_id: str) -> str:
        actor = self.actors[actor_id]
        if actor_page(actor_id) == self.page:  # its link to itself is this page's own
            return self._actor_html(actor)
        made = self._links.actors.get(actor_id)
        if made is None or made[0] is not actor:  # (an actor of another run's registry)
            made = self._links.actors[actor_id] = (actor, self._actor_html(actor))
        return made[1]

    def _actor_html(self, actor: model.Actor) -> str:
        return (f'<a class="bf-actor-link bf-kind-{actor.kind}" '
                f'href="{self.url(actor_page(actor.id))}">{_e(actor.name)}</a>')

    @staticmethod
    def _date(date: model.PartialDate) -> str:
        return f'<time datetime="{date.iso}">{date.label}</time>'

    @staticmethod
    def _day(briefing: model.Briefing) -> str:
        return f'<time datetime="{briefing.date.isoformat()}">{briefing.date_label}</time>'

    # --- quotes -----------------------------------------------------------------------------

    def quote_boxes(self, refs: Iterable[model.QuoteRef]) -> Markup:
        """Pull quotes from many briefings, each saying where it comes from. On the page of
        the actor who said them all, the speaker is not repeated in every box."""
        return self._quotes(self._quote(ref.briefing, ref.quote, True) for ref in refs)

    def briefing_quotes(self, briefing: model.Briefing) -> Markup:
        """The pull quotes of the briefing whose page this is."""
        return self._quotes(self._quote(briefing, quote, False) for quote in briefing.quotes)

    @staticmethod
    def _quotes(boxes: Iterable[str]) -> Markup:
        # One block around them all: Markdown copies the rest of the page after each top-level
        # HTML block, which made a page of a thousand separate boxes quadratic.
        return Markup('<div class="bf-quotes">\n' + "\n".join(boxes) + "\n</div>")

    def _quote(self, briefing: model.Briefing, quote: model.Quote, elsewhere: bool) -> str:
        speaker = self.actors[quote.speaker]
        page = briefing_page(briefing.slug)
        anchor = f"{briefing.slug}-{quote.anchor}" if elsewhere else quote.anchor
        if self.page == actor_page(speaker.id):
            said = _e(quote.context)
        else:
            said = "".join((f'<a href="{self.url(actor_page(speaker.id))}">{_e(speaker.name)}</a>',
                            f", {_e(speaker.title)}" if speaker.title else "",
                            f" · {_e(quote.context)}" if quote.context else ""))
        source = (f'<a href="{self.url(page)}">{_e(briefing.title)}</a>, {briefing.date_label}'
                  " · " if elsewhere else "")
        number = quote.paragraph + 1
        target = self.url(page, quote_target(quote))
        return (f'<figure class="bf-quote" id="{anchor}"><blockquote>{_e(quote.text)}'
                f"</blockquote><figcaption>{said}<cite>{source}"
                f'<a href="{target}">¶&nbsp;{number} in the article</a>'
                "</cite></figcaption></figure>")

    # --- an actor's briefings ---------------------------------------------------------------

    def appearances(self, appearances: Iterable[model.Appearance]) -> Markup:
        """The briefings an actor appears in, each with its role and the sentences naming it."""
        items = []
        for appearance in appearances:
            briefing, presence = appearance.briefing, appearance.presence
            # involved or mentioned: the stylesheet shows it as a badge after the title
            how = "involved" if presence.involved else "mentioned"
            role = f' <span class="bf-role">{_e(presence.role)}</span>' if presence.role else ""
            page = briefing_page(briefing.slug)
            # What the article says where it names the actor: an excerpt, traced to its
            # paragraph, never set as a quotation (the actor may not have said it).
            said = "".join(
                f'<span class="bf-excerpt">{_e(sentence)} <a href="{self.url(page, f"p-{n + 1}")}"'
                f">¶&nbsp;{n + 1}</a></span>"
                for sentence, n in zip(presence.sentences, presence.paragraphs, strict=True))
            items.append(f'<li class="bf-as-{how}">{self._day(briefing)} '
                         f'<a href="{self.url(page)}">'
                         f"{_e(briefing.title)}</a>{role}{said}</li>")
        return Markup('<ul class="bf-appearances">\n' + "\n".join(items) + "\n</ul>")

    def briefing_rows(self, briefings: Iterable[model.Briefing]) -> Markup:
        """Briefings one a line: date, title, source."""
        rows = "\n".join(
            f"<li>{self._day(b)} <a href=\"{self.url(briefing_page(b.slug))}\">{_e(b.title)}"
            f"</a> <small>{_e(b.source.name)}</small></li>" for b in briefings)
        return Markup(f'<ul class="bf-list">\n{rows}\n</ul>')

    # --- claims -----------------------------------------------------------------------------

    def claims(self, refs: Sequence[model.ClaimRef], by_actor: bool) -> Markup:
        """A table of claims: those of a briefing (with who asserts each and its evidence), or
        those of an actor (`by_actor`, with the briefing each is from)."""
        head: tuple[str, ...]
        if by_actor:
            head = ("Claim", "Status", "Grade", "Likelihood", "Briefing")
        else:
            head = ("Claim", "Status", "By", "Grade", "Likelihood", "Evidence")
        rows = []
        for ref in refs:
            briefing, claim = ref.briefing, ref.claim
            cells = [_e(claim.text),
                     f'<span class="bf-status bf-status--{claim.status}">{claim.status}</span>']
            if not by_actor:
                cells.append(self._actor(claim.by) if claim.by else "")
            cells.append(f'<abbr class="bf-grade" title="Source reliability {claim.grade[0]}, '
                         f'information credibility {claim.grade[1]}">{claim.grade}</abbr>'
                         if claim.grade else "")
            cells.append(claim.likelihood.replace("-", " "))
            page = briefing_page(briefing.slug)
            if by_actor:
                cells.append(f'<a href="{self.url(page, item_anchor("claim", claim.number))}">'
                             f"{_e(briefing.title)}</a>")
            elif claim.spans:
                number = claim.spans[0].paragraph + 1
                cells.append(f'<a href="{self.url(page, f"p-{number}")}" '
                             f'title="{_e(claim.evidence)}">¶&nbsp;{number}</a>')
            else:
                cells.append("")
            row = "<tr>" if by_actor else f'<tr id="{item_anchor("claim", claim.number)}">'
            rows.append(row + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        kind = "actor" if by_actor else "briefing"
        columns = "".join(f'<th scope="col">{name}</th>' for name in head)
        return Markup(f'<table class="bf-claims bf-claims--{kind}">\n<thead><tr>{columns}'
                      "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")

    # --- events and relations ---------------------------------------------------------------

    def timeline(self, refs: Iterable[model.EventRef]) -> Markup:
        """Events from many briefings, each linked to the briefing it comes from."""
        return Markup('<ol class="bf-timeline">\n' + "\n".join(
            self._event(ref.event, ref.briefing) for ref in refs) + "\n</ol>")

    def briefing_timeline(self, briefing: model.Briefing) -> Markup:
        """The events of the briefing whose page this is, in date order."""
        events = sorted(briefing.events, key=lambda e: (e.date.year, e.date.month, e.date.day))
        return Markup('<ol class="bf-timeline">\n' + "\n".join(
            self._event(event, None, f' id="{item_anchor("event", event.number)}"')
            for event in events) + "\n</ol>")

    def _event(self, event: model.Event, briefing: model.Briefing | None, anchor: str = "") -> str:
        # The date, the text, then (small) the actors and (cite) the briefing it is from, its
        # link going to the event there.
        actors = ("<small>" + ", ".join(self._actor(a) for a in event.actors) + "</small>"
                  if event.actors else "")
        source = ""
        if briefing is not None:
            page = briefing_page(briefing.slug)
            source = (f'<cite><a href="{self.url(page, item_anchor("event", event.number))}">'
                      f"{_e(briefing.title)}</a></cite>")
        return f"<li{anchor}>{self._date(event.date)}{_e(event.text)}{actors}{source}</li>"

    def relations(self, refs: Iterable[model.RelationRef]) -> Markup:
        """Relations, each with the briefings that state it."""
        return Markup('<ul class="bf-relations">\n' + "\n".join(
            self._relation(ref.relation, ref.briefings) for ref in refs) + "\n</ul>")

    def briefing_relations(self, briefing: model.Briefing) -> Markup:
        """The relations the briefing whose page this is states."""
        return Markup('<ul class="bf-relations">\n' + "\n".join(
            self._relation(relation, (), f' id="{item_anchor("relation", number)}"')
            for number, relation in enumerate(briefing.relations, 1)) + "\n</ul>")

    def _relation(self, relation: model.Relation, briefings: Iterable[model.Briefing],
                  anchor: str = "") -> str:
        note = f" <small>— {_e(relation.note)}</small>" if relation.note else ""
        sources = "".join(
            f' <a href="{self.url(briefing_page(b.slug), stated_at(b, relation))}" '
            f'title="{_e(b.title)}">{b.date_label}</a>' for b in briefings)
        kind = relation.type.replace("-", " ")
        # On an actor's own page, under "From <actor>" or "To <actor>", its side goes unsaid.
        source = "" if self.page == actor_page(relation.source) else \
            self._actor(relation.source) + " "
        target = "" if self.page == actor_page(relation.target) else \
            " " + self._actor(relation.target)
        return (f'<li{anchor}>{source}<span class="bf-relation__type">{kind}</span>'
                f"{target}{note}{sources}</li>")

    # --- lists of actors --------------------------------------------------------------------

    def involved(self, briefing: model.Briefing) -> Markup:
        """The actors that matter in a briefing, with their kind, title and role there."""
        items = []
        for involvement in briefing.actors:
            actor = self.actors[involvement.actor]
            about = f"{actor.kind} · {_e(actor.title)}" if actor.title else actor.kind
            role = (f'<span class="bf-involved__role">{_e(involvement.role)}</span>'
                    if involvement.role else "")
            items.append(f"<li>{self._actor(actor.id)} <small>{about}</small>{role}</li>")
        return Markup('<ul class="bf-involved">\n' + "\n".join(items) + "\n</ul>")

    def actor_list(self, actors: Iterable[model.Actor], quotes: dict[str, int]) -> Markup:
        """Actors one a line: name, title and how many quotes the site has of them."""
        items = []
        for actor in actors:
            title = f" <small>{_e(actor.title)}</small>" if actor.title else ""
            said = quotes.get(actor.id, 0)
            badge = f' <span class="bf-badge">{_plural(said, "quote")}</span>' if said else ""
            items.append(f"<li>{self._actor(actor.id)}{title}{badge}</li>")
        return Markup('<ul class="bf-actor-list">\n' + "\n".join(items) + "\n</ul>")

    def co_actors(self, pairs: Iterable[tuple[str, int]]) -> Markup:
        """The actors another appears with most, and in how many briefings."""
        items = "\n".join(f"<li>{self._actor(other)} <small>{_plural(count, 'briefing')}"
                          "</small></li>" for other, count in pairs)
        return Markup(f'<ul class="bf-co-actors">\n{items}\n</ul>')

    # --- the article ------------------------------------------------------------------------

    def article(self, briefing: model.Briefing, article: model.Article) -> Markup:
        """The article with numbered paragraphs, quotes highlighted and mentions linked."""
        quoted: list[list[Stretch]] = [[] for _ in article.paragraphs]
        named: list[list[Stretch]] = [[] for _ in article.paragraphs]
        # where each quote with a highlight of its own begins (model.with_highlights)
        starts: list[set[Stretch]] = [set() for _ in article.paragraphs]
        for quote in briefing.quotes:
            for span in quote.spans:
                quoted[span.paragraph].append((span.start, span.end, quote.anchor))
            if quote.highlighted:
                first = quote.spans[0]
                starts[first.paragraph].add((first.start, first.end, quote.anchor))
        for mention in article.mentions:
            span = mention.span
            named[span.paragraph].append((span.start, span.end, mention.actor))
        names = {p.actor: self.actors[p.actor].name for p in briefing.presences}
        page = briefing_page(briefing.slug)

        def link(target: str) -> str:
            return relative_url(page, target, self.directory_urls)

        paragraphs = []
        for number, paragraph in enumerate(article.paragraphs, 1):
            heading = ' class="bf-article__heading"' if paragraph.heading else ""
            text = markup_paragraph(paragraph.text, quoted[number - 1], named[number - 1], link,
                                    names, starts[number - 1])
            paragraphs.append(f'<p id="p-{number}"{heading}><a href="#p-{number}" '
                              f'aria-label="Paragraph {number}">{number}</a>{text}</p>')
        return Markup('<div class="bf-article">\n' + "\n".join(paragraphs) + "\n</div>")
