"""The one place that knows the order of the stages: load, validate, model, render, write."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import hashlib
import os
import pickle
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import jinja2
import yaml

from generator import components, load, render, validate, write
from generator.cache import (
    Cache,
    Stamp,
    Summary,
    compiled_templates,
    fingerprint,
    input_signature,
    load_cache,
    load_summary,
    output_stats,
    save_cache,
    save_summary,
    words_key,
)
from generator.model import Briefing, Site, build_site
from generator.problems import ContentError, Problem
from generator.textmatch import MentionFinder, may_occur, words_of

T = TypeVar("T")
LOCK_FILE = ".briefings-lock"
SEEDS_VARIABLE = "BRIEFINGS_SEEDS"
TEMPLATES_VARIABLE = "BRIEFINGS_TEMPLATES"


@dataclass(frozen=True)
class Settings:
    """Where content, templates and output live, and how MkDocs will link pages."""

    root: Path
    seeds: Path
    docs: Path
    templates: Path
    directory_urls: bool = True
    site_dir: Path | None = None

    def rel(self, path: Path) -> str:
        """A path as shown to users: relative to the site root."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


if hasattr(yaml, "CSafeLoader"):
    class _IgnoreTags(yaml.CSafeLoader):
        """Reads mkdocs.yml for a few settings, skipping the Python tags some themes use
        (libyaml's parser: PyYAML's own takes milliseconds, on every run)."""
else:  # pragma: no cover - PyYAML built without libyaml
    class _IgnoreTags(yaml.SafeLoader):  # type: ignore[no-redef]
        """Reads mkdocs.yml for a few settings, skipping the Python tags some themes use."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(
    root: Path,
    seeds: str | None = None,
    docs: str | None = None,
    templates: str | None = None,
) -> Settings:
    """Settings from mkdocs.yml in `root` (docs_dir, site_dir, use_directory_urls, plugin
    options), overridden by `seeds`, `docs` and `templates` (the command line's options).

    Raises ContentError when mkdocs.yml cannot be read as MkDocs would, gives a setting of
    the wrong type, or names folders that overlap: the docs folder inside the content, or a
    site folder that would replace the site itself when published.
    """
    problems: list[Problem] = []
    config, where = _read_config(root / "mkdocs.yml", problems)

    def at(name: str, message: str) -> None:
        """A problem with the setting `name`, where mkdocs.yml writes it."""
        problems.append(Problem("mkdocs.yml", *where.get(name, (0, 0)), message))

    def text(value: object, name: str, default: str) -> str:
        if value is None and name not in where:
            return default
        if isinstance(value, str) and value.strip():
            return value
        at(name, f"{name} must be a folder name, such as {default}; got {_shown_value(value)}")
        return default

    options: dict[str, object] = {}
    plugins = config.get("plugins")
    entries = list(plugins.items()) if isinstance(plugins, dict) else [
        next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
        for item in plugins] if isinstance(plugins, list) else []
    if plugins is not None and not isinstance(plugins, list | dict):
        at("plugins", "plugins must be a list of plugin names, such as [search, briefings]; "
                      f"got {_shown_value(plugins)}")
    for name, value in entries:
        if name == "briefings" and isinstance(value, dict):
            options = value
    for option in ("seeds", "templates"):
        if option in options and not (isinstance(options[option], str)
                                      and str(options[option]).strip()):
            at("plugins", f"the briefings plugin's {option} must be a folder name; got "
                          f"{_shown_value(options[option])}")
            options = {k: v for k, v in options.items() if k != option}
    urls = config.get("use_directory_urls", True)
    if not isinstance(urls, bool):
        at("use_directory_urls", f"use_directory_urls must be true or false; got "
                                 f"{_shown_value(urls)}")
        urls = True
    settings = Settings(
        root=root,
        seeds=root / (seeds or str(options.get("seeds", "seeds"))),
        docs=root / (docs or text(config.get("docs_dir"), "docs_dir", "docs")),
        templates=root / (templates or str(options.get("templates", "templates"))),
        directory_urls=urls,
        site_dir=root / text(config.get("site_dir"), "site_dir", "site"),
    )
    if not problems and not seeds and not (root / "mkdocs.yml").exists() \
            and not settings.seeds.exists():
        problems.append(Problem("mkdocs.yml", 0, 0, "not found here, nor a seeds folder: run "
                                "briefings from the site root (the folder with mkdocs.yml), "
                                "or start a site with briefings init"))
    if not problems:
        given = {"seeds": seeds, "docs_dir": docs, "templates": templates}
        problems.extend(_overlapping_folders(settings, where, given))
    if problems:
        raise ContentError(problems)
    return settings


def _read_config(path: Path, problems: list[Problem]
                 ) -> tuple[dict[str, object], dict[str, tuple[int, int]]]:
    """mkdocs.yml as a mapping (empty when there is no file), and where each top-level key
    is written; a file MkDocs could not read is a problem."""
    try:
        source = path.read_text("utf-8")
    except FileNotFoundError:
        return {}, {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem("mkdocs.yml", 0, 0, f"cannot be read ({exc}); save it as UTF-8"))
        return {}, {}
    try:
        loaded = yaml.load(source, Loader=_IgnoreTags)
        node = yaml.compose(source, Loader=_IgnoreTags)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem("mkdocs.yml", line, col, f"not valid YAML ({reason}); MkDocs "
                                "cannot read it either"))
        return {}, {}
    if not isinstance(loaded, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(Problem("mkdocs.yml", 1 if loaded is not None else 0, 1 if loaded
                                is not None else 0, "must be a mapping of MkDocs settings "
                                "(site_name, nav, plugins ...)"))
        return {}, {}
    where = {key.value: (key.start_mark.line + 1, key.start_mark.column + 1)
             for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
    return loaded, where


def _shown_value(value: object) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"[:80]


def _overlapping_folders(settings: Settings, where: dict[str, tuple[int, int]],
                         given: dict[str, str | None]) -> list[Problem]:
    """The folders that must be apart but are not: content, docs and templates (none the
    same as another or inside it, and docs not the site root), and the site folder (which a
    build replaces as a whole: not the root or above it, and apart from the three)."""
    problems: list[Problem] = []
    root = os.path.realpath(settings.root)
    folders = {"seeds": settings.seeds, "docs_dir": settings.docs,
               "templates": settings.templates}
    real = {name: os.path.realpath(path) for name, path in folders.items()}

    def inside(inner: str, outer: str) -> bool:
        return inner == outer or inner.startswith(outer.rstrip("/") + "/")

    def problem(name: str, message: str) -> None:
        option = {"seeds": "--seeds", "docs_dir": "--docs", "templates": "--templates"}.get(name)
        if option and given.get(name):
            problems.append(Problem(option, 0, 0, message))
            return
        line, col = where.get(name, where.get("plugins", (0, 0)))
        problems.append(Problem("mkdocs.yml", line, col, message))

    def shown(path: Path) -> str:
        return settings.rel(path) or "."

    if real["docs_dir"] == root:
        problem("docs_dir", "docs_dir is the site root: the generated pages would be written "
                            "among the content; use a folder of its own, such as docs")
        return problems
    names = list(real)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if inside(real[first], real[second]) or inside(real[second], real[first]):
                problem(second, f"{second} ({shown(folders[second])}) and {first} "
                                f"({shown(folders[first])}) are the same folder or one holds the "
                                "other; give each a folder of its own")
    if settings.site_dir is None:
        return problems
    site = os.path.realpath(settings.site_dir)
    if inside(root, site):
        problem("site_dir", f"site_dir ({shown(settings.site_dir)}) holds the site root: a "
                            "build would replace the content with the built site; use a folder "
                            "of its own, such as site")
    else:
        for name, path in real.items():
            if inside(site, path) or inside(path, site):
                problem("site_dir", f"site_dir ({shown(settings.site_dir)}) and {name} "
                                    f"({shown(folders[name])}) are the same folder or one holds "
                                    "the other: a build replaces the site folder as a whole; "
                                    "use a folder of its own, such as site")
    return problems


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Report(write.WriteReport):
    """What a run changed in the output, and the date of the newest briefing."""

    newest: dt.date | None = None


class Shown(NamedTuple):
    """What the last run made of one briefing: the key it was checked under, the pages that
    show it (the quotes, home and timeline pages too while it is among their latest), its
    warnings, its date, and what the years of the timeline and quotes pages and the tags
    page count of it."""

    key: str
    pages: tuple[str, ...]
    problems: tuple[Problem, ...]
    date: dt.date
    quotes: int
    event_years: tuple[int, ...]
    tags: tuple[str, ...]


Graph = dict[str, Shown]  # by slug


class Sink(Protocol):
    """Where rendered pages go: docs/ through a write transaction, or memory.

    `current` and `written` only look and `prepare` only writes where the sink allows it,
    so worker processes call them too; `keep` and `add` record, in the process that owns
    the sink, what `prepare` sent back.
    """

    def current(self, path: str, fingerprint: str) -> bool:
        """True when the page is there as rendered from inputs with this fingerprint."""

    def written(self, path: str) -> bool:
        """True when the page is there as it was last written."""

    def keep(self, path: str, fingerprint: str | None = None) -> None:
        """Leave the page there as it is (now known to be rendered from inputs with this
        fingerprint, if one is given)."""

    def graph(self, state: str) -> Graph | None:
        """What the pages there were made from, if they were made in the same `state`."""

    def prepare(self, path: str, data: bytes) -> Any:
        """Get a rendered page (UTF-8) ready for `add`: what travels back from a worker."""

    def add(self, path: str, fingerprint: str, sha: str, prepared: Any) -> None:
        """Take a rendered page, as `prepare` left it, with its fingerprint and sha256."""


@dataclass
class _Folder:
    """Pages for a folder: staged by a write transaction, fingerprints kept in the cache."""

    folder: Path
    store: Cache
    update: write.Update
    kept: list[str] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)

    def current(self, path: str, fingerprint: str) -> bool:
        return self.store.page_unchanged(self.folder, path, fingerprint)

    def written(self, path: str) -> bool:
        return self.store.page_written(self.folder, path)

    def keep(self, path: str, fingerprint: str | None = None) -> None:
        self.kept.append(path)
        if fingerprint is not None:
            self.fingerprints[path] = fingerprint

    def graph(self, state: str) -> Graph | None:
        return self.store.graph(self.folder, state)

    def prepare(self, path: str, data: bytes) -> write.Staged:
        return self.update.stage(path, data)  # the page itself stays on disk, not in memory

    def add(self, path: str, fingerprint: str, sha: str, prepared: Any) -> None:
        self.update.took(path, sha, prepared)
        self.fingerprints[path] = fingerprint


@dataclass
class _Memory:
    """Pages kept as text, for callers that look at them without writing them."""

    pages: dict[str, str] = field(default_factory=dict)

    def current(self, path: str, fingerprint: str) -> bool:
        return False

    def written(self, path: str) -> bool:
        return False

    def keep(self, path: str, fingerprint: str | None = None) -> None:
        raise AssertionError("a page in memory is never kept from an earlier run")

    def graph(self, state: str) -> Graph | None:
        return None

    def prepare(self, path: str, data: bytes) -> bytes:
        return data

    def add(self, path: str, fingerprint: str, sha: str, prepared: Any) -> None:
        self.pages[path] = prepared.decode("utf-8")


def check(
    settings: Settings, store: Cache | None = None, progress: Progress = _no_progress
) -> tuple[Site | None, list[Problem]]:
    """Load and validate all content, writing no page; the site is None when there are errors.

    A briefing whose annotation, article and actor registry are unchanged is taken from the
    cache (the site's, unless `store` is given) instead of being read, parsed and verified
    again; what is verified goes into the site's cache, for the next check or generate.
    """
    owned = store is None
    if store is None:
        # (a result that another run removes before it is read is only checked again here)
        store = load_cache(settings.root, lazy=True)
    try:
        with _no_gc_pauses():
            produced = _produce(settings, store, None, progress)
    except ContentError as exc:
        return None, exc.problems
    finally:
        if owned:
            save_cache(settings.root, store)
            store.close()
    return produced.site, produced.problems


def render_pages(settings: Settings) -> tuple[dict[str, str] | None, list[Problem]]:
    """Check the content and render every page in memory, writing nothing."""
    sink = _Memory()
    try:
        produced = _produce(settings, Cache(), sink, _no_progress)
    except ContentError as exc:
        return None, exc.problems
    return sink.pages, produced.problems


def generate(
    settings: Settings,
    *,
    lock: bool = True,
    folder: Path | None = None,
    progress: Progress = _no_progress,
    store: Cache | None = None,
) -> Report:
    """Check, render and write the pages into docs/ (or `folder`); on errors raise ContentError.

    Only pages whose inputs changed since the last run are rendered, and only pages whose
    text changed are written. Nothing is written when there is any error. `lock=False` is
    for callers that already hold `run_lock` for a longer run; a long-lived caller (the
    preview server) passes its own `store` to skip reading the cache from disk each time.
    """
    target = folder or settings.docs
    with run_lock(settings) if lock else contextlib.nullcontext(), _no_gc_pauses():
        # A killed run is finished (or undone) before any page on disk is trusted.
        recovered = write.recover(target, settings.rel(target), render.owned_page)
        if any(p.is_error for p in recovered):
            raise ContentError(recovered)
        # Taken before anything is read: a file saved during this run changes it for the next.
        signature, stats = input_signature([settings.seeds, settings.templates],
                                           str(target), settings.directory_urls)
        last = load_summary(settings.root)
        if (
            last is not None
            and (last.signature, last.target) == (signature, str(target))
            and output_stats(target, list(last.outputs)) == last.outputs
            and not recovered
        ):
            return Report(unchanged=len(last.outputs) - 1, problems=list(last.problems),
                          newest=last.newest)
        save_summary(settings.root, None)
        owned = store is None  # a caller's own store stays in its memory, unsaved
        if store is None:  # each result read when needed: no other run writes it meanwhile
            store = load_cache(settings.root, lazy=True)
            store.autosave = settings.root
        store.seen = stats  # what the signature found: no file is looked at twice
        store.page_stats.clear()  # (a caller's store: what an earlier run found)
        try:
            report = _generate(settings, store, target, progress)
        except ContentError as exc:
            exc.problems = sorted(recovered + exc.problems)
            raise
        finally:
            if owned:
                save_cache(settings.root, store)
                store.close()
        report.problems = sorted(recovered + report.problems)
        pages = report.pages if report.pages is not None else write.read_manifest(
            target, render.owned_page)
        files = [*pages, write.MANIFEST]
        # Each page as the run found it written, or looked at it after writing it (a change
        # to it since shows at the next run, as any other): no page is looked at again.
        outputs = output_stats(target, files, store.page_stats.get(str(target)))
        if outputs is not None:
            save_summary(settings.root, Summary(signature, str(target), outputs,
                                                [p for p in report.problems if not p.is_error],
                                                report.newest))
        return report


def _generate(settings: Settings, store: Cache, target: Path, progress: Progress) -> Report:
    sink = _Folder(target, store, write.Update(target, settings.rel(target), render.owned_page))
    try:
        produced = _produce(settings, store, sink, progress)
    except BaseException:
        sink.update.abort()
        raise
    written = sink.update.commit(unchanged=sink.kept)
    report = Report(written.written, written.unchanged + len(sink.kept), written.removed,
                    sorted(produced.problems + written.problems), written.pages)
    if any(p.is_error for p in report.problems):
        raise ContentError(report.problems)
    report.newest = produced.newest
    for path, page_fingerprint in sink.fingerprints.items():
        store.record_page(target, path, page_fingerprint)
    store.forget_pages(target, {*sink.fingerprints, *sink.kept})
    store.record_graph(target, produced.state, produced.graph)
    progress("written", len(report.written), len(report.written))
    return report


@dataclass(slots=True)
class _Checked:
    """What checking one briefing gave: its result, pickled for the cache, and its page."""

    slug: str
    key: str
    result: bytes  # (Briefing | None, problems), pickled once for the trip and the cache
    page: tuple[str, str, Any, Any] | None = None  # path, fingerprint, bytes and sha256, then
    # once the sink has prepared it: path, fingerprint, sha256 and what the sink sends back
    template_problem: Problem | None = None  # the page could not be rendered
    kept: tuple[str, str] | None = None  # its page, standing as written, and its fingerprint
    stood: str | None = None  # with no `result`: the key of the check that stands for it
    stamps: dict[str, Stamp] = field(default_factory=dict)  # of the files hashed to check it
    words: tuple[str, bytes] | None = None  # the words of its article, when read for them

    @staticmethod
    def of(slug: str, key: str, briefing: Briefing | None, problems: list[Problem],
           **rest: Any) -> _Checked:
        """The result of checking one briefing, ready to travel back from a worker."""
        return _Checked(slug, key, pickle.dumps((briefing, problems), pickle.HIGHEST_PROTOCOL),
                        **rest)


@dataclass
class _Produced:
    """The checked site, its problems, and what its pages were made from."""

    site: Site  # on an edit rendered from part of the site, that part
    problems: list[Problem]
    state: str  # the actor registry and templates the pages were made with
    graph: Graph
    newest: dt.date | None  # the date of the newest briefing


def _produce(
    settings: Settings, store: Cache, sink: Sink | None, progress: Progress
) -> _Produced:
    """Check all content and, with a sink, render into it every page it does not have yet.

    Briefings are checked in worker processes, each rendering its briefing's page as soon as
    it is verified: the article is never held beyond that. The other pages are rendered from
    the site, which holds every briefing without its article; after an edit that shows on no
    index page, only the pages it changed are, from the briefings they show. Raises
    ContentError (having sent nothing further to the sink) when the content has errors.
    """
    found = load.discover(settings.seeds, settings.root)
    problems = list(found.problems)
    registry, actors_key, registry_key, change = _registry(settings, found.actors, store,
                                                           problems)
    renderer: render.Renderer | None = None
    salt = ""
    if sink is not None:
        if not settings.templates.is_dir():
            raise ContentError([*problems, Problem(settings.rel(settings.templates), 0, 0,
                                                   "templates folder not found")])
        renderer = render.Renderer(settings.templates, settings.directory_urls,
                                   compiled_templates(settings.root))
        salt = render.page_salt(settings.templates, settings.directory_urls)
    actors = registry.actors
    renders = renderer is not None and not any(p.is_error for p in problems)
    state = fingerprint(actors_key, salt)
    previous = sink.graph(state) if sink is not None else None
    # After an edit of actors.yaml that changed no id (a title, an alias, say), what the last
    # run made stands but for what shows an actor whose entry changed: these pages, and the
    # pages of these briefings, are looked at again (and those of briefings checked again).
    redrawn: set[str] = set()
    showing: set[str] = set()
    if previous is None and sink is not None and change is not None:
        recorded = sink.graph(fingerprint(change.actors_key, salt))
        if recorded is not None:
            previous = dict(recorded)  # a copy: what stands is entered under its new key
            redrawn, showing = _showing(previous, change.actors, actors)
    graph: Graph = {}
    briefings: list[Briefing] = []
    # To read and check: each with its key (None: hashed where it is read) and the key of
    # what was checked of it before a change of names alone, which may stand as it is.
    todo: list[_Job] = []
    again: list[_Job] = []  # checked, but their pages are not
    # Checked and shown as in the last run, their pages as written: each is unpickled only
    # when the pages to render draw on it (an edit of a few briefings may need few of them).
    standing: dict[str, str] = {}
    for entry in found.briefings:
        if not store.has_result(entry.slug):
            todo.append(_Job(entry, None))  # its files are hashed where they are read
            continue
        key = _briefing_key(store, registry_key, entry)
        before = _as_before(previous, entry.slug, key) if entry.slug not in showing else None
        page = components.briefing_page(entry.slug)
        holds = store.holds(entry.slug, key)
        if before is not None and renders and sink is not None and holds and sink.written(page):
            sink.keep(page)
            problems.extend(before.problems)
            graph[entry.slug] = before
            standing[entry.slug] = key
            continue
        # (not unpickled unless it is the one: an older one may be, in a worker, to stand)
        cached = store.result(entry.slug, key) if holds else None
        if cached is None:
            todo.append(_Job(entry, key, _checked_before(store, change, entry)))
            continue
        briefing, briefing_problems = cached
        if briefing is not None and renders and sink is not None:
            # Written from this very briefing, actor registry and templates: it stands as it
            # is unless it was touched. Otherwise its fingerprint says (an actor's title, say).
            if not sink.current(page, render.briefing_fingerprint(salt, briefing, key, actors)):
                # The page must be rendered again, from the article: once the content is
                # known to have no error (a run that fails renders nothing).
                again.append(_Job(entry, key))
                problems.extend(briefing_problems)
                continue
            sink.keep(page)
        problems.extend(briefing_problems)
        if briefing is not None:
            briefings.append(briefing)
            _add_to_graph(graph, previous, briefing, key, briefing_problems)
    # What the last run checked of the briefings checked again, for telling what changed.
    earlier = ({job.entry.slug: store.recorded(job.entry.slug) for job in [*todo, *again]}
               if previous is not None and len(todo) + len(again) <= PARTIAL_UP_TO else {})
    # After a change of names, most briefings stand as checked, and their articles are
    # searched for the changed names alone: the expression of all names may not be needed.
    finder = MentionFinder(registry.names, few=len(todo) <= FEW,
                           lazy=all(job.before is not None for job in todo))
    reads_words = change is not None and any(job.before is not None for job in todo)
    if reads_words:  # (before the workers start, which inherit them)
        store.load_words(settings.root)
    if renderer is not None:
        try:
            renderer.compile_all()
        except jinja2.TemplateError as exc:
            raise ContentError(sorted([*problems, _template_problem(settings, exc)])) from None
    jobs = todo

    def job(i: int) -> _Checked:
        entry, key, before = jobs[i]
        words = None  # the words of its article, if read here for a change of names
        if before is not None and key is not None and change is not None:
            # Standing as checked, and entered as it was in the last run's record: only its
            # key need come back, and the parent reads it from its own cache when asked.
            light = previous is not None and getattr(previous.get(entry.slug), "key", "") == before
            standing_as_is, words = _as_before_renaming(
                settings, store, entry, key, before, change, sink if renders else None, salt,
                actors, light)
            if standing_as_is is not None:
                standing_as_is.words = words
                return standing_as_is
        stamps = None
        if key is None:  # hashed from the bytes then checked: one read, and the key is theirs
            stamps = Cache(contents={})
            key = _briefing_key(stamps, registry_key, entry)
        checked = _check_briefing(settings, entry, key, registry, finder,
                                  renderer if renders else None, salt,
                                  stamps.contents if stamps is not None else None)
        checked.stamps = stamps.stamps if stamps is not None else {}
        checked.words = words
        if checked.page is not None and sink is not None:
            path, page_fingerprint, data, sha = checked.page
            checked.page = (path, page_fingerprint, sha, sink.prepare(path, data))
        return checked

    template_problems: set[Problem] = set()  # one template error fails every page: say it once
    edited: list[Briefing] = []

    def take(stage: str, known: bool) -> None:
        """Run the jobs and take what they give; `known`: their problems are counted already."""
        for checked in _map(job, len(jobs), stage, progress):
            if checked.template_problem is not None:
                template_problems.add(checked.template_problem)
                continue
            for path, stamp in checked.stamps.items():
                store.record_stamp(path, stamp)
            if checked.words is not None:
                store.record_words(*checked.words)
            if checked.kept is not None and sink is not None:
                sink.keep(*checked.kept)
            if not checked.result:  # it stands as checked before (_as_before_renaming),
                # and is entered under its new key as it was in the last run's record, there too
                assert previous is not None and checked.stood is not None
                rekeyed = store.rekey(checked.slug, checked.stood, checked.key)
                assert rekeyed, "it was recorded when the jobs were planned"
                shown = previous[checked.slug]._replace(key=checked.key)
                graph[checked.slug] = previous[checked.slug] = shown
                if not known:
                    problems.extend(shown.problems)
                standing[checked.slug] = checked.key
                continue
            briefing, briefing_problems = result = pickle.loads(checked.result)
            store.record(checked.slug, checked.key, result, checked.result)
            if not known:
                problems.extend(briefing_problems)
            if briefing is not None:
                edited.append(briefing)
                _add_to_graph(graph, previous, briefing, checked.key, briefing_problems)
            if checked.page is not None and sink is not None:
                path, page_fingerprint, sha, prepared = checked.page
                sink.add(path, page_fingerprint, sha, prepared)

    take("checked", known=False)
    store.keep_results({entry.slug for entry in found.briefings})
    if reads_words:
        store.keep_words({words_key(stamp.sha256, entry.article_file)
                          for entry in found.briefings if entry.article_file is not None
                          and (stamp := store.stamps.get(entry.article_file))})
    if any(p.is_error for p in problems) or template_problems:
        raise ContentError(sorted(problems + list(template_problems)))
    if again:  # `job` reads the briefings to check, and the finder, from here
        finder = MentionFinder(registry.names, few=len(again) <= FEW)
        jobs = again
        take("paged", known=True)
    problems = sorted(problems + list(template_problems))
    if any(p.is_error for p in problems):
        raise ContentError(problems)

    def everything() -> list[Briefing]:
        standing_ones = [store.result(slug, key)[0] for slug, key in standing.items()]
        return briefings + edited + standing_ones

    newest = max(shown.date for shown in graph.values()) if graph else None
    if sink is None or renderer is None:
        return _Produced(build_site(actors, everything()), problems, state, graph, newest)
    plans: list[render.PagePlan] | None = None
    edit = _edit_pages(sink, actors, previous, graph, edited, earlier) \
        if previous is not None and not briefings and not redrawn and not template_problems \
        else None
    if edit is not None:  # only the pages the edit changed, from the briefings they show
        changed, kept = edit
        part = [store.result(slug, key)[0] for slug, key in standing.items()
                if not changed.isdisjoint(graph[slug].pages)]
        site = build_site(actors, edited + part)  # the latest of LATEST_PAGES among them
        events: Counter[int] = Counter()
        quotes: Counter[int] = Counter()
        for shown in graph.values():
            events.update(shown.event_years)
            quotes[shown.date.year] += shown.quotes
        counts = render.count_by_year(events, quotes)
        totals = (len(graph), len(actors), sum(quotes.values()), sum(events.values()))
        tagged = Counter(tag for shown in graph.values() for tag in shown.tags)
        plans = render.plan_site(site, renderer, salt, changed.__contains__,
                                 _Whole(lambda: build_site(actors, everything())), counts,
                                 totals, tuple(sorted(tagged.items())))
        if {plan.path for plan in plans} == changed:
            for page in kept:
                sink.keep(page)
        else:  # a page it removes (a tag left with no briefing, say): every page it can have
            plans = None  # changed is looked at instead, from the whole site
    if plans is None:  # from the whole site
        site = build_site(actors, everything())
        _mark_latest(graph, site)
        plans = render.plan_site(site, renderer, salt,
                                 _pages_to_plan(sink, previous, graph, redrawn))

    def render_job(i: int) -> tuple[str, str, str, Any] | Problem:
        """A page rendered and prepared by the sink (None when it is there as it would be
        rendered), or what went wrong in the template."""
        plan = plans[i]
        page_fingerprint = plan.fingerprint()
        if sink.current(plan.path, page_fingerprint):
            return plan.path, page_fingerprint, "", None
        try:
            text = plan.render()
        except Exception as exc:  # a template's own mistake, such as {{ 1 / 0 }}
            return _template_problem(settings, exc)
        path, _, data, sha = _encoded(plan.path, page_fingerprint, text)
        return path, page_fingerprint, sha, sink.prepare(path, data)

    count = 0
    # A forked worker copies every part of the site it reads (Python counts references in
    # the objects themselves), so past some thousands of briefings the copies cost more
    # memory than the time they save is worth: 450 MB more for 3 s at 10,000.
    parallel = len(site.briefings) <= RENDER_WORKERS_UP_TO
    for rendered in _map(render_job, len(plans), "planned", progress, parallel=parallel):
        if isinstance(rendered, Problem):
            template_problems.add(rendered)
            continue
        path, page_fingerprint, sha, prepared = rendered
        if prepared is None:
            sink.keep(path)
        else:
            sink.add(path, page_fingerprint, sha, prepared)
            count += 1
    progress("rendered", count, count)
    if template_problems:
        raise ContentError(sorted(problems + list(template_problems)))
    return _Produced(site, problems, state, graph, newest)


class _Whole:
    """What templates see as `site` on pages rendered from part of the site: the whole
    site, built the first time a template looks at it (the shipped templates never do)."""

    def __init__(self, build: Callable[[], Site]) -> None:
        self._build = build
        self._site: Site | None = None

    def __getattr__(self, name: str) -> Any:
        if self._site is None:
            self._site = self._build()
        return getattr(self._site, name)


def _edit_pages(sink: Sink, actors: dict[str, Any], previous: Graph, graph: Graph,
                edited: list[Briefing], earlier: dict[str, Any]
                ) -> tuple[set[str], set[str]] | None:
    """The pages an edit of a few briefings changed, and the pages it left as they are
    (but the briefings' own), when it changed no index page and every page it left stands
    as written; otherwise None.

    The index pages are unchanged while no briefing was added or removed and none shows
    differently on them (render.index_view), but the quotes, home and timeline pages, which
    change with the quotes, cards and events among their latest, and the tags page, with
    the tags counted; any other page changed only if an edited briefing's part of it did
    (render.shown_on).
    """
    if not edited or previous.keys() != graph.keys():
        return None
    changed: set[str] = set()
    for briefing in edited:
        recorded = earlier.get(briefing.slug)
        before = previous[briefing.slug]
        if recorded is None or recorded[0] != before.key or recorded[1][0] is None:
            return None  # what the last run showed of it is not known any more
        old: Briefing = recorded[1][0]
        if render.index_view(old) != render.index_view(briefing):
            return None
        was, now = render.shown_on(old), render.shown_on(briefing)
        changed.update(page for page in was.keys() | now.keys() if was.get(page) != now.get(page))
        if old.tags != briefing.tags:  # the tags page counts them
            changed.add(render.TAGS)
        # Still among the latest where it was (its date, its number of quotes and its events'
        # dates are as they were), such a page changes with what it shows of it there.
        for page in render.LATEST_PAGES:
            if page in before.pages:
                graph[briefing.slug] = graph[briefing.slug]._replace(
                    pages=(*graph[briefing.slug].pages, page))
                if render.index_view(old, {page}) != render.index_view(briefing, {page}):
                    changed.add(page)
    pages = {*render.INDEX_PAGES, *map(components.actor_page, actors)}
    for shown in graph.values():
        pages.update(shown.pages)
    kept = pages - changed - {components.briefing_page(slug) for slug in graph}
    if not all(sink.written(page) for page in kept):
        return None  # a page was touched on disk: every page is looked at
    return changed, kept


def _mark_latest(graph: Graph, site: Site) -> None:
    """Record each page of render.LATEST_PAGES among the pages of the briefings among its
    latest (the quotes page's, the home page's and the timeline's)."""
    for page, latest in render.latest_shown(site).items():
        for slug, shown in graph.items():
            if (page in shown.pages) != (slug in latest):
                pages = tuple(p for p in shown.pages if p != page)
                graph[slug] = shown._replace(pages=(*pages, page) if slug in latest else pages)


def _showing(previous: Graph, changed: frozenset[str],
             actors: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The pages that can show an actor in `changed`, by what the last run made, and the
    briefings it is present in.

    Its own page; the pages of the briefings it is present in, and the pages those show on
    that show actors (the pages of the actors present with it, which can list it among
    theirs; the timeline and quotes pages of its events and quotes); and the pages of the
    actors affiliated with it. The index pages are looked at after any edit.
    """
    own = {components.actor_page(actor_id) for actor_id in changed}
    briefings = {slug for slug, shown in previous.items() if not own.isdisjoint(shown.pages)}
    pages = set(own)
    for slug in briefings:
        pages.update(page for page in previous[slug].pages if render.shows_actors(page))
    pages.update(components.actor_page(actor_id) for actor_id, actor in actors.items()
                 if actor.affiliation in changed)
    return pages, briefings


def _as_before(previous: Graph | None, slug: str, key: str) -> Shown | None:
    """What the last run's graph says of a briefing, if it was made from the same key."""
    earlier = previous.get(slug) if previous is not None else None
    return earlier if earlier is not None and earlier.key == key else None


def _add_to_graph(graph: Graph, previous: Graph | None, briefing: Briefing, key: str,
                  problems: list[Problem]) -> None:
    graph[briefing.slug] = _as_before(previous, briefing.slug, key) or Shown(
        key, tuple(map(sys.intern, render.pages_of(briefing))), tuple(problems), briefing.date,
        len(briefing.quotes), tuple(event.date.year for event in briefing.events),
        briefing.tags)


def _pages_to_plan(sink: Sink, previous: Graph | None, graph: Graph,
                   also: set[str]) -> Callable[[str], bool]:
    """Which pages to fingerprint (and render if their fingerprint changed).

    With no record of what the pages were made from (a first run, new templates, or actor
    ids removed or renamed): all of them. Otherwise the index pages, the pages that showed,
    or now show, a briefing that changed, was added or was removed, and the pages `also`
    names; every other page is kept as it is, unless it is no longer as written.
    """
    if previous is None:
        return lambda path: True
    touched = set(render.INDEX_PAGES) | also
    for slug in previous.keys() | graph.keys():
        before, after = previous.get(slug), graph.get(slug)
        if before is None or after is None or before[0] != after[0]:
            for version in (before, after):
                if version is not None:
                    touched.update(version[1])

    def wanted(path: str) -> bool:
        if path in touched or not sink.written(path):
            return True
        sink.keep(path)
        return False

    return wanted


def _registry_key(registry: validate.Registry) -> str:
    """What a briefing's check depends on in the registry: names, aliases and ids."""
    return fingerprint(sorted(registry.names.items()), sorted(registry.actors),
                       sorted(registry.broken))


def _briefing_key(store: Cache, registry_key: str, entry: load.BriefingEntry) -> str:
    """What a briefing's check depends on: its files' content and the actor registry."""
    return fingerprint(registry_key, store.file_hash(entry.annotation_file),
                       store.file_hash(entry.article_file) if entry.article_file else None)


def _encoded(path: str, page_fingerprint: str, text: str) -> tuple[str, str, bytes, str]:
    data = text.encode("utf-8")
    return path, page_fingerprint, data, hashlib.sha256(data).hexdigest()


class RegistryChange(NamedTuple):
    """How the actor registry changed since the one recorded last, when it has the same
    actor ids or more (with the same ones in error): what actors.yaml was then, what
    briefings' checks depended on in it, each folded name or alias added, removed or given
    to another actor, and the actors added or whose entry changed (a name, title ...)."""

    actors_key: str
    checks_key: str
    names: frozenset[str]
    actors: frozenset[str]


def _registry(settings: Settings, path: Path | None, store: Cache, problems: list[Problem]
              ) -> tuple[validate.Registry, str, str, RegistryChange | None]:
    """The checked actor registry, taken from the cache while actors.yaml is unchanged; the
    key of the actors.yaml it was read from; what briefings' checks depend on in it; and,
    when it changed with no id removed, how."""
    registry: validate.Registry
    if path is None:
        registry = validate.check_actors(None, None, problems)
        return registry, "", _registry_key(registry), None
    key = fingerprint(str(path), store.file_hash(path))
    cached = _checked_registry(store.actors(key))
    found: list[Problem]
    change = None
    if cached is not None:
        registry, found, checks_key = cached
    else:
        found = []
        source, node, read_problems = load.read_actors(path, settings.root)
        found.extend(read_problems)
        last = store.last_actors()  # (its key, (registry, problems, checks' key)) or None
        if last is not None and _checked_registry(last[1]) is None:
            last = None
        before: validate.Registry | None = last[1][0] if last is not None else None
        made = {actor.description: actor.description_html
                for actor in before.actors.values()} if before is not None else {}
        registry = validate.check_actors(source, node, found, made,
                                         before.slugs if before is not None else None)
        checks_key = _registry_key(registry)
        # Actors added count as a change of names: a briefing with no error referred to
        # known actors only, and one with an error (an id not known yet, say) is checked
        # again. Not after an actors.yaml that could not be read: no id was checked then.
        if (last is not None and before is not None and before.broken == registry.broken
                and before.read and before.actors.keys() <= registry.actors.keys()):
            change = RegistryChange(
                last[0], last[1][2],
                frozenset(name for name, _ in before.names.items() ^ registry.names.items()),
                frozenset(actor_id for actor_id, actor in registry.actors.items()
                          if before.actors.get(actor_id) != actor))
        store.record_actors(key, (registry, found, checks_key))
    problems.extend(found)
    return registry, key, checks_key, change


def _checked_registry(cached: Any) -> tuple[validate.Registry, list[Problem], str] | None:
    """A registry as the cache recorded it (registry, problems, checks' key), or None if the
    cache holds something else there: the cache is only ever a saving of time."""
    if isinstance(cached, tuple) and len(cached) == 3 and isinstance(
            cached[0], validate.Registry) and isinstance(cached[1], list):
        return cached
    return None


class _Job(NamedTuple):
    """A briefing to read and check: its files, its key (None: hashed where it is read),
    and the key it was checked under before a change of names alone (RegistryChange)."""

    entry: load.BriefingEntry
    key: str | None
    before: str | None = None


def _checked_before(store: Cache, change: RegistryChange | None,
                    entry: load.BriefingEntry) -> str | None:
    """The key of what was checked of a briefing before a change of names and aliases
    alone, when that is recorded; else None."""
    if change is None or not change.names:
        return None
    key = _briefing_key(store, change.checks_key, entry)
    return key if store.holds(entry.slug, key) else None


def _as_before_renaming(
    settings: Settings, store: Cache, entry: load.BriefingEntry, key: str, before: str,
    change: RegistryChange, sink: Sink | None, salt: str, actors: dict[str, Any],
    light: bool = False,
) -> tuple[_Checked | None, tuple[str, bytes] | None]:
    """What was checked of a briefing before names alone changed in the actor registry,
    now under `key`, when checking it again would find the same: it had no error (whose
    message may suggest a name), and none of the names that changed occurs in its article,
    so it mentions the same actors in the same places. With a sink, its page must still be
    there as written from it, and is kept. Otherwise None: the briefing is checked again.
    With `light`, a result kept with its page comes back without what was checked (empty
    `result`), which the cache holds already.

    Reading and folding the article is a tenth of checking it, and most briefings name
    none of the few names an edit of actors.yaml changes. The words of the article, once
    read, are kept in the cache by its content (and come back as the second item, to be
    recorded): the next change of names looks at them instead, which tells most names
    apart without the article.
    """
    recorded = store.result(entry.slug, before)
    if recorded is None or recorded[0] is None:
        return None, None
    briefing, problems = recorded
    sha = store.file_hash(entry.article_file) if entry.article_file is not None else None
    article_key = words_key(sha, entry.article_file) if sha and entry.article_file else None
    words = store.words(article_key) if article_key is not None else None
    made = None
    if words is not None:
        if any(may_occur(name, words) for name in change.names):
            return None, None
    else:
        read_problems: list[Problem] = []
        source, markdown = load.read_article_file(entry, settings.root, read_problems)
        article = validate.read_article(source, markdown, read_problems) if source else None
        if article is None or read_problems:
            return None, None
        text = article.folded.text
        made = (article_key, words_of(text)) if article_key is not None else None
        if any(name in text for name in change.names):
            return None, made
    kept = None
    if sink is not None:
        page = components.briefing_page(entry.slug)
        if not sink.current(page, render.briefing_fingerprint(salt, briefing, before, actors)):
            return None, made
        kept = page, render.briefing_fingerprint(salt, briefing, key, actors)
        if light:
            return _Checked(entry.slug, key, b"", kept=kept, stood=before), made
    return _Checked.of(entry.slug, key, briefing, problems, kept=kept), made


def _check_briefing(
    settings: Settings,
    entry: load.BriefingEntry,
    key: str,
    registry: validate.Registry,
    finder: MentionFinder,
    renderer: render.Renderer | None,
    salt: str,
    contents: dict[str, bytes] | None = None,
) -> _Checked:
    """Read, validate and verify one briefing; render its page when it has no error."""
    files, problems = load.read_briefing(entry, settings.root, contents)
    if files is None:
        return _Checked.of(entry.slug, key, None, problems)
    checked, references = validate.check_briefing(files, finder, problems)
    validate.check_references(references, registry, problems)
    if checked is None or any(p.is_error for p in problems):
        return _Checked.of(entry.slug, key, None, problems)
    briefing, article = checked
    page = None
    if renderer is not None:
        try:
            text = renderer.briefing(briefing, article, registry.actors)
        except Exception as exc:  # a template's own mistake, such as {{ 1 / 0 }}
            return _Checked.of(entry.slug, key, briefing, problems,
                               template_problem=_template_problem(settings, exc))
        page = _encoded(components.briefing_page(briefing.slug), render.briefing_fingerprint(
            salt, briefing, key, registry.actors), text)
    return _Checked.of(entry.slug, key, briefing, problems, page=page)


PARALLEL_FROM = 150  # below this many items, starting a second process costs more than it saves
FEW = 4  # checking at most this many briefings, mentions are found without the full expression
PARTIAL_UP_TO = 16  # briefings checked again: above this, every page an edit touches is looked at
RENDER_WORKERS_UP_TO = 2_500  # briefings: on larger sites the index pages render in one process
_JOB: Callable[[int], Any] | None = None


def _map(job: Callable[[int], T], count: int, stage: str, progress: Progress,
         parallel: bool = True) -> Iterator[T]:
    """Run `job(0) .. job(count - 1)`, on every core when there are many (and `parallel`);
    results unordered.

    Workers are forked, so they inherit the job with its templates, closures and mention
    automaton instead of having them pickled; only results travel back, each as soon as it
    is ready. A process with threads (the preview server) never forks.
    """
    workers = min(os.cpu_count() or 1, 4)
    if not parallel or count < PARALLEL_FROM or workers < 2 or threading.active_count() > 1:
        for number in range(count):
            yield job(number)
            if (number + 1) % 200 == 0 or number + 1 == count:
                progress(stage, number + 1, count)
        return
    import multiprocessing  # only large runs start workers

    global _JOB
    _JOB = job
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, min(32, count // (workers * 16)))
        with context.Pool(workers, initializer=_start_worker) as pool:
            for done, result in enumerate(pool.imap_unordered(_run_job, range(count), chunk), 1):
                yield result
                if done % 200 == 0 or done == count:
                    progress(stage, done, count)
    finally:
        _JOB = None


def _start_worker() -> None:
    # What the worker inherited stays as it is; what it makes and drops is collected.
    gc.freeze()
    gc.enable()


def _run_job(index: int) -> Any:
    assert _JOB is not None
    return _JOB(index)


def _template_problem(settings: Settings, exc: Exception) -> Problem:
    """A template mistake, located in the template as far as Jinja tells. Anything else
    raised while rendering is one only if it was raised in a template's own code (such as
    {{ 1 / 0 }}); otherwise it is raised again."""
    filename = getattr(exc, "filename", None) if isinstance(exc, jinja2.TemplateError) else None
    line = getattr(exc, "lineno", None) or 0
    if filename is None:  # an undefined name: the template's frame is in the traceback
        frame = exc.__traceback__
        while frame is not None:
            code = frame.tb_frame.f_code.co_filename
            if code.endswith(".j2"):
                filename, line = code, frame.tb_lineno
            frame = frame.tb_next
    if isinstance(exc, jinja2.TemplateError):
        where = settings.rel(Path(filename)) if filename else settings.rel(settings.templates)
        advice = ("" if isinstance(exc, render.TemplateNotUtf8) else
                  "; check the names used in the template" if isinstance(
                      exc, jinja2.UndefinedError) else "; check the template's syntax here")
        return Problem(where, line, 0, f"template error: {(exc.message or str(exc)).rstrip('.')}"
                                       f"{advice}")
    if filename is None:
        raise exc
    return Problem(settings.rel(Path(filename)), line, 0,
                   f"template error: {type(exc).__name__}: {exc}; check the expression on "
                   "this line")


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold off the cycle collector: a run builds many objects and frees them at the end,
    and collecting while they are built (or unpickled) costs more than half the time.

    Everything the run made and kept counts as old afterwards: otherwise the collector's
    first pass once enabled goes through all of it as new (a twentieth of a run at 1,000
    briefings, only to find the few cycles it would find later just as well).
    """
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count()  # what a host process froze stays frozen
    gc.disable()
    try:
        yield
    finally:
        if not frozen:
            gc.freeze()  # every tracked object into the permanent generation, then all
            gc.unfreeze()  # of them into the oldest: two list splices, no pass over any
        if enabled:
            gc.enable()


@contextlib.contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """One run at a time per site: a second one is refused instead of corrupting output."""
    path = settings.root / LOCK_FILE
    try:  # never through a link: the pid would be written into whatever it points to
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise ContentError([Problem(LOCK_FILE, 0, 0, f"cannot be used to hold off "
                                    f"a second run ({exc.strerror or exc}): it should be a "
                                    "file; delete it")]) from None
    handle = os.fdopen(descriptor, "r+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise ContentError([Problem(settings.rel(path), 0, 0,
                                        f"another run is in progress (pid {holder}); "
                                        "wait for it to finish")]) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
