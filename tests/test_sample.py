"""The sample record is the showcase: it checks clean and shows every part of the case."""

import re

from conftest import PROJECT, run_cli


def test_the_sample_record_checks_without_problems():
    result = run_cli("check", "-C", PROJECT)
    assert result.status == 0, result.stdout
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("0 errors, ") and "entries and the profile checked" in summary


def test_the_public_sample_site_is_a_portfolio_and_the_internal_one_argues_the_case(sample_record):
    result = run_cli("build", "--no-pdf", "-C", sample_record)
    assert result.status == 0, result.stderr
    assert "left out: 5 internal, 2 private, 1 draft, 4 goals (a portfolio shows no plan)" in result.stdout
    home = (sample_record / "output" / "site" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", home)
    assert "Skills, with the work that shows them" in text and "Senior Software Engineer" in text
    assert "$120k/year" in text  # the headline total of cost savings, public entries only
    assert "Engineering strategy" not in text  # a competency with no public achievement is no skill to show
    site = sample_record / "output" / "site"
    assert (site / "sitemap.xml").read_text(encoding="utf-8").count("<loc>https://priya-raman.example.com/") > 20
    assert (site / "assets" / "ci-dashboard.svg").is_file()
    assert (site / "assets" / "failover-drill.svg").is_file()  # evidence of a public achievement
    assert not (site / "goals").exists()

    result = run_cli("build", "--no-pdf", "-C", sample_record, "--audience", "internal")
    assert result.status == 0, result.stderr
    home = (sample_record / "output" / "site" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", home)
    assert "Promotion case" in text and "The ask" in text and "Staff Engineer (L6)" in text
    assert "7 of 7 competencies shown" in text or "of 7 competencies shown" in text
    assert (site / "goals" / "index.html").is_file()


# What only a promotion case says: the ask, the target, gaps, the plan.
PROMOTION_WORDING = ("Promotion case", "The ask", "Asking for", "badge gap", "Gap", "a gap", "The plan", "Goals and plan",
                     "target level", "evidence matrix", "Target:", "ladder", "Staff Engineer (L6)", "asking to be promoted")


def test_a_portfolio_holds_no_promotion_wording_on_any_page(sample_record):
    """Every page and file of a portfolio build, for every variant that is one, and the default."""
    for arguments in ((), ("--variant", "platform-jobs")):
        result = run_cli("build", "--no-pdf", "-C", sample_record, *arguments)
        assert result.status == 0, result.stderr
        site = sample_record / "output" / (arguments[1] if arguments else "") / "site"
        for path in site.rglob("*"):
            if path.suffix in (".html", ".xml", ".json", ".txt"):
                text = path.read_text(encoding="utf-8")
                found = [words for words in PROMOTION_WORDING if words in text]
                assert found == [], (path.relative_to(site), found)


def test_purpose_is_chosen_in_the_settings_and_per_variant(sample_record):
    settings = sample_record / "careerfolio.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "purpose: promotion\n", encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert "The ask" in (sample_record / "output" / "site" / "index.html").read_text(encoding="utf-8")
    text = settings.read_text(encoding="utf-8").replace("    audience: internal\n    since: 2024-01-01",
                                                         "    audience: internal\n    purpose: portfolio", 1)
    settings.write_text(text, encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", sample_record, "--variant", "committee").status == 0
    home = (sample_record / "output" / "committee" / "site" / "index.html").read_text(encoding="utf-8")
    assert "The ask" not in home and "Skills, with the work that shows them" in home
    dossier = (sample_record / "output" / "committee" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert "The ask" in dossier  # the dossier is the promotion packet, whatever the site is for
