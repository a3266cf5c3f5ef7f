"""Real MkDocs builds: quotes reach the pages, every internal link resolves, a failed build
keeps the last good site, plain `mkdocs build` works, and output is deterministic."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
import yaml

from tests.conftest import ROOT, copy_site, tree_snapshot
from tests.test_injection import elements, local

SEEDS = ROOT / "seeds"
FAKE_HOST = "https://site.invalid/"
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src"}
MATERIAL_CREDIT = "https://squidfunk.github.io/mkdocs-material/"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def briefings(root: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "generator", *args], root, env)


@cache
def parse(path: Path) -> Element:
    return html5lib.parse(path.read_text("utf-8"), namespaceHTMLElements=False)


def page_text(path: Path) -> str:
    """The visible text of a page, unescaped, with quotes and white space folded."""
    return fold("".join(parse(path).itertext()))


def fold(text: str) -> str:
    text = html.unescape(text)
    text = re.sub("[‘’‚‛′`´]", "'", text)
    text = re.sub("[“”„‟″«»]", '"', text)
    return " ".join(text.split())


@dataclass
class BuiltSite:
    """A copy of the default site after `briefings build`, and how the build went."""

    root: Path
    result: subprocess.CompletedProcess[str]
    ids: dict[Path, set[str]] = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.root / "site"

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))

    def ids_of(self, page: Path) -> set[str]:
        if page not in self.ids:
            self.ids[page] = {
                value for e in elements(parse(page))
                for name in ("id", "name") if (value := e.get(name))
            }
        return self.ids[page]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = copy_site(tmp_path_factory.mktemp("build") / "root")
    return BuiltSite(root, briefings(root, "build"))


def test_build_exits_0_and_writes_the_site(built: BuiltSite) -> None:
    assert built.result.returncode == 0, built.result.stderr
    assert (built.site / "index.html").is_file()
    assert not list(built.root.glob(".briefings-site-*")), "staging folder left behind"
    assert not list(built.root.glob(".briefings-old-*")), "old site left behind"


def seed_quotes() -> list[tuple[str, str, str]]:
    """(briefing slug, speaker id, quote text) for every quote in the default content."""
    found = []
    for path in sorted((SEEDS / "articles").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for quote in data.get("quotes") or []:
            found.append((path.stem, quote["speaker"], quote["text"]))
    return found


QUOTES = seed_quotes()


@pytest.mark.parametrize(("slug", "speaker", "quote"), QUOTES,
                         ids=[f"{s}-{i + 1}" for i, (s, _, _) in enumerate(QUOTES)])
def test_every_quote_is_on_its_briefing_and_speaker_page(
    built: BuiltSite, slug: str, speaker: str, quote: str
) -> None:
    assert built.result.returncode == 0, built.result.stderr
    for page in (built.site / "briefings" / slug / "index.html",
                 built.site / "actors" / speaker / "index.html"):
        assert page.is_file(), page
        shown = page_text(page)
        for part in re.split(r"\.\.\.|…", quote):
            if fold(part):
                assert fold(part) in shown, f"{page}: {part!r} not shown"


def internal_links(built: BuiltSite) -> Iterator[tuple[Path, str, str]]:
    """(page, attribute value, resolved URL) for every same-site link, script, image, style."""
    for page in built.pages():
        base = FAKE_HOST + page.relative_to(built.site).as_posix()
        for element in elements(parse(page)):
            attribute = LINK_ATTRIBUTES.get(local(element.tag))
            value = element.get(attribute) if attribute else None
            if value is None or value.startswith(("mailto:", "tel:")):
                continue
            resolved = urljoin(base, value)
            if resolved.startswith(FAKE_HOST):
                yield page, value, resolved


def test_every_internal_link_resolves(built: BuiltSite) -> None:
    assert built.result.returncode == 0, built.result.stderr
    broken: list[str] = []
    checked = 0
    for page, value, resolved in internal_links(built):
        checked += 1
        parts = urlsplit(resolved)
        path = unquote(parts.path)
        target = built.site / path.lstrip("/")
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        where = f"{page.relative_to(built.site)}: {value!r}"
        if not target.is_file():
            broken.append(f"{where} -> missing {target.relative_to(built.site)}")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in built.ids_of(target):
            broken.append(f"{where} -> no id {fragment!r} in {target.relative_to(built.site)}")
    assert checked > 500, f"only {checked} links checked"
    assert not broken, "\n".join(broken)


def test_ids_are_unique_on_every_page(built: BuiltSite) -> None:
    duplicated: list[str] = []
    for page in built.pages():
        seen: set[str] = set()
        for element in elements(parse(page)):
            ident = element.get("id")
            if ident and ident in seen:
                duplicated.append(f"{page.relative_to(built.site)}: id {ident!r}")
            if ident:
                seen.add(ident)
    assert not duplicated, "\n".join(duplicated)


def test_no_resources_from_other_hosts(built: BuiltSite) -> None:
    actors = yaml.safe_load((SEEDS / "actors.yaml").read_text("utf-8"))
    allowed = {url for actor in actors.values() for url in (actor.get("links") or {}).values()}
    for path in sorted((SEEDS / "articles").glob("*.yaml")):
        source = yaml.safe_load(path.read_text("utf-8"))["source"]
        if source.get("url"):
            allowed.add(source["url"])
    bad: list[str] = []
    for page in built.pages():
        where = page.relative_to(built.site)
        if "fonts.googleapis" in page.read_text("utf-8"):
            bad.append(f"{where}: fonts.googleapis")
        for element in elements(parse(page)):
            tag = local(element.tag)
            for name in ("href", "src", "srcset", "data"):
                value = (element.get(name) or "").strip()
                if not re.match(r"(?i)(https?:)?//", value):
                    continue
                if tag == "a" and (value in allowed or value == MATERIAL_CREDIT):
                    continue
                bad.append(f"{where}: <{tag} {name}={value!r}>")
    for sheet in built.site.rglob("*.css"):
        if re.search(r"@import\s+url\(\s*['\"]?https?:|fonts\.googleapis", sheet.read_text(
                "utf-8", "replace")):
            bad.append(f"{sheet.relative_to(built.site)}: loads from another host")
    assert not bad, "\n".join(bad)


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "root")
    first = briefings(root, "build")
    assert first.returncode == 0, first.stderr
    before = tree_snapshot(root / "site")
    assert before
    # Only MkDocs in strict mode catches this: the content itself is fine.
    (root / "docs" / "broken.md").write_text("# Broken\n\n[x](missing.md)\n", "utf-8")
    second = briefings(root, "build")
    assert second.returncode == 1, second.stderr
    assert "Traceback" not in second.stderr
    assert "site/ was left as it was" in second.stderr
    assert tree_snapshot(root / "site") == before
    assert not list(root.glob(".briefings-site-*")), "staging folder left behind"


def test_plain_mkdocs_build_regenerates_the_pages(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "root")
    assert not (root / "docs" / "briefings").exists()
    result = run([sys.executable, "-m", "mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "docs" / "briefings" / "2024-10-28-north-korean-troops-kursk.md").is_file()
    assert (root / "site" / "briefings" / "2024-10-28-north-korean-troops-kursk"
            / "index.html").is_file()
    assert (root / "site" / "actors" / "mark-rutte" / "index.html").is_file()


def test_generated_markdown_builds_without_the_plugin(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "root")
    generated = briefings(root, "generate")
    assert generated.returncode == 0, generated.stderr
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["plugins"] = [
        p for p in config["plugins"]
        if p != "briefings" and not (isinstance(p, dict) and "briefings" in p)
    ]
    assert config["plugins"], "the search plugin should stay"
    (root / "no-plugin.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    out = tmp_path / "plain-site"
    result = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "no-plugin.yml",
                  "--site-dir", str(out)], root)
    assert result.returncode == 0, result.stderr
    assert (out / "briefings" / "2024-10-28-north-korean-troops-kursk" / "index.html").is_file()


def test_generate_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        root = copy_site(tmp_path / f"seed-{seed}")
        result = briefings(root, "generate", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        trees.append(tree_snapshot(root / "docs"))
    assert trees[0].keys() == trees[1].keys()
    differing = [name for name in trees[0] if trees[0][name] != trees[1][name]]
    assert not differing, differing


def test_build_is_deterministic_with_a_fixed_source_date(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        root = copy_site(tmp_path / f"seed-{seed}")
        result = briefings(root, "build",
                           env={"PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"})
        assert result.returncode == 0, result.stderr
        trees.append(tree_snapshot(root / "site"))
    assert trees[0].keys() == trees[1].keys()
    differing = [name for name in trees[0] if trees[0][name] != trees[1][name]]
    assert not differing, differing


def test_second_generate_writes_nothing(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "root")
    first = briefings(root, "generate")
    assert first.returncode == 0, first.stderr
    docs = root / "docs"
    mtimes = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    before = tree_snapshot(docs)
    second = briefings(root, "generate")
    assert second.returncode == 0, second.stderr
    assert re.search(r"\bgenerated 0 page\(s\)", second.stderr), second.stderr
    assert tree_snapshot(docs) == before
    assert {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()} == mtimes


def test_relative_links_work_without_directory_urls(tmp_path: Path) -> None:
    """`use_directory_urls: false` is a setting the generator reads: links must follow it."""
    root = copy_site(tmp_path / "root")
    config = (root / "mkdocs.yml").read_text("utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("use_directory_urls: true", "use_directory_urls: false"), "utf-8")
    result = briefings(root, "build")
    assert result.returncode == 0, result.stderr
    site = BuiltSite(root, result)
    missing = []
    for page, value, resolved in internal_links(site):
        path = unquote(urlsplit(resolved).path).lstrip("/")
        target = site.site / path
        if path.endswith("/") or not path or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            missing.append(f"{page.relative_to(site.site)}: {value!r}")
    assert not missing, "\n".join(missing[:30])
