"""What the last run parsed, verified and rendered, so the next run redoes only what changed.

Every entry is keyed by content hashes: a briefing's verified result by the sha256 of its
annotation and article and of the actor registry it was checked against; the registry by
the sha256 of actors.yaml; a page by a fingerprint of everything it shows. A file's hash is
recomputed whenever its size, mtime, ctime or inode differ from what was recorded.

The cache is one SQLite database per site, outside the site folder (a cloned site cannot
plant one). A run reads the keys of all it holds at the start, and the results it needs
when it needs them (an edit needs those of the few briefings the pages it changes show);
it writes back only the rows it changed, so an edit costs what it touched, not the size of
the site. It is dropped whole when the generator itself changes, and a damaged or
unreadable one is started afresh: losing it only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import sqlite3
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import generator

CACHE_VARIABLE = "BRIEFINGS_CACHE_DIR"
_FORMAT = 2
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stamps (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, "
    "ctime INTEGER, inode INTEGER, sha256 TEXT)",
    "CREATE TABLE IF NOT EXISTS results (name TEXT PRIMARY KEY, key TEXT, value BLOB)",
    "CREATE TABLE IF NOT EXISTS pages (page TEXT PRIMARY KEY, fingerprint TEXT, size INTEGER, "
    "mtime INTEGER)",
    "CREATE TABLE IF NOT EXISTS words (article TEXT PRIMARY KEY, words BLOB)",
)
_ACTORS = "\0actors"  # the row of the actor registry among the briefings' results
_AUTOSAVE_BYTES = 16_000_000  # of new results held before they are saved


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
    return folder / f"{key}.sqlite"


def compiled_templates(root: Path) -> Path | None:
    """A folder for the compiled templates of the site at `root`, or None if none can be made."""
    folder = cache_file(root).with_suffix(".templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


class Stamp(NamedTuple):
    """A file's identity on disk and the hash of its content (a tuple: one is made for
    every file at the start of each run, three times as fast as a frozen dataclass)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str


@dataclass
class Cache:
    """The state carried from one run to the next, with a note of what changed in this one."""

    version: str = ""
    stamps: dict[str, Stamp] = field(default_factory=dict)
    # slug (or _ACTORS): (key, result); a result is unpickled the first time it is asked for
    _results: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # slug: (key, pickled result), or (key, None) while the result is only in the database
    _pickled: dict[str, tuple[str, bytes | None]] = field(default_factory=dict)
    _blobs: dict[str, bytes] = field(default_factory=dict)  # new results, pickled already
    _rekeyed: set[str] = field(default_factory=set)  # results saved already, under another key
    # "folder\0page": (fingerprint, size, mtime_ns) of the page written there
    pages: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # an article's content and kind ("sha256 .txt"): the words of its folded text (words_of),
    # read from disk only by a run that needs them (load_words); None until then
    _words: dict[str, bytes] | None = None
    _changed: dict[str, set[str]] = field(
        default_factory=lambda: {"stamps": set(), "results": set(), "pages": set(),
                                 "words": set()})
    # stats taken at the start of this run, each used once by file_hash instead of a new stat
    seen: dict[str, os.stat_result] = field(default_factory=dict, repr=False)
    autosave: Path | None = None  # the site root, to save to as results pile up, or None
    contents: dict[str, bytes] | None = field(default=None, repr=False)  # files read, if kept
    _blob_bytes: int = 0
    _source: Path | None = None  # the database the results not read yet are in
    # results not read yet and given a new key since: the key of their row in the database
    _stored_as: dict[str, str] = field(default_factory=dict)
    # pages as this run found them written, or wrote them: folder, then page: (size, mtime_ns)
    page_stats: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    _reader: tuple[int, sqlite3.Connection] | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        """Whether anything is new since loading, and so worth saving."""
        return any(self._changed.values())

    def file_hash(self, path: Path | str) -> str | None:
        """The sha256 of a file, reusing the recorded one while the file is untouched (as
        the stat taken at the start of the run, in `seen`, says: asked again in one run, as
        after a change of names, a file is not looked at again)."""
        key = str(path)
        try:
            info = self.seen.get(key) or os.stat(key)
        except OSError:
            return None
        old = self.stamps.get(key)
        if old and (old.size, old.mtime_ns, old.ctime_ns, old.inode) == (
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
        ):
            return old.sha256
        try:
            data = Path(key).read_bytes()
        except OSError:
            return None
        if self.contents is not None:
            self.contents[key] = data
        digest = hashlib.sha256(data).hexdigest()
        self.stamps[key] = Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                 digest)
        self._changed["stamps"].add(key)
        return digest

    def has_result(self, name: str) -> bool:
        """Whether anything is recorded for `name`, under any key."""
        return name in self._results or name in self._pickled

    def holds(self, name: str, key: str) -> bool:
        """Whether the result recorded for `name` is the one for `key` (nothing unpickled)."""
        found = self._results.get(name) or self._pickled.get(name)
        return found is not None and found[0] == key

    def recorded(self, name: str) -> tuple[str, Any] | None:
        """The key and result recorded for `name`, whatever the key, or None."""
        found = self._results.get(name)
        if found is None and name in self._pickled:
            self.result(name, self._pickled[name][0])
            found = self._results.get(name)
        return found

    def record_stamp(self, path: str, stamp: Stamp) -> None:
        """Remember a file's stamp, taken by another process that read the file."""
        if self.stamps.get(path) != stamp:
            self.stamps[path] = stamp
            self._changed["stamps"].add(path)

    def result(self, name: str, key: str) -> Any:
        """What was recorded for `name` (a briefing's slug) under `key`, or None."""
        found = self._results.get(name)
        if found is None and name in self._pickled:
            recorded_key, data = self._pickled[name]
            if data is None:  # in the database, read only for its own key
                if recorded_key != key:
                    return None
                data = self._read_result(name, self._stored_as.pop(name, recorded_key))
            del self._pickled[name]
            try:  # our own file, outside the site
                found = (recorded_key, pickle.loads(data)) if data is not None else None
            except Exception:  # any damaged entry is only a cache miss
                found = None
            # every result is a tuple or a dict; a row gone from the database, damaged or of
            # another shape is a miss, and goes from the database too
            if found is None or not isinstance(found[1], tuple | dict):
                self._rekeyed.discard(name)
                self._changed["results"].add(name)
                return None
            self._results[name] = found
        if found is None or found[0] != key:
            return None
        return found[1]

    def _read_result(self, name: str, key: str) -> bytes | None:
        """The pickled result recorded for `name` under `key` in the database, or None.

        Read through a connection of this process's own, kept for the run: a forked worker
        opens its own (SQLite connections must not cross a fork).
        """
        if self._source is None:
            return None
        try:
            if self._reader is None or self._reader[0] != os.getpid():
                self._reader = (os.getpid(), sqlite3.connect(
                    f"{self._source.as_uri()}?mode=ro", uri=True, check_same_thread=False))
            # (all rows fetched: a statement not run to its end would hold off the writes of
            # this very run, saving as it goes)
            rows = self._reader[1].execute("SELECT value FROM results WHERE name = ? AND key = ?",
                                           (name, key)).fetchall()
        except sqlite3.Error:
            return None
        return rows[0][0] if rows and isinstance(rows[0][0], bytes) else None

    def close(self) -> None:
        """Let go of the database the results were read from."""
        if self._reader is not None and self._reader[0] == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._reader[1].close()
        self._reader = None

    def record(self, name: str, key: str, result: Any, pickled: bytes | None = None) -> None:
        """Remember `result` for `name` under `key`, replacing what was there.

        `pickled`, when given, is `result` pickled already (by a worker process).
        """
        self._pickled.pop(name, None)
        self._results[name] = (key, result)
        self._changed["results"].add(name)
        self._rekeyed.discard(name)
        if pickled is not None:
            self._blobs[name] = pickled
            self._blob_bytes += len(pickled)
            if self.autosave is not None and self._blob_bytes > _AUTOSAVE_BYTES:
                save_cache(self.autosave, self)  # no need to hold them all until the end

    def rekey(self, name: str, key: str, new_key: str) -> bool:
        """Record what is recorded for `name` under `key` under `new_key` instead, unpickling
        nothing; False when something else is recorded for it."""
        for entries in (self._pickled, self._results):
            found = entries.get(name)
            if found is not None and found[0] == key:
                if entries is self._pickled and found[1] is None:  # its row keeps the old key
                    self._stored_as.setdefault(name, key)  # until the cache is saved
                entries[name] = (new_key, found[1])
                if name not in self._changed["results"]:  # saved as it is: the key will do
                    self._rekeyed.add(name)
                self._changed["results"].add(name)
                return True
        return False

    def keep_results(self, names: set[str]) -> None:
        """Forget the results of briefings no longer in the site."""
        for name in [n for n in (*self._results, *self._pickled)
                     if n not in names and not n.startswith("\0")]:
            self._results.pop(name, None)
            self._pickled.pop(name, None)
            self._rekeyed.discard(name)
            self._changed["results"].add(name)

    def actors(self, key: str) -> Any:
        """The checked actor registry recorded for actors.yaml with hash `key`, or None."""
        return self.result(_ACTORS, key)

    def last_actors(self) -> tuple[str, Any] | None:
        """The key of the actors.yaml recorded last and its checked registry, or None."""
        return self.recorded(_ACTORS)

    def record_actors(self, key: str, result: Any) -> None:
        """Remember the checked actor registry of actors.yaml with hash `key`."""
        self.record(_ACTORS, key, result)

    def graph(self, folder: Path, state: str) -> dict[str, Any] | None:
        """For the last successful write into `folder` with the same actor registry and
        templates (`state`): what it made of each briefing (its key, the pages that show
        it, ...) by slug; else None."""
        found: dict[str, Any] | None = self.result(f"\0graph {folder}", state)
        return found

    def record_graph(self, folder: Path, state: str, graph: dict[str, Any]) -> None:
        """Remember what a successful write into `folder` was made from."""
        self.record(f"\0graph {folder}", state, graph)

    def load_words(self, root: Path) -> None:
        """Read the words of every article recorded for the site at `root`, once."""
        if self._words is not None:
            return
        self._words = {}
        path = cache_file(root)
        if not self.version or not path.is_file():
            return
        try:
            connection = _connect(path)
            try:
                row = connection.execute(
                    "SELECT value FROM meta WHERE name = 'version'").fetchone()
                if row is not None and row[0] == self.version:
                    self._words = dict(connection.execute("SELECT article, words FROM words"))
            finally:
                connection.close()
        except sqlite3.Error:
            pass

    def words(self, article: str) -> str | None:
        """The words recorded for an article (its key: words_key), or None."""
        found = (self._words or {}).get(article)
        if found is None:
            return None
        try:
            return zlib.decompress(found).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):  # a damaged entry is only a miss
            return None

    def record_words(self, article: str, words: bytes) -> None:
        """Remember the words of an article, as words_of made them."""
        if self._words is None:
            self._words = {}
        self._words[article] = words
        self._changed["words"].add(article)

    def keep_words(self, articles: set[str]) -> None:
        """Forget the words of articles no longer in the site (of those read so far)."""
        for article in [a for a in self._words or {} if a not in articles]:
            del self._words[article]  # type: ignore[union-attr]
            self._changed["words"].add(article)

    def page_written(self, folder: Path, page: str) -> bool:
        """True when the page on disk is still the one this cache saw written."""
        recorded = self.pages.get(f"{folder}\0{page}")
        if recorded is None:
            return False
        try:
            info = os.stat(f"{folder}/{page}")
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != recorded[1:]:
            return False
        self.page_stats.setdefault(str(folder), {})[page] = recorded[1:]
        return True

    def page_unchanged(self, folder: Path, page: str, fingerprint: str) -> bool:
        """True when the page on disk is the one rendered last time from the same inputs."""
        recorded = self.pages.get(f"{folder}\0{page}")
        return recorded is not None and recorded[0] == fingerprint and \
            self.page_written(folder, page)

    def record_page(self, folder: Path, page: str, fingerprint: str) -> None:
        """Remember the fingerprint of a page now on disk."""
        stats = self.page_stats.setdefault(str(folder), {})
        try:
            info = os.stat(f"{folder}/{page}")
        except OSError:
            stats.pop(page, None)
            return
        key = f"{folder}\0{page}"
        value = (fingerprint, info.st_size, info.st_mtime_ns)
        stats[page] = value[1:]
        if self.pages.get(key) != value:
            self.pages[key] = value
            self._changed["pages"].add(key)

    def forget_pages(self, folder: Path, keep: set[str]) -> None:
        """Drop the records of pages in `folder` that are no longer generated."""
        prefix = f"{folder}\0"
        for key in [k for k in self.pages if k.startswith(prefix) and k[len(prefix):] not in keep]:
            del self.pages[key]
            self._changed["pages"].add(key)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")  # a lost write only costs time
    for statement in _SCHEMA:
        connection.execute(statement)
    return connection


def load_cache(root: Path, *, lazy: bool = False) -> Cache:
    """The cache of the last run, or an empty one if there is none or it cannot be trusted.

    `lazy`: each result is read from the database the first time it is asked for (by a run
    holding the site's run lock, which no other run writes the database during); otherwise
    all are read now (a long-lived preview, between whose rebuilds other runs may write).
    """
    version = _code_version()
    path = cache_file(root)
    cache = Cache(version)
    if not path.is_file():
        return cache
    try:
        connection = _connect(path)
        try:
            row = connection.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            if row is None or row[0] != version:
                return cache
            cache.stamps = {p: Stamp(*rest) for p, *rest in connection.execute(
                "SELECT path, size, mtime, ctime, inode, sha256 FROM stamps")}
            if lazy:
                cache._pickled = {name: (key, None) for name, key in connection.execute(
                    "SELECT name, key FROM results")}
                cache._source = path
            else:
                cache._pickled = {name: (key, value) for name, key, value in connection.execute(
                    "SELECT name, key, value FROM results")}
            cache.pages = {page: (fp, size, mtime) for page, fp, size, mtime in connection.execute(
                "SELECT page, fingerprint, size, mtime FROM pages")}
        finally:
            connection.close()
    except sqlite3.Error:
        return Cache(version)
    return cache


def save_cache(root: Path, cache: Cache) -> None:
    """Write back what changed in one transaction; a failure to store only costs speed."""
    if not cache.changed:
        return
    path = cache_file(root)
    changed = cache._changed
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = _connect(path)
            row = connection.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        except sqlite3.DatabaseError:  # not a database (any more): start a new one
            path.unlink()
            connection = _connect(path)
            row = None
    except (OSError, sqlite3.Error):
        return
    try:
        connection.execute("BEGIN")
        if row is None or row[0] != cache.version:  # another version's cache: start afresh
            for table in ("stamps", "results", "pages", "words"):
                connection.execute(f"DELETE FROM {table}")  # our own table names
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)",
                               (cache.version,))
            # (results not read yet went with the rows: they are misses from now on)
            cache._pickled = {n: e for n, e in cache._pickled.items() if e[1] is not None}
            cache._stored_as.clear()
            changed = {"stamps": set(cache.stamps), "results": {*cache._results, *cache._pickled},
                       "pages": set(cache.pages), "words": set(cache._words or {})}
            cache._rekeyed.clear()  # no row is there to give a new key
        _save_rows(connection, cache, changed)
        connection.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        return
    finally:
        connection.close()
    for names in cache._changed.values():
        names.clear()
    cache._blobs.clear()
    cache._rekeyed.clear()
    cache._stored_as.clear()  # each row is under its new key now
    cache._blob_bytes = 0


def _save_rows(connection: sqlite3.Connection, cache: Cache, changed: dict[str, set[str]]) -> None:
    stamps = [(p, s.size, s.mtime_ns, s.ctime_ns, s.inode, s.sha256)
              for p in changed["stamps"] if (s := cache.stamps.get(p)) is not None]
    connection.executemany("INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?, ?)", stamps)
    results = []
    gone = []
    rekeyed = []
    for name in changed["results"]:
        if name in cache._rekeyed:  # the same value under a new key: the key alone is written
            rekeyed.append(((cache._results.get(name) or cache._pickled[name])[0], name))
        elif name in cache._results or name in cache._pickled:
            results.append(_row(connection, cache, name))
        else:
            gone.append((name,))
    connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                           [row for row in results if row[2] is not None])
    if connection.executemany("UPDATE results SET key = ? WHERE name = ?",
                              rekeyed).rowcount != len(rekeyed):  # a row was not there
        connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                               [row for _, name in rekeyed
                                if (row := _row(connection, cache, name))[2] is not None])
    connection.executemany("DELETE FROM results WHERE name = ?", gone)
    pages = [(p, *cache.pages[p]) for p in changed["pages"] if p in cache.pages]
    connection.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)", pages)
    connection.executemany("DELETE FROM pages WHERE page = ?",
                           [(p,) for p in changed["pages"] if p not in cache.pages])
    words = cache._words or {}
    connection.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)",
                           [(a, words[a]) for a in changed["words"] if a in words])
    connection.executemany("DELETE FROM words WHERE article = ?",
                           [(a,) for a in changed["words"] if a not in words])


def _row(connection: sqlite3.Connection, cache: Cache, name: str) -> tuple[str, str, bytes | None]:
    """The row of a result: its name, key and pickled value (None if it is nowhere now)."""
    if name in cache._results:
        key, value = cache._results[name]
        blob = cache._blobs.get(name) or pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return name, key, blob
    key, data = cache._pickled[name]
    if data is None:  # not read yet: as it is in the database, under whatever key
        row = connection.execute("SELECT value FROM results WHERE name = ?", (name,)).fetchone()
        data = row[0] if row is not None else None
    return name, key, data


def words_key(sha256: str, path: str) -> str:
    """What the words of the article at `path` are recorded under: its content and its
    kind (a .md article is read for its text, a .txt one as it is)."""
    return f"{sha256} {os.path.splitext(path)[1]}"


def fingerprint(*parts: Any) -> str:
    """A stable hash of plain values (strings, bytes, numbers, booleans, None, tuples, lists).

    Marshal version 2 writes each value by its type and content alone, never by object
    identity or interning, so equal values always hash alike; it is three times as fast
    as repr() on the large tuples that index pages are fingerprinted from.
    """
    return hashlib.sha256(marshal.dumps(parts, 2)).hexdigest()


@dataclass
class Summary:
    """The last successful run in brief: enough to see that a new run has nothing to do."""

    signature: str
    target: str
    outputs: dict[str, tuple[int, int]]  # file in the target folder: (size, mtime_ns)
    problems: list[Any]  # the warnings of that run, to show again
    newest: Any = None  # the date of the newest briefing


def input_signature(folders: list[Path], *extra: object) -> tuple[str, dict[str, os.stat_result]]:
    """A hash of the name, size, times and inode of every file under `folders`, and what
    each file's stat said."""
    entries: list[tuple[str, int, int, int, int]] = []
    stats: dict[str, os.stat_result] = {}
    for folder in folders:
        for directory, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                path = os.path.join(directory, name)
                with contextlib.suppress(OSError):
                    info = stats[path] = os.stat(path)
                    entries.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                    info.st_ino))
    return fingerprint(_code_version(), extra, entries), stats


def output_stats(folder: Path, files: list[str], known: dict[str, tuple[int, int]] | None = None
                 ) -> dict[str, tuple[int, int]] | None:
    """Size and mtime of each file, or None if one is missing; `known`: those of files looked
    at earlier in the run, as they are now (each one stat fewer)."""
    stats: dict[str, tuple[int, int]] = {}
    known = known or {}
    for name in files:
        if name in known:
            stats[name] = known[name]
            continue
        try:
            info = os.stat(f"{folder}/{name}")
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
