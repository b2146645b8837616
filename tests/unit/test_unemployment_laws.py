"""The laws an unemployment benefit must obey, checked by hypothesis on the shipped rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benefitcalc.calc.base import round_to
from benefitcalc.engine import Engine

ENGINE = Engine()

# (region, district, first day, last day) of periods with a covered rule
COVERED = [
    ("nanchang", None, dt.date(2019, 1, 1), dt.date(2026, 11, 1)),
    ("nanchang", "新建区", dt.date(2021, 10, 1), dt.date(2026, 11, 1)),
    ("ganzhou-ganxian", None, dt.date(2019, 1, 1), dt.date(2025, 11, 30)),
    ("guangzhou", None, dt.date(2019, 1, 1), dt.date(2026, 11, 1)),
    ("nanjing", None, dt.date(2019, 1, 1), dt.date(2024, 6, 30)),
    ("xiangyang", None, dt.date(2021, 9, 1), dt.date(2024, 1, 31)),
    ("xiangyang", "襄州区", dt.date(2021, 9, 1), dt.date(2024, 1, 31)),
]


@st.composite
def situations(draw):
    region, district, first, last = draw(st.sampled_from(COVERED))
    day = draw(st.dates(min_value=first, max_value=last))
    return {"benefit": "unemployment", "region": region, "district": district, "as_of": day.isoformat(),
            "average_monthly_wage": str(draw(st.decimals(min_value=0, max_value=50000, places=2)))}


def calc(case: dict, **changes) -> dict:
    data = {k: v for k, v in {**case, **changes}.items() if v is not None}
    return ENGINE.calculate(data).to_json()


MONTHS = st.integers(min_value=0, max_value=600)


@settings(max_examples=150, deadline=None)
@given(situations(), MONTHS, MONTHS, st.integers(0, 24))
def test_duration_never_falls_as_contributions_grow_and_never_exceeds_24(case, a, b, carried):
    low, high = sorted((a, b))
    r_low = calc(case, contribution_months=low, carried_over_months=carried)
    r_high = calc(case, contribution_months=high, carried_over_months=carried)
    assert r_low["amounts"]["duration_months"] <= r_high["amounts"]["duration_months"] <= 24


@settings(max_examples=150, deadline=None)
@given(situations(), MONTHS)
def test_total_is_monthly_times_months(case, months):
    a = calc(case, contribution_months=months)["amounts"]
    assert Decimal(a["total_benefit"]) == Decimal(a["monthly_benefit"]) * a["duration_months"]


@settings(max_examples=150, deadline=None)
@given(situations(), MONTHS)
def test_an_ineligible_case_is_a_result_with_reasons_and_nothing_to_pay(case, months):
    assume(months < 12)
    result = calc(case, contribution_months=months, involuntary=False)
    assert result["eligible"] is False and result["reasons"]
    assert result["amounts"] == {"monthly_benefit": "0.00", "duration_months": 0, "total_benefit": "0.00"}


def _step(result: dict, step_id: str) -> Decimal:
    return Decimal(next(s["value"] for s in result["steps"] if s["id"] == step_id))


@settings(max_examples=150, deadline=None)
@given(situations(), st.integers(12, 600))
def test_the_amount_stays_between_the_floor_and_the_minimum_wage(case, months):
    result = calc(case, contribution_months=months)
    monthly = Decimal(result["amounts"]["monthly_benefit"])
    steps = {s["id"] for s in result["steps"]}
    if "cap" in steps:  # Jiangsu: own wage between 1.5 × 低保 and the minimum wage
        assert _step(result, "floor") <= monthly <= _step(result, "cap")
    elif "minimum_wage" in steps:  # a share of the minimum wage never exceeds it
        assert 0 < monthly < _step(result, "minimum_wage")
    else:  # a flat amount per tier
        assert monthly == _step(result, "flat_amount")


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2024, 6, 30)), st.integers(12, 600),
       st.decimals(min_value=0, max_value=30000, places=2), st.decimals(min_value=0, max_value=30000, places=2))
def test_in_nanjing_a_higher_wage_never_gives_less(day, months, w1, w2):
    low, high = sorted((w1, w2))
    case = {"benefit": "unemployment", "region": "nanjing", "as_of": day.isoformat(), "contribution_months": months}
    a = calc(case, average_monthly_wage=str(low))["amounts"]["monthly_benefit"]
    b = calc(case, average_monthly_wage=str(high))["amounts"]["monthly_benefit"]
    assert Decimal(a) <= Decimal(b)


@given(st.decimals(min_value=-10**6, max_value=10**6, places=4),
       st.sampled_from(["0.01", "0.1", "1"]), st.sampled_from(["half_up", "up", "down", "half_even"]))
def test_rounding_is_idempotent_and_lands_on_the_unit(value, unit, mode):
    once = round_to(value, Decimal(unit), mode)
    assert round_to(once, Decimal(unit), mode) == once
    assert once % Decimal(unit) == 0
    assert abs(once - value) < Decimal(unit)


@settings(max_examples=100, deadline=None)
@given(situations(), MONTHS, st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(1990, 12, 31)),
       st.sampled_from([("male", None), ("female", 50), ("female", 55)]))
def test_the_benefit_never_runs_past_the_statutory_retirement_month(case, months, birth, who):
    sex, original = who
    data = {**case, "contribution_months": months, "birth_date": birth.isoformat(), "sex": sex,
            "original_age": original}
    result = calc(data)
    retirement = next((s for s in result["steps"] if s["id"] == "retirement_month"), None)
    assert retirement is not None
    year, month = map(int, retirement["value"].split("-"))
    as_of = dt.date.fromisoformat(case["as_of"])
    left = (year * 12 + month) - (as_of.year * 12 + as_of.month)
    if left <= 0:
        assert not result["eligible"] and result["reasons"][-1]["code"] == "statutory_retirement_age_reached"
    elif result["eligible"]:
        assert result["amounts"]["duration_months"] <= left
