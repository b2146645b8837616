"""One ruleset file: read, validated (or, for the sealed shipped tree, constructed), its
blocks ordered, and its hashes.

Two ways in, giving the same models (``construct.py`` says why):
- ``validated``: every part of the file is checked by the pydantic models and every
  problem is reported at once. Used for any tree a user points at, and by ``rulesets check``.
- ``trusted``: a file of the shipped package tree whose bytes are listed in the sealed
  MANIFEST; its sub-sections are built on first use without pydantic's schema build.

``file_sha256`` is the sha256 of the validated file as canonical JSON (SPEC §2.8): every
field of every model, defaults included, sorted keys, ISO dates, Decimals in fixed point.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InvalidRulesetError, Problem, ProgrammingError
from ..notices import worst
from ..validation import message
from .io import canonical_json, decode_toml, read_bytes, sha256_bytes, sha256_text
from .schema import Block, Defaults, Meta, Source
from .sections import AREA, Subsection, area_schemes, area_subsection, group, is_area, subsection
from .values import ValueRecord, iter_values

DAY = dt.timedelta(days=1)
_TOP = ("meta", "sources", "defaults")


def block_label(block: dict[str, Any] | BaseModel, index: int) -> str:
    get: Callable[[str], Any] = block.get if isinstance(block, dict) else (lambda k: getattr(block, k, None))
    if get("since") is not None:
        return f"since={get('since')}"
    if get("year") is not None:
        return f"year={get('year')}"
    return f"#{index + 1}"


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


def problems_of(file: str, prefix: str, exc: ValidationError, raw: Any) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        if isinstance(raw, list):
            path = _loc_path(prefix, loc, raw)
        else:
            path = ".".join([prefix, *(str(p) for p in loc)]) if prefix else ".".join(map(str, loc))
        msg, zh = message(err)
        if err["type"] == "extra_forbidden":
            msg, zh = "unknown key", "未知的键"
        out.append(Problem(file, path, msg, zh=zh))
    return out


class RulesetFile:
    """A ruleset file: meta, sources, defaults and its blocks by sub-section."""

    def __init__(self, path: Path, name: str, meta: Meta, sources: dict[str, Source],
                 defaults: Defaults | None, raw: dict[str, list[Any]], bytes_sha256: str) -> None:
        self.path, self.name = path, name
        self.meta, self.sources, self.defaults = meta, sources, defaults
        #: the TOML data of each sub-section's blocks (``area.<scheme>`` split out)
        self.raw = raw
        self.bytes_sha256 = bytes_sha256
        self._file_sha256 = ""
        #: built without validation from a sealed MANIFEST entry (see the module docstring)
        self.trusted = False
        self._blocks: dict[str, tuple[Any, ...]] = {}
        self._starts: dict[str, list[dt.date]] = {}
        self._texts: dict[tuple[str, int], str] = {}
        self._values: dict[tuple[str, int], tuple[ValueRecord, ...]] = {}
        self._status: dict[tuple[str, int], str] = {}
        self._years: dict[str, dict[int, dict[str, int]]] = {}
        #: (sub-section, position) → the block's reference, made once (``InForce.ref``)
        self.refs: dict[tuple[str, int], Any] = {}
        #: (sub-section, position, path) → what reading that value cites and warns (``Rules``)
        self.facts: dict[tuple[str, int, str], Any] = {}
        #: (sub-section, position, parts) → the value there, its provenance and its path (``Rules.read``)
        self.reads: dict[tuple[str, int, tuple[str, ...]], Any] = {}
        #: (sub-section, position) → the block's key and the note of a declared gap (``Rules._use``)
        self.uses: dict[tuple[str, int], tuple[tuple[str, str, int], str | None]] = {}

    @property
    def region(self) -> str:
        return self.meta.region

    @property
    def file_sha256(self) -> str:
        """The sha256 of the validated file as canonical JSON (computed on first use; for a
        sealed file, the MANIFEST's entry)."""
        if not self._file_sha256:
            self._file_sha256 = sha256_text(self.canonical())
        return self._file_sha256

    # -- loading ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, root: Path, name: str, sealed: tuple[str, str] | None = None) -> RulesetFile:
        """Read and validate a file inside ``root``. ``sealed`` = (bytes_sha256,
        file_sha256) from a sealed MANIFEST: when the bytes match, the file is trusted."""
        raw = read_bytes(path, root, name)
        digest = sha256_bytes(raw)
        if sealed is not None and sealed[0] == digest:
            try:
                return cls._trusted(decode_toml(raw, name, check_numbers=False), path, name, digest, sealed[1])
            except Exception:  # noqa: BLE001 - anything unexpected: validate in full instead
                pass
        return cls.from_document(decode_toml(raw, name), path, name, digest)

    @classmethod
    def _trusted(cls, doc: dict[str, Any], path: Path, name: str, digest: str, file_sha256: str) -> RulesetFile:
        from .construct import Untrusted, construct

        sources = {k: construct(Source, v) for k, v in doc.get("sources", {}).items()}
        defaults = construct(Defaults, doc["defaults"]) if "defaults" in doc else None
        raw, shape = _split(doc)  # the names, as validation checks them
        if shape:
            raise Untrusted("a name no model defines")
        f = cls(path, name, construct(Meta, doc["meta"]), sources, defaults, raw, digest)
        f.trusted, f._file_sha256 = True, file_sha256
        return f

    @classmethod
    def from_document(cls, doc: dict[str, Any], path: Path, name: str, digest: str = "") -> RulesetFile:
        """Validate a parsed file in full; every problem is reported at once."""
        problems: list[Problem] = []
        meta = None
        try:
            meta = Meta.model_validate(doc.get("meta", {}))
        except ValidationError as exc:
            problems += problems_of(name, "meta", exc, None)
        sources: dict[str, Source] = {}
        raw_sources = doc.get("sources", {})
        if not isinstance(raw_sources, dict):
            problems.append(Problem(name, "sources", "must be a table of [sources.<id>] tables",
                                    zh="须为由 [sources.<id>] 表组成的表"))
            raw_sources = {}
        for sid, value in raw_sources.items():
            try:
                sources[sid] = Source.model_validate(value)
            except ValidationError as exc:
                problems += problems_of(name, f"sources.{sid}", exc, None)
        defaults = None
        if "defaults" in doc:
            try:
                defaults = Defaults.model_validate(doc["defaults"])
            except ValidationError as exc:
                problems += problems_of(name, "defaults", exc, None)
        raw, shape = _split(doc)
        problems += [Problem(name, p, en, zh=zh) for p, en, zh in shape]
        f = cls(path, name, meta, sources, defaults, raw, digest)  # type: ignore[arg-type]
        for sub in raw:
            try:
                f.blocks(sub)
            except InvalidRulesetError as exc:
                problems += exc.problems
        if problems or meta is None:
            raise InvalidRulesetError(problems)
        return f

    # -- blocks ------------------------------------------------------------------------

    @property
    def subsections(self) -> list[str]:
        return list(self.raw)

    def spec(self, name: str) -> Subsection:
        found = AREA if is_area(name) else subsection(name)
        if found is None:  # only a validated file can hold a name; code asking for one is checked above
            raise InvalidRulesetError([Problem(self.name, name, "unknown sub-section", zh="未知的子节")])
        return found

    def mentions_year(self, name: str, year: int) -> bool:
        """Whether the file holds a yearly block of ``year`` in ``name``, read from the raw
        data without building the section's models (a cheap test before a costly read)."""
        return any(isinstance(b, dict) and b.get("year") == year for b in self.raw.get(name, ()))

    def blocks(self, name: str) -> tuple[Any, ...]:
        """The blocks of a sub-section in date or year order (empty if none)."""
        if name not in self._blocks:
            raw = self.raw.get(name)
            self._blocks[name] = () if raw is None else self._build(name, raw)
        return self._blocks[name]

    def _build(self, name: str, raw: list[Any]) -> tuple[Any, ...]:
        spec = self.spec(name)
        prefix = "area" if is_area(name) else name
        blocks = None
        if self.trusted:
            from .construct import construct

            try:
                blocks = [construct(spec.model, b) for b in raw]
            except Exception:  # noqa: BLE001 - not what validation accepts: validate it, for the problem's path
                blocks = None
        if blocks is None:
            try:
                blocks = list(spec.adapter.validate_python(raw))
            except ValidationError as exc:
                raise InvalidRulesetError(problems_of(self.name, prefix, exc, raw)) from None
        return order_blocks(self.name, prefix, spec, blocks)

    def starts(self, name: str) -> list[dt.date]:
        if name not in self._starts:
            self._starts[name] = [b.since for b in self.blocks(name)]
        return self._starts[name]

    def end(self, name: str, i: int) -> dt.date | None:
        """Last day block i is in force: its ``until``, else the day before the next ``since``."""
        blocks = self.blocks(name)
        block = blocks[i]
        if block.until is not None:
            return block.until
        if i + 1 < len(blocks):
            return blocks[i + 1].since - DAY
        return None

    def in_force(self, name: str, on: dt.date) -> int | None:
        """Index of the dated block in force on a date, or None (a binary search)."""
        i = bisect_right(self.starts(name), on) - 1
        if i < 0:
            return None
        end = self.end(name, i)
        return i if end is None or on <= end else None

    def of_year(self, name: str, year: int, series: str | None = None) -> int | None:
        """Index of the yearly block of ``year`` (in ``series``); a year held in several
        series needs the series named (asking without one is a bug in the calculation)."""
        if name not in self._years:
            index: dict[int, dict[str, int]] = {}
            for i, b in enumerate(self.blocks(name)):
                index.setdefault(b.year, {})[b.series] = i
            self._years[name] = index
        found = self._years[name].get(year, {})
        if series is not None:
            return found.get(series)
        if len(found) > 1:
            raise ProgrammingError(f"{self.name}: {name} has several series for {year} "
                                   f"({', '.join(sorted(found))}): the calculation must name one")
        return next(iter(found.values()), None)

    # -- hashes ------------------------------------------------------------------------

    def block_text(self, name: str, i: int) -> str:
        """The canonical JSON of one validated block (what ``resolved_sha256`` hashes)."""
        key = (name, i)
        if key not in self._texts:
            self._texts[key] = canonical_json(self.blocks(name)[i])
        return self._texts[key]

    def defaults_text(self) -> str:
        return canonical_json(self.defaults)

    def canonical(self) -> str:
        """The whole validated file as canonical JSON."""
        return canonical_json({"meta": self.meta, "sources": self.sources, "defaults": self.defaults,
                               "blocks": {name: self.blocks(name) for name in sorted(self.raw)}})

    def values(self, name: str, i: int) -> tuple[ValueRecord, ...]:
        """Every parameter of block i, with its effective source and confidence (cached)."""
        key = (name, i)
        if key not in self._values:
            self._values[key] = tuple(iter_values(self.blocks(name)[i]))
        return self._values[key]

    def status(self, name: str, i: int) -> str:
        """The least certain confidence of block i and its values (coverage's status)."""
        key = (name, i)
        if key not in self._status:
            block = self.blocks(name)[i]
            self._status[key] = worst(block.confidence, *(v.confidence for v in self.values(name, i)))
        return self._status[key]

    def document(self) -> dict[str, Any]:
        """The validated file as TOML-ready data in its shortest form (for writing back)."""
        doc: dict[str, Any] = {"meta": _short(self.meta.model_dump(exclude_defaults=True))}
        if self.defaults is not None:
            doc["defaults"] = _short(self.defaults.model_dump(exclude_defaults=True))
        if self.sources:
            doc["sources"] = {k: _short(v.model_dump(exclude_defaults=True)) for k, v in self.sources.items()}
        for name in self.raw:
            blocks = [_short(b.model_dump(by_alias=True, exclude_defaults=True)) for b in self.blocks(name)]
            if is_area(name):
                doc.setdefault("area", []).extend(blocks)
                continue
            head, _, tail = name.partition(".")
            if tail:
                doc.setdefault(head, {})[tail] = blocks
            else:
                doc[name] = blocks
        return doc


def _split(doc: dict[str, Any]) -> tuple[dict[str, list[Any]], list[tuple[str, str, str]]]:
    """Sort the top-level keys into sub-sections; report keys that are none (key path,
    English, Chinese)."""
    raw: dict[str, list[Any]] = {}
    shape: list[tuple[str, str, str]] = []
    common = group("")
    shared = common.subsections if common else {}

    def blocks_of(name: str, value: Any) -> list[Any] | None:
        if isinstance(value, list) and all(isinstance(b, dict) for b in value):
            return value
        shape.append((name, f"must be an array of tables ([[{name}]])", f"须为表数组（[[{name}]]）"))
        return None

    for key, value in doc.items():
        if key in _TOP:
            continue
        if key == "area":
            areas = blocks_of(key, value)
            schemes = area_schemes()
            for i, b in enumerate(areas or []):
                scheme = b.get("scheme")
                if scheme not in schemes:
                    shape.append((f"area[{block_label(b, i)}].scheme",
                                  f"{scheme!r} is not an area scheme (known: {', '.join(sorted(schemes))})",
                                  f"{scheme!r} 不是已定义的地区分档方案（已知：{'、'.join(sorted(schemes))}）"))
                    continue
                raw.setdefault(area_subsection(scheme), []).append(b)
        elif key in shared:
            if (blocks := blocks_of(key, value)) is not None:
                raw[key] = blocks
        elif (g := group(key)) is not None and key != "" and isinstance(value, dict):
            for sub, sub_blocks in value.items():
                name = f"{key}.{sub}"
                if name not in g.subsections:
                    shape.append((name, f"unknown sub-section (known: {', '.join(sorted(g.subsections))})",
                                  f"未知的子节（已知：{'、'.join(sorted(g.subsections))}）"))
                elif (blocks := blocks_of(name, sub_blocks)) is not None:
                    raw[name] = blocks
        else:
            shape.append((key, "unknown section", "未知的节"))
    return raw, shape


def order_blocks(file: str, prefix: str, spec: Subsection, blocks: list[Any]) -> tuple[Any, ...]:
    """Blocks sorted by year or date; two blocks for one year or day, or overlapping
    blocks, are problems."""
    problems = []
    if spec.yearly:
        blocks.sort(key=lambda b: (b.year, b.series))
        for a, b in zip(blocks, blocks[1:], strict=False):
            if (a.year, a.series) == (b.year, b.series):
                problems.append(Problem(file, f"{prefix}[year={b.year}]", "two blocks for the same year",
                                        zh="同一年份有两个规则块"))
    else:
        blocks.sort(key=lambda b: b.since)
        for a, b in zip(blocks, blocks[1:], strict=False):
            if a.since == b.since:
                problems.append(Problem(file, f"{prefix}[since={b.since}]", "two blocks start on the same day",
                                        zh="两个规则块的 since 是同一天"))
            elif a.until is not None and a.until >= b.since:
                problems.append(Problem(file, f"{prefix}[since={a.since}].until",
                                        f"until {a.until} is on or after the next block's since {b.since}: "
                                        "overlapping blocks",
                                        zh=f"until {a.until} 不早于下一规则块的 since {b.since}：规则块重叠"))
    if problems:
        raise InvalidRulesetError(problems)
    return tuple(blocks)


def _short(value: Any) -> Any:
    """Collapse ``{value = x}`` and ``{tier = t}`` to ``x`` and ``t``; tuples to lists."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("value", "tier"):
            return _short(next(iter(value.values())))
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_short(v) for v in value]
    return value


__all__ = ["Block", "DAY", "RulesetFile", "block_label", "order_blocks", "problems_of"]
