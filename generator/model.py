"""The content model: verified, immutable facts about actors and briefings. No I/O here."""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import marshal
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform

ACTOR_KINDS = ("person", "organization", "state", "place", "group")
CLAIM_STATUSES = ("confirmed", "reported", "alleged", "disputed", "denied")
LIKELIHOODS = (
    "almost-no-chance",
    "very-unlikely",
    "unlikely",
    "roughly-even",
    "likely",
    "very-likely",
    "almost-certain",
)
KIND_PLURALS = {
    "person": "People",
    "organization": "Organizations",
    "state": "States",
    "place": "Places",
    "group": "Groups",
}
MAX_CO_ACTORS = 20
MAX_CONTEXT = 3  # sentences shown for each briefing an actor appears in
_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)
def record(*, order: bool = False, eq: bool = True) -> Callable[[type[_T]], type[_T]]:
    """A dataclass with slots, read-only for the type checker, that pickles as its class and
    its field values.

    Briefings travel from worker processes and are kept in the cache, a few hundred small
    records each, and every run that renders an index page unpickles all of them and builds
    the site's indexes from them, tens of thousands more. So records are made the fast way:
    a frozen dataclass sets each field through object.__setattr__, six times as slow as a
    plain one (0.92 against 0.15 microseconds for five fields); mypy, not the interpreter,
    keeps them read-only (frozen_default), and they hash by value as frozen ones do. Pickled
    as class and values, they unpickle about four times as fast as the default would.
    (Interning their repeated words when unpickled saved a fifth of their memory but cost
    half as much time again, on every run.)
    """

    def wrap(cls: type[_T]) -> type[_T]:
        made = dataclass(slots=True, order=order, eq=eq, unsafe_hash=eq)(cls)
        names = [f.name for f in fields(made)]  # type: ignore[arg-type]
        get = operator.attrgetter(*names)

        def __reduce__(self: Any) -> tuple[type[_T], tuple[Any, ...]]:
            return made, get(self) if len(names) > 1 else (get(self),)

        made.__reduce__ = __reduce__  # type: ignore[method-assign]
        return made

    return wrap


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTHS = tuple(month[:3] for month in MONTHS)  # as dates are shown: 28 Oct 2024


@dataclass(frozen=True)
class Actor:
    """A person, organisation, state, place or group from the registry.

    `description_html` is the description (Markdown) made into HTML and sanitised when the
    registry was checked: safe to show as it is.
    """

    id: str
    name: str
    kind: str
    title: str = ""
    affiliation: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()
    description_html: str = ""


@record(order=True)
class PartialDate:
    """A date known to the year, the month or the day; the precision is kept and shown."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str:
        """The date as written: YYYY, YYYY-MM or YYYY-MM-DD."""
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def label(self) -> str:
        """The date for readers: 2024, Oct 2024 or 28 Oct 2024."""
        if not self.month:
            return str(self.year)
        if not self.day:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"


@record()
class Span:
    """A verified stretch of the article: paragraph number (0-based) and character offsets in it."""

    paragraph: int
    start: int
    end: int


@record()
class Paragraph:
    """One paragraph of article text; `heading` for a short line that titles a section."""

    text: str
    heading: bool = False


@record()
class Mention:
    """An actor's name or alias found in the article, with the sentence around it."""

    actor: str
    span: Span
    sentence: str


@record()
class Quote:
    """A direct quote, verified against the article; `spans` locate each part of it."""

    number: int
    speaker: str
    text: str
    context: str
    spans: tuple[Span, ...]
    # Where it begins, the article highlights it on its own (see with_highlights): its
    # boxes link there, and otherwise to its paragraph.
    highlighted: bool = True

    @property
    def anchor(self) -> str:
        """The id of this quote's box on the briefing page."""
        return f"quote-{self.number}"

    @property
    def paragraph(self) -> int:
        """The paragraph the quote starts in."""
        return self.spans[0].paragraph


@record()
class Claim:
    """An assertion with its status and, optionally, grade, likelihood and verified evidence."""

    number: int
    text: str
    status: str
    by: str = ""
    grade: str = ""
    likelihood: str = ""
    evidence: str = ""
    spans: tuple[Span, ...] = ()


@record()
class Event:
    """Something that happened on a (partial) date, with the actors involved; `number` is its
    place (from 1) in the annotation."""

    number: int
    date: PartialDate
    text: str
    actors: tuple[str, ...] = ()


@record()
class Relation:
    """A directed, typed link between two actors, as one briefing states it."""

    source: str
    type: str
    target: str
    note: str = ""


@record()
class Involvement:
    """An actor that matters in a briefing, with its role there."""

    actor: str
    role: str = ""


@record()
class Source:
    """Where the article came from."""

    name: str
    url: str = ""


@record()
class Presence:
    """How one actor is present in a briefing: its role, whether the annotation names it
    (involved) or only the article does (mentioned), and the sentences that mention it.

    `digest` is a short hash of everything the briefing says of the actor: these, and the
    actor's quotes and claims in it. The actor's page changes with it (or with the briefing's
    title or date), so it tells cheaply whether that page must be rendered again.
    """

    actor: str
    role: str
    involved: bool
    sentences: tuple[str, ...]  # at most MAX_CONTEXT
    digest: str = ""
    paragraphs: tuple[int, ...] = ()  # of each sentence in the article (0 for the first)


@record()
class Article:
    """The verified article of a briefing: its paragraphs and where actors are mentioned.

    Only the briefing's own page shows it, so it is kept apart from the Briefing, which every
    other page draws on and which a large site holds thousands of.
    """

    paragraphs: tuple[Paragraph, ...]
    mentions: tuple[Mention, ...] = ()


@record(eq=False)  # one object per slug: identity is equality
class Briefing:
    """One annotated article and everything verified about it, but the article text itself."""

    slug: str
    title: str
    date: dt.date
    source: Source
    summary: str
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    actors: tuple[Involvement, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    presences: tuple[Presence, ...] = ()  # every actor present, by id

    @property
    def date_label(self) -> str:
        """The briefing date for readers: 28 Oct 2024, as PartialDate.label writes it."""
        date = self.date
        return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


@record()
class QuoteRef:
    """A quote together with the briefing it comes from."""

    briefing: Briefing
    quote: Quote


@record()
class ClaimRef:
    """A claim together with the briefing it comes from."""

    briefing: Briefing
    claim: Claim


@record()
class EventRef:
    """An event together with the briefing it comes from."""

    briefing: Briefing
    event: Event


@record()
class RelationRef:
    """A relation with every briefing that states it."""

    relation: Relation
    briefings: tuple[Briefing, ...]


@record()
class Appearance:
    """How an actor appears in one briefing: role if involved, sentences if mentioned."""

    briefing: Briefing
    presence: Presence

    @property
    def role(self) -> str:
        """The actor's role in the briefing, or an empty string."""
        return self.presence.role

    @property
    def involved(self) -> bool:
        """True when the annotation names the actor, not only the article."""
        return self.presence.involved

    @property
    def sentences(self) -> tuple[str, ...]:
        """The sentences of the article that mention the actor."""
        return self.presence.sentences


@dataclass(frozen=True)
class Site:
    """All verified content, with the cross-briefing indexes the pages are drawn from."""

    actors: dict[str, Actor]
    briefings: tuple[Briefing, ...]  # newest first
    quotes_by_actor: dict[str, tuple[QuoteRef, ...]] = field(default_factory=dict)
    claims_by_actor: dict[str, tuple[ClaimRef, ...]] = field(default_factory=dict)
    appearances: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)
    relations: tuple[RelationRef, ...] = ()
    tags: dict[str, tuple[Briefing, ...]] = field(default_factory=dict)
    events: tuple[EventRef, ...] = ()
    quotes: tuple[QuoteRef, ...] = ()
    present: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug: actor ids in it


def _briefing_order(briefing: Briefing) -> tuple[int, str]:
    return (-briefing.date.toordinal(), briefing.slug)


def build_site(actors: dict[str, Actor], briefings: list[Briefing]) -> Site:
    """Assemble the site and its indexes: who said what, where each actor appears, and so on."""
    ordered = tuple(sorted(briefings, key=_briefing_order))
    quotes = tuple(QuoteRef(b, q) for b in ordered for q in b.quotes)
    quotes_by_actor: dict[str, list[QuoteRef]] = defaultdict(list)
    for ref in quotes:
        quotes_by_actor[ref.quote.speaker].append(ref)
    claims_by_actor: dict[str, list[ClaimRef]] = defaultdict(list)
    tags: dict[str, list[Briefing]] = defaultdict(list)
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    stated: dict[tuple[str, str, str], list[Briefing]] = defaultdict(list)
    events: list[EventRef] = []
    for briefing in ordered:
        for claim in briefing.claims:
            if claim.by:
                claims_by_actor[claim.by].append(ClaimRef(briefing, claim))
        for tag in briefing.tags:
            tags[tag].append(briefing)
        for presence in briefing.presences:
            appearances[presence.actor].append(Appearance(briefing, presence))
        for relation in briefing.relations:
            found = stated[(relation.source, relation.type, relation.target)]
            if briefing not in found:
                found.append(briefing)
        events.extend(EventRef(briefing, event) for event in briefing.events)
    relations = tuple(RelationRef(_first_note(key, found), tuple(found))
                      for key, found in sorted(stated.items()))
    order = {id(ref): i for i, ref in enumerate(events)}  # same day: the annotation's order
    events.sort(key=lambda ref: (ref.event.date.year, ref.event.date.month, ref.event.date.day,
                                 ref.briefing.slug, order[id(ref)]))
    return Site(
        actors=actors,
        briefings=ordered,
        quotes_by_actor={k: tuple(v) for k, v in quotes_by_actor.items()},
        claims_by_actor={k: tuple(v) for k, v in claims_by_actor.items()},
        appearances={k: tuple(v) for k, v in appearances.items()},
        relations=relations,
        tags={k: tuple(v) for k, v in sorted(tags.items())},
        events=tuple(events),
        quotes=quotes,
        present={b.slug: tuple(p.actor for p in b.presences) for b in ordered},
    )


def co_actors(site: Site, actor_id: str) -> tuple[tuple[str, int], ...]:
    """The actors that appear most often in the same briefings as `actor_id`, with how often:
    at most MAX_CO_ACTORS, the most frequent first (then by id)."""
    together: Counter[str] = Counter()
    for appearance in site.appearances.get(actor_id, ()):
        together.update(site.present[appearance.briefing.slug])
    together.pop(actor_id, None)
    if len(together) > MAX_CO_ACTORS:  # only those as frequent as the last one shown can rank
        cutoff = heapq.nlargest(MAX_CO_ACTORS, together.values())[-1]
        ranked = sorted((-count, other) for other, count in together.items() if count >= cutoff)
    else:
        ranked = sorted((-count, other) for other, count in together.items())
    return tuple((other, -count) for count, other in ranked[:MAX_CO_ACTORS])


Stretch = tuple[int, int, str]  # start, end in a paragraph; a quote's anchor or an actor's id


def marked(stretches: Iterable[Stretch]) -> list[Stretch]:
    """The stretches of quotes in one paragraph that the article highlights, in order: one
    that starts inside the one before it (two quotes sharing words) is within that one's.
    Of two that start together the one numbered first is highlighted (quote-2 before
    quote-10)."""
    shown: list[Stretch] = []
    for stretch in sorted(stretches, key=lambda s: (s[0], s[1], len(s[2]), s[2])):
        if not shown or stretch[0] >= shown[-1][1]:
            shown.append(stretch)
    return shown


def with_highlights(quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
    """A briefing's quotes, each saying whether the article highlights it on its own where
    it begins: not when it begins inside another quote's highlight."""
    by_paragraph: dict[int, list[Stretch]] = defaultdict(list)
    for quote in quotes:
        for span in quote.spans:
            by_paragraph[span.paragraph].append((span.start, span.end, quote.anchor))
    if all(len(stretches) == 1 for stretches in by_paragraph.values()):
        return quotes  # one quote to a paragraph, as most are
    shown = {(paragraph, stretch) for paragraph, stretches in by_paragraph.items()
             for stretch in marked(stretches)}
    return tuple(
        quote if (quote.paragraph, (quote.spans[0].start, quote.spans[0].end, quote.anchor))
        in shown else
        Quote(quote.number, quote.speaker, quote.text, quote.context, quote.spans, False)
        for quote in quotes)


def _first_note(key: tuple[str, str, str], briefings: list[Briefing]) -> Relation:
    """The relation as the first briefing stating it with a note states it, or without one."""
    for briefing in briefings:
        for stated in briefing.relations:
            if (stated.source, stated.type, stated.target) == key and stated.note:
                return stated
    return Relation(*key)


def presences(
    involvements: tuple[Involvement, ...],
    quotes: tuple[Quote, ...],
    claims: tuple[Claim, ...],
    events: tuple[Event, ...],
    relations: tuple[Relation, ...],
    article: Article,
) -> tuple[Presence, ...]:
    """Every actor present in a briefing: involved, quoted, claiming, in events or mentioned."""
    sentences: dict[str, list[str]] = defaultdict(list)
    where: dict[str, list[int]] = defaultdict(list)  # the paragraph of each
    for mention in article.mentions:
        if article.paragraphs[mention.span.paragraph].heading:
            continue  # a section title is no context
        found = sentences[mention.actor]
        if len(found) < MAX_CONTEXT and mention.sentence not in found:
            found.append(mention.sentence)
            where[mention.actor].append(mention.span.paragraph)
    involved = {i.actor: i.role for i in involvements}
    referenced = set(involved)
    referenced.update(q.speaker for q in quotes)
    referenced.update(c.by for c in claims if c.by)
    for event in events:
        referenced.update(event.actors)
    for relation in relations:
        referenced.update((relation.source, relation.target))
    everyone = referenced | set(sentences)  # not an actor named only in a section title
    said: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for q in quotes:
        said[q.speaker].append((q.number, q.text, q.context, _spans(q.spans), q.highlighted))
    for c in claims:
        if c.by:
            said[c.by].append((c.number, c.text, c.status, c.grade, c.likelihood, c.evidence,
                               _spans(c.spans)))
    present = []
    for actor_id in sorted(everyone):
        role, context = involved.get(actor_id, ""), tuple(sentences.get(actor_id, ()))
        paragraphs = tuple(where.get(actor_id, ()))
        digest = hashlib.blake2b(marshal.dumps((role, actor_id in referenced, context,
                                                paragraphs, said[actor_id]), 2),
                                 digest_size=12).hexdigest()
        present.append(Presence(actor_id, role, actor_id in referenced, context, digest,
                                paragraphs))
    return tuple(present)


def _spans(spans: tuple[Span, ...]) -> tuple[tuple[int, int, int], ...]:
    return tuple((s.paragraph, s.start, s.end) for s in spans)
