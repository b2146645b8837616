"""工伤保险待遇 (work-injury benefits): what is due for a disability (grades 1–10) or a
death caused by a work injury, each amount from the article that sets it.

- 本人工资 (own wage, 工伤保险条例 第64条): the case's 12-month average, clamped to 60 %–300 %
  of the 统筹地区 average monthly wage of the year before the injury.
- Disability (第35–37条): the one-off disability subsidy, the monthly allowance (never below
  the minimum wage in force), the care allowance (第34条), and for grades 5–10 leaving work
  the province's one-off medical and employment subsidies, cut near the statutory
  retirement age where the province says so.
- Death (第39条): the funeral grant, the one-off death subsidy and the dependants' pensions.

Every figure a component needs must be sourced for the date: where one is not (an average
wage for a year, say), the calculation fails with ``no_ruleset_in_force`` naming the
sub-section and year, never a partial result (README, "Work injury").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import BilingualValueError, InvalidInputError
from ..explain import fmt, money
from ..models import CaseBase, CaseDay, Date, Flag, Money, whole_number
from ..notices import Notice
from ..rules.resolve import InForce
from .base import Amount, Benefit, Outcome, Rules
from .retirement_age import LABELS as RETIREMENT_LABELS
from .retirement_age import METHODS as RETIREMENT_METHODS
from .retirement_age import RULE as RETIREMENT_RULE
from .retirement_age import OriginalAgeField, check_birth, check_sex_and_age, month_index, month_text, retirement_of

OWN_WAGE = "injury.own_wage"
DISABILITY = "injury.disability"
CARE = "injury.care"
DEATH = "injury.death"
LEAVING = "injury.leaving"
ZERO = Decimal(0)
RELATION_NAMES = {"spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他亲属"}

DISABILITY_AMOUNTS = ("one_time_disability_subsidy", "monthly_disability_allowance", "monthly_care_allowance",
                      "one_time_medical_subsidy", "one_time_employment_subsidy")
DEATH_AMOUNTS = ("funeral_grant", "one_time_death_subsidy", "monthly_dependants_pension")

Grade = Annotated[int, BeforeValidator(whole_number), Field(ge=1, le=10)]


class Dependant(BaseModel):
    """A relative the deceased supported (供养亲属); ``extra`` for an orphan or a lone elder
    (孤儿、孤寡老人), who get 10 % more (第39条)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relation: Literal["spouse", "child", "parent", "other"]
    extra: Flag = False


class InjuryCase(CaseBase):
    """工伤保险待遇: ``as_of`` is the date of the injury (for death benefits, of the death)."""

    benefit: Literal["injury"]
    outcome: Literal["disability", "death"]
    #: 1 (most severe) to 10; for a death, the grade of a worker already assessed (第39条第三款)
    disability_grade: Grade | None = None
    #: the average monthly contribution wage of the 12 months before the injury (第64条)
    own_monthly_wage: Money
    #: none, or the care level assessed: full / major / partial (生活完全 / 大部分 / 部分不能自理),
    #: or level_1 … level_4 where the province grades care itself (广东 第二十七条)
    care_level: Literal["none", "full", "major", "partial", "level_1", "level_2", "level_3", "level_4"] = "none"
    employment_ended: Flag = False
    employment_end_date: CaseDay | None = None
    #: grades 5–6: whether the employer arranges suitable work (第36条)
    work_arranged: Flag = True
    #: an occupational disease (职业病): some provinces raise the medical subsidy
    occupational_disease: Flag = False
    #: the worker ended the contract for the employer's fault (劳动合同法 第38条)
    employer_fault: Flag = False
    birth_date: Date | None = None
    sex: Literal["male", "female"] | None = None
    original_age: OriginalAgeField = None
    dependants: tuple[Dependant, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> InjuryCase:
        check_sex_and_age(self.sex, self.original_age, required=False)
        check_birth(self.birth_date, self.as_of)
        if self.outcome == "disability":
            if self.disability_grade is None:
                raise BilingualValueError("disability_grade: required for a disability (1 to 10)",
                                          "disability_grade：伤残必填（1 至 10 级）")
            if self.dependants:
                raise BilingualValueError("dependants: only for a death", "dependants：仅适用于因工死亡")
        elif self.care_level != "none" or self.employment_ended:
            field = "care_level" if self.care_level != "none" else "employment_ended"
            raise BilingualValueError(f"{field}: only for a disability", f"{field}：仅适用于伤残")
        if self.employment_end_date is not None:
            if not self.employment_ended:
                raise BilingualValueError("employment_end_date: give employment_ended too",
                                          "employment_end_date：须同时填写 employment_ended")
            if self.employment_end_date < self.as_of:
                raise BilingualValueError(f"employment_end_date: must not be before the injury ({self.as_of})",
                                          f"employment_end_date：不得早于受伤日期（{self.as_of}）")
        return self


# -- 本人工资 ---------------------------------------------------------------------------------


def average_wage(rules: Rules, year: int, step: str = "average_wage") -> Decimal:
    """The 统筹地区 average monthly wage of ``year``, a step."""
    return rules.read(rules.year("average_wage", year), "monthly", step=step)


def own_wage(case: InjuryCase, rules: Rules, average: Decimal | None = None) -> Decimal:
    """第64条: the case's wage, at least 60 % and at most 300 % of the average of the year
    before (``average``, where it is already read)."""
    if average is None:
        average = average_wage(rules, case.as_of.year - 1)
    low = rules.value(OWN_WAGE, "floor_share", step="own_wage_floor_share")
    high = rules.value(OWN_WAGE, "cap_multiple", step="own_wage_cap_multiple")
    floor = rules.computed("own_wage_floor", lambda: f"{fmt(average)} × {fmt(low)}", average * low)
    cap = rules.computed("own_wage_cap", lambda: f"{fmt(average)} × {fmt(high)}", average * high)
    wage = case.own_monthly_wage
    used = max(floor, min(wage, cap))
    why, why_zh = (("raised to the floor", "低于下限，按下限计") if used > wage else
                   ("lowered to the cap", "高于上限，按上限计") if used < wage else
                   ("within the bounds", "在上下限之间"))
    if rules.trace.keep:  # the worked text is in both languages: built once, only for the steps
        worked = f"max({money(floor)}, min({money(wage)}, {money(cap)})) = {money(used)}"
        rules.computed("own_wage", f"{worked} ({why}; 工伤保险条例 第64条)", used,
                       zh=f"{worked}（{why_zh}；工伤保险条例 第64条）")
    return used


# -- disability ------------------------------------------------------------------------------


def disability_subsidy(grade: str, wage: Decimal, rules: Rules) -> Decimal:
    """第35–37条 (一): months of own wage by grade."""
    found = rules.block(DISABILITY)
    months = rules.read(found, "subsidy_months", grade, step="disability_subsidy_months")
    return rules.rounded(found, wage * months, "one_time_disability_subsidy",
                         lambda: f"{money(wage)} × {fmt(months)}", component="subsidy")


def disability_allowance(case: InjuryCase, grade: str, wage: Decimal, rules: Rules) -> Decimal:
    """第35条 (二), 第36条 (二): a share of own wage by grade — for the grades of 第36条 only
    when the employer cannot arrange work — never below the minimum wage in force."""
    found = rules.block(DISABILITY)
    block = found.block
    if grade not in block.allowance_shares:
        return rules.computed("monthly_disability_allowance",
                              lambda: f"grade {grade}: no allowance (工伤保险条例 第37条)",
                              ZERO, zh=lambda: f"{grade} 级：无伤残津贴（工伤保险条例 第37条）")
    if grade in block.only_without_work and case.employment_ended:
        return rules.computed("monthly_disability_allowance", lambda: f"grade {grade}: the employment relation has "
                              "ended, so the one-off payments replace the allowance (工伤保险条例 第36条)", ZERO,
                              zh=lambda: f"{grade} 级：已解除劳动关系，以一次性补助金代替伤残津贴"
                                         "（工伤保险条例 第36条）")
    if grade in block.only_without_work and case.work_arranged:
        return rules.computed("monthly_disability_allowance", lambda: f"grade {grade}: the employer arranges work, "
                              "so no allowance (工伤保险条例 第36条)", ZERO,
                              zh=lambda: f"{grade} 级：用人单位安排适当工作，不发伤残津贴（工伤保险条例 第36条）")
    share = rules.read(found, "allowance_shares", grade, step="allowance_share")
    raw = rules.computed("allowance_from_wage", lambda: f"{money(wage)} × {fmt(share)}", wage * share)
    tier = rules.tier("minimum_wage", case.district)
    minimum = rules.value("minimum_wage", "monthly", tier, step="minimum_wage")
    payer, payer_zh = (("the employer pays (第36条)", "由用人单位支付（第36条）") if grade in block.only_without_work
                       else ("the fund pays (第35条)", "由工伤保险基金支付（第35条）"))

    def formula() -> str:
        if raw < minimum:
            return (f"max({money(raw)}, {fmt(minimum)}): topped up by {money(minimum - raw)} to the minimum wage; "
                    f"{payer}")
        return f"max({money(raw)}, {fmt(minimum)}); {payer}"

    def zh() -> str:
        if raw < minimum:
            return f"max({money(raw)}, {fmt(minimum)})：补足 {money(minimum - raw)} 至最低工资标准；{payer_zh}"
        return f"max({money(raw)}, {fmt(minimum)})；{payer_zh}"

    return rules.rounded(found, max(raw, minimum), "monthly_disability_allowance", formula, component="allowance",
                         zh=zh)


def care_allowance(case: InjuryCase, rules: Rules, average: Decimal) -> Decimal:
    """第34条: a share of the average monthly wage of the year before (``average``), by care level."""
    if case.care_level == "none":
        return rules.computed("monthly_care_allowance", "care_level none: no care allowance", ZERO,
                              zh="无护理等级：不发生活护理费")
    found = rules.block(CARE)
    levels = found.block.shares
    if case.care_level not in levels:
        raise InvalidInputError(
            f"care_level: {rules.region} grades care as {', '.join(levels)} on {case.as_of}, not {case.care_level}",
            field="care_level",
            zh=f"care_level：{rules.region} 在 {case.as_of} 的护理等级为 {', '.join(levels)}，不含 {case.care_level}")
    share = rules.read(found, "shares", case.care_level, step="care_share")
    return rules.rounded(found, average * share, "monthly_care_allowance", lambda: f"{fmt(average)} × {fmt(share)}")


class Leaving(NamedTuple):
    """What a one-off-payment method computes from: the case and the own wage used."""

    case: InjuryCase
    wage: Decimal
    grade: str


def months_of_own_wage(on: Leaving, rules: Rules) -> tuple[Decimal, Decimal]:
    """Months of own wage (本人工资) by grade."""
    return _months(on, rules, on.wage, ("own wage", "本人工资"))


def months_of_average_wage(on: Leaving, rules: Rules) -> tuple[Decimal, Decimal]:
    """Months of the 统筹地区 average monthly wage of the year before leaving work."""
    left = on.case.employment_end_date or on.case.as_of
    average = average_wage(rules, left.year - 1, step="average_wage.at_leaving")
    return _months(on, rules, average, ("average wage", "职工月平均工资"))


def _months(on: Leaving, rules: Rules, base: Decimal, what: tuple[str, str]) -> tuple[Decimal, Decimal]:
    out = []
    for name in ("medical", "employment"):
        months = rules.value(LEAVING, name, on.grade, step=f"{name}_subsidy_months")
        out.append(rules.computed(
            f"{name}_subsidy_base", lambda: f"{money(base)} ({what[0]}) × {fmt(months)}",  # noqa: B023 - called at once
            base * months, zh=lambda: f"{money(base)}（{what[1]}）× {fmt(months)}"))  # noqa: B023 - called at once
    return out[0], out[1]


def fixed_amounts(on: Leaving, rules: Rules) -> tuple[Decimal, Decimal]:
    """Fixed yuan amounts by grade."""
    medical = rules.value(LEAVING, "medical", on.grade, step="medical_subsidy_base")
    employment = rules.value(LEAVING, "employment", on.grade, step="employment_subsidy_base")
    return medical, employment


def leaving_subsidies(case: InjuryCase, grade: str, wage: Decimal, rules: Rules) -> tuple[Decimal, Decimal]:
    """第36条 (三), 第37条 (二): the province's one-off medical and employment subsidies for
    grades 5–10 leaving work, with its uplift for an occupational disease and its cut near
    the statutory retirement age."""
    if int(grade) < 5 or not case.employment_ended:
        why, why_zh = ((f"grade {grade}: the worker keeps the employment relation (第35条)",
                        f"{grade} 级：保留劳动关系（工伤保险条例 第35条）") if int(grade) < 5
                       else ("employment has not ended (第36条, 第37条)",
                             "未解除劳动关系（工伤保险条例 第36条、第37条）"))
        return (rules.computed("one_time_medical_subsidy", why, ZERO, zh=why_zh),
                rules.computed("one_time_employment_subsidy", why, ZERO, zh=why_zh))
    method, view = rules.method(LEAVING)
    medical, employment = method(Leaving(case, wage, grade), view)
    found = rules.block(LEAVING)
    block = found.block
    if case.occupational_disease and block.disease_uplift is not None:
        uplift = rules.read(found, "disease_uplift", step="disease_uplift")
        medical = rules.computed("medical_subsidy_base.occupational_disease",
                                 lambda: f"{money(medical)} × (1 + {fmt(uplift)}): occupational disease",
                                 medical * (1 + uplift),
                                 zh=lambda: f"{money(medical)} × (1 + {fmt(uplift)})：职业病加发")
    share = near_retirement_share(case, found, rules)
    cuts = block.near_retirement_cuts if share is not None else ()
    amounts = {}
    for name, base in (("medical", medical), ("employment", employment)):
        cut = share if name in cuts else None
        amounts[name] = rules.rounded(
            found, base if cut is None else base * cut, f"one_time_{name}_subsidy",
            lambda: money(base) if cut is None else f"{money(base)} × {fmt(cut)}",  # noqa: B023 - called at once
            component=name)
    return amounts["medical"], amounts["employment"]


def near_retirement_share(case: InjuryCase, found: InForce, rules: Rules) -> Decimal | None:
    """The share paid by whole months from leaving work to the statutory retirement month,
    where the province cuts the payments near it; None where no cut applies."""
    block = found.block
    if block.near_retirement is None:
        return None
    if case.employer_fault and block.employer_fault_exempt:
        rules.computed("near_retirement_share", "the worker left for the employer's fault (劳动合同法 第38条): "
                       "no cut", Decimal(1), zh="因用人单位过错解除劳动合同（劳动合同法 第38条）：不减发", money=False)
        return None
    retirement = retirement_of(case.birth_date, case.sex, case.original_age, rules, Notice(
        "near_retirement_not_checked",
        f"{rules.region} 对临近法定退休年龄者减发一次性补助金，但未推算法定退休时间：需提供出生日期和性别"
        "（女性另需原法定退休年龄50或55），金额按未减发计算",
        f"{rules.region} cuts the one-off payments near the statutory retirement age, but the retirement month "
        "is not derived (it needs birth_date and sex, and for a woman original_age 50 or 55): the amounts are "
        "shown uncut"), warn_if_absent=True)
    if retirement is None:
        return None
    left_on = case.employment_end_date or case.as_of
    if case.employment_end_date is None:
        rules.warn(Notice("employment_end_date_assumed",
                          f"未提供解除劳动关系日期，按受伤日期 {case.as_of} 计算距法定退休年龄的时间",
                          f"employment_end_date not given: the time to the statutory retirement age is counted "
                          f"from the injury date {case.as_of}"))
    months = max(retirement.month - month_index(left_on.year, left_on.month), 0)
    if rules.trace.keep:  # the worked text is in both languages: built once, only for the steps
        worked = f"{month_text(retirement.month)} − {left_on:%Y-%m} = {months}"
        rules.computed("months_to_retirement", f"{worked} months (0 once reached)", months,
                       zh=f"{worked} 个月（已达到法定退休时间的为 0）")
    return rules.row(LEAVING, "near_retirement", Decimal(months), step="near_retirement_share")


def disability(case: InjuryCase, rules: Rules) -> dict[str, Any]:
    assert case.disability_grade is not None  # the case model requires it
    grade = str(case.disability_grade)
    average = average_wage(rules, case.as_of.year - 1)
    wage = own_wage(case, rules, average)
    subsidy = disability_subsidy(grade, wage, rules)
    allowance = disability_allowance(case, grade, wage, rules)
    if allowance and grade not in rules.block(DISABILITY).block.only_without_work:
        allowance_until(case, rules)
    care = care_allowance(case, rules, average)
    medical, employment = leaving_subsidies(case, grade, wage, rules)
    return dict(zip(DISABILITY_AMOUNTS, (subsidy, allowance, care, medical, employment), strict=True))


def allowance_until(case: InjuryCase, rules: Rules) -> None:
    """第35条 (三): the grades 1–4 allowance runs until the statutory retirement month, when
    the basic pension takes over (the fund pays any shortfall)."""
    retirement = retirement_of(case.birth_date, case.sex, case.original_age, rules, Notice(
        "allowance_end_not_derived", "未推算伤残津贴停发时间（法定退休时间）：需提供出生日期和性别",
        "the month the allowance ends (the statutory retirement month) is not derived: it needs birth_date and sex"))
    if retirement is not None and retirement.month <= month_index(case.as_of.year, case.as_of.month):
        rules.warn(Notice(
            "statutory_retirement_age_reached",
            f"受伤时已达到法定退休年龄（{month_text(retirement.month)}）：伤残津贴应由基本养老金代替（工伤保险条例第35条）",
            f"the statutory retirement age was reached ({month_text(retirement.month)}) before the injury: a basic "
            "pension replaces the allowance (工伤保险条例 第35条)"))
    if retirement is not None:
        month = month_text(retirement.month)
        rules.computed("allowance_until", lambda: f"the statutory retirement month {month}, when the basic pension "
                       "starts; the fund pays the difference if it is lower (工伤保险条例 第35条)", month,
                       zh=lambda: f"法定退休时间 {month}：停发伤残津贴，享受基本养老保险待遇；"
                                  "基本养老金低于伤残津贴的，由工伤保险基金补足差额（工伤保险条例 第35条）")


# -- death -----------------------------------------------------------------------------------


def death(case: InjuryCase, rules: Rules) -> dict[str, Any]:
    """第39条: funeral grant, one-off death subsidy and the dependants' pensions."""
    found = rules.block(DEATH)
    block = found.block
    year = case.as_of.year - 1
    average = average_wage(rules, year)
    months = rules.read(found, "funeral_months", step="funeral_months")
    funeral = rules.rounded(found, average * months, "funeral_grant", lambda: f"{fmt(average)} × {fmt(months)}",
                            component="funeral")
    grade = str(case.disability_grade) if case.disability_grade is not None else None
    if grade is not None and grade in block.no_death_subsidy_grades:
        subsidy = rules.computed("one_time_death_subsidy", lambda: f"grade {grade}: a worker of grades 1–4 who dies "
                                 "after the paid leave gets no one-off death subsidy (工伤保险条例 第39条第三款)", ZERO,
                                 zh=lambda: f"{grade} 级：一至四级伤残职工在停工留薪期满后死亡的，"
                                            "不享受一次性工亡补助金（工伤保险条例 第39条第三款）")
    else:
        income = rules.read(rules.year("urban_disposable_income", year), "annual", step="urban_disposable_income")
        multiple = rules.read(found, "death_subsidy_multiple", step="death_subsidy_multiple")
        subsidy = rules.rounded(found, income * multiple, "one_time_death_subsidy",
                                lambda: f"{fmt(income)} × {fmt(multiple)}", component="death_subsidy")
    pension = dependants_pension(case, found, rules, average)
    return dict(zip(DEATH_AMOUNTS, (funeral, subsidy, pension), strict=True))


def dependants_pension(case: InjuryCase, found: InForce, rules: Rules, average: Decimal) -> Decimal:
    """第39条 (二): 40 % of own wage for the spouse, 30 % for each other dependant, 10 % more
    for an orphan or a lone elder; together at most the own wage."""
    if not case.dependants:
        return rules.computed("monthly_dependants_pension", "no dependants", ZERO, zh="无供养亲属")
    wage = own_wage(case, rules, average)
    shares: dict[str, Decimal] = {}
    total = ZERO
    seen: dict[str, int] = {}
    for i, person in enumerate(case.dependants, 1):
        # a step per person: dependant_pension.spouse, .child, .child_2 (the second child) …
        seen[person.relation] = nth = seen.get(person.relation, 0) + 1
        ident = f"dependant_pension.{person.relation}" + (f"_{nth}" if nth > 1 else "")
        key = "spouse_share" if person.relation == "spouse" else "other_share"
        keys = (key, "extra_share") if person.extra else (key,)
        for k in keys:
            if k not in shares:
                shares[k] = rules.read(found, k, step=k)
        parts = [shares[k] for k in keys]
        share = sum(parts, ZERO)
        amount = wage * share
        if rules.trace.keep:  # the worked text is in both languages: built once, only for the steps
            shown = " + ".join(map(fmt, parts))
            worked = f"{money(wage)} × {f'({shown})' if person.extra else shown}"
            who = f"#{i} {person.relation}{' (orphan or lone elder)' if person.extra else ''}"
            who_zh = f"第{i}人 {RELATION_NAMES[person.relation]}{'（孤儿或孤寡老人）' if person.extra else ''}"
            rules.computed(ident, f"{who}: {worked}", amount, zh=f"{who_zh}：{worked}")
        total += amount
    capped = min(total, wage)

    def formula() -> str:
        if capped < total:
            return (f"min({money(total)}, {money(wage)}): capped at the own wage {money(wage)} (工伤保险条例 第39条); "
                    "the 条例 does not say how the cap is shared")
        return f"min({money(total)}, {money(wage)}): within the own wage (工伤保险条例 第39条)"

    def zh() -> str:
        if capped < total:
            return (f"min({money(total)}, {money(wage)})：以本人工资 {money(wage)} 为限（工伤保险条例 第39条）；"
                    "条例未规定如何在各供养亲属间分摊")
        return f"min({money(total)}, {money(wage)})：未超过本人工资（工伤保险条例 第39条）"

    return rules.rounded(found, capped, "monthly_dependants_pension", formula, component="dependants", zh=zh)


def calculate(case: InjuryCase, rules: Rules) -> Outcome:
    """Every amount due for the outcome, at the rules in force on the injury (or death) date."""
    amounts = disability(case, rules) if case.outcome == "disability" else death(case, rules)
    return Outcome(True, (), amounts)


LABELS: dict[str, tuple[str, str]] = {
    **RETIREMENT_LABELS,
    "average_wage": ("统筹地区上年度职工月平均工资", "regional average monthly wage of the year before"),
    "average_wage.at_leaving": ("统筹地区解除劳动关系上年度职工月平均工资",
                                "regional average monthly wage of the year before leaving work"),
    "own_wage_floor_share": ("本人工资下限（占平均工资比例）", "own wage floor (share of the average)"),
    "own_wage_cap_multiple": ("本人工资上限（平均工资倍数）", "own wage cap (multiple of the average)"),
    "own_wage_floor": ("本人工资下限", "own wage floor"),
    "own_wage_cap": ("本人工资上限", "own wage cap"),
    "own_wage": ("本人工资（计发基数）", "own wage used"),
    "disability_subsidy_months": ("一次性伤残补助金月数", "months of the one-off disability subsidy"),
    "one_time_disability_subsidy": ("一次性伤残补助金", "one-off disability subsidy"),
    "allowance_share": ("伤残津贴占本人工资比例", "allowance as a share of own wage"),
    "allowance_from_wage": ("按本人工资计算的伤残津贴", "allowance from own wage"),
    "monthly_disability_allowance": ("伤残津贴（月）", "monthly disability allowance"),
    "allowance_until": ("伤残津贴发至", "allowance paid until"),
    "care_share": ("生活护理费比例", "care allowance share"),
    "monthly_care_allowance": ("生活护理费（月）", "monthly care allowance"),
    "medical_subsidy_months": ("一次性工伤医疗补助金月数", "months of the one-off medical subsidy"),
    "employment_subsidy_months": ("一次性伤残就业补助金月数", "months of the one-off employment subsidy"),
    "medical_subsidy_base": ("一次性工伤医疗补助金（未减发）", "one-off medical subsidy before any cut"),
    "employment_subsidy_base": ("一次性伤残就业补助金（未减发）", "one-off employment subsidy before any cut"),
    "disease_uplift": ("职业病加发比例", "occupational disease uplift"),
    "medical_subsidy_base.occupational_disease": ("一次性工伤医疗补助金（职业病加发后，未减发）",
                                                  "one-off medical subsidy with the occupational disease uplift"),
    "months_to_retirement": ("解除劳动关系时距法定退休时间的月数", "months from leaving work to the statutory month"),
    "near_retirement_share": ("临近法定退休年龄的支付比例", "share paid near the statutory retirement age"),
    "one_time_medical_subsidy": ("一次性工伤医疗补助金", "one-off medical subsidy"),
    "one_time_employment_subsidy": ("一次性伤残就业补助金", "one-off employment subsidy"),
    "funeral_months": ("丧葬补助金月数", "months of the funeral grant"),
    "funeral_grant": ("丧葬补助金", "funeral grant"),
    "urban_disposable_income": ("上一年度全国城镇居民人均可支配收入",
                                "national urban disposable income of the year before"),
    "death_subsidy_multiple": ("一次性工亡补助金倍数", "multiple of the one-off death subsidy"),
    "one_time_death_subsidy": ("一次性工亡补助金", "one-off death subsidy"),
    "spouse_share": ("配偶抚恤金比例", "spouse's share"),
    "other_share": ("其他亲属抚恤金比例", "other dependant's share"),
    "extra_share": ("孤寡老人或孤儿加发比例", "extra share for an orphan or lone elder"),
    "dependant_pension": ("供养亲属抚恤金（每人）", "pension of one dependant"),
    "monthly_dependants_pension": ("供养亲属抚恤金合计（月）", "monthly dependants' pensions"),
}

BENEFIT = Benefit(
    id="injury",
    name=("工伤保险待遇", "work-injury benefits"),
    case_model=InjuryCase,
    amounts=tuple(Amount(name, LABELS[name][0], LABELS[name][1], required=False)
                  for name in (*DISABILITY_AMOUNTS, *DEATH_AMOUNTS)),
    reads=(OWN_WAGE, DISABILITY, CARE, DEATH, LEAVING, "average_wage", "urban_disposable_income", "minimum_wage",
           "area.minimum_wage", RETIREMENT_RULE),
    methods={LEAVING: {"months_of_own_wage": months_of_own_wage, "months_of_average_wage": months_of_average_wage,
                       "fixed_amounts": fixed_amounts},
             RETIREMENT_RULE: RETIREMENT_METHODS},
    labels=LABELS,
    calculate=calculate,
)

__all__ = ["BENEFIT", "InjuryCase", "calculate"]
