"""`briefings init DIR`: a new site that builds at once, ignores what the generator writes,
takes its folder names from --seeds, --docs and --templates, and never writes into a folder
that holds anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, tree_snapshot

FILES = sorted([
    ".gitignore", "mkdocs.yml", "docs/about.md", "docs/assets/stylesheets/briefings.css",
    "seeds/actors.yaml", "seeds/articles/2024-10-28-north-korean-troops-kursk.txt",
    "seeds/articles/2024-10-28-north-korean-troops-kursk.yaml",
    *(f"templates/{p.name}" for p in (ROOT / "templates").glob("*.j2")),
])


SEPARATE = ("new: error: --seeds, --docs and --templates must be three separate folders, none "
            "inside another or in site/")


def _build(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=site,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "BRIEFINGS_CACHE_DIR": str(site / ".cache")})


def test_a_new_site_is_the_default_site_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", "desk")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"started a briefing site in desk/ ({len(FILES)} files), with the example briefing in "
        "it; next: cd into it and run `briefings serve`\n")
    site = tmp_path / "desk"
    files = tree_snapshot(site)
    assert sorted(files) == FILES
    for name in FILES:
        if name != ".gitignore":
            assert files[name] == (ROOT / name).read_bytes(), name
    done = _build(site)
    assert done.returncode == 0, done.stderr
    assert "Mark Rutte" in (site / "site" / "actors" / "mark-rutte" / "index.html").read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_ignores_everything_the_generator_writes_and_nothing_the_analyst_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "desk").exit_code == 0
    site = tmp_path / "desk"
    assert _build(site).returncode == 0
    shutil.rmtree(site / ".cache")
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=site,
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(listed) == FILES


def test_folder_names_come_from_the_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", "desk", "--seeds", "content", "--docs", "pages",
                     "--templates", "layouts", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    site = tmp_path / "desk"
    assert (site / "content" / "actors.yaml").is_file()
    assert (site / "layouts" / "briefing.md.j2").is_file()
    assert (site / "pages" / "about.md").is_file()
    config = (site / "mkdocs.yml").read_text("utf-8")
    assert "docs_dir: pages\n" in config
    assert "      seeds: content\n      templates: layouts\n" in config
    assert "/pages/briefings/\n" in (site / ".gitignore").read_text("utf-8")
    done = _build(site)
    assert done.returncode == 0, done.stderr
    assert (site / "pages" / "briefings" / "2024-10-28-north-korean-troops-kursk.md").is_file()
    assert (site / "site" / "briefings" / "2024-10-28-north-korean-troops-kursk" /
            "index.html").is_file()


def test_an_empty_folder_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk").mkdir()
    assert run_cli("init", "desk", "--quiet").exit_code == 0
    assert sorted(tree_snapshot(tmp_path / "desk")) == FILES


@pytest.mark.parametrize(("args", "message"), [
    (("desk",), "desk: error: is not an empty folder: init starts a site in a new or empty "
                "folder, and changes nothing else"),
    (("new", "--seeds", "../outside"),
     "new: error: --seeds '../outside' must be a folder name inside the new site, such as "
     "'content' or 'pages/docs'"),
    (("new", "--docs", "/etc"),
     "new: error: --docs '/etc' must be a folder name inside the new site, such as 'content' "
     "or 'pages/docs'"),
    (("new", "--templates", "seeds"), SEPARATE),
    (("new", "--docs", "seeds/pages"), SEPARATE),
    (("new", "--docs", "site/pages"), SEPARATE),
    (("link",), "link: error: is a symbolic link: init starts a site in a real folder; give "
                "the folder it points to"),
])
def test_init_refuses_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         args: tuple[str, ...], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "notes.txt").write_text("mine\n", "utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    before = tree_snapshot(tmp_path)
    result = run_cli("init", *args)
    assert result.exit_code == 1
    assert result.stderr == f"{message}\n1 error(s), 0 warning(s)\n"
    assert tree_snapshot(tmp_path) == before
