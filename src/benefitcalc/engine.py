"""``Engine``: everything a calculation needs, built once from a rulesets tree.

::

    from benefitcalc import Engine
    engine = Engine()                      # the shipped rulesets (or Engine("path/to/rulesets"))
    result = engine.calculate({"benefit": "unemployment", "region": "nanchang",
                               "as_of": "2024-06-01", "contribution_months": 80})
    result.amounts["monthly_benefit"]      # Decimal('1800.00')
    for out in engine.calculate_lines(open("cases.jsonl", encoding="utf-8")):
        print(out.to_json())               # a Result, or an ErrorResult for a bad line

A case's region is looked up forgivingly (``RulesetTree.locate``: case, spaces, suffixes,
an address such as 南昌市新建区 or a district alone); a province is refused, naming its
cities and districts. The result's ``district`` is the one used — the case's (as the
rulesets spell it), the one in the region's name, or the core district an area tier was
taken from — and ``district_source`` says which ("case", "address", "core"; None when no
district played a part).

It caches what repeats across cases — the region look-up, the file chain, the resolution
per (region, date) (a bounded cache), the hash of each set of blocks used and the cited
source records — so a batch resolves rules once per region and date, not per case. An
engine is not pickled: ``pickle`` rebuilds it from its tree in the receiving process (a
worker), while results and errors are plain records that pickle as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import benefits
from .calc.base import Rules, Trace
from .errors import BenefitcalcError, InvalidInputError
from .models import CaseBase, ErrorResult, FileRef, LineEncoder, Result, decode_json
from .notices import Notice
from .rules.files import RulesetFile
from .rules.io import plain_decimal
from .rules.resolve import Resolved, used_sha256
from .rules.sections import is_area
from .rules.tree import Location, RulesetTree, ambiguous_district, match_district
from .version import version

#: How many (region, date) resolutions an engine keeps.
RESOLVED_CACHE = 4096


def _rebuild(root: Path | str | None, seal: str | None) -> Engine:
    return Engine(root, seal=seal)


class Engine:
    """Cached region look-up and resolution over one rulesets tree; ``calculate`` and
    ``calculate_lines``. ``rulesets_dir=None`` is the default tree (``$BENEFITCALC_RULESETS``
    or the shipped one)."""

    def __init__(self, rulesets_dir: Path | str | None = None, *, seal: str | None = None) -> None:
        self._args = (rulesets_dir, seal)
        self.tree = RulesetTree(rulesets_dir, seal=seal)
        self._regions: dict[str, Location] = {}
        self._districts: dict[str, frozenset[str]] = {}
        self._chains: dict[str, list[RulesetFile]] = {}
        self._refs: dict[str, tuple[FileRef, ...]] = {}
        self._resolved: OrderedDict[tuple[str, dt.date], Resolved] = OrderedDict()
        self._hashes: dict[tuple[Any, ...], str] = {}
        self._sources: dict[str, dict[str, str]] = {}
        self._line = LineEncoder()

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, self._args

    # -- rules -----------------------------------------------------------------------------

    def place(self, name: str) -> Location:
        """Where a case's region name points (cached): the region, and the district the name
        holds (南昌市新建区, 新建区) if any. A province is ``invalid_input`` naming its cities
        and districts: a case is computed for a place, and a province is not one."""
        found = self._regions.get(name)
        if found is None:
            found = self.tree.locate(name)
            if self.tree.file(found.slug).meta.level == "province":
                raise self.province_error(name, found.slug)
            self._regions[name] = found
        return found

    def region(self, name: str) -> str:
        """The slug of a region named by slug, alias, Chinese name (with or without its
        suffix), admin code or an address; a province is refused (``place``)."""
        return self.place(name).slug

    def province_error(self, name: str, slug: str) -> InvalidInputError:
        places = self.tree.places()
        below = [p for p in places.children(slug) if p.level != "province"]
        zh_name = places.by_slug[slug].zh
        if below:
            en = f"{slug} is a province: choose one of its cities or districts: " + ", ".join(p.label for p in below)
            zh = f"{slug}（{zh_name}）是省份：请选择其下的市或区县：" + "、".join(p.label_zh for p in below)
        else:
            en = f"{slug} is a province, and none of its cities or districts has a ruleset"
            zh = f"{slug}（{zh_name}）是省份，其下的市或区县均无规则集"
        return InvalidInputError(en, field="region", zh=zh, value=name.strip(), region=slug, province=True,
                                 choices=[p.slug for p in below])

    def chain(self, slug: str) -> list[RulesetFile]:
        if slug not in self._chains:
            self._chains[slug] = self.tree.chain(slug)
        return self._chains[slug]

    def resolve(self, name: str, as_of: dt.date) -> Resolved:
        """The rules in force for a region on a date (cached)."""
        key = (self.region(name), as_of)
        found = self._resolved.get(key)
        if found is None:
            found = Resolved(self.chain(key[0]), as_of)
            self._resolved[key] = found
            if len(self._resolved) > RESOLVED_CACHE:
                self._resolved.popitem(last=False)
        else:
            self._resolved.move_to_end(key)
        return found

    def file_refs(self, slug: str) -> tuple[FileRef, ...]:
        if slug not in self._refs:
            self._refs[slug] = tuple(FileRef(f.region, f.meta.level, f.meta.version, f.file_sha256)
                                     for f in reversed(self.chain(slug)))
        return self._refs[slug]

    def source_record(self, qualified: str) -> dict[str, str]:
        """The source record behind a qualified id (``jiangxi:jx-ui-2024``), empty fields left out."""
        if qualified not in self._sources:
            region, _, sid = qualified.partition(":")
            self._sources[qualified] = self.tree.file(region).sources[sid].record()
        return self._sources[qualified]

    def district(self, slug: str, name: str) -> str:
        """A case's district as the region's rulesets spell it (spaces, case and a missing
        suffix forgiven: 新建 → 新建区). It must be one they know at some date (which one
        applies on the case's date is the tier look-up's business, for the benefits that use
        one); another region's district says which region it belongs to."""
        known = self._districts.get(slug)
        if known is None:
            known = self._districts[slug] = frozenset(
                d for f in self.chain(slug) for s in f.subsections if is_area(s)
                for b in f.blocks(s) for d in (*b.districts, *b.unsourced))
        if name in known:
            return name
        matched = match_district(name, sorted(known))
        if len(matched) > 1:
            raise ambiguous_district(slug, name.strip(), matched)
        if not matched:
            raise self.tree.district_error(slug, name, known)
        return matched[0]

    def where(self, case: CaseBase) -> tuple[str, str | None, str | None]:
        """The case's region slug, the district it names (its own, or the one in its region
        name) and where that came from ("case", "address" or None)."""
        place = self.place(case.region)
        if case.district is None:
            return place.slug, place.district, "address" if place.district else None
        district = self.district(place.slug, case.district)
        if place.district is not None and place.district != district:
            if place.how == "district":
                raise self.tree.not_a_region(case.region, place)
            raise InvalidInputError(
                f"district: {district} differs from {place.district}, the district in the region {case.region!r}",
                field="district", value=case.district, region_district=place.district,
                zh=f"district：{district} 与地区 {case.region!r} 中的区县 {place.district} 不一致")
        return place.slug, district, "case"

    # -- calculations ------------------------------------------------------------------------

    def calculate(self, case: Mapping[str, Any] | CaseBase, steps: bool = True) -> Result:
        """One case (a decoded JSON object or a case model) → its ``Result``; bad input and
        ruleset problems raise ``BenefitcalcError``. ``steps=False`` leaves the steps out
        (a batch that does not ask for them: faster, the rest of the result the same)."""
        if not isinstance(case, CaseBase):
            case = benefits.parse_case(dict(case) if isinstance(case, Mapping) else case)
        benefit = benefits.get(case.benefit)
        given = case
        slug, district, district_source = self.where(case)
        if district != case.district:
            case = case.model_copy(update={"district": district})
        resolved = self.resolve(slug, case.as_of)
        trace = Trace(steps)
        rules = Rules(resolved, benefit, frozenset(benefit.reads), trace, at=lambda day: self.resolve(slug, day))
        outcome = benefit.calculate(case, rules)
        if district is None and trace.area_district is not None:
            district, district_source = trace.area_district, "core"
        warnings: list[Notice] = list(dict.fromkeys([*resolved.horizon_warnings(), *trace.warnings]))
        key = (slug, *sorted(trace.used), *sorted(trace.defaults))
        digest = self._hashes.get(key)
        if digest is None:
            digest = self._hashes[key] = used_sha256(slug, trace.used.values(), trace.defaults.values())
        return Result(
            id=case.id, benefit=benefit.id, region=slug, district=district, as_of=case.as_of,
            benefitcalc_version=version(), rulesets=self.file_refs(slug), resolved_sha256=digest,
            eligible=bool(outcome.eligible), reasons=tuple(outcome.reasons), warnings=tuple(warnings),
            amounts=outcome.amounts, extras=tuple(outcome.extras), steps=tuple(trace.steps),
            sources={q: self.source_record(q) for q in sorted(trace.sources)},
            case=given.model_dump(mode="json", exclude_none=True), district_source=district_source)

    def json_line(self, answer: Result | ErrorResult, steps: bool = False) -> bytes:
        """A result of this engine (or an error) as its compact JSON line in UTF-8, without
        the newline: ``json.dumps(answer.to_json(steps))`` as every command writes it, made
        faster by encoding what results share once (``LineEncoder``)."""
        return self._line(answer, steps)

    def calculate_text(self, text: str, line: int | None = None, steps: bool = True) -> Result | ErrorResult:
        """One case as JSON text → its result, or its error object (never raises for bad input)."""
        data: Any = None
        try:
            data = decode_json(text)
            return self.calculate(data, steps)
        except BenefitcalcError as exc:
            return error_result(exc, data, line)

    def calculate_lines(self, lines: Iterable[str | bytes], first: int = 1) -> Iterator[Result | ErrorResult]:
        """JSON Lines → one result or error per non-blank line, in order, streaming: a bad
        line costs that line only. ``first`` is the number of the first line."""
        for number, line in enumerate(lines, first):
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError:
                    yield error_result(InvalidInputError("invalid JSON: the line is not UTF-8",
                                                         zh="JSON 格式错误：该行不是 UTF-8 编码"), None, number)
                    continue
            if line.strip():
                yield self.calculate_text(line, number)


def error_result(exc: BenefitcalcError, data: Any, line: int | None) -> ErrorResult:
    """The error object of a case that failed, with its id when the case had a usable one."""
    ident = data.get("id") if isinstance(data, dict) else None
    if isinstance(ident, bool) or not isinstance(ident, str | int) or \
            (isinstance(ident, str) and (len(ident) > 200 or not ident.isprintable())):
        ident = None
    return ErrorResult(ident, line, exc.code, exc.message, {k: _plain(v) for k, v in exc.details.items()}, exc.zh)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value
