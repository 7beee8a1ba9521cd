"""Publishing: what pages tell link previews and crawlers."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli, write_record

from generator.cache import Cache
from generator.case import CaseOptions, build_case
from generator.pipeline import Timings, build_date, read


def case_of(root: Path, audience: str = "public"):
    """The case a build of `root` for `audience` shows."""
    record = read(root.resolve(), Cache(), Timings()).record
    return build_case(record, CaseOptions(today=build_date(), audience=audience))


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


# What pages tell previews and crawlers

def test_every_page_tells_previews_its_type(built_sample):
    expected = {"index.html": "profile", "achievements/2025-03-ci-build-time/index.html": "article",
                "projects/build-platform/index.html": "article", "achievements/index.html": "website",
                "tags/ci/index.html": "website", "competencies/index.html": "website"}
    for page, kind in expected.items():
        head = head_of(built_sample, page)
        assert head.meta["og:type"] == kind, page
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
