"""The explanation model (SPEC §3.2): notices (reasons, warnings) and steps.

Every benefit builds its explanation with a ``Trace``: ``trace.param(...)`` records a
number taken from a ruleset (with its block, level, qualified sources and a warning
when the value is unconfirmed); ``trace.computed(...)`` records arithmetic on them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .record import Record

CONFIDENCE = ("confirmed", "derived", "unconfirmed")  # from most to least certain

if TYPE_CHECKING:
    from .rules.resolve import InForce, Resolved


class Notice(Record):
    """A reason or a warning: a stable ``code`` and a message in Chinese (``zh``) and English (``en``)."""

    __slots__ = ("code", "zh", "en")

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": {"zh": self.zh, "en": self.en}}


#: Step labels, one place for both languages.
LABELS: dict[str, tuple[str, str]] = {
    "min_contribution_months": ("最低缴费月数", "minimum months of contributions"),
    "eligible": ("是否符合领取条件", "eligible"),
    "contribution_years": ("缴费年限", "years of contributions"),
    "schedule_months": ("按缴费时间确定的领取月数", "months by contribution time"),
    "max_months": ("最长领取月数", "longest entitlement"),
    "duration_months": ("领取期限（月）", "months of benefit"),
    "tier": ("适用区域类别", "area tier"),
    "minimum_wage": ("月最低工资标准", "monthly minimum wage"),
    "share": ("失业保险金占最低工资标准的比例", "share of the minimum wage"),
    "flat_amount": ("失业保险金月标准", "monthly benefit standard"),
    "own_wage_share": ("按缴费年限确定的比例", "share by years of contributions"),
    "average_monthly_wage": ("失业前12个月月平均缴费工资", "average monthly contribution wage"),
    "share_of_own_wage": ("按本人工资计算的金额", "amount from own wage"),
    "low_income_standard": ("城市居民最低生活保障标准", "urban minimum living standard (低保)"),
    "floor_multiple": ("低保倍数（下限）", "floor as a multiple of 低保"),
    "floor": ("失业保险金下限", "floor"),
    "cap": ("失业保险金上限（最低工资标准）", "cap (minimum wage)"),
    "monthly_benefit": ("失业保险金月标准", "monthly benefit"),
    "total_benefit": ("失业保险金总额", "total benefit"),
    "carried_over_months": ("前次未领完的月数", "months carried over"),
}


def fmt(value: Any) -> str:
    """Numbers as fixed-point text, never exponent notation."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Step(Record):
    """One line of an explanation: what was taken or computed, from where."""

    __slots__ = ("id", "formula", "value", "param", "block", "level", "sources", "confidence")
    DEFAULTS = {"param": None, "block": None, "level": None, "sources": (), "confidence": None}

    def to_json(self) -> dict[str, Any]:
        zh, en = LABELS.get(self.id, (self.id, self.id))
        value = self.value if isinstance(self.value, int | bool) and not isinstance(self.value, bool) \
            else fmt(self.value)
        out = {"id": self.id, "label": {"zh": zh, "en": en}, "formula": self.formula, "value": value,
               "param": self.param, "block": None, "level": self.level, "sources": list(self.sources)}
        if self.block is not None:
            out["block"] = {k: fmt(v) if k != "year" else v for k, v in self.block.items()}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


class Trace:
    """Collects the steps, warnings and cited sources of one calculation."""

    def __init__(self, rules: Resolved) -> None:
        self.rules = rules
        self.steps: list[Step] = []
        self.warnings: list[Notice] = []
        self.sources: set[str] = set()

    def param(self, step_id: str, found: InForce, path: str, value: Any, prov: Any = None) -> Any:
        """Record a ruleset value: its param path, block, level and qualified sources."""
        block = found.block
        own = getattr(prov, "source", None) if prov is not None else None
        sources = sorted({self.rules.qualify(block.source, found.file)[0]} |
                         ({self.rules.qualify(own, found.file)[0]} if own else set()))
        self.sources.update(sources)
        own_confidence = getattr(prov, "confidence", "confirmed")
        confidence = max(block.confidence, own_confidence, key=CONFIDENCE.index)
        note = (prov.note if own_confidence != "confirmed" else "") or \
            (block.note if block.confidence != "confirmed" else "")
        param = f"{found.subsection}.{path}" if path else found.subsection
        self.steps.append(Step(step_id, f"{param} = {fmt(value)}", value, param, found.block_ref(),
                               found.level, tuple(sources), confidence))
        if confidence == "unconfirmed":
            where = f"{found.region} {found.subsection} ({'since' if 'since' in found.block_ref() else 'year'} " \
                    f"{found.block_ref().get('since', found.block_ref().get('year'))})"
            notice = Notice("unconfirmed_value", f"{where} 使用了未经确认的数值：{note}",
                            f"{where} uses an unconfirmed value: {note}")
            if notice not in self.warnings:  # one warning per block and reason
                self.warnings.append(notice)
        return value

    def computed(self, step_id: str, formula: str, value: Any) -> Any:
        self.steps.append(Step(step_id, formula, value))
        return value

    def warn(self, notice: Notice) -> None:
        self.warnings.append(notice)
