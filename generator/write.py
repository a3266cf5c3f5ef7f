"""Write stage: put generated pages into docs/, touching only files the generator owns.

A manifest (docs/.briefings-manifest.json) records the sha256 of every page written. A page is
rewritten only when its content changed; a page edited by hand, or a hand-written page in the
way, is never overwritten; stale generated pages are removed. Before writing, the manifest
records both the old and the new hash of every page about to change, so a run killed halfway
leaves files that the next run still recognises as its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.problems import Problem, Severity

MANIFEST = ".briefings-manifest.json"


@dataclass
class WriteReport:
    """What a write changed: pages written, left as they were, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(docs: Path) -> dict[str, list[str]]:
    """The generator's record of its own pages: path to accepted hashes."""
    try:
        data = json.loads((docs / MANIFEST).read_text("utf-8"))
        files = data.get("files", {})
        return {str(k): [str(h) for h in v] for k, v in files.items() if isinstance(v, list)}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_manifest(docs: Path, files: dict[str, list[str]]) -> None:
    text = json.dumps({"version": 1, "files": dict(sorted(files.items()))}, indent=1) + "\n"
    _atomic_write(docs / MANIFEST, text.encode("utf-8"))


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".briefings-tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _safe_target(docs: Path, rel: str) -> Path | None:
    """The file for a page, or None if it would leave docs/ or pass through a link."""
    target = docs / rel
    if ".." in Path(rel).parts or Path(rel).is_absolute():
        return None
    current = docs
    for part in Path(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            return None
    if target.is_symlink():
        return None
    if not target.resolve().is_relative_to(docs.resolve()):
        return None
    return target


def write_pages(docs: Path, pages: dict[str, str], label: str = "docs") -> WriteReport:
    """Bring docs/ in line with `pages`; refuse everything (write nothing) on any conflict."""
    report = WriteReport()
    if docs.is_symlink():
        report.problems.append(Problem(label, 0, 0, "refusing to write into a symlinked folder"))
        return report
    manifest = read_manifest(docs)
    encoded = {rel: text.encode("utf-8") for rel, text in pages.items()}
    changes: dict[str, bytes] = {}
    for rel, data in sorted(encoded.items()):
        target = _safe_target(docs, rel)
        shown = f"{label}/{rel}"
        if target is None:
            report.problems.append(Problem(shown, 0, 0, "refusing to write outside the docs "
                                                         "folder or through a symlink"))
            continue
        if not target.exists():
            changes[rel] = data
            continue
        if not target.is_file():
            report.problems.append(Problem(shown, 0, 0, "refusing to overwrite: not a file"))
            continue
        current = target.read_bytes()
        if current == data:
            report.unchanged += 1
            continue
        if _sha(current) not in manifest.get(rel, []):
            reason = ("it was edited by hand after it was generated; move the change into the "
                      "YAML and delete the file" if rel in manifest else
                      "it is a hand-written page; move or rename it")
            report.problems.append(Problem(shown, 0, 0, f"refusing to overwrite: {reason}"))
            continue
        changes[rel] = data
    stale: list[str] = []
    for rel, hashes in sorted(manifest.items()):
        if rel in encoded:
            continue
        target = _safe_target(docs, rel)
        if target is None or not target.is_file():
            continue
        if _sha(target.read_bytes()) in hashes:
            stale.append(rel)
        else:
            report.problems.append(Problem(f"{label}/{rel}", 0, 0, "no longer generated but edited "
                                           "by hand; left in place", Severity.WARNING))
    if any(p.is_error for p in report.problems):
        return report
    if not changes and not stale and set(manifest) == set(encoded):
        return report
    final = {rel: [_sha(data)] for rel, data in encoded.items()}
    if changes or stale:
        journal = {rel: sorted(set(manifest.get(rel, [])) | set(final.get(rel, [])))
                   for rel in set(manifest) | set(final)}
        _write_manifest(docs, journal)
    for rel, data in changes.items():
        _atomic_write(docs / rel, data)
        report.written.append(rel)
    for rel in stale:
        (docs / rel).unlink()
        report.removed.append(rel)
        _remove_empty_parents(docs, (docs / rel).parent)
    _write_manifest(docs, final)
    return report


def _remove_empty_parents(docs: Path, folder: Path) -> None:
    while folder != docs and folder.is_relative_to(docs):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
