"""Resolution (SPEC §2.2): region → parent → … → national, date by date, per sub-section.

``resolve(tree, region, date)`` gives a ``Resolved``: for each dated sub-section the block
in force at the nearest level, or nothing (uncovered, never guessed); for a yearly one the
block *of* a year; for an additive one the block in force at every level (README,
"Additive layering"). ``timeline`` walks the same rule over a window of dates in one
linear sweep, for coverage and ``rulesets check``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any, NamedTuple

from ..errors import InvalidInputError, InvalidRulesetError, NoRulesetInForceError, Problem
from ..explain import BlockRef
from ..notices import CONFIDENCE, Notice, worst
from .files import DAY, RulesetFile
from .io import sha256_text
from .schema import LAST_DAY, DistrictTier, Rounding, Source
from .sections import area_subsection, is_area, require
from .tree import LEVEL_ZH, RulesetTree
from .values import ValueRecord

#: The first day the shipped data sets out to cover: ``rulesets coverage`` starts there, and
#: ``rulesets check`` notes missing yearly figures only from the year before.
DATA_START = dt.date(2018, 1, 1)


class InForce(NamedTuple):
    """A block a sub-section resolved to: the ``file`` it lives in, its ``position`` among
    the sub-section's blocks there, and the last day it is in force (``end``, None if open
    or yearly)."""

    subsection: str
    file: RulesetFile
    position: int
    end: dt.date | None = None

    @property
    def block(self) -> Any:
        return self.file.blocks(self.subsection)[self.position]

    @property
    def region(self) -> str:
        return self.file.region

    @property
    def level(self) -> str:
        return self.file.meta.level

    @property
    def key(self) -> tuple[str, str, int]:
        """Which block this is, for caches and hashes: (file, sub-section, index)."""
        return self.file.name, self.subsection, self.position

    def ref(self) -> BlockRef:
        key = (self.subsection, self.position)
        found: BlockRef | None = self.file.refs.get(key)
        if found is None:
            block = self.block
            if "year" in type(block).model_fields:
                found = BlockRef(self.region, self.subsection, year=block.year)
            else:
                found = BlockRef(self.region, self.subsection, since=block.since)
            self.file.refs[key] = found
        return found

    @property
    def text(self) -> str:
        return self.file.block_text(self.subsection, self.position)

    @property
    def values(self) -> tuple[ValueRecord, ...]:
        return self.file.values(self.subsection, self.position)


#: A level of the chain in Chinese, for messages.


def fmt_ranges(ranges: list[tuple[dt.date, dt.date | None]], lang: str = "en") -> str:
    if lang == "zh":
        return "、".join(f"{a} – {b or '至今'}" for a, b in ranges) or "无"
    return ", ".join(f"{a} – {b or 'open'}" for a, b in ranges) or "none"


def kind_of(subsection: str) -> str:
    return "dated" if is_area(subsection) else require(subsection).kind


class Resolved:
    """The rules in force for one region on one date."""

    def __init__(self, chain: list[RulesetFile], as_of: dt.date) -> None:
        self.chain = chain
        self.as_of = as_of
        self._found: dict[str, InForce | None] = {}
        self._qualified: dict[tuple[str, str], tuple[str, Source]] = {}

    @property
    def region(self) -> str:
        return self.chain[0].region

    @cached_property
    def subsections(self) -> list[str]:
        names = {s for f in self.chain for s in f.subsections}
        return sorted(names, key=lambda n: (is_area(n), n))

    def find(self, subsection: str) -> InForce | None:
        """The dated block in force, from the region up to national; None where none is."""
        if subsection not in self._found:
            found = None
            for f in self.chain:
                i = f.in_force(subsection, self.as_of)
                if i is not None:
                    found = InForce(subsection, f, i, f.end(subsection, i))
                    break
            self._found[subsection] = found
        return self._found[subsection]

    def missing(self, subsection: str) -> NoRulesetInForceError:
        covered = covered_ranges(self.chain, subsection)
        return NoRulesetInForceError(
            f"no ruleset in force for {self.region}: {subsection} on {self.as_of} "
            f"(covered: {fmt_ranges(covered)})",
            {"region": self.region, "subsection": subsection, "date": self.as_of.isoformat(),
             "covered": [[a.isoformat(), b.isoformat() if b else None] for a, b in covered]},
            zh=f"{self.region} 在 {self.as_of} 无有效规则：{subsection}（已覆盖：{fmt_ranges(covered, 'zh')}）")

    def get(self, subsection: str) -> InForce:
        """The dated block in force, or ``no_ruleset_in_force`` naming region, date and coverage."""
        found = self.find(subsection)
        if found is None:
            raise self.missing(subsection)
        return found

    def year(self, subsection: str, year: int, series: str | tuple[str, ...] | None = None) -> InForce:
        """The yearly block *of* ``year`` at the nearest level; never another year's. Several
        ``series`` are tried in order at each level (a category's own block, then the shared one)."""
        found = self.find_year(subsection, year, series)
        if found is not None:
            return found
        names = (series,) if isinstance(series, str) else series
        years = sorted({b.year for f in self.chain for b in f.blocks(subsection)
                        if names is None or b.series in names})
        shown = f" ({' or '.join(n or 'shared' for n in names)})" if names and names != ("",) else ""
        shown_zh = f"（{' 或 '.join(n or '通用' for n in names)}）" if names and names != ("",) else ""
        raise NoRulesetInForceError(
            f"no ruleset for {self.region}: {subsection} of the year {year}{shown} "
            f"(years covered: {years or 'none'})",
            {"region": self.region, "subsection": subsection, "year": year, "covered_years": years},
            zh=f"{self.region} 无 {year} 年的规则：{subsection}{shown_zh}"
               f"（已覆盖年份：{'、'.join(map(str, years)) or '无'}）")

    def find_year(self, subsection: str, year: int, series: str | tuple[str, ...] | None = None) -> InForce | None:
        """The yearly block of ``year``, or None where no level holds one."""
        tries = (series,) if series is None or isinstance(series, str) else series
        for f in self.chain:
            for name in tries:
                i = f.of_year(subsection, year, name)
                if i is not None:
                    return InForce(subsection, f, i)
        return None

    def previous_year(self, subsection: str, series: str | None = None) -> InForce:
        """The block of the year before ``as_of`` (上年度)."""
        return self.year(subsection, self.as_of.year - 1, series)

    def layers(self, subsection: str) -> list[InForce]:
        """An additive sub-section: the block in force at each level that has any, national
        first. A level whose file has blocks but none in force on the date is a gap."""
        out = []
        for f in reversed(self.chain):
            if not f.blocks(subsection):
                continue
            i = f.in_force(subsection, self.as_of)
            if i is None:
                raise NoRulesetInForceError(
                    f"no ruleset in force for {self.region}: {subsection} at the {f.meta.level} level "
                    f"({f.region}) on {self.as_of}",
                    {"region": self.region, "subsection": subsection, "level": f.meta.level,
                     "level_region": f.region, "date": self.as_of.isoformat()},
                    zh=f"{self.region} 在 {self.as_of} 无有效规则：{LEVEL_ZH.get(f.meta.level, f.meta.level)}级"
                       f"（{f.region}）的 {subsection}")
            found = InForce(subsection, f, i, f.end(subsection, i))
            note = found.block.unsourced_note()
            if note:
                raise NoRulesetInForceError(
                    f"no ruleset in force for {self.region}: {subsection} at the {f.meta.level} level ({f.region}) "
                    f"on {self.as_of} is not sourced ({note})",
                    {"region": self.region, "subsection": subsection, "level": f.meta.level,
                     "level_region": f.region, "date": self.as_of.isoformat()},
                    zh=f"{self.region} 在 {self.as_of} 无有效规则：{LEVEL_ZH.get(f.meta.level, f.meta.level)}级"
                       f"（{f.region}）的 {subsection} 无来源（{note}）")
            out.append(found)
        if not out:
            raise self.missing(subsection)
        return out

    def uncovered(self) -> list[str]:
        """The dated sub-sections no level covers on the date, and the additive ones with a
        level that has blocks but none in force."""
        out = []
        for s in self.subsections:
            kind = kind_of(s)
            if kind == "dated" and ((x := self.find(s)) is None and not require(s).optional
                                    or x is not None and x.block.unsourced_note()):
                out.append(s)  # none in force, or one that declares its figure unsourced
            elif kind == "additive":
                try:
                    self.layers(s)
                except NoRulesetInForceError:
                    out.append(s)
        return out

    def qualify(self, source_id: str, file: RulesetFile) -> tuple[str, Source]:
        """``jiangxi:jx-ui-2024`` and its record: the id looked up in the file, then its ancestors."""
        key = (source_id, file.name)
        if key not in self._qualified:
            start = next(i for i, f in enumerate(self.chain) if f is file)
            for f in self.chain[start:]:
                if source_id in f.sources:
                    self._qualified[key] = (f"{f.region}:{source_id}", f.sources[source_id])
                    break
            else:
                raise InvalidRulesetError([Problem(file.name, "sources", f"unknown source id {source_id!r}",
                                                   zh=f"未知的来源 id {source_id!r}")])
        return self._qualified[key]

    def tier(self, scheme: str, district: str | None) -> tuple[str, DistrictTier | None, InForce, str]:
        """The tier of a district (or of the core districts) in the scheme's area block:
        (tier, the district's entry, the area block, the district name used)."""
        area = self.get(area_subsection(scheme))
        block = area.block
        if district is None:
            return block.core_tier, block.districts[block.core[0]], area, block.core[0]
        if district in block.districts:
            return block.districts[district].tier, block.districts[district], area, district
        if district in block.unsourced:
            raise NoRulesetInForceError(
                f"no ruleset in force for {self.region}: the {scheme} tier of {district} on "
                f"{self.as_of} is not sourced", {"region": self.region, "district": district,
                                                  "subsection": area.subsection, "date": self.as_of.isoformat()},
                zh=f"{self.region} 在 {self.as_of} 无有效规则：{district} 的 {scheme} 类别无来源")
        listed = [(b.since, f.end(area.subsection, i)) for f in self.chain
                  for i, b in enumerate(f.blocks(area.subsection)) if district in b.districts]
        when = f" (it is listed {fmt_ranges(listed)})" if listed else ""
        when_zh = f"（列于 {fmt_ranges(listed, 'zh')}）" if listed else ""
        known = "、".join([*block.districts, *block.unsourced])
        raise InvalidInputError(
            f"{district} is not a district of {self.region} on {self.as_of}{when}; known: " + known,
            field="district", value=district,
            zh=f"{district} 在 {self.as_of} 不是 {self.region} 的区县{when_zh}；已知区县：{known}")

    def default_rounding(self) -> tuple[Rounding, RulesetFile]:
        """The nearest ``[defaults] round`` of the chain, and the file it comes from."""
        for f in self.chain:
            if f.defaults is not None:
                return f.defaults.round, f
        raise InvalidRulesetError([Problem(self.chain[-1].name, "defaults.round",
                                           "a block gives no rounding and no file of the chain has a default",
                                           zh="某个块未规定舍入方式，规则链中也没有文件给出默认值")])

    def horizon_warnings(self) -> list[Notice]:
        return [Notice("beyond_verified_through",
                       f"{f.name} 的数据核实至 {f.meta.verified_through}，{self.as_of} 已超出",
                       f"{f.name} was last verified through {f.meta.verified_through}; "
                       f"{self.as_of} is beyond it")
                for f in self.chain if self.as_of > f.meta.verified_through]

    def in_force_all(self) -> list[InForce]:
        """Every dated (and additive) block in force on the date."""
        out = []
        for s in self.subsections:
            kind = kind_of(s)
            if kind == "dated" and (x := self.find(s)) is not None:
                out.append(x)
            elif kind == "additive":
                out += [InForce(s, f, i, f.end(s, i)) for f in reversed(self.chain)
                        if (i := f.in_force(s, self.as_of)) is not None]
        return out

    def yearly(self) -> dict[str, list[InForce]]:
        """Every yearly block the chain holds, by sub-section (the nearest level per year)."""
        out: dict[str, list[InForce]] = {}
        for s in self.subsections:
            if kind_of(s) == "yearly":
                years = sorted({(b.year, b.series) for f in self.chain for b in f.blocks(s)})
                out[s] = [self.year(s, y, series) for y, series in years]
        return out


def resolve(tree: RulesetTree, region: str, as_of: dt.date) -> Resolved:
    return Resolved(tree.chain(region), as_of)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def used_sha256(region: str, used: Iterable[InForce], defaults: Iterable[RulesetFile]) -> str:
    """``resolved_sha256``: the sha256 of the canonical JSON of ::

        {"blocks": [{"block": <the validated block>, "level", "region", "subsection"}, …],
         "defaults": [{"defaults": <the validated [defaults]>, "region"}, …],
         "region": <the region asked for>}

    with blocks sorted by sub-section, then file, then position, and defaults by file: the
    blocks (dated, yearly, additive) and the defaults a result used, nothing else. Built
    from each block's canonical text, which is cached per block.
    """
    blocks = sorted(used, key=lambda x: x.key[1:2] + x.key[:1] + x.key[2:])
    parts = [f'{{"block":{x.text},"level":{_text(x.level)},"region":{_text(x.region)},'
             f'"subsection":{_text(x.subsection)}}}' for x in blocks]
    defs = [f'{{"defaults":{f.defaults_text()},"region":{_text(f.region)}}}'
            for f in sorted(defaults, key=lambda f: f.name)]
    return sha256_text(f'{{"blocks":[{",".join(parts)}],"defaults":[{",".join(defs)}],"region":{_text(region)}}}')


# --- over time -----------------------------------------------------------------------------


class Segment(NamedTuple):
    """``start``–``end`` (inclusive) with the block in force at each level of the chain
    (``picks``, region first; None where a level has none)."""

    start: dt.date
    end: dt.date
    picks: tuple[InForce | None, ...]

    def nearest(self) -> InForce | None:
        return next((p for p in self.picks if p is not None), None)


def _after(day: dt.date) -> dt.date:
    return day + DAY if day < LAST_DAY else LAST_DAY + DAY


def timeline(chain: list[RulesetFile], subsection: str, start: dt.date, end: dt.date) -> Iterator[Segment]:
    """The window cut where any level's block starts or ends: one sweep, linear in the
    number of blocks (after sorting the cut points)."""
    levels = []
    cuts = {start, _after(end)}
    for f in chain:
        spans = [(b.since, f.end(subsection, i), i) for i, b in enumerate(f.blocks(subsection))]
        levels.append((f, spans))
        for since, until, _ in spans:
            cuts.add(since)
            if until is not None:
                cuts.add(_after(until))
    points = sorted(c for c in cuts if start <= c <= _after(end))
    pointers = [0] * len(levels)
    for a, b in zip(points, points[1:], strict=False):
        picks: list[InForce | None] = []
        for n, (f, spans) in enumerate(levels):
            p = pointers[n]
            while p < len(spans) and spans[p][1] is not None and spans[p][1] < a:  # type: ignore[operator]
                p += 1
            pointers[n] = p
            live = p < len(spans) and spans[p][0] <= a and (spans[p][1] is None or a <= spans[p][1])  # type: ignore[operator]
            picks.append(InForce(subsection, f, spans[p][2], spans[p][1]) if live else None)
        yield Segment(a, b - DAY, tuple(picks))


def covered_ranges(chain: list[RulesetFile], subsection: str) -> list[tuple[dt.date, dt.date | None]]:
    """The periods any level of the chain covers, merged."""
    spans = sorted(((b.since, f.end(subsection, i)) for f in chain for i, b in enumerate(f.blocks(subsection))),
                   key=lambda span: (span[0], span[1] or LAST_DAY))
    merged: list[tuple[dt.date, dt.date | None]] = []
    for a, b in spans:
        if merged and (merged[-1][1] is None or a <= _after(merged[-1][1])):
            last_a, last_b = merged[-1]
            merged[-1] = (last_a, None if last_b is None or b is None else max(last_b, b))
        else:
            merged.append((a, b))
    return merged


class Period(NamedTuple):
    """``start``–``end`` with one ``status`` (confirmed | derived | unconfirmed | missing |
    unused) and the blocks in force (``found``: the nearest first; empty where missing)."""

    start: dt.date
    end: dt.date
    status: str
    found: tuple[InForce, ...] = ()

    @property
    def source(self) -> InForce | None:
        return self.found[0] if self.found else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.start.isoformat(), "to": self.end.isoformat(), "status": self.status}
        if self.found:
            first = self.found[0]
            nearest = self.found[-1]  # an additive sub-section's levels, national first
            out["level"] = nearest.level
            out["block"] = {k: str(v) for k, v in nearest.ref().to_json().items()}
            if len(self.found) > 1:
                out["blocks"] = [{k: str(v) for k, v in x.ref().to_json().items()} for x in self.found]
            counts = dict.fromkeys(CONFIDENCE, 0)
            for x in self.found:
                for v in x.values:
                    counts[v.confidence] += 1
            out["values"] = counts
            unsourced = getattr(first.block, "unsourced", ())
            if unsourced:
                out["unsourced"] = list(unsourced)
            if len(self.found) > 1:
                out["layers"] = [{"region": x.region, "level": x.level, "since": x.block.since.isoformat()}
                                 for x in self.found]
        return out


def periods(chain: list[RulesetFile], subsection: str, start: dt.date, end: dt.date) -> list[Period]:
    """The window cut into periods, each with the block(s) resolved in it (or missing)."""
    additive = kind_of(subsection) == "additive"
    optional = not is_area(subsection) and require(subsection).optional
    participating = [bool(f.blocks(subsection)) for f in chain]
    out: list[Period] = []
    for seg in timeline(chain, subsection, start, end):
        if additive:
            found = tuple(p for p, takes in zip(reversed(seg.picks), reversed(participating), strict=True)
                          if takes and p is not None)
            complete = any(participating) and len(found) == sum(participating)
        else:
            nearest = seg.nearest()
            found = (nearest,) if nearest is not None else ()
            complete = bool(found)
        if not complete:
            status, found = ("unused" if optional else "missing"), ()
        elif any(x.block.unsourced_note() for x in found):
            status = "missing"  # declared: a figure was in force that no source gives (found kept)
        else:
            status = worst(*(x.file.status(x.subsection, x.position) for x in found))
        last = out[-1] if out else None
        if last and last.status == status and [x.key for x in last.found] == [x.key for x in found]:
            out[-1] = last._replace(end=seg.end)
        else:
            out.append(Period(seg.start, seg.end, status, found))
    return out
