"""Every broken record in the catalog: exit 1, exactly its problems, located, and nothing changed.

The cases are data (fixtures/invalid/catalog.yaml), written over a small valid record that
was built first; the build must then refuse with every problem of the case and no other,
each as `path:line:col: message — hint`, without a traceback, leaving the last good output
byte for byte as it was. `check` must report the same problems.
"""

import os
import re
import shutil

import pytest
from catalog import BASE, apply_case, load_catalog
from conftest import run_cli, tree_bytes

CASES = load_catalog()
LOCATED = re.compile(r"^\S+:\d+:\d+: .+ — .+$")


@pytest.fixture(scope="module")
def built_base(tmp_path_factory):
    """The base record, built once; each case starts from a copy of it and its output."""
    folder = tmp_path_factory.mktemp("base")
    record = folder / "record"
    shutil.copytree(BASE, record)
    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status == 0, result.stderr
    return record


def problems_in(text: str, record) -> set[str]:
    prefix = os.path.relpath(record) + os.sep
    return {line.replace(prefix, "", 1) for line in text.splitlines()
            if line and not re.search(r"\d+ problems? in the record", line)}


def test_the_catalog_is_large_and_every_case_is_named_once():
    names = [case["case"] for case in CASES]
    assert len(names) >= 80
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_a_broken_record_is_refused_with_exactly_its_problems(case, built_base, tmp_path):
    record = tmp_path / "record"
    shutil.copytree(built_base, record, symlinks=True)
    before = tree_bytes(record / "output")
    apply_case(record, case["files"])

    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    printed = problems_in(result.stderr, record)
    assert printed == set(case["problems"])
    assert all(LOCATED.match(line) for line in printed), printed
    assert tree_bytes(record / "output") == before

    if not case.get("build_only"):
        checked = run_cli("check", "-C", record)
        assert checked.status == 1
        assert {line for line in problems_in(checked.stdout, record) if LOCATED.match(line)} == set(case["problems"])
