"""Resolution (SPEC §2.2): region → parent → … → national, date by date, per sub-section.

``resolve(tree, region, date)`` gives a ``Resolved``: for each sub-section the block in
force at the nearest level, or nothing (uncovered, never guessed). ``coverage`` walks the
same rule over a window of dates.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from ..errors import InvalidInputError, InvalidRulesetError, NoRulesetInForceError, Problem
from ..explain import Notice
from ..record import Record
from .files import RulesetFile, block_end, in_force, iter_values
from .io import sha256_of
from .schema import DistrictTier, Source
from .sections import SUBSECTIONS, area_subsection, is_area
from .tree import RulesetTree

DAY = dt.timedelta(days=1)


class InForce(Record):
    """The block a sub-section resolved to (``subsection``, ``block``), the ``file`` it
    lives in and the last day it is in force (``end``, None if open)."""

    __slots__ = ("subsection", "block", "file", "end")
    DEFAULTS = {"end": None}

    @property
    def region(self) -> str:
        return self.file.region

    @property
    def level(self) -> str:
        return self.file.meta.level

    def block_ref(self) -> dict[str, Any]:
        key = "year" if hasattr(self.block, "year") else "since"
        return {"region": self.region, "section": self.subsection, key: getattr(self.block, key)}


def fmt_ranges(ranges: list[tuple[dt.date, dt.date | None]]) -> str:
    return ", ".join(f"{a} – {b or 'open'}" for a, b in ranges) or "none"


def order_subsections(names: set[str]) -> list[str]:
    known = list(SUBSECTIONS)
    return sorted(names, key=lambda n: (is_area(n), known.index(n) if n in known else 99, n))


class Resolved:
    """The rules in force for one region on one date."""

    def __init__(self, chain: list[RulesetFile], as_of: dt.date) -> None:
        self.chain = chain
        self.as_of = as_of
        self._found: dict[str, InForce | None] = {}

    @property
    def region(self) -> str:
        return self.chain[0].region

    @cached_property
    def subsections(self) -> list[str]:
        return order_subsections({s for f in self.chain for s in f.subsections})

    def find(self, subsection: str) -> InForce | None:
        """The block in force, from the region up to national; None where none is."""
        if subsection not in self._found:
            self._found[subsection] = None
            for f in self.chain:
                blocks = f.blocks(subsection)
                i = in_force(blocks, self.as_of)
                if i is not None:
                    self._found[subsection] = InForce(subsection, blocks[i], f, block_end(blocks, i))
                    break
        return self._found[subsection]

    def get(self, subsection: str) -> InForce:
        """The block in force, or ``no_ruleset_in_force`` naming region, date and coverage."""
        found = self.find(subsection)
        if found is None:
            covered = covered_ranges(self.chain, subsection)
            raise NoRulesetInForceError(
                f"no ruleset in force for {self.region}: {subsection} on {self.as_of} "
                f"(covered: {fmt_ranges(covered)})",
                {"region": self.region, "subsection": subsection, "date": self.as_of.isoformat(),
                 "covered": [[a.isoformat(), b.isoformat() if b else None] for a, b in covered]})
        return found

    def year(self, subsection: str, year: int, series: str | None = None) -> InForce:
        """The yearly block *of* ``year``; never another year's."""
        for f in self.chain:
            for b in f.blocks(subsection):
                if b.year == year and (series is None or b.series == series):
                    return InForce(subsection, b, f)
        years = sorted({b.year for f in self.chain for b in f.blocks(subsection)})
        raise NoRulesetInForceError(
            f"no ruleset for {self.region}: {subsection} of the year {year}"
            + (f" ({series})" if series else "") + f" (years covered: {years or 'none'})",
            {"region": self.region, "subsection": subsection, "year": year, "covered_years": years})

    def uncovered(self) -> list[str]:
        return [s for s in self.dated if self.find(s) is None]

    @property
    def dated(self) -> list[str]:
        """The sub-sections of the chain resolved by date (not yearly ones)."""
        return [s for s in self.subsections if not is_yearly(s)]

    def qualify(self, source_id: str, file: RulesetFile) -> tuple[str, Source]:
        """``jiangxi:jx-ui-2024`` and its record: the id looked up in the file, then its ancestors."""
        start = next(i for i, f in enumerate(self.chain) if f is file)
        for f in self.chain[start:]:
            if source_id in f.sources:
                return f"{f.region}:{source_id}", f.sources[source_id]
        raise InvalidRulesetError([Problem(file.name, "sources", f"unknown source id {source_id!r}")])

    def tier(self, scheme: str, district: str | None) -> tuple[str, DistrictTier | None, InForce]:
        """The tier of a district (or of the core districts) in the scheme's area block."""
        area = self.get(area_subsection(scheme))
        block = area.block
        if district is None:
            return block.core_tier, None, area
        if district in block.districts:
            return block.districts[district].tier, block.districts[district], area
        if district in block.unsourced:
            raise NoRulesetInForceError(
                f"no ruleset in force for {self.region}: the {scheme} tier of {district} on "
                f"{self.as_of} is not sourced", {"region": self.region, "district": district,
                                                  "subsection": area.subsection,
                                                  "date": self.as_of.isoformat()})
        listed = [(b.since, e) for f in self.chain for bs in [f.blocks(area.subsection)]
                  for i, b in enumerate(bs) if district in b.districts
                  for e in [block_end(bs, i)]]
        when = f" (it is listed {fmt_ranges(listed)})" if listed else ""
        raise InvalidInputError(
            f"{district} is not a district of {self.region} on {self.as_of}{when}; known: "
            + "、".join([*block.districts, *block.unsourced]), field="district", value=district)

    def default_rounding(self) -> tuple[Any, str]:
        """The nearest ``[defaults] round`` of the chain, and the file it comes from."""
        for f in self.chain:
            if f.defaults is not None:
                return f.defaults.round, f.name
        raise InvalidRulesetError([Problem(self.chain[-1].name, "defaults.round",
                                           "a block gives no rounding and no file of the chain has a default")])

    def horizon_warnings(self) -> list[Notice]:
        return [Notice("beyond_verified_through",
                       f"{f.name} 的数据核实至 {f.meta.verified_through}，{self.as_of} 已超出",
                       f"{f.name} was last verified through {f.meta.verified_through}; "
                       f"{self.as_of} is beyond it")
                for f in self.chain if self.as_of > f.meta.verified_through]

    def in_force_all(self) -> list[InForce]:
        return [x for s in self.dated if (x := self.find(s)) is not None]

    @cached_property
    def sha256(self) -> str:
        """``resolved_sha256``: the canonical JSON of every block in force, with its level."""
        doc = {x.subsection: {"region": x.region, "block": x.file.raw_of(x.block)}
               for x in self.in_force_all()}
        return sha256_of({"region": self.region, "in_force": doc})


def is_yearly(subsection: str) -> bool:
    spec = SUBSECTIONS.get(subsection)
    return spec is not None and spec.yearly


def resolve(tree: RulesetTree, region: str, as_of: dt.date) -> Resolved:
    return Resolved(tree.chain(region), as_of)


def covered_ranges(chain: list[RulesetFile], subsection: str) -> list[tuple[dt.date, dt.date | None]]:
    """Union of the periods any level of the chain covers."""
    spans = sorted((b.since, block_end(bs, i)) for f in chain for bs in [f.blocks(subsection)]
                   for i, b in enumerate(bs))
    merged: list[tuple[dt.date, dt.date | None]] = []
    for a, b in spans:
        if merged and (merged[-1][1] is None or a <= merged[-1][1] + DAY):
            last_a, last_b = merged[-1]
            merged[-1] = (last_a, None if last_b is None or b is None else max(last_b, b))
        else:
            merged.append((a, b))
    return merged


class Period(Record):
    """``start``–``end`` with one ``status`` (confirmed | derived | unconfirmed | missing)
    and the block in force (``source``, None where missing)."""

    __slots__ = ("start", "end", "status", "source")
    DEFAULTS = {"source": None}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.start.isoformat(), "to": self.end.isoformat(),
                               "status": self.status}
        if self.source is not None:
            out["level"] = self.source.level
            out["block"] = {k: str(v) for k, v in self.source.block_ref().items()}
            counts = {"confirmed": 0, "derived": 0, "unconfirmed": 0}
            for v in iter_values(self.source.block):
                counts[v.confidence] += 1
            out["values"] = counts
            unsourced = getattr(self.source.block, "unsourced", ())
            if unsourced:
                out["unsourced"] = list(unsourced)
        return out


def block_status(block: Any) -> str:
    levels = [v.confidence for v in iter_values(block)] or [block.confidence]
    return max(levels, key=["confirmed", "derived", "unconfirmed"].index)


def periods(chain: list[RulesetFile], subsection: str, start: dt.date, end: dt.date) -> list[Period]:
    """The window cut into periods, each with the block resolved in it (or missing)."""
    cuts = {start, end + DAY}
    for f in chain:
        bs = f.blocks(subsection)
        for i, b in enumerate(bs):
            cuts.add(b.since)
            e = block_end(bs, i)
            if e is not None:
                cuts.add(e + DAY)
    points = sorted(c for c in cuts if start <= c <= end + DAY)
    out: list[Period] = []
    for a, b in zip(points, points[1:], strict=False):
        found = Resolved(chain, a).find(subsection)
        status = "missing" if found is None else block_status(found.block)
        last = out[-1] if out else None
        if last and last.status == status and (last.source is None) == (found is None) and (
                found is None or last.source.block is found.block):
            out[-1] = Period(last.start, b - DAY, status, last.source)
        else:
            out.append(Period(a, b - DAY, status, found))
    return out
