"""Markdown is safe by default; numbers and dates read the way people write them."""

import re
from pathlib import Path

import pytest

from generator.markdown import MarkdownRenderer
from generator.model import PartialDate
from generator.numbers import (
    ImpactView,
    format_amount,
    format_compact,
    format_impact,
    format_number,
)
from generator.render import format_date


def test_raw_html_is_escaped_unless_allowed():
    text = "Hello <script>alert(1)</script> <b>bold</b>"
    assert "<script>" not in MarkdownRenderer().render(text)
    assert "&lt;script&gt;" in MarkdownRenderer().render(text)
    assert "<b>bold</b>" in MarkdownRenderer(allow_html=True).render(text)


def test_unsafe_link_schemes_are_dropped():
    html = MarkdownRenderer().render("[x](javascript:alert(1)) [y](vbscript:run) [z](https://ok.example)")
    assert 'href="javascript:' not in html and 'href="vbscript:' not in html
    assert html.count("<a ") == 1
    assert 'href="https://ok.example"' in html


def test_tables_footnotes_and_heading_anchors_work():
    html = MarkdownRenderer().render("## The result\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: Source.\n")
    assert '<h2 id="the-result">' in html
    assert "<table>" in html
    assert 'class="footnote-ref"' in html


def test_asset_links_are_rewritten_to_the_copied_files():
    html = MarkdownRenderer().render("![chart](assets/c.svg) [doc](./assets/d.pdf)", asset_prefix="../../")
    assert 'src="../../assets/c.svg"' in html
    assert 'href="../../assets/d.pdf"' in html


def test_amounts_carry_their_units():
    assert format_amount(120000, "USD") == "$120,000"
    assert format_amount(85000, "CHF") == "85,000 CHF"
    assert format_amount(-26, "min") == "−26 min"
    assert format_amount(99.95, "%") == "99.95%"
    assert format_number(1234.5) == "1,234.5"


def test_headline_numbers_are_compact():
    assert format_compact(120000, "USD") == "$120k"
    assert format_compact(1_250_000, "EUR") == "€1.2M" or format_compact(1_250_000, "EUR") == "€1.25M"
    assert format_compact(6100, "h") == "6,100 h"
    assert format_compact(-91, "min") == "−91 min"


def test_an_impact_reads_as_before_after_and_change():
    impact = ImpactView("CI build time", "min", None, None, 41, 15)
    assert format_impact(impact) == "41 → 15 min (−63%)"
    availability = ImpactView("Availability", "%", None, None, 99.5, 99.95)
    assert format_impact(availability) == "99.5% → 99.95% (+0.45 pp)"


def test_dates_show_the_precision_they_were_given():
    assert format_date(PartialDate(2025)) == "2025"
    assert format_date(PartialDate(2025, 3)) == "Mar 2025"
    assert format_date(PartialDate(2025, 3, 14)) == "14 Mar 2025"


def test_markdown_rendered_on_every_core_is_the_same_html(monkeypatch):
    import generator.markdown as markdown_module
    from generator.markdown import MarkdownRenderer

    monkeypatch.setattr(markdown_module, "PARALLEL_THRESHOLD", 2)
    import generator.parallel as parallel_module

    monkeypatch.setattr(parallel_module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel_module.threading, "active_count", lambda: 1)
    texts = [f"## Part {i}\n\nSome *emphasis*, a [link](https://example.com/{i}) and \"quotes\" -- {i}.\n\n"
             f"| a | b |\n|---|---|\n| {i} | x |\n\nA note[^1].\n\n[^1]: Footnote {i}.\n" for i in range(30)]
    texts += ["<b>raw</b> [bad](javascript:alert(1))", "![chart](assets/chart.png)"]
    parallel = MarkdownRenderer()
    parallel.prerender((text, f"a-{index}") for index, text in enumerate(texts))
    assert len(parallel.rendered) == len(texts) - 1  # a link into assets/ depends on the page
    sequential = MarkdownRenderer()
    for index, text in enumerate(texts):
        assert parallel.render(text, ids=f"a-{index}") == sequential.render(text, ids=f"a-{index}")
    assert 'id="a-3-part-3"' in parallel.render(texts[3], ids="a-3")
    assert "&lt;b&gt;raw&lt;/b&gt;" in parallel.render(texts[-2]) and "href" not in parallel.render(texts[-2])


def test_the_site_ships_only_the_static_files_its_pages_use(tmp_path):
    from generator.render import site_static_files

    def theme(files: dict[str, str]) -> dict[str, Path]:
        for relative, text in files.items():
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / relative).write_text(text, encoding="utf-8")
        return {relative: tmp_path / relative for relative in files}

    files = theme({"css/site.css": "body { font-family: system-ui; }", "css/dossier.css": "@font-face {}",
                   "fonts/Inter-Regular.otf": "", "fonts/OFL.txt": "licence", "favicon.svg": "<svg/>"})
    assert sorted(site_static_files(files, "css/dossier.css")) == ["css/site.css", "favicon.svg"]
    files = theme({"css/site.css": "@font-face { src: url(../fonts/Inter-Regular.otf); }"})
    kept = site_static_files({**files, "fonts/Inter-Regular.otf": tmp_path / "fonts/Inter-Regular.otf",
                              "fonts/Inter-Bold.otf": tmp_path / "fonts/Inter-Regular.otf",
                              "fonts/OFL.txt": tmp_path / "fonts/OFL.txt"}, "css/dossier.css")
    assert sorted(kept) == ["css/site.css", "fonts/Inter-Regular.otf", "fonts/OFL.txt"]


def test_the_site_and_the_dossier_each_get_only_their_own_fonts(sample_record):
    """One fonts folder holds the dossier's OTFs and the site's WOFF2 subsets of them."""
    from conftest import run_cli

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    output = sample_record / "output"
    site = sorted(p.name for p in (output / "site" / "fonts").iterdir())
    dossier = sorted(p.name for p in (output / "dossier" / "fonts").iterdir())
    assert "OFL.txt" in site and "OFL.txt" in dossier
    assert {Path(name).suffix for name in site} == {".woff2", ".txt"}
    assert {Path(name).suffix for name in dossier} == {".otf", ".txt"}


@pytest.mark.parametrize("theme", ["default", "classic"])
def test_the_site_fonts_are_what_scripts_webfonts_makes_from_the_dossier_fonts(theme):
    """The WOFF2 subsets hold their source fonts' glyphs for their ranges, carry the family the
    rules name (a reserved name renamed, its copyright and licence kept), and site.css has the
    script's rules."""
    import importlib.util

    from conftest import PROJECT
    from fontTools.ttLib import TTFont

    spec = importlib.util.spec_from_file_location("webfonts", PROJECT / "scripts" / "webfonts.py")
    webfonts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(webfonts)
    static = PROJECT / "themes" / theme / "static"
    settings = webfonts.BUILT_IN[theme]
    rules = webfonts.font_face_rules(static / "fonts", settings.get("family"))
    assert rules in (static / "css" / "site.css").read_text(encoding="utf-8")
    family = re.search(r'font-family: "([^"]+)"', rules).group(1)
    sources = webfonts.sources(static / "fonts")
    assert sorted(sources) == sorted(webfonts.STYLES)
    for source in sources.values():
        original = TTFont(source, lazy=True)
        for subset, ranges in webfonts.SUBSETS.items():
            woff2 = TTFont(static / "fonts" / webfonts.file_name(source, subset), lazy=True)
            assert woff2.flavor == "woff2"
            assert woff2["head"].fontRevision == original["head"].fontRevision
            assert set(woff2.getBestCmap()) == set(original.getBestCmap()) & webfonts.code_points(ranges)
            assert woff2["name"].getBestFamilyName() == family
            for record in (0, 7, 13, 14):
                assert woff2["name"].getDebugName(record) == original["name"].getDebugName(record)


def test_long_lists_link_earlier_years_to_pages_of_their_own(tmp_path):
    """A record of hundreds of achievements must not make a list page of megabytes."""
    import re
    import subprocess
    import sys

    from conftest import PROJECT, run_cli

    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "400", str(tmp_path)],
                   check=True, capture_output=True)
    record = tmp_path / "record"
    assert run_cli("build", "--no-pdf", "-C", record).status == 0
    site = record / "output" / "site"

    def rows(page: Path) -> set[str]:
        return set(re.findall(r'<h3><a href="(?:\.\./)+achievements/([^/]+)/index.html"',
                              page.read_text(encoding="utf-8")))

    listed = rows(site / "achievements" / "index.html")
    assert 0 < len(listed) <= 200
    year_pages = sorted((site / "years").glob("*/index.html"))
    assert year_pages
    links = (site / "achievements" / "index.html").read_text(encoding="utf-8") + \
        (site / "timeline" / "index.html").read_text(encoding="utf-8")
    for page in year_pages:
        assert f'href="../years/{page.parent.name}/index.html"' in links
    on_year_pages = set().union(*(rows(page) for page in year_pages))
    public = {path.stem for path in (record / "content" / "achievements").glob("*.md")
              if not re.search(r"^visibility: (internal|private)", path.read_text(encoding="utf-8"), re.MULTILINE)}
    assert listed | on_year_pages == public  # every achievement is on the list or on its year's page


def test_a_short_record_keeps_one_list_page(sample_record):
    from conftest import run_cli

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    assert not (sample_record / "output" / "site" / "years").exists()


def test_pages_rendered_on_every_core_are_the_bytes_of_one_by_one(tmp_path, monkeypatch):
    import subprocess
    import sys

    from conftest import PROJECT, run_cli, tree_bytes

    from generator import pipeline, render

    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "400", str(tmp_path)],
                   check=True, capture_output=True)
    record = tmp_path / "record"
    assert run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", tmp_path / "parallel").status == 0
    monkeypatch.setattr(render, "PARALLEL_PAGES", 10**9)
    monkeypatch.setattr(pipeline, "DOSSIER_ELSEWHERE", 10**9)
    assert run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", tmp_path / "serial").status == 0
    assert tree_bytes(tmp_path / "parallel") == tree_bytes(tmp_path / "serial")

    (record / "templates").mkdir()
    (record / "templates" / "achievement.html").write_text("{{ achievement.no_such_field }}", encoding="utf-8")
    serial = run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", tmp_path / "broken")
    monkeypatch.setattr(render, "PARALLEL_PAGES", 300)
    parallel = run_cli("build", "--no-pdf", "--no-cache", "-C", record, "--out", tmp_path / "broken")
    assert parallel.status == serial.status != 0
    assert parallel.stderr == serial.stderr and "no_such_field" in parallel.stderr


def test_each_turn_is_taken_by_one_process_and_every_turn_is_taken():
    from generator.parallel import Forked, Turns

    turns = Turns(Turns.MOST)

    def take_all() -> list[int]:
        taken = []
        while (number := turns.take()) is not None:
            taken.append(number)
        return taken

    try:
        others = [Forked(take_all) for _ in range(2)]
        mine = take_all()
        theirs = [child.result() for child in others]
    finally:
        turns.close()
    every = mine + [number for taken in theirs for number in taken]
    assert sorted(every) == list(range(Turns.MOST))  # none twice, none left
    with pytest.raises(ValueError):
        Turns(Turns.MOST + 1)  # more would not fit the pipe before anyone takes them


def test_numbers_children_send_are_received_whole_and_none_is_asked_without_waiting():
    from generator.parallel import Forked, Notices

    notices = Notices()
    try:
        assert notices.received() == []  # at once, though no child has sent anything yet
        children = [Forked(lambda number=number: [notices.send(number + 256 * turn) for turn in range(50)])
                    for number in range(3)]
        for child in children:
            child.result()
        received = notices.received()
    finally:
        notices.close()
    assert sorted(received) == sorted(number + 256 * turn for number in range(3) for turn in range(50))


def test_the_pages_a_forked_child_took_and_failed_on_are_rendered_by_the_build(sample_record, tmp_path,
                                                                                monkeypatch):
    """Pages are taken a turn at a time by whichever process is free; a child that fails hands
    its job back, and the build's process, which took every turn left, renders its pages."""
    import os
    import time

    from conftest import tree_bytes

    import generator.parallel
    import generator.pipeline
    from generator import render
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    build(BuildRequest(sample_record, out=tmp_path / "serial", pdf=False), Cache())
    for module in (generator.parallel, render):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    monkeypatch.setattr(render, "PARALLEL_PAGES", 2)  # resume.json goes beside the pages too
    monkeypatch.setattr(render, "PAGES_A_TURN", 1)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 10**9)
    parent, render_share = os.getpid(), render._render_share

    def failing_in_children(*arguments):
        if os.getpid() != parent:
            (tmp_path / f"failed-{os.getpid()}").touch()
            raise RuntimeError("a child that fails")
        time.sleep(0.01)  # the child finds turns left once resume.json is made
        return render_share(*arguments)

    monkeypatch.setattr(render, "_render_share", failing_in_children)
    build(BuildRequest(sample_record, out=tmp_path / "parallel", pdf=False), Cache())
    assert list(tmp_path.glob("failed-*"))  # a child took a turn, and failed on it
    assert tree_bytes(tmp_path / "parallel") == tree_bytes(tmp_path / "serial")


def test_a_child_killed_among_its_turns_leaves_the_build_whole(sample_record, tmp_path, monkeypatch):
    """A child that never says it took its last turn (killed: no `finally` runs) is not
    waited for: the build takes the turns left, and renders and encodes what the child held."""
    import os
    import signal

    from conftest import tree_bytes

    import generator.parallel
    import generator.pipeline
    from generator import render
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    build(BuildRequest(sample_record, out=tmp_path / "serial", pdf=False), Cache())
    for module in (generator.parallel, render):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    monkeypatch.setattr(render, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(render, "PAGES_A_TURN", 1)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 10**9)
    parent, do = os.getpid(), render.PageWork.do

    def killed_in_children(work, turn):
        if os.getpid() != parent and turn > 0:
            (tmp_path / f"killed-{os.getpid()}").touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return do(work, turn)

    monkeypatch.setattr(render.PageWork, "do", killed_in_children)
    build(BuildRequest(sample_record, out=tmp_path / "parallel", pdf=False), Cache())
    assert list(tmp_path.glob("killed-*"))
    assert tree_bytes(tmp_path / "parallel") == tree_bytes(tmp_path / "serial")


def test_featured_achievements_lead_the_list_and_appear_once(sample_record):
    import re

    from conftest import run_cli

    assert run_cli("build", "-C", sample_record, "--no-pdf").status == 0
    html = (sample_record / "output" / "site" / "achievements" / "index.html").read_text(encoding="utf-8")
    featured = {path.stem for path in (sample_record / "content" / "achievements").glob("*.md")
                if "\nfeatured: true" in path.read_text(encoding="utf-8")}
    listed = re.findall(r'href="\.\./achievements/([^"/]+)/index\.html"', html.split('id="featured"', 1)[1])
    order = [stem for stem in listed if (sample_record / "content" / "achievements" / f"{stem}.md").exists()]
    assert featured and set(order[:len(featured)]) == featured
    assert len(order) == len(set(order))  # each once
    assert html.index('id="featured"') < html.index('id="y2025"')


def templates_parsed(monkeypatch) -> list[tuple[str, str]]:
    """(name, source) of each template Jinja parses from now on."""
    import jinja2

    parsed: list[tuple[str, str]] = []
    original = jinja2.Environment._parse

    def parse(self, source, name, filename):
        parsed.append((name, source))
        return original(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", parse)
    return parsed


def test_a_template_is_parsed_once_for_its_analysis_and_its_compiling(sample_record, tmp_path, monkeypatch):
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    parsed = templates_parsed(monkeypatch)
    build(BuildRequest(sample_record, out=tmp_path / "out", pdf=False), Cache())  # nothing compiled before
    sources = [source for _, source in parsed]
    # the macros are parsed once more, for what each reads (see Fragments)
    assert len(set(sources)) > 10 and len(sources) <= len(set(sources)) + 1


def test_what_a_forked_child_learnt_of_templates_is_kept_for_the_next_process(sample_record, tmp_path, monkeypatch):
    """The dossier is rendered in a child for a large record; its template's analysis went
    with the child, so every new process parsed the dossier's template again."""
    import generator.parallel
    import generator.pipeline
    from generator.cache import Cache
    from generator.pipeline import BuildRequest, build

    request = BuildRequest(sample_record, out=tmp_path / "out", pdf=False)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 1)
    for module in (generator.parallel, generator.render):  # forking, whatever threads pytest runs
        monkeypatch.setattr(module, "can_fork", lambda: True)
    build(request, Cache(tmp_path / "cache"), save=True)

    story = sample_record / "content" / "achievements" / "2025-03-ci-build-time.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Cut CI", "Cut the CI"), encoding="utf-8")
    parsed = templates_parsed(monkeypatch)
    monkeypatch.setattr(generator.pipeline, "DOSSIER_ELSEWHERE", 10**9)  # here, where parsing is seen
    build(request, Cache(tmp_path / "cache"), save=True)  # as a new process: the cache from disk
    assert [name for name, _ in parsed] == []
