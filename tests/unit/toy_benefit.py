"""A toy benefit defined entirely outside the package, to show that a benefit needs no
edit anywhere else: its case model, its ruleset section (a dated method with a rounded
component, an additive sub-section), its calculation and its ``Benefit`` record.

monthly_toy = the additive base (national + provincial + city levels)
            + fixed + ⌈share × the average wage of the year before⌉ to 0.1 yuan (见分进角 style)
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from benefitcalc.calc.base import Amount, Benefit, Outcome, Rules
from benefitcalc.explain import fmt
from benefitcalc.models import CaseBase, Months
from benefitcalc.rules.schema import DatedBlock, LayerBlock, Roundings, Share, Value
from benefitcalc.rules.sections import Group, Subsection

RATE = "toy_allowance.rate"
BASE = "toy_allowance.base"


class FixedPlusShare(DatedBlock):
    method: Literal["fixed_plus_share"]
    fixed: Value
    share: Share
    round: Roundings | None = None

    READS: ClassVar[tuple[str, ...]] = ("average_wage",)
    ROUNDED: ClassVar[tuple[str, ...]] = ("amount", "share_part")


class ToyCase(CaseBase):
    benefit: Literal["toy_allowance"]
    months: Months


def fixed_plus_share(case: ToyCase, rules: Rules) -> Decimal:
    fixed = rules.value(RATE, "fixed", step="fixed")
    share = rules.value(RATE, "share", step="share")
    wage = rules.read(rules.previous_year("average_wage", "全口径"), "monthly", step="average_wage")
    part = rules.rounded(rules.block(RATE), wage * share, "share_part", f"{fmt(wage)} × {fmt(share)}",
                         component="share_part")
    return rules.computed("rate_total", f"{fmt(fixed)} + {fmt(part)}", fixed + part)  # type: ignore[no-any-return]


def calculate(case: ToyCase, rules: Rules) -> Outcome:
    base = rules.layers(BASE, "base_level", "base_total")
    method, view = rules.method(RATE)
    rate = method(case, view)
    monthly = rules.rounded(rules.block(RATE), base + rate, "monthly_toy", f"{fmt(base)} + {fmt(rate)}")
    return Outcome(True, (), {"monthly_toy": monthly, "months": case.months})


TOY = Benefit(
    id="toy_allowance",
    name=("玩具津贴", "toy allowance"),
    case_model=ToyCase,
    amounts=(Amount("monthly_toy", "月津贴", "monthly allowance"), Amount("months", "月数", "months", kind="count")),
    reads=(BASE, RATE),
    methods={RATE: {"fixed_plus_share": fixed_plus_share}},
    labels={"fixed": ("定额", "fixed amount"), "share": ("比例", "share"),
            "average_wage": ("上年度月平均工资", "average monthly wage of the year before"),
            "share_part": ("按比例部分", "share part"), "rate_total": ("定额与比例之和", "fixed plus share"),
            "base_level": ("本级基础", "this level's base"), "base_total": ("累计基础", "base so far"),
            "monthly_toy": ("月津贴", "monthly allowance")},
    calculate=calculate,
    group=Group("toy_allowance", [Subsection(RATE, FixedPlusShare), Subsection(BASE, LayerBlock, kind="additive")]),
)

NATIONAL = """
[defaults]
round = { unit = "0.01", mode = "half_up" }

[[toy_allowance.base]]
since = 2020-01-01
source = "law"
add = 100
"""

PROVINCE = """
[sources.prov-doc]
title = "A provincial notice"

[[toy_allowance.base]]
since = 2020-01-01
source = "prov-doc"
at_least = 150

[[average_wage]]
year = 2022
series = "全口径"
source = "prov-doc"
monthly = 5800

[[average_wage]]
year = 2023
series = "全口径"
source = "prov-doc"
monthly = 6000.37

[[toy_allowance.rate]]
since = 2020-01-01
source = "prov-doc"
method = "fixed_plus_share"
fixed = 10
share = 0.013
round = { share_part = { unit = "0.1", mode = "up" } }
"""

CITY = """
[[toy_allowance.base]]
since = 2021-01-01
source = "law"
add = 20
"""
