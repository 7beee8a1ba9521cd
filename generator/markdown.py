"""Markdown to HTML, safe by default.

Raw HTML is escaped unless the record allows it, and markdown-it's link validation drops
`javascript:`, `vbscript:`, `file:` and non-image `data:` links. Links and images that
point into the record's `assets/` folder are rewritten to where the build copies them.
"""

from __future__ import annotations

import functools
import html as html_module
import importlib.util
import os
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from generator.parallel import can_fork

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Below this many texts, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


class MarkdownRenderer:
    """One configured parser per build, shared by the site and the dossier.

    Parsing is most of the cost of a build, and the same body appears on a site page and
    in the dossier. A text renders once, unless it links into assets/: then the way to the
    assets differs by page, so its tokens are kept and only the few that point into
    assets/ are copied with their new address.
    """

    def __init__(self, allow_html: bool = False, known: dict | None = None, accelerate: bool = True):
        self.allow_html = allow_html
        # raw HTML goes through this module's link check, which the accelerator has no hook for
        self.accelerate = accelerate and not allow_html
        self.parsed: dict[tuple[str, bool], tuple[list, dict]] = {}
        # HTML by (text, way to the assets, inline, id prefix): seeded with an earlier build's results
        self.rendered: dict[tuple[str, str, bool, str], str] = dict(known or {})
        self.known = known
        self.used: set[tuple[str, str, bool, str]] = set()

    @functools.cached_property
    def accelerator(self) -> Accelerator | None:
        """The Rust port, started when a text is not in the cache (see `parser`)."""
        return Accelerator.start() if self.accelerate else None

    @functools.cached_property
    def parser(self) -> MarkdownIt:
        """markdown-it-py, made when a text is not in the cache and the accelerator does not
        take it: a build after an edit of a title renders no Markdown, and need not import it."""
        from markdown_it import MarkdownIt
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.footnote import footnote_plugin

        parser = (
            MarkdownIt("commonmark", {"html": self.allow_html, "typographer": True})
            .enable(["table", "strikethrough", "replacements", "smartquotes"])
            .use(footnote_plugin)
            .use(anchors_plugin, min_level=2, max_level=3, permalink=False, slug_func=heading_slug)
        )
        if self.allow_html:
            # raw HTML is trusted, but its links are held to the same rule as Markdown's
            for rule in ("html_block", "html_inline"):
                parser.add_render_rule(rule, _render_raw_html)
        return parser

    def render(self, text: str | None, asset_prefix: str = "", inline: bool = False, ids: str = "") -> str:
        """HTML for `text`; `asset_prefix` is the way from the page to the site's root.

        `ids` is the entry's own prefix for the ids of its headings and footnotes, so that
        two stories with a `## Situation` can share one page, as they do in the dossier.
        """
        if not text:
            return ""
        key = self.key(text, asset_prefix, inline, ids)
        self.used.add(key)
        cached = self.rendered.get(key)
        if cached is None and not inline and not key[1] and self.accelerator is not None:
            cached = self.accelerator.render(text, key[3])
            if cached is not None:
                self.rendered[key] = cached
        if cached is None:
            links_assets, named = bool(key[1]), bool(key[3])
            tokens, environment = self.parse(text, inline, keep=links_assets or named)
            environment = dict(environment)
            if links_assets:
                tokens = with_asset_links(tokens, lambda path: asset_prefix + path)
            if named:
                tokens = with_prefixed_ids(tokens, ids)
                environment["docId"] = ids
            cached = self.parser.renderer.render(tokens, self.parser.options, environment)
            self.rendered[key] = cached
        return cached

    @staticmethod
    def key(text: str, asset_prefix: str, inline: bool, ids: str) -> tuple[str, str, bool, str]:
        """What the HTML of `text` depends on: the way to the assets and the id prefix only
        when the text links into assets/ or has headings or footnotes to name."""
        links_assets = "assets/" in text
        named = bool(ids) and not inline and ("#" in text or "[^" in text)
        return (text, asset_prefix if links_assets else "", inline, ids if named else "")

    def prerender(self, texts: Iterable[tuple[str | None, str]], now: bool = True) -> None:
        """Render many block texts, each with its id prefix, at once on every core.

        Markdown parsing in Python is most of a large build; the texts are independent, so
        worker processes share them. The HTML is the same as rendering one by one. Texts
        that link into assets/ depend on the page and are left to `render`. With `now`
        False, the texts are only noted as used (their HTML stays in the cache): the
        processes that render the pages render them as they go.
        """
        wanted = {self.key(text, "", False, ids) for text, ids in texts if text and "assets/" not in text}
        self.used.update(wanted)
        if not now:
            return
        todo = sorted(key for key in wanted if key not in self.rendered)
        if todo and self.accelerator is not None:
            left = []
            for key in todo:
                html = self.accelerator.render(key[0], key[3])
                if html is None:
                    left.append(key)
                else:
                    self.rendered[key] = html
            todo = left
        workers = min(os.cpu_count() or 1, 8)
        if len(todo) < PARALLEL_THRESHOLD or not can_fork():
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(self.allow_html,)) as pool:
            chunk = max(1, len(todo) // (workers * 8))
            for key, html in zip(todo, pool.map(_render_in_worker, todo, chunksize=chunk)):
                self.rendered[key] = html

    def used_results(self) -> dict:
        """The HTML of every text this build used, to seed the next build: `known` itself when
        the build rendered nothing new and used all of it (an edit that left the Markdown
        alone), which the cache then need not compare key by key."""
        if self.known is not None and len(self.used) == len(self.rendered) == len(self.known) \
                and all(key in self.rendered for key in self.used):
            return self.known
        return {key: self.rendered[key] for key in self.used if key in self.rendered}

    def parse(self, text: str, inline: bool, keep: bool) -> tuple[list, dict]:
        found = self.parsed.get((text, inline))
        if found is None:
            environment: dict = {}
            tokens = (self.parser.parseInline if inline else self.parser.parse)(text, environment)
            found = (tokens, environment)
            if keep:  # tokens are large: keep only those another page will render again
                self.parsed[(text, inline)] = found
        return found


class Accelerator:
    """markdown-it's Rust port, for the texts on which it gives this module's HTML byte for byte.

    It parses ten times faster, but differs from markdown-it-py in corners: curly quotes
    after an unmatched quote, a table that swallows the next line, typography inside code,
    an unclosed fence; and it has no heading ids nor id prefixes. So it takes only texts
    without those corners (`differs`), and the ids are added here as the anchors plugin
    adds them. A test compares both on a corpus and on generated texts; without the package
    (a platform it has no wheel for), everything goes through markdown-it-py.
    """

    # an apostrophe between letters or digits cannot open a quote (`_` is punctuation to markdown-it)
    QUOTE_THAT_MAY_OPEN = re.compile(r"(?<![^\W_])'|'(?![^\W_])")
    ENTITY = re.compile(r"&(?:#|\w+;)")
    # block quotes, setext underlines, and lines of dashes (with colons, a one-column table's
    # delimiter row to the port), searched with a newline before the text
    LINE_START = re.compile(r"\n[ ]{0,3}(?:>|=+[ ]*(?:\n|$))|\n[ ]*:?-+:?[ ]*(?:\n|$)")
    LIST_ITEM = re.compile(r"[ ]*(?:[-*+]|\d+[.)])(?:[ ]|$)")
    DELIMITER_ROW = re.compile(r"[ ]*\|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*")
    HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.DOTALL)
    TAG = re.compile(r"<[^>]*>")
    FRAGMENT_LINK = re.compile(r'href="#([^"]*)"')

    def __init__(self, parser: Any):
        self.parser = parser

    @classmethod
    def start(cls) -> Accelerator | None:
        if importlib.util.find_spec("markdown_it_pyrs") is None:
            return None
        import markdown_it_pyrs

        # "zero" and the rules by name: the "commonmark" preset lets raw HTML through
        parser = markdown_it_pyrs.MarkdownIt("zero").enable_many([
            "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
            "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
            "table", "strikethrough", "replacements", "smartquotes"])
        return cls(parser)

    @classmethod
    def differs(cls, text: str) -> bool:
        """Whether `text` may reach a corner where the two engines differ: quotes that could
        open, code, fences, footnotes (inline `^[…]` ones too), images (the port sets
        typography in their descriptions), HTML and autolinks, block quotes, reference
        definitions, setext underlines and lines of dashes, tabs, escapes, entities, carriage
        returns, a table's delimiter row under a line without a pipe or under a list item, or
        a table not ended by a blank line.

        Plain `in` tests first: they are what most texts are decided by, at memchr's speed."""
        if ('"' in text or "`" in text or "<" in text or "\t" in text or "\\" in text or "\r" in text
                or "~~~" in text or "[^" in text or "^[" in text or "]:" in text or "![" in text):
            return True
        if ("'" in text and cls.QUOTE_THAT_MAY_OPEN.search(text)) or ("&" in text and cls.ENTITY.search(text)):
            return True
        if cls.LINE_START.search("\n" + text):
            return True
        if "|" in text:
            lines = text.split("\n")
            for index, line in enumerate(lines):
                if "|" not in line:
                    continue
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if following.strip() and "|" not in following:
                    return True
                if index and cls.DELIMITER_ROW.fullmatch(line) and (
                        "|" not in lines[index - 1] or cls.LIST_ITEM.match(lines[index - 1])):
                    return True
        return False

    def render(self, text: str, ids: str) -> str | None:
        """The HTML of a block text, its heading ids prefixed with `ids`; None for a text it
        should not take."""
        if self.differs(text):
            return None
        try:
            html = self.parser.render(text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - a Rust panic is a BaseException; the reference way takes the text
            return None
        slugs: set[str] = set()

        def name(match: re.Match) -> str:
            # named as the anchors plugin names a heading: by its text, tags dropped, entities read
            title = html_module.unescape(self.TAG.sub("", match.group(2)).replace("\n", ""))
            slug = unique_heading_slug(heading_slug(title), slugs)
            shown = f"{ids}-{slug}" if ids else slug
            return f'<h{match.group(1)} id="{html_module.escape(shown)}">{match.group(2)}</h{match.group(1)}>'

        html = self.HEADING.sub(name, html)
        if ids and slugs:
            html = self.FRAGMENT_LINK.sub(
                lambda match: f'href="#{ids}-{match.group(1)}"' if html_module.unescape(match.group(1)) in slugs
                else match.group(0), html)
        return html


# What a heading's id keeps of its text: word characters, CJK ideographs, hyphens (spaces become hyphens)
NOT_IN_HEADING_SLUG = re.compile(r"[^\w\u4e00-\u9fff\- ]")


def heading_slug(title: str) -> str:
    """A heading's id, by the anchors plugin's own rule, given to both engines: the
    accelerator then names headings without importing markdown-it-py (a sixth of a build
    after one edit of a story), and a change of the plugin's rule cannot part them."""
    return NOT_IN_HEADING_SLUG.sub("", title.lower().replace(" ", "-"))


def unique_heading_slug(slug: str, taken: set[str]) -> str:
    """`slug`, or the first of `slug-1`, `slug-2`, … not yet `taken` in this text, as the
    anchors plugin numbers a heading repeated; it is then taken."""
    unique, number = slug, 0
    while unique in taken:
        number += 1
        unique = f"{slug}-{number}"
    taken.add(unique)
    return unique


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
LINK_ATTRIBUTE = re.compile(r"""(?P<name>\b(?:href|src|action|formaction|xlink:href|poster|background|srcset|data))"""
                            r"""(?P<equals>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def _render_raw_html(renderer: Any, tokens: list, index: int, options: Any, environment: Any) -> str:
    return without_unsafe_links(tokens[index].content)


def without_unsafe_links(html: str) -> str:
    """Raw HTML with every link to a script, a data: document or a local file replaced by '#'.

    The value is read as a browser reads it: entities decoded, and the spaces and control
    characters a browser skips removed, so `&#106;ava&#x0A;script:` is caught too.
    """

    def check(match: re.Match) -> str:
        value = match.group("value")
        unquoted = value[1:-1] if value[:1] in "\"'" and len(value) > 1 else value
        plain = re.sub(r"[\x00-\x20\u200b-\u200d\ufeff]", "", html_module.unescape(unquoted)).lower()
        candidates = plain.split(",") if match.group("name").lower() == "srcset" else [plain]
        if any(candidate.strip().startswith(UNSAFE_SCHEMES) for candidate in candidates):
            return f'{match.group("name")}{match.group("equals")}"#"'
        return match.group(0)

    return LINK_ATTRIBUTE.sub(check, html)


def with_prefixed_ids(tokens: list, prefix: str) -> list:
    """The tokens, with each heading's id, and each link to one, prefixed: `prefix-situation`."""
    named = {token.attrs["id"] for token in tokens
             if token.type == "heading_open" and token.attrs and isinstance(token.attrs.get("id"), str)}
    if not named:
        return tokens

    def rename(token_list: list) -> list:
        result = []
        for token in token_list:
            attrs = dict(token.attrs) if token.attrs else {}
            if token.type == "heading_open" and attrs.get("id") in named:
                attrs["id"] = f"{prefix}-{attrs['id']}"
            href = attrs.get("href")
            if isinstance(href, str) and href.startswith("#") and href[1:] in named:
                attrs["href"] = f"#{prefix}-{href[1:]}"
            children = rename(token.children) if token.children else token.children
            result.append(token.copy(attrs=attrs, children=children))
        return result

    return rename(tokens)


def with_asset_links(tokens: list, to_output: Callable[[str], str]) -> list:
    """The tokens, with copies of those whose link or image points into assets/."""
    result = tokens
    for index, token in enumerate(tokens):
        changed = {}
        for attribute in ("src", "href"):
            value = token.attrs.get(attribute) if token.attrs else None
            if isinstance(value, str) and value.removeprefix("./").startswith("assets/"):
                changed[attribute] = to_output(value.removeprefix("./"))
        children = with_asset_links(token.children, to_output) if token.children else token.children
        if changed or children is not token.children:
            if result is tokens:
                result = list(tokens)
            result[index] = token.copy(attrs={**token.attrs, **changed}, children=children)
    return result


_worker_renderer: MarkdownRenderer | None = None


def _start_worker(allow_html: bool) -> None:
    global _worker_renderer
    # the parent gave the accelerator every text it takes
    _worker_renderer = MarkdownRenderer(allow_html=allow_html, accelerate=False)


def _render_in_worker(key: tuple[str, str, bool, str]) -> str:
    assert _worker_renderer is not None
    text, _, _, ids = key
    return _worker_renderer.render(text, ids=ids)
