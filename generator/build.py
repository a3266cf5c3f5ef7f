"""Build stage: run MkDocs in strict mode into a fresh folder, then swap it in for site/.

A failed build leaves the previous site/ exactly as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from generator.pipeline import Settings


class BuildFailed(Exception):
    """MkDocs could not build the site; the message says why."""


def build_site(settings: Settings, *, quiet: bool = False) -> Path:
    """Build the static site from docs/ (already generated) and publish it to site/."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    config_file = settings.root / "mkdocs.yml"
    site_dir = settings.site_dir or settings.root / "site"
    staging = Path(tempfile.mkdtemp(prefix=".briefings-site-", dir=site_dir.parent))
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
        build(config)
    except (Abort, MkDocsException, SystemExit, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(exc) or exc.__class__.__name__) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logger.removeHandler(handler)
    _swap(staging, site_dir)
    return site_dir


def _swap(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".briefings-old-", dir=site_dir.parent))
        os.replace(site_dir, old / "site")
    os.replace(staging, site_dir)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
