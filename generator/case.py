"""Build the promotion case: what one audience may see, and the numbers that argue it.

The case is computed once, before anything is rendered, and is read-only afterwards.
Visibility is enforced here and nowhere else (the `Gate`): an entry that the audience may
not see never enters the case, so no template can leak it, not even as a count or a tag.
Each collection has its own builder; `build_case` runs them in dependency order.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import digest, is_link_hash
from generator.load import inside
from generator.model import PartialDate, Period
from generator.numbers import ImpactView, normalise_unit, sum_impacts
from generator.validate import Entry, Record
from generator.views import (
    AchievementView,
    Case,
    CertificationView,
    CompetencyView,
    Coverage,
    EvidenceView,
    FeedbackView,
    GoalView,
    LearningView,
    ProjectView,
    Section,
    TagView,
    TimelineEvent,
    TimelineYear,
    YearView,
)
from generator.vocabulary import (
    AUDIENCE_SEES,
    NAVIGATION,
    PORTFOLIO_TITLES,
    SECTION_TITLES,
    Reference,
    slugify,
)

EXPIRY_WARNING_DAYS = 90
LEFT_OUT_ORDER = ("internal", "private", "draft", "outside the period", "not in the variant's tags", "goal")


@dataclass(frozen=True)
class CaseOptions:
    """What the person building chose: who the build is for and which window it covers."""

    today: dt.date
    audience: str = "public"
    since: PartialDate | None = None
    until: PartialDate | None = None
    drafts: bool = False
    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    title: str | None = None
    purpose: str = "promotion"  # portfolio | promotion
    base_url: str | None = None  # where this build is served from, instead of the settings' base_url


def site_purpose(chosen: str | None, audience: str) -> str:
    """What a site is for: as chosen, else a showcase when it is public and the case when it is not."""
    return chosen or ("portfolio" if audience == "public" else "promotion")


class Gate:
    """The audience filter: which entries enter the case, and a count of why others did not."""

    def __init__(self, record: Record, options: CaseOptions):
        self.options = options
        self.seen = AUDIENCE_SEES[options.audience]
        self.since = options.since or record.settings.period.since
        self.until = options.until or record.settings.period.until
        self.left_out: Counter = Counter()

    def admits(self, entry: Entry, start: PartialDate | None, end: PartialDate | None,
               tags: tuple[str, ...] | None = None) -> bool:
        model = entry.model
        if model.visibility not in self.seen:
            reason = model.visibility
        elif getattr(model, "draft", False) and not self.options.drafts:
            reason = "draft"
        elif not within(start, end, self.since, self.until):
            reason = "outside the period"
        elif tags is not None and not tags_admitted(tags, self.options):
            reason = "not in the variant's tags"
        else:
            return True
        self.left_out[reason] += 1
        return False

    def left_out_counts(self) -> tuple[tuple[str, int], ...]:
        return tuple((reason, self.left_out[reason]) for reason in LEFT_OUT_ORDER if self.left_out[reason])


class Names:
    """Titles of what the case may link to, so a reference to a hidden entry is dropped."""

    def __init__(self, record: Record):
        self.competencies = {c.id: c.name for c in record.competencies.competencies}
        self.projects: dict[str, str] = {}
        self.goals: dict[str, str] = {}

    def competency_references(self, ids: list[str]) -> tuple[Reference, ...]:
        return tuple(Reference("competencies", i, self.competencies[i]) for i in dict.fromkeys(ids)
                     if i in self.competencies)

    def references(self, collection: str, ids: list[str]) -> tuple[Reference, ...]:
        titles = getattr(self, collection)
        return tuple(Reference(collection, i, titles[i]) for i in ids if i in titles)


class KnownViews:
    """The achievement views of the last build, given back where nothing they show changed.

    `serve` keeps one for its whole life. An entry parsed from unchanged bytes keeps its
    model object (the cache of parsed files hands back the same one), so a view made from
    that very model, the same story and the same references is the view a new build would
    make: the same object is returned, and what was derived from it before, such as its
    event on the timeline, holds. Only the last build's views are kept.

    It also notes what each view of this build was made from (`note_inputs`): fingerprints
    taken from those few words cost less than pickling the view, in every build.
    """

    def __init__(self) -> None:
        self.before: dict = {}
        self.now: dict = {}
        self.events_before: dict = {}  # id(view) -> (view, its timeline event)
        self.events_now: dict = {}
        self.digests: Mapping[str, str] = {}
        self.inputs: dict = {}  # id(view) -> (view, what it was made from, in words)
        self.digests_before: dict = {}  # id(view) -> (view, its words, their digest)
        self.digests_now: dict = {}
        # (id(model), names token) -> (model, story, id, last change, view, words): an entry of
        # the same model object, shown with the same titles of what it links to, is not looked
        # at again (working out its references cost most of a view made again)
        self.again_before: dict = {}
        self.again_now: dict = {}
        self.tokens_before: list = []  # (titles of the competencies, projects and goals, token)
        self.tokens_now: list = []
        self.made: list[AchievementView] = []  # the views this build made, not found again

    def start_build(self, digests: Mapping[str, str] | None = None) -> None:
        """Begin a build of the record whose files have these content digests, by path."""
        if self.now:
            self.before, self.now = self.now, {}
        if self.events_now:
            self.events_before, self.events_now = self.events_now, {}
        self.digests = digests or {}
        self.inputs = {}
        if self.digests_now:
            self.digests_before, self.digests_now = self.digests_now, {}
        if self.again_now:
            self.again_before, self.again_now = self.again_now, {}
        if self.tokens_now:
            self.tokens_before, self.tokens_now = self.tokens_now, []
        self.made = []

    def names_token(self, names: Names) -> object:
        """A token for the titles `names` holds, the same object as the last build's for the same titles."""
        titles = (dict(names.competencies), dict(names.projects), dict(names.goals))
        for known_titles, token in self.tokens_now + self.tokens_before:
            if known_titles == titles:
                break
        else:
            token = object()
        self.tokens_now.append((titles, token))
        return token

    def again(self, entry: Entry, token: object, last_change: dt.date | None) -> AchievementView | None:
        """The view of the last build for this very entry, with its inputs noted again, if nothing it shows changed."""
        key = (id(entry.model), id(token))
        found = self.again_now.get(key) or self.again_before.get(key)
        if found is None or found[0] is not entry.model or found[1] != entry.body or found[2] != entry.id or \
                found[3] != last_change or found[4] is not token:
            return None
        self.again_now[key] = found
        view, words = found[5], found[6]
        if words is not None:
            self.inputs[id(view)] = (view, words)
        return view

    def remember(self, entry: Entry, token: object, last_change: dt.date | None, view: AchievementView) -> None:
        found = self.inputs.get(id(view))
        self.again_now[(id(entry.model), id(token))] = (entry.model, entry.body, entry.id, last_change, token, view,
                                                        found[1] if found is not None else None)

    def note_inputs(self, entry: Entry, key: tuple, view: AchievementView) -> None:
        """Say what `view` was made from: its file's bytes (by digest), where the entry sits in
        the file, and `key`, the rest a view reads. A file reached through a link is left out:
        its digest is of the link, not of what it leads to."""
        content = self.digests.get(str(entry.path))
        if content is None or is_link_hash(content):
            return
        entry_id, *links, last_change = key
        words = [content, repr(entry.origin.prefix), entry_id]
        for references in links:
            words.append(str(len(references)))
            for reference in references:
                words.extend((reference.collection, reference.id, reference.title))
        words.append(repr(last_change))
        self.inputs[id(view)] = (view, words)

    def inputs_digest(self, view: AchievementView) -> str | None:
        """A digest of what this build made `view` from (see `note_inputs`): the last build's,
        when it made the same view from the same words."""
        found = self.inputs.get(id(view))
        if found is None or found[0] is not view:
            return None
        words = found[1]
        known = self.digests_now.get(id(view)) or self.digests_before.get(id(view))
        if known is None or known[0] is not view or known[1] != words:
            known = (view, words, digest(*words))
        self.digests_now[id(view)] = known
        return known[2]

    def event_of(self, view: AchievementView) -> TimelineEvent | None:
        """The timeline event this build made from `view`, if it made one."""
        found = self.events_now.get(id(view))
        return found[1] if found is not None and found[0] is view else None

    def timeline_event(self, view: AchievementView) -> TimelineEvent:
        """The timeline's event of an achievement: the last build's, for the same view."""
        found = self.events_now.get(id(view)) or self.events_before.get(id(view))
        if found is None or found[0] is not view:
            found = (view, achievement_event(view))
        self.events_now[id(view)] = found
        return found[1]

    def find(self, key: tuple, model: Any, body: str) -> AchievementView | None:
        found = self.now.get(key) or self.before.get(key)
        if found is None or found[0] is not model or found[1] != body:
            return None
        self.now[key] = found
        return found[2]

    def keep(self, key: tuple, model: Any, body: str, view: AchievementView) -> None:
        self.now[key] = (model, body, view)
        self.made.append(view)


def build_case(record: Record, options: CaseOptions, updated: Mapping[str, dt.date] | None = None,
               known: KnownViews | None = None) -> Case:
    """Filter the record for one audience and period, then derive everything shown.

    `updated` says when each file of the record last changed (from git), by path, for
    records that show it; `known` holds views an earlier build made, to reuse.
    """
    updated = updated or {}
    gate = Gate(record, options)
    names = Names(record)
    # projects and goals first: achievements may link only to those the audience sees
    project_entries = admitted_projects(record, gate)
    showcase = options.purpose == "portfolio"
    goal_entries = [e for e in record.collection("goals") if gate.admits(e, None, None)]
    if showcase:  # a portfolio shows no plan
        gate.left_out["goal"] += len(goal_entries)
        goal_entries = []
    names.projects = {e.id: e.model.title for e in project_entries}
    names.goals = {e.id: e.model.title for e in goal_entries}

    achievements = build_achievements(record, gate, names, updated, known)
    if showcase:  # a skill is shown only with an achievement behind it, and named only when shown
        evidenced = {reference.id for achievement in achievements for reference in achievement.competencies}
        names.competencies = {key: name for key, name in names.competencies.items() if key in evidenced}
    projects = build_projects(project_entries, achievements, updated)
    certifications = build_certifications(record, gate, names)
    goals = build_goals(goal_entries, achievements, names)
    feedback = build_feedback(record, gate, names)
    learning = build_learning(record, gate, names)
    competencies = build_competencies(record, achievements, feedback, learning, certifications, goals)
    if showcase:  # skills shown with their evidence; a skill without any is not a gap to show
        competencies = tuple(c for c in competencies if c.achievements)

    timeline = build_timeline(achievements, projects, certifications, learning, known)
    profile = record.profile
    if showcase:
        profile = profile.model_copy(update={"ask": None, "target": None})
    shown_as = (profile.target.title if profile.target else None) or (
        profile.role.title if showcase and profile.role else None)
    title = options.title or record.settings.title or (f"{profile.name} — {shown_as}" if shown_as else profile.name)
    return Case(
        title=title, audience=options.audience, purpose=options.purpose,
        sections=tuple(Section(name, (PORTFOLIO_TITLES if showcase else {}).get(name, SECTION_TITLES[name]))
                       for name in NAVIGATION[options.purpose]), today=options.today, language=record.settings.language,
        base_url=options.base_url or record.settings.base_url, profile=profile,
        framework=record.competencies.framework, level=record.competencies.level, since=gate.since, until=gate.until,
        achievements=achievements, projects=projects, certifications=certifications,
        competencies=competencies, goals=goals, feedback=feedback, learning=learning,
        tags=build_tags(achievements, projects),
        timeline=timeline,
        years=build_years(achievements, timeline),
        totals=sum_impacts(achievements), coverage=measure_coverage(competencies),
        plan_progress=plan_progress(goals), left_out=gate.left_out_counts(),
        assets=collect_assets(record, shown_entries(record, "achievements", achievements), project_entries,
                              shown_entries(record, "feedback", feedback)))


# Which entries the gate lets into the case, one rule each, shared with `site_assets`.

def admitted_projects(record: Record, gate: Gate) -> list[Entry]:
    return [e for e in record.collection("projects") if gate.admits(
        e, e.model.period.start if e.model.period else None,
        e.model.period.end if e.model.period else None, tuple(e.model.tags) + tuple(e.model.skills))]


def admitted_achievements(record: Record, gate: Gate) -> list[Entry]:
    return [e for e in record.collection("achievements")
            if gate.admits(e, *achievement_span(e.model), tuple(e.model.tags))]


def admitted_feedback(record: Record, gate: Gate) -> list[Entry]:
    return [e for e in record.collection("feedback") if gate.admits(e, e.model.date, e.model.date)]


def build_achievements(record: Record, gate: Gate, names: Names, updated: Mapping[str, dt.date],
                       known: KnownViews | None = None) -> tuple[AchievementView, ...]:
    """Newest first; each with its impacts in normalised units and only visible references."""
    achievements = []
    token = known.names_token(names) if known is not None else None
    for entry in admitted_achievements(record, gate):
        model = entry.model
        last_change = updated.get(str(entry.path))
        if known is not None:
            view = known.again(entry, token, last_change)
            if view is not None:
                achievements.append(view)
                continue
        competencies = names.competency_references(model.competencies)
        projects = names.references("projects", model.projects)
        goals = names.references("goals", model.goals)
        key = (entry.id, competencies, projects, goals, last_change)
        view = known.find(key, model, entry.body) if known is not None else None
        if view is None:
            view = AchievementView(
                id=entry.id, title=model.title,
                date=model.date or model.period.end or model.period.start,
                period=model.period, summary=model.summary,
                impacts=tuple(ImpactView(i.metric, normalise_unit(i.unit), i.per, i.value, i.before, i.after)
                              for i in model.impact),
                competencies=competencies, projects=projects, goals=goals,
                tags=tuple(dict.fromkeys(model.tags)), collaborators=tuple(model.collaborators),
                evidence=tuple(EvidenceView(e.title, e.url, e.file) for e in model.evidence),
                star=model.star if model.star and any(model.star.model_dump().values()) else None,
                body=entry.body, featured=model.featured, visibility=model.visibility, updated=last_change)
            if known is not None:
                known.keep(key, model, entry.body, view)
        if known is not None:
            known.note_inputs(entry, key, view)
            known.remember(entry, token, last_change, view)
        achievements.append(view)
    achievements.sort(key=lambda a: (-a.date.last_day.toordinal(), a.title.casefold(), a.id))
    return tuple(achievements)


def build_projects(entries: list[Entry], achievements: tuple[AchievementView, ...],
                   updated: Mapping[str, dt.date]) -> tuple[ProjectView, ...]:
    """Active projects first, then by when they ended."""
    by_project = group_by_reference(achievements, "projects")
    projects = []
    for entry in entries:
        model = entry.model
        projects.append(ProjectView(
            id=entry.id, title=model.title, role=model.role, period=model.period, status=model.status,
            summary=model.summary, skills=tuple(model.skills), links=tuple(model.links),
            tags=tuple(model.tags), body=entry.body, featured=model.featured, visibility=model.visibility,
            achievements=by_project.get(entry.id, ()), updated=updated.get(str(entry.path))))
    projects.sort(key=lambda p: (p.status != "active", -(_period_end(p.period)), p.title.casefold()))
    return tuple(projects)


def build_certifications(record: Record, gate: Gate, names: Names) -> tuple[CertificationView, ...]:
    """Those valid at some time in the review period, valid ones first, newest first; each with
    its status on the build date. One earned before the period and valid through it counts."""
    certifications = []
    for entry in record.collection("certifications"):
        model = entry.model
        # a certification counts while it is valid: from when it was earned until it expires
        if not gate.admits(entry, model.earned, model.expires):
            continue
        certifications.append(CertificationView(
            id=entry.id, name=model.name, issuer=model.issuer, earned=model.earned,
            expires=model.expires, credential_id=model.credential_id, url=model.url,
            status=certification_status(model.expires, gate.options.today),
            competencies=names.competency_references(model.competencies), visibility=model.visibility))
    certifications.sort(key=lambda c: (c.status == "expired", -_ordinal(c.earned), c.name.casefold()))
    return tuple(certifications)


GOAL_STATUS_ORDER = {"in-progress": 0, "planned": 1, "done": 2, "dropped": 3}


def build_goals(entries: list[Entry], achievements: tuple[AchievementView, ...],
                names: Names) -> tuple[GoalView, ...]:
    """Goals under way first, then by deadline; each with the achievements that advance it."""
    by_goal = group_by_reference(achievements, "goals")
    goals = []
    for entry in entries:
        model = entry.model
        goals.append(GoalView(
            id=entry.id, title=model.title, measure=model.measure, target=model.target,
            deadline=model.deadline, status=model.status, progress=model.progress,
            competencies=names.competency_references(model.competencies),
            achievements=tuple(Reference("achievements", a.id, a.title) for a in by_goal.get(entry.id, ())),
            visibility=model.visibility))
    goals.sort(key=lambda g: (GOAL_STATUS_ORDER[g.status], _ordinal(g.deadline) or 10**7, g.title.casefold()))
    return tuple(goals)


def build_feedback(record: Record, gate: Gate, names: Names) -> tuple[FeedbackView, ...]:
    feedback = []
    for entry in admitted_feedback(record, gate):
        model = entry.model
        feedback.append(FeedbackView(
            id=entry.id, quote=model.quote, author=model.author, role=model.role,
            relation=model.relation, date=model.date, source=model.source,
            competencies=names.competency_references(model.competencies), visibility=model.visibility,
            featured=model.featured))
    feedback.sort(key=lambda f: (-_ordinal(f.date), f.author.casefold()))
    return tuple(feedback)


def build_learning(record: Record, gate: Gate, names: Names) -> tuple[LearningView, ...]:
    learning = []
    for entry in record.collection("learning"):
        model = entry.model
        if not gate.admits(entry, model.date, model.date):
            continue
        learning.append(LearningView(
            id=entry.id, title=model.title, kind=model.kind, provider=model.provider, date=model.date,
            hours=model.hours, url=model.url, competencies=names.competency_references(model.competencies),
            visibility=model.visibility))
    learning.sort(key=lambda item: (-_ordinal(item.date), item.title.casefold()))
    return tuple(learning)


def build_competencies(record: Record, achievements, feedback, learning, certifications,
                       goals) -> tuple[CompetencyView, ...]:
    """The evidence matrix: each competency of the ladder with what backs it, in ladder order."""
    backing = {kind: group_by_reference(views, "competencies") for kind, views in (
        ("achievements", achievements), ("feedback", feedback), ("learning", learning),
        ("certifications", certifications), ("goals", goals))}
    return tuple(
        CompetencyView(
            id=c.id, name=c.name, expectation=c.expectation, weight=c.weight,
            **{kind: groups.get(c.id, ()) for kind, groups in backing.items()})
        for c in record.competencies.competencies)


def plan_progress(goals: tuple[GoalView, ...]) -> int | None:
    """The plan's average progress; a done goal counts as 100%, a dropped one not at all."""
    active = [g for g in goals if g.status != "dropped"]
    if not active:
        return None
    return round(sum(g.progress if g.status != "done" else 100 for g in active) / len(active))


def _ordinal(date: PartialDate | None) -> int:
    return date.last_day.toordinal() if date else 0


def _period_end(period: Period | None) -> int:
    if period is None:
        return 0
    return 10**7 if period.end is None else period.end.last_day.toordinal()


def achievement_span(model: Any) -> tuple[PartialDate, PartialDate | None]:
    """An achievement's first and last dates: its date twice, or its period (open-ended: None)."""
    return (model.date, model.date) if model.date else (model.period.start, model.period.end)


def group_by_reference(views: list, attribute: str) -> dict[str, tuple]:
    """Views by each id they reference in `attribute`, in their order: one pass, not one per id."""
    groups: dict[str, list] = {}
    for view in views:
        for reference in dict.fromkeys(r.id for r in getattr(view, attribute)):
            groups.setdefault(reference, []).append(view)
    return {key: tuple(values) for key, values in groups.items()}


def within(start: PartialDate | None, end: PartialDate | None,
           since: PartialDate | None, until: PartialDate | None) -> bool:
    """Whether an entry's dates overlap the review window; undated entries always do."""
    if start is None and end is None:
        return True
    first = (start or end).first_day
    last = end.last_day if end else dt.date.max
    after_start = since is None or last >= since.first_day
    before_end = until is None or first <= until.last_day
    return after_start and before_end


def tags_admitted(tags: tuple[str, ...], options: CaseOptions) -> bool:
    excluded = bool(set(tags) & set(options.exclude_tags))
    kept = not options.tags or bool(set(tags) & set(options.tags))
    return kept and not excluded


def certification_status(expires: PartialDate | None, today: dt.date) -> str:
    if expires is None:
        return "valid"
    if expires.last_day < today:
        return "expired"
    if (expires.last_day - today).days <= EXPIRY_WARNING_DAYS:
        return "expiring"
    return "valid"


def measure_coverage(competencies: tuple[CompetencyView, ...]) -> Coverage:
    covered = [c for c in competencies if c.strength != "gap"]
    weight = sum(c.weight for c in competencies)
    percent = (sum(c.weight for c in covered) / weight * 100) if weight else 0.0
    return Coverage(len(covered), len(competencies), round(percent, 1))


def build_tags(achievements: tuple[AchievementView, ...],
               projects: tuple[ProjectView, ...]) -> tuple[TagView, ...]:
    names: dict[str, str] = {}
    tagged: dict[str, tuple[list, list]] = {}
    for index, views in enumerate((achievements, projects)):
        for view in views:
            slugs: dict[str, str] = {}
            for tag in view.tags:
                slugs.setdefault(slugify(tag), tag)
            for slug, tag in slugs.items():
                names.setdefault(slug, tag)
                tagged.setdefault(slug, ([], []))[index].append(view)
    return tuple(TagView(names[slug], slug, tuple(tagged[slug][0]), tuple(tagged[slug][1]))
                 for slug in sorted(names))


def achievement_event(achievement: AchievementView) -> TimelineEvent:
    return TimelineEvent(achievement.date, "achievements", achievement.id, achievement.title,
                         achievement.summary or "")


def build_timeline(achievements, projects, certifications, learning,
                   known: KnownViews | None = None) -> tuple[TimelineYear, ...]:
    events: list[TimelineEvent] = [known.timeline_event(a) if known is not None else achievement_event(a)
                                   for a in achievements]
    for p in projects:
        if p.period:
            events.append(TimelineEvent(p.period.start, "projects", p.id, p.title,
                                        f"Project started{' — ' + p.role if p.role else ''}"))
    for c in certifications:
        if c.earned:
            events.append(TimelineEvent(c.earned, "certifications", c.id, c.name,
                                        f"Certification{' from ' + c.issuer if c.issuer else ''}"))
    for item in learning:
        if item.date:
            events.append(TimelineEvent(item.date, "learning", item.id, item.title,
                                        item.kind.capitalize() + (f" — {item.provider}" if item.provider else "")))
    events.sort(key=lambda e: (-e.date.last_day.toordinal(), e.collection, e.title.casefold()))
    years: dict[int, list[TimelineEvent]] = defaultdict(list)
    for event in events:
        years[event.date.year].append(event)
    return tuple(TimelineYear(year, tuple(years[year])) for year in sorted(years, reverse=True))


def build_years(achievements: tuple[AchievementView, ...],
                timeline: tuple[TimelineYear, ...]) -> tuple[YearView, ...]:
    """The career year by year, newest first: what a long list is split into."""
    by_year: dict[int, list[AchievementView]] = defaultdict(list)
    for achievement in achievements:
        by_year[achievement.date.year].append(achievement)
    events = {year.year: year.events for year in timeline}
    return tuple(YearView(year, tuple(by_year.get(year, ())), events.get(year, ()))
                 for year in sorted(set(by_year) | set(events), reverse=True))


MARKDOWN_ASSET = re.compile(r"\]\(\s*<?((?:\./)?assets/[^)\s>]+)")


def collect_assets(record: Record, achievements: Iterable[Entry], projects: Iterable[Entry],
                   feedback: Iterable[Entry]) -> tuple[str, ...]:
    """The content files the output needs: visible evidence, the photo, Markdown images;
    from the entries the case shows.

    A file that an entry the audience may not see lists as evidence is its evidence: a
    visible text that links to it does not publish it, unless a visible entry lists it too.
    """
    claimed: set[str] = set()
    if record.profile.photo:
        claimed.add(record.profile.photo)
    texts = [record.profile.summary or "", record.profile.ask or ""]
    shown = set()
    for entry in achievements:
        shown.add(entry.id)
        claimed.update(e.file for e in entry.model.evidence if e.file)
        texts.append(entry.body)
        if entry.model.star:
            texts.extend(v for v in entry.model.star.model_dump().values() if v)
    texts.extend(entry.body for entry in projects)
    texts.extend(entry.model.quote for entry in feedback)
    hidden_evidence = {evidence.file.removeprefix("./") for entry in record.collection("achievements")
                       if entry.id not in shown for evidence in entry.model.evidence if evidence.file}
    linked = {m.removeprefix("./") for text in texts for m in MARKDOWN_ASSET.findall(text)}
    wanted = claimed | (linked - (hidden_evidence - claimed))
    assets = Path(os.path.realpath(record.content_dir / "assets"))
    # only files really under content/assets/: a link out of it is never copied (validation says why)
    return tuple(sorted(name for name in wanted if Path(name).parts[:1] == ("assets",)
                        and ".." not in Path(name).parts and (record.content_dir / name).is_file()
                        and inside(record.content_dir / name, assets)))


def shown_entries(record: Record, collection: str, views: Iterable[Any]) -> list[Entry]:
    """The entries of a collection that the case shows as `views`, in file order."""
    shown = {view.id for view in views}
    return [entry for entry in record.collection(collection) if entry.id in shown]


def site_assets(record: Record, options: CaseOptions) -> frozenset[str]:
    """`build_case(record, options).assets` without building the case: which entries are
    shown decides them. The dossier, made beside the site, needs them to say which of its
    attachments the site has a copy of."""
    gate = Gate(record, options)
    return frozenset(collect_assets(record, admitted_achievements(record, gate), admitted_projects(record, gate),
                                    admitted_feedback(record, gate)))
