"""法定退休年龄 (statutory retirement age): the age and month a person reaches it, the delay
of the 2025 gradual raise, the minimum contribution years for that year, and the flexible
retirement bounds — under the rules in force on the case's date.

The rule block's ``method`` picks the computation (``original_ages`` before 2025,
``gradual_raise`` from 2025-01-01): a future change of the law is a new block. Months are
counted as year × 12 + month, so December is month 12 (never 0). ``statutory`` is also
what the unemployment benefit (and later injury) use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BeforeValidator, Field, model_validator

from ..errors import BilingualValueError
from ..models import CaseBase, CaseDay, Date, whole_number
from ..notices import Notice
from .base import Amount, Benefit, Outcome, Rules

RULE = "retirement_age.rule"
MINIMUM = "retirement_age.minimum_contribution"


def month_index(year: int, month: int) -> int:
    """Months since year 0: year × 12 + (month − 1). December stays month 12."""
    return year * 12 + month - 1


def month_text(index: int) -> str:
    """A month index as "YYYY-MM"."""
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def years_months(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} y {rest} m" if rest else f"{years} y"


def years_months_zh(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} 年 {rest} 个月" if rest else f"{years} 年"


def group_of(sex: str | None, original_age: int | None) -> str | None:
    """The rule group of a person: ``male``, ``female_55`` or ``female_50``; None without sex.
    A woman's original statutory age (50 or 55, by her post) is an input; a man's is 60."""
    if sex is None:
        return None
    if sex == "male":
        return "male"
    return f"female_{original_age}"


def check_sex_and_age(sex: str | None, original_age: int | None, required: bool = True) -> None:
    """``original_age`` is 50 or 55, for a woman only; ``required`` for a woman where the
    retirement age is the question (elsewhere its absence means it cannot be derived)."""
    if sex == "male" and original_age is not None:
        raise BilingualValueError("original_age: not for a man (his original statutory age is 60)",
                                  "original_age：男性不填（男性原法定退休年龄为 60 周岁）")
    if sex is None and original_age is not None:
        raise BilingualValueError("original_age: give sex too", "original_age：须同时填写 sex")
    if sex == "female":
        if original_age is None and required:
            raise BilingualValueError(
                "original_age: required for a woman: 50 or 55, the original statutory age of her post",
                "original_age：女性必填：50 或 55，即其岗位的原法定退休年龄")
        if original_age is not None and original_age not in (50, 55):
            raise BilingualValueError(f"original_age: must be 50 or 55 (the original statutory age of her post), "
                                      f"not {original_age}",
                                      f"original_age：须为 50 或 55（其岗位的原法定退休年龄），不能是 {original_age}")


EARLIEST_BIRTH = dt.date(1900, 1, 1)


def check_birth(birth_date: dt.date | None, as_of: dt.date) -> None:
    if birth_date is not None and not EARLIEST_BIRTH <= birth_date <= as_of:
        raise BilingualValueError(f"birth_date: must be between {EARLIEST_BIRTH} and as_of ({as_of})",
                                  f"birth_date：须在 {EARLIEST_BIRTH} 至 as_of（{as_of}）之间")


OriginalAgeField = Annotated[int | None, BeforeValidator(lambda v: None if v is None else whole_number(v))]


class RetirementAgeCase(CaseBase):
    """法定退休年龄: ``as_of`` picks the rules in force (default today)."""

    benefit: Literal["retirement_age"]
    region: str = Field(default="national", min_length=1, max_length=64)
    as_of: CaseDay = Field(default_factory=dt.date.today)
    birth_date: Date
    sex: Literal["male", "female"]
    #: 50 or 55 for a woman (the original statutory age of her post); absent for a man
    original_age: OriginalAgeField = None

    @model_validator(mode="after")
    def _original_age(self) -> RetirementAgeCase:
        check_sex_and_age(self.sex, self.original_age)
        check_birth(self.birth_date, self.as_of)
        if self.district is not None:
            raise BilingualValueError("district: the statutory retirement age does not depend on a district",
                                      "district：法定退休年龄与区县无关，不填")
        return self


class Person(NamedTuple):
    birth_date: dt.date
    group: str


class Statutory(NamedTuple):
    """A person's statutory retirement: original age, delay and age in months, the month
    reached (a month index), and the flexible bounds (month indexes)."""

    original_months: int
    delay_months: int
    age_months: int
    month: int
    earliest: int
    latest: int


def group_of_case(sex: str | None, original_age: int | None) -> str | None:
    """The group, or None where it cannot be told (no sex, or a woman without her original age)."""
    if sex == "female" and original_age is None:
        return None
    return group_of(sex, original_age)


def _original(person: Person, rules: Rules) -> tuple[int, int]:
    """(the birth month index, the original age in months), each recorded."""
    years = int(rules.value(RULE, "groups", person.group, "original_age", step="original_age"))
    birth = month_index(person.birth_date.year, person.birth_date.month)
    return birth, years * 12


def _reached(person: Person, rules: Rules, birth: int, age: int) -> int:
    month = birth + age
    rules.computed("retirement_month", lambda: f"{month_text(birth)} + {years_months(age)} = {month_text(month)}",
                   month_text(month), zh=lambda: f"{month_text(birth)} + {years_months_zh(age)} = {month_text(month)}")
    return month


def original_ages(person: Person, rules: Rules) -> Statutory:
    """No raise: the statutory age is the original age (国发〔1978〕104号); no flexible retirement."""
    birth, original = _original(person, rules)
    rules.computed("delay_months", "no raise under these rules (国发〔1978〕104号)", 0,
                   zh="此规则下不延迟（国发〔1978〕104号）")
    rules.computed("statutory_age_months", lambda: f"{original // 12} × 12", original)
    month = _reached(person, rules, birth, original)
    for name in ("earliest_flexible_month", "latest_flexible_month"):
        rules.computed(name, "no flexible retirement under these rules", month_text(month), zh="此规则下无弹性退休")
    return Statutory(original, 0, original, month, month, month)


def gradual_raise(person: Person, rules: Rules) -> Statutory:
    """办法 第一条: one month of delay per ``birth_months_per_step`` months of birth from the
    first birth month affected, at most ``max_delay_months``; 第三条: the flexible bounds."""
    birth, original = _original(person, rules)
    first: dt.date = rules.value(RULE, "groups", person.group, "first_birth_month", step="first_birth_month")
    step = int(rules.value(RULE, "groups", person.group, "birth_months_per_step", step="birth_months_per_step"))
    most = int(rules.value(RULE, "groups", person.group, "max_delay_months", step="max_delay_months"))
    rules.computed("final_age_months", lambda: f"{original} + {most} = {years_months(original + most)} (办法 第一条)",
                   original + most,
                   zh=lambda: f"{original} + {most} = {years_months_zh(original + most)}（办法 第一条）")
    since_first = birth - month_index(first.year, first.month)
    rules.computed("months_since_first", lambda: f"{month_text(birth)} − {month_text(birth - since_first)}",
                   since_first)
    if since_first < 0:
        delay = rules.computed("delay_months", lambda: f"{since_first} < 0: born before the first month affected "
                               "(办法 第一条)", 0,
                               zh=lambda: f"{since_first} < 0：出生早于首个延迟的出生月份（办法 第一条）")
    else:
        delay = rules.computed("delay_months", lambda: f"min(⌊{since_first} / {step}⌋ + 1, {most}) (办法 第一条)",
                               min(since_first // step + 1, most))
    age = rules.computed("statutory_age_months", lambda: f"{original} + {delay} = {years_months(original + delay)}",
                         original + delay, zh=lambda: f"{original} + {delay} = {years_months_zh(original + delay)}")
    month = _reached(person, rules, birth, age)
    since: dt.date = rules.block(RULE).block.since
    if month < month_index(since.year, since.month):  # flexible retirement exists only from the block's start
        for name in ("earliest_flexible_month", "latest_flexible_month"):
            rules.computed(name, lambda: f"no flexible retirement before {since} (办法 第三条): the statutory month "
                           f"{month_text(month)} is earlier", month_text(month),
                           zh=lambda: f"{since} 前无弹性退休（办法 第三条）：法定退休时间 {month_text(month)} 早于此日")
        return Statutory(original, delay, age, month, month, month)
    earlier = int(rules.value(RULE, "flexible_earlier_months", step="flexible_earlier_months"))
    later = int(rules.value(RULE, "flexible_later_months", step="flexible_later_months"))
    earliest = birth + max(original, age - earlier)
    rules.computed("earliest_flexible_month",
                   lambda: f"{month_text(birth)} + max({years_months(original)}, {years_months(age)} − {earlier} "
                           f"months) = {month_text(earliest)} (once the minimum contribution years are met; "
                           "办法 第三条)",
                   month_text(earliest),
                   zh=lambda: f"{month_text(birth)} + max({years_months_zh(original)}, {years_months_zh(age)} − "
                              f"{earlier} 个月) = {month_text(earliest)}（须达到最低缴费年限；办法 第三条）")
    latest = month + later
    rules.computed("latest_flexible_month", lambda: f"{month_text(month)} + {later} months = {month_text(latest)} "
                   "(with the employer's agreement; 办法 第三条)", month_text(latest),
                   zh=lambda: f"{month_text(month)} + {later} 个月 = {month_text(latest)}"
                              "（经用人单位同意；办法 第三条）")
    return Statutory(original, delay, age, month, earliest, latest)


METHODS: dict[str, Any] = {"original_ages": original_ages, "gradual_raise": gradual_raise}


def statutory(person: Person, rules: Rules) -> Statutory:
    """The statutory retirement of a person under the rule block in force, each figure a step."""
    method, view = rules.method(RULE)
    result: Statutory = method(person, view)
    return result


def statutory_as_reached(person: Person, rules: Rules) -> Statutory:
    """The statutory retirement under the rule in force when the person reaches the original
    age — the law that actually ends their working life (a 2024 claimant who turns 60 in
    2025 retires under the 2025 raise)."""
    years = int(rules.peek(RULE, "groups", person.group, "original_age"))
    reached = month_index(person.birth_date.year, person.birth_date.month) + years * 12
    year, month0 = divmod(reached, 12)
    return statutory(person, rules.on(dt.date(year, month0 + 1, 1)))


def retirement_of(birth_date: dt.date | None, sex: str | None, original_age: int | None, rules: Rules,
                  missing: Notice, warn_if_absent: bool = False) -> Statutory | None:
    """A claimant's statutory retirement under the rule in force when the original age is
    reached, where birth date and sex (and, for a woman, the original age of her post) are
    given. Otherwise None, with the ``missing`` warning when some of them were given (or
    always, with ``warn_if_absent``, where a rule in force needs the month)."""
    group = group_of_case(sex, original_age) if birth_date is not None else None
    if group is None or birth_date is None:
        if warn_if_absent or birth_date is not None or sex is not None:
            rules.warn(missing)
        return None
    return statutory_as_reached(Person(birth_date, group), rules)


def minimum_contribution(month: int, rules: Rules) -> int:
    """Months of contributions needed for a pension, for the calendar year of ``month``."""
    year = month // 12
    return int(rules.row(MINIMUM, "by_year", Decimal(year), step="minimum_contribution_months"))


def calculate(case: RetirementAgeCase, rules: Rules) -> Outcome:
    """The statutory retirement age and month, the delay, the minimum contribution years
    and the flexible bounds, under the rules in force on ``as_of``."""
    group = group_of(case.sex, case.original_age)
    assert group is not None  # the case model requires sex
    result = statutory(Person(case.birth_date, group), rules)
    minimum = minimum_contribution(result.month, rules)
    if result.month < month_index(case.as_of.year, case.as_of.month):
        rules.warn(Notice("retirement_month_passed", f"法定退休时间 {month_text(result.month)} 已早于 {case.as_of}",
                          f"the statutory retirement month {month_text(result.month)} is before {case.as_of}"))
    amounts: dict[str, Decimal | int | str] = {
        "statutory_age_months": result.age_months, "retirement_month": month_text(result.month),
        "delay_months": result.delay_months, "minimum_contribution_months": minimum,
        "earliest_flexible_month": month_text(result.earliest), "latest_flexible_month": month_text(result.latest)}
    return Outcome(True, (), amounts)


LABELS: dict[str, tuple[str, str]] = {
    "original_age": ("原法定退休年龄（周岁）", "original statutory age (years)"),
    "first_birth_month": ("首个延迟的出生月份", "first birth month affected"),
    "birth_months_per_step": ("每延迟一个月对应的出生月数", "months of birth per month of delay"),
    "max_delay_months": ("最长延迟月数", "longest delay (months)"),
    "months_since_first": ("出生月份距首个延迟月份的月数", "months of birth since the first affected"),
    "final_age_months": ("延迟后的最终法定退休年龄（月）", "final statutory age after the raise (months)"),
    "delay_months": ("延迟月数", "delay (months)"),
    "statutory_age_months": ("改革后法定退休年龄（月）", "statutory retirement age (months)"),
    "retirement_month": ("法定退休时间", "statutory retirement month"),
    "minimum_contribution_months": ("按月领取基本养老金最低缴费月数", "minimum contribution months for a pension"),
    "flexible_earlier_months": ("弹性提前退休最长月数", "flexible early retirement: most months earlier"),
    "flexible_later_months": ("弹性延迟退休最长月数", "flexible late retirement: most months later"),
    "earliest_flexible_month": ("弹性提前退休最早时间", "earliest flexible retirement month"),
    "latest_flexible_month": ("弹性延迟退休最晚时间", "latest flexible retirement month"),
}

BENEFIT = Benefit(
    id="retirement_age",
    name=("法定退休年龄", "statutory retirement age"),
    case_model=RetirementAgeCase,
    amounts=(Amount("statutory_age_months", "法定退休年龄（月）", "statutory age (months)", kind="count"),
             Amount("retirement_month", "法定退休时间", "retirement month", kind="text"),
             Amount("delay_months", "延迟月数", "delay (months)", kind="count"),
             Amount("minimum_contribution_months", "最低缴费月数", "minimum contribution (months)", kind="count"),
             Amount("earliest_flexible_month", "弹性提前退休最早时间", "earliest flexible month", kind="text"),
             Amount("latest_flexible_month", "弹性延迟退休最晚时间", "latest flexible month", kind="text")),
    reads=(RULE, MINIMUM),
    methods={RULE: METHODS},
    labels=LABELS,
    calculate=calculate,
)

__all__ = ["BENEFIT", "Person", "Statutory", "month_index", "month_text", "retirement_of", "statutory",
           "statutory_as_reached"]
