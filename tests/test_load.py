"""Load keeps the line and column of every value, and turns broken YAML into located problems."""

import math
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


@settings(max_examples=100, deadline=None)
@given(documents)
def test_values_let_go_of_are_read_again_from_the_text_as_they_were(document):
    import pickle

    import yaml

    text = yaml.safe_dump([{"title": "A", "more": document}, {"title": "B"}], allow_unicode=True)
    source, problems = parse_yaml(Path("x.yaml"), text, 0)
    assert problems == []
    data = source.data
    source.release_values()
    assert "data" not in source.__dict__
    assert source.data == data and "data" in source.__dict__  # read again, and kept
    source.release_values()
    again = pickle.loads(pickle.dumps(source))  # what the cache keeps holds the values
    assert "data" not in again.__dict__  # unpickled only when asked for
    assert again.data == data and again == source
    twice = pickle.loads(pickle.dumps(again))  # passed on as they came, still pickled
    assert "data" not in twice.__dict__ and twice.data == data
    again.release_values()
    assert again.data == data


def test_an_entry_reads_its_values_from_its_file_and_front_matter_without_values_is_empty(tmp_path):
    write_record(tmp_path, {"goals.yaml": "- {title: One}\n- {title: Two}\n",
                            "achievements/empty.md": "---\n---\nOnly a story.\n"})
    items, _ = load_collection(tmp_path, "goals")
    items[0].source.release_values()
    assert [item.data for item in items] == [{"title": "One"}, {"title": "Two"}]
    assert items[1].data is items[1].source.data[1]  # the entry holds no values of its own
    source, _ = read_markdown_file(tmp_path / "achievements" / "empty.md")
    assert source.data == {}
    source.release_values()
    assert source.data == {} and source.body == "Only a story.\n"


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


def typed(value):
    """A value with every type spelled out: True is not 1 here, nor 1.0, and NaN is NaN."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(child)) for key, child in value.items()])
    if isinstance(value, list):
        return ("list", [typed(child) for child in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


YAML_CORNERS = [
    "a: yes\nb: No\nc: ON\nd: off\ne: TRUE\nf: ~\ng: null\nh: Null\ni:\n",
    "a: 0x1F\nb: 0o17\nc: 017\nd: 1_000\ne: -0b101\nf: 1:30\ng: +12\nh: 0\ni: -0\n",
    "a: .inf\nb: -.Inf\nc: .NaN\nd: 1.5e3\ne: 6.8523015e+5\nf: 1_0.5\ng: 190:20:30.15\nh: -1.\n",
    "a: 2025-03-14\nb: 2025-03-14T10:00:00Z\nc: 2001-12-14 21:59:43.10 -5\n",
    "a: !!str 5\nb: !!int '3'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null ''\nf: '5'\ng: \"yes\"\n",
    "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "a:\n  <<: {x: 1}\n  x: 2\n",
    "a:\n  - <<: [{x: 1}, {y: 2}]\n    z: 3\n",
    "= : value key\nb: 1\n",
    "? [a, b]\n: unhashable\n",
    "? {a: 1}\n: unhashable\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!omap [x: 1, y: 2]\n",
    "a: !!pairs [x: 1, x: 2]\n",
    "a: !custom thing\n",
    "a: !!map [1, 2]\n",
    "a: !!seq {x: 1}\n",
    "a: !!str [1]\n",
    "a: !!bool maybe\n",
    "a: 99999999999999999999999999999999999999999999999999999999999999999999999999999999\n",
    "x: 1\nx: 2\n",
    "1: one\n2.5: two\ntrue: three\n~: four\n2025-03-14: five\n",
    "- a\n- [b, {c: d}]\n- {e: [f, g]}\n- - - h\n",
    "a: &x [1, 2]\nb: *x\n",
    "",
    "plain text",
    "a: 'it''s'\nb: \"tab\\there\\u00e9\"\nc: |\n  block\n  text\nd: >\n  folded\n  text\n",
]


@pytest.mark.parametrize("text", YAML_CORNERS)
def test_plain_documents_are_built_as_pyyaml_builds_them_and_the_rest_by_pyyaml(text):
    """`construct_plainly` is a faster path to PyYAML's own values, never a different one; what
    PyYAML refuses is a located problem, never a crash."""
    from generator.load import RecordLoader

    def standard(text):
        loader = RecordLoader(text)
        try:
            node = loader.get_single_node()
            return ("value", typed(loader.construct_document(node) if node is not None else None))
        except Exception as error:  # noqa: BLE001 - the error is part of what must be the same
            return ("error", type(error).__name__, str(error))
        finally:
            loader.dispose()

    expected = standard(text)
    source, problems = parse_yaml(Path("x.yaml"), text, 0)
    if expected[0] == "value" and not problems:
        assert typed(source.data) == expected[1]
    elif expected[0] == "value":  # a bound of careerfolio's own, or a key written twice
        assert all("written twice" in problem.message or "nested" in problem.message for problem in problems)
    else:
        assert source is None and problems, expected


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from(["yaml", "flow"]))
def test_any_plain_document_is_built_as_pyyaml_builds_it(document, style):
    import yaml

    from generator.load import RecordLoader, construct_plainly

    text = yaml.safe_dump({"root": document}, allow_unicode=True, default_flow_style=style == "flow")
    loader = RecordLoader(text)
    node = loader.get_single_node()
    plain = construct_plainly(loader, node)
    loader.dispose()
    loader = RecordLoader(text)
    expected = loader.construct_document(loader.get_single_node())
    loader.dispose()
    assert typed(plain) == typed(expected)


# Plain scalars that every implicit resolver of YAML 1.1 takes, or nearly takes
TRICKY_SCALARS = ["", "~", "null", "Null", "NULL", "nul", "yes", "No", "ON", "off", "y", "n", "true", "False",
                  "0", "-0", "+12", "0x1F", "0o17", "017", "0b101", "1_000", "190:20:30", "1e3", "1.5e-3", ".5",
                  "-.inf", ".NaN", "nan", "2025-03-14", "2025-03-14T10:00:00Z", "2025-3-4", "<<", "=", "<", "-",
                  "+", ".", "1.2.3", "12a", "tag", "Tiny", "~x"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TRICKY_SCALARS), st.text(max_size=6)), max_size=8), documents)
def test_the_loader_tags_every_node_as_pyyaml_does(words, document):
    import yaml
    from yaml.resolver import Resolver

    from generator.load import RecordLoader

    class Stock(RecordLoader):
        resolve, descend_resolver, ascend_resolver = Resolver.resolve, Resolver.descend_resolver, Resolver.ascend_resolver

    assert not RecordLoader.yaml_path_resolvers  # which its resolve knows nothing of
    text = "words: [" + ", ".join(words) + "]\n" + yaml.safe_dump({"document": document}, allow_unicode=True)
    for plain in words:  # and each as a mapping's plain key and value
        text += f"{plain or 'empty'}: {plain}\n" if ":" not in plain and "#" not in plain else ""

    def tags(loader_class: type) -> list:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as error:
            return [type(error).__name__]
        finally:
            loader.dispose()
        found, stack = [], [node]
        while stack:
            node = stack.pop()
            found.append((node.tag, node.value if isinstance(node, yaml.ScalarNode) else None))
            if isinstance(node, yaml.MappingNode):
                stack.extend(part for pair in node.value for part in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return found

    assert tags(RecordLoader) == tags(Stock)
