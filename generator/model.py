"""The schema of the career record, as pydantic models.

These models are the single definition of what a user may write: validation, error
messages and (later) the JSON Schema for editors all come from them. Unknown keys are
errors (`extra="forbid"`) so a typo never silently drops data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import core_schema

# Pydantic hands every value it validates to the plugins installed beside it (packages that
# join its entry-point group, such as a tracing service's): a record's internal and private
# entries go to nothing but careerfolio. Without them, each process is also spared the look
# through every installed package's metadata for them (~25 ms in an environment of 60).
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"

Visibility = Literal["public", "internal", "private"]
Audience = Literal["public", "internal", "private"]
Purpose = Literal["portfolio", "promotion"]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day, as people remember their careers."""

    year: int
    month: int = 0  # 0: not given
    day: int = 0

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
        if not match:
            raise ValueError(f"'{value}' is not a date — write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(group) if group else 0 for group in match.groups())
        if match.group(2) and not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month} — months run from 01 to 12")
        if match.group(3):
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{value}' has no day {day} — that month has {last} days")
        return cls(year, month, day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        return f"{self.year:04d}" + (f"-{self.month:02d}" if self.month else "") + (
            f"-{self.day:02d}" if self.day else "")

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(cls.iso))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict:
        return {"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}],
                "description": "A date to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD.",
                "examples": ["2025-03-14", "2024-11", 2023]}


SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def check_url(url: str) -> str:
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        raise ValueError(f"the link scheme '{scheme}:' is not allowed — use an https:// address")
    if not scheme and not url.startswith(("/", "#", ".")) and "." not in url.split("/")[0]:
        example = f"https://{url}" if " " not in url.strip() else "https://example.com/page"
        raise ValueError(f"'{url}' is not a web address — write it in full, e.g. {example}")
    return url.strip()


Url = Annotated[str, AfterValidator(check_url)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    # allow_inf_nan: `.inf` and `.nan` are YAML numbers, but no impact is infinite
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True,
                              allow_inf_nan=False)


def described(default: Any, description: str, *examples: Any, **constraints: Any) -> Any:
    """A field with the words and examples an editor shows while the user types it."""
    return Field(default, description=description, examples=list(examples), **constraints)


REQUIRED = ...

# The advice rules of `careerfolio check`, listed here so that silencing an unknown rule is
# an error with the valid ids as its hint, and editors complete them from the schema.
RuleId = Literal["CF101", "CF102", "CF103", "CF104", "CF105", "CF106", "CF107", "CF108", "CF109",
                 "CF110", "CF111", "CF112", "CF113", "CF114", "CF115", "CF116", "CF117", "CF118",
                 "CF119", "CF120", "CF121", "CF122"]


class CheckSettings(Model):
    ignore: list[RuleId] = described([], "Advice rules of `careerfolio check` to silence, by id.",
                                     ["CF101", "CF107"])


def check_field() -> Any:
    return described(None, "Silence advice of `careerfolio check` for this entry only.",
                     {"ignore": ["CF101"]})


def visibility_field() -> Any:
    return described("public", "Who may see it: public (the site), internal (also the dossier), "
                     "private (only `careerfolio check`).", "internal")


def competencies_field() -> Any:
    return described([], "Ids from competencies.yaml that this shows.", ["technical-leadership"])


def id_field() -> Any:
    return described(None, "A stable id for references and web addresses; default: the file "
                     "name, else a slug of the title.", "build-platform")


class Link(Model):
    label: Text = described(REQUIRED, "What the link says.", "GitHub")
    url: Url = described(REQUIRED, "Where it goes: an https:// address or mailto:.",
                         "https://github.com/priya")


class Role(Model):
    title: Text = described(REQUIRED, "Job title.", "Senior Software Engineer")
    level: str | None = described(None, "Level on the career ladder.", "L5")
    team: str | None = described(None, "Team or organisation.", "Developer Platform")
    since: PartialDate | None = described(None, "When the role started.", "2022-04")


class Target(Model):
    title: Text = described(REQUIRED, "The role asked for.", "Staff Engineer")
    level: str | None = described(None, "Its level on the ladder.", "L6")


class Profile(Model):
    name: Text = described(REQUIRED, "Your full name.", "Priya Raman")
    headline: str | None = described(None, "One line under your name.",
                                     "Platform engineer who makes builds fast and boring")
    email: str | None = described(None, "A contact address, shown on the site.", "priya@example.com")
    location: str | None = described(None, "City or region.", "Lisbon, Portugal")
    photo: str | None = described(None, "A picture under content/assets/.", "assets/photo.jpg")
    links: list[Link] = described([], "Profiles and sites.",
                                  [{"label": "GitHub", "url": "https://github.com/priya"}])
    role: Role | None = described(None, "The role you hold now.",
                                  {"title": "Senior Software Engineer", "level": "L5"})
    target: Target | None = described(None, "The role you ask for.",
                                      {"title": "Staff Engineer", "level": "L6"})
    summary: str | None = described(None, "Markdown: who you are at work.",
                                    "I lead the build and release platform for 40 teams.")
    ask: str | None = described(None, "Markdown: what you ask for, and the value you will bring.",
                                "Promotion to Staff Engineer (L6) this cycle.")


class Period(Model):
    start: PartialDate = described(REQUIRED, "When it started.", "2024-11")
    end: PartialDate | None = described(None, "When it ended; leave out while it goes on.", "2025-03")

    @model_validator(mode="after")
    def end_after_start(self) -> Period:
        if self.end is not None and self.end.last_day < self.start.first_day:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start}) — swap them")
        return self


class Impact(Model):
    metric: Text = described(REQUIRED, "What was measured.", "CI build time")
    value: float | None = described(None, "A single amount; or give before and after.", 120000)
    before: float | None = described(None, "The number before your work.", 41)
    after: float | None = described(None, "The number after it.", 15)
    unit: str | None = described(None, "USD, EUR, %, h, min, ms (summed across achievements) "
                                 "or any word.", "min")
    per: str | None = described(None, "A rate's period.", "year")

    @model_validator(mode="after")
    def value_or_change(self) -> Impact:
        has_change = self.before is not None or self.after is not None
        if self.value is not None and has_change:
            raise ValueError("give either value or before/after, not both — keep the one you measured")
        if self.value is None and not has_change:
            raise ValueError("the impact has no number — add value:, or before: and after:")
        if has_change and (self.before is None or self.after is None):
            raise ValueError("before and after go together — add the missing one")
        return self


class Evidence(Model):
    title: Text = described(REQUIRED, "What the evidence is.", "Design doc")
    url: Url | None = described(None, "A link to it; or give file.", "https://example.com/doc")
    file: str | None = described(None, "A file under content/assets/; or give url.",
                                 "assets/ci-dashboard.png")

    @model_validator(mode="after")
    def url_or_file(self) -> Evidence:
        if (self.url is None) == (self.file is None):
            raise ValueError("evidence needs exactly one of url: or file: — keep one")
        return self


class Star(Model):
    situation: str | None = described(None, "Markdown: the context.", "Builds took 41 minutes.")
    task: str | None = described(None, "Markdown: what you had to do.", "Make them fast without new hardware.")
    action: str | None = described(None, "Markdown: what you did.", "Added remote caching and split the suites.")
    result: str | None = described(None, "Markdown: what changed, with numbers.", "15-minute builds, $120k a year saved.")


def featured_field() -> Any:
    return described(False, "Show it on the home page and first in lists.", True)


def draft_field() -> Any:
    return described(False, "Leave it out of builds unless `--drafts` is given.", True)


class Achievement(Model):
    id: str | None = id_field()
    title: Text = described(REQUIRED, "What you achieved, with the number if you can.",
                            "Cut CI build time by 63%")
    date: PartialDate | None = described(None, "When; or give period.", "2025-03-14")
    period: Period | None = described(None, "When, for work that took a while; or give date.",
                                      {"start": "2024-11", "end": "2025-03"})
    summary: str | None = described(None, "One line for lists and the dossier's tables.",
                                    "Remote caching and test splitting for 40 teams.")
    impact: list[Impact] = described([], "Quantified results: at least one is what makes a case.",
                                     [{"metric": "CI build time", "before": 41, "after": 15, "unit": "min"}])
    competencies: list[str] = competencies_field()
    projects: list[str] = described([], "Ids of projects this belongs to.", ["build-platform"])
    goals: list[str] = described([], "Ids of goals this advances.", ["three-regions"])
    tags: list[str] = described([], "Free words for tag pages and filters.", ["ci", "developer-productivity"])
    collaborators: list[str] = described([], "Teams or people reached beyond your own.", ["SRE", "Team Atlas"])
    evidence: list[Evidence] = described([], "Links or files that prove it.",
                                         [{"title": "Design doc", "url": "https://example.com/doc"}])
    star: Star | None = described(None, "Situation, task, action, result: the story in STAR form.",
                                  {"situation": "Builds took 41 minutes.", "result": "15 minutes."})
    visibility: Visibility = visibility_field()
    featured: bool = featured_field()
    draft: bool = draft_field()
    check: CheckSettings | None = check_field()

    @model_validator(mode="after")
    def dated(self) -> Achievement:
        if self.date is None and self.period is None:
            raise ValueError("the achievement has no date — add date: YYYY-MM-DD or period: {start: YYYY-MM}")
        if self.date is not None and self.period is not None:
            raise ValueError("give date: or period:, not both — keep one")
        return self


class Project(Model):
    id: str | None = id_field()
    title: Text = described(REQUIRED, "The project's name.", "Build platform")
    role: str | None = described(None, "Your part in it.", "Tech lead")
    period: Period | None = described(None, "When it ran.", {"start": "2024-06"})
    status: Literal["active", "done", "paused"] = described("done", "Where it stands.", "active")
    summary: str | None = described(None, "One line for lists.", "One build system for 40 teams.")
    skills: list[str] = described([], "Technologies and skills used.", ["Bazel", "Kubernetes"])
    links: list[Link] = described([], "Repositories, docs, talks.",
                                  [{"label": "Repository", "url": "https://github.com/example/build"}])
    tags: list[str] = described([], "Free words for tag pages and filters.", ["ci"])
    visibility: Visibility = visibility_field()
    featured: bool = featured_field()
    draft: bool = draft_field()
    check: CheckSettings | None = check_field()


class Certification(Model):
    id: str | None = id_field()
    name: Text = described(REQUIRED, "The certification's name.", "Certified Kubernetes Administrator")
    issuer: str | None = described(None, "Who issued it.", "CNCF")
    earned: PartialDate | None = described(None, "When you earned it.", "2024-05")
    expires: PartialDate | None = described(None, "When it expires, if it does.", "2027-05")
    credential_id: str | None = described(None, "The credential's number.", "LF-abc123")
    url: Url | None = described(None, "Where it can be verified.", "https://www.credly.com/badges/abc")
    visibility: Visibility = visibility_field()
    competencies: list[str] = competencies_field()
    check: CheckSettings | None = check_field()


class Competency(Model):
    id: Text = described(REQUIRED, "The id entries use to name it.", "technical-leadership")
    name: Text = described(REQUIRED, "Its name on the ladder.", "Technical leadership")
    expectation: str | None = described(
        None, "What the target level expects, in the ladder's words.",
        "Sets technical direction for a multi-team area and gets it adopted.")
    weight: float = described(1, "Relative importance in the coverage score.", 2, gt=0)
    check: CheckSettings | None = check_field()


class Competencies(Model):
    framework: str | None = described(None, "The career ladder's name.", "Acme Engineering Ladder")
    level: str | None = described(None, "The level these competencies describe.", "L6 — Staff Engineer")
    competencies: list[Competency] = described(
        [], "The rubric of the level targeted.",
        [{"id": "technical-leadership", "name": "Technical leadership", "weight": 2}])


class Goal(Model):
    id: str | None = id_field()
    title: Text = described(REQUIRED, "The goal, specific.", "Run the build platform in three regions")
    measure: str | None = described(None, "How you will know it is done.", "Regions serving builds")
    target: str | float | None = described(None, "The number or state to reach.", 3)
    deadline: PartialDate | None = described(None, "When it is due.", "2026-06-30")
    status: Literal["planned", "in-progress", "done", "dropped"] = described("planned", "Where it stands.",
                                                                              "in-progress")
    progress: int = described(0, "Percent done, 0 to 100.", 40, ge=0, le=100)
    competencies: list[str] = competencies_field()
    visibility: Visibility = visibility_field()
    check: CheckSettings | None = check_field()


class Feedback(Model):
    id: str | None = id_field()
    quote: Text = described(REQUIRED, "Markdown: their words.", "Priya made our builds boring, in the best way.")
    author: Text = described(REQUIRED, "Who said it.", "Marcus Webb")
    role: str | None = described(None, "Their role.", "Engineering Manager")
    relation: Literal["manager", "peer", "report", "customer", "other"] = described(
        "other", "How they know your work.", "manager")
    date: PartialDate | None = described(None, "When it was said.", "2025-06")
    source: str | None = described(None, "Where it was said, so it can be checked.", "H1 2025 review")
    competencies: list[str] = competencies_field()
    visibility: Visibility = visibility_field()
    featured: bool = described(False, "Show it first on the home page and in the dossier.", True)
    check: CheckSettings | None = check_field()


class Learning(Model):
    id: str | None = id_field()
    title: Text = described(REQUIRED, "What you studied.", "Designing Data-Intensive Applications")
    kind: Literal["course", "workshop", "book", "conference", "talk", "mentoring", "other"] = described(
        "other", "What kind of learning it was.", "book")
    provider: str | None = described(None, "Who gave it or wrote it.", "O'Reilly")
    date: PartialDate | None = described(None, "When.", "2025-02")
    hours: float | None = described(None, "Time spent, in hours.", 12, ge=0)
    url: Url | None = described(None, "A link to it.", "https://example.com/course")
    competencies: list[str] = competencies_field()
    visibility: Visibility = visibility_field()
    check: CheckSettings | None = check_field()


class ReviewPeriod(Model):
    since: PartialDate | None = described(None, "Leave out entries before this date.", "2024-01-01")
    until: PartialDate | None = described(None, "Leave out entries after this date.", "2025-12-31")


class DossierSettings(Model):
    paper: Literal["A4", "Letter"] = described("A4", "The PDF's paper size.", "Letter")
    audience: Audience = described("internal", "Who the dossier is for.", "public")
    full: int = described(12, "How many achievements the dossier tells in full (STAR form, impact, evidence): "
                          "the featured ones first, then the most quantified and broadest; the others get "
                          "one line each.", 8, ge=0)
    since: Text | None = described(None, "A git revision, such as the tag of the last review: the dossier gains a "
                                   "chapter on what changed since then.", "review-2025")


class MarkdownSettings(Model):
    allow_html: bool = described(False, "Let raw HTML through Markdown (off: it is shown as text).", True)


class Variant(Model):
    audience: Audience | None = described(None, "Who this build is for.", "internal")
    since: PartialDate | None = described(None, "Leave out entries before this date.", "2024-01-01")
    until: PartialDate | None = described(None, "Leave out entries after this date.", "2025-12-31")
    tags: list[str] = described([], "Keep only entries with one of these tags.", ["infrastructure", "ci"])
    exclude_tags: list[str] = described([], "Leave out entries with any of these tags.", ["sales"])
    theme: str | None = described(None, "A theme for this build only.", "default")
    purpose: Purpose | None = described(None, "portfolio (a showcase) or promotion (the case) for this build's "
                                        "site; default: portfolio when public, else promotion.", "portfolio")
    title: str | None = described(None, "A site title for this build only.", "Priya Raman — Platform")


class Settings(Model):
    title: str | None = described(None, "The site title; default: name — target title.",
                                  "Priya Raman — Staff Engineer")
    base_url: Url | None = described(None, "The address the site is served from, may have a sub-path; "
                                     "default: relative links.", "https://priya.example.com/career/")
    theme: str = described("default", "A built-in theme or one under themes/.", "default")
    theme_options: dict[str, Any] = described({}, "The theme's own choices (`careerfolio themes` lists them), "
                                              "e.g. an accent colour.", {"accent": "#8a3b12"})
    purpose: Purpose | None = described(None, "What the site is for: portfolio (a showcase: no ask, no gaps, no "
                                        "plan) or promotion (the case); default: portfolio when the site is "
                                        "public, else promotion. The dossier is always the promotion case.",
                                        "promotion")
    language: str = described("en", "BCP 47 tag for <html lang> and dates.", "en-GB")
    content_dir: str = described("content", "The folder of the record.", "content")
    output_dir: str = described("output", "Where builds go.", "output")
    period: ReviewPeriod = described(ReviewPeriod(), "The review window: entries outside it leave the case.",
                                     {"since": "2024-01-01"})
    dossier: DossierSettings = described(DossierSettings(), "The printable dossier.", {"paper": "Letter"})
    show_updated: bool = described(False, "Show when each achievement and project last changed, from git "
                                   "history; the sitemap uses it too.", True)
    markdown: MarkdownSettings = described(MarkdownSettings(), "How Markdown is rendered.",
                                           {"allow_html": False})
    variants: dict[str, Variant] = described({}, "Named, tailored builds: `build --variant NAME`.",
                                             {"committee": {"audience": "internal", "since": "2024-01-01"}})
    check: CheckSettings = described(CheckSettings(), "Settings of `careerfolio check`.",
                                     {"ignore": ["CF106"]})


COLLECTION_MODELS: dict[str, type[Model]] = {
    "achievements": Achievement,
    "projects": Project,
    "certifications": Certification,
    "goals": Goal,
    "feedback": Feedback,
    "learning": Learning,
}
