"""``rulesets coverage``: region × sub-section × period → confirmed / derived /
unconfirmed / missing, and the share of values confirmed. One linear sweep per
(region, sub-section)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import InvalidInputError
from ..notices import CONFIDENCE, worst
from ..rules.files import DAY, RulesetFile
from ..rules.resolve import DATA_START, InForce, Period, Resolved, kind_of, periods
from ..rules.schema import FIRST_DAY, LAST_DAY
from ..rules.sections import area_schemes, is_area, require
from ..rules.tree import RulesetTree
from ..rules.values import iter_values

#: The first day ``coverage`` reports unless told otherwise (the rulesets' data starts in 2018).
COVERAGE_START = DATA_START


def coverage(tree: RulesetTree, name: str | None = None, start: dt.date = COVERAGE_START,
             end: dt.date | None = None) -> dict[str, Any]:
    """Which periods of each sub-section are confirmed, derived, unconfirmed or missing."""
    end = end or dt.date.today()
    for label, day in (("from", start), ("to", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInputError(f"{label}: {day} is outside {FIRST_DAY} – {LAST_DAY}", field=label,
                                    zh=f"{label}：{day} 不在 {FIRST_DAY} 至 {LAST_DAY} 之间")
    if start > end:
        raise InvalidInputError(f"from: {start} is after to {end}", field="from",
                                zh=f"from：{start} 晚于 to（{end}）")
    files = tree.all_files()
    slugs = [tree.find(name)] if name else [f.region for f in files]
    regions = []
    counted: set[str] = set()
    summary: dict[str, Any] = {"values": 0, **dict.fromkeys(CONFIDENCE, 0), "missing_periods": 0,
                               "missing_years": 0, "partial_years": 0}
    for slug in slugs:
        chain = tree.chain(slug)
        sections: list[dict[str, Any]] = []
        sweep = _Sweeps(chain, start, end)
        subs = Resolved(chain, end).subsections
        # a yearly sub-section a block reads is listed even where no level has a year of it
        subs = sorted({*subs, *(r for f in chain for s in f.subsections for b in f.blocks(s)
                                for r in getattr(b, "READS", ()) if kind_of(r) == "yearly")})
        for sub in subs:
            if kind_of(sub) == "yearly":
                years = sorted({b.year for f in chain for b in f.blocks(sub)})
                # what a date in the window asks for: the year before (上年度) or its own
                lag = require(sub).lag
                lacking = [] if require(sub).optional else \
                    [y for y in range(start.year - lag, end.year - lag + 1) if y not in years]
                summary["missing_years"] += len(lacking)
                detail = [_year_detail(x) for x in Resolved(chain, end).yearly().get(sub, [])]
                summary["partial_years"] += sum(1 for d in detail if d["unsourced"])
                sections.append({"section": sub, "years": years, "missing_years": lacking, "detail": detail})
                continue
            ps = sweep(sub)
            if is_area(sub):
                ps = _mark_unused(sub, ps, sweep)
            ps = _past_horizon(ps)
            missing = [[p.start.isoformat(), p.end.isoformat()] for p in ps if p.status == "missing"]
            covered = [[p.start.isoformat(), p.end.isoformat()] for p in ps if p.status not in ("missing", "unused")]
            summary["missing_periods"] += len(missing)
            entry = {"section": sub, "covered": _merge(covered), "missing": missing,
                     "periods": [p.to_json() for p in ps]}
            if kind_of(sub) == "additive":  # a level with no figures at all adds nothing: say which
                entry["levels_not_sourced"] = [f.region for f in chain if not f.blocks(sub)]
            sections.append(entry)
        regions.append({"region": slug, "sections": sections})
        for f in chain:
            if f.name not in counted:
                counted.add(f.name)
                _count(f, summary, start, end)
    summary["confirmed_share"] = (f"{Decimal(summary['confirmed']) / summary['values']:.3f}"
                                  if summary["values"] else "0")
    return {"from": start.isoformat(), "to": end.isoformat(), "regions": regions, "summary": summary}


def _year_detail(x: InForce) -> dict[str, Any]:
    """One year's block: its level, the least certain of its values, and the components it
    declares but no source gives (``unsourced``: a case that needs one is a gap)."""
    block = x.block
    levels = [block.confidence, *(v.confidence for v in iter_values(block))]
    return {"year": block.year, "series": block.series, "region": x.region, "level": x.level,
            "confidence": worst(*levels), "unsourced": block.declared_gaps()}


class _Sweeps:
    """Each sub-section of a chain cut into periods over the window, once."""

    def __init__(self, chain: list[RulesetFile], start: dt.date, end: dt.date) -> None:
        self.chain, self.start, self.end = chain, start, end
        self._done: dict[str, list[Period]] = {}

    def __call__(self, sub: str) -> list[Period]:
        if sub not in self._done:
            self._done[sub] = periods(self.chain, sub, self.start, self.end)
        return self._done[sub]


def _count(f: RulesetFile, summary: dict[str, Any], start: dt.date, end: dt.date) -> None:
    """The values of the blocks in force at some day of the window (a yearly block: of a
    year the window touches or the year before)."""
    for sub in f.subsections:
        yearly = kind_of(sub) == "yearly"
        for i, b in enumerate(f.blocks(sub)):
            if yearly:
                inside = start.year - 1 <= b.year <= end.year
            else:
                last = f.end(sub, i)
                inside = b.since <= end and (last is None or last >= start)
            if not inside:
                continue
            for v in f.values(sub, i):
                summary["values"] += 1
                summary[v.confidence] += 1


def _past_horizon(ps: list[Period]) -> list[Period]:
    """A period past the ``verified_through`` of a file it rests on is "unverified": nobody
    has checked that the block still holds then, so it is not reported as confirmed."""
    out: list[Period] = []
    for p in ps:
        if not p.found or p.status in ("missing", "unused"):
            out.append(p)
            continue
        horizon = min(x.file.meta.verified_through for x in p.found)
        if p.end <= horizon:
            out.append(p)
        elif p.start > horizon:
            out.append(p._replace(status="unverified"))
        else:
            out += [p._replace(end=horizon), p._replace(start=horizon + DAY, status="unverified")]
    return out


def _mark_unused(sub: str, ps: list[Period], sweep: Callable[[str], list[Period]]) -> list[Period]:
    """An area scheme is needed only while its tier table is in force (Jiangxi's flat
    unemployment areas end with the flat amounts): elsewhere its periods are "unused".
    Both lists are sorted and contiguous, so one pass over the two gives the cut."""
    table, column = area_schemes()[sub.split(".", 1)[1]]
    tables = sweep(table)
    out: list[Period] = []
    j = 0
    for p in ps:
        day = p.start
        while day <= p.end:
            while tables[j].end < day:
                j += 1
            q = tables[j]
            stop = min(p.end, q.end)
            used = q.source is not None and getattr(q.source.block, column, None) is not None
            status, found = (p.status, p.found) if used else ("unused", ())
            last = out[-1] if out else None
            if last and last.status == status and [x.key for x in last.found] == [x.key for x in found]:
                out[-1] = last._replace(end=stop)
            else:
                out.append(Period(day, stop, status, found))
            day = stop + DAY
    return out


def _merge(spans: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    for a, b in spans:
        if out and dt.date.fromisoformat(out[-1][1]) + DAY == dt.date.fromisoformat(a):
            out[-1][1] = b
        else:
            out.append([a, b])
    return out
