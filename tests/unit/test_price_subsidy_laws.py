"""The laws a price subsidy must obey, by hypothesis on the shipped rules where they compute
(Nanjing 2023-07 → 2024-06 on its 低保 1050; Nanchang 2022 on 855): the amount never falls as
the rise grows; no trigger pays 0; Jiangxi's floor holds. And the Hubei shape (低保 × the rise
that triggered, the higher when both do) on a small tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefitcalc.engine import Engine

ENGINE = Engine()
RISES = st.decimals(min_value=-5, max_value=20, places=1)


@st.composite
def months(draw):
    region, first, last = draw(st.sampled_from([("nanjing", dt.date(2023, 7, 1), dt.date(2024, 6, 1)),
                                                ("nanchang", dt.date(2022, 1, 1), dt.date(2022, 7, 1))]))
    day = draw(st.dates(min_value=first, max_value=last))
    # Nanjing's amount follows its CPI band: a month triggered by food alone has no sourced amount
    food = draw(RISES) if region == "nanchang" else draw(st.decimals(min_value=-5, max_value="5.9", places=1))
    return {"benefit": "price_subsidy", "region": region, "as_of": day.isoformat(), "group": "unemployment_benefit",
            "cpi_rise": str(draw(RISES)), "food_cpi_rise": str(food), "scpi_rise": str(draw(RISES))}


def subsidy(case: dict, **changes) -> dict:
    return ENGINE.calculate({**case, **changes}).to_json()


@settings(max_examples=150, deadline=None)
@given(months(), RISES, RISES)
def test_the_amount_never_falls_as_the_rise_grows(case, a, b):
    low, high = sorted([a, b])
    for index in ("cpi_rise", "scpi_rise"):
        first = Decimal(subsidy(case, **{index: str(low)})["amounts"]["monthly_subsidy"])
        second = Decimal(subsidy(case, **{index: str(high)})["amounts"]["monthly_subsidy"])
        assert first <= second


@settings(max_examples=150, deadline=None)
@given(months())
def test_a_month_that_does_not_trigger_pays_nothing(case):
    result = subsidy(case, cpi_rise="2.9", food_cpi_rise="5.9")
    assert result["eligible"] is False and result["amounts"]["monthly_subsidy"] == "0.00"
    assert [r["code"] for r in result["reasons"]] == ["not_triggered"]


@settings(max_examples=150, deadline=None)
@given(months(), st.decimals(min_value=3, max_value=20, places=1))
def test_a_triggered_month_pays_at_least_the_floor(case, rise):
    result = subsidy(case, cpi_rise=str(rise))
    assert result["eligible"] is True
    least = Decimal(25) if case["region"] == "nanchang" else Decimal(1050) / 12  # Jiangxi's urban floor; 1/12
    assert Decimal(result["amounts"]["monthly_subsidy"]) >= least


HUBEI = """
[[low_income_standard]]
since = 2020-01-01
source = "law"
monthly = 800

[[price_subsidy.national_trigger]]
since = 2016-08-01
source = "law"
cpi = 3.5
food_cpi = 6

[[price_subsidy.trigger]]
since = 2016-08-01
source = "law"
food_cpi = 5.5

[[price_subsidy.groups]]
since = 2016-08-01
source = "law"
covered = ["unemployment_benefit"]

[[price_subsidy.amount]]
since = 2016-08-01
method = "low_income_times_rise"
source = "law"
index = "triggering"
round = { unit = "1", mode = "half_up" }
"""


def test_hubei_pays_the_higher_amount_when_both_indices_trigger(make_tree):
    engine = Engine(make_tree(province=HUBEI).root)
    case = {"benefit": "price_subsidy", "region": "city", "as_of": "2021-05-01", "group": "unemployment_benefit"}
    # CPI 3.6 ≥ 3.5 and food 7.2 ≥ 5.5 both trigger: 800 × 7.2 % = 57.6 → 58 (the CPI's 800 × 3.6 % = 28.8 is lower)
    both = engine.calculate({**case, "cpi_rise": "3.6", "food_cpi_rise": "7.2"}).to_json()
    assert both["amounts"]["monthly_subsidy"] == "58.00"
    # food 5.6 alone (Hubei's lowered threshold): 800 × 5.6 % = 44.8 → 45
    food = engine.calculate({**case, "cpi_rise": "1.0", "food_cpi_rise": "5.6"}).to_json()
    assert food["amounts"]["monthly_subsidy"] == "45.00"
    # 5.6 would not trigger under the national 6 %: the local threshold is the one used
    assert [s["value"] for s in food["steps"] if s["id"] == "food_cpi_threshold"] == ["5.5"]
