"""The one place that knows the order of the stages: load, validate, model, render, write."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import load, render, validate, write
from generator.model import Site
from generator.problems import ContentError, Problem

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


def check(settings: Settings) -> tuple[Site | None, list[Problem]]:
    """Load and validate all content; the site is None when there are errors."""
    raw = load.read_content(settings.seeds, settings.root)
    return validate.validate(raw)


def render_pages(settings: Settings) -> tuple[dict[str, str] | None, list[Problem]]:
    """Check the content and render every page in memory, writing nothing."""
    site, problems = check(settings)
    if site is None:
        return None, problems
    if not settings.templates.is_dir():
        return None, [*problems, Problem(settings.rel(settings.templates), 0, 0,
                                         "templates folder not found")]
    return render.render_site(site, settings.templates, settings.directory_urls), problems


def generate(settings: Settings, *, lock: bool = True) -> write.WriteReport:
    """Check, render and write the pages into docs/; on errors raise ContentError, write nothing.

    `lock=False` is for callers that already hold `run_lock` for a longer run.
    """
    with run_lock(settings) if lock else contextlib.nullcontext():
        pages, problems = render_pages(settings)
        if pages is None:
            raise ContentError(problems)
        report = write.write_pages(settings.docs, pages, settings.rel(settings.docs))
        report.problems = sorted(problems + report.problems)
        if any(p.is_error for p in report.problems):
            raise ContentError(report.problems)
        return report


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
