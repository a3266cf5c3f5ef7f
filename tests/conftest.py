"""Shared fixtures: a copy of the default site in a temporary folder, and a CLI runner."""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.starter import HAND_WRITTEN_DOCS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every run the suite makes keeps its cache in the suite's temporary folder, not in the
    user's ~/.cache/briefings (a test may still point BRIEFINGS_CACHE_DIR elsewhere)."""
    previous = os.environ.get("BRIEFINGS_CACHE_DIR")
    os.environ["BRIEFINGS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("BRIEFINGS_CACHE_DIR", None)
    else:
        os.environ["BRIEFINGS_CACHE_DIR"] = previous


@functools.cache
def corpus_maker() -> ModuleType:
    """benchmarks/make_corpus.py, a script rather than a package module, loaded as a module."""
    spec = importlib.util.spec_from_file_location("make_corpus",
                                                  ROOT / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def copy_site(target: Path, seeds: Path | None = None) -> Path:
    """Copy mkdocs.yml, templates, hand-written docs and seeds (or `seeds`) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", target / "templates")
    (target / "docs").mkdir()
    for name in HAND_WRITTEN_DOCS:
        source = ROOT / "docs" / name
        if source.is_dir():
            shutil.copytree(source, target / "docs" / name)
        else:
            shutil.copy(source, target / "docs" / name)
    shutil.copytree(seeds or ROOT / "seeds", target / "seeds")
    return target


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """A fresh copy of the default site."""
    return copy_site(tmp_path / "site-root")


@pytest.fixture
def in_site(site_root: Path) -> Iterator[Path]:
    """Run with the working directory at the site root, as users do."""
    previous = Path.cwd()
    os.chdir(site_root)
    try:
        yield site_root
    finally:
        os.chdir(previous)


def run_cli(*args: str) -> Result:
    """Invoke `briefings ARGS` in the current directory, keeping stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a run changed nothing."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
