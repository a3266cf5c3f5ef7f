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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
    pages: list[str] | None = None  # every page the manifest lists after the write, if known


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Owned = Callable[[str], bool]  # whether a docs-relative path is one the generator may write


def _anything(rel: str) -> bool:
    return True


def read_manifest(docs: Path, owned: Owned = _anything) -> dict[str, list[str]]:
    """The generator's record of its own pages: path to accepted hashes. A path it does not
    own (an edited or damaged manifest) is not its page, and is left out."""
    try:
        data = json.loads((docs / MANIFEST).read_text("utf-8"))
        files = data.get("files", {})
        return {str(k): [str(h) for h in v] for k, v in files.items()
                if isinstance(v, list) and owned(str(k))}
    except (OSError, ValueError, AttributeError):
        return {}


def _manifest_bytes(files: dict[str, list[str]]) -> bytes:
    # Not indented: only json's C encoder is fast enough for one line per page, every run.
    text = json.dumps({"version": 1, "files": dict(sorted(files.items()))}) + "\n"
    return text.encode("utf-8")


def _create(target: Path, data: bytes) -> None:
    """Create `target`, which must not exist yet, with `data`; its folder must exist."""
    with open(target, "xb") as handle:
        handle.write(data)


def _make_folder(folder: str, made: set[str]) -> None:
    """Make `folder` and its parents, once per `made` (the folders known to exist)."""
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


def _flush_to_disk() -> None:
    """Make everything written so far survive a power cut, not only a killed process.

    One `sync` for the whole update: an fsync per page costs ~10 ms each on ext4.
    """
    if hasattr(os, "sync"):
        os.sync()


def _safe_rel(rel: str) -> bool:
    """A docs-relative page path that stays inside docs/: names joined by single slashes."""
    parts = rel.split("/")
    return all(part not in ("", ".", "..") for part in parts) and "\\" not in rel \
        and "\x00" not in rel and parts[0] not in (STAGING, RETIRED)


def _safe_target(docs: Path, rel: str, folders: set[str] | None = None) -> Path | None:
    """The file for a page, or None if it would leave docs/ or pass through a link.

    `rel` has no '..' and no part of it is a link, so the file is inside docs/. `folders`
    remembers the folders already found to be no link, for the next page in them.
    """
    if not _safe_rel(rel):
        return None
    parts = rel.split("/")
    current = str(docs)
    for part in parts[:-1]:
        current = f"{current}/{part}"
        if folders is not None and current in folders:
            continue
        if os.path.islink(current) or (os.path.lexists(current) and not os.path.isdir(current)):
            return None
        if folders is not None:
            folders.add(current)
    target = docs / rel
    if os.path.islink(target):
        return None
    return target


def _file_in_the_way(docs: Path, rel: str) -> str:
    """The first folder on the way to a page that is a file (no link), or ""."""
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        path = docs / folder
        if path.is_symlink():
            return ""
        if path.exists() and not path.is_dir():
            return folder
    return ""


# --- recovery -------------------------------------------------------------------------------


def recover(docs: Path, label: str = "docs", owned: Owned = _anything) -> list[Problem]:
    """Finish or discard what a killed run left in docs/; call it holding the run lock.

    With a journal the earlier run had committed: its moves and deletions are completed (roll
    forward). Without one it had not: the staging folder is deleted and docs/ is as it was.
    Returns warnings saying what was done (nothing when there was nothing to do).
    `write_pages` calls it first; a caller that looks at the pages in docs/ before writing
    (to skip unchanged ones) should call it before that. When the disk refuses (a file is
    where a folder of pages was), the problem is an error, and the journal stays for a run
    after it is cleared.
    """
    try:
        return _recover(docs, label, owned)[0]
    except OSError as exc:
        return [Problem(f"{label}/{STAGING}", 0, 0, "could not finish an interrupted earlier "
                        f"run ({exc.strerror or exc}{_at(exc, docs)}); clear that path and "
                        "run again")]


def _at(exc: OSError, docs: Path) -> str:
    name = exc.filename if isinstance(exc.filename, str) else ""
    return f": {name[len(str(docs)) + 1:] or name}" if name.startswith(f"{docs}/") else ""


def _recover(docs: Path, label: str, owned: Owned) -> tuple[list[Problem], set[str]]:
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
    journal = _read_journal(staging, owned)
    if journal is None:
        shutil.rmtree(staging)
        return [Problem(where, 0, 0, "an earlier run was interrupted before it changed any "
                        "page; its unfinished pages were discarded", Severity.WARNING)], set()
    _apply(docs, staging, *journal)
    return [Problem(where, 0, 0, "an earlier run was interrupted while it replaced pages; "
                    "its changes were completed", Severity.WARNING)], \
        {*journal[0], *journal[1]}


def _read_journal(staging: Path, owned: Owned) -> tuple[list[str], dict[str, str]] | None:
    """The pages to move in and the pages to delete (with their hashes), or None (as for one
    that names a path the generator does not own)."""
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
    if not all(isinstance(rel, str) and _safe_rel(rel) and owned(rel)
               for rel in [*moves, *deletes]):
        return None
    if not all(isinstance(sha, str) for sha in deletes.values()):
        return None
    return moves, deletes


def _apply(docs: Path, staging: Path, moves: list[str], deletes: dict[str, str]) -> None:
    """Carry out a committed journal; safe to repeat after being interrupted at any point."""
    staged = staging / _STAGED_PAGES
    checked: set[str] = set()
    made: set[str] = set()
    for rel in moves:
        source = f"{staged}/{rel}"
        if not os.path.isfile(source):
            continue  # moved already by the interrupted run
        target = _safe_target(docs, rel, checked)
        if target is None:
            continue
        _make_folder(os.path.dirname(target), made)
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


@dataclass(frozen=True)
class Staged:
    """What staging one page did: "staged" (it changed), "same" (it did not), "refused"
    (a page that is not ours is in the way) or "failed" (the disk said no); with the problem."""

    what: str
    problem: Problem | None = None


class Update:
    """One all-or-nothing update of docs/, fed a page at a time.

    `add` checks each page as it comes and stages it if it changed, so a run never holds all
    its pages in memory; `commit` removes what is no longer generated and puts everything in
    place, or, when any page was refused, changes nothing. `abort` discards what was staged.
    `add` is `stage` then `took`: a worker process forked from the owner may `stage` a page
    (it writes only into the staging folder) and send the outcome back for the owner's `took`.
    """

    def __init__(self, docs: Path, label: str = "docs", owned: Owned = _anything) -> None:
        self.docs = docs
        self.label = label
        self.owned = owned
        self.report = WriteReport()
        self.hashes: dict[str, str] = {}  # every page added: its sha256
        self.changes: list[str] = []  # the pages staged to replace what is on disk
        self._touched: set[str] = set()  # pages an interrupted earlier run just completed
        self._failed = False  # staging hit an error: nothing more is staged
        self._checked = False  # docs/ is a real folder, recovered: its staging folder is ours
        self._folders: set[str] = set()  # folders in docs/ found to be no symbolic link
        self._made: set[str] = set()  # folders made in the staging folder
        self._staging = docs / STAGING
        self.manifest: dict[str, list[str]] = {}
        if docs.is_symlink():
            self._refuse(label, "refusing to write into a symlinked folder")
            return
        try:
            recovered, self._touched = _recover(docs, label, owned)
        except OSError as exc:
            self._refuse(f"{label}/{STAGING}", "could not finish or discard an interrupted "
                         f"earlier run ({exc.strerror or exc})")
            return
        self.report.problems.extend(recovered)
        self.manifest = read_manifest(docs, owned)
        self._checked = True

    def _refuse(self, where: str, message: str) -> None:
        self.report.problems.append(Problem(where, 0, 0, message))
        self._failed = True

    @property
    def refused(self) -> bool:
        """True when a page was refused or could not be staged: the commit will change nothing."""
        return self._failed or any(p.is_error for p in self.report.problems)

    def add(self, rel: str, data: bytes, sha: str | None = None) -> None:
        """Take one generated page (its bytes, and their sha256 if already known)."""
        self.took(rel, sha or _sha(data), self.stage(rel, data))

    def stage(self, rel: str, data: bytes) -> Staged:
        """Compare a page with docs/ and stage it if it changed; changes nothing here but
        the staging folder, so it may run in a worker process."""
        if self._failed:
            return Staged("failed")
        target = _safe_target(self.docs, rel, self._folders)
        shown = f"{self.label}/{rel}"
        if target is None:
            blocked = _file_in_the_way(self.docs, rel)
            if blocked:
                return Staged("refused", Problem(f"{self.label}/{blocked}", 0, 0, "a file is "
                                                 "where the generator puts a folder of pages; "
                                                 "move or delete it"))
            return Staged("refused", Problem(shown, 0, 0, "refusing to write outside the docs "
                                             "folder or through a symlink"))
        if os.path.lexists(target):
            if not target.is_file():
                return Staged("refused", Problem(shown, 0, 0, "refusing to overwrite: not a file"))
            current = target.read_bytes()
            if current == data:
                return Staged("same")
            if _sha(current) not in self.manifest.get(rel, []):
                reason = ("it was edited by hand after it was generated; move the change into "
                          "the YAML and delete the file" if rel in self.manifest else
                          "it is a hand-written page; move or rename it")
                return Staged("refused", Problem(shown, 0, 0, f"refusing to overwrite: {reason}"))
        try:
            staged = f"{self._staging}/{_STAGED_PAGES}/{rel}"
            _make_folder(os.path.dirname(staged), self._made)
            _create(Path(staged), data)
        except OSError as exc:  # a full disk, say: nothing is committed, so nothing changes
            return Staged("failed", Problem(self.label, 0, 0, "could not write the pages "
                                            f"({exc.strerror or exc}); {self.label}/ was left "
                                            "as it was"))
        return Staged("staged")

    def took(self, rel: str, sha: str, outcome: Staged) -> None:
        """Record what staging a page did (here or in a worker process)."""
        self.hashes[rel] = sha
        if outcome.what == "same":
            self.report.unchanged += 1
        elif outcome.what == "staged":
            self.changes.append(rel)
        elif outcome.what == "failed":
            self._failed = True
        if outcome.problem is not None and outcome.problem not in self.report.problems:
            self.report.problems.append(outcome.problem)

    def commit(self, unchanged: Iterable[str] = ()) -> WriteReport:
        """Bring docs/ in line with the pages added; change nothing if any was refused.

        `unchanged` names generated pages the caller knows are already on disk as they should
        be (it did not render them again): they are kept, neither written nor removed.
        """
        report = self.report
        kept = set(unchanged) - set(self.hashes)
        if not self.refused and self._touched & kept:
            report.problems.append(Problem(f"{self.label}/{STAGING}", 0, 0, "an interrupted "
                                           "earlier run was completed just now; run the "
                                           "command again"))
        stale = self._stale(kept)
        if self.refused:
            self.abort()
            return report
        final = {rel: [sha] for rel, sha in self.hashes.items()}
        for rel in kept:
            final[rel] = self.manifest.get(rel) or [_sha((self.docs / rel).read_bytes())]
        if not self.changes and not stale and final == self.manifest:
            report.pages = list(final)
            return report
        manifest = self.docs / MANIFEST
        if os.path.lexists(manifest) and (manifest.is_symlink() or not manifest.is_file()):
            self.abort()
            report.problems.append(Problem(f"{self.label}/{MANIFEST}", 0, 0, "this is where "
                                           "the generator keeps the list of its pages, and it "
                                           "is not a file; move or delete it"))
            return report
        try:
            _make_folder(str(self._staging), self._made)
            _commit_journal(self._staging, self.changes, stale, final)
        except OSError as exc:  # a full disk, say: nothing was committed, so nothing changed
            self.abort()
            report.problems.append(Problem(self.label, 0, 0, f"could not write the pages "
                                           f"({exc.strerror or exc}); {self.label}/ was left "
                                           "as it was"))
            return report
        try:
            _apply(self.docs, self._staging, self.changes, stale)
        except OSError as exc:
            report.problems.append(Problem(self.label, 0, 0, f"could not finish replacing the "
                                           f"pages ({exc.strerror or exc}); the next run "
                                           "finishes it"))
            return report
        report.written.extend(self.changes)
        report.removed.extend(stale)
        report.pages = list(final)
        return report

    def abort(self) -> None:
        """Throw away what was staged: docs/ stays as it was.

        Recovery removed any staging folder before this update began, so one found now is
        this update's (or its workers'); one with a committed journal is kept for the next run.
        """
        staging = self._staging
        if self._checked and staging.is_dir() and not staging.is_symlink() \
                and not (staging / JOURNAL).exists():
            shutil.rmtree(staging, ignore_errors=True)

    def _stale(self, kept: set[str]) -> dict[str, str]:
        """The generated pages no longer generated, with their hashes; warn about edited ones."""
        stale: dict[str, str] = {}
        for rel, hashes in sorted(self.manifest.items()):
            if rel in self.hashes or rel in kept:
                continue
            target = _safe_target(self.docs, rel)
            if target is None or not target.is_file():
                continue
            sha = _sha(target.read_bytes())
            if sha in hashes:
                stale[rel] = sha
            else:
                self.report.problems.append(Problem(f"{self.label}/{rel}", 0, 0, "no longer "
                                                    "generated but edited by hand; left in place",
                                                    Severity.WARNING))
        return stale


def write_pages(
    docs: Path, pages: dict[str, str], label: str = "docs", *, unchanged: Iterable[str] = ()
) -> WriteReport:
    """Bring docs/ in line with `pages`; refuse everything (write nothing) on any conflict."""
    update = Update(docs, label)
    for rel, text in sorted(pages.items()):
        update.add(rel, text.encode("utf-8"))
    return update.commit(unchanged)


def _commit_journal(staging: Path, changes: list[str], stale: dict[str, str],
                    final: dict[str, list[str]]) -> None:
    """Write the new manifest beside the staged pages, then commit the journal."""
    _create(staging / _STAGED_MANIFEST, _manifest_bytes(final))
    journal = {"version": _JOURNAL_VERSION, "write": changes, "delete": stale}
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
