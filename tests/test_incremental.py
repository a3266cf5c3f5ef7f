"""Incremental runs: after any edit, the pages equal those of a run from scratch.

The cache and the page fingerprints decide what is rendered again; these tests check that
they never leave a stale page behind, and that an edit rewrites only the pages it shows on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator import pipeline
from tests.conftest import copy_site, tree_snapshot

SLUG = "2024-10-28-north-korean-troops-kursk"
ARTICLES = Path("seeds/articles")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Iterator[Path]:
    previous = os.environ.get("BRIEFINGS_CACHE_DIR")
    folder = tmp_path / "cache"
    os.environ["BRIEFINGS_CACHE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop("BRIEFINGS_CACHE_DIR", None)
        else:
            os.environ["BRIEFINGS_CACHE_DIR"] = previous


def generate(root: Path) -> list[str]:
    return sorted(pipeline.generate(pipeline.read_settings(root)).written)


def from_scratch(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """Generate a copy of `root`'s content with no cache and no earlier pages."""
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    copy_site(fresh, root / "seeds")
    shutil.rmtree(fresh / "templates")
    shutil.copytree(root / "templates", fresh / "templates")
    previous = os.environ["BRIEFINGS_CACHE_DIR"]
    os.environ["BRIEFINGS_CACHE_DIR"] = str(fresh / ".cache")
    try:
        generate(fresh)
    finally:
        os.environ["BRIEFINGS_CACHE_DIR"] = previous
    return tree_snapshot(fresh / "docs")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def edit_quote_context(root: Path) -> None:
    replace(root / ARTICLES / f"{SLUG}.yaml", "Press briefing, 28 October 2024",
            "Press conference, Brussels")


def edit_actor_title(root: Path) -> None:
    replace(root / "seeds/actors.yaml", "Secretary General of NATO", "NATO Secretary-General")


def edit_actor_name(root: Path) -> None:
    replace(root / "seeds/actors.yaml", "name: Rustem Umerov", "name: Rustem Umierov")


def add_briefing(root: Path) -> None:
    source = root / ARTICLES / f"{SLUG}.yaml"
    slug = "2025-01-15-second-look"
    shutil.copy(root / ARTICLES / f"{SLUG}.txt", root / ARTICLES / f"{slug}.txt")
    text = source.read_text("utf-8").replace("date: 2024-10-28", "date: 2025-01-15", 1)
    text = text.replace('title: "NATO confirms', 'title: "Second look: NATO confirms', 1)
    (root / ARTICLES / f"{slug}.yaml").write_text(text, "utf-8")


def remove_briefing(root: Path) -> None:
    for suffix in (".yaml", ".txt"):
        (root / ARTICLES / f"2025-01-15-second-look{suffix}").unlink()


def edit_template(root: Path) -> None:
    replace(root / "templates/briefing.md.j2", "Bottom line", "Bottom line up front")


EDITS: list[Callable[[Path], None]] = [
    edit_quote_context, edit_actor_title, edit_actor_name, add_briefing, edit_template,
    remove_briefing,
]


def test_every_edit_gives_the_pages_of_a_run_from_scratch(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = copy_site(tmp_path / "root")
    generate(root)
    for edit in EDITS:
        edit(root)
        generate(root)
        assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path), edit.__name__


def test_a_run_with_nothing_changed_rewrites_nothing(tmp_path: Path, cache_dir: Path) -> None:
    root = copy_site(tmp_path / "root")
    generate(root)
    before = {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*.md")}
    assert generate(root) == []
    assert {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*.md")} == before


def test_a_quote_edit_rewrites_only_the_pages_that_show_it(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = copy_site(tmp_path / "root")
    generate(root)
    edit_quote_context(root)
    assert generate(root) == sorted([
        f"briefings/{SLUG}.md",  # the quote box
        "actors/mark-rutte.md",  # the speaker's page
        "quotes/2024.md",  # the year's quotes
        "quotes/index.md",  # the latest quotes
    ])


def test_a_hand_edited_page_is_noticed_even_when_nothing_else_changed(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = copy_site(tmp_path / "root")
    generate(root)
    page = root / "docs/actors/nato.md"
    page.write_text(page.read_text("utf-8") + "\nMy note.\n", "utf-8")
    with pytest.raises(pipeline.ContentError) as failure:
        generate(root)
    assert "refusing to overwrite" in failure.value.problems[0].message
