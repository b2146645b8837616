"""The resident basic pension on small trees: the published formula, the layering of the
levels, 长缴多得 and age additions, and the eligibility paths of 国发〔2014〕8号 第七条."""

from __future__ import annotations

import pytest

from benefitcalc.engine import Engine
from benefitcalc.errors import InvalidInputError, NoRulesetInForceError

NATIONAL = """
[defaults]
round = { unit = "0.01", mode = "half_up" }

[[resident_pension.eligibility]]
since = 2014-02-21
source = "law"
pension_age = 60
min_years = 15

[[resident_pension.basic]]
since = 2014-07-01
source = "law"
add = 55

[[resident_pension.account]]
since = 2014-02-21
source = "law"
divisor = { unit = "age", mode = "lookup", rows = [{ from = 60, value = 139 }] }
{account_round}
"""

CASE = {"benefit": "resident_pension", "region": "city", "as_of": "2015-01-01", "birth_date": "1950-01-01",
        "contribution_years": 15, "account_balance": "2596.2"}


def tree_of(make_tree, account_round: str = "", province: str = "", city: str = ""):
    return make_tree(national=NATIONAL.replace("{account_round}", account_round), province=province, city=city)


def calc(tree, **changes) -> dict:
    return Engine(tree.root).calculate({**CASE, **changes}).to_json()


def test_the_published_shijiazhuang_example_and_its_truncation(make_tree):
    # 石家庄市人社局: 55 + [(100 + 30) × 15 + 646.2] ÷ 139; 2596.2 ÷ 139 = 18.6776… → 18.68 to the fen
    result = calc(tree_of(make_tree))
    assert result["amounts"] == {"basic_pension": "55.00", "account_pension": "18.68", "monthly_pension": "73.68"}
    # the source prints 73.6: the account part cut to the jiao, which a ruleset can say
    cut = calc(tree_of(make_tree, 'round = { account = { unit = "0.1", mode = "down" } }'))
    assert cut["amounts"]["monthly_pension"] == "73.60"


PROVINCE = """
[[resident_pension.basic]]
since = 2014-07-01
source = "law"
at_least = 120
"""

CITY = """
[[resident_pension.basic]]
since = 2014-07-01
source = "law"
add = 30

[[resident_pension.long_contribution]]
since = 2014-07-01
source = "law"
per_year = { unit = "years", mode = "marginal", rows = [{ from = 0, to = 15, value = 0 }, { from = 15, value = 3 }] }

[[resident_pension.age_addition]]
since = 2014-07-01
source = "law"
by_age = { unit = "age", mode = "lookup", rows = [{ from = 65, to = 80, value = 5 }, { from = 80, value = 10 }] }
"""


def test_each_level_is_a_step_and_the_extras_add_up(make_tree):
    tree = tree_of(make_tree, province=PROVINCE, city=CITY)
    result = calc(tree, contribution_years=25, birth_date="1940-06-01")
    # national 55 → province at least 120 → city + 30 = 150; 长缴多得 (25 − 15) × 3 = 30; age 74 → 5
    assert result["amounts"]["basic_pension"] == "185.00"
    levels = {s["id"]: s["block"]["region"] for s in result["steps"] if s["id"].startswith("basic_level.")}
    assert levels == {"basic_level.national": "national", "basic_level.province": "prov", "basic_level.city": "city"}
    assert result["warnings"] == []


def test_a_level_without_figures_is_named_in_a_warning(make_tree):
    result = calc(tree_of(make_tree, province=PROVINCE))
    assert result["amounts"]["basic_pension"] == "120.00"
    assert [w["code"] for w in result["warnings"]] == ["level_not_sourced"]
    assert "city" in result["warnings"][0]["message"]["en"]


def test_a_level_declared_unsourced_is_a_gap_naming_it(make_tree):
    city = '[[resident_pension.basic]]\nsince = 2014-07-01\nsource = "law"\nunsourced = "the city top-up"\n'
    with pytest.raises(NoRulesetInForceError) as err:
        calc(tree_of(make_tree, province=PROVINCE, city=city))
    assert err.value.details["level"] == "city" and "the city top-up" in err.value.message


def test_a_level_with_figures_but_none_in_force_is_a_gap(make_tree):
    late = PROVINCE.replace("2014-07-01", "2016-01-01")
    with pytest.raises(NoRulesetInForceError) as err:
        calc(tree_of(make_tree, province=late))
    assert err.value.details["level"] == "province"


@pytest.mark.parametrize("changes, codes", [
    ({"birth_date": "1956-01-02"}, ["under_pension_age"]),
    ({"contribution_years": 14}, ["insufficient_contributions"]),
    ({"other_state_pension": True}, ["other_state_pension"]),
])
def test_who_is_refused_and_why(make_tree, changes, codes):
    result = calc(tree_of(make_tree), **changes)
    assert result["eligible"] is False and [r["code"] for r in result["reasons"]] == codes
    assert result["amounts"] == {"basic_pension": "0.00", "account_pension": "0.00", "monthly_pension": "0.00"}


@pytest.mark.parametrize("start_age, years, eligible", [
    (60, 0, True),     # already 60 when the scheme began: no contributions needed
    (52, 8, True),     # within 15 years of 60: every year since, 60 − 52 = 8
    (52, 7, False),
    (40, 14, False),   # more than 15 years from 60: 15 years
    (40, 15, True),
])
def test_the_transitional_paths_of_article_7(make_tree, start_age, years, eligible):
    result = calc(tree_of(make_tree), scheme_start_age=start_age, contribution_years=years, account_balance="0")
    assert result["eligible"] is eligible


def test_a_pension_started_before_the_pension_age_is_refused(make_tree):
    with pytest.raises(InvalidInputError) as err:
        calc(tree_of(make_tree), pension_start_date="2009-06-01")
    assert err.value.details["field"] == "pension_start_date"


def test_a_scheme_start_age_above_the_age_now_is_refused(make_tree):
    with pytest.raises(InvalidInputError) as err:
        calc(tree_of(make_tree), scheme_start_age=75)
    assert err.value.details["field"] == "scheme_start_age"


def test_someone_already_60_when_the_scheme_began_gets_the_basic_pension_only(make_tree):
    result = calc(tree_of(make_tree), scheme_start_age=62, contribution_years=0)
    # 第七条: 不用缴费 … 按月领取城乡居民养老保险基础养老金 — no account pension
    assert result["amounts"] == {"basic_pension": "55.00", "account_pension": "0.00", "monthly_pension": "55.00"}


def test_an_age_addition_declared_missing_is_a_gap_only_from_its_age(make_tree):
    city = """
    [[resident_pension.age_addition]]
    since = 2014-07-01
    source = "law"
    gap = "the city's 高龄补贴 amounts"
    gap_from_age = 70
    """
    tree = tree_of(make_tree, city=city)
    assert calc(tree)["amounts"]["monthly_pension"] == "73.68"  # 65: under 70, nothing missing
    with pytest.raises(NoRulesetInForceError) as err:
        calc(tree, birth_date="1940-01-01")
    assert err.value.details["subsection"] == "resident_pension.age_addition"
