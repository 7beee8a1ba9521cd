"""Incremental builds: a build from the cache is byte-identical to a clean one, and touches only what changed."""

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli, tree_bytes

import generator.jsonresume
import generator.load
import generator.parallel
import generator.pipeline
import generator.render
from generator.cache import Cache, cache_home
from generator.pipeline import BuildRequest, build
from generator.problems import RecordProblems

ACHIEVEMENTS = Path("content") / "achievements"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_cached_equals_clean(record: Path, tmp_path: Path, step: str) -> None:
    cached = run_cli("build", "--no-pdf", "-C", record, "--out", tmp_path / "cached")
    assert cached.status == 0, (step, cached.stderr)
    clean_folder = tmp_path / f"clean-{step}"
    clean = run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", clean_folder)
    assert clean.status == 0, (step, clean.stderr)
    assert tree_bytes(tmp_path / "cached") == tree_bytes(clean_folder), f"after {step}"
    shutil.rmtree(clean_folder)


@pytest.fixture(params=["in memory", "spooled"])
def spooling(request, monkeypatch) -> bool:
    """Whether pages go to disk as they are rendered (large sites), in this process and a forked one."""
    if request.param == "spooled":
        monkeypatch.setattr(generator.pipeline, "SPOOL_PAGES", 1)
        monkeypatch.setattr(generator.render, "PARALLEL_PAGES", 2)
    return request.param == "spooled"


def every_kind_of_change(record: Path) -> list:
    """(name, change) for each kind of change a record goes through, in an order that works."""
    achievements = record / ACHIEVEMENTS
    return [
        ("an edited title", lambda: edit(achievements / "2025-03-ci-build-time.md",
                                         "title: Cut CI build time", "title: Cut the CI build time")),
        ("an edited story", lambda: edit(achievements / "2025-03-ci-build-time.md", "people can watch move", "people can watch move. A new line")),
        ("a renamed file", lambda: (achievements / "2025-01-route-planner-latency.md").rename(
            achievements / "2025-01-route-planner-speed.md")),
        ("a deleted file", lambda: (achievements / "2025-01-route-planner-speed.md").unlink()),
        ("a public entry made private", lambda: edit(achievements / "2025-03-ci-build-time.md",
                                                     "visibility: public", "visibility: private")
         if "visibility: public" in (achievements / "2025-03-ci-build-time.md").read_text(encoding="utf-8")
         else edit(achievements / "2025-03-ci-build-time.md", "\n---\n", "\nvisibility: private\n---\n")),
        ("a new file", lambda: shutil.copy(achievements / "2025-06-multi-region-failover.md",
                                           achievements / "2025-07-copy.md")),
        ("a changed competency name", lambda: edit(record / "content" / "competencies.yaml",
                                                   "name: ", "name: The ")),
        # what an achievement shows of the entries it links to changes with them
        ("a linked project's title", lambda: edit(record / "content" / "projects" / "build-platform.md",
                                                  "title: Build platform v3", "title: Build platform, third")),
        ("a linked goal's title", lambda: edit(record / "content" / "goals.yaml", "title: Run dispatch in three",
                                               "title: Run dispatch in 3")),
        ("a record template", lambda: (record / "templates").mkdir() or
         (record / "templates" / "achievement.html").write_text(
             '{% extends "base.html" %}{% block main %}<h1>{{ achievement.title }}</h1>{% endblock %}',
             encoding="utf-8")),
        ("changed settings", lambda: edit(record / "careerfolio.yaml", "\n", "\ntitle: Another title\n")),
    ]


def test_a_cached_build_equals_a_clean_build_after_every_kind_of_change(sample_record, tmp_path, spooling):
    assert_cached_equals_clean(sample_record, tmp_path, "first build")
    steps = every_kind_of_change(sample_record)
    for name, change in steps:
        change()
        assert_cached_equals_clean(sample_record, tmp_path, name)
    # nothing is left where pages waited
    assert not [path.name for path in tmp_path.iterdir() if ".staging-" in path.name]


def test_a_build_in_a_warm_process_equals_a_clean_build_after_every_kind_of_change(sample_record, tmp_path):
    """As `serve` builds: one cache kept in memory, whose views and fingerprints the next build reuses."""
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "warm", pdf=False, today=dt.date(2026, 1, 15))
    for name, change in [("first build", lambda: None), *every_kind_of_change(sample_record)]:
        change()
        build(request, cache)
        clean = tmp_path / "clean"
        build(replace(request, out=clean), Cache())
        assert tree_bytes(tmp_path / "warm") == tree_bytes(clean), f"after {name}"
        shutil.rmtree(clean)


def files_of(record: Path) -> dict[str, tuple[int, int]]:
    """Every file under the record, by its real path, with its size and modification time."""
    found = {}
    for folder, _, names in os.walk(os.path.realpath(record)):
        for name in names:
            path = os.path.join(folder, name)
            status = os.lstat(path)
            found[path] = (status.st_size, status.st_mtime_ns)
    return found


def test_a_warm_build_told_what_changed_equals_a_clean_build_after_every_kind_of_change(sample_record, tmp_path):
    """As `serve` builds: told by the watcher which files changed, it looks at nothing else."""
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "warm", pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    steps = every_kind_of_change(sample_record)
    # an editor's atomic save: the new text goes to a file beside it, which then takes its name
    story = sample_record / ACHIEVEMENTS / "2025-06-multi-region-failover.md"
    swap = story.with_name(".2025-06-multi-region-failover.md.swp")
    steps.insert(2, ("an atomic save", lambda: (
        swap.write_bytes(b"swap"), story.with_suffix(".tmp").write_text(
            story.read_text(encoding="utf-8").replace("title: ", "title: Saved whole, ", 1), encoding="utf-8"),
        story.with_suffix(".tmp").replace(story))))
    for name, change in steps:
        before = files_of(sample_record)
        change()
        after = files_of(sample_record)
        changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
        changed.add(str(story.with_suffix(".tmp")))  # there a moment, as the watcher saw it
        build(request, cache, changed=changed)
        clean = tmp_path / "clean"
        build(replace(request, out=clean), Cache())
        assert tree_bytes(tmp_path / "warm") == tree_bytes(clean), f"after {name}"
        shutil.rmtree(clean)


def test_a_warm_build_takes_the_watchers_word_for_what_changed(sample_record, tmp_path, monkeypatch):
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    page = tmp_path / "out" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html"
    build(request, cache)
    found = []
    monkeypatch.setattr(generator.load, "discover_files",
                        lambda *arguments, original=generator.load.discover_files: found.append(1) or
                        original(*arguments))
    story = sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md"
    edit(story, "title: Cut CI build time", "title: Cut the CI build time")
    assert build(request, cache, changed=set()).unchanged  # nothing named: nothing looked at
    assert b"Cut the CI build time" not in page.read_bytes()
    build(request, cache, changed={str(story)})
    assert b"Cut the CI build time" in page.read_bytes()
    assert not found  # the same files as before: not looked for again
    shutil.copy(story, story.with_name("2025-09-copy.md"))
    build(request, cache, changed={str(story.with_name("2025-09-copy.md"))})
    assert found


def test_what_changed_before_a_failed_warm_build_is_taken_by_the_next(sample_record, tmp_path):
    """A build that fails on one file read the others' new bytes; the next compares with the
    last good build, so it must look at them again though the watcher names only the fix."""
    from generator.problems import RecordProblems

    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    page = tmp_path / "out" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html"
    build(request, cache)
    story, other = sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", \
        sample_record / ACHIEVEMENTS / "2025-06-multi-region-failover.md"
    edit(story, "title: Cut CI build time", "title: Cut the CI build time")
    edit(other, "period: {start: 2024-11", "period: {start: 2024-13")
    with pytest.raises(RecordProblems):
        build(request, cache, changed={str(story), str(other)})
    edit(other, "period: {start: 2024-13", "period: {start: 2024-11")
    build(request, cache, changed={str(other)})
    assert b"Cut the CI build time" in page.read_bytes()


def test_a_warm_process_keeps_its_templates_until_a_template_file_changes(sample_record, tmp_path):
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    page = tmp_path / "out" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html"
    own = sample_record / "templates" / "achievement.html"
    own.parent.mkdir()
    own.write_text('{% extends "base.html" %}{% block main %}<h1>One: {{ achievement.title }}</h1>{% endblock %}',
                   encoding="utf-8")

    def templates() -> list:
        return [value for key, value in cache.memory.items() if isinstance(key, tuple) and key[0] == "templates"]

    build(request, cache)
    first = templates()
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "title: Cut CI build time",
         "title: Cut the CI build time")
    build(request, cache)
    assert templates() == first and len(first) == 1 and b"One: Cut the CI build time" in page.read_bytes()
    edit(own, "One:", "Two:")  # in place: the same file, other bytes
    build(request, cache, changed={str(own)})
    assert templates() != first and len(templates()) == 1 and b"Two: Cut the CI build time" in page.read_bytes()


def test_rehashing_what_a_watcher_names_gives_the_hashes_of_a_walk(tmp_path):
    from generator.cache import hash_folders, rehash_changed

    content, real = tmp_path / "content", tmp_path / "real-themes"
    (content / "achievements").mkdir(parents=True)
    (real / "default").mkdir(parents=True)
    (tmp_path / "themes").symlink_to(real)  # a place reached through a link: a watcher names the real path
    for path in (content / "achievements" / "a.md", content / "profile.yaml", real / "default" / "home.html"):
        path.write_text("one", encoding="utf-8")
    places = ([content, tmp_path / "themes"], [tmp_path / "careerfolio.yaml"])
    stats: dict = {}
    hashes = hash_folders(*places, stats)
    assert rehash_changed(hashes, [], *places, stats) == hashes
    (content / "achievements" / "a.md").write_text("two", encoding="utf-8")
    (real / "default" / "home.html").write_text("two", encoding="utf-8")
    (content / "achievements" / ".a.md.swp").write_text("swap", encoding="utf-8")
    named = [str(content / "achievements" / "a.md"), str(real / "default" / "home.html"),
             str(content / "achievements" / ".a.md.swp"), str(content / "gone.tmp"), str(tmp_path / "README.md")]
    rehashed = rehash_changed(hashes, named, *places, stats)
    assert rehashed == hash_folders(*places, {}) != hashes
    hashes = rehashed
    (tmp_path / "careerfolio.yaml").write_text("title: T\n", encoding="utf-8")  # listed, though it was missing
    assert rehash_changed(hashes, [str(tmp_path / "careerfolio.yaml")], *places, stats) == hash_folders(*places, {})
    # what only a walk can follow
    (content / "achievements" / "b.md").write_text("new", encoding="utf-8")
    assert rehash_changed(hashes, [str(content / "achievements" / "b.md")], *places, stats) is None
    (content / "profile.yaml").unlink()
    assert rehash_changed(hashes, [str(content / "profile.yaml")], *places, stats) is None
    (content / "achievements" / "a.md").unlink()
    (content / "achievements" / "a.md").symlink_to(content / "achievements" / "b.md")
    assert rehash_changed(hashes, [str(content / "achievements" / "a.md")], *places, stats) is None
    (content / "goals").mkdir()
    assert rehash_changed(hashes, [str(content / "goals")], *places, stats) is None
    assert rehash_changed(hashes, [str(tmp_path)], *places, stats) is None  # a folder above them all


def test_a_warm_build_makes_views_again_only_for_what_changed(sample_record, tmp_path, monkeypatch):
    for module in (generator.parallel, generator.render):  # in one process, as serve's builds are
        monkeypatch.setattr(module, "can_fork", lambda: False)
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    known = cache.memory["views"]
    assert len(known.made) > 1
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "title: Cut CI build time",
         "title: Cut the CI build time")
    build(request, cache)
    # the site's case and the dossier's (another audience): each makes the edited one again
    assert [view.id for view in known.made] == ["2025-03-ci-build-time"] * 2
    edit(sample_record / "content" / "projects" / "build-platform.md", "title: Build platform v3",
         "title: Build platform, third")
    build(request, cache)
    # a linked title changed: every view shows it (or could), so each is made again
    assert len(known.made) > 2


@pytest.fixture
def fragments_made(monkeypatch) -> list[str]:
    """Each fragment rendered rather than found kept: its macro, and for a row its achievement."""
    made: list[str] = []
    original = generator.render.Fragments._call

    def counted(self, context, macro, *arguments, **keywords):
        before = len(self.made)
        result = original(self, context, macro, *arguments, **keywords)
        if len(self.made) > before:
            made.append(f"{macro.name} {arguments[0].id}" if macro.name == "achievement_row" else macro.name)
        return result

    monkeypatch.setattr(generator.render.Fragments, "_call", counted)
    return made


def test_a_warm_build_renders_again_only_the_rows_that_show_what_changed(sample_record, tmp_path, fragments_made):
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    assert "achievement_row 2025-03-ci-build-time" in fragments_made
    fragments_made.clear()
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "title: Cut CI build time",
         "title: Cut the CI build time")
    build(request, cache)
    # its row on pages one and two folders deep, and its year's events on the timeline
    assert sorted(fragments_made) == ["achievement_row 2025-03-ci-build-time"] * 2 + ["timeline_events"]


def test_rendered_rows_are_kept_for_the_next_process_and_only_while_they_can_be_shown(sample_record, tmp_path,
                                                                                     monkeypatch, fragments_made):
    # sifted after every build, not only once they have grown by a quarter
    monkeypatch.setattr(generator.pipeline, "FRAGMENTS_GROWTH", 1.0)
    monkeypatch.setattr(generator.pipeline, "FRAGMENTS_SLACK", -1)
    request = BuildRequest(sample_record, pdf=False, today=dt.date(2026, 1, 15))
    build(request, Cache.for_record(sample_record), save=True)
    story = sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md"
    edit(story, "title: Cut CI build time", "title: Cut the CI build time")
    fragments_made.clear()
    build(request, Cache.for_record(sample_record), save=True)  # as a new process: from the disk
    assert sorted(fragments_made) == ["achievement_row 2025-03-ci-build-time"] * 2 + ["timeline_events"]

    def kept_as_by_a_clean_build() -> set:
        kept = set(Cache.for_record(sample_record).sharded("fragments"))
        clean = Cache()
        build(replace(request, out=tmp_path / "clean"), clean)
        assert kept == set(clean.sharded("fragments"))
        return kept

    edited = kept_as_by_a_clean_build()  # the old title's rows are gone
    story.unlink()
    build(request, Cache.for_record(sample_record), save=True)
    assert len(kept_as_by_a_clean_build()) < len(edited)  # and the removed achievement's


def test_rows_rendered_in_a_forked_process_are_kept_too(sample_record, tmp_path, monkeypatch):
    def fragments(folder: Path) -> set:
        cache = Cache()
        build(BuildRequest(sample_record, audience="internal", out=folder, pdf=False), cache)
        return set(cache.sharded("fragments"))

    alone = fragments(tmp_path / "one")
    monkeypatch.setattr(generator.render, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(generator.render, "can_fork", lambda: True)
    assert fragments(tmp_path / "several") == alone and alone


def test_achievements_are_fingerprinted_by_their_file_and_links_and_a_link_by_what_it_shows(sample_record,
                                                                                             tmp_path):
    """A view is fingerprinted by the digest of its file, not pickled; a file reached through a
    link has the digest of the link, so its view is fingerprinted by what it holds."""
    achievements = sample_record / ACHIEVEMENTS
    story = sample_record / "content" / "assets" / "linked-story.md"
    shutil.copy(achievements / "2025-06-multi-region-failover.md", story)
    (achievements / "2025-08-linked.md").symlink_to(Path("..") / "assets" / "linked-story.md")
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    known = cache.memory["views"]
    noted = {view.id for view, _ in known.inputs.values()}
    assert "2025-08-linked" not in noted and "2025-03-ci-build-time" in noted
    assert noted == {view.id for view in known.made} - {"2025-08-linked"}
    assert_cached_equals_clean(sample_record, tmp_path, "a linked achievement")
    edit(story, "title: ", "title: Through a link, ")
    assert_cached_equals_clean(sample_record, tmp_path, "the story a link leads to, edited")


def test_a_template_that_fails_halfway_through_a_spooled_site_leaves_the_last_build(sample_record, spooling,
                                                                                   monkeypatch):

    if spooling:  # the dossier and the other half of the pages in processes of their own
        monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 1)
        for module in (generator.parallel, generator.render):
            monkeypatch.setattr(module, "can_fork", lambda: True)
    assert_a_failed_build_leaves_the_last_one(sample_record, "2025-06-multi-region-failover")


def assert_a_failed_build_leaves_the_last_one(record: Path, failing: str, change: Callable[[], object] = list) -> None:
    """Build; `change` the record and add a template that fails on the page of the achievement
    `failing` only, after others were rendered (and, spooled, written): the build that fails
    leaves the output as the last one left it, nothing where pages waited, and no child."""
    import multiprocessing

    assert run_cli("build", "--no-pdf", "-C", record).status == 0
    output = record / "output"
    before = tree_bytes(output)
    change()
    (record / "templates").mkdir()
    (record / "templates" / "achievement.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ achievement.title }}'
        f'{{% if achievement.id == "{failing}" %}}{{{{ achievement.nothing.deeper }}}}{{% endif %}}'
        '{% endblock %}', encoding="utf-8")
    result = run_cli("build", "--no-pdf", "-C", record)
    assert result.status == 1 and "achievement.html" in result.stderr, result.stderr
    assert tree_bytes(output) == before
    assert not [path for path in output.rglob("*") if ".staging-" in path.name]
    assert multiprocessing.active_children() == []  # no child left rendering what nobody will ask for


def test_an_edit_rewrites_only_the_pages_that_show_it(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    site = sample_record / "output" / "site"
    unrelated = site / "achievements" / "2025-06-multi-region-failover" / "index.html"
    edited = site / "achievements" / "2025-03-ci-build-time" / "index.html"
    before = {path: path.stat().st_mtime_ns for path in (unrelated, edited)}
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "people can watch move", "people can watch move. One more sentence.")
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 0
    assert unrelated.stat().st_mtime_ns == before[unrelated]
    assert edited.stat().st_mtime_ns != before[edited]
    assert "One more sentence." in edited.read_text(encoding="utf-8")
    written = int(result.stdout.split("(")[1].split(" written")[0])
    assert 0 < written < 10, result.stdout


def test_a_build_with_nothing_changed_writes_nothing(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    site = sample_record / "output" / "site"
    times = {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}
    again = run_cli("build", "--no-pdf", "-C", sample_record)
    assert again.status == 0 and "nothing changed" in again.stdout
    assert {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()} == times


def test_an_output_file_removed_by_hand_is_made_again(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    page = sample_record / "output" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html"
    expected = page.read_bytes()
    page.unlink()
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert "nothing changed" not in result.stdout
    assert page.read_bytes() == expected
    # a copied file too, and a copy whose source changed, though neither is read when unchanged
    stylesheet = sample_record / "output" / "site" / "css" / "site.css"
    expected = stylesheet.read_bytes()
    stylesheet.unlink()
    asset = sample_record / "content" / "assets" / "ci-dashboard.svg"
    asset.write_bytes(asset.read_bytes().replace(b"</svg>", b"<!-- redrawn --></svg>"))
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert stylesheet.read_bytes() == expected
    assert b"redrawn" in (sample_record / "output" / "site" / "assets" / "ci-dashboard.svg").read_bytes()


def test_a_lost_cache_still_leaves_unchanged_files_alone(sample_record):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    page = sample_record / "output" / "site" / "index.html"
    before = page.stat().st_mtime_ns
    shutil.rmtree(Cache.for_record(sample_record).folder)
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert page.stat().st_mtime_ns == before


def test_the_cache_lives_outside_the_record(sample_record):
    """A record from a pull request must not be able to plant what the build trusts."""
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    folder = Cache.for_record(sample_record).folder
    assert folder.is_dir() and cache_home() in folder.parents
    assert sample_record not in folder.parents
    assert not [path for path in sample_record.rglob("*.pickle")]


def test_an_edit_rewrites_a_few_small_files_of_the_cache_not_its_large_parts(sample_record):
    """The parsed files, the Markdown and resume.json's entries are kept in shards: one story
    edited rewrites the shards that hold it, not every text the record has."""
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    folder = Cache.for_record(sample_record).folder
    before = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.pickle")}
    assert sum(name.startswith("markdown-") for name in before) > 2
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "people can watch move",
         "people can watch move, and did")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    rewritten = {path.name for path in folder.glob("*.pickle") if before.get(path.name) != path.stat().st_mtime_ns}
    # resume.json's: the achievement's entry, and the records of the project and goal that list it
    for part, most in (("files-", 2), ("markdown-", 2), ("resume-", 4)):
        shards = {name for name in rewritten if name.startswith(part)}
        assert 0 < len(shards) <= most, (part, sorted(rewritten))


def test_what_no_build_used_for_a_month_leaves_the_cache_folder_and_nothing_else(sample_record, tmp_path,
                                                                                 monkeypatch):
    """Every record ever built, and every review looked back at, kept its cache for good."""
    import time

    home = tmp_path / "cache"
    monkeypatch.setenv("CAREERFOLIO_CACHE_DIR", str(home))
    month_ago = time.time() - 31 * 24 * 3600
    old = [home / "records" / ("a" * 20), home / "revisions" / ("b" * 20), home / "templates" / "__jinja2_0f.cache",
           home / "locks" / f"{'c' * 20}.lock"]
    recent = home / "records" / ("d" * 20)
    theirs = [home / "records" / "notes", home / "records" / ("e" * 19), home / "templates" / "mine.cache"]
    for path in old + [recent] + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix:
            path.write_bytes(b"")
        else:
            path.mkdir()
            (path / "build.pickle").write_bytes(b"")
    for path in old + theirs:
        os.utime(path, (month_ago, month_ago))
    (home / "records" / "link").symlink_to(home / "records" / "notes")

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert [path for path in old if path.exists()] == []
    assert recent.exists() and all(path.exists() for path in theirs) and (home / "records" / "link").is_symlink()
    own = Cache.for_record(sample_record).folder
    assert (own / "build.pickle").exists()

    # the record's own cache, unused for a month, is used again now: kept; and cleaning waits a day
    os.utime(own, (month_ago, month_ago))
    (home / "last-cleaned").unlink()
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0  # nothing changed
    assert (own / "build.pickle").exists() and own.stat().st_mtime > month_ago
    os.utime(recent, (month_ago, month_ago))
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert recent.exists()  # cleaned less than a day ago


def test_a_part_written_by_a_forked_process_keeps_this_ones_changes_and_its_own(tmp_path):
    """A forked child that writes a sharded part (resume.json's, beside the pages) writes what
    the build had changed of it too; the build reads it again before changing it further."""
    from generator.parallel import Forked

    cache = Cache(tmp_path / "cache")
    cache.replace_sharded("resume", {(b"a", "one"): "A", (b"b", "one"): "B"})
    cache.save()
    cache.replace_sharded("resume", {**cache.sharded("resume"), (b"c", "two"): "C"})  # not saved yet

    def in_a_child() -> None:  # a key in the shard of one that this process changes after
        cache.replace_sharded("resume", {**cache.sharded("resume"), (b"b", "three"): "D"})
        cache.save_sharded("resume")

    Forked(in_a_child).result()
    cache.written_elsewhere("resume")
    cache.replace_sharded("resume", {**{key: value for key, value in cache.sharded("resume").items()
                                        if key != (b"a", "one")}, (b"b", "one"): "B2"})
    cache.save()
    assert Cache(tmp_path / "cache").sharded("resume") == {(b"b", "one"): "B2", (b"c", "two"): "C",
                                                          (b"b", "three"): "D"}


def test_paths_come_back_from_the_cache_and_from_a_child_as_they_went(tmp_path):
    """Paths are pickled as their text (see `cache.dump`): the same paths, of the same classes."""
    from pathlib import PurePosixPath, PureWindowsPath

    from generator.parallel import Forked

    paths = [tmp_path / "a b" / "ü.md", Path("relative/x.yaml"), Path("."), Path("/"),
             PurePosixPath("posix/only"), PureWindowsPath(r"C:\\record\\x.md")]
    cache = Cache(tmp_path / "cache")
    cache.replace("paths", {"paths": paths})
    cache.save()
    for again in (Cache(tmp_path / "cache").part("paths")["paths"], Forked(lambda: paths).result()):
        assert again == paths and [type(path) for path in again] == [type(path) for path in paths]


def test_a_corrupt_cache_is_ignored(sample_record, tmp_path):
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    for path in Cache.for_record(sample_record).folder.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    os.utime(sample_record / "careerfolio.yaml")  # the same bytes: the cache decides
    assert_cached_equals_clean(sample_record, tmp_path, "a corrupt cache")


def test_page_keys_are_the_same_in_every_process(sample_record):
    """A build in a new process (with its own string hashing) re-renders only what changed."""
    import subprocess
    import sys

    from conftest import PROJECT

    def build(seed: str) -> str:
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--no-pdf", "-C", str(sample_record)],
                                capture_output=True, text=True, cwd=PROJECT, check=True,
                                env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(PROJECT)})
        return result.stdout

    build("1")
    edit(sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "people can watch move",
         "people can watch move. Once more.")
    site_line = build("2").splitlines()[0]
    written = int(site_line.split("(")[1].split(" written")[0])
    assert 0 < written < 10, site_line


def test_page_keys_remembered_from_the_last_build_are_the_keys_made_from_nothing(sample_record, tmp_path,
                                                                                  monkeypatch):
    from generator.render import CARD_PATH, RESUME_FILE

    made: list[tuple[dict, dict]] = []
    original = generator.render.page_keys

    def page_keys(*arguments, **options):
        keys = original(*arguments, **options)
        made.append((keys, original(*arguments, **{**options, "known": None})))
        return keys

    monkeypatch.setattr(generator.render, "page_keys", page_keys)
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, dossier=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    for name, change in every_kind_of_change(sample_record)[:5]:
        change()
        build(request, cache)
        remembered, from_nothing = made[-1]
        assert remembered == from_nothing, f"after {name}"
    # the last build's pages are remembered, and nothing else
    assert set(cache.memory[("page keys", str(tmp_path / "out"))]) == set(remembered) - {RESUME_FILE, CARD_PATH}


def test_a_build_that_ends_lets_go_of_the_values_it_read_and_reads_none_again(sample_record, tmp_path,
                                                                              monkeypatch):
    """The values read are not needed past validation; the cache, written before they go, keeps them."""
    import functools

    from generator.load import PICKLED_VALUES, SourceFile, read_markdown_file, read_yaml_file

    read_again = []  # files whose values were parsed again from their text
    values_again = SourceFile.data.func

    def counted(source: SourceFile) -> object:
        if PICKLED_VALUES not in source.__dict__:
            read_again.append(source.path)
        return values_again(source)

    monkeypatch.setattr(SourceFile, "data", functools.cached_property(counted))
    SourceFile.data.__set_name__(SourceFile, "data")
    cache = Cache(tmp_path / "cache")
    build(BuildRequest(sample_record, out=tmp_path / "out", pdf=False), cache, save=True)
    sources = [checked.loaded.source for checked in cache.sharded("files").values()
               if checked.loaded.source is not None]
    assert sources and all("data" not in source.__dict__ for source in sources)
    assert read_again == []
    stored = Cache(tmp_path / "cache").sharded("files")
    assert stored.keys() == cache.sharded("files").keys()
    stored_sources = [checked.loaded.source for checked in stored.values() if checked.loaded.source is not None]
    # the cache holds the values, pickled apart: unpickled only when asked for
    assert all("data" not in source.__dict__ and source.__dict__[PICKLED_VALUES] for source in stored_sources)
    for source in stored_sources:
        read = (read_markdown_file if source.path.suffix == ".md" else read_yaml_file)(source.path)[0]
        assert source.data == read.data
    assert read_again == []  # the cache gave them: nothing was read again to write it, or to ask
    # a warm process (serve) keeps them: the next build compares an edited file with them
    warm = Cache()
    build(BuildRequest(sample_record, out=tmp_path / "warm", pdf=False), warm)
    assert all("data" in checked.loaded.source.__dict__ for checked in warm.sharded("files").values()
               if checked.loaded.source is not None)


@pytest.mark.parametrize("generation_mib", [0, generator.render.GENERATION_MIB])
def test_a_site_made_in_several_processes_is_the_bytes_of_one_made_in_one(sample_record, tmp_path, monkeypatch,
                                                                          generation_mib):
    """Pages and resume.json's achievements in two processes, spooled (with GENERATION_MIB 0,
    each child takes one turn and another takes its place), the dossier in a third, and the
    files read in two: as one process makes them, with the same cache left for the next build."""
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    def built(folder: Path) -> dict[str, bytes]:
        cache = Cache(tmp_path / f"cache-{folder.name}")
        build(BuildRequest(sample_record, audience="internal", out=folder, pdf=False), cache, save=True)
        return tree_bytes(folder), {name: value for name, value in tree_bytes(cache.folder).items()}

    alone, alone_cache = built(tmp_path / "one")
    monkeypatch.setattr(generator.render, "GENERATION_MIB", generation_mib)
    monkeypatch.setattr(generator.render, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(generator.pipeline, "SPOOL_PAGES", 1)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 1)
    monkeypatch.setattr(generator.pipeline, "PARALLEL_FILES", 2)
    for module in (generator.parallel, generator.render):  # forking, whatever threads pytest runs
        monkeypatch.setattr(module, "can_fork", lambda: True)
    several, several_cache = built(tmp_path / "several")
    assert several == alone
    assert several_cache.keys() == alone_cache.keys()


@pytest.fixture
def resume_made_in(monkeypatch, tmp_path) -> Path:
    """resume.json of any record made in a forked child, when a build renders few pages;
    the file returned names the process that last made it (in the build's, it was not forked)."""
    made_in = tmp_path / "resume made in"
    make_resume = generator.pipeline.make_resume

    def noted(*arguments):
        made_in.write_text(str(os.getpid()), encoding="utf-8")
        return make_resume(*arguments)

    monkeypatch.setattr(generator.pipeline, "make_resume", noted)
    monkeypatch.setattr(generator.pipeline, "RESUME_ELSEWHERE", 1)
    monkeypatch.setattr(generator.parallel, "can_fork", lambda: True)
    return made_in


def test_resume_json_made_in_a_child_beside_a_few_pages_is_the_bytes_made_here(sample_record, tmp_path,
                                                                               resume_made_in, monkeypatch):
    """After an edit, resume.json is put together in a child beside the pages: the same bytes
    as a clean build's after every kind of change, and the encodings it used kept for the next."""
    assert_cached_equals_clean(sample_record, tmp_path, "first build")
    assert not resume_made_in.exists()  # a first build renders every page, and resume.json with them
    children = set()
    for name, change in every_kind_of_change(sample_record):
        change()
        assert_cached_equals_clean(sample_record, tmp_path, name)
        if resume_made_in.exists():
            children.add(int(resume_made_in.read_text(encoding="utf-8")))
            resume_made_in.unlink()
    assert children and os.getpid() not in children
    assert not [path.name for path in tmp_path.iterdir() if ".staging-" in path.name]
    # what the child encoded is in the cache: the next build encodes only the edited achievement
    encoded = []
    encode_achievement = generator.jsonresume.encode_achievement
    monkeypatch.setattr(generator.jsonresume, "encode_achievement",
                        lambda achievement: encoded.append(achievement.id) or encode_achievement(achievement))
    monkeypatch.setattr(generator.pipeline, "RESUME_ELSEWHERE", 10**9)  # here, where it is counted
    edit(sample_record / ACHIEVEMENTS / "2025-06-multi-region-failover.md", "title: Led", "title: I led")
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--out", tmp_path / "cached").status == 0
    assert encoded == ["2025-06-multi-region-failover"]


def test_a_build_that_fails_while_a_child_makes_resume_json_leaves_the_last_build(sample_record, resume_made_in):
    assert_a_failed_build_leaves_the_last_one(sample_record, "2025-03-ci-build-time", lambda: edit(
        sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md", "title: Cut", "title: Cutting"))
    assert resume_made_in.exists()


def test_the_children_of_a_build_without_a_cache_hand_back_only_what_it_writes(sample_record, tmp_path,
                                                                             monkeypatch):
    """The Markdown, fragments and template analyses a child makes are for the cache: a
    `--no-cache` build's children keep them, a cached build's hand them back."""
    handed: list[bool] = []
    result = generator.parallel.Forked.result

    def noted(child: generator.parallel.Forked) -> object:
        answer = result(child)
        if isinstance(child, generator.render.Elsewhere):
            handed.append(any(answer[1:]))
        return answer

    monkeypatch.setattr(generator.parallel.Forked, "result", noted)
    monkeypatch.setattr(generator.render, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 1)
    for module in (generator.parallel, generator.render):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    assert run_cli("build", "--no-pdf", "--no-cache", "-C", sample_record, "--out", tmp_path / "clean").status == 0
    assert handed and not any(handed)
    handed.clear()
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--out", tmp_path / "cached").status == 0
    assert handed and all(handed)
    assert tree_bytes(tmp_path / "clean") == tree_bytes(tmp_path / "cached")


def test_a_child_ends_once_its_job_is_done_however_large_its_answer():
    """A child's answer goes into a file: a child that is done does not wait, with a copy of
    the build's memory, for this process to read it (through a pipe, it waited in `send`)."""
    import time

    from generator.parallel import Forked

    answer = b"x" * 2_000_000  # more than a pipe holds
    done = Forked(lambda: answer)
    deadline = time.monotonic() + 60
    while done.child.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not done.child.is_alive()  # ended before anyone asked for its answer
    assert done.result() == answer


def test_a_child_that_dies_hands_its_job_back():
    from generator.parallel import Forked

    parent = os.getpid()
    died = Forked(lambda: os._exit(3) if os.getpid() != parent else "made here")
    assert died.result() == "made here"
    assert died.child.exitcode == 3


def test_a_child_whose_answer_cannot_be_written_hands_its_job_back(capfd):
    from generator.parallel import Forked

    parent = os.getpid()
    unpicklable = Forked(lambda: (lambda: "a function is not pickled") if os.getpid() != parent else "made here")
    assert unpicklable.result() == "made here"
    assert unpicklable.child.exitcode == 1
    assert capfd.readouterr().err == ""  # quietly: the parent reports whatever goes wrong


def test_without_a_temporary_folder_the_job_runs_here(monkeypatch):
    import tempfile

    from generator.parallel import Forked

    def nowhere():
        raise FileNotFoundError("no usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryFile", nowhere)
    here = Forked(lambda: os.getpid())
    assert here.child is None and here.result() == os.getpid()
    here.cancel()  # nothing to stop


def test_a_digest_keeps_its_parts_apart_and_its_value():
    from generator.cache import digest

    assert digest("a", "b", b"c") == "72ba7ac006a2753ff60002e323465b7fa711ba1b"
    assert digest("ab", "") != digest("a", "b") != digest("ab")


def test_pages_open_in_a_browser_are_written_before_the_others_and_the_build_equals_a_clean_one(sample_record,
                                                                                               tmp_path):
    """serve's fast render: the open pages are written first, and told; then the rest lands."""
    from generator.pipeline import FirstPages

    cache = Cache()
    out = tmp_path / "warm"
    request = BuildRequest(sample_record, out=out, pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    page = "achievements/2025-03-ci-build-time/index.html"
    listing = out / "site" / "achievements" / "index.html"
    seen: list[tuple[frozenset, bytes, bytes]] = []

    def ready(written: frozenset) -> None:
        seen.append((written, (out / "site" / page).read_bytes(), listing.read_bytes()))

    story = sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md"
    edit(story, "title: Cut CI build time", "title: Seen first, cut CI build time")
    first = FirstPages(out / "site", {page, "achievements/2025-06-multi-region-failover/index.html", "nowhere.html"},
                       ready)
    old = tree_bytes(out / "site")
    result = build(request, cache, changed={str(story)}, first=first)
    new = tree_bytes(out / "site")
    # only the open page the edit changed; written when told, the list not yet
    assert [written for written, _, _ in seen] == [frozenset({page})]
    assert b"Seen first" in seen[0][1] and b"Seen first" not in seen[0][2]
    assert b"Seen first" in listing.read_bytes()
    # the page written first is counted with the others
    assert result.outputs[0].written == sum(old.get(path) != data for path, data in new.items())
    clean = tmp_path / "clean"
    build(replace(request, out=clean), Cache())
    assert tree_bytes(out) == tree_bytes(clean)
    # and kept by the next build as any page is
    edit(story, "Seen first, ", "")
    build(request, cache, changed={str(story)}, first=FirstPages(out / "site", set(), ready))
    assert build(request, cache).unchanged
    shutil.rmtree(clean)
    build(replace(request, out=clean), Cache())
    assert tree_bytes(out) == tree_bytes(clean)


def test_a_build_that_fails_after_writing_the_open_pages_puts_them_back(sample_record, tmp_path, monkeypatch):
    from generator.pipeline import FirstPages

    cache = Cache()
    out = tmp_path / "out"
    request = BuildRequest(sample_record, out=out, pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    before = tree_bytes(out)
    written: list[frozenset] = []
    story = sample_record / ACHIEVEMENTS / "2025-03-ci-build-time.md"
    edit(story, "title: Cut CI build time", "title: Never landed")
    page = "achievements/2025-03-ci-build-time/index.html"
    new_page = "achievements/2025-09-new/index.html"
    (story.parent / "2025-09-new.md").write_text(story.read_text(encoding="utf-8").replace("Never landed", "New"),
                                                 encoding="utf-8")

    def fail(*arguments, **options):
        raise OSError(28, "No space left on device")  # the rest of the site cannot be written

    monkeypatch.setattr(generator.pipeline, "write_output", fail)
    with pytest.raises(generator.pipeline.OutputRefused):
        build(request, cache, first=FirstPages(out / "site", {page, new_page}, written.append))
    assert written == [frozenset({page, new_page})]  # they were written, then put back
    assert tree_bytes(out) == before
    monkeypatch.undo()
    build(request, cache)
    clean = tmp_path / "clean"
    build(replace(request, out=clean), Cache())
    assert tree_bytes(out) == tree_bytes(clean)


def test_the_keys_of_some_pages_are_their_keys_among_all(sample_record, tmp_path, monkeypatch):
    made: list[tuple[dict, dict]] = []
    original = generator.render.page_keys

    def page_keys(*arguments, **options):
        keys = original(*arguments, **options)
        if options.get("only") is None:
            chosen = sorted(keys)[::3]
            made.append(({path: keys[path] for path in chosen},
                         original(*arguments, **{**options, "known": None, "only": set(chosen)})))
        return keys

    monkeypatch.setattr(generator.render, "page_keys", page_keys)
    build(BuildRequest(sample_record, out=tmp_path / "out", pdf=False, dossier=False), Cache())
    assert made and all(among_all == alone for among_all, alone in made)


@pytest.fixture
def ids_taken(monkeypatch) -> list[bool]:
    """Whether each build took the last good build's ids (see validate_as_before), and a
    check that the record it made is the one checking every file across files gives."""
    import generator.validate

    taken: list[bool] = []
    original = generator.validate.validate_as_before

    def validate_as_before(root, settings, settings_source, files, before, ids):
        record = original(root, settings, settings_source, files, before, ids)
        taken.append(record is not None)
        if record is not None:
            assert record == generator.validate.validate_record(root, settings, settings_source, files)
        return record

    monkeypatch.setattr(generator.validate, "validate_as_before", validate_as_before)
    return taken


def test_a_warm_build_checks_across_files_again_only_when_an_edit_can_change_them(sample_record, tmp_path,
                                                                                  ids_taken):
    """serve's record after an edit of an entry's words keeps the last build's ids and checks
    nothing across files; the record is what checking every file gives, after every edit."""
    taken = ids_taken
    cache = Cache()
    request = BuildRequest(sample_record, out=tmp_path / "warm", pdf=False, today=dt.date(2026, 1, 15))
    build(request, cache)
    content = sample_record / "content"
    story = content / ACHIEVEMENTS.name / "2025-03-ci-build-time.md"
    steps = [  # (change, whether the last record may be taken)
        (lambda: edit(story, "title: Cut CI build time", "title: Cut the CI build time"), True),
        (lambda: edit(story, "people can watch move", "people can watch move. A new line"), True),
        (lambda: edit(story, "metric: CI build time", "metric: CI build minutes"), True),
        (lambda: edit(story, "projects: [build-platform]", "projects: [build-platform, event-backbone]"), False),
        (lambda: edit(story, "competencies: [technical-leadership,", "competencies: [system-design,"), False),
        (lambda: edit(story, "goals: [ci-under-20]", "goals: []"), False),
        (lambda: edit(story, "file: assets/ci-dashboard.svg", "file: assets/failover-drill.svg"), False),
        (lambda: edit(story, "\n---\n", "\nid: ci-build-time\n---\n"), False),
        (lambda: edit(story, "\n---\n", "\nvisibility: internal\n---\n"), False),
        (lambda: edit(content / "feedback.yaml", "quote: Priya already", "quote: Priya, already"), True),
        (lambda: edit(content / "feedback.yaml", "author: Daniel Okafor", "author: Dan Okafor"), False),
        (lambda: edit(content / "goals.yaml", "title: Run dispatch in three", "title: Run dispatch in 3"), False),
        (lambda: edit(content / "assets" / "ci-dashboard.svg", "<svg", "<svg data-edited=\"yes\""), False),
    ]
    for number, (change, may_take) in enumerate(steps):
        before = files_of(sample_record)
        change()
        after = files_of(sample_record)
        taken.clear()
        build(request, cache, changed={path for path in before.keys() | after.keys()
                                       if before.get(path) != after.get(path)})
        assert taken in ([may_take], []), f"step {number}: {taken}"
        if not may_take:
            continue
        clean = tmp_path / "clean"
        build(replace(request, out=clean), Cache())
        assert tree_bytes(tmp_path / "warm") == tree_bytes(clean), f"step {number}"
        shutil.rmtree(clean)
    # what only a check across files finds is found however little else changed
    for old, new in [("goals: []", "goals: [no-such-goal]"), ("file: assets/failover-drill.svg", "file: assets/none.svg"),
                     ("\nid: ci-build-time\n", "\nid: 2025-06-multi-region-failover\n")]:
        edit(story, old, new)
        with pytest.raises(RecordProblems):
            build(request, cache, changed={str(story)})
        edit(story, new, old)
    # a broken entry is reported however little changed, and its fix taken again
    taken.clear()
    edit(story, "date: 2025-03-14", "date: 2025-02-30")
    with pytest.raises(RecordProblems):
        build(request, cache, changed={str(story)})
    assert taken == [False]
    edit(story, "date: 2025-02-30", "date: 2025-03-15")
    taken.clear()
    build(request, cache, changed={str(story)})
    assert taken == [True]


def test_a_new_process_gives_out_the_last_builds_ids_when_an_edit_cannot_change_them(sample_record, tmp_path,
                                                                                    ids_taken):
    """Each build here is a new process's (its cache read from disk): after an edit of an
    entry's words the ids are the last good build's and no reference is checked again; the
    record is what checking every file gives, and a wrong reference is still found."""
    taken = ids_taken
    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False, today=dt.date(2026, 1, 15))

    def build_anew() -> None:
        taken.clear()
        build(request, Cache.for_record(sample_record), save=True)

    build_anew()
    assert taken == []  # nothing to take ids from yet
    content = sample_record / "content"
    story = content / ACHIEVEMENTS.name / "2025-03-ci-build-time.md"
    for change, may_take in [
        (lambda: edit(story, "title: Cut CI build time", "title: Cut the CI build time"), True),
        (lambda: edit(story, "metric: CI build time", "metric: CI build minutes"), True),
        (lambda: edit(content / "feedback.yaml", "quote: Priya already", "quote: Priya, already"), True),
        (lambda: edit(story, "projects: [build-platform]", "projects: [build-platform, event-backbone]"), False),
        (lambda: edit(story, "\n---\n", "\nid: ci-build-time\n---\n"), False),
        (lambda: edit(content / "feedback.yaml", "author: Daniel Okafor", "author: Dan Okafor"), False),
        (lambda: edit(content / "assets" / "ci-dashboard.svg", "<svg", "<svg data-edited=\"yes\""), None),
        (lambda: edit(sample_record / "careerfolio.yaml", "\n", "\ntitle: Another title\n"), None),
        (lambda: shutil.copy(story.with_name("2025-06-multi-region-failover.md"), story.with_name("2025-09-copy.md")),
         None),
    ]:
        change()
        build_anew()
        assert taken == ([] if may_take is None else [may_take]), change
        clean = tmp_path / "clean"
        build(replace(request, out=clean), Cache())
        assert tree_bytes(tmp_path / "out") == tree_bytes(clean)
        shutil.rmtree(clean)
    edit(story, "goals: [ci-under-20]", "goals: [no-such-goal]")
    with pytest.raises(RecordProblems):
        build_anew()
    edit(story, "goals: [no-such-goal]", "goals: [ci-under-20]")
    edit(story, "Cut the CI build time", "Cut CI build time")
    build_anew()
    assert taken == [True]


def pids_of(part: list[int]) -> dict[int, tuple[int, int]]:
    """Each number, squared, with the process that squared it."""
    return {number: (number * number, os.getpid()) for number in part}


def test_work_shared_out_with_a_child_is_the_work_done_here():
    """Both processes take parts in turns, and every part's result comes back once."""
    import time

    from generator.parallel import share_out

    def slowly(part: list[int]) -> dict:
        time.sleep(0.002)  # parts long enough for the child to take some
        return pids_of(part)

    shared = share_out(list(range(1000)), slowly, 7)
    assert {number: square for number, (square, _) in shared.items()} == {n: n * n for n in range(1000)}
    assert {pid for _, pid in shared.values()} - {os.getpid()}  # the child did some of it


def test_parts_a_child_failed_on_are_done_here_and_so_fail_as_without_a_child(tmp_path, capfd):
    import time

    from generator.parallel import share_out

    parent = os.getpid()

    def failing_there(part: list[int]) -> dict:
        time.sleep(0.002)
        if os.getpid() != parent:
            (tmp_path / "failed in the child").write_text(str(part))
            raise ValueError("lost in the child")
        return pids_of(part)

    shared = share_out(list(range(1000)), failing_there, 10)
    assert (tmp_path / "failed in the child").exists()
    assert sorted(shared) == list(range(1000))
    assert {pid for _, pid in shared.values()} == {parent}
    assert capfd.readouterr().err == ""  # quietly: the parent reports whatever goes wrong

    def failing(part: list[int]) -> dict:
        if 500 in part:
            raise ValueError("item 500")
        return pids_of(part)

    with pytest.raises(ValueError, match="item 500"):
        share_out(list(range(1000)), failing, 10)


def test_more_parts_than_turns_are_made_larger():
    from generator.parallel import Turns, share_out

    count = Turns.MOST * 3 + 1
    assert sorted(share_out(list(range(count)), pids_of, 1)) == list(range(count))


def test_without_a_temporary_folder_work_shared_out_is_done_here(monkeypatch):
    import tempfile

    from generator.parallel import share_out

    def nowhere():
        raise FileNotFoundError("no usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryFile", nowhere)
    assert {pid for _, pid in share_out(list(range(100)), pids_of, 3).values()} == {os.getpid()}
