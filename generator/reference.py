"""The template reference: every variable, type, filter and block a theme's templates can use.

Generated from the view types, the page plan and the default theme themselves, so it cannot
drift from them: `python -m generator.reference > docs/templates.md`, and a test fails when
the committed file is not what this writes.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import re
import sys
import typing
from pathlib import Path

import jinja2
import jinja2.defaults
import jinja2.nodes
from pydantic import BaseModel

from generator import views
from generator.case import CaseOptions, build_case
from generator.markdown import MarkdownRenderer
from generator.model import Period, Profile
from generator.numbers import ImpactTotal, ImpactView
from generator.render import make_environment, plan_site_pages
from generator.themes import builtin_themes_dir, resolve_theme
from generator.vocabulary import Reference

# Names every page's context holds, with what they are; the rest come from the page plan.
PAGE_NAMES = {
    "case": "`Case` — everything the site may show for its audience",
    "page": "`Page` — this page: `path`, `template`, `title`, `section` (`home`, `achievements`…), `lastmod`",
    "root": "`str` — the way back to the site's root from this page (`../../`); what `|url` puts before a path",
    "asset_root": "`str` — the same, for content files (evidence, photo) that Markdown links to",
    "canonical": "`str | None` — this page's full address, with `base_url` (None without it)",
    "site_urls": "`list[SiteUrl]` — every page for the sitemap: `path`, `lastmod`",
}
DOSSIER_NAMES = {
    "case": "`Case` — the promotion case for the dossier's audience (always `purpose` promotion)",
    "packet": "`Packet` — achievements: `full` (told at length, strongest first), `brief` (one line each)",
    "told": "`frozenset[str]` — ids of the achievements told in full",
    "projects": "`Packet` — projects, told the same way",
    "quotes": "`Packet` — feedback, featured first",
    "since": "`Changes | None` — what changed since `dossier.since` (see `generator/changes.py`)",
    "anchors": "`frozenset[str]` — the ids the dossier has, for links from the 'Since the last review' chapter",
    "published": "`frozenset[str]` — evidence files the public site publishes (online copies)",
    "stylesheet": "`str` — the theme's dossier stylesheet",
    "paper": "`str` — `A4` or `Letter`",
    "stamp": "`Stamp` — the record's commit: `describe()` gives `commit 1a2b3c4` or `not in git`",
    "root": "`str` — always empty: the dossier is one file",
    "asset_root": "`str` — always empty",
    "canonical": "`None`",
    "page": "`None`",
}
GLOBALS = {
    "page_path": "`page_path(section, id=None)` — a section's or an entry's page, relative to the root; views "
                 "have `.path` for their own",
    "asset_path": "`asset_path(file)` — where a content file (`assets/…`) is copied",
    "titles": "`dict[str, str]` — each section's default title",
    "is_currency": "`is_currency(unit)` — whether a unit is a currency code",
    "theme_options": "`dict` — the theme's options as the record sets them (see theme.yaml)",
    "cached": "`cached(macro, *arguments)` — the macro called with these arguments, its output kept for every "
              "other call with equal arguments on a page of the same depth, in this build and, through the "
              "build cache, in the next ones (as Hugo's `partialCached`). The default theme shows each "
              "achievement's row with `{{ cached(ui.achievement_row, achievement) }}`: rendered once, not once "
              "for every list, tag, competency and year that shows it. A macro that reads anything of the page "
              "besides its arguments (`page`, `case`, a variable set outside it) or includes or imports a "
              "template is called as usual each time: the output is the same either way",
}


def field_comments(cls: type) -> dict[str, str]:
    """The comment at the end of each field's line in a dataclass's source: its one-line meaning."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    comments = {}
    for node in ast.parse(source).body[0].body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            line = lines[node.lineno - 1]
            if "  # " in line:
                comments[node.target.id] = line.split("  # ", 1)[1].strip()
    return comments


def first_line(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


# The record's model each view shows: a view's field means what the model's field of that name says.
MODEL_OF = {"AchievementView": "Achievement", "ProjectView": "Project", "CertificationView": "Certification",
            "GoalView": "Goal", "FeedbackView": "Feedback", "LearningView": "Learning",
            "CompetencyView": "Competency", "EvidenceView": "Evidence"}


def describe_class(cls: type) -> list[str]:
    """A table of a view type's fields and properties, with their types and meanings."""
    from generator import model

    rows = []
    if dataclasses.is_dataclass(cls):
        comments = field_comments(cls)
        shown = getattr(model, MODEL_OF.get(cls.__name__, ""), None)
        described_fields = shown.model_fields if shown is not None else {}
        for item in dataclasses.fields(cls):
            meaning = comments.get(item.name) or (first_line(described_fields[item.name].description)
                                                  if item.name in described_fields else "")
            rows.append((item.name, str(item.type), meaning))
    elif issubclass(cls, BaseModel):
        for name, item in cls.model_fields.items():
            rows.append((name, type_name(item.annotation), first_line(item.description)))
    for name, member in sorted(vars(cls).items()):
        if isinstance(member, property) and not name.startswith("_"):
            rows.append((name, "property", first_line(member.fget.__doc__)))
        elif callable(member) and not name.startswith("_") and dataclasses.is_dataclass(cls) and \
                not isinstance(member, (classmethod, staticmethod, type)):
            signature = str(inspect.signature(member)).replace("self, ", "").replace("(self)", "()")
            rows.append((f"{name}{signature.split(' ->')[0]}", "method", first_line(member.__doc__)))
    lines = [f"### `{cls.__name__}`", ""]
    written = cls.__doc__ and not cls.__doc__.startswith((f"{cls.__name__}(", "!!! abstract"))
    if written:
        lines += [first_line(cls.__doc__), ""]
    lines += ["| name | type | meaning |", "| --- | --- | --- |"]
    for name, kind, meaning in rows:
        kind = kind if kind in ("property", "method") else f"`{kind}`"
        lines.append(table_row(f"`{name}`", kind, meaning))
    return lines + [""]


def table_row(*cells: str) -> str:
    """A Markdown table row; a `|` inside a cell (`str | None`) is escaped, as GitHub's tables need."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def type_name(annotation: typing.Any) -> str:
    text = getattr(annotation, "__name__", None) if not typing.get_args(annotation) else None
    text = text or str(annotation)
    return re.sub(r"\b(?:typing|generator\.\w+|datetime)\.", "", text).replace("NoneType", "None")


def view_types() -> list[type]:
    """Every type a template reaches from the case, in the order of views.py, then the others."""
    ordered = [obj for _, obj in inspect.getmembers(views, inspect.isclass)
               if obj.__module__ == views.__name__ and dataclasses.is_dataclass(obj)]
    ordered.sort(key=lambda cls: inspect.getsourcelines(cls)[1])
    return ordered + [ImpactView, ImpactTotal, Reference, Profile, Period]


def page_table() -> list[str]:
    """The page templates, where each page goes and what its context adds, from the page plan."""
    from generator.model import Settings
    from generator.validate import Record

    record = Record(Path("."), Path("content"), Settings(), None, Profile(name="Example"), None,
                    _example_ladder(), None, {})
    lines = ["| template | writes | adds to the context |", "| --- | --- | --- |"]
    seen = set()
    for purpose in ("promotion", "portfolio"):
        options = CaseOptions(today=dt.date(2026, 1, 1), purpose=purpose,
                              audience="internal" if purpose == "promotion" else "public")
        case = dataclasses.replace(_with_one_of_each(build_case(record, options)), base_url="https://example.com/")
        for page in plan_site_pages(case):
            if page.template in seen:
                continue
            seen.add(page.template)
            path = re.sub(r"/example[^/]*/", "/{id}/", page.path).replace("/2025/", "/{year}/")
            added = ", ".join(f"`{name}`" for name in page.context) or "—"
            lines.append(table_row(f"`{page.template}`", f"`{path}`", added))
    lines.append("| `dossier.html` | `dossier/dossier.html` (and the PDF) | see below |")
    return lines


def _example_ladder():
    from generator.model import Competencies

    return Competencies.model_validate({"competencies": [{"id": "example", "name": "Example"}]})


def _with_one_of_each(case: views.Case) -> views.Case:
    """A case with one entry of each kind that has a page, so the plan lists every template."""
    achievement = views.AchievementView(
        id="example", title="Example", date=views.PartialDate(2025, 1, 1), period=None, summary=None, impacts=(),
        competencies=(), projects=(), goals=(), tags=("example",), collaborators=(), evidence=(), star=None,
        body="", featured=False, visibility="public")
    project = views.ProjectView(id="example-project", title="Example", role=None, period=None, status="active",
                                summary=None, skills=(), links=(), tags=(), body="", featured=False,
                                visibility="public", achievements=())
    tag = views.TagView("example", "example-tag", (achievement,), ())
    year = views.YearView(2025, (achievement,) * 201, ())
    competencies = tuple(dataclasses.replace(c, achievements=(achievement,)) for c in case.competencies)
    return dataclasses.replace(case, achievements=(achievement,), projects=(project,), tags=(tag,),
                               years=(views.YearView(2026, (achievement,) * 201, ()), year),
                               competencies=competencies)


def filter_table() -> list[str]:
    chain = resolve_theme("default", None)
    environment = make_environment(chain, None, MarkdownRenderer())
    lines = ["| filter | what it does |", "| --- | --- |"]
    for name in sorted(set(environment.filters) - set(jinja2.defaults.DEFAULT_FILTERS)):
        function = environment.filters[name]
        lines.append(table_row(f"`{name}`", first_line(function.__doc__)))
    return lines


def block_table() -> list[str]:
    """The blocks of each default template: what a child template or theme may replace."""
    folder = builtin_themes_dir() / "default" / "templates"
    environment = jinja2.Environment()
    lines = ["| template | blocks | extends |", "| --- | --- | --- |"]
    for path in sorted(folder.glob("*.*")):
        tree = environment.parse(path.read_text(encoding="utf-8"))
        blocks = [f"`{block.name}`" for block in tree.find_all(jinja2.nodes.Block)]
        extends = [node.template.value for node in tree.find_all(jinja2.nodes.Extends)
                   if isinstance(node.template, jinja2.nodes.Const)]
        lines.append(table_row(f"`{path.name}`", ", ".join(blocks) or "—", ", ".join(extends) or "—"))
    return lines


EXAMPLE = '''\
A record's own theme that changes the home page's opening and the accent, and keeps the rest:

```
themes/mine/theme.yaml
themes/mine/templates/home.html
themes/mine/static/css/mine.css
```

```yaml
# themes/mine/theme.yaml
extends: default
description: Default, with a line of my own on the home page.
options:
  motto: {type: text, default: "Boring systems, on purpose.", description: The line under the name.}
```

```jinja
{# themes/mine/templates/home.html: the default home page, with a line added #}
{% extends "default/home.html" %}
{% block main %}
<p class="motto">{{ theme_options.motto }}</p>
{{ super() }}
{% endblock %}
{% block head %}{{ super() }}<link rel="stylesheet" href="{{ 'css/mine.css'|url }}">{% endblock %}
```

```yaml
# careerfolio.yaml
theme: mine
theme_options: {motto: "I make builds boring.", accent: "#8a3b12"}
```

Links go through `|url` (`{{ achievement.path|url }}`), dates through `|date`, numbers through
`|amount`, `|impact` or `|total`, counts through `|count` (`{{ case.goals|length|count("goal") }}`),
Markdown of the record through `|markdown` — never `|safe`: the record may come from a pull
request, and autoescaping is what keeps it text.'''


def write_reference() -> str:
    """The whole reference, as Markdown."""
    lines = [
        "# Template reference",
        "",
        "<!-- Written by `python -m generator.reference`; a test fails when it is out of date. -->",
        "",
        "What a theme's templates see. Templates are Jinja2, autoescaped, strict about undefined names; a",
        "record's own templates and themes run sandboxed. Lookup: the record's `templates/`, then the",
        "theme, then its parents; `THEME/NAME` names one theme's template (`{% extends \"default/home.html\" %}`).",
        "A portfolio's case (`case.purpose == \"portfolio\"`) holds no ask, target, goals or competency",
        "without an achievement, so a template cannot show them by mistake.",
        "",
        "## Pages",
        "",
        *page_table(),
        "",
        "Every site page's context holds:",
        "",
        *[f"- `{name}`: {meaning}" for name, meaning in PAGE_NAMES.items()],
        "",
        "`dossier.html`'s context holds:",
        "",
        *[f"- `{name}`: {meaning}" for name, meaning in DOSSIER_NAMES.items()],
        "",
        "Everywhere:",
        "",
        *[f"- `{name}`: {meaning}" for name, meaning in GLOBALS.items()],
        "",
        "## Filters",
        "",
        *filter_table(),
        "",
        "Jinja's own filters (`length`, `join`, `selectattr`…) work too.",
        "",
        "## Blocks of the default theme",
        "",
        *block_table(),
        "",
        "## A worked example",
        "",
        EXAMPLE,
        "",
        "## Types",
        "",
    ]
    for cls in view_types():
        lines += describe_class(cls)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(write_reference())
