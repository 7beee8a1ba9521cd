"""JSON Resume out: the case one audience sees, as a `resume.json` (JSON Resume v1.2.1).

JSON Resume is how resumes travel between tools: themes, job boards, converters. The
export is made from an audience's case, never from the record, so a public resume.json
holds exactly what the public site shows and nothing an internal entry could leak.

What JSON Resume has a field for goes there, as plain text, absolute http(s) addresses
and dates of the precision they were written with. Everything else careerfolio knows —
ids, Markdown originals, impacts, evidence, the ladder, goals — goes under
`meta.careerfolio`, so that `careerfolio import jsonresume` gives the same record back.
The mapping tables below are shared by both directions, which keeps them from drifting
apart; the README documents them field by field.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from generator.load import json_pointer
from generator.model import (
    Achievement,
    Certification,
    Competency,
    Feedback,
    Goal,
    Learning,
    Model,
    Profile,
    Project,
    Role,
)
from generator.numbers import format_impact
from generator.views import (
    AchievementView,
    Case,
    CertificationView,
    CompetencyView,
    FeedbackView,
    GoalView,
    LearningView,
    ProjectView,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
META_KEY = "careerfolio"
META_VERSION = 1  # the layout of meta.careerfolio; a newer one is refused on import
RESUME_FILE = "resume.json"
# JSON Resume's `iso8601`: a year, a month or a day, in the years 1000 to 2999
RESUME_DATE = re.compile(r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$")
PROJECT_SKILLS = "Project skills"  # the name of the skills entry that lists the projects' skills
LEARNING_KINDS = ("course", "workshop", "book", "conference", "talk", "mentoring", "other")


# ---------------------------------------------------------------------------------------
# Values as JSON Resume holds them, and back


@functools.lru_cache(maxsize=4096)  # a description is read for its field and its meta entry, every build in serve
def plain_text(markdown: str) -> str:
    """Markdown as the plain text a JSON Resume field holds: no markup, paragraphs kept.

    Themes and job boards show these fields as text; `**63%**` would be shown with its
    asterisks. Links keep their words, images their description.
    """
    blocks = []
    prefix = ""
    for token in plain_parser().parse(markdown):
        if token.type == "list_item_open":
            prefix = "- "
        elif token.type == "fence" or token.type == "code_block":
            blocks.append(token.content.rstrip("\n"))
        elif token.type == "inline":
            blocks.append(prefix + inline_text(token.children or []))
            prefix = ""
    return "\n\n".join(block for block in blocks if block.strip()).strip()


@functools.cache
def plain_parser() -> MarkdownIt:
    """The parser of `plain_text`: CommonMark with tables, and no typographer, so that text
    without markup comes back exactly as written."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def inline_text(tokens: list) -> str:
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(inline_text(token.children or []))
    return "".join(parts)


def to_uri(url: str | None) -> str | None:
    """An absolute http(s) address as a URI JSON Resume's `format: uri` accepts, or None.

    Spaces and non-ASCII letters are percent-encoded and the host written in IDNA, so that
    `https://例え.jp/naïve` is a valid URI; relative addresses and mailto: have no place.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        host = parts.hostname.encode("idna").decode("ascii")
        port = f":{parts.port}" if parts.port is not None else ""
    except (ValueError, UnicodeError):
        return None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (quote(userinfo, safe=":!$&'()*+,;=%") + "@" if userinfo else "") + host + port
    return urlunsplit((parts.scheme.lower(), netloc, encode_uri_part(parts.path, "/:@!$&'()*+,;="),
                       encode_uri_part(parts.query, "/?:@!$&'()*+,;="),
                       encode_uri_part(parts.fragment, "/?:@!$&'()*+,;=")))


def encode_uri_part(text: str, safe: str) -> str:
    """Percent-encode what a URI may not hold, keeping escapes already written."""
    text = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text)
    return quote(text, safe=safe + "%")


def resume_date(value: str | None) -> str | None:
    """A record date (YYYY, YYYY-MM or YYYY-MM-DD) where JSON Resume's pattern accepts it."""
    return value if value is not None and RESUME_DATE.match(value) else None


def email_address(value: str | None) -> str | None:
    """An e-mail address, which JSON Resume checks; other contact text stays in meta."""
    return value if value and "@" in value else None


def link_label(url: str) -> str:
    """What a link imported from a bare address says: its host, without www."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# ---------------------------------------------------------------------------------------
# The mapping: one table per kind of item, read by export and import alike


@dataclass(frozen=True)
class Field:
    """A record field and where JSON Resume holds it.

    `show` makes the JSON Resume values (one per key) from the record's value; `read` makes
    the record's value from them. Where `read(show(value))` is not the value, showing it
    lost something (Markdown, a relative address, a date JSON Resume cannot write), so the
    value is also kept under meta.careerfolio, and import takes it from there as long as
    the JSON Resume field still shows it; an edited field wins.
    """

    name: str
    keys: tuple[tuple[str, ...], ...]
    show: Callable[[Any], tuple]
    read: Callable[[tuple], Any]

    def lossy(self, value: Any) -> bool:
        return self.read(self.show(value)) != value

    def join(self, shown: tuple, kept: Any) -> Any:
        """The record's value from what the JSON Resume item shows and what meta kept.

        A kept value that cannot even be shown (a list where text belongs) is returned as
        it is, for the schema to say what is wrong with it, at its place in meta.
        """
        if kept is None:
            return self.read(shown)
        try:
            matches = self.show(kept) == shown
        except (TypeError, AttributeError, KeyError, ValueError):
            return kept
        return kept if matches else self.read(shown)


def same_field(name: str, key: str, show: Callable[[Any], Any] = lambda value: value,
               read: Callable[[Any], Any] = lambda value: value) -> Field:
    """A field held in one JSON Resume key."""
    return Field(name, ((key,),), lambda value: (show(value) if value is not None else None,),
                 lambda shown: read(shown[0]) if shown[0] is not None else None)


def text_field(name: str, key: str) -> Field:
    return same_field(name, key)


def markdown_field(name: str, key: str) -> Field:
    return same_field(name, key, show=lambda value: plain_text(value) or None)


def uri_field(name: str, key: str) -> Field:
    return same_field(name, key, show=to_uri)


def date_field(name: str, key: str) -> Field:
    return same_field(name, key, show=resume_date)


def show_period(period: dict | None) -> tuple:
    if not period:
        return (None, None)
    return (resume_date(period.get("start")), resume_date(period.get("end")))


def read_period(shown: tuple) -> dict | None:
    start, end = shown
    if start is None and end is None:
        return None
    return {"start": start or end, "end": end} if end is not None else {"start": start}


PERIOD = Field("period", (("startDate",), ("endDate",)), show_period, read_period)


def show_links(links: list | None) -> tuple:
    """Links as JSON Resume's profiles: the network is the label; only http(s) addresses."""
    profiles = [{"network": link["label"], "url": to_uri(link["url"])} for link in links or ()
                if to_uri(link["url"])]
    return (profiles or None,)


def read_links(shown: tuple) -> list | None:
    profiles = shown[0] or []
    links = [{"label": profile.get("network") or link_label(profile["url"]), "url": profile["url"]}
             for profile in profiles if profile.get("url")]
    return links or None


def show_first_link(links: list | None) -> tuple:
    """A project's links as JSON Resume's one `url`: the first http(s) one."""
    return (next((to_uri(link["url"]) for link in links or () if to_uri(link["url"])), None),)


def read_first_link(shown: tuple) -> list | None:
    return [{"label": link_label(shown[0]), "url": shown[0]}] if shown[0] else None


def show_location(location: str | None) -> tuple:
    return (location, None, None)


def read_location(shown: tuple) -> str | None:
    """JSON Resume's city, region and country code, as the one line careerfolio keeps."""
    return ", ".join(part for part in shown if part) or None


def learning_kind(study_type: str | None) -> str | None:
    if study_type is None:
        return None
    kind = study_type.strip().casefold()
    return kind if kind in LEARNING_KINDS else "course"


PROFILE_FIELDS = (
    text_field("name", "name"),
    text_field("headline", "label"),
    same_field("email", "email", show=email_address),
    Field("location", (("location", "city"), ("location", "region"), ("location", "countryCode")),
          show_location, read_location),
    markdown_field("summary", "summary"),
    Field("links", (("profiles",),), show_links, read_links),
)
ROLE_FIELDS = (text_field("team", "name"), text_field("title", "position"), date_field("since", "startDate"))
PROJECT_FIELDS = (
    text_field("title", "name"),
    markdown_field("summary", "description"),
    PERIOD,
    same_field("role", "roles", show=lambda role: [role], read=lambda roles: ", ".join(roles) or None),
    text_field("skills", "keywords"),
    Field("links", (("url",),), show_first_link, read_first_link),
)
CERTIFICATION_FIELDS = (text_field("name", "name"), text_field("issuer", "issuer"),
                        date_field("earned", "date"), uri_field("url", "url"))
FEEDBACK_FIELDS = (text_field("author", "name"), markdown_field("quote", "reference"))
LEARNING_FIELDS = (
    text_field("title", "area"),
    text_field("provider", "institution"),
    same_field("kind", "studyType", show=str.capitalize, read=learning_kind),
    date_field("date", "endDate"),
    uri_field("url", "url"),
)
# achievements and goals have no JSON Resume item that holds them: they live in meta


def shown_values(fields: tuple[Field, ...], record: dict) -> dict:
    """The JSON Resume item that shows `record`, by the fields' table."""
    item: dict = {}
    for mapping in fields:
        for key, value in zip(mapping.keys, mapping.show(record.get(mapping.name))):
            if value is None or value == [] or value == "":
                continue
            place = item
            for part in key[:-1]:
                place = place.setdefault(part, {})
            place[key[-1]] = value
    return item


def kept_values(fields: tuple[Field, ...], record: dict) -> dict:
    """What meta keeps of `record`: every field the table does not show exactly."""
    shown = {mapping.name: mapping for mapping in fields}
    return {name: value for name, value in record.items()
            if name not in shown or shown[name].lossy(value)}


# ---------------------------------------------------------------------------------------
# Export


@dataclass
class Reuse:
    """The achievements an earlier build encoded, by fingerprint, and those this build used.

    Achievements are most of a large resume.json; a build after one edit encodes the
    edited one and reuses the others' text, as `serve` needs. Equal fingerprints are
    equal views, so reused text is the text encoding would give.
    """

    fingerprint: Callable[[Any], bytes]
    known: dict
    used: dict = field(default_factory=dict)

    def encoded(self, achievement: AchievementView) -> tuple[str, str]:
        return self.record(achievement, encode_achievement, b"")

    def unknown(self, achievements: Iterable[AchievementView]) -> list[AchievementView]:
        """The achievements whose encoding neither this build nor an earlier one made."""
        return [achievement for achievement in achievements
                if (key := self.fingerprint(achievement)) not in self.used and key not in self.known]

    def encode(self, achievements: Iterable[AchievementView]) -> dict:
        """Encode each achievement not known yet, and give what was made here, by key: another
        process encodes part of a large resume.json, and hands over what it made."""
        made = {}
        for achievement in self.unknown(achievements):
            made[self.fingerprint(achievement)] = encode_achievement(achievement)
        self.used.update(made)
        return made

    def record(self, view: Any, make: Callable[[Any], Any], kind: bytes | None = None) -> Any:
        """What `make` gives for `view` (a record, an encoding), as an earlier build kept it if
        it made it: each view's record goes through its model (whose schema a new process
        would build first) however few views changed. Nobody changes a record once made.
        `kind` tells apart what different makers give for one view (by default, the maker's name)."""
        key = self.fingerprint(view) + (make.__qualname__.encode() if kind is None else kind)
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            found = make(view)
        self.used[key] = found
        return found


def encode_achievement(achievement: AchievementView) -> tuple[str, bytes]:
    """An achievement's highlight, and its meta entry as JSON without `at` (which depends on
    the others) and without its opening brace, indented to its place, in UTF-8: all that
    putting resume.json together does to an entry an earlier build encoded is put `at` first."""
    entry = encode(achievement_record(achievement))
    # each entry's "at" sorts first among its keys: it goes right after the opening brace
    return highlight(achievement), "\n".join(ENTRY_INDENT + line for line in entry[2:].split("\n")).encode("utf-8")


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


# Where the achievements' meta entries go in the encoded document: JSON writes the control
# characters as \u0000, which no text of the record can hold (records refuse them).
ACHIEVEMENTS_SLOT = "\x00achievements\x00"
ENTRY_INDENT = " " * 8  # meta.careerfolio.achievements[i] sits four levels deep


def resume_bytes(case: Case, reuse: Reuse | None = None) -> bytes:
    """The case as resume.json: the same case always gives the same bytes, as
    `json.dumps(…, ensure_ascii=False, indent=2, sort_keys=True)` writes them."""
    return b"".join(resume_pieces(case, reuse))


def resume_pieces(case: Case, reuse: Reuse | None = None) -> list[bytes]:
    """`resume_bytes` in the pieces it is put together from, in order: at 10,000 achievements
    the document is tens of megabytes, which a large site writes to disk piece by piece
    rather than hold joined (and every whole copy of it as text would cost up to four bytes
    a character)."""
    encoded = [reuse.encoded(a) if reuse is not None else encode_achievement(a) for a in case.achievements]
    document, places = resume_document(case, [shown for shown, _ in encoded], reuse.record if reuse else None)
    text = encode_with_highlights(document)
    if not places:
        return [(text + "\n").encode("utf-8")]
    before, after = text.split(json.dumps(ACHIEVEMENTS_SLOT), 1)
    pieces = [before.encode("utf-8"), b"[\n"]
    for index, (at, (_, entry)) in enumerate(zip(places, encoded)):
        separator = ",\n" if index else ""
        pieces.append(f'{separator}{ENTRY_INDENT}{{\n{ENTRY_INDENT}  "at": {json.dumps(at)},\n'.encode())
        pieces.append(entry)
    pieces.append(("\n" + ENTRY_INDENT[:-2] + "]" + after + "\n").encode("utf-8"))
    return pieces


HIGHLIGHTS_INDENT = " " * 8  # projects[i].highlights[j] and work[0].highlights[j] sit four levels deep


def encode_with_highlights(document: dict) -> str:
    """`encode(document)`, with the highlights' lists (one line per achievement) written
    apart: JSON's indenting encoder is Python, a string alone is encoded in C."""
    lists = []
    for entry in [*document.get("projects", ()), *document.get("work", ())]:
        if entry.get("highlights"):
            lists.append(entry["highlights"])
            entry["highlights"] = f"\x00highlights {len(lists) - 1}\x00"  # no text of the record holds \x00
    text = encode(document)
    pieces, rest = [], text
    for index, highlights in enumerate(lists):
        before, rest = rest.split(json.dumps(f"\x00highlights {index}\x00"), 1)
        pieces.extend((before, "[\n", ",\n".join(HIGHLIGHTS_INDENT + json.dumps(shown, ensure_ascii=False)
                                                 for shown in highlights), "\n", HIGHLIGHTS_INDENT[:-2], "]"))
    pieces.append(rest)
    return "".join(pieces)


def resume_document(case: Case, highlights: list[str],
                    record: Callable[[Any, Callable[[Any], dict]], dict] | None = None) -> tuple[dict, list[str]]:
    """The JSON Resume document, with a slot for the achievements' meta entries, and where
    each achievement's highlight is (its `at`), in the case's order. `record(view, make)`
    gives each view's record (see `Reuse.record`)."""
    record = record or (lambda view, make: make(view))
    meta: dict = {"version": META_VERSION, "audience": case.audience}
    resume: dict = {"$schema": SCHEMA_URL, "basics": export_basics(case, meta, record)}

    by_project = {project.id: index for index, project in enumerate(case.projects)}
    project_items = [record(project_values(project), item_of(PROJECT_FIELDS, project_record))
                     for project in case.projects]
    projects = [dict(shown) for shown, _ in project_items]  # their highlights are added below
    role_highlights: list[str] = []
    places = []
    for achievement, shown in zip(case.achievements, highlights):
        home = next((r.id for r in achievement.projects if r.id in by_project), None)
        holder = projects[by_project[home]].setdefault("highlights", []) if home else role_highlights
        # json_pointer's words, written out: numbers and plain keys need no escaping
        places.append(f"/projects/{by_project[home]}/highlights/{len(holder)}" if home
                      else f"/work/0/highlights/{len(holder)}")
        holder.append(shown)

    work = export_role(case, role_highlights, record)
    if work:
        resume["work"] = [work]
        meta["work"] = json_pointer(("work", 0))
    resume["projects"] = projects
    meta["achievements"] = ACHIEVEMENTS_SLOT if places else None
    meta["projects"] = [{"at": json_pointer(("projects", index)), **kept}
                        for index, (_, kept) in enumerate(project_items)]
    export_items(resume, meta, "certificates", "certifications",
                 [record(view, item_of(CERTIFICATION_FIELDS, certification_record)) for view in case.certifications])
    export_items(resume, meta, "references", "feedback",
                 [record(view, item_of(FEEDBACK_FIELDS, feedback_record)) for view in case.quotes])
    export_items(resume, meta, "education", "learning",
                 [record(view, item_of(LEARNING_FIELDS, learning_record)) for view in case.learning])
    resume["skills"] = export_skills(case)
    meta["goals"] = [record(goal_values(goal), goal_record) for goal in case.goals]
    meta["competencies"] = without_empty({
        "framework": case.framework, "level": case.level,
        "competencies": [record(competency_values(competency), competency_record)
                         for competency in case.competencies]})
    meta["settings"] = export_settings(case)
    resume["meta"] = {META_KEY: without_empty(meta)}
    return without_empty(resume), places


def export_basics(case: Case, meta: dict, record: Callable[[Any, Callable[[Any], Any]], Any]) -> dict:
    """Who: the profile, with the site's address as the person's web address."""
    shown, kept = record(case.profile, profile_item)
    basics = dict(shown)  # a record is kept for the next build: never changed
    site = to_uri(case.base_url)
    if site:
        basics["url"] = site
        if case.profile.photo:  # where the site publishes the photo (see render.asset_path)
            name = case.profile.photo.removeprefix("./").removeprefix("assets/")
            basics["image"] = to_uri(urljoin(site.rstrip("/") + "/", "assets/" + name))
    meta["profile"] = kept
    return without_empty(basics)


def profile_item(profile: Profile) -> tuple[dict, dict]:
    """The profile's basics, but for what the site's address gives, and what meta keeps of it."""
    values = plain_numbers(profile.model_dump(mode="json", exclude_defaults=True))
    kept = kept_values(PROFILE_FIELDS, values)
    if "role" in kept:  # the role is shown as the first work entry: meta keeps only what that cannot hold
        kept["role"] = kept_values(ROLE_FIELDS, kept["role"])
    return shown_values(PROFILE_FIELDS, values), without_empty(kept)


def export_role(case: Case, highlights: list[str], record: Callable[[Any, Callable[[Any], Any]], Any]) -> dict | None:
    """The current role as the one work entry careerfolio knows, holding the achievements of
    no project (the record keeps no employer history)."""
    role = case.profile.role
    work = dict(record(role, role_item)) if role else {}
    if highlights:
        work["highlights"] = highlights
    return work or None


def role_item(role: Role) -> dict:
    return shown_values(ROLE_FIELDS, role.model_dump(mode="json", exclude_defaults=True))


def item_of(fields: tuple[Field, ...], make: Callable[[Any], dict]) -> Callable[[Any], tuple[dict, dict]]:
    """How a view becomes its JSON Resume item and what meta keeps of it, by the fields' table."""
    def item(view: Any) -> tuple[dict, dict]:
        made = make(view)
        return shown_values(fields, made), kept_values(fields, made)
    item.__qualname__ = f"item_of.{make.__name__}"
    return item


def export_items(resume: dict, meta: dict, section: str, collection: str, items: list[tuple[dict, dict]]) -> None:
    """One collection as a JSON Resume section, and what meta keeps of each of its entries."""
    resume[section] = [shown for shown, _ in items]
    meta[collection] = [{"at": json_pointer((section, index)), **kept} for index, (_, kept) in enumerate(items)]


def export_skills(case: Case) -> list[dict]:
    """Skills: each competency of the ladder that an achievement shows, then the projects' skills."""
    skills = [{"name": competency.name} for competency in case.competencies if competency.achievements]
    used = list(dict.fromkeys(skill for project in case.projects for skill in project.skills))
    if used:
        skills.append({"name": PROJECT_SKILLS, "keywords": used})
    return skills


def export_settings(case: Case) -> dict:
    """The settings the case was built with that shape what the record shows."""
    profile = case.profile
    default_title = f"{profile.name} — {profile.target.title}" if profile.target else profile.name
    return without_empty({
        "title": case.title if case.title != default_title else None,
        "base_url": case.base_url,
        "language": case.language if case.language != "en" else None,
        "period": without_empty({"since": case.since.iso() if case.since else None,
                                 "until": case.until.iso() if case.until else None}),
    })


def highlight(achievement: AchievementView) -> str:
    """An achievement as one line of a resume: its title, then its numbers."""
    numbers = "; ".join(f"{impact.metric}: {format_impact(impact)}" for impact in achievement.impacts)
    return f"{achievement.title} — {numbers}" if numbers else achievement.title


# Each record function turns a view back into the entry as the record writes it: the same
# keys, only values that differ from the defaults, dates as text.


def record_of(model: type[Model], values: dict) -> dict:
    return plain_numbers(model.model_validate(values).model_dump(mode="json", exclude_defaults=True))


def references(views: tuple) -> list[str]:
    return [reference.id for reference in views]


def achievement_record(view: AchievementView) -> dict:
    return record_of(Achievement, {
        "id": view.id, "title": view.title, "date": None if view.period else view.date,
        "period": view.period, "summary": view.summary,
        "impact": [{"metric": i.metric, "value": i.value, "before": i.before, "after": i.after,
                    "unit": i.unit or None, "per": i.per} for i in view.impacts],
        "competencies": references(view.competencies), "projects": references(view.projects),
        "goals": references(view.goals), "tags": list(view.tags), "collaborators": list(view.collaborators),
        "evidence": [{"title": e.title, "url": e.url, "file": e.file} for e in view.evidence],
        "star": view.star, "visibility": view.visibility, "featured": view.featured,
    }) | ({"body": view.body} if view.body else {})


def competency_values(view: CompetencyView) -> dict:
    """What a competency's record is made from: not the achievements it lists (see `project_values`)."""
    return {"id": view.id, "name": view.name, "expectation": view.expectation, "weight": view.weight}


def competency_record(values: dict) -> dict:
    return record_of(Competency, values)


def project_values(view: ProjectView) -> dict:
    """What a project's record is made from: its own fields, not the achievements listed on
    its view, so that its record is kept (see `Reuse.record`) when one of them is edited."""
    return {"id": view.id, "title": view.title, "role": view.role, "period": view.period, "status": view.status,
            "summary": view.summary, "skills": list(view.skills), "links": list(view.links),
            "tags": list(view.tags), "visibility": view.visibility, "featured": view.featured, "body": view.body}


def project_record(values: dict) -> dict:
    fields = dict(values)
    body = fields.pop("body")
    return record_of(Project, fields) | ({"body": body} if body else {})


def certification_record(view: CertificationView) -> dict:
    return record_of(Certification, {
        "id": view.id, "name": view.name, "issuer": view.issuer, "earned": view.earned, "expires": view.expires,
        "credential_id": view.credential_id, "url": view.url, "visibility": view.visibility,
        "competencies": references(view.competencies)})


def feedback_record(view: FeedbackView) -> dict:
    return record_of(Feedback, {
        "id": view.id, "quote": view.quote, "author": view.author, "role": view.role, "relation": view.relation,
        "date": view.date, "source": view.source, "competencies": references(view.competencies),
        "visibility": view.visibility, "featured": view.featured})


def learning_record(view: LearningView) -> dict:
    return record_of(Learning, {
        "id": view.id, "title": view.title, "kind": view.kind, "provider": view.provider, "date": view.date,
        "hours": view.hours, "url": view.url, "competencies": references(view.competencies),
        "visibility": view.visibility})


def goal_values(view: GoalView) -> dict:
    """What a goal's record is made from: not the achievements that advance it (see `project_values`)."""
    return {"id": view.id, "title": view.title, "measure": view.measure, "target": view.target,
            "deadline": view.deadline, "status": view.status, "progress": view.progress,
            "competencies": references(view.competencies), "visibility": view.visibility}


def goal_record(values: dict) -> dict:
    return record_of(Goal, values)


def plain_numbers(value: Any) -> Any:
    """Whole numbers as integers (41, not 41.0), as the user wrote them, all the way down."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: plain_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_numbers(item) for item in value]
    return value


def without_empty(values: dict) -> dict:
    """The keys that hold something: JSON Resume tools show an empty list as an empty section."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}
