"""Independent checkers on the built site: MkDocs strict validation, a link-and-anchor checker
(mkdocs-htmlproofer-plugin) and the Nu HTML Checker (npm vnu-jar on the machine's Java).

Each must find nothing beyond a documented baseline of the Material theme's own markup, and
each is shown to find a planted fault, so that a checker which silently checks nothing fails.
Errors in markup that Briefings generates are never baselined: each known one has its own
strict xfail test below, which starts failing (XPASS) the day it is fixed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, copy_site
from tests.test_injection import hostile_seeds

IN_CI = os.environ.get("CI") == "true"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VALIDATION_KEYS = ("omitted_files", "absolute_links", "unrecognized_links", "anchors")


def require(ok: bool, message: str) -> None:
    """Skip when a checker's tool is missing, except in CI, which installs them all."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{message} (CI must provide it: see .ci/run and the Makefile)",
                    pytrace=False)
    pytest.skip(message)


def run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def briefings_build(root: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "generator", "build"], root)


# --- (a) MkDocs strict, every validation at warn ------------------------------------------------


def test_mkdocs_yml_is_strict_with_every_validation_at_warn() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    assert config.get("strict") is True
    validation = config.get("validation") or {}
    assert {key: validation.get(key) for key in VALIDATION_KEYS} == dict.fromkeys(
        VALIDATION_KEYS, "warn")


# Faults planted in a hand-written page, and what the build must say about each: together they
# need all four validation settings (anchors, unrecognized_links, absolute_links,
# omitted_files) plus the default not_found. MkDocs reports every warning before strict mode
# fails the build, so one build checks them all.
PLANTED_LINKS = {
    "anchor on the page": ("[broken](#no-such-anchor)", "'#no-such-anchor'"),
    "anchor on another page": ("[broken](briefings/index.md#no-such-anchor-2)",
                               "'briefings/index.md#no-such-anchor-2'"),
    "missing page": ("[broken](no-such-page.md)", "'no-such-page.md'"),
    "unrecognized link": ("[broken](actors/)", "'actors/'"),
    "absolute link": ("[broken](/about/)", "'/about/'"),
}


def test_build_fails_on_broken_links_in_a_hand_written_page(site_root: Path) -> None:
    about = site_root / "docs" / "about.md"
    planted = "\n\n".join(f"Planted: {link}" for link, _ in PLANTED_LINKS.values())
    about.write_text(about.read_text("utf-8") + "\n\n" + planted + "\n", "utf-8")
    (site_root / "docs" / "orphan.md").write_text("# Orphan\n\nIn no nav.\n", "utf-8")
    result = briefings_build(site_root)
    assert result.returncode == 1, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if "about.md" in line]
    missed = [fault for fault, (_, shown) in PLANTED_LINKS.items()
              if not any(shown in line for line in warnings)]
    if "orphan.md" not in result.stderr:
        missed.append("omitted file")
    assert not missed, f"not reported: {missed}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert not (site_root / "site").exists(), "a failed build published a site"


# --- (b) links and anchors: mkdocs-htmlproofer-plugin ------------------------------------------


def htmlproofer_build(root: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` with a copy of mkdocs.yml that adds the htmlproofer plugin."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["plugins"].append({"htmlproofer": {
        "enabled": True,
        "raise_error_after_finish": True,
        "validate_external_urls": False,
        "validate_rendered_template": True,  # the whole page: nav, header, footer too
    }})
    proof = root / "mkdocs-htmlproofer.yml"
    proof.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", proof.name,
                "-d", str(root / "proofed-site")], root)


@pytest.fixture
def htmlproofer() -> None:
    try:
        import htmlproofer  # noqa: F401
    except ImportError:
        require(False, "mkdocs-htmlproofer-plugin is missing: pip install -e '.[test]'")


@pytest.mark.usefixtures("htmlproofer")
def test_htmlproofer_finds_no_broken_link_or_anchor(site_root: Path) -> None:
    result = htmlproofer_build(site_root)
    findings = [line for line in result.stderr.splitlines() if "htmlproofer:" in line]
    assert result.returncode == 0 and not findings, "\n".join(findings) or result.stderr
    assert (site_root / "proofed-site" / "index.html").is_file()


@pytest.mark.usefixtures("htmlproofer")
def test_htmlproofer_finds_a_planted_broken_anchor(site_root: Path) -> None:
    # Raw HTML links escape MkDocs' own validation: the plugin reads the rendered pages.
    about = site_root / "docs" / "about.md"
    about.write_text(about.read_text("utf-8")
                     + '\n\n<p><a href="#no-such-anchor">planted</a></p>\n', "utf-8")
    result = htmlproofer_build(site_root)
    assert result.returncode == 1, result.stderr
    assert re.search(r"htmlproofer: invalid url - #no-such-anchor .*about\.md", result.stderr), (
        result.stderr)


# --- (c) the Nu HTML Checker -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """A validator error: its message, and the markup the validator highlights."""

    message: str
    markup: str
    why: str

    def matches(self, error: VnuError) -> bool:
        return bool(re.search(self.message, error.message) and re.search(self.markup,
                                                                          error.markup))


@dataclass(frozen=True)
class VnuError:
    site: str  # "default", "hostile" or "planted"
    page: str
    line: int
    message: str
    markup: str

    def __str__(self) -> str:
        return f"{self.site}:{self.page}:{self.line}: {self.message} [{self.markup}]"


# The theme's own errors, on every page of any Material site; nothing of ours may match these.
THEME_BASELINE = (
    Pattern(r"^Attribute “autocomplete” is only allowed when the input type is ",
            r'^<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
            r'id="__(drawer|search)" autocomplete="off">$',
            "Material's base.html: the drawer and search toggles are checkboxes with "
            "autocomplete=off"),
    Pattern(r"^The value of the “for” attribute of the “label” element must be the ID of a "
            r"non-hidden form control\.$",
            r'^<label class="md-nav__title" for="__toc">$',
            "Material's partials/toc.html: the table of contents' title is a label for the "
            "__toc checkbox, which Material renders only in the nav entry of a page that is in "
            "the nav; briefing and actor pages are not_in_nav, so the label points at nothing"),
)

# Errors the checker once found in markup that Briefings generates, now fixed: never
# baselined, and each kept by a regression test (test_fixed_finding_stays_fixed).
# The site named with each is one where it showed.
FIXED_FINDINGS = {
    "home-card-heading-skips-a-level": (
        "default",
        Pattern(r"^The heading “h3” \(with computed level 3\) follows the heading “h1”",
                r'<h3 class="bf-card__title">',
                "templates/macros.md.j2 briefing_card: <h3 class=bf-card__title> right after "
                "the home page's '# Latest briefings' (h1)"),
    ),
    "description-link-without-href": (
        "hostile",
        Pattern(r"^Element “a” is missing required attribute “href”\.$",
                r'^<a rel="noopener noreferrer nofollow">$',
                "generator/textmatch.py markdown_html: nh3 drops a javascript: href but "
                "keeps the <a> and adds rel, and rel without href is invalid"),
    ),
}

PLANTED_HTML = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>planted</title>'
    '</head>\n<body><p><div>a block in a paragraph</div></p><a rel="nofollow">x</a></body>'
    "</html>\n"
)


def vnu(folders: dict[str, Path]) -> list[VnuError]:
    """Run the Nu HTML Checker once over every folder; every error, tagged by folder."""
    result = run(["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html",
                  "--format", "json", *(str(f) for f in folders.values())], ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stderr or result.stdout)
    errors: list[VnuError] = []
    for message in report["messages"]:
        assert message["type"] != "non-document-error", message  # e.g. a file it could not read
        if message["type"] != "error":
            continue
        path = Path(message["url"].removeprefix("file:"))
        site, folder = next((s, f) for s, f in folders.items() if path.is_relative_to(f))
        # The highlighted markup: vnu counts UTF-16 code units, as Java strings do.
        extract = message.get("extract", "").encode("utf-16-le")
        start = 2 * message.get("hiliteStart", 0)
        end = start + 2 * message.get("hiliteLength", len(extract))
        markup = extract[start:end].decode("utf-16-le", errors="replace")
        errors.append(VnuError(site, path.relative_to(folder).as_posix(),
                               message.get("lastLine", 0), message["message"], markup.strip()))
    return errors


@pytest.fixture(scope="module")
def vnu_errors(tmp_path_factory: pytest.TempPathFactory) -> list[VnuError]:
    """Build the default and hostile sites and check them and a planted page, once per run.

    The first xdist worker to get here does the work and leaves the result beside the
    workers' temporary folders; the other reads it.
    """
    require(shutil.which("java") is not None, "java is missing: the Nu HTML Checker needs it")
    require(VNU_JAR.is_file(), f"{VNU_JAR.relative_to(ROOT)} is missing: run `make test` "
                               "(npm ci --no-audit --no-fund)")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    cache = shared / "checkers-vnu.json"
    with (shared / "checkers-vnu.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cache.is_file():
            return [VnuError(**e) for e in json.loads(cache.read_text("utf-8"))]
        base = tmp_path_factory.mktemp("checkers")
        default = copy_site(base / "default")
        hostile = copy_site(base / "hostile", hostile_seeds(base / "hostile-seeds"))
        for root in (default, hostile):
            result = briefings_build(root)
            assert result.returncode == 0, result.stderr
        planted = base / "planted"
        planted.mkdir()
        (planted / "index.html").write_text(PLANTED_HTML, "utf-8")
        errors = vnu({"default": default / "site", "hostile": hostile / "site",
                      "planted": planted})
        cache.write_text(json.dumps([asdict(e) for e in errors]), "utf-8")
        return errors


def unexplained(errors: list[VnuError], site: str) -> list[VnuError]:
    return [e for e in errors if e.site == site
            and not any(p.matches(e) for p in THEME_BASELINE)]


def test_nu_checker_finds_the_planted_errors(vnu_errors: list[VnuError]) -> None:
    planted = [e for e in vnu_errors if e.site == "planted"]
    assert any("No “p” element in scope" in e.message for e in planted), planted
    assert any("missing required attribute “href”" in e.message for e in planted), planted
    assert not any(p.matches(e) for e in planted for p in THEME_BASELINE)


def test_nu_checker_theme_baseline_is_current(vnu_errors: list[VnuError]) -> None:
    # The baseline must describe what the theme really does: each pattern still occurs.
    unused = [p.why for p in THEME_BASELINE
              if not any(p.matches(e) for e in vnu_errors if e.site == "default")]
    assert not unused, unused


@pytest.mark.parametrize("site", ["default", "hostile"])
def test_nu_checker_finds_nothing_but_the_themes_baseline(
    vnu_errors: list[VnuError], site: str
) -> None:
    bad = unexplained(vnu_errors, site)
    assert not bad, "\n".join(str(e) for e in bad)


@pytest.mark.parametrize("name", sorted(FIXED_FINDINGS))
def test_fixed_finding_stays_fixed(vnu_errors: list[VnuError], name: str) -> None:
    site, pattern = FIXED_FINDINGS[name]
    assert any(e.site == site for e in vnu_errors), f"no error at all on the {site} site"
    found = [e for e in vnu_errors if e.site != "planted" and pattern.matches(e)]
    assert not found, "\n".join(str(e) for e in found)
