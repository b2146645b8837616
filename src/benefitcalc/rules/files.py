"""One ruleset file: read, checked for shape, its sub-sections validated on first use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InvalidRulesetError, Problem
from ..record import Record
from .io import read_toml, sha256_of
from .schema import (
    AreaBlock,
    Block,
    BracketRow,
    Brackets,
    DatedBlock,
    Defaults,
    DistrictTier,
    Meta,
    Param,
    Provenance,
    Source,
    YearlyBlock,
    worst,
)
from .sections import AREA, SUBSECTIONS, area_subsection

_BLOCK_FIELDS = frozenset(DatedBlock.model_fields) | frozenset(YearlyBlock.model_fields)


def _loc_path(prefix: str, loc: tuple[Any, ...], raw: list[Any]) -> str:
    """A readable key path from a pydantic error location inside a list of blocks."""
    if not loc or not isinstance(loc[0], int):
        return prefix
    index, rest = loc[0], list(loc[1:])
    block = raw[index] if index < len(raw) and isinstance(raw[index], dict) else {}
    if rest and isinstance(block.get("method"), str) and rest[0] == block["method"]:
        rest = rest[1:]  # the discriminated union's tag adds nothing for a reader
    path = f"{prefix}[{block_label(block, index)}]"
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def block_label(block: dict[str, Any] | BaseModel, index: int) -> str:
    get = block.get if isinstance(block, dict) else (lambda k: getattr(block, k, None))
    if get("since") is not None:
        return f"since={get('since')}"
    if get("year") is not None:
        return f"year={get('year')}"
    return f"#{index + 1}"


def _problems(file: str, prefix: str, exc: ValidationError, raw: Any) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        if isinstance(raw, list):
            path = _loc_path(prefix, loc, raw)
        else:
            path = ".".join([prefix, *(str(p) for p in loc)]) if prefix else ".".join(map(str, loc))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        out.append(Problem(file, path, msg))
    return out


class ValueRecord(Record):
    """One parameter of a block, flattened for display, coverage and warnings: path,
    value, source (unqualified: the value's own or its block's), confidence, note."""

    __slots__ = ("path", "value", "source", "confidence", "note")


class RulesetFile:
    """A ruleset file whose meta and sources are valid; sub-sections validate lazily."""

    def __init__(self, path: Path, name: str, doc: dict[str, Any], meta: Meta,
                 sources: dict[str, Source], raw: dict[str, list[Any]], sha256: str,
                 trusted: bool = False) -> None:
        self.path, self.name, self.doc = path, name, doc
        self.meta, self.sources, self.raw = meta, sources, raw
        self.sha256 = sha256
        #: validated before (its hash is in the MANIFEST): models are built without re-validation
        self.trusted = trusted
        self._blocks: dict[str, tuple[Any, ...]] = {}
        self._raw_of: dict[int, dict[str, Any]] = {}
        self.defaults: Defaults | None = None

    @property
    def region(self) -> str:
        return self.meta.region

    @classmethod
    def load(cls, path: Path, name: str, known_sha256: str | None = None) -> RulesetFile:
        return cls.from_document(read_toml(path, name), path, name, known_sha256)

    @classmethod
    def from_document(cls, doc: dict[str, Any], path: Path, name: str,
                      known_sha256: str | None = None) -> RulesetFile:
        """Validate a parsed file; ``known_sha256`` (its MANIFEST entry) skips re-validation
        when the file still hashes to it."""
        sha = sha256_of(doc)
        trusted = known_sha256 == sha
        if trusted:
            return cls._trusted(doc, path, name, sha)
        problems: list[Problem] = []
        meta = None
        try:
            meta = Meta.model_validate(doc.get("meta", {}))
        except ValidationError as exc:
            problems += _problems(name, "meta", exc, None)
        sources: dict[str, Source] = {}
        raw_sources = doc.get("sources", {})
        if not isinstance(raw_sources, dict):
            problems.append(Problem(name, "sources", "must be a table of [sources.<id>] tables"))
            raw_sources = {}
        for sid, value in raw_sources.items():
            try:
                sources[sid] = Source.model_validate(value)
            except ValidationError as exc:
                problems += _problems(name, f"sources.{sid}", exc, None)
        defaults = None
        if "defaults" in doc:
            try:
                defaults = Defaults.model_validate(doc["defaults"])
            except ValidationError as exc:
                problems += _problems(name, "defaults", exc, None)
        raw, shape = cls._split(doc)
        problems += [Problem(name, path, msg) for path, msg in shape]
        if problems or meta is None:
            raise InvalidRulesetError(problems)
        f = cls(path, name, doc, meta, sources, raw, sha)
        f.defaults = defaults
        return f

    @classmethod
    def _trusted(cls, doc: dict[str, Any], path: Path, name: str, sha: str) -> RulesetFile:
        from .construct import construct

        sources = {k: construct(Source, v) for k, v in doc.get("sources", {}).items()}
        raw, _ = cls._split(doc)
        f = cls(path, name, doc, construct(Meta, doc["meta"]), sources, raw, sha, trusted=True)
        if "defaults" in doc:
            f.defaults = construct(Defaults, doc["defaults"])
        return f

    @staticmethod
    def _split(doc: dict[str, Any]) -> tuple[dict[str, list[Any]], list[tuple[str, str]]]:
        """Sort the top-level keys into sub-sections; report keys that are none."""
        raw: dict[str, list[Any]] = {}
        shape: list[tuple[str, str]] = []
        groups = {name.split(".")[0] for name in SUBSECTIONS if "." in name}

        def take(name: str, value: Any) -> None:
            if isinstance(value, list) and all(isinstance(b, dict) for b in value):
                raw[name] = value
            else:
                shape.append((name, f"must be an array of tables ([[{name}]])"))

        for key, value in doc.items():
            if key in ("meta", "sources", "defaults"):
                continue
            if key == "area" or key in SUBSECTIONS:
                take(key, value)
            elif key in groups and isinstance(value, dict):
                for sub, blocks in value.items():
                    name = f"{key}.{sub}"
                    if name in SUBSECTIONS:
                        take(name, blocks)
                    else:
                        known = sorted(n for n in SUBSECTIONS if n.startswith(key + "."))
                        shape.append((name, f"unknown sub-section (known: {', '.join(known)})"))
            else:
                shape.append((key, "unknown section"))
        return raw, shape

    # -- sub-sections ---------------------------------------------------------------

    @property
    def subsections(self) -> list[str]:
        names = [n for n in self.raw if n != "area"]
        if "area" in self.raw:
            names += sorted({area_subsection(b.get("scheme", "?")) for b in self.raw["area"]})
        return names

    def blocks(self, subsection: str) -> tuple[Any, ...]:
        """The validated blocks of a sub-section, in date or year order (empty if none)."""
        if subsection not in self._blocks:
            if subsection == "area" or subsection.startswith("area."):
                areas = self._validated("area", AREA)
                self._blocks["area"] = areas
                for name in {area_subsection(b.scheme) for b in areas}:
                    self._blocks[name] = tuple(b for b in areas if area_subsection(b.scheme) == name)
                self._blocks.setdefault(subsection, ())
            elif subsection in self.raw:
                self._blocks[subsection] = self._validated(subsection, SUBSECTIONS[subsection])
            else:
                self._blocks[subsection] = ()
        return self._blocks[subsection]

    def _validated(self, name: str, spec: Any) -> tuple[Any, ...]:
        raw = self.raw.get(name, [])
        if self.trusted:
            from .construct import construct

            blocks = [construct(spec.model, b) for b in raw]
        else:
            try:
                blocks = spec.adapter.validate_python(raw)
            except ValidationError as exc:
                raise InvalidRulesetError(_problems(self.name, name, exc, raw)) from None
        for block, data in zip(blocks, raw, strict=True):
            self._raw_of[id(block)] = data
        if spec.yearly:
            blocks.sort(key=lambda b: (b.year, b.series))
            seen: set[tuple[int, str]] = set()
            for b in blocks:
                if (b.year, b.series) in seen:
                    raise InvalidRulesetError([Problem(self.name, f"{name}[year={b.year}]",
                                                       "two blocks for the same year")])
                seen.add((b.year, b.series))
            return tuple(blocks)
        groups: dict[str, list[Any]] = {}
        for b in blocks:
            groups.setdefault(getattr(b, "scheme", "") if name == "area" else "", []).append(b)
        problems = []
        for group in groups.values():
            group.sort(key=lambda b: b.since)
            for a, b in zip(group, group[1:], strict=False):
                where = f"{name}[since={b.since}]"
                if a.since == b.since:
                    problems.append(Problem(self.name, where, "two blocks start on the same day"))
                elif a.until is not None and a.until >= b.since:
                    problems.append(Problem(self.name, f"{name}[since={a.since}].until",
                                            f"until {a.until} is on or after the next block's "
                                            f"since {b.since}: overlapping blocks"))
        if problems:
            raise InvalidRulesetError(problems)
        return tuple(sorted(blocks, key=lambda b: b.since))

    def document(self) -> dict[str, Any]:
        """The validated file as TOML-ready data in its shortest form (for writing back)."""
        doc: dict[str, Any] = {"meta": _short(self.meta.model_dump(exclude_defaults=True))}
        if self.defaults is not None:
            doc["defaults"] = _short(self.defaults.model_dump(exclude_defaults=True))
        if self.sources:
            doc["sources"] = {k: _short(v.model_dump(exclude_defaults=True)) for k, v in self.sources.items()}
        for name in self.raw:
            blocks = [_short(b.model_dump(by_alias=True, exclude_defaults=True)) for b in self.blocks(name)]
            head, _, tail = name.partition(".")
            if tail:
                doc.setdefault(head, {})[tail] = blocks
            else:
                doc[name] = blocks
        return doc

    def raw_of(self, block: Any) -> dict[str, Any]:
        """The TOML data a validated block was made from."""
        return self._raw_of[id(block)]

    def problems(self) -> list[Problem]:
        """Validate every sub-section; every problem, not just the first."""
        out: list[Problem] = []
        names = list(self.raw)
        for name in names:
            try:
                self.blocks(name)
            except InvalidRulesetError as exc:
                out += exc.problems
        return out


def _short(value: Any) -> Any:
    """Collapse ``{value = x}`` and ``{tier = t}`` to ``x`` and ``t``; tuples to lists."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("value", "tier"):
            return _short(next(iter(value.values())))
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_short(v) for v in value]
    return value


def block_end(blocks: tuple[DatedBlock, ...], i: int) -> dt.date | None:
    """Last day block i is in force: its ``until``, else the day before the next ``since``."""
    block = blocks[i]
    if block.until is not None:
        return block.until
    if i + 1 < len(blocks):
        return blocks[i + 1].since - dt.timedelta(days=1)
    return None


def in_force(blocks: tuple[DatedBlock, ...], on: dt.date) -> int | None:
    """Index of the block in force on a date, or None."""
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].since <= on:
            end = block_end(blocks, i)
            return i if end is None or on <= end else None
    return None


def iter_values(block: Block) -> Iterator[ValueRecord]:
    """Every parameter of a block with its effective source and confidence."""
    yield from _walk(block, "", block)


def _record(path: str, value: Decimal | str, prov: Provenance, block: Block) -> ValueRecord:
    return ValueRecord(path, value, prov.source or block.source,
                       worst(prov.confidence, block.confidence), prov.note or
                       (block.note if block.confidence != "confirmed" else ""))


def _walk(node: Any, path: str, block: Block) -> Iterator[ValueRecord]:
    if isinstance(node, Param):
        yield _record(path, node.value, node, block)
    elif isinstance(node, DistrictTier):
        yield _record(path, node.tier, node, block)
    elif isinstance(node, Brackets):
        for row in node.rows:
            yield from _walk(row, f"{path}[{row.lower}-{'' if row.upper is None else row.upper}]",
                             block)
    elif isinstance(node, BracketRow):
        yield _record(path, node.value, node, block)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else key, block)
    elif isinstance(node, tuple):
        for i, value in enumerate(node):
            key = getattr(value, "id", i)
            yield from _walk(value, f"{path}.{key}", block)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if node is block and name in _BLOCK_FIELDS:
                continue
            if isinstance(node, AreaBlock) and name in ("core", "unsourced"):
                continue
            yield from _walk(getattr(node, name), f"{path}.{name}" if path else name, block)
