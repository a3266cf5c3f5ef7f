"""The one place that knows the order of the stages: load, validate, model, render, write."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator import load, render, validate, write
from generator.cache import (
    Cache,
    Summary,
    fingerprint,
    input_signature,
    load_cache,
    load_summary,
    output_stats,
    save_cache,
    save_summary,
)
from generator.model import Briefing, Site, build_site
from generator.problems import ContentError, Problem
from generator.textmatch import MentionFinder

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


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml for a few settings, skipping the Python tags some themes use."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(
    root: Path,
    seeds: str | None = None,
    docs: str | None = None,
    templates: str | None = None,
) -> Settings:
    """Settings from mkdocs.yml in `root` (docs_dir, use_directory_urls, plugin options)."""
    config: dict[str, object] = {}
    config_file = root / "mkdocs.yml"
    if config_file.is_file():
        with contextlib.suppress(yaml.YAMLError, OSError):
            loaded = yaml.load(config_file.read_text("utf-8"), Loader=_IgnoreTags)
            if isinstance(loaded, dict):
                config = loaded
    options: dict[str, object] = {}
    for plugin in config.get("plugins") or []:  # type: ignore[attr-defined]
        if isinstance(plugin, dict) and isinstance(plugin.get("briefings"), dict):
            options = plugin["briefings"]
    return Settings(
        root=root,
        seeds=root / (seeds or str(options.get("seeds", "seeds"))),
        docs=root / (docs or str(config.get("docs_dir", "docs"))),
        templates=root / (templates or str(options.get("templates", "templates"))),
        directory_urls=bool(config.get("use_directory_urls", True)),
        site_dir=root / str(config.get("site_dir", "site")),
    )


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def check(
    settings: Settings, store: Cache | None = None, progress: Progress = _no_progress
) -> tuple[Site | None, list[Problem]]:
    """Load and validate all content; the site is None when there are errors.

    With a cache, a briefing whose annotation, article and the actor names are unchanged
    is taken from the last run instead of being read, parsed and verified again.
    """
    store = store if store is not None else Cache()
    found = load.discover(settings.seeds, settings.root)
    problems = list(found.problems)
    actors_source, actors_node, actor_problems = load.read_actors(found.actors, settings.root)
    problems.extend(actor_problems)
    registry = validate.check_actors(actors_source, actors_node, problems)
    finder = MentionFinder(registry.names)
    names_key = fingerprint(sorted(registry.names.items()))
    briefings: list[Briefing] = []
    references: list[validate.Reference] = []
    fresh: dict[str, tuple[str, Any]] = {}
    keys = {
        entry.slug: fingerprint(
            names_key,
            store.file_hash(entry.annotation),
            store.file_hash(entry.article) if entry.article else None,
        )
        for entry in found.briefings
    }
    todo = [e for e in found.briefings
            if store.briefings.get(e.slug, ("",))[0] != keys[e.slug]]
    checked = dict(_check_all(todo, settings.root, finder, keys, progress))
    for entry in found.briefings:
        key = keys[entry.slug]
        result = checked[entry.slug] if entry.slug in checked else store.briefings[entry.slug][1]
        fresh[entry.slug] = (key, result)
        briefing, briefing_problems, briefing_references = result
        problems.extend(briefing_problems)
        references.extend(briefing_references)
        if briefing is not None:
            briefings.append(briefing)
    store.set_briefings(fresh)
    validate.check_references(references, registry, problems)
    problems.sort()
    if any(p.is_error for p in problems):
        return None, problems
    return build_site(registry.actors, briefings), problems


_Result = tuple[Briefing | None, list[Problem], list[validate.Reference]]
PARALLEL_FROM = 150  # below this many items, starting a second process costs more than it saves
_JOB: Callable[[int], tuple[str, Any]] | None = None


def _map(
    job: Callable[[int], tuple[str, Any]], count: int, stage: str, progress: Progress
) -> Iterator[tuple[str, Any]]:
    """Run `job(0) .. job(count - 1)`, on every core when there are many.

    Workers are forked, so they inherit the job with its templates, closures and mention
    automaton instead of having them pickled; only results travel back. A process with
    threads (the preview server) never forks.
    """
    workers = min(os.cpu_count() or 1, 4)
    if count < PARALLEL_FROM or workers < 2 or threading.active_count() > 1:
        for number in range(count):
            yield job(number)
            if (number + 1) % 200 == 0 or number + 1 == count:
                progress(stage, number + 1, count)
        return
    global _JOB
    _JOB = job
    try:
        context = multiprocessing.get_context("fork")
        chunks = [list(range(i, count, workers)) for i in range(workers)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            done = 0
            for results in pool.map(_run_chunk, chunks):
                done += len(results)
                progress(stage, done, count)
                yield from results
    finally:
        _JOB = None


def _run_chunk(indexes: list[int]) -> list[tuple[str, Any]]:
    assert _JOB is not None
    return [_JOB(i) for i in indexes]


def _check_all(
    entries: list[load.BriefingEntry],
    root: Path,
    finder: MentionFinder,
    keys: dict[str, str],
    progress: Progress,
) -> Iterator[tuple[str, _Result]]:
    """Check briefings: each stands alone once the actor registry is known."""
    def job(i: int) -> tuple[str, _Result]:
        entry = entries[i]
        return entry.slug, _check_briefing(entry, root, finder, keys[entry.slug])

    return _map(job, len(entries), "checked", progress)


def _render_all(plans: list[render.PagePlan], progress: Progress) -> Iterator[tuple[str, str]]:
    """Render pages: each plan carries everything its page needs."""
    def job(i: int) -> tuple[str, str]:
        return plans[i].path, plans[i].render()

    return _map(job, len(plans), "rendered", progress)


def _template_problem(settings: Settings, exc: jinja2.TemplateError) -> Problem:
    """A template mistake, located in the template as far as Jinja tells."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None) or 0
    if filename is None:  # an undefined name: the template's frame is in the traceback
        frame = exc.__traceback__
        while frame is not None:
            code = frame.tb_frame.f_code.co_filename
            if code.endswith(".j2"):
                filename, line = code, frame.tb_lineno
            frame = frame.tb_next
    where = settings.rel(Path(filename)) if filename else settings.rel(settings.templates)
    return Problem(where, line, 0, f"template error: {exc.message or exc}; "
                                   "check the names used in the template")


def _check_briefing(
    entry: load.BriefingEntry, root: Path, finder: MentionFinder, key: str
) -> tuple[Briefing | None, list[Problem], list[validate.Reference]]:
    files, problems = load.read_briefing(entry, root)
    if files is None:
        return None, problems, []
    briefing, references = validate.check_briefing(files, finder, problems)
    if briefing is not None:
        briefing = dataclasses.replace(briefing, fingerprint=key)
    return briefing, problems, references


def render_pages(settings: Settings) -> tuple[dict[str, str] | None, list[Problem]]:
    """Check the content and render every page in memory, writing nothing."""
    site, problems = check(settings)
    if site is None:
        return None, problems
    if not settings.templates.is_dir():
        return None, [*problems, Problem(settings.rel(settings.templates), 0, 0,
                                         "templates folder not found")]
    return render.render_site(site, settings.templates, settings.directory_urls), problems


def generate(
    settings: Settings,
    *,
    lock: bool = True,
    folder: Path | None = None,
    progress: Progress = _no_progress,
    store: Cache | None = None,
) -> write.WriteReport:
    """Check, render and write the pages into docs/ (or `folder`); on errors raise ContentError.

    Only pages whose inputs changed since the last run are rendered, and only pages whose
    text changed are written. Nothing is written when there is any error. `lock=False` is
    for callers that already hold `run_lock` for a longer run; a long-lived caller (the
    preview server) passes its own `store` to skip reading the cache from disk each time.
    """
    target = folder or settings.docs
    with run_lock(settings) if lock else contextlib.nullcontext(), _no_gc_pauses():
        # A killed run is finished (or undone) before any page on disk is trusted.
        recovered = write.recover(target, settings.rel(target))
        # Taken before anything is read: a file saved during this run changes it for the next.
        signature = input_signature([settings.seeds, settings.templates],
                                    str(target), settings.directory_urls)
        last = load_summary(settings.root)
        if (
            last is not None
            and (last.signature, last.target) == (signature, str(target))
            and output_stats(target, list(last.outputs)) == last.outputs
            and not recovered
        ):
            return write.WriteReport(unchanged=len(last.outputs) - 1, problems=list(last.problems))
        save_summary(settings.root, None)
        owned = store is None  # a caller's own store stays in its memory, unsaved
        store = load_cache(settings.root) if store is None else store
        try:
            report = _generate(settings, store, target, progress)
        except ContentError as exc:
            exc.problems = sorted(recovered + exc.problems)
            raise
        finally:
            if owned:
                save_cache(settings.root, store)
        report.problems = sorted(recovered + report.problems)
        files = [*write.read_manifest(target), write.MANIFEST]
        outputs = output_stats(target, files)
        if outputs is not None:
            save_summary(settings.root, Summary(signature, str(target), outputs,
                                                [p for p in report.problems if not p.is_error]))
        return report


def _generate(
    settings: Settings, store: Cache, target: Path, progress: Progress
) -> write.WriteReport:
    site, problems = check(settings, store, progress)
    if site is None:
        raise ContentError(problems)
    if not settings.templates.is_dir():
        raise ContentError([*problems, Problem(settings.rel(settings.templates), 0, 0,
                                               "templates folder not found")])
    plans = render.plan_site(site, settings.templates, settings.directory_urls)
    kept = [p.path for p in plans if store.page_unchanged(target, p.path, p.fingerprint)]
    unchanged = set(kept)
    try:
        pages = dict(_render_all([p for p in plans if p.path not in unchanged], progress))
    except jinja2.TemplateError as exc:
        raise ContentError([*problems, _template_problem(settings, exc)]) from None
    report = write.write_pages(target, pages, settings.rel(target), unchanged=kept)
    report.problems = sorted(problems + report.problems)
    if any(p.is_error for p in report.problems):
        raise ContentError(report.problems)
    report.unchanged += len(kept)
    for plan in plans:
        if plan.path in pages:
            store.record_page(target, plan.path, plan.fingerprint)
    store.forget_pages(target, {plan.path for plan in plans})
    progress("written", len(report.written), len(report.written))
    return report


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold off the cycle collector: a run builds many objects and frees them at the end,
    and collecting while they are built (or unpickled) costs more than half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """One run at a time per site: a second one is refused instead of corrupting output."""
    path = settings.root / LOCK_FILE
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole run
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
