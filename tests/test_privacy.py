"""A public build holds no byte of an internal or private entry: checked with canary strings."""

import shutil

from conftest import run_cli, write_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MARKERS = {"internal": b"zqxinternal", "private": b"zqxprivate"}


def leaks(folder, markers):
    """Every place under `folder` where a marker appears: in a file name or in its bytes."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix().lower().encode()
        for marker in markers:
            if marker in name:
                found.append(f"file name {name!r}")
            if path.is_file() and marker in path.read_bytes().lower():
                found.append(f"{name.decode()} contains {marker!r}")
    return found


def test_public_site_contains_no_internal_or_private_byte(fixture_copy):
    record = fixture_copy("canary")
    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status == 0, result.stderr
    site = record / "output" / "site"
    assert (site / "index.html").is_file()
    assert leaks(site, MARKERS.values()) == []
    # the private achievement's amount is not in a total either
    everything = b"".join(p.read_bytes() for p in site.rglob("*.html"))
    assert b"5,444" not in everything and b"8,777" not in everything and b"$1,000" in everything
    assert (site / "assets" / "public-chart.svg").is_file()


def test_internal_site_has_internal_entries_but_no_private_byte(fixture_copy):
    record = fixture_copy("canary")
    result = run_cli("build", "--no-pdf", "-C", record, "--audience", "internal")
    assert result.status == 0, result.stderr
    site = record / "output" / "site"
    assert leaks(site, [MARKERS["private"]]) == []
    assert leaks(site, [MARKERS["internal"]]) != []
    assert (site / "assets" / "zqxinternal-evidence.svg").is_file()


def test_the_build_says_what_it_left_out(fixture_copy):
    record = fixture_copy("canary")
    result = run_cli("build", "--no-pdf", "-C", record)
    assert "left out: 6 internal, 5 private" in result.stdout


ENTRY = """---
title: {title}
date: 2025-0{month}-01
summary: {title} summary
impact: [{{metric: {title} metric, value: {number}, unit: USD}}]
tags: [{tag}]
competencies: [c]
evidence: [{{title: {title} file, file: assets/{slug}.svg}}]
visibility: {visibility}
---
{title} body
"""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["public", "internal", "private"]), min_size=1, max_size=5))
def test_any_mix_of_visibilities_leaks_nothing_to_the_public(tmp_path_factory, visibilities):
    root = tmp_path_factory.mktemp("mix")
    files = {"content/profile.yaml": "name: Mix\n",
             "content/competencies.yaml": "competencies: [{id: c, name: C}]\n"}
    for index, visibility in enumerate(visibilities):
        slug = f"zqx{visibility}{index}" if visibility != "public" else f"open{index}"
        files[f"content/achievements/{slug}.md"] = ENTRY.format(
            title=slug.upper(), month=index + 1, number=1000 + index, tag=f"{slug}-tag",
            slug=slug, visibility=visibility)
        files[f"content/assets/{slug}.svg"] = f"<svg><title>{slug}</title></svg>\n"
    write_record(root, files)
    assert run_cli("build", "--no-pdf", "-C", root).status == 0
    site = root / "output" / "site"
    assert leaks(site, MARKERS.values()) == []
    shutil.rmtree(root)
