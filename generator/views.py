"""What templates see: read-only views of one audience's case, with their numbers summed.

These types are the contract between careerfolio and themes. A view holds only what its
audience may see; references to entries the audience may not see are already gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import Link, PartialDate, Period, Profile, Star
from generator.numbers import ImpactTotal, ImpactView
from generator.vocabulary import Reference, page_path


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
    updated: dt.date | None = None  # its file's last commit, when the record shows it

    @property
    def path(self) -> str:
        """Its page, relative to the site's root: `{{ achievement.path|url }}`."""
        return page_path("achievements", self.id)

    @property
    def lastmod(self) -> str:
        """When its page last changed, for the sitemap: its last commit, else its own date."""
        return self.updated.isoformat() if self.updated else self.date.iso()


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
    updated: dt.date | None = None  # its file's last commit, when the record shows it

    @property
    def path(self) -> str:
        """Its page, relative to the site's root."""
        return page_path("projects", self.id)

    @property
    def lastmod(self) -> str | None:
        """When its page last changed, for the sitemap: its last commit, else the newest of when it
        ended (or began) and its achievements' dates."""
        if self.updated:
            return self.updated.isoformat()
        dates = [a.date for a in self.achievements]
        if self.period:
            dates.append(self.period.end or self.period.start)
        return max(dates, key=lambda date: date.last_day).iso() if dates else None


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
    status: str  # planned | in-progress | done | dropped
    progress: int  # 0 to 100, as written
    competencies: tuple[Reference, ...]
    achievements: tuple[Reference, ...]  # the achievements that advance it
    visibility: str

    @property
    def path(self) -> str:
        """Its place on the goals page, relative to the site's root."""
        return page_path("goals", self.id)

    @property
    def done_percent(self) -> int:
        """How far along it is: a goal marked done counts as 100%, whatever its progress says."""
        return 100 if self.status == "done" else self.progress

    @property
    def is_open(self) -> bool:
        """Still to do: planned or in progress, not done or dropped."""
        return self.status in ("planned", "in-progress")


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
    featured: bool = False


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
    def path(self) -> str:
        """Its page, relative to the site's root."""
        return page_path("competencies", self.id)

    @property
    def strength(self) -> str:
        """gap: no achievement shows it; thin: one does; shown: two or more."""
        count = len(self.achievements)
        return "gap" if count == 0 else "thin" if count == 1 else "shown"


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int
    weighted_percent: float  # share of the ladder's weight that has an achievement behind it


@dataclass(frozen=True)
class TimelineEvent:
    date: PartialDate
    collection: str
    id: str
    title: str
    detail: str

    @property
    def path(self) -> str:
        """The page (or place on its section's page) of the entry it comes from."""
        return page_path(self.collection, self.id)


@dataclass(frozen=True)
class TimelineYear:
    year: int
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class YearView:
    """One year of the career: its achievements and everything dated in it, newest first."""

    year: int
    achievements: tuple[AchievementView, ...]
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class Listing:
    """What a list page shows: whole years, newest first, and the earlier years it links to.

    A long record's list would make a page of megabytes; past a limit, a list shows the
    newest years and links each earlier year to a page of its own.
    """

    shown: tuple[YearView, ...]
    earlier: tuple[YearView, ...]


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    achievements: tuple[AchievementView, ...]
    projects: tuple[ProjectView, ...]

    @property
    def path(self) -> str:
        """Its page, relative to the site's root."""
        return page_path("tags", self.slug)


def strength_rank(achievement: AchievementView) -> tuple:
    """The order in which achievements argue a case: featured first, then the most quantified,
    then the broadest (most competencies), then the newest."""
    return (not achievement.featured, -len(achievement.impacts), -len(achievement.competencies),
            -achievement.date.first_day.toordinal(), achievement.title.casefold())


@dataclass(frozen=True)
class Packet:
    """Entries as a packet tells them: the strongest in full, the others in one line each."""

    full: tuple
    brief: tuple  # in the order of the list they came from


def split(items: tuple, rank: Callable[[Any], Any], full: int) -> Packet:
    ranked = sorted(items, key=rank)[:full]
    told = {id(item) for item in ranked}
    return Packet(tuple(ranked), tuple(item for item in items if id(item) not in told))


@dataclass(frozen=True)
class Section:
    """A section of the site as the navigation names it."""

    name: str  # its folder
    title: str

    @property
    def path(self) -> str:
        """Its page, relative to the site's root."""
        return page_path(self.name)


@dataclass(frozen=True)
class Case:
    """Everything a theme may show for one audience, already filtered and summed.

    A `portfolio` case is a showcase: it holds no ask, no target, no goals and no competency
    without evidence, so no theme can show a plan or a gap on it by mistake.
    """

    title: str
    audience: str
    purpose: str  # portfolio | promotion
    sections: tuple[Section, ...]  # the site's sections, in the navigation's order
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
    years: tuple[YearView, ...]  # newest first; every year with an achievement or an event
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
        """The three achievements that argue the case best (see `strength_rank`)."""
        return tuple(sorted(self.achievements, key=strength_rank)[:3])

    def packet(self, full: int) -> Packet:
        """The achievements as the dossier tells them: the `full` strongest at length, in that
        order; the rest one line each, newest first."""
        return split(self.achievements, strength_rank, full)

    def projects_packet(self, full: int) -> Packet:
        """Projects as the dossier tells them: featured and active ones, with the most
        achievements, at length; the rest one line each."""
        return split(self.projects, lambda p: (not p.featured, p.status != "active", -len(p.achievements)), full)

    @property
    def quotes(self) -> tuple[FeedbackView, ...]:
        """Feedback as a case quotes it: the featured first, then the newest."""
        return tuple(sorted(self.feedback, key=lambda f: (not f.featured, -(f.date.last_day.toordinal()
                                                                           if f.date else 0))))

    def feedback_packet(self, full: int) -> Packet:
        """Feedback as the dossier quotes it: featured, then newest, `full` in full."""
        quotes = self.quotes
        return Packet(quotes[:full], quotes[full:])

    @property
    def open_goals(self) -> tuple[GoalView, ...]:
        """The goals still to do, in the plan's order: what a home page shows of the plan."""
        return tuple(goal for goal in self.goals if goal.is_open)

    @property
    def gaps(self) -> tuple[CompetencyView, ...]:
        return tuple(c for c in self.competencies if c.strength == "gap")

    def left_out_sentence(self) -> str:
        if not self.left_out:
            return "left out: nothing"
        return "left out: " + ", ".join(
            f"{count} {reason}{'s' if reason in ('draft', 'goal') and count > 1 else ''}"
            + (" (a portfolio shows no plan)" if reason == "goal" else "")
            for reason, count in self.left_out)
