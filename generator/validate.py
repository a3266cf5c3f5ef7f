"""Validate stage: check loaded YAML against the contract and build verified model objects.

Every problem is collected with its file, line and column; nothing raises at the user.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from generator import model
from generator.load import (
    LIST_PAGE,
    RESERVED_NAMES,
    SLUG,
    BriefingFiles,
    Mapping,
    Node,
    Scalar,
    Sequence,
    SourceFile,
    shorten_slug,
    shown,
    slugify,
    warn_comment_truncation,
)
from generator.problems import Problem, Severity
from generator.textmatch import (
    ArticleText,
    MentionFinder,
    Miss,
    article_text,
    find_quote,
    fold,
    markdown_html,
    sentence_around,
    split_paragraphs,
)

MAX_ID = 64
MAX_ITEMS = 500  # per list: quotes, claims, events, relations, tags, key points, aliases ...
NEAR_DUPLICATE_MIN = 6  # names shorter than this are not compared for a one-letter difference
# Python-Markdown takes time growing with the square of the "[" in a paragraph (~1 s for 2,000
# on a slow machine): the sum of those squares over a Markdown text may not exceed this.
MARKDOWN_BUDGET = 1_000_000
# Lists and block quotes nested inside each other: Python-Markdown reads each level by
# recursion, and a staircase of a few hundred '>' takes it minutes (or overflows the stack).
MAX_NESTING = 20
_NESTING = re.compile(r"[ \t]*(?:>[ \t]*|(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$))+")
_NESTING_MARKS = (">", "- ", "* ", "+ ", ". ", ") ")
# Each < > & " ' becomes an HTML entity, and MkDocs' Markdown pass takes ~2.5 us per entity
# (a 1 MiB article of '<' alone takes 2.7 s): at most this many in one annotation or article.
MAX_ESCAPED = 150_000
_ESCAPED = re.compile(r"""[<>&"']""")
LIMITS = {
    "name": 200,
    "title": 300,
    "alias": 200,
    "summary": 3000,
    "description": 5000,
    "text": 2000,
    "line": 500,
}
_GRADE = re.compile(r"[A-F][1-6]\Z")  # \Z: '$' would let a final newline in
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")  # (\d: any script's)
_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F}
# Words analysts type for a choice, and the choice they mean.
SYNONYMS = {
    "country": "state", "nation": "state", "government": "state",
    "organisation": "organization", "org": "organization", "company": "organization",
    "agency": "organization", "ministry": "organization", "party": "group",
    "city": "place", "region": "place", "location": "place", "province": "place",
    "individual": "person", "people": "person", "human": "person",
    "probable": "likely", "probably": "likely", "possible": "roughly-even",
    "certain": "almost-certain", "improbable": "unlikely", "impossible": "almost-no-chance",
    "verified": "confirmed", "unconfirmed": "reported", "unverified": "reported",
    "claimed": "alleged", "contested": "disputed", "rejected": "denied", "false": "denied",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a mapping: whether it must be there."""

    required: bool = False


ACTOR_FIELDS = {
    "name": Field(True),
    "kind": Field(True),
    "title": Field(),
    "affiliation": Field(),
    "aliases": Field(),
    "description": Field(),
    "links": Field(),
}
BRIEFING_FIELDS = {
    "title": Field(True),
    "date": Field(True),
    "source": Field(True),
    "summary": Field(True),
    "key_points": Field(),
    "tags": Field(),
    "actors": Field(),
    "quotes": Field(),
    "claims": Field(),
    "events": Field(),
    "relations": Field(),
}
SOURCE_FIELDS = {"name": Field(True), "url": Field()}
INVOLVEMENT_FIELDS = {"id": Field(True), "role": Field()}
QUOTE_FIELDS = {"speaker": Field(True), "text": Field(True), "context": Field()}
CLAIM_FIELDS = {
    "text": Field(True),
    "by": Field(),
    "status": Field(True),
    "grade": Field(),
    "likelihood": Field(),
    "evidence": Field(),
}
EVENT_FIELDS = {"date": Field(True), "text": Field(True), "actors": Field()}
RELATION_FIELDS = {"from": Field(True), "type": Field(True), "to": Field(True), "note": Field()}


@dataclass(slots=True)
class Reference:
    """An actor id used somewhere, to be checked once the registry is known."""

    path: str
    node: Scalar
    what: str


@dataclass
class Checker:
    """Reads one YAML file's nodes into plain values, collecting located problems."""

    source: SourceFile
    problems: list[Problem]
    references: list[Reference] = field(default_factory=list)

    def error(self, node: Node, message: str) -> None:
        """Record an error at a node."""
        self.problems.append(Problem(self.source.path, node.line, node.col, message))

    def warn(self, node: Node, message: str) -> None:
        """Record a warning at a node."""
        self.problems.append(
            Problem(self.source.path, node.line, node.col, message, Severity.WARNING)
        )

    def fields(
        self, node: Node, spec: dict[str, Field], what: str
    ) -> dict[str, tuple[Scalar, Node]] | None:
        """Check a mapping's keys: unknown ones (with a suggestion) and missing required ones."""
        if not isinstance(node, Mapping):
            self.error(node, f"{what} must be a mapping of fields ({', '.join(spec)}), "
                             f"got {_shape(node)}")
            return None
        found: dict[str, tuple[Scalar, Node]] = {}
        suggested: set[str] = set()
        for key, value in node.items:
            if key.value in spec:
                found[key.value] = (key, value)
                continue
            unused = [name for name in spec if name not in {k.value for k, _ in node.items}]
            guess = difflib.get_close_matches(key.value, unused or list(spec), n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(spec)}"
            suggested.update(guess)
            self.error(key, f"'{key.value}' is not a known field of {what}; {hint}")
        for name, rule in spec.items():
            if rule.required and name not in found and name not in suggested:
                self.error(node, f"{what} is missing the required field '{name}'")
        return found

    def text(
        self, node: Node, what: str, limit: str = "text", *, one_line: bool = False,
        empty: str = "write it, or delete the line: the field is optional",
    ) -> str | None:
        """A non-empty string, without control or bidi characters, within its length limit;
        `empty` says what to write when it is empty."""
        if not isinstance(node, Scalar):
            self.error(node, f"{what} must be text, got {_shape(node)}")
            return None
        value = unicodedata.normalize("NFC", node.value).strip()
        if not value or (not value.isprintable() and not any(
                c.isprintable() and not c.isspace() for c in value)):  # a zero-width space alone
            self.error(node, f"{what} is empty; {empty}")
            return None
        # Printable text (no control, format, unassigned or separator character but the
        # space) holds nothing refused below; only other text is read character by character.
        printable = value.isprintable() or value.replace("\n", " ").replace(
            "\t", " ").isprintable()
        for offset, char in enumerate("" if printable else value):
            code = ord(char)
            if code in _BIDI or (unicodedata.category(char) == "Cc" and char not in "\n\t"):
                self.error(node, f"{what} contains U+{code:04X} "
                                 f"({unicodedata.name(char, 'control character').lower()}) "
                                 f"at character {offset + 1}; remove it")
                return None
            if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
                self.error(node, f"{what} contains U+{code:04X}, which is not a character "
                                 "(a noncharacter); remove it")
                return None
            if one_line and unicodedata.category(char) == "Cf":
                self.error(node, f"{what} contains the invisible character U+{code:04X}; "
                                 "remove it")
                return None
        if len(value) > LIMITS[limit]:
            self.error(node, f"{what} is {len(value):,} characters long; "
                             f"the limit is {LIMITS[limit]:,}")
            return None
        if one_line and "\n" in value:
            self.error(node, f"{what} must be one line")
            return None
        truncated = warn_comment_truncation(self.source, node, what)
        if truncated:
            self.problems.append(truncated)
        return " ".join(value.split()) if one_line else value

    def slug(self, node: Node, what: str, listed_on: str = "") -> str | None:
        """A lowercase slug such as an id, a tag or a relation type; one that names a page
        of its own, in the folder of the page `listed_on` names, cannot be that page's."""
        if not isinstance(node, Scalar):
            self.error(node, f"{what} must be a lowercase slug, got {_shape(node)}")
            return None
        value = node.value
        is_slug = SLUG.match(value) is not None
        if is_slug and len(value) > MAX_ID:
            self.error(node, f"{what} '{shown(value)}' is {len(value)} characters long; the "
                             f"limit is {MAX_ID}: write '{shorten_slug(value, MAX_ID)}'")
            return None
        if is_slug:
            if value in RESERVED_NAMES:
                self.error(node, f"{what} '{value}' is a reserved device name on Windows, where "
                                 f"no file can be called {value}.md; add a word to it")
                return None
            if value == LIST_PAGE and listed_on:
                self.error(node, f"{what} '{value}' is the name of the page that lists "
                                 f"{listed_on}; add a word to it")
                return None
            # One string for each id, tag or type: a briefing names its actors many times
            # over, and pickled, as it is for the cache, each is then written and read once.
            return sys.intern(value)
        suggestion = slugify(value)
        if sum(c.isalnum() for c in suggestion) < sum(c.isalnum() for c in value):
            suggestion = ""  # lossy ('ال-أسد' gives 'l-sd'): let the analyst choose
        suggestion = shorten_slug(suggestion, MAX_ID)
        hint = f"; write '{suggestion}'" if suggestion else \
            "; write an ASCII id with a-z, 0-9 and single hyphens"
        self.error(node, f"{what} '{shown(value)}' is not a lowercase slug of at most {MAX_ID} "
                         f"characters{hint}")
        return None

    def actor_ref(self, node: Node, what: str) -> str | None:
        """An actor id, checked against the registry after all files are read."""
        if isinstance(node, Scalar) and not node.value.strip():
            self.error(node, f"{what} is empty; write the id of an actor in actors.yaml")
            return None
        value = self.slug(node, what)
        if value is not None and isinstance(node, Scalar):
            self.references.append(Reference(self.source.path, node, what))
        return value

    def choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str | None:
        """One of a fixed set of words."""
        if not isinstance(node, Scalar):
            self.error(node, f"{what} must be one of {'|'.join(choices)}, got {_shape(node)}")
            return None
        if node.value in choices:
            return choices[choices.index(node.value)]  # the constant itself: one string
        word = node.value.strip().lower()
        guess = [SYNONYMS[word]] if SYNONYMS.get(word) in choices else \
            difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        self.error(node, f"{what} must be one of {'|'.join(choices)}, got '{node.value}'{hint}")
        return None

    def items(self, node: Node, what: str) -> list[Node]:
        """The items of a list; a single value where a list belongs is an error."""
        if isinstance(node, Sequence):
            if len(node.items) > MAX_ITEMS:
                self.error(node.items[MAX_ITEMS], f"{what} has {len(node.items):,} items; the "
                                                  f"limit is {MAX_ITEMS:,} (this is item "
                                                  f"{MAX_ITEMS + 1:,})")
                return []
            return node.items
        if isinstance(node, Scalar) and node.value == "" and node.plain:
            return []
        self.error(node, f"{what} must be a list, got {_shape(node)}; write [a, b] or "
                         "one '- item' per line")
        return []

    def date(self, node: Node, what: str, *, partial: bool) -> model.PartialDate | None:
        """A date as YYYY-MM-DD, or also YYYY and YYYY-MM when `partial`."""
        expected = "YYYY, YYYY-MM or YYYY-MM-DD" if partial else "YYYY-MM-DD"
        if not isinstance(node, Scalar):
            self.error(node, f"{what} must be a date ({expected}), got {_shape(node)}")
            return None
        match = _DATE.match(node.value.strip())
        if match and (partial or match.group(3)):
            year, month, day = (int(g) if g else 0 for g in match.groups())
            try:  # a month or day written must be one (2024-00 is not a date)
                if match.group(2):
                    dt.date(year, month, day if match.group(3) else 1)
                return model.PartialDate(year, month, day)
            except ValueError:
                pass
        hint = _date_hint(node.value, partial)
        self.error(node, f"'{node.value}' is not a valid {expected} date{hint}")
        return None

    def url(self, node: Node, what: str) -> str | None:
        """An absolute http(s) address with a host and no white space."""
        if not isinstance(node, Scalar):
            self.error(node, f"{what} must be an http(s) address, got {_shape(node)}")
            return None
        value = node.value.strip()
        if any(c.isspace() or unicodedata.category(c)[0] == "C" for c in value) or any(
            c in value for c in "<>\"'`\\"
        ):
            self.error(node, f"{what} contains white space or a character not allowed in "
                             "an address; percent-encode it")
            return None
        try:
            parts = urlsplit(value)
        except ValueError:
            self.error(node, f"{what} '{value}' is not a valid address")
            return None
        if not parts.scheme:
            self.error(node, f"{what} '{value}' has no scheme; write 'https://{value}'")
            return None
        if parts.scheme.lower() not in ("http", "https"):
            self.error(node, f"{what} scheme '{parts.scheme}' not allowed; use an http(s) address")
            return None
        if not parts.hostname:
            self.error(node, f"{what} '{value}' has no host")
            return None
        return value


# Each month as a date in an article may spell it: in full, by three letters, and Sept.
_MONTH_NAMES = {spelling: number for number, month in enumerate(model.MONTHS, 1)
                for spelling in (month.lower(), month[:3].lower())} | {"sept": 9}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
_WORDS_OF_DATE = re.compile(r"[a-z]+|\d+")
_TIME_AFTER_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}")


def _date_hint(value: str, partial: bool) -> str:
    """What to write instead of a date typed another way ('28 October 2024', '28/10/2024',
    '2024-11-4', a time after the date), or nothing when the intended date is not clear."""
    text = value.strip()
    timed = _TIME_AFTER_DATE.match(text)
    if timed:
        day = _iso(*map(int, timed.group(1).split("-")))
        return f"; write '{day}' (no time)" if day else ""
    month_only = _DATE.match(text)
    if (month_only and month_only.group(2) and not month_only.group(3) and not partial
            and 1 <= int(month_only.group(2)) <= 12):
        return f"; write '{text}-DD' with the day"
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        first, second, third = numeric.groups()
        if len(first) == 4:
            return _iso_hint(int(first), int(second), int(third))
        if len(third) != 4:
            return ""
        year, a, b = int(third), int(first), int(second)
        day_first, month_first = _iso(year, b, a), _iso(year, a, b)
        if day_first and month_first and day_first != month_first:
            return (f"; write '{day_first}' ({a} {model.MONTHS[b - 1]}) or '{month_first}' "
                    f"({b} {model.MONTHS[a - 1]})")
        return _iso_hint(year, b, a) if day_first else _iso_hint(year, a, b)
    words = _WORDS_OF_DATE.findall(text.lower())
    months = [_MONTH_NAMES[w] for w in words if w in _MONTH_NAMES]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(months) != 1 or len(words) != len(months) + len(numbers):
        return ""
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 1000]
    if len(years) == 1 and len(days) == 1:
        return _iso_hint(years[0], months[0], days[0])
    if len(years) == 1 and not days:
        month = f"{years[0]:04d}-{months[0]:02d}"
        return f"; write '{month}'" if partial else f"; write '{month}-DD' with the day"
    return ""


def _iso(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _iso_hint(year: int, month: int, day: int) -> str:
    iso = _iso(year, month, day)
    return f"; write '{iso}'" if iso else ""


def _shape(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Scalar) and node.value == "" and node.plain:
        return "nothing"
    return "text"


# --- the actor registry -------------------------------------------------------------------


@dataclass(slots=True)
class Registry:
    """The validated actor registry, with where each actor and alias was written."""

    actors: dict[str, model.Actor]
    nodes: dict[str, Scalar]
    names: dict[str, str]  # folded name or alias -> actor id
    broken: set[str] = field(default_factory=set)  # written, but with errors already reported
    # False when actors.yaml is missing or is not a mapping: that is reported, and the ids
    # briefings use are not checked against nothing (each would be an error of its own)
    read: bool = True
    slugs: dict[str, str] = field(default_factory=dict)  # of each name and alias, as made


def check_actors(source: SourceFile | None, root: Node | None, problems: list[Problem],
                 made: dict[str, str] | None = None,
                 slugs: dict[str, str] | None = None) -> Registry:
    """Validate actors.yaml into actors, and the name/alias table used to find mentions.

    `made` holds descriptions made into HTML already (by an earlier check), by their text:
    an edit of actors.yaml changes a few, and making each costs a Markdown pass and a clean.
    `slugs` holds the slugs of names and aliases made by an earlier check (its `slugs`).
    """
    registry = Registry({}, {}, {})
    if source is None or root is None:
        registry.read = False
        return registry
    checker = Checker(source, problems)
    if not isinstance(root, Mapping):
        checker.error(root, f"top level must be a mapping from actor id to actor, "
                            f"got {_shape(root)}")
        registry.read = False
        return registry
    name_nodes: dict[str, tuple[str, Scalar]] = {}
    written: list[tuple[str, str, Scalar]] = []  # (actor id, name or alias, where)
    for key, node in root.items:
        actor_id = checker.slug(key, "actor id", "every actor")
        found = checker.fields(node, ACTOR_FIELDS, f"actor '{key.value}'")
        if actor_id is None or found is None:
            registry.broken.update({key.value, slugify(key.value)})
            continue
        values = _actor_values(checker, found, actor_id, made or {})
        if values is None:
            registry.broken.add(actor_id)
            continue
        actor = model.Actor(id=actor_id, **values)  # type: ignore[arg-type]
        registry.actors[actor_id] = actor
        registry.nodes[actor_id] = key
        alias_nodes = found["aliases"][1].items if "aliases" in found and isinstance(
            found["aliases"][1], Sequence) else []
        spellings = [(actor.name, found["name"][1])]
        spellings += [(a, n) for a, n in zip(actor.aliases, alias_nodes, strict=False)]
        written += [(actor_id, s, n) for s, n in spellings if isinstance(n, Scalar)]
        for spelling, spelled_at in spellings:
            folded = fold(spelling).text.strip()
            if not folded:
                continue
            other = name_nodes.get(folded)
            if other and other[0] != actor_id:
                checker.error(spelled_at, f"'{spelling}' names both '{other[0]}' (line "
                                          f"{other[1].line}) and '{actor_id}'; a name or alias "
                                          "must belong to one actor")
                continue
            if not other and isinstance(spelled_at, Scalar):
                name_nodes[folded] = (actor_id, spelled_at)
                registry.names[folded] = actor_id
    registry.slugs = warn_similar_names(checker, written, slugs or {})
    for _key, node in root.items:
        affiliation = node.get("affiliation") if isinstance(node, Mapping) else None
        if isinstance(affiliation, Scalar) and SLUG.match(affiliation.value):
            checker.references.append(Reference(source.path, affiliation, "affiliation"))
    check_references(checker.references, registry, problems)
    return registry


def warn_similar_names(checker: Checker, written: list[tuple[str, str, Scalar]],
                       known: dict[str, str]) -> dict[str, str]:
    """Warn when two actors' names or aliases look like one name spelled two ways.

    Two kinds: spellings that give the same slug (they differ only in case, spacing,
    punctuation, accents or script: "Kim Jong Un" and "Kim Jong-un", "Müller" and "Muller"),
    and spellings one letter apart ("Zelensky" and "Zelenskyy"), compared after NFKC and
    case folding. Identical spellings are an error reported elsewhere. One warning per pair
    of actors, at the later spelling. Returns the slug of each spelling, for the next check
    (`known`: those of the last one; python-slugify takes 30 us a name).
    """
    warned: set[tuple[str, str]] = set()

    def warn(actor_id: str, spelling: str, node: Scalar, first: tuple[str, str, Scalar],
             how: str) -> None:
        pair = (min(actor_id, first[0]), max(actor_id, first[0]))
        if pair in warned:
            return
        warned.add(pair)
        checker.warn(node, f"'{shown(spelling)}' (actor '{actor_id}') and '{shown(first[1])}' "
                           f"(actor '{first[0]}', line {first[2].line}) {how}; if they are one "
                           "actor, keep one and list the other spelling under its aliases")

    by_slug: dict[str, int] = {}
    by_variant: dict[str, list[int]] = {}
    keys = [unicodedata.normalize("NFKC", s).casefold() for _, s, _ in written]
    slugs = [known.get(s) or slugify(s) for _, s, _ in written]
    for i, (actor_id, spelling, node) in enumerate(written):
        j = by_slug.setdefault(slugs[i], i) if slugs[i] else i
        if written[j][0] != actor_id and fold(written[j][1]).text != fold(spelling).text:
            warn(actor_id, spelling, node, written[j],
                 "differ only in case, spacing, punctuation or accents")
        key = keys[i]
        if len(key) < NEAR_DUPLICATE_MIN:
            continue
        variants = {key} | {key[:k] + key[k + 1:] for k in range(len(key))}
        for j in sorted({j for v in variants for j in by_variant.get(v, ())}):
            if written[j][0] != actor_id and slugs[j] != slugs[i] and \
                    _one_letter_apart(keys[j], key):
                warn(actor_id, spelling, node, written[j], "are one letter apart")
        for variant in variants:
            by_variant.setdefault(variant, []).append(i)
    return {spelling: slug for (_, spelling, _), slug in zip(written, slugs, strict=True)}


def _one_letter_apart(first: str, second: str) -> bool:
    """One letter inserted, deleted or changed, as in 'Zelensky' and 'Zelenskyy'.

    Not a changed first letter ('Normark' and 'Cormark' are usually two names) and not a
    digit ('Brigade 21' and 'Brigade 22').
    """
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    prefix = 0
    while prefix < min(len(first), len(second)) and first[prefix] == second[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < min(len(first), len(second)) - prefix
           and first[-1 - suffix] == second[-1 - suffix]):
        suffix += 1
    left, right = first[prefix:len(first) - suffix], second[prefix:len(second) - suffix]
    if len(left) > 1 or len(right) > 1 or (prefix == 0 and len(left) == len(right)):
        return False
    return not any(c.isdigit() for c in left + right)


def _actor_values(
    checker: Checker, found: dict[str, tuple[Scalar, Node]], actor_id: str,
    made: dict[str, str],
) -> dict[str, object] | None:
    # A missing name or kind has been reported by `fields`; check the other fields anyway.
    name = (checker.text(found["name"][1], "name", "name", one_line=True,
                         empty="write the actor's name as articles write it")
            if "name" in found else None)
    kind = (checker.choice(found["kind"][1], "kind", model.ACTOR_KINDS)
            if "kind" in found else None)
    values: dict[str, object] = {"name": name, "kind": kind}
    if "title" in found:
        values["title"] = checker.text(found["title"][1], "title", "title", one_line=True) or ""
    if "affiliation" in found:
        affiliation = checker.slug(found["affiliation"][1], "affiliation") or ""
        if affiliation == actor_id:
            checker.error(found["affiliation"][1], "an actor cannot be affiliated with itself")
        values["affiliation"] = affiliation
    if "aliases" in found:
        aliases = []
        for item in checker.items(found["aliases"][1], "aliases"):
            alias = checker.text(item, "alias", "alias", one_line=True,
                                 empty="write a spelling articles use, or delete the item")
            if alias is not None:
                aliases.append(alias)
        values["aliases"] = tuple(aliases)
    if "description" in found:
        values["description"] = checker.text(
            found["description"][1], "description", "description") or ""
        slow = slow_markdown(str(values["description"]), "description", "", lines=False)
        if slow:
            checker.error(found["description"][1], slow[1])
        elif values["description"]:
            text = str(values["description"])
            values["description_html"] = made.get(text) or markdown_html(text)
    if "links" in found:
        values["links"] = _links(checker, found["links"][1])
    if name is None or kind is None:
        return None
    return values


def _links(checker: Checker, node: Node) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, Mapping):
        checker.error(node, f"links must be a mapping of label: address, got {_shape(node)}")
        return ()
    links = []
    for key, value in node.items:
        label = checker.text(key, "link label", "name", one_line=True,
                             empty="write a label such as Wikipedia")
        address = checker.url(value, f"link '{key.value}'")
        if label and address:
            links.append((label, address))
    return tuple(links)


def check_references(
    references: list[Reference], registry: Registry, problems: list[Problem]
) -> None:
    """Every actor id used must be in the registry; suggest the nearest one."""
    if not registry.read:
        return
    for ref in references:
        if ref.node.value in registry.actors or ref.node.value in registry.broken:
            continue
        suggestion = _suggest_actor(ref.node.value, list(registry.actors), registry)
        problems.append(Problem(ref.path, ref.node.line, ref.node.col,
                                f"{ref.what} '{ref.node.value}' is not a known actor{suggestion}"))


def _suggest_actor(value: str, ids: list[str], registry: Registry) -> str:
    by_name = registry.names.get(fold(value).text)
    if by_name:
        return f" (did you mean '{by_name}'?)"
    guess = difflib.get_close_matches(value, ids, n=1, cutoff=0.6)
    if guess:
        return f" (did you mean '{guess[0]}'?)"
    return "; add it to seeds/actors.yaml"


# --- briefings ----------------------------------------------------------------------------


def check_briefing(
    files: BriefingFiles, finder: MentionFinder, problems: list[Problem]
) -> tuple[tuple[model.Briefing, model.Article] | None, list[Reference]]:
    """Validate one annotation against the contract and verify it against its article."""
    checker = Checker(files.annotation, problems)
    root = files.node
    if root is None:
        return None, []
    errors_before = sum(p.is_error for p in problems)  # a field missing or unknown counts
    found = checker.fields(root, BRIEFING_FIELDS, "a briefing")
    if found is None:
        return None, []
    article: ArticleText | None = None
    heavy_article = None
    for content in (files.annotation, files.article):
        heavy = escape_heavy(content) if content is not None else None
        if heavy:
            problems.append(heavy)
            heavy_article = heavy if content is files.article else None
    if files.article is not None and heavy_article is None:  # (too slow to read, if it is)
        article = read_article(files.article, files.markdown, problems)

    def value(name: str, read: Callable[[Node], object]) -> object:
        return read(found[name][1]) if name in found else None

    title = value("title", lambda n: checker.text(n, "title", "title", one_line=True,
                                                  empty="write the briefing's headline"))
    date = value("date", lambda n: checker.date(n, "date", partial=False))
    source = value("source", lambda n: _source(checker, n))
    summary = value("summary", lambda n: checker.text(
        n, "summary", "summary", empty="write the bottom line up front, in 1-3 sentences"))
    key_points = tuple(
        p for n in (checker.items(found["key_points"][1], "key_points")
                    if "key_points" in found else [])
        if (p := checker.text(n, "key point", "line", one_line=True,
                              empty="write a one-line judgment, or delete the item"))
    )
    tags = _unique(checker, "tag", [
        (n, checker.slug(n, "tag", "every tag"))
        for n in (checker.items(found["tags"][1], "tags") if "tags" in found else [])
    ])
    involvements = _involvements(checker, found["actors"][1]) if "actors" in found else ()
    quotes = _quotes(checker, found["quotes"][1], article) if "quotes" in found else ()
    claims = _claims(checker, found["claims"][1], article) if "claims" in found else ()
    events = _events(checker, found["events"][1]) if "events" in found else ()
    relations = _relations(checker, found["relations"][1]) if "relations" in found else ()
    if article is None or sum(p.is_error for p in problems) > errors_before:
        return None, checker.references
    assert isinstance(title, str) and isinstance(summary, str)
    assert isinstance(date, model.PartialDate) and isinstance(source, model.Source)
    sentences: dict[str, str] = {}  # one string per sentence, however many mentions share it
    sentence_ends: dict[str, list[tuple[int, int]]] = {}
    mentions = tuple(
        model.Mention(actor_id, model.Span(number, start, end), sentences.setdefault(
            sentence := sentence_around(article.paragraphs[number], start, end,
                                        sentence_ends), sentence))
        for actor_id, number, start, end in finder.find(article)
    )
    text = model.Article(
        paragraphs=tuple(
            model.Paragraph(text, heading)
            for text, heading in zip(article.paragraphs, article.headings, strict=True)
        ),
        mentions=mentions,
    )
    briefing = model.Briefing(
        slug=files.slug,
        title=title,
        date=dt.date(date.year, date.month, date.day),
        source=source,
        summary=" ".join(summary.split()),
        key_points=key_points,
        tags=tuple(t for t in tags),
        actors=involvements,
        quotes=quotes,
        claims=claims,
        events=events,
        relations=relations,
        presences=model.presences(involvements, quotes, claims, events, relations, text),
    )
    return (briefing, text), checker.references


def escape_heavy(source: SourceFile) -> Problem | None:
    """An error where a file passes MAX_ESCAPED characters that HTML must escape, else None."""
    if sum(source.text.count(char) for char in "<>&\"'") <= MAX_ESCAPED:
        return None
    count = 0
    for number, line in enumerate(source.lines, 1):
        count += len(_ESCAPED.findall(line))
        if count > MAX_ESCAPED:
            total = len(_ESCAPED.findall(source.text))
            return Problem(source.path, number, 1, f"this file has {total:,} of the characters "
                           f"< > & \" ', which every page must escape; at most {MAX_ESCAPED:,} "
                           "fit on a page that builds in reasonable time (this line passes the "
                           "limit): is it a web page's source or a data dump?")
    return None


def _bracket_blocks(text: str) -> list[tuple[int, int]]:
    """(first line, number of '[') for every paragraph (lines between blank lines) of `text`."""
    blocks: list[tuple[int, int]] = []
    start, count, inside = 1, 0, False
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if inside:
                blocks.append((start, count))
            inside, count = False, 0
            continue
        if not inside:
            start, inside = number, True
        count += line.count("[")
    if inside:
        blocks.append((start, count))
    return blocks


def markdown_cost(text: str) -> int:
    """How long Python-Markdown will take on `text`, in units of MARKDOWN_BUDGET."""
    return sum(count * count for _, count in _bracket_blocks(text))


def read_article(source: SourceFile, markdown: bool,
                 problems: list[Problem]) -> ArticleText | None:
    """An article's paragraphs, folded for finding quotes and mentions; None, with the
    problem, when it has no text or is Markdown too slow to read."""
    slow = slow_markdown(source.text, "this Markdown article", " or save the article as "
                         ".txt") if markdown else None
    if slow:
        problems.append(Problem(source.path, slow[0], 1, slow[1]))
        return None
    paragraphs, headings = split_paragraphs(source.text, markdown)
    if not paragraphs:
        problems.append(Problem(source.path, 0, 0, "the article is empty"))
        return None
    return article_text(paragraphs, headings)


def slow_markdown(
    text: str, what: str, advice: str, *, lines: bool = True
) -> tuple[int, str] | None:
    """(line, message) when Markdown would take too long on `text`, else None."""
    deepest = _deepest_nesting(text)
    if deepest is not None:
        line, depth = deepest
        return line, (f"{what} nests lists or block quotes {depth} levels deep; at most "
                      f"{MAX_NESTING} can be read: flatten them{advice}")
    blocks = _bracket_blocks(text)
    if sum(count * count for _, count in blocks) <= MARKDOWN_BUDGET:
        return None
    line, count = max(blocks, key=lambda block: (block[1], -block[0]))
    most = int(MARKDOWN_BUDGET ** 0.5)
    where = f"the paragraph at line {line}" if lines else "one paragraph"
    return line, (f"{what} has too many '[' in its paragraphs to be read in reasonable time "
                  f"({count:,} in {where}; Markdown slows down with the "
                  f"square of that number, and {most:,} in one paragraph is the most): split "
                  f"long paragraphs or remove brackets{advice}")


def _deepest_nesting(text: str) -> tuple[int, int] | None:
    """(line, depth) of the first line nested past MAX_NESTING lists and block quotes (each
    marker at its start, and each four spaces of indentation before them), else None."""
    if sum(text.count(mark) for mark in _NESTING_MARKS) <= MAX_NESTING:
        return None  # (most texts: no line can be that deep)
    for number, line in enumerate(text.split("\n"), 1):
        found = _NESTING.match(line)
        if found is None:
            continue
        markers = found.group()
        indent = len(markers) - len(markers.lstrip(" \t"))
        # each '>' is a level, and so is each list marker between them
        depth = markers.count(">") + len(markers.replace(">", " ").split()) + indent // 4
        if depth > MAX_NESTING:
            return number, depth
    return None


def _unique(checker: Checker, what: str, values: list[tuple[Node, str | None]]) -> list[str]:
    seen: dict[str, Node] = {}
    for node, value in values:
        if value is None:
            continue
        if value in seen:
            checker.error(node, f"{what} '{value}' is listed twice (first at line "
                                f"{seen[value].line})")
            continue
        seen[value] = node
    return list(seen)


def _source(checker: Checker, node: Node) -> model.Source | None:
    found = checker.fields(node, SOURCE_FIELDS, "source")
    if found is None or "name" not in found:
        return None
    name = checker.text(found["name"][1], "source name", "name", one_line=True,
                        empty="write who published the article, such as Reuters")
    url = checker.url(found["url"][1], "source url") if "url" in found else ""
    if name is None or url is None:
        return None
    return model.Source(name, url)


def _involvements(checker: Checker, node: Node) -> tuple[model.Involvement, ...]:
    result: list[model.Involvement] = []
    seen: dict[str, Node] = {}
    for number, item in enumerate(checker.items(node, "actors"), 1):
        role = ""
        id_node: Node = item
        if isinstance(item, Mapping):
            found = checker.fields(item, INVOLVEMENT_FIELDS, f"actor {number}")
            if found is None or "id" not in found:
                continue
            id_node = found["id"][1]
            if "role" in found:
                role = checker.text(found["role"][1], "role", "line", one_line=True) or ""
        actor_id = checker.actor_ref(id_node, f"actor {number}")
        if actor_id is None:
            continue
        if actor_id in seen:
            checker.error(id_node, f"actor '{actor_id}' is listed twice (first at line "
                                   f"{seen[actor_id].line})")
            continue
        seen[actor_id] = id_node
        result.append(model.Involvement(actor_id, role))
    return tuple(result)


def _verify(
    checker: Checker, node: Node, what: str, text: str, article: ArticleText | None
) -> tuple[model.Span, ...]:
    if article is None:
        return ()
    located = find_quote(article, text)
    if isinstance(located, Miss) and located.earlier:
        checker.error(node, f"{what} not found in the article (the part \"{_clip(located.part)}\" "
                            f"occurs only before the part \"{_clip(located.earlier)}\"); the parts "
                            "of a quote joined by ... must follow the article's order")
        return ()
    if isinstance(located, Miss):
        if located.in_words:
            near = f"; it occurs only inside longer words, in \"{_clip(located.passage)}\""
        elif located.passage:  # (not found as it is: never shown as 100% similar)
            near = (f"; closest passage ({min(located.similarity, 99)}% similar): "
                    f"\"{_clip(located.passage)}\"")
        else:
            near = "; nothing in the article is close"
        part = "" if fold(located.part).text == fold(text).text.strip() else \
            f" (the part \"{_clip(located.part)}\")"
        checker.error(node, f"{what} not found in the article{part}{near}; it must match the "
                            "article word for word, with ... marking a cut")
        return ()
    return tuple(model.Span(*span) for span in located)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quotes(
    checker: Checker, node: Node, article: ArticleText | None
) -> tuple[model.Quote, ...]:
    result: list[model.Quote] = []
    for number, item in enumerate(checker.items(node, "quotes"), 1):
        found = checker.fields(item, QUOTE_FIELDS, f"quote {number}")
        if found is None or "speaker" not in found or "text" not in found:
            continue
        speaker = checker.actor_ref(found["speaker"][1], f"quote {number} speaker")
        text = checker.text(found["text"][1], f"quote {number} text",
                            empty="copy the speaker's words from the article")
        context = checker.text(found["context"][1], f"quote {number} context", "line",
                               one_line=True) if "context" in found else ""
        if text is None:
            continue
        spans = _verify(checker, found["text"][1], f"quote {number} text", text, article)
        if speaker is None or not spans or context is None:
            continue
        same = next((q for q in result if q.spans == spans and q.speaker == speaker), None)
        if same is not None:  # two boxes with one text, and one of them marked in the article
            checker.warn(found["text"][1], f"quote {number} is quote {same.number} again (the "
                                           "same words of the same speaker); delete one")
        result.append(model.Quote(number, speaker, " ".join(text.split()), context, spans))
    return model.with_highlights(tuple(result))


def _claims(
    checker: Checker, node: Node, article: ArticleText | None
) -> tuple[model.Claim, ...]:
    result = []
    for number, item in enumerate(checker.items(node, "claims"), 1):
        found = checker.fields(item, CLAIM_FIELDS, f"claim {number}")
        if found is None or "text" not in found or "status" not in found:
            continue
        what = f"claim {number}"
        text = checker.text(found["text"][1], f"{what} text",
                            empty="write what is claimed, in one sentence")
        status = checker.choice(found["status"][1], f"{what} status", model.CLAIM_STATUSES)
        by = checker.actor_ref(found["by"][1], f"{what} by") if "by" in found else ""
        grade = ""
        if "grade" in found:
            grade_node = found["grade"][1]
            if isinstance(grade_node, Scalar) and _GRADE.match(grade_node.value):
                grade = grade_node.value
            else:
                got = (f"'{shown(grade_node.value)}'" if isinstance(grade_node, Scalar)
                       else _shape(grade_node))
                checker.error(grade_node, f"{what} grade must be a source reliability A-F and an "
                                          f"information credibility 1-6, such as B2; got {got}")
        likelihood = checker.choice(found["likelihood"][1], f"{what} likelihood",
                                    model.LIKELIHOODS) if "likelihood" in found else ""
        evidence = ""
        spans: tuple[model.Span, ...] = ()
        if "evidence" in found:
            evidence = checker.text(found["evidence"][1], f"{what} evidence") or ""
            if evidence:
                spans = _verify(checker, found["evidence"][1], f"{what} evidence", evidence,
                                article)
        if text is None or status is None or by is None or likelihood is None:
            continue
        result.append(model.Claim(number, " ".join(text.split()), status, by, grade, likelihood,
                                  " ".join(evidence.split()), spans))
    return tuple(result)


def _events(checker: Checker, node: Node) -> tuple[model.Event, ...]:
    result = []
    for number, item in enumerate(checker.items(node, "events"), 1):
        found = checker.fields(item, EVENT_FIELDS, f"event {number}")
        if found is None or "date" not in found or "text" not in found:
            continue
        date = checker.date(found["date"][1], f"event {number} date", partial=True)
        text = checker.text(found["text"][1], f"event {number} text", one_line=True,
                            empty="write what happened, on one line")
        actors = _unique(checker, "actor", [
            (n, checker.actor_ref(n, f"event {number} actor"))
            for n in (checker.items(found["actors"][1], "actors") if "actors" in found else [])
        ])
        if date is None or text is None:
            continue
        result.append(model.Event(number, date, text, tuple(actors)))
    return tuple(result)


def _relations(checker: Checker, node: Node) -> tuple[model.Relation, ...]:
    result = []
    for number, item in enumerate(checker.items(node, "relations"), 1):
        found = checker.fields(item, RELATION_FIELDS, f"relation {number}")
        if found is None or not {"from", "type", "to"} <= set(found):
            continue
        source = checker.actor_ref(found["from"][1], f"relation {number} from")
        kind = checker.slug(found["type"][1], f"relation {number} type")
        target = checker.actor_ref(found["to"][1], f"relation {number} to")
        note = checker.text(found["note"][1], f"relation {number} note", "line",
                            one_line=True) if "note" in found else ""
        if source and target and source == target:
            checker.error(found["to"][1], f"relation {number} goes from '{source}' to itself")
            continue
        if source is None or kind is None or target is None or note is None:
            continue
        result.append(model.Relation(source, kind, target, note))
    return tuple(result)
