"""Make the dossier's PDF with WeasyPrint, imported only here and only when a PDF is wanted.

WeasyPrint reads only the dossier's own bytes through `serve_from_memory`: nothing from the
network and nothing from the disk beyond the files the build produced.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

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
    return pdf, len(rendered.pages), handler.messages

