"""Benchmarks for Briefings: what generating, rebuilding and previewing a large site costs.

For each size N (default 1,000 and 10,000 briefings, with N/2 actors) the script builds a
synthetic site with benchmarks/make_corpus.py in a fresh temporary folder and measures, by
running the real command line as a subprocess (so every figure includes interpreter start-up):

 1. full `generate`: wall time and peak memory (the largest process's peak RSS from wait4,
    and the PSS of all its processes together sampled from /proc every 100 ms) of
    `python -m generator generate --quiet` on a site root with no generated pages, the cost
    per briefing, and the per-briefing ratio of the largest N to the smallest (10k / 1k);
 2. a no-op rerun (same command, nothing changed): wall time and files rewritten;
 3. a rerun after editing one quote's `context:` in one YAML file: wall time (the median of
    five edits, each a new text, every one timed), files rewritten and which ones, checked
    against the pages that show that quote after each edit;
 3b. a rerun after giving that briefing a new summary, one after giving one actor in
    actors.yaml a new title, one after giving one a new alias found in no article, then one
    after adding an actor whose name is in no article: wall time and files rewritten;
 4. a cold `python -m generator build` (no generated pages, no site/) beside a bare
    `python -m mkdocs build` of the same generated Markdown with the `briefings` plugin
    removed from a copy of mkdocs.yml, both timed in the same run (alternating, twice by
    default, fastest of each kept), and their ratio (skipped at N >= 10,000 unless
    --full-build-10k);
 5. at the size nearest 1,000: Python-Markdown, with the site's markdown_extensions, rendering
    the generated pages, against the same pages reduced to plain Markdown of the same visible
    text (tags stripped with html.parser, paragraphs kept), and their ratio;
 6. at the size nearest 1,000: edit-to-updated-page latency under `python -m generator serve`
    (median of 3 edits, polling the page over HTTP every 20 ms) and how many times the serve
    log says "Building documentation" per edit.

Files rewritten are counted by comparing (mtime_ns, inode) of every file under docs/ before
and after a run, and cross-checked against the CLI's `generated N page(s)` summary line.
Every command's CPU time (user + system of all its processes, from wait4) is shown beside
its wall time. A busy machine inflates wall times far more than CPU times, so the per-briefing
flatness and markup ratios are judged on CPU time; absolute times and the build ratio (what a
user waits for; the generator may use several processes) on wall time. A shared or throttled
host can also run everything slower at the same load average, so the run times a fixed
pure-Python loop at its start and its end (the speed reference), times making page-sized
files in its folder (the disk reference: a cold run makes one file per page), and adds up
the CPU time the host gave to other guests meanwhile (steal, from /proc/stat): compare two
runs' figures only beside these.

Nothing is deleted until the run ends: the disk reference's files, each build turn's sites and
each size's folder stay until then. Without a journal, ext4 does not reuse an inode freed in
the last 30 s (vm.dirty_expire_centisecs) and searches past it, so making files in a folder
just after deleting many nearby ones costs several times as much kernel time: 220-420
microseconds a file against 55 after a pause. A cold run makes one file per page, so
deleting the last size's sites just before would time the disk's bookkeeping, not the
generator (a fresh clone does not pay it).

Run it from the project root with the project's virtual environment:

    .venv/bin/python benchmarks/run.py                      # N = 1,000 and 10,000
    .venv/bin/python benchmarks/run.py --sizes 50,200       # any sizes
    .venv/bin/python benchmarks/run.py --write-md           # also record in BENCHMARKS.md
    .venv/bin/python benchmarks/run.py --rev HEAD           # a commit instead of the tree

By default the working tree is measured (its generator/, templates/, mkdocs.yml, docs/);
--rev REV measures a commit extracted with `git archive`, put first on PYTHONPATH. Either
is byte-compiled first (`python -m compileall`), as `make site` leaves it.
Other options: --skip-build, --skip-serve, --skip-markup, --full-build-10k, --keep (keep the
temporary sites), --timeout SECONDS (per command), --serve-timeout SECONDS (per wait),
--repeats N (markup passes), --build-repeats N (build pairs). --write-md replaces the
section of BENCHMARKS.md for the same code (working tree or commit) and keeps the others.
It prints an aligned table; targets come from issue 4 and are only shown at the N they name.
The exit status is 0 unless a command fails or a measurement could not be made.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import importlib.util
import io
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
# What tests/conftest.py copy_site copies besides seeds/: keep the two in step.
HAND_WRITTEN_DOCS = ("about.md", "assets")
DEFAULT_SIZES = (1_000, 10_000)
BIG_BUILD = 10_000  # MkDocs builds at or above this size only with --full-build-10k
SERVE_EDITS = 3
POLL_SECONDS = 0.02
SUMMARY_RE = re.compile(r"generated (\d+) page\(s\), (\d+) unchanged, (\d+) removed")
CONTEXT_RE = re.compile(r'^(    context: )(.*)$')
SPEAKER_RE = re.compile(r"^  - speaker: (\S+)\s*$")
BUILDING = "Building documentation"
EDIT_RUNS = 5  # one-quote edits timed, each a new text: one run says little on a shared host
MD_START = "<!-- benchmark-results:start {key} -->"
MD_END = "<!-- benchmark-results:end {key} -->"

# Labels: tests/test_benchmarks.py checks that each one is printed.
L_STARTUP = "CLI start-up (--help)"
L_GENERATE = "full generate"
L_PEAK = "peak memory (generate)"
L_PER = "per-briefing cost"
L_PAGES = "pages generated"
L_RATIO = "per-briefing ratio"
L_NOOP = "no-op rerun"
L_NOOP_FILES = "no-op rerun: files rewritten"
L_EDIT = "one-quote edit rerun"
L_EDIT_FILES = "one-quote edit: files rewritten"
L_SUMMARY = "summary edit rerun"
L_TITLE = "actor title edit rerun"
L_ALIAS = "new alias (in no article) rerun"
L_ACTOR = "new actor (in no article) rerun"
L_BUILD = "cold build (briefings build)"
L_BARE = "bare mkdocs build"
L_BUILD_RATIO = "build / bare mkdocs"
L_MARKUP = "markup: our pages (Python-Markdown)"
L_PLAIN = "markup: plain Markdown, same text"
L_MARKUP_RATIO = "markup: ours / plain"
L_SERVE = "serve edit-to-page (median of 3)"
L_SERVE_BUILDS = "serve rebuilds per edit"
LABELS = (
    L_STARTUP, L_GENERATE, L_PEAK, L_PER, L_PAGES, L_RATIO, L_NOOP, L_NOOP_FILES, L_EDIT,
    L_EDIT_FILES, L_SUMMARY, L_TITLE, L_ALIAS, L_ACTOR, L_BUILD, L_BARE, L_BUILD_RATIO,
    L_MARKUP, L_PLAIN, L_MARKUP_RATIO, L_SERVE, L_SERVE_BUILDS,
)


class BenchmarkError(Exception):
    """A command failed or a measurement could not be made."""


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One figure: what was measured, at which N, the value, and the issue's target."""

    label: str
    size: int | None
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class Results:
    """Everything one run measured, plus details printed below the table."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    broken: bool = False  # a command failed or a measurement could not be made

    def attempt(self, size: int, labels: Sequence[str], measure: Callable[..., None],
                *args: Any) -> None:
        """Run `measure(*args)`; if it fails, say so in its rows and carry on with the rest."""
        try:
            measure(*args)
        except BenchmarkError as exc:
            self.broken = True
            self.failures.append(f"N={size:,}: {labels[0]} failed: {exc}")
            for label in labels:
                self.add(label, size, "FAILED (see below)")

    def add(self, label: str, size: int | None, value: str, target: str = "",
            met: bool | None = None) -> None:
        self.rows.append(Row(label, size, value, target, met))


def fmt_n(size: int | None) -> str:
    return "" if size is None else f"{size:,}"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_run(run: Run) -> str:
    """Wall time with the CPU time beside it (CPU time suffers less from a busy machine)."""
    return f"{fmt_s(run.seconds)} (cpu {run.cpu_seconds:.1f} s)"


def fmt_mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table."""
    head = ("measurement", "N", "value", "target", "met")
    body = [(r.label, fmt_n(r.size), r.value, r.target, met_text(r.met)) for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    right = {1}

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(cells) for cells in body)])


# ---------------------------------------------------------------------------------------------
# Running commands
# ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    """A finished subprocess: wall time, its own peak RSS, exit status and output."""

    args: list[str]
    seconds: float
    peak_rss_kb: int  # the largest single process (wait4's ru_maxrss)
    peak_total_kb: int  # all its processes together (PSS), sampled from /proc every 100 ms
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def peak_kb(self) -> int:
        return max(self.peak_rss_kb, self.peak_total_kb)

    def peak_text(self) -> str:
        """Peak memory; the largest process too when workers add to it."""
        if self.peak_total_kb > self.peak_rss_kb * 1.05:
            return (f"{fmt_mb(self.peak_total_kb)} (all processes; largest "
                    f"{fmt_mb(self.peak_rss_kb)})")
        return fmt_mb(self.peak_kb)

    def check(self) -> Run:
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise BenchmarkError(f"{' '.join(self.args)} exited {self.returncode}:\n{tail}")
        return self


def run_timed(args: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> Run:
    """Run `args` in `cwd`; wall time from start to reaping, CPU time and peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc.pid, signal.SIGKILL))
        timer.start()
        sampler = _RssSampler(proc.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.done.set()
            sampler.join()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        result = Run(args, seconds, int(usage.ru_maxrss), sampler.peak_kb,
                     usage.ru_utime + usage.ru_stime, proc.returncode,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    if result.returncode == -signal.SIGKILL:
        raise BenchmarkError(f"{' '.join(args)} took more than {timeout:.0f} s; killed")
    return result


class _RssSampler(threading.Thread):
    """Samples the memory of every process in a session (the child and any workers) together.

    Each process counts its proportional set size (PSS, from smaps_rollup), so pages forked
    workers share with their parent are counted once; without smaps_rollup, its RSS.
    """

    PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.done = threading.Event()
        self.peak_kb = 0

    def run(self) -> None:
        if not Path("/proc/self/statm").exists():
            return
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, self.sample())
            self.done.wait(0.1)

    def sample(self) -> int:
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_bytes()
                fields = stat[stat.rindex(b")") + 2:].split()  # state ppid pgrp session ...
                if int(fields[3]) != self.session:
                    continue
                total += self.memory_kb(entry.name)
            except (OSError, ValueError, IndexError):
                continue
        return total

    def memory_kb(self, pid: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * self.PAGE_KB


def _kill_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def briefings_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


# ---------------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------------


def load_make_corpus() -> ModuleType:
    """benchmarks/make_corpus.py, loaded by path (benchmarks/ is not a package)."""
    path = ROOT / "benchmarks" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("briefings_make_corpus", path)
    if spec is None or spec.loader is None:
        raise BenchmarkError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Code:
    """The code under test: a project tree (this one, or a `git archive` of --rev)."""

    tree: Path
    label: str
    env: dict[str, str]
    key: str  # names its section in BENCHMARKS.md

    @classmethod
    def working_tree(cls) -> Code:
        return cls(ROOT, "working tree", dict(os.environ), "working tree")

    @classmethod
    def revision(cls, rev: str, into: Path) -> Code:
        """Extract `rev` with git archive; its generator/ shadows the installed one."""
        done = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT,
                              capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            raise BenchmarkError(f"git archive {rev}: {done.stderr.decode().strip()}")
        into.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(into, filter="data")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(into), *filter(None, [os.environ.get("PYTHONPATH")])])
        short = _git("rev-parse", "--short", rev) or rev
        named = f" ({rev})" if rev != short else ""
        return cls(into, f"commit {short}{named}, from git archive", env, f"commit {short}")


def new_site(target: Path, seeds: Path, code: Code) -> Path:
    """A site root like tests/conftest.py copy_site: config, templates, hand-written docs."""
    target.mkdir(parents=True)
    shutil.copy(code.tree / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(code.tree / "templates", target / "templates")
    (target / "docs").mkdir()
    for name in HAND_WRITTEN_DOCS:
        source = code.tree / "docs" / name
        if source.is_dir():
            shutil.copytree(source, target / "docs" / name)
        else:
            shutil.copy(source, target / "docs" / name)
    shutil.copytree(seeds, target / "seeds")
    return target


Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """(mtime_ns, inode) of every file under `folder`, dotfiles included."""
    found: Snapshot = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            info = path.stat()
            found[path.relative_to(folder).as_posix()] = (info.st_mtime_ns, info.st_ino)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    """Files written, created or deleted between two snapshots (deleted ones marked)."""
    changed = [rel for rel, stamp in after.items() if before.get(rel) != stamp]
    changed += [f"{rel} (deleted)" for rel in before if rel not in after]
    return sorted(changed)


def is_page(rel: str) -> bool:
    """A Markdown page, as opposed to the generator's own bookkeeping (dotfiles)."""
    return rel.endswith(".md") and not any(p.startswith(".") for p in rel.split("/"))


def summary_count(stderr: str) -> int | None:
    """Pages written according to the CLI's summary line, if it printed one."""
    match = SUMMARY_RE.search(stderr)
    return int(match.group(1)) if match else None


@dataclass
class QuoteEdit:
    """Where one quote's `context:` line is, so it can be changed again and again."""

    yaml_file: Path
    line_index: int
    speaker: str
    slug: str
    original: str

    def apply(self, new_context: str) -> None:
        lines = self.yaml_file.read_text("utf-8").splitlines(keepends=True)
        match = CONTEXT_RE.match(lines[self.line_index].rstrip("\n"))
        if match is None:
            raise BenchmarkError(f"{self.yaml_file}:{self.line_index + 1}: context line moved")
        lines[self.line_index] = f'{match.group(1)}"{new_context}"\n'
        self.yaml_file.write_text("".join(lines), "utf-8")


def find_quote_edit(seeds: Path) -> QuoteEdit:
    """A quote with a `context:` line in a briefing from the middle of the sorted list."""
    files = sorted((seeds / "articles").glob("*.yaml"))
    if not files:
        raise BenchmarkError(f"no YAML files in {seeds / 'articles'}")
    middle = len(files) // 2
    for path in files[middle:] + files[:middle]:
        speaker = None
        in_quotes = False
        for index, line in enumerate(path.read_text("utf-8").splitlines()):
            if not line.startswith(" "):
                in_quotes = line.startswith("quotes:")
                speaker = None
                continue
            found = SPEAKER_RE.match(line)
            if in_quotes and found:
                speaker = found.group(1)
            context = CONTEXT_RE.match(line)
            if in_quotes and speaker and context:
                return QuoteEdit(path, index, speaker, path.stem, context.group(2))
    raise BenchmarkError("no quote with a context: line in any YAML file")


def edit_summary(annotation: Path, size: int) -> str:
    """Give a briefing a new one-line summary."""
    lines = annotation.read_text("utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("summary: "):
            end = index + 1  # past a folded block's lines
            while end < len(lines) and lines[end].startswith(" "):
                end += 1
            lines[index:end] = [f'summary: "Benchmark summary {size}."\n']
            annotation.write_text("".join(lines), "utf-8")
            return f"{annotation.name}:{index + 1}: summary: \"Benchmark summary {size}.\""
    raise BenchmarkError(f"no 'summary:' line in {annotation}")


def edit_actor_title(actors: Path, size: int) -> str:
    """Give the first titled actor in the second half of actors.yaml a new title."""
    title = f'title: "Benchmark title {size}"'
    number, old = _edit_later_line(actors, "  title: ", lambda line: f"  {title}\n")
    return f"actors.yaml:{number}: {old.strip()} -> {title}"


def add_unused_alias(actors: Path, size: int) -> str:
    """Give the first actor with a one-line alias list in the second half of actors.yaml
    one more alias, a word found in no article."""
    alias = f"Qzxw Benchmark {size}"
    number, _ = _edit_later_line(actors, "  aliases: [",
                                 lambda line: line.replace("[", f'["{alias}", ', 1))
    return f"actors.yaml:{number}: alias \"{alias}\" added"


def add_unseen_actor(actors: Path, size: int) -> str:
    """Add an actor at the end of actors.yaml whose name is found in no article."""
    entry = f'qzxw-benchmark-{size}:\n  name: "Qzxw Benchmark Actor {size}"\n  kind: person\n'
    text = actors.read_text("utf-8").rstrip("\n") + "\n\n"
    actors.write_text(text + entry, "utf-8")
    line = text.count("\n") + 1
    return f"actors.yaml:{line}: actor 'qzxw-benchmark-{size}' added"


def _edit_later_line(path: Path, prefix: str, change: Callable[[str], str]) -> tuple[int, str]:
    """Change the first line in the second half of `path` that starts with `prefix`; its
    number and what it was."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    for index in range(len(lines) // 2, len(lines)):
        if lines[index].startswith(prefix):
            old, lines[index] = lines[index], change(lines[index])
            path.write_text("".join(lines), "utf-8")
            return index + 1, old
    raise BenchmarkError(f"no {prefix.strip()!r} line in the second half of {path.name}")


def pages_containing(docs: Path, text: str) -> set[str]:
    return {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
            if text in p.read_text("utf-8")}


def bare_config(root: Path) -> Path:
    """A copy of mkdocs.yml beside it, without the `briefings` plugin entry."""
    lines = (root / "mkdocs.yml").read_text("utf-8").splitlines(keepends=True)
    kept: list[str] = []
    skip_deeper_than: int | None = None
    removed = False
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if skip_deeper_than is not None:
            if not line.strip() or indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        if re.match(r"\s*-\s*['\"]?briefings['\"]?\s*(:|$)", line):
            skip_deeper_than = indent
            removed = True
            continue
        kept.append(line)
    if not removed:
        raise BenchmarkError("mkdocs.yml has no `- briefings` plugin entry to remove")
    path = root / "mkdocs-bare.yml"
    path.write_text("".join(kept), "utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# 1-4: generate, reruns, builds
# ---------------------------------------------------------------------------------------------


@dataclass
class SizeFigures:
    """What the per-size benchmarks found, kept for the cross-size figures."""

    size: int
    generate_seconds: float
    generate_cpu: float
    root: Path


def bench_size(size: int, work: Path, args: argparse.Namespace, results: Results,
               make_corpus: Callable[..., None]) -> SizeFigures:
    """Items 1 to 4 at one size, in a fresh folder under `work`."""
    print(f"[N={size:,}] writing the corpus ...", file=sys.stderr, flush=True)
    corpus = work / "corpus"
    make_corpus(corpus, size, max(5, size // 2), 1)
    root = new_site(work / "site", corpus / "seeds", args.code)
    docs = root / "docs"

    # 1. full generate from nothing
    print(f"[N={size:,}] full generate ...", file=sys.stderr, flush=True)
    first = run_timed(briefings_cli("generate", "--quiet"), root, args.timeout,
                      args.code.env).check()
    pages = [rel for rel in snapshot(docs) if is_page(rel)]
    written = [rel for rel in pages if rel not in HAND_WRITTEN_DOCS]
    megabytes = sum((docs / rel).stat().st_size for rel in written) / 1e6
    per_ms = first.seconds * 1000 / size
    gen_target = {1_000: (1.0, "< 1 s"), 10_000: (10.0, "< 10 s")}.get(size)
    results.add(L_GENERATE, size, fmt_run(first), gen_target[1] if gen_target else "",
                first.seconds < gen_target[0] if gen_target else None)
    results.add(L_PEAK, size, first.peak_text(),
                "< 400 MB" if size == 10_000 else "",
                first.peak_kb < 400 * 1024 if size == 10_000 else None)
    results.add(L_PER, size, f"{per_ms:.2f} ms/briefing "
                f"(cpu {first.cpu_seconds * 1000 / size:.2f} ms)")
    results.add(L_PAGES, size, f"{len(written):,} pages, {megabytes:.1f} MB")

    # 2. no-op rerun (without --quiet, for the summary line)
    print(f"[N={size:,}] no-op rerun ...", file=sys.stderr, flush=True)
    before = snapshot(docs)
    noop = run_timed(briefings_cli("generate"), root, args.timeout, args.code.env).check()
    noop_files = changed_files(before, snapshot(docs))
    noop_pages = [rel for rel in noop_files if is_page(rel)]
    at_1k = size == 1_000
    results.add(L_NOOP, size, fmt_run(noop), "< 0.3 s" if at_1k else "",
                noop.seconds < 0.3 if at_1k else None)
    results.add(L_NOOP_FILES, size, _files_value(noop_pages, noop_files, noop.stderr), "0",
                not noop_pages)
    if noop_pages:
        results.failures.append(f"N={size:,}: the no-op rerun rewrote {noop_pages[:10]}")

    # 3. one quote's context changed in one YAML file, EDIT_RUNS times (a new text each time)
    print(f"[N={size:,}] one-quote edit rerun ...", file=sys.stderr, flush=True)
    edit = find_quote_edit(root / "seeds")
    reruns: list[Run] = []
    for number in range(1, EDIT_RUNS + 1):
        marker = f"Benchmark context edit {size} #{number}"
        edit.apply(marker)
        before = snapshot(docs)
        rerun = run_timed(briefings_cli("generate"), root, args.timeout, args.code.env).check()
        reruns.append(rerun)
        edit_files = changed_files(before, snapshot(docs))
        edit_pages = [rel for rel in edit_files if is_page(rel)]
        showing = pages_containing(docs, marker)
        extra = sorted(set(edit_pages) - showing)
        missing = sorted(showing - set(edit_pages))
        expected = {f"briefings/{edit.slug}.md", f"actors/{edit.speaker}.md"}
        wrong = [f"rewrote pages that do not show the quote: {extra[:20]}"] if extra else []
        if missing:
            wrong.append(f"did not rewrite pages that show the quote: {missing[:20]}")
        if not expected <= set(edit_pages):
            wrong.append(f"did not rewrite {sorted(expected - set(edit_pages))}")
        results.failures.extend(f"N={size:,}: one-quote edit {number}: {w}" for w in wrong)
        if number == 1:
            results.add(L_EDIT_FILES, size, _files_value(edit_pages, edit_files, rerun.stderr),
                        "only pages showing it", not wrong and bool(edit_pages))
            results.notes.append(
                f"N={size:,}: edited quote context in seeds/articles/{edit.yaml_file.name}:"
                f"{edit.line_index + 1} (speaker {edit.speaker}): {edit.original} -> "
                f"\"{marker}\", then {EDIT_RUNS - 1} more texts; "
                f"rewritten: {', '.join(edit_files) or 'nothing'}")
    middle = sorted(reruns, key=lambda r: r.seconds)[len(reruns) // 2]
    results.add(L_EDIT, size, f"{fmt_run(middle)}; median of {len(reruns)}: "
                f"{', '.join(f'{r.seconds:.3f}' for r in reruns)} s",
                "< 0.3 s" if at_1k else "", middle.seconds < 0.3 if at_1k else None)

    # 3b. the summary of the same briefing, then edits of actors.yaml: a title, a new alias,
    # a new actor
    actors = root / "seeds" / "actors.yaml"
    for label, change, path in ((L_SUMMARY, edit_summary, edit.yaml_file),
                                (L_TITLE, edit_actor_title, actors),
                                (L_ALIAS, add_unused_alias, actors),
                                (L_ACTOR, add_unseen_actor, actors)):
        print(f"[N={size:,}] {label} ...", file=sys.stderr, flush=True)
        what = change(path, size)
        before = snapshot(docs)
        rerun = run_timed(briefings_cli("generate"), root, args.timeout, args.code.env).check()
        files = changed_files(before, snapshot(docs))
        results.add(label, size, f"{fmt_run(rerun)}; "
                    f"{_files_value([f for f in files if is_page(f)], files, rerun.stderr)}")
        results.notes.append(f"N={size:,}: {label}: {what}")

    # 4. cold build beside a bare MkDocs build of the same Markdown
    if args.skip_build or (size >= BIG_BUILD and not args.full_build_10k):
        why = "--skip-build" if args.skip_build else "needs --full-build-10k"
        for label in (L_BUILD, L_BARE, L_BUILD_RATIO):
            results.add(label, size, f"skipped ({why})")
    else:
        results.attempt(size, (L_BUILD, L_BARE, L_BUILD_RATIO),
                        bench_build, size, work, corpus / "seeds", args, results)
    return SizeFigures(size, first.seconds, first.cpu_seconds, root)


def _files_value(pages: list[str], files: list[str], stderr: str) -> str:
    said = summary_count(stderr)
    others = len(files) - len(pages)
    value = f"{len(pages)} page(s)"
    if others:
        value += f" + {others} other"
    return value + (f" (CLI: {said})" if said is not None else " (CLI: no summary)")


def bench_build(size: int, work: Path, seeds: Path, args: argparse.Namespace,
                results: Results) -> None:
    """Item 4: `briefings build` from nothing, then bare MkDocs on the same Markdown.

    The pair runs `--build-repeats` times, alternating, and the fastest of each is kept, so a
    burst of other work on the machine during one build does not decide the ratio.
    """
    builds: list[Run] = []
    bares: list[Run] = []
    for turn in range(1, args.build_repeats + 1):
        print(f"[N={size:,}] cold briefings build ({turn}) ...", file=sys.stderr, flush=True)
        root = new_site(work / f"build-site-{turn}", seeds, args.code)
        builds.append(run_timed(briefings_cli("build", "--quiet"), root, args.timeout,
                                args.code.env).check())
        if not (root / "site" / "index.html").is_file():
            raise BenchmarkError("briefings build left no site/index.html")
        print(f"[N={size:,}] bare mkdocs build ({turn}) ...", file=sys.stderr, flush=True)
        out = work / f"bare-site-{turn}"
        bares.append(run_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                str(bare_config(root)), "-d", str(out)], root, args.timeout,
                               args.code.env).check())
        if not (out / "index.html").is_file():
            raise BenchmarkError("bare mkdocs build left no index.html")
    build = min(builds, key=lambda run: run.seconds)
    bare = min(bares, key=lambda run: run.seconds)
    ratio = build.seconds / bare.seconds
    best = f"best of {len(builds)}; " if len(builds) > 1 else ""
    results.add(L_BUILD, size, f"{fmt_run(build)}, peak {build.peak_text()} ({best}all: "
                f"{', '.join(f'{r.seconds:.1f}' for r in builds)} s)")
    results.add(L_BARE, size, f"{fmt_run(bare)}, peak {bare.peak_text()} ({best}all: "
                f"{', '.join(f'{r.seconds:.1f}' for r in bares)} s)")
    results.add(L_BUILD_RATIO, size,
                f"{ratio:.2f}x (cpu {build.cpu_seconds / bare.cpu_seconds:.2f}x)",
                "<= 1.15x" if size == 1_000 else "", ratio <= 1.15 if size == 1_000 else None)


# ---------------------------------------------------------------------------------------------
# 5: markup cost under Python-Markdown
# ---------------------------------------------------------------------------------------------

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul", "svg", "text", "title",
})


class _VisibleText(HTMLParser):
    """Collects the visible text of a page as paragraphs: block tags and blank lines split."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def flush(self) -> None:
        text = " ".join(" ".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        chunks = re.split(r"\n[ \t]*\n", data)
        for i, chunk in enumerate(chunks):
            if i:
                self.flush()
            self.current.append(chunk)


def plain_markdown(page: str) -> str:
    """The page's visible text as plain Markdown paragraphs (tags stripped, text escaped)."""
    parser = _VisibleText()
    parser.feed(page)
    parser.close()
    parser.flush()
    return "\n\n".join(html.escape(p, quote=False) for p in parser.paragraphs) + "\n"


def site_markdown_extensions(root: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """markdown_extensions from the site's mkdocs.yml, as Python-Markdown takes them."""
    loader = yaml.SafeLoader
    config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=loader)
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            for name, options in item.items():
                names.append(name)
                if isinstance(options, dict):
                    configs[name] = options
    return names, configs


def strip_front_matter(text: str) -> str:
    from mkdocs.utils import meta

    body, _ = meta.get_data(text)
    return body


def time_render(pages: Sequence[str], names: list[str],
                configs: dict[str, dict[str, Any]]) -> tuple[float, float]:
    """Wall and CPU time of one pass over `pages`, a new Markdown per page (as MkDocs does)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        markdown.Markdown(extensions=names, extension_configs=configs).convert(page)
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_markup(size: int, root: Path, results: Results, repeats: int) -> None:
    """Item 5: our generated pages against plain Markdown of the same visible text."""
    print(f"[N={size:,}] markup cost under Python-Markdown ...", file=sys.stderr, flush=True)
    docs = root / "docs"
    names, configs = site_markdown_extensions(root)
    ours = [strip_front_matter((docs / rel).read_text("utf-8"))
            for rel in sorted(snapshot(docs)) if is_page(rel) and rel not in HAND_WRITTEN_DOCS]
    plain = [plain_markdown(page) for page in ours]
    # Passes alternate (ours, plain, then plain, ours, ...) and the best of each is kept: on
    # a host whose speed drifts during the run, timing all of one before all of the other
    # charged the drift to whichever came first (1.06x for pages measured at 0.83x-0.87x).
    texts = {"ours": ours, "plain": plain}
    passes: dict[str, list[tuple[float, float]]] = {kind: [] for kind in texts}
    for turn in range(repeats):
        for kind in ("ours", "plain") if turn % 2 == 0 else ("plain", "ours"):
            passes[kind].append(time_render(texts[kind], names, configs))
    ours_s, ours_cpu = map(min, zip(*passes["ours"], strict=True))
    plain_s, plain_cpu = map(min, zip(*passes["plain"], strict=True))
    ratio = ours_s / plain_s
    chars = sum(map(len, ours)) / 1e6, sum(map(len, plain)) / 1e6
    results.add(L_MARKUP, size, f"{fmt_s(ours_s)} (cpu {ours_cpu:.1f} s; {len(ours):,} pages, "
                f"{chars[0]:.1f} MB)")
    results.add(L_PLAIN, size, f"{fmt_s(plain_s)} (cpu {plain_cpu:.1f} s; {chars[1]:.1f} MB)")
    results.add(L_MARKUP_RATIO, size, f"{ratio:.2f}x (cpu {ours_cpu / plain_cpu:.2f}x)",
                "<= 1.00x (on cpu)", ours_cpu <= plain_cpu)
    results.notes.append(f"N={size:,}: markup timed with Python-Markdown {markdown.__version__}, "
                         f"extensions {names}, best of {repeats} passes each, alternating")


# ---------------------------------------------------------------------------------------------
# 6: serve latency
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    """The page's text, or None while the server is not answering it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_until(condition: Callable[[], bool], limit: float, what: str,
               alive: Callable[[], bool]) -> float:
    """Poll `condition` every 20 ms; seconds taken, or BenchmarkError after `limit`."""
    start = time.perf_counter()
    while True:
        if condition():
            return time.perf_counter() - start
        if not alive():
            raise BenchmarkError(f"the server exited while waiting for {what}")
        if time.perf_counter() - start > limit:
            raise BenchmarkError(f"gave up after {limit:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def bench_serve(size: int, root: Path, work: Path, args: argparse.Namespace,
                results: Results) -> None:
    """Item 6: save a YAML file under `serve`, time until the page shows the new text."""
    print(f"[N={size:,}] serve edit-to-page ...", file=sys.stderr, flush=True)
    edit = find_quote_edit(root / "seeds")
    port = free_port()
    url = f"http://127.0.0.1:{port}/briefings/{edit.slug}/"
    log_path = work / "serve.log"
    limit = args.serve_timeout
    with log_path.open("wb") as log:
        server = subprocess.Popen(briefings_cli("serve", "-a", f"127.0.0.1:{port}"), cwd=root,
                                  stdout=log, stderr=subprocess.STDOUT, env=args.code.env,
                                  stdin=subprocess.DEVNULL, start_new_session=True)

    def alive() -> bool:
        return server.poll() is None

    def builds() -> int:
        return log_path.read_text("utf-8", "replace").count(BUILDING)

    def settle() -> None:
        """Wait until the log has not grown for a second (a second rebuild would show)."""
        size_then, quiet_since = -1, time.perf_counter()
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            now = log_path.stat().st_size
            if now != size_then:
                size_then, quiet_since = now, time.perf_counter()
            elif time.perf_counter() - quiet_since >= 1.0:
                return
            time.sleep(0.05)

    latencies: list[float] = []
    rebuilds: list[int] = []
    try:
        startup = wait_until(lambda: fetch(url) is not None, limit, f"{url} to answer", alive)
        settle()
        for number in range(1, SERVE_EDITS + 1):
            marker = f"Serve edit {number} at {size}"
            count_before = builds()
            start = time.perf_counter()
            edit.apply(marker)

            def shows(marker: str = marker) -> bool:
                return marker in (fetch(url) or "")

            wait_until(shows, limit, f"edit {number} to show", alive)
            latencies.append(time.perf_counter() - start)
            settle()
            rebuilds.append(builds() - count_before)
    except BenchmarkError as exc:
        tail = log_path.read_text("utf-8", "replace").strip().splitlines()[-20:]
        raise BenchmarkError(f"{exc}; the serve log ends:\n" + "\n".join(tail)) from None
    finally:
        stop_server(server)
    median = statistics.median(latencies)
    at_1k = size == 1_000
    results.add(L_SERVE, size, f"{fmt_s(median)} (each {', '.join(f'{x:.2f}' for x in latencies)})",
                "< 2 s" if at_1k else "", median < 2.0 if at_1k else None)
    results.add(L_SERVE_BUILDS, size, ", ".join(map(str, rebuilds)), "1", set(rebuilds) == {1})
    results.notes.append(f"N={size:,}: serve answered {url} {startup:.1f} s after start; "
                         f"edits to seeds/articles/{edit.yaml_file.name}:{edit.line_index + 1}")
    errors = [line for line in log_path.read_text("utf-8", "replace").splitlines()
              if "error" in line.lower() or "Traceback" in line]
    if errors:
        results.failures.append(f"N={size:,}: serve log shows errors: {errors[:5]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C the server's process group (MkDocs cleans up), then terminate, then kill."""
    for sig, grace in ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        if server.poll() is not None:
            return
        _kill_group(server.pid, sig)
        try:
            server.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    _kill_group(server.pid, signal.SIGKILL)  # anything the server left in its group


# ---------------------------------------------------------------------------------------------
# Machine, BENCHMARKS.md
# ---------------------------------------------------------------------------------------------


def speed_reference() -> float:
    """Seconds for a fixed pure-Python loop, best of 3: how fast this machine runs Python
    right now. A shared or throttled host can be twice as slow at the same load average, so
    two runs' times compare only beside their references."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        best = min(best, time.perf_counter() - start)
    return best


def disk_reference(folder: Path, name: str, files: int = 400) -> float:
    """Microseconds to create, write and close one page-sized file in new folders `name-*`
    inside `folder`, best of 2, or NaN if the disk refuses: how fast this disk makes files
    right now. A cold run creates one file per page (1,600 at 1,000 briefings), and a shared
    disk has been seen to take from 50 microseconds to over a millisecond each within the
    hour. The files stay: deleting them would slow the next files made nearby (see above)."""
    page = b"x" * 28_000  # about the size of a generated briefing page
    best = float("inf")
    for attempt in range(2):
        target = folder / f"{name}-{attempt}"
        try:
            target.mkdir()
            start = time.perf_counter()
            for number in range(files):
                with open(target / f"{number}.md", "xb") as handle:
                    handle.write(page)
            best = min(best, time.perf_counter() - start)
        except OSError:  # a full disk, say: no figure, but the run's results still print
            return float("nan")
    return best / files * 1e6


def stolen_seconds() -> float | None:
    """CPU time the hypervisor has given to other guests since boot (steal, /proc/stat), or
    None where the system does not say: time this machine's processes waited to run."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def machine(load: str, code: Code | None, speed: str) -> dict[str, str]:
    """The machine and code the figures were measured on."""
    cpu = "unknown"
    ram = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = "working tree at commit " + (_git("rev-parse", "--short", "HEAD") or "unknown")
    if code is not None and code.tree != ROOT:
        commit = code.label
    elif _git("status", "--porcelain", "--", "generator", "templates", "mkdocs.yml", "docs"):
        commit += " + uncommitted changes in generator/, templates/, mkdocs.yml or docs/"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "nproc": str(cpus),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load": load,
        "speed": speed,
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def markdown_section(results: Results, info: dict[str, str], command: str, key: str) -> str:
    """The results as a Markdown section for BENCHMARKS.md, fenced by markers naming `key`."""
    out = [
        MD_START.format(key=key),
        f"## Results for the {key}, {info['date']}",
        "",
        f"- Code: {info['commit']}",
        f"- Machine: {info['nproc']} CPU(s), {info['cpu']}, {info['ram']} RAM",
        f"- Python {info['python']} on {info['os']}",
        f"- Load average (1, 5, 15 min) when the run started: {info['load']} (other work on the "
        "machine inflates wall times)",
        f"- Speed reference (`speed_reference()`: a fixed pure-Python loop, best of 3, lower is "
        f"faster) at the start and the end of the run: {info['speed']}",
        f"- Command: `{command}`",
        "",
        "| measurement | N | value | target | met |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for row in results.rows:
        cells = (row.label, fmt_n(row.size), row.value, row.target, met_text(row.met))
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if results.notes:
        out += ["", "Notes:", ""] + [f"- {note}" for note in results.notes]
    if results.failures:
        out += ["", "Problems found:", ""] + [f"- {failure}" for failure in results.failures]
    out.append(MD_END.format(key=key))
    return "\n".join(out) + "\n"


MD_HEADER = """# Benchmarks

Measured by `benchmarks/run.py` (its docstring says exactly what and how): synthetic sites
from `benchmarks/make_corpus.py` with N briefings and N/2 actors, timed through the real
command line, so every wall time includes Python start-up (the "CLI start-up" row). Beside
each wall time is the CPU time of all its processes: a shared or busy machine inflates wall
times far more than CPU times, so the per-briefing and markup ratios are judged on CPU time;
absolute times and the build ratio (what a user waits for) on wall time, so compare runs at
a similar load average. Targets are from issue 4; "met" is empty where the issue sets no
target for that N.

    .venv/bin/python benchmarks/run.py --write-md              # working tree, N = 1,000 and 10,000
    .venv/bin/python benchmarks/run.py --rev HEAD --write-md   # a commit, from git archive

Each run replaces the section for the same code (the working tree, or one commit) and keeps
the others, so a "before" section stays beside the "after".
"""


def write_markdown(section: str, key: str) -> None:
    """Replace the section for `key` in BENCHMARKS.md (or append one, or create the file)."""
    text = BENCHMARKS_MD.read_text("utf-8") if BENCHMARKS_MD.exists() else MD_HEADER
    start_mark, end_mark = MD_START.format(key=key), MD_END.format(key=key)
    start, end = text.find(start_mark), text.find(end_mark)
    if start != -1 and end > start:
        rest = text[end + len(end_mark):].lstrip("\n")
        text = text[:start] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS_MD.write_text(text, "utf-8")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sorted(set(sizes))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="comma-separated numbers of briefings (default 1000,10000)")
    parser.add_argument("--write-md", action="store_true",
                        help="replace the results section of BENCHMARKS.md")
    parser.add_argument("--full-build-10k", action="store_true",
                        help="also run the MkDocs builds at N >= 10,000 (minutes)")
    parser.add_argument("--skip-build", action="store_true", help="skip the MkDocs builds")
    parser.add_argument("--skip-markup", action="store_true",
                        help="skip the Python-Markdown comparison")
    parser.add_argument("--skip-serve", action="store_true", help="skip the serve latency")
    parser.add_argument("--build-repeats", type=int, default=2,
                        help="cold build + bare MkDocs pairs, fastest of each kept (2)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="passes for the markup timing, best kept (3)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before a command is killed (3600)")
    parser.add_argument("--serve-timeout", type=float, default=120,
                        help="seconds to wait for the server or an edit to show (120)")
    parser.add_argument("--rev", metavar="REV",
                        help="benchmark this git revision (git archive; its generator/, "
                             "templates/, mkdocs.yml and docs/ are used) instead of the "
                             "working tree")
    parser.add_argument("--keep", action="store_true", help="keep the temporary sites")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = Results()
    make_corpus = load_make_corpus().make_corpus
    detail_size = min(args.sizes, key=lambda n: (abs(n - 1_000), n))
    figures: list[SizeFigures] = []
    base = Path(tempfile.mkdtemp(prefix="briefings-bench-"))
    status = 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    speed_start = speed_reference()
    disk_start = disk_reference(base, "disk-reference-start")
    stolen_start = stolen_seconds()
    try:
        args.code = (Code.revision(args.rev, base / "code") if args.rev
                     else Code.working_tree())
        # As `make site` leaves it: compiled, so no run compiles the generator from source.
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        str(args.code.tree / "generator")],
                       check=True, capture_output=True, timeout=120)
        # Each size's cache in the benchmark's own folder: removed with it, never the user's.
        args.code.env["BRIEFINGS_CACHE_DIR"] = str(base / "cache")
        startup = run_timed(briefings_cli("--help"), base, args.timeout, args.code.env).check()
        results.add(L_STARTUP, None, fmt_run(startup))
        for size in args.sizes:
            work = base / f"n{size}"
            work.mkdir()
            try:
                figures.append(bench_size(size, work, args, results, make_corpus))
            except BenchmarkError as exc:
                results.failures.append(f"N={size:,}: stopped: {exc}")
                results.broken = True
                continue
            root = figures[-1].root
            if size == detail_size:
                if args.skip_markup:
                    for label in (L_MARKUP, L_PLAIN, L_MARKUP_RATIO):
                        results.add(label, size, "skipped (--skip-markup)")
                else:
                    results.attempt(size, (L_MARKUP, L_PLAIN, L_MARKUP_RATIO),
                                    bench_markup, size, root, results, args.repeats)
                if args.skip_serve:
                    for label in (L_SERVE, L_SERVE_BUILDS):
                        results.add(label, size, "skipped (--skip-serve)")
                else:
                    results.attempt(size, (L_SERVE, L_SERVE_BUILDS),
                                    bench_serve, size, root, work, args, results)
        add_ratio(figures, results)
    except BenchmarkError as exc:
        results.failures.append(f"stopped: {exc}")
        status = 1
    finally:
        disk_end = disk_reference(base, "disk-reference-end")
        if args.keep:
            print(f"temporary sites kept in {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    speed = f"{speed_start:.3f} s, {speed_reference():.3f} s"
    stolen_end = stolen_seconds()
    speed += f"; making a page-sized file, start and end: {disk_start:.0f} us, {disk_end:.0f} us"
    if stolen_start is not None and stolen_end is not None:
        speed += (f"; CPU time taken by the host for other guests during the run (steal): "
                  f"{stolen_end - stolen_start:.0f} s")
    order = {label: i for i, label in enumerate(LABELS)}
    results.rows.sort(key=lambda r: (order.get(r.label, len(order)), r.size or 0))
    print(table(results.rows))
    print(f"speed reference (a fixed pure-Python loop; lower is faster), start and end: {speed}")
    for note in results.notes:
        print(f"note: {note}")
    for failure in results.failures:
        print(f"PROBLEM: {failure}")
    if args.write_md:
        command = "python benchmarks/run.py " + " ".join(argv if argv is not None
                                                         else sys.argv[1:])
        code: Code | None = getattr(args, "code", None)
        key = code.key if code is not None else "working tree"
        section = markdown_section(results, machine(load, code, speed), command.strip(), key)
        write_markdown(section, key)
        print(f"wrote the results into {BENCHMARKS_MD}", file=sys.stderr)
    return 1 if status or results.broken else 0


def add_ratio(figures: Iterable[SizeFigures], results: Results) -> None:
    """Per-briefing cost of the largest N over the smallest (10,000 over 1,000 by default)."""
    by_size = {f.size: f.generate_seconds / f.size for f in figures}
    cpu = {f.size: f.generate_cpu / f.size for f in figures}
    if len(by_size) < 2:
        results.add(L_RATIO, None, "n/a (needs two sizes)")
        return
    small, large = (1_000, 10_000) if {1_000, 10_000} <= set(by_size) else (min(by_size),
                                                                               max(by_size))
    ratio = by_size[large] / by_size[small]
    issue = (small, large) == (1_000, 10_000)
    results.add(L_RATIO, None, f"{ratio:.2f}x (cpu {cpu[large] / cpu[small]:.2f}x; "
                f"{large:,} vs {small:,})",
                "<= 1.2x (on cpu)" if issue else "",
                cpu[large] / cpu[small] <= 1.2 if issue else None)


if __name__ == "__main__":
    sys.exit(main())
