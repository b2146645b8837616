"""The sub-sections a ruleset may hold (SPEC §2.2), found by name.

Shared sub-sections (``minimum_wage``, ``low_income_standard``, ``average_wage``) and
the ``area`` schemes they index live in ``common.py``. A benefit's sub-sections live in a
module named after its section (``unemployment.py`` holds ``unemployment.eligibility``,
``unemployment.amount``, …) as a ``GROUP``; it is imported only when a file's section of
that name is read, so a calculation pays only for the models it touches. A benefit
defined outside the package registers its group with ``register``.

A name no module defines is a bug when code asks for it (``ProgrammingError``), and an
``unknown section`` problem when a file holds it.
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import TypeAdapter

from ...errors import ProgrammingError

_GROUP_NAME = re.compile(r"^[a-z][a-z_]*$")
_HERE = Path(__file__).parent


class Subsection:
    """One sub-section: its dotted name, its block model and how it resolves: ``dated``
    (the nearest level's block in force), ``yearly`` (the block *of* a year) or
    ``additive`` (every level's block in force, summed: README, "Additive layering").
    ``lag`` is, for a yearly one, how many years before a date's own year the figures a
    date asks for are: 1 for 上年度 figures (an average wage), 0 for a year's own scheme.
    ``optional``: a date without a block is not a gap but a rule that does not apply (a
    temporary multiple, a local threshold, 长缴多得 where a region has none)."""

    __slots__ = ("name", "model", "kind", "lag", "optional", "_adapter")

    def __init__(self, name: str, model: Any, kind: str = "dated", lag: int = 1, optional: bool = False) -> None:
        if kind not in ("dated", "yearly", "additive"):
            raise ProgrammingError(f"{name}: unknown kind {kind!r}")
        self.name, self.model, self.kind, self.lag, self.optional = name, model, kind, lag, optional
        self._adapter: TypeAdapter[Any] | None = None

    @property
    def yearly(self) -> bool:
        return self.kind == "yearly"

    @property
    def additive(self) -> bool:
        return self.kind == "additive"

    @property
    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:  # built on first use: start-up pays only for what it reads
            self._adapter = TypeAdapter(list[self.model])  # type: ignore[name-defined]
        return self._adapter

    @property
    def methods(self) -> dict[str, type]:
        """``method`` tag → block model, where blocks name a ``method`` (SPEC §2.6)."""
        out: dict[str, type] = {}
        for member in _members(self.model):
            field = member.model_fields.get("method")
            if field is not None:
                out.update({tag: member for tag in get_args(field.annotation)})
        return out


def _members(model: Any) -> list[Any]:
    """The block models of a sub-section: the members of a discriminated union, or the model."""
    if get_origin(model) is Annotated:
        model = get_args(model)[0]
    if get_origin(model) in (Union, UnionType):
        return list(get_args(model))
    return [model]


class Group:
    """The sub-sections of one section (``unemployment``), and the area schemes whose tier
    tables it holds (scheme → (sub-section, field))."""

    __slots__ = ("name", "subsections", "area_schemes")

    def __init__(self, name: str, subsections: list[Subsection],
                 area_schemes: dict[str, tuple[str, str]] | None = None) -> None:
        self.name = name
        self.subsections = {s.name: s for s in subsections}
        self.area_schemes = area_schemes or {}
        prefix = f"{name}." if name else ""
        for s in subsections:
            if not s.name.startswith(prefix) or (not name and "." in s.name):
                raise ProgrammingError(f"sub-section {s.name!r} does not belong to section {name!r}")


_REGISTERED: dict[str, Group] = {}
_LOADED: dict[str, Group | None] = {}


def register(group: Group) -> None:
    """Make a section known (a benefit defined outside the package)."""
    _REGISTERED[group.name] = group
    _REQUIRED.clear()


def unregister(name: str) -> None:
    _REGISTERED.pop(name, None)
    _REQUIRED.clear()


def common() -> Group:
    return group("") or _missing("")


def _missing(name: str) -> Group:
    raise ProgrammingError(f"no section {name!r}")


def group(name: str) -> Group | None:
    """The section of that name (``""`` for the shared top-level sub-sections), or None."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name not in _LOADED:
        module = "common" if name == "" else name
        found: Group | None = None
        if (name == "" or (_GROUP_NAME.match(name) and name != "common")) and (_HERE / f"{module}.py").is_file():
            found = import_module(f"{__name__}.{module}").GROUP
        _LOADED[name] = found
    return _LOADED[name]


def subsection(name: str) -> Subsection | None:
    """The sub-section of a dotted name (``unemployment.amount``, ``minimum_wage``), or None."""
    head, dot, _ = name.partition(".")
    g = group(head if dot else "")
    return g.subsections.get(name) if g is not None else None


def require(name: str) -> Subsection:
    """The sub-section of a name the code uses; an unknown name is a bug, not a data gap."""
    found = _REQUIRED.get(name)
    if found is None:
        found = _REQUIRED[name] = _require(name)
    return found


_REQUIRED: dict[str, Subsection] = {}


def _require(name: str) -> Subsection:
    if is_area(name):
        if name.split(".", 1)[1] not in area_schemes():
            raise ProgrammingError(f"no area scheme {name!r} is defined")
        return AREA
    found = subsection(name)
    if found is None:
        raise ProgrammingError(f"no ruleset model defines the sub-section {name!r}")
    return found


def all_groups() -> list[Group]:
    """Every section: the package's modules and the registered ones."""
    names = {""} | {p.stem for p in _HERE.glob("*.py") if p.stem not in ("common", "__init__")}
    names |= set(_REGISTERED)
    return [g for n in sorted(names) if (g := group(n)) is not None]


def all_subsections() -> dict[str, Subsection]:
    return {name: s for g in all_groups() for name, s in g.subsections.items()}


def area_schemes() -> dict[str, tuple[str, str]]:
    """scheme → (sub-section, field) of the tier table an area block of that scheme indexes."""
    return {scheme: table for g in all_groups() for scheme, table in g.area_schemes.items()}


def area_subsection(scheme: str) -> str:
    return f"area.{scheme}"


def is_area(name: str) -> bool:
    return name.startswith("area.")


def _area_model() -> Any:
    from ..schema import AreaBlock

    return AreaBlock


AREA = Subsection("area", _area_model())
