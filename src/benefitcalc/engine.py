"""``Engine``: everything a calculation needs, built once from a rulesets tree.

::

    from benefitcalc import Engine
    engine = Engine()                      # the shipped rulesets (or Engine("path/to/rulesets"))
    result = engine.calculate({"benefit": "unemployment", "region": "nanchang",
                               "as_of": "2024-06-01", "contribution_months": 80})
    result.amounts["monthly_benefit"]      # Decimal('1800.00')
    for out in engine.calculate_lines(open("cases.jsonl", encoding="utf-8")):
        print(out.to_json())               # a Result, or an ErrorResult for a bad line

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
from .calc.base import Rules
from .errors import BenefitcalcError, InvalidInputError
from .models import CaseBase, ErrorResult, FileRef, Result, decode_json
from .notices import Notice
from .rules.files import RulesetFile
from .rules.io import plain_decimal
from .rules.resolve import Resolved, used_sha256
from .rules.sections import is_area
from .rules.tree import RulesetTree
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
        self._regions: dict[str, str] = {}
        self._districts: dict[str, frozenset[str]] = {}
        self._chains: dict[str, list[RulesetFile]] = {}
        self._refs: dict[str, tuple[FileRef, ...]] = {}
        self._resolved: OrderedDict[tuple[str, dt.date], Resolved] = OrderedDict()
        self._hashes: dict[tuple[Any, ...], str] = {}
        self._sources: dict[str, dict[str, str]] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, self._args

    # -- rules -----------------------------------------------------------------------------

    def region(self, name: str) -> str:
        """The slug of a region named by slug, alias, Chinese name or admin code."""
        if name not in self._regions:
            self._regions[name] = self.tree.find(name)
        return self._regions[name]

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

    def check_district(self, slug: str, district: str) -> None:
        """A district must be one the region's rulesets know at some date (which one applies
        on the case's date is the tier look-up's business, for the benefits that use one)."""
        known = self._districts.get(slug)
        if known is None:
            known = self._districts[slug] = frozenset(
                d for f in self.chain(slug) for s in f.subsections if is_area(s)
                for b in f.blocks(s) for d in (*b.districts, *b.unsourced))
        if district not in known:
            raise InvalidInputError(f"district: {district} is not a district of {slug}; known: "
                                    + ("、".join(sorted(known)) or "none"), field="district", value=district)

    # -- calculations ------------------------------------------------------------------------

    def calculate(self, case: Mapping[str, Any] | CaseBase) -> Result:
        """One case (a decoded JSON object or a case model) → its ``Result``; bad input and
        ruleset problems raise ``BenefitcalcError``."""
        if not isinstance(case, CaseBase):
            case = benefits.parse_case(dict(case) if isinstance(case, Mapping) else case)
        benefit = benefits.get(case.benefit)
        slug = self.region(case.region)
        if case.district is not None:
            self.check_district(slug, case.district)
        resolved = self.resolve(slug, case.as_of)
        rules = Rules(resolved, benefit, frozenset(benefit.reads), at=lambda day: self.resolve(slug, day))
        outcome = benefit.calculate(case, rules)
        trace = rules.trace
        warnings: list[Notice] = list(dict.fromkeys([*resolved.horizon_warnings(), *trace.warnings]))
        key = (slug, *sorted(trace.used), *sorted(trace.defaults))
        digest = self._hashes.get(key)
        if digest is None:
            digest = self._hashes[key] = used_sha256(slug, trace.used.values(), trace.defaults.values())
        return Result(
            id=case.id, benefit=benefit.id, region=slug, district=case.district, as_of=case.as_of,
            benefitcalc_version=version(), rulesets=self.file_refs(slug), resolved_sha256=digest,
            eligible=outcome.eligible, reasons=outcome.reasons, warnings=tuple(warnings),
            amounts=outcome.amounts, extras=outcome.extras, steps=tuple(trace.steps),
            sources={q: self.source_record(q) for q in sorted(trace.sources)},
            case=case.model_dump(mode="json", exclude_none=True))

    def calculate_text(self, text: str, line: int | None = None) -> Result | ErrorResult:
        """One case as JSON text → its result, or its error object (never raises for bad input)."""
        data: Any = None
        try:
            data = decode_json(text)
            return self.calculate(data)
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
                    yield error_result(InvalidInputError("invalid JSON: the line is not UTF-8"), None, number)
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
