"""benchmarks/run.py runs end to end at a tiny size and prints every measurement.

This proves the script works; it asserts no timing targets (those are for BENCHMARKS.md).
Serve latency is skipped: at any size its waits add some 15 seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import copy_site, corpus_maker

ROOT = Path(__file__).resolve().parent.parent
LABELS = (
    "CLI start-up (--help)",
    "full generate",
    "peak memory (generate)",
    "per-briefing cost",
    "pages generated",
    "per-briefing ratio",
    "no-op rerun",
    "no-op rerun: files rewritten",
    "one-quote edit rerun",
    "one-quote edit: files rewritten",
    "summary edit rerun",
    "actor title edit rerun",
    "new alias (in no article) rerun",
    "new actor (in no article) rerun",
    "cold build (briefings build)",
    "bare mkdocs build",
    "build / bare mkdocs",
    "markup: our pages (Python-Markdown)",
    "markup: plain Markdown, same text",
    "markup: ours / plain",
    "serve edit-to-page (median of 3)",
    "serve rebuilds per edit",
)


def test_benchmark_script_runs_at_a_tiny_size() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "30", "--skip-serve",
         "--build-repeats", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for label in LABELS:
        assert label in done.stdout, f"{label!r} missing from:\n{done.stdout}"
    assert "PROBLEM" not in done.stdout, done.stdout
    speed = (r"^speed reference .*: \d+\.\d{3} s, \d+\.\d{3} s; making a page-sized file, "
             r"start and end: \d+ us, \d+ us(; .* \(steal\): \d+ s)?$")
    assert re.search(speed, done.stdout, re.M), done.stdout


def test_stage_breakdown_runs_at_a_tiny_size_and_accounts_for_the_whole_run() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "stages.py"), "--briefings", "30"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    head, _, *rows = done.stdout.splitlines()
    total = re.match(r"cold serial generate of 30 briefings: (\d+\.\d{3}) s CPU, ", head)
    assert total, done.stdout
    stages = {}
    for row in rows:
        found = re.match(r"(.+?)\s+(-?\d+\.\d{3})\s+(-?\d+\.\d{3})\s+(-?\d+\.\d)%$", row)
        assert found, row
        stages[found[1]] = float(found[2])
    for label in ("read files, parse YAML", "check fields, quotes, claims, mentions",
                  "render briefing pages", "render index pages", "stage pages (write)"):
        assert stages[label] > 0, done.stdout  # each stage was reached, and timed
    assert abs(sum(stages.values()) - float(total[1])) < 0.01, done.stdout


def test_corpus_actors_draw_no_warning_from_the_check(tmp_path: Path) -> None:
    """Valid by construction means no warning either: 2,000 actors, once written with 80
    pairs of spellings one letter apart ('Larston' and 'Larsiton') or alike but for accents
    ('Østgrad' and 'Ostgrad'), which every benchmark run printed."""
    corpus = tmp_path / "corpus"
    corpus_maker().make_corpus(corpus, briefings=20, actors=2000)
    site = copy_site(tmp_path / "site", corpus / "seeds")
    done = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=site,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "BRIEFINGS_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stdout + done.stderr, done.stderr
    assert "ok: 20 briefing(s), 2000 actor(s)" in done.stdout + done.stderr


def test_corpus_names_are_never_one_spelling_of_another() -> None:
    names = corpus_maker().NameRegistry(set())
    names.add("Anna Larston", 0)
    names.add("Larston", 0)
    names.add("Østgrad", 1)
    assert names.ok("Dr Larston", 0)  # the same actor, spelled another way
    for other in ("Larsiton", "Larstan", "Larstn", "Ostgrad", "Østgrads", "anna larston"):
        assert not names.ok(other, 2), other
    assert names.ok("Berstan", 2)
