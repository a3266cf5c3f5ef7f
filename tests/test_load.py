"""Which YAML goes the fast way (libyaml composes it in C) and which the careful way.

The careful composer refuses anchors, aliases and explicit tags with a message that points
to them; the fast one would take them. So the test that picks the way must never miss one:
whatever libyaml reads as an anchor, an alias or a tag must send the text the careful way.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import _maybe_special, shorten_slug, slugify


def _libyaml_sees_a_mark(text: str) -> bool:
    """Whether libyaml parses an anchor, an alias or an explicit tag in `text` (False when
    it cannot parse the text at all: then the fast way fails and the careful one is taken)."""
    parser: Any = yaml.CBaseLoader(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return True
            if getattr(event, "tag", None) not in (None, "!"):
                return True
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    return False


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "- &x a\n- *x\n", "a: [b, *c]\n", "a: {b: &x 1}\n", "a: !!str 1\n",
    "a: !x y\n", "a:\n  &x\n  1\n", "--- &a x\n", "? &a k\n: v\n", "a:\t&x 1\n", "&a k: v\n",
    "a: 1\r&x b\r", "a: 1\u2028&x\n", '"a": &x 1\n', "[a,\n  *b]\n",
])
def test_an_anchor_alias_or_tag_takes_the_careful_way(text: str) -> None:
    assert _maybe_special(text)


@pytest.mark.parametrize("text", [
    "name: Smith & Sons\n", 'description: "Known for the *Varrenora* case"\n',
    "title: Wow! Great\n", "note: 3 * 4 = 12\n", "# a & b\nkey: value\n",
    "role: R&D lead\n", "text: |\n  a line & *more\n",
])
def test_marks_inside_text_take_the_fast_way(text: str) -> None:
    assert not _maybe_special(text)
    assert not _libyaml_sees_a_mark(text)


# Pieces of YAML: words, indicators, the three marks, line breaks and quotes.
PIECES = ["a", "b c", " ", "  ", ": ", ":", "- ", "? ", ", ", "[", "]", "{", "}", "&x", "*x",
          "!t", "!!str", "&", "*", "!", "\n", "\n  ", "\t", "\r", "\u2028", "'", '"', "|",
          "# ", "---", "%TAG ! t:\n"]


@settings(max_examples=4000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_whatever_libyaml_reads_as_an_anchor_alias_or_tag_takes_the_careful_way(
    text: str,
) -> None:
    if _libyaml_sees_a_mark(text):
        assert _maybe_special(text)


@pytest.mark.parametrize(("slug", "limit", "shortened"), [
    ("russia-ukraine-war-talks", 20, "russia-ukraine-war"),  # at a hyphen
    ("2024-01-01-" + "e" * 75, 80, "2024-01-01-" + "e" * 69),  # not down to the date alone
    ("short", 80, "short"),
])
def test_a_long_slug_is_cut_where_it_keeps_most_of_its_name(slug: str, limit: int,
                                                            shortened: str) -> None:
    assert shorten_slug(slug, limit) == shortened
    assert len(shortened) <= limit


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(text=st.text("abcXYZ09 ._-,'&é", max_size=30))
def test_names_are_slugged_as_python_slugify_slugs_them(text: str) -> None:
    """Plain ASCII names are slugged without python-slugify; its slug is the reference."""
    from slugify import slugify as reference

    assert slugify(text) == reference(text)
