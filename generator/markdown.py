"""Markdown to HTML, safe by default.

Raw HTML is escaped unless the record allows it, and markdown-it's link validation drops
`javascript:`, `vbscript:`, `file:` and non-image `data:` links. Links and images that
point into the record's `assets/` folder are rewritten to where the build copies them.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin


class MarkdownRenderer:
    """One configured parser for one build, with a cache: the same text renders once."""

    def __init__(self, allow_html: bool = False):
        self.parser = (
            MarkdownIt("commonmark", {"html": allow_html, "typographer": True})
            .enable(["table", "strikethrough", "replacements", "smartquotes"])
            .use(footnote_plugin)
            .use(anchors_plugin, min_level=2, max_level=3, permalink=False)
        )
        self.cache: dict[tuple[str, str, bool], str] = {}

    def render(self, text: str | None, asset_prefix: str = "", inline: bool = False) -> str:
        """HTML for `text`; `asset_prefix` is the way from the page to the site's root."""
        if not text:
            return ""
        key = (text, asset_prefix, inline)
        cached = self.cache.get(key)
        if cached is None:
            environment: dict = {}
            tokens = (self.parser.parseInline if inline else self.parser.parse)(text, environment)
            rewrite_asset_links(tokens, lambda path: asset_prefix + path)
            cached = self.parser.renderer.render(tokens, self.parser.options, environment)
            self.cache[key] = cached
        return cached


def rewrite_asset_links(tokens: list, to_output: Callable[[str], str]) -> None:
    for token in tokens:
        for attribute in ("src", "href"):
            value = token.attrGet(attribute) if token.attrs else None
            if isinstance(value, str) and value.removeprefix("./").startswith("assets/"):
                token.attrSet(attribute, to_output(value.removeprefix("./")))
        if token.children:
            rewrite_asset_links(token.children, to_output)
