"""Every page of every built-in theme on a phone and a desktop, light and dark, and on paper.

The sample record is built once per theme and audience. Each page is then opened at
375 and 1280 px wide and checked for what a reader sees go wrong: sideways scrolling,
text cut off by its box, boxes drawn over each other or flush against the header and
footer, errors in the console, fonts that do not load. Pages of each kind also pass axe
and the Nu HTML checker, and every link resolves. Failures name a screenshot to look at.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import CHROMIUM, PROJECT, QuietHandler, run_cli

from generator.themes import discover_themes

pytestmark = pytest.mark.browser


THEMES = sorted(discover_themes(None))
AUDIENCES = ["public", "internal"]
SCREENS = [(375, "light"), (375, "dark"), (1280, "light"), (1280, "dark")]
# A4 less the 15 mm margins the print styles ask for, in CSS pixels (96 per inch)
A4_PRINT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)


@dataclass
class Site:
    theme: str
    audience: str
    base: str
    folder: Path
    shots: Path

    @property
    def pages(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*.html"))

    @property
    def one_of_each_kind(self) -> list[str]:
        """Every list page, and the first page under each list: one of each template."""
        kinds: dict[str, str] = {}
        for page in self.pages:
            parts = page.split("/")
            kinds.setdefault(parts[0] if len(parts) > 2 else page, page)
        return sorted(kinds.values())

    @property
    def has_dark_styles(self) -> bool:
        return any(re.search(r"prefers-color-scheme:\s*dark", css.read_text(encoding="utf-8"))
                   for css in self.folder.rglob("*.css"))


@pytest.fixture(scope="module", params=[(t, a) for t in THEMES for a in AUDIENCES], ids="-".join)
def site(request, tmp_path_factory):
    """The sample record built with one theme for one audience, served like a static host would."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: scripts/install.sh --test installs it")
        pytest.skip("Chromium is not installed")
    theme, audience = request.param
    work = tmp_path_factory.mktemp(f"screens-{theme}-{audience}")
    record = work / "record"
    shutil.copytree(PROJECT / "content", record / "content")
    settings = yaml.safe_load((PROJECT / "careerfolio.yaml").read_text(encoding="utf-8"))
    (record / "careerfolio.yaml").write_text(yaml.safe_dump({**settings, "theme": theme}), encoding="utf-8")
    result = run_cli("build", "--no-pdf", "--audience", audience, "-C", record, "--out", work / "out")
    assert result.status == 0, result.stderr
    folder = work / "out" / "site"
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shots = Path(os.environ.get("CAREERFOLIO_SCREENSHOTS") or work / "screenshots") / f"{theme}-{audience}"
    shots.mkdir(parents=True, exist_ok=True)
    yield Site(theme, audience, f"http://127.0.0.1:{server.server_address[1]}/", folder, shots)
    server.shutdown()




class Screen:
    """One tab at one size and colour scheme, reused for page after page."""

    def __init__(self, browser, site: Site, width: int, scheme: str, media: str = "screen"):
        self.site, self.name = site, f"{width}-{scheme}" + ("-print" if media == "print" else "")
        self.context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        self.page = self.context.new_page()
        self.page.emulate_media(media=media)
        self.problems: list[str] = []
        self.page.on("console", lambda message: self.problems.append(f"console error: {message.text}")
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        # a request cut short because the next page was opened (the favicon, say) is no fault
        self.page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url}")
                     if "ERR_ABORTED" not in (request.failure or "") else None)
        self.page.on("response", lambda response: self.problems.append(f"{response.status}: {response.url}")
                     if response.status >= 400 else None)

    def open(self, path: str) -> list[str]:
        """Go to `path` and wait for its fonts; what went wrong on the way there."""
        self.problems.clear()
        self.page.goto(self.site.base + path)
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return list(self.problems)

    def screenshot(self, path: str) -> Path:
        name = path.removesuffix("index.html").removesuffix(".html").strip("/").replace("/", "_") or "home"
        target = self.site.shots / f"{name}-{self.name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def close(self):
        self.context.close()


# What a reader would see go wrong, measured in the page. Each finding is one line of text.
LAYOUT_PROBLEMS = """() => {
  const found = [];
  const width = window.innerWidth;
  const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
    + [...element.classList].map(c => '.' + c).join('') + ' "' + element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const shown = element => {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    // a visually hidden label is one pixel on purpose
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 1 && box.height > 1;
  };
  if (document.documentElement.scrollWidth > width)
    found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width} px`);

  for (const element of document.querySelectorAll('body *')) {
    if (!shown(element) || element.closest('.visually-hidden')) continue;
    const style = getComputedStyle(element);
    // a box that scrolls shows the rest on demand; an inline box has no width of its own
    if (['auto', 'scroll'].includes(style.overflowX) || style.display === 'inline') continue;
    const cuts = ['hidden', 'clip'].includes(style.overflowX) ? 'cuts off' : 'spills out of its box';
    if (element.scrollWidth > element.clientWidth + 1)
      found.push(`${name(element)} ${cuts} ${element.scrollWidth - element.clientWidth} px of its content`);
    if (['hidden', 'clip'].includes(style.overflowY) && element.scrollHeight > element.clientHeight + 1)
      found.push(`${name(element)} cuts off ${element.scrollHeight - element.clientHeight} px of its content's height`);
  }

  // boxes side by side or one under the other never cover one another
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const main = document.querySelector('main');
  const header = document.querySelector('body > header'), footer = document.querySelector('body > footer');
  for (const parent of [header, main, footer].filter(Boolean).flatMap(region => [region, ...region.querySelectorAll('*')])) {
    const children = [...parent.children].filter(child => shown(child)
      && !['inline', 'contents'].includes(getComputedStyle(child).display)
      && !['absolute', 'fixed'].includes(getComputedStyle(child).position));
    for (let i = 0; i < children.length; i++)
      for (let j = i + 1; j < children.length; j++)
        if (overlap(children[i].getBoundingClientRect(), children[j].getBoundingClientRect()))
          found.push(`${name(children[i])} and ${name(children[j])} overlap`);
  }
  const content = [...main.children].filter(shown);
  if (header && shown(header) && content.length) {
    const gap = content[0].getBoundingClientRect().top - header.getBoundingClientRect().bottom;
    if (gap < 16) found.push(`${name(content[0])} is ${gap} px under the header`);
  }
  if (footer && shown(footer) && content.length) {
    const gap = footer.getBoundingClientRect().top - content[content.length - 1].getBoundingClientRect().bottom;
    if (gap < 16) found.push(`${name(content[content.length - 1])} is ${gap} px above the footer`);
  }

  // the sections stay within two lines on a phone, under the name
  const links = [...document.querySelectorAll('body > header nav li')].filter(shown);
  const lines = new Set(links.map(link => Math.round(link.getBoundingClientRect().top))).size;
  if (lines > 2) found.push(`the navigation takes ${lines} lines`);

  // an achievement's result is the number that matters most: on screen without scrolling
  for (const table of document.querySelectorAll('.impact-table')) {
    const frame = (table.closest('.table-scroll') || table).getBoundingClientRect();
    for (const cell of table.querySelectorAll('tbody td:last-child')) {
      const box = cell.getBoundingClientRect();
      if (!shown(cell) || box.right > Math.min(frame.right, width) + 1)
        found.push(`the result "${cell.textContent.trim()}" is off screen`);
    }
  }

  for (const face of document.fonts)
    if (face.status === 'error') found.push(`the font ${face.family} ${face.weight} ${face.style} did not load`);
  // a preloaded font the page does not draw with only slows the page down
  const rules = [...document.styleSheets].flatMap(sheet => [...sheet.cssRules]).filter(rule => rule instanceof CSSFontFaceRule);
  for (const link of document.querySelectorAll('link[rel=preload][as=font]')) {
    const file = new URL(link.href).pathname.split('/').pop();
    const rule = rules.find(rule => rule.style.getPropertyValue('src').includes(file));
    const drawn = rule && [...document.fonts].some(face => face.status === 'loaded'
      && face.weight === rule.style.getPropertyValue('font-weight') && face.style === rule.style.getPropertyValue('font-style'));
    if (!drawn) found.push(`${file} is preloaded but the page does not use it`);
  }
  return found;
}"""


def rendered_family(page, selector: str) -> str:
    """The font Chromium actually drew the first `selector` with, not the one the CSS asked for."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return max(fonts, key=lambda font: font["glyphCount"])["familyName"]


@pytest.mark.parametrize("width,scheme", SCREENS, ids=[f"{w}-{s}" for w, s in SCREENS])
def test_every_page_fits_the_screen(site, browser, width, scheme):
    if scheme == "dark" and not site.has_dark_styles:
        pytest.skip(f"the {site.theme} theme has no dark colours: dark pages are its light pages")
    screen = Screen(browser, site, width, scheme)
    failures = []
    for path in site.pages:
        problems = screen.open(path) + screen.page.evaluate(LAYOUT_PROBLEMS)
        if path in site.one_of_each_kind or problems:
            shot = screen.screenshot(path)
            failures += [f"{path}: {problem} (see {shot})" for problem in problems]
    screen.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width,scheme", SCREENS, ids=[f"{w}-{s}" for w, s in SCREENS])
def test_one_page_of_each_kind_passes_axe(site, browser, width, scheme):
    from axe_playwright_python.sync_playwright import Axe

    if scheme == "dark" and not site.has_dark_styles:
        pytest.skip(f"the {site.theme} theme has no dark colours: dark pages are its light pages")
    axe, screen = Axe(), Screen(browser, site, width, scheme)
    violations = []
    for path in site.one_of_each_kind:
        screen.open(path)
        violations += [(path, v["id"], [n["target"] for n in v["nodes"]][:3])
                       for v in axe.run(screen.page).response["violations"]]
    screen.close()
    assert not violations, "\n".join(map(str, violations))


def test_the_site_draws_with_the_fonts_the_dossier_embeds(site, browser):
    """The site and the PDF look alike only if the site ships the dossier's fonts, not a fallback."""
    dossier_styles = (site.folder.parent / "dossier" / "css" / "dossier.css").read_text(encoding="utf-8")
    families = set(re.findall(r'@font-face\s*{[^}]*font-family:\s*"?([^";}]+)', dossier_styles))
    if not families:
        pytest.skip(f"the {site.theme} theme's dossier embeds no font")
    screen = Screen(browser, site, 1280, "light")
    assert screen.open("index.html") == []
    # a weight other than regular and bold is a family of its own to the system: "Inter Semi Bold"
    drawn = {selector: rendered_family(screen.page, selector) for selector in ("h1", "main p", "body > header a")}
    screen.close()
    assert all(family.startswith(tuple(families)) for family in drawn.values()), (drawn, families)


def test_a_phone_that_gets_no_web_font_still_fits_every_kind_of_page(site, browser):
    """Before the fonts arrive, or where they cannot load, the fallback font must fit as well."""
    screen = Screen(browser, site, 375, "light")
    screen.page.route("**/*.woff2", lambda route: route.abort())
    failures = []
    for path in site.one_of_each_kind:
        screen.open(path)
        failures += [f"{path}: {problem}" for problem in screen.page.evaluate(LAYOUT_PROBLEMS)
                     if "did not load" not in problem and "is preloaded" not in problem]
    screen.close()
    assert not failures, "\n".join(failures)


def test_printing_the_matrix_on_a4_cuts_nothing_off(site, browser):
    screen = Screen(browser, site, A4_PRINT_WIDTH, "light", media="print")
    assert screen.open("competencies/index.html") == []
    # a public site is a portfolio: skills in a list, no matrix; the internal site has the matrix
    shape = "main .competency-list" if site.audience == "public" else "main table"
    fits = screen.page.evaluate("""(shape) => {
      const matrix = document.querySelector(shape);
      let box = matrix;
      // every box around the matrix shows all of it: on paper nothing scrolls
      while ((box = box.parentElement) !== document.body)
        if (box.scrollWidth > box.clientWidth + 1) return box.className + ' is ' + box.scrollWidth + ' px wide in ' + box.clientWidth;
      const right = matrix.getBoundingClientRect().right;
      return right <= window.innerWidth ? 'fits' : 'ends at ' + right + ' px';
    }""", shape)
    problems = screen.page.evaluate(LAYOUT_PROBLEMS)
    shot = screen.screenshot("competencies/index.html")
    assert (fits, problems) == ("fits", []), f"see {shot}"
    screen.close()


def test_every_link_resolves(site):
    """Every address a page, a stylesheet or the sitemap links to is a file the build wrote, every fragment an id."""
    missing = []
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))
        return ids[page]

    for page in sorted(site.folder.rglob("*.html")):
        for link in re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8")):
            parts = urlsplit(html.unescape(link))
            if parts.scheme or parts.netloc:
                continue
            if parts.path.startswith("/"):
                target = site.folder / unquote(parts.path).lstrip("/")
            else:
                target = page.parent / unquote(parts.path) if parts.path else page
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.folder.resolve() not in target.parents:
                missing.append(f"{page.relative_to(site.folder)} -> {link}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                missing.append(f"{page.relative_to(site.folder)} -> {link} (no such id)")
    for stylesheet in sorted(site.folder.rglob("*.css")):
        for link in re.findall(r'url\("?([^")]+)"?\)', stylesheet.read_text(encoding="utf-8")):
            if not urlsplit(link).scheme and not (stylesheet.parent / link).resolve().is_file():
                missing.append(f"{stylesheet.relative_to(site.folder)} -> {link}")
    base = yaml.safe_load((PROJECT / "careerfolio.yaml").read_text(encoding="utf-8"))["base_url"]
    for address in re.findall(r"<loc>([^<]+)</loc>", (site.folder / "sitemap.xml").read_text(encoding="utf-8")):
        target = site.folder / address.removeprefix(base)
        if not (target / "index.html" if address.endswith("/") else target).is_file():
            missing.append(f"sitemap.xml -> {address}")
    assert not missing, "\n".join(missing)


def nu_checker() -> list[str] | None:
    """How to run the Nu HTML checker: VNU_JAR, or the copy scripts/install.sh --test puts in .venv."""
    jar = os.environ.get("VNU_JAR") or str(PROJECT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
    if Path(jar).is_file() and shutil.which("java"):
        return ["java", "-jar", jar]
    if shutil.which("vnu"):
        return ["vnu"]
    return None


def test_every_page_passes_the_nu_html_checker(site):
    command = nu_checker()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("the Nu HTML checker is missing: scripts/install.sh --test installs it")
        pytest.skip("the Nu HTML checker is not installed: scripts/install.sh --test installs it (needs Java and npm)")
    pages = [str(page) for page in sorted(site.folder.rglob("*.html"))]
    run = subprocess.run([*command, "--errors-only", "--format", "json", "--stdout", *pages],
                         check=False, capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stdout)["messages"]
    errors = [f"{Path(unquote(urlsplit(m.get('url', '')).path)).relative_to(site.folder)}:{m.get('lastLine')}: "
              f"{m['message']}" for m in messages]
    assert not errors, "\n".join(errors)
