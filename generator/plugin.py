"""MkDocs plugin: `mkdocs build`, `serve` and `gh-deploy` regenerate the pages first.

Glue only: every decision is the pipeline's. In `serve`, pages are handed to MkDocs from
a folder outside docs/ instead of docs/ itself, so one save means one rebuild (a write into
docs/ would wake the file watcher a second time) and, with `--dirty`, only the pages whose
text changed are built again. A broken save keeps the last good pages up while the problems
show in the terminal and at the top of every page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import components, pipeline, render, write
from generator.cache import Cache, load_cache
from generator.problems import ContentError, Problem

log = logging.getLogger("mkdocs.plugins.briefings")
PREVIEW_FOLDER = ".briefings-preview"


class BriefingsConfig(Config):
    """Plugin options in mkdocs.yml."""

    seeds = config_options.Type(str, default="seeds")
    templates = config_options.Type(str, default="templates")


class BriefingsPlugin(BasePlugin[BriefingsConfig]):
    """Regenerates briefing pages before every MkDocs build."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.pages_ready = False  # set by `briefings build`, which generated already
        self.problems: list[Problem] = []
        self.flagged: set[str] = set()  # pages showing the error banner
        self.store = Cache()  # kept in memory from one rebuild to the next
        self.settings: pipeline.Settings | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    @property
    def preview(self) -> Path:
        """Where `serve` keeps generated pages: outside docs/, so saving them wakes no watcher."""
        assert self.settings is not None
        return self.settings.root / PREVIEW_FOLDER

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        if self.command == "serve" and not self.store.version:
            self.store = load_cache(root)
        self.settings = pipeline.Settings(
            root=root,
            seeds=root / os.environ.get(pipeline.SEEDS_VARIABLE, self.config.seeds),
            docs=Path(config.docs_dir),
            templates=root / os.environ.get(pipeline.TEMPLATES_VARIABLE, self.config.templates),
            directory_urls=config.use_directory_urls,
            site_dir=Path(config.site_dir),
        )
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None
        if self.pages_ready:
            return
        if self.command == "serve":
            self._generate_for_serve(config)
            return
        try:
            result = pipeline.generate(self.settings)
        except ContentError as exc:
            for problem in exc.problems:
                (log.error if problem.is_error else log.warning)(problem.format())
            raise PluginError("briefings: content has errors; nothing was written") from None
        for problem in result.problems:
            log.warning(problem.format())
        if result.written or result.removed:
            log.info(f"briefings: {len(result.written)} page(s) written, "
                     f"{len(result.removed)} removed")

    def _generate_for_serve(self, config: MkDocsConfig) -> None:
        assert self.settings is not None
        try:
            result = pipeline.generate(self.settings, folder=self.preview, store=self.store)
        except ContentError as exc:
            self.problems = [p for p in exc.problems if p.is_error]
            # Straight to the terminal, not through MkDocs' logger: in strict mode a logged
            # error would abort the rebuild and freeze the preview on the last good site.
            for problem in exc.problems:
                print(problem.format(), file=sys.stderr)
            print("briefings: fix the errors above; the preview shows the last good pages",
                  file=sys.stderr)
            self._rebuild(self.flagged | self._pages_about(self.problems))
            return
        self.problems = []
        self._rebuild(self.flagged)
        self._drop_built(result.removed, config)
        for problem in result.problems:
            print(problem.format(), file=sys.stderr)

    def _drop_built(self, pages: list[str], config: MkDocsConfig) -> None:
        """Take out of the preview the built pages of pages no longer generated (a briefing
        renamed or removed, a tag left with none): a dirty build keeps every file it does
        not make again, so they were still served."""
        for page in pages:
            built = Path(File(page, src_dir=str(self.preview), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls).abs_dest_path)
            with contextlib.suppress(OSError):
                built.unlink()
                if config.use_directory_urls:
                    built.parent.rmdir()  # its own folder, now empty

    def _pages_about(self, problems: list[Problem]) -> set[str]:
        """The pages a reader of the preview would look at for these problems."""
        pages = {render.HOME}
        for problem in problems:
            path = Path(problem.path)
            if path.parent.name == "articles":
                pages.add(components.briefing_page(path.stem))
        return pages

    def _rebuild(self, pages: set[str]) -> None:
        """Mark pages as changed so a dirty build shows (or drops) the error banner on them."""
        self.flagged = set()
        for page in pages:
            with contextlib.suppress(OSError):
                os.utime(self.preview / page)
                self.flagged.add(page)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.command != "serve":
            return files
        assert self.settings is not None
        generated = write.read_manifest(self.preview, render.owned_page)
        owned = set(write.read_manifest(self.settings.docs, render.owned_page)) | set(generated)
        for file in list(files):
            if file.src_uri in owned:
                files.remove(file)
        for path in sorted(generated):
            # Real files (not in-memory ones), so `serve --dirty` rebuilds only changed pages.
            files.append(File(path, src_dir=str(self.preview), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if self.command != "serve" or not self.problems:
            return html
        items = "".join(f"<li><code>{escape(p.format())}</code></li>" for p in self.problems)
        banner = (f'<div class="bf-build-errors" role="alert"><p><strong>{len(self.problems)} '
                  f"content error(s): this preview shows the last good version.</strong></p>"
                  f"<ul>{items}</ul></div>")
        return banner + html

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        assert self.settings is not None
        for folder in (self.settings.seeds, self.settings.templates):
            if folder.is_dir():
                server.watch(str(folder))
        return server
