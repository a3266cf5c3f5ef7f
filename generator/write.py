"""Write stage: put generated pages into docs/, touching only files the generator owns.

A manifest (docs/.briefings-manifest.json) records the sha256 of every page written. A page is
rewritten only when its content changed; a page edited by hand, or a hand-written page in the
way, is never overwritten; stale generated pages are removed.

The update is all or nothing across files. Every changed page, and the new manifest, is first
written into docs/.briefings-staging/ (MkDocs skips dot-folders) and flushed to disk; then a
journal listing the pages to move in and the pages to delete is put in place with one atomic
rename. That rename is the commit point. The moves (one `os.replace` per page), deletions and
the manifest follow; then the staging folder is renamed to docs/.briefings-staging-done/ (the
update is complete) and removed. A run killed before the commit leaves docs/ exactly as it
was (the next run throws the staging folder away); a run killed after it leaves a journal,
and the next run finishes it before doing anything else.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.problems import Problem, Severity

MANIFEST = ".briefings-manifest.json"
STAGING = ".briefings-staging"
RETIRED = ".briefings-staging-done"
JOURNAL = "journal.json"
_STAGED_PAGES = "pages"
_STAGED_MANIFEST = "manifest.json"
_JOURNAL_VERSION = 1


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


def _manifest_bytes(files: dict[str, list[str]]) -> bytes:
    text = json.dumps({"version": 1, "files": dict(sorted(files.items()))}, indent=1) + "\n"
    return text.encode("utf-8")


def _create(target: Path, data: bytes) -> None:
    """Create `target`, which must not exist yet, with `data`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(data)


def _flush_to_disk() -> None:
    """Make everything written so far survive a power cut, not only a killed process.

    One `sync` for the whole update: an fsync per page costs ~10 ms each on ext4.
    """
    if hasattr(os, "sync"):
        os.sync()


def _safe_rel(rel: str) -> bool:
    """A docs-relative page path that stays inside docs/."""
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel \
        and "\x00" not in rel and path.parts[0] not in (STAGING, RETIRED)


def _safe_target(docs: Path, rel: str) -> Path | None:
    """The file for a page, or None if it would leave docs/ or pass through a link."""
    if not _safe_rel(rel):
        return None
    target = docs / rel
    current = docs
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            return None
    if target.is_symlink():
        return None
    if not target.resolve().is_relative_to(docs.resolve()):
        return None
    return target


# --- recovery -------------------------------------------------------------------------------


def recover(docs: Path, label: str = "docs") -> list[Problem]:
    """Finish or discard what a killed run left in docs/; call it holding the run lock.

    With a journal the earlier run had committed: its moves and deletions are completed (roll
    forward). Without one it had not: the staging folder is deleted and docs/ is as it was.
    Returns warnings saying what was done (nothing when there was nothing to do).
    `write_pages` calls it first; a caller that looks at the pages in docs/ before writing
    (to skip unchanged ones) should call it before that.
    """
    return _recover(docs, label)[0]


def _recover(docs: Path, label: str) -> tuple[list[Problem], set[str]]:
    """`recover`, and the pages it changed."""
    retired = docs / RETIRED
    if retired.is_symlink() or retired.is_file():
        retired.unlink()
    elif retired.is_dir():
        shutil.rmtree(retired)  # a finished update whose clean-up was cut short
    staging = docs / STAGING
    if not staging.exists() and not staging.is_symlink():
        return [], set()
    where = f"{label}/{STAGING}"
    if staging.is_symlink() or not staging.is_dir():
        staging.unlink()
        return [Problem(where, 0, 0, "removed a stray file in place of the staging folder",
                        Severity.WARNING)], set()
    journal = _read_journal(staging)
    if journal is None:
        shutil.rmtree(staging)
        return [Problem(where, 0, 0, "an earlier run was interrupted before it changed any "
                        "page; its unfinished pages were discarded", Severity.WARNING)], set()
    _apply(docs, staging, *journal)
    return [Problem(where, 0, 0, "an earlier run was interrupted while it replaced pages; "
                    "its changes were completed", Severity.WARNING)], \
        {*journal[0], *journal[1]}


def _read_journal(staging: Path) -> tuple[list[str], dict[str, str]] | None:
    """The pages to move in and the pages to delete (with their hashes), or None."""
    try:
        data = json.loads((staging / JOURNAL).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != _JOURNAL_VERSION:
        return None
    moves = data.get("write")
    deletes = data.get("delete")
    if not isinstance(moves, list) or not isinstance(deletes, dict):
        return None
    if not all(isinstance(rel, str) and _safe_rel(rel) for rel in [*moves, *deletes]):
        return None
    if not all(isinstance(sha, str) for sha in deletes.values()):
        return None
    return moves, deletes


def _apply(docs: Path, staging: Path, moves: list[str], deletes: dict[str, str]) -> None:
    """Carry out a committed journal; safe to repeat after being interrupted at any point."""
    staged = staging / _STAGED_PAGES
    for rel in moves:
        source = staged / rel
        if not source.is_file():
            continue  # moved already by the interrupted run
        target = _safe_target(docs, rel)
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for rel, sha in deletes.items():
        target = _safe_target(docs, rel)
        if target is None or not target.is_file():
            continue
        if _sha(target.read_bytes()) == sha:
            target.unlink()
            _remove_empty_parents(docs, target.parent)
    manifest = staging / _STAGED_MANIFEST
    if manifest.is_file():
        os.replace(manifest, docs / MANIFEST)
    _flush_to_disk()
    retired = staging.parent / RETIRED
    os.replace(staging, retired)  # the update is complete
    shutil.rmtree(retired)


# --- writing --------------------------------------------------------------------------------


def write_pages(
    docs: Path, pages: dict[str, str], label: str = "docs", *, unchanged: Iterable[str] = ()
) -> WriteReport:
    """Bring docs/ in line with `pages`; refuse everything (write nothing) on any conflict.

    `unchanged` names generated pages the caller knows are already on disk as they should be
    (it did not render them again): they are kept, neither written nor counted nor removed.
    """
    report = WriteReport()
    if docs.is_symlink():
        report.problems.append(Problem(label, 0, 0, "refusing to write into a symlinked folder"))
        return report
    kept = set(unchanged) - set(pages)
    try:
        recovered, touched = _recover(docs, label)
    except OSError as exc:
        report.problems.append(Problem(f"{label}/{STAGING}", 0, 0, "could not finish or discard "
                                       f"an interrupted earlier run ({exc.strerror or exc})"))
        return report
    report.problems.extend(recovered)
    if touched & kept:
        report.problems.append(Problem(f"{label}/{STAGING}", 0, 0, "an interrupted earlier run "
                                       "was completed just now; run the command again"))
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
    stale: dict[str, str] = {}
    for rel, hashes in sorted(manifest.items()):
        if rel in encoded or rel in kept:
            continue
        target = _safe_target(docs, rel)
        if target is None or not target.is_file():
            continue
        sha = _sha(target.read_bytes())
        if sha in hashes:
            stale[rel] = sha
        else:
            report.problems.append(Problem(f"{label}/{rel}", 0, 0, "no longer generated but edited "
                                           "by hand; left in place", Severity.WARNING))
    if any(p.is_error for p in report.problems):
        return report
    final = {rel: [_sha(data)] for rel, data in encoded.items()}
    for rel in kept:
        final[rel] = manifest.get(rel) or [_sha((docs / rel).read_bytes())]
    if not changes and not stale and final == manifest:
        return report
    try:
        _stage_and_commit(docs, changes, stale, final)
    except OSError as exc:  # a full disk, say: nothing was committed, so nothing changed
        shutil.rmtree(docs / STAGING, ignore_errors=True)
        report.problems.append(Problem(label, 0, 0, f"could not write the pages "
                                       f"({exc.strerror or exc}); {label}/ was left as it was"))
        return report
    try:
        _apply(docs, docs / STAGING, list(changes), stale)
    except OSError as exc:
        report.problems.append(Problem(label, 0, 0, f"could not finish replacing the pages "
                                       f"({exc.strerror or exc}); the next run finishes it"))
        return report
    report.written.extend(changes)
    report.removed.extend(stale)
    return report


def _stage_and_commit(docs: Path, changes: dict[str, bytes], stale: dict[str, str],
                      final: dict[str, list[str]]) -> None:
    """Write the new pages and manifest into the staging folder, then commit the journal."""
    staging = docs / STAGING
    staging.mkdir(parents=True)
    staged = staging / _STAGED_PAGES
    for rel, data in changes.items():
        _create(staged / rel, data)
    _create(staging / _STAGED_MANIFEST, _manifest_bytes(final))
    journal = {"version": _JOURNAL_VERSION, "write": list(changes), "delete": stale}
    pending = staging / f"{JOURNAL}.tmp"
    _create(pending, json.dumps(journal, indent=1).encode("utf-8"))
    _flush_to_disk()
    os.replace(pending, staging / JOURNAL)  # the commit point


def _remove_empty_parents(docs: Path, folder: Path) -> None:
    while folder != docs and folder.is_relative_to(docs):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
