"""Advice: the promotion coaching of `careerfolio check`, as findings about the user's own record.

Each rule encodes one piece of advice people get about promotions (numbers for every
achievement, evidence for every competency, SMART goals, fresh feedback…), has a stable id
so it can be silenced, and points at the line to change. Gaps come from the case's own
competency strengths, so check, the site and the dossier always agree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.case import (
    EXPIRY_WARNING_DAYS,
    CaseOptions,
    achievement_span,
    build_case,
    certification_status,
    site_purpose,
    within,
)
from generator.model import PartialDate
from generator.problems import Problem, display_path
from generator.validate import Entry, Located, Record, text_values, whole_file

STALE_DAYS = 90


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str


RULES = {rule.id: rule for rule in (
    Rule("CF101", "an achievement with no quantified impact"),
    Rule("CF102", "an impact with no unit"),
    Rule("CF103", "an impact whose before and after are the same"),
    Rule("CF104", "an achievement with no competency"),
    Rule("CF105", "a competency of the target level with no achievement behind it (a gap)"),
    Rule("CF106", "a competency backed by only one achievement"),
    Rule("CF107", "an achievement with no evidence"),
    Rule("CF108", "an evidence link that is not https"),
    Rule("CF109", "no feedback in the review period"),
    Rule("CF110", "feedback with no source"),
    Rule("CF111", "a goal with no measure"),
    Rule("CF112", "a goal with no target"),
    Rule("CF113", "a goal with no deadline"),
    Rule("CF114", "a goal past its deadline and not done"),
    Rule("CF115", "a goal at 100% progress and not done"),
    Rule("CF116", "an expired certification"),
    Rule("CF117", "a certification expiring within 90 days"),
    Rule("CF118", "no achievement in the last 90 days of the review period"),
    Rule("CF119", "no ask in the profile"),
    Rule("CF120", "an ask that names no target level"),
    Rule("CF121", "an internal or private entry named in a public entry (a likely leak)"),
    Rule("CF122", "characters no font on this machine can draw (the PDF would show empty boxes)"),
)}


def advise(record: Record, today: dt.date) -> list[Problem]:
    """Every piece of advice for the record, minus what careerfolio.yaml or the entry silences."""
    silenced = set(record.settings.check.ignore)
    found = [p for p in find_advice(record, today) if p.rule not in silenced]
    return sorted(found, key=lambda p: (p.path, p.line, p.column, p.rule))


def find_advice(record: Record, today: dt.date) -> Iterator[Problem]:
    live = {name: [e for e in record.collection(name) if not getattr(e.model, "draft", False)]
            for name in record.entries}
    yield from achievement_advice(live["achievements"])
    yield from competency_advice(record, today)
    yield from feedback_advice(record, live["feedback"])
    yield from goal_advice(live["goals"], today)
    yield from certification_advice(live["certifications"], today)
    yield from staleness_advice(record, live["achievements"], today)
    yield from ask_advice(record)
    yield from leak_advice(live)
    yield from font_advice(record, live)


def advice(entry_or_item: Entry | Located, location: tuple, rule: str, message: str,
           hint: str) -> Iterator[Problem]:
    """One finding at a value of an entry, unless the entry itself silences the rule."""
    item = entry_or_item.origin if isinstance(entry_or_item, Entry) else entry_or_item
    spot = item.position(location)
    problem = Problem(item.source.path, spot.line, spot.column, message, hint, "advice", rule)
    if isinstance(entry_or_item, Entry):
        yield from _unless_silenced(entry_or_item, problem)
    else:
        yield problem


def _title_key(entry: Entry) -> tuple:
    return ("title",) if "title" in (entry.origin.data or {}) else ()


def achievement_advice(achievements: list[Entry]) -> Iterator[Problem]:
    for entry in achievements:
        model = entry.model
        if not model.impact:
            yield from advice(entry, _title_key(entry), "CF101", "this achievement has no number",
                              "add impact: with a metric and a value, or before and after — "
                              "cost saved, revenue, time, users")
        for index, impact in enumerate(model.impact):
            if not impact.unit:
                yield from advice(entry, ("impact", index), "CF102", f"'{impact.metric}' has no unit",
                                  "add unit: USD, EUR, %, h, min, ms or a word like teams")
            if impact.before is not None and impact.before == impact.after:
                yield from advice(entry, ("impact", index), "CF103",
                                  f"'{impact.metric}' is the same before and after",
                                  "correct one of the numbers, or use value: for a single amount")
        if not model.competencies:
            yield from advice(entry, _title_key(entry), "CF104", "this achievement names no competency",
                              "add competencies: with ids from competencies.yaml")
        if not model.evidence:
            yield from advice(entry, _title_key(entry), "CF107", "this achievement has no evidence",
                              "add evidence: a link to a doc or dashboard, or a file under assets/")
        for index, evidence in enumerate(model.evidence):
            if evidence.url and urlsplit(evidence.url).scheme.lower() not in ("https", "mailto"):
                yield from advice(entry, ("evidence", index, "url"), "CF108",
                                  f"the evidence link '{evidence.url}' is not https",
                                  "use the https:// address so readers can open it safely")


def competency_advice(record: Record, today: dt.date) -> Iterator[Problem]:
    """Gaps as the committee sees them: the dossier's audience, within the review period.

    The public site may see fewer achievements than the dossier; the advice says so when
    that turns a competency the dossier shows once into a gap on the site.
    """
    item = record.competencies_file
    if item is None:
        return
    audience = record.settings.dossier.audience
    case = build_case(record, CaseOptions(audience=audience, today=today))
    public = case if audience == "public" else build_case(record, CaseOptions(audience="public", today=today))
    showcase = site_purpose(record.settings.purpose, "public") == "portfolio"
    silenced = {c.id: set(c.check.ignore) if c.check else set() for c in record.competencies.competencies}
    for index, (competency, on_site) in enumerate(zip(case.competencies, public.competencies)):
        location = ("competencies", index)
        if competency.strength == "gap" and "CF105" not in silenced[competency.id]:
            yield from advice(item, location, "CF105", f"no achievement shows '{competency.name}' (a gap)",
                              "name it in the competencies: of an achievement, or plan a goal that builds it")
        elif competency.strength == "thin" and "CF106" not in silenced[competency.id]:
            message = f"only one achievement shows '{competency.name}'"
            if on_site.strength == "gap":
                hidden = competency.achievements[0].visibility
                message += (f", and it is {hidden}: the public site shows a gap" if showcase is False else
                            f", and it is {hidden}: the public portfolio does not show this skill")
            yield from advice(item, location, "CF106", message,
                              "a committee looks for a pattern: add a second example")


def feedback_advice(record: Record, feedback: list[Entry]) -> Iterator[Problem]:
    period = record.settings.period
    if not any(within(e.model.date, e.model.date, period.since, period.until) for e in feedback):
        path = record.content_dir / "feedback.yaml"
        where = feedback[0].origin if feedback else None
        if where is not None:
            yield from advice(where, (), "CF109", "no feedback falls in the review period",
                              "ask your manager and two peers for a quote and add it to feedback.yaml")
        else:
            yield Problem(path, 1, 1, "the record has no feedback",
                          "ask your manager and two peers for a quote and add it to feedback.yaml",
                          "advice", "CF109")
    for entry in feedback:
        if not entry.model.source:
            yield from advice(entry, (), "CF110", f"the quote from {entry.model.author} has no source",
                              "add source: where it was said (a review cycle, an email) so it can be checked")


def goal_advice(goals: list[Entry], today: dt.date) -> Iterator[Problem]:
    for entry in goals:
        goal = entry.model
        open_goal = goal.status not in ("done", "dropped")
        if not goal.measure:
            yield from advice(entry, (), "CF111", f"the goal '{goal.title}' has no measure",
                              "add measure: how you will know it is done")
        if goal.target is None:
            yield from advice(entry, (), "CF112", f"the goal '{goal.title}' has no target",
                              "add target: the number or state to reach")
        if goal.deadline is None:
            yield from advice(entry, (), "CF113", f"the goal '{goal.title}' has no deadline",
                              "add deadline: YYYY-MM-DD")
        elif open_goal and goal.deadline.last_day < today:
            yield from advice(entry, ("deadline",), "CF114",
                              f"the goal '{goal.title}' passed its deadline ({goal.deadline}) and is not done",
                              "mark it done or dropped, or set a new deadline")
        if open_goal and goal.progress == 100:
            yield from advice(entry, ("progress",), "CF115", f"the goal '{goal.title}' is at 100% but not done",
                              "set status: done")


def certification_advice(certifications: list[Entry], today: dt.date) -> Iterator[Problem]:
    for entry in certifications:
        status = certification_status(entry.model.expires, today)
        if status == "expired":
            yield from advice(entry, ("expires",), "CF116", f"'{entry.model.name}' expired on {entry.model.expires}",
                              "renew it, or leave it out with visibility: private")
        elif status == "expiring":
            yield from advice(entry, ("expires",), "CF117",
                              f"'{entry.model.name}' expires within {EXPIRY_WARNING_DAYS} days ({entry.model.expires})",
                              "plan the renewal before the committee meets")


def staleness_advice(record: Record, achievements: list[Entry], today: dt.date) -> Iterator[Problem]:
    until = record.settings.period.until
    end = min(until.last_day, today) if until else today
    start = end - dt.timedelta(days=STALE_DAYS)
    recent = [e for e in achievements
              if within(*achievement_span(e.model), PartialDate(start.year, start.month, start.day),
                        PartialDate(end.year, end.month, end.day))]
    if achievements and not recent:
        def last_day(entry: Entry) -> dt.date:
            start, end = achievement_span(entry.model)
            return (end or start).last_day

        newest = max(achievements, key=last_day)
        yield from advice(newest, _title_key(newest), "CF118",
                          f"no achievement in the {STALE_DAYS} days before {end.isoformat()}; this is the newest",
                          "write down what you did this quarter while you still remember the numbers")


def ask_advice(record: Record) -> Iterator[Problem]:
    item = record.profile_file
    if item is None:
        return
    profile = record.profile
    if not profile.ask:
        yield from advice(item, (), "CF119", "the profile has no ask",
                          "add ask: the role and level you want, and the value you will bring there")
        return
    target = profile.target
    names = [n for n in ((target.title, target.level) if target else ()) if n]
    if not names or not any(name.casefold() in profile.ask.casefold() for name in names):
        yield from advice(item, ("ask",), "CF120", "the ask names no target level",
                          "say the level plainly, e.g. 'promotion to Staff Engineer (L6)'"
                          + ("" if target else ", and add target: {title, level} to the profile"))


LEAK_MIN_LENGTH = 6
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class HiddenName:
    text: str
    words: tuple[str, ...]
    entry: Entry


def leak_advice(live: dict[str, list[Entry]]) -> Iterator[Problem]:
    hidden = [e for entries in live.values() for e in entries if e.model.visibility != "public"]
    public = [e for entries in live.values() for e in entries if e.model.visibility == "public"]
    # Names are matched as runs of whole words, looked up by their words in a table per
    # length, so the time grows with the public text and the number of distinct lengths,
    # not with the public text times the hidden names.
    by_length: dict[int, dict[tuple[str, ...], HiddenName]] = {}
    for entry in hidden:
        for text in (getattr(entry.model, "title", None) or getattr(entry.model, "name", None),
                     entry.origin.stem):  # the title first: it is what the message shows
            words = tuple(word.casefold() for word in WORD.findall(text or ""))
            if text and len(text) >= LEAK_MIN_LENGTH and words:
                by_length.setdefault(len(words), {}).setdefault(words, HiddenName(text, words, entry))
    if not by_length:
        return
    first_words = {words[0] for names in by_length.values() for words in names}
    for entry in public:
        for location, text in public_texts(entry):
            found = find_name(text, by_length, first_words)
            if found is None:
                continue
            name, offset = found
            source = name.entry
            message = (f"this public entry names the {source.model.visibility} entry '{name.text}' "
                       f"({source.path.name})")
            hint = "reword it, or make this entry internal too"
            if location is None:  # the Markdown body: point at the line itself
                line = entry.origin.source.body_line + text.count("\n", 0, offset)
                yield from _unless_silenced(entry, Problem(entry.path, line, 1, message, hint, "advice", "CF121"))
            else:
                yield from advice(entry, location, "CF121", message, hint)
            break


def find_name(text: str, by_length: dict[int, dict[tuple[str, ...], HiddenName]],
              first_words: set[str]) -> tuple[HiddenName, int] | None:
    """The first hidden name that `text` contains as whole words, and where it starts."""
    matches = list(WORD.finditer(text))
    words = [match.group(0).casefold() for match in matches]
    for index, word in enumerate(words):
        if word not in first_words:
            continue
        for length, names in by_length.items():
            name = names.get(tuple(words[index:index + length]))
            if name is not None:
                return name, matches[index].start()
    return None


def public_texts(entry: Entry) -> Iterator[tuple[tuple | None, str]]:
    """Every text of an entry that a page may show, with where it was written (None: the body)."""
    stack: list[tuple[tuple, object]] = [((), entry.origin.data)]
    while stack:
        location, value = stack.pop(0)
        if isinstance(value, dict):
            stack.extend((location + (key,), item) for key, item in value.items()
                         if not (location == () and key in ("id", "visibility", "check")))
        elif isinstance(value, list):
            stack.extend((location + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            yield location, value
    if entry.body:
        yield None, entry.body


def _unless_silenced(entry: Entry, problem: Problem) -> Iterator[Problem]:
    check = getattr(entry.model, "check", None)
    if check is None or problem.rule not in check.ignore:
        yield problem


def finding_as_json(finding: Problem) -> str:
    """One finding as one line of JSON, the shape editors' problem matchers and CI read."""
    return json.dumps({
        "file": display_path(finding.path), "line": finding.line, "column": finding.column,
        "rule": finding.rule or None, "severity": finding.severity, "message": finding.message,
        "hint": finding.hint or None}, ensure_ascii=False)


def font_advice(record: Record, live: dict[str, list[Entry]]) -> Iterator[Problem]:
    """Characters the dossier cannot print: neither the theme's fonts nor the machine's have them."""
    from generator.fonts import font_packages, uncovered

    places: list[tuple[Entry | Located, str]] = [
        (whole_file(source), "") for source in (record.settings_source, record.profile_source,
                                                record.competencies_source) if source is not None]
    places += [(entry, entry.body) for entries in live.values() for entry in entries]
    # every string of a place in one C call: the walk value by value is for the rare record
    # whose characters some font lacks
    written = [json.dumps(origin(place).data, ensure_ascii=False, default=str) + body for place, body in places]
    characters: set[str] = set()
    for text in written:
        characters.update(text)
    missing = set(uncovered(sorted(characters), theme_fonts(record)))
    if not missing:
        return
    texts = []
    for (place, body), text in zip(places, written):
        if not missing.isdisjoint(text):
            texts.extend((place, location, value) for location, value in text_values(origin(place).data, ()))
            texts.append((place, None, body))
    for place, location, text in texts:
        if missing.isdisjoint(text):
            continue
        found = [c for c in dict.fromkeys(text) if c in missing]
        shown = " ".join(found)
        message = (f"{'a character' if len(found) == 1 else f'{len(found)} characters'} no font on this machine "
                   f"can draw: {shown} (the PDF would show empty boxes)")
        hint = f"install a font that covers {'it' if len(found) == 1 else 'them'}, e.g. " \
               f"{' or '.join(font_packages(found))}, then build again"
        if location is not None:
            yield from advice(place, location, "CF122", message, hint)
            continue
        item = origin(place)
        line = item.source.body_line + text.count("\n", 0, text.index(found[0]))
        problem = Problem(item.source.path, line, 1, message, hint, "advice", "CF122")
        yield from _unless_silenced(place, problem) if isinstance(place, Entry) else iter([problem])


def origin(place: Entry | Located) -> Located:
    return place.origin if isinstance(place, Entry) else place


def theme_fonts(record: Record) -> list[Path]:
    """The fonts the record's theme prints with (the default theme's when that cannot be found).

    A child theme's fonts sit beside its parent's: only those its dossier stylesheet names
    draw the PDF, and a character only its parent's font has falls back to the machine's."""
    from generator.fonts import FONT_SUFFIXES
    from generator.problems import UserError
    from generator.render import fonts_not_named, static_files
    from generator.themes import resolve_theme

    try:
        chain = resolve_theme(record.settings.theme, record.root)
    except UserError:
        chain = resolve_theme("default", None)
    files = static_files(chain)
    unused = fonts_not_named(files, [chain.dossier_stylesheet]) if chain.dossier_stylesheet in files else set()
    fonts = {relative: path for relative, path in files.items() if path.suffix.lower() in FONT_SUFFIXES}
    return [path for relative, path in fonts.items() if relative not in unused] or list(fonts.values())
