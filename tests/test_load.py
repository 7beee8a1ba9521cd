"""Load keeps the line and column of every value, and turns broken YAML into located problems."""

from pathlib import Path

import pytest
from conftest import write_record
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import load_collection, parse_yaml, read_markdown_file


def test_positions_of_values_and_keys_are_one_based():
    source, problems = parse_yaml(Path("x.yaml"), "name: Ada\nlinks:\n  - label: Site\n    url: https://a.example\n", 0)
    assert problems == []
    assert source.position(("name",)) .line == 1
    assert source.position(("name",)).column == 7
    assert (source.position(("links", 0, "url")).line, source.position(("links", 0, "url")).column) == (4, 10)
    assert source.position(("links", 0, "url"), key=True).column == 5


def test_an_unknown_location_falls_back_to_its_parent():
    source, _ = parse_yaml(Path("x.yaml"), "role:\n  title: Engineer\n", 0)
    assert source.position(("role", "level")).line == 2


def test_front_matter_positions_count_the_opening_dashes(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\ndate: 2025-01-01\n---\nBody text\n", encoding="utf-8")
    source, problems = read_markdown_file(path)
    assert problems == []
    assert source.position(("date",)).line == 3
    assert source.body == "Body text\n"
    assert source.body_line == 5


def test_dates_stay_text_so_the_schema_can_judge_them():
    source, problems = parse_yaml(Path("x.yaml"), "date: 2025-13-01\nother: 2025-01-02\n", 0)
    assert problems == []
    assert source.data == {"date": "2025-13-01", "other": "2025-01-02"}


def test_a_yaml_syntax_error_names_its_line_and_a_fix():
    _, problems = parse_yaml(Path("x.yaml"), "title: a\nsummary: one: two\n", 0)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (2, 13)
    assert "quotes" in problems[0].hint


def test_an_unclosed_list_is_reported_where_it_opens(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\ntags: [a, b\n---\n", encoding="utf-8")
    _, problems = read_markdown_file(path)
    assert problems[0].line == 3


def test_a_duplicate_key_is_a_problem_not_a_silent_overwrite():
    _, problems = parse_yaml(Path("x.yaml"), "title: A\ntitle: B\n", 0)
    assert [p.line for p in problems] == [2]
    assert "twice" in problems[0].message


def test_markdown_without_front_matter_says_how_to_start_it(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Just text\n", encoding="utf-8")
    _, problems = read_markdown_file(path)
    assert "no front matter" in problems[0].message


def test_unsafe_yaml_tags_are_refused():
    _, problems = parse_yaml(Path("x.yaml"), "x: !!python/object/apply:os.system ['true']\n", 0)
    assert problems and "YAML" in problems[0].message


def test_a_collection_can_be_a_list_file_and_a_folder_at_once(tmp_path):
    write_record(tmp_path, {
        "goals.yaml": "- {title: One}\n- {title: Two}\n",
        "goals/three.yaml": "title: Three\n",
        "goals/_draft.yaml": "title: Ignored\n",
    })
    items, problems = load_collection(tmp_path, "goals")
    assert problems == []
    assert [item.data["title"] for item in items] == ["One", "Two", "Three"]
    assert items[2].stem == "three"


def test_a_list_file_that_is_not_a_list_is_a_problem(tmp_path):
    write_record(tmp_path, {"feedback.yaml": "quote: hi\n"})
    _, problems = load_collection(tmp_path, "feedback")
    assert "must be a list" in problems[0].message


scalars = st.one_of(st.integers(), st.booleans(), st.text(alphabet=st.characters(codec="utf-8",
                    exclude_categories=("Cs", "Cc")), max_size=20))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), children, max_size=4)),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(documents)
def test_any_yaml_document_loads_with_a_position_for_every_value(document):
    import yaml

    text = yaml.safe_dump({"root": document}, allow_unicode=True)
    source, problems = parse_yaml(Path("x.yaml"), text, 0)
    assert problems == []
    assert source.data == {"root": document}

    def locations(value, here):
        yield here
        if isinstance(value, dict):
            for key, child in value.items():
                yield from locations(child, here + (key,))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                yield from locations(child, here + (index,))

    for location in locations(document, ("root",)):
        assert location in source.values
        assert 1 <= source.position(location).line <= text.count("\n") + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_no_text_makes_the_loader_raise(text):
    source, problems = parse_yaml(Path("x.yaml"), text, 0)
    assert (source is None) == bool(problems) or problems


def test_a_parsed_file_comes_back_from_the_cache_with_every_position():
    import pickle

    text = "title: A\nimpact:\n  - metric: Latency\n    before: 3\n    after: 1\ntags: [a, b]\n"
    source, problems = parse_yaml(Path("x.yaml"), text, 1)
    assert problems == []
    assert source.position(("title",)) == (2, 8)
    again = pickle.loads(pickle.dumps(source))
    assert again == source and "tables" not in again.__dict__  # found again from the text when asked
    assert again.position(("impact", 0, "after")) == (6, 12) and again.position(("tags", 1)).column == 11
    assert again.position(("impact", 0, "before"), key=True).line == 5


def test_keys_written_twice_are_reported_in_the_order_of_the_file():
    text = "a:\n  x: 1\n  x: 2\na: 3\nb: [{y: 1, y: 2}]\n"
    _, problems = parse_yaml(Path("x.yaml"), text, 0)
    assert [(problem.line, problem.column, problem.message) for problem in problems] == [
        (3, 3, "the key 'x' is written twice"), (4, 1, "the key 'a' is written twice"),
        (5, 12, "the key 'y' is written twice")]


@pytest.mark.parametrize("levels", [500, 10_000])
def test_values_nested_too_deep_are_refused_at_their_line(levels):
    """Beyond 1,000 levels newer libyaml stops reading on its own; either way the record hears
    the same words."""
    text = "- title: Deep\n  provider: " + "[" * levels + "]" * levels + "\n"
    source, problems = parse_yaml(Path("learning.yaml"), text, 0)
    assert source is None
    assert [(problem.line, problem.message) for problem in problems] == [
        (2, "the values are nested more than 64 levels deep")]
