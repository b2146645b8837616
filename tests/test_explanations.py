"""Every result's steps say only true things, once each, in the form a result promises
(SPEC §3.2): a step id is unique within a result (and ``Trace`` refuses a second one), a
step's value is always a string, a comparison a formula writes holds, the step that gives an
amount has the amount's value exactly, and a formula with words has its Chinese. Run over
every example and a grid of generated cases per benefit; the review cases are checked word
for word."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benefitcalc import benefits
from benefitcalc.calc.base import Trace
from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import BenefitcalcError, ProgrammingError
from benefitcalc.explain import Step

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))
REGIONS = ("nanchang", "ganzhou-ganxian", "guangzhou", "nanjing", "xiangyang")

#: ``a ≥ b`` (≤ < >) with plain decimals on both sides; a date or month (2024-09-15) is not one
COMPARISON = re.compile(r"(?<![\d.\-])(-?\d+(?:\.\d+)?)\s*(≥|≤|<|>)\s*(-?\d+(?:\.\d+)?)(?![\d.\-])")
HOLDS = {"≥": Decimal.__ge__, "≤": Decimal.__le__, "<": Decimal.__lt__, ">": Decimal.__gt__}
#: a run of ASCII letters with what may belong to it in a param path, an id or a file name
TOKEN = re.compile(r"[A-Za-z0-9_.\[\]\-]*[A-Za-z][A-Za-z0-9_.\[\]\-]*")
#: words a formula may use in either language: the arithmetic's functions, the indices' names
#: and the values of a boolean parameter
PLAIN = {"max", "min", "CPI", "SCPI", "true", "false"}


def words(formula: str, slugs: set[str]) -> list[str]:
    """The English words of a formula: ASCII-letter tokens that are not a param path, an id
    or a file name (they hold ``_`` or ``.``), a slug of the result (region, case value) or
    one of ``PLAIN``."""
    out = []
    for token in TOKEN.findall(formula):
        token = token.rstrip(".-")
        if "_" in token or "." in token or token in PLAIN or token in slugs:
            continue
        out.append(token)
    return out


def comparisons(formula: str) -> list[tuple[str, bool]]:
    return [(m.group(0), HOLDS[m.group(2)](Decimal(m.group(1)), Decimal(m.group(3))))
            for m in COMPARISON.finditer(formula)]


def amount_step(steps: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The step that gives an amount: the last one of the amount's id or a refinement of it
    (``duration_months.capped_at_retirement``)."""
    found = [s for s in steps if s["id"] == name or s["id"].startswith(f"{name}.")]
    return found[-1] if found else None


def problems(data: dict[str, Any]) -> list[str]:
    """Everything wrong with one result's steps (an empty list when nothing is)."""
    steps = data["steps"]
    out = []
    twice = [i for i, n in Counter(s["id"] for s in steps).items() if n > 1]
    if twice:
        out.append(f"ids recorded more than once: {twice}")
    slugs = {r["region"] for r in data["rulesets"]} | {v for v in data["case"].values() if isinstance(v, str)}
    for s in steps:
        if not isinstance(s["value"], str):
            out.append(f"{s['id']}: value {s['value']!r} is not a string")
        zh = s.get("formula_zh")
        for formula in filter(None, (s["formula"], zh)):
            out += [f"{s['id']}: {text!r} is false in {formula!r}" for text, true in comparisons(formula) if not true]
        if zh is not None and zh == s["formula"]:
            out.append(f"{s['id']}: formula_zh is emitted though it is the formula")
        if s["param"] is not None:  # a value read from a ruleset: its param path and the value as written
            if s["formula"] != f"{s['param']} = {s['value']}" or zh is not None:
                out.append(f"{s['id']}: a read step's formula is {s['formula']!r}")
            continue
        if words(s["formula"], slugs) and zh is None:
            out.append(f"{s['id']}: {s['formula']!r} has words {words(s['formula'], slugs)} but no formula_zh")
        if zh is not None and words(zh, slugs):
            out.append(f"{s['id']}: formula_zh {zh!r} has English words {words(zh, slugs)}")
    eligible = next((s for s in steps if s["id"] == "eligible"), None)
    if eligible is not None and eligible["value"] != str(data["eligible"]).lower():
        out.append(f"eligible step {eligible['value']} but the result says {data['eligible']}")
    if data["eligible"]:
        kinds = {a.name: a.kind for a in benefits.get(data["benefit"]).amounts}
        for name, amount in data["amounts"].items():
            step = amount_step(steps, name)
            if step is None:
                if kinds[name] != "text":
                    out.append(f"no step gives the amount {name}")
                continue
            want = {"yes": "true", "no": "false"}.get(amount, str(amount))  # triggered: yes/no, its step a boolean
            if step["value"] != want:
                out.append(f"amount {name} is {amount!r} but its step {step['id']} says {step['value']!r}")
    return out


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def check_all(engine: Engine, cases: list[dict[str, Any]], least: int) -> None:
    """Compute each case (a gap or bad input is not this test's business) and check its
    steps; at least ``least`` cases must compute, so that the grid keeps its reach."""
    found, computed = [], 0
    for case in cases:
        try:
            result = engine.calculate(case)
        except BenefitcalcError as exc:
            found += same_without_steps(engine, case, exc)
            continue
        computed += 1
        data = result.to_json()
        found += [f"{json.dumps(case, ensure_ascii=False)}: {p}" for p in problems(data)]
        found += same_without_steps(engine, case, result)
    assert not found, "\n".join(found[:40])
    assert computed >= least, computed


def same_without_steps(engine: Engine, case: dict[str, Any], full: Any) -> list[str]:
    """The batch's fast path against the full one: a case computed without steps gives the
    same result but its steps, or the same error; and its JSON line (``Engine.json_line``, with
    its cached parts) is the text ``json.dumps`` writes of the result, with or without steps."""
    said = json.dumps(case, ensure_ascii=False)
    try:
        lean = engine.calculate(case, steps=False)
    except BenefitcalcError as exc:
        if not isinstance(full, BenefitcalcError):
            return [f"{said}: fails only without steps: {exc}"]
        return [] if (exc.code, exc.message, exc.details) == (full.code, full.message, full.details) \
            else [f"{said}: another error without steps: {exc}"]
    if isinstance(full, BenefitcalcError):
        return [f"{said}: computes only without steps"]
    out = []
    if lean.steps != ():
        out.append(f"{said}: steps kept when not asked for")
    if lean.to_json() != {**full.to_json(), "steps": []}:
        out.append(f"{said}: the result without steps differs beyond its steps")
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    if engine.json_line(lean) != compact(lean.to_json(steps=False)).encode():
        out.append(f"{said}: its JSON line differs from json.dumps")
    if engine.json_line(full, steps=True) != compact(full.to_json()).encode():
        out.append(f"{said}: its JSON line with steps differs from json.dumps")
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_explains_itself_truly_and_once(engine, path):
    case = json.loads(path.read_text(encoding="utf-8"))
    try:
        result = engine.calculate(case)
    except BenefitcalcError as exc:
        assert same_without_steps(engine, case, exc) == []
        pytest.skip("a gap example: an error object, no steps")
    assert problems(result.to_json()) == []
    assert same_without_steps(engine, case, result) == []


# -- generated cases: a grid per benefit -------------------------------------------------------


def test_unemployment_grid(engine):
    variants: list[dict[str, Any]] = [
        {}, {"involuntary": False}, {"carried_over_months": 3}, {"birth_date": "1964-12-10", "sex": "male"},
        {"birth_date": "1966-03-05", "sex": "female", "original_age": 55},
        {"birth_date": "1964-12-10", "sex": "male", "pension_start_date": "2024-09-15"},
        {"pension_start_date": "2024-09-15"}, {"pension_start_date": "2019-01-01"}]
    cases = [{"benefit": "unemployment", "region": region, "as_of": as_of, "contribution_months": months,
              "average_monthly_wage": wage, **variant}
             for region, as_of, months, wage, variant in itertools.product(
                 REGIONS, ("2019-06-01", "2022-06-01", "2023-09-01", "2024-06-01", "2025-06-01"),
                 (0, 8, 30, 80, 130, 300), ("1000", "9000"), variants)]
    check_all(engine, cases, least=1000)


def test_injury_grid(engine):
    disability = [{"outcome": "disability", "disability_grade": grade, "care_level": care, **ended, **person}
                  for grade, care, ended, person in itertools.product(
                      range(1, 11), ("none", "partial", "full"),
                      ({}, {"employment_ended": True}, {"employment_ended": True, "work_arranged": False,
                                                        "occupational_disease": True},
                       {"employment_ended": True, "employer_fault": True}),
                      ({}, {"birth_date": "1965-03-01", "sex": "male"},
                       {"birth_date": "1972-05-01", "sex": "female", "original_age": 50}))]
    family = [{"relation": "spouse"}, {"relation": "child", "extra": True}, {"relation": "child"},
              {"relation": "parent"}, {"relation": "parent", "extra": True}, {"relation": "other"}]
    death = [{"outcome": "death", "dependants": family[:n], **grade}
             for n, grade in itertools.product(range(len(family) + 1), ({}, {"disability_grade": 2},
                                                                        {"disability_grade": 7}))]
    cases = [{"benefit": "injury", "region": region, "as_of": as_of, "own_monthly_wage": wage, **outcome}
             for region, as_of, wage, outcome in itertools.product(
                 REGIONS, ("2020-06-01", "2022-08-01", "2023-11-20", "2024-03-01"), ("2000", "7000", "60000"),
                 disability + death)]
    check_all(engine, cases, least=3000)


def test_pension_adjustment_grid(engine):
    groups = ((), ("revolution_by_1953",), ("revolution_by_1953", "hardship_area"), ("military_transfer_cadre",))
    cases = [{"benefit": "pension_adjustment", "region": region, "as_of": f"{year}-07-20", "category": category,
              "monthly_pension": pension, "contribution_years": years, "birth_date": born,
              "retirement_date": retired or f"{year}-03-01", "groups": list(group)}
             for region, year, category, pension, years, born, retired, group in itertools.product(
                 REGIONS, range(2019, 2026), ("enterprise", "institution"), ("1500", "4000"), ("8", "25", "35.5"),
                 ("1937-04-01", "1950-05-01", "1960-06-01"), ("2000-06-01", None), groups)]
    check_all(engine, cases, least=300)


def test_resident_pension_grid(engine):
    cases = [{"benefit": "resident_pension", "region": region, "as_of": as_of, "birth_date": born,
              "contribution_years": years, "account_balance": balance, **extra}
             for region, as_of, born, years, balance, extra in itertools.product(
                 REGIONS, ("2019-05-01", "2021-07-01", "2022-03-01", "2024-07-01"),
                 ("1940-06-01", "1955-03-01", "1962-01-01", "1970-01-01"), (0, 10, 16, 25, 40), ("0", "12345.67"),
                 ({}, {"scheme_start_age": 58}, {"scheme_start_age": 50}, {"other_state_pension": True},
                  {"pension_start_date": "2018-01-01"}))]
    check_all(engine, cases, least=500)


def test_price_subsidy_grid(engine):
    rises = ({}, {"cpi_rise": "3.2"}, {"cpi_rise": "5.5", "food_cpi_rise": "7"}, {"cpi_rise": "1", "food_cpi_rise": "2"},
             {"cpi_rise": "1", "food_cpi_rise": "6.5", "scpi_rise": "2"})
    cases = [{"benefit": "price_subsidy", "region": region, "as_of": f"{year}-{month:02d}-15", "group": group,
              "rural": rural, **rise}
             for region, year, month, group, rural, rise in itertools.product(
                 REGIONS, range(2019, 2025), (3, 9, 11), ("unemployment_benefit", "low_income", "orphan"),
                 (False, True), rises)]
    check_all(engine, cases, least=300)


def test_retirement_age_grid(engine):
    start = dt.date(1950, 1, 1)
    births = [dt.date(start.year + n // 12, n % 12 + 1, 15).isoformat() for n in range(0, 50 * 12, 7)]
    cases = [{"benefit": "retirement_age", "as_of": as_of, "birth_date": born, **person}
             for as_of, born, person in itertools.product(
                 ("2024-06-01", "2025-06-01"), births,
                 ({"sex": "male"}, {"sex": "female", "original_age": 50}, {"sex": "female", "original_age": 55}))]
    check_all(engine, cases, least=len(cases))


# -- the checks themselves -----------------------------------------------------------------------


def test_the_checks_catch_what_they_look_for():
    assert comparisons("8 ≥ 12; involuntary = false") == [("8 ≥ 12", False)]
    assert comparisons("8 < 12; pension start 2024-09-15 > 2024-06-01; 2024-12 > 2024-06") == [("8 < 12", True)]
    assert comparisons("CPI 3.0 ≥ 3; food CPI -2.7 < 6") == [("3.0 ≥ 3", True), ("-2.7 < 6", True)]
    assert words("unemployment.amount.share = 0.9", set()) == []
    assert words("max(1575.00, min(500.00, 2280)) → 1575.00 (rounded to 0.01 half_up)", set()) == [
        "rounded", "to"]
    assert words("0.00 + 88 (national); job_search_subsidy: x; national.toml", {"national"}) == ["x"]


def test_a_second_step_of_the_same_id_is_a_bug():
    trace = Trace()
    trace.add(Step("duration_months", ("领取期限（月）", "months of benefit"), "min(19 + 0, 24)", 19))
    with pytest.raises(ProgrammingError, match="duration_months"):
        trace.add(Step("duration_months", ("领取期限（月）", "months of benefit"), "min(19, 3)", 3))


def test_a_step_value_is_text_of_one_kind():
    label = ("", "")
    assert Step("a", label, "", 12).to_json()["value"] == "12"
    assert Step("a", label, "", Decimal("1575.0"), money=True).to_json()["value"] == "1575.00"
    assert Step("a", label, "", Decimal("4407.252"), money=True).to_json()["value"] == "4407.252"
    assert Step("a", label, "", Decimal("0.90")).to_json()["value"] == "0.90"  # a rate as written
    assert Step("a", label, "", True).to_json()["value"] == "true"
    plain = Step("a", label, "1 + 2", Decimal(3), formula_zh="1 + 2").to_json()
    assert "formula_zh" not in plain  # only where it differs


# -- the review cases, word for word --------------------------------------------------------------


def steps_of(engine: Engine, case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    data = engine.calculate(case).to_json()
    assert problems(data) == []
    return {s["id"]: s for s in data["steps"]}


def test_an_ineligible_claimant_is_told_the_comparison_that_holds(engine):
    # benefitcalc unemployment --region nanchang --as-of 2024-06-01 --contribution-months 8 --voluntary
    steps = steps_of(engine, {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                              "contribution_months": 8, "involuntary": False})
    assert steps["eligible"]["formula"] == "8 < 12; involuntary = false, required true"
    assert steps["eligible"]["formula_zh"] == "缴费月数 8 < 12；非因本人意愿中断就业：否（须为是）"
    assert steps["eligible"]["value"] == "false"
    result = CliRunner().invoke(app, ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
                                      "--contribution-months", "8", "--voluntary", "--explain", "--format", "text",
                                      "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "8 < 12; involuntary = false, required true" in result.stdout and "≥" not in result.stdout


def test_the_months_cut_at_a_pension_start_have_their_own_step(engine):
    # 130 months in Jiangxi: 19 months (schedule 10–11 years); the pension starts 2024-09-15,
    # 3 whole months after registration on 2024-06-01 → 3 months
    steps = steps_of(engine, {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                              "contribution_months": 130, "pension_start_date": "2024-09-15"})
    assert steps["duration_months"]["formula"] == "min(19 + 0, 24)" and steps["duration_months"]["value"] == "19"
    cut = steps["duration_months.capped_at_pension_start"]
    assert cut["formula"] == "min(19, months until pension start 2024-09-15 = 3)"
    assert cut["formula_zh"] == "min(19, 距开始领取基本养老金 2024-09-15 的月数 3)"
    assert cut["value"] == "3"
    assert steps["eligible"]["formula"] == "130 ≥ 12; involuntary = true; pension start 2024-09-15 > 2024-06-01"
    assert steps["total_benefit"]["formula"] == "1800.00 × 3" and steps["total_benefit"]["value"] == "5400.00"


def test_the_months_cut_at_the_statutory_retirement_month_have_their_own_step(engine):
    # a man born 1964-12 reaches 60 in 2024-12 (before the 2025 raise): 6 months after 2024-06
    steps = steps_of(engine, {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                              "contribution_months": 130, "birth_date": "1964-12-10", "sex": "male"})
    cut = steps["duration_months.capped_at_retirement"]
    assert cut["formula"] == "min(19, months until the statutory retirement month 2024-12 = 6)"
    assert cut["formula_zh"] == "min(19, 距法定退休时间 2024-12 的月数 6)"
    assert cut["value"] == "6"
    assert steps["eligible"]["formula"] == \
        "130 ≥ 12; involuntary = true; statutory retirement month 2024-12 > 2024-06"
    assert steps["retirement_month"]["formula_zh"] == "1964-12 + 60 年 = 2024-12"


def test_each_dependant_has_a_step_of_their_own(engine):
    # 7000 × (0.4 + 0.4 + 0.3 + 0.3) = 9800 > 7000: capped at the own wage
    steps = steps_of(engine, {"benefit": "injury", "region": "nanchang", "as_of": "2023-11-20", "outcome": "death",
                              "own_monthly_wage": 7000, "dependants": [
                                  {"relation": "spouse"}, {"relation": "child", "extra": True}, {"relation": "child"},
                                  {"relation": "parent"}]})
    mine = {i: (s["formula"], s["formula_zh"], s["value"]) for i, s in steps.items()
            if i.startswith("dependant_pension.")}
    assert mine == {
        "dependant_pension.spouse": ("#1 spouse: 7000.00 × 0.4", "第1人 配偶：7000.00 × 0.4", "2800.00"),
        "dependant_pension.child": ("#2 child (orphan or lone elder): 7000.00 × (0.3 + 0.1)",
                                    "第2人 子女（孤儿或孤寡老人）：7000.00 × (0.3 + 0.1)", "2800.00"),
        "dependant_pension.child_2": ("#3 child: 7000.00 × 0.3", "第3人 子女：7000.00 × 0.3", "2100.00"),
        "dependant_pension.parent": ("#4 parent: 7000.00 × 0.3", "第4人 父母：7000.00 × 0.3", "2100.00")}
    assert steps["monthly_dependants_pension"]["value"] == "7000.00"
    assert steps["monthly_dependants_pension"]["formula_zh"] == (
        "min(9800.00, 7000.00)：以本人工资 7000.00 为限（工伤保险条例 第39条）；条例未规定如何在各供养亲属间分摊"
        " = 7000.00；按 0.01 四舍五入（文件未规定，取 national.toml 的默认规则）")


def test_each_rate_row_and_group_tilt_of_a_pension_adjustment_is_its_own_step(engine):
    nanjing = steps_of(engine, json.loads((EXAMPLES[0].parent / "pension-adjustment-nanjing.json").read_text()))
    rows = {i: (s["param"], s["value"]) for i, s in nanjing.items() if i.startswith("years_rate")}
    assert rows == {"years_rate[0-15]": ("pension_adjustment.scheme.years[0-15]", "1.7"),
                    "years_rate[15-25]": ("pension_adjustment.scheme.years[15-25]", "1.8"),
                    "years_rate[25-]": ("pension_adjustment.scheme.years[25-]", "2")}
    # 31 + (15 × 1.7 + 10 × 1.8 + 7 × 2 = 57.5) + 3200 × 0.004 = 12.8 + 21 = 122.30, never "122.3"
    assert nanjing["increase"]["formula"] == "31.00 (fixed) + 57.50 (years) + 12.80 (percent) + 21.00 (age)"
    assert nanjing["increase"]["value"] == "122.30" and nanjing["new_monthly_pension"]["value"] == "3322.30"
    xiangyang = steps_of(engine, {"benefit": "pension_adjustment", "region": "xiangyang", "as_of": "2023-07-20",
                                  "monthly_pension": 4000, "contribution_years": 35.5, "birth_date": "1937-04-01",
                                  "retirement_date": "1992-04-01", "groups": ["revolution_by_1953", "hardship_area"]})
    tilts = {i: s["value"] for i, s in xiangyang.items() if i.startswith("group_tilt")}
    assert tilts == {"group_tilt.revolution_by_1953": "20", "group_tilt.hardship_area": "15"}
    assert xiangyang["group_part"]["formula_zh"] == "max(revolution_by_1953 20, hardship_area 15)：只取最高一项"


def test_each_level_of_a_resident_pension_is_its_own_step(engine):
    steps = steps_of(engine, json.loads((EXAMPLES[0].parent / "resident-pension-nanchang.json").read_text()))
    levels = {i: (s["formula"], s["value"]) for i, s in steps.items() if i.startswith("basic_level")}
    assert levels == {
        "basic_level.national": ("resident_pension.basic.add = 88", "88"),
        "basic_levels.national": ("0.00 + 88 (national)", "88.00"),
        "basic_level.province": ("resident_pension.basic.at_least = 105", "105"),
        "basic_levels.province": ("max(88.00, 105) (jiangxi)", "105.00")}
    assert (steps["basic_pension"]["formula_zh"], steps["basic_pension"]["value"]) == \
        ("105.00（各级基础养老金合计）", "105.00")


def test_each_guangzhou_extra_has_its_own_steps(engine):
    steps = steps_of(engine, json.loads((EXAMPLES[0].parent / "unemployment-guangzhou.json").read_text()))
    extras = {i: s["value"] for i, s in steps.items() if i.startswith("extra_")}
    # 7200 × 0.15 = 1080 (job search); 2070 × 3 = 6210 (childbirth)
    assert extras == {"extra_multiple.job_search_subsidy": "0.15", "extra_amount.job_search_subsidy": "1080.00",
                      "extra_multiple.childbirth_allowance": "3", "extra_amount.childbirth_allowance": "6210.00"}


def test_a_floor_is_written_as_an_amount(engine):
    # Nanjing, 2023-09-01, 130 months (10.83 years), own average wage 1000:
    #   share 0.50 (Jiangsu 令第125号, 10–20 years) → 1000 × 0.50 = 500.00
    #   floor 1.5 × 低保 1050 (Nanjing from 2023-07-01) = 1575.00; cap 2280 (Jiangsu 一类 from 2021-08-01)
    #   max(1575.00, min(500.00, 2280)) = 1575.00; 20 months (Jiangsu schedule 10–11 years) → 31500.00
    result = CliRunner().invoke(app, ["unemployment", "--region", "nanjing", "--as-of", "2023-09-01",
                                      "--contribution-months", "130", "--average-monthly-wage", "1000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert problems(data) == []
    assert data["amounts"] == {"monthly_benefit": "1575.00", "duration_months": 20, "total_benefit": "31500.00"}
    steps = {s["id"]: s for s in data["steps"]}
    assert (steps["floor"]["formula"], steps["floor"]["value"]) == ("1050 × 1.5", "1575.00")
    assert steps["share_of_own_wage"]["formula"] == "1000.00 × 0.50"
    assert steps["monthly_benefit"]["formula"] == (
        "max(1575.00, min(500.00, 2280)) = 1575.00 (rounded to 0.01 half_up: the document is silent, default of "
        "national.toml)")
    assert steps["monthly_benefit"]["formula_zh"] == (
        "max(1575.00, min(500.00, 2280)) = 1575.00；按 0.01 四舍五入（文件未规定，取 national.toml 的默认规则）")
    assert steps["monthly_benefit"]["value"] == "1575.00" and steps["total_benefit"]["value"] == "31500.00"
    assert steps["duration_months"]["value"] == "20"  # a count as text


def test_the_rarer_refinements_have_their_own_steps(shipped, tmp_path):
    # figures no shipped ruleset has, added to a copy: Hubei average wages (so that a Xiangyang
    # injury computes its one-off payments from the average of the year before leaving work), a
    # Xiangyang cadre average, and a Jiangxi schedule row above the law's maximum
    root = tmp_path / "rulesets"
    shutil.copytree(shipped.root, root)
    hubei = root / "hubei" / "province.toml"
    hubei.write_text(hubei.read_text(encoding="utf-8") + """
[[average_wage]]
year = 2021
series = "test"
source = "hb-injury-375"
monthly = 6000

[[average_wage]]
year = 2022
series = "test"
source = "hb-injury-375"
monthly = 6600

[[pension_adjustment.cadre_average]]
year = 2023
source = "hb-pa-2020"
monthly = 5000
""", encoding="utf-8")
    jiangxi = root / "jiangxi" / "province.toml"
    jiangxi.write_text(jiangxi.read_text(encoding="utf-8").replace("{ from = 1, to = 2, value = 3 }",
                                                                   "{ from = 1, to = 2, value = 13 }"),
                       encoding="utf-8")
    engine = Engine(root)
    # injured 2022-08 (average of 2021: 6000), left work 2023-02 (average of 2022: 6600):
    # 6600 × 12 = 79200 (medical), 6600 × 20 = 132000 (employment), grade 7 in Hubei
    injury = steps_of(engine, {"benefit": "injury", "region": "xiangyang", "as_of": "2022-08-01",
                               "outcome": "disability", "disability_grade": 7, "own_monthly_wage": 7000,
                               "employment_ended": True, "employment_end_date": "2023-02-01"})
    assert (injury["average_wage"]["value"], injury["average_wage.at_leaving"]["value"]) == ("6000", "6600")
    assert injury["medical_subsidy_base"]["formula"] == "6600.00 (average wage) × 12"
    assert injury["medical_subsidy_base"]["formula_zh"] == "6600.00（职工月平均工资）× 12"
    assert injury["one_time_employment_subsidy"]["value"] == "132000.00"
    # 4000 + 32 + 36 × 1.8 + 4000 × 1.15 % + 60 = 4202.80 < the cadre average 5000: raised to it
    pension = steps_of(engine, {"benefit": "pension_adjustment", "region": "xiangyang", "as_of": "2023-07-20",
                                "monthly_pension": 4000, "contribution_years": 35.5, "birth_date": "1937-04-01",
                                "retirement_date": "1992-04-01", "groups": ["military_transfer_cadre"]})
    assert (pension["increase"]["value"], pension["new_monthly_pension"]["value"]) == ("202.80", "4202.80")
    raised = pension["new_monthly_pension.cadre_guarantee"]
    assert (raised["formula"], raised["value"]) == ("max(4202.80, 5000) (企业退休军转干部 guarantee)", "5000.00")
    assert raised["formula_zh"] == "max(4202.80, 5000)（企业退休军转干部不低于当地企业退休人员平均水平）"
    assert (pension["increase.cadre_guarantee"]["formula"], pension["increase.cadre_guarantee"]["value"]) == \
        ("5000.00 − 4000.00", "1000.00")
    # 18 months = 1.5 years: 13 months by the (altered) schedule, at most 12 under 社会保险法 第46条
    unemployment = steps_of(engine, {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                                     "contribution_months": 18})
    capped = unemployment["schedule_months.capped_by_law"]
    assert (capped["formula_zh"], capped["value"]) == ("min(13, 12)：不超过该缴费时间的法定最长期限（社会保险法 第46条）",
                                                       "12")
    assert unemployment["duration_months"]["formula"] == "min(12 + 0, 24)"


def test_a_subsidy_inside_an_unemployment_result_keeps_its_steps_under_its_name(engine):
    steps = steps_of(engine, {"benefit": "unemployment", "region": "nanchang", "as_of": "2019-03-10",
                              "contribution_months": 30})
    mine = {i: s["value"] for i, s in steps.items() if i.startswith("price_subsidy.")}
    assert mine["price_subsidy.triggered"] == "true" and mine["price_subsidy.monthly_subsidy"] == "22.00"
    assert steps["price_subsidy.triggered"]["formula_zh"] == "CPI 3.0 ≥ 3；食品CPI 7.4 ≥ 6"
    # the flat Jiangxi amount of 2019 (一类 1340) is the monthly benefit, written as an amount
    assert (steps["monthly_benefit"]["formula"], steps["monthly_benefit"]["value"]) == ("1340 (一类)", "1340.00")


def test_the_case_record_in_chinese_shows_the_chinese_formula():
    args = ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01", "--contribution-months", "8",
            "--voluntary", "--format", "markdown"]
    zh = CliRunner().invoke(app, [*args, "--lang", "zh"])
    en = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    assert "缴费月数 8 < 12；非因本人意愿中断就业：否（须为是）" in zh.stdout and "required true" not in zh.stdout
    assert "8 < 12; involuntary = false, required true" in en.stdout


def test_a_wage_the_rules_do_not_read_is_a_warning_not_silence():
    from benefitcalc import Engine

    def warnings(region: str) -> list[str]:
        case = {"benefit": "unemployment", "region": region, "as_of": "2024-06-01", "contribution_months": 80,
                "average_monthly_wage": "9999"}
        return [w.code for w in Engine().calculate(case).warnings]

    assert "input_not_used" in warnings("nanchang")       # 90 % of the minimum wage: the wage plays no part
    assert "input_not_used" not in warnings("guangzhou")  # the job-search subsidy is a share of it
    assert "input_not_used" not in warnings("nanjing")    # the benefit is a share of it
