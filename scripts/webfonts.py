"""Make the site's WOFF2 fonts from the Inter OTFs the dossier embeds, and print their @font-face rules.

    python scripts/webfonts.py [FONTS_FOLDER]     (default: themes/default/static/fonts)

The site and the PDF are set in the same Inter only if the site ships it: a reader's
computer rarely has it, and then the page falls back to another sans-serif. The OTFs are
a megabyte, so the site gets WOFF2 subsets of them instead: "latin", which nearly every
page needs and the page preloads, and "latin-ext", which a browser downloads only for a
page whose text has such a letter (ł, ș, ő, ...). Letters in neither fall back to the
next font of the stack.

Run it again after replacing the OTFs, and paste the rules it prints into site.css. The
same OTFs give the same files: the subsetter keeps the OTFs' own timestamps, and does
nothing that depends on the clock or the machine.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

# name in the file -> weight and style in CSS
STYLES = {"Regular": (400, "normal"), "Italic": (400, "italic"), "SemiBold": (600, "normal"), "Bold": (700, "normal")}

# Unicode ranges as (first, last) code points; the two subsets never share one, or a
# browser would fetch both files for the shared letter.
LATIN = [(0x0000, 0x00FF), (0x0131, 0x0131), (0x0152, 0x0153), (0x02BB, 0x02BC), (0x02C6, 0x02C6),
         (0x02DA, 0x02DA), (0x02DC, 0x02DC), (0x2000, 0x206F), (0x2074, 0x2074), (0x20AC, 0x20AC),
         (0x2122, 0x2122), (0x2190, 0x2199), (0x2212, 0x2212), (0x2215, 0x2215), (0xFEFF, 0xFEFF),
         (0xFFFD, 0xFFFD)]
LATIN_EXT_WANTED = [(0x0100, 0x02FF), (0x0300, 0x036F), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF),
                    (0x20A0, 0x20C0), (0x2113, 0x2113), (0x2C60, 0x2C7F), (0xA720, 0xA7FF)]

# The OpenType features the pages can ask for: the subsetter's defaults (kerning,
# ligatures, marks) and tabular figures, which the numbers of tables and totals use.
EXTRA_FEATURES = ["tnum"]


def code_points(ranges: list[tuple[int, int]]) -> set[int]:
    return {point for first, last in ranges for point in range(first, last + 1)}


def as_ranges(points: set[int]) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return [(first, last) for first, last in ranges]


SUBSETS = {"latin": LATIN, "latin-ext": as_ranges(code_points(LATIN_EXT_WANTED) - code_points(LATIN))}


def unicode_range(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(f"U+{first:04X}" + (f"-{last:04X}" if last != first else "") for first, last in ranges)


def woff2(otf: Path, ranges: list[tuple[int, int]]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = options.layout_features + EXTRA_FEATURES
    # keep every name record: the copyright, the licence and its address go with the font
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    # plain CFF charstrings compress better under Brotli than subroutines do
    options.desubroutinize = True
    font = TTFont(otf, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points(ranges))
    subsetter.subset(font)
    font.flavor = "woff2"
    data = io.BytesIO()
    font.save(data, reorderTables=True)
    return data.getvalue()


def file_name(style: str, subset_name: str) -> str:
    return f"Inter-{style}-{subset_name}.woff2"


def font_face_rules() -> str:
    rules = []
    for style, (weight, font_style) in STYLES.items():
        for subset_name, ranges in SUBSETS.items():
            rules.append(f'@font-face {{ font-family: "Inter"; font-style: {font_style}; font-weight: {weight}; '
                         f'font-display: swap; src: url("../fonts/{file_name(style, subset_name)}") format("woff2"); '
                         f"unicode-range: {unicode_range(ranges)}; }}")
    return "\n".join(rules)


def main(arguments: list[str]) -> int:
    folder = Path(arguments[0]) if arguments else Path(__file__).resolve().parent.parent / "themes/default/static/fonts"
    for style in STYLES:
        for subset_name, ranges in SUBSETS.items():
            target = folder / file_name(style, subset_name)
            target.write_bytes(woff2(folder / f"Inter-{style}.otf", ranges))
            print(f"{target.name}: {target.stat().st_size:,} bytes", file=sys.stderr)
    print(font_face_rules())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
