"""The dossier: its contents for each audience, print quality of the PDF, reuse, and stamps."""

import datetime as dt
import re
import subprocess
import sys

import pytest
from conftest import PROJECT, run_cli
from pypdf import PdfReader

from generator.history import StampReading

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def pdf_pages(path):
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def canary_dossier(tmp_path_factory):
    import shutil

    from conftest import FIXTURES

    record = tmp_path_factory.mktemp("dossier") / "canary"
    shutil.copytree(FIXTURES / "canary", record)
    result = run_cli("build", "-C", record)
    assert result.status == 0, result.stderr
    return record


def test_the_internal_dossier_holds_public_and_internal_entries_and_no_private_one(canary_dossier):
    text = "\n".join(pdf_pages(canary_dossier / "output" / "dossier" / "dossier.pdf"))
    assert "Public win" in text and "ZQXINTERNAL achievement title" in text
    assert "ZQXPRIVATE" not in text
    html = (canary_dossier / "output" / "dossier" / "dossier.html").read_bytes()
    assert b"ZQXPRIVATE" not in html and b"zqxprivate" not in html.lower()


def test_a_public_dossier_holds_exactly_what_the_public_site_holds(canary_dossier, tmp_path):
    result = run_cli("build", "-C", canary_dossier, "--audience", "public", "--out", tmp_path)
    assert result.status == 0, result.stderr
    for path in (tmp_path / "dossier").rglob("*"):
        assert "zqx" not in path.name.lower()
        if path.is_file() and path.suffix != ".pdf":
            assert b"zqx" not in path.read_bytes().lower(), path
    text = "\n".join(pdf_pages(tmp_path / "dossier" / "dossier.pdf")).lower()
    assert "zqx" not in text and "public win" in text


def test_the_pdf_page_size_follows_the_paper_setting(canary_dossier, tmp_path):
    reader = PdfReader(str(canary_dossier / "output" / "dossier" / "dossier.pdf"))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4[0], 1), round(A4[1], 1))
    (canary_dossier / "careerfolio.yaml").write_text("dossier: {paper: Letter}\n", encoding="utf-8")
    try:
        assert run_cli("build", "-C", canary_dossier, "--out", tmp_path).status == 0
    finally:
        (canary_dossier / "careerfolio.yaml").write_text("base_url: https://canary.example.org/sub/\n",
                                                        encoding="utf-8")
    box = PdfReader(str(tmp_path / "dossier" / "dossier.pdf")).pages[0].mediabox
    assert (float(box.width), float(box.height)) == LETTER


@pytest.fixture(scope="module")
def sample_dossier(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-dossier")
    result = run_cli("build", "-C", PROJECT, "--out", out)
    assert result.status == 0, result.stderr
    return out / "dossier"


def test_contents_page_numbers_match_the_pages_the_chapters_start_on(sample_dossier):
    pages = pdf_pages(sample_dossier / "dossier.pdf")
    contents = next(i for i, text in enumerate(pages) if re.search(r"^Contents\s*$", text, re.MULTILINE))
    assert contents == 0  # the contents share the cover's page: eight lines do not deserve one
    entries = re.findall(r"^(Executive summary|Evidence matrix|Achievements|Projects|What others say|"
                         r"Certifications and learning|Goals and plan|Index of achievements)\s*(\d+)\s*$",
                         pages[contents], re.MULTILINE)
    assert len(entries) == 8
    for title, number in entries:
        starts = [i + 1 for i, text in enumerate(pages) if i > contents and re.search(
            rf"^{re.escape(title)}\s*$", text, re.MULTILINE)]
        assert starts and starts[0] == int(number), (title, number, starts)


def test_the_appendix_index_gives_each_achievement_its_page(sample_dossier):
    pages = pdf_pages(sample_dossier / "dossier.pdf")
    index = pages[-1]
    for title, number in re.findall(r"^(.+?)\s*\.*\s*p\. (\d+)$", index, re.MULTILINE):
        assert title.split()[0] in pages[int(number) - 1], (title, number)


def test_links_stay_clickable_in_the_pdf(sample_dossier):
    reader = PdfReader(str(sample_dossier / "dossier.pdf"))
    uris, internal = [], 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(action["/URI"])
            elif annotation.get_object().get("/Dest") or "/D" in action:
                internal += 1
    assert "https://docs.example.com/ci-pipeline-v3" in uris
    assert internal > 20  # the summary, contents and index link into the body


def test_evidence_files_travel_inside_the_pdf_and_link_to_their_published_copy(sample_dossier):
    """No link points into the machine that built the PDF: files are attached, and the public
    ones also link to the copy the site publishes under base_url."""
    reader = PdfReader(str(sample_dossier / "dossier.pdf"))
    uris, attached = [], {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A") or {}
            if "/URI" in action:
                uris.append(action["/URI"])
            if annotation.get("/Subtype") == "/FileAttachment":
                spec = annotation["/FS"].get_object()
                attached[spec["/F"]] = spec["/EF"]["/F"].get_object().get_data()
    evidence = {path.name: path.read_bytes() for path in (PROJECT / "content" / "assets").iterdir()
                if path.name in (sample_dossier / "dossier.html").read_text(encoding="utf-8")}
    assert evidence and attached == evidence
    assert not [uri for uri in uris if uri.startswith("file:")]
    site_assets = {path.name for path in (sample_dossier.parent / "site" / "assets").iterdir()}
    online = {uri.rsplit("/", 1)[1] for uri in uris if "/assets/" in uri}
    assert online == set(evidence) & site_assets


def test_the_pdf_carries_title_author_and_the_build_date(sample_dossier):
    metadata = PdfReader(str(sample_dossier / "dossier.pdf")).metadata
    assert metadata.title.startswith("Promotion case — Priya Raman")
    assert metadata.author == "Priya Raman"
    assert "20260115" in str(metadata.get("/CreationDate"))


# Each built-in theme's dossier takes its stylesheet and the fonts it names, with their licence:
# not another theme's fonts, nor the site's web subsets.
DOSSIER_FILES = {
    "default": ["css/dossier.css", "fonts/Inter-Bold.otf", "fonts/Inter-Italic.otf", "fonts/Inter-Regular.otf",
                "fonts/Inter-SemiBold.otf", "fonts/OFL.txt"],
    "classic": ["css/dossier.css", "fonts/OFL.txt",
                *(f"fonts/SourceSerif4-{style}.woff2" for style in ("Bold", "Italic", "Regular", "SemiBold"))],
}


@pytest.mark.parametrize("theme", sorted(DOSSIER_FILES))
def test_weasyprint_logs_no_warning_on_the_sample_record(theme):
    from generator.case import CaseOptions, build_case
    from generator.dossier import render_dossier
    from generator.history import Stamp
    from generator.markdown import MarkdownRenderer
    from generator.pdf import make_pdf
    from generator.render import Templates
    from generator.themes import resolve_theme
    from generator.validate import read_record

    record = read_record(PROJECT)
    case = build_case(record, CaseOptions(audience="internal", today=dt.date(2026, 1, 15)))
    chain = resolve_theme(theme, PROJECT)
    dossier = render_dossier(case, Templates(chain, PROJECT, MarkdownRenderer()), chain, record.content_dir,
                             "A4", Stamp("abc1234", False))
    assert sorted(name for name in dossier.copies if not name.startswith("assets/")) == DOSSIER_FILES[theme]
    _, pages, warnings = make_pdf(dossier)
    assert warnings == []
    assert pages >= 8


def test_an_unchanged_dossier_is_not_rendered_again(sample_record):
    first = run_cli("build", "-C", sample_record)
    assert "pages, A4" in first.stdout
    pdf = (sample_record / "output" / "dossier" / "dossier.pdf").read_bytes()
    again = run_cli("build", "-C", sample_record)
    assert "dossier.pdf unchanged since the last build" in again.stdout
    assert (sample_record / "output" / "dossier" / "dossier.pdf").read_bytes() == pdf
    profile = sample_record / "content" / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("boring, fast", "dull, fast"),
                       encoding="utf-8")
    assert "pages, A4" in run_cli("build", "-C", sample_record).stdout


def test_the_same_record_gives_the_same_pdf_bytes_whenever_it_is_built(sample_record, tmp_path, monkeypatch):
    """Made from scratch twice, a day apart by the clock: WeasyPrint dates attached files when it
    reads them, and the build dates them itself."""
    import datetime as dt

    import weasyprint

    assert run_cli("build", "--no-cache", "-C", sample_record, "--out", tmp_path / "one").status == 0

    class Tomorrow(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime.now(tz) + dt.timedelta(days=1, seconds=7)

    monkeypatch.setattr(weasyprint, "datetime", Tomorrow)
    assert run_cli("build", "--no-cache", "-C", sample_record, "--out", tmp_path / "two").status == 0
    first = (tmp_path / "one" / "dossier" / "dossier.pdf").read_bytes()
    assert first == (tmp_path / "two" / "dossier" / "dossier.pdf").read_bytes()
    assert b"/EmbeddedFile" in first  # the evidence files are in it


def test_without_weasyprint_the_site_and_dossier_html_are_still_built(sample_record, monkeypatch):
    import generator.pdf
    from generator.pdf import PdfUnavailable

    def missing(*arguments):
        raise PdfUnavailable("WeasyPrint cannot load (no library called libpango-1.0-0)")

    monkeypatch.setattr(generator.pdf, "make_pdf", missing)
    result = run_cli("build", "-C", sample_record)
    assert result.status == 0
    assert "no PDF: WeasyPrint cannot load" in result.stdout and "apt-get install libpango" in result.stdout
    assert (sample_record / "output" / "dossier" / "dossier.html").is_file()
    assert not (sample_record / "output" / "dossier" / "dossier.pdf").exists()


def test_no_pdf_skips_the_pdf(sample_record):
    result = run_cli("build", "-C", sample_record, "--no-pdf")
    assert "no PDF (--no-pdf)" in result.stdout
    assert not (sample_record / "output" / "dossier" / "dossier.pdf").exists()


def test_weasyprint_is_not_imported_to_start_the_cli():
    code = "import sys, generator.cli; sys.exit('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=False).returncode == 0


def git(folder, *arguments):
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(folder), "PATH": "/usr/bin:/bin"})


def test_the_cover_is_stamped_with_the_records_commit(sample_record):
    assert StampReading(sample_record).result().describe() == "not in git"
    run_cli("build", "-C", sample_record, "--no-pdf")  # a record outside git still builds, and says so
    html = (sample_record / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert '<dd class="stamp">not in git</dd>' in html
    git(sample_record, "init", "-q")
    git(sample_record, "add", ".")
    git(sample_record, "commit", "-qm", "record")
    stamp = StampReading(sample_record).result()
    assert re.fullmatch(r"commit [0-9a-f]{7,}", stamp.describe())
    profile = sample_record / "content" / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("Lisbon", "Porto"), encoding="utf-8")
    assert StampReading(sample_record).result().describe().endswith("+ uncommitted changes")
    run_cli("build", "-C", sample_record, "--no-pdf")
    html = (sample_record / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert f"commit {stamp.commit} + uncommitted changes" in html


def test_stories_that_share_headings_and_footnotes_keep_their_ids_apart(sample_record):
    """Two STAR stories with `## Situation` and a footnote: no id twice, no PDF warning, PDF reused."""
    for path in sorted((sample_record / "content" / "achievements").glob("*.md"))[:3]:
        path.write_text(path.read_text(encoding="utf-8") + "\n## Situation\n\nIt was slow.[^1]\n\n"
                        "See [the situation](#situation).\n\n[^1]: Measured in CI.\n", encoding="utf-8")
    first = run_cli("build", "-C", sample_record)
    assert first.status == 0 and "PDF warning" not in first.stdout, first.stdout
    html = (sample_record / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for anchor in re.findall(r'href="#([^"]+)"', html):
        assert anchor in ids, anchor  # every link inside the dossier lands somewhere
    again = run_cli("build", "-C", sample_record)
    assert "dossier.pdf unchanged since the last build" in again.stdout


def test_the_pdf_is_tagged_for_screen_readers(sample_dossier):
    info = subprocess.run(["pdfinfo", str(sample_dossier / "dossier.pdf")], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info


def test_the_outline_reads_as_the_packets_contents(sample_dossier):
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(PdfReader(sample_dossier / "dossier.pdf").outline))
    html = (sample_dossier / "dossier.html").read_text(encoding="utf-8")
    goals = re.findall(r'<h3 data-bookmark="([^"]+)"', html)
    assert goals and all(goal in outline for goal in goals)  # the title alone, not its status badge
    assert not [title for title in outline if title.endswith(("in progress", "planned", "done"))]
    assert "Achievements" in outline and "Goals and plan" in outline


def test_characters_without_a_font_are_said_once_and_do_not_stop_the_pdf_being_reused(tmp_path, monkeypatch):
    import shutil

    from conftest import FIXTURES

    import generator.pdf

    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "base", record)
    profile = record / "content" / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: Ada Example", "name: 多区域 Ada 多"),
                       encoding="utf-8")
    monkeypatch.setattr(generator.pdf, "fonts_digest", lambda: "fonts as they are")
    first = run_cli("build", "-C", record, "--out", tmp_path / "one")
    assert first.status == 0
    warnings = [line for line in first.stdout.splitlines() if "PDF warning" in line]
    if not warnings:
        pytest.skip("this machine has a font for these characters")
    assert len(warnings) == 1 and "3 characters have no font on this machine: 多 区 域" in warnings[0]
    assert "fonts-noto-cjk" in warnings[0] and "pages, A4" in first.stdout
    # the same dossier again (into another folder): the PDF made with warnings is reused
    second = run_cli("build", "-C", record, "--out", tmp_path / "two")
    assert "dossier.pdf unchanged since the last build" in second.stdout
    assert [line for line in second.stdout.splitlines() if "PDF warning" in line] == warnings
    # a font was installed: the PDF is made again, for the font may cover the characters
    monkeypatch.setattr(generator.pdf, "fonts_digest", lambda: "a font was installed")
    third = run_cli("build", "-C", record, "--out", tmp_path / "three")
    assert "pages, A4" in third.stdout


def test_a_long_record_makes_a_packet_the_featured_and_strongest_in_full(tmp_path):
    record = tmp_path / "record"
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "40", str(tmp_path)],
                   check=True, capture_output=True)
    first = min((record / "content" / "achievements").glob("*.md"))
    first.write_text(first.read_text(encoding="utf-8").replace("\n---\n", "\nfeatured: true\n---\n", 1)
                     .replace("visibility: private", "visibility: internal"), encoding="utf-8")
    feedback = record / "content" / "feedback.yaml"
    text = feedback.read_text(encoding="utf-8")
    last_quote = text.rstrip().rsplit("\n- ", 1)[1].split("\n")[0]
    feedback.write_text(text.rstrip() + "\n  featured: true\n", encoding="utf-8")
    assert run_cli("build", "--no-pdf", "-C", record).status == 0
    html = (record / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    told = re.findall(r'<article class="achievement" id="a-([^"]+)"', html)
    featured = {path.stem for path in (record / "content" / "achievements").glob("*.md")
                if "\nfeatured: true" in path.read_text(encoding="utf-8")}
    assert len(told) == 12 and first.stem in told
    ranks = [stem in featured for stem in told]
    assert ranks == sorted(ranks, reverse=True)  # every featured achievement before any other
    brief = re.findall(r'<li id="a-([^"]+)"', html)
    assert brief and not set(brief) & set(told)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert all(anchor in ids for anchor in re.findall(r'href="#([^"]+)"', html))
    quotes = re.findall(r'<figure class="quote" id="f-[^"]+">\s*<blockquote>(.*?)</blockquote>', html, re.DOTALL)
    assert last_quote.split(": ", 1)[1].strip('"')[:20] in quotes[0]  # the featured quote leads
    home = (record / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert last_quote.split(": ", 1)[1].strip('"')[:20] in home


def test_nothing_in_the_dossier_is_set_under_8_points():
    css = (PROJECT / "themes" / "default" / "static" / "css" / "dossier.css").read_text(encoding="utf-8")
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert sizes and min(sizes) >= 8


def test_goals_say_only_what_they_have_and_write_minus_signs(sample_dossier):
    html = (sample_dossier / "dossier.html").read_text(encoding="utf-8")
    goals = re.findall(r'<article class="goal".*?</article>', html, re.DOTALL)
    assert goals
    for goal in goals:
        advanced = re.search(r'<th scope="row">Advanced by</th><td>(.*?)</td>', goal, re.DOTALL)
        assert advanced is None or advanced.group(1).strip(), "an empty 'Advanced by'"
    assert "Target</th><td>−20%" in html and "Target</th><td>-20%" not in html


CHAPTERS = ("Executive summary", "Since the last review", "Evidence matrix", "Achievements", "Projects",
            "What others say", "Certifications and learning", "Goals and plan", "Index of achievements")


def laid_out_pages(pdf):
    """Each page's lines of text, top to bottom, without the running header and footer, and how
    full the page is (the lowest line's foot over the height between the margins)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html, re.DOTALL):
        height = float(height)
        lines: dict[float, list[str]] = {}
        for top, bottom, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', body):
            if 45 < float(top) and float(bottom) < height - 45:  # inside the page's margins
                lines.setdefault(round(float(bottom)), []).append(word)
        feet = sorted(lines)
        fill = (feet[-1] - 55) / (height - 110) if feet else 0.0
        pages.append(([" ".join(lines[foot]) for foot in feet], fill))
    return pages


@pytest.fixture(scope="module")
def forty_achievements(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forty")
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "make_record.py"), "40", str(folder)],
                   check=True, capture_output=True)
    result = run_cli("build", "-C", folder / "record", "--out", folder / "out")
    assert result.status == 0, result.stderr
    return folder / "out" / "dossier"


def test_pages_are_filled_and_achievements_open_on_the_page_that_tells_them(forty_achievements):
    """No page is under a third full but a chapter's last; an achievement's title, facts and impact
    table stand on one page, and the title is never the last line of a page."""
    pages = laid_out_pages(forty_achievements / "dossier.pdf")
    starts_chapter = [bool(lines) and lines[0] in CHAPTERS for lines, _ in pages]
    for number, (lines, fill) in enumerate(pages, 1):
        last_of_chapter = number == len(pages) or starts_chapter[number]
        assert fill >= 1 / 3 or last_of_chapter, (number, round(fill, 2), lines[:3])

    first = next(n for n, (lines, _) in enumerate(pages) if lines and lines[0] == "Achievements")
    last = next(n for n in range(first + 1, len(pages)) if starts_chapter[n])
    html = (forty_achievements / "dossier.html").read_text(encoding="utf-8")
    articles = re.findall(r'<article class="achievement"[^>]*>(.*?)</article>', html, re.DOTALL)
    assert len(articles) == 12
    for article in articles:
        title = re.search(r"<h3>(.*?)</h3>", article).group(1)
        table = re.search(r'<table class="impact">(.*?)</table>', article, re.DOTALL)
        metrics = re.findall(r"<tr><td>(.*?)</td>", table.group(1)) if table else []
        holding = [number for number in range(first, last) if title in pages[number][0]]
        assert len(holding) == 1, title
        lines = pages[holding[0]][0]
        assert lines.index(title) < len(lines) - 1, f"{title} ends a page"
        below = lines[lines.index(title):]
        for metric in metrics[:1] + metrics[-1:]:  # the whole table
            assert any(metric in line for line in below), (title, metric)


def test_a_small_record_links_only_to_the_chapters_it_has(tmp_path):
    from conftest import write_record

    root = write_record(tmp_path, {
        "content/profile.yaml": "name: Ελένη Παπαδοπούλου\ntarget: {title: Staff Engineer}\n",
        "content/achievements/a.md": "---\ntitle: Сократила время сборки\ndate: 2025-03-14\nimpact:\n"
                                     "  - {metric: Build time, before: 41, after: 15, unit: min}\n---\n",
    })
    result = run_cli("build", "-C", root)
    assert result.status == 0 and "PDF warning" not in result.stdout, result.stdout
    html = (root / "output" / "dossier" / "dossier.html").read_text(encoding="utf-8")
    assert "1 achievement</a> · no feedback yet · no certifications" in html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert all(anchor in ids for anchor in re.findall(r'href="#([^"]+)"', html))
