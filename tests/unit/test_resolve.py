"""Resolution on hand-built trees: fall-through, until, gaps, yearly blocks, brackets, districts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from benefitcalc.errors import InvalidInputError, NoRulesetInForceError, UnknownRegionError
from benefitcalc.rules.resolve import resolve
from benefitcalc.rules.schema import Brackets

D = dt.date

PROV_WAGES = """
[[minimum_wage]]
since = 2020-01-01
source = "law"
monthly = { "一类" = 1000, "二类" = 900 }

[[minimum_wage]]
since = 2022-01-01
until = 2022-12-31
source = "law"
monthly = { "一类" = 1100, "二类" = 990 }

[[minimum_wage]]
since = 2024-01-01
source = "law"
monthly = { "一类" = 1300, "二类" = 1200 }
"""

CITY_AREA = """
[[area]]
scheme = "minimum_wage"
since = 2020-01-01
source = "law"
core = ["甲区"]
unsourced = ["丁县"]
districts = { "甲区" = "一类", "乙区" = "二类", "丙区" = "一类" }

[[area]]
scheme = "minimum_wage"
since = 2023-01-01
source = "law"
core = ["甲区"]
districts = { "甲区" = "一类", "乙区" = "一类" }
"""


def test_a_city_without_its_own_block_falls_through_to_its_province(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    found = resolve(tree, "city", D(2021, 6, 1)).get("minimum_wage")
    assert found.region == "prov" and found.level == "province"
    assert found.block.monthly["一类"].value == Decimal(1000)


def test_a_city_block_overrides_the_province_block_on_its_dates_only(make_tree):
    city = CITY_AREA + """
[[minimum_wage]]
since = 2021-01-01
until = 2021-06-30
source = "law"
monthly = { "一类" = 1050, "二类" = 950 }
"""
    tree = make_tree(province=PROV_WAGES, city=city)
    assert resolve(tree, "city", D(2021, 3, 1)).get("minimum_wage").block.monthly["一类"].value == 1050
    # the day after the city's until, the province's 2020 block is in force again
    after = resolve(tree, "city", D(2021, 7, 1)).get("minimum_wage")
    assert after.region == "prov" and after.block.monthly["一类"].value == 1000


def test_a_block_ends_the_day_before_the_next_since(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    assert resolve(tree, "city", D(2021, 12, 31)).get("minimum_wage").block.since == D(2020, 1, 1)
    assert resolve(tree, "city", D(2022, 1, 1)).get("minimum_wage").block.since == D(2022, 1, 1)


def test_the_days_after_an_until_and_before_the_next_block_are_uncovered(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    r = resolve(tree, "city", D(2023, 6, 1))
    assert r.find("minimum_wage") is None
    assert "minimum_wage" in r.uncovered()
    with pytest.raises(NoRulesetInForceError) as err:
        r.get("minimum_wage")
    assert err.value.details["covered"] == [["2020-01-01", "2022-12-31"], ["2024-01-01", None]]
    assert "minimum_wage on 2023-06-01" in err.value.message


def test_before_the_first_block_nothing_is_in_force(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    with pytest.raises(NoRulesetInForceError):
        resolve(tree, "city", D(2019, 12, 31)).get("minimum_wage")


def test_yearly_blocks_answer_only_their_own_year(make_tree):
    province = """
[[average_wage]]
year = 2022
series = "全口径城镇单位就业人员平均工资"
source = "law"
monthly = 6098

[[average_wage]]
year = 2024
series = "全口径城镇单位就业人员平均工资"
source = "law"
monthly = 6525
"""
    tree = make_tree(province=province)
    r = resolve(tree, "city", D(2025, 3, 1))
    assert r.year("average_wage", 2022).block.monthly.value == Decimal(6098)
    with pytest.raises(NoRulesetInForceError) as err:
        r.year("average_wage", 2023)  # never falls back to 2022
    assert err.value.details["covered_years"] == [2022, 2024]


def test_a_district_picks_its_tier_and_no_district_picks_the_core_tier(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    r = resolve(tree, "city", D(2021, 1, 1))
    assert r.tier("minimum_wage", "乙区")[0] == "二类"
    assert r.tier("minimum_wage", None)[0] == "一类"
    later = resolve(tree, "city", D(2023, 2, 1))
    assert later.tier("minimum_wage", "乙区")[0] == "一类"  # moved tier in the 2023 block


def test_a_retired_district_is_invalid_input_saying_when_it_was_listed(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    with pytest.raises(InvalidInputError) as err:
        resolve(tree, "city", D(2024, 2, 1)).tier("minimum_wage", "丙区")
    assert "2020-01-01 – 2022-12-31" in err.value.message and err.value.field == "district"


def test_an_unsourced_district_is_not_covered_rather_than_guessed(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    with pytest.raises(NoRulesetInForceError):
        resolve(tree, "city", D(2021, 1, 1)).tier("minimum_wage", "丁县")


def test_regions_are_found_by_slug_alias_and_admin_code(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    assert tree.find("city") == "city"
    assert tree.find("某市") == "city"
    assert tree.find("990000") == "prov"
    with pytest.raises(UnknownRegionError, match="district of city"):
        tree.find("乙区")
    for hostile in ("../etc", "city/../prov", "/etc/passwd"):
        with pytest.raises(UnknownRegionError):
            tree.find(hostile)
    assert tree.find(" CITY ") == "city"  # look-ups forgive case and spaces (tests/test_lookup.py)


def test_sources_are_qualified_by_the_file_that_defines_them(make_tree):
    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    r = resolve(tree, "city", D(2021, 1, 1))
    found = r.get("minimum_wage")
    assert r.qualify("law", found.file)[0] == "national:law"


def brackets(mode: str) -> Brackets:
    return Brackets.model_validate({"unit": "years", "mode": mode, "rows": [
        {"from": 0, "to": 10, "value": Decimal("1.0")},
        {"from": 10, "to": 20, "value": Decimal("1.5")},
        {"from": 20, "value": Decimal("2.0")}]})


def test_lookup_brackets_are_half_open():
    b = brackets("lookup")
    assert b.row_for(Decimal(0)).value == Decimal("1.0")
    assert b.row_for(Decimal("9.99")).value == Decimal("1.0")
    assert b.row_for(Decimal(10)).value == Decimal("1.5")  # [10, 20) holds 10
    assert b.row_for(Decimal(45)).value == Decimal("2.0")
    assert b.row_for(Decimal(-1)) is None


def test_marginal_brackets_apply_each_rate_to_the_part_inside_its_row():
    # 25 years: 10 × 1.0 + 10 × 1.5 + 5 × 2.0 = 10 + 15 + 10 = 35
    assert brackets("marginal").marginal(Decimal(25)) == Decimal("35.0")
    # 4 years: 4 × 1.0 = 4
    assert brackets("marginal").marginal(Decimal(4)) == Decimal("4.0")


def test_resolved_hash_changes_with_the_blocks_in_force_only(make_tree):
    from benefitcalc.services.rulesets import show

    tree = make_tree(province=PROV_WAGES, city=CITY_AREA)
    a = show(tree, "city", D(2020, 3, 1))["resolved_sha256"]
    b = show(tree, "city", D(2021, 3, 1))["resolved_sha256"]  # same blocks, another day
    c = show(tree, "city", D(2022, 3, 1))["resolved_sha256"]  # the 2022 province block
    assert a == b and a != c
