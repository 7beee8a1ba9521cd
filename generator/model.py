"""The schema of the career record, as pydantic models.

These models are the single definition of what a user may write: validation, error
messages and (later) the JSON Schema for editors all come from them. Unknown keys are
errors (`extra="forbid"`) so a typo never silently drops data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import core_schema

Visibility = Literal["public", "internal", "private"]
Audience = Literal["public", "internal", "private"]


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
        return {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                "description": "A date to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD.",
                "examples": ["2025-03-14", "2024-11", 2023]}


SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def check_url(url: str) -> str:
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        raise ValueError(f"the link scheme '{scheme}:' is not allowed — use an https:// address")
    if not scheme and not url.startswith(("/", "#", ".")) and "." not in url.split("/")[0]:
        raise ValueError(f"'{url}' is not a web address — write it in full, e.g. https://{url}")
    return url.strip()


Url = Annotated[str, AfterValidator(check_url)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Link(Model):
    label: Text = Field(description="What the link says, e.g. GitHub.")
    url: Url = Field(description="Where it goes: an https:// address or mailto:.")


class Role(Model):
    title: Text = Field(description="Job title, e.g. Senior Software Engineer.")
    level: str | None = Field(None, description="Level on the career ladder, e.g. L5.")
    team: str | None = None
    since: PartialDate | None = None


class Target(Model):
    title: Text = Field(description="The role asked for, e.g. Staff Engineer.")
    level: str | None = Field(None, description="Its level on the ladder, e.g. L6.")


class Profile(Model):
    name: Text = Field(description="Your full name.")
    headline: str | None = None
    email: str | None = None
    location: str | None = None
    photo: str | None = Field(None, description="A picture under content/assets/.")
    links: list[Link] = []
    role: Role | None = None
    target: Target | None = None
    summary: str | None = Field(None, description="Markdown: who you are at work.")
    ask: str | None = Field(None, description="Markdown: what you ask for, and the value you will bring.")


class Period(Model):
    start: PartialDate
    end: PartialDate | None = Field(None, description="Leave out while it goes on.")

    @model_validator(mode="after")
    def end_after_start(self) -> Period:
        if self.end is not None and self.end.last_day < self.start.first_day:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start}) — swap them")
        return self


class Impact(Model):
    metric: Text = Field(description="What was measured, e.g. CI build time.")
    value: float | None = Field(None, description="A single amount, e.g. 120000.")
    before: float | None = None
    after: float | None = None
    unit: str | None = Field(None, description="USD, EUR, %, h, min, ms, or any word.")
    per: str | None = Field(None, description="A rate's period, e.g. year.")

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
    title: Text
    url: Url | None = None
    file: str | None = Field(None, description="A file under content/assets/.")

    @model_validator(mode="after")
    def url_or_file(self) -> Evidence:
        if (self.url is None) == (self.file is None):
            raise ValueError("evidence needs exactly one of url: or file: — keep one")
        return self


class Star(Model):
    situation: str | None = None
    task: str | None = None
    action: str | None = None
    result: str | None = None


class Achievement(Model):
    id: str | None = None
    title: Text
    date: PartialDate | None = None
    period: Period | None = None
    summary: str | None = None
    impact: list[Impact] = []
    competencies: list[str] = []
    projects: list[str] = []
    goals: list[str] = []
    tags: list[str] = []
    collaborators: list[str] = []
    evidence: list[Evidence] = []
    star: Star | None = None
    visibility: Visibility = "public"
    featured: bool = False
    draft: bool = False

    @model_validator(mode="after")
    def dated(self) -> Achievement:
        if self.date is None and self.period is None:
            raise ValueError("the achievement has no date — add date: YYYY-MM-DD or period: {start: YYYY-MM}")
        if self.date is not None and self.period is not None:
            raise ValueError("give date: or period:, not both — keep one")
        return self


class Project(Model):
    id: str | None = None
    title: Text
    role: str | None = None
    period: Period | None = None
    status: Literal["active", "done", "paused"] = "done"
    summary: str | None = None
    skills: list[str] = []
    links: list[Link] = []
    tags: list[str] = []
    visibility: Visibility = "public"
    featured: bool = False
    draft: bool = False


class Certification(Model):
    id: str | None = None
    name: Text
    issuer: str | None = None
    earned: PartialDate | None = None
    expires: PartialDate | None = None
    credential_id: str | None = None
    url: Url | None = None
    visibility: Visibility = "public"
    competencies: list[str] = []


class Competency(Model):
    id: Text
    name: Text
    expectation: str | None = None
    weight: float = Field(1, gt=0)


class Competencies(Model):
    framework: str | None = None
    level: str | None = None
    competencies: list[Competency] = []


class Goal(Model):
    id: str | None = None
    title: Text
    measure: str | None = None
    target: str | float | None = None
    deadline: PartialDate | None = None
    status: Literal["planned", "in-progress", "done", "dropped"] = "planned"
    progress: int = Field(0, ge=0, le=100)
    competencies: list[str] = []
    visibility: Visibility = "public"


class Feedback(Model):
    id: str | None = None
    quote: Text
    author: Text
    role: str | None = None
    relation: Literal["manager", "peer", "report", "customer", "other"] = "other"
    date: PartialDate | None = None
    source: str | None = None
    competencies: list[str] = []
    visibility: Visibility = "public"


class Learning(Model):
    id: str | None = None
    title: Text
    kind: Literal["course", "workshop", "book", "conference", "talk", "mentoring", "other"] = "other"
    provider: str | None = None
    date: PartialDate | None = None
    hours: float | None = Field(None, ge=0)
    url: Url | None = None
    competencies: list[str] = []
    visibility: Visibility = "public"


class ReviewPeriod(Model):
    since: PartialDate | None = None
    until: PartialDate | None = None


class DossierSettings(Model):
    paper: Literal["A4", "Letter"] = "A4"
    audience: Audience = "internal"


class MarkdownSettings(Model):
    allow_html: bool = False


class Variant(Model):
    audience: Audience | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    tags: list[str] = []
    exclude_tags: list[str] = []
    theme: str | None = None
    title: str | None = None


class Settings(Model):
    title: str | None = None
    base_url: Url | None = None
    theme: str = "default"
    language: str = "en"
    content_dir: str = "content"
    output_dir: str = "output"
    period: ReviewPeriod = ReviewPeriod()
    dossier: DossierSettings = DossierSettings()
    markdown: MarkdownSettings = MarkdownSettings()
    variants: dict[str, Variant] = {}


COLLECTION_MODELS: dict[str, type[Model]] = {
    "achievements": Achievement,
    "projects": Project,
    "certifications": Certification,
    "goals": Goal,
    "feedback": Feedback,
    "learning": Learning,
}
