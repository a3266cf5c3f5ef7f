"""The model's records: values that compare, hash and pickle as values, and stay read-only.

Records are plain slotted dataclasses at run time (made the fast way, see model.record), so
what keeps them read-only is the type checker: the last test runs mypy on code that assigns
to a field and expects it refused.
"""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

from generator import model

ROOT = Path(__file__).resolve().parent.parent


def _briefing(slug: str) -> model.Briefing:
    quote = model.Quote(1, "anna", "We will.", "Press briefing", (model.Span(0, 3, 11),))
    return model.Briefing(slug, "Title", dt.date(2024, 10, 28), model.Source("Wire"), "Summary.",
                          quotes=(quote,))


def test_records_compare_and_hash_by_value() -> None:
    assert model.Span(0, 1, 2) == model.Span(0, 1, 2)
    assert model.Span(0, 1, 2) != model.Span(0, 1, 3)
    assert hash(model.Span(0, 1, 2)) == hash(model.Span(0, 1, 2))
    allied = model.Relation("a", "allied-with", "b")
    assert len({allied, model.Relation("a", "allied-with", "b")}) == 1
    assert model.PartialDate(2024, 3) < model.PartialDate(2024, 3, 1) < model.PartialDate(2024, 4)


def test_a_briefing_is_equal_only_to_itself() -> None:
    first, second = _briefing("one"), _briefing("one")
    assert first == first and first != second
    assert len({first, second}) == 2


def test_records_pickle_as_their_class_and_values() -> None:
    briefing = _briefing("one")
    again = pickle.loads(pickle.dumps(briefing, pickle.HIGHEST_PROTOCOL))
    assert type(again) is model.Briefing
    assert (again.slug, again.date, again.source, again.quotes) == (
        briefing.slug, briefing.date, briefing.source, briefing.quotes)
    assert again.quotes[0].spans[0] == model.Span(0, 3, 11)
    assert again.quotes[0].paragraph == 0


def test_the_type_checker_refuses_assigning_to_a_record(tmp_path: Path) -> None:
    snippet = tmp_path / "assigns.py"
    snippet.write_text("from generator.model import Span\n"
                       "span = Span(0, 1, 2)\n"
                       "span.start = 5\n", "utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n", "utf-8")  # the project's own names its files to check
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--no-incremental",
         "--cache-dir", str(tmp_path / "cache"), "--follow-imports", "silent", str(snippet)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'assigns.py:3: error: Property "start" defined in "Span" is read-only' in result.stdout
