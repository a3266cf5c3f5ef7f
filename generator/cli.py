"""The `briefings` command line: a thin layer over the pipeline."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from generator import pipeline
from generator.pipeline import SEEDS_VARIABLE, TEMPLATES_VARIABLE
from generator.problems import ContentError, Problem

F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    """The options every command takes."""
    func = click.option("--quiet", "-q", is_flag=True, help="Print only problems.")(func)
    func = click.option("--templates", metavar="DIR",
                        help="Jinja2 templates (default: templates).")(func)
    func = click.option("--docs", metavar="DIR", help="MkDocs docs folder (default: docs).")(func)
    func = click.option("--seeds", metavar="DIR", help="Content folder (default: seeds).")(func)
    return func


def _settings(seeds: str | None, docs: str | None, templates: str | None) -> pipeline.Settings:
    try:
        return pipeline.read_settings(Path.cwd(), seeds, docs, templates)
    except ContentError as exc:  # mkdocs.yml, or the folders given, cannot be used
        report(exc.problems, quiet=False)
        click.echo("nothing was written", err=True)
        sys.exit(1)


def report(problems: list[Problem], quiet: bool) -> None:
    """Print problems to stderr, one per line, then a count."""
    for problem in sorted(problems):
        click.echo(problem.format(), err=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors or (warnings and not quiet):
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


class Progress:
    """Progress on long runs: a bar on a terminal, a line per stage otherwise, or nothing."""

    LABELS: ClassVar[dict[str, str]] = {
        "checked": "checked briefings", "paged": "briefing pages", "planned": "planned pages",
        "rendered": "rendered pages", "written": "written pages"}

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.terminal = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or total < 100:
            return
        label = self.LABELS.get(stage, stage)
        if self.terminal:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{label:<18} [{bar}] {done}/{total}", err=True, nl=done >= total)
        elif done >= total:
            click.echo(f"{label}: {done}", err=True)


def _generate(settings: pipeline.Settings, quiet: bool, *, lock: bool = True) -> pipeline.Report:
    try:
        result = pipeline.generate(settings, lock=lock, progress=Progress(quiet))
    except ContentError as exc:
        report(exc.problems, quiet)
        click.echo("nothing was written", err=True)
        sys.exit(1)
    report(result.problems, quiet)
    if not quiet:
        click.echo(
            f"generated {len(result.written)} page(s), {result.unchanged} unchanged, "
            f"{len(result.removed)} removed, in {settings.rel(settings.docs)}/",
            err=True,
        )
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefings")
def main() -> None:
    """Briefings: verified briefing sites from annotated articles."""
    # A run is one short pass over content that makes no garbage cycles worth collecting:
    # the cycle collector would only walk every briefing again, during the run and at exit.
    gc.disable()


@main.command()
@common_options
def check(seeds: str | None, docs: str | None, templates: str | None, quiet: bool) -> None:
    """Validate all content; print problems; exit 1 on any error."""
    settings = _settings(seeds, docs, templates)
    site, problems = pipeline.check(settings)
    report(problems, quiet)
    if site is None:
        sys.exit(1)
    if not quiet:
        click.echo(f"ok: {len(site.briefings)} briefing(s), {len(site.actors)} actor(s), "
                   f"{len(site.quotes)} quote(s) verified", err=True)


@main.command()
@common_options
def generate(seeds: str | None, docs: str | None, templates: str | None, quiet: bool) -> None:
    """Validate, then write the Markdown pages into docs/ (only files that changed)."""
    _generate(_settings(seeds, docs, templates), quiet)


@main.command()
@common_options
def build(seeds: str | None, docs: str | None, templates: str | None, quiet: bool) -> None:
    """Generate, then build the static site with MkDocs in strict mode into site/."""
    from generator.build import BuildFailed, build_site

    settings = _settings(seeds, docs, templates)
    try:
        with pipeline.run_lock(settings):  # held until the new site/ is in place
            result = _generate(settings, quiet, lock=False)
            gc.enable()  # MkDocs makes cycles, and a large site's build runs for minutes
            site_dir = build_site(settings, quiet=quiet, newest=result.newest)
    except ContentError as exc:
        report(exc.problems, quiet)
        sys.exit(1)
    except BuildFailed as exc:
        click.echo(f"error: the site build failed ({exc}); site/ was left as it was", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"built the site in {settings.rel(site_dir)}/", err=True)


@main.command()
@common_options
@click.argument("article", type=click.Path(path_type=Path))
def draft(seeds: str | None, docs: str | None, templates: str | None, quiet: bool,
          article: Path) -> None:
    """Write a first annotation for ARTICLE: quotes with speakers, actors, blanks to fill."""
    from generator.draft import draft_article

    settings = _settings(seeds, docs, templates)
    try:
        annotation, found = draft_article(article, settings.root, settings.seeds)
    except ContentError as exc:
        report(exc.problems, quiet)
        sys.exit(1)
    if not quiet:
        unnamed = sum(q.speaker is None for q in found.quotes)
        click.echo(f"wrote {settings.rel(annotation)}: {len(found.quotes)} quote(s) "
                   f"({unnamed} without a speaker), {len(found.actors)} actor(s) mentioned; "
                   "fill in the empty fields, check each guessed speaker, then run "
                   "`briefings check`", err=True)
    if found.left_out:  # said even with --quiet: the annotation lacks quotes of the article
        click.echo(f"{settings.rel(annotation)}: warning: {found.left_out} more quote(s) in "
                   f"the article were left out: a list holds at most {len(found.quotes)}",
                   err=True)


@main.command()
@common_options
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
def init(seeds: str | None, docs: str | None, templates: str | None, quiet: bool,
         directory: Path) -> None:
    """Start a new briefing site in DIR, with example content to replace."""
    from generator.starter import start_site

    try:
        count = start_site(directory, seeds=seeds or "seeds", docs=docs or "docs",
                           templates=templates or "templates")
    except ContentError as exc:
        report(exc.problems, quiet)
        sys.exit(1)
    if not quiet:
        click.echo(f"started a briefing site in {directory.as_posix()}/ ({count} files), with "
                   "the example briefing in it; next: cd into it and run `briefings serve`",
                   err=True)


@main.command()
@common_options
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", metavar="IP:PORT",
              help="Address to serve on (default: 127.0.0.1:8000).")
def serve(seeds: str | None, docs: str | None, templates: str | None, quiet: bool,
          dev_addr: str) -> None:
    """Live preview: saved YAML and articles show in the browser; errors in the terminal."""
    import logging  # only the preview logs: every other command starts without it

    from mkdocs.commands.serve import serve as mkdocs_serve

    gc.enable()  # a long-lived process: each rebuild holds off the collector only while it runs

    settings = _settings(seeds, docs, templates)
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(levelname)-7s -  %(message)s")
    # The plugin reads these, so --seeds and --templates reach it through MkDocs.
    os.environ[SEEDS_VARIABLE] = str(settings.seeds)
    os.environ[TEMPLATES_VARIABLE] = str(settings.templates)
    # Dirty builds: only pages whose Markdown changed are built again, so an edit shows in
    # about a second even on a large site. The search index of the preview covers only
    # the pages built since it started; `briefings build` always builds everything.
    mkdocs_serve(config_file=str(settings.root / "mkdocs.yml"), dev_addr=dev_addr,
                 livereload=True, build_type="dirty", docs_dir=str(settings.docs), strict=False)


def run() -> None:
    """The `briefings` program: the command line, then straight out of the process.

    A run leaves hundreds of thousands of objects (every briefing of the site) that Python
    would free one by one on the way out, a tenth of a second on a large site after the work
    is done; everything the run writes is closed by then, so the process leaves at once.
    """
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
