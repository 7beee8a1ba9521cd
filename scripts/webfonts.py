"""Make a theme's web fonts from the fonts its dossier embeds, and print their @font-face rules.

    python scripts/webfonts.py                       every built-in theme, as BUILT_IN says
    python scripts/webfonts.py FONTS_FOLDER [--family NAME] [--features TAG,TAG]

The site and the PDF are set in the same face only if the site ships it: a reader's
computer rarely has it, and then the page falls back to another font. The dossier's fonts
are hundreds of kilobytes, so the site gets WOFF2 subsets of them instead: "latin", which
nearly every page needs and the page preloads, and "latin-ext", which a browser downloads
only for a page whose text has such a letter (ł, ș, ő, ...). Letters in neither fall back
to the next font of the stack.

A folder's source fonts are its NAME-STYLE.otf, .ttf or .woff2 files, STYLE one of STYLES;
each gives NAME-STYLE-latin.woff2 and NAME-STYLE-latin-ext.woff2. The rules name the font's
own family, or the one `--family` gives: a font whose licence reserves its name (the Open
Font License's Reserved Font Name, as Adobe's "Source" fonts do) may not keep that name once
glyphs are taken out of it, so its subsets are renamed; its copyright, trademark and licence
records stay as they are. `--features` keeps OpenType features beyond the usual ones, such
as small capitals (smcp, c2sc) for a theme that sets headings in them.

Run it again after replacing the fonts, and paste the rules it prints into the theme's
site.css. The same fonts give the same files: the subsetter keeps the fonts' own
timestamps, and does nothing that depends on the clock or the machine.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# name in the file -> weight and style in CSS
STYLES = {"Regular": (400, "normal"), "Italic": (400, "italic"), "SemiBold": (600, "normal"), "Bold": (700, "normal")}
SOURCE_SUFFIXES = (".otf", ".ttf", ".woff2")

# Unicode ranges as (first, last) code points; the two subsets never share one, or a
# browser would fetch both files for the shared letter.
LATIN = [(0x0000, 0x00FF), (0x0131, 0x0131), (0x0152, 0x0153), (0x02BB, 0x02BC), (0x02C6, 0x02C6),
         (0x02DA, 0x02DA), (0x02DC, 0x02DC), (0x2000, 0x206F), (0x2074, 0x2074), (0x20AC, 0x20AC),
         (0x2122, 0x2122), (0x2190, 0x2199), (0x2212, 0x2212), (0x2215, 0x2215), (0xFEFF, 0xFEFF),
         (0xFFFD, 0xFFFD)]
LATIN_EXT_WANTED = [(0x0100, 0x02FF), (0x0300, 0x036F), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF),
                    (0x20A0, 0x20C0), (0x2113, 0x2113), (0x2C60, 0x2C7F), (0xA720, 0xA7FF)]

# The OpenType features every theme's pages can ask for: the subsetter's defaults (kerning,
# ligatures, marks) and tabular figures, which the numbers of tables and totals use.
EXTRA_FEATURES = ["tnum"]

# How each built-in theme's web fonts are made, so that running the script with no argument
# makes them all again exactly.
BUILT_IN = {
    "default": {},
    # Source Serif 4's name is reserved; its headings are set in small capitals, its text in
    # old-style figures
    "classic": {"family": "Classic Serif", "features": ["smcp", "c2sc", "onum"]},
}

# name records that say what the font is called, and so are renamed with it; the copyright
# (0), trademark (7) and licence (13, 14) records, among others, are never touched
NAME_RECORDS = (1, 3, 4, 6, 16, 18, 20, 21)


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


def sources(folder: Path) -> dict[str, Path]:
    """The folder's source font of each style; one family a folder, or the rules would mix them."""
    found = {}
    for style in STYLES:
        files = sorted(path for path in folder.glob(f"*-{style}.*") if path.suffix in SOURCE_SUFFIXES)
        if len(files) > 1:
            raise SystemExit(f"{folder}: more than one {style} font: {', '.join(p.name for p in files)}")
        if files:
            found[style] = files[0]
    if not found:
        raise SystemExit(f"{folder}: no NAME-STYLE{'|'.join(SOURCE_SUFFIXES)} font, STYLE one of {', '.join(STYLES)}")
    if len({path.name.rsplit("-", 1)[0] for path in found.values()}) > 1:
        raise SystemExit(f"{folder}: the fonts are of more than one family")
    return found


def family_of(source: Path) -> str:
    from fontTools.ttLib import TTFont

    return TTFont(source, lazy=True)["name"].getBestFamilyName()


def rename(font, old: str, new: str) -> None:
    """Call the font `new` wherever its names say `old`, in words and in its PostScript form."""
    replacements = [(old, new), (old.replace(" ", ""), new.replace(" ", ""))]
    for record in font["name"].names:
        if record.nameID in NAME_RECORDS:
            text = record.toUnicode()
            for before, after in replacements:
                text = text.replace(before, after)
            record.string = text
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [name.replace(*replacements[1]) for name in cff.fontNames]
        top = cff.topDictIndex[0]
        for key in ("FamilyName", "FullName"):
            if hasattr(top, key):
                setattr(top, key, getattr(top, key).replace(*replacements[0]))


def woff2(source: Path, ranges: list[tuple[int, int]], family: str | None = None,
          features: list[str] | tuple[str, ...] = ()) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = options.layout_features + EXTRA_FEATURES + list(features)
    # keep every name record: the copyright, the licence and its address go with the font
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    # plain CFF charstrings compress better under Brotli than subroutines do
    options.desubroutinize = True
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points(ranges))
    subsetter.subset(font)
    if family is not None:
        rename(font, font["name"].getBestFamilyName(), family)
    font.flavor = "woff2"
    data = io.BytesIO()
    font.save(data, reorderTables=True)
    return data.getvalue()


def file_name(source: Path, subset_name: str) -> str:
    return f"{re.sub(r'[.](otf|ttf|woff2)$', '', source.name)}-{subset_name}.woff2"


def font_face_rules(folder: Path, family: str | None = None) -> str:
    found = sources(folder)
    family = family or family_of(next(iter(found.values())))
    rules = []
    for style, source in found.items():
        weight, font_style = STYLES[style]
        for subset_name, ranges in SUBSETS.items():
            rules.append(f'@font-face {{ font-family: "{family}"; font-style: {font_style}; font-weight: {weight}; '
                         f'font-display: swap; src: url("../fonts/{file_name(source, subset_name)}") format("woff2"); '
                         f"unicode-range: {unicode_range(ranges)}; }}")
    return "\n".join(rules)


def make(folder: Path, family: str | None = None, features: list[str] | tuple[str, ...] = ()) -> str:
    """Write the folder's subsets; its @font-face rules."""
    for source in sources(folder).values():
        for subset_name, ranges in SUBSETS.items():
            target = folder / file_name(source, subset_name)
            target.write_bytes(woff2(source, ranges, family, features))
            print(f"{target.name}: {target.stat().st_size:,} bytes", file=sys.stderr)
    return font_face_rules(folder, family)


def built_in_folder(theme: str) -> Path:
    return PROJECT / "themes" / theme / "static" / "fonts"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a theme's fonts folder; none: every built-in theme")
    parser.add_argument("--family", help="the name the subsets carry and the rules use (a reserved name must change)")
    parser.add_argument("--features", default="", help="OpenType features to keep too, comma-separated: smcp,c2sc")
    options = parser.parse_args(arguments)
    if options.folder is not None:
        print(make(options.folder, options.family, [tag for tag in options.features.split(",") if tag]))
        return 0
    for theme, settings in BUILT_IN.items():
        print(f"/* themes/{theme}/static/css/site.css */")
        print(make(built_in_folder(theme), settings.get("family"), settings.get("features", ())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
