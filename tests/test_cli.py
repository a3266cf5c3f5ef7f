"""The `briefings` command line: exit codes, messages, options, and what it refuses to do."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.textmatch import split_paragraphs
from tests.conftest import run_cli, tree_snapshot

BRIEFING = "2024-10-28-north-korean-troops-kursk"
ANNOTATION = f"seeds/articles/{BRIEFING}.yaml"
LOCATED = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning): ")
GENERATED = re.compile(r"generated (\d+) page\(s\), (\d+) unchanged, (\d+) removed")
EXTRA_ACTOR = "\nextra-actor:\n  name: Extra Actor\n  kind: person\n"


def manifest(root: Path, docs: str = "docs") -> dict[str, list[str]]:
    data = json.loads((root / docs / ".briefings-manifest.json").read_text("utf-8"))
    files: dict[str, list[str]] = data["files"]
    return files


def counts(stderr: str) -> tuple[int, int, int]:
    found = GENERATED.search(stderr)
    assert found, stderr
    written, unchanged, removed = (int(g) for g in found.groups())
    return written, unchanged, removed


def position(problem: str) -> tuple[str, int, int]:
    found = LOCATED.match(problem)
    assert found, problem
    return found["path"], int(found["line"]), int(found["col"])


# --- check ----------------------------------------------------------------------------------


def test_check_default_content_is_ok(in_site: Path) -> None:
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert re.search(r"^ok: 1 briefing\(s\), 14 actor\(s\), 5 quote\(s\) verified$",
                     result.stderr, re.M), result.stderr
    assert not (in_site / "docs" / "briefings").exists(), "check must write nothing"


def test_check_broken_yaml_reports_located_errors(in_site: Path) -> None:
    annotation = in_site / ANNOTATION
    lines = annotation.read_text("utf-8").split("\n")
    number = lines.index("  name: Press report") + 1
    lines[number - 1] = "  name: Press: report"  # an unquoted ': ' inside text
    annotation.write_text("\n".join(lines), "utf-8")
    actors = in_site / "seeds" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("  kind: organization\n",
                                                        "  knid: organization\n", 1), "utf-8")
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stdout == ""
    output = result.stderr
    assert "Traceback" not in output
    problems = [line for line in output.splitlines() if LOCATED.match(line)]
    assert {position(p)[0] for p in problems} >= {ANNOTATION, "seeds/actors.yaml"}, output
    assert re.search(rf"^{re.escape(ANNOTATION)}:{number}:\d+: error: .*': '", output,
                     re.M), output
    assert re.search(r"^seeds/actors\.yaml:3:3: error: 'knid' is not a known field.*"
                     r"did you mean 'kind'\?", output, re.M), output
    others = [line for line in output.splitlines() if not LOCATED.match(line)]
    assert all(re.fullmatch(r"\d+ error\(s\), \d+ warning\(s\)", line) for line in others), others
    assert problems == sorted(problems, key=position), "problems must be sorted by place"


def test_unclosed_quote_is_reported_where_it_opens(in_site: Path) -> None:
    # YAML lets a double-quoted scalar run on to the next '"', dozens of lines later.
    annotation = in_site / ANNOTATION
    lines = annotation.read_text("utf-8").split("\n")
    assert lines[0].startswith('title: "')
    lines[0] = 'title: "NATO confirms North Korean troops'
    annotation.write_text("\n".join(lines), "utf-8")
    result = run_cli("check")
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(ANNOTATION)}:1:\d+: error: ", result.stderr, re.M), \
        result.stderr


def test_broken_content_writes_nothing(in_site: Path) -> None:
    assert run_cli("generate").exit_code == 0
    before = tree_snapshot(in_site / "docs")
    annotation = in_site / ANNOTATION
    annotation.write_text(annotation.read_text("utf-8").replace(
        "status: confirmed", "status: confimred"), "utf-8")
    result = run_cli("generate")
    assert result.exit_code == 1
    assert "did you mean 'confirmed'?" in result.stderr
    assert "nothing was written" in result.stderr
    assert tree_snapshot(in_site / "docs") == before


# --- generate -------------------------------------------------------------------------------


def test_generate_writes_pages_then_nothing(in_site: Path) -> None:
    first = run_cli("generate")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    written, unchanged, removed = counts(first.stderr)
    pages = manifest(in_site)
    assert written == len(pages) > 0 and unchanged == 0 and removed == 0
    assert f"briefings/{BRIEFING}.md" in pages and "actors/mark-rutte.md" in pages
    for rel in pages:
        assert (in_site / "docs" / rel).is_file(), rel
    second = run_cli("generate")
    assert second.exit_code == 0, second.stderr
    assert counts(second.stderr) == (0, len(pages), 0)


@pytest.mark.parametrize("command", ["check", "generate"])
def test_quiet_prints_nothing_on_success(in_site: Path, command: str) -> None:
    result = run_cli(command, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")


def test_quiet_build_prints_nothing_on_success(in_site: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"],
                            cwd=in_site, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert (in_site / "site" / "index.html").is_file()


def test_quiet_still_prints_errors(in_site: Path) -> None:
    (in_site / ANNOTATION).write_text("title: [\n", "utf-8")
    result = run_cli("check", "--quiet")
    assert result.exit_code == 1
    assert LOCATED.match(result.stderr), result.stderr


def test_folder_options_are_honoured(in_site: Path) -> None:
    shutil.move(in_site / "seeds", in_site / "content")
    shutil.move(in_site / "templates", in_site / "layouts")
    shutil.move(in_site / "docs", in_site / "pages")
    template = in_site / "layouts" / "briefing.md.j2"
    template.write_text(template.read_text("utf-8") + "\n<!-- from layouts -->\n", "utf-8")
    assert run_cli("check").exit_code == 1, "without --seeds there is no content"
    options = ("--seeds", "content", "--docs", "pages", "--templates", "layouts")
    checked = run_cli("check", "--seeds", "content")
    assert checked.exit_code == 0, checked.stderr
    result = run_cli("generate", *options)
    assert result.exit_code == 0, result.stderr
    assert "in pages/" in result.stderr
    page = in_site / "pages" / "briefings" / f"{BRIEFING}.md"
    assert "<!-- from layouts -->" in page.read_text("utf-8")
    assert not (in_site / "docs").exists()
    assert not (in_site / "seeds").exists() and not (in_site / "templates").exists()
    assert f"briefings/{BRIEFING}.md" in manifest(in_site, "pages")


def test_folder_options_reach_the_build(in_site: Path) -> None:
    shutil.move(in_site / "seeds", in_site / "content")
    shutil.move(in_site / "templates", in_site / "layouts")
    shutil.move(in_site / "docs", in_site / "pages")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--seeds", "content", "--docs", "pages",
         "--templates", "layouts"],
        cwd=in_site, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (in_site / "site" / "briefings" / BRIEFING / "index.html").is_file()
    assert not (in_site / "docs").exists()


def test_module_help_works(in_site: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=in_site,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    commands = ("check", "generate", "build", "serve", "draft", "init")  # the contract's
    for command in commands:
        assert re.search(rf"^\s+{command}\b", result.stdout, re.M), result.stdout
    for command in commands:
        sub = run_cli(command, "--help")
        assert sub.exit_code == 0
        for option in ("--seeds", "--docs", "--templates", "--quiet"):
            assert option in sub.stdout, (command, option)


# --- what it refuses to do ------------------------------------------------------------------


def test_refuses_to_overwrite_a_hand_written_page(in_site: Path) -> None:
    page = in_site / "docs" / "actors" / "nato.md"
    page.parent.mkdir(parents=True)
    page.write_text("# NATO, written by hand\n", "utf-8")
    before = tree_snapshot(in_site / "docs")
    result = run_cli("generate")
    assert result.exit_code == 1
    assert "docs/actors/nato.md" in result.stderr
    assert "refusing to overwrite" in result.stderr
    assert page.read_text("utf-8") == "# NATO, written by hand\n"
    assert tree_snapshot(in_site / "docs") == before, "a refused run must write nothing"


def test_refuses_to_overwrite_a_generated_page_edited_by_hand(in_site: Path) -> None:
    assert run_cli("generate").exit_code == 0
    page = in_site / "docs" / "actors" / "nato.md"
    edited = page.read_text("utf-8") + "\nA note added by hand.\n"
    page.write_text(edited, "utf-8")
    actors = in_site / "seeds" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace(
        "title: North Atlantic Treaty Organization", "title: The North Atlantic Alliance"),
        "utf-8")
    before = tree_snapshot(in_site / "docs")
    result = run_cli("generate")
    assert result.exit_code == 1
    assert "docs/actors/nato.md" in result.stderr
    assert "edited by hand" in result.stderr
    assert page.read_text("utf-8") == edited
    assert tree_snapshot(in_site / "docs") == before, "a refused run must write nothing"


def test_stale_generated_page_is_deleted(in_site: Path) -> None:
    actors = in_site / "seeds" / "actors.yaml"
    original = actors.read_text("utf-8")
    actors.write_text(original + EXTRA_ACTOR, "utf-8")
    assert run_cli("generate").exit_code == 0
    page = in_site / "docs" / "actors" / "extra-actor.md"
    assert page.is_file()
    assert "actors/extra-actor.md" in manifest(in_site)
    actors.write_text(original, "utf-8")
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    assert not page.exists()
    assert "actors/extra-actor.md" not in manifest(in_site)
    assert counts(result.stderr)[2] == 1


def test_stale_page_edited_by_hand_is_kept_with_a_warning(in_site: Path) -> None:
    actors = in_site / "seeds" / "actors.yaml"
    original = actors.read_text("utf-8")
    actors.write_text(original + EXTRA_ACTOR, "utf-8")
    assert run_cli("generate").exit_code == 0
    page = in_site / "docs" / "actors" / "extra-actor.md"
    page.write_text(page.read_text("utf-8") + "\nKept by hand.\n", "utf-8")
    actors.write_text(original, "utf-8")
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    assert page.is_file()
    assert re.search(r"^docs/actors/extra-actor\.md: warning: ", result.stderr, re.M), \
        result.stderr


def test_concurrent_run_is_refused(in_site: Path) -> None:
    with open(in_site / ".briefings-lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        before = tree_snapshot(in_site / "docs")
        result = run_cli("generate")
        assert result.exit_code == 1
        assert "another run is in progress" in result.stderr
        assert tree_snapshot(in_site / "docs") == before
        fcntl.flock(lock, fcntl.LOCK_UN)
    after = run_cli("generate")
    assert after.exit_code == 0, after.stderr


# --- mkdocs.yml and the folders around the content -----------------------------------------

def _configured(root: Path, line: str) -> int:
    """Add a line to mkdocs.yml; its number."""
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8").rstrip("\n") + "\n"
    config.write_text(text + line + "\n", "utf-8")
    return text.count("\n") + 1


@pytest.mark.parametrize(("line", "message"), [
    ("site_dir: .", "site_dir (.) holds the site root: a build would replace the content with "
                    "the built site; use a folder of its own, such as site"),
    ("site_dir: seeds", "site_dir (seeds) and seeds (seeds) are the same folder or one holds "
                        "the other: a build replaces the site folder as a whole; use a folder "
                        "of its own, such as site"),
    ("site_dir: docs", "site_dir (docs) and docs_dir (docs) are the same folder or one holds "
                       "the other: a build replaces the site folder as a whole; use a folder "
                       "of its own, such as site"),
    ("docs_dir: seeds/articles", "docs_dir (seeds/articles) and seeds (seeds) are the same "
                                 "folder or one holds the other; give each a folder of its own"),
    ("docs_dir: .", "docs_dir is the site root: the generated pages would be written among "
                    "the content; use a folder of its own, such as docs"),
    ("docs_dir:", "docs_dir must be a folder name, such as docs; got nothing"),
    ("docs_dir: 5", "docs_dir must be a folder name, such as docs; got int 5"),
    ("plugins: 5", "plugins must be a list of plugin names, such as [search, briefings]; "
                   "got int 5"),
    ('use_directory_urls: "no"', "use_directory_urls must be true or false; got str 'no'"),
    ("nav: [", "not valid YAML (did not find expected node content); MkDocs cannot read it "
               "either"),
])
def test_settings_that_would_overwrite_content_or_mislead_are_refused(
    in_site: Path, line: str, message: str
) -> None:
    """site_dir: . made a build replace the whole site folder (content and all) with the
    built site; docs_dir inside seeds wrote pages among the articles. Each such setting, and
    one of the wrong type, is an error at its line, before anything is read or written."""
    number = _configured(in_site, line)
    before = tree_snapshot(in_site)
    result = run_cli("build")
    assert result.exit_code == 1
    below = 1 if line == "nav: [" else 0  # YAML finds the bracket unclosed at the end
    assert result.stderr.splitlines()[0] == f"mkdocs.yml:{number + below}:1: error: {message}"
    assert tree_snapshot(in_site) == before


def test_an_option_that_puts_docs_in_the_content_is_refused(in_site: Path) -> None:
    before = tree_snapshot(in_site)
    result = run_cli("generate", "--docs", "seeds/articles")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "--docs: error: docs_dir (seeds/articles) and seeds (seeds) are the same folder or one "
        "holds the other; give each a folder of its own")
    assert tree_snapshot(in_site) == before


def test_the_plugins_mapping_form_gives_the_content_folder(in_site: Path) -> None:
    (in_site / "seeds").rename(in_site / "content")
    config = in_site / "mkdocs.yml"
    text = config.read_text("utf-8")
    start = text.index("plugins:")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + "plugins:\n  search: {}\n  briefings:\n"
                      "    seeds: content" + text[end:], "utf-8")
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr


def test_a_folder_that_is_no_site_gets_a_hint(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("generate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "mkdocs.yml: error: not found here, nor a seeds folder: run briefings from the site "
        "root (the folder with mkdocs.yml), or start a site with briefings init")
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_a_folder_of_pages_goes_is_an_error_every_run(in_site: Path) -> None:
    """A file in place of docs/briefings/ (or of the manifest) is refused before anything is
    committed, so the next run is not left with half an update to finish."""
    assert run_cli("generate").exit_code == 0
    shutil.rmtree(in_site / "docs" / "briefings")
    (in_site / "docs" / "briefings").write_text("notes\n", "utf-8")
    before = tree_snapshot(in_site / "docs")
    for _ in range(2):
        result = run_cli("generate")
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == (
            "docs/briefings: error: a file is where the generator puts a folder of pages; move "
            "or delete it")
        assert tree_snapshot(in_site / "docs") == before
    (in_site / "docs" / "briefings").unlink()
    assert run_cli("generate").exit_code == 0
    manifest_file = in_site / "docs" / ".briefings-manifest.json"
    manifest_file.unlink()
    manifest_file.mkdir()
    shutil.rmtree(in_site / "docs" / "briefings")
    result = run_cli("generate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "docs/.briefings-manifest.json: error: this is where the generator keeps the list of "
        "its pages, and it is not a file; move or delete it")


def test_an_interrupted_run_that_cannot_be_finished_is_an_error(in_site: Path) -> None:
    assert run_cli("generate").exit_code == 0
    staging = in_site / "docs" / ".briefings-staging"
    (staging / "pages" / "briefings").mkdir(parents=True)
    (staging / "pages" / "briefings" / "extra.md").write_text("x\n", "utf-8")
    (staging / "journal.json").write_text(json.dumps(
        {"version": 1, "write": ["briefings/extra.md"], "delete": {}}), "utf-8")
    (in_site / "docs" / "briefings" / "extra.md").mkdir()  # a folder where the page goes
    for _ in range(2):
        result = run_cli("generate")
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0].startswith(
            "docs/.briefings-staging: error: could not finish an interrupted earlier run (")
        assert "Traceback" not in result.stderr


def test_a_manifest_or_journal_cannot_make_the_generator_touch_a_hand_written_page(
    in_site: Path,
) -> None:
    assert run_cli("generate").exit_code == 0
    about = in_site / "docs" / "about.md"
    text = about.read_text("utf-8")
    sha = hashlib.sha256(about.read_bytes()).hexdigest()
    manifest_file = in_site / "docs" / ".briefings-manifest.json"
    data = json.loads(manifest_file.read_text("utf-8"))
    data["files"]["about.md"] = [sha]
    manifest_file.write_text(json.dumps(data), "utf-8")
    assert run_cli("generate").exit_code == 0
    assert about.read_text("utf-8") == text
    staging = in_site / "docs" / ".briefings-staging"
    (staging / "pages").mkdir(parents=True)
    (staging / "pages" / "about.md").write_text("replaced\n", "utf-8")
    (staging / "journal.json").write_text(json.dumps(
        {"version": 1, "write": ["about.md"], "delete": {}}), "utf-8")
    assert run_cli("generate").exit_code == 0
    assert about.read_text("utf-8") == text


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_lock_file_that_is_no_file_is_an_error(in_site: Path, kind: str) -> None:
    """The lock is never followed through a link (the pid would overwrite what it points
    to), and a folder in its place is reported, not a traceback."""
    lock = in_site / ".briefings-lock"
    target = in_site / "notes.txt"
    target.write_text("keep\n", "utf-8")
    if kind == "folder":
        lock.mkdir()
    else:
        lock.symlink_to(target)
    result = run_cli("generate")
    assert result.exit_code == 1
    reason = "Is a directory" if kind == "folder" else "Too many levels of symbolic links"
    assert result.stderr.splitlines()[0] == (
        f".briefings-lock: error: cannot be used to hold off a second run ({reason}): it "
        "should be a file; delete it")
    assert target.read_text("utf-8") == "keep\n"


def test_a_quote_across_two_paragraphs_is_marked_in_both(in_site: Path) -> None:
    annotation = next((in_site / "seeds" / "articles").glob("*.yaml"))
    text = annotation.read_text("utf-8")
    first = re.search(r'^    text: "(.*)"$', text, re.M)
    assert first is not None
    article, _ = split_paragraphs(annotation.with_suffix(".txt").read_text("utf-8"), False)
    ending, opening = article[0].split()[-3:], article[1].split()[:4]
    spanning = " ".join(ending + opening).replace('"', '\\"')
    annotation.write_text(text.replace(first.group(0), f'    text: "{spanning}"', 1), "utf-8")
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    page = (in_site / "docs" / "briefings" / f"{annotation.stem}.md").read_text("utf-8")
    marked = re.findall(r'<p id="(p-\d+)">[^\n]*?<mark(?: id="([^"]+)")? data-quote="quote-1">',
                        page)
    assert marked == [("p-1", "quote-1-text"), ("p-2", "")]  # its box links to where it begins
