"""`briefings draft ARTICLE`: a first annotation that finds the quotes, their speakers and the
actors, leaves judgment to the analyst, verifies once filled in, and never overwrites.

The seed article is the reference: its hand-made annotation has five direct quotes, all by
Mark Rutte, one of them two halves joined by an elision. Its draft must find exactly those.
The drafted file is compared with tests/golden/draft/ (BRIEFINGS_UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import load
from generator.draft import _quoted
from tests.conftest import ROOT, run_cli, tree_snapshot

SLUG = "2024-10-28-north-korean-troops-kursk"
ARTICLE = f"seeds/articles/{SLUG}.txt"
ANNOTATION = f"seeds/articles/{SLUG}.yaml"
GOLDEN = ROOT / "tests" / "golden" / "draft" / f"{SLUG}.yaml"
UPDATE = os.environ.get("BRIEFINGS_UPDATE_GOLDEN") == "1"


@pytest.fixture
def unannotated(in_site: Path) -> Path:
    """The default site with the seed article's annotation removed."""
    (in_site / ANNOTATION).unlink()
    return in_site


def _fill_in(path: Path) -> None:
    """What the analyst types into the empty required fields."""
    text = path.read_text("utf-8")
    for field, value in (("title:", "title: Troops in Kursk"),
                         ("  name:", "  name: Press report"),
                         ("summary:", "summary: North Korean troops are in Kursk.")):
        assert f"\n{field}\n" in text
        text = text.replace(f"\n{field}\n", f"\n{value}\n", 1)
    path.write_text(text, "utf-8")


def test_the_seed_article_drafts_to_its_hand_made_quotes_and_speakers(unannotated: Path) -> None:
    result = run_cli("draft", ARTICLE)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"wrote {ANNOTATION}: 5 quote(s) (0 without a speaker), 14 actor(s) mentioned; fill in "
        "the empty fields, check each guessed speaker, then run `briefings check`\n")
    drafted = yaml.safe_load((unannotated / ANNOTATION).read_text("utf-8"))
    by_hand = yaml.safe_load((ROOT / ANNOTATION).read_text("utf-8"))
    assert drafted["quotes"] == [{"speaker": q["speaker"], "text": q["text"]}
                                 for q in by_hand["quotes"]]
    hand_actors = {a if isinstance(a, str) else a["id"] for a in by_hand["actors"]}
    assert hand_actors <= set(drafted["actors"])
    assert str(drafted["date"]) == "2024-10-28"
    assert drafted["title"] is None and drafted["summary"] is None
    assert drafted["source"] == {"name": None}


def test_the_drafted_seed_annotation_is_the_golden_file(unannotated: Path) -> None:
    assert run_cli("draft", ARTICLE).exit_code == 0
    text = (unannotated / ANNOTATION).read_text("utf-8")
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8"), "BRIEFINGS_UPDATE_GOLDEN=1 rewrites it"


def test_check_points_at_each_empty_field_and_passes_once_they_are_filled(
    unannotated: Path,
) -> None:
    assert run_cli("draft", ARTICLE).exit_code == 0
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{ANNOTATION}:7:7: error: title is empty; write the briefing's headline\n"
        f"{ANNOTATION}:12:8: error: source name is empty; write who published the article, "
        "such as Reuters\n"
        f"{ANNOTATION}:14:9: error: summary is empty; write the bottom line up front, in 1-3 "
        "sentences\n"
        "3 error(s), 0 warning(s)\n")
    _fill_in(unannotated / ANNOTATION)
    result = run_cli("generate")
    assert result.exit_code == 0, result.stderr
    page = (unannotated / "docs" / "briefings" / f"{SLUG}.md").read_text("utf-8")
    assert "unsustainable without foreign intervention" in page


def test_an_annotated_article_is_never_overwritten(in_site: Path) -> None:
    before = tree_snapshot(in_site)
    result = run_cli("draft", ARTICLE)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{ANNOTATION}: error: this article is annotated already; edit the annotation, or "
        "delete it to draft it again\n1 error(s), 0 warning(s)\n")
    assert tree_snapshot(in_site) == before


@pytest.mark.parametrize(("name", "where", "message"), [
    ("notes.docx", "seeds/articles/notes.docx",
     "an article is a .txt or .md file; save it with one of those extensions"),
    ("Troops In Kursk.txt", "seeds/articles/Troops In Kursk.txt",
     "'Troops In Kursk' is not a lowercase slug (a-z, 0-9, single hyphens); rename it to "
     "'troops-in-kursk'"),
    ("../inbox/troops.txt", "seeds/inbox/troops.txt",
     "the article must be in seeds/articles/ to become a briefing; move it there and draft "
     "it again"),
    ("index.txt", "seeds/articles/index.txt",
     "'index' is the name of the page that lists every briefing; add a word to the file name"),
])
def test_an_article_that_cannot_become_a_briefing_is_refused(
    unannotated: Path, name: str, where: str, message: str
) -> None:
    path = unannotated / "seeds" / "articles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("“We will hold the line whatever it costs,” Rutte said.\n", "utf-8")
    before = tree_snapshot(unannotated)
    result = run_cli("draft", f"seeds/articles/{name}")
    assert result.exit_code == 1
    assert result.stderr == f"{where}: error: {message}\n1 error(s), 0 warning(s)\n"
    assert tree_snapshot(unannotated) == before


def test_a_missing_article_and_a_broken_registry_write_nothing(unannotated: Path) -> None:
    result = run_cli("draft", "seeds/articles/2024-11-01-absent.txt")
    assert result.exit_code == 1
    assert result.stderr == ("seeds/articles/2024-11-01-absent.txt: error: cannot read file: "
                             "No such file or directory\n1 error(s), 0 warning(s)\n")
    actors = unannotated / "seeds" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("kind: person", "kind: persn", 1),
                      "utf-8")
    result = run_cli("draft", ARTICLE)
    assert result.exit_code == 1
    assert result.stderr.startswith("seeds/actors.yaml:")
    assert "kind" in result.stderr and "'person'" in result.stderr
    assert not (unannotated / ANNOTATION).exists()


def _draft_of(site: Path, article: str) -> dict[str, object]:
    path = site / "seeds" / "articles" / "2024-11-02-test.txt"
    path.write_text(article, "utf-8")
    result = run_cli("draft", "seeds/articles/2024-11-02-test.txt", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    drafted = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8"))
    assert isinstance(drafted, dict)
    return drafted


def test_quotes_in_every_kind_of_mark_are_found_and_short_phrases_are_not(
    unannotated: Path,
) -> None:
    drafted = _draft_of(unannotated, (
        'Mark Rutte called it a "special operation" twice. "We will not be intimidated by '
        'threats," he said.\n\n'
        "Vladimir Putin answered: «Our soldiers are where they are needed.» Russia declined.\n\n"
        "A diplomat added „Nobody here expected this so soon“ and left. He paused: "
        '"... ... ... ..."\n'))
    assert drafted["quotes"] == [
        {"speaker": "mark-rutte", "text": "We will not be intimidated by threats"},
        {"speaker": "vladimir-putin", "text": "Our soldiers are where they are needed."},
        # Nobody is named in that paragraph: the last name of the one before is the guess.
        {"speaker": "vladimir-putin", "text": "Nobody here expected this so soon"},
    ]
    assert drafted["actors"] == ["mark-rutte", "vladimir-putin", "russia"]


@pytest.mark.parametrize(("article", "speaker", "quote"), [
    # a person named near a quote is its speaker before any state
    ("North Korea was warned. “The deployment is a dangerous expansion of the war,” Rutte "
     "said, as Russia and Ukraine watched.\n", "mark-rutte",
     "The deployment is a dangerous expansion of the war"),
    # the name between the halves of a quote, before a name in the paragraph before
    ("Vladimir Putin spoke first on Monday.\n\n“We stand together,” Rutte said, “with all "
     "our allies in Europe.”\n", "mark-rutte",
     "We stand together ... with all our allies in Europe."),
])
def test_the_person_named_nearest_a_quote_is_its_speaker(unannotated: Path, article: str,
                                                         speaker: str, quote: str) -> None:
    drafted = _draft_of(unannotated, article)
    assert drafted["quotes"] == [{"speaker": speaker, "text": quote}]


def test_a_quote_nobody_is_named_near_is_left_for_the_analyst(unannotated: Path) -> None:
    path = unannotated / "seeds" / "articles" / "2024-11-02-test.txt"
    drafted = _draft_of(unannotated, "“Nobody will say who wrote these words,” it said.\n")
    assert drafted["quotes"] == [
        {"speaker": None, "text": "Nobody will say who wrote these words"}]
    assert drafted["actors"] == []
    text = path.with_suffix(".yaml").read_text("utf-8")
    assert "  - speaker:  # nobody is named near this quote (paragraph 1): who said it?\n" in text
    result = run_cli("check")
    assert result.exit_code == 1
    line = text.split("\n").index(
        "  - speaker:  # nobody is named near this quote (paragraph 1): who said it?") + 1
    assert (f"seeds/articles/2024-11-02-test.yaml:{line}:13: error: quote 1 speaker is empty; "
            "write the id of an actor in actors.yaml") in result.stderr


@pytest.mark.parametrize("stem", ["troops", "2024-13-45-troops"])
def test_a_file_name_without_a_date_leaves_the_date_to_write(unannotated: Path,
                                                            stem: str) -> None:
    path = unannotated / "seeds" / "articles" / f"{stem}.md"
    path.write_text("# Troops\n\n“We will not be intimidated by threats,” said Rutte.\n",
                    "utf-8")
    assert run_cli("draft", f"seeds/articles/{stem}.md").exit_code == 0
    drafted = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8"))
    assert drafted["date"] is None
    assert drafted["quotes"] == [
        {"speaker": "mark-rutte", "text": "We will not be intimidated by threats"}]


def test_quotes_full_of_yaml_and_markup_are_written_so_they_verify(unannotated: Path) -> None:
    words = ('key: value # not a comment {{ config }} <script>alert(1)</script> '
             "[link](javascript:x) \\ back\u2028slash ends here")
    path = unannotated / "seeds" / "articles" / "2024-11-02-test.txt"
    drafted = _draft_of(unannotated, f"“{words},” Rutte said.\n")
    assert drafted["quotes"] == [{"speaker": "mark-rutte", "text": " ".join(words.split())}]
    _fill_in(path.with_suffix(".yaml"))
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_a_quoted_value_reads_back_as_itself(value: str) -> None:
    source = load.SourceFile("x.yaml", f"text: {_quoted(value)}\n")
    node, problems = load.parse_yaml(source)
    assert not [p for p in problems if p.is_error], problems
    assert isinstance(node, load.Mapping)
    found = node.get("text")
    assert isinstance(found, load.Scalar)
    assert found.value == value


def test_an_article_with_more_quotes_than_a_list_holds_drafts_the_first_ones(
    unannotated: Path,
) -> None:
    path = unannotated / "seeds" / "articles" / "2024-11-02-test.txt"
    lines = [f"“This is statement number {i},” Rutte said." for i in range(502)]
    path.write_text("\n\n".join(lines) + "\n", "utf-8")
    result = run_cli("draft", "seeds/articles/2024-11-02-test.txt", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ("seeds/articles/2024-11-02-test.yaml: warning: 2 more quote(s) in "
                             "the article were left out: a list holds at most 500\n")
    drafted = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8"))
    assert isinstance(drafted["quotes"], list)
    assert len(drafted["quotes"]) == 500
    assert drafted["quotes"][-1] == {"speaker": "mark-rutte",
                                     "text": "This is statement number 499"}
    _fill_in(path.with_suffix(".yaml"))
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("name", "text", "message"), [
    ("2024-11-03-empty.txt", "\n\n", "seeds/articles/2024-11-03-empty.txt: error: the article "
                                      "is empty"),
    ("2024-11-03-brackets.md", "“We will hold the line,” Rutte said. " + "[" * 2000 + "\n",
     "seeds/articles/2024-11-03-brackets.md:1:1: error: this Markdown article has too many '['"),
])
def test_an_article_check_would_refuse_is_not_drafted(unannotated: Path, name: str, text: str,
                                                      message: str) -> None:
    path = unannotated / "seeds" / "articles" / name
    path.write_text(text, "utf-8")
    result = run_cli("draft", f"seeds/articles/{name}")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.endswith("\n1 error(s), 0 warning(s)\n")
    assert not path.with_suffix(".yaml").exists()
