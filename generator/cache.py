"""What the last run parsed, verified and rendered, so the next run redoes only what changed.

Every entry is keyed by content hashes: a briefing's verified result by the sha256 of its
annotation and article and of the actor names that mentions are found with; a page by a
fingerprint of everything it shows. A file's hash is recomputed whenever its size, mtime,
ctime or inode differ from what was recorded. The cache lives outside the site folder (a
cloned site cannot plant one) and is dropped whole when the generator itself changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import generator

CACHE_VARIABLE = "BRIEFINGS_CACHE_DIR"
_FORMAT = 1


def _code_version() -> str:
    """A hash of the generator's own code: a new version never trusts an old cache."""
    digest = hashlib.sha256(f"{_FORMAT}:{generator.__version__}:{sys.version}".encode())
    package = Path(generator.__file__).parent
    for source in sorted(package.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cache_file(root: Path) -> Path:
    """Where the cache for the site at `root` is kept."""
    if os.environ.get(CACHE_VARIABLE):
        folder = Path(os.environ[CACHE_VARIABLE])
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefings"
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return folder / f"{key}.pickle"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A file's identity on disk and the hash of its content."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str


@dataclass
class Cache:
    """The state carried from one run to the next."""

    version: str = ""
    stamps: dict[str, Stamp] = field(default_factory=dict)
    briefings: dict[str, tuple[str, Any]] = field(default_factory=dict)  # slug: (key, result)
    # "folder\0page": (fingerprint, size, mtime_ns) of the page written there
    pages: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    changed: bool = False  # whether anything is new since loading, and so worth saving

    def file_hash(self, path: Path) -> str | None:
        """The sha256 of a file, reusing the recorded one while the file is untouched."""
        try:
            info = path.stat()
        except OSError:
            return None
        key = str(path)
        old = self.stamps.get(key)
        if old and (old.size, old.mtime_ns, old.ctime_ns, old.inode) == (
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
        ):
            return old.sha256
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        self.stamps[key] = Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                 digest)
        self.changed = True
        return digest

    def page_unchanged(self, folder: Path, page: str, fingerprint: str) -> bool:
        """True when the page on disk is the one rendered last time from the same inputs."""
        recorded = self.pages.get(f"{folder}\0{page}")
        if recorded is None or recorded[0] != fingerprint:
            return False
        try:
            info = (folder / page).stat()
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == recorded[1:]

    def record_page(self, folder: Path, page: str, fingerprint: str) -> None:
        """Remember the fingerprint of a page now on disk."""
        with contextlib.suppress(OSError):
            info = (folder / page).stat()
            self.pages[f"{folder}\0{page}"] = (fingerprint, info.st_size, info.st_mtime_ns)
            self.changed = True

    def forget_pages(self, folder: Path, keep: set[str]) -> None:
        """Drop the records of pages in `folder` that are no longer generated."""
        prefix = f"{folder}\0"
        pages = {
            key: value for key, value in self.pages.items()
            if not key.startswith(prefix) or key[len(prefix):] in keep
        }
        if len(pages) != len(self.pages):
            self.pages = pages
            self.changed = True

    def set_briefings(self, results: dict[str, tuple[str, Any]]) -> None:
        """Keep the verified results of this run's briefings, and only those."""
        if results.keys() != self.briefings.keys() or any(
            results[slug][0] != self.briefings[slug][0] for slug in results
        ):
            self.changed = True
        self.briefings = results


def load_cache(root: Path) -> Cache:
    """The cache of the last run, or an empty one if there is none or it cannot be trusted."""
    version = _code_version()
    path = cache_file(root)
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)  # our own file, kept outside the site folder
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return Cache(version)
    if not isinstance(cache, Cache) or cache.version != version:
        return Cache(version)
    return cache


def save_cache(root: Path, cache: Cache) -> None:
    """Store the cache atomically; a failure to store it only costs speed next time."""
    if not cache.changed:
        return
    cache.changed = False
    path = cache_file(root)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(cache, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def fingerprint(*parts: object) -> str:
    """A stable hash of plain values (strings, numbers, tuples, lists)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Summary:
    """The last successful run in brief: enough to see that a new run has nothing to do."""

    signature: str
    target: str
    outputs: dict[str, tuple[int, int]]  # file in the target folder: (size, mtime_ns)
    problems: list[Any]  # the warnings of that run, to show again


def input_signature(folders: list[Path], *extra: object) -> str:
    """A hash of the name, size, times and inode of every file under `folders`."""
    entries: list[tuple[str, int, int, int, int]] = []
    for folder in folders:
        for directory, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                path = os.path.join(directory, name)
                with contextlib.suppress(OSError):
                    info = os.stat(path)
                    entries.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                    info.st_ino))
    return fingerprint(_code_version(), extra, entries)


def output_stats(folder: Path, files: list[str]) -> dict[str, tuple[int, int]] | None:
    """Size and mtime of each file, or None if one is missing."""
    stats: dict[str, tuple[int, int]] = {}
    for name in files:
        try:
            info = (folder / name).stat()
        except OSError:
            return None
        stats[name] = (info.st_size, info.st_mtime_ns)
    return stats


def _summary_file(root: Path) -> Path:
    path = cache_file(root)
    return path.with_name(path.stem + ".summary.pickle")


def load_summary(root: Path) -> Summary | None:
    """The summary of the last successful run, if there is one."""
    try:
        with _summary_file(root).open("rb") as handle:
            summary = pickle.load(handle)  # our own file, kept outside the site folder
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return None
    return summary if isinstance(summary, Summary) else None


def save_summary(root: Path, summary: Summary | None) -> None:
    """Store (or, with None, forget) the summary of a run."""
    path = _summary_file(root)
    with contextlib.suppress(OSError):
        if summary is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(summary, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
