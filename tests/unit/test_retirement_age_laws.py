"""The laws the statutory retirement age obeys (办法 第一条–第三条), checked by hypothesis
on the shipped rules, for birth dates from 1940 to 2010 in all three groups."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from benefitcalc.engine import Engine

ENGINE = Engine()
GROUPS = {"male": ("male", None, 720, 36, dt.date(1965, 1, 1)), "female_55": ("female", 55, 660, 36, dt.date(1970, 1, 1)),
          "female_50": ("female", 50, 600, 60, dt.date(1975, 1, 1))}
BIRTHS = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2010, 12, 31))
AS_OF = st.sampled_from([dt.date(2024, 6, 1), dt.date(2025, 1, 1), dt.date(2026, 6, 1)])


def answer(group: str, birth: dt.date, as_of: dt.date) -> dict:
    sex, original, *_ = GROUPS[group]
    case = {"benefit": "retirement_age", "birth_date": birth.isoformat(), "sex": sex, "as_of": as_of.isoformat()}
    if original:
        case["original_age"] = original
    return ENGINE.calculate(case).to_json()["amounts"]


def index(month: str) -> int:
    year, mon = map(int, month.split("-"))
    return year * 12 + mon - 1


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(GROUPS)), BIRTHS, BIRTHS, AS_OF)
def test_a_later_birth_never_retires_earlier(group, a, b, as_of):
    early, late = sorted((a, b))
    assert index(answer(group, early, as_of)["retirement_month"]) <= index(answer(group, late, as_of)["retirement_month"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(GROUPS)), BIRTHS, AS_OF)
def test_delay_age_and_flexible_bounds_stay_within_the_law(group, birth, as_of):
    _, _, original, most, first = GROUPS[group]
    a = answer(group, birth, as_of)
    assert 0 <= a["delay_months"] <= most
    assert a["statutory_age_months"] == original + a["delay_months"] >= original
    born = birth.year * 12 + birth.month - 1
    assert index(a["retirement_month"]) == born + a["statutory_age_months"]
    assert index(a["earliest_flexible_month"]) >= born + original  # never below the original age
    assert index(a["earliest_flexible_month"]) <= index(a["retirement_month"]) <= index(a["latest_flexible_month"])
    assert index(a["latest_flexible_month"]) - index(a["retirement_month"]) <= 36
    if birth < first or as_of < dt.date(2025, 1, 1):
        assert a["delay_months"] == 0  # born before the first month affected, or before the raise
    assert 180 <= a["minimum_contribution_months"] <= 240
