"""`careerfolio serve`: build, serve the site on 127.0.0.1, rebuild on every save, reload the page.

The loop runs in one process. A watcher thread notices saves, waits for the editor's burst
of events to settle, and runs the pipeline again on a cache kept warm in memory, telling it
which files changed, so only what depends on the change is read, rendered and written. The server answers from the
output folder and nothing else; each file is replaced atomically by the writer, so every
response is one complete file of one build. A save that breaks the record leaves the last
good build in place and shows the problems over the open page until the next good save.

The pages open in a browser (and the last few asked for) are rendered and written before
the rest of a rebuild, and the open pages reload then, as with Hugo's fast render: an edit
shows where the writer looks while the other pages are still being rendered. Until those are
written, a request for any other file waits for them, so that no response mixes two builds.

The reload script is added to HTML responses as they are served; built files never hold it.
"""

from __future__ import annotations

import gc
import http.server
import ipaddress
import json
import mimetypes
import os
import posixpath
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from generator.cache import Cache
from generator.cli_text import count
from generator.pipeline import BuildRequest, BuildResult, FirstPages, build, input_places
from generator.problems import RecordProblems, UsageError, UserError, display_path

EVENTS_PATH = "/__careerfolio/events"
QUIET_SECONDS = 0.02  # an editor's save is a burst of events; wait until it is over
# unless the last event says a file is whole: closed after writing, or moved into its place
# (not away from it, nor deleted: editors do that before they write the new one)
WHOLE_QUIET_SECONDS = 0.003
LONGEST_WAIT_SECONDS = 0.25  # but never longer than this after the first event
# From this many events between two builds on, the next build walks the record instead of
# taking the events' word for what changed: the system's queue of events (16,384 on Linux)
# drops what comes after it is full, and a checkout of another branch can fill it.
MANY_EVENTS = 500
KEEPALIVE_SECONDS = 15
# how many open pages, and how many of the pages last asked for, a rebuild writes first
FIRST_PAGES, RECENT_PAGES = 8, 4
SWITCH_SECONDS = 0.001
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
                 ".xml": "application/xml; charset=utf-8", ".json": "application/json",
                 ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
                 ".woff2": "font/woff2", ".woff": "font/woff", ".otf": "font/otf", ".ttf": "font/ttf",
                 ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
                 ".gif": "image/gif", ".ico": "image/x-icon"}

LIVE_SCRIPT = """<script>(() => {
  const built = %(generation)d, key = "careerfolio-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved) { sessionStorage.removeItem(key); const [x, y] = saved.split(",").map(Number);
    addEventListener("load", () => scrollTo(x, y)); }
  let overlay = null;
  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
        "border-top:4px solid #e5484d;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "careerfolio: the record has problems; this page is the last good build.\\n\\n" +
      problems.join("\\n");
  }
  const events = new EventSource("%(events)s?page=" + encodeURIComponent(location.pathname));
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (state.problems.length) { show(state.problems); return; }
    if (overlay) { overlay.remove(); overlay = null; }
    if (state.generation !== built) {
      sessionStorage.setItem(key, scrollX + "," + scrollY);
      location.reload();
    }
  };
})();</script>
"""


@dataclass
class LiveState:
    """The latest build as the open pages should know it: its number, or the problems that stopped it."""

    generation: int = 0
    problems: list = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False
    open_pages: dict = field(default_factory=dict)  # page -> how many open event streams show it
    recent: list = field(default_factory=list)  # the last pages asked for, newest last
    # while a build writes the rest of the site: the pages it wrote first (see FirstPages)
    completing: frozenset | None = None

    def publish(self, generation: int | None = None, problems: list | None = None) -> None:
        with self.condition:
            if generation is not None:
                self.generation = generation
            self.problems = list(problems or [])
            self.condition.notify_all()

    def as_json(self) -> str:
        return json.dumps({"generation": self.generation, "problems": self.problems})

    def looked_at(self, page: str) -> None:
        """Note a page asked for: the last few are written first by the next build."""
        with self.condition:
            if page in self.recent:
                self.recent.remove(page)
            self.recent.append(page)
            del self.recent[:-RECENT_PAGES]

    def opened(self, page: str, change: int) -> None:
        with self.condition:
            self.open_pages[page] = self.open_pages.get(page, 0) + change
            if self.open_pages[page] <= 0:
                del self.open_pages[page]

    def first_pages(self) -> frozenset[str]:
        with self.condition:
            return frozenset(list(self.open_pages)[:FIRST_PAGES] + self.recent)

    def begin_rest(self, written: frozenset[str]) -> None:
        """Announce a build whose `written` pages are in place while it writes the others."""
        with self.condition:
            self.completing = written
            self.generation += 1
            self.problems = []
            self.condition.notify_all()

    def end_rest(self) -> None:
        with self.condition:
            self.completing = None
            self.condition.notify_all()

    def wait_for(self, page: str) -> None:
        """Wait until `page` is of the latest build announced: it was written first, or the rest is."""
        with self.condition:
            while self.completing is not None and page not in self.completing and not self.stopping:
                self.condition.wait(1)


def page_file(url_path: str) -> str:
    """The file a URL path names in the site, as the build names its pages ("a/b/index.html")."""
    path = unquote(url_path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port_after(host: str, port: int) -> int | None:
    """The first port after `port` that can be bound, to suggest when `port` is busy."""
    for candidate in range(port + 1, min(port + 50, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def resolve_request_path(site: Path, url_path: str) -> Path | None:
    """The file or folder under `site` that a URL names, or None: nothing outside `site` is served.

    The path is decoded once, then normalised; `..`, absolute paths and symbolic links that
    lead out of the folder all come to None.
    """
    decoded = unquote(url_path)
    if "\0" in decoded or "\\" in decoded:
        return None
    normal = posixpath.normpath("/" + decoded.lstrip("/"))
    parts = [part for part in normal.split("/") if part]
    if any(part == ".." for part in parts):
        return None
    candidate = site.joinpath(*parts) if parts else site
    try:
        real = Path(os.path.realpath(candidate))
        real_site = Path(os.path.realpath(site))
    except OSError:
        return None
    if real != real_site and real_site not in real.parents:
        return None
    return real if real.is_file() or real.is_dir() else None


def make_handler(site: Path, state: LiveState, quiet: bool = True) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "careerfolio"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *arguments) -> None:
            if not quiet:
                super().log_message(format, *arguments)

        def do_HEAD(self) -> None:
            self.answer(send_body=False)

        def do_GET(self) -> None:
            if urlsplit(self.path).path == EVENTS_PATH:
                self.stream_events()
            else:
                self.answer(send_body=True)

        def answer(self, send_body: bool) -> None:
            url_path = urlsplit(self.path).path
            state.wait_for(page_file(url_path))
            path = resolve_request_path(site, url_path)
            if path is not None and path.is_dir():
                if not url_path.endswith("/"):  # so that the page's relative links resolve
                    self.send_response(301)
                    self.send_header("Location", url_path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path = path / "index.html" if (path / "index.html").is_file() else None
            status = 200
            if path is None:
                status = 404
                path = site / "404.html" if (site / "404.html").is_file() else None
            try:
                body = path.read_bytes() if path is not None else b"not found\n"
            except OSError:
                status, path, body = 404, None, b"not found\n"
            kind = CONTENT_TYPES.get(path.suffix.lower() if path else ".txt") or \
                mimetypes.guess_type(str(path))[0] or "application/octet-stream"
            if kind.startswith("text/html"):
                body = inject_live_script(body, state.generation)
                if status == 200:
                    state.looked_at(page_file(url_path))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def stream_events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = None
            page = parse_qs(urlsplit(self.path).query).get("page", [None])[0]
            if page is not None:
                state.opened(page_file(page), 1)
            try:
                while not state.stopping:
                    with state.condition:
                        current = state.as_json()
                        if current == seen:
                            state.condition.wait(KEEPALIVE_SECONDS)
                            current = state.as_json()
                    if state.stopping:
                        return
                    if current != seen:
                        self.wfile.write(f"data: {current}\n\n".encode())
                        seen = current
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return
            finally:
                if page is not None:
                    state.opened(page_file(page), -1)

    return Handler


def inject_live_script(body: bytes, generation: int) -> bytes:
    script = (LIVE_SCRIPT % {"generation": generation, "events": EVENTS_PATH}).encode()
    index = body.rfind(b"</body>")
    return body + script if index < 0 else body[:index] + script + body[index:]


class Watcher:
    """Runs a build after each burst of saves in the record, one build at a time."""

    def __init__(self, root: Path, watched: list[Path], ignored: list[Path], rebuild):
        self.root = root
        # only what a build reads: watching the output too would flood the system's queue of
        # events with every build's own writes (thousands of folders in a large record)
        self.watched = [Path(os.path.realpath(path)) for path in watched]
        self.ignored = [Path(os.path.realpath(path)) for path in ignored]
        self.rebuild = rebuild
        self.pending = threading.Event()
        # set by every relevant event, so that a wait begun for a write going on is cut short
        # when the file is closed a moment later (a save is "modified" then "closed")
        self.woken = threading.Event()
        self.first_event = 0.0
        self.last_event = 0.0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        # every path seen since the last build began; None once a folder came, went or moved,
        # which only a walk of the record can follow
        self.changed: set[str] | None = set()
        self.whole = False  # whether the last event left its file whole (see WHOLE_QUIET_SECONDS)
        self.events = 0  # every event the system gave since the last build began, relevant or not

    def tally(self) -> None:
        """Count one event of the system's, whatever it is (see MANY_EVENTS)."""
        with self.lock:
            self.events += 1

    def relevant(self, path: str) -> bool:
        real = Path(os.path.realpath(path)) if path else None
        if real is None:
            return False
        if any(real == folder or folder in real.parents for folder in self.ignored):
            return False
        relative = real.relative_to(self.root) if self.root in real.parents else None
        if relative is None:
            return False
        # hidden folders (.git) and editors' backup and swap files are not the record
        hidden = any(part.startswith(".") for part in relative.parts)
        return not hidden and not relative.name.endswith(("~", ".swp", ".swx", ".tmp"))

    def notice(self, *paths: str, folder: bool = False, kind: str = "modified") -> None:
        with self.lock:
            if folder:
                self.changed = None
            elif self.changed is not None:
                self.changed.update(path for path in paths if path)
        if not any(self.relevant(path) for path in paths):
            return
        now = time.monotonic()
        with self.lock:
            if not self.pending.is_set():
                self.first_event = now
            self.last_event = now
            self.whole = not folder and (kind == "closed" or kind == "moved" and len(paths) > 1
                                         and self.relevant(paths[1]))
            self.pending.set()
            self.woken.set()

    def quiet_seconds(self) -> float:
        """How long no event must come before building: short when the last one left its file whole."""
        return WHOLE_QUIET_SECONDS if self.whole else QUIET_SECONDS

    def run(self) -> None:
        while not self.stopped.is_set():
            if not self.pending.wait(0.2):
                continue
            while True:
                with self.lock:
                    now = time.monotonic()
                    waited = now - self.last_event
                    if waited >= self.quiet_seconds() or now - self.first_event >= LONGEST_WAIT_SECONDS:
                        self.pending.clear()
                        seen = self.last_event
                        changed, self.changed = self.changed, set()
                        if self.events >= MANY_EVENTS:
                            changed = None  # some may have been dropped: a walk finds every change
                        self.events = 0
                        break
                    remaining = self.quiet_seconds() - waited
                    self.woken.clear()
                self.woken.wait(remaining)
            self.rebuild(seen, changed)

    def start(self) -> object:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Events(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                watcher.tally()
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if event.is_directory and event.event_type == "modified":
                    return  # its files' own events say what changed
                watcher.notice(str(event.src_path), str(getattr(event, "dest_path", "") or ""),
                               folder=event.is_directory, kind=event.event_type)

        observer = Observer()
        handler = Events()
        scheduled: set[Path] = set()

        def watch_new_folders() -> None:
            for folder in self.watched:
                if folder not in scheduled and folder.is_dir():
                    observer.schedule(handler, str(folder), recursive=True)
                    scheduled.add(folder)
                    # files written into it before it was watched would be missed: build again (a
                    # build with nothing changed costs a few milliseconds)
                    watcher.notice(str(folder), folder=True)

        class TopEvents(Events):
            def on_any_event(self, event) -> None:
                watch_new_folders()  # templates/ or themes/ made after serve started
                super().on_any_event(event)

        observer.schedule(TopEvents(), str(self.root), recursive=False)  # careerfolio.yaml and new folders
        watch_new_folders()
        observer.daemon = True
        observer.start()
        threading.Thread(target=self.run, name="careerfolio-rebuild", daemon=True).start()
        return observer


@dataclass(frozen=True)
class ServeOptions:
    request: BuildRequest
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class ServePlaces:
    """Where serve reads and writes: the record, the folders it watches, the output it serves."""

    root: Path
    watched: tuple[Path, ...]  # what a build reads, besides careerfolio.yaml at the top
    output: Path  # the folder holding site/ (and dossier/)


def serve_places(request: BuildRequest) -> ServePlaces:
    """The places of `request`'s build, known even when the record itself is broken."""
    from generator.validate import locate_record

    root, _, settings, _ = locate_record(request.root)
    folders, _ = input_places(root, settings)
    output = request.out if request.out is not None else root / settings.output_dir
    if request.variant:
        output = output / request.variant
    return ServePlaces(root, tuple(folders), output)


def serve(options: ServeOptions, stdout: TextIO, stderr: TextIO) -> int:
    """Build, serve and rebuild until interrupted; raise KeyboardInterrupt out on Ctrl-C."""
    request = replace(options.request, dossier=options.request.pdf)
    places = serve_places(request)
    root, output = places.root, places.output
    site = output / "site"
    if not is_loopback(options.host):
        print(f"careerfolio: serving on {options.host}: anyone on your network can read this record "
              f"({request.audience or 'public'} audience) — use --host 127.0.0.1 to keep it to this machine",
              file=stderr)
    # the command turned the cyclic collector off for a one-shot run; serve lives on, and
    # collects between its builds (which still turn it off while they run)
    gc.enable()
    state = LiveState()
    cache = Cache.for_record(root)
    cache.mark_used()  # serve keeps it in memory and never saves it: kept by the cache's cleaning all the same
    # the server's threads answer between a build's steps sooner than Python's 5 ms default lets
    # them: a page written first waits less for its reader (a build takes a little longer)
    sys.setswitchinterval(SWITCH_SECONDS)
    build_lock = threading.Lock()

    def rebuild(event_time: float | None, changed: set[str] | None = None) -> None:
        with build_lock:
            started = time.perf_counter()
            announced: list[float] = []  # when the pages written first were, if some were

            def ready(written: frozenset[str]) -> None:
                state.begin_rest(written)
                announced.append(time.monotonic())

            first = FirstPages(site, state.first_pages(), ready) if event_time is not None else None
            try:
                result = build(request, cache, changed=changed, first=first)
            except RecordProblems as error:
                for problem in error.problems:
                    print(problem.describe(), file=stderr)  # paths an editor in this folder can open
                print(f"{count(len(error.problems), 'problem')} in the record; still serving the last good build",
                      file=stderr)
                state.publish(problems=[problem.describe(relative_to=root) for problem in error.problems])
                return
            except UserError as error:
                print(f"careerfolio: {error}", file=stderr)
                state.publish(problems=[str(error)])
                return
            except Exception as error:  # after a save: keep serving, and say it is our bug
                if event_time is None:
                    raise  # the first build: the command reports it, and serves nothing
                message = (f"internal error: {type(error).__name__}: {error} — this is a bug in careerfolio "
                           "(please report it); still serving the last good build, and watching")
                print(f"careerfolio: {message}", file=stderr, flush=True)
                state.publish(problems=[message])
                return
            finally:
                state.end_rest()
            if result.unchanged and not announced:
                state.publish()  # clears the problems shown; the pages are the ones open: no reload
            elif not announced:
                state.publish(generation=state.generation + 1)
            # what survives a build is mostly the cache: keep the collector from walking it again
            gc.collect(1)
            gc.freeze()
            # from the moment the save was seen, when there was one
            took = time.monotonic() - event_time if event_time is not None else time.perf_counter() - started
            open_page = announced[0] - event_time if announced and event_time is not None else None
            print(describe_rebuild(result, took, open_page), file=stdout, flush=True)

    rebuild(None)
    try:
        server = http.server.ThreadingHTTPServer((options.host, options.port), make_handler(site, state))
    except OSError as error:
        if error.errno in (98, 48, 10048):  # address in use, on Linux, macOS and Windows
            suggestion = free_port_after(options.host, options.port)
            hint = f"try --port {suggestion}" if suggestion else "choose another with --port"
            raise UsageError(f"port {options.port} on {options.host} is busy — {hint}") from None
        raise UsageError(f"cannot serve on {options.host}:{options.port} ({error.strerror}) — "
                         "choose another --host or --port") from None
    server.daemon_threads = True
    host, port = server.server_address[:2]
    shown_host = f"[{host}]" if ":" in str(host) else host
    watcher = Watcher(root, list(places.watched), [output, cache.folder] if cache.folder else [output], rebuild)
    observer = watcher.start()
    # said once everything runs, so that a Ctrl-C right after it finds serve whole
    print(f"serving {display_path(site)}/ at http://{shown_host}:{port}/ — edit the record and the page "
          "reloads; Ctrl-C stops", file=stdout, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        state.stopping = True
        state.publish()
        watcher.stopped.set()
        observer.stop()
        server.server_close()
        with build_lock:
            cache.save()


def describe_rebuild(result: BuildResult, seconds: float, open_page: float | None = None) -> str:
    written = sum(output.written for output in result.outputs)
    removed = sum(output.removed for output in result.outputs)
    what = "nothing changed" if result.unchanged else f"{written} file{'s' if written != 1 else ''} written" + (
        f", {removed} removed" if removed else "")
    first = f" (the open page in {open_page * 1000:.0f} ms)" if open_page is not None else ""
    return f"built in {seconds * 1000:.0f} ms{first}: {what}"
