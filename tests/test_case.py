"""The case: what one audience sees, and the numbers, coverage and statuses derived from it."""

import datetime as dt

from conftest import FIXTURES, write_record
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.case import CaseOptions, build_case, certification_status, within
from generator.model import PartialDate
from generator.numbers import normalise_unit
from generator.validate import read_record

CANARY = FIXTURES / "canary"


TODAY = dt.date(2026, 1, 15)


def case_for(audience="public", **options):
    return build_case(read_record(CANARY), CaseOptions(audience=audience, today=TODAY, **options))


def test_public_case_holds_only_public_entries():
    case = case_for("public")
    assert [a.title for a in case.achievements] == ["Public win"]
    assert [p.title for p in case.projects] == ["Public project"]
    assert [g.title for g in case.goals] == ["Public goal"]
    assert case.left_out == (("internal", 6), ("private", 5))


def test_internal_case_adds_internal_entries_and_never_private_ones():
    case = case_for("internal")
    titles = {a.title for a in case.achievements}
    assert titles == {"Public win", "ZQXINTERNAL achievement title"}
    assert not any("ZQXPRIVATE" in f.quote for f in case.feedback)


def test_references_to_entries_the_audience_cannot_see_are_dropped():
    (win,) = case_for("public").achievements
    assert [p.id for p in win.projects] == ["public-project"]
    assert win.goals == ()


def test_totals_sum_only_visible_amounts_and_keep_currencies_apart():
    public = {(t.metric, t.unit): t.amount for t in case_for("public").totals}
    assert public == {("Cost savings", "USD"): 1000}
    internal = {(t.metric, t.unit): t.amount for t in case_for("internal").totals}
    assert internal[("Cost savings", "USD")] == 5444
    assert internal[("ZQXINTERNAL metric", "EUR")] == 1


def test_percentages_are_not_added_up(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: P\n",
        "content/achievements/a.md": "---\ntitle: A\ndate: 2025\nimpact: [{metric: Adoption, value: 30, unit: '%'}]\n---\n",
        "content/achievements/b.md": "---\ntitle: B\ndate: 2025\nimpact: [{metric: adoption, value: 45, unit: percent}]\n---\n",
    })
    (total,) = build_case(read_record(tmp_path), CaseOptions(today=TODAY)).totals
    assert (total.kind, total.amount, len(total.achievements)) == ("best", 45, 2)


def test_coverage_marks_gaps_and_weights(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: P\n",
        "content/competencies.yaml": "competencies:\n  - {id: a, name: A, weight: 3}\n  - {id: b, name: B}\n",
        "content/achievements/x.md": "---\ntitle: X\ndate: 2025\ncompetencies: [a]\n---\n",
    })
    case = build_case(read_record(tmp_path), CaseOptions(today=TODAY))
    assert [(c.id, c.strength) for c in case.competencies] == [("a", "thin"), ("b", "gap")]
    assert (case.coverage.covered, case.coverage.total, case.coverage.weighted_percent) == (1, 2, 75.0)
    assert [c.id for c in case.gaps] == ["b"]


def test_the_review_period_leaves_old_entries_out_of_the_case():
    case = case_for("public", since=PartialDate(2025, 3))
    assert case.achievements == ()
    # the public achievement, feedback and learning all predate March 2025; the certification,
    # earned before, never expires and so is valid during the period
    assert ("outside the period", 3) in case.left_out
    assert [c.name for c in case.certifications] == ["Public cert"]


def test_an_ongoing_period_overlaps_any_later_window():
    assert within(PartialDate(2020), None, PartialDate(2025), None)
    assert not within(PartialDate(2020), PartialDate(2021), PartialDate(2025), None)
    assert within(None, None, PartialDate(2025), PartialDate(2025))


def test_certification_status_follows_the_build_date():
    today = dt.date(2026, 1, 15)
    assert certification_status(None, today) == "valid"
    assert certification_status(PartialDate(2025, 12), today) == "expired"
    assert certification_status(PartialDate(2026, 3, 1), today) == "expiring"
    assert certification_status(PartialDate(2027), today) == "valid"


def test_units_are_spelled_one_way():
    assert [normalise_unit(u) for u in ("usd", "$", "hours", "Minutes", "%", "teams")] == [
        "USD", "USD", "h", "min", "%", "teams"]


def test_drafts_stay_out_unless_asked_for(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: P\n",
        "content/achievements/x.md": "---\ntitle: X\ndate: 2025\ndraft: true\n---\n",
    })
    record = read_record(tmp_path)
    assert build_case(record, CaseOptions(today=TODAY)).achievements == ()
    assert len(build_case(record, CaseOptions(today=TODAY, drafts=True)).achievements) == 1


def test_variant_tags_keep_and_exclude_entries():
    assert case_for("internal", tags=("zqxinternal-tag",)).achievements[0].title.startswith("ZQXINTERNAL")
    assert [a.title for a in case_for("internal", exclude_tags=("zqxinternal-tag",)).achievements] == ["Public win"]


def test_goal_progress_counts_done_goals_as_complete_and_ignores_dropped(tmp_path):
    write_record(tmp_path, {
        "content/profile.yaml": "name: P\n",
        "content/goals.yaml": "- {title: A, progress: 50, status: in-progress}\n- {title: B, status: done}\n"
                              "- {title: C, status: dropped, progress: 0}\n",
    })
    assert build_case(read_record(tmp_path), CaseOptions(today=TODAY)).plan_progress == 75


def test_a_certification_valid_during_the_period_counts_even_if_earned_before(tmp_path):
    write_record(tmp_path, {
        "careerfolio.yaml": "period: {since: 2024-01-01}\n",
        "content/profile.yaml": "name: Cert Person\n",
        "content/certifications.yaml": (
            "- {name: Still valid, earned: 2022-05, expires: 2026-05}\n"
            "- {name: Never expires, earned: 2021-01}\n"
            "- {name: Expired before, earned: 2019-01, expires: 2023-06}\n"
            "- {name: Earned inside, earned: 2024-03}\n"),
    })
    names = {c.name for c in build_case(read_record(tmp_path), CaseOptions(today=TODAY)).certifications}
    assert names == {"Still valid", "Never expires", "Earned inside"}


def test_known_views_are_given_back_only_for_the_same_model_story_and_links():
    from generator.case import KnownViews

    record = read_record(CANARY)
    known = KnownViews()
    first = build_case(record, CaseOptions(today=TODAY), known=known).achievements
    known.start_build()
    again = build_case(record, CaseOptions(today=TODAY), known=known).achievements
    assert [id(view) for view in again] == [id(view) for view in first]
    # and so does the timeline's event of each

    def achievement_events() -> list:
        timeline = build_case(record, CaseOptions(today=TODAY), known=known).timeline
        return [event for year in timeline for event in year.events if event.collection == "achievements"]

    events, events_again = achievement_events(), achievement_events()
    assert events and all(event is again for event, again in zip(events, events_again, strict=True))
    # another reading of the same files makes new models: views are made again, and equal
    known.start_build()
    fresh = build_case(read_record(CANARY), CaseOptions(today=TODAY), known=known).achievements
    assert fresh == first and not {id(view) for view in fresh} & {id(view) for view in first}
    # what an achievement shows of the entries it links to is part of it: another audience
    # sees other links, and gets the same view only where they are the same
    known.start_build()
    build_case(record, CaseOptions(today=TODAY), known=known)
    public = {view.id: view for view in build_case(record, CaseOptions(today=TODAY), known=known).achievements}
    private = build_case(record, CaseOptions(today=TODAY, audience="private"), known=known).achievements
    links = [(view, public[view.id]) for view in private if view.id in public]
    assert links
    for view, seen in links:
        same_links = (view.projects, view.goals, view.competencies) == (seen.projects, seen.goals, seen.competencies)
        assert (view is seen) == same_links
    assert any(view is not seen for view, seen in links)  # the public win links to hidden entries


@settings(max_examples=400)
@given(st.text(alphabet="abcz09-_. AÉé\u0301", max_size=12))
def test_a_slug_is_what_the_full_rule_makes_of_any_text(text):
    import re
    import unicodedata

    from generator.vocabulary import slugify

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    assert slugify(text) == (re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "entry")


def test_the_sites_assets_are_known_without_building_its_case():
    """The dossier, made beside the site, asks which files the site publishes before the
    site's case exists: the answer must be the case's, for every record, audience and filter."""
    from conftest import PROJECT

    from generator.case import site_assets

    for folder in (CANARY, FIXTURES / "base", PROJECT):
        record = read_record(folder)
        for options in [{"audience": audience, "purpose": purpose} for audience in ("public", "internal", "private")
                        for purpose in ("portfolio", "promotion")] + [
                {"since": PartialDate(2025, 6)}, {"until": PartialDate(2024, 12)}, {"drafts": True},
                {"tags": ("ci",)}, {"exclude_tags": ("ci", "platform")}]:
            case_options = CaseOptions(today=TODAY, **options)
            assets = frozenset(build_case(record, case_options).assets)
            assert site_assets(record, case_options) == assets, (folder.name, options)
    assert frozenset(build_case(read_record(PROJECT), CaseOptions(today=TODAY)).assets)  # some to find
