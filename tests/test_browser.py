"""The built site in a real browser: it navigates, fits a phone, needs no script, and passes axe-core."""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from conftest import AXE_OPTIONS, CHROMIUM, QuietHandler, run_cli

pytestmark = pytest.mark.browser

PAGES = [
    "index.html", "achievements/index.html", "achievements/2025-03-ci-build-time/index.html",
    "achievements/2025-06-multi-region-failover/index.html", "projects/index.html",
    "projects/build-platform/index.html", "competencies/index.html", "competencies/strategy/index.html",
    "timeline/index.html", "certifications/index.html", "goals/index.html", "feedback/index.html",
    "learning/index.html", "tags/index.html", "tags/platform/index.html", "404.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample record built once, served from 127.0.0.1 like a static host would."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: scripts/install.sh --test installs it")
        pytest.skip("Chromium is not installed")
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("browser")
    # the internal site is the promotion case: every kind of page, gaps and the plan included
    # (test_screens.py goes through the public portfolio too)
    result = run_cli("build", "-C", root, "--out", out, "--audience", "internal")
    assert result.status == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(out / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", out / "site"
    server.shutdown()


def open_page(browser, url, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    # a request cut short because the reader moved on (the favicon, a font) is no fault of the page
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}")
            if "ERR_ABORTED" not in (request.failure or "") else None)
    page.on("response", lambda response: problems.append(f"{response.status}: {response.url}")
            if response.status >= 400 and not response.url.endswith("/missing-page/") else None)
    page.goto(url)
    return page, problems


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_page_loads_cleanly_and_passes_axe(site, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = site
    page, problems = open_page(browser, base + path)
    assert problems == []
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []
    page.context.close()


@pytest.mark.parametrize("path", ["index.html", "achievements/2025-03-ci-build-time/index.html",
                                  "competencies/index.html", "goals/index.html"])
def test_pages_fit_a_375px_phone_without_sideways_scrolling(site, browser, path, tmp_path):
    base, _ = site
    page, _ = open_page(browser, base + path, viewport={"width": 375, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375
    # a box may also clip what does not fit it, which the page width alone does not show
    clipped = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(element => {
        const style = getComputedStyle(element);
        // scroll containers scroll, and a visually hidden label is one pixel wide on purpose
        if (['auto', 'scroll'].includes(style.overflowX) || element.clientWidth <= 1) return false;
        return element.scrollWidth > element.clientWidth + 1;
    }).map(element => element.tagName + ' ' + element.className + ': ' + element.textContent.trim().slice(0, 40))""")
    assert clipped == []
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    page.context.close()


def test_a_reader_navigates_from_home_to_an_achievement_and_back(site, browser):
    base, _ = site
    page, problems = open_page(browser, base, viewport={"width": 1440, "height": 900})
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Achievements").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Achievements"
    page.get_by_role("link", name="Cut CI build time by 63% for 14 product teams").click()
    assert page.url.endswith("/achievements/2025-03-ci-build-time/index.html")
    assert page.get_by_role("cell", name="−26 min (−63%)").is_visible()
    page.get_by_role("link", name="Build platform v3").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Build platform v3"
    page.get_by_role("link", name="Priya Raman").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Priya Raman"
    assert problems == []
    page.context.close()


def test_every_page_reads_without_javascript(site, browser):
    base, _ = site
    page, _ = open_page(browser, base, java_script_enabled=False)
    assert page.get_by_role("heading", name="The ask").is_visible()
    assert page.get_by_text("Staff Engineer (L6)").first.is_visible()
    page.context.close()


def test_every_internal_link_of_the_site_resolves(site):
    """No page links to a page or file the build did not write."""
    import re

    _, folder = site
    missing = []
    for page in folder.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if target.startswith("//") or not target:
                continue
            # 404.html links from the site's root path, since a host serves it at any depth
            resolved = (folder / target.lstrip("/") if target.startswith("/") else page.parent / target).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                missing.append(f"{page.relative_to(folder)} -> {target}")
    assert missing == []


@pytest.fixture(scope="module")
def long_site(tmp_path_factory):
    """A record long enough that its lists link earlier years to pages of their own."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("long")
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "make_record.py"),
                    "400", str(folder)], check=True, capture_output=True)
    result = run_cli("build", "--no-pdf", "-C", folder / "record", "--out", folder / "out")
    assert result.status == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(folder / "out" / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("path", ["achievements/index.html", "timeline/index.html", "years/2012/index.html"])
def test_lists_split_by_year_pass_axe_and_fit_a_phone(long_site, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    page, problems = open_page(browser, long_site + path, viewport={"width": 375, "height": 800})
    assert problems == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]]
    assert violations == []
    if path != "years/2012/index.html":
        page.get_by_role("link", name="2012").click()
        assert page.get_by_role("heading", level=1).inner_text() == "2012"
    page.context.close()


def test_the_dossier_html_passes_axe_too(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    _, folder = site
    dossier = folder.parent / "dossier" / "dossier.html"
    context = browser.new_context()
    page = context.new_page()
    page.goto(dossier.as_uri())
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]]
    assert violations == []
    assert page.locator("main").count() == 1
    context.close()
