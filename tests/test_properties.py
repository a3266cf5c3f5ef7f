"""Property-based tests: hostile Unicode text through every text field of the contract.

For each field, a small valid site gets one generated value, written as a correct YAML
double-quoted scalar (and, for quote text and evidence, also into the article so that it can
verify). The pipeline then runs in-process (`pipeline.render_pages`), and either

(a) it reports errors, and every error is located: a file under the site, line and column
    >= 1 and inside the file, one of them at the line where the value was written; nothing
    else is raised; or
(b) it renders, and every page, run through Markdown with the extensions of mkdocs.yml after
    MkDocs' own front-matter split (`mkdocs.utils.meta.get_data`) and parsed with html5lib,
    carries no live markup (no script/iframe/style/object/embed, no on* attribute, no
    javascript:/data:/vbscript: link, no id or heading from content), the field's text shows
    literally where the contract puts it (NFC, white space collapsed, ends stripped), and a
    title survives the front matter (CSafeLoader, then HTML-unescaped, equals the text).

Text that breaks no rule of the contract (no control or format character, within the length
cap, one line where one line is required) must be accepted, and a quote copied into its article
must verify. Ids, tags and relation types must be slugs; anything else is a located error.
A few examples go through a real `python -m generator build`.

Product bugs these properties found are pinned by regression tests at the end of this module:
strict xfail while the bug is open (the property then excludes just that input class, with a
comment pointing to the test), plain tests once it is fixed.

Examples are derandomized (the same inputs on every run); a failure prints the field, the value
and the YAML line written, and the problems the run reported.
"""

from __future__ import annotations

import html
import os
import re
import string
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import markdown
import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from generator import model, pipeline
from generator.problems import ContentError, Problem
from generator.textmatch import fold
from tests.conftest import copy_site
from tests.test_injection import (
    DANGEROUS_SCHEMES,
    SITE_TITLE,
    URL_ATTRIBUTES,
    by_class,
    by_tag,
    content,
    elements,
    local,
    norm,
    text,
)

# --- the hostile text strategy ---------------------------------------------------------------

ASCII_SYNTAX = "<>&\"'`*_{}[]()#+-.!|:=~^%@?,;/\\$"
WORDS = "abcxyzABCXYZ019 "
SPACES = "\u00a0\u1680\u2000\u2003\u2009\u200a\u202f\u205f\u3000"
BREAKS = "\n\n\t\u2028\u2029"
COMBINING = "\u0300\u0301\u0308\u0316\u0327\u034f\u0488\u20dd\u302a"
ASTRAL = "🙂🚀👍🏽\U0001d400\U0001d518\U00010000\U0001f1fa\U0001f1e6"
# Characters NFKC turns into Markdown/HTML syntax, and the folding's quotes, dashes, ellipsis.
LOOKALIKES = "＜＞＆＂＇｛｝［］﹤﹥…“”‘’–—−ﬁ\u212b"
VISIBLE = ASCII_SYNTAX + WORDS + SPACES + BREAKS + COMBINING + ASTRAL + LOOKALIKES
C0 = [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + ["\x7f"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ODD = "\ufffe\uffff\ufdd0\U0001fffe\ue000\U000e0041"  # noncharacters, private use, a tag char
INVISIBLE = (*C0, *C1, *BIDI, *ZERO_WIDTH, *ODD)
SNIPPETS = (
    "{{ 7*7 }}", "{% raw %}", "{{", "}}", "{%", "%}", "!!! note", '!!! danger "x"', "??? note",
    '--8<-- "mkdocs.yml"', "[a]: http://x", "</div>", "</div></div><h1>x</h1>", "<script>",
    "</script>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">y</a>', "[x](javascript:alert(1))", "[x]: javascript:a",
    "<svg onload=alert(1)>", '<iframe src="https://evil.example"></iframe>', "<style>*{}</style>",
    '{: onclick="alert(1)" #main-content }', "{: #evil }", "# heading", "text\n---", "\n===\n",
    "a | b | c", "| a |\n|---|", "* * *", "- item", "1. item", "> quote", "    code", "```",
    "`code`", "<https://x.example>", "&amp;", "&lt;b&gt;", "&#x3C;", "&#0;", "&", "<!--", "-->",
    "<![CDATA[x]]>", "\\", "\\n", '"', "'", "''", '""', "---", "...", "…", ". . .", "title: x",
    "key: value", "? key", ": value", "- - x", "&anchor", "*alias", "!!python/object:os.system",
    "!tag", "%YAML 1.2", " #comment", "#", "|", ">-", "@x", "`", "[[", "]]", "[^1]", "*[HTML]: x",
    "e\u0301", "A\u030a", "\u212b", "ﬁ", "\U0001d400", "\u202e", "\x02wzxhzdk:0\x03", "\ufeff",
)
LONG_UNITS = ("[", "a", "<", "&", "x ", "é", "🙂", "[a](", "*", "e\u0301", "\u202e")
LENGTHS = (199, 200, 201, 300, 301, 500, 501, 2000, 2001, 3000, 3001, 5000, 5001)

_visible = st.text(st.sampled_from(VISIBLE), min_size=1, max_size=16)
_pieces = st.one_of(
    _visible, _visible, _visible, _visible, _visible, _visible,
    st.sampled_from(SNIPPETS), st.sampled_from(SNIPPETS), st.sampled_from(SNIPPETS),
    st.sampled_from(INVISIBLE),
    st.characters(codec="utf-8"),
)
_mixed = st.lists(_pieces, max_size=24).map("".join)
long_lines = st.builds(
    lambda unit, n, tail: (unit * n)[:n] + tail,
    st.sampled_from(LONG_UNITS), st.sampled_from(LENGTHS), st.sampled_from(("", "\n", " <b>")),
)
hostile_text = st.one_of(
    _mixed, _mixed, _mixed, _mixed, _mixed, _mixed,
    long_lines,
    st.text(max_size=40),
    st.sampled_from(SNIPPETS),
)
# Text a build can show: no control, format or unassigned characters (those are refused).
printable_text = st.lists(
    st.one_of(_visible, _visible, st.sampled_from(SNIPPETS)), min_size=1, max_size=12
).map("".join).filter(lambda s: s.strip() != "" and not any(
    unicodedata.category(c)[0] == "C" and c not in "\n\t" for c in s))

# --- the base site ---------------------------------------------------------------------------

ACTORS_YAML = "seeds/actors.yaml"
ANNOTATION_YAML = "seeds/articles/2024-01-02-base.yaml"
BRIEFING_PAGE = "briefings/2024-01-02-base.md"
SUBJECT_PAGE = "actors/subject.md"

ACTORS = """\
nato:
  name: NATO
  kind: organization
  title: North Atlantic Treaty Organization
russia:
  name: Russia
  kind: state
  affiliation: ${affiliation}
  aliases: [Moscow]
${actor_id}:
  name: Extra actor
  kind: group
subject:
  name: ${name}
  kind: person
  title: ${actor_title}
  aliases:
    - ${alias}
  description: ${description}
  links:
    ${label}: https://example.org/subject
"""
ANNOTATION = """\
title: ${briefing_title}
date: 2024-01-02
source:
  name: ${source_name}
  url: https://example.org/source
summary: ${summary}
key_points:
  - ${key_point}
tags: [${tag}]
actors:
  - id: ${involved}
    role: ${role}
  - nato
quotes:
  - speaker: ${speaker}
    text: ${quote_text}
    context: ${quote_context}
claims:
  - text: ${claim_text}
    by: ${claim_by}
    status: reported
    grade: B2
    likelihood: likely
    evidence: ${evidence}
events:
  - date: 2024-01
    text: ${event_text}
    actors: [${event_actor}]
relations:
  - from: ${relation_from}
    type: ${relation_type}
    to: nato
    note: ${relation_note}
"""
ARTICLE = """\
The Subject Person spoke in Brussels on Tuesday about the crisis.

${quote_text}

Officials said that ${evidence}, and that more would follow.

${mention}

Closing paragraph with the end of the story.
"""
DEFAULTS = {
    "name": "Subject Person", "actor_title": "Envoy of the group", "alias": "Subject",
    "description": "Has spoken for the group since 2020.", "label": "Profile",
    "briefing_title": "Subject speaks on the crisis", "source_name": "Press report",
    "summary": "The subject spoke about the crisis.", "key_point": "The crisis goes on.",
    "role": "Spoke at the briefing", "quote_text": "We will hold the line",
    "quote_context": "Press briefing", "claim_text": "The crisis goes on.",
    "evidence": "troops are present in the region", "event_text": "The subject speaks.",
    "relation_note": "Allied for years", "mention": "Subject and NATO met in Moscow.",
    "actor_id": "extra", "affiliation": "nato", "tag": "crisis", "involved": "subject",
    "speaker": "subject", "claim_by": "nato", "event_actor": "subject",
    "relation_from": "subject", "relation_type": "allied-with",
}
BASE_NAMES = frozenset(fold(n).text for n in (
    "NATO", "Russia", "Moscow", "Extra actor", "Subject Person", "Subject"))
KNOWN_IDS = frozenset({"nato", "russia", "extra", "subject"})


def _placeholder_line(template: str, key: str) -> int:
    return next(i for i, line in enumerate(template.split("\n"), 1) if f"${{{key}}}" in line)


@dataclass(frozen=True)
class Field:
    """A field of the contract: where its value is written and where the site shows it."""

    key: str
    file: str  # ACTORS_YAML or ANNOTATION_YAML
    cap: int = 0  # the length limit of a text field; 0 for a slug
    one_line: bool = True
    shown: Shown | None = None
    title_of: str = ""  # the page whose front-matter title is this field
    in_article: bool = False  # a quote or evidence: also written into the article
    markdown: bool = False  # a description: Markdown, so only its words show literally
    accepted: frozenset[str] | None = None  # for an actor id used elsewhere: what resolves

    @property
    def line(self) -> int:
        return _placeholder_line(ACTORS if self.file == ACTORS_YAML else ANNOTATION, self.key)


Shown = Callable[[dict[str, Element]], list[str]]


def _texts(page: str, cls: str, tag: str | None = None) -> Shown:
    return lambda pages: [text(e) for e in by_class(pages[page], cls, tag)]


def _children(page: str, cls: str, tag: str) -> Shown:
    return lambda pages: [text(a) for e in by_class(pages[page], cls) for a in by_tag(e, tag)]


def _claim_cells(index: int) -> Shown:
    def shown(pages: dict[str, Element]) -> list[str]:
        table = by_class(pages[BRIEFING_PAGE], "bf-claims", "table")
        rows = [r for t in table for b in by_tag(t, "tbody") for r in by_tag(b, "tr")]
        cells = [by_tag(r, "td")[index] for r in rows]
        if index == 0:
            return [text(c) for c in cells]
        return [norm(a.get("title") or "") for c in cells for a in by_tag(c, "a")]
    return shown


def _relation_notes(pages: dict[str, Element]) -> list[str]:
    notes = [text(e) for r in by_class(pages[BRIEFING_PAGE], "bf-relations")
             for e in by_tag(r, "small")]
    return [n.removeprefix("— ") for n in notes]


def _quote_contexts(pages: dict[str, Element]) -> list[str]:
    """What each quote box says after its speaker: "Name, title · context"."""
    contexts = []
    for box in by_class(pages[BRIEFING_PAGE], "bf-quote", "figure"):
        caption = by_tag(box, "figcaption")[0]
        said = text(caption)[: len(text(caption)) - len(text(by_tag(caption, "cite")[0]))]
        contexts.append(said.split(" · ", 1)[-1].strip())
    return contexts


def _event_texts(pages: dict[str, Element]) -> list[str]:
    """Each event's own text: what follows its date."""
    return [norm(next(e for e in item if local(e.tag) == "time").tail or "")
            for timeline in by_class(pages[BRIEFING_PAGE], "bf-timeline")
            for item in timeline if local(item.tag) == "li"]


def _by_id(page: str, ident: str) -> Shown:
    return lambda pages: [text(e) for e in elements(pages[page]) if e.get("id") == ident]


TEXT_FIELDS = (
    Field("name", ACTORS_YAML, 200, shown=_texts(SUBJECT_PAGE, "bf-profile__name"),
          title_of=SUBJECT_PAGE),
    Field("actor_title", ACTORS_YAML, 300, shown=_texts(SUBJECT_PAGE, "bf-profile__title")),
    Field("alias", ACTORS_YAML, 200, shown=_texts(SUBJECT_PAGE, "bf-alias")),
    Field("description", ACTORS_YAML, 5000, one_line=False, markdown=True,
          shown=_texts(SUBJECT_PAGE, "bf-profile__description")),
    Field("label", ACTORS_YAML, 200, shown=_children(SUBJECT_PAGE, "bf-profile__links", "a")),
    Field("briefing_title", ANNOTATION_YAML, 300, shown=_by_id(BRIEFING_PAGE, "briefing-title"),
          title_of=BRIEFING_PAGE),
    Field("source_name", ANNOTATION_YAML, 200, shown=_children(BRIEFING_PAGE, "bf-kicker", "a")),
    Field("summary", ANNOTATION_YAML, 3000, one_line=False,
          shown=_texts(BRIEFING_PAGE, "bf-bluf__text")),
    Field("key_point", ANNOTATION_YAML, 500, shown=_children(BRIEFING_PAGE, "bf-points", "li")),
    Field("role", ANNOTATION_YAML, 500, shown=_texts(BRIEFING_PAGE, "bf-involved__role")),
    Field("quote_text", ANNOTATION_YAML, 2000, one_line=False, in_article=True,
          shown=_children(BRIEFING_PAGE, "bf-quote", "blockquote")),
    Field("quote_context", ANNOTATION_YAML, 500, shown=_quote_contexts),
    Field("claim_text", ANNOTATION_YAML, 2000, one_line=False, shown=_claim_cells(0)),
    Field("evidence", ANNOTATION_YAML, 2000, one_line=False, in_article=True,
          shown=_claim_cells(-1)),
    Field("event_text", ANNOTATION_YAML, 2000, shown=_event_texts),
    Field("relation_note", ANNOTATION_YAML, 500, shown=_relation_notes),
)
ALL_ACTORS = KNOWN_IDS
SLUG_FIELDS = (
    Field("actor_id", ACTORS_YAML),  # a key of actors.yaml
    Field("tag", ANNOTATION_YAML),
    Field("relation_type", ANNOTATION_YAML),
    Field("affiliation", ACTORS_YAML, accepted=ALL_ACTORS - {"russia"}),  # russia's own
    Field("involved", ANNOTATION_YAML, accepted=ALL_ACTORS - {"nato"}),  # nato is listed too
    Field("speaker", ANNOTATION_YAML, accepted=ALL_ACTORS),
    Field("claim_by", ANNOTATION_YAML, accepted=ALL_ACTORS),
    Field("event_actor", ANNOTATION_YAML, accepted=ALL_ACTORS),
    Field("relation_from", ANNOTATION_YAML, accepted=ALL_ACTORS - {"nato"}),  # goes to nato
)
FIELDS = {f.key: f for f in (*TEXT_FIELDS, *SLUG_FIELDS)}

# --- writing a value into the site -----------------------------------------------------------

_ESCAPE = re.compile(r"\\(U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def yaml_scalar(value: str) -> str:
    """`value` as one YAML double-quoted scalar on one line, as a correct emitter writes it.

    PyYAML escapes characters outside the BMP (`\\U0001F642`); they are written literally
    instead, as an analyst's editor would, so a key stays within YAML's 1024-character limit.
    """
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**9)
    scalar = dumped.removesuffix("\n")
    assert scalar.startswith('"') and scalar.endswith('"') and "\n" not in scalar, dumped

    def literal(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] == "U" and int(escape[1:], 16) > 0xFFFF:
            return chr(int(escape[1:], 16))
        return match.group(0)

    scalar = _ESCAPE.sub(literal, scalar)
    assert yaml.load(scalar, Loader=yaml.CBaseLoader) == value, scalar  # the emitter is right
    return scalar


def fill(template: str, values: dict[str, str]) -> str:
    return string.Template(template).substitute(values)


def write_seeds(seeds: Path, key: str, value: str) -> str:
    """Write the base seeds with `value` in field `key`; return the line the value is on."""
    scalars = {k: yaml_scalar(v) for k, v in DEFAULTS.items()}
    scalars[key] = yaml_scalar(value)
    article = dict(DEFAULTS)
    field = FIELDS[key]
    if field.in_article:
        article[key] = value
    if key in ("name", "alias"):  # the article mentions it: mentions are found in the text
        article["mention"] = value
    (seeds / "articles").mkdir(parents=True, exist_ok=True)
    actors = fill(ACTORS, scalars)
    annotation = fill(ANNOTATION, scalars)
    (seeds / "actors.yaml").write_text(actors, "utf-8")
    (seeds / "articles" / "2024-01-02-base.yaml").write_text(annotation, "utf-8")
    (seeds / "articles" / "2024-01-02-base.txt").write_text(fill(ARTICLE, article), "utf-8")
    written = (actors if field.file == ACTORS_YAML else annotation).split("\n")[field.line - 1]
    return written


# --- running and judging ---------------------------------------------------------------------

TIME_BUDGET = 15.0  # CPU seconds for check + render of one tiny site, however long the text
MAX_BRACKETS = 1000  # '[' in one Markdown paragraph: more may be refused as too slow to read
FILE_LEVEL = re.compile(r"^(empty file|file is [\d,]+ bytes|the article is empty|"
                        r"cannot read file|missing:)")
# Bidi controls: refused in every text field (bad-inputs 25), like C0/C1 control characters.
REFUSED = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                             *(f"lpt{i}" for i in range(10))})  # no file can have these names
CODE = re.compile(r"`|(?:^|\n)(?: {4}|\t)")  # a code span, or an indented code block


@dataclass
class Outcome:
    pages: dict[str, str] | None
    problems: list[Problem]
    seconds: float

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def run_pipeline(root: Path) -> Outcome:
    """Check and render in-process; a ContentError is an answer, any other exception a bug."""
    start = time.process_time()  # CPU time: other work on the machine does not count
    try:
        pages, problems = pipeline.render_pages(pipeline.read_settings(root))
    except ContentError as exc:
        pages, problems = None, exc.problems
    return Outcome(pages, problems, time.process_time() - start)


def shown_text(value: str) -> str:
    """What the product promises to show: NFC, white space collapsed, ends stripped."""
    return norm(unicodedata.normalize("NFC", value))


def breaks_no_rule(field: Field, value: str) -> bool:
    """True when the value breaks no documented rule, so the product must accept it."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value or len(value) > field.cap or (field.one_line and "\n" in value):
        return False
    if any(unicodedata.category(c)[0] == "C" and c not in "\n\t" for c in value):
        return False  # control, format, private-use and unassigned characters may be refused
    if field.markdown and value.count("[") > MAX_BRACKETS:
        return False  # Markdown's link parser is quadratic in '[': a documented budget
    if field.key in ("name", "alias") and fold(value).text.strip() in BASE_NAMES:
        return False  # a name or alias must belong to one actor
    # nothing but '...' has no words to find in the article
    return not (field.in_article and not re.sub(r"[\s.]", "", fold(value).text))


def is_slug(value: str) -> bool:
    """A lowercase slug of at most 64 characters that can name a file everywhere."""
    return (re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value) is not None and len(value) <= 64
            and value not in WINDOWS_DEVICES)


def assert_located(root: Path, outcome: Outcome, field: Field, *, at_value: bool = True) -> None:
    """Every error names a file of the site and a line and column inside it."""
    assert outcome.pages is None, "errors were reported, yet pages were rendered"
    for problem in outcome.errors:
        path = PurePosixPath(problem.path)
        assert not path.is_absolute() and ".." not in path.parts, problem.format()
        assert (root / path).is_file(), f"not a file of the site: {problem.format()}"
        if problem.line == 0 and FILE_LEVEL.match(problem.message):
            continue
        assert problem.line >= 1 and problem.col >= 1, f"unlocated: {problem.format()}"
        lines = (root / path).read_text("utf-8").split("\n")
        assert problem.line <= len(lines), f"line past the end: {problem.format()}"
        assert problem.col <= len(lines[problem.line - 1]) + 1, f"col past the end: " \
            f"{problem.format()}"
    here = [p for p in outcome.errors if p.path == field.file and p.line == field.line]
    assert here or not at_value, (f"no error at {field.file}:{field.line}, where the value is; got "
                      + "; ".join(p.format() for p in outcome.errors))


# --- Markdown as MkDocs renders it, and what must not be in it -------------------------------

SCRIPTABLE = frozenset({"script", "iframe", "style", "object", "embed", "frame", "frameset",
                        "applet", "base", "link", "meta", "form", "input", "textarea", "button",
                        "template", "noscript"})
DESCRIPTION_TAGS = frozenset({"p", "em", "strong", "a", "ul", "ol", "li", "code", "br",
                              "blockquote"})
STRUCTURAL_ID = re.compile(r"p-\d+|quote-\d+(?:-text)?|(?:event|relation|claim)-\d+|"
                           r"[a-z0-9]+(?:-[a-z0-9]+)*-quote-\d+|"
                           r"actor-[a-z0-9]+(?:-[a-z0-9]+)*|briefing-title|bf-arrow")
CLEAN_URL = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*")


def markdown_settings(root: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions MkDocs uses for this site: its built-in ones (toc, tables,
    fenced_code) plus mkdocs.yml's markdown_extensions, with their configs, as MkDocs reads
    them (python/name tags included)."""
    config = load_config(str(root / "mkdocs.yml"))
    return list(config.markdown_extensions), dict(config.mdx_configs)


@dataclass
class Rendered:
    """A page as MkDocs would see it: front matter, and the parsed HTML of its body."""

    source: str
    meta: dict[str, Any]
    root: Element


class PageRenderer:
    """Markdown with mkdocs.yml's extensions, then html5lib; cached by page source."""

    def __init__(self, root: Path) -> None:
        self.names, self.configs = markdown_settings(root)
        self._cache: dict[str, Rendered] = {}

    def __call__(self, source: str) -> Rendered:
        if source not in self._cache:
            body, meta = get_data(source)
            md = markdown.Markdown(extensions=self.names, extension_configs=self.configs)
            tree: Element = html5lib.parse(md.convert(body), namespaceHTMLElements=False)
            self._cache[source] = Rendered(source, meta, tree)
            if len(self._cache) > 512:
                self._cache.pop(next(iter(self._cache)))
        return self._cache[source]


def template_headings(templates: Path) -> re.Pattern[str]:
    """The Markdown headings the templates write; a value in one is a year or an actor kind."""
    variable = "(?:" + "|".join([r"\d{4}", *model.KIND_PLURALS.values()]) + ")"
    patterns = set()
    for template in sorted(templates.glob("*.j2")):
        for line in template.read_text("utf-8").split("\n"):
            heading = re.fullmatch(r"#{1,6} +(.+?)\s*", line)
            if heading:
                parts = re.split(r"\{\{.*?\}\}", heading.group(1))
                patterns.add(variable.join(re.escape(part) for part in parts))
    return re.compile("|".join(sorted(patterns)))


def live_markup(
    page: str, rendered: Rendered, allowed_tags: frozenset[str], headings: re.Pattern[str]
) -> list[str]:
    """Everything on a rendered page that content could have made live."""
    bad: list[str] = []
    if rendered.source.startswith("---\n") and not rendered.meta:
        bad.append(f"{page}: the front matter did not parse, so MkDocs shows it as text")
    title = rendered.meta.get("title")
    if title is not None:
        fragment = html5lib.parseFragment(str(title), namespaceHTMLElements=False)
        if any(isinstance(e.tag, str) for e in fragment.iter() if e is not fragment):
            bad.append(f"{page}: the title {title!r} is markup, and MkDocs prints it as HTML")
    for element in elements(rendered.root):
        tag = local(element.tag)
        if tag in SCRIPTABLE:
            bad.append(f"{page}: <{tag}>")
        elif tag not in allowed_tags:
            bad.append(f"{page}: <{tag}> is not an element the templates make")
        for name, value in element.attrib.items():
            attribute = local(name)
            if attribute.startswith("on"):
                bad.append(f"{page}: <{tag} {attribute}={value!r}>")
            if name.lower() in URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(DANGEROUS_SCHEMES):
                    bad.append(f"{page}: <{tag} {attribute}={value!r}>")
                if not CLEAN_URL.fullmatch(value):
                    bad.append(f"{page}: <{tag} {attribute}={value!r}> is not a clean URL")
        ident = element.get("id")
        headerlink = any("headerlink" in (a.get("class") or "") for a in element)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and headerlink:
            label = text(element).removesuffix("¶").strip()
            if not headings.fullmatch(label):
                bad.append(f"{page}: a Markdown heading from content: <{tag}>{label}")
        elif ident is not None and not STRUCTURAL_ID.fullmatch(ident):
            bad.append(f"{page}: <{tag} id={ident!r}> is not an id the templates make")
    return bad


# --- fixtures ------------------------------------------------------------------------------------


class Sandbox:
    """A site whose seeds each example rewrites, its page renderer and its allowed elements."""

    def __init__(self, root: Path, render: PageRenderer, allowed_tags: frozenset[str]) -> None:
        self.root = root
        self.render = render
        self.allowed_tags = allowed_tags
        self.headings = template_headings(root / "templates")

    def put(self, key: str, value: str) -> str:
        return write_seeds(self.root / "seeds", key, value)

    def __repr__(self) -> str:
        return f"Sandbox({self.root})"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    base = tmp_path_factory.mktemp("properties")
    seeds = base / "seeds"
    write_seeds(seeds, "name", DEFAULTS["name"])
    root = copy_site(base / "root", seeds)
    outcome = run_pipeline(root)
    assert outcome.pages is not None and not outcome.problems, outcome.problems
    render = PageRenderer(root)
    tags = {local(e.tag) for source in outcome.pages.values()
            for e in elements(render(source).root)}
    allowed = frozenset(tags | DESCRIPTION_TAGS) - SCRIPTABLE
    return Sandbox(root, render, allowed)


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)

# --- the properties --------------------------------------------------------------------------


def _judge_rendered(box: Sandbox, outcome: Outcome) -> dict[str, Element]:
    assert outcome.pages is not None
    assert outcome.seconds < TIME_BUDGET, f"check + render took {outcome.seconds:.1f} CPU s"
    parsed: dict[str, Element] = {}
    bad: list[str] = []
    for page, source in sorted(outcome.pages.items()):
        rendered = box.render(source)
        parsed[page] = rendered.root
        bad += live_markup(page, rendered, box.allowed_tags, box.headings)
    assert not bad, "live markup:\n" + "\n".join(bad)
    return parsed


@pytest.mark.parametrize("key", [f.key for f in TEXT_FIELDS])
@PROPERTY
@given(value=hostile_text)
def test_text_field_is_shown_literally_or_refused_with_a_place(
    sandbox: Sandbox, key: str, value: str
) -> None:
    field = FIELDS[key]
    note(f"{field.file}:{field.line}: {sandbox.put(key, value)}")
    outcome = run_pipeline(sandbox.root)
    note("problems:\n" + "\n".join(p.format() for p in outcome.problems))
    if outcome.errors:
        event("refused with a located error")
        assert_located(sandbox.root, outcome, field)
        assert not breaks_no_rule(field, value), "text that breaks no rule was refused"
        return
    event("rendered")
    kept = unicodedata.normalize("NFC", value).strip()  # what is left after the ends are cut
    smuggled = sorted({f"U+{ord(c):04X}" for c in kept if c in REFUSED or (
        unicodedata.category(c) == "Cc" and c not in "\n\t")})
    assert not smuggled, f"control or bidi characters {smuggled} were accepted"
    length = len(kept)
    assert length <= field.cap, f"{length:,} characters accepted; the cap is {field.cap:,}"
    pages = _judge_rendered(sandbox, outcome)
    expected = shown_text(value)
    assert field.shown is not None
    shown = field.shown(pages)
    if not field.markdown or not any(c in string.punctuation for c in value):
        assert expected in shown, f"{key}: expected {expected!r}, the page shows {shown!r}"
    else:  # Markdown may drop its own syntax, but never add words
        squeezed = "".join(expected.split())
        remaining = iter(squeezed)
        assert all(c in remaining for c in "".join("".join(shown).split())), shown
    if field.title_of:
        meta = sandbox.render(outcome.pages[field.title_of]).meta  # MkDocs' CSafeLoader
        assert html.unescape(str(meta.get("title"))) == expected, meta


def slug_values() -> st.SearchStrategy[str]:
    near = ("nato\n", "nato ", " nato", "Nato", "NATO", "na--to", "-nato", "nato-", "na_to",
            "con", "com1", "nul", "../nato", "nato/x", "a" * 64, "a" * 65, "naτo", "ｎａｔｏ",
            "nato\u200b", "russia\n", "subject\n", "x\n", "", "-", "1")
    return st.one_of(
        hostile_text,
        st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True),
        st.sampled_from(sorted(KNOWN_IDS)),
        st.sampled_from(near),
    )


@pytest.mark.parametrize("key", [f.key for f in SLUG_FIELDS])
@settings(PROPERTY, max_examples=25)
@given(value=slug_values())
def test_slug_field_takes_only_slugs(sandbox: Sandbox, key: str, value: str) -> None:
    field = FIELDS[key]
    note(f"{field.file}:{field.line}: {sandbox.put(key, value)}")
    outcome = run_pipeline(sandbox.root)
    note("problems:\n" + "\n".join(p.format() for p in outcome.problems))
    if field.accepted is not None:
        should_pass = value in field.accepted
    elif key == "actor_id":
        should_pass = is_slug(value) and value not in KNOWN_IDS - {DEFAULTS["actor_id"]}
    else:
        should_pass = is_slug(value)
    event("refused" if outcome.errors else "accepted")
    if outcome.errors:
        # A known id that conflicts (nato listed twice, a relation to itself) may be reported
        # where the conflict shows; anything else at the value itself.
        assert_located(sandbox.root, outcome, field, at_value=value not in KNOWN_IDS)
        assert not should_pass, f"{value!r} is a valid {key}, yet it was refused"
        return
    assert should_pass, f"{value!r} is not a slug (or not a known actor), yet it was accepted"
    _judge_rendered(sandbox, outcome)


# --- a few real builds -----------------------------------------------------------------------


def built_page(root: Path, page: str) -> Element:
    tree: Element = html5lib.parse((root / "site" / page).read_text("utf-8"),
                                   namespaceHTMLElements=False)
    return tree


LOCATED = re.compile(r"^seeds/[^\s:]+:[1-9]\d*:[1-9]\d*: error: ")


@pytest.mark.parametrize("key", ["briefing_title", "quote_text"])
@settings(PROPERTY, max_examples=5)
@given(value=st.one_of(printable_text, hostile_text))
def test_full_build_shows_the_text_or_fails_with_a_place(
    tmp_path_factory: pytest.TempPathFactory, key: str, value: str
) -> None:
    field = FIELDS[key]
    base = tmp_path_factory.mktemp("build")
    written = write_seeds(base / "seeds", key, value)
    note(f"{field.file}:{field.line}: {written}")
    root = copy_site(base / "root", base / "seeds")
    expected_errors = run_pipeline(root).errors
    environment = {**os.environ, "BRIEFINGS_CACHE_DIR": str(base / "cache")}
    result = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root,
                            capture_output=True, text=True, timeout=300, env=environment)
    note(f"exit {result.returncode}\n{result.stderr}")
    assert "Traceback" not in result.stderr + result.stdout
    event("build failed with located errors" if result.returncode else "built")
    if result.returncode != 0:
        assert expected_errors, "the build failed, yet `check` found nothing wrong"
        errors = [ln for ln in result.stderr.splitlines() if ": error: " in ln]
        assert errors and all(LOCATED.match(ln) for ln in errors), result.stderr
        return
    assert not expected_errors
    page = built_page(root, "briefings/2024-01-02-base/index.html")
    expected = shown_text(value)
    title = [text(e) for e in by_tag(page, "title")]
    if key == "briefing_title":
        assert [text(e) for e in elements(page) if e.get("id") == "briefing-title"] == [expected]
        assert title == [f"{expected} - {SITE_TITLE}"]
    else:
        assert expected in [text(e) for q in by_class(page, "bf-quote")
                            for e in by_tag(q, "blockquote")]
    for tag in ("script", "iframe", "style", "object", "embed"):
        assert not by_tag(content(page), tag), f"<{tag}> in the content"
    for element in elements(page):
        for name, attr in element.attrib.items():
            assert not local(name).startswith("on"), f"<{local(element.tag)} {name}={attr!r}>"
            squeezed = re.sub(r"[\x00-\x20]", "", attr).lower()
            if name.lower() in URL_ATTRIBUTES:
                assert not squeezed.startswith(DANGEROUS_SCHEMES), attr


# --- regressions: bugs the properties found, minimal inputs ----------------------------------


@pytest.mark.parametrize("key", ["tag", "relation_type", "actor_id"])
def test_regression_slug_with_a_trailing_line_break_is_refused(sandbox: Sandbox, key: str) -> None:
    # Found at 6f877e3: SLUG = ^...$ with re.match let 'x\n' through ('$' matches before a
    # final newline); docs/tags/'x\n'.md was written and the briefing linked '../../tags/x /'.
    field = FIELDS[key]
    sandbox.put(key, "x\n")  # tags: ["x\n"], as `- |` or a stray escape writes it
    outcome = run_pipeline(sandbox.root)
    assert outcome.errors, f"{key} 'x\\n' accepted; pages: {sorted(outcome.pages or ())}"
    assert_located(sandbox.root, outcome, field)


@pytest.mark.parametrize(("key", "value"), [("name", "\ufffe"), ("briefing_title", "A\uffff")])
def test_regression_noncharacter_in_a_title_keeps_the_front_matter(
    sandbox: Sandbox, key: str, value: str
) -> None:
    # Found at 6f877e3: front_matter_text wrote U+FFFE/U+FFFF raw with json.dumps; YAML cannot
    # hold them, so MkDocs dropped the front matter and showed '---' as <hr> and 'title: ...'
    # as an <h2>. Refusing the character with a place is a fix as good as escaping it.
    field = FIELDS[key]
    sandbox.put(key, value)  # written as "\uFFFE" in the YAML file
    outcome = run_pipeline(sandbox.root)
    if outcome.errors:  # refusing the character with a place is a fix too
        assert_located(sandbox.root, outcome, field)
        return
    assert outcome.pages is not None
    rendered = sandbox.render(outcome.pages[field.title_of])
    assert rendered.meta.get("title") is not None, rendered.source[:120]
    assert html.unescape(str(rendered.meta["title"])) == shown_text(value)


@pytest.mark.parametrize("key", ["quote_text", "evidence"])
def test_regression_decomposed_quote_verifies(sandbox: Sandbox, key: str) -> None:
    # Found at 6f877e3: the quote was NFC-normalised on load and the article was not, and fold()
    # normalises the article character by character, so 'e\u0301' in both files never matched
    # ("nothing in the article is close"). Fixed by read_text NFC-normalising every file.
    sandbox.put(key, "e\u0301")  # the same decomposed "é" in the article and in the YAML
    outcome = run_pipeline(sandbox.root)
    assert not outcome.errors, [p.format() for p in outcome.errors]


def test_regression_code_in_a_description_is_escaped_once(sandbox: Sandbox) -> None:
    sandbox.put("description", "`<`")
    outcome = run_pipeline(sandbox.root)
    assert outcome.pages is not None, [p.format() for p in outcome.errors]
    page = sandbox.render(outcome.pages[SUBJECT_PAGE]).root
    shown = [text(e) for e in by_class(page, "bf-profile__description")]
    assert shown == ["<"]


def test_regression_combining_mark_after_an_escape_is_read(sandbox: Sandbox) -> None:
    line = sandbox.put("summary", "a\n\u0301")  # summary: "a\n" + U+0301, valid YAML
    assert line == 'summary: "a\\n\u0301"'
    outcome = run_pipeline(sandbox.root)
    assert not outcome.errors, [p.format() for p in outcome.errors]
