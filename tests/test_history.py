"""The record's history in git: `diff`, the dossier's "Since the last review", `show_updated`."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import AXE_OPTIONS, run_cli, tree_bytes, write_record

BEFORE = {
    "careerfolio.yaml": """
        base_url: https://example.com/
        """,
    "content/profile.yaml": """
        name: Ana Lima
        target: {title: Staff Engineer}
        """,
    "content/competencies.yaml": """
        level: L6
        competencies:
          - {id: design, name: System design}
          - {id: leadership, name: Technical leadership}
        """,
    "content/achievements/cache.md": """
        ---
        title: Cut cache misses
        date: 2025-02-10
        competencies: [design]
        impact:
          - {metric: Cache misses, before: 40, after: 10, unit: "%"}
        ---
        Story.
        """,
    "content/achievements/old-thing.md": """
        ---
        title: An old thing
        date: 2024-05-01
        ---
        """,
    "content/achievements/hidden.md": """
        ---
        title: CANARY-PRIVATE-BEFORE
        date: 2025-01-01
        visibility: private
        ---
        """,
    "content/goals.yaml": """
        - {id: regions, title: Run in three regions, status: in-progress, progress: 30}
        - {id: talk, title: Give a conference talk, status: planned}
        """,
    "content/certifications.yaml": """
        - {name: Cloud Architect, issuer: Cloudco, earned: 2023-01-01, expires: 2027-01-01}
        """,
    "content/feedback.yaml": """
        - {quote: Solid work., author: Bo Chen, relation: peer, date: 2025-03-01}
        """,
}

AFTER = {
    "content/achievements/cache.md": """
        ---
        title: Cut cache misses by three quarters
        date: 2025-02-10
        competencies: [design]
        impact:
          - {metric: Cache misses, before: 40, after: 8, unit: "%"}
          - {metric: Cost savings, value: 12000, unit: USD, per: year}
        ---
        Story.
        """,
    "content/achievements/failover.md": """
        ---
        title: Built regional failover
        date: 2026-01-05
        competencies: [leadership, design]
        ---
        """,
    "content/achievements/secret.md": """
        ---
        title: CANARY-INTERNAL-AFTER
        date: 2026-01-06
        visibility: internal
        ---
        """,
    "content/goals.yaml": """
        - {id: regions, title: Run in three regions, status: done, progress: 100}
        - {id: talk, title: Give a conference talk, status: planned}
        - {id: mentor, title: Mentor two engineers, status: in-progress, progress: 50}
        """,
    "content/certifications.yaml": """
        - {name: Cloud Architect, issuer: Cloudco, earned: 2023-01-01, expires: 2025-12-01}
        - {name: Kubernetes Admin, issuer: CNCF, earned: 2025-11-01}
        """,
    "content/feedback.yaml": """
        - {quote: Solid work., author: Bo Chen, relation: peer, date: 2025-03-01}
        - {quote: Operates at staff level., author: Dee Park, role: Director, relation: manager, date: 2026-01-10}
        """,
}


def git(folder, *arguments, date="2025-06-01T12:00:00+00:00"):
    environment = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                   "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(folder), "PATH": os.environ["PATH"],
                   "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, text=True,
                          env=environment).stdout


@pytest.fixture
def history(tmp_path):
    """A record committed and tagged as at the last review, then changed in the work tree."""
    root = write_record(tmp_path / "record", BEFORE)
    (root / ".gitignore").write_text("output/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "the record at the last review")
    git(root, "tag", "review-2025")
    (root / "content/achievements/old-thing.md").unlink()
    write_record(root, AFTER)
    return root


def test_diff_says_what_changed_since_a_revision(history):
    result = run_cli("diff", "-C", history, "review-2025")
    assert result.status == 0, result.stderr
    text = result.stdout
    assert text.startswith("changes from review-2025 to the work tree\n")
    assert "Achievements added (2):\n  CANARY-INTERNAL-AFTER (2026-01-06)\n  Built regional failover (2026-01-05)" in text
    assert "Achievements removed (1):\n  An old thing (2024-05-01)" in text
    assert ("Cut cache misses by three quarters: title: Cut cache misses → Cut cache misses by three quarters; "
            "Cache misses: was 40% → 10% (−30 pp), now 40% → 8% (−32 pp); Cost savings: $12,000 per year (new)") in text
    assert "Run in three regions: status: in-progress → done; progress: 30% → 100%" in text
    assert "Mentor two engineers: new, in progress" in text
    assert "Give a conference talk" not in text  # unchanged
    assert "Certifications added (1):\n  Kubernetes Admin (CNCF)" in text
    assert "Certifications expired (1):\n  Cloud Architect (expired 2025-12-01)" in text
    assert "Technical leadership: gap → thin (0 → 1 achievements)" in text
    assert "System design: shown, 2 → 2" not in text
    assert "Feedback received (1):\n  Dee Park, Director (2026-01-10)" in text
    # internal entries are in the default (internal) view, private ones never
    assert "CANARY-INTERNAL-AFTER" in text and "CANARY-PRIVATE" not in text


def test_diff_of_the_public_view_leaves_hidden_entries_out(history):
    for form in ("text", "md", "json"):
        result = run_cli("diff", "-C", history, "review-2025", "--audience", "public", "--format", form)
        assert result.status == 0, result.stderr
        assert "CANARY" not in result.stdout


def test_diff_as_json_and_markdown(history):
    document = json.loads(run_cli("diff", "-C", history, "review-2025", "--format", "json").stdout)
    assert document["before"] == "review-2025" and document["after"] == "the work tree"
    assert [a["id"] for a in document["achievements"]["added"]] == ["secret", "failover"]
    assert [a["id"] for a in document["achievements"]["removed"]] == ["old-thing"]
    changed = document["achievements"]["changed"][0]
    assert changed["id"] == "cache"
    assert {"what": "Cache misses", "before": "40% → 10% (−30 pp)", "after": "40% → 8% (−32 pp)"} in changed["moves"]
    assert sorted((g["id"], g["new"]) for g in document["goals"]) == [("mentor", True), ("regions", False)]
    assert document["certifications"]["expired"] == [{"id": "cloud-architect", "name": "Cloud Architect",
                                                      "expires": "2025-12-01"}]
    assert document["feedback"][0]["author"] == "Dee Park"
    markdown = run_cli("diff", "-C", history, "review-2025", "--format", "md").stdout
    assert markdown.startswith("## Since review-2025\n")
    assert "### Achievements added\n\n- CANARY-INTERNAL-AFTER (2026-01-06)\n- Built regional failover (2026-01-05)\n" in markdown


def test_diff_between_two_revisions_and_nothing_changed(history):
    git(history, "add", "-A")
    git(history, "commit", "-qm", "after the review")
    assert run_cli("diff", "-C", history, "review-2025", "HEAD").stdout == \
        run_cli("diff", "-C", history, "review-2025").stdout.replace("the work tree", "HEAD")
    same = run_cli("diff", "-C", history, "HEAD")
    assert same.status == 0 and same.stdout == "changes from HEAD to the work tree\n  nothing changed\n"


def test_diff_never_touches_the_work_tree_or_the_index(history):
    index = (history / ".git" / "index").read_bytes()
    status = git(history, "status", "--porcelain")
    files = tree_bytes(history / "content")
    assert run_cli("diff", "-C", history, "review-2025").status == 0
    assert (history / ".git" / "index").read_bytes() == index
    assert git(history, "status", "--porcelain") == status
    assert tree_bytes(history / "content") == files


def test_diff_outside_git_or_with_a_bad_revision_is_a_clear_error(history, tmp_path):
    bad = run_cli("diff", "-C", history, "review-2024")
    assert bad.status == 1
    assert bad.stderr == ("careerfolio: there is no revision 'review-2024' in this repository — name a tag, a "
                          "branch or a commit (`git tag --list`, `git log --oneline`)\n")
    option = run_cli("diff", "-C", history, "--", "--output=elsewhere")
    assert option.status == 1 and "is not a revision" in option.stderr
    outside = write_record(tmp_path / "loose", {"content/profile.yaml": "name: Ana\n"})
    result = run_cli("diff", "-C", outside, "HEAD")
    assert result.status == 1 and "is not in a git repository — run `git init`" in result.stderr
    assert "Traceback" not in result.stderr + bad.stderr


def test_a_broken_record_at_the_revision_is_reported_at_rev_and_path(history):
    (history / "content/goals.yaml").write_text("- {id: x, title: X, status: someday}\n", encoding="utf-8")
    git(history, "add", "-A")
    git(history, "commit", "-qm", "broken")
    write_record(history, AFTER)
    result = run_cli("diff", "-C", history, "HEAD")
    assert result.status == 1
    assert result.stderr.startswith("HEAD:content/goals.yaml:1:")


def test_the_dossier_tells_what_changed_since_the_last_review(history):
    settings = history / "careerfolio.yaml"
    settings.write_text("base_url: https://example.com/\ndossier:\n  since: review-2025\n", encoding="utf-8")
    result = run_cli("build", "-C", history, "--no-pdf")
    assert result.status == 0, result.stderr
    html = (history / "output/dossier/dossier.html").read_text(encoding="utf-8")
    chapter = html.split('<section id="since"', 1)[1].split("</section>", 1)[0]
    assert '<a href="#since">Since the last review</a>' in html
    assert "since <strong>review-2025</strong>" in chapter
    assert '<a href="#a-failover">Built regional failover</a>' in chapter
    assert "Cache misses: was 40% → 10% (−30 pp), now 40% → 8% (−32 pp)" in chapter
    assert '<a href="#g-regions">Run in three regions</a>: status: in-progress → done' in chapter
    assert "Expired: Cloud Architect" in chapter
    assert "Dee Park" in chapter and "CANARY-PRIVATE" not in html
    # the public site has no such chapter and no trace of it
    assert "review-2025" not in (history / "output/site/index.html").read_text(encoding="utf-8")


def test_a_revision_git_does_not_know_is_located_in_the_settings(history):
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    before = tree_bytes(history / "output")
    (history / "careerfolio.yaml").write_text("dossier:\n  paper: A4\n  since: review-1999\n", encoding="utf-8")
    result = run_cli("build", "-C", history, "--no-pdf")
    assert result.status == 1
    assert "/record/careerfolio.yaml:3:10: there is no revision 'review-1999' in this repository — " in result.stderr
    assert tree_bytes(history / "output") == before
    # the site alone does not need the revision
    assert run_cli("serve", "--help").status == 0


def test_a_moved_tag_makes_the_next_build_tell_the_new_changes(history):
    (history / "careerfolio.yaml").write_text("dossier:\n  since: review-2025\n", encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    assert "nothing changed" in run_cli("build", "-C", history, "--no-pdf").stdout
    git(history, "add", "-A")
    git(history, "commit", "-qm", "reviewed again")
    git(history, "tag", "-f", "review-2025")
    assert "nothing changed" not in run_cli("build", "-C", history, "--no-pdf").stdout
    html = (history / "output/dossier/dossier.html").read_text(encoding="utf-8")
    assert "Nothing has changed since then." in html


def test_show_updated_dates_pages_and_the_sitemap_from_git(history):
    git(history, "add", "-A")
    git(history, "commit", "-qm", "failover", date="2026-02-03T09:00:00+00:00")
    (history / "careerfolio.yaml").write_text("base_url: https://example.com/\nshow_updated: true\n",
                                              encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    site = history / "output/site"
    page = (site / "achievements/failover/index.html").read_text(encoding="utf-8")
    assert 'updated <time datetime="2026-02-03">3 Feb 2026</time>' in page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.com/achievements/failover/</loc><lastmod>2026-02-03</lastmod>" in sitemap
    assert "<loc>https://example.com/</loc><lastmod>2026-02-03</lastmod>" in sitemap

    # without show_updated: no date on the page, and the sitemap uses each entry's own date
    (history / "careerfolio.yaml").write_text("base_url: https://example.com/\n", encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    page = (site / "achievements/failover/index.html").read_text(encoding="utf-8")
    assert "updated" not in page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.com/achievements/failover/</loc><lastmod>2026-01-05</lastmod>" in sitemap
    assert "<loc>https://example.com/</loc><lastmod>2026-01-05</lastmod>" in sitemap
    assert "2026-01-15" not in sitemap  # never the build date


@pytest.fixture
def git_calls(monkeypatch) -> list[str]:
    """The git subcommands careerfolio runs, in order; the dossier is made in this process,
    where they are seen (beside the site, a forked process runs its own)."""
    import generator.history
    import generator.pipeline

    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 10**9)

    calls: list[str] = []
    real = generator.history.run_git
    monkeypatch.setattr(generator.history, "run_git", lambda root, *arguments, **options: (
        calls.append(arguments[0]), real(root, *arguments, **options))[1])
    return calls


def test_show_updated_reads_git_once_for_the_whole_record(history, git_calls):
    calls = git_calls
    (history / "careerfolio.yaml").write_text("show_updated: true\n", encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    assert calls.count("log") == 1


def test_show_updated_outside_git_still_builds(tmp_path):
    root = write_record(tmp_path / "loose", {**BEFORE, "careerfolio.yaml": "show_updated: true\n"})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 0, result.stderr
    assert "updated" not in (root / "output/site/achievements/cache/index.html").read_text(encoding="utf-8")
    assert '<dd class="stamp">not in git</dd>' in (root / "output/dossier/dossier.html").read_text(encoding="utf-8")


def test_the_last_reviews_record_is_read_from_git_once(history, git_calls):
    calls = git_calls
    (history / "careerfolio.yaml").write_text("dossier:\n  since: review-2025\n", encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    assert calls.count("cat-file") == 1
    write_record(history, {"content/achievements/another.md": "---\ntitle: Another\ndate: 2026-01-09\n---\n"})
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    assert calls.count("cat-file") == 1  # the revision's files were kept from the first build
    html = (history / "output/dossier/dossier.html").read_text(encoding="utf-8")
    assert '<a href="#a-another">Another</a>' in html.split('<section id="since"', 1)[1]


@pytest.mark.browser
def test_the_since_chapter_passes_axe(history, browser):
    from axe_playwright_python.sync_playwright import Axe

    (history / "careerfolio.yaml").write_text("dossier:\n  since: review-2025\n", encoding="utf-8")
    assert run_cli("build", "-C", history, "--no-pdf").status == 0
    context = browser.new_context()
    page = context.new_page()
    page.goto((history / "output/dossier/dossier.html").as_uri())
    assert page.locator("#since h3").count() == 6  # all but removed achievements, which diff alone lists
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]]
    assert violations == []
    context.close()


def test_the_commit_is_read_beside_the_build_and_git_never_outlives_it(history):
    from generator.history import StampReading

    reading = StampReading(history)
    processes = list(reading.processes)
    assert len(processes) == 2  # both commands under way at once
    stamp = reading.result()
    assert stamp.commit == git(history, "rev-parse", "--short", "HEAD").strip() and stamp.dirty
    assert all(process.returncode is not None for process in processes)
    abandoned = StampReading(history)  # a build that stopped before it needed the commit
    processes = list(abandoned.processes)
    abandoned.close()
    assert all(process.returncode is not None for process in processes) and not abandoned.processes
    missing = StampReading(history / "no-such-folder")
    assert missing.result().describe() == "not in git"
