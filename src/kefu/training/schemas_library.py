"""django-ninja schemas of /api/v1/training's library structure (TRN-1, TRN-2): knowledge
modules and series (the micro-course programmes)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from kefu.core.inputs import Id

LibraryAction = Literal["archive", "restore"]
Version = Field(..., ge=1, le=2**31 - 1)


class ModuleIn(Schema):
    name: str = Field(..., max_length=100)
    parent: Id | None = None
    position: int = Field(0, ge=0, le=999)


class ModulePatchIn(Schema):
    """Rename, move (``parent``; null for top level) or reorder (``position``); a field left out
    keeps its value."""

    version: int = Version
    name: str | None = Field(None, max_length=100)
    parent: Id | None = None
    position: int | None = Field(None, ge=0, le=999)


class ModuleOut(Schema):
    id: int
    name: str
    parent: int | None
    parent_name: str | None
    position: int
    archived: bool
    courses: int
    published: int
    version: int


class ModulePageOut(Schema):
    items: list[ModuleOut]
    next: str | None


class SeriesIn(Schema):
    name: str = Field(..., max_length=100)
    module: Id


class SeriesPatchIn(Schema):
    """Rename or move to another ``module`` (its courses move along); a field left out keeps
    its value."""

    version: int = Version
    name: str | None = Field(None, max_length=100)
    module: Id | None = None


class SeriesOut(Schema):
    id: int
    name: str
    module: int
    module_name: str
    archived: bool
    courses: int
    published: int
    version: int


class SeriesPageOut(Schema):
    items: list[SeriesOut]
    next: str | None


class LibraryActIn(Schema):
    version: int = Version
