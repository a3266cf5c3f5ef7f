"""Load stage: read content files from disk into text and position-tracked YAML nodes.

Every YAML scalar stays a string (no implicit typing: `no` is not False, `010` is not 8,
`2024-10-28` is not a date); anchors, aliases, explicit tags, duplicate keys and several
documents are refused. Every node keeps its line and column so later stages can point at it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem, Severity

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 24
MAX_REPEATED = 5

try:  # libyaml's parser is several times faster; the pure-Python one is the fallback
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.BaseLoader


class _UntypedLoader(_Loader):  # type: ignore[misc]
    """Composes nodes without resolving tags: every value is read as a string anyway."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""


@dataclass(slots=True)
class Node:
    """A YAML node with its 1-based start position and its end position."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(slots=True)
class Scalar(Node):
    """A scalar value, always a string; `plain` when it was written without quotes."""

    value: str = ""
    plain: bool = True


@dataclass(slots=True)
class Sequence(Node):
    """A YAML list."""

    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Mapping(Node):
    """A YAML mapping with string keys, in file order."""

    items: list[tuple[Scalar, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        """The value for `key`, or None."""
        for k, v in self.items:
            if k.value == key:
                return v
        return None


@dataclass(slots=True)
class SourceFile:
    """A content file read from disk: its site-relative path, decoded text and lines."""

    path: str
    text: str
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        """The text split into lines (without line ends), split once per file."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines


class _Stop(Exception):
    """Aborts composing a file at the first structural problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


# Control characters, and the two noncharacters YAML refuses as well
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_WINDOWS_1252_HINT = {0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x85}


def read_text(path: Path, rel: str, problems: list[Problem],
              data: bytes | None = None) -> str | None:
    """Read a UTF-8 (or UTF-16 with BOM) file, reporting size and encoding problems with a
    place; `data` is its content when that has been read already."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, 0, 0, f"cannot read file: {exc.strerror}"))
            return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(rel, 0, 0, f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        )
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            problems.append(Problem(rel, 1, 1, "not valid UTF-16; save the file as UTF-8"))
            return None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if data and data.count(0) * 4 >= len(data):
            problems.append(Problem(rel, 1, 1, "this looks like UTF-16 without a byte-order mark; "
                                               "save the file as UTF-8"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(_decode_problem(rel, data, exc.start))
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_problem(rel: str, data: bytes, offset: int) -> Problem:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    byte = data[offset]
    hint = " (a Windows-1252 quote or dash?)" if byte in _WINDOWS_1252_HINT else ""
    return Problem(rel, line, col, f"not UTF-8: byte 0x{byte:02x}{hint}; save the file as UTF-8")


def control_character_problems(source: SourceFile) -> list[Problem]:
    """Report control characters, which YAML and HTML would mangle or let through."""
    found: list[Problem] = []
    if not _CONTROL.search(source.text):
        return found
    total = 0
    for number, line in enumerate(source.lines, 1):
        for match in _CONTROL.finditer(line):
            total += 1
            if len(found) < MAX_REPEATED:
                code = f"U+{ord(match.group()):04X}"
                kind = "noncharacter" if match.group() in "\ufffe\uffff" else "control character"
                message = f"{kind} {code}; remove it"
                found.append(Problem(source.path, number, match.start() + 1, message))
    if total > MAX_REPEATED:
        last = found[-1]
        found[-1] = Problem(last.path, last.line, last.col,
                            f"{last.message} ({total - MAX_REPEATED + 1} more control characters "
                            "follow; was the file saved in another encoding?)")
    return found


def parse_yaml(source: SourceFile) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document into nodes, or return the problems that stopped it."""
    problems = control_character_problems(source)
    if problems:
        return None, problems
    if not source.text.strip():
        return None, [Problem(source.path, 0, 0, "empty file; expected a mapping of fields")]
    if not _maybe_special(source.text):
        fast = _compose_fast(source.text)
        if fast is not None:
            return fast, []
    loader: Any = _Loader(source.text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):  # comments alone
            return None, [Problem(source.path, 0, 0,
                                  "empty file (comments only); expected a mapping of fields")]
        loader.get_event()  # document start
        root = _compose(loader, source.path, 0)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.peek_event()
            line, col = _mark(event.start_mark)
            return None, [
                Problem(source.path, line, col, "a second YAML document ('---'); keep one per file")
            ]
    except _Stop as stop:
        return None, [stop.problem]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(source, exc)]
    except RecursionError:  # pragma: no cover - the depth limit stops us first
        return None, [Problem(source.path, 0, 0, f"nested deeper than {MAX_DEPTH} levels")]
    finally:
        loader.dispose()
    return root, []


_MARKS = re.compile(r"[&*!]")


def _maybe_special(text: str) -> bool:
    """Whether an anchor, alias or tag could start in `text`: & * or ! where a YAML node can
    begin, at the start of a line (after its indentation) or after : - ? , or a bracket or
    brace. The event-based composer below refuses those with a message of their own; text
    without any is composed by libyaml in C. Elsewhere the marks are text ("Smith & Sons",
    a description's *emphasis*), which sent a whole actors.yaml the slow way. (The marks are
    found first and what precedes them on their line looked at after: a quarter of the time
    of one expression for both, which tries a match at every character.)"""
    for mark in _MARKS.finditer(text):
        start = mark.start()
        before = text[text.rfind("\n", 0, start) + 1:start].rstrip(" \t")
        # a line break other than \n (\r, NEL, LS, PS) also starts a line for YAML
        if not before or before[-1] in _NODE_STARTS:
            return True
    return False


_NODE_STARTS = frozenset(":-?,[]{}\r\x85\u2028\u2029")


def _compose_fast(text: str) -> Node | None:
    """The document composed by libyaml, or None when it needs the careful composer.

    None for anything the careful composer reports or treats specially: a syntax error, no
    document or more than one, duplicate keys, non-scalar keys, nesting past MAX_DEPTH. The
    careful composer then gives the exact message.
    """
    loader: Any = _UntypedLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if root is None:
        return None
    try:
        return _convert(root, 0)
    except _Careful:
        return None


class _Careful(Exception):
    """The fast composer met something the careful one must report."""


def _convert(node: Any, depth: int) -> Node:
    # Called for every node of every file: one type test for each, and keys made here.
    if depth > MAX_DEPTH:
        raise _Careful
    start, end = node.start_mark, node.end_mark
    kind = type(node)
    if kind is _SCALAR:
        return Scalar(start.line + 1, start.column + 1, end.line + 1, end.column + 1,
                      node.value, not node.style)
    depth += 1
    if kind is _SEQUENCE:
        return Sequence(start.line + 1, start.column + 1, end.line + 1, end.column + 1,
                        [_convert(item, depth) for item in node.value])
    mapping = Mapping(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    items = mapping.items
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if type(key_node) is not _SCALAR or key_node.value in seen:
            raise _Careful
        seen.add(key_node.value)
        key_start, key_end = key_node.start_mark, key_node.end_mark
        key = Scalar(key_start.line + 1, key_start.column + 1, key_end.line + 1,
                     key_end.column + 1, key_node.value, not key_node.style)
        items.append((key, _convert(value_node, depth)))
    return mapping


_SCALAR, _SEQUENCE = yaml.ScalarNode, yaml.SequenceNode


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 0, 0
    return mark.line + 1, mark.column + 1


def _compose(loader: Any, path: str, depth: int) -> Node:
    event = loader.get_event()
    line, col = _mark(event.start_mark)
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise _Stop(Problem(path, line, col, "anchors and aliases (& and *) are not allowed; "
                            "write the value out, or wrap text starting with & or * in quotes"))
    tag = getattr(event, "tag", None)
    if tag not in (None, "!"):
        shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
        raise _Stop(Problem(path, line, col, f"explicit tags are not allowed (found '{shown}'); "
                            "wrap text starting with ! in quotes"))
    if depth > MAX_DEPTH:
        raise _Stop(Problem(path, line, col, f"nested deeper than {MAX_DEPTH} levels; "
                            "annotations need at most 4, so check the brackets and indentation"))
    if isinstance(event, yaml.ScalarEvent):
        end_line, end_col = _mark(event.end_mark)
        return Scalar(line, col, end_line, end_col, event.value, event.style in (None, ""))
    if isinstance(event, yaml.SequenceStartEvent):
        seq = Sequence(line, col, line, col)
        while not loader.check_event(yaml.SequenceEndEvent):
            seq.items.append(_compose(loader, path, depth + 1))
        seq.end_line, seq.end_col = _mark(loader.get_event().end_mark)
        return seq
    if isinstance(event, yaml.MappingStartEvent):
        mapping = Mapping(line, col, line, col)
        seen: dict[str, Scalar] = {}
        while not loader.check_event(yaml.MappingEndEvent):
            key = _compose(loader, path, depth + 1)
            if not isinstance(key, Scalar):
                raise _Stop(Problem(path, key.line, key.col, "a key must be a plain word"))
            if key.value in seen:
                first = seen[key.value]
                raise _Stop(Problem(path, key.line, key.col,
                                    f"duplicate key '{key.value}' (first at line {first.line})"))
            seen[key.value] = key
            mapping.items.append((key, _compose(loader, path, depth + 1)))
        mapping.end_line, mapping.end_col = _mark(loader.get_event().end_mark)
        return mapping
    raise _Stop(Problem(path, line, col, "unexpected YAML structure"))  # pragma: no cover


def _syntax_problem(source: SourceFile, exc: yaml.MarkedYAMLError) -> Problem:
    """Translate PyYAML's parser messages into what the analyst should type instead."""
    line, col = _mark(exc.problem_mark)
    problem = exc.problem or ""
    context = exc.context or ""
    lines = source.lines
    text_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "'\\t'" in problem or "\t" in text_line[: max(col, 1)]:
        tab = text_line.find("\t")
        return Problem(source.path, line, tab + 1 if tab >= 0 else col,
                       "tabs are not allowed for indentation; use spaces")
    if "mapping values are not allowed" in problem:
        return Problem(source.path, line, col,
                       "unquoted ': ' in text; wrap the value in double quotes or use |")
    if "scanning an alias" in context or "scanning an anchor" in context:
        start_line, start_col = _mark(exc.context_mark)
        return Problem(source.path, start_line, start_col,
                       "anchors and aliases (& and *) are not allowed; "
                       "write the value out, or wrap text starting with & or * in quotes")
    if "cannot start any token" in problem:
        char = text_line[col - 1] if 0 < col <= len(text_line) else "?"
        return Problem(source.path, line, col,
                       f"a value cannot start with '{char}'; wrap the value in double quotes")
    unclosed = _unclosed_quote(lines[: max(line, 1)])
    if unclosed is not None and ("quoted scalar" in context or "expected" in problem):
        return Problem(source.path, unclosed[0], unclosed[1],
                       "this quoted text is not closed on its line; add the closing quote")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        if 0 < col <= len(text_line) and text_line[: col - 1].rstrip()[-1:] in ("\"", "'"):
            return Problem(source.path, line, col,
                           "text continues after a closing quote; wrap the whole value in "
                           "single quotes, or use |")
        return Problem(source.path, line, col,
                       "the indentation is off or a value is not quoted; check the indentation "
                       "of this line and wrap text in double quotes")
    if "expected ',' or" in problem:
        return Problem(source.path, line, col,
                       f"{problem} ({context}); close the bracket, or quote text with commas")
    detail = f"{context}, {problem}" if context else problem
    return Problem(source.path, line, col,
                   f"YAML syntax: {detail}; if this is text, wrap it in double quotes")


_OPEN_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[\w-]+:\s+)?(["'])""")


def _unclosed_quote(lines: list[str]) -> tuple[int, int] | None:
    """The first line whose value opens a quote it does not close on the same line."""
    for number, line in enumerate(lines, 1):
        match = _OPEN_QUOTE.match(line)
        if not match:
            continue
        quote = match.group(1)
        rest = line[match.end():]
        if quote == '"':
            rest = re.sub(r'\\.', "", rest)
            closed = '"' in rest
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return number, match.start(1) + 1
    return None


def warn_comment_truncation(source: SourceFile, node: Scalar, field_name: str) -> Problem | None:
    """Warn when unquoted text stops where ' #' begins: YAML took the rest for a comment."""
    if not node.plain or node.end_line != node.line:
        return None
    lines = source.lines
    if node.end_line > len(lines):
        return None
    rest = lines[node.end_line - 1][node.end_col - 1 :]
    if rest.strip().startswith("#") and rest[:1].isspace():
        return Problem(source.path, node.end_line, node.end_col + len(rest) - len(rest.lstrip()),
                       f"{field_name} ends where ' #' begins and the rest is read as a comment; "
                       "if the '#' is part of the text, wrap the value in double quotes",
                       Severity.WARNING)
    return None


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: '$' would let a final newline in
MAX_STEM = 80
# Names Windows reserves for devices: no file can be called con.md or nul.md there.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                            *(f"lpt{i}" for i in range(10))})
# The page that lists a folder's briefings, actors or tags (briefings/index.md): no
# briefing, actor or tag can have it as its slug.
LIST_PAGE = "index"
ARTICLE_SUFFIXES = (".txt", ".md")


def bad_stem(stem: str) -> bool:
    """Whether a file stem cannot be a briefing's slug (slug_message says why)."""
    return (not SLUG.match(stem) or len(stem) > MAX_STEM or stem in RESERVED_NAMES
            or stem == LIST_PAGE)


@dataclass(slots=True)
class BriefingFiles:
    """One briefing's files as read: the annotation and its article."""

    slug: str
    annotation: SourceFile
    node: Node | None
    article: SourceFile | None
    markdown: bool


@dataclass(frozen=True, slots=True)
class BriefingEntry:
    """Where one briefing's files are: the annotation and, if there is one, the article.

    The paths are kept as text: a run after an edit only hashes most files (by path), and
    making a Path of each of 20,000 files took 50 ms at 10,000 briefings.
    """

    slug: str
    annotation_file: str
    article_file: str | None

    @property
    def annotation(self) -> Path:
        return Path(self.annotation_file)

    @property
    def article(self) -> Path | None:
        return Path(self.article_file) if self.article_file is not None else None


@dataclass(slots=True)
class Discovery:
    """The content files found in the seeds folder, and what is wrong with the layout."""

    actors: Path | None
    briefings: list[BriefingEntry]
    problems: list[Problem]


def relative_to(path: Path, root: Path) -> str:
    """A path as shown to users: relative to the site root when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(seeds: Path, root: Path) -> Discovery:
    """Find actors.yaml and pair every article with its annotation; report what is missing."""
    problems: list[Problem] = []

    def rel(path: Path | str) -> str:
        return relative_to(Path(path), root)

    actors_path: Path | None = seeds / "actors.yaml"
    if actors_path is None or not actors_path.is_file():
        problems.append(Problem(rel(seeds / "actors.yaml"), 0, 0,
                                "missing: the actor registry is required"))
        actors_path = None
    articles_dir = seeds / "articles"
    entries: list[BriefingEntry] = []
    if not articles_dir.is_dir():
        problems.append(Problem(rel(articles_dir), 0, 0, "missing: put articles in this folder"))
        return Discovery(actors_path, entries, problems)
    by_stem: dict[str, dict[str, str]] = {}
    with os.scandir(articles_dir) as listing:  # file types come with the listing: no stat
        found = sorted((entry.name, entry.is_file(follow_symlinks=False)) for entry in listing)
    folder = str(articles_dir)
    for name, plain_file in found:
        if name.startswith("."):
            continue
        path = os.path.join(folder, name)
        if not plain_file:
            problems.append(Problem(rel(path), 0, 0, "ignored: only plain files are read here",
                                    Severity.WARNING))
            continue
        stem, suffix = os.path.splitext(name)  # as Path.stem and .suffix: "a.b.yaml", ".yaml"
        suffix = suffix.lower()
        if suffix == ".yml":
            message = f"annotation files end in .yaml; rename it to {stem}.yaml"
            problems.append(Problem(rel(path), 0, 0, message))
            continue
        if suffix not in (".yaml", *ARTICLE_SUFFIXES):
            problems.append(Problem(rel(path), 0, 0,
                                    "ignored: articles are .txt or .md, annotations .yaml",
                                    Severity.WARNING))
            continue
        by_stem.setdefault(stem, {})[suffix] = path
    for stem, files in sorted(by_stem.items()):
        first = next(iter(files.values()))
        if bad_stem(stem):
            problems.append(Problem(rel(first), 0, 0, slug_message(stem)))
            continue
        articles = [files[s] for s in ARTICLE_SUFFIXES if s in files]
        annotation = files.get(".yaml")
        if len(articles) > 1:
            message = f"two articles for briefing '{stem}' ({stem}.txt and {stem}.md); keep one"
            problems.append(Problem(rel(articles[1]), 0, 0, message))
            continue
        if annotation is None:
            problems.append(Problem(rel(articles[0]), 0, 0,
                                    f"not annotated yet: add {stem}.yaml beside it",
                                    Severity.WARNING))
            continue
        if not articles:
            problems.append(Problem(rel(annotation), 0, 0,
                                    f"no article for this annotation: add {stem}.txt or {stem}.md"))
        entries.append(BriefingEntry(stem, annotation, articles[0] if articles else None))
    return Discovery(actors_path, entries, problems)


def read_actors(path: Path | None, root: Path) -> tuple[SourceFile | None, Node | None,
                                                        list[Problem]]:
    """Read and parse seeds/actors.yaml."""
    problems: list[Problem] = []
    if path is None:
        return None, None, problems
    text = read_text(path, relative_to(path, root), problems)
    if text is None:
        return None, None, problems
    source = SourceFile(relative_to(path, root), text)
    node, found = parse_yaml(source)
    return source, node, problems + found


def read_briefing(
    entry: BriefingEntry, root: Path, contents: dict[str, bytes] | None = None,
) -> tuple[BriefingFiles | None, list[Problem]]:
    """Read one briefing's annotation (parsed) and article (decoded); `contents` holds the
    bytes of those already read (by path), so that what is checked is what was hashed."""
    problems: list[Problem] = []
    known = contents or {}
    annotation = entry.annotation
    text = read_text(annotation, relative_to(annotation, root), problems,
                     known.get(entry.annotation_file))
    if text is None:
        return None, problems
    source = SourceFile(relative_to(annotation, root), text)
    node, found = parse_yaml(source)
    problems.extend(found)
    article, is_markdown = read_article_file(entry, root, problems, known)
    return BriefingFiles(entry.slug, source, node, article, is_markdown), problems


def read_article_file(
    entry: BriefingEntry, root: Path, problems: list[Problem],
    contents: dict[str, bytes] | None = None,
) -> tuple[SourceFile | None, bool]:
    """A briefing's article, decoded (None when it has none or it cannot be read), and
    whether it is Markdown."""
    article_path = entry.article
    if article_path is None:
        return None, False
    is_markdown = article_path.suffix.lower() == ".md"
    article_text = read_text(article_path, relative_to(article_path, root), problems,
                             (contents or {}).get(str(article_path)))
    if article_text is None:
        return None, is_markdown
    # NFC, as every YAML value is: e + combining diaeresis is the same text as ë. (Never the
    # YAML source itself: a combining mark after a backslash escape would change the escape.)
    return SourceFile(relative_to(article_path, root),
                      unicodedata.normalize("NFC", article_text)), is_markdown


def shown(value: str, limit: int = 80) -> str:
    """A value for a message: invisible and control characters spelled out, long text cut."""
    visible = "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "C" or (c.isspace() and c != " ")
        else c for c in value
    )
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def shorten_slug(slug: str, limit: int) -> str:
    """A slug cut to `limit` characters, at a hyphen where there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    if slug[limit] != "-" and "-" in cut and cut.rindex("-") >= limit // 2:
        cut = cut[: cut.rindex("-")]  # at a hyphen, unless that loses most of the name
    return cut.strip("-")


_SIMPLE = re.compile(r"[A-Za-z0-9 ._-]*\Z")  # what python-slugify only lowercases and joins
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """The lowercase slug of `text` (python-slugify), for suggestions in messages and the
    similar-names warning: made here for plain ASCII names, as python-slugify makes it
    (a test holds that), at a twentieth of its time."""
    if _SIMPLE.match(text):
        return _NOT_SLUG.sub("-", text.lower()).strip("-")
    from slugify import slugify as make_slug  # only messages and the actor check need it

    # Named, the backend is the same wherever Unidecode is installed too, and it is imported
    # once: python-slugify's "auto" looks for Unidecode on the whole path at every call
    # (0.15 ms each: a sixth of checking an actors.yaml of 5,000 actors).
    return str(make_slug(text, backend="text-unidecode"))


def slug_message(stem: str) -> str:
    """Why a file stem cannot be a briefing's slug, and what to rename the file to."""
    if SLUG.match(stem) and len(stem) > MAX_STEM:
        return (f"this file name is {len(stem)} characters long without the extension; the "
                f"limit is {MAX_STEM}: rename it to '{shorten_slug(stem, MAX_STEM)}'")
    if stem in RESERVED_NAMES:
        return (f"'{stem}' is a reserved device name on Windows, where no file can be called "
                f"{stem}.md; add a word to the file name")
    if stem == LIST_PAGE:
        return (f"'{stem}' is the name of the page that lists every briefing; add a word to "
                "the file name")
    suggestion = shorten_slug(slugify(stem), MAX_STEM)
    hint = f"; rename it to '{suggestion}'" if suggestion else "; rename it with a-z, 0-9 and -"
    return f"'{shown(stem)}' is not a lowercase slug (a-z, 0-9, single hyphens){hint}"
