"""`careerfolio serve` for real: a subprocess on a free port, edited, broken, fixed, attacked and loaded."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import PROJECT, run_cli

from generator.serve import inject_live_script, is_loopback, resolve_request_path

ACHIEVEMENT = Path("content") / "achievements" / "2025-03-ci-build-time.md"
PAGE = "/achievements/2025-03-ci-build-time/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)  # the path exactly as given
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def first_event(port: int, timeout: float = 10) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/__careerfolio/events")
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])
    finally:
        connection.close()


def wait_until(condition, timeout: float = 40, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not within {timeout} s")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(autouse=True)
def ctrl_c_reaches_serve():
    """Ctrl-C stops serve, as in a terminal. Tests run in the background (`… &` in a script)
    start with SIGINT ignored, and a child keeps an ignored signal; a handled one is reset
    to its default in the child, so while these tests run, this process handles it."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


class Served:
    """`careerfolio serve` in a subprocess, with what it printed."""

    def __init__(self, record: Path, *arguments: str, environment: dict[str, str] | None = None):
        self.port = free_port()
        self.lines: list[str] = []
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(environment or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-C", str(record), "--port", str(self.port), *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=PROJECT, env=environment)
        threading.Thread(target=self._read, daemon=True).start()
        wait_until(lambda: any("serving" in line for line in self.lines) or self.process.poll() is not None, 60)
        assert self.process.poll() is None, "\n".join(self.lines)
        # once watching, serve builds again to catch saves made while it started; an edit made
        # during that build could be read by it, and not be the save a test means to follow
        wait_until(lambda: sum(line.startswith("built in") for line in self.lines) >= 2, 60)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def memory_kib(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(15)
            finally:
                if self.process.poll() is None:
                    self.process.kill()
        return self.process.returncode


@pytest.fixture
def served(sample_record):
    server = Served(sample_record)
    yield server, sample_record
    server.stop()


def test_only_files_inside_the_site_resolve(tmp_path):
    site = tmp_path / "site"
    (site / "achievements" / "a").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "achievements" / "a" / "index.html").write_text("a")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "link").symlink_to(tmp_path / "secret.txt")
    (site / "folder-link").symlink_to(tmp_path)
    assert resolve_request_path(site, "/") == site.resolve()
    assert resolve_request_path(site, "/achievements/a/index.html") == (site / "achievements/a/index.html").resolve()
    for attack in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd", "/link",
                   "/folder-link/secret.txt", "//etc/passwd", "/..%2fsecret.txt", "/a%00.html",
                   "/..\\secret.txt", "/achievements/../../secret.txt"):
        assert resolve_request_path(site, attack) is None, attack


def test_the_watcher_builds_soon_after_a_file_is_whole_and_waits_out_a_write(tmp_path):
    from generator.serve import QUIET_SECONDS, WHOLE_QUIET_SECONDS, Watcher

    content = tmp_path / "content" / "achievements"
    content.mkdir(parents=True)
    story, backup = str(content / "a.md"), str(content / "a.md~")
    watcher = Watcher(tmp_path, [tmp_path / "content"], [tmp_path / "output"], lambda *arguments: None)
    assert WHOLE_QUIET_SECONDS < QUIET_SECONDS
    for events, quiet in [
        ([("modified", story)], QUIET_SECONDS),  # still being written, perhaps
        ([("modified", story), ("closed", story)], WHOLE_QUIET_SECONDS),  # written and closed
        ([("closed", story), ("modified", story)], QUIET_SECONDS),  # and written again
        ([("moved", backup, story)], WHOLE_QUIET_SECONDS),  # an atomic save: the new file took its place
        ([("moved", story, backup)], QUIET_SECONDS),  # the old one moved aside: the new one is to come
        ([("deleted", story)], QUIET_SECONDS),  # and so may it after a deletion
    ]:
        for kind, *paths in events:
            watcher.notice(*paths, kind=kind)
        assert watcher.quiet_seconds() == quiet, events
    watcher.notice(str(content), folder=True, kind="created")
    assert watcher.quiet_seconds() == QUIET_SECONDS and watcher.changed is None


def test_a_file_closed_during_the_wait_for_its_write_cuts_the_wait_short(tmp_path, monkeypatch):
    import threading

    from generator import serve

    # a write going on waits long here; its file closed a moment later must not wait that out
    monkeypatch.setattr(serve, "QUIET_SECONDS", 60.0)
    monkeypatch.setattr(serve, "LONGEST_WAIT_SECONDS", 120.0)
    content = tmp_path / "content" / "achievements"
    content.mkdir(parents=True)
    story = str(content / "a.md")
    built = threading.Event()
    watcher = serve.Watcher(tmp_path, [tmp_path / "content"], [tmp_path / "output"],
                            lambda seen, changed: built.set())
    threading.Thread(target=watcher.run, daemon=True).start()
    try:
        watcher.notice(story, kind="modified")
        assert not built.wait(0.2)  # waiting for the write to end
        watcher.notice(story, kind="closed")
        assert built.wait(10), "the build waited out the quiet time of a write after the file was closed"
    finally:
        watcher.stopped.set()


def test_after_a_flood_of_events_the_build_walks_the_record_instead_of_trusting_them(tmp_path):
    """The system drops events once its queue is full (a checkout of another branch can fill
    it): after many, the next build is told nothing of what changed, and so looks at everything."""
    import queue
    import threading

    from generator.serve import MANY_EVENTS, Watcher

    content = tmp_path / "content" / "achievements"
    content.mkdir(parents=True)
    builds: queue.Queue = queue.Queue()
    watcher = Watcher(tmp_path, [tmp_path / "content"], [tmp_path / "output"],
                      lambda seen, changed: builds.put(changed))
    threading.Thread(target=watcher.run, daemon=True).start()
    try:
        watcher.tally()
        watcher.notice(str(content / "a.md"), kind="closed")
        assert builds.get(timeout=10) == {str(content / "a.md")}  # a save: its own word is taken
        for _ in range(MANY_EVENTS):
            watcher.tally()
        watcher.notice(str(content / "b.md"), kind="closed")
        assert builds.get(timeout=10) is None  # a flood: the record is walked
        watcher.tally()
        watcher.notice(str(content / "c.md"), kind="closed")
        assert builds.get(timeout=10) == {str(content / "c.md")}  # and the count starts again
    finally:
        watcher.stopped.set()


def test_while_a_build_writes_the_rest_only_the_pages_it_wrote_first_are_answered():
    from generator.serve import LiveState

    state = LiveState()
    state.begin_rest(frozenset({"achievements/a/index.html"}))
    assert state.generation == 1  # the open pages reload now
    state.wait_for("achievements/a/index.html")  # at once
    answered = threading.Event()
    waiting = threading.Thread(target=lambda: (state.wait_for("index.html"), answered.set()))
    waiting.start()
    assert not answered.wait(0.3), "a page of the build still being written was answered"
    state.end_rest()
    assert answered.wait(10)
    waiting.join()


def test_the_pages_open_and_last_asked_for_are_written_first():
    from generator.serve import FIRST_PAGES, RECENT_PAGES, LiveState, page_file

    assert [page_file(path) for path in ("/", "/achievements/a/", "/css/site.css", "/a%20b/")] == [
        "index.html", "achievements/a/index.html", "css/site.css", "a b/index.html"]
    state = LiveState()
    state.opened("timeline/index.html", 1)
    state.opened("timeline/index.html", 1)
    state.opened("index.html", 1)
    state.opened("index.html", -1)  # that tab was closed
    for number in range(RECENT_PAGES + 2):
        state.looked_at(f"tags/{number}/index.html")
    state.looked_at("tags/0/index.html")
    assert state.first_pages() == {"timeline/index.html", "tags/0/index.html",
                                   *(f"tags/{number}/index.html" for number in range(3, RECENT_PAGES + 2))}
    for number in range(FIRST_PAGES * 2):
        state.opened(f"projects/{number}/index.html", 1)
    assert len(state.first_pages()) == FIRST_PAGES + RECENT_PAGES


def test_the_page_open_in_a_browser_is_built_first(served):
    server, record = served
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/__careerfolio/events?page=" + PAGE)  # as the page's script opens it
        response = connection.getresponse()
        assert response.fp.readline().startswith(b"data: ")
        edit(record / ACHIEVEMENT, "title: Cut CI build time", "title: Shown first, cut CI build time")
        announced = json.loads(next(line for line in iter(response.fp.readline, b"")
                                    if line.startswith(b"data: "))[len(b"data: "):])
        assert not announced["problems"]
        # the open page is the new one as soon as its reload is called for
        assert b"Shown first" in get(server.port, PAGE)[2]
        wait_until(lambda: any("(the open page in" in line for line in server.lines))
    finally:
        connection.close()


def test_the_live_script_goes_before_the_end_of_the_body():
    page = inject_live_script(b"<html><body><p>x</p></body></html>", 3)
    assert page.index(b"<script>") < page.index(b"</body>") and b"const built = 3" in page


def test_loopback_addresses_are_recognised():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_serve_shows_an_edit_then_a_break_then_the_fix(served):
    server, record = served
    status, headers, body = get(server.port, PAGE)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Cut CI build time" in body and b"__careerfolio/events" in body
    built = (record / "output" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html").read_bytes()
    assert b"__careerfolio" not in built  # the reload script is only in what is served
    generation = first_event(server.port)["generation"]

    edit(record / ACHIEVEMENT, "title: Cut CI build time", "title: Served live, cut CI build time")
    wait_until(lambda: b"Served live" in get(server.port, PAGE)[2])
    # the page is on disk a moment before the build that wrote it is announced
    wait_until(lambda: first_event(server.port)["generation"] > generation)

    edit(record / ACHIEVEMENT, "date: 2025-03-14", "date: 2025-02-30")
    state = wait_until(lambda: (event := first_event(server.port))["problems"] and event)
    assert any("2025-03-ci-build-time.md:3:7: '2025-02-30' has no day 30" in line for line in state["problems"])
    assert b"Served live" in get(server.port, PAGE)[2]  # the last good build is still served
    assert any("has no day 30" in line for line in server.lines)

    edit(record / ACHIEVEMENT, "date: 2025-02-30", "date: 2025-03-15")
    wait_until(lambda: not first_event(server.port)["problems"])
    assert b"15 Mar 2025" in get(server.port, PAGE)[2]


def test_a_save_that_changes_nothing_reloads_nothing(served):
    server, record = served
    wait_until(lambda: any("nothing changed" in line for line in server.lines))  # the start's own look
    generation = first_event(server.port)["generation"]
    seen = len(server.lines)
    story = record / ACHIEVEMENT
    story.write_bytes(story.read_bytes())
    wait_until(lambda: any("nothing changed" in line for line in server.lines[seen:]))
    assert first_event(server.port)["generation"] == generation


def test_a_folder_where_a_page_goes_is_named_and_serve_keeps_serving(served):
    server, record = served
    page = record / "output" / "site" / "achievements" / "2025-03-ci-build-time" / "index.html"
    page.unlink()
    page.mkdir()  # the user's: named, never removed
    edit(record / ACHIEVEMENT, "title: Cut CI build time", "title: Cut CI build time, again")
    state = wait_until(lambda: (event := first_event(server.port))["problems"] and event)
    assert "index.html: a folder stands where the build writes a file" in state["problems"][0]
    assert not any("internal error" in line for line in server.lines)
    assert server.process.poll() is None and get(server.port, "/")[0] == 200

    page.rmdir()
    edit(record / ACHIEVEMENT, "title: Cut CI build time, again", "title: Cut CI build time, once more")
    wait_until(lambda: b"once more" in get(server.port, PAGE)[2])
    wait_until(lambda: not first_event(server.port)["problems"])


# run at the start of the serve below: its builds fail while the file named exists
FAILING_WRITE = """
import os
from pathlib import Path

import generator.pipeline

written = generator.pipeline.write


def write(*arguments, **options):
    if Path(os.environ["CAREERFOLIO_TEST_FAIL"]).exists():
        raise RuntimeError("the write failed as the test asked")
    return written(*arguments, **options)


generator.pipeline.write = write
"""


def test_a_rebuild_that_fails_unexpectedly_leaves_serve_serving_and_watching(sample_record, tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FAILING_WRITE, encoding="utf-8")
    fail = tmp_path / "fail"
    server = Served(sample_record, environment={
        "PYTHONPATH": os.pathsep.join([str(hooks), str(PROJECT)]), "CAREERFOLIO_TEST_FAIL": str(fail)})
    try:
        assert b"Cut CI build time" in get(server.port, PAGE)[2]  # asked for: written first from now on
        fail.touch()
        edit(sample_record / ACHIEVEMENT, "title: Cut CI build time", "title: Cut CI build time, again")
        state = wait_until(lambda: (event := first_event(server.port))["problems"] and event)
        assert "still serving the last good build" in state["problems"][0]
        assert any("careerfolio: internal error: RuntimeError: the write failed as the test asked" in line
                   for line in server.lines)
        assert server.process.poll() is None and get(server.port, "/")[0] == 200
        assert b"again" not in get(server.port, PAGE)[2]  # the pages written first were put back

        fail.unlink()
        edit(sample_record / ACHIEVEMENT, "title: Cut CI build time, again", "title: Cut CI build time, once more")
        wait_until(lambda: b"once more" in get(server.port, PAGE)[2])
        wait_until(lambda: not first_event(server.port)["problems"])
    finally:
        server.stop()


def test_serve_marks_the_records_cache_as_used(sample_record):
    """serve keeps the cache in memory and never writes it: it still counts as used, so the
    cleaning of the cache folder (see cache.remove_unused) does not take it."""
    from generator.cache import Cache

    assert run_cli("build", "--no-pdf", "-C", sample_record).status == 0
    folder = Cache.for_record(sample_record).folder
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(folder, (month_ago, month_ago))
    server = Served(sample_record)
    try:
        assert folder.stat().st_mtime > month_ago + 24 * 3600
    finally:
        server.stop()


def test_serve_answers_with_types_folders_and_404s(served):
    server, _ = served
    assert get(server.port, "/css/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert get(server.port, "/favicon.svg")[1]["Content-Type"] == "image/svg+xml"
    status, headers, _ = get(server.port, "/achievements")
    assert status == 301 and headers["Location"] == "/achievements/"
    status, _, body = get(server.port, "/no-such-page/")
    assert status == 404 and b"Page not found" in body
    for attack in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fcareerfolio.yaml",
                   "/%2e%2e/content/profile.yaml", "//etc/passwd", "/../content/profile.yaml"):
        status, _, body = get(server.port, attack)
        assert status == 404 and b"root:" not in body and b"name:" not in body, attack


def test_ctrl_c_stops_serve_with_status_130(sample_record):
    server = Served(sample_record)
    assert server.stop() == 130, "\n".join(server.lines)


def test_a_busy_port_is_named_with_a_free_one_to_try(sample_record):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "-C", str(sample_record),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60, cwd=PROJECT,
                                check=False)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is busy — try --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_host_beyond_this_machine_is_warned_about(sample_record):
    server = Served(sample_record, "--host", "0.0.0.0")
    try:
        assert any("anyone on your network can read this record" in line for line in server.lines)
    finally:
        server.stop()


def test_serve_stays_whole_under_load_while_the_record_is_edited_broken_and_fixed(served):
    """2,000 requests from 20 clients while saves come in: every response complete, memory flat."""
    server, record = served
    pages = [PAGE, "/", "/achievements/", "/competencies/", "/timeline/", "/css/site.css", "/tags/"]
    for page in pages:  # warm up
        assert get(server.port, page)[0] == 200
    memory_before = server.memory_kib()
    failures: list[str] = []
    done = threading.Event()

    def client(number: int) -> None:
        for index in range(100):
            page = pages[(number + index) % len(pages)]
            try:
                status, headers, body = get(server.port, page)
            except OSError as error:
                failures.append(f"{page}: {error}")
                continue
            if status != 200 or int(headers["Content-Length"]) != len(body):
                failures.append(f"{page}: {status}, {len(body)} bytes of {headers.get('Content-Length')}")
            elif page.endswith("/") and not body.rstrip().endswith(b"</html>"):
                failures.append(f"{page}: the page is cut short")

    def editor() -> None:
        path = record / ACHIEVEMENT
        original = path.read_text(encoding="utf-8")
        round_ = 0
        while not done.is_set() and round_ < 200:
            round_ += 1
            if round_ % 3 == 0:
                path.write_text(original.replace("date: 2025-03-14", "date: 2025-13-14"), encoding="utf-8")
            else:
                path.write_text(original.replace("Cut CI", f"Cut CI (save {round_})"), encoding="utf-8")
            time.sleep(0.05)
        path.write_text(original, encoding="utf-8")

    writer = threading.Thread(target=editor)
    writer.start()
    clients = [threading.Thread(target=client, args=(number,)) for number in range(20)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(120)
    done.set()
    writer.join(30)
    assert failures == []
    assert server.process.poll() is None
    wait_until(lambda: b"Cut CI build time" in get(server.port, PAGE)[2] and not first_event(server.port)["problems"])
    assert server.memory_kib() - memory_before < 60_000, "memory grew by more than 60 MB"


@pytest.mark.browser
def test_the_open_page_reloads_keeps_its_place_and_shows_problems(sample_record):
    from test_browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    server = Served(sample_record)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 800, "height": 400})
            page.goto(f"http://127.0.0.1:{server.port}{PAGE}")
            page.wait_for_timeout(300)  # the event stream connects
            page.evaluate("window.scrollTo(0, 500)")
            edit(sample_record / ACHIEVEMENT, "title: Cut CI build time", "title: Reloaded, cut CI build time")
            page.wait_for_function("document.querySelector('h1').textContent.includes('Reloaded')", timeout=40000)
            page.wait_for_function("window.scrollY > 400", timeout=20000)
            edit(sample_record / ACHIEVEMENT, "date: 2025-03-14", "date: 2025-02-30")
            overlay = page.wait_for_selector("[role=alert]", timeout=40000)
            assert "has no day 30" in overlay.text_content()
            edit(sample_record / ACHIEVEMENT, "date: 2025-02-30", "date: 2025-03-14")
            page.wait_for_selector("[role=alert]", state="detached", timeout=40000)
            browser.close()
    finally:
        server.stop()


def test_serve_is_listed_in_the_help():
    assert "serve" in run_cli("--help").stdout


def test_serve_watches_what_a_build_reads_and_not_its_output(sample_record):
    from generator.pipeline import BuildRequest
    from generator.serve import serve_places

    watched = serve_places(BuildRequest(sample_record.resolve())).watched
    assert sample_record.resolve() / "content" in watched
    assert not any(folder == sample_record.resolve() / "output" or "output" in folder.parts for folder in watched)


def test_a_templates_folder_made_while_serving_is_picked_up(served):
    server, record = served
    (record / "templates").mkdir()
    (record / "templates" / "achievement.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Own template: {{ achievement.title }}</h1>{% endblock %}',
        encoding="utf-8")
    wait_until(lambda: b"Own template: Cut CI build time" in get(server.port, PAGE)[2])


def test_serve_follows_atomic_saves_new_files_and_removed_ones(served):
    """Each kind of save a watcher reports differently: a file replaced by another (editors'
    atomic save, with a swap file beside it), a new file, a removed one."""
    server, record = served
    story = record / ACHIEVEMENT
    (story.parent / ".2025-03-ci-build-time.md.swp").write_bytes(b"swap")
    replacement = story.with_suffix(".tmp")
    replacement.write_text(story.read_text(encoding="utf-8").replace("title: Cut CI build time",
                                                                     "title: Saved whole"), encoding="utf-8")
    replacement.replace(story)
    wait_until(lambda: b"Saved whole" in get(server.port, PAGE)[2])
    copy = story.with_name("2025-09-copied.md")
    copy.write_text(story.read_text(encoding="utf-8").replace("title: Saved whole", "title: A copy"),
                    encoding="utf-8")
    wait_until(lambda: get(server.port, "/achievements/2025-09-copied/")[0] == 200)
    edit(story, "title: Saved whole", "title: Saved in place")
    wait_until(lambda: b"Saved in place" in get(server.port, PAGE)[2])
    copy.unlink()
    wait_until(lambda: get(server.port, "/achievements/2025-09-copied/")[0] == 404)


def test_serve_a_variant_with_its_dossier_and_pdf(sample_record):
    server = Served(sample_record, "--variant", "platform-jobs", "--pdf")
    try:
        status, _, body = get(server.port, "/")
        assert status == 200 and "Priya Raman — Platform engineering" in body.decode("utf-8")
        dossier = sample_record / "output" / "platform-jobs" / "dossier"
        assert (dossier / "dossier.pdf").is_file() and (dossier / "dossier.html").is_file()
        before = (dossier / "dossier.html").read_bytes()
        edit(sample_record / ACHIEVEMENT, "title: Cut CI build time", "title: Cut the CI build time")
        wait_until(lambda: (dossier / "dossier.html").read_bytes() != before, 60)
        assert b"Cut the CI build time" in (dossier / "dossier.html").read_bytes()
    finally:
        assert server.stop() == 130
