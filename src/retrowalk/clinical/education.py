"""Short education pages for walkers, as content: one TOML file per page in ``education/``.

Each page is about one phone screen, in plain words, and names its sources (evidence keys of
:mod:`retrowalk.clinical.evidence`; a page built on retrowalk's own rules says "policy").
The files are read once, at import, and checked like the exercises: an unknown field, an
unknown source or a page longer than a phone screen's worth of text stops the import with a
:class:`~retrowalk.clinical.content_files.ContentFileError` naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from retrowalk.clinical.content_files import ContentFileError, load_content
from retrowalk.clinical.evidence import CATALOGUE
from retrowalk.clinical.prescription import KneeCondition

WORDS_MAX: Final[int] = 260
"""About one phone screen of plain text (390 px wide, large type): a page longer than this
is split, not squeezed."""

Line = Annotated[str, Field(min_length=3, max_length=400)]


class _Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Section(_Content):
    """A heading with a few short paragraphs or points."""

    heading: Annotated[str, Field(min_length=3, max_length=80)]
    paragraphs: tuple[Line, ...] = ()
    points: tuple[Line, ...] = ()
    tone: Annotated[str, Field(pattern=r"^(plain|green|amber|red)$")] = "plain"
    """``green``/``amber``/``red`` draw the section as a traffic-light band."""


class Page(_Content):
    """One education page."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
    title: Annotated[str, Field(min_length=3, max_length=80)]
    summary: Line
    """One sentence: what the page tells, shown in the list of pages."""
    conditions: Annotated[tuple[KneeCondition, ...], Field(min_length=1)]
    order: Annotated[int, Field(ge=1, le=99)]
    sections: Annotated[tuple[Section, ...], Field(min_length=1, max_length=5)]
    sources: tuple[str, ...] = ()
    source_note: Line | None = None
    """How the sources apply (for example: from another condition), in plain words."""
    policy: bool = False
    """True when (part of) the page is retrowalk's own rule rather than a source's."""

    @model_validator(mode="after")
    def _short_enough(self) -> Page:
        words = self.words()
        if words > WORDS_MAX:
            raise ValueError(f"has {words} words; a page holds at most {WORDS_MAX} (split it)")
        return self

    def words(self) -> int:
        """How many words the page's text holds (summary, paragraphs and points)."""
        return sum(
            len(t.split())
            for t in (self.summary, *(x for s in self.sections for x in (*s.paragraphs, *s.points)))
        )


def load_pages(folder: Traversable) -> dict[str, Page]:
    """Every ``<key>.toml`` of ``folder``, checked, by key, in reading order."""
    pages: list[Page] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if not item.name.endswith(".toml"):
            continue
        source = f"retrowalk/clinical/education/{item.name}"
        page = load_content(Page, item.read_text(encoding="utf-8"), source)
        if f"{page.key}.toml" != item.name:
            raise ContentFileError(
                source, [f"field 'key': {page.key!r} must be the file's name without .toml"]
            )
        unknown = [k for k in page.sources if k not in CATALOGUE]
        if unknown:
            raise ContentFileError(
                source,
                [f"field 'sources': {k!r} is not the key of an evidence entry" for k in unknown],
            )
        pages.append(page)
    return {p.key: p for p in sorted(pages, key=lambda p: (p.order, p.key))}


PAGES: Final[Mapping[str, Page]] = MappingProxyType(
    load_pages(files("retrowalk.clinical").joinpath("education"))
)
"""Every education page by key, in reading order."""


def pages_for(condition: KneeCondition | str | None) -> tuple[Page, ...]:
    """The pages for one knee condition (every page when none is given), in reading order."""
    if condition is None:
        return tuple(PAGES.values())
    wanted = KneeCondition(condition)
    return tuple(p for p in PAGES.values() if wanted in p.conditions)
