"""The words every stage shares: audiences, the collections of a record, and how ids are made.

One definition here replaces the copies that loading, validation, the case, rendering,
`new` and the command line would otherwise keep, so a new collection or audience is added
in one place. Nothing here imports another module of careerfolio.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

AUDIENCES = ("public", "internal", "private")

# Which visibilities each audience may see: an entry outside this set never enters a case.
AUDIENCE_SEES = {
    "public": frozenset({"public"}),
    "internal": frozenset({"public", "internal"}),
    "private": frozenset({"public", "internal", "private"}),
}


@dataclass(frozen=True)
class Collection:
    """One kind of entry in a record."""

    name: str  # the folder or list file: "achievements"
    noun: str  # one entry in messages: "another feedback entry"
    title: str  # the section's heading on the site
    markdown: bool  # entries may be Markdown files with a story (else YAML only)
    own_page: bool  # each entry has a page of its own (else an anchor on the section page)
    title_key: str  # the field that names an entry, for ids made from titles


COLLECTIONS = {collection.name: collection for collection in (
    Collection("achievements", "achievement", "Achievements", True, True, "title"),
    Collection("projects", "project", "Projects", True, True, "title"),
    Collection("certifications", "certification", "Certifications", False, False, "name"),
    Collection("goals", "goal", "Goals", False, False, "title"),
    Collection("feedback", "feedback entry", "Feedback", False, False, "author"),
    Collection("learning", "learning entry", "Learning", False, False, "title"),
)}

# Fields by which an entry names entries of another collection, and what they name.
REFERENCE_FIELDS = {"competencies": "competencies", "projects": "projects", "goals": "goals"}

# The headings of the site's sections, collections first.
SECTION_TITLES = {
    **{name: collection.title for name, collection in COLLECTIONS.items()},
    "competencies": "Competencies", "timeline": "Timeline", "tags": "Tags",
}

PURPOSES = ("portfolio", "promotion")

# The site's sections in the navigation's order, and what each is called, by purpose: a
# portfolio shows skills with their evidence, and no plan.
NAVIGATION = {
    "promotion": ("achievements", "projects", "competencies", "goals", "feedback", "certifications", "learning",
                  "timeline"),
    "portfolio": ("achievements", "projects", "competencies", "feedback", "certifications", "learning", "timeline"),
}
PORTFOLIO_TITLES = {"competencies": "Skills"}

YAML_SUFFIXES = (".yaml", ".yml")
SETTINGS_FILE = "careerfolio.yaml"
CARD_PATH = "social-card.png"  # the site's social card, drawn by generator.card

# Sentences `init` writes for the user to replace. Published as they are, they would tell a
# committee that the case is unfinished, so they are errors wherever they are not a draft.
PLACEHOLDERS = {
    "Replace this with two or three sentences about the work you do and why it matters.":
        "write two or three sentences about the work you do and why it matters",
    "I am asking to be promoted to **Senior Software Engineer (L5)**. Say what you have already done at "
    "that level, and what you will do next at it.":
        "say which role you ask for, what you already do at that level, and what you will do next",
    "One line that says what changed and why it mattered.":
        "write one line that says what changed and why it mattered",
    "Tell the story here in Markdown: what was hard, what you decided, and what you learned.":
        "tell the story: what was hard, what you decided, what you learned",
    "A few sentences about the project, your part in it, and what it achieved.":
        "say what the project was, your part in it, and what it achieved",
}


def placeholder_hint(text: str) -> str | None:
    """What to write instead, when `text` is still one of `init`'s placeholders; else None."""
    if len(text) < _SHORTEST_PLACEHOLDER:  # most values: spaces taken out cannot make them one
        return None
    return _PLACEHOLDER_HINTS.get(" ".join(text.split()))


def may_hold_placeholder(text: str) -> bool:
    """Whether the values written in `text` (a file's YAML or JSON) may hold a placeholder:
    however a value is written, each placeholder's longest word stands whole in the text,
    unless an escape (a backslash) spells it. Most files have none, and are not searched."""
    return "\\" in text or any(word in text for word in _PLACEHOLDER_WORDS)


_PLACEHOLDER_HINTS = {" ".join(text.split()): hint for text, hint in PLACEHOLDERS.items()}
_SHORTEST_PLACEHOLDER = min(len(text) for text in _PLACEHOLDER_HINTS)
_PLACEHOLDER_WORDS = tuple(max(text.split(), key=len) for text in _PLACEHOLDER_HINTS)

@dataclass(frozen=True)
class Reference:
    """A link from one entry to another: enough to name it and build its address."""

    collection: str
    id: str
    title: str

    @property
    def path(self) -> str:
        """Its page (or its place on its section's page), relative to the site's root."""
        return page_path(self.collection, self.id)


ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# what slugify gives back unchanged: most file names are written so
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@functools.lru_cache(maxsize=8192)  # a tag is slugged once per entry that carries it
def slugify(text: str) -> str:
    """A readable ASCII id for file names and URLs."""
    if _SLUG.fullmatch(text):
        return text
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"


def is_valid_id(identifier: str) -> bool:
    """Whether an `id:` can stand in a web address as it is."""
    return bool(ID_PATTERN.match(identifier))


def derived_id(stem: str, title: str | None) -> str:
    """The id of an entry with no `id:`: its file name, else a slug of its title."""
    return slugify(stem or title or "entry")


def page_path(collection: str, identifier: str | None = None) -> str:
    """Where an entry's or a section's page lives in the site, relative to its root."""
    if collection == "home":
        return "index.html"
    if identifier is None:
        return f"{collection}/index.html"
    if collection in COLLECTIONS and not COLLECTIONS[collection].own_page:
        return f"{collection}/index.html#{identifier}"
    return f"{collection}/{identifier}/index.html"
