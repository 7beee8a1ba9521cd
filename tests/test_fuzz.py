"""Fuzzing: whatever a record holds, careerfolio answers with problems, never a traceback."""

import re
import shutil
from pathlib import Path

from catalog import BASE
from conftest import run_cli, tree_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import parse_markdown, parse_yaml

TRICKY = list(":-[]{}&*!|>'\"%@#?,\t\r\n\\ \u00a0\u200b\ufeff\x00\x07é中🙂") + ["---", "- ", ": ", "<<: *a", "&a ", "*a"]
text_pieces = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text_pieces)
def test_the_loader_turns_any_text_into_values_or_located_problems(text):
    for parse in (lambda: parse_yaml(Path("x.yaml"), text, 0), lambda: parse_markdown(Path("x.md"), text)):
        source, problems = parse()
        assert source is not None or problems
        for problem in problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message


FILES = sorted(str(path.relative_to(BASE)) for path in BASE.rglob("*") if path.suffix in (".md", ".yaml"))


@st.composite
def mutations(draw):
    """One file of the base record, changed the way hands and tools break files."""
    relative = draw(st.sampled_from(FILES))
    text = (BASE / relative).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "swap", "replace"]))
    if kind == "delete" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "duplicate" and lines:
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
    elif kind == "swap" and len(lines) > 1:
        first, second = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[first], lines[second] = lines[second], lines[first]
    text = "".join(lines)
    if kind in ("insert", "replace") and text:
        at = draw(st.integers(0, len(text)))
        piece = draw(text_pieces)
        text = text[:at] + piece + text[at + (len(piece) if kind == "replace" else 0):]
    elif kind == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    return relative, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations())
def test_a_mutated_record_builds_or_is_refused_cleanly(tmp_path_factory, mutation):
    root = tmp_path_factory.mktemp("fuzz")
    record = root / "record"
    shutil.copytree(BASE, record)
    assert run_cli("build", "--no-pdf", "-C", record).status == 0
    before = tree_bytes(record / "output")
    relative, text = mutation
    (record / relative).write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.status == 1:
        assert tree_bytes(record / "output") == before
        for line in result.stderr.splitlines():
            assert (re.match(r"^\S+:\d+:\d+: .+", line) or re.search(r"\d+ problems? in the record", line)
                    or line.startswith("careerfolio: ")), line
    shutil.rmtree(root)
