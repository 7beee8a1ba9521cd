"""Make the dossier's PDF with WeasyPrint, imported only here and only when a PDF is wanted.

WeasyPrint reads only the dossier's own bytes through `MemoryFetcher`: nothing from the
network and nothing from the disk beyond the files the build produced. Evidence files are
embedded in the PDF as attachments (`rel="attachment"` links), so the packet travels whole.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import subprocess
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from generator.fonts import font_packages
from generator.render import RenderedSite

# A file: origin lets relative URLs join as usual; the fetcher still reads only memory.
ORIGIN = "file:///careerfolio-dossier/"
PANGO_HINT = ("install Pango for the PDF: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
              "(or see WeasyPrint's installation guide), then build again")


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs cannot be loaded here."""


@dataclass
class PdfWarnings(logging.Handler):
    """Collects what WeasyPrint logs as warnings: a missing font or image is only a warning there."""

    messages: list = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __hash__(self) -> int:
        return id(self)


def load_weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its friends are missing
        raise PdfUnavailable(f"WeasyPrint cannot load ({str(error).splitlines()[0][:120]})") from None
    return weasyprint


def make_pdf(dossier: RenderedSite) -> tuple[bytes, int, list[str]]:
    """The PDF of `dossier.html`, its page count, and the warnings WeasyPrint logged.

    Title, author and creation date come from the HTML head (`dcterms.created` is the
    build date, SOURCE_DATE_EPOCH when set); a fixed identifier keeps the PDF reproducible.
    """
    weasyprint = load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):
        """Serves the dossier's own files from memory and refuses every other URL."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if not url.startswith(ORIGIN):
                raise ValueError(f"the dossier may only use its own files, not {url}")
            relative = unquote(urlsplit(url).path.removeprefix(urlsplit(ORIGIN).path))
            kind = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            if relative in dossier.files:
                body = dossier.files[relative]
            elif relative in dossier.copies:
                body = dossier.copies[relative].read_bytes()
            else:
                raise ValueError(f"the dossier names a file the build did not make: {relative}")
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    handler = PdfWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=dossier.files["dossier.html"].decode("utf-8"),
                                   base_url=ORIGIN + "dossier.html", url_fetcher=MemoryFetcher())
        rendered = document.render()
        # PDF/UA-1: tagged, with a structure tree and XMP metadata, for screen readers (~7% slower)
        pdf = rendered.write_pdf(
            pdf_identifier=hashlib.sha256(dossier.files["dossier.html"]).hexdigest()[:32].encode(),
            pdf_variant="pdf/ua-1")
    finally:
        logger.removeHandler(handler)
    return date_attachments(pdf, dossier.files["dossier.html"]), len(rendered.pages), handler.messages


CREATED = re.compile(rb'<meta name="dcterms.created" content="(\d{4})-(\d{2})-(\d{2})T')
ATTACHMENT_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}Z\)")


def date_attachments(pdf: bytes, html: bytes) -> bytes:
    """The PDF with its attached evidence files dated the build date, as the PDF itself is.

    WeasyPrint dates an attachment when it reads it, so two builds of the same record would
    differ; the date is written in a fixed width, so the file's offsets stay as they are.
    """
    found = CREATED.search(html)
    if found is None:
        return pdf
    stamp = b"D:" + b"".join(found.groups()) + b"000000Z"
    dated = ATTACHMENT_DATE.sub(lambda match: b"/" + match.group(1) + b" (" + stamp + b")", pdf)
    if dated == pdf:
        return pdf
    # the file's second identifier is a digest of the bytes as first written: make it of these
    version = DOCUMENT_ID.search(dated)
    if version is None:
        return dated
    blank = dated[:version.start(1)] + b"0" * 32 + dated[version.end(1):]
    return dated[:version.start(1)] + hashlib.md5(blank, usedforsecurity=False).hexdigest().encode() + dated[version.end(1):]


DOCUMENT_ID = re.compile(rb"/ID \[\([0-9a-f]{32}\) \(([0-9a-f]{32})\)\]")



NOTDEF = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.+?)"')


def summarise_warnings(warnings: list[str]) -> list[str]:
    """WeasyPrint's warnings, each said once: characters no font covers in one line, with the
    fonts to install, and every other warning with how often it came."""
    missing: dict[str, None] = {}
    others: dict[str, int] = {}
    for warning in warnings:
        match = NOTDEF.search(warning)
        if match:
            missing.update(dict.fromkeys(match.group(1)))
        else:
            others[warning] = others.get(warning, 0) + 1
    lines = []
    if missing:
        characters = " ".join(missing)
        packages = font_packages(missing)
        noun = "character has" if len(missing) == 1 else "characters have"
        lines.append(f"{len(missing)} {noun} no font on this machine: {characters} — install a font that "
                     f"covers them, e.g. {' and '.join(packages)}, then build again")
    lines.extend(f"{warning}" + (f" (×{count})" if count > 1 else "") for warning, count in others.items())
    return lines


def fonts_digest() -> str:
    """What fonts this machine has, so a PDF made without some of them is made again once they are there."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                 timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return hashlib.sha256("\n".join(sorted(listing.splitlines())).encode()).hexdigest()
