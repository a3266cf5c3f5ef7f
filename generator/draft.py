"""Draft stage: a first annotation for a new article (`briefings draft ARTICLE`).

It writes down what can be found without judgment: the direct quotes (text in double quotes
of at least MIN_QUOTE_WORDS words, copied from the article so they verify as they are), a
speaker for each (the actor named nearest to it outside quotes, a person first, in its
paragraph or the one before), every actor the article mentions, and the date the file name
starts with. Judgment is left to the analyst: the title, source and summary stay empty, so
`briefings check` points at each line still to write, and every guessed speaker says where
it was guessed from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator import load, validate
from generator.problems import ContentError, Problem
from generator.textmatch import ArticleText, MentionFinder

MIN_QUOTE_WORDS = 4  # shorter quoted phrases are mostly names and scare quotes, not speech
_JOIN_GAP = 80  # characters between two parts of one quote split by "he said,"
# Opening and closing marks of a direct quote: curly, straight, German and French.
_QUOTE = re.compile(r"“([^“”]+)”|\"([^\"]+)\"|„([^„“”]+)[“”]|«\s*([^«»]+?)\s*»")
_TRAILING = ",;: "  # punctuation the writer put inside the marks to go on with the sentence
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
# Characters a YAML double-quoted scalar must hold as escapes: breaks and non-printables.
_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class DraftQuote:
    """A direct quote found in the article, and who it was attributed to."""

    text: str
    paragraph: int  # from 0
    speaker: str | None
    cue: str = ""  # the name the speaker was guessed from, as the article writes it


@dataclass(frozen=True, slots=True)
class Draft:
    """A first annotation of one article."""

    slug: str
    article: str  # the article's file name
    date: str | None
    actors: tuple[str, ...]  # in order of first mention
    quotes: tuple[DraftQuote, ...]
    left_out: int = 0  # quotes found past the most a list holds (validate.MAX_ITEMS)


def draft_article(article: Path, root: Path, seeds: Path) -> tuple[Path, Draft]:
    """Write a first annotation beside `article`, which must be in seeds/articles/ and not
    annotated yet. Returns the annotation's path and what it holds; raises ContentError,
    having written nothing, when the article or actors.yaml cannot be used."""
    article = Path(os.path.abspath(article))  # `..` resolved, as the analyst means it
    root = Path(os.path.abspath(root))
    rel = load.relative_to(article, root)
    articles = Path(os.path.abspath(seeds / "articles"))
    if article.suffix.lower() not in load.ARTICLE_SUFFIXES:
        raise ContentError([Problem(rel, 0, 0, "an article is a .txt or .md file; save it "
                                               "with one of those extensions")])
    if article.parent.resolve() != articles.resolve():
        raise ContentError([Problem(rel, 0, 0, "the article must be in "
                                               f"{load.relative_to(articles, root)}/ "
                                               "to become a briefing; move it there and "
                                               "draft it again")])
    slug = article.stem
    if load.bad_stem(slug):
        raise ContentError([Problem(rel, 0, 0, load.slug_message(slug))])
    annotation = article.with_suffix(".yaml")
    annotated = ContentError([Problem(load.relative_to(annotation, root), 0, 0,
                                      "this article is annotated already; edit the "
                                      "annotation, or delete it to draft it again")])
    if annotation.exists():
        raise annotated
    problems: list[Problem] = []
    text = load.read_text(article, rel, problems)
    # NFC, and read for its paragraphs, as `briefings check` will read it.
    found = validate.read_article(load.SourceFile(rel, unicodedata.normalize("NFC", text)),
                                  article.suffix.lower() == ".md", problems) \
        if text is not None else None
    actors_path = seeds / "actors.yaml"
    source, node, read_problems = load.read_actors(
        actors_path if actors_path.is_file() else None, root)
    problems += read_problems
    registry = validate.check_actors(source, node, problems)
    if found is None or any(p.is_error for p in problems):
        raise ContentError(problems)
    draft = find_draft(slug, article.name, found, registry)
    try:
        with annotation.open("x", encoding="utf-8", newline="\n") as out:
            out.write(annotation_yaml(draft))
    except FileExistsError:  # written meanwhile, by someone else
        raise annotated from None
    except OSError as exc:
        raise ContentError([Problem(load.relative_to(annotation, root),
                                    0, 0, f"cannot write the annotation: {exc.strerror}")]) \
            from None
    return annotation, draft


def find_draft(slug: str, name: str, article: ArticleText,
               registry: validate.Registry) -> Draft:
    """Quotes, speakers, actors and date of one article."""
    paragraphs, headings = article.paragraphs, article.headings
    mentions: dict[int, list[tuple[int, int, str]]] = {}
    order: dict[str, None] = {}
    if registry.names:
        for actor, number, start, end in MentionFinder(registry.names).find(article):
            mentions.setdefault(number, []).append((start, end, actor))
            order.setdefault(actor)
    quotes: list[DraftQuote] = []
    for number, paragraph in enumerate(paragraphs):
        if headings[number]:
            continue
        spans = _quote_spans(paragraph)
        if not spans:
            continue
        # Outside the quotation marks: "he said," between the halves of a quote names its
        # speaker (nearest of all: inside the quote's span).
        outside = [m for m in mentions.get(number, [])
                   if not any(s <= m[0] < e for *_, parts in spans for s, e in parts)]
        before = mentions.get(number - 1, []) if number else []
        for start, end, quoted, _ in spans:
            speaker, cue = _speaker(paragraph, paragraphs[number - 1] if number else "",
                                    start, end, outside, before, registry)
            quotes.append(DraftQuote(quoted, number, speaker, cue))
    return Draft(slug=slug, article=name, date=_date_in(slug),
                 actors=tuple(order)[:validate.MAX_ITEMS],  # as many as a list may hold
                 quotes=tuple(quotes[:validate.MAX_ITEMS]),
                 left_out=max(0, len(quotes) - validate.MAX_ITEMS))


def _date_in(slug: str) -> str | None:
    """The date a file name starts with (2024-10-28-...), if it is a real one."""
    found = _DATE_PREFIX.match(slug)
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group(1)).isoformat()
    except ValueError:
        return None


Span = tuple[int, int, str, tuple[tuple[int, int], ...]]  # start, end, text, quoted parts


def _quote_spans(paragraph: str) -> list[Span]:
    """(start, end, text, the parts in quotation marks) of each direct quote in a paragraph;
    the two halves of a quote around "he said," become one quote with an elision."""
    spans: list[tuple[int, int, str, bool, tuple[tuple[int, int], ...]]] = []  # ..., whether
    # the writer's sentence went on, and the parts in quotation marks
    for match in _QUOTE.finditer(paragraph):
        group = next(g for g in match.groups() if g is not None)
        words = group.strip()
        goes_on = words.endswith(tuple(_TRAILING.strip()))
        words = words.rstrip(_TRAILING)
        part = (match.start(), match.end())
        if spans and spans[-1][3] and words[:1].islower() and \
                match.start() - spans[-1][1] <= _JOIN_GAP:
            start, _end, first, _, parts = spans.pop()
            spans.append((start, match.end(), f"{first} ... {words}", goes_on, (*parts, part)))
            continue
        spans.append((match.start(), match.end(), words, goes_on, (part,)))
    return [(s, e, t, parts) for s, e, t, _, parts in spans if len(t.split()) >= MIN_QUOTE_WORDS
            and len(t) <= validate.LIMITS["text"] and any(c.isalnum() for c in t)]


def _speaker(paragraph: str, previous: str, start: int, end: int,
             outside: list[tuple[int, int, str]], before: list[tuple[int, int, str]],
             registry: validate.Registry) -> tuple[str | None, str]:
    """The actor named nearest to a quote: in its paragraph outside any quote, else at the
    end of the paragraph before; a person before any other kind."""
    candidates: list[tuple[bool, int, str, str]] = []  # not a person, distance, id, cue
    for m_start, m_end, actor in outside:
        distance = start - m_end if m_end <= start else m_start - end
        candidates.append((_not_person(actor, registry), distance, actor,
                           paragraph[m_start:m_end]))
    if not candidates:
        for m_start, m_end, actor in before:
            candidates.append((_not_person(actor, registry), len(previous) - m_end, actor,
                               previous[m_start:m_end]))
    if not candidates:
        return None, ""
    _, _, actor, cue = min(candidates)
    return actor, cue


def _not_person(actor: str, registry: validate.Registry) -> bool:
    found = registry.actors.get(actor)
    return found is None or found.kind != "person"


def _quoted(value: str) -> str:
    """`value` as a YAML double-quoted scalar that reads back as exactly `value`."""
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}",
                       json.dumps(value, ensure_ascii=False))


def annotation_yaml(draft: Draft) -> str:
    """The annotation file of a draft: found values filled in, the rest empty with a note.

    Notes stand on their own lines above the fields they explain: a note after a value
    typed later would be read as part of the line's comment, not of the value.
    """
    out = [
        f"# First annotation of {draft.article}, drafted by `briefings draft`.",
        "# The quotes and actors were found in the article, and each speaker guessed from",
        "# the nearest name. Fill in the empty fields, check every guess, then run",
        "# `briefings check`: it points at each line still to write.",
        "",
        "# The briefing's headline, one line.",
        "title:",
    ]
    if draft.date:
        out += ["# The briefing's date, YYYY-MM-DD: taken from the file name.",
                f"date: {draft.date}"]
    else:
        out += ["# The briefing's date, YYYY-MM-DD.", "date:"]
    out += [
        "source:",
        "  # Who published the article; add `url: https://...` if it is online.",
        "  name:",
        "# The bottom line up front: 1-3 sentences.",
        "summary:",
        "# One-line judgments, and tags (lowercase slugs), if any.",
        "key_points: []",
        "tags: []",
    ]
    if draft.actors:
        out += ["# Every actor the article mentions, in order. Keep those that matter, and",
                "# give them a role: `- id: mark-rutte` with `role: ...` on the next line.",
                "actors:"]
        out += [f"  - {actor}" for actor in draft.actors]
    else:
        out += ["# The article names no actor of actors.yaml: add them there, then list",
                "# those that matter here.", "actors: []"]
    if draft.quotes:
        out += ["# The direct quotes, word for word as the article has them.", "quotes:"]
        for quote in draft.quotes:
            where = f"paragraph {quote.paragraph + 1}"
            if quote.speaker:
                out.append(f"  - speaker: {quote.speaker}  # guessed from "
                           f"{_quoted(quote.cue)} near the quote ({where}); check it")
            else:
                out.append(f"  - speaker:  # nobody is named near this quote ({where}): "
                           "who said it?")
            out.append(f"    text: {_quoted(quote.text)}")
    else:
        out += ["# No direct quote was found: add them as `- speaker: id` and `text: ...`.",
                "quotes: []"]
    out += [
        "# What the article asserts: `- text: ...`, `status: confirmed | reported | alleged |",
        "# disputed | denied`, optionally `by: id`, `grade: B2`, `likelihood: likely` and",
        "# `evidence: ...` (words of the article, verified like a quote).",
        "claims: []",
        "# What happened when: `- date: YYYY-MM-DD` (or YYYY-MM, YYYY), `text: ...`,",
        "# `actors: [id, ...]`.",
        "events: []",
        "# Who does what to whom: `- from: id`, `type: supplies`, `to: id`, `note: ...`.",
        "relations: []",
    ]
    return "\n".join(out) + "\n"
