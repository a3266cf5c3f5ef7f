"""Finding mentions, and folding the text they are found in, against plain references.

Mentions are whole words, case-sensitive, the longest name where names overlap, scanned left
to right (see CONTENT-FORMAT.md and README). The reference below does that by brute force;
Hypothesis looks for any names and text on which the two disagree.
"""

from __future__ import annotations

import re
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import textmatch
from generator.textmatch import (
    OTHER_SPACES,
    MentionFinder,
    article_text,
    fold,
    may_occur,
    split_paragraphs,
    words_of,
)

# Few letters, so names share beginnings and overlap often; punctuation and regex syntax,
# so the expression must escape them.
LETTERS = "abAB .-()*+?[]|\\é"
names = st.lists(st.text(LETTERS, min_size=1, max_size=6).map(str.strip).filter(bool),
                 min_size=1, max_size=8, unique=True)
texts = st.text(LETTERS + "_1\n", max_size=60)


def reference(names: list[str], text: str) -> list[tuple[str, int, int]]:
    """Leftmost-longest matches, not overlapping, kept where they are whole words."""
    found = []
    position = 0
    while position < len(text):
        here = [n for n in names if text.startswith(n, position)]
        if not here:
            position += 1
            continue
        name = max(here, key=len)
        end = position + len(name)
        before = text[position - 1] if position else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            found.append((name, position, end))
        position = end
    return found


@settings(max_examples=400, derandomize=True, deadline=None)
@given(names=names, text=texts)
def test_mentions_are_the_leftmost_longest_whole_words(names: list[str], text: str) -> None:
    article = article_text([text], [False])
    ids = {name: f"actor-{i}" for i, name in enumerate(names)}
    found = list(MentionFinder(ids).find(article))
    assert list(MentionFinder(ids, few=True).find(article)) == found
    lazy = MentionFinder(ids, lazy=True)  # the expression made on first use, then kept
    assert list(lazy.find(article)) == found and list(lazy.find(article)) == found
    # names are matched in the folded text, and reported where they stand in the paragraph
    expected = [(ids[name], *article.locate(start, end))
                for name, start, end in reference(names, article.folded.text)]
    assert found == expected


@settings(max_examples=400, derandomize=True, deadline=None)
@given(names=names, text=st.text(LETTERS + "_1\n\u2028\x85\t", max_size=60))
def test_the_words_of_a_text_never_rule_out_a_name_it_holds(names: list[str],
                                                             text: str) -> None:
    """After a change of names, an article whose words rule out every changed name is not
    read again: that must never be wrong about a name the folded text holds."""
    folded = article_text([text], [False]).folded.text
    words = zlib.decompress(words_of(folded)).decode("utf-8")
    for name in names:
        if name in folded:
            assert may_occur(name, words), (name, folded)


def test_the_words_of_a_text_rule_out_names_it_does_not_hold() -> None:
    words = zlib.decompress(words_of(fold("Rutte met NATO allies in Brussels.").text)).decode()
    assert may_occur("NATO allies", words) and may_occur("Brus", words)
    assert not may_occur("Mark Rutte", words) and not may_occur("NATO Secretary", words)


def test_a_name_inside_a_longer_name_is_not_a_second_mention() -> None:
    article = article_text(["NATO Secretary General Mark Rutte met NATO allies."], [False])
    finder = MentionFinder({"NATO": "nato", "NATO Secretary General": "mark-rutte",
                            "Mark Rutte": "mark-rutte", "Rutte": "mark-rutte"})
    assert [(a, s, e) for a, _, s, e in finder.find(article)] == [
        ("mark-rutte", 0, 22), ("mark-rutte", 23, 33), ("nato", 38, 42)]


def test_no_names_find_nothing() -> None:
    assert list(MentionFinder({}).find(article_text(["Anything at all."], [False]))) == []


# What folding does to each of these characters; any other stays as it is.
FOLDS = {"\u2019": "'", "\u201c": '"', "\u2014": "-", "\n": " ", "\t": " ", "\u00a0": " "}


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=st.text("ab. " + "".join(FOLDS), max_size=60))
def test_folding_collapses_white_space_and_maps_each_character_back(text: str) -> None:
    folded = fold(text)
    assert folded.text == re.sub(" {2,}", " ", "".join(FOLDS.get(c, c) for c in text))
    for offset, char in enumerate(folded.text):  # where quotes and mentions are reported
        original = text[folded.original(offset)]
        assert FOLDS.get(original, original) == char


@settings(max_examples=600, derandomize=True, deadline=None)
@given(paragraphs=st.lists(st.text("ab. \ufb01\u2460" + "".join(FOLDS), max_size=12), max_size=5))
def test_an_article_is_folded_as_its_text_would_be(paragraphs: list[str]) -> None:
    # Single-spaced paragraphs (as split_paragraphs leaves them) take a short way; any other
    # text the long one: both end the same.
    for version in (paragraphs, [" ".join(p.split()) for p in paragraphs]):
        article = article_text(version, [False] * len(version))
        assert article.folded == fold("\n\n".join(version))


def test_other_spaces_are_every_white_space_but_the_space_and_line_feed() -> None:
    assert set(OTHER_SPACES) == {chr(code) for code in range(0x110000)
                                 if chr(code).isspace()} - {" ", "\n"}


def reference_paragraphs(text: str) -> list[str]:
    """Paragraphs as the contract reads them, the plain way: control characters removed,
    split at blank lines (or at every line when there is none), each made single-spaced."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)
    blank = r"\n[ \t]*\n"
    blocks = re.split(blank, text) if re.search(blank, text) else text.split("\n")
    return [b for b in (" ".join(block.split()) for block in blocks) if b]


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(text=st.text("ab \n\n\n\t\u00a0\r\u2028\u3000", max_size=40))
def test_paragraphs_are_split_as_the_plain_way_splits_them(text: str) -> None:
    assert split_paragraphs(text, False)[0] == reference_paragraphs(text)


@settings(max_examples=2000, derandomize=True, deadline=None)
@given(text=st.text("abcAB é1 9,.;:'\"()?!%/-\n", min_size=1, max_size=60))
def test_a_plain_description_makes_the_html_markdown_would(text: str) -> None:
    """Plain descriptions skip Markdown: what they become must be what the Markdown pass
    and the cleaner make of them."""
    fast = textmatch._plain_html
    plain = fast(text)
    if plain is None:
        return
    textmatch._plain_html = lambda text: None  # the full way
    try:
        assert textmatch.markdown_html(text) == plain
    finally:
        textmatch._plain_html = fast


def test_code_in_a_markdown_article_reads_as_it_is_written() -> None:
    """Markdown escapes code, and the article's text was escaped once before it (so that
    raw HTML stays text): code came out escaped twice, and quoting it failed."""
    paragraphs, _ = split_paragraphs(
        "Inline code `AT&T <x>` and AT&T plain.\n\n    indented code with <b>bold</b>\n", True)
    assert paragraphs == ["Inline code AT&T <x> and AT&T plain.", "indented code with <b>bold</b>"]


def test_a_table_in_a_markdown_article_reads_a_row_to_a_paragraph() -> None:
    """A pasted table read as rows of pipes and dashes: its cells could not be quoted."""
    paragraphs, headings = split_paragraphs(
        "Results came in.\n\n| Party | Seats |\n|---|--:|\n| Blue *Alliance* | 42 |\n"
        "| Red Front | 17 |\n\nNot a table: a | b.\n", True)
    assert paragraphs == ["Results came in.", "Party · Seats", "Blue Alliance · 42",
                          "Red Front · 17", "Not a table: a | b."]
    assert not any(headings)
    article = article_text(paragraphs, headings)
    assert textmatch.find_quote(article, "Blue Alliance · 42") == [(2, 0, 18)]


def test_a_period_before_an_elision_stays_with_its_part() -> None:
    article = article_text(*split_paragraphs(
        "First words open this text. Middle sentence goes here.\n\n"
        "Second paragraph begins now. It ends with last words.\n", False))
    for quote in ("First words open this text. … with last words",
                  "First words open this text. ... with last words",
                  "First words open this text.... with last words"):
        assert textmatch.find_quote(article, quote) == [(0, 0, 27), (1, 37, 52)], quote


def test_a_quote_that_goes_on_into_the_next_paragraph_is_marked_in_both() -> None:
    article = article_text(*split_paragraphs(
        "First words open this text. Middle sentence goes here.\n\n"
        "Second paragraph begins now. It ends with last words.\n\nThird one.\n", False))
    assert textmatch.find_quote(article, "goes here. Second paragraph begins") == [
        (0, 44, 54), (1, 0, 23)]
    assert textmatch.find_quote(article, "here. Second paragraph begins now. It ends with last "
                                         "words. Third") == [(0, 49, 54), (1, 0, 53), (2, 0, 5)]
