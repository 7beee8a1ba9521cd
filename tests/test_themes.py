"""Themes: a typed theme.yaml, templates named by theme, and the options a theme offers."""

from __future__ import annotations

from conftest import run_cli, tree_bytes, write_record

RECORD = {
    "careerfolio.yaml": "base_url: https://example.com/\n",
    "content/profile.yaml": "name: Ana Lima\nheadline: Builds fast systems\n",
    "content/achievements/a.md": "---\ntitle: Cut build time\ndate: 2025-03-14\n---\nStory.\n",
}


def test_a_typo_in_theme_yaml_is_located_with_a_suggestion(tmp_path):
    root = write_record(tmp_path, {**RECORD, "careerfolio.yaml": "theme: mine\n",
                                   "themes/mine/theme.yaml": "name: mine\nparent: default\n"})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1
    assert "themes/mine/theme.yaml:2:1: " in result.stderr and "did you mean 'extends'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_record_template_extends_the_themes_version_by_name(tmp_path):
    root = write_record(tmp_path, {**RECORD, "templates/home.html": """\
        {% extends "default/home.html" %}
        {% block main %}<p class="mine">Mine first.</p>{{ super() }}{% endblock %}
        """})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 0, result.stderr
    home = (root / "output/site/index.html").read_text(encoding="utf-8")
    assert '<p class="mine">Mine first.</p>' in home and "Cut build time" in home


def test_a_child_theme_builds_on_its_parent_by_name(tmp_path):
    root = write_record(tmp_path, {**RECORD, "careerfolio.yaml": "theme: child\n",
                                   "themes/child/theme.yaml": "extends: default\n",
                                   "themes/child/templates/home.html": """\
        {% extends "default/home.html" %}
        {% block main %}<p class="child">Child.</p>{{ super() }}{% endblock %}
        """})
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    assert '<p class="child">Child.</p>' in (root / "output/site/index.html").read_text(encoding="utf-8")


def test_a_template_that_extends_itself_is_a_located_problem(tmp_path):
    root = write_record(tmp_path, {**RECORD, "templates/home.html": """\
        {# my home page #}
        {% extends "home.html" %}
        """})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1
    assert "templates/home.html:2:1: this template uses itself ('home.html') — to build on the theme's own, " \
           "write 'default/home.html'" in result.stderr
    assert "RecursionError" not in result.stderr and "internal error" not in result.stderr


def test_theme_options_change_the_accent_the_font_and_the_home_page(tmp_path):
    root = write_record(tmp_path, RECORD)
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    before = tree_bytes(root / "output")
    home = (root / "output/site/index.html").read_text(encoding="utf-8")
    assert "--accent" not in home and "Inter-Regular-latin.woff2" in home  # the defaults add nothing
    settings = RECORD["careerfolio.yaml"] + "theme_options:\n  accent: '#8a3b12'\n  font: system\n  home: [about]\n"
    write_record(root, {"careerfolio.yaml": settings, "content/profile.yaml":
                        "name: Ana Lima\nheadline: Builds fast systems\nsummary: I build things.\n"})
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    home = (root / "output/site/index.html").read_text(encoding="utf-8")
    assert "(prefers-color-scheme: light) { :root { --accent: #8a3b12; } }" in home and "--font: system-ui" in home
    assert "Inter-Regular-latin.woff2" not in home
    assert 'id="about"' in home and 'id="featured"' not in home and 'id="impact"' not in home
    achievement = (root / "output/site/achievements/a/index.html").read_text(encoding="utf-8")
    assert "--accent: #8a3b12;" in achievement  # every page, not only those whose content changed
    assert "--accent: #8a3b12;" in (root / "output/dossier/dossier.html").read_text(encoding="utf-8")
    assert tree_bytes(root / "output") != before


def test_a_wrong_theme_option_is_located_in_the_settings(tmp_path):
    root = write_record(tmp_path, {**RECORD, "careerfolio.yaml": (
        "theme_options:\n  acent: '#8a3b12'\n  font: comic\n  home: [impact, gossip]\n")})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1
    lines = [line.split("careerfolio.yaml:", 1)[1] for line in result.stderr.splitlines() if "careerfolio.yaml:" in line]
    assert lines == [
        "2:3: the theme has no option 'acent' — did you mean 'accent'?",
        "3:9: 'comic' is not one of the choices — use one of: inter, system",
        "4:9: there is no section 'gossip' — use any of: impact, featured, skills, plan, feedback, about",
    ]


def test_a_themes_own_default_must_be_one_it_accepts(tmp_path):
    root = write_record(tmp_path, {**RECORD, "careerfolio.yaml": "theme: mine\n", "themes/mine/theme.yaml": (
        "extends: default\noptions:\n  band:\n    type: color\n    default: teal\n")})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1
    assert "themes/mine/theme.yaml:5:14: 'teal' is not a colour — write it as #rgb or #rrggbb" in result.stderr


def test_themes_lists_each_themes_options(tmp_path):
    result = run_cli("themes", "-C", write_record(tmp_path, RECORD))
    assert result.status == 0
    assert "accent (color, default #0f5e6e)" in result.stdout


def test_removing_the_records_templates_after_a_build_still_builds(tmp_path):
    """Templates compiled for the sandbox are not handed to the plain environment, nor the other way."""
    root = write_record(tmp_path, {**RECORD, "templates/404.html": "{% extends \"default/404.html\" %}\n"})
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    (root / "templates" / "404.html").unlink()
    (root / "templates").rmdir()
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 0, result.stderr
