"""The built site in a real browser: nothing runs, nothing leaves 127.0.0.1.

The all-payloads fixture site of tests/test_injection.py and the default site are each built
once and served over HTTP on 127.0.0.1 (Material's search worker needs http). Headless
Chromium opens every page (site/**/index.html and 404.html) and records every request, dialog
and page error; a script in the page then collects every on* attribute, every
javascript:/data:/vbscript: URL, every <script> that is not the theme's own, every
<iframe>/<object>/<embed>, and any <style> inside the content. The default build is the
baseline for the theme's own inline scripts and nav-label markup: the hostile build may add
none. Material's search is typed into with the payloads' distinctive words, and the results
(rendered as HTML from titles and text) must stay inert too.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.conftest import copy_site
from tests.test_injection import PAYLOADS, actor_id, hostile_seeds, slug

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
IN_CI = os.environ.get("CI") == "true"
MISSING = f"{CHROMIUM} is missing: the browser tests need Debian's chromium"
if not CHROMIUM.is_file() and not IN_CI:  # CI installs it (.ci/run): there, every test fails
    pytest.skip(MISSING, allow_module_level=True)
SITE_TITLE = "Briefings"
DEFAULT_BRIEFING = "briefings/2024-10-28-north-korean-troops-kursk/"
SERVER_LIFETIME = 600.0  # seconds: the server stops by itself if a teardown never comes
NAV_LABELS = ".md-nav__link, .md-tabs__link, .md-header__topic"
# Distinctive words of the payloads, typed into Material's search box.
SEARCH_TERMS = ("alert", "onerror", "onclick", "javascript", "7*7", "script", "iframe",
                "danger", "heading", "raw")
# Terms that start a token of the hostile text (MkDocs' search separator is white space and
# '-', so "alert" inside "onerror=alert(1)" is no token of its own): the search must find
# these, or the check that its results stay inert would be vacuous.
SEARCH_MUST_FIND = frozenset({"onerror", "onclick", "7*7", "danger", "heading", "raw"})

# Runs in the page: everything that could execute script or load from elsewhere.
COLLECT = """
([navSelector]) => {
  const DANGEROUS = ["javascript:", "data:", "vbscript:"];
  const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "srcset", "background", "ping", "cite", "manifest"]);
  const squeeze = (v) => v.replace(/[\\u0000-\\u0020\\u007f-\\u009f]/g, "").toLowerCase();
  const classes = (el) => (el.getAttribute("class") || "").trim().split(/\\s+/)
    .filter(Boolean).sort();
  const describe = (el) => "<" + el.localName + (el.id ? "#" + el.id : "")
    + classes(el).map((c) => "." + c).join("") + ">";
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const out = {handlers: [], urls: [], scripts: [], embeds: [], styles: [], nav: [],
               mermaid: document.querySelectorAll(".mermaid").length,
               title: document.title,
               header: (document.querySelector(
                 "[data-md-component=header-topic] .md-ellipsis") || {}).textContent || ""};
  for (const el of all) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) {
        out.handlers.push(describe(el) + " " + attr.name + "=" + JSON.stringify(attr.value));
      }
      if ((URL_ATTRIBUTES.has(name) || attr.localName === "href")
          && DANGEROUS.some((s) => squeeze(attr.value).startsWith(s))) {
        out.urls.push(describe(el) + " " + attr.name + "=" + JSON.stringify(attr.value));
      }
    }
    const tag = el.localName;
    if (tag === "script") {
      out.scripts.push({src: el.hasAttribute("src") ? el.src : null,
                        type: el.getAttribute("type") || "", text: el.text});
    }
    if (["iframe", "object", "embed", "frame", "frameset", "base", "portal"].includes(tag)
        || (tag === "meta" && /refresh/i.test(el.getAttribute("http-equiv") || ""))) {
      out.embeds.push(el.outerHTML.slice(0, 160));
    }
  }
  for (const el of document.querySelectorAll(".md-content style, article style")) {
    out.styles.push(el.outerHTML.slice(0, 160));
  }
  for (const label of document.querySelectorAll(navSelector)) {
    for (const el of label.querySelectorAll("*")) {
      out.nav.push(el.localName + "." + classes(el).join("."));
    }
  }
  return out;
}
"""


# --- the sites, the servers, the browser ---------------------------------------------------


def build(root: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return root / "site"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a tab that navigated away
            super().handle_error(request, client_address)


@dataclass
class Served:
    """A built site served on 127.0.0.1: its folder and its base URL (ending in '/')."""

    name: str
    site: Path
    base: str

    def local(self, url: str) -> str:
        """A URL of this site as a path from its root ('/...'); any other URL as it is."""
        return "/" + url.removeprefix(self.base) if url.startswith(self.base) else url

    def pages(self) -> list[str]:
        """Every page as a URL path relative to the base: directory URLs, and 404.html."""
        found = sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob("index.html"))
        paths = [rel.removesuffix("index.html") for rel in found]
        if (self.site / "404.html").is_file():
            paths.append("404.html")
        return paths


def serve(name: str, site: Path) -> Iterator[Served]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    deadline = threading.Timer(SERVER_LIFETIME, server.shutdown)
    deadline.daemon = True
    deadline.start()
    try:
        yield Served(name, site, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        deadline.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("browser-hostile")
    site = build(copy_site(base / "root", hostile_seeds(base / "hostile-seeds")))
    yield from serve("hostile", site)


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = build(copy_site(tmp_path_factory.mktemp("browser-default") / "root"))
    yield from serve("default", site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{MISSING} (CI installs it in .ci/run: apt-get install chromium)",
                    pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


# --- one visit per page ----------------------------------------------------------------------


@dataclass
class Visit:
    """What one page did in the browser and what its DOM holds after load."""

    path: str
    status: int | None = None
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dom: dict[str, Any] = field(default_factory=dict)


class Recorder:
    """One browser tab whose listeners record into the current Visit."""

    def __init__(self, context: BrowserContext, served: Served) -> None:
        self.page: Page = context.new_page()
        self.served = served
        self.visit = Visit("")
        self.page.on("request", lambda request: self.visit.requests.append(
            served.local(request.url)))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.visit.page_errors.append(str(error)))
        self.page.on("console", self._console)

    def _dialog(self, dialog: Any) -> None:
        self.visit.dialogs.append(f"{dialog.type}: {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.visit.console_errors.append(message.text)

    def open(self, path: str) -> Visit:
        self.visit = Visit(path)
        response = self.page.goto(self.served.base + path, wait_until="load")
        self.visit.status = response.status if response else None
        self.visit.dom = self.collect()
        return self.visit

    def collect(self) -> dict[str, Any]:
        """What the page's DOM holds now, with this site's URLs as paths from its root."""
        dom: dict[str, Any] = self.page.evaluate(COLLECT, [NAV_LABELS])
        for script in dom["scripts"]:
            if script["src"] is not None:
                script["src"] = self.served.local(script["src"])
        return dom

    def close(self) -> None:
        self.page.close()


def walk(request: pytest.FixtureRequest, name: str) -> dict[str, Visit]:
    """Open every page of the `name` site once per test run, shared by the xdist workers.

    The walk is the costly part of this module: the first worker to need it walks and writes
    the result beside the workers' temporary folders; the other reads it. URLs are recorded
    as paths from the site's root, so the result does not depend on the server's port.
    """
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    cache = shared / f"browser-walk-{name}.json"
    with (shared / f"browser-walk-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cache.is_file():
            return {path: Visit(**visit)
                    for path, visit in json.loads(cache.read_text("utf-8")).items()}
        context: BrowserContext = request.getfixturevalue("context")
        served: Served = request.getfixturevalue(f"{name}_server")
        recorder = Recorder(context, served)
        try:
            visits = {path: recorder.open(path) for path in served.pages()}
        finally:
            recorder.close()
        cache.write_text(json.dumps({p: asdict(v) for p, v in visits.items()}), "utf-8")
        return visits


@pytest.fixture(scope="module")
def hostile_visits(request: pytest.FixtureRequest) -> dict[str, Visit]:
    return walk(request, "hostile")


@pytest.fixture(scope="module")
def default_visits(request: pytest.FixtureRequest) -> dict[str, Visit]:
    return walk(request, "default")


@pytest.fixture(params=["hostile", "default"])
def site(request: pytest.FixtureRequest) -> tuple[str, dict[str, Visit]]:
    name: str = request.param
    visits: dict[str, Visit] = request.getfixturevalue(f"{name}_visits")
    return name, visits


# --- the theme's baseline --------------------------------------------------------------------


def normalised_script(kind: str, source: str) -> str:
    """An inline theme script with the page's base path taken out, for comparison."""
    if kind == "application/json":
        config = json.loads(source)
        config.pop("base", None)
        config.pop("search", None)
        return "json:" + json.dumps(config, sort_keys=True)
    return re.sub(r'new URL\("[^"]*",location\)', "new URL(BASE,location)", source).strip()


def foreign_scripts(visit: Visit, known: set[str]) -> list[str]:
    """Scripts that are neither the theme's bundle files nor its known inline scripts."""
    bad: list[str] = []
    for script in visit.dom["scripts"]:
        if script["src"] is not None:
            if not script["src"].startswith("/assets/javascripts/"):
                bad.append(f"{visit.path or '/'}: <script src={script['src']!r}>")
        elif normalised_script(script["type"], script["text"]) not in known:
            bad.append(f"{visit.path or '/'}: inline <script> {script['text']!r:.160}")
    return bad


def leaves_the_site(url: str) -> bool:
    """A request to any host but the site's own (recorded as '/...')."""
    return not url.startswith("/") and urlsplit(url).scheme not in ("data", "blob", "about")


def inert(visit: Visit, dom: dict[str, Any], known: set[str]) -> list[str]:
    """Everything live in `dom` and everything `visit` recorded that should not happen."""
    bad = [f"dialog {d}" for d in visit.dialogs]
    bad += [f"pageerror {e}" for e in visit.page_errors]
    bad += [f"on* attribute {h}" for h in dom["handlers"]]
    bad += [f"script URL {u}" for u in dom["urls"]]
    bad += [f"embed {e}" for e in dom["embeds"]]
    bad += [f"style in content {s}" for s in dom["styles"]]
    bad += foreign_scripts(Visit(visit.path, dom=dom), known)
    bad += [f"request to {u}" for u in visit.requests if leaves_the_site(u)]
    return bad


@pytest.fixture(scope="module")
def theme_scripts(default_visits: dict[str, Visit]) -> set[str]:
    return {normalised_script(s["type"], s["text"])
            for visit in default_visits.values() for s in visit.dom["scripts"]
            if s["src"] is None}


@pytest.fixture(scope="module")
def theme_nav_markup(default_visits: dict[str, Visit]) -> set[str]:
    return {signature for visit in default_visits.values() for signature in visit.dom["nav"]}


def where(visit: Visit) -> str:
    return visit.path or "/"


# --- every page ------------------------------------------------------------------------------


def test_every_page_was_opened(site: tuple[str, dict[str, Visit]]) -> None:
    name, visits = site
    assert len(visits) > 20, sorted(visits)
    assert "" in visits and "404.html" in visits
    bad = [f"{where(v)}: HTTP {v.status}" for v in visits.values() if v.status != 200]
    assert not bad, bad
    if name == "hostile":
        for i in range(len(PAYLOADS)):
            assert f"briefings/{slug(i)}/" in visits and f"actors/{actor_id(i)}/" in visits


def test_no_request_to_another_host(site: tuple[str, dict[str, Visit]]) -> None:
    # data:/blob: URLs reach no host (a data: URL in the DOM is checked below).
    _, visits = site
    assert all(v.requests for v in visits.values()), "a page made no request at all"
    assert any(u.endswith("search/search_index.json") for v in visits.values()
               for u in v.requests), "the search worker's requests were not recorded"
    bad = [f"{where(v)}: {u}" for v in visits.values() for u in v.requests if leaves_the_site(u)]
    assert not bad, "requests that leave the site:\n" + "\n".join(bad)


def test_no_dialog(site: tuple[str, dict[str, Visit]]) -> None:
    _, visits = site
    bad = [f"{where(v)}: {d}" for v in visits.values() for d in v.dialogs]
    assert not bad, "dialogs opened:\n" + "\n".join(bad)


def test_no_page_errors(site: tuple[str, dict[str, Visit]]) -> None:
    _, visits = site
    bad = [f"{where(v)}: pageerror {e}" for v in visits.values() for e in v.page_errors]
    bad += [f"{where(v)}: console error {e}" for v in visits.values() for e in v.console_errors]
    assert not bad, "\n".join(bad)


def test_no_event_handler_attributes(site: tuple[str, dict[str, Visit]]) -> None:
    _, visits = site
    bad = [f"{where(v)}: {h}" for v in visits.values() for h in v.dom["handlers"]]
    assert not bad, "on* attributes in the DOM:\n" + "\n".join(bad)


def test_no_script_urls(site: tuple[str, dict[str, Visit]]) -> None:
    _, visits = site
    bad = [f"{where(v)}: {u}" for v in visits.values() for u in v.dom["urls"]]
    assert not bad, "javascript:/data:/vbscript: URLs in the DOM:\n" + "\n".join(bad)


def test_no_frames_objects_or_content_styles(site: tuple[str, dict[str, Visit]]) -> None:
    _, visits = site
    bad = [f"{where(v)}: {e}" for v in visits.values() for e in v.dom["embeds"]]
    bad += [f"{where(v)}: style in content {s}" for v in visits.values() for s in v.dom["styles"]]
    bad += [f"{where(v)}: {v.dom['mermaid']} Mermaid diagram(s)"
            for v in visits.values() if v.dom["mermaid"]]
    assert not bad, "\n".join(bad)


def test_default_site_scripts_are_the_themes_bundle(
    default_visits: dict[str, Visit], theme_scripts: set[str]
) -> None:
    # The baseline itself: the default site loads scripts from assets/javascripts/ only, and
    # its inline scripts are Material's few (config JSON, __md_scope, palette, tabs).
    assert 1 <= len(theme_scripts) <= 6, theme_scripts
    assert any("__md_scope" in s for s in theme_scripts), theme_scripts
    bad = [b for v in default_visits.values()
           for b in foreign_scripts(v, theme_scripts)]
    assert not bad, "\n".join(bad)


def test_hostile_site_adds_no_script(
    hostile_visits: dict[str, Visit], theme_scripts: set[str]
) -> None:
    bad = [b for v in hostile_visits.values() for b in foreign_scripts(v, theme_scripts)]
    assert not bad, "scripts that are not the theme's own:\n" + "\n".join(bad)


def test_titles_show_the_payload_literally(hostile_visits: dict[str, Visit]) -> None:
    # MkDocs and Material print page titles as raw HTML: an escaped title must read literally
    # in the tab title and in the header.
    bad: list[str] = []
    for i, payload in enumerate(PAYLOADS):
        line = " ".join(payload.split())
        for path in (f"briefings/{slug(i)}/", f"actors/{actor_id(i)}/"):
            dom = hostile_visits[path].dom
            if dom["title"] != f"{line} - {SITE_TITLE}":
                bad.append(f"{path}: document.title {dom['title']!r}, expected {line!r}")
            if " ".join(dom["header"].split()) != line:
                bad.append(f"{path}: header title {dom['header']!r}, expected {line!r}")
    assert not bad, "\n".join(bad)


def test_nav_labels_hold_only_the_themes_markup(
    hostile_visits: dict[str, Visit], theme_nav_markup: set[str]
) -> None:
    assert any(s.startswith("span.") for s in theme_nav_markup), theme_nav_markup
    bad = sorted({f"{where(v)}: <{s}> in a nav label" for v in hostile_visits.values()
                  for s in v.dom["nav"] if s not in theme_nav_markup})
    assert not bad, f"theme's own: {sorted(theme_nav_markup)}\n" + "\n".join(bad)


def test_the_canary_sees_a_planted_injection(
    context: BrowserContext, hostile_server: Served, theme_scripts: set[str]
) -> None:
    # A page served from the site's own origin with every kind of fault: each detector fires.
    other_host = hostile_server.base.replace("127.0.0.1", "localhost")
    planted = (
        "<!DOCTYPE html><html><head><title>planted</title></head><body>"
        '<article class="md-content"><style>p{}</style></article>'
        '<img src="x" onerror="alert(1)"><a href="  JaVa\tScript:alert(2)">x</a>'
        f'<img src="{other_host}assets/images/favicon.png">'
        "<script>confirm(3)</script><script>throw new Error('planted error')</script>"
        '<iframe src="about:blank"></iframe></body></html>'
    )
    recorder = Recorder(context, hostile_server)
    try:
        recorder.page.route(f"{hostile_server.base}planted-canary/", lambda route: route.fulfill(
            status=200, content_type="text/html", body=planted))
        visit = recorder.open("planted-canary/")
        bad = inert(visit, visit.dom, theme_scripts)
        for expected in ("dialog alert: '1'", "dialog confirm: '3'", "planted error",
                         "onerror=", "href=", "inline <script>", "<iframe",
                         "style in content", f"request to {other_host}"):
            assert any(expected in b for b in bad), (expected, bad)
    finally:
        recorder.close()


# --- search ----------------------------------------------------------------------------------


SEARCH_INPUT = "input.md-search__input"
SEARCH_META = ".md-search-result__meta"
SEARCH_ITEM = "li.md-search-result__item"


def search(page: Page, term: str) -> int:
    """Type `term` into Material's search box; wait for the results; return how many match."""
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill("")
    box.press("Backspace")  # Material reads the query on keyup
    page.wait_for_function(
        "s => !/matching/i.test(document.querySelector(s)?.textContent ?? 'matching')",
        arg=SEARCH_META)
    box.fill(term)
    box.press("End")
    page.wait_for_function(
        "s => /matching/i.test(document.querySelector(s)?.textContent ?? '')", arg=SEARCH_META)
    meta = page.locator(SEARCH_META).text_content() or ""
    count = re.match(r"\s*(\d+)", meta)
    return int(count.group(1)) if count else 0


@pytest.fixture(scope="module")
def search_page(context: BrowserContext, hostile_server: Served) -> Iterator[Recorder]:
    """The hostile home page, its search box typed into by each search test in turn."""
    recorder = Recorder(context, hostile_server)
    recorder.open("")
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_results_stay_inert(
    search_page: Recorder, theme_scripts: set[str], term: str
) -> None:
    before = len(search_page.collect()["scripts"])
    search_page.visit = Visit(f"search {term!r}")
    found = search(search_page.page, term)
    after = search_page.collect()
    bad = inert(search_page.visit, after, theme_scripts)
    if len(after["scripts"]) != before:
        bad.append(f"{len(after['scripts']) - before} new <script> element(s)")
    assert not bad, f"searching {term!r}:\n" + "\n".join(bad)
    if term in SEARCH_MUST_FIND:
        assert found > 0, f"searching {term!r} found nothing: the check would be vacuous"
        shown = search_page.page.locator(SEARCH_ITEM).count()
        assert shown > 0, f"{found} matching documents but no result rendered"


def test_search_result_page_stays_inert(
    context: BrowserContext, hostile_server: Served, theme_scripts: set[str]
) -> None:
    # Following a result opens the page with ?h=term: search.highlight marks the term there.
    recorder = Recorder(context, hostile_server)
    try:
        recorder.open("")
        assert search(recorder.page, "onerror") > 0
        assert any(u.endswith("search/search_index.json") for u in recorder.visit.requests), (
            recorder.visit.requests)
        recorder.page.locator(f"{SEARCH_ITEM} a").first.click()
        recorder.page.wait_for_load_state("load")
        assert "h=onerror" in recorder.page.url, recorder.page.url
        recorder.page.wait_for_selector("mark[data-md-highlight]", state="attached")
        landed = recorder.collect()
        bad = inert(recorder.visit, landed, theme_scripts)
        assert not bad, f"{recorder.page.url}:\n" + "\n".join(bad)
    finally:
        recorder.close()


# --- layout ----------------------------------------------------------------------------------


def test_briefing_page_fits_a_phone(
    context: BrowserContext, default_server: Served, tmp_path: Path
) -> None:
    recorder = Recorder(context, default_server)
    try:
        for width in (1280, 375):
            recorder.page.set_viewport_size({"width": width, "height": 800})
            visit = recorder.open(DEFAULT_BRIEFING)
            assert visit.status == 200
            shot = tmp_path / f"briefing-{width}.png"
            recorder.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            overflow = recorder.page.evaluate(
                "() => [document.documentElement.scrollWidth,"
                " [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                ".slice(0, 5).map(e => e.outerHTML.slice(0, 120))]")
            if width == 375:
                assert overflow[0] <= 375 + 1, f"scrollWidth {overflow[0]} at 375 px: {overflow[1]}"
            assert not visit.page_errors and not visit.dialogs
    finally:
        recorder.close()


def test_network_labels_fit_inside_the_drawing(context: BrowserContext) -> None:
    """Every actor's name in a relations drawing shows in full: names beside the circle
    ran past its edges. Measured as the browser lays them out, with the site's stylesheet."""
    from types import SimpleNamespace

    from generator import diagram, model

    names = ["Karim Kovini-Holtingvik", "Ostgrad Border Agency Office", "Samuel Ostson",
             "United Storm Movement Cell", "Jan Brunelard-Ivanovic Mark", "Vera Petaras",
             "Normark", "Mikhail Wolkonski-Wessel", "Quenoora Logistics Council", "Iris"]
    actors = {f"a{i}": model.Actor(id=f"a{i}", name=name, kind="person")
              for i, name in enumerate(names)}
    relations = [model.Relation(source="a0", type="supplies", target=f"a{i}")
                 for i in range(1, len(names))]
    svg = diagram._draw(SimpleNamespace(actors=actors), set(actors), relations,
                        lambda actor: f"#{actor}", centre="a0")
    page = context.new_page()
    try:
        page.set_content(f'<div class="bf-network-wrap" style="width: 640px">{svg}</div>')
        page.add_style_tag(path=str(Path(__file__).resolve().parent.parent / "docs" / "assets"
                                    / "stylesheets" / "briefings.css"))
        outside = page.evaluate("""() => {
            const svg = document.querySelector('svg.bf-network');
            const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
            return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
                .filter(([, b]) => b.x < x || b.x + b.width > x + w)
                .map(([name, b]) => `${name}: ${b.x.toFixed(0)}..${(b.x + b.width).toFixed(0)}`
                                    + ` outside ${x}..${x + w}`);
        }""")
    finally:
        page.close()
    assert outside == []


def test_home_page_headlines_are_not_set_as_section_labels(
    context: BrowserContext, default_server: Served
) -> None:
    """Section heads are small capitals under a rule; a briefing's headline on the home
    page is an h2 too, and read in capitals was hard to skim."""
    recorder = Recorder(context, default_server)
    try:
        assert recorder.open("").status == 200
        styles = recorder.page.evaluate(
            "() => [...document.querySelectorAll('h2.bf-card__title')].map(h => {"
            " const s = getComputedStyle(h); return [s.textTransform, s.borderTopStyle]; })")
    finally:
        recorder.close()
    assert styles and all(style == ["none", "none"] for style in styles)


def test_a_quote_box_link_lands_on_that_quote_in_the_article(
    context: BrowserContext, default_server: Served
) -> None:
    """Following "¶ n in the article" from a quote box shows that quote, outlined, in its
    paragraph (marked in the margin), not just the paragraph: one paragraph of the default
    briefing holds two quotes."""
    recorder = Recorder(context, default_server)
    try:
        assert recorder.open(DEFAULT_BRIEFING).status == 200
        page = recorder.page
        link = page.locator("#quote-2 cite a").last
        assert link.get_attribute("href") == "#quote-2-text"
        link.click()
        page.wait_for_function("() => location.hash === '#quote-2-text'")
        shown = page.evaluate("""() => {
            const mark = document.querySelector('mark:target');
            const box = mark.getBoundingClientRect();
            const paragraph = mark.closest('p');
            return [mark.id, mark.dataset.quote, paragraph.id,
                    getComputedStyle(mark).outlineStyle,
                    getComputedStyle(paragraph).boxShadow !== 'none',
                    box.top >= 0 && box.bottom <= innerHeight,
                    [...paragraph.querySelectorAll('mark')].map(m => m.dataset.quote)];
        }""")
    finally:
        recorder.close()
    assert shown[:6] == ["quote-2-text", "quote-2", "p-3", "solid", True, True]
    assert "quote-1" in shown[6]  # another quote in the same paragraph, not outlined


def test_a_timeline_source_link_lands_on_that_event_in_the_briefing(
    context: BrowserContext, default_server: Served
) -> None:
    """Following "Source" from the timeline shows that event, marked, on the briefing's page,
    not the top of its events section: the briefing has several events."""
    recorder = Recorder(context, default_server)
    try:
        assert recorder.open("timeline/").status == 200
        page = recorder.page
        link = page.locator(".bf-timeline > li cite a").last
        href = link.get_attribute("href") or ""
        link.click()
        page.wait_for_function("() => location.hash.startsWith('#event-')")
        shown = page.evaluate("""() => {
            const item = document.querySelector('.bf-timeline > li:target');
            const box = item.getBoundingClientRect();
            return [location.hash, item.closest('ol').querySelectorAll('li').length,
                    getComputedStyle(item).boxShadow !== 'none',
                    box.top >= 0 && box.bottom <= innerHeight];
        }""")
    finally:
        recorder.close()
    assert href.endswith(shown[0]) and shown[1] > 1 and shown[2:] == [True, True], (href, shown)
