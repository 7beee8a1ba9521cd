"""The template reference: generated from the views, the page plan and the default theme, and current."""

from __future__ import annotations

import dataclasses

from conftest import PROJECT

from generator import views
from generator.markdown import MarkdownRenderer
from generator.reference import PAGE_NAMES, view_types, write_reference
from generator.render import FRAME_NAMES, make_environment
from generator.themes import resolve_theme


def test_the_committed_reference_is_what_the_views_say():
    committed = (PROJECT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert committed == write_reference(), "run `python -m generator.reference > docs/templates.md`"


def test_every_view_field_and_property_is_in_the_reference():
    text = write_reference()
    for cls in view_types():
        assert f"### `{cls.__name__}`" in text
        if dataclasses.is_dataclass(cls):
            names = [field.name for field in dataclasses.fields(cls)]
            names += [name for name, member in vars(cls).items() if isinstance(member, property)]
            section = text.split(f"### `{cls.__name__}`", 1)[1].split("### ", 1)[0]
            missing = [name for name in names if f"| `{name}`" not in section]
            assert missing == [], (cls.__name__, missing)
    # every view type a template can reach is described
    reachable = {cls.__name__ for cls in vars(views).values()
                 if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == views.__name__}
    assert reachable <= {cls.__name__ for cls in view_types()}


def test_every_filter_says_what_it_does_and_every_page_name_is_explained():
    environment = make_environment(resolve_theme("default", None), None, MarkdownRenderer())
    import jinja2.defaults

    ours = set(environment.filters) - set(jinja2.defaults.DEFAULT_FILTERS)
    undocumented = sorted(name for name in ours if not (environment.filters[name].__doc__ or "").strip())
    assert undocumented == []
    assert set(FRAME_NAMES) | {"case", "site_urls"} <= set(PAGE_NAMES)
