"""Find themes and resolve their inheritance into a list of template and static folders.

A theme is a folder with `theme.yaml` (name, description, `extends:`), `templates/` and
`static/`. A record's own `themes/` folder is searched before the built-in themes, and a
record's own `templates/` folder overrides single templates of whatever theme it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.problems import UserError

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_themes_dir() -> Path:
    """Inside an installed wheel the themes sit in the package; in a checkout, beside it."""
    for candidate in (PACKAGE_DIR / "themes", PACKAGE_DIR.parent / "themes"):
        if candidate.is_dir():
            return candidate
    raise UserError("careerfolio's built-in themes are missing — reinstall careerfolio")


@dataclass(frozen=True)
class Theme:
    name: str
    description: str
    folder: Path
    parent: str | None
    origin: str  # "built-in" or "record"


@dataclass(frozen=True)
class ThemeChain:
    """A theme and its ancestors, child first: where to look for templates and files."""

    themes: tuple[Theme, ...]

    def template_folders(self, record_root: Path | None) -> list[Path]:
        folders = []
        if record_root is not None and (record_root / "templates").is_dir():
            folders.append(record_root / "templates")
        folders.extend(t.folder / "templates" for t in self.themes if (t.folder / "templates").is_dir())
        return folders

    def static_folders(self) -> list[Path]:
        """Parent first, so a child's file of the same name wins when copied last."""
        return [t.folder / "static" for t in reversed(self.themes) if (t.folder / "static").is_dir()]


def discover_themes(record_root: Path | None) -> dict[str, Theme]:
    """Every theme by name; a record's theme of the same name hides the built-in one."""
    found: dict[str, Theme] = {}
    builtin = builtin_themes_dir()
    places = [(builtin, "built-in")]
    own = record_root / "themes" if record_root is not None else None
    if own is not None and own.is_dir() and own.resolve() != builtin.resolve():
        places.append((own, "record"))
    for place, origin in places:
        for folder in sorted(place.iterdir()):
            manifest = folder / "theme.yaml"
            if not manifest.is_file():
                continue
            try:
                data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                raise UserError(f"{manifest}: the theme's YAML is broken ({error}) — fix theme.yaml") from None
            if not isinstance(data, dict):
                raise UserError(f"{manifest}:1:1: theme.yaml must be keys and values — add `name:`")
            name = str(data.get("name") or folder.name)
            found[name] = Theme(name, str(data.get("description") or ""), folder,
                                data.get("extends"), origin)
    return found


def resolve_theme(name: str, record_root: Path | None) -> ThemeChain:
    themes = discover_themes(record_root)
    chain: list[Theme] = []
    current: str | None = name
    while current is not None:
        if current not in themes:
            known = ", ".join(sorted(themes))
            wanted = "theme" if not chain else f"parent theme of '{chain[-1].name}'"
            raise UserError(f"there is no {wanted} named '{current}' — use one of: {known}")
        if any(t.name == current for t in chain):
            raise UserError(f"the theme '{current}' extends itself through its parents — fix `extends:`")
        chain.append(themes[current])
        current = themes[current].parent
    return ThemeChain(tuple(chain))
