"""Live preview: `briefings serve` shows a saved edit and errors, and recovers, in one rebuild."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_site

SLUG = "2024-10-28-north-korean-troops-kursk"
ANNOTATION = Path("seeds/articles") / f"{SLUG}.yaml"
PAGE = f"briefings/{SLUG}/"
WAIT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A `briefings serve` process and the log it writes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.log = root / "serve.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            env={**os.environ, "BRIEFINGS_CACHE_DIR": str(root / ".cache")},
            start_new_session=True,
        )

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as reply:
            text: str = reply.read().decode("utf-8")
            return text

    def wait_for(self, path: str, needle: str, present: bool = True) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                text = self.get(path)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                text = ""
            if text and (needle in text) == present:
                return text
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} {'never' if present else 'still'} on {path}:\n"
                             f"{self.log.read_text()}")

    def builds(self) -> int:
        return self.log.read_text().count("Building documentation")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(copy_site(tmp_path / "site"))
    try:
        running.wait_for(PAGE, "bf-quote")
        yield running
    finally:
        running.stop()


def edit(root: Path, old: str, new: str) -> None:
    path = root / ANNOTATION
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def settle(server: Server, builds: int) -> int:
    """Wait until no new build has started for a moment; return the number of builds."""
    time.sleep(1.5)
    return server.builds() - builds


def test_a_saved_edit_shows_after_one_rebuild(server: Server) -> None:
    before = server.builds()
    edit(server.root, "Press briefing, 28 October 2024", "Press conference in Brussels")
    server.wait_for(PAGE, "Press conference in Brussels")
    assert settle(server, before) == 1
    # Pages are kept out of docs/, so the preview never leaves generated files there.
    assert not (server.root / "docs" / "briefings").exists()


def test_a_broken_save_keeps_the_last_good_page_and_shows_the_error(server: Server) -> None:
    edit(server.root, "speaker: mark-rutte", "speaker: mark-rute")
    page = server.wait_for(PAGE, "bf-build-errors")
    assert "mark-rute" in page and "did you mean" in page
    assert "bf-quote" in page  # the last good version is still there
    log = server.log.read_text()
    assert f"{ANNOTATION.as_posix()}:" in log and "is not a known actor" in log
    assert "Traceback" not in log
    edit(server.root, "speaker: mark-rute", "speaker: mark-rutte")
    server.wait_for(PAGE, "bf-build-errors", present=False)


def test_edits_of_actors_yaml_show_after_one_rebuild_each(server: Server) -> None:
    # A title (the record of pages stands) and a name (what was verified of each briefing
    # that does not hold it stands too): both are on the briefing's page.
    actors = server.root / "seeds" / "actors.yaml"
    for old, new, shown in (("title: Secretary General of NATO", "title: NATO chief", "NATO chief"),
                            ("name: Rustem Umerov", "name: Rustem Umierov", "Rustem Umierov")):
        before = server.builds()
        actors.write_text(actors.read_text("utf-8").replace(old, new, 1), "utf-8")
        server.wait_for(PAGE, shown)
        assert settle(server, before) == 1
    assert "Traceback" not in server.log.read_text()


def test_a_removed_briefing_and_its_tag_are_no_longer_served(server: Server) -> None:
    """A dirty build keeps every built page it does not make again: the pages of a
    briefing renamed away, and of a tag left with no briefing, must go from the preview."""
    articles = server.root / "seeds" / "articles"
    source = server.root / ANNOTATION
    text = source.read_text("utf-8").replace("tags:\n", "tags:\n  - only-here\n", 1)
    text = text.replace("date: 2024-10-28", "date: 2024-11-01", 1)
    shutil.copy(source.with_suffix(".txt"), articles / "2024-11-01-a-second-look.txt")
    (articles / "2024-11-01-a-second-look.yaml").write_text(text, "utf-8")
    server.wait_for("briefings/2024-11-01-a-second-look/", "bf-quote")
    server.wait_for("tags/only-here/", "2024-11-01-a-second-look")
    (articles / "2024-11-01-a-second-look.yaml").unlink()
    (articles / "2024-11-01-a-second-look.txt").unlink()
    server.wait_for("", "2024-11-01-a-second-look", present=False)
    for gone in ("briefings/2024-11-01-a-second-look/", "tags/only-here/"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            server.get(gone)
        assert missing.value.code == 404
