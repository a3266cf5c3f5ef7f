"""The parallel path: on a site of at least PARALLEL_FROM briefings, `briefings generate`
checks briefings and renders pages in forked worker processes, which stage the pages they
render. Its pages must equal those of the serial path, and an error in one briefing must
stop the run with docs/ untouched, exactly as there.

(The suite's own processes run threads, which keep the pipeline serial: these runs are
subprocesses.)
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from tests.conftest import copy_site, corpus_maker, tree_snapshot

SIZE = pipeline.PARALLEL_FROM + 10
pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no workers")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    corpus_maker().make_corpus(corpus, briefings=SIZE, seed=3)
    return corpus / "seeds"


def generate(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "generate"], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "BRIEFINGS_CACHE_DIR": str(root / ".cache")})


def test_workers_write_the_pages_of_the_serial_path(tmp_path: Path, large_site: Path) -> None:
    root = copy_site(tmp_path / "root", large_site)
    result = generate(root)
    assert result.returncode == 0, result.stderr
    assert f"checked briefings: {SIZE}" in result.stderr  # the workers' progress, one line
    pages, problems = pipeline.render_pages(pipeline.read_settings(root))  # serial, here
    assert pages is not None, problems
    docs = tree_snapshot(root / "docs")
    assert {rel: docs[rel].decode("utf-8") for rel in pages} == pages
    assert not (root / "docs" / ".briefings-staging").exists()


def test_an_error_found_by_a_worker_leaves_docs_as_they_were(
    tmp_path: Path, large_site: Path
) -> None:
    root = copy_site(tmp_path / "root", large_site)
    assert generate(root).returncode == 0
    before = tree_snapshot(root / "docs")
    # A new briefing for every page to change, and one broken quote among the others.
    annotations = sorted((root / "seeds" / "articles").glob("*.yaml"))
    for annotation in annotations[:3]:
        text = annotation.read_text("utf-8")
        annotation.write_text(re.sub(r'^title: "', 'title: "Edited: ', text, count=1,
                                     flags=re.M), "utf-8")
    broken = annotations[-1]
    text = broken.read_text("utf-8")
    quote = re.search(r'^    text: "([^"]+)"', text, re.M)
    assert quote is not None
    broken.write_text(text.replace(quote.group(1), quote.group(1) + " and words never said",
                                   1), "utf-8")
    for cached in (root / ".cache").glob("*.sqlite"):
        cached.unlink()  # every briefing is checked again: enough of them to start the workers
    result = generate(root)
    assert result.returncode == 1
    line = quote.string[: quote.start(1)].count("\n") + 1
    assert re.search(rf"^seeds/articles/{broken.name}:{line}:\d+: error: quote \d+ text not "
                     "found in the article", result.stderr, re.M), result.stderr
    assert "nothing was written" in result.stderr
    assert tree_snapshot(root / "docs") == before
    assert not (root / "docs" / ".briefings-staging").exists()


def test_a_change_of_names_checked_on_workers_writes_the_pages_of_the_serial_path(
    tmp_path: Path, large_site: Path
) -> None:
    """After an alias is added that no article holds, the workers find what was checked of
    each briefing standing, under the registry's new key; the parent, which has not read
    those results from its cache, reads each under that key when a page needs it."""
    root = copy_site(tmp_path / "root", large_site)
    assert generate(root).returncode == 0
    actors = root / "seeds" / "actors.yaml"
    for added in ("Qzxw Nowhere", "Qzxw Elsewhere"):  # (the second: the articles' words kept)
        text = actors.read_text("utf-8")
        assert '\n  aliases: ["' in text  # a state's, early in the registry and in many briefings
        actors.write_text(text.replace('\n  aliases: ["', f'\n  aliases: ["{added}", "', 1),
                          "utf-8")
        result = generate(root)
        assert result.returncode == 0, result.stderr
        assert "checked briefings" in result.stderr  # on the workers
        pages, problems = pipeline.render_pages(pipeline.read_settings(root))
        assert pages is not None, problems
        docs = tree_snapshot(root / "docs")
        assert {rel: docs[rel].decode("utf-8") for rel in pages} == pages
        assert generate(root).stderr.startswith("generated 0 page(s)")


def _on_a_terminal(root: Path, *args: str) -> str:
    """What `briefings generate` prints when its standard error is a terminal (a pty)."""
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "generator", "generate", *args], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=terminal, timeout=300,
                              env={**os.environ, "BRIEFINGS_CACHE_DIR": str(root / ".cache")})
        os.close(terminal)
        terminal = -1
        assert done.returncode == 0
        out = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal side is closed and everything has been read
                break
            if not chunk:
                break
            out += chunk
        return out.decode("utf-8")
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)


def test_progress_is_a_bar_on_a_terminal_a_line_elsewhere_and_nothing_when_quiet(
    tmp_path: Path, large_site: Path
) -> None:
    shown = _on_a_terminal(copy_site(tmp_path / "bar", large_site))
    # One bar per stage, redrawn in place with a carriage return and ended by a new line.
    bar = re.compile(r"\r(checked briefings|planned pages|written pages) +\[(#*)(-*)\] (\d+)/(\d+)")
    stages = {}
    for label, filled, empty, done, total in bar.findall(shown):
        assert len(filled) + len(empty) == 30
        assert len(filled) == 30 * int(done) // int(total)
        stages[label] = (int(done), int(total))
    assert stages["checked briefings"] == (SIZE, SIZE)
    assert set(stages) == {"checked briefings", "planned pages", "written pages"}
    assert all(done == total for done, total in stages.values())

    plain = generate(copy_site(tmp_path / "lines", large_site))
    assert "\r" not in plain.stderr and "[#" not in plain.stderr
    assert re.search(rf"^checked briefings: {SIZE}$", plain.stderr, re.M), plain.stderr
    assert re.search(r"^written pages: \d+$", plain.stderr, re.M), plain.stderr

    quiet = _on_a_terminal(copy_site(tmp_path / "quiet", large_site), "--quiet")
    assert not bar.search(quiet) and "checked briefings" not in quiet
