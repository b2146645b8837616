"""The price subsidy beyond the hand-computed cases: the unemployment extra, a band that
follows one index, the explanation of uncovered sub-sections."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import NoRulesetInForceError

ENGINE = Engine()


def test_an_unemployment_result_lists_the_subsidy_of_a_published_triggering_month():
    result = ENGINE.calculate({"benefit": "unemployment", "region": "nanchang", "as_of": "2019-03-15",
                               "contribution_months": 80}).to_json()
    extra = next(x for x in result["extras"] if x["id"] == "price_subsidy")
    assert extra["amount"] == "22.00" and extra["sources"] == ["nanchang:nc-ps-2019-03"]
    assert "price_subsidy.published_paid" in [s["id"] for s in result["steps"]]  # its steps under its name


def test_a_published_month_that_does_not_trigger_leaves_no_trace_in_the_unemployment_result():
    plain = ENGINE.calculate({"benefit": "unemployment", "region": "nanchang", "as_of": "2023-11-10",
                              "contribution_months": 80}).to_json()
    assert "price_subsidy" not in [x["id"] for x in plain["extras"]]
    assert not [s["id"] for s in plain["steps"] if s["id"].startswith("price_subsidy.")]
    assert not [q for q in plain["sources"] if "ps" in q.split(":")[1] or "cpi" in q]


def test_jiangsu_bands_follow_the_cpi_and_a_food_only_trigger_has_no_sourced_amount():
    case = {"benefit": "price_subsidy", "region": "nanjing", "as_of": "2023-01-10", "group": "unemployment_benefit"}
    # CPI 3.2 with food 6.4: the 1/12 band of the CPI, 1030 ÷ 12 = 85.83 → 85.8 → 86, not the food rise's 1/8
    both = ENGINE.calculate({**case, "cpi_rise": "3.2", "food_cpi_rise": "6.4"}).to_json()
    assert both["amounts"]["monthly_subsidy"] == "86.00" and both["amounts"]["triggered_by"] == "cpi, food_cpi"
    # food 6.4 alone triggers under the national 6 % (2022–23 window), but Jiangsu's amount is by CPI band
    with pytest.raises(NoRulesetInForceError) as err:
        ENGINE.calculate({**case, "cpi_rise": "2.1", "food_cpi_rise": "6.4"})
    assert err.value.details["subsection"] == "price_subsidy.amount"


def test_show_says_why_a_sub_section_is_uncovered():
    result = CliRunner().invoke(app, ["rulesets", "show", "xiangyang@2024-07-01", "--json"])
    why = {u["subsection"]: u["why"] for u in json.loads(result.stdout)["uncovered"]}
    assert "declares it unsourced" in why["low_income_standard"]
    assert "province level (hubei)" in why["resident_pension.basic"]
