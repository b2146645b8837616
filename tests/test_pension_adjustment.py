"""The pension adjustment beyond the hand-computed cases: the category split and the
cadre guarantee on small trees, what a scheme block may not say, the command, and the
yearly coverage."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import InvalidInputError, InvalidRulesetError, NoRulesetInForceError
from benefitcalc.services.coverage import coverage

SCHEME = """
[[pension_adjustment.scheme]]
year = 2024
source = "law"
part_year = "full_year"
fixed = 30
years = {{ unit = "years", mode = "marginal", rows = [{{ from = 0, value = 1 }}] }}
percent = 0.01
{extra}
"""

DEFAULTS = '[defaults]\nround = { unit = "0.01", mode = "half_up" }\n'

CASE = {"benefit": "pension_adjustment", "region": "city", "as_of": "2024-07-01", "monthly_pension": "2000",
        "contribution_years": 20, "birth_date": "1955-01-01", "retirement_date": "2015-01-01"}


def calc(tree, **changes) -> dict:
    return Engine(tree.root).calculate({**CASE, **changes}).to_json()


def test_a_categorys_own_scheme_wins_over_the_shared_one(make_tree):
    own = SCHEME.format(extra='series = "institution"').replace("fixed = 30", "fixed = 50")
    tree = make_tree(national=DEFAULTS, province=SCHEME.format(extra="") + own)
    # shared: 30 + 20 × 1 + 2000 × 1 % = 70; institution: 50 + 20 + 20 = 90
    assert calc(tree)["amounts"]["increase"] == "70.00"
    assert calc(tree, category="institution")["amounts"]["increase"] == "90.00"


def test_a_category_without_a_scheme_is_a_gap_naming_the_year(make_tree):
    tree = make_tree(province=SCHEME.format(extra='series = "enterprise"'))
    with pytest.raises(NoRulesetInForceError) as err:
        Engine(tree.root).calculate({**CASE, "category": "institution"})
    assert err.value.details["year"] == 2024
    assert "institution or shared" in err.value.message


def test_the_cadre_guarantee_raises_the_pension_to_a_sourced_average(make_tree):
    city = """
    [[pension_adjustment.cadre_average]]
    year = 2024
    source = "law"
    monthly = 2500
    """
    tree = make_tree(national=DEFAULTS, province=SCHEME.format(extra=""), city=city)
    result = calc(tree, groups=["military_transfer_cadre"])
    # 2000 + 70 = 2070 < the city's average 2500: raised to it, so the increase is 500
    assert result["amounts"] == {"increase": "500.00", "new_monthly_pension": "2500.00"}
    assert result["warnings"] == []
    above = calc(tree, groups=["military_transfer_cadre"], monthly_pension="3000")
    # 3000 + 30 + 20 + 30 = 3080 ≥ 2500: unchanged
    assert above["amounts"] == {"increase": "80.00", "new_monthly_pension": "3080.00"}


def test_the_cadre_guarantee_without_an_average_says_it_was_not_applied(make_tree):
    tree = make_tree(national=DEFAULTS, province=SCHEME.format(extra=""))
    result = calc(tree, groups=["military_transfer_cadre"])
    assert result["amounts"]["increase"] == "70.00"
    assert [w["code"] for w in result["warnings"]] == ["cadre_guarantee_not_applied"]


def test_the_cadre_guarantee_is_for_enterprise_retirees(make_tree):
    tree = make_tree(province=SCHEME.format(extra=""))
    with pytest.raises(InvalidInputError) as err:
        calc(tree, groups=["military_transfer_cadre"], category="institution")
    assert err.value.details == {"field": "groups"}


def test_a_silent_notice_rounds_the_share_to_the_fen_and_says_so(make_tree):
    tree = make_tree(national=DEFAULTS, province=SCHEME.format(extra=""))
    result = calc(tree, monthly_pension="1234.56")
    # 1234.56 × 1 % = 12.3456 → 12.35; 30 + 20 + 12.35 = 62.35
    assert result["amounts"]["increase"] == "62.35"
    step = next(s for s in result["steps"] if s["id"] == "percent_part")
    assert "the document is silent" in step["formula"]


@pytest.mark.parametrize("extra, message", [
    ("fixed_by_retirement_year = { unit = \"calendar_year\", mode = \"lookup\", rows = [{ from = 1949, value = 1 }] }",
     "exactly one of 'fixed' and 'fixed_by_retirement_year'"),
    ("unsourced.percent = { note = \"not found\" }", "both given and declared unsourced"),
    ("age = { unit = \"years\", mode = \"lookup\", rows = [{ from = 70, value = 1 }] }", "lookup brackets by age"),
    ("round = { fixed = { unit = \"0.1\", mode = \"up\" } }", "round names ['fixed']"),
    ("retired_by = 2020-06-30", "is not in 2023 or 2024"),
    ("groups.military_transfer_cadre = { value = 1, label = { zh = \"军转\", en = \"cadre\" } }", "not a tilt"),
    ("round = { percent = { unit = \"0.1\", mode = \"up\", after = \"0.1\" } }", "must be finer than unit"),
])
def test_what_a_scheme_may_not_say(make_tree, extra, message):
    with pytest.raises(InvalidRulesetError) as err:
        make_tree(province=SCHEME.format(extra=extra)).all_files()
    assert message in str(err.value)


def test_a_part_year_where_the_notice_is_silent_is_a_gap_and_whole_years_are_not(make_tree):
    tree = make_tree(national=DEFAULTS, province=SCHEME.format(extra="").replace('"full_year"', '"unstated"'))
    assert calc(tree, contribution_years="20")["amounts"]["increase"] == "70.00"
    with pytest.raises(NoRulesetInForceError) as err:
        calc(tree, contribution_years="20.5")
    assert err.value.details["component"] == "years" and "part year" in err.value.message


def test_the_command_takes_repeated_groups_and_prints_json():
    result = CliRunner().invoke(app, [
        "pension-adjustment", "--region", "xiangyang", "--as-of", "2023-07-20", "--monthly-pension", "4000",
        "--contribution-years", "35.5", "--birth-date", "1937-04-01", "--retirement-date", "1992-04-01",
        "--group", "revolution_by_1953", "--group", "hardship_area", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 32 + 36 × 1.8 + 4000 × 1.15 % + 60 + max(20, 15) = 222.80 (tests/cases/pension_adjustment.json)
    assert data["amounts"] == {"increase": "222.80", "new_monthly_pension": "4222.80"}
    tilts = [s["param"] for s in data["steps"] if s["id"].startswith("group_tilt.")]
    assert tilts == ["pension_adjustment.scheme.groups.revolution_by_1953",
                     "pension_adjustment.scheme.groups.hardship_area"]


def test_the_command_help_teaches_the_fields():
    result = CliRunner().invoke(app, ["pension-adjustment", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for word in ("--monthly-pension", "--contribution-years", "--retirement-date", "--group", "31 December",
                 "military_transfer_cadre", "rulesets coverage", "--format"):
        assert word in " ".join(result.stdout.split())  # the help wraps lines


def test_coverage_lists_the_yearly_schemes_and_the_years_without_one(shipped):
    import datetime as dt

    report = coverage(shipped, "nanjing", end=dt.date(2026, 11, 29))
    section = next(s for s in report["regions"][0]["sections"] if s["section"] == "pension_adjustment.scheme")
    # a date asks for its own year's scheme: 2018 (before the data) and 2026 (no notice found) are missing
    assert section["years"] == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert section["missing_years"] == [2018, 2026]
    detail = {d["year"]: (d["confidence"], d["unsourced"]) for d in section["detail"]}
    # 2025: only the fixed amount was published; 2019–2020, 2022–2023: no page says how a part year counts
    assert detail[2025] == ("confirmed", ["age", "percent", "years"])
    assert detail[2024] == ("confirmed", [])
    assert detail[2022] == ("unconfirmed", ["part years"])
