"""Every entry of the bad-input catalogue (/work/shared/spec/bad-inputs.md, items 1-48) has a test.

CATALOGUE maps each entry number to the tests that check what the entry must get: golden error
cases (`case:<name>`, a file in tests/cases/errors/) and test functions
(`tests/test_<module>.py::test_<name>`). `test_every_entry_is_mapped_to_tests_that_exist`
keeps the table honest; the tests below it cover the entries no other module covers.

`test_error_case_changes_neither_docs_nor_site` runs every golden error case through
`briefings build` on a site that was built before: exit status 1, the case's located
messages, no traceback, and docs/ and site/ byte for byte as they were.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import pipeline, render
from tests.conftest import ROOT, copy_site, run_cli, tree_snapshot
from tests.test_errors import BASE, CASE_FILES, apply_case, load_case

SPEC = Path("/work/shared/spec/bad-inputs.md")
TESTS = Path(__file__).resolve().parent
ENTRIES = range(1, 49)
CACHE_VARIABLE = "BRIEFINGS_CACHE_DIR"

INJECTION = "tests/test_injection.py::"
CATALOGUE: dict[int, tuple[str, ...]] = {
    # YAML annotation files
    1: ("case:duplicate-key", "case:duplicate-actor-id"),
    2: ("case:norway-kind-off", "case:norway-status-no"),
    3: ("case:date-month-13", "case:date-single-digit-day", "case:event-date-day-99",
        "case:date-typed-another-way", "case:date-month-00", "case:event-date-month-00",
        "case:date-arabic-indic-digits"),
    4: ("case:number-octal-grade", "case:number-base60-date", "case:grade-with-newline"),
    5: ("case:comment-truncates-quote",),
    6: ("case:unquoted-colon-in-text", "case:leading-star", "case:leading-bang",
        "case:leading-at", "case:leading-percent", "case:leading-ampersand",
        "case:quoted-then-text", "case:unclosed-quote"),
    7: ("case:anchor-and-alias", "case:billion-laughs"),
    8: ("case:deep-nesting", "case:file-over-1mib"),
    9: ("case:explicit-python-tag",
        "tests/test_catalogue.py::test_no_unsafe_yaml_or_template_calls"),
    10: ("case:tab-indentation",),
    11: ("case:cp1252-quote-byte", "case:cp1252-article", "case:nul-character",
         "case:bel-in-actors", "case:nel-in-quote", "case:utf16-without-bom",
         "case:utf16-bom-accepted", "case:utf8-bom-accepted", "case:fffe-in-yaml"),
    12: ("case:empty-file", "case:top-level-list", "case:comments-only"),
    13: ("case:aliases-scalar", "case:tags-comma-text", "case:source-as-text",
         "case:empty-text-fields", "case:summary-zero-width-space"),
    14: ("case:misspelled-nmae", "case:misspelled-speaker", "case:misspelled-title-alone",
         "case:missing-summary-alone"),
    15: ("case:keys-1-true-no-stay-distinct",),
    16: ("case:two-documents",),
    # References, identity, Unicode
    17: ("case:unknown-speaker", "case:unknown-speaker-by-name", "case:unknown-claim-by",
         "case:unknown-event-actor", "case:unknown-involved-actor",
         "case:unknown-relation-actors", "case:unknown-affiliation",
         "case:actors-empty-mapping"),
    18: ("case:duplicate-actor-id", "case:same-alias-two-actors"),
    19: ("case:names-same-slug", "case:briefing-slug-index", "case:actor-id-index",
         "case:tag-index",
         "tests/test_catalogue.py::test_similar_actor_names_keep_their_own_pages_and_anchors"),
    20: ("case:actor-id-not-ascii", "case:actor-id-not-slug", "case:stem-not-slug",
         "case:tag-not-slug"),
    21: ("case:actor-id-path-traversal", "case:actor-id-too-long",
         "tests/test_catalogue.py::test_symlinked_output_folders_are_refused",
         "tests/test_catalogue.py::test_a_planted_staging_folder_cannot_write_outside_docs"),
    22: ("case:actor-id-too-long", "case:stem-too-long", "case:field-length-caps"),
    23: ("case:reserved-device-names",),
    24: ("case:nfc-nfd-same-name", "case:names-one-letter-apart",
         "tests/test_catalogue.py::test_text_is_nfc_normalised_on_load"),
    25: ("case:bidi-in-name", "case:bidi-in-id", "case:zero-width-in-name"),
    # Injection
    26: (INJECTION + "test_no_script_or_data_urls", INJECTION + "test_no_event_handler_attributes",
         INJECTION + "test_no_content_elements_that_change_the_page",
         INJECTION + "test_only_the_themes_own_scripts"),
    27: (INJECTION + "test_no_injected_headings", INJECTION + "test_field_shows_payload_as_text"),
    28: ("case:url-javascript", "case:url-no-host", "case:link-url-relative",
         INJECTION + "test_check_refuses_non_http_links",
         INJECTION + "test_no_script_or_data_urls"),
    29: (INJECTION + "test_no_admonitions_details_or_tables_from_text",),
    30: (INJECTION + "test_no_injected_headings",
         INJECTION + "test_table_of_contents_has_only_the_pages_own_sections"),
    31: (INJECTION + "test_no_injected_ids_or_attributes",),
    32: (INJECTION + "test_field_shows_payload_as_text",
         INJECTION + "test_nav_labels_are_the_configured_ones"),
    33: (INJECTION + "test_no_admonitions_details_or_tables_from_text",
         INJECTION + "test_field_shows_payload_as_text"),
    34: (INJECTION + "test_no_snippet_was_included",
         "tests/test_catalogue.py::test_snippets_and_macros_are_off"),
    35: (INJECTION + "test_jinja_syntax_reaches_the_page_literally",
         "tests/test_catalogue.py::test_no_unsafe_yaml_or_template_calls",
         "tests/test_catalogue.py::test_a_misspelled_template_variable_is_an_error",
         "tests/test_catalogue.py::test_a_template_mistake_is_an_error_at_its_line"),
    36: ("case:title-newline-front-matter",
         INJECTION + "test_astral_characters_keep_the_front_matter",
         "tests/test_catalogue.py::test_front_matter_cannot_gain_keys"),
    37: ("tests/test_catalogue.py::test_no_mermaid",
         "tests/test_build.py::test_no_resources_from_other_hosts"),
    38: ("case:quote-too-long", "case:field-length-caps", "case:too-many-tags",
         "case:markdown-bracket-budget", "case:escape-heavy-article",
         "case:md-nested-lists", "case:md-blockquote-staircase", "case:description-nested-list",
         "tests/test_catalogue.py::test_worst_case_inputs_pass_the_checks"),
    39: ("case:nul-character", "case:bel-in-actors", "case:nel-in-quote",
         "tests/test_catalogue.py::test_control_characters_in_articles_are_dropped"),
    40: ("case:cp1252-article",
         "tests/test_catalogue.py::test_a_pasted_front_matter_block_stays_article_text"),
    # Data safety
    41: ("tests/test_build.py::test_failed_build_keeps_the_previous_site",
         "tests/test_data_safety.py::test_killed_build_keeps_a_complete_site",
         "tests/test_data_safety.py::test_symlinked_site_is_refused"),
    42: ("tests/test_data_safety.py::test_killed_generate_leaves_old_or_new_pages",
         "tests/test_data_safety.py::test_a_crashed_run_is_finished_before_cached_pages_are_kept",
         "tests/test_data_safety.py::test_a_full_disk_leaves_docs_as_they_were",
         "tests/test_catalogue.py::test_error_case_changes_neither_docs_nor_site"),
    43: ("tests/test_cli.py::test_refuses_to_overwrite_a_hand_written_page",
         "tests/test_cli.py::test_refuses_to_overwrite_a_generated_page_edited_by_hand",
         "tests/test_cli.py::test_stale_generated_page_is_deleted",
         "tests/test_cli.py::test_stale_page_edited_by_hand_is_kept_with_a_warning"),
    44: ("tests/test_cli.py::test_concurrent_run_is_refused",
         "tests/test_data_safety.py::test_two_builds_at_once"),
    45: ("tests/test_build.py::test_generate_is_deterministic_across_hash_seeds",
         "tests/test_build.py::test_build_is_deterministic_with_a_fixed_source_date",
         "tests/test_data_safety.py::test_build_is_byte_identical_and_rewrites_nothing"),
    46: ("tests/test_build.py::test_second_generate_writes_nothing",
         "tests/test_data_safety.py::test_build_is_byte_identical_and_rewrites_nothing"),
    47: ("tests/test_build.py::test_ids_are_unique_on_every_page",
         "tests/test_catalogue.py::test_similar_actor_names_keep_their_own_pages_and_anchors"),
    48: ("case:quote-changed-word", "case:evidence-not-in-article",
         "case:quote-elision-out-of-order", "case:quote-nothing-close",
         "case:quote-part-of-a-word", "case:quote-elision-inside-a-word",
         "case:quote-space-inside-a-word"),
}
# Golden cases for rules of the content contract that the catalogue does not list.
CONTRACT_CASES = {
    "actor-listed-twice", "actor-missing-kind", "annotation-without-article",
    "article-without-annotation", "bad-grade", "bad-kind", "bad-likelihood", "bad-status-typo",
    "missing-required-fields", "quote-folding-passes", "quote-listed-twice", "relation-to-itself",
    "several-errors-two-files", "tag-listed-twice", "txt-and-md", "yml-extension",
}


def _test_functions(module: Path) -> set[str]:
    tree = ast.parse(module.read_text("utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_entry_is_mapped_to_tests_that_exist() -> None:
    assert sorted(CATALOGUE) == list(ENTRIES)
    if SPEC.is_file():  # the catalogue itself, where it is available
        section = SPEC.read_text("utf-8").split("## Catalogue", 1)[1].split("\n## ", 1)[0]
        numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section, re.M)]
        assert numbers == list(ENTRIES), numbers
    cases = {p.stem for p in CASE_FILES}
    functions: dict[str, set[str]] = {}
    missing: list[str] = []
    for number, targets in sorted(CATALOGUE.items()):
        assert targets, f"entry {number} has no test"
        for target in targets:
            if target.startswith("case:"):
                if target[len("case:"):] not in cases:
                    missing.append(f"{number}: {target}")
                continue
            module, _, name = target.partition("::")
            path = ROOT / module
            if not path.is_file():
                missing.append(f"{number}: {target} (no module)")
                continue
            found = functions.setdefault(module, _test_functions(path))
            if name.split("[")[0] not in found:
                missing.append(f"{number}: {target}")
    assert not missing, "\n".join(missing)
    mapped = {t[len("case:"):] for ts in CATALOGUE.values() for t in ts if t.startswith("case:")}
    unmapped = cases - mapped - CONTRACT_CASES
    assert not unmapped, f"case files in no catalogue entry: {sorted(unmapped)}"
    assert not CONTRACT_CASES - cases, CONTRACT_CASES - cases


# --- item 1 of issue 3: every error case, through `briefings build`, changes nothing --------

ERROR_CASES = [p for p in CASE_FILES if load_case(p)["exit"] == 1]


@pytest.fixture(scope="module")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden cases' base site, generated and built once: docs/ and site/ exist."""
    root = copy_site(tmp_path_factory.mktemp("catalogue") / "site", BASE / "seeds")
    env = {**os.environ, CACHE_VARIABLE: str(root.parent / "cache")}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root,
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "index.html").is_file()
    return root


@pytest.mark.parametrize("case_file", ERROR_CASES, ids=[p.stem for p in ERROR_CASES])
def test_error_case_changes_neither_docs_nor_site(
    case_file: Path, built_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(case_file)
    root = tmp_path / "site"
    shutil.copytree(built_base, root, symlinks=True)
    docs, site = tree_snapshot(root / "docs"), tree_snapshot(root / "site")
    apply_case(root, case)
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("build")  # in-process: an exception would fail the test with its traceback
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    located = [line for line in case["expected"].splitlines() if ": error: " in line]
    assert located, f"{case_file.name}: no located error expected"
    for line in located:
        assert line in result.stderr.splitlines(), f"missing: {line}\n{result.stderr}"
    assert tree_snapshot(root / "docs") == docs, "a failed build changed docs/"
    assert tree_snapshot(root / "site") == site, "a failed build changed site/"
    assert not list(root.glob(".briefings-site-*")), "staging folder left behind"


# --- 9, 35: no unsafe YAML loading, no templates made from text, StrictUndefined ------------

SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
UNSAFE_NAMES = {"unsafe_load", "full_load", "full_load_all", "unsafe_load_all", "FullLoader",
                "UnsafeLoader", "Loader", "CLoader", "CFullLoader", "CUnsafeLoader",
                "from_string", "Template"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _safe_loader_classes(tree: ast.Module) -> set[str]:
    """Classes in a module that derive (directly) from a safe PyYAML loader."""
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and any(_name(base) in SAFE_LOADERS for base in node.bases)}


def test_no_unsafe_yaml_or_template_calls() -> None:
    bad: list[str] = []
    for source in sorted((ROOT / "generator").glob("*.py")):
        text = source.read_text("utf-8")
        tree = ast.parse(text)
        safe = SAFE_LOADERS | _safe_loader_classes(tree)
        where = source.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in UNSAFE_NAMES and \
                    _name(node.value) in {"yaml", "jinja2", "env", "environment"}:
                bad.append(f"{where}:{node.lineno}: {_name(node.value)}.{node.attr}")
            if isinstance(node, ast.Attribute) and node.attr == "from_string":
                bad.append(f"{where}:{node.lineno}: from_string (a template made from text)")
            if isinstance(node, ast.Call) and _name(node.func) in {"load", "load_all"} and \
                    isinstance(node.func, ast.Attribute) and _name(node.func.value) == "yaml":
                loader = next((k.value for k in node.keywords if k.arg == "Loader"),
                              node.args[1] if len(node.args) > 1 else None)
                if loader is None or _name(loader) not in safe:
                    bad.append(f"{where}:{node.lineno}: yaml.load without a safe Loader")
            if isinstance(node, ast.ImportFrom) and node.module in {"yaml", "jinja2"}:
                bad += [f"{where}:{node.lineno}: from {node.module} import {a.name}"
                        for a in node.names if a.name in UNSAFE_NAMES]
        for pattern in (r"\bunsafe_load\b", r"Loader\s*=\s*yaml\.(Full|Unsafe)?Loader\b",
                        r"\bmkdocs[-_]macros\b"):
            bad += [f"{where}: {m.group()}" for m in re.finditer(pattern, text)]
    assert not bad, "\n".join(bad)
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "macros" not in config, "the macros plugin templates page text"


def test_a_misspelled_template_variable_is_an_error(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", BASE / "seeds")
    template = root / "templates" / "briefing.md.j2"
    text = template.read_text("utf-8")
    assert "{{ briefing.title }}" in text
    template.write_text(text.replace("{{ briefing.title }}", "{{ briefing.titel }}", 1), "utf-8")
    site, problems = pipeline.check(pipeline.read_settings(root))
    assert site is not None, problems
    pages, problems = pipeline.render_pages(pipeline.read_settings(root))
    assert pages is None
    line = text.splitlines().index(
        next(t for t in text.splitlines() if "{{ briefing.title }}" in t)) + 1
    assert [p.format() for p in problems if p.is_error] == [
        f"templates/briefing.md.j2:{line}:1: error: template error: 'generator.model.Briefing "
        "object' has no attribute 'titel'; check the names used in the template"]


@pytest.mark.parametrize(("added", "message"), [
    (b"{% if %}\n", "Expected an expression, got 'end of statement block'; check the "
                    "template's syntax here"),
    (b"{{ title|nosuchfilter }}\n", "No filter named 'nosuchfilter'; check the template's "
                                    "syntax here"),
    (b"{{ 1 / 0 }}\n", "ZeroDivisionError: division by zero; check the expression on this line"),
    (b"caf\xe9\n", "not UTF-8 (byte 0xe9); save the template as UTF-8"),
])
def test_a_template_mistake_is_an_error_at_its_line(tmp_path: Path, added: bytes,
                                                    message: str) -> None:
    """A template is the site's own content: a mistake in it is reported where it is, by
    `briefings generate`, which writes nothing (and prints no traceback)."""
    root = copy_site(tmp_path / "site", BASE / "seeds")
    template = root / "templates" / "briefing.md.j2"
    lines = template.read_bytes().count(b"\n")
    template.write_bytes(template.read_bytes() + added)
    before = tree_snapshot(root / "docs")
    run = subprocess.run([sys.executable, "-m", "generator", "generate"], cwd=root,
                         capture_output=True, text=True, check=False,
                         env={**os.environ, "BRIEFINGS_CACHE_DIR": str(tmp_path / "cache")})
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"templates/briefing.md.j2:{lines + 1}:1: error: template error: {message}",
        "1 error(s), 0 warning(s)", "nothing was written"]
    assert tree_snapshot(root / "docs") == before


# --- 34, 37: no snippets, no macros, no Mermaid -------------------------------------------


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml may carry !!python/name tags; read them as plain values."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def _mkdocs_config() -> dict[str, object]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_AnyTag)
    assert isinstance(config, dict)
    return config


def _extensions(config: dict[str, object]) -> dict[str, object]:
    found: dict[str, object] = {}
    for item in config.get("markdown_extensions") or []:  # type: ignore[attr-defined]
        if isinstance(item, dict):
            found.update(item)
        else:
            found[str(item)] = None
    return found


def test_snippets_and_macros_are_off() -> None:
    config = _mkdocs_config()
    extensions = _extensions(config)
    assert "pymdownx.snippets" not in extensions, "snippets can paste any file into a page"
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config.get("plugins") or []]  # type: ignore[attr-defined]
    assert "macros" not in plugins


def test_no_mermaid(tmp_path: Path) -> None:
    extensions = _extensions(_mkdocs_config())
    fences = extensions.get("pymdownx.superfences") or {}
    assert "mermaid" not in str(fences), "Mermaid is loaded from another host at run time"
    root = copy_site(tmp_path / "site")
    result = subprocess.run([sys.executable, "-m", "generator", "generate", "--quiet"], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pages = tree_snapshot(root / "docs")
    assert pages
    assert not [p for p, data in pages.items() if b"mermaid" in data.lower()]
    network = pages["network/index.md"].decode("utf-8")
    assert "<svg" in network, "the network is drawn as SVG at build time"


# --- 19, 24, 47: look-alike names -----------------------------------------------------------

BASE_ACTORS = (BASE / "seeds" / "actors.yaml").read_text("utf-8")
BASE_ANNOTATION = (BASE / "seeds" / "articles" / "2024-01-02-base.yaml").read_text("utf-8")


def test_similar_actor_names_keep_their_own_pages_and_anchors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site(tmp_path / "site", BASE / "seeds")
    (root / "seeds" / "actors.yaml").write_text(
        BASE_ACTORS + "\nkim-jong-un:\n  name: Kim Jong Un\n  kind: person\n"
        "\nkim-jong-un-2:\n  name: Kim Jong-un\n  kind: person\n", "utf-8")
    annotation = root / "seeds" / "articles" / "2024-01-02-base.yaml"
    annotation.write_text(BASE_ANNOTATION.replace(
        "  - north-korea\n", "  - north-korea\n  - kim-jong-un\n  - kim-jong-un-2\n"), "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"^seeds/actors\.yaml:\d+:\d+: warning: 'Kim Jong-un' \(actor "
                     r"'kim-jong-un-2'\) and 'Kim Jong Un' .*differ only in", result.stderr,
                     re.M), result.stderr
    docs = root / "docs"
    first = (docs / "actors" / "kim-jong-un.md").read_text("utf-8")
    second = (docs / "actors" / "kim-jong-un-2.md").read_text("utf-8")
    assert 'id="actor-kim-jong-un"' in first and 'id="actor-kim-jong-un-2"' in second
    briefing = (docs / "briefings" / "2024-01-02-base.md").read_text("utf-8")
    assert "actors/kim-jong-un/" in briefing and "actors/kim-jong-un-2/" in briefing
    for page in docs.rglob("*.md"):
        for line in page.read_text("utf-8").splitlines():
            if line.startswith("#"):  # a Markdown heading gets an anchor made from its text
                assert "Kim" not in line, f"{page.name}: {line}"


def test_text_is_nfc_normalised_on_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decomposed = "Zoe\u0308 Kowalska"  # e + COMBINING DIAERESIS
    root = copy_site(tmp_path / "site", BASE / "seeds")
    (root / "seeds" / "actors.yaml").write_text(
        BASE_ACTORS + f"\nzoe-kowalska:\n  name: {decomposed}\n  kind: person\n", "utf-8")
    article = root / "seeds" / "articles" / "2024-01-02-base.txt"
    article.write_text(article.read_text("utf-8") + f"\n{decomposed} was not available.\n",
                       "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    pages = tree_snapshot(root / "docs")
    text = b"".join(pages.values()).decode("utf-8")
    assert "\u0308" not in text, "decomposed text reached the pages"
    assert "Zo\u00eb Kowalska" in pages["actors/zoe-kowalska.md"].decode("utf-8")
    briefing = pages["briefings/2024-01-02-base.md"].decode("utf-8")
    mention = r'<a href="../../actors/zoe-kowalska/"[^>]*>Zo\u00eb Kowalska</a>'
    assert re.search(mention, briefing), "the mention in the (decomposed) article was not found"


# --- 21: symlinks and planted files cannot move writes outside docs/ ----------------------


@pytest.mark.parametrize("linked", ["docs", "docs/actors"])
def test_symlinked_output_folders_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str
) -> None:
    root = copy_site(tmp_path / "site", BASE / "seeds")
    outside = tmp_path / "outside"
    outside.mkdir()
    if linked == "docs":
        shutil.move(root / "docs", outside / "docs")
        (root / "docs").symlink_to(outside / "docs")
    else:
        (root / "docs" / "actors").symlink_to(outside)
    before = tree_snapshot(outside)
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    # A symlinked docs/ resolves outside the site root, so it is shown by its full path.
    shown = "(.*/)?docs" if linked == "docs" else re.escape("docs/actors/mark-rutte.md")
    assert re.search(rf"^{shown}: error: refusing to write (into a symlinked folder|"
                     "outside the docs folder or through a symlink)", result.stderr, re.M), \
        result.stderr
    assert "nothing was written" in result.stderr
    assert tree_snapshot(outside) == before, "a write went through the link"
    if linked == "docs/actors":
        assert not (root / "docs" / "briefings").exists(), "part of the pages were written"


def test_a_planted_staging_folder_cannot_write_outside_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloned site could carry docs/.briefings-staging/ with a journal aimed outside docs/."""
    root = copy_site(tmp_path / "site", BASE / "seeds")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.md").write_text("keep me\n", "utf-8")
    staging = root / "docs" / ".briefings-staging"
    (staging / "pages" / "x").mkdir(parents=True)
    (staging / "pages" / "x" / "evil.md").write_text("planted\n", "utf-8")
    (staging / "journal.json").write_text(
        '{"version": 1, "write": ["../../outside/victim.md", "x/evil.md"], '
        '"delete": {"../../outside/victim.md": "0"}}', "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    assert (outside / "victim.md").read_text("utf-8") == "keep me\n"
    assert not (root / "docs" / "x").exists(), "a journal with an unsafe path was applied"
    assert not staging.exists()
    # A symbolic link in place of the staging folder is removed, not followed.
    staging.symlink_to(outside, target_is_directory=True)
    assert run_cli("generate").exit_code == 0
    assert not staging.is_symlink() and (outside / "victim.md").is_file()


# --- 36: front matter ---------------------------------------------------------------------

FRONT_MATTER_PAYLOADS = (
    'x"\nhide:\n  - navigation\ntemplate: ../../etc/passwd',
    "x\n---\nsearch:\n  exclude: true",
    "x' ]\ntitle: y",
    "<img src=x onerror=alert(1)>",
    "🚀 \u2028 \u2029 \x85 title",
)


@pytest.mark.parametrize("title", FRONT_MATTER_PAYLOADS)
def test_front_matter_cannot_gain_keys(title: str) -> None:
    rendered = f"---\ntitle: {render.front_matter_text(title)}\n---\n"
    assert rendered.count("\n") == 3, rendered
    meta = yaml.safe_load(rendered.split("---\n")[1])
    assert list(meta) == ["title"], meta
    assert "<" not in meta["title"], "titles are printed as HTML by MkDocs and Material"


# --- 38: worst cases under the caps are valid content (the timing is benchmarks/) -----------


def test_worst_case_inputs_pass_the_checks(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("worst_case", ROOT / "benchmarks" /
                                                  "worst_case.py")
    assert spec is not None and spec.loader is not None
    worst_case = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worst_case)
    root = tmp_path / "site"
    root.mkdir()
    about = worst_case.write_site(root)
    site, problems = pipeline.check(pipeline.read_settings(root))
    assert site is not None, [p.format() for p in problems if p.is_error][:10]
    assert len(site.briefings) == len([p for p in about if p.startswith("briefings/")])


# --- 39, 40: what a pasted article can carry ------------------------------------------------


def test_control_characters_in_articles_are_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site(tmp_path / "site", BASE / "seeds")
    article = root / "seeds" / "articles" / "2024-01-02-base.txt"
    article.write_bytes(b"Intro with NUL \x00, STX \x02, ETX \x03, ESC \x1b and DEL \x7f.\n\n"
                        + article.read_bytes())
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    page = (root / "docs" / "briefings" / "2024-01-02-base.md").read_bytes()
    assert b"Intro with NUL" in page
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_pasted_front_matter_block_stays_article_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    root = copy_site(tmp_path / "site", BASE / "seeds")
    article = root / "seeds" / "articles" / "2024-01-02-base.txt"
    text = ("---\ntitle: Hijacked\nhide:\n  - navigation\n  - toc\ntemplate: ../../etc/passwd\n"
            "---\n\n" + article.read_text("utf-8"))
    article.unlink()
    article.with_suffix(suffix).write_text(text, "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    page = (root / "docs" / "briefings" / "2024-01-02-base.md").read_text("utf-8")
    assert page.startswith("---\n")
    meta = yaml.safe_load(page.split("---\n")[1])
    assert meta == {"title": "NATO confirms North Korean troops in Kursk"}, meta
    assert "Hijacked" in page.split("---\n", 2)[2], "the pasted block is shown as text"
