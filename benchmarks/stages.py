"""Where a cold `generate` spends its CPU time, stage by stage, per briefing.

benchmarks/run.py says how long a run takes; this says what in it costs: it generates a
synthetic site of N briefings (benchmarks/make_corpus.py) in one process, serially (no
worker processes, so every stage is timed where it runs), with no cache and no generated
pages, and prints the CPU time of each stage: in all, per briefing, and as a share of the
run. Each stage's time excludes the stages timed inside it (the page render inside a
briefing's check, say). On two cores the worker processes run these stages at about 1.7
times this rate, so a run's wall time is roughly the total here divided by 1.7.

    .venv/bin/python benchmarks/stages.py                    # N = 1,000
    .venv/bin/python benchmarks/stages.py --briefings 10000
    .venv/bin/python benchmarks/stages.py --site PATH        # a site root of your own

It imports the generator from this checkout. Not a timed test: CI runs it at a tiny N only
to prove it runs (the stages it wraps are named below; a renamed one fails it).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import load, pipeline, render, validate, write  # noqa: E402

# (owner, attribute, stage): the functions timed, in the order a briefing meets them.
STAGES: tuple[tuple[Any, str, str], ...] = (
    (pipeline, "_registry", "actor registry (read, check)"),
    (pipeline, "_briefing_key", "hash a briefing's files"),
    (load, "read_briefing", "read files, parse YAML"),
    (validate, "read_article", "split and fold the article"),
    (validate, "check_briefing", "check fields, quotes, claims, mentions"),
    (validate, "check_references", "check actor references"),
    (render, "briefing_fingerprint", "fingerprint briefing pages"),
    (pipeline._Checked, "of", "pickle results"),
    (pipeline, "_encoded", "encode and hash pages"),
    (pipeline._Folder, "prepare", "stage pages (write)"),
    (pipeline, "build_site", "build the site's indexes"),
    (render.PagePlan, "fingerprint", "fingerprint index pages"),
    (write.Update, "commit", "commit pages"),
    (pipeline, "save_cache", "save the cache"),
)
RENDER_BRIEFING = "render briefing pages"
RENDER_INDEX = "render index pages"
UNPICKLE = "unpickle results"


class Clock:
    """CPU time per stage, each stage's own: time in stages called inside it is theirs."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        start = time.process_time()
        self._inner.append(0.0)
        try:
            yield
        finally:
            took = time.process_time() - start
            self.spent[label] += took - self._inner.pop()
            if self._inner:
                self._inner[-1] += took

    def wrap(self, owner: Any, name: str, label: str | Callable[..., str]) -> None:
        original = getattr(owner, name)  # AttributeError: a stage was renamed

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(label(*args, **kwargs) if callable(label) else label):
                return original(*args, **kwargs)

        setattr(owner, name, timed)


def _render_label(renderer: Any, template: str, *args: Any, **kwargs: Any) -> str:
    return RENDER_BRIEFING if template == "briefing.md.j2" else RENDER_INDEX


def measure(site: Path) -> tuple[dict[str, float], float, int]:
    """Stage times, the whole run's CPU time and the number of briefings, for one cold
    serial generate of the site at `site` (its generated pages and cache removed first)."""
    clock = Clock()
    for owner, name, label in STAGES:
        clock.wrap(owner, name, label)
    clock.wrap(render.Renderer, "render", _render_label)
    clock.wrap(pipeline.pickle, "loads", UNPICKLE)
    pipeline.PARALLEL_FROM = sys.maxsize  # one process: every stage timed where it runs
    settings = pipeline.read_settings(site)
    start = time.process_time()
    report = pipeline.generate(settings)
    total = time.process_time() - start
    briefings = sum(1 for page in report.written if page.startswith("briefings/")
                    and page != "briefings/index.md")
    return dict(clock.spent), total, briefings


def _make_site(scratch: Path, briefings: int) -> Path:
    """A synthetic site of `briefings` briefings, made as benchmarks/run.py makes its own."""
    from benchmarks import run  # (a folder on the path above, not an installed package)

    corpus = scratch / "corpus"
    run.load_make_corpus().make_corpus(corpus, briefings)
    return run.new_site(scratch / "site", corpus / "seeds", run.Code.working_tree())


def _clean(site: Path) -> None:
    """No generated page, no cache: a cold run."""
    docs = site / "docs"
    for page in write.read_manifest(docs):
        (docs / page).unlink(missing_ok=True)
    (docs / write.MANIFEST).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=1000, help="N (default 1,000)")
    parser.add_argument("--site", type=Path, help="a site root to measure instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="briefings-stages-") as scratch:
        os.environ["BRIEFINGS_CACHE_DIR"] = str(Path(scratch) / "cache")
        site = args.site
        if site is None:
            site = _make_site(Path(scratch), args.briefings)
        else:
            _clean(site)
        spent, total, briefings = measure(site)
    spent["other (start, discovery, taking results, ...)"] = total - sum(spent.values())
    per = max(briefings, 1)
    print(f"cold serial generate of {briefings:,} briefings: {total:.3f} s CPU, "
          f"{1000 * total / per:.3f} ms per briefing (Python {sys.version.split()[0]})")
    width = max(map(len, spent))
    print(f"{'stage':{width}}  {'CPU s':>8}  {'ms/briefing':>11}  {'share':>6}")
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"{label:{width}}  {seconds:8.3f}  {1000 * seconds / per:11.3f}  "
              f"{100 * seconds / total:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
