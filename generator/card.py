"""The social card: the picture a link preview shows for the site, a 1200×630 PNG.

LinkedIn, Slack and X show no SVG in a preview, so the card is drawn at build time, in the
theme's own fonts and colours: the name, the headline, up to three of the case's top impact
totals, and the role asked for. It shows one audience's case and nothing else, as every page
does: a public card never holds an internal number.

Drawing is split from planning. A plan says what the card will say and with which fonts, and
costs nothing worth caching; its key tells the build whether the card on disk is still the
one the plan would draw. Pillow is imported only to draw, so the command line starts
without it.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from generator.cache import digest
from generator.fonts import font_coverage
from generator.numbers import format_total
from generator.vocabulary import CARD_PATH

if TYPE_CHECKING:
    from generator.views import Case

WIDTH, HEIGHT = 1200, 630  # what LinkedIn, Slack, X and Facebook crop least

# The default theme's colours, used where a theme's site.css does not name its own.
DEFAULT_COLOURS = {"paper": "#fbfaf8", "card": "#ffffff", "line": "#e3e0da", "ink": "#17202a",
                   "muted": "#566270", "accent": "#0f5e6e"}
WEIGHTS = ("Regular", "SemiBold", "Bold")
# fontconfig's names for the weights, to find a system font that has a character the theme's lacks
FONTCONFIG_WEIGHTS = {"Regular": "regular", "SemiBold": "semibold", "Bold": "bold"}
ELLIPSIS = "…"
# More characters than the widest line holds at the smallest size: a longer text is cut to this
# before it is fitted, so a hostile record's megabyte of name costs no more than a long name.
LONGEST_TEXT = 400
MOST_FALLBACK_FONTS = 8  # beyond the theme's own: a name in a few scripts needs a few


@dataclass(frozen=True)
class SocialCard:
    """What a page's head says about the card: where it is, its size, and what it shows."""

    url: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


@dataclass(frozen=True)
class CardContent:
    """What the card says before it is fitted to its space: only what the audience's case holds."""

    name: str
    headline: str
    role: str  # the role held now, as "title (level)"
    target: str  # the role asked for
    numbers: tuple[tuple[str, str], ...]  # (the total as the site writes it, its metric), at most three
    address: str  # where the site is, without the scheme


@dataclass(frozen=True)
class CardStyle:
    """How the card looks: the theme's font file for each weight, and its colours."""

    fonts: tuple[tuple[str, Path | None], ...]  # weight -> font file; None: a system font
    colours: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CardPlan:
    """A card ready to draw: its content, its style, and for each weight the fonts to draw with.

    `faces` lists, per weight, the theme's font first and then system fonts for the characters
    the theme's font has no glyph for; a character no font has is left out.
    """

    content: CardContent
    style: CardStyle
    faces: tuple[tuple[str, tuple[Path, ...]], ...]
    key: str  # the same key, the same PNG


@dataclass(frozen=True)
class Card:
    """A drawn card: the PNG, and exactly the texts on it (after shortening), for tests and checks."""

    png: bytes
    texts: tuple[str, ...]


def card_url(base_url: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", CARD_PATH)


def social_card(case: Case) -> SocialCard | None:
    """The card as pages announce it, or None without `base_url`: previews need absolute addresses.

    The description names what the card shows without its numbers, so that pages, which all
    carry it, need not be rendered again when a number changes; the card itself is.
    """
    if not case.base_url:
        return None
    return SocialCard(card_url(case.base_url), describe_card(case))


def describe_card(case: Case) -> str:
    """The card's alternative text, for people who cannot see it: what it shows, in sentences."""
    profile = case.profile
    sentences = [f"Card of {profile.name}", profile.headline or ""]
    if profile.role and profile.target:
        sentences.append(f"From {role_name(profile.role)} to {role_name(profile.target)}")
    elif profile.target:
        sentences.append(f"Asking for {role_name(profile.target)}")
    elif profile.role:
        sentences.append(role_name(profile.role))
    if case.totals:
        sentences.append("Shows the case’s top impact numbers")
    return " ".join(as_sentence(text) for text in sentences if text.strip())


def as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def role_name(role: Any) -> str:
    return role.title + (f" ({role.level})" if role.level else "")


def card_content(case: Case) -> CardContent:
    """What the card of `case` says: its audience's name, headline, roles and top totals."""
    profile = case.profile
    address = ""
    if case.base_url:
        parts = urlsplit(case.base_url)
        address = (parts.netloc + parts.path).rstrip("/")
    return CardContent(
        name=profile.name, headline=profile.headline or "",
        role=role_name(profile.role) if profile.role else "",
        target=role_name(profile.target) if profile.target else "",
        numbers=tuple((format_total(total), total.metric) for total in case.totals[:3]),
        address=address)


def card_style(static: dict[str, Path]) -> CardStyle:
    """The theme's fonts and colours, from its static files: `fonts/*-Bold.otf` and the like, and
    the colour properties of `css/site.css`, so a theme's card looks like its site.

    A child theme's fonts sit beside its parent's in one folder: the card takes the family whose
    name `site.css` uses (for its web fonts, `Inter-Bold-latin.woff2` for `Inter-Bold.otf`)."""
    stylesheet = static.get("css/site.css")
    text = stylesheet.read_text(encoding="utf-8", errors="replace") if stylesheet is not None else ""
    fonts = []
    for weight in WEIGHTS:
        found = sorted((Path(relative).stem not in text, path) for relative, path in static.items()
                       if re.fullmatch(rf"fonts/[^/]+-{weight}\.(otf|ttf|woff2)", relative))
        fonts.append((weight, found[0][1] if found else None))
    colours = dict(DEFAULT_COLOURS)
    if stylesheet is not None:
        for name in colours:
            match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}}|#[0-9a-fA-F]{{3}})\s*;", text)
            if match:
                colours[name] = match.group(1)
    return CardStyle(tuple(fonts), tuple(colours.items()))


def plan_card(case: Case, static: dict[str, Path]) -> CardPlan:
    """What the card of `case` will say and which fonts will draw it, with its key.

    The key covers the content, the colours and the bytes of every font file: a card is drawn
    again only when one of them changed.
    """
    content = card_content(case)
    style = card_style(static)
    texts = " ".join(text[:LONGEST_TEXT] for text in (
        content.name, content.headline, content.role, content.target, content.address,
        *(part for pair in content.numbers for part in pair), "PROMOTION CASE Target: →" + ELLIPSIS))
    faces = tuple((weight, choose_faces(primary, weight, texts)) for weight, primary in style.fonts)
    font_digests = [digest(path.read_bytes()) for _, paths in faces for path in paths]
    key = digest(repr(content), repr(style.colours), repr(faces), *font_digests)
    return CardPlan(content, style, faces, key)


def choose_faces(primary: Path | None, weight: str, text: str) -> tuple[Path, ...]:
    """The theme's font for a weight, then system fonts for the characters of `text` it lacks.

    Inter covers Latin, Greek and Cyrillic; a name in another script is drawn in the system
    fonts fontconfig chooses for it, and a character no font on the machine has is left out.
    """
    faces = [primary] if primary is not None else system_fonts(weight, ())[:1]
    missing = {ord(character) for character in text if needs_glyph(character)}
    for face in faces:
        missing -= font_coverage(face)
    for candidate in system_fonts(weight, sorted(missing)) if missing else ():
        if len(faces) > MOST_FALLBACK_FONTS or not missing:
            break
        found = missing & font_coverage(candidate)
        if found and candidate not in faces:
            faces.append(candidate)
            missing -= found
    return tuple(faces)


def needs_glyph(character: str) -> bool:
    return not character.isspace() and unicodedata.category(character) not in ("Cc", "Cf")


def system_fonts(weight: str, characters: list[int] | tuple[()]) -> list[Path]:
    """The sans-serif fonts of this machine that fontconfig would draw `characters` with at
    `weight`, best first, each adding characters the ones before lack; one question for all."""
    pattern = f"sans-serif:weight={FONTCONFIG_WEIGHTS[weight]}"
    if characters:
        pattern += ":charset=" + " ".join(f"{point:x}" for point in characters)
    try:
        listing = subprocess.run(["fc-match", "--sort", "--format=%{file}\n", pattern], capture_output=True,
                                 text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [Path(line) for line in listing.splitlines()
            if line.endswith((".otf", ".ttf", ".ttc", ".otc")) and Path(line).is_file()]


def make_card(case: Case, static: dict[str, Path]) -> Card:
    """The card of `case` drawn: the PNG and the texts on it."""
    return draw_card(plan_card(case, static))


def draw_card(plan: CardPlan) -> Card:
    """Draw a planned card into PNG bytes, the same bytes for the same plan (no time, no metadata)."""
    from PIL import Image, ImageDraw

    colours = dict(plan.style.colours)
    image = Image.new("RGB", (WIDTH, HEIGHT), colours["paper"])
    canvas = Canvas(ImageDraw.Draw(image), dict(plan.faces))
    lay_out(canvas, plan.content, colours)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Card(buffer.getvalue(), tuple(canvas.drawn))


# The card's grid, in pixels.
MARGIN = 80
BAND = 96  # the band across the foot of the card
STAT_TOP, STAT_HEIGHT, STAT_GAP = 344, 142, 24
GAP = 40  # between the two texts of the band


def lay_out(canvas: Canvas, content: CardContent, colours: dict[str, str]) -> None:
    """Place every text of the card: who, what they do, their numbers, and what they ask for."""
    width = WIDTH - 2 * MARGIN
    canvas.rectangle((0, 0, 12, HEIGHT - BAND), colours["accent"])
    if content.target:
        canvas.text("PROMOTION CASE", (MARGIN, 104), "SemiBold", 22, colours["accent"], width)
    # a name that does not fit one line at the smallest size takes two, and the headline gives one up
    headline_top, headline_lines = 246, 2
    if canvas.fitting_size(content.name, "Bold", (76, 52), width) is not None:
        canvas.text(content.name, (MARGIN, 188), "Bold", (76, 52), colours["ink"], width)
    else:
        canvas.paragraph(content.name, (MARGIN, 172), "Bold", 52, 60, colours["ink"], width, 2)
        headline_top, headline_lines = 286, 1
    if content.headline:
        lines = headline_lines if content.numbers else 4
        canvas.paragraph(content.headline, (MARGIN, headline_top), "Regular", 32, 44, colours["muted"], width,
                         lines)
    if content.numbers:
        box = (width - 2 * STAT_GAP) // 3
        for index, (number, metric) in enumerate(content.numbers):
            left = MARGIN + index * (box + STAT_GAP)
            canvas.rounded((left, STAT_TOP, left + box, STAT_TOP + STAT_HEIGHT), 14, colours["card"], colours["line"])
            canvas.text(number, (left + 26, STAT_TOP + 72), "Bold", (50, 34), colours["accent"], box - 52)
            canvas.text(metric, (left + 26, STAT_TOP + 114), "SemiBold", 24, colours["ink"], box - 52)
    canvas.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), colours["accent"])
    lay_out_band(canvas, content, width)


def lay_out_band(canvas: Canvas, content: CardContent, width: int) -> None:
    """The band at the foot: the way from the role now to the role asked for, and the site's address.

    The role asked for matters most: when both do not fit, the role now goes first, then the
    address is shortened, then left out.
    """
    baseline = HEIGHT - BAND + 58
    choices = []
    if content.role and content.target:
        choices = [f"{content.role} → {content.target}", f"Target: {content.target}"]
    elif content.target:
        choices = [f"Target: {content.target}"]
    elif content.role:
        choices = [content.role]
    address = canvas.drawable(content.address, "Regular")
    address_width = canvas.measure(address, "Regular", 24) if address else 0
    for choice in choices:
        if canvas.measure(canvas.drawable(choice, "SemiBold"), "SemiBold", 28) + GAP + address_width <= width:
            canvas.text(choice, (MARGIN, baseline), "SemiBold", 28, "#ffffff", width)
            break
    else:
        if choices:
            used = canvas.text(choices[-1], (MARGIN, baseline), "SemiBold", 28, "#ffffff", width)
            address_width = width - used - GAP if width - used - GAP >= SHORTEST_ADDRESS else 0
        address = address if address_width else ""
    if address:
        canvas.text(address, (WIDTH - MARGIN, baseline), "Regular", 24, "#ffffff", round(address_width), anchor="rs")


SHORTEST_ADDRESS = 200  # narrower, an address says too little to be worth its place


class Canvas:
    """Draws text in runs of the fonts that have its characters, shortened to fit its space.

    Pillow draws a string in one font; a name in two scripts needs two. Text is cut into runs
    of the first font that has each character, all on one baseline. Every text drawn is kept
    in `drawn`, exactly as it appears.
    """

    def __init__(self, draw: Any, faces: dict[str, tuple[Path, ...]]):
        self.draw = draw
        self.faces = faces
        self.fonts: dict[tuple[Path | None, int], Any] = {}
        self.drawn: list[str] = []

    def font(self, path: Path | None, size: int) -> Any:
        from PIL import ImageFont

        if (path, size) not in self.fonts:
            try:
                font = ImageFont.truetype(str(path), size) if path is not None else ImageFont.load_default(size)
            except OSError:  # a theme's font FreeType cannot read: its characters found other fonts
                font = ImageFont.load_default(size)
            self.fonts[path, size] = font
        return self.fonts[path, size]

    def runs(self, text: str, weight: str) -> list[tuple[Path | None, str]]:
        """`text` as runs of one font each; characters no font has are left out."""
        faces = self.faces.get(weight) or ()
        runs: list[tuple[Path | None, str]] = []
        for character in text:
            face = self.face_for(character, faces)
            if face is False:
                continue
            if runs and (face is None or runs[-1][0] == face):
                runs[-1] = (runs[-1][0], runs[-1][1] + character)
            else:
                runs.append((face if face is not None else (faces[0] if faces else None), character))
        return runs

    @staticmethod
    def face_for(character: str, faces: tuple[Path, ...]) -> Path | None | bool:
        """The first font with the character; None for a character any font draws (a space, a
        combining mark: it stays with the run before it); False for one no font has."""
        if not faces:
            return None if character.isascii() else False
        if character.isspace() or unicodedata.category(character) in ("Mn", "Me"):
            return None
        for face in faces:
            if ord(character) in font_coverage(face):
                return face
        return False

    def drawable(self, text: str, weight: str) -> str:
        """`text` without the characters no font has, on one line."""
        return " ".join("".join(run for _, run in self.runs(text[:LONGEST_TEXT], weight)).split())

    def fitting_size(self, text: str, weight: str, sizes: tuple[int, int], width: int) -> int | None:
        """The largest size from (largest, smallest), in steps of two, at which `text` fits `width`."""
        largest, smallest = sizes
        text = self.drawable(text, weight)
        size = largest
        while self.measure(text, weight, size) > width:
            if size == smallest:
                return None
            size = max(smallest, size - 2)
        return size

    def measure(self, text: str, weight: str, size: int) -> float:
        return sum(self.font(face, size).getlength(run) for face, run in self.runs(text, weight))

    def text(self, text: str, position: tuple[int, int], weight: str, size: int | tuple[int, int],
             colour: str, width: int, anchor: str = "ls") -> int:
        """Draw one line at a baseline, at the largest size from `size` (largest, smallest) that
        fits `width`, shortened with an ellipsis when even the smallest does not; return its width."""
        sizes = size if isinstance(size, tuple) else (size, size)
        text = self.drawable(text, weight)
        if not text:
            return 0
        chosen = self.fitting_size(text, weight, sizes, width) or sizes[1]
        line = shorten(text, width, lambda candidate: self.measure(candidate, weight, chosen))
        return self.draw_line(line, position, weight, chosen, colour, anchor)

    def paragraph(self, text: str, position: tuple[int, int], weight: str, size: int, leading: int,
                  colour: str, width: int, lines: int) -> None:
        """Draw text wrapped on at most `lines` lines, the last shortened with an ellipsis if need be."""
        text = self.drawable(text, weight)
        wrapped = wrap(text, width, lines, lambda candidate: self.measure(candidate, weight, size))
        left, top = position
        for index, line in enumerate(wrapped):
            self.draw_line(line, (left, top + index * leading), weight, size, colour, "ls")

    def draw_line(self, line: str, position: tuple[int, int], weight: str, size: int, colour: str,
                  anchor: str) -> int:
        width = round(self.measure(line, weight, size))
        left, baseline = position
        if anchor == "rs":
            left -= width
        for face, run in self.runs(line, weight):
            font = self.font(face, size)
            self.draw.text((left, baseline), run, font=font, fill=colour, anchor="ls")
            left += font.getlength(run)
        self.drawn.append(line)
        return width

    def rectangle(self, box: tuple[int, int, int, int], colour: str) -> None:
        self.draw.rectangle(box, fill=colour)

    def rounded(self, box: tuple[int, int, int, int], radius: int, fill: str, outline: str) -> None:
        self.draw.rounded_rectangle(box, radius, fill=fill, outline=outline, width=2)


def shorten(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text` if it fits `width`, else as many of its words as fit with an ellipsis after them;
    or as many characters, when whole words would leave much of the space empty (a long word)."""
    if measure(text) <= width:
        return text
    words = text.split(" ")
    count = most_that_fit(len(words), lambda n: measure(" ".join(words[:n]) + ELLIPSIS) <= width)
    kept = " ".join(words[:count])
    if measure(kept) < width * 0.6:
        kept = text[:most_that_fit(len(text), lambda n: measure(text[:n] + ELLIPSIS) <= width)]
    return kept.rstrip(" ,;:–—-·") + ELLIPSIS


def most_that_fit(count: int, fits: Callable[[int], bool]) -> int:
    """The largest n ≤ count for which `fits(n)`, 0 if none; text grows wider as it grows longer,
    so a binary search finds it in a few measures even in a text of hundreds of characters."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def wrap(text: str, width: float, lines: int, measure: Callable[[str], float]) -> list[str]:
    """`text` broken into lines that fit `width`, at most `lines` of them; the last line is
    shortened with an ellipsis when the text goes on. A word wider than a line is cut."""
    if lines == 1:
        return [shorten(text, width, measure)] if text else []
    words: list[str] = []
    for word in text.split():
        words.extend(cut_word(word, width, measure))
    wrapped: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width:
            current = candidate
            continue
        wrapped.append(current)
        current = word
        if len(wrapped) == lines - 1:
            rest = " ".join([current, *words[index + 1:]])
            wrapped.append(shorten(rest, width, measure))
            return wrapped
    if current:
        wrapped.append(current)
    return wrapped


def cut_word(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A word as pieces that each fit a line (a long URL, or a script written without spaces)."""
    pieces = []
    while word and measure(word) > width:
        end = max(1, most_that_fit(len(word), lambda n, piece=word: measure(piece[:n]) <= width))
        pieces.append(word[:end])
        word = word[end:]
    return [*pieces, word] if word else pieces
