"""Golden error cases: one bad input per file in tests/cases/errors/, run through the real CLI.

Every case starts from the small valid site in tests/cases/errors/_base/ (seeds only; this
module adds mkdocs.yml and templates), applies its changes, runs `briefings check` in a
subprocess and compares the exit status and the *whole* stderr with the case file. For error
cases it then also runs `briefings generate` on a docs/ folder generated from the valid base and
checks that the failed run wrote nothing, exited 1 and printed no traceback.

A case file, tests/cases/errors/<case-name>.yaml, is a YAML mapping:

    description: One line saying what the analyst did wrong (quote it if it has ': ').
    files:                  # path relative to the site root -> exact content (a `|` block)
      seeds/articles/2024-01-02-base.yaml: |
        title: ...
    files_hex:              # optional, for bytes YAML cannot hold (cp1252, BOMs, NUL)
      seeds/actors.yaml: efbbbf6e61746f3a0a...
    files_base64:           # optional, the same as base64
      seeds/actors.yaml: 77u/bmF0bzoK...
    files_repeat:           # optional, for large files: `text` written `times` times
      seeds/articles/2024-01-02-base.txt: {text: "Lorem ipsum.\\n", times: 100000}
    remove:                 # optional: base files to delete
      - seeds/articles/2024-01-02-base.txt
    exit: 1                 # 1 when there are errors, 0 for warnings only (or nothing)
    expected: |             # the exact stderr of `briefings check`, count line included
      seeds/articles/2024-01-02-base.yaml:3:1: error: ...
      1 error(s), 0 warning(s)

Keep `expected` the last key of the file. To accept new output after an intended change of a
message, run

    BRIEFINGS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_errors.py -q

which rewrites `exit` and `expected` in every case file from what the CLI printed instead of
asserting; then read `git diff tests/cases/errors` as an analyst would before keeping it.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, tree_snapshot

CASES = Path(__file__).resolve().parent / "cases" / "errors"
BASE = CASES / "_base"
CASE_FILES = sorted(CASES.glob("*.yaml"))
UPDATE = os.environ.get("BRIEFINGS_UPDATE_GOLDEN") == "1"
KEYS = {"description", "files", "files_hex", "files_base64", "files_repeat", "remove",
        "exit", "expected"}


def load_case(path: Path) -> dict[str, Any]:
    """A case file as a mapping."""
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict), f"{path.name}: a case file must be a mapping"
    return data


def _safe_relative(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    assert not path.is_absolute() and ".." not in path.parts, f"bad case path {rel!r}"
    return path


def apply_case(root: Path, case: dict[str, Any]) -> None:
    """Write, overwrite and delete the case's files on top of the base site in `root`."""
    for rel in case.get("remove") or []:
        (root / _safe_relative(rel)).unlink()
    contents: dict[str, bytes] = {}
    for rel, text in (case.get("files") or {}).items():
        contents[rel] = text.encode("utf-8")
    for rel, hex_text in (case.get("files_hex") or {}).items():
        contents[rel] = bytes.fromhex(hex_text)
    for rel, b64_text in (case.get("files_base64") or {}).items():
        contents[rel] = base64.b64decode(b64_text)
    for rel, spec in (case.get("files_repeat") or {}).items():
        contents[rel] = (spec["text"] * spec["times"]).encode("utf-8")
    for rel, data in contents.items():
        target = root / _safe_relative(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def run_briefings(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    """`briefings COMMAND` in `root`, as an analyst runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env["PYTHONUTF8"] = "1"
    env["XDG_CACHE_HOME"] = str(root.parent / "cache-home")  # not the user's ~/.cache
    return subprocess.run(
        [sys.executable, "-m", "generator", command],
        cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


@pytest.fixture(scope="module")
def generated_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid base site with mkdocs.yml and templates, generated once into docs/."""
    root = tmp_path_factory.mktemp("errors-base") / "site"
    shutil.copytree(BASE, root)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", root / "templates")
    result = run_briefings(root, "generate")
    assert result.returncode == 0, result.stderr
    assert (root / "docs" / "briefings" / "2024-01-02-base.md").is_file()
    (root / ".briefings-lock").unlink(missing_ok=True)
    return root


def _block(key: str, text: str) -> list[str]:
    """`key: |` with `text` as a literal block, or a quoted scalar when a block cannot hold it."""
    lines = text.split("\n")
    literal = (
        text.endswith("\n") and not text.endswith("\n\n")
        and all(line.isprintable() for line in lines)
        and not any(line != line.rstrip() for line in lines)
    )
    if not literal:
        dumped = yaml.dump(text, default_style='"', allow_unicode=False, width=10**9)
        return [f"{key}: {dumped.rstrip()}"]
    indicator = "|2" if lines[0].startswith(" ") else "|"
    return [f"{key}: {indicator}", *(f"  {line}" if line else "" for line in lines[:-1])]


def update_case(path: Path, status: int, stderr: str) -> None:
    """Rewrite `exit` and `expected` (the last key) in a case file, keeping everything else."""
    lines = path.read_text("utf-8").split("\n")
    lines = [f"exit: {status}" if re.match(r"exit:", line) else line for line in lines]
    if not any(re.match(r"exit:", line) for line in lines):
        lines.insert(next((i for i, ln in enumerate(lines) if ln.startswith("expected:")),
                          len(lines)), f"exit: {status}")
    start = next((i for i, line in enumerate(lines) if line.startswith("expected:")), None)
    if start is None:
        while lines and not lines[-1]:
            lines.pop()
        start = len(lines)
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][:1].isspace()):
        end += 1
    rest = lines[end:]
    lines = [*lines[:start], *_block("expected", stderr), *rest]
    path.write_text("\n".join(lines).rstrip("\n") + "\n", "utf-8")
    again = load_case(path)
    assert again["expected"] == stderr and again["exit"] == status, f"rewrote {path.name} badly"


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_error_case(case_file: Path, generated_base: Path, tmp_path: Path) -> None:
    """`briefings check` prints exactly the expected problems; a failed generate writes nothing."""
    case = load_case(case_file)
    root = tmp_path / "site"
    shutil.copytree(generated_base, root)
    before = tree_snapshot(root / "docs")
    apply_case(root, case)

    result = run_briefings(root, "check")
    assert "Traceback" not in result.stderr, result.stderr
    if UPDATE:
        update_case(case_file, result.returncode, result.stderr)
        case = load_case(case_file)

    # The guarantee that matters most is checked first, so a wording change cannot hide it.
    generated = run_briefings(root, "generate")
    assert "Traceback" not in generated.stderr, generated.stderr
    if case["exit"] == 1:
        assert generated.returncode == 1, generated.stderr
        assert generated.stderr.endswith("nothing was written\n"), generated.stderr
        assert tree_snapshot(root / "docs") == before, "a failed generate changed docs/"
    else:
        assert generated.returncode == 0, generated.stderr

    assert result.returncode == case["exit"], result.stderr
    assert result.stderr == case["expected"]


def test_case_files_are_well_formed() -> None:
    """Every case has a one-line description, known keys and a unique name."""
    assert len(CASE_FILES) >= 35
    names: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for path in CASE_FILES:
        case = load_case(path)
        assert set(case) <= KEYS, f"{path.name}: unknown keys {set(case) - KEYS}"
        description = case.get("description")
        assert isinstance(description, str) and description.strip(), f"{path.name}: description"
        assert "\n" not in description.strip(), f"{path.name}: description must be one line"
        assert description not in descriptions, f"{path.name}: same description as " \
            f"{descriptions.get(description)}"
        descriptions[description] = path.name
        assert case.get("exit") in (0, 1), f"{path.name}: exit must be 0 or 1"
        assert isinstance(case.get("expected"), str), f"{path.name}: expected must be text"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), f"{path.name}: case name"
        key = path.stem.replace("-", "")
        assert key not in names, f"{path.name} and {names[key]} have the same name"
        names[key] = path.name
    assert not list(CASES.glob("*.yml")), "case files end in .yaml"


@pytest.mark.parametrize(("typed", "partial", "advice"), [
    ("28 October 2024", False, "; write '2024-10-28'"),
    ("October 28, 2024", False, "; write '2024-10-28'"),
    ("Sept. 3 2024", False, "; write '2024-09-03'"),
    ("2024/10/28", False, "; write '2024-10-28'"),
    ("28.10.2024", False, "; write '2024-10-28'"),
    ("10/28/2024", False, "; write '2024-10-28'"),
    ("05/05/2024", False, "; write '2024-05-05'"),
    ("03/10/2024", True, "; write '2024-10-03' (3 October) or '2024-03-10' (10 March)"),
    ("2024-10-28T09:30:00Z", False, "; write '2024-10-28' (no time)"),
    ("October 2024", True, "; write '2024-10'"),
    ("October 2024", False, "; write '2024-10-DD' with the day"),
    ("2024-10", False, "; write '2024-10-DD' with the day"),
    # No advice where no date is clear: one that does not exist, or words besides a date.
    ("31/02/2024", False, ""),
    ("2024-13-45T09:30", False, ""),
    ("2024-13", False, ""),
    ("13/13/2024", False, ""),
    ("28 October", False, ""),
    ("early October 2024", True, ""),
    ("yesterday", False, ""),
])
def test_a_date_typed_another_way_gets_the_form_to_write(
    typed: str, partial: bool, advice: str
) -> None:
    from generator.load import Scalar, SourceFile
    from generator.validate import Checker

    problems: list[Any] = []
    checker = Checker(SourceFile("a.yaml", f"date: {typed}\n"), problems)
    assert checker.date(Scalar(1, 7, 1, 7 + len(typed), typed), "date", partial=partial) is None
    expected = "YYYY, YYYY-MM or YYYY-MM-DD" if partial else "YYYY-MM-DD"
    assert [p.message for p in problems] == [f"'{typed}' is not a valid {expected} date{advice}"]
