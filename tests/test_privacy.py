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


def test_the_public_social_card_shows_no_internal_or_private_text_or_number(fixture_copy):
    """A PNG cannot be searched for canaries (no OCR here): the card says exactly what it drew."""
    from generator.cache import Cache
    from generator.card import describe_card, make_card
    from generator.case import CaseOptions, build_case
    from generator.pipeline import Timings, build_date, read
    from generator.render import static_files
    from generator.themes import resolve_theme

    record = fixture_copy("canary")
    loaded = read(record, Cache(), Timings()).record
    case = build_case(loaded, CaseOptions(today=build_date(), audience="public"))
    card = make_card(case, static_files(resolve_theme("default", record)))
    drawn = " ".join((*card.texts, describe_card(case))).lower()
    assert "casey canary" in drawn and "$1,000" in drawn  # the public entry's number, alone in its total
    assert not [marker for marker in MARKERS.values() if marker.decode() in drawn]
    assert "5,444" not in drawn and "8,777" not in drawn and "12,221" not in drawn and "$5.4k" not in drawn
    internal = build_case(loaded, CaseOptions(today=build_date(), audience="internal"))
    assert "zqxinternal" in " ".join(make_card(internal, static_files(resolve_theme("default", record))).texts).lower()


def test_internal_site_has_internal_entries_but_no_private_byte(fixture_copy):
    record = fixture_copy("canary")
    result = run_cli("build", "--no-pdf", "-C", record, "--audience", "internal")
    assert result.status == 0, result.stderr
    site = record / "output" / "site"
    assert leaks(site, [MARKERS["private"]]) == []
    assert leaks(site, [MARKERS["internal"]]) != []
    assert (site / "assets" / "zqxinternal-evidence.svg").is_file()


def test_the_resume_json_of_each_site_holds_only_what_its_audience_may_see(fixture_copy):
    record = fixture_copy("canary")
    for audience, hidden, shown in (("public", MARKERS.values(), []), ("internal", [MARKERS["private"]],
                                                                       [MARKERS["internal"]])):
        result = run_cli("build", "--no-pdf", "-C", record, "--audience", audience)
        assert result.status == 0, result.stderr
        resume = (record / "output" / "site" / "resume.json").read_bytes().lower()
        assert b'"meta"' in resume and b"casey canary" in resume
        assert [marker for marker in hidden if marker in resume] == []
        assert all(marker in resume for marker in shown)


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


COLLECTION_ENTRIES = {
    "projects": lambda slug, v, tag, year: (
        f"content/projects/{slug}.md",
        (f"---\ntitle: {slug.upper()} project\nperiod: {{start: {year}-01}}\ntags: [{tag}]\nvisibility: {v}\n"
         f"---\n{slug} project body\n")),
    "goals": lambda slug, v, tag, year: (
        f"content/goals/{slug}.yaml",
        (f"id: {slug}\ntitle: {slug.upper()} goal\nmeasure: {slug} measure\ntarget: 3\ndeadline: {year}-12\n"
         f"visibility: {v}\n")),
    "feedback": lambda slug, v, tag, year: (
        f"content/feedback/{slug}.yaml",
        f"quote: {slug} said it well\nauthor: {slug.upper()} Person\ndate: {year}-05\nvisibility: {v}\n"),
    "certifications": lambda slug, v, tag, year: (
        f"content/certifications/{slug}.yaml",
        f"name: {slug.upper()} certificate\nissuer: {slug} issuer\nearned: {year}-03\nvisibility: {v}\n"),
    "learning": lambda slug, v, tag, year: (
        f"content/learning/{slug}.yaml",
        f"title: {slug.upper()} course\nprovider: {slug} school\ndate: {year}-02\nvisibility: {v}\n"),
}

entry_strategy = st.tuples(
    st.sampled_from(["achievements", *COLLECTION_ENTRIES]),
    st.sampled_from(["public", "internal", "private"]),
    st.sampled_from(["alpha", "beta", "gamma"]),
    st.sampled_from([2023, 2024, 2025]),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(entry_strategy, min_size=1, max_size=8))
def test_no_audience_sees_what_it_may_not_in_any_file_of_any_variant(tmp_path_factory, entries):
    """Random records of every collection, visibility, tag and period; every audience and variant."""
    root = tmp_path_factory.mktemp("property")
    files = {
        "careerfolio.yaml": "base_url: https://example.com/me/\nperiod: {since: 2024-01}\n"
                            "variants:\n  alpha: {tags: [alpha]}\n  wide: {audience: internal}\n",
        "content/profile.yaml": "name: Property Person\nheadline: Tested\n",
        "content/competencies.yaml": "competencies: [{id: c, name: C}]\n",
    }
    for index, (collection, visibility, tag, year) in enumerate(entries):
        slug = f"zqx{visibility}{index}" if visibility != "public" else f"open{index}"
        if collection == "achievements":
            files[f"content/achievements/{slug}.md"] = ENTRY.format(
                title=slug.upper(), month=(index % 9) + 1, number=7000 + index, tag=tag, slug=slug,
                visibility=visibility).replace("2025-0", f"{year}-0")
            files[f"content/assets/{slug}.svg"] = f"<svg><title>{slug}</title></svg>\n"
        else:
            path, text = COLLECTION_ENTRIES[collection](slug, visibility, tag, year)
            files[path] = text
    write_record(root, files)
    for audience in ("public", "internal", "private"):
        out = root / f"out-{audience}"
        result = run_cli("build", "--no-pdf", "--all-variants", "-C", root, "--audience", audience, "--out", out)
        assert result.status == 0, result.stderr
        hidden = {"public": MARKERS.values(), "internal": [MARKERS["private"]], "private": []}[audience]
        assert leaks(out, hidden) == []
    default = root / "output"
    assert run_cli("build", "--no-pdf", "--all-variants", "-C", root, "--out", default).status == 0
    public_outputs = [default / "alpha" / "site"]  # the alpha variant is public; wide is internal
    for folder in public_outputs:
        assert leaks(folder, MARKERS.values()) == []
    assert leaks(default / "wide", [MARKERS["private"]]) == []
    shutil.rmtree(root)


def test_no_pydantic_plugin_installed_beside_careerfolio_sees_the_record(sample_record, tmp_path):
    """Pydantic hands what it validates to every plugin of its entry-point group: a package
    installed in the same environment would see every private entry. careerfolio turns them off."""
    import os
    import subprocess
    import sys

    from conftest import PROJECT

    environment = tmp_path / "site-packages"
    (environment / "spy-1.0.dist-info").mkdir(parents=True)
    (environment / "spy-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: spy\nVersion: 1.0\n")
    (environment / "spy-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nspy = spy:plugin\n")
    seen = tmp_path / "seen by the plugin"
    (environment / "spy.py").write_text(
        "import os\n"
        "class Spy:\n"
        "    def new_schema_validator(self, *arguments, **keywords):\n"
        "        with open(os.environ['SPY_OUTPUT'], 'a') as seen:\n"
        "            seen.write(repr(arguments[:1]))\n"
        "        return None, None, None\n"
        "plugin = Spy()\n")
    run = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    run.update(PYTHONPATH=f"{PROJECT}{os.pathsep}{environment}", SPY_OUTPUT=str(seen))
    # the plugin works: any other program using pydantic in that environment calls it
    subprocess.run([sys.executable, "-c", "import pydantic\nclass Model(pydantic.BaseModel):\n    x: int\nModel(x=1)"],
                   env=run, check=True, cwd=tmp_path)
    assert seen.exists()
    seen.unlink()
    built = subprocess.run([sys.executable, "-m", "generator", "build", "--no-pdf", "-C", str(sample_record)],
                           env=run, cwd=PROJECT, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    assert not seen.exists()
