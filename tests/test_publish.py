"""Publishing: the social card, what pages tell previews and crawlers, and the GitHub Pages workflow."""

import io
import json
import os
import re
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, run_cli, write_record

from generator.cache import Cache
from generator.card import CARD_PATH, HEIGHT, WIDTH, make_card
from generator.case import CaseOptions, build_case, site_purpose
from generator.pipeline import Timings, build_date, read
from generator.render import static_files
from generator.themes import resolve_theme


def case_of(root: Path, audience: str = "public"):
    """The case a build of `root` for `audience` shows."""
    record = read(root.resolve(), Cache(), Timings()).record
    return build_case(record, CaseOptions(today=build_date(), audience=audience,
                                          purpose=site_purpose(record.settings.purpose, audience)))


def card_of(root: Path, audience: str = "public"):
    return make_card(case_of(root, audience), static_files(resolve_theme("default", root)))


def png_chunks(data: bytes) -> list[str]:
    """The chunk types of a PNG, in order."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.append(kind.decode("ascii"))
        offset += 12 + length
    return chunks


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page's head."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attributes):
        values = dict(attributes)
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")
        elif tag == "link":
            self.links[values.get("rel", "")] = values.get("href", "")
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False if tag == "script" else self._in_json_ld

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)


def head_of(site: Path, page: str) -> Head:
    return Head((site / page).read_text(encoding="utf-8"))


@pytest.fixture
def built_sample(sample_record) -> Path:
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 0, result.stderr
    return sample_record / "output" / "site"


# The social card

def test_the_card_is_a_1200_by_630_png_of_the_name_headline_top_numbers_and_target(built_sample, sample_record):
    from PIL import Image

    data = (built_sample / CARD_PATH).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    card = card_of(sample_record)
    assert card.png == data
    # the public site is a portfolio: the role, not the promotion asked for
    assert card.texts == (
        "Priya Raman",
        "Senior Software Engineer, Platform — I make shipping software", "boring, fast and safe.",
        "$120k/year", "Cost savings", "6,100 h/year", "Engineering time saved", "−91 min", "Failover time",
        "Senior Software Engineer (L5)", "priya-raman.example.com")
    assert card_of(sample_record, "internal").texts[0] == "PROMOTION CASE"
    assert "Senior Software Engineer (L5) → Staff Engineer (L6)" in card_of(sample_record, "internal").texts


def test_the_card_is_the_same_bytes_for_the_same_record_with_no_time_or_metadata(sample_record, tmp_path):
    for folder in ("one", "two"):
        assert run_cli("build", "--no-pdf", "--no-cache", "-C", sample_record, "--out", tmp_path / folder).status == 0
    first = (tmp_path / "one" / "site" / CARD_PATH).read_bytes()
    assert first == (tmp_path / "two" / "site" / CARD_PATH).read_bytes()
    assert set(png_chunks(first)) == {"IHDR", "IDAT", "IEND"}


def test_text_too_long_for_the_card_is_shortened_never_drawn_past_its_edge(tmp_path):
    from PIL import Image

    name = "Maximiliana Alexandrina Konstantinopoulou-Vandenberghe de la Fuente y Salvatierra Montenegro"
    headline = "Principal Distinguished Infrastructure Reliability Architect " * 6
    root = write_record(tmp_path, {
        "careerfolio.yaml": "base_url: https://example.org/a/rather/long/path/to/the/site/\n",
        "content/profile.yaml": f"name: {name}\nheadline: {headline}\n"
                                "target: {title: Staff Engineer of Everything That Keeps the Lights On, level: L6}\n",
        "content/achievements/a.md": "---\ntitle: A\ndate: 2025-03-01\nimpact:\n"
                                     "  - {metric: Incidents avoided across every region of the company in a year, "
                                     "value: 123456789, unit: USD, per: year}\n---\nStory.\n",
    })
    card = card_of(root, "internal")  # the promotion case's card: the target is drawn
    assert card.texts[0] == "PROMOTION CASE"
    assert card.texts[1] == "Maximiliana Alexandrina"  # the name takes two lines...
    assert card.texts[2].endswith("…") and card.texts[2].startswith("Konstantinopoulou")  # ...and no more
    assert card.texts[3].startswith("Principal") and card.texts[3].endswith("…")  # the headline gives a line up
    assert "$123.5M/year" in card.texts
    assert any(text.startswith("Incidents") and text.endswith("…") for text in card.texts)
    assert "Target: Staff Engineer of Everything That Keeps the Lights On (L6)" in card.texts  # the target stays whole
    with Image.open(io.BytesIO(card.png)) as image:
        paper = image.getpixel((600, 20))
        right_margin = image.crop((WIDTH - 79, 0, WIDTH, HEIGHT - 96))
        assert right_margin.getcolors(WIDTH * HEIGHT) == [(79 * (HEIGHT - 96), paper)]  # nothing drawn there


def test_a_name_in_greek_or_cyrillic_is_drawn_and_a_character_no_font_has_is_left_out(tmp_path):
    from generator.fonts import system_coverage

    root = write_record(tmp_path, {
        "careerfolio.yaml": "base_url: https://example.org/\n",
        "content/profile.yaml": "name: Αλέξανδρος Кузнецова\nheadline: \"Zoë\u0378 — инженер\"\n"
                                "role: {title: \"מהנדסת\"}\n",
    })
    card = card_of(root)
    assert card.texts[:2] == ("Αλέξανδρος Кузнецова", "Zoë — инженер")  # U+0378 is no character at all
    if ord("מ") in system_coverage():  # Inter has no Hebrew: a font of this machine draws it
        assert card.texts[-2] == "מהנדסת"


def test_the_card_is_drawn_again_only_when_what_it_shows_changes(sample_record, monkeypatch):
    import generator.card

    drawn = []
    real = generator.card.draw_card
    monkeypatch.setattr(generator.card, "draw_card", lambda plan: drawn.append(plan) or real(plan))
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert len(drawn) == 1
    story = sample_record / "content" / "achievements" / "2025-03-ci-build-time.md"
    story.write_text(story.read_text(encoding="utf-8").replace("people can watch move", "people can watch move. "
                                                               "Another sentence."), encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert len(drawn) == 1  # a story is not on the card
    story.write_text(story.read_text(encoding="utf-8").replace("value: 120000", "value: 130000"), encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert len(drawn) == 2
    assert "$130k/year" in real(drawn[-1]).texts


def test_without_base_url_there_is_no_card_and_no_image_for_previews(sample_record):
    settings = sample_record / "careerfolio.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("base_url:", "# base_url:"), encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    site = sample_record / "output" / "site"
    assert not (site / CARD_PATH).exists()
    head = head_of(site, "index.html")
    assert "og:image" not in head.meta and head.meta["twitter:card"] == "summary"


def test_neither_the_cli_nor_a_build_without_a_card_imports_pillow(tmp_path):
    write_record(tmp_path, {"content/profile.yaml": "name: Ana\n"})
    code = ("import sys; from generator.cli import main; started = 'PIL' in sys.modules; "
            f"main(['build', '--no-pdf', '-C', {str(tmp_path)!r}]); sys.exit(started or 'PIL' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 0, result.stderr


# What pages tell previews and crawlers

def test_every_page_tells_previews_its_type_and_shows_the_png_card(built_sample):
    expected = {"index.html": "profile", "achievements/2025-03-ci-build-time/index.html": "article",
                "projects/build-platform/index.html": "article", "achievements/index.html": "website",
                "tags/ci/index.html": "website", "competencies/index.html": "website"}
    for page, kind in expected.items():
        head = head_of(built_sample, page)
        assert head.meta["og:type"] == kind, page
        assert head.meta["og:image"] == "https://priya-raman.example.com/social-card.png"
        assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
        assert head.meta["og:image:type"] == "image/png"
        assert head.meta["og:image:alt"].startswith("Card of Priya Raman. Senior Software Engineer, Platform")
        assert "Senior Software Engineer (L5)." in head.meta["og:image:alt"]
        assert "Staff Engineer (L6)" not in head.meta["og:image:alt"]  # a portfolio asks for nothing
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.meta["og:url"] == head.links["canonical"]


def test_each_tag_page_describes_itself(built_sample):
    descriptions = {page.parent.name: head_of(built_sample, page.relative_to(built_sample).as_posix())
                    .meta["description"] for page in sorted((built_sample / "tags").glob("*/index.html"))}
    assert len(descriptions) > 3 and len(set(descriptions.values())) == len(descriptions)
    assert descriptions["ci"] == "1 achievement tagged “ci”: Cut CI build time by 63% for 14 product teams"
    assert re.fullmatch(r"3 achievements tagged “platform”: [^;]+; [^;]+; [^;]+", descriptions["platform"])


def test_the_404_page_is_not_indexed_and_names_no_address_of_its_own(built_sample):
    head = head_of(built_sample, "404.html")
    assert head.meta["robots"] == "noindex"
    assert "canonical" not in head.links and "og:url" not in head.meta


def test_robots_txt_allows_everything_and_points_at_the_sitemap_when_there_is_one(built_sample, tmp_path):
    assert (built_sample / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nAllow: /\nSitemap: https://priya-raman.example.com/sitemap.xml\n")
    write_record(tmp_path, {"content/profile.yaml": "name: Ana\n"})
    assert run_cli("build", "--no-pdf", "-C", tmp_path).status == 0
    assert (tmp_path / "output" / "site" / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"


def test_the_person_data_has_no_empty_values_and_claims_only_what_evidence_shows(built_sample, sample_record):
    (text,) = head_of(built_sample, "index.html").json_ld
    person = json.loads(text)
    assert person["@type"] == "Person" and person["url"] == "https://priya-raman.example.com/"
    assert person["image"] == "https://priya-raman.example.com/assets/priya.svg"
    assert all(value not in ("", [], None) for value in person.values())
    shown = {competency.name for competency in case_of(sample_record).competencies if competency.achievements}
    assert person["knowsAbout"] and set(person["knowsAbout"]) <= shown
    assert "Engineering strategy" not in person["knowsAbout"]  # shown only by an internal achievement


def test_without_base_url_or_photo_the_person_data_leaves_url_and_image_out(tmp_path):
    write_record(tmp_path, {"content/profile.yaml": "name: Ana\n",
                            "content/competencies.yaml": "competencies: [{id: c, name: Craft}]\n"})
    assert run_cli("build", "--no-pdf", "-C", tmp_path).status == 0
    (text,) = head_of(tmp_path / "output" / "site", "index.html").json_ld
    assert json.loads(text) == {"@context": "https://schema.org", "@type": "Person", "name": "Ana"}


def test_base_url_given_to_build_stands_for_the_settings(tmp_path):
    write_record(tmp_path, {"careerfolio.yaml": "base_url: https://old.example.com/\n",
                            "content/profile.yaml": "name: Ana\n"})
    result = run_cli("build", "--no-pdf", "-C", tmp_path, "--base-url", "https://ana.github.io/career/")
    assert result.status == 0, result.stderr
    site = tmp_path / "output" / "site"
    assert head_of(site, "index.html").links["canonical"] == "https://ana.github.io/career/"
    assert head_of(site, "index.html").meta["og:image"] == "https://ana.github.io/career/social-card.png"
    assert (site / CARD_PATH).is_file() and (site / "sitemap.xml").is_file()
    assert not [page for page in site.rglob("*.*") if b"old.example.com" in page.read_bytes()]
    assert run_cli("build", "--no-pdf", "-C", tmp_path, "--base-url", "ana.github.io/career").status == 2


# GitHub Pages

def workflow_of(root: Path) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / "careerfolio.yml").read_text(encoding="utf-8"))


def test_init_github_pages_writes_a_workflow_that_builds_and_publishes_the_public_site(tmp_path):
    result = run_cli("init", tmp_path / "mine", "--github-pages")
    assert result.status == 0, result.stderr
    assert "Settings → Pages" in result.stdout
    workflow = workflow_of(tmp_path / "mine")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    assert re.fullmatch(r"careerfolio\[fast\](==[\w.]+| @ git\+https://\S+@[0-9a-f]+)",
                        workflow["env"]["CAREERFOLIO_SPEC"])
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses[:3] == ["actions/checkout", "actions/setup-python", "actions/configure-pages"]
    assert uses[-1] == "actions/upload-pages-artifact" and build["steps"][-1]["with"]["path"] == "output/site"
    assert any('pip install "$CAREERFOLIO_SPEC"' in step.get("run", "") for step in build["steps"])
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def test_the_workflows_build_step_builds_the_public_site_for_the_pages_address(tmp_path):
    import conftest

    root = tmp_path / "mine"
    assert run_cli("init", root, "--github-pages").status == 0
    if hasattr(conftest, "replace_placeholders"):
        conftest.replace_placeholders(root)
    (step,) = [step for step in workflow_of(root)["jobs"]["build"]["steps"] if "careerfolio build" in step.get("run", "")]
    # what the runner does: expressions filled in, then the step's shell with its env
    pages_address = "https://someone.github.io/mine"
    env = {name: value.replace("${{ steps.pages.outputs.base_url }}", pages_address)
           for name, value in step.get("env", {}).items()}
    assert not any("${{" in value for value in env.values()) and "${{" not in step["run"]
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    command = bin_folder / "careerfolio"  # as `pip install` puts it on the PATH
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, capture_output=True, text=True, check=False,
                            env={**os.environ, **env, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
                                 "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 0, result.stderr
    site = root / "output" / "site"
    assert (site / "index.html").is_file() and (site / CARD_PATH).is_file()
    assert head_of(site, "index.html").links["canonical"] == pages_address + "/"
    assert not (root / "output" / "dossier" / "dossier.pdf").exists()
    assert "audience public" in result.stdout


def test_init_github_pages_in_a_record_adds_only_the_workflow_and_never_overwrites(sample_record):
    before = {path: path.read_bytes() for path in sample_record.rglob("*") if path.is_file()}
    result = run_cli("init", sample_record, "--github-pages")
    assert result.status == 0, result.stderr
    after = {path: path.read_bytes() for path in sample_record.rglob("*") if path.is_file()}
    assert set(after) - set(before) == {sample_record / ".github" / "workflows" / "careerfolio.yml"}
    assert all(after[path] == data for path, data in before.items())
    again = run_cli("init", sample_record, "--github-pages")
    assert again.status == 1 and "never overwrites" in again.stderr
