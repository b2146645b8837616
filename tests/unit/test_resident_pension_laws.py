"""The laws the resident basic pension must obey, by hypothesis on the shipped rules where
every level is sourced: the basic pension is never below the national minimum of its date;
the account pension is the balance ÷ 139 to the fen, exactly; more contribution years never
lower the pension; under 60 is refused."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefitcalc.engine import Engine

ENGINE = Engine()
# (region, first day, last day) where every level of the basic pension is sourced
COVERED = [("nanchang", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
           ("nanchang", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
           ("ganzhou-ganxian", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
           ("xiangyang", dt.date(2019, 1, 1), dt.date(2022, 6, 30))]
NATIONAL = [(dt.date(2018, 1, 1), 88), (dt.date(2020, 7, 1), 93), (dt.date(2022, 7, 1), 98)]


@st.composite
def cases(draw):
    region, first, last = draw(st.sampled_from(COVERED))
    day = draw(st.dates(min_value=first, max_value=last))
    birth = dt.date(day.year - draw(st.integers(61, 95)), draw(st.integers(1, 12)), 1)  # 60 or over
    return {"benefit": "resident_pension", "region": region, "as_of": day.isoformat(), "birth_date": birth.isoformat(),
            "contribution_years": draw(st.integers(15, 45)),
            "account_balance": str(draw(st.decimals(min_value=0, max_value=500000, places=2)))}


def calc(case: dict, **changes) -> dict:
    return ENGINE.calculate({**case, **changes}).to_json()


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_basic_pension_is_never_below_the_national_minimum(case):
    day = dt.date.fromisoformat(case["as_of"])
    minimum = max(v for since, v in NATIONAL if since <= day)
    assert Decimal(calc(case)["amounts"]["basic_pension"]) >= minimum


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_account_pension_is_the_balance_over_139_to_the_fen(case):
    exact = Decimal(case["account_balance"]) / 139
    amounts = calc(case)["amounts"]
    assert Decimal(amounts["account_pension"]) == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(amounts["monthly_pension"]) == Decimal(amounts["basic_pension"]) + Decimal(amounts["account_pension"])


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(0, 30))
def test_more_contribution_years_never_lower_the_pension(case, more):
    first = Decimal(calc(case)["amounts"]["monthly_pension"])
    second = Decimal(calc(case, contribution_years=min(case["contribution_years"] + more, 80))["amounts"]["monthly_pension"])
    assert first <= second


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(1, 3000))
def test_under_60_is_refused(case, days_short):
    day = dt.date.fromisoformat(case["as_of"])
    sixtieth = day.replace(year=day.year - 60) if not (day.month == 2 and day.day == 29) else dt.date(day.year - 60, 3, 1)
    birth = sixtieth + dt.timedelta(days=days_short)
    result = calc(case, birth_date=birth.isoformat())
    assert result["eligible"] is False and [r["code"] for r in result["reasons"]] == ["under_pension_age"]
