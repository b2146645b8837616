"""The laws work-injury benefits must obey (工伤保险条例), checked by hypothesis on the
shipped rules, and the minimum-wage top-up on a tree where it binds."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefitcalc.engine import Engine

ENGINE = Engine()

# (region, first day, last day) of injury dates whose year before has a sourced average wage
COVERED = [
    ("nanjing", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
    ("nanchang", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ("ganzhou-ganxian", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ("guangzhou", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
]
CARE = {"guangzhou": ["none", "level_1", "level_2", "level_3", "level_4"]}
NATIONAL_CARE = ["none", "full", "major", "partial"]
DISABILITY = ("one_time_disability_subsidy", "monthly_disability_allowance", "monthly_care_allowance",
              "one_time_medical_subsidy", "one_time_employment_subsidy")


@st.composite
def disabilities(draw):
    region, first, last = draw(st.sampled_from(COVERED))
    day = draw(st.dates(min_value=first, max_value=last))
    return {"benefit": "injury", "region": region, "as_of": day.isoformat(), "outcome": "disability",
            "disability_grade": draw(st.integers(1, 10)),
            "care_level": draw(st.sampled_from(CARE.get(region, NATIONAL_CARE))),
            "employment_ended": draw(st.booleans()), "work_arranged": draw(st.booleans()),
            "occupational_disease": draw(st.booleans())}


@st.composite
def deaths(draw):
    region, first, last = draw(st.sampled_from(COVERED))
    day = draw(st.dates(min_value=first, max_value=last))
    people = draw(st.lists(st.fixed_dictionaries({"relation": st.sampled_from(["spouse", "child", "parent", "other"]),
                                                  "extra": st.booleans()}), max_size=5))
    return {"benefit": "injury", "region": region, "as_of": day.isoformat(), "outcome": "death",
            "dependants": people}


def calc(case: dict, **changes) -> dict:
    return ENGINE.calculate({**case, **changes}).to_json()


def amounts(case: dict, **changes) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in calc(case, **changes)["amounts"].items()}


def step(result: dict, name: str) -> Decimal:
    return Decimal(next(s for s in result["steps"] if s["id"] == name)["value"])


WAGES = st.decimals(min_value=0, max_value=100000, places=2)


@settings(max_examples=80, deadline=None)
@given(disabilities())
def test_wages_below_the_floor_all_count_as_the_floor(case):
    # 第64条: 1 yuan and 100 yuan are both below 60 % of any average wage, so both count as the floor
    assert amounts(case, own_monthly_wage="1") == amounts(case, own_monthly_wage="100")


@settings(max_examples=80, deadline=None)
@given(disabilities())
def test_wages_above_the_cap_all_count_as_the_cap(case):
    # 第64条: 10^6 and 2 × 10^6 are both above 300 % of any average wage
    assert amounts(case, own_monthly_wage="1000000") == amounts(case, own_monthly_wage="2000000")


@settings(max_examples=60, deadline=None)
@given(disabilities(), WAGES)
def test_a_more_severe_grade_never_gets_less(case, wage):
    by_grade = {g: amounts(case, own_monthly_wage=str(wage), disability_grade=g, work_arranged=False)
                for g in range(1, 11)}
    for g in range(1, 10):
        assert by_grade[g]["one_time_disability_subsidy"] >= by_grade[g + 1]["one_time_disability_subsidy"]
        if not (g == 4 and case["employment_ended"]):  # grades 5–6 leaving take one-off payments instead
            assert by_grade[g]["monthly_disability_allowance"] >= by_grade[g + 1]["monthly_disability_allowance"]
        if g >= 5:  # grades 1–4 keep their job (第35条); from 5 on, the one-off payments on leaving
            for name in ("one_time_medical_subsidy", "one_time_employment_subsidy"):
                assert by_grade[g][name] >= by_grade[g + 1][name], (g, name)


@settings(max_examples=80, deadline=None)
@given(disabilities(), WAGES)
def test_the_allowance_is_never_below_the_minimum_wage_and_nothing_is_negative(case, wage):
    result = calc(case, own_monthly_wage=str(wage))
    got = {k: Decimal(v) for k, v in result["amounts"].items()}
    assert set(got) == set(DISABILITY)
    assert all(v >= 0 for v in got.values())
    if got["monthly_disability_allowance"] > 0:
        assert got["monthly_disability_allowance"] >= step(result, "minimum_wage")
    else:  # no allowance: grades 7–10, or 5–6 with work arranged or the relation ended (第36条, 第37条)
        grade = case["disability_grade"]
        assert grade >= 7 or (grade >= 5 and (case["work_arranged"] or case["employment_ended"]))


@settings(max_examples=80, deadline=None)
@given(deaths(), WAGES)
def test_the_dependants_pensions_never_exceed_the_own_wage_used(case, wage):
    result = calc(case, own_monthly_wage=str(wage))
    got = {k: Decimal(v) for k, v in result["amounts"].items()}
    assert set(got) == {"funeral_grant", "one_time_death_subsidy", "monthly_dependants_pension"}
    assert all(v >= 0 for v in got.values())
    if case["dependants"]:
        # rounding to the fen may add at most half a fen
        assert got["monthly_dependants_pension"] <= step(result, "own_wage") + Decimal("0.005")
    else:
        assert got["monthly_dependants_pension"] == 0


@settings(max_examples=40, deadline=None)
@given(deaths(), st.integers(0, 4))
def test_one_more_dependant_never_lowers_the_pensions(case, i):
    case = {**case, "own_monthly_wage": "6000"}
    more = {**case, "dependants": [*case["dependants"], {"relation": "other"}]}
    assert amounts(more)["monthly_dependants_pension"] >= amounts(case)["monthly_dependants_pension"]


def test_the_allowance_is_topped_up_to_the_minimum_wage_where_it_falls_below(shipped, tmp_path):
    # A tree whose Nanjing 2018 average wage is 1000 (a made-up figure, only to make the floor
    # bind): own wage 600 (60 %), grade 6 without work: 600 × 0.6 = 360 < 一类 minimum wage
    # 2020 (Jiangsu 2018-08-01 round) → topped up to 2020 (第36条).
    root = tmp_path / "rulesets"
    shutil.copytree(shipped.root, root)
    nanjing = root / "jiangsu" / "nanjing.toml"
    nanjing.write_text(nanjing.read_text(encoding="utf-8") + """
[[average_wage]]
year = 2018
series = "test"
source = "nj-dibao-2019"
monthly = 1000
""", encoding="utf-8")
    engine = Engine(root)
    result = engine.calculate({"benefit": "injury", "region": "nanjing", "as_of": "2019-05-01",
                               "outcome": "disability", "disability_grade": 6, "own_monthly_wage": "100",
                               "work_arranged": False}).to_json()
    assert result["amounts"]["monthly_disability_allowance"] == "2020.00"
    formula = next(s for s in result["steps"] if s["id"] == "monthly_disability_allowance")["formula"]
    assert "topped up by 1660.00 to the minimum wage" in formula and "the employer pays" in formula
    # 600 × 16 = 9600 (第36条: 六级 16 months)
    assert result["amounts"]["one_time_disability_subsidy"] == "9600.00"
