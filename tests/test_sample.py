"""The sample record is the showcase: it checks clean and shows every part of the case."""

import re

from conftest import PROJECT, run_cli


def test_the_sample_record_checks_without_problems():
    result = run_cli("check", "-C", PROJECT)
    assert result.status == 0, result.stdout
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("0 errors, ") and "entries and the profile checked" in summary


def test_the_sample_site_argues_the_case(sample_record):
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 0, result.stderr
    assert "left out: 5 internal, 2 private, 1 draft" in result.stdout
    home = (sample_record / "output" / "site" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", home)
    assert "The ask" in text and "Staff Engineer (L6)" in text
    assert "$120k/year" in text  # the headline total of cost savings, public entries only
    assert "6 of 7 competencies shown" in text
    assert "Engineering strategy" in text and 'class="badge gap"' in home
    site = sample_record / "output" / "site"
    assert (site / "sitemap.xml").read_text(encoding="utf-8").count("<loc>https://priya-raman.example.com/") > 20
    assert (site / "assets" / "ci-dashboard.svg").is_file()
    assert (site / "assets" / "failover-drill.svg").is_file()  # evidence of a public achievement
