"""Find themes and resolve their inheritance into a list of template and static folders.

A theme is a folder with `theme.yaml` (read through `ThemeManifest`: name, description,
`extends:`, the dossier's stylesheet, the options it takes), `templates/` and `static/`. A
record's own `themes/` folder is searched before the built-in themes, and a record's own
`templates/` folder overrides single templates of whatever theme it uses. A template may
name another theme's version of itself as `THEME/NAME` (`{% extends "default/home.html" %}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.load import inside, read_yaml_file
from generator.model import Model, described
from generator.problems import Problem, RecordProblems, UserError
from generator.validate import validate_model, whole_file


class ThemeOption(Model):
    """One choice a theme offers in `theme_options:`, with its kind and default."""

    type: Literal["color", "text", "choice", "flag", "sections"] = described(
        "text", "color: #rgb or #rrggbb; choice: one of `choices`; flag: true or false; sections: a list "
        "of `choices`, in the order shown; text: a line of text.", "color")
    default: Any = described(None, "The value when the record sets none.", "#0f5e6e")
    choices: list[str] = described([], "What a choice or sections option may be.", ["impact", "featured"])
    description: str = described("", "What the option changes, for `careerfolio themes`.", "The accent colour.")


class DossierFiles(Model):
    stylesheet: str = described("css/dossier.css", "The dossier's stylesheet, under static/; the fonts it "
                                "names travel with the dossier and into its PDF.", "css/print.css")


class ThemeManifest(Model):
    """theme.yaml: a theme's name, what it builds on, and what it lets a record choose."""

    name: str | None = described(None, "The theme's name; default: its folder's.", "classic")
    description: str = described("", "One line for `careerfolio themes`.", "Serif, print-first.")
    extends: str | None = described(None, "The theme this one builds on: its templates and static files are "
                                    "used where this theme has none.", "default")
    dossier: DossierFiles | None = described(None, "The dossier's files; default: the parent theme's.",
                                             {"stylesheet": "css/dossier.css"})
    options: dict[str, ThemeOption] = described({}, "The `theme_options:` a record may set, by name.",
                                                {"accent": {"type": "color", "default": "#0f5e6e"}})

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
    manifest: ThemeManifest = field(default_factory=ThemeManifest)


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

    def namespaces(self) -> dict[str, Path]:
        """Each theme's own templates by its name, for `THEME/NAME` template names."""
        return {t.name: t.folder / "templates" for t in self.themes if (t.folder / "templates").is_dir()}

    @property
    def dossier_stylesheet(self) -> str:
        """The dossier's stylesheet, as the nearest theme that says declares it."""
        return next((t.manifest.dossier.stylesheet for t in self.themes if t.manifest.dossier is not None),
                    DossierFiles().stylesheet)

    @property
    def options(self) -> dict[str, ThemeOption]:
        """The options the theme takes, a child's over its parent's of the same name."""
        found: dict[str, ThemeOption] = {}
        for theme in reversed(self.themes):
            found.update(theme.manifest.options)
        return found


def discover_themes(record_root: Path | None) -> dict[str, Theme]:
    """Every theme by name; a record's theme of the same name hides the built-in one."""
    found: dict[str, Theme] = {}
    builtin = builtin_themes_dir()
    places = [(builtin, "built-in")]
    own = record_root / "themes" if record_root is not None else None
    if own is not None and own.is_dir() and own.resolve() != builtin.resolve():
        places.append((own, "record"))
    problems: list[Problem] = []
    for place, origin in places:
        for folder in sorted(place.iterdir()):
            manifest_path = folder / "theme.yaml"
            if not manifest_path.is_file():
                continue
            if not inside(manifest_path, place.resolve()):
                problems.append(Problem(manifest_path, 1, 1, "this theme.yaml is a link to a place outside the "
                                        "themes folder, which careerfolio never reads",
                                        "copy the theme itself into the folder"))
                continue
            manifest, found_problems = read_manifest(manifest_path)
            problems.extend(found_problems)
            if manifest is not None:
                name = manifest.name or folder.name
                found[name] = Theme(name, manifest.description, folder, manifest.extends, origin, manifest)
    if problems:
        raise RecordProblems(problems)
    return found


def read_manifest(path: Path) -> tuple[ThemeManifest | None, list[Problem]]:
    """A theme.yaml, typed: a key the theme does not know is a located problem, with a "did you mean"."""
    source, problems = read_yaml_file(path)
    if source is None or problems:
        return None, problems
    manifest, problems = validate_model(ThemeManifest, source.data if source.data is not None else {},
                                        whole_file(source))
    if manifest is not None:
        for name, option in manifest.options.items():
            problems.extend(option_definition_problems(name, option, whole_file(source)))
    return (manifest if not problems else None), problems


def option_definition_problems(name: str, option: ThemeOption, item: Any) -> list[Problem]:
    """An option whose default it would refuse itself is the theme's mistake: say so in theme.yaml."""
    if option.default is None:
        return []
    message = option_value_problem(option, option.default)
    return [item.problem(("options", name, "default"), message[0], message[1])] if message else []


COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def option_value_problem(option: ThemeOption, value: Any) -> tuple[str, str] | None:
    """What is wrong with a value for an option, as (message, hint); None when it is fine."""
    if option.type == "color" and not (isinstance(value, str) and COLOUR.fullmatch(value)):
        return f"'{value}' is not a colour", "write it as #rgb or #rrggbb, e.g. #0f5e6e"
    if option.type == "flag" and not isinstance(value, bool):
        return f"'{value}' is not true or false", "write true or false"
    if option.type == "text" and not (isinstance(value, str) and len(value) <= 200 and "\n" not in value):
        return f"'{value}' is not a line of text", "write one line of at most 200 characters"
    if option.type == "choice" and value not in option.choices:
        return f"'{value}' is not one of the choices", "use one of: " + ", ".join(option.choices)
    if option.type == "sections":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "expected a list of section names", "write e.g. [" + ", ".join(option.choices[:2]) + "]"
        unknown = [item for item in value if item not in option.choices]
        if unknown:
            return f"there is no section '{unknown[0]}'", "use any of: " + ", ".join(option.choices)
    return None


def resolve_options(chain: ThemeChain, chosen: dict[str, Any], item: Any) -> tuple[dict[str, Any], list[Problem]]:
    """The theme's options with the record's choices over its defaults; each wrong choice located.

    `item` is careerfolio.yaml as one place (None without one), for the problems.
    """
    import difflib

    offered = chain.options
    values = {name: option.default for name, option in offered.items()}
    problems = []
    for name, value in chosen.items():
        option = offered.get(name)
        if option is None:
            close = difflib.get_close_matches(name, list(offered), n=1)
            hint = (f"did you mean '{close[0]}'?" if close else
                    "this theme takes: " + (", ".join(sorted(offered)) or "no options"))
            if item is not None:
                problems.append(item.problem(("theme_options", name), f"the theme has no option '{name}'", hint,
                                             key=True))
            continue
        wrong = option_value_problem(option, value)
        if wrong is not None:
            if item is not None:
                problems.append(item.problem(("theme_options", name), wrong[0], wrong[1]))
            continue
        values[name] = value
    return values, problems


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
