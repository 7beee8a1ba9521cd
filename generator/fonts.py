"""Which characters the dossier's fonts can draw: the theme's own fonts, then the machine's.

A character no font covers prints as an empty box in the PDF, which a committee reads as
carelessness; `check` says so before the PDF is made, and the build names the fonts to add.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterable
from pathlib import Path

FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")


def uncovered(characters: Iterable[str], theme_fonts: Iterable[Path]) -> list[str]:
    """The characters neither the theme's fonts nor any font of this machine can draw, in order."""
    wanted = [c for c in dict.fromkeys(characters) if _needs_a_glyph(c)]
    if not wanted:
        return []
    covered = set().union(*(font_coverage(path) for path in sorted(theme_fonts)))
    wanted = [c for c in wanted if ord(c) not in covered]
    if not wanted:
        return []
    system = system_coverage()
    return [c for c in wanted if ord(c) not in system]


def _needs_a_glyph(character: str) -> bool:
    # spaces, line breaks and ASCII every font has; formatting characters draw nothing
    return ord(character) > 0x7E and not character.isspace() and character not in "\u200b\u200c\u200d\ufe0f\u00ad"


@functools.lru_cache(maxsize=32)
def font_coverage(path: Path) -> frozenset[int]:
    """The code points one font file maps to glyphs; nothing when it cannot be read."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except Exception:  # noqa: BLE001 - a font we cannot read covers nothing; the build says more
        return frozenset()


@functools.lru_cache(maxsize=1)
def system_coverage() -> frozenset[int]:
    """The code points any font fontconfig knows can draw: where WeasyPrint falls back to."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True,
                                 timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    points: set[int] = set()
    for part in listing.split():
        first, _, last = part.partition("-")
        try:
            points.update(range(int(first, 16), int(last or first, 16) + 1))
        except ValueError:
            continue
    return frozenset(points)


def font_packages(characters: Iterable[str]) -> list[str]:
    """Debian's font packages that cover the characters, to name in a hint."""
    characters = list(characters)
    packages = []
    if any(0x2E80 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF or 0xF900 <= ord(c) <= 0xFAFF
           for c in characters):
        packages.append("fonts-noto-cjk")
    if any(ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF for c in characters):
        packages.append("fonts-noto-color-emoji")
    return packages or ["fonts-noto"]
