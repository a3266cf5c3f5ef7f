"""Incremental runs: after any edit, the pages equal those of a run from scratch.

The cache and the page fingerprints decide what is rendered again; these tests check that
they never leave a stale page behind, and that an edit rewrites only the pages it shows on.
"""

from __future__ import annotations

import gc
import os
import pickle
import random
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import components, load, pipeline, render, validate
from generator.cache import load_cache, load_summary, save_cache
from generator.textmatch import article_text, split_paragraphs
from generator.write import MANIFEST, read_manifest
from tests.conftest import copy_site, corpus_maker, tree_snapshot

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


class Stages(dict[str, int]):
    """The total of each stage a run reported: pass it as the run's progress callback."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        self[stage] = total


def calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str,
          noted: Callable[[Any], Any] = lambda first: first) -> list[Any]:
    """What `owner.name` is called with from now on (its first argument, as `noted` notes
    it), while it goes on doing what it did."""
    seen: list[Any] = []
    function = getattr(owner, name)

    def noting(first: Any, *rest: Any) -> Any:
        seen.append(noted(first))
        return function(first, *rest)

    monkeypatch.setattr(owner, name, noting)
    return seen


def synthetic_site(tmp_path: Path) -> Path:
    """A site root with 40 synthetic briefings (benchmarks/make_corpus.py, seed 7)."""
    corpus = tmp_path / "corpus"
    corpus_maker().make_corpus(corpus, briefings=40, seed=7)
    return copy_site(tmp_path / "root", corpus / "seeds")


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
    stages = Stages()
    written = pipeline.generate(pipeline.read_settings(root), progress=stages)
    shown_on = sorted([
        f"briefings/{SLUG}.md",  # the quote box
        "actors/mark-rutte.md",  # the speaker's page
        "quotes/2024.md",  # the year's quotes
        "quotes/index.md",  # the latest quotes
    ])
    assert sorted(written.written) == shown_on
    # One briefing read and checked again (its page rendered with it), and only the other
    # pages that show the quote looked at and rendered: on this one-briefing site every page
    # shows the briefing, but only these show its quote (the quotes page among the latest).
    assert stages == {"checked": 1, "planned": len(shown_on) - 1,
                      "rendered": len(shown_on) - 1, "written": len(shown_on)}


def test_a_first_run_reads_each_content_file_once(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache key of a briefing is hashed from the very bytes that are then checked: a file
    # saved again between the two could not be recorded as verified in its new state.
    root = copy_site(tmp_path / "root")
    reads = calls(monkeypatch, Path, "read_bytes")
    generate(root)
    content = sorted((root / ARTICLES).iterdir())
    assert [p for p in sorted(reads) if p.parent == root / ARTICLES] == content


def test_what_a_run_made_is_old_to_the_collector_afterwards() -> None:
    # The cycle collector is held off during a run; afterwards what the run made counts as
    # old (the oldest generation), so the collector's first pass does not go through all of
    # it as new. What the process hosting the run froze stays frozen. (The command line
    # holds the collector off for its whole run; MkDocs and the preview server do not.)
    enabled = gc.isenabled()
    gc.enable()
    try:
        with pipeline._no_gc_pauses():
            assert not gc.isenabled()
            made = [[number] for number in range(10_000)]
        assert gc.isenabled() and gc.get_freeze_count() == 0
        oldest = {id(thing) for thing in gc.get_objects(generation=2)}
        assert all(id(thing) in oldest for thing in made)
        hosted = [[number] for number in range(100)]
        gc.freeze()
        try:
            with pipeline._no_gc_pauses():
                made = [[number] for number in range(100)]
            assert gc.get_freeze_count() >= len(hosted)
        finally:
            gc.unfreeze()
    finally:
        if not enabled:
            gc.disable()


def test_a_result_given_a_new_key_is_saved_under_it(tmp_path: Path, cache_dir: Path) -> None:
    # A result that stands after an edit of names is given its new key without being
    # pickled or written again; one recorded but not saved yet is written whole.
    saved = load_cache(tmp_path)  # none yet: an empty one, of this version
    saved.record("saved", "old", ("a", 1))
    save_cache(tmp_path, saved)
    store = load_cache(tmp_path)
    assert store.rekey("saved", "old", "new") and not store.rekey("saved", "old", "newer")
    store.record("unsaved", "old", ("b", 2))
    assert store.rekey("unsaved", "old", "new")
    store.autosave = None
    save_cache(tmp_path, store)
    again = load_cache(tmp_path)
    assert again.result("saved", "new") == ("a", 1) and again.result("saved", "old") is None
    assert again.result("unsaved", "new") == ("b", 2)


def test_a_lazy_cache_reads_each_result_when_asked_for_it(tmp_path: Path,
                                                          cache_dir: Path) -> None:
    """A run reads the keys at the start and a result only when it needs it: an edit of a
    large site needs a few of them, and reading all took a tenth of its time."""
    saved = load_cache(tmp_path)
    saved.record("one", "k1", ("a", 1))
    saved.record("two", "k2", ("b", 2))
    save_cache(tmp_path, saved)
    store = load_cache(tmp_path, lazy=True)
    try:
        assert store.holds("one", "k1") and store.holds("two", "k2")
        assert store._pickled == {"one": ("k1", None), "two": ("k2", None)}  # nothing read
        assert store.result("one", "k2") is None  # under another key: a miss, read for nothing
        assert store.result("two", "k2") == ("b", 2)
        assert store._pickled == {"one": ("k1", None)}  # the other is still in the database
        # a forked worker reads through its own connection, the parent's goes on as it was
        reader, written = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the worker's side
            os.write(written, pickle.dumps(store.result("one", "k1")))
            os._exit(0)
        os.close(written)
        with os.fdopen(reader, "rb") as pipe:
            assert pickle.loads(pipe.read()) == ("a", 1)
        os.waitpid(child, 0)
        assert store.recorded("one") == ("k1", ("a", 1))
        # one not read yet, given a new key (its row keeps the old one until saved), is read
        # under the new key, as after a change of names that leaves a briefing as it was
        renamed = load_cache(tmp_path, lazy=True)
        assert renamed.rekey("one", "k1", "k1b") and renamed.result("one", "k1b") == ("a", 1)
        assert renamed.rekey("two", "k2", "k2b")
        save_cache(tmp_path, renamed)
        assert renamed.result("two", "k2b") == ("b", 2)  # read after the save, under its key
        renamed.close()
        saved = load_cache(tmp_path)
        assert saved.result("one", "k1b") == ("a", 1) and saved.result("two", "k2b") == ("b", 2)
        saved.rekey("one", "k1b", "k1")
        saved.rekey("two", "k2b", "k2")
        save_cache(tmp_path, saved)
        # one not read yet, given a new key, keeps its value (read back when it is saved)
        again = load_cache(tmp_path, lazy=True)
        assert again.rekey("two", "k2", "k3")
        again.record("three", "k4", ("c", 3))
        again._rekeyed.discard("two")  # as if changed twice: the whole row is written
        save_cache(tmp_path, again)
        again.close()
        last = load_cache(tmp_path)
        assert last.result("two", "k3") == ("b", 2) and last.result("three", "k4") == ("c", 3)
        # gone from the database before it was read (a run that removed the briefing): a miss
        gone = load_cache(tmp_path, lazy=True)
        saved = load_cache(tmp_path)
        saved.keep_results({"one"})
        save_cache(tmp_path, saved)
        assert gone.holds("two", "k3") and gone.result("two", "k3") is None
        assert gone.result("one", "k1") == ("a", 1)
        gone.close()
    finally:
        store.close()


def test_a_damaged_cache_costs_time_only(tmp_path: Path, cache_dir: Path) -> None:
    root = copy_site(tmp_path / "root")
    expected = from_scratch(root, tmp_path)
    generate(root)
    for damaged in cache_dir.glob("*.sqlite"):
        damaged.write_bytes(b"not a database" * 100)
    (root / "docs" / "index.md").unlink()
    assert generate(root) == ["index.md"]
    assert tree_snapshot(root / "docs") == expected
    edit_quote_context(root)  # the cache was made anew: the next edit is incremental again
    stages = Stages()
    pipeline.generate(pipeline.read_settings(root), progress=stages)
    assert stages["rendered"] == 3  # the quote's pages only, as in the test above


def test_a_cache_row_of_another_shape_costs_time_only(tmp_path: Path, cache_dir: Path) -> None:
    """Rows that unpickle to something no run records (a string) are misses, whether they
    stand for briefings or the actor registry."""
    import sqlite3

    root = copy_site(tmp_path / "root")
    expected = from_scratch(root, tmp_path)
    generate(root)
    for edit in (lambda: None, lambda: replace(root / "seeds/actors.yaml", "name: NATO",
                                               "name: NATO  # the alliance")):
        for database in cache_dir.glob("*.sqlite"):
            with sqlite3.connect(database) as connection:
                connection.execute("UPDATE results SET value = ?", (pickle.dumps("t"),))
        edit()
        (root / "docs" / "index.md").unlink()
        assert generate(root) == ["index.md"]
        assert tree_snapshot(root / "docs") == expected


def test_what_an_edit_run_records_of_its_pages_is_what_is_on_disk(
    tmp_path: Path, cache_dir: Path
) -> None:
    """The pages an edit keeps are recorded as found when the run began, those it wrote as
    they are now: the next run, with nothing changed, has nothing to do."""
    root = copy_site(tmp_path / "root")
    generate(root)
    edit_quote_context(root)
    assert generate(root)  # some pages written, the others found as they were and kept
    docs = root / "docs"
    summary = load_summary(root)
    assert summary is not None
    assert summary.outputs == {name: (info.st_size, info.st_mtime_ns)
                               for name in summary.outputs if (info := (docs / name).stat())}
    assert set(summary.outputs) == {*read_manifest(docs), MANIFEST}
    page = docs / "actors/nato.md"  # kept by the edit: a change to it is noticed
    page.write_text(page.read_text("utf-8") + "\nMy note.\n", "utf-8")
    with pytest.raises(pipeline.ContentError) as failure:
        generate(root)
    assert "refusing to overwrite" in failure.value.problems[0].message


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


# --- many kinds of edits on a synthetic site ------------------------------------------------

def _annotation(root: Path, index: int, having: str = "title") -> Path:
    """The `index`-th annotation (in name order) of those that have the field `having`."""
    return [path for path in sorted((root / ARTICLES).glob("*.yaml"))
            if yaml.safe_load(path.read_text("utf-8")).get(having)][index]


def _reverse(root: Path, key: str) -> None:
    """The items under `key` of the first annotation with several, in reverse order: each
    item's place in the annotation is its anchor, which the pages linking to it follow."""
    path = next(path for path in sorted((root / ARTICLES).glob("*.yaml"))
                if len(yaml.safe_load(path.read_text("utf-8")).get(key) or []) > 2)
    _rewrite(path, lambda data: data[key].reverse())


def _rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


def _first_quote_context(data: dict[str, Any]) -> None:
    data["quotes"][0]["context"] = "Edited context"


def _drop_first_quote(data: dict[str, Any]) -> None:
    data["quotes"] = data["quotes"][1:]


def _move_events_to_2031(data: dict[str, Any]) -> None:
    for event in data.get("events") or []:
        event["date"] = "2031-" + str(event["date"])[5:] if len(str(event["date"])) > 4 \
            else "2031"


def _drop_relations(data: dict[str, Any]) -> None:
    data.pop("relations", None)


def _new_role(data: dict[str, Any]) -> None:
    first = data["actors"][0]
    actor = first["id"] if isinstance(first, dict) else first
    data["actors"][0] = {"id": actor, "role": "A role given in an edit"}


def _copy_briefing(root: Path) -> None:
    source = _annotation(root, 3)
    slug = "2030-06-01-a-copied-briefing"
    shutil.copy(source.with_suffix(".txt"), root / ARTICLES / f"{slug}.txt")
    text = re.sub(r"^date: .*$", "date: 2030-06-01", source.read_text("utf-8"), count=1,
                  flags=re.M)
    (root / ARTICLES / f"{slug}.yaml").write_text(text, "utf-8")


def _delete_briefing(root: Path) -> None:
    annotation = _annotation(root, 5)
    annotation.unlink()
    annotation.with_suffix(".txt").unlink()


def _retitle_first_actor(root: Path) -> None:
    actors = root / "seeds" / "actors.yaml"
    text = actors.read_text("utf-8")
    assert re.search(r"^  title: ", text, re.M)
    actors.write_text(re.sub(r"^  title: .*$", "  title: A title given in an edit", text,
                             count=1, flags=re.M), "utf-8")


def _add_alias(root: Path, actor: str, alias: str) -> None:
    path = root / "seeds" / "actors.yaml"
    actors = yaml.safe_load(path.read_text("utf-8"))
    actors[actor]["aliases"] = [*actors[actor].get("aliases", []), alias]
    path.write_text(yaml.safe_dump(actors, allow_unicode=True, sort_keys=False), "utf-8")


def _edit_actors(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / "seeds" / "actors.yaml"
    actors = yaml.safe_load(path.read_text("utf-8"))
    change(actors)
    path.write_text(yaml.safe_dump(actors, allow_unicode=True, sort_keys=False), "utf-8")


def _add_unseen_actor(actors: dict[str, Any]) -> None:
    actors["qx-observer"] = {"name": "Qx Unseen Observer", "kind": "person"}


def _retitle_unseen_actor_and_a_quote(root: Path) -> None:
    # An actor no briefing names, edited with a quote: the short way would miss its page.
    _edit_actors(root, lambda actors: actors["qx-observer"].__setitem__("title", "Envoy"))
    _rewrite(_annotation(root, 0, "quotes"), lambda data: data["quotes"][0].__setitem__(
        "context", "Said with an actor's edit"))


def _affiliate(actors: dict[str, Any]) -> None:
    # with the actor no briefing names: only its affiliate's page shows it, besides its own
    ids = [i for i, actor in actors.items() if not actor.get("affiliation")]
    actors[ids[2]]["affiliation"] = "qx-observer"


def _alias_from_an_article(root: Path) -> None:
    """The second actor given, as an alias, a word of the first article: a new mention."""
    text = sorted((root / ARTICLES).glob("*.txt"))[0].read_text("utf-8")
    actors = yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8"))
    _add_alias(root, list(actors)[1], max(re.findall(r"[a-z]{7,}", text)))


def _quote_over_another(root: Path) -> None:
    """Another speaker quoted saying the first words of a quote: the shorter quote is
    highlighted where both begin, the longer loses its own highlight, and its boxes (on
    its speaker's page too, where nothing else of the briefing changed) link to its
    paragraph instead."""
    for path in sorted((root / ARTICLES).glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        article = " ".join(path.with_suffix(".txt").read_text("utf-8").split())
        for quote in data.get("quotes", []):
            words = re.split(r"\s*(?:\.\.\.|…)\s*", quote["text"])[0].split()
            prefix = " ".join(words[:3])
            others = [a for a in (a["id"] if isinstance(a, dict) else a
                                  for a in data.get("actors", [])) if a != quote["speaker"]]
            if len(words) >= 5 and article.count(prefix) == 1 and others:
                data["quotes"].append({"speaker": others[0], "text": prefix})
                path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                "utf-8")
                return
    raise AssertionError("no quote to cover")


def _drop_an_alias(root: Path) -> None:
    path = root / "seeds" / "actors.yaml"
    actors = yaml.safe_load(path.read_text("utf-8"))
    actor = next(actor for actor in actors.values() if actor.get("aliases"))
    actor["aliases"] = actor["aliases"][1:]
    path.write_text(yaml.safe_dump(actors, allow_unicode=True, sort_keys=False), "utf-8")


SITE_EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("quote context", lambda root: _rewrite(_annotation(root, 0, "quotes"),
                                            _first_quote_context)),
    ("title", lambda root: _rewrite(_annotation(root, 1), _set("title", "An edited title"))),
    ("date to another year", lambda root: _rewrite(_annotation(root, 2),
                                                  _set("date", "2029-03-04"))),
    ("tags", lambda root: _rewrite(_annotation(root, 4), _set("tags", ["edited-tag"]))),
    ("a quote removed", lambda root: _rewrite(_annotation(root, 6, "quotes"),
                                              _drop_first_quote)),
    ("events moved", lambda root: _rewrite(_annotation(root, 7, "events"),
                                           _move_events_to_2031)),
    ("relations removed", lambda root: _rewrite(_annotation(root, 8, "relations"),
                                                _drop_relations)),
    ("a role", lambda root: _rewrite(_annotation(root, 9, "actors"), _new_role)),
    ("summary", lambda root: _rewrite(_annotation(root, 10), _set("summary", "Edited."))),
    ("a briefing added", _copy_briefing),
    ("a briefing removed", _delete_briefing),
    ("an actor's title", _retitle_first_actor),
    ("an alias added", _alias_from_an_article),
    ("an alias removed", _drop_an_alias),
    ("an actor added", lambda root: _edit_actors(root, _add_unseen_actor)),
    ("its title, and a quote", _retitle_unseen_actor_and_a_quote),
    ("an actor's description", lambda root: _edit_actors(root, lambda actors: next(
        iter(actors.values())).__setitem__("description", "A *new* description."))),
    ("an affiliation", lambda root: _edit_actors(root, _affiliate)),
    ("the affiliated-with actor's kind", lambda root: _edit_actors(
        root, lambda actors: actors["qx-observer"].__setitem__("kind", "organization"))),
    ("an actor's kind", lambda root: _edit_actors(root, lambda actors: list(
        actors.values())[4].__setitem__("kind", "group"))),
    ("the same briefing again", lambda root: _rewrite(_annotation(root, 0),
                                                      _set("title", "Edited twice"))),
    ("a quote over another", _quote_over_another),
    ("events reordered", lambda root: _reverse(root, "events")),
    ("relations reordered", lambda root: _reverse(root, "relations")),
]


def test_each_kind_of_edit_on_a_larger_site_gives_the_pages_of_a_run_from_scratch(
    tmp_path: Path, cache_dir: Path
) -> None:
    """The pages an edit re-plans come from what each briefing showed on before and after:
    a page left out of that would keep stale text, and the comparison would show it."""
    root = synthetic_site(tmp_path)
    generate(root)
    for name, edit in SITE_EDITS:
        edit(root)
        written = generate(root)
        assert written, f"{name}: nothing was rewritten"
        assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path), name


# --- an edit that changes no index page renders only the pages it changed -------------------

def _with_claimant(root: Path) -> Path:
    """The oldest annotation with a claim made by an actor."""
    return next(path for path in sorted((root / ARTICLES).glob("*.yaml"))
                if any(c.get("by") for c in yaml.safe_load(path.read_text("utf-8"))
                       .get("claims") or []))


def _claim_status(data: dict[str, Any]) -> None:
    claim = next(c for c in data["claims"] if c.get("by"))
    claim["status"] = "denied" if claim["status"] != "denied" else "disputed"


def _first_event_text(data: dict[str, Any]) -> None:
    data["events"][0]["text"] = "An event told another way"


def _add_a_tag_used_elsewhere(root: Path) -> None:
    """An old briefing given a tag that another briefing has and it has not."""
    path = _annotation(root, 6, "tags")
    tags = yaml.safe_load(path.read_text("utf-8"))["tags"]
    other = next(tag for annotation in sorted((root / ARTICLES).glob("*.yaml"))
                 for tag in yaml.safe_load(annotation.read_text("utf-8")).get("tags") or []
                 if tag not in tags)
    _rewrite(path, lambda data: data["tags"].append(other))


def _first_event_date(data: dict[str, Any]) -> None:
    data["events"][0]["date"] = "2031-02-03"


def _first_relation_note(data: dict[str, Any]) -> None:
    data["relations"][0]["note"] = "A note written in an edit"


# (what is edited, the edit, and the index pages it changes when it takes the short way:
# None when it does not)
EDIT_PATHS: list[tuple[str, Callable[[Path], None], set[str] | None]] = [
    ("an old quote's context", lambda root: _rewrite(_annotation(root, 0, "quotes"),
                                                     _first_quote_context), set()),
    ("a claim's status", lambda root: _rewrite(_with_claimant(root), _claim_status), set()),
    ("a role", lambda root: _rewrite(_annotation(root, 2, "actors"), _new_role), set()),
    ("the same quote again", lambda root: _rewrite(
        _annotation(root, 0, "quotes"), lambda data: data["quotes"][0].__setitem__(
            "context", "Edited again")), set()),
    ("a latest quote's context", lambda root: _rewrite(_annotation(root, -1, "quotes"),
                                                       _first_quote_context),
     {render.QUOTES}),
    ("an old summary", lambda root: _rewrite(_annotation(root, 3), _set("summary", "Edited.")),
     set()),
    ("a latest summary", lambda root: _rewrite(_annotation(root, -1),
                                               _set("summary", "Edited, and on the home page.")),
     {render.HOME}),
    ("a latest title", lambda root: _rewrite(_annotation(root, -1), _set("title", "Retitled")),
     None),
    ("a tag used elsewhere", _add_a_tag_used_elsewhere, {render.TAGS}),
    ("a new tag", lambda root: _rewrite(_annotation(root, 7, "tags"), lambda data: data[
        "tags"].append("a-tag-of-its-own")), {render.TAGS}),
    ("a tag no longer used", lambda root: _rewrite(_annotation(root, 7, "tags"), lambda data: data[
        "tags"].remove("a-tag-of-its-own")), None),
    ("an old event", lambda root: _rewrite(_annotation(root, 4, "events"), _first_event_text),
     set()),
    ("a recent event", lambda root: _rewrite(_annotation(root, -1, "events"),
                                             _first_event_text), {render.TIMELINE}),
    ("an event's date", lambda root: _rewrite(_annotation(root, 5, "events"),
                                              _first_event_date), None),
    ("a relation's note", lambda root: _rewrite(_annotation(root, 5, "relations"),
                                                _first_relation_note), None),
    ("a latest quote removed", lambda root: _rewrite(_annotation(root, -1, "quotes"),
                                                     _drop_first_quote), None),
]


def test_an_edit_that_changes_no_index_page_renders_only_the_pages_it_changed(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that shows on no index page (no briefing added or removed, the same cards
    but for the summary, counts, events and relations), or only in the latest quotes or
    the latest cards on the home page, renders only the pages whose part from the edited
    briefing changed, from the briefings those pages show (the shipped templates never
    need the whole site); any other edit looks at every index page. Either way the pages
    are those of a run from scratch."""
    root = synthetic_site(tmp_path)
    generate(root)
    whole = calls(monkeypatch, pipeline._Whole, "__getattr__")
    for name, edit, index_pages in EDIT_PATHS:
        edit(root)
        stages = Stages()
        report = pipeline.generate(pipeline.read_settings(root), progress=stages)
        written = [page for page in report.written if not page.startswith("briefings/")]
        assert stages["checked"] == 1, name
        if index_pages is not None:  # the pages planned are exactly those rewritten
            assert stages.get("planned", 0) == len(written), (name, written)
            assert set(written) & set(render.INDEX_PAGES) == index_pages, (name, written)
            assert not whole, name
        else:
            assert stages["planned"] >= len(render.INDEX_PAGES), name
        assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path), name


def _folded_articles(root: Path) -> dict[str, str]:
    return {path.stem: article_text(*split_paragraphs(unicodedata.normalize(
        "NFC", path.read_text("utf-8")), False)).folded.text
        for path in sorted((root / ARTICLES).glob("*.txt"))}


def test_a_new_alias_checks_again_only_the_briefings_whose_article_holds_it(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change of names and aliases alone leaves standing what was checked of a briefing
    whose article holds none of the names changed: it mentions the same actors in the same
    places. The others are checked again, and every page is that of a run from scratch."""
    root = synthetic_site(tmp_path)
    generate(root)
    checked = calls(monkeypatch, validate, "check_briefing", lambda files: files.slug)
    actors = yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8"))
    first, second = list(actors)[-1], list(actors)[1]  # (the last is in few briefings)
    _add_alias(root, first, "Qxzv Nowhere")  # in no article
    stages = Stages()
    written = pipeline.generate(pipeline.read_settings(root), progress=stages).written
    assert checked == []
    assert written == [components.actor_page(first)]  # the page that lists its aliases
    # the pages that can show the actor looked at again, not all of them
    assert stages["planned"] < len(list((root / "docs").rglob("*.md"))) // 2
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)
    articles = _folded_articles(root)
    word = max(re.findall(r"[a-z]{7,}", next(iter(articles.values()))))
    holding = {slug for slug, text in articles.items() if word in text}
    assert 0 < len(holding) < len(articles)
    checked.clear()  # (the run from scratch checked every briefing)
    _add_alias(root, second, word)  # now a mention of the second actor wherever it stands
    generate(root)
    assert sorted(checked) == sorted(holding)
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_after_one_change_of_names_the_next_reads_only_articles_that_may_hold_the_names(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first change of names reads every article to look for them, and keeps its words
    in the cache; the next reads only the articles whose words may hold a changed name
    (and checks those whose text does again). The pages are those of a run from scratch."""
    root = synthetic_site(tmp_path)
    generate(root)
    read = calls(monkeypatch, load, "read_article_file", lambda entry: entry.slug)
    checked = calls(monkeypatch, validate, "check_briefing", lambda files: files.slug)
    actors = list(yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8")))
    _add_alias(root, actors[-1], "Qxzv Nowhere")
    generate(root)
    articles = _folded_articles(root)
    assert sorted(read) == sorted(articles) and checked == []
    read.clear()
    _add_alias(root, actors[-2], "Qxzv Elsewhere")
    generate(root)
    assert read == [] and checked == []
    word = max(re.findall(r"[a-z]{7,}", next(iter(articles.values()))))
    holding = sorted(slug for slug, text in articles.items() if word in text)
    _add_alias(root, actors[1], word)
    generate(root)
    assert sorted(read) == sorted(checked) == holding
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_a_new_actor_checks_again_only_the_briefings_that_can_name_or_need_it(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adding an actor is a change of names: what was checked of a briefing whose article
    holds none of the new names stands, and a briefing that failed for want of the actor
    is checked again and now passes. The pages are those of a run from scratch."""
    root = synthetic_site(tmp_path)
    generate(root)
    checked = calls(monkeypatch, validate, "check_briefing", lambda files: files.slug)
    _edit_actors(root, lambda actors: actors.__setitem__(
        "qx-observer", {"name": "Qx Unseen Observer", "kind": "person"}))
    written = generate(root)
    assert checked == []
    assert written == sorted([components.actor_page("qx-observer"), render.ACTORS,
                              render.HOME])  # its page, the list of actors, their count
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)

    needing = _annotation(root, 3, "actors")
    _rewrite(needing, lambda data: data["actors"].append("qx-envoy"))
    checked.clear()
    with pytest.raises(pipeline.ContentError) as failure:
        generate(root)
    listed = len(yaml.safe_load(needing.read_text("utf-8"))["actors"])  # the last of them
    assert [p.message for p in failure.value.problems if p.is_error] == [
        f"actor {listed} 'qx-envoy' is not a known actor; add it to seeds/actors.yaml"]
    articles = _folded_articles(root)
    word = max(re.findall(r"[a-z]{7,}", articles[_annotation(root, 0).stem]))
    holding = {slug for slug, text in articles.items() if word in text}
    assert 0 < len(holding) < len(articles)
    checked.clear()
    _edit_actors(root, lambda actors: actors.__setitem__(
        "qx-envoy", {"name": "Qx Envoy", "kind": "person", "aliases": [word]}))
    generate(root)
    assert sorted(checked) == sorted({needing.stem, *holding})
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_an_actor_s_title_edit_looks_again_only_at_the_pages_that_show_the_actor(
    tmp_path: Path, cache_dir: Path
) -> None:
    """An edit of actors.yaml that changes no id, name or alias verifies no briefing again
    and looks only at the index pages and the pages that can show an actor whose entry
    changed (those that link to it)."""
    root = synthetic_site(tmp_path)
    generate(root)
    actors = yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8"))
    edited = list(actors)[-1]
    _edit_actors(root, lambda actors: actors[edited].__setitem__("title", "Edited title"))
    stages = Stages()
    pipeline.generate(pipeline.read_settings(root), progress=stages)
    pages = tree_snapshot(root / "docs")
    listed = {page for page in pages if page.endswith(".md") and not page.startswith(
        "briefings/")} | set(render.INDEX_PAGES)
    showing = {page for page in listed if f"actors/{edited}/".encode() in pages[page]}
    assert "checked" not in stages
    # the index pages, and the pages that link to it (and some that may, such as the pages
    # of actors present with it, which list only the 20 they appear with most)
    assert len(showing) <= stages["planned"] < len(listed) * 2 // 3
    assert pages == from_scratch(root, tmp_path)


def test_an_edit_of_actors_yaml_makes_html_of_the_new_descriptions_only(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = synthetic_site(tmp_path)
    generate(root)
    made = calls(monkeypatch, validate, "markdown_html")
    actors = yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8"))
    described = [i for i, actor in actors.items() if actor.get("description")]
    _edit_actors(root, lambda actors: actors[described[0]].__setitem__("title", "Edited"))
    generate(root)
    assert made == []
    _edit_actors(root, lambda actors: actors[described[1]].__setitem__(
        "description", "A *new* description."))
    generate(root)
    assert made == ["A *new* description."]
    assert "<em>new</em>" in (root / "docs" / components.actor_page(described[1])).read_text(
        "utf-8")


def test_an_edit_of_actors_yaml_slugs_the_new_names_only(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names are compared by their slugs for the similar-names warning: an edit of
    actors.yaml makes the slugs of the names it adds alone, and warns as a fresh check."""
    root = synthetic_site(tmp_path)
    generate(root)
    slugged = calls(monkeypatch, validate, "slugify")
    actors = list(yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8")))
    _edit_actors(root, lambda entries: entries[actors[3]].__setitem__("title", "Edited"))
    generate(root)
    assert slugged == []
    near = yaml.safe_load((root / "seeds" / "actors.yaml").read_text("utf-8"))[actors[0]][
        "name"] + "x"  # one letter from another actor's name
    _add_alias(root, actors[2], near)
    problems = pipeline.check(pipeline.read_settings(root))[1]
    assert slugged == [near]
    fresh: list[Any] = []
    source, node, _ = load.read_actors(root / "seeds" / "actors.yaml", root)
    validate.check_actors(source, node, fresh)
    assert [p for p in problems if p.path == "seeds/actors.yaml"] == fresh
    assert any(near in p.message and "one letter apart" in p.message for p in fresh)


def test_a_page_touched_on_disk_is_rendered_again_after_an_edit_elsewhere(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = synthetic_site(tmp_path)
    generate(root)
    (root / "docs" / render.TAGS).unlink()
    _rewrite(_annotation(root, 0, "quotes"), _first_quote_context)
    assert render.TAGS in generate(root)
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_a_template_that_looks_at_the_whole_site_sees_all_of_it_after_an_edit(
    tmp_path: Path, cache_dir: Path
) -> None:
    """An actor page rendered after an edit is made from the briefings it shows, but its
    template still sees the whole site as `site`."""
    root = synthetic_site(tmp_path)
    template = root / "templates/actor.md.j2"
    template.write_text(template.read_text("utf-8") +
                        "\n{{ site.briefings|length }} briefings on this site\n", "utf-8")
    generate(root)
    _rewrite(_annotation(root, 0, "quotes"), _first_quote_context)
    written = [page for page in generate(root) if page.startswith("actors/")]
    assert written
    assert "40 briefings on this site" in (root / "docs" / written[0]).read_text("utf-8")
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_a_run_that_fails_reads_only_what_changed_and_renders_nothing(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Fixing mistakes one run at a time: a run with an error renders no page, so the next
    run reads only the files that changed, even before any page was ever written; the run
    that succeeds renders every page, as from scratch."""
    root = synthetic_site(tmp_path)
    broken = _annotation(root, 3)
    good = broken.read_text("utf-8")
    broken.write_text(re.sub(r"^date: .*$", "date: 28 February 2024", good, count=1, flags=re.M),
                      "utf-8")

    def run() -> tuple[dict[str, int], list[str]]:
        stages = Stages()
        try:
            pipeline.generate(pipeline.read_settings(root), progress=stages)
        except pipeline.ContentError as failure:
            return stages, [p.message for p in failure.problems if p.is_error]
        return stages, []

    stages, errors = run()  # the first run reads everything
    assert stages == {"checked": 40} and errors
    stages, again = run()  # nothing changed: nothing is read, the same error is told
    assert stages == {} and again == errors
    other = _annotation(root, 5)
    _rewrite(other, _set("summary", "Edited while the error stands."))
    stages, again = run()  # one file changed: only it is read
    assert stages == {"checked": 1} and again == errors
    broken.write_text(good, "utf-8")
    stages, errors = run()  # fixed: the pages of the 39 others are rendered from their files
    assert not errors
    assert stages["checked"] == 1 and stages["paged"] == 39
    assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path)


def test_check_reads_only_what_changed_since_the_last_check_or_generate(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = synthetic_site(tmp_path)
    settings = pipeline.read_settings(root)

    def check() -> tuple[dict[str, int], int]:
        stages = Stages()
        site, problems = pipeline.check(settings, progress=stages)
        assert site is not None and not [p for p in problems if p.is_error]
        return stages, len(site.briefings)

    assert check() == ({"checked": 40}, 40)
    assert check() == ({}, 40)
    _rewrite(_annotation(root, 2, "quotes"), _first_quote_context)
    assert check() == ({"checked": 1}, 40)
    _rewrite(_annotation(root, 4), _set("summary", "Edited."))
    stages = Stages()
    pipeline.generate(settings, progress=stages)
    # the first generate checks only what the checks had not seen (and, having no pages
    # yet, reads the other briefings' articles for their pages)
    assert (stages["checked"], stages["paged"]) == (1, 39)
    assert check() == ({}, 40)


def test_edits_of_several_briefings_in_one_run_give_the_pages_of_a_run_from_scratch(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Runs after several edits at once, some of them the short way and some not, in a
    sequence drawn at random (seeded): after each, the pages equal a run from scratch."""
    root = synthetic_site(tmp_path)
    generate(root)
    changes: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("quotes", _first_quote_context),
        ("quotes", lambda data: data["quotes"][0].__setitem__("context", "Said again")),
        ("actors", _new_role),
        ("claims", lambda data: data["claims"][0].__setitem__("status", "disputed")),
        ("title", _set("summary", "A summary edited with others.")),
        ("events", _first_event_text),
    ]
    chance = random.Random(11)
    for step in range(8):
        picked = chance.sample(changes, k=chance.randint(2, 3))
        for having, change in picked:
            candidates = [path for path in sorted((root / ARTICLES).glob("*.yaml"))
                          if yaml.safe_load(path.read_text("utf-8")).get(having)]
            _rewrite(chance.choice(candidates), change)
        stages = Stages()
        pipeline.generate(pipeline.read_settings(root), progress=stages)
        assert 1 <= stages["checked"] <= len(picked), step
        assert tree_snapshot(root / "docs") == from_scratch(root, tmp_path), step
