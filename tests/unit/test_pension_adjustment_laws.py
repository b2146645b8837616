"""The laws a yearly pension adjustment must obey, checked by hypothesis on the shipped
schemes: the increase never falls as the pension, the contribution years or the age grow;
the new pension is the old one plus the increase; a part year counts as a whole one where
the notice says so; someone who retired after 31 December of the year before is refused."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benefitcalc.engine import Engine

ENGINE = Engine()

# (region, year, oldest age on 31 December of the year before whose every component is sourced)
COMPUTABLE = [
    *[("nanchang", y, 100) for y in range(2021, 2026)],
    ("ganzhou-ganxian", 2023, 100),
    *[("guangzhou", y, 100) for y in (2021, 2022, 2023)],
    *[("guangzhou", y, 69) for y in (2020, 2024, 2025)],
    *[("nanjing", y, 100) for y in range(2019, 2025)],
    *[("xiangyang", y, 100) for y in range(2019, 2026)],
]
# the schemes whose notice says a part year counts as a full year (elsewhere a part year is a gap)
PART_YEAR_RULE = {("nanchang", y) for y in range(2021, 2025)} | {("ganzhou-ganxian", 2023)} | \
    {("guangzhou", y) for y in (2021, 2023, 2024)} | {("nanjing", y) for y in (2021, 2024)} | \
    {("xiangyang", y) for y in range(2019, 2025)}

PENSIONS = st.decimals(min_value="0.01", max_value=30000, places=2)
YEARS = st.decimals(min_value=0, max_value=50, places=1)
WHOLE_YEARS = st.integers(0, 50).map(Decimal)


@st.composite
def cases(draw):
    region, year, oldest = draw(st.sampled_from(COMPUTABLE))
    age = draw(st.integers(50, oldest))
    cutoff = dt.date(year - 1, 12, 31)
    birth = dt.date(cutoff.year - age, draw(st.integers(1, 12)), 1)
    years = draw(YEARS if (region, year) in PART_YEAR_RULE else WHOLE_YEARS)
    return {"benefit": "pension_adjustment", "region": region, "as_of": f"{year}-07-01",
            "monthly_pension": str(draw(PENSIONS)), "contribution_years": str(years),
            "birth_date": birth.isoformat(), "retirement_date": (birth.replace(year=birth.year + 50)).isoformat()}


def calc(case: dict, **changes) -> dict:
    return ENGINE.calculate({**case, **changes}).to_json()


def increase(case: dict, **changes) -> Decimal:
    return Decimal(calc(case, **changes)["amounts"]["increase"])


@settings(max_examples=150, deadline=None)
@given(cases(), PENSIONS)
def test_the_increase_never_falls_as_the_pension_grows(case, more):
    low, high = sorted([Decimal(case["monthly_pension"]), more])
    assert increase(case, monthly_pension=str(low)) <= increase(case, monthly_pension=str(high))


@settings(max_examples=150, deadline=None)
@given(cases(), YEARS)
def test_the_increase_never_falls_as_the_contribution_years_grow(case, more):
    if (case["region"], int(case["as_of"][:4])) not in PART_YEAR_RULE:
        more = more.to_integral_value()
    low, high = sorted([Decimal(case["contribution_years"]), more])
    assert increase(case, contribution_years=str(low)) <= increase(case, contribution_years=str(high))


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(0, 30))
def test_the_increase_never_falls_as_the_age_grows(case, older_by):
    region, year = case["region"], int(case["as_of"][:4])
    oldest = next(o for r, y, o in COMPUTABLE if (r, y) == (region, year))
    birth = dt.date.fromisoformat(case["birth_date"])
    cutoff_age = year - 1 - birth.year
    older = birth.replace(year=birth.year - min(older_by, oldest - cutoff_age))
    assert increase(case) <= increase(case, birth_date=older.isoformat())


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_new_pension_is_the_old_one_plus_the_increase(case):
    result = calc(case)
    assert result["eligible"] is True
    old, inc = Decimal(case["monthly_pension"]), Decimal(result["amounts"]["increase"])
    assert Decimal(result["amounts"]["new_monthly_pension"]) == old + inc
    assert inc > 0  # every scheme shipped has a positive fixed amount


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_part_year_counts_as_a_whole_one(case):
    # where the notice says "尾数不足一年的按一年计算" (or 不满一年的按一年计算)
    assume((case["region"], int(case["as_of"][:4])) in PART_YEAR_RULE)
    given_years = Decimal(case["contribution_years"])
    whole = given_years.to_integral_value(rounding=ROUND_CEILING)
    assert increase(case) == increase(case, contribution_years=str(whole))


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(1, 400))
def test_someone_retired_after_the_cutoff_is_refused(case, days_late):
    region, year = case["region"], int(case["as_of"][:4])
    # Guangdong 2020 (enterprise) and Jiangsu 2019 reach to 30 June of the year itself
    last = dt.date(year, 6, 30) if (region, year) in (("guangzhou", 2020), ("nanjing", 2019)) else \
        dt.date(year - 1, 12, 31)
    result = calc(case, retirement_date=(last + dt.timedelta(days=days_late)).isoformat())
    assert result["eligible"] is False
    assert [r["code"] for r in result["reasons"]] == ["retired_after_cutoff"]
    assert result["amounts"] == {"increase": "0.00", "new_monthly_pension": f"{Decimal(case['monthly_pension']):.2f}"}
    on_time = calc(case, retirement_date=last.isoformat())
    assert on_time["eligible"] is True
