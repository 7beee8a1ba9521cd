"""The Markdown accelerator (markdown-it's Rust port) gives markdown-it-py's HTML, byte for byte,
on every text it takes; the texts it refuses, and a machine without it, go the reference way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.markdown import Accelerator, MarkdownRenderer, heading_slug, unique_heading_slug

ROOT = Path(__file__).resolve().parent.parent

accelerator = Accelerator.start()
needs_accelerator = pytest.mark.skipif(accelerator is None, reason="markdown-it-pyrs is not installed")


def reference(text: str, ids: str = "") -> str:
    return MarkdownRenderer(accelerate=False).render(text, ids=ids)


def bodies_of(folder: Path) -> list[str]:
    return [path.read_text(encoding="utf-8").split("---", 2)[-1] for path in sorted(folder.rglob("*.md"))]


@needs_accelerator
def test_the_accelerator_gives_the_reference_html_on_every_record_text(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_record.py"), "300", str(tmp_path)],
                   check=True, capture_output=True)
    texts = bodies_of(ROOT / "content") + bodies_of(ROOT / "tests" / "fixtures") + bodies_of(tmp_path)
    taken = 0
    for index, text in enumerate(texts):
        for ids in ("", f"a-{index}"):
            fast = accelerator.render(text, MarkdownRenderer.key(text, "", False, ids)[3])
            if fast is not None:
                taken += 1
                assert fast == reference(text, ids), text
    # it takes what records are made of: prose, headings, lists, links, tables
    assert taken >= 0.9 * 2 * len(texts)


@needs_accelerator
@pytest.mark.parametrize("text", [
    'She said "ship it" and we did.',  # a quote that may open
    "The 'big' launch",
    "Run `careerfolio --no-pdf`...",  # typography inside code
    "```\nunclosed fence",
    "a note[^1]\n\n[^1]: the note",  # footnotes
    "an inline note^[said here] in the text",
    "- an item\n    :--",  # a one-column table to the port
    "1.  | a | b |\n|---|---|\n| 1 | 2 |",  # a table's header in a list item
    "snake__'_case",  # a quote between underscores may open
    "![A chart -- (c) 2025](https://example.org/chart.png)",  # typography in a description

    "<b>raw</b> and <https://example.org>",
    "> quoted\n>",
    "[x]: https://example.org",
    "Title\n=====",
    "&copy; and &#106;",
    "back\\slash",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n- a list the table would swallow",
    "no pipe here\n| --- |",
])
def test_the_accelerator_leaves_the_corners_where_the_two_differ_to_the_reference(text):
    assert accelerator.render(text, "") is None
    assert MarkdownRenderer().render(text) == reference(text)


WORDS = ["the", "launch", "cost", "it's", "don't", "R&D", "Q&A", "&", "(c)", "(tm)", "+-", "--", "---", "...",
         "?..", "!!!!", "50%", "$3", "naïve", "中文", "Ünï", "e.g.", "—", "*", "**", "_", "__", "~~", "#", "|",
         ":", "(", ")", "[", "]", "!", "-", "+", "=", "*emph*", "**strong**", "_a_", "[link](https://e.org/x)",
         "[to](#situation)", "[ref][x]", "![chart](https://e.org/c.png)", "https://x.org", '"', "'", "`code`",
         "<b>", "&amp;", "\\*", "^[inline note]"]


@st.composite
def markdown_texts(draw) -> str:
    def sentence() -> str:
        return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))

    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            blocks.append(draw(st.sampled_from(["# ", "## ", "### ", "#### "])) + sentence())
        elif kind == 1:
            blocks.append("\n".join(draw(st.sampled_from(["- ", "* ", "1. ", "2) ", "  - ", "    "])) + sentence()
                                    for _ in range(draw(st.integers(1, 3)))))
        elif kind == 2:
            columns = draw(st.integers(1, 3))
            rows = ["| " + " | ".join(sentence()[:24] for _ in range(columns)) + " |"
                    for _ in range(draw(st.integers(1, 3)))]
            delimiter = "| " + " | ".join(draw(st.sampled_from(["---", "---:", ":-:", ":--"]))
                                          for _ in range(columns)) + " |"
            blocks.append("\n".join([rows[0], delimiter, *rows[1:]]))
        elif kind == 3:
            blocks.append(sentence() + "  \n" + sentence())
        else:
            blocks.append("\n".join(sentence() for _ in range(draw(st.integers(1, 3)))))
    return draw(st.sampled_from(["\n", "\n\n"])).join(blocks)


@needs_accelerator
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_texts(), st.sampled_from(["", "a-7"]))
def test_generated_texts_the_accelerator_takes_read_as_the_reference_reads_them(text, ids):
    fast = accelerator.render(text, MarkdownRenderer.key(text, "", False, ids)[3])
    if fast is not None:
        assert fast == reference(text, ids)


def test_without_the_accelerator_a_build_gives_the_same_bytes(monkeypatch, tmp_path):
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    def built(folder: Path) -> dict[str, bytes]:
        build(BuildRequest(ROOT, audience="internal", out=folder, pdf=False), Cache())
        return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}

    accelerated = built(tmp_path / "accelerated")
    monkeypatch.setattr(Accelerator, "start", classmethod(lambda cls: None))
    assert built(tmp_path / "reference") == accelerated


# Ids sites have had since the anchors plugin named their headings: links to them must hold.
HEADING_IDS = [
    ("Situation", "situation"),
    ("What I did & why", "what-i-did--why"),
    ("  Result, in numbers: 40%  ", "--result-in-numbers-40--"),
    ("Ünïcode — and more", "ünïcode--and-more"),
    ("数据 迁移", "数据-迁移"),
    ("C++ / Rust_2", "c--rust_2"),
    ("Step-by-step", "step-by-step"),
]


@pytest.mark.parametrize(("title", "expected"), HEADING_IDS)
def test_a_heading_is_named_by_the_rule_its_id_always_had(title, expected):
    assert heading_slug(title) == expected


@given(st.text(max_size=40))
def test_the_heading_rule_is_the_anchors_plugin_s_own(title):
    from mdit_py_plugins.anchors.index import slugify

    assert heading_slug(title) == slugify(title)


def test_a_heading_repeated_in_a_text_is_numbered_from_one():
    taken: set[str] = set()
    assert [unique_heading_slug("result", taken) for _ in range(3)] == ["result", "result-1", "result-2"]
    assert reference("## Result\n\n## Result\n\n## Result-1\n") == \
        '<h2 id="result">Result</h2>\n<h2 id="result-1">Result</h2>\n<h2 id="result-1-1">Result-1</h2>\n'


@needs_accelerator
def test_the_accelerator_names_headings_without_loading_markdown_it_py():
    # a build after one edit of a story renders that story alone: importing the reference
    # engine for its heading ids would cost more than rendering it
    script = ("import sys\nfrom generator.markdown import MarkdownRenderer\n"
              "html = MarkdownRenderer().render('## Result\\n\\nShipped.', ids='a-x')\n"
              "assert 'id=\"a-x-result\"' in html, html\n"
              "print(sorted(name for name in sys.modules if name.partition('.')[0] in ('markdown_it', 'mdit_py_plugins')))")
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_a_build_that_used_exactly_the_cached_html_hands_the_cache_its_own_part_back():
    """The cache compares a part it is handed key by key, unless it is the part itself:
    after an edit that left every story alone, the Markdown's is."""
    stories = [("Shipped **it**.", "a-one"), ("Measured.\n\n## Result\n\nFaster.", "a-two")]
    first = MarkdownRenderer()
    first.prerender(stories)
    known = first.used_results()
    assert len(known) == 2

    again = MarkdownRenderer(known=known)
    again.prerender(stories)
    assert again.used_results() is known

    one_left = MarkdownRenderer(known=known)  # a story deleted: its HTML goes
    one_left.prerender(stories[:1])
    assert one_left.used_results() == {key: html for key, html in known.items() if key[0] == stories[0][0]}

    edited = MarkdownRenderer(known=known)  # a story edited: the new HTML comes, the old goes
    edited.prerender([stories[0], ("Measured again.", "a-two")])
    made = edited.used_results()
    assert made is not known and len(made) == 2 and ("Measured again.", "", False, "") in made
    assert len(known) == 2  # the cache's own part is never changed in place
