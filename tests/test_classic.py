"""The classic theme: the sample record built with `theme: classic`, site and dossier.

test_screens.py checks every built-in theme's pages in a browser (fit, axe, the Nu checker,
links, fonts); here are what belongs to classic: its PDF, its fonts, its options, and that
it is a theme of its own rather than default's pages again.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import PROJECT, run_cli, write_record
from pypdf import PdfReader

# the packet's rules, as default's dossier is held to them (imported under names that
# pytest does not collect a second time)
from test_dossier import CHAPTERS, laid_out_pages
from test_dossier import (
    test_pages_are_filled_and_achievements_open_on_the_page_that_tells_them as packet_rules,
)

CLASSIC = PROJECT / "themes" / "classic" / "static"


def sample_with(theme: str, folder):
    """The sample record, set to `theme`."""
    record = folder / "record"
    shutil.copytree(PROJECT / "content", record / "content")
    settings = yaml.safe_load((PROJECT / "careerfolio.yaml").read_text(encoding="utf-8"))
    (record / "careerfolio.yaml").write_text(yaml.safe_dump({**settings, "theme": theme}), encoding="utf-8")
    return record


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample record built with classic and with default: public sites, internal dossiers."""
    outputs = {}
    for theme in ("classic", "default"):
        folder = tmp_path_factory.mktemp(theme)
        result = run_cli("build", "-C", sample_with(theme, folder), "--out", folder / "out",
                         *(["--no-pdf"] if theme == "default" else []))
        assert result.status == 0, result.stderr
        assert "PDF warning" not in result.stdout, result.stdout
        outputs[theme] = folder / "out"
    return outputs


def embedded_fonts(pdf) -> dict[str, str]:
    """Each font the PDF embeds, by its name in the PDF, with the family its own program says."""
    from fontTools.ttLib import TTFont

    found = {}
    for page in PdfReader(str(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)
            program = descriptor["/FontDescriptor"].get("/FontFile2") or descriptor["/FontDescriptor"]["/FontFile3"]
            found[str(font["/BaseFont"])] = TTFont(io.BytesIO(program.get_object().get_data()))["name"] \
                .getBestFamilyName()
    return found


def test_themes_lists_classic_with_its_options():
    result = run_cli("themes", "-C", PROJECT)
    assert result.status == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("classic "))
    assert "built-in, extends default" in line
    assert "accent (color, default #8b2323)" in result.stdout
    assert "font (choice, default serif)" in result.stdout


def test_the_pdf_embeds_source_serif_and_nothing_else(built):
    fonts = embedded_fonts(built["classic"] / "dossier" / "dossier.pdf")
    assert fonts and set(fonts.values()) <= {"Source Serif 4", "Source Serif 4 Semibold"}, fonts
    assert not [name for name in fonts if "Inter" in name]
    # the licence travels with the fonts: Adobe's, not Inter's
    assert "Adobe" in (built["classic"] / "dossier" / "fonts" / "OFL.txt").read_text(encoding="utf-8")


def test_the_site_has_a_stylesheet_and_fonts_of_its_own(built):
    classic, default = built["classic"] / "site", built["default"] / "site"
    styles = (classic / "css" / "site.css").read_text(encoding="utf-8")
    assert styles != (default / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r'--font: "Classic Serif"[^;]*serif;', styles) and "Inter" not in styles
    fonts = sorted(path.name for path in (classic / "fonts").iterdir())
    assert fonts == ["OFL.txt", *sorted(f"SourceSerif4-{style}-{subset}.woff2"
                                        for style in ("Regular", "Italic", "SemiBold", "Bold")
                                        for subset in ("latin", "latin-ext"))]
    assert sum((classic / "fonts" / name).stat().st_size for name in fonts) < 200_000
    assert "Adobe" in (classic / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    home = (classic / "index.html").read_text(encoding="utf-8")
    assert 'class="title-block"' in home and 'class="ledger"' in home and 'class="cards"' not in home
    assert "SourceSerif4-Regular-latin.woff2" in home and "Inter-" not in home
    assert 'class="title-block"' not in (default / "index.html").read_text(encoding="utf-8")


def test_every_page_default_builds_classic_builds(built):
    """A theme that extends default has every page kind: none is left out or added."""
    def pages(site):
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))

    assert pages(built["classic"] / "site") == pages(built["default"] / "site")


def test_nothing_in_the_classic_dossier_is_set_under_8_points():
    css = (CLASSIC / "css" / "dossier.css").read_text(encoding="utf-8")
    sizes = [float(size) for size in re.findall(r"font(?:-size)?:[^;{}]*?([\d.]+)pt", css)]
    assert len(sizes) > 20 and min(sizes) >= 8


def test_the_options_change_the_accent_the_font_and_the_home_page(tmp_path):
    root = write_record(tmp_path, {
        "careerfolio.yaml": "theme: classic\ntheme_options:\n  accent: '#1f3a5f'\n  font: system\n  home: [about]\n",
        "content/profile.yaml": "name: Ana Lima\nheadline: Builds fast systems\nsummary: I build things.\n",
        "content/achievements/a.md": "---\ntitle: Cut build time\ndate: 2025-03-14\n---\nStory.\n",
    })
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    home = (root / "output/site/index.html").read_text(encoding="utf-8")
    assert "--accent: #1f3a5f;" in home and "--font: ui-serif" in home
    assert "SourceSerif4-Regular-latin.woff2" not in home  # nothing to preload: the reader's own serif
    assert 'id="about"' in home and 'id="featured"' not in home and 'id="impact"' not in home
    assert "--accent: #1f3a5f;" in (root / "output/site/achievements/a/index.html").read_text(encoding="utf-8")
    assert "--accent: #1f3a5f;" in (root / "output/dossier/dossier.html").read_text(encoding="utf-8")
    # the defaults add no style to the page
    (root / "careerfolio.yaml").write_text("theme: classic\n", encoding="utf-8")
    assert run_cli("build", "-C", root, "--no-pdf").status == 0
    home = (root / "output/site/index.html").read_text(encoding="utf-8")
    assert "--accent" not in home and "SourceSerif4-Regular-latin.woff2" in home


def test_default_s_font_choice_is_a_located_problem_in_classic(tmp_path):
    root = write_record(tmp_path, {"careerfolio.yaml": "theme: classic\ntheme_options:\n  font: inter\n",
                                   "content/profile.yaml": "name: Ana Lima\n"})
    result = run_cli("build", "-C", root, "--no-pdf")
    assert result.status == 1
    assert "careerfolio.yaml:3:9: 'inter' is not one of the choices — use one of: serif, system" in result.stderr


@pytest.fixture(scope="module")
def forty_achievements(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forty-classic")
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "40", str(folder)],
                   check=True, capture_output=True)
    settings = folder / "record" / "careerfolio.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "theme: classic\n", encoding="utf-8")
    result = run_cli("build", "-C", folder / "record", "--out", folder / "out")
    assert result.status == 0, result.stderr
    assert "PDF warning" not in result.stdout, result.stdout
    return folder / "out" / "dossier"


def test_a_long_record_keeps_the_packets_rules_in_classic(forty_achievements):
    """As in default: pages filled, and each achievement's title, facts and table on one page."""
    assert "Classic Serif" in (forty_achievements / "css" / "dossier.css").read_text(encoding="utf-8")
    pages = laid_out_pages(forty_achievements / "dossier.pdf")
    assert [lines[0] for lines, _ in pages if lines and lines[0] in CHAPTERS][:3] == [
        "Executive summary", "Evidence matrix", "Achievements"]
    packet_rules(forty_achievements)


def test_check_asks_classics_fonts_not_defaults_which_it_does_not_print_with(tmp_path, monkeypatch):
    """Ʃ is in Inter, which classic's folder holds but its PDF never uses, and not in Source Serif."""
    import json

    import generator.fonts

    monkeypatch.setattr(generator.fonts, "system_coverage", lambda: frozenset())
    files = {"content/profile.yaml": "name: Ʃara Lima\n",
             "content/achievements/a.md": "---\ntitle: Cut build time\ndate: 2025-03-14\n---\nStory.\n"}

    def font_advice(theme: str) -> list[str]:
        root = write_record(tmp_path / theme, {**files, "careerfolio.yaml": f"theme: {theme}\n"})
        lines = run_cli("check", "-C", root, "--format", "json").stdout.splitlines()
        return [finding["message"] for finding in map(json.loads, lines) if finding["rule"] == "CF122"]

    assert font_advice("default") == []
    assert font_advice("classic") == [("a character no font on this machine can draw: Ʃ (the PDF would show "
                                      "empty boxes)")]
