"""What every benefit is built from: the ``Benefit`` record a benefit module declares, the
``Outcome`` its calculation returns, rounding, and ``Rules`` — the tracing view of the
resolved rules through which a calculation reads every parameter.

``Rules`` is the only way a calculation reaches a ruleset value, and each read records a
step (label, param path, block, level, sources, confidence) in the same call, as
OpenFisca's tracer does; the param path is built by ``rules.values``, the same code that
``rulesets show`` uses. A view allows only the sub-sections its reader declared: the
benefit's ``reads`` for its ``calculate``, the block model's ``READS`` for a method. A
name no ruleset model defines, an undeclared read or a step without a label is a bug
(``ProgrammingError``), never mistaken for a data gap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any, NamedTuple

from ..errors import InvalidRulesetError, NoRulesetInForceError, Problem, ProgrammingError
from ..explain import Step, fmt, money
from ..models import AmountValue, CaseBase, Extra
from ..notices import Notice, worst
from ..rules.files import RulesetFile
from ..rules.resolve import InForce, Resolved
from ..rules.schema import Provenance, Rounding
from ..rules.sections import Group, area_subsection, require
from ..rules.values import path_of, row_path, value_at

MODES = {"half_up": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}
#: a ruleset file's level in Chinese (for messages)
LEVEL_NAMES = {"national": "全国", "province": "省", "city": "市", "district": "区县"}
#: rounding modes as a caseworker says them
MODE_NAMES = {"half_up": "四舍五入", "up": "向上进位", "down": "向下舍去", "half_even": "四舍六入五成双"}


def round_to(value: Decimal, unit: Decimal, mode: str, after: Decimal | None = None) -> Decimal:
    """Round to a multiple of ``unit`` (0.01, 0.1, 1, 5 …) in the named mode; with
    ``after``, first cut down to that finer unit (见分进角: only whole fen count)."""
    if after is not None:
        value = round_to(value, after, "down")
    steps = (value / unit).quantize(Decimal(1), rounding=MODES[mode])
    return steps * unit


class Amount(NamedTuple):
    """An amount a benefit's result carries (SPEC §3.2): its name, labels and kind
    (``money`` as two-decimal text, ``count`` as an integer, ``text`` as is); an amount not
    ``required`` is in the results where it applies (injury: disability or death)."""

    name: str
    zh: str
    en: str
    kind: str = "money"
    required: bool = True


class Outcome(NamedTuple):
    """What a benefit's calculation returns; its steps are in the ``Rules`` it read through."""

    eligible: bool
    reasons: tuple[Notice, ...]
    amounts: dict[str, AmountValue]
    extras: tuple[Extra, ...] = ()


Method = Callable[[Any, "Rules"], Any]

#: a step's formula text, or a function that builds it: ``computed`` and ``rounded`` call it
#: only where steps are kept (so a calculation without steps never formats its formulas),
#: before they return and never later, so one made in a loop sees that pass's values (B023)
Text = str | Callable[[], str]


def text(value: Text) -> str:
    """The text of a ``Text``: the string itself, or what the function builds."""
    return value if isinstance(value, str) else value()


class Benefit(NamedTuple):
    """Everything about one benefit, declared once in its module (``BENEFIT``): the case
    union, dispatch, result schemas, labels and rendering all derive from these records."""

    id: str
    name: tuple[str, str]
    case_model: type[CaseBase]
    amounts: tuple[Amount, ...]
    #: the sub-sections ``calculate`` reads itself (methods declare theirs in ``READS``)
    reads: tuple[str, ...]
    #: sub-section → method tag → function, for sub-sections whose blocks name a ``method``
    methods: Mapping[str, Mapping[str, Method]]
    #: step id → (zh, en)
    labels: Mapping[str, tuple[str, str]]
    calculate: Callable[[Any, Rules], Outcome]
    #: the benefit's ruleset section, when it is defined outside the package
    group: Group | None = None


#: Labels of steps that shared helpers record, available to every benefit.
COMMON_LABELS: dict[str, tuple[str, str]] = {
    "tier": ("适用区域类别", "area tier"),
    "minimum_wage": ("月最低工资标准", "monthly minimum wage"),
    "low_income_standard": ("城市居民最低生活保障标准", "urban minimum living standard (低保)"),
    "extra_multiple": ("附加待遇倍数", "multiple of an additional entitlement"),
    "extra_amount": ("附加待遇金额", "amount of an additional entitlement"),
}


#: (benefit id, step id) → its label, found once
_LABELS: dict[tuple[str, str], tuple[str, str]] = {}


class Trace:
    """What one calculation read and computed: steps, warnings, cited sources, and the
    blocks and defaults it used (what ``resolved_sha256`` hashes)."""

    def __init__(self, steps: bool = True) -> None:
        #: whether steps are kept: without them (a batch that does not ask for them) nothing
        #: else changes — sources, warnings and the blocks used are recorded all the same
        self.keep = steps
        self.steps: list[Step] = []
        self.ids: set[str] = set()
        self.warnings: list[Notice] = []
        self.sources: set[str] = set()
        self.used: dict[tuple[str, str, int], InForce] = {}
        self.defaults: dict[str, RulesetFile] = {}
        #: the district an area tier was first looked up for (for a case without one: the core district)
        self.area_district: str | None = None

    def add(self, step: Step) -> None:
        """Record a step; a second step of the same id is a bug (``ProgrammingError``): a
        script finds a number by its id, so each id says one thing. (Without steps nothing is
        recorded and nothing checked: ids come from the code and from validated rulesets —
        one file per level, unique rows and item ids — and the tests compute with steps.)"""
        if not self.keep:
            return
        if step.id in self.ids:
            raise ProgrammingError(f"step {step.id!r} recorded twice: give the second one its own id")
        self.ids.add(step.id)
        self.steps.append(step)


class Rules:
    """The tracing view of the rules in force for one case (see the module docstring)."""

    def __init__(self, resolved: Resolved, benefit: Benefit, allowed: frozenset[str],
                 trace: Trace | None = None, at: Callable[[dt.date], Resolved] | None = None) -> None:
        self.resolved = resolved
        self.benefit = benefit
        self.allowed = allowed
        self.trace = trace if trace is not None else Trace()
        #: the rules of the same region on another date (given by the engine)
        self.at = at

    def on(self, day: dt.date) -> Rules:
        """The same view over the rules in force on another day (the law that applies at a
        later event, such as reaching an age); its reads are traced with this one's."""
        if self.at is None:
            raise ProgrammingError("these rules cannot look at another date")
        return Rules(self.at(day), self.benefit, self.allowed, self.trace, self.at)

    def peek(self, sub: str, *parts: str) -> Any:
        """A value read only to choose which date's rules apply, not shown: the value used
        in the calculation is read again, traced, from the block that applies."""
        self._allow(sub)
        return value_at(self.resolved.get(sub).block, parts)[0]

    @property
    def as_of(self) -> dt.date:
        return self.resolved.as_of

    @property
    def region(self) -> str:
        return self.resolved.region

    # -- where values come from ------------------------------------------------------------

    def _allow(self, sub: str) -> None:
        require(sub)  # a name no ruleset model defines is a bug
        if sub not in self.allowed:
            raise ProgrammingError(f"{self.benefit.id} reads {sub} without declaring it "
                                   f"(declared: {', '.join(sorted(self.allowed))})")

    def _use(self, found: InForce) -> InForce:
        where = (found.subsection, found.position)
        known = found.file.uses.get(where)
        if known is None:  # the block's key and whether it is a declared gap, worked out once
            note = found.block.unsourced_note()
            known = found.file.uses[where] = (found.key, note if note and not require(found.subsection).additive
                                              else None)
        key, note = known
        self.trace.used[key] = found
        if note:
            ref = found.ref()
            raise NoRulesetInForceError(
                f"no ruleset in force for {self.region}: {found.subsection} on {self.as_of} is not sourced at the "
                f"{found.level} level ({found.region}): {note}",
                {"region": self.region, "subsection": found.subsection, "level": found.level,
                 "level_region": found.region, "date": self.as_of.isoformat(),
                 "since": ref.since.isoformat() if ref.since else None},
                zh=f"{self.region} 在 {self.as_of} 无有效规则：{LEVEL_NAMES.get(found.level, found.level)}级"
                   f"（{found.region}）的 {found.subsection} 无来源：{note}")
        return found

    def block(self, sub: str) -> InForce:
        """The block in force (``no_ruleset_in_force`` where none is), marked as used."""
        self._allow(sub)
        return self._use(self.resolved.get(sub))

    def find(self, sub: str) -> InForce | None:
        """The block in force, or None for an optional sub-section."""
        self._allow(sub)
        found = self.resolved.find(sub)
        return None if found is None else self._use(found)

    def year(self, sub: str, year: int, series: str | tuple[str, ...] | None = None) -> InForce:
        """The yearly block *of* ``year`` (never another year's); several ``series`` are
        tried in order."""
        self._allow(sub)
        return self._use(self.resolved.year(sub, year, series))

    def find_year(self, sub: str, year: int, series: str | None = None) -> InForce | None:
        """The yearly block of ``year``, or None for a figure a calculation can do without."""
        self._allow(sub)
        found = self.resolved.find_year(sub, year, series)
        return None if found is None else self._use(found)

    def previous_year(self, sub: str, series: str | None = None) -> InForce:
        """The yearly block of the year before ``as_of`` (上年度)."""
        return self.year(sub, self.as_of.year - 1, series)

    def _found(self, sub: str | InForce) -> InForce:
        return self.block(sub) if isinstance(sub, str) else sub

    # -- reading values ----------------------------------------------------------------------

    def value(self, sub: str, *parts: str, step: str) -> Any:
        """The value at ``parts`` of the block in force, recorded as a step."""
        return self.read(self.block(sub), *parts, step=step)

    def read(self, found: InForce, *parts: str, step: str) -> Any:
        """The value at ``parts`` of a block already found, recorded as a step."""
        key = (found.subsection, found.position, parts)
        hit = found.file.reads.get(key)
        if hit is None:  # a block never changes: each value is found once
            try:
                value, prov = value_at(found.block, parts)
            except KeyError:
                raise InvalidRulesetError([_problem(found, path_of(parts), "has no such value", "无此数值")]) from None
            hit = found.file.reads[key] = (value, prov, path_of(parts))
        value, prov, path = hit
        self._record(step, found, path, value, prov)
        return value

    def setting(self, found: InForce, field: str, step: str) -> Any:
        """A block's non-numeric setting (a list of groups, a method's index), recorded as a
        step with the block's source."""
        value = getattr(found.block, field)
        shown = ", ".join(map(str, value)) if isinstance(value, tuple) else value
        self._record(step, found, field, shown, None)
        return value

    def row(self, sub: str | InForce, field: str, x: Decimal, step: str) -> Decimal:
        """The value of the bracket row holding ``x`` (lookup mode), recorded as a step."""
        found = self.row_or_none(sub, field, x, step)
        if found is None:
            at = self._found(sub)
            unit = getattr(at.block, field).unit
            raise InvalidRulesetError([_problem(at, field, f"no row holds {fmt(x)} {unit}",
                                                f"没有适用于 {fmt(x)} {unit} 的档次")])
        return found

    def row_or_none(self, sub: str | InForce, field: str, x: Decimal, step: str) -> Decimal | None:
        """The value of the row holding ``x``, or None below the first row (nothing recorded)."""
        found = self._found(sub)
        brackets = getattr(found.block, field)
        row = brackets.row_for(x)
        if row is None:
            return None
        self._record(step, found, row_path(field, row), row.value, row)
        return row.value

    def marginal(self, sub: str | InForce, field: str, x: Decimal, step: str, total_step: str) -> Decimal:
        """Σ each row's rate × the part of ``x`` inside the row (marginal mode), with a step
        per row used and one for the sum."""
        found = self._found(sub)
        brackets = getattr(found.block, field)
        terms = []
        for row, part in brackets.parts(x):  # a step per row: ``years_rate[15-25]``
            self._record(row_path(step, row), found, row_path(field, row), row.value, row)
            if self.trace.keep:
                terms.append(f"{fmt(part)} × {fmt(row.value)}")
        return self.computed(total_step, lambda: " + ".join(terms) or "0", brackets.marginal(x))

    def tier(self, scheme: str, district: str | None, step: str = "tier") -> str:
        """The area tier of a district (or of the core districts), recorded as a step."""
        self._allow(area_subsection(scheme))
        tier, entry, area, name = self.resolved.tier(scheme, district)
        self._use(area)
        if self.trace.area_district is None:
            self.trace.area_district = name
        self._record(step, area, path_of(("districts", name)), tier, entry)
        return tier

    def layers(self, sub: str, field_step: str, total_step: str) -> Decimal:
        """An additive sub-section: each level's ``add`` (or ``at_least``) from national
        down, a step each (``<field_step>.<level>``: ``basic_level.province``), and the
        running total (``<total_step>.<level>``) (README, "Additive layering")."""
        self._allow(sub)
        total = Decimal(0)
        found_all = self.resolved.layers(sub)
        unsourced = [f for f in self.resolved.chain if not f.blocks(sub)]
        for f in reversed(unsourced):  # a level nobody sourced adds nothing, and the result says so
            self.warn(Notice("level_not_sourced",
                             f"{f.meta.name.zh}（{f.region}）这一级的 {sub} 无来源，未计入",
                             f"{sub} at the {f.meta.level} level ({f.region}) is not sourced: nothing is counted "
                             "for it"))
        for found in found_all:
            self._use(found)
            block = found.block
            field, total_id = f"{field_step}.{found.level}", f"{total_step}.{found.level}"
            if block.add is not None:
                add = self.read(found, "add", step=field)
                total = self.computed(
                    total_id, lambda: f"{money(total)} + {fmt(add)} ({found.region})",  # noqa: B023 - called at once
                    total + add)
            else:
                least = self.read(found, "at_least", step=field)
                total = self.computed(
                    total_id,
                    lambda: f"max({money(total)}, {fmt(least)}) ({found.region})",  # noqa: B023 - called at once
                    max(total, least))
        return total

    def rounded(self, found: InForce, value: Decimal, step: str, formula: Text,
                component: str = "amount", zh: Text | None = None) -> Decimal:
        """``value`` (money) rounded as the block says for ``component``, or by the chain's
        ``[defaults] round`` where the document is silent (the step says which, in English
        and in Chinese; ``zh`` is ``formula`` in Chinese where it has words). ``formula`` and
        ``zh`` may be given as functions that build them: they are called only where steps
        are kept."""
        rounding: Rounding | None = (getattr(found.block, "round", None) or {}).get(component)
        file = None
        if rounding is None:
            rounding, file = self.default_rounding()
        result = round_to(value, rounding.unit, rounding.mode, rounding.after)
        if not self.trace.keep:
            return result
        if file is None:
            where, where_zh = f" ({found.region} {found.subsection})", f"（{found.region} {found.subsection} 的规定）"
        else:
            where = f": the document is silent, default of {file.name}"
            where_zh = f"（文件未规定，取 {file.name} 的默认规则）"
        formula = text(formula)
        zh = None if zh is None else text(zh)
        unit = fmt(rounding.unit)
        how = f"rounded to {unit} {rounding.mode}{where}"
        how_zh = f"按 {unit} {MODE_NAMES.get(rounding.mode, rounding.mode)}{where_zh}"
        if rounding.after is not None:
            how = f"cut to {fmt(rounding.after)}, then " + how
            how_zh = f"先向下取至 {fmt(rounding.after)}，再" + how_zh
        shown, done = money(value), money(result)
        bare = formula in (fmt(value), shown)
        worked = formula if bare else f"{formula} = {shown}"
        worked_zh = (zh or formula) if bare else f"{zh or formula} = {shown}"
        if shown != done:
            worked, worked_zh = f"{worked} → {done}", f"{worked_zh} → {done}"
        return self.computed(step, f"{worked} ({how})", result, zh=f"{worked_zh}；{how_zh}")

    def default_rounding(self) -> tuple[Rounding, RulesetFile]:
        rounding, file = self.resolved.default_rounding()
        self.trace.defaults[file.name] = file
        return rounding, file

    def computed(self, step: str, formula: Text, value: Any, zh: Text | None = None, money: bool = True) -> Any:
        """Record arithmetic on values already recorded: ``formula`` as arithmetic, with
        ``zh``, its Chinese, where it has words; a Decimal ``value`` is money (shown as an
        amount, "1575.00") unless ``money`` is False (a rate, a count of years). ``formula``
        and ``zh`` may be given as functions that build them: they are called only where
        steps are kept, so a calculation without steps does not format them."""
        if self.trace.keep:
            self.trace.add(Step(step, self._label(step), text(formula), value,
                                formula_zh=None if zh is None else text(zh), money=money))
        return value

    def join(self, other: Trace, prefix: str) -> None:
        """Add another calculation's trace to this one (a benefit's part inside another's
        result), its step ids under ``prefix`` (``price_subsidy.triggered``)."""
        for step in other.steps:
            self.trace.add(step._replace(id=f"{prefix}.{step.id}"))
        if self.trace.area_district is None:
            self.trace.area_district = other.area_district
        for w in other.warnings:
            self.warn(w)
        self.trace.sources.update(other.sources)
        self.trace.used.update(other.used)
        self.trace.defaults.update(other.defaults)

    def warn(self, notice: Notice) -> None:
        if notice not in self.trace.warnings:
            self.trace.warnings.append(notice)

    def cite(self, found: InForce, source: str | None = None) -> tuple[str, ...]:
        """The qualified ids of a block's source (or of ``source``, looked up from its file)."""
        qualified = self.resolved.qualify(source or found.block.source, found.file)[0]
        self.trace.sources.add(qualified)
        return (qualified,)

    def method(self, sub: str) -> tuple[Method, Rules]:
        """The function the block in force names in ``method``, and the view it may read
        through: its own sub-section and what its block model declares in ``READS``."""
        found = self.block(sub)
        tag = found.block.method
        fn = self.benefit.methods.get(sub, {}).get(tag)
        if fn is None:
            raise ProgrammingError(f"{self.benefit.id}: no function for method {tag!r} of {sub}")
        view = Rules(self.resolved, self.benefit, frozenset({sub, *found.block.READS}), self.trace, self.at)
        return fn, view

    # -- recording --------------------------------------------------------------------------

    def _label(self, step: str) -> tuple[str, str]:
        """The label of a step id, or of the id it refines (``dependant_pension.spouse`` →
        ``dependant_pension``, ``years_rate[15-25]`` → ``years_rate``)."""
        key = (self.benefit.id, step)
        label = _LABELS.get(key)
        if label is None:
            base = re.split(r"[.\[]", step, maxsplit=1)[0]
            label = (self.benefit.labels.get(step) or COMMON_LABELS.get(step) or self.benefit.labels.get(base)
                     or COMMON_LABELS.get(base))
            if label is None:
                raise ProgrammingError(f"{self.benefit.id}: step {step!r} has no label")
            if len(_LABELS) < 10_000:  # ids are few (a bracket row's id names its row): bounded anyway
                _LABELS[key] = label
        return label

    def _record(self, step: str, found: InForce, path: str, value: Any, prov: Provenance | None) -> None:
        key = (found.subsection, found.position, path)
        facts: Facts | None = found.file.facts.get(key)
        if facts is None:  # the same for every case that reads this value: worked out once
            facts = found.file.facts[key] = self._facts(found, prov)
        self.trace.sources.update(facts.sources)
        if self.trace.keep:
            param = f"{found.subsection}.{path}"
            self.trace.add(Step(step, self._label(step), f"{param} = {fmt(value)}", value, param,
                                found.ref(), found.level, facts.sources, facts.confidence))
        if facts.warning is not None:
            self.warn(facts.warning)

    def _facts(self, found: InForce, prov: Provenance | None) -> Facts:
        block = found.block
        own = prov.source if prov is not None else None
        sources = {self.resolved.qualify(block.source, found.file)[0]}
        if own:
            sources.add(self.resolved.qualify(own, found.file)[0])
        own_confidence = prov.confidence if prov is not None else "confirmed"
        confidence = worst(block.confidence, own_confidence)
        warning = None
        if confidence == "unconfirmed":
            note = (prov.note if prov is not None and own_confidence != "confirmed" else "") or \
                (block.note if block.confidence != "confirmed" else "")
            ref = found.ref()
            when = f"since {ref.since}" if ref.since is not None else f"year {ref.year}"
            where = f"{found.region} {found.subsection} ({when})"
            warning = Notice("unconfirmed_value", f"{where} 使用了未经确认的数值：{note}",
                             f"{where} uses an unconfirmed value: {note}")
        return Facts(tuple(sorted(sources)), confidence, warning)


class Facts(NamedTuple):
    """What reading one value of a block cites (qualified source ids, sorted), how sure it is,
    and the warning an unconfirmed value gives."""

    sources: tuple[str, ...]
    confidence: str
    warning: Notice | None


def _problem(found: InForce, path: str, message: str, zh: str) -> Problem:
    ref = found.ref()
    where = f"since={ref.since}" if ref.since is not None else f"year={ref.year}"
    prefix = "area" if found.subsection.startswith("area.") else found.subsection
    return Problem(found.file.name, f"{prefix}[{where}].{path}", message, zh=zh)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` until ``end`` (0 if ``end`` is not after ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
