"""A PDF read back as a person would read it: poppler's ``pdftotext``, page by page."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader


def poppler_tool(name: str) -> str:
    """The path of a poppler-utils program; FAILS (not skips) when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (see README)")
    return path


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, laid out as printed."""
    out = subprocess.run(
        [poppler_tool("pdftotext"), "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [page for page in out.split("\f") if page.strip()]


def flat(text: str) -> str:
    """Text with every run of white space as one space (a table cell may wrap)."""
    return re.sub(r"\s+", " ", text)


def page_size_pt(pdf: bytes) -> tuple[int, int]:
    """The first page's width and height in points."""
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))
