"""What changed in a career between two versions of the record: the "since my last review" view.

Two cases of the same audience are compared entry by entry, by id; the result is data,
put into words by `as_text`, `as_markdown` and `as_json`, and shown in the dossier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.numbers import format_impact
from generator.views import (
    AchievementView,
    Case,
    CertificationView,
    CompetencyView,
    FeedbackView,
    GoalView,
)


@dataclass(frozen=True)
class Move:
    """One value of an entry, before and after; None where there was none."""

    what: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ChangedAchievement:
    achievement: AchievementView  # as it is now
    moves: tuple[Move, ...]


@dataclass(frozen=True)
class GoalChange:
    goal: GoalView  # as it is now
    moves: tuple[Move, ...]  # status and progress; empty for a new goal
    new: bool


@dataclass(frozen=True)
class CoverageChange:
    competency: CompetencyView  # as it is now
    before: str  # gap | thin | shown | absent (not on the ladder then)
    after: str
    achievements_before: int
    achievements_after: int


@dataclass(frozen=True)
class Changes:
    """Everything that moved between two versions of a record, for one audience."""

    before: str  # how the older version is named: a revision
    after: str  # the newer one: a revision, or "the work tree"
    achievements_added: tuple[AchievementView, ...]
    achievements_removed: tuple[AchievementView, ...]  # as they were
    achievements_changed: tuple[ChangedAchievement, ...]
    goals: tuple[GoalChange, ...]
    certifications_added: tuple[CertificationView, ...]
    certifications_expired: tuple[CertificationView, ...]
    competencies: tuple[CoverageChange, ...]
    feedback_received: tuple[FeedbackView, ...]

    @property
    def empty(self) -> bool:
        return not any((self.achievements_added, self.achievements_removed, self.achievements_changed,
                        self.goals, self.certifications_added, self.certifications_expired,
                        self.competencies, self.feedback_received))


def compare(before: Case, after: Case, before_name: str, after_name: str) -> Changes:
    """The changes from one case to the other, each list in the order the newer case shows it."""
    old_achievements = {a.id: a for a in before.achievements}
    new_ids = {a.id for a in after.achievements}
    changed = []
    for achievement in after.achievements:
        previous = old_achievements.get(achievement.id)
        if previous is not None:
            moves = achievement_moves(previous, achievement)
            if moves:
                changed.append(ChangedAchievement(achievement, moves))
    old_goals = {g.id: g for g in before.goals}
    goals = []
    for goal in after.goals:
        previous = old_goals.get(goal.id)
        if previous is None:
            goals.append(GoalChange(goal, (), new=True))
            continue
        moves = tuple(move for move in (
            Move("status", previous.status, goal.status),
            Move("progress", f"{previous.progress}%", f"{goal.progress}%"),
        ) if move.before != move.after)
        if moves:
            goals.append(GoalChange(goal, moves, new=False))
    old_certifications = {c.id: c for c in before.certifications}
    old_competencies = {c.id: c for c in before.competencies}
    competencies = []
    for competency in after.competencies:
        previous = old_competencies.get(competency.id)
        was = previous.strength if previous is not None else "absent"
        count_before = len(previous.achievements) if previous is not None else 0
        if was != competency.strength or count_before != len(competency.achievements):
            competencies.append(CoverageChange(competency, was, competency.strength, count_before,
                                               len(competency.achievements)))
    old_feedback = {f.id for f in before.feedback}
    return Changes(
        before=before_name, after=after_name,
        achievements_added=tuple(a for a in after.achievements if a.id not in old_achievements),
        achievements_removed=tuple(a for a in before.achievements if a.id not in new_ids),
        achievements_changed=tuple(changed),
        goals=tuple(goals),
        certifications_added=tuple(c for c in after.certifications if c.id not in old_certifications),
        certifications_expired=tuple(c for c in after.certifications if c.status == "expired" and (
            c.id not in old_certifications or old_certifications[c.id].status != "expired")),
        competencies=tuple(competencies),
        feedback_received=tuple(f for f in after.quotes if f.id not in old_feedback),
    )


def achievement_moves(before: AchievementView, after: AchievementView) -> tuple[Move, ...]:
    """Title, date and every impact number that differ, each impact matched by its metric."""
    moves = []
    if before.title != after.title:
        moves.append(Move("title", before.title, after.title))
    if before.date != after.date:
        moves.append(Move("date", before.date.iso(), after.date.iso()))
    old_impacts = {impact.metric: format_impact(impact) for impact in before.impacts}
    new_impacts = {impact.metric: format_impact(impact) for impact in after.impacts}
    for metric in list(new_impacts) + [m for m in old_impacts if m not in new_impacts]:
        if old_impacts.get(metric) != new_impacts.get(metric):
            moves.append(Move(metric, old_impacts.get(metric), new_impacts.get(metric)))
    return tuple(moves)


def describe_move(move: Move) -> str:
    """One change in words: `title: Old → New`, `Cost: was …, now …`, `… (new)`, `… (removed)`."""
    if move.before is None:
        return f"{move.what}: {move.after} (new)"
    if move.after is None:
        return f"{move.what}: {move.before} (removed)"
    if "→" in move.before + move.after:  # a before-and-after impact: arrows inside arrows would not read
        return f"{move.what}: was {move.before}, now {move.after}"
    return f"{move.what}: {move.before} → {move.after}"


def describe_coverage(change: CoverageChange) -> str:
    if change.before == "absent":
        return f"{change.competency.name}: new on the ladder, {change.after} ({change.achievements_after})"
    if change.before == change.after:
        return f"{change.competency.name}: {change.after}, {change.achievements_before} → " \
               f"{change.achievements_after} achievements"
    return f"{change.competency.name}: {change.before} → {change.after} ({change.achievements_before} → " \
           f"{change.achievements_after} achievements)"


def sections(changes: Changes) -> list[tuple[str, list[str]]]:
    """The changes as titled lists of lines: the one wording that text and Markdown share."""
    found = [
        ("Achievements added", [f"{a.title} ({a.date})" for a in changes.achievements_added]),
        ("Achievements changed", [f"{c.achievement.title}: " + "; ".join(describe_move(m) for m in c.moves)
                                  for c in changes.achievements_changed]),
        ("Achievements removed", [f"{a.title} ({a.date})" for a in changes.achievements_removed]),
        ("Goals", [f"{g.goal.title}: " + ("new, " + g.goal.status.replace("-", " ") if g.new else
                                          "; ".join(describe_move(m) for m in g.moves)) for g in changes.goals]),
        ("Certifications added", [c.name + (f" ({c.issuer})" if c.issuer else "")
                                  for c in changes.certifications_added]),
        ("Certifications expired", [f"{c.name} (expired {c.expires})" for c in changes.certifications_expired]),
        ("Competency coverage", [describe_coverage(c) for c in changes.competencies]),
        ("Feedback received", [f"{f.author}" + (f", {f.role}" if f.role else "") + (f" ({f.date})" if f.date else "")
                               for f in changes.feedback_received]),
    ]
    return [(title, lines) for title, lines in found if lines]


def as_text(changes: Changes) -> str:
    """The changes for a terminal."""
    lines = [f"changes from {changes.before} to {changes.after}"]
    if changes.empty:
        lines.append("  nothing changed")
    for title, items in sections(changes):
        lines.append(f"{title} ({len(items)}):")
        lines.extend(f"  {item}" for item in items)
    return "\n".join(lines) + "\n"


def as_markdown(changes: Changes) -> str:
    """The changes as Markdown, to paste into a review document."""
    lines = [f"## Since {changes.before}", ""]
    if changes.empty:
        lines += ["Nothing changed.", ""]
    for title, items in sections(changes):
        lines += [f"### {title}", ""] + [f"- {escape_markdown(item)}" for item in items] + [""]
    return "\n".join(lines)


def escape_markdown(text: str) -> str:
    """Record text as literal Markdown: a title's `*` or `[` must not become markup in a review."""
    return "".join("\\" + character if character in "\\`*_[]<>#|" else character for character in text)


def as_json(changes: Changes) -> str:
    """The changes as one JSON document, for scripts."""
    def moves(items: tuple[Move, ...]) -> list[dict]:
        return [{"what": m.what, "before": m.before, "after": m.after} for m in items]

    document = {
        "before": changes.before, "after": changes.after,
        "achievements": {
            "added": [{"id": a.id, "title": a.title, "date": a.date.iso()} for a in changes.achievements_added],
            "removed": [{"id": a.id, "title": a.title, "date": a.date.iso()} for a in changes.achievements_removed],
            "changed": [{"id": c.achievement.id, "title": c.achievement.title, "moves": moves(c.moves)}
                        for c in changes.achievements_changed],
        },
        "goals": [{"id": g.goal.id, "title": g.goal.title, "new": g.new, "status": g.goal.status,
                   "progress": g.goal.progress, "moves": moves(g.moves)} for g in changes.goals],
        "certifications": {
            "added": [{"id": c.id, "name": c.name} for c in changes.certifications_added],
            "expired": [{"id": c.id, "name": c.name, "expires": c.expires.iso() if c.expires else None}
                        for c in changes.certifications_expired],
        },
        "competencies": [{"id": c.competency.id, "name": c.competency.name, "before": c.before, "after": c.after,
                          "achievements_before": c.achievements_before, "achievements_after": c.achievements_after}
                         for c in changes.competencies],
        "feedback": [{"id": f.id, "author": f.author, "relation": f.relation,
                      "date": f.date.iso() if f.date else None} for f in changes.feedback_received],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
