"""HTML printed to PDF by WeasyPrint, with nothing loaded from outside the document.

Its own module so that WeasyPrint (Pango through cffi: about a second to import) is loaded
only when a report is printed, not on every start of the terminal program or the server.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class RefusedFetchError(ValueError):
    """The report tried to load something from outside itself."""


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher, allowed inline ``data:`` URLs only: health data never makes a
    request, and a stray link in a template cannot reach the network or the disk."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise RefusedFetchError(f"the report loads nothing from outside itself: {url}")
        return super().fetch(url, headers)


def print_pdf(html: str) -> bytes:
    """``html`` (a self-contained document) as PDF bytes."""
    pdf: bytes = HTML(string=html, url_fetcher=LocalOnlyFetcher()).write_pdf()
    return pdf
