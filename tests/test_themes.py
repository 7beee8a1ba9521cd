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


def test_cached_finds_what_a_macro_reads_of_the_page_scope_by_scope():
    import jinja2

    from generator.render import macro_reads

    tree = jinja2.Environment().parse("""\
{% macro row(item, label=item.title) %}{{ label }}{% for tag in item.tags %}{{ tag }}{{ loop.index }}{% endfor %}\
{{ tag }}{{ chips(item) }}{% endmacro %}
{% macro chips(item) %}{% set shown = item.shown %}{{ shown }}{% if item %}{% set later = 1 %}{% endif %}\
{{ later }}{% with inner = 2 %}{{ inner }}{% endwith %}{{ inner }}{% endmacro %}
{% macro pure(item) %}<b>{{ item.title|upper }}</b>{% endmacro %}
{% macro reaching(item) %}{% include "other.html" %}{% endmacro %}
{% macro calling(item) %}{{ reaching(item) }}{% endmacro %}""")
    # a loop's variable outside its loop, a `set` in one branch, a `with` after its end: the page's
    assert macro_reads(tree, "row") == {"tag", "later", "inner"}
    assert macro_reads(tree, "pure") == frozenset()
    assert macro_reads(tree, "reaching") is None and macro_reads(tree, "calling") is None
    assert macro_reads(tree, "missing") is None


def test_cached_gives_the_bytes_of_calling_the_macro_each_time(sample_record, tmp_path, monkeypatch):
    import generator.render
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    calls = {"made": 0, "kept": 0}
    original = generator.render.Fragments._call

    def counted(self, context, macro, *arguments, **keywords):
        before = len(self.kept)
        result = original(self, context, macro, *arguments, **keywords)
        calls["made" if len(self.kept) > before else "kept"] += 1
        return result

    monkeypatch.setattr(generator.render.Fragments, "_call", counted)
    settings = (sample_record / "careerfolio.yaml").read_text(encoding="utf-8")
    for theme in ("default", "classic"):
        request = BuildRequest(sample_record, audience="internal", pdf=False, out=tmp_path / f"cached-{theme}")
        (sample_record / "careerfolio.yaml").write_text(f"{settings}\ntheme: {theme}\n", encoding="utf-8")
        build(request, Cache())
        assert calls["kept"] > calls["made"] > 0  # rows on several lists: rendered once each
        with monkeypatch.context() as uncached:
            uncached.setattr(generator.render.Fragments, "_key", lambda *arguments: None)
            build(BuildRequest(sample_record, audience="internal", pdf=False, out=tmp_path / f"called-{theme}"),
                  Cache())
        assert tree_bytes(tmp_path / f"cached-{theme}") == tree_bytes(tmp_path / f"called-{theme}")


def test_a_macro_that_reads_the_page_or_is_given_a_macro_is_called_each_time(tmp_path):
    root = write_record(tmp_path, {
        **RECORD,
        "content/achievements/a.md": "---\ntitle: Cut build time\ndate: 2025-03-14\ntags: [speed, ci]\n---\nStory.\n",
        "templates/tag.html": """\
            {% extends "default/tag.html" %}
            {% macro own(achievement) %}<p class="own">{{ achievement.title }} under {{ page.title }}</p>{% endmacro %}
            {% macro plain(achievement) %}<p class="plain">{{ achievement.title }}</p>{% endmacro %}
            {% macro given(other, achievement) %}<p class="given">{{ other(achievement) }}</p>{% endmacro %}
            {% block main %}{% for achievement in tag.achievements %}{{ cached(own, achievement) }}\
            {{ cached(plain, achievement) }}{% endfor %}{{ cached(given, plain, tag.achievements[0]) }}{% endblock %}
            """})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 0, result.stderr
    for tag in ("speed", "ci"):
        page = (root / f"output/site/tags/{tag}/index.html").read_text(encoding="utf-8")
        assert '<p class="own">Cut build time under' in page and tag in page.split('class="own">')[1].split("</p>")[0]
        assert '<p class="plain">Cut build time</p>' in page
        # a macro given as an argument is no value to fingerprint: the call is simply made
        assert '<p class="given"><p class="plain">Cut build time</p></p>' in page


def test_cached_of_what_is_not_a_macro_is_a_located_problem(tmp_path):
    root = write_record(tmp_path, {**RECORD, "templates/home.html": """\
        {% extends "default/home.html" %}
        {% block main %}{{ cached(page_path, "tags") }}{% endblock %}
        """})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1 and "Traceback" not in result.stderr
    assert "templates/home.html:2:1" in result.stderr and "cached() takes a macro" in result.stderr
