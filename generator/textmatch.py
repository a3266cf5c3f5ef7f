"""Article text: paragraphs, the contract's folding, quote verification and mention finding."""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from itertools import accumulate
from typing import Any

_FOLD_TABLE = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−⁃", "-"),
        **dict.fromkeys("\t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                        "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000", " "),
    }
)
_FOLDS = tuple((chr(code), folded) for code, folded in _FOLD_TABLE.items())
# Every other character str.split() splits at (str.isspace()) but the space and line feed.
OTHER_SPACES = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACES = tuple((space, " ") for space in OTHER_SPACES)
# Two literal spaces first: the engine then skips to each "  " in C instead of trying a
# match at every single space (five times as fast on an article).
_SPACE_RUNS = re.compile(r"(  +)")
# Three dots (… folds to them) mark a cut; not one of a sentence's own period before them
_ELISION = re.compile(r"\s*(?:\.\s*){3}(?!\.)\s*")
_SENTENCE_END = re.compile(r"""[.!?]['"’”)\]]*\s+(?=[^a-z])""")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEADING_MAX = 90
CELL_SEPARATOR = " · "  # between the cells of a table's row in a .md article
MAX_SENTENCE = 400


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text plus the map from folded offsets back to offsets in the original."""

    text: str
    _folded_starts: tuple[int, ...]
    _original_starts: tuple[int, ...]

    def original(self, offset: int) -> int:
        """The offset in the original text of folded offset `offset`."""
        k = bisect.bisect_right(self._folded_starts, offset) - 1
        return self._original_starts[k] + offset - self._folded_starts[k]


def fold(text: str) -> Folded:
    """Fold NFKC, curly quotes and apostrophes, dashes and white-space runs; nothing else."""
    text = _replace_present(text, _FOLDS)
    if unicodedata.is_normalized("NFKC", text):
        return _collapse_spaces(text, [0], [0])
    # Rare slow path: characters that NFKC changes; map every folded character back.
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for folded_char in unicodedata.normalize("NFKC", char).translate(_FOLD_TABLE):
            if folded_char == " " and chars and chars[-1] == " ":
                continue
            chars.append(folded_char)
            origin.append(i)
    folded_starts: list[int] = []
    original_starts: list[int] = []
    for k, o in enumerate(origin):
        if not folded_starts or o != original_starts[-1] + k - folded_starts[-1]:
            folded_starts.append(k)
            original_starts.append(o)
    if not folded_starts:
        folded_starts, original_starts = [0], [0]
    return Folded("".join(chars), tuple(folded_starts), tuple(original_starts))


def _replace_present(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    # str.translate looks up every character, and a regular expression stops at each one it
    # finds; a test for each character, in C, then a pass for each of the handful an article
    # holds, cost a tenth of the first and a third of the second.
    for char, replacement in replacements:
        if char in text:
            text = text.replace(char, replacement)
    return text


def _collapse_spaces(text: str, folded_starts: list[int], original_starts: list[int]) -> Folded:
    if "  " not in text:
        return Folded(text, tuple(folded_starts), tuple(original_starts))
    # [piece, run, piece, run, ..., piece]: each run of spaces becomes one, and where each run
    # ends in either text comes from running sums of the lengths (all of it in C).
    parts = _SPACE_RUNS.split(text)
    lengths = list(map(len, parts))
    original = list(accumulate(lengths))
    lengths[1::2] = [1] * (len(parts) // 2)
    folded = list(accumulate(lengths))
    folded_starts.extend(folded[1::2])
    original_starts.extend(original[1::2])
    return Folded(" ".join(parts[0::2]), tuple(folded_starts), tuple(original_starts))


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's paragraphs joined by blank lines, folded once for every search."""

    paragraphs: tuple[str, ...]
    headings: tuple[bool, ...]
    text: str
    starts: tuple[int, ...]
    folded: Folded

    def locate(self, folded_start: int, folded_end: int) -> tuple[int, int, int]:
        """Paragraph number and offsets in that paragraph of a folded match."""
        start = self.folded.original(folded_start)
        end = self.folded.original(folded_end - 1) + 1 if folded_end > folded_start else start
        number = bisect.bisect_right(self.starts, start) - 1
        base = self.starts[number]
        return number, start - base, min(end - base, len(self.paragraphs[number]))

    def locate_all(self, folded_start: int, folded_end: int) -> list[tuple[int, int, int]]:
        """As locate, one (paragraph, start, end) for each paragraph a match runs into: a
        quote may go on into the next paragraph, as quoted speech often does."""
        first = self.locate(folded_start, folded_end)
        end = self.folded.original(folded_end - 1) + 1 if folded_end > folded_start else 0
        found = [first]
        number = first[0] + 1
        while number < len(self.starts) and end > self.starts[number]:
            found.append((number, 0, min(end - self.starts[number], len(self.paragraphs[number]))))
            number += 1
        return found


def split_paragraphs(text: str, markdown_source: bool) -> tuple[list[str], list[bool]]:
    """Split article text into paragraphs, flagging short title-like lines as headings.

    Paragraphs are separated by blank lines. Text with no blank line at all (as pasted from
    many web pages) has one paragraph per line. A `.md` article is read for its text only.
    """
    if markdown_source:
        return _markdown_blocks(text)
    text = _strip_controls(text)
    # Where the only white space is single spaces and line feeds, once every other kind is
    # made a space (most pasted text: a no-break space or two), a blank line is two line
    # feeds and a paragraph is single-spaced without splitting it into words.
    spaced = _replace_present(text, _SPACES)
    if "  " in spaced or " \n" in spaced or "\n " in spaced:
        if re.search(r"\n[ \t]*\n", text):
            blocks = [" ".join(b.split()) for b in re.split(r"\n[ \t]*\n", text)]
        else:
            blocks = [" ".join(line.split()) for line in text.split("\n")]
    elif "\n\n" in spaced:
        blocks = [b.replace("\n", " ").strip() for b in spaced.split("\n\n")]
    else:
        blocks = [line.strip() for line in spaced.split("\n")]
    paragraphs = [b for b in blocks if b]
    headings = [_looks_like_heading(p, i, len(paragraphs)) for i, p in enumerate(paragraphs)]
    return paragraphs, headings


def _strip_controls(text: str) -> str:
    # Looking costs half of replacing, and almost every article has nothing to remove.
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def _looks_like_heading(paragraph: str, index: int, count: int) -> bool:
    return (
        0 < index < count - 1
        and len(paragraph) <= _HEADING_MAX
        and paragraph[-1] not in ".:;,!?\"'”’)…"
        and paragraph[0].isupper()
    )


class _TextOfHtml(HTMLParser):
    """Collects the text of rendered Markdown, block by block."""

    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr"})
    CELLS = frozenset({"td", "th"})  # a table's row is one paragraph, its cells set apart

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []
        self._parts: list[str] = []
        self._heading = False
        self._code = 0  # inside code, which Markdown escapes again: the text was escaped once
        self._cells = 0  # cells begun in this table row

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._code += 1
        if tag in self.CELLS:
            if self._cells:
                self._parts.append(CELL_SEPARATOR)
            self._cells += 1
        if tag in self.BLOCKS:
            self._flush()
            self._heading = tag.startswith("h") and tag != "html"

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code = max(0, self._code - 1)
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._parts.append(html.unescape(data) if self._code else data)

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((text, self._heading))
        self._parts = []
        self._heading = False
        self._cells = 0

    def close(self) -> None:
        super().close()
        self._flush()


def _markdown_blocks(text: str) -> tuple[list[str], list[bool]]:
    # Raw HTML in a pasted article is shown as text, never kept as markup.
    rendered = _article_markdown().reset().convert(html.escape(_strip_controls(text), quote=False))
    parser = _TextOfHtml()
    parser.feed(rendered)
    parser.close()
    return [b[0] for b in parser.blocks], [b[1] for b in parser.blocks]


_DESCRIPTION_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "blockquote"}
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_LINK_WITHOUT_HREF = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


@cache
def _article_markdown() -> Any:
    """One Markdown converter for every .md article: setting one up costs half a millisecond."""
    import markdown

    # With tables read as tables: a pasted table of results would otherwise read as rows of
    # pipes and dashes, and a quote from one of its cells would not be found.
    return markdown.Markdown(extensions=["tables"])


@cache
def _description_markdown() -> Any:
    """One Markdown converter for every description (setting one up costs more than most
    conversions), without raw HTML: a tag typed in a description shows as text."""
    import markdown

    converter = markdown.Markdown()
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


_PLAIN_PUNCTUATION = frozenset(" ,.;:'\"()?!%/-\n")
_LIST_START = re.compile(r"^(?:[-+]|[0-9]+[.)])", re.MULTILINE)


def _plain_html(text: str) -> str | None:
    """What markdown_html makes of text that Markdown leaves as it is (words, spaces and
    common punctuation, no line starting with a list marker or a space, no line break
    spaces), made without Markdown; None for any other text."""
    if not all(c.isalnum() or c in _PLAIN_PUNCTUATION for c in text) or "\xa0" in text \
            or " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" ") \
            or _LIST_START.search(text):
        return None
    paragraphs = [p for p in text.strip().split("\n\n") if p]
    return " ".join(f"<p>{p.strip().replace(chr(10), ' ')}</p>" for p in paragraphs)


def markdown_html(text: str) -> str:
    """An analyst's Markdown (a description) as HTML that keeps no markup of its own: raw
    HTML shows as text, links keep only http(s) and mailto addresses, and it is one line.
    (Most descriptions are plain sentences, which come out as paragraphs without a
    Markdown pass: 0.15 ms each, 0.7 s for 5,000 actors.)"""
    plain = _plain_html(text)
    if plain is not None:
        return plain
    import nh3

    clean = nh3.clean(
        _description_markdown().reset().convert(text),
        tags=_DESCRIPTION_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # A link whose address was not allowed keeps its text but is no link at all.
    clean = _LINK_WITHOUT_HREF.sub(r"\1", clean)
    # One line: no text of the analyst's may start a line the outer Markdown pass could read.
    return _LINE_BREAKS.sub(" ", clean).strip()


def article_text(paragraphs: Iterable[str], headings: Iterable[bool]) -> ArticleText:
    """Join paragraphs and fold the result once, for quotes, evidence and mentions."""
    paras = tuple(paragraphs)
    starts: list[int] = []
    offset = 0
    for paragraph in paras:
        starts.append(offset)
        offset += len(paragraph) + 2
    text = "\n\n".join(paras)
    return ArticleText(paras, tuple(headings), text, tuple(starts), _fold_joined(paras, starts)
                       or fold(text))


def _fold_joined(paragraphs: tuple[str, ...], starts: list[int]) -> Folded | None:
    """fold() of paragraphs joined by blank lines, when each paragraph is single-spaced
    already (as split_paragraphs leaves them): each blank line folds to one space and every
    other character to one, so each paragraph is shifted back by one character per blank
    line before it. None when that does not hold."""
    if not paragraphs:
        return None
    text = _replace_present(" ".join(paragraphs), _FOLDS)
    if "  " in text or text.startswith(" ") or not unicodedata.is_normalized("NFKC", text):
        return None
    return Folded(text, tuple(start - number for number, start in enumerate(starts)),
                  tuple(starts))


@dataclass(frozen=True, slots=True)
class Miss:
    """A quote part not found: the part, the closest passage and how similar it is (0-100)."""

    part: str
    passage: str
    similarity: int
    earlier: str = ""  # set when the part occurs, but only before this earlier-found part
    in_words: bool = False  # the part occurs, but only inside longer words (`passage`)


def find_quote(article: ArticleText, quote: str) -> list[tuple[int, int, int]] | Miss:
    """Locate each elided part of a quote in order, or say which part is missing and what's near."""
    folded_quote = fold(quote.strip()).text.strip()
    parts = [p.strip() for p in _ELISION.split(folded_quote)]
    parts = [p for p in parts if p]
    if not parts:
        return Miss(quote, "", 0)
    haystack = article.folded.text
    found: list[tuple[int, int, int]] = []
    position = 0
    for number, part in enumerate(parts):
        index = _find_words(haystack, part, position)
        if index < 0:
            if number and _find_words(haystack, part, 0) >= 0:
                return Miss(part, "", 0, earlier=parts[number - 1])
            inside = haystack.find(part, position)
            if inside >= 0:  # "lawful" in "unlawful" would change what was said
                return Miss(part, _passage(article, inside, inside + len(part)), 0,
                            in_words=True)
            return _closest(article, part, position)
        found.extend(article.locate_all(index, index + len(part)))
        position = index + len(part)
    return found


def _find_words(haystack: str, part: str, position: int) -> int:
    """Where `part` first occurs from `position` on as whole words (not starting or ending
    inside a word of `haystack`), or -1."""
    starts, ends = _is_word(part[0]), _is_word(part[-1])
    index = haystack.find(part, position)
    while index >= 0:
        end = index + len(part)
        if (not starts or index == 0 or not _is_word(haystack[index - 1])) and (
                not ends or end == len(haystack) or not _is_word(haystack[end])):
            return index
        index = haystack.find(part, index + 1)
    return -1


def _passage(article: ArticleText, start: int, end: int) -> str:
    """The article's text from folded offset `start` to `end`, widened to whole words."""
    haystack = article.folded.text
    while start > 0 and _is_word(haystack[start - 1]):
        start -= 1
    while end < len(haystack) and _is_word(haystack[end]):
        end += 1
    number, first, last = article.locate(start, end)
    return " ".join(article.paragraphs[number][first:last].split())


def _closest(article: ArticleText, part: str, position: int) -> Miss:
    from rapidfuzz import fuzz  # only a quote not found needs it

    haystack = article.folded.text
    alignment = fuzz.partial_ratio_alignment(part, haystack[position:])
    if alignment is None or alignment.score == 0:
        return Miss(part, "", 0)
    passage = _passage(article, position + alignment.dest_start, position + alignment.dest_end)
    return Miss(part, passage, round(alignment.score))


def sentence_around(
    paragraph: str, start: int, end: int,
    ends: dict[str, list[tuple[int, int]]] | None = None,
) -> str:
    """The sentence of `paragraph` containing [start, end), trimmed to a readable length.

    `ends`, when given, keeps each paragraph's sentence ends for the next mention in it, so
    a paragraph is split into sentences once.
    """
    if ends is None:
        ends = {}
    found = ends.get(paragraph)
    if found is None:
        found = ends[paragraph] = [(m.start(), m.end())
                                       for m in _SENTENCE_END.finditer(paragraph)]
    begin = 0
    finish = len(paragraph)
    for match_start, match_end in found:
        if match_end <= start:
            begin = match_end
        elif match_start >= end - 1:
            finish = match_start + 1
            break
    sentence = paragraph[begin:finish].strip()
    if len(sentence) > MAX_SENTENCE:
        left = max(start - begin - MAX_SENTENCE // 2, 0)
        sentence = "…" + sentence[left : left + MAX_SENTENCE].strip() + "…"
    return sentence


def words_of(folded: str) -> bytes:
    """The distinct words (runs of characters between white space) of an article's folded
    text, compressed: a text in which a name can occur holds each of its words inside one
    of these (may_occur)."""
    return zlib.compress("\n".join(set(folded.split())).encode("utf-8"), 1)


def may_occur(name: str, words: str) -> bool:
    """False when the folded `name` cannot occur in the text whose words these are."""
    return all(part in words for part in name.split())


class MentionFinder:
    """Every actor name and alias in one regular expression, built once per run.

    The expression is the names' trie written out (`Ma(?:rk(?: Rutte)?|ria)`), so a position
    where no name starts costs one test of its first character, and where names overlap the
    greedy optional groups take the longest: leftmost-longest matches, as an Aho-Corasick
    automaton finds them, at a quarter of its time in Python.
    """

    def __init__(self, names: dict[str, str], *, few: bool = False, lazy: bool = False) -> None:
        """`names` maps each folded name or alias to its actor id. With `few` (a run that
        checks one or two articles) the expression of all names, which takes longer to
        compile than to use on a few articles, is not made: each article is searched for
        the names it contains, a test of each name in C. With `lazy` (a run that may search
        no article at all) it is made when first used."""
        self._ids = dict(names)
        self._few = few or not names
        self._pattern = None if self._few or lazy else re.compile(_trie_pattern(names))

    def find(self, article: ArticleText) -> Iterator[tuple[str, int, int, int]]:
        """Yield (actor id, paragraph, start, end) for every whole-word mention."""
        text = article.folded.text
        pattern = self._pattern
        if pattern is None and not self._few:
            pattern = self._pattern = re.compile(_trie_pattern(self._ids))
        if pattern is None:
            present = [name for name in self._ids if name in text]
            if not present:
                return
            pattern = re.compile(_trie_pattern(present))
        size = len(text)
        for match in pattern.finditer(text):
            start, end = match.span()
            if start > 0 and _is_word(text[start - 1]):
                continue
            if end < size and _is_word(text[end]):
                continue
            yield (self._ids[match.group()], *article.locate(start, end))


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, longest first where they share a start."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def written(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + written(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a shorter word ends here: the rest is optional, and greedy
            return f"(?:{body})?"
        return body

    return written(trie)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
