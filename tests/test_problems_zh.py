"""Every problem ``rulesets check`` reports says itself in Chinese as well as English:
auditors and caseworkers run with ``--lang zh``. Broken trees are written with the
``make_tree`` fixture (conftest.py); the source of ``benefitcalc.rules`` is read with ``ast``
so that a new ``Problem`` without ``zh=`` or a bare ``raise ValueError`` fails here."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_hostile_rulesets import AREA, GAPPED_DURATION, WAGES  # the smallest tree's blocks
from typer.testing import CliRunner

import benefitcalc
from benefitcalc.cli import app

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")

OWN_WAGE = """
[[unemployment.amount]]
since = 2011-07-01
source = "law"
method = "share_of_own_wage"
floor_multiple = 1
round = { unit = "0.01", mode = "half_up" }
shares = { unit = "years", mode = "lookup", rows = [ { from = 0, value = 1.5 } ] }
"""

OVERLAP = WAGES.replace("source", "until = 2021-06-30\nsource") + """
[[minimum_wage]]
since = 2021-01-01
source = "law"
monthly = { "一类" = 1100 }
"""


def check(root: Path, *options: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["--rulesets-dir", str(root), *options, "rulesets", "check", "--json"])
    return result.exit_code, json.loads(result.stdout)["problems"]


def assert_bilingual(problem: dict[str, Any]) -> None:
    message = problem["message"]
    assert set(message) == {"zh", "en"}, problem
    assert message["en"] and message["zh"], problem
    assert CJK.search(message["zh"]), f"no Chinese in {problem}"
    assert message["zh"] != message["en"], f"the Chinese is the English in {problem}"


#: name (a sentence) → (make_tree arguments, file, key path, a part of the English message)
BROKEN: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "A string where a number belongs": (
        dict(province=WAGES.replace("1000", '"1000"'), city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01].monthly.一类", "must be a number"),
    "A string where a date belongs": (
        dict(province=WAGES.replace("since = 2020-01-01", 'since = "2020-01-01"'), city=AREA),
        "prov/province.toml", "minimum_wage[since=2020-01-01].since", "must be a date"),
    "Text where a source id belongs": (
        dict(province=WAGES.replace('"law"', "3"), city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01].source", "must be text"),
    "An unknown key in a block": (
        dict(province=WAGES + "bogus = 1\n", city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01].bogus", "unknown key"),
    "A confidence that is none of the three": (
        dict(province=WAGES.replace("1000", '{ value = 1000, confidence = "maybe" }'), city=AREA),
        "prov/province.toml", "minimum_wage[since=2020-01-01].monthly.一类.confidence", "must be one of"),
    "A doubtful value without a note": (
        dict(province=WAGES.replace("1000", '{ value = 1000, confidence = "unconfirmed" }'), city=AREA),
        "prov/province.toml", "minimum_wage[since=2020-01-01].monthly.一类", "needs a note"),
    "An unknown method": (
        dict(province=WAGES, city=AREA, national=OWN_WAGE.replace("share_of_own_wage", "guess")),
        "national.toml", "unemployment.amount[since=2011-07-01]", "'guess' is not one of"),
    "A block without a method": (
        dict(province=WAGES, city=AREA, national=OWN_WAGE.replace('method = "share_of_own_wage"\n', "")),
        "national.toml", "unemployment.amount[since=2011-07-01]", "needs the key 'method'"),
    "A bracket gap (schema.py)": (
        dict(province=WAGES, city=AREA, national=GAPPED_DURATION), "national.toml",
        "unemployment.duration[since=2011-07-01].schedule", "a gap"),
    "A share above 1 in brackets (unemployment.py through schema.py)": (
        dict(province=WAGES, city=AREA, national=OWN_WAGE), "national.toml",
        "unemployment.amount[since=2011-07-01]", "shares row 1: a share must be between 0 and 1"),
    "A 低保 block with neither figure nor gap (common.py)": (
        dict(province=WAGES + "\n[[low_income_standard]]\nsince = 2020-01-01\nsource = \"law\"\n", city=AREA),
        "prov/province.toml", "low_income_standard[since=2020-01-01]",
        "give exactly one of 'monthly' and 'unsourced'"),
    "An unknown section": (
        dict(province=WAGES + "[[pensions]]\nsince = 2020-01-01\n", city=AREA), "prov/province.toml",
        "pensions", "unknown section"),
    "An unknown source id": (
        dict(province=WAGES.replace('"law"', '"nope"'), city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01]", "unknown source id 'nope'"),
    "Overlapping blocks": (
        dict(province=OVERLAP, city=AREA), "prov/province.toml", "minimum_wage[since=2020-01-01].until",
        "overlapping blocks"),
    "An unknown tier": (
        dict(province=WAGES, city=AREA.replace('"甲区" = "一类"', '"甲区" = "五类"')), "prov/city.toml",
        "area[since=2020-01-01].districts.甲区", "tier '五类'"),
    "A method without rounding and no default": (
        dict(province=WAGES, city=AREA, national=OWN_WAGE.replace('round = { unit = "0.01", mode = "half_up" }\n',
                                                                   "").replace("1.5", "0.5")),
        "national.toml", "unemployment.amount[since=2011-07-01].round", "no file of city's chain"),
    "A non-finite number": (
        dict(province=WAGES.replace("1000", "inf"), city=AREA), "prov/province.toml",
        "minimum_wage[since=2020-01-01].monthly.一类", "finite"),
    "Bad TOML": (dict(city="x = \n"), "prov/city.toml", "", "not valid TOML"),
    "A ruleset that extends itself": (
        dict(province=WAGES, city=AREA, extra={
            "prov/evil.toml": '[meta]\nregion = "evil"\nlevel = "city"\nname = {zh="x", en="x"}\n'
                              'extends = "evil"\nversion = "1"\npublished = 2025-01-01\n'
                              'verified_through = 2025-01-01\n'}),
        "prov/evil.toml", "meta", "a ruleset cannot extend itself"),
}


@pytest.mark.parametrize("name", list(BROKEN), ids=list(BROKEN))
def test_a_ruleset_problem_says_itself_in_chinese_and_english(make_tree, name):
    kwargs, file, path, english = BROKEN[name]
    code, problems = check(make_tree(**kwargs).root)
    assert code == 4
    found = [p for p in problems if p["file"] == file and p["path"].startswith(path) and english in p["message"]["en"]]
    assert found, problems
    for p in problems:
        assert_bilingual(p)


#: name → (make_tree arguments, key path, the exact Chinese message)
EXACT: dict[str, tuple[dict[str, Any], str, str]] = {
    "An unknown key": (dict(province=WAGES + "bogus = 1\n", city=AREA), "minimum_wage[since=2020-01-01].bogus",
                       "未知的键"),
    "A string where a number belongs": (dict(province=WAGES.replace("1000", '"1000"'), city=AREA),
                                        "minimum_wage[since=2020-01-01].monthly.一类.value", "须为数字"),
    "An unknown source id": (dict(province=WAGES.replace('"law"', '"nope"'), city=AREA),
                             "minimum_wage[since=2020-01-01]", "未知的来源 id 'nope'"),
    "Overlapping blocks": (dict(province=OVERLAP, city=AREA), "minimum_wage[since=2020-01-01].until",
                           "until 2021-06-30 不早于下一规则块的 since 2021-01-01：规则块重叠"),
    "A confidence that is none of the three": (
        dict(province=WAGES.replace("1000", '{ value = 1000, confidence = "maybe" }'), city=AREA),
        "minimum_wage[since=2020-01-01].monthly.一类.confidence",
        "须为以下之一：'confirmed'、'derived'、'unconfirmed'"),
    "A 低保 block with neither figure nor gap": (
        dict(province=WAGES + "\n[[low_income_standard]]\nsince = 2020-01-01\nsource = \"law\"\n", city=AREA),
        "low_income_standard[since=2020-01-01]", "'monthly' 与 'unsourced' 须且只须给出其中一项"),
}


@pytest.mark.parametrize("name", list(EXACT), ids=list(EXACT))
def test_the_chinese_of_a_problem_is_exact(make_tree, name):
    kwargs, path, zh = EXACT[name]
    _, problems = check(make_tree(**kwargs).root)
    assert {"file": "prov/province.toml", "path": path, "zh": zh} in [
        {"file": p["file"], "path": p["path"], "zh": p["message"]["zh"]} for p in problems], problems


def test_a_wrapped_validator_error_keeps_its_chinese(make_tree):
    _, problems = check(make_tree(province=WAGES, city=AREA, national=OWN_WAGE).root)
    assert "shares 第 1 行：比例须在 0 至 1 之间" in [p["message"]["zh"] for p in problems], problems


def test_bad_toml_is_said_in_chinese_with_its_line_and_column(make_tree):
    _, problems = check(make_tree(city="x = \n").root)
    assert [(p["file"], p["message"]["zh"]) for p in problems] == [
        ("prov/city.toml", "不是有效的 TOML：无效的值（第 11 行第 5 列）")], problems


def test_a_bracket_gap_is_said_in_chinese(make_tree):
    _, problems = check(make_tree(province=WAGES, city=AREA, national=GAPPED_DURATION).root)
    assert "第 2 行起于 24，但第 1 行止于 12：中间有空缺" in [p["message"]["zh"] for p in problems], problems


@pytest.mark.parametrize("manifest, english", [
    ("garbage\n", "separated by tabs"),
    ("# benefitcalc rulesets MANIFEST\nnational.toml\t1\t" + "0" * 64, "may be torn"),
], ids=["a malformed line", "a torn MANIFEST"])
def test_a_manifest_problem_says_itself_in_chinese(make_tree, manifest, english):
    tree = make_tree(province=WAGES, city=AREA)
    (tree.root / "MANIFEST").write_text(manifest, encoding="utf-8")
    code, problems = check(tree.root)
    assert code == 4
    assert any(p["file"] == "MANIFEST" and english in p["message"]["en"] for p in problems), problems
    for p in problems:
        assert_bilingual(p)


def test_a_stale_manifest_entry_says_itself_in_chinese(make_tree):
    tree = make_tree(province=WAGES, city=AREA)
    assert runner.invoke(app, ["--rulesets-dir", str(tree.root), "rulesets", "check", "--write-manifest"]
                         ).exit_code == 0
    path = tree.root / "prov/province.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("1000", "1001"), encoding="utf-8")
    code, problems = check(tree.root)
    assert code == 4
    assert [p["kind"] for p in problems] == ["version_not_bumped"], problems
    assert problems[0]["message"]["zh"] == ("文件内容已改变，但版本仍为 '1'（与 MANIFEST 相同）：请先更新 meta.version，"
                                            "再运行 `benefitcalc rulesets check --write-manifest`")


def test_the_text_output_with_lang_zh_says_the_problem_in_chinese(make_tree):
    tree = make_tree(province=WAGES.replace('"law"', '"nope"'), city=AREA)
    result = runner.invoke(app, ["--rulesets-dir", str(tree.root), "--lang", "zh", "rulesets", "check"])
    assert result.exit_code == 4
    assert "未知的来源 id 'nope'" in result.output


# --- the source: every Problem has its Chinese, every validator error is bilingual -------------

RULES = Path(benefitcalc.__file__).parent / "rules"
# rules/tree.py and rules/resolve.py are being translated by someone else: add them here when done
NOT_YET = {"tree.py", "resolve.py"}
SOURCES = sorted(p for p in RULES.rglob("*.py") if p.relative_to(RULES).as_posix() not in NOT_YET)


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name]


def test_the_source_is_read():
    assert {"check.py", "files.py", "io.py", "manifest.py", "schema.py", "sections/unemployment.py"} <= {
        p.relative_to(RULES).as_posix() for p in SOURCES}
    assert sum(len(_calls(p, "Problem")) for p in SOURCES) > 20


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(RULES).as_posix() for p in SOURCES])
def test_every_problem_in_the_rules_source_has_its_chinese(path):
    missing = [call.lineno for call in _calls(path, "Problem")
               if not any(k.arg == "zh" for k in call.keywords) and len(call.args) < 5]
    assert not missing, f"{path.name}: Problem(...) without zh= on lines {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(RULES).as_posix() for p in SOURCES])
def test_no_validator_in_the_rules_source_raises_a_bare_value_error(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)
            and isinstance(n.exc.func, ast.Name) and n.exc.func.id == "ValueError"]
    assert not bare, f"{path.name}: raise ValueError(...) on lines {bare}: raise BilingualValueError(en, zh)"
