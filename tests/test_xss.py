"""Hostile text in every field of a record runs nothing and injects nothing, checked in Chromium."""

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest
from conftest import run_cli, write_record

from generator.markdown import MarkdownRenderer

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "\"><script>alert(4)</script>",
    "'><img src=x onerror=alert(5)>",
    "\" onmouseover=\"alert(6)\" x=\"",
    "' onfocus='alert(7)' autofocus='",
    "</title><script>alert(8)</script>",
    "<iframe src=javascript:alert(9)></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    "{{ 7*7 }}{% raw %}",
    "]]><script>alert(11)</script>",
]
MARKDOWN_PAYLOADS = [
    "[a](javascript:alert(12))", "[b](JaVaScRiPt:alert(13))", "[c](java\u200bscript:alert(14))",
    "[d](&#106;avascript:alert(15))", "[e](data:text/html,<script>alert(16)</script>)",
    "![f](javascript:alert(17))", "<a href=\"javascript:alert(18)\">g</a>", "[h](vbscript:msgbox(19))",
    "<a href=\"&#106;ava&#x0A;script:alert(20)\">i</a>", "[j](  javascript:alert(21))",
]
PLAIN = " ".join(PAYLOADS)
STORY = "\n\n".join(PAYLOADS + MARKDOWN_PAYLOADS)


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def hostile_record(root: Path) -> Path:
    """A valid record with a payload in every field that holds text, and in every Markdown text."""
    write_record(root, {
        "careerfolio.yaml": f"title: {q(PLAIN)}\nbase_url: https://example.com/me/\n",
        "content/profile.yaml": "\n".join([
            f"name: {q('Ada ' + PAYLOADS[0])}", f"headline: {q(PLAIN)}", f"location: {q(PLAIN)}",
            f"summary: {q(STORY)}", f"ask: {q(STORY + ' Promotion to L6')}",
            f"role: {{title: {q(PLAIN)}, level: {q(PAYLOADS[1])}, team: {q(PAYLOADS[2])}}}",
            f"target: {{title: {q(PLAIN)}, level: {q(PAYLOADS[3])}}}",
            f"links: [{{label: {q(PLAIN)}, url: 'https://example.com/?q=<script>alert(22)</script>'}}]", ""]),
        "content/competencies.yaml": (f"framework: {q(PLAIN)}\nlevel: {q(PLAIN)}\ncompetencies:\n"
                                      f"  - {{id: c, name: {q(PLAIN)}, expectation: {q(PLAIN)}}}\n"),
        "content/achievements/a.md": "\n".join([
            "---", f"title: {q(PLAIN)}", "date: 2025-03-14", f"summary: {q(PLAIN)}",
            f"impact: [{{metric: {q(PLAIN)}, before: 41, after: 15, unit: {q(PAYLOADS[4])}, per: {q(PAYLOADS[5])}}}]",
            "competencies: [c]", "projects: [p]", "goals: [g]",
            f"tags: [{q(PAYLOADS[0])}, {q(PAYLOADS[6])}]", f"collaborators: [{q(PLAIN)}]",
            f"evidence: [{{title: {q(PLAIN)}, url: 'https://example.com/\"onmouseover=alert(23)'}}]",
            f"star: {{situation: {q(STORY)}, task: {q(STORY)}, action: {q(STORY)}, result: {q(STORY)}}}",
            "featured: true", "---", STORY, ""]),
        "content/projects/p.md": "\n".join([
            "---", f"title: {q(PLAIN)}", f"role: {q(PLAIN)}", "period: {start: 2024-06}", f"summary: {q(PLAIN)}",
            f"skills: [{q(PAYLOADS[7])}]", f"tags: [{q(PAYLOADS[8])}]",
            f"links: [{{label: {q(PLAIN)}, url: 'https://example.com'}}]", "---", STORY, ""]),
        "content/goals.yaml": (f"- {{id: g, title: {q(PLAIN)}, measure: {q(PLAIN)}, target: {q(PLAIN)}, "
                               "deadline: 2026-06, status: in-progress, progress: 40, competencies: [c]}\n"),
        "content/feedback.yaml": (f"- {{quote: {q(STORY)}, author: {q(PLAIN)}, role: {q(PLAIN)}, "
                                  f"source: {q(PLAIN)}, date: 2025-06, competencies: [c]}}\n"),
        "content/certifications.yaml": (f"- {{name: {q(PLAIN)}, issuer: {q(PLAIN)}, credential_id: {q(PLAIN)}, "
                                        "earned: 2024-05, url: 'https://example.com/cert'}\n"),
        "content/learning.yaml": f"- {{title: {q(PLAIN)}, provider: {q(PLAIN)}, date: 2025-02, kind: book}}\n",
    })
    return root


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


INSPECT = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'frame', 'base', 'form', 'math', 'mglyph'].includes(tag)) found.push('element ' + tag);
    if (tag === 'script' && element.type !== 'application/ld+json') found.push('script ' + element.outerHTML.slice(0, 80));
    if (tag === 'svg' && element.closest('[class]') === null && element.getAttribute('onload') !== null) found.push('svg');
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase(), value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(tag + ' handler ' + name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name) &&
          (value.startsWith('javascript:') || value.startsWith('vbscript:') || value.startsWith('data:text')))
        found.push(tag + ' ' + name + '=' + value);
    }
  }
  return found;
}"""


@pytest.mark.browser
def test_hostile_text_runs_nothing_and_injects_nothing_in_any_page(tmp_path):
    from test_browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    record = hostile_record(tmp_path / "record")
    for audience in ("public", "internal"):
        result = run_cli("build", "--no-pdf", "-C", record, "--audience", audience, "--out", tmp_path / audience)
        assert result.status == 0, result.stderr
    pages = sorted(path for audience in ("public", "internal") for path in (tmp_path / audience).rglob("*.html"))
    assert len(pages) > 20
    everything = "".join(path.read_text(encoding="utf-8") for path in pages)
    assert "{{ 7*7 }}" in everything and "<script>alert" not in everything

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            context = browser.new_context()
            context.add_init_script("for (const name of ['alert', 'confirm', 'prompt']) "
                                    "window[name] = (...args) => { window.__ran = (window.__ran || 0) + 1; };")
            page = context.new_page()
            page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            for path in pages:
                relative = path.relative_to(tmp_path).as_posix()
                page.goto(base + relative)
                page.mouse.move(10, 10)
                page.keyboard.press("Tab")
                if page.evaluate("window.__ran || 0"):
                    problems.append(f"{relative}: a script ran")
                problems.extend(f"{relative}: {found}" for found in page.evaluate(INSPECT))
            browser.close()
    finally:
        server.shutdown()
    assert problems == []


def test_raw_html_when_allowed_keeps_its_markup_but_loses_script_links():
    renderer = MarkdownRenderer(allow_html=True)
    html = renderer.render('<a href="javascript:alert(1)">x</a> <a href="&#106;ava&#x0A;script:alert(2)">y</a> '
                           '<b>bold</b> <a href="https://example.com">ok</a> <img srcset="a.png 1x, data:x 2x">')
    assert "javascript" not in html.lower() and "data:" not in html
    assert "<b>bold</b>" in html and 'href="https://example.com"' in html
