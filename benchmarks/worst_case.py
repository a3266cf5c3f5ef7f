"""Worst-case inputs under the caps: how long does each page take to render?

Python-Markdown is quadratic on some inputs (10,000 '[' in one paragraph take ~10 s, issue
#798). The caps (validate.LIMITS, validate.MAX_ITEMS, the 1 MiB file cap, the bracket budget
of Markdown fields) must keep every page under a second. This script builds a site whose
content sits right at the caps, filled with the characters Python-Markdown is slowest on,
and times, page by page:

- render:   the product's page rendering (generator.render), templates included;
- markdown: Python-Markdown with the site's markdown_extensions (from mkdocs.yml), as MkDocs
            runs it on the page.

It also times reading each article (a `.md` article goes through Python-Markdown when it is
read) and, separately, inputs just over the caps, to show what the caps keep out; those run
in a child process with a time limit, since some would take hours.

Usage:

    python benchmarks/worst_case.py [--budget SECONDS] [--keep DIR] [--over-limit SECONDS]

Exit status 1 when a page under the caps takes longer than the budget (default 1 s).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import load, model, pipeline, render, textmatch, validate  # noqa: E402
from generator.problems import Problem  # noqa: E402

MIB = load.MAX_FILE_BYTES
NAME = validate.LIMITS["name"]
TEXT = validate.LIMITS["text"]
LINE = validate.LIMITS["line"]

# Patterns Python-Markdown is slow on (all with '[') and a few it is not, for contrast.
PATTERNS = {
    "brackets": "[",
    "links": "[a](",
    "images": "![",
    "footnotes": "[^",
    "refs": "[a][",
    "less-than": "<",
    "emphasis": "*_",
}


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def fill(pattern: str, length: int) -> str:
    """`pattern` repeated to exactly `length` characters."""
    return (pattern * (length // len(pattern) + 1))[:length]


def budget_fill(pattern: str, length: int) -> str:
    """The longest Markdown field of `pattern` that fits both the length cap and the budget."""
    text = fill(pattern, length)
    while validate.markdown_cost(text) > validate.MARKDOWN_BUDGET:
        text = text[: int(len(text) * 0.95)]
    return text


def write_site(root: Path) -> dict[str, str]:
    """Write mkdocs.yml, templates and worst-case seeds into `root`; return what each page is."""
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "docs").mkdir()
    for name in ("about.md", "assets"):
        source = ROOT / "docs" / name
        if source.is_dir():
            shutil.copytree(source, root / "docs" / name)
        elif source.is_file():
            shutil.copy(source, root / "docs" / name)
    articles = root / "seeds" / "articles"
    articles.mkdir(parents=True)
    about: dict[str, str] = {}
    actors = []
    for number, (key, pattern) in enumerate(PATTERNS.items()):
        actor_id = f"wc-{key}"
        # Names must differ from each other once folded: a letter per actor keeps them apart.
        name = fill(pattern, NAME - 2) + f" {chr(ord('A') + number)}"
        actors.append(
            f"{actor_id}:\n"
            f"  name: {q(name)}\n"
            "  kind: person\n"
            f"  title: {q(fill(pattern, validate.LIMITS['title']))}\n"
            f"  aliases: [{q(fill(pattern, validate.LIMITS['alias'] - 2) + ' ' + str(number))}]\n"
            f"  description: {q(budget_fill(pattern, validate.LIMITS['description']))}\n"
            f"  links:\n    {q(fill(pattern, NAME))}: https://example.org/{key}\n"
        )
        about[f"actors/{actor_id}.md"] = f"name, title, alias, description of {pattern!r}"
    (root / "seeds" / "actors.yaml").write_text("\n".join(actors), "utf-8")

    # One briefing per pattern: every field at its cap, quotes verified against the article.
    for key, pattern in PATTERNS.items():
        slug = f"2024-01-01-fields-{key}"
        paragraph = fill(pattern, TEXT)
        (articles / f"{slug}.txt").write_text(
            "\n\n".join([paragraph] * 20) + "\n", "utf-8")
        items = 50
        while True:  # as many items as the cap on characters to escape allows
            text = _fields_annotation(key, pattern, paragraph, items)
            if validate.escape_heavy(load.SourceFile("a.yaml", text)) is None:
                break
            items = items * 9 // 10
        (articles / f"{slug}.yaml").write_text(text, "utf-8")
        about[f"briefings/{slug}.md"] = f"every field at its cap, {items} items a list, of " \
            f"{pattern!r}"
    return _more_briefings(articles, about)


def _fields_annotation(key: str, pattern: str, paragraph: str, items: int) -> str:
    """An annotation with every field at its cap and `items` items in each list."""
    annotation = [
        f"title: {q(fill(pattern, validate.LIMITS['title']))}",
        "date: 2024-01-01",
        f"source:\n  name: {q(fill(pattern, NAME))}\n  url: https://example.org/{key}",
        f"summary: {q(fill(pattern, validate.LIMITS['summary']))}",
        "key_points:", *[f"  - {q(fill(pattern, LINE))}" for _ in range(items)],
        "tags: [worst-case]",
        "actors:", *[f"  - id: wc-{k}\n    role: {q(fill(pattern, LINE))}" for k in PATTERNS],
        "quotes:", *[f"  - speaker: wc-{key}\n    text: {q(paragraph)}\n"
                     f"    context: {q(fill(pattern, LINE))}" for _ in range(items)],
        "claims:", *[f"  - text: {q(paragraph)}\n    by: wc-{key}\n    status: reported\n"
                     f"    evidence: {q(paragraph)}" for _ in range(items)],
        "events:", *[f"  - date: 2024-01\n    text: {q(fill(pattern, LINE))}\n"
                     f"    actors: [wc-{key}]" for _ in range(items)],
        "relations:", *[f"  - from: wc-{key}\n    type: relates-to\n    to: wc-{k}\n"
                        f"    note: {q(fill(pattern, LINE))}" for k in PATTERNS if k != key],
    ]
    return "\n".join(annotation) + "\n"


def _more_briefings(articles: Path, about: dict[str, str]) -> dict[str, str]:
    """The briefings at the caps on items, file size and characters to escape."""
    # As many quotes as the caps allow: 500 (the list cap) of 2,000 '[' in a 1 MiB file.
    slug = "2024-01-02-most-quotes"
    paragraph = fill("[", TEXT)
    (articles / f"{slug}.txt").write_text(paragraph + "\n", "utf-8")
    quotes = [f"  - speaker: wc-brackets\n    text: {q(paragraph)}"
              for _ in range(validate.MAX_ITEMS)]
    text = ("title: Most quotes\ndate: 2024-01-02\nsource:\n  name: Worst case\n"
            "summary: Five hundred quotes of two thousand brackets.\nquotes:\n"
            + "\n".join(quotes) + "\n")
    assert len(text.encode("utf-8")) <= MIB, len(text.encode("utf-8"))
    (articles / f"{slug}.yaml").write_text(text, "utf-8")
    about[f"briefings/{slug}.md"] = f"{validate.MAX_ITEMS} quotes of {TEXT} '['"

    # Characters HTML must escape (each an entity MkDocs' Markdown pass is slow on), at the
    # cap in both files: an article of '<' and quotes of '<' (on three pages each).
    slug = "2024-01-02-most-escapes"
    paragraphs = [fill("<", TEXT)] * (validate.MAX_ESCAPED // TEXT)
    (articles / f"{slug}.txt").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    quotes = [f"  - speaker: wc-less-than\n    text: {q(paragraphs[0])}"
              for _ in range(validate.MAX_ESCAPED // TEXT - 1)]
    (articles / f"{slug}.yaml").write_text(
        "title: Most escapes\ndate: 2024-01-02\nsource:\n  name: Worst case\n"
        "summary: An article and quotes of less-than signs.\nquotes:\n"
        + "\n".join(quotes) + "\n", "utf-8")
    about[f"briefings/{slug}.md"] = f"{validate.MAX_ESCAPED:,} '<' in the article and quotes"

    # A 1 MiB article that is one line of '[' (plain text, so it is never read as Markdown).
    slug = "2024-01-03-one-mib-line"
    (articles / f"{slug}.txt").write_text("[" * MIB, "utf-8")
    (articles / f"{slug}.yaml").write_text(
        "title: One line of a mebibyte\ndate: 2024-01-03\nsource:\n  name: Worst case\n"
        "summary: The article is one line of a mebibyte of brackets.\n"
        "actors: [wc-brackets]\n", "utf-8")
    about[f"briefings/{slug}.md"] = "a 1 MiB .txt article: one line of '['"

    # The same as Markdown, at the most the bracket budget lets through.
    slug = "2024-01-04-markdown-article"
    markdown_article = budget_fill("[", MIB)
    (articles / f"{slug}.md").write_text(markdown_article, "utf-8")
    (articles / f"{slug}.yaml").write_text(
        "title: A Markdown article of brackets\ndate: 2024-01-04\nsource:\n  name: Worst case\n"
        "summary: The longest line of brackets a Markdown article may have.\n", "utf-8")
    about[f"briefings/{slug}.md"] = f"a .md article: one line of {len(markdown_article):,} '['"
    return about


def markdown_converter() -> Callable[[str], str]:
    """Python-Markdown configured as the site's mkdocs.yml configures it."""
    import markdown
    from mkdocs.config import load_config
    from mkdocs.utils import meta

    config = load_config(str(ROOT / "mkdocs.yml"))
    extensions = list(config.markdown_extensions)
    configs = dict(config.mdx_configs)

    def convert(page: str) -> str:
        body, _ = meta.get_data(page)
        return markdown.Markdown(extensions=extensions, extension_configs=configs).convert(body)

    return convert


def _timed_child(job: Callable[[str], object], text: str, result: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    job(text)
    result.put(time.perf_counter() - started)


def time_with_limit(job: Callable[[str], object], text: str, limit: float) -> float | None:
    """Seconds `job(text)` takes in a child process, or None when it exceeds `limit`."""
    context = multiprocessing.get_context("fork")
    result: multiprocessing.Queue = context.Queue()
    child = context.Process(target=_timed_child, args=(job, text, result))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return float(result.get())


def read_markdown_article(text: str) -> object:
    return textmatch.split_paragraphs(text, True)


def sanitise(text: str) -> object:
    return render.sanitise_markdown(text)


def render_each(
    settings: pipeline.Settings, site: model.Site, renderer: render.Renderer
) -> Iterator[tuple[str, str, float]]:
    """Every page with the seconds its rendering took: briefing pages from their verified
    article (read again here, as the pipeline verifies and renders each in one go), the
    others from the site."""
    found = load.discover(settings.seeds, settings.root)
    problems: list[Problem] = []
    source, node, _ = load.read_actors(found.actors, settings.root)
    registry = validate.check_actors(source, node, problems)
    finder = textmatch.MentionFinder(registry.names)
    for entry in found.briefings:
        files, _ = load.read_briefing(entry, settings.root)
        assert files is not None
        checked, _ = validate.check_briefing(files, finder, problems)
        assert checked is not None
        started = time.perf_counter()
        text = renderer.briefing(*checked, site.actors)
        yield render.briefing_page(entry.slug), text, time.perf_counter() - started
    for plan in render.plan_site(site, renderer, ""):
        started = time.perf_counter()
        text = plan.render()
        yield plan.path, text, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per page (1.0)")
    parser.add_argument("--keep", type=Path, help="build the site here and keep it")
    parser.add_argument("--over-limit", type=float, default=20.0,
                        help="time limit for each over-the-cap input (20 s)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="briefings-worst-"))
    root = args.keep or folder / "site"
    root.mkdir(parents=True, exist_ok=True)
    try:
        about = write_site(root)
        settings = pipeline.read_settings(root)
        started = time.perf_counter()
        site, problems = pipeline.check(settings)
        checked = time.perf_counter() - started
        errors = [p for p in problems if p.is_error]
        if site is None or errors:
            for problem in errors[:20]:
                print(problem.format(), file=sys.stderr)
            print("worst_case: the inputs must pass the checks", file=sys.stderr)
            return 2
        print(f"check (load, validate, verify quotes) of the whole site: {checked:.2f} s")
        convert = markdown_converter()
        render_times: dict[str, float] = {}
        pages: dict[str, str] = {}
        renderer = render.Renderer(settings.templates, settings.directory_urls)
        for path, text, seconds in render_each(settings, site, renderer):
            pages[path] = text
            render_times[path] = seconds
        rows = []
        for path, page in sorted(pages.items()):
            started = time.perf_counter()
            convert(page)
            rows.append((path, len(page.encode("utf-8")), render_times[path],
                         time.perf_counter() - started))
        print(f"\n{'page':<44} {'bytes':>10} {'render s':>9} {'markdown s':>11} {'total s':>8}")
        for path, size, rendered, converted in sorted(rows, key=lambda r: -(r[2] + r[3])):
            print(f"{path:<44} {size:>10,} {rendered:>9.3f} {converted:>11.3f} "
                  f"{rendered + converted:>8.3f}  {about.get(path, '')}")
        slowest = max(rows, key=lambda r: r[2] + r[3])
        print(f"\nslowest page: {slowest[0]}, {slowest[2] + slowest[3]:.3f} s "
              f"(budget {args.budget:.1f} s) over {len(rows)} pages")

        print("\nInputs at and over the caps (child process, time limit "
              f"{args.over_limit:.0f} s):")
        budget = validate.MARKDOWN_BUDGET
        at_cap = int(budget ** 0.5)
        probes = [
            (f"read a .md article: one paragraph of {at_cap:,} '[' (the budget)",
             read_markdown_article, "[" * at_cap),
            (f"sanitise a description of {at_cap:,} '[' (the budget)", sanitise, "[" * at_cap),
            ("read a .md article: one paragraph of 5,000 '[' (refused: over the budget)",
             read_markdown_article, "[" * 5000),
            ("sanitise a description of 5,000 '[' (refused: over the budget)",
             sanitise, "[" * 5000),
            ("read a .md article: one line of 1 MiB of '[' (refused: over the budget)",
             read_markdown_article, "[" * MIB),
        ]
        page = ('<div class="bf-article">\n<p id="p-1">' + "&lt;" * MIB + "</p>\n</div>\n")
        probes.append(("MkDocs' Markdown on a page with a 1 MiB article of '<' (refused: over "
                       f"{validate.MAX_ESCAPED:,} characters to escape)", convert, page))
        for label, job, text in probes:
            seconds = time_with_limit(job, text, args.over_limit)
            shown = f"{seconds:.3f} s" if seconds is not None else \
                f"> {args.over_limit:.0f} s (stopped)"
            print(f"  {label}: {shown}")
        return 1 if slowest[2] + slowest[3] > args.budget else 0
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
