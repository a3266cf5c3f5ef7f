"""Build stage: run MkDocs in strict mode into a fresh folder, then swap it in for site/.

A failed build leaves the previous site/ exactly as it was. The new site replaces the old one
in a single atomic exchange where the system offers one (Linux `renameat2`), so site/ is
always one complete build, even for a reader in the middle of the swap or a build killed at
any point; the next build removes what a killed one left beside site/. A build identical to
the published site leaves site/ untouched (mtimes stay). `SOURCE_DATE_EPOCH` (the date MkDocs
puts in sitemap.xml) defaults to the newest briefing's date, so the same content gives a
byte-identical site on any day.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import filecmp
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.pipeline import Settings

_STAGING_PREFIX = ".briefings-site-"
_OLD_PREFIX = ".briefings-old-"
EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


class BuildFailed(Exception):
    """MkDocs could not build the site; the message says why."""


def build_site(settings: Settings, *, quiet: bool = False, newest: dt.date | None = None) -> Path:
    """Build the static site from docs/ (already generated) and publish it to site/.

    `newest` is the date of the newest briefing, which the site is dated by.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    config_file = settings.root / "mkdocs.yml"
    site_dir = settings.site_dir or settings.root / "site"
    if site_dir.is_symlink():
        try:
            shown = site_dir.relative_to(settings.root).as_posix()
        except ValueError:
            shown = site_dir.as_posix()
        raise BuildFailed(f"refusing to replace {shown}, a symbolic link; set site_dir in "
                          "mkdocs.yml to the folder it points to")
    recover_site(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=site_dir.parent))
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING if quiet else logging.INFO)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        config = load_config(
            config_file=str(config_file),
            strict=True,
            site_dir=str(staging),
            docs_dir=str(settings.docs),
        )
        plugin = config.plugins.get("briefings")
        if plugin is not None:
            plugin.pages_ready = True
        with _environment(EPOCH_VARIABLE, os.environ.get(EPOCH_VARIABLE)
                          or str(source_date_epoch(newest))):
            build(config)
    except (Abort, MkDocsException, SystemExit, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(exc) or exc.__class__.__name__) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logger.removeHandler(handler)
    if site_dir.is_dir() and same_tree(staging, site_dir):
        shutil.rmtree(staging)  # nothing changed: keep site/ as it is, mtimes and all
        _make_public(site_dir)
        return site_dir
    if site_dir.is_dir():
        keep_times(staging, site_dir)
    _make_public(staging)
    _swap(staging, site_dir)
    return site_dir


def keep_times(new: Path, old: Path) -> None:
    """Give each file of the new site that is byte for byte the one in the old site the old
    one's times: publishing by size and time (rsync -a, say) then sends only what changed,
    not the whole site after every edit."""
    for folder, _, names in os.walk(new):
        for name in names:
            fresh = os.path.join(folder, name)
            before = os.path.join(old, os.path.relpath(fresh, new))
            with contextlib.suppress(OSError):
                info = os.stat(before, follow_symlinks=False)
                if (stat.S_ISREG(info.st_mode) and info.st_size == os.path.getsize(fresh)
                        and filecmp.cmp(fresh, before, shallow=False)):
                    os.utime(fresh, ns=(info.st_atime_ns, info.st_mtime_ns))


def source_date_epoch(newest: dt.date | None) -> int:
    """Midnight UTC of the newest briefing's date, or 0 when there is none."""
    if newest is None:
        return 0
    return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp())


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def same_tree(left: Path, right: Path) -> bool:
    """True when two folders hold the same names, and files with the same bytes."""
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    for name in comparison.common_files:
        if (left / name).is_symlink() or (right / name).is_symlink():
            return False
        if not filecmp.cmp(left / name, right / name, shallow=False):
            return False
    return all(same_tree(left / name, right / name) for name in comparison.common_dirs)


def recover_site(site_dir: Path) -> None:
    """Clear what a killed build left beside site/; bring back site/ if it was mid-swap.

    Call it holding the run lock: the folders removed here belong to no running build.
    """
    parent = site_dir.parent
    if not parent.is_dir():
        return
    for old in sorted(parent.glob(_OLD_PREFIX + "*")):
        saved = old / "site"
        if not site_dir.exists() and saved.is_dir():
            os.replace(saved, site_dir)  # killed between the two renames of the fallback swap
        shutil.rmtree(old, ignore_errors=True)
    for leftover in sorted(parent.glob(_STAGING_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)


def _make_public(folder: Path) -> None:
    """mkdtemp makes folders readable by the owner only; a site is served to others."""
    mask = os.umask(0)
    os.umask(mask)
    mode = 0o777 & ~mask
    if folder.stat().st_mode & 0o777 != mode:
        os.chmod(folder, mode)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                       rename_exchange)
    return bool(result == 0)


def _swap(staging: Path, site_dir: Path) -> None:
    if site_dir.exists() and _exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX, dir=site_dir.parent))
        os.replace(site_dir, old / "site")
    os.replace(staging, site_dir)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
