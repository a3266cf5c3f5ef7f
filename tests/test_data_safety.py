"""Data safety for real: runs killed with SIGKILL while writing, concurrent builds, a failed or
killed build, determinism and idempotence of docs/ and site/.

The kill tests run `python -m generator generate` on a synthetic site (benchmarks/
make_corpus.py) whose content has changed since its pages were generated (every summary and
actor description, three briefings removed, an actor added), so the run writes, replaces and
deletes pages. Each run is killed at one point of the write phase:

- at an exact file-system step (counted by a hook that wraps os.replace, os.unlink, os.mkdir,
  os.rmdir and open-for-writing inside docs/, and SIGKILLs its own process before the step):
  the first step, the middle of staging, the journal, the commit, the first and a middle
  move, the first deletion, the manifest, the journal's removal and the middle of clean-up;
- from outside, by polling docs/ for the staging folder or the journal, or after a random
  delay once staging has begun.

Right after the kill, docs/ (ignoring the staging folder, which MkDocs skips) must hold exactly
the old pages, unless the journal was committed; the next run must then recover and leave
exactly the new pages, the same bytes as a clean run.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import write
from generator.write import JOURNAL, MANIFEST, RETIRED, STAGING
from tests.conftest import copy_site, corpus_maker, run_cli, tree_snapshot

BRIEFINGS = 60
REMOVED = 3
CACHE_VARIABLE = "BRIEFINGS_CACHE_DIR"
SEED = int(os.environ.get("BRIEFINGS_KILL_SEED", time.time_ns() % 100_000))

# Runs `briefings generate` with every file-system step inside docs/ counted; SIGKILLs itself
# before step KILL_AT (0: never) and logs the steps to OP_LOG when it is set.
HOOK = r"""
import builtins, os, signal, sys
KILL_AT = int(os.environ["BRIEFINGS_TEST_KILL_AT"])
DOCS = os.path.realpath(os.environ["BRIEFINGS_TEST_DOCS"])
LOG_PATH = os.environ.get("BRIEFINGS_TEST_OP_LOG")
LOG = open(LOG_PATH, "w") if LOG_PATH else None
count = 0

def inside(path, dir_fd):
    if dir_fd is not None:  # shutil.rmtree works relative to folder descriptors
        return True
    try:
        real = os.path.realpath(os.fspath(path))
    except TypeError:
        return False
    return real == DOCS or real.startswith(DOCS + os.sep)

def step(name, path):
    global count
    count += 1
    if LOG:
        LOG.write(f"{count}\t{name}\t{os.fspath(path)}\n")
        LOG.flush()
    if count == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)

def wrap(name):
    real = getattr(os, name)
    def patched(*args, **kwargs):
        if args and inside(args[0], kwargs.get("dir_fd")):
            step(name, args[0])
        return real(*args, **kwargs)
    setattr(os, name, patched)

for name in ("replace", "rename", "unlink", "remove", "rmdir", "mkdir"):
    wrap(name)
real_open = builtins.open
def patched_open(file, mode="r", *args, **kwargs):
    if isinstance(mode, str) and any(c in mode for c in "wxa+") and inside(file, None):
        step("open", file)
    return real_open(file, mode, *args, **kwargs)
builtins.open = patched_open
sys.argv = ["briefings", "generate"]
from generator.cli import main
main()
"""


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    return {**env, "PYTHONUTF8": "1", CACHE_VARIABLE: str(cache), **extra}


def briefings(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env=_env(root.parent / "cache", **extra))


def visible(docs: Path) -> dict[str, bytes]:
    """docs/ as MkDocs and readers see it: everything but the staging folder."""
    return {k: v for k, v in tree_snapshot(docs).items() if not k.startswith(STAGING + "/")}


def _change_content(seeds: Path) -> None:
    """New titles, summaries and actor descriptions, three briefings gone, one actor more."""
    articles = sorted((seeds / "articles").glob("*.yaml"))
    for path in articles:
        text = re.sub(r'^summary: "', 'summary: "Updated. ', path.read_text("utf-8"), count=1,
                      flags=re.M)
        path.write_text(re.sub(r'^title: "', 'title: "Revised ', text, count=1, flags=re.M),
                        "utf-8")
    for path in articles[:REMOVED]:
        path.unlink()
        path.with_suffix(".txt").unlink()
    actors = seeds / "actors.yaml"
    text = re.sub(r'^  description: "', '  description: "Revised. ', actors.read_text("utf-8"),
                  flags=re.M)
    actors.write_text(text + "\nadded-actor:\n  name: Added Actor\n  kind: person\n", "utf-8")


@dataclass
class Corpus:
    """A site whose pages were generated from old content, its content since changed."""

    template: Path  # docs/ holds the old pages, seeds/ the new content
    old: dict[str, bytes]
    new: dict[str, bytes]
    steps: list[tuple[int, str, str]]  # the write phase of a clean run, step by step


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    base = tmp_path_factory.mktemp("corpus")
    corpus_maker().make_corpus(base / "content", BRIEFINGS)
    template = copy_site(base / "template", base / "content" / "seeds")
    first = briefings(template, "generate")
    assert first.returncode == 0, first.stderr
    old = tree_snapshot(template / "docs")
    _change_content(template / "seeds")
    clean = base / "clean"
    shutil.copytree(template, clean)
    log = base / "steps.log"
    result = subprocess.run(
        [sys.executable, "-c", HOOK], cwd=clean, capture_output=True, text=True, timeout=300,
        env=_env(base / "clean-cache", BRIEFINGS_TEST_KILL_AT="0",
                 BRIEFINGS_TEST_DOCS=str(clean / "docs"), BRIEFINGS_TEST_OP_LOG=str(log)))
    assert result.returncode == 0, result.stderr
    new = tree_snapshot(clean / "docs")
    assert not any(k.startswith(STAGING) for k in new)
    changed = sum(old.get(k) != v for k, v in new.items())
    removed = len(set(old) - set(new))
    assert changed > 100 and removed >= REMOVED, (changed, removed)
    print(f"corpus: {len(old)} files before, {len(new)} after, {changed} written, "
          f"{removed} removed")
    steps = [(int(n), op, path) for n, op, path in
             (line.split("\t") for line in log.read_text("utf-8").splitlines())]
    return Corpus(template, old, new, steps)


def _kill_step(steps: list[tuple[int, str, str]], point: str, rng: random.Random) -> int:
    """The number of the step to kill the run before, for a named point of the write phase."""
    def numbers(op: str, part: str = "") -> list[int]:
        return [n for n, o, p in steps if o == op and part in p]

    staged = numbers("open", f"/{STAGING}/pages/")
    commit = next(n for n, o, p in steps if o == "replace" and p.endswith(f"{JOURNAL}.tmp"))
    moves = [n for n in numbers("replace", f"/{STAGING}/pages/") if n > commit]
    deletions = [n for n, o, p in steps if o == "unlink" and STAGING not in p]
    manifest = next(n for n, o, p in steps if o == "replace" and p.endswith("manifest.json"))
    retire = next(n for n, o, p in steps if o == "replace" and p.endswith(STAGING))
    cleanup = [n for n, _, _ in steps if n > retire]
    chosen = {
        "first-step": steps[0][0],
        "mid-staging": rng.choice(staged[1:-1]),
        "journal-write": numbers("open", f"{JOURNAL}.tmp")[0],
        "commit": commit,
        "first-move": moves[0],
        "mid-move": rng.choice(moves[1:-1]),
        "first-deletion": deletions[0],
        "manifest": manifest,
        "retire": retire,
        "mid-cleanup": rng.choice(cleanup),
    }
    return chosen[point]


EXACT_POINTS = ("first-step", "mid-staging", "journal-write", "commit", "first-move",
                "mid-move", "first-deletion", "manifest", "retire", "mid-cleanup")
OUTSIDE_POINTS = ("poll-staging", "poll-journal", "random-delay")


def _run_and_kill_from_outside(root: Path, point: str, rng: random.Random) -> int:
    """Start `briefings generate`; SIGKILL its process group at `point`; return its status."""
    staging = root / "docs" / STAGING
    watched = staging / JOURNAL if point == "poll-journal" else staging
    process = subprocess.Popen([sys.executable, "-m", "generator", "generate"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_env(root.parent / "cache"), start_new_session=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if os.path.exists(watched):
            if point == "random-delay":
                time.sleep(rng.uniform(0, 0.05))
            with_group_killed(process)
            break
        time.sleep(0.0002)
    return process.wait(timeout=60)


def with_group_killed(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a run and anything it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.parametrize("point", EXACT_POINTS + OUTSIDE_POINTS)
def test_killed_generate_leaves_old_or_new_pages(
    corpus: Corpus, tmp_path: Path, point: str
) -> None:
    rng = random.Random(f"{SEED}-{point}")
    root = tmp_path / "site"
    shutil.copytree(corpus.template, root)
    if point in EXACT_POINTS:
        step = _kill_step(corpus.steps, point, rng)
        killed = subprocess.run(
            [sys.executable, "-c", HOOK], cwd=root, capture_output=True, text=True,
            timeout=300, env=_env(tmp_path / "cache", BRIEFINGS_TEST_KILL_AT=str(step),
                                  BRIEFINGS_TEST_DOCS=str(root / "docs")))
        status = killed.returncode
        assert status == -signal.SIGKILL, f"{point} (step {step}) was not reached: " \
            f"{killed.stderr}"
    else:
        status = _run_and_kill_from_outside(root, point, rng)
    docs = root / "docs"
    committed = (docs / STAGING / JOURNAL).is_file()
    leftover = (docs / STAGING).exists()
    now = {k: v for k, v in visible(docs).items() if not k.startswith(RETIRED + "/")}
    where = f"{point} (seed {SEED}, status {status})"
    if status == 0:
        assert now == corpus.new, f"{where}: a finished run left other pages"
    elif not committed:  # not yet committed, or complete and cleaning up
        assert now in (corpus.old, corpus.new), f"{where}: no journal, yet a mix of pages"
    else:  # committed: every page is the old or the new one until the next run finishes
        for rel, data in now.items():
            assert data in (corpus.old.get(rel), corpus.new.get(rel)), f"{where}: {rel}"
    state = ("finished" if status == 0 else "committed" if committed else
             "old pages" if now == corpus.old else "new pages")
    print(f"kill at {point}: status {status}, {state}")

    again = briefings(root, "generate")
    assert again.returncode == 0, f"{where}: {again.stderr}"
    assert "Traceback" not in again.stderr
    assert tree_snapshot(docs) == corpus.new, f"{where}: the next run did not finish the update"
    if leftover:
        assert f"docs/{STAGING}: warning: an earlier run was interrupted" in again.stderr


def test_a_crashed_run_is_finished_before_cached_pages_are_kept(tmp_path: Path) -> None:
    """Killed after its commit, a run's pages land on the next run: never as a stale page.

    The content is put back before the next run, so pages the cache considers unchanged on
    disk are exactly those the interrupted run was replacing.
    """
    root = copy_site(tmp_path / "site")
    assert briefings(root, "generate").returncode == 0
    original = tree_snapshot(root / "docs")
    annotation = next((root / "seeds" / "articles").glob("*.yaml"))
    text = annotation.read_text("utf-8")
    annotation.write_text(re.sub(r"^title: .*$", 'title: "A changed title"', text, count=1,
                                 flags=re.M), "utf-8")
    log = tmp_path / "steps.log"
    dry = tmp_path / "dry"
    shutil.copytree(root, dry)
    subprocess.run([sys.executable, "-c", HOOK], cwd=dry, capture_output=True, timeout=300,
                   env=_env(tmp_path / "dry-cache", BRIEFINGS_TEST_KILL_AT="0",
                            BRIEFINGS_TEST_DOCS=str(dry / "docs"),
                            BRIEFINGS_TEST_OP_LOG=str(log)), check=True)
    steps = [line.split("\t") for line in log.read_text("utf-8").splitlines()]
    first_move = next(int(n) for n, op, path in steps
                      if op == "replace" and f"/{STAGING}/pages/" in path)
    killed = subprocess.run([sys.executable, "-c", HOOK], cwd=root, capture_output=True,
                            timeout=300, env=_env(tmp_path / "cache",
                                                  BRIEFINGS_TEST_KILL_AT=str(first_move + 1),
                                                  BRIEFINGS_TEST_DOCS=str(root / "docs")))
    assert killed.returncode == -signal.SIGKILL
    assert (root / "docs" / STAGING / JOURNAL).is_file()
    annotation.write_text(text, "utf-8")  # back to the content of `original`
    for _ in range(2):  # a run may ask to be run again, but may never succeed with stale pages
        result = briefings(root, "generate")
        assert "Traceback" not in result.stderr
        print(f"after the crash: status {result.returncode}: {result.stderr.strip()}")
        if result.returncode == 0:
            break
        assert "run the command again" in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert tree_snapshot(root / "docs") == original


@pytest.mark.parametrize("failing", [1, 5, "journal"])
def test_a_full_disk_leaves_docs_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int | str
) -> None:
    """ENOSPC while staging (the 1st or 5th page, or the journal): docs/ as it was."""
    root = copy_site(tmp_path / "site")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    assert run_cli("generate").exit_code == 0
    before = tree_snapshot(root / "docs")
    annotation = next((root / "seeds" / "articles").glob("*.yaml"))
    annotation.write_text(re.sub(r"^title: .*$", 'title: "A changed title"',
                                 annotation.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    real_create = write._create
    calls: list[Path] = []

    def full_disk(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == failing or (failing == "journal" and target.name.startswith(JOURNAL)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real_create(target, data)

    monkeypatch.setattr(write, "_create", full_disk)
    result = run_cli("generate")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^docs: error: could not write the pages \(No space left on device\); "
                     r"docs/ was left as it was$", result.stderr, re.M), result.stderr
    assert tree_snapshot(root / "docs") == before
    monkeypatch.setattr(write, "_create", real_create)
    assert run_cli("generate").exit_code == 0
    assert tree_snapshot(root / "docs") != before


# --- site/ ----------------------------------------------------------------------------------


def _site_state(root: Path) -> dict[str, bytes]:
    return tree_snapshot(root / "site")


def test_killed_build_keeps_a_complete_site(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    first = briefings(root, "build", "--quiet")
    assert first.returncode == 0, first.stderr
    old = _site_state(root)
    rng = random.Random(SEED)
    annotation = next((root / "seeds" / "articles").glob("*.yaml"))
    annotation.write_text(re.sub(r"^title: .*$", 'title: "A changed title"',
                                 annotation.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet"],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_env(root.parent / "cache"), start_new_session=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if list(root.glob(".briefings-site-*")):  # MkDocs is building into the staging folder
            time.sleep(rng.uniform(0, 1.0))
            with_group_killed(process)
            break
        time.sleep(0.001)
    status = process.wait(timeout=60)
    after_kill = _site_state(root)
    second = briefings(root, "build", "--quiet")
    assert second.returncode == 0, second.stderr
    new = _site_state(root)
    assert new != old
    assert after_kill in (old, new), f"killed build (status {status}) left a mixed site/"
    assert not list(root.glob(".briefings-site-*")) and not list(root.glob(".briefings-old-*"))
    print(f"build killed with status {status}: site/ was "
          f"{'the old one' if after_kill == old else 'the new one'}")


def test_symlinked_site_is_refused(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    elsewhere = tmp_path / "published"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("published elsewhere\n", "utf-8")
    (root / "site").symlink_to(elsewhere, target_is_directory=True)
    result = briefings(root, "build", "--quiet")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "refusing to replace site, a symbolic link" in result.stderr, result.stderr
    assert (root / "site").is_symlink()
    assert tree_snapshot(elsewhere) == {"index.html": b"published elsewhere\n"}


def test_two_builds_at_once(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_env(root.parent / "cache")) for _ in range(2)]
    results = [(run.wait(timeout=300), run.communicate()[1]) for run in runs]
    statuses = sorted(status for status, _ in results)
    assert statuses in ([0, 0], [0, 1]), results
    for status, stderr in results:
        assert "Traceback" not in stderr, stderr
        if status == 1:
            assert re.fullmatch(r"\.briefings-lock: error: another run is in progress "
                                r"\(pid (\d+|unknown)\); wait for it to finish\n"
                                r"1 error\(s\), 0 warning\(s\)\n", stderr), stderr
    built = _site_state(root)
    assert "index.html" in built
    mtimes = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*")}
    again = briefings(root, "build", "--quiet")
    assert again.returncode == 0, again.stderr
    assert _site_state(root) == built, "the concurrent builds left a site/ unlike a clean build"
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*")} == mtimes


def test_build_is_byte_identical_and_rewrites_nothing(tmp_path: Path) -> None:
    """Without SOURCE_DATE_EPOCH: the newest briefing's date is the build date."""
    root = copy_site(tmp_path / "site")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    first = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root,
                           capture_output=True, text=True, timeout=300,
                           env={**env, "PYTHONHASHSEED": "1",
                                CACHE_VARIABLE: str(tmp_path / "cache")})
    assert first.returncode == 0, first.stderr
    site, docs = _site_state(root), tree_snapshot(root / "docs")
    mtimes = {p: p.stat().st_mtime_ns for folder in ("site", "docs")
              for p in (root / folder).rglob("*")}
    time.sleep(1.1)  # a build date taken from the clock would now differ
    second = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root,
                            capture_output=True, text=True, timeout=300,
                            env={**env, "PYTHONHASHSEED": "2",
                                 CACHE_VARIABLE: str(tmp_path / "cache-2")})
    assert second.returncode == 0, second.stderr
    assert _site_state(root) == site
    assert tree_snapshot(root / "docs") == docs
    assert {p: p.stat().st_mtime_ns for folder in ("site", "docs")
            for p in (root / folder).rglob("*")} == mtimes, "an identical run rewrote files"
    newest = max(re.findall(r"^date: (\d{4}-\d{2}-\d{2})", p.read_text("utf-8"), re.M)[0]
                 for p in (root / "seeds" / "articles").glob("*.yaml"))
    epoch = struct.unpack("<I", (root / "site" / "sitemap.xml.gz").read_bytes()[4:8])[0]
    assert time.strftime("%Y-%m-%d", time.gmtime(epoch)) == newest
    assert gzip.decompress((root / "site" / "sitemap.xml.gz").read_bytes()) == \
        (root / "site" / "sitemap.xml").read_bytes()
    manifest = json.loads((root / "docs" / MANIFEST).read_text("utf-8"))
    assert manifest["files"], "the manifest lists the generated pages"
    assert os.stat(root / "site").st_mode & 0o077, "site/ must be readable by the web server"


def test_a_build_after_an_edit_keeps_the_times_of_files_it_did_not_change(
    tmp_path: Path,
) -> None:
    """The new site replaces site/ as a whole; files byte for byte as they were keep their
    times, so publishing by size and time sends only what the edit changed."""
    root = copy_site(tmp_path / "site")
    env = {**os.environ, "BRIEFINGS_CACHE_DIR": str(tmp_path / "cache")}
    build = [sys.executable, "-m", "generator", "build", "--quiet"]
    run = functools.partial(subprocess.run, build, cwd=root, env=env, capture_output=True,
                            timeout=300)
    assert run().returncode == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns)
              for p in (root / "site").rglob("*") if p.is_file()}
    annotation = next((root / "seeds" / "articles").glob("*.yaml"))
    text = annotation.read_text("utf-8")
    annotation.write_text(text.replace("Press briefing, 28 October 2024",
                                       "Press conference in Brussels", 1), "utf-8")
    time.sleep(0.05)
    assert run().returncode == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns)
             for p in (root / "site").rglob("*") if p.is_file()}
    changed = {p for p in after if p not in before or after[p][0] != before[p][0]}
    assert changed and len(changed) < len(after) // 4, sorted(map(str, changed))
    assert all(after[p][1] == before[p][1] for p in after if p not in changed)
    assert all(after[p][1] != before[p][1] for p in changed if p in before)
