"""Build the promotion case: what one audience may see, and the numbers that argue it.

The case is computed once, before anything is rendered, and is read-only afterwards.
Visibility is enforced here and nowhere else: an entry that the audience may not see
never enters the case, so no template can leak it, not even as a count or a tag.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import Link, PartialDate, Period, Profile, Settings, Star
from generator.validate import Entry, Record, slugify

AUDIENCE_SEES = {
    "public": {"public"},
    "internal": {"public", "internal"},
    "private": {"public", "internal", "private"},
}
EXPIRY_WARNING_DAYS = 90


def today_for_build() -> dt.date:
    """The build's date: SOURCE_DATE_EPOCH when set, so builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


@dataclass(frozen=True)
class CaseOptions:
    """What the person building chose: who the build is for and which window it covers."""

    audience: str = "public"
    since: PartialDate | None = None
    until: PartialDate | None = None
    drafts: bool = False
    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    title: str | None = None
    today: dt.date = field(default_factory=today_for_build)


@dataclass(frozen=True)
class Reference:
    collection: str
    id: str
    title: str


@dataclass(frozen=True)
class ImpactView:
    metric: str
    unit: str  # normalised: USD, %, h, min, ms, or the user's word
    per: str | None
    value: float | None
    before: float | None
    after: float | None

    @property
    def amount(self) -> float:
        """The number this impact adds to a total: the value, or the change."""
        if self.value is not None:
            return self.value
        return (self.after or 0) - (self.before or 0)

    @property
    def change_percent(self) -> float | None:
        if self.before in (None, 0) or self.after is None:
            return None
        return (self.after - self.before) / abs(self.before) * 100


@dataclass(frozen=True)
class EvidenceView:
    title: str
    url: str | None
    file: str | None  # path under the content folder, copied into the output


@dataclass(frozen=True)
class AchievementView:
    id: str
    title: str
    date: PartialDate  # the date it is sorted and grouped by
    period: Period | None
    summary: str | None
    impacts: tuple[ImpactView, ...]
    competencies: tuple[Reference, ...]
    projects: tuple[Reference, ...]
    goals: tuple[Reference, ...]
    tags: tuple[str, ...]
    collaborators: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    star: Star | None
    body: str
    featured: bool
    visibility: str


@dataclass(frozen=True)
class ProjectView:
    id: str
    title: str
    role: str | None
    period: Period | None
    status: str
    summary: str | None
    skills: tuple[str, ...]
    links: tuple[Link, ...]
    tags: tuple[str, ...]
    body: str
    featured: bool
    visibility: str
    achievements: tuple[AchievementView, ...]


@dataclass(frozen=True)
class CertificationView:
    id: str
    name: str
    issuer: str | None
    earned: PartialDate | None
    expires: PartialDate | None
    credential_id: str | None
    url: str | None
    status: str  # valid | expiring | expired
    competencies: tuple[Reference, ...]
    visibility: str


@dataclass(frozen=True)
class GoalView:
    id: str
    title: str
    measure: str | None
    target: Any
    deadline: PartialDate | None
    status: str
    progress: int
    competencies: tuple[Reference, ...]
    achievements: tuple[Reference, ...]
    visibility: str


@dataclass(frozen=True)
class FeedbackView:
    id: str
    quote: str
    author: str
    role: str | None
    relation: str
    date: PartialDate | None
    source: str | None
    competencies: tuple[Reference, ...]
    visibility: str


@dataclass(frozen=True)
class LearningView:
    id: str
    title: str
    kind: str
    provider: str | None
    date: PartialDate | None
    hours: float | None
    url: str | None
    competencies: tuple[Reference, ...]
    visibility: str


@dataclass(frozen=True)
class CompetencyView:
    id: str
    name: str
    expectation: str | None
    weight: float
    achievements: tuple[AchievementView, ...]
    feedback: tuple[FeedbackView, ...]
    learning: tuple[LearningView, ...]
    certifications: tuple[CertificationView, ...]
    goals: tuple[GoalView, ...]

    @property
    def strength(self) -> str:
        """gap: no achievement shows it; thin: one does; shown: two or more."""
        count = len(self.achievements)
        return "gap" if count == 0 else "thin" if count == 1 else "shown"

    @property
    def evidence_count(self) -> int:
        return len(self.achievements) + len(self.feedback) + len(self.learning) + len(self.certifications)


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int
    weighted_percent: float  # share of the ladder's weight that has an achievement behind it


@dataclass(frozen=True)
class ImpactTotal:
    metric: str
    unit: str
    per: str | None
    amount: float
    kind: str  # "sum", or "best" for units that do not add up (percentages)
    achievements: tuple[Reference, ...]


@dataclass(frozen=True)
class TimelineEvent:
    date: PartialDate
    collection: str
    id: str
    title: str
    detail: str


@dataclass(frozen=True)
class TimelineYear:
    year: int
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    achievements: tuple[AchievementView, ...]
    projects: tuple[ProjectView, ...]


@dataclass(frozen=True)
class Case:
    """Everything a theme may show for one audience, already filtered and summed."""

    title: str
    audience: str
    today: dt.date
    language: str
    base_url: str | None
    profile: Profile
    framework: str | None
    level: str | None
    since: PartialDate | None
    until: PartialDate | None
    achievements: tuple[AchievementView, ...]
    projects: tuple[ProjectView, ...]
    certifications: tuple[CertificationView, ...]
    competencies: tuple[CompetencyView, ...]
    goals: tuple[GoalView, ...]
    feedback: tuple[FeedbackView, ...]
    learning: tuple[LearningView, ...]
    tags: tuple[TagView, ...]
    timeline: tuple[TimelineYear, ...]
    totals: tuple[ImpactTotal, ...]
    coverage: Coverage
    plan_progress: int | None
    left_out: tuple[tuple[str, int], ...]  # (reason, count), in a fixed order
    assets: tuple[str, ...]  # files under the content folder that the output needs

    @property
    def featured(self) -> tuple[AchievementView, ...]:
        chosen = tuple(a for a in self.achievements if a.featured)
        return chosen or self.strongest

    @property
    def strongest(self) -> tuple[AchievementView, ...]:
        """The three achievements that argue the case best: featured, quantified, broad."""
        ranked = sorted(self.achievements, key=lambda a: (
            not a.featured, -len(a.impacts), -len(a.competencies), -a.date.first_day.toordinal()))
        return tuple(ranked[:3])

    @property
    def gaps(self) -> tuple[CompetencyView, ...]:
        return tuple(c for c in self.competencies if c.strength == "gap")

    def left_out_sentence(self) -> str:
        if not self.left_out:
            return "left out: nothing"
        return "left out: " + ", ".join(
            f"{count} {reason}{'s' if reason == 'draft' and count > 1 else ''}"
            for reason, count in self.left_out)


LEFT_OUT_ORDER = ("internal", "private", "draft", "outside the period", "not in the variant's tags")


def build_case(record: Record, options: CaseOptions) -> Case:
    """Filter the record for one audience and period, then derive everything shown."""
    settings: Settings = record.settings
    since = options.since or settings.period.since
    until = options.until or settings.period.until
    seen_visibilities = AUDIENCE_SEES[options.audience]
    left_out: Counter = Counter()

    def admitted(entry: Entry, start: PartialDate | None, end: PartialDate | None,
                 tags: tuple[str, ...] | None = None) -> bool:
        model = entry.model
        if model.visibility not in seen_visibilities:
            left_out[model.visibility] += 1
            return False
        if getattr(model, "draft", False) and not options.drafts:
            left_out["draft"] += 1
            return False
        if not within(start, end, since, until):
            left_out["outside the period"] += 1
            return False
        if tags is not None and not tags_admitted(tags, options):
            left_out["not in the variant's tags"] += 1
            return False
        return True

    competency_names = {c.id: c.name for c in record.competencies.competencies}

    def competency_references(ids: list[str]) -> tuple[Reference, ...]:
        return tuple(Reference("competencies", i, competency_names[i]) for i in dict.fromkeys(ids)
                     if i in competency_names)

    project_entries = [e for e in record.collection("projects") if admitted(
        e, e.model.period.start if e.model.period else None,
        e.model.period.end if e.model.period else None, tuple(e.model.tags) + tuple(e.model.skills))]
    goal_entries = [e for e in record.collection("goals") if admitted(e, None, None)]
    project_titles = {e.id: e.model.title for e in project_entries}
    goal_titles = {e.id: e.model.title for e in goal_entries}

    achievements = []
    for entry in record.collection("achievements"):
        model = entry.model
        start, end = achievement_span(model)
        if not admitted(entry, start, end, tuple(model.tags)):
            continue
        achievements.append(AchievementView(
            id=entry.id, title=model.title,
            date=model.date or model.period.end or model.period.start,
            period=model.period, summary=model.summary,
            impacts=tuple(ImpactView(i.metric, normalise_unit(i.unit), i.per, i.value, i.before, i.after)
                          for i in model.impact),
            competencies=competency_references(model.competencies),
            projects=tuple(Reference("projects", p, project_titles[p]) for p in model.projects
                           if p in project_titles),
            goals=tuple(Reference("goals", g, goal_titles[g]) for g in model.goals if g in goal_titles),
            tags=tuple(dict.fromkeys(model.tags)), collaborators=tuple(model.collaborators),
            evidence=tuple(EvidenceView(e.title, e.url, e.file) for e in model.evidence),
            star=model.star if model.star and any(model.star.model_dump().values()) else None,
            body=entry.body, featured=model.featured, visibility=model.visibility))
    achievements.sort(key=lambda a: (-a.date.last_day.toordinal(), a.title.casefold(), a.id))
    achievements_tuple = tuple(achievements)
    achievements_by_project = group_by_reference(achievements, "projects")
    achievements_by_goal = group_by_reference(achievements, "goals")

    projects = []
    for entry in project_entries:
        model = entry.model
        projects.append(ProjectView(
            id=entry.id, title=model.title, role=model.role, period=model.period, status=model.status,
            summary=model.summary, skills=tuple(model.skills), links=tuple(model.links),
            tags=tuple(model.tags), body=entry.body, featured=model.featured, visibility=model.visibility,
            achievements=achievements_by_project.get(entry.id, ())))
    projects.sort(key=lambda p: (p.status != "active", -(_period_end(p.period)), p.title.casefold()))

    certifications = []
    for entry in record.collection("certifications"):
        model = entry.model
        if not admitted(entry, model.earned, model.earned):
            continue
        certifications.append(CertificationView(
            id=entry.id, name=model.name, issuer=model.issuer, earned=model.earned,
            expires=model.expires, credential_id=model.credential_id, url=model.url,
            status=certification_status(model.expires, options.today),
            competencies=competency_references(model.competencies), visibility=model.visibility))
    certifications.sort(key=lambda c: (c.status == "expired", -_ordinal(c.earned), c.name.casefold()))

    goals = []
    for entry in goal_entries:
        model = entry.model
        goals.append(GoalView(
            id=entry.id, title=model.title, measure=model.measure, target=model.target,
            deadline=model.deadline, status=model.status, progress=model.progress,
            competencies=competency_references(model.competencies),
            achievements=tuple(Reference("achievements", a.id, a.title)
                               for a in achievements_by_goal.get(entry.id, ())),
            visibility=model.visibility))
    status_order = {"in-progress": 0, "planned": 1, "done": 2, "dropped": 3}
    goals.sort(key=lambda g: (status_order[g.status], _ordinal(g.deadline) or 10**7, g.title.casefold()))

    feedback = []
    for entry in record.collection("feedback"):
        model = entry.model
        if not admitted(entry, model.date, model.date):
            continue
        feedback.append(FeedbackView(
            id=entry.id, quote=model.quote, author=model.author, role=model.role,
            relation=model.relation, date=model.date, source=model.source,
            competencies=competency_references(model.competencies), visibility=model.visibility))
    feedback.sort(key=lambda f: (-_ordinal(f.date), f.author.casefold()))

    learning = []
    for entry in record.collection("learning"):
        model = entry.model
        if not admitted(entry, model.date, model.date):
            continue
        learning.append(LearningView(
            id=entry.id, title=model.title, kind=model.kind, provider=model.provider, date=model.date,
            hours=model.hours, url=model.url, competencies=competency_references(model.competencies),
            visibility=model.visibility))
    learning.sort(key=lambda item: (-_ordinal(item.date), item.title.casefold()))

    competencies = tuple(
        CompetencyView(
            id=c.id, name=c.name, expectation=c.expectation, weight=c.weight,
            achievements=tuple(a for a in achievements if _names(a, c.id)),
            feedback=tuple(f for f in feedback if _names(f, c.id)),
            learning=tuple(item for item in learning if _names(item, c.id)),
            certifications=tuple(x for x in certifications if _names(x, c.id)),
            goals=tuple(g for g in goals if _names(g, c.id)))
        for c in record.competencies.competencies)

    active_goals = [g for g in goals if g.status != "dropped"]
    profile = record.profile
    title = options.title or settings.title or (
        f"{profile.name} — {profile.target.title}" if profile.target else profile.name)
    return Case(
        title=title, audience=options.audience, today=options.today, language=settings.language,
        base_url=settings.base_url, profile=profile, framework=record.competencies.framework,
        level=record.competencies.level, since=since, until=until,
        achievements=achievements_tuple, projects=tuple(projects), certifications=tuple(certifications),
        competencies=competencies, goals=tuple(goals), feedback=tuple(feedback),
        learning=tuple(learning), tags=build_tags(achievements_tuple, tuple(projects)),
        timeline=build_timeline(achievements_tuple, projects, certifications, learning),
        totals=sum_impacts(achievements_tuple), coverage=measure_coverage(competencies),
        plan_progress=round(sum(g.progress if g.status != "done" else 100 for g in active_goals)
                            / len(active_goals)) if active_goals else None,
        left_out=tuple((reason, left_out[reason]) for reason in LEFT_OUT_ORDER if left_out[reason]),
        assets=collect_assets(record, achievements_tuple, projects, feedback))


def _names(view: Any, competency_id: str) -> bool:
    return any(reference.id == competency_id for reference in view.competencies)


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


CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "INR", "CNY", "SEK", "NOK",
              "DKK", "PLN", "BRL", "MXN", "SGD", "HKD", "ZAR", "KRW", "CZK", "HUF", "ILS"}
UNIT_ALIASES = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "percent": "%", "pct": "%",
    "hour": "h", "hours": "h", "hr": "h", "hrs": "h",
    "minute": "min", "minutes": "min", "mins": "min",
    "second": "s", "seconds": "s", "sec": "s", "secs": "s",
    "millisecond": "ms", "milliseconds": "ms",
    "day": "days", "d": "days",
}


def normalise_unit(unit: str | None) -> str:
    """Spell a unit one way, so that like units sum across achievements."""
    if not unit:
        return ""
    text = unit.strip()
    lowered = text.lower()
    if text.upper() in CURRENCIES:
        return text.upper()
    return UNIT_ALIASES.get(lowered, text)


def is_currency(unit: str) -> bool:
    return unit in CURRENCIES


NON_ADDITIVE_UNITS = {"%"}


def sum_impacts(achievements: tuple[AchievementView, ...]) -> tuple[ImpactTotal, ...]:
    """Totals per metric, unit and rate; money is never summed across currencies."""
    groups: dict[tuple, list[tuple[AchievementView, ImpactView]]] = defaultdict(list)
    for achievement in achievements:
        for impact in achievement.impacts:
            key = (impact.metric.casefold(), impact.unit, (impact.per or "").casefold())
            groups[key].append((achievement, impact))
    totals = []
    for (_, unit, _), members in groups.items():
        first = members[0][1]
        if unit in NON_ADDITIVE_UNITS:
            amount, kind = max((i.amount for _, i in members), key=abs), "best"
        else:
            amount, kind = sum(i.amount for _, i in members), "sum"
        references = tuple(dict.fromkeys(Reference("achievements", a.id, a.title) for a, _ in members))
        totals.append(ImpactTotal(first.metric, unit, first.per, amount, kind, references))

    def rank(total: ImpactTotal) -> tuple:
        family = 0 if is_currency(total.unit) else 1 if total.unit in ("h", "min", "days") else 2
        return (family, -len(total.achievements), -abs(total.amount), total.metric.casefold(), total.unit)

    return tuple(sorted(totals, key=rank))


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


def build_timeline(achievements, projects, certifications, learning) -> tuple[TimelineYear, ...]:
    events: list[TimelineEvent] = []
    for a in achievements:
        events.append(TimelineEvent(a.date, "achievements", a.id, a.title, a.summary or ""))
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


MARKDOWN_ASSET = re.compile(r"\]\(\s*<?((?:\./)?assets/[^)\s>]+)")


def collect_assets(record: Record, achievements, projects, feedback) -> tuple[str, ...]:
    """The content files the output needs: visible evidence, the photo, Markdown images."""
    wanted: set[str] = set()
    if record.profile.photo:
        wanted.add(record.profile.photo)
    texts = [record.profile.summary or "", record.profile.ask or ""]
    for achievement in achievements:
        wanted.update(e.file for e in achievement.evidence if e.file)
        texts.append(achievement.body)
        if achievement.star:
            texts.extend(v for v in achievement.star.model_dump().values() if v)
    texts.extend(p.body for p in projects)
    texts.extend(f.quote for f in feedback)
    for text in texts:
        wanted.update(m.removeprefix("./") for m in MARKDOWN_ASSET.findall(text))
    return tuple(sorted(name for name in wanted if (record.content_dir / Path(name)).is_file()
                        and ".." not in Path(name).parts))
