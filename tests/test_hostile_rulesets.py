"""Broken and hostile ruleset files: each gives exit 4 and a message naming file and key path."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app

runner = CliRunner()

WAGES = """
[[minimum_wage]]
since = 2020-01-01
source = "law"
monthly = { "一类" = 1000 }
"""

AREA = """
[[area]]
scheme = "minimum_wage"
since = 2020-01-01
source = "law"
core = ["甲区"]
districts = { "甲区" = "一类" }
"""

#: a duration schedule with a gap between its rows (12 to 24 months)
GAPPED_DURATION = """
[[unemployment.duration]]
since = 2011-07-01
source = "law"
max_months = 24
schedule = { unit = "months", mode = "lookup", rows = [
  { from = 0, to = 12, value = 0 }, { from = 24, value = 12 } ] }
"""


def check(tree) -> tuple[int, list[dict], str]:
    result = runner.invoke(app, ["--rulesets-dir", str(tree.root), "rulesets", "check", "--json"])
    data = json.loads(result.stdout)
    return result.exit_code, data["problems"], "\n".join(f"{p['file']}: {p['path']}: {p['message']}"
                                                        for p in data["problems"])


CASES = {
    "bad TOML": (dict(city="x = \n"), "prov/city.toml", "", "not valid TOML"),
    "100,000 nested brackets": (dict(city="x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
                                "prov/city.toml", "", "nested too deeply"),
    "unknown key in a block": (dict(province=WAGES + "bogus = 1\n", city=AREA), "prov/province.toml",
                               "minimum_wage[since=2020-01-01].bogus", "unknown key"),
    "unknown section": (dict(province=WAGES + "[[pensions]]\nsince = 2020-01-01\n", city=AREA),
                        "prov/province.toml", "pensions", "unknown section"),
    "a string where a number belongs": (dict(province=WAGES.replace("1000", '"1000"'), city=AREA),
                                        "prov/province.toml", "minimum_wage[since=2020-01-01].monthly.一类",
                                        "must be a number"),
    "bracket gap": (dict(province=WAGES, city=AREA, national=GAPPED_DURATION), "national.toml", "unemployment.duration[since=2011-07-01].schedule", "a gap"),
    "unknown tier": (dict(province=WAGES, city=AREA.replace('"甲区" = "一类"', '"甲区" = "五类"')),
                     "prov/city.toml", "area[since=2020-01-01].districts.甲区", "tier '五类'"),
    "unknown source id": (dict(province=WAGES.replace('"law"', '"nope"'), city=AREA),
                          "prov/province.toml", "minimum_wage[since=2020-01-01]", "unknown source id 'nope'"),
    "overlapping blocks": (dict(province=WAGES.replace("source", "until = 2021-06-30\nsource") + """
[[minimum_wage]]
since = 2021-01-01
source = "law"
monthly = { "一类" = 1100 }
""", city=AREA), "prov/province.toml", "minimum_wage[since=2020-01-01].until", "overlapping"),
    "a ../ region": (dict(province=WAGES, city=AREA, extra={
        "prov/evil.toml": '[meta]\nregion = "../../etc"\nlevel = "city"\nname = {zh="x", en="x"}\n'
                          'extends = "prov"\nversion = "1"\npublished = 2025-01-01\n'
                          'verified_through = 2025-01-01\n'}), "prov/evil.toml", "meta.region",
                     "does not match ^[a-z][a-z-]*$"),
    "a ../ parent": (dict(province=WAGES, city=AREA, extra={
        "prov/evil.toml": '[meta]\nregion = "evil"\nlevel = "city"\nname = {zh="x", en="x"}\n'
                          'extends = "../national"\nversion = "1"\npublished = 2025-01-01\n'
                          'verified_through = 2025-01-01\n'}), "prov/evil.toml", "meta.extends",
                     "does not match ^[a-z][a-z-]*$"),
    "a doubtful value without a note": (dict(province=WAGES.replace(
        "1000", '{ value = 1000, confidence = "unconfirmed" }'), city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01].monthly.一类", "needs a note"),
    "a non-finite number": (dict(province=WAGES.replace("1000", "inf"), city=AREA), "prov/province.toml",
                            "minimum_wage[since=2020-01-01].monthly.一类", "finite"),
    "a method without rounding and no default": (dict(province=WAGES, city=AREA, national="""
[[unemployment.amount]]
since = 2011-07-01
source = "law"
method = "share_of_minimum_wage"
share = 0.9
"""), "national.toml", "unemployment.amount[since=2011-07-01].round", "no file of city's chain"),
    "an unknown method": (dict(province=WAGES, city=AREA, national="""
[[unemployment.amount]]
since = 2011-07-01
source = "law"
method = "guess"
"""), "national.toml", "unemployment.amount[since=2011-07-01]", "'guess' is not one of"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_broken_ruleset_exits_4_naming_file_and_key_path(make_tree, case):
    kwargs, file, path, message = CASES[case]
    code, problems, text = check(make_tree(**kwargs))
    assert code == 4, text
    assert any(p["file"] == file and p["path"].startswith(path) and message in p["message"]["en"]
               for p in problems), text


def test_an_extends_cycle_is_named(make_tree):
    tree = make_tree(province=WAGES, city=AREA)
    text = (tree.root / "prov/province.toml").read_text(encoding="utf-8")
    (tree.root / "prov/province.toml").write_text(text.replace('extends = "national"', 'extends = "city"'),
                                                  encoding="utf-8")
    code, problems, text = check(tree)
    assert code == 4 and "extends cycle" in text and "meta.extends" in text


def test_a_file_extending_one_of_its_own_level_or_a_narrower_one_is_refused(make_tree):
    # a second city under the city: two city levels in one chain would each add their figures
    town = ('[meta]\nregion = "town"\nlevel = "city"\nname = { zh = "某镇", en = "Town" }\nextends = "city"\n'
            'version = "1"\npublished = 2025-01-01\nverified_through = 2025-12-31\n')
    code, problems, text = check(make_tree(province=WAGES, city=AREA, extra={"prov/town.toml": town}))
    assert code == 4, text
    assert any(p["file"] == "prov/town.toml" and p["path"] == "meta.extends"
               and "a city ruleset cannot extend city, a city one" in p["message"]["en"]
               and "市级规则集不能继承 city（市级）" in p["message"]["zh"] for p in problems), text


def test_every_problem_in_every_file_is_reported_at_once(make_tree):
    tree = make_tree(province=WAGES + "bogus = 1\n", city="x = \n")
    code, problems, text = check(tree)
    assert code == 4
    assert {p["file"] for p in problems} >= {"prov/province.toml", "prov/city.toml"}


def test_two_problems_in_one_file_are_both_reported(make_tree):
    province = WAGES + "bogus = 1\n" + WAGES.replace("2020-01-01", "2022-01-01").replace("1000", '"x"')
    code, problems, text = check(make_tree(province=province, city=AREA))
    assert code == 4 and "unknown key" in text and "must be a number" in text


def test_a_calculation_on_a_broken_tree_exits_4_without_traceback(make_tree):
    tree = make_tree(province=WAGES.replace("1000", '"x"'), city=AREA)
    result = runner.invoke(app, ["--rulesets-dir", str(tree.root), "rulesets", "show", "city@2021-01-01"])
    assert result.exit_code == 4
    assert "Traceback" not in result.output and "prov/province.toml" in result.stderr


def test_a_single_file_can_be_checked_alone(make_tree):
    tree = make_tree(province=WAGES + "bogus = 1\n", city=AREA)
    result = runner.invoke(app, ["rulesets", "check", str(tree.root / "prov/province.toml"), "--json"])
    assert result.exit_code == 4 and "unknown key" in result.stdout
