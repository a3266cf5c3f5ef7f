"""Start a new briefing site (`briefings init DIR`).

The new site is a copy of this project's own: mkdocs.yml, the templates, the hand-written
docs pages and the default content (the seed article, its annotation and the actors), so it
builds at once and shows every field in use; the analyst replaces the content. It comes with
a .gitignore for everything the generator writes. The site is assembled in a temporary
folder beside DIR and moved into place whole, so an init that fails leaves nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from generator import render
from generator.problems import ContentError, Problem

PROJECT = Path(__file__).resolve().parent.parent  # where mkdocs.yml, templates/ and seeds/ are
HAND_WRITTEN_DOCS = ("about.md", "assets")
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*\Z")


def start_site(target: Path, *, seeds: str = "seeds", docs: str = "docs",
               templates: str = "templates") -> int:
    """Create a new site in `target` (new or empty) with its content in `seeds`, its pages
    in `docs` and its templates in `templates` (folder names inside it). Returns the number
    of files written; raises ContentError, having written nothing, when it cannot."""
    shown = target.as_posix()
    folders = {"seeds": seeds, "docs": docs, "templates": templates}
    problems = [Problem(shown, 0, 0, f"--{option} '{value}' must be a folder name inside the "
                                     "new site, such as 'content' or 'pages/docs'")
                for option, value in folders.items()
                if not _FOLDER_NAME.match(value) or ".." in value.split("/")]
    named = [*folders.values(), "site"]  # and where MkDocs builds the site
    if any(a == b or b.startswith(a + "/") for i, a in enumerate(named)
           for j, b in enumerate(named) if i != j):
        problems.append(Problem(shown, 0, 0, "--seeds, --docs and --templates must be three "
                                             "separate folders, none inside another or in "
                                             "site/"))
    missing = [name for name in ("mkdocs.yml", "templates", "seeds/actors.yaml", "docs")
               if not (PROJECT / name).exists()]
    if missing:
        problems.append(Problem(shown, 0, 0, f"this copy of Briefings has no {missing[0]} to "
                                             f"start from (looked in {PROJECT}); run init "
                                             "from a clone of the project"))
    if target.is_symlink():
        problems.append(Problem(shown, 0, 0, "is a symbolic link: init starts a site in a real "
                                             "folder; give the folder it points to"))
    elif target.exists() and (not target.is_dir() or any(target.iterdir())):
        problems.append(Problem(shown, 0, 0, "is not an empty folder: init starts a site in a "
                                             "new or empty folder, and changes nothing else"))
    if problems:
        raise ContentError(problems)
    parent = Path(os.path.abspath(target)).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".briefings-init-", dir=parent))
    except OSError as exc:
        raise ContentError([Problem(shown, 0, 0, f"cannot create it: {exc.strerror}")]) from None
    try:
        _fill(staging, seeds, docs, templates)
        count = sum(1 for path in staging.rglob("*") if path.is_file())
        if target.is_dir():
            target.rmdir()  # empty, as checked: the finished site takes its place
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ContentError([Problem(shown, 0, 0, f"cannot create it: {exc.strerror}")]) from None
    return count


def _fill(site: Path, seeds: str, docs: str, templates: str) -> None:
    """Copy the project's site files into `site` under the chosen folder names."""
    ignore = shutil.ignore_patterns("__pycache__", ".*")
    shutil.copytree(PROJECT / "templates", site / templates, ignore=ignore)
    shutil.copytree(PROJECT / "seeds", site / seeds, ignore=ignore)
    for name in HAND_WRITTEN_DOCS:
        source = PROJECT / "docs" / name
        if source.is_dir():
            shutil.copytree(source, site / docs / name, ignore=ignore)
        elif source.is_file():
            (site / docs).mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, site / docs / name)
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {docs}", config, count=1)
    config = re.sub(r"(?m)^(\s+)seeds: .*$", rf"\g<1>seeds: {seeds}", config, count=1)
    config = re.sub(r"(?m)^(\s+)templates: .*$", rf"\g<1>templates: {templates}", config,
                    count=1)
    (site / "mkdocs.yml").write_text(config, "utf-8")
    generated = [f"{docs}/{render.HOME}", *(f"{docs}/{d}/" for d in render.OWNED_DIRS),
                 f"{docs}/.briefings-*"]
    (site / ".gitignore").write_text(
        "# Written by `briefings generate`, `build` and `serve` from the content: never edit\n"
        "# them, and keep them out of version control.\n"
        + "".join(f"/{line}\n" for line in ["site/", ".briefings-*", *generated]), "utf-8")
