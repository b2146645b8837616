"""A benefit added from outside the package (tests/unit/toy_benefit.py) with no edit
anywhere else: it validates, resolves, computes, explains, hashes and shows up in the
schemas and the command line — through yearly blocks (上年度), additive layering and the
rounding of one component."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal

import pytest
from toy_benefit import CITY, NATIONAL, PROVINCE, TOY
from typer.testing import CliRunner

from benefitcalc import benefits
from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import InvalidInputError, NoRulesetInForceError
from benefitcalc.rules.check import check_tree
from benefitcalc.rules.tree import RulesetTree
from benefitcalc.services.coverage import coverage
from benefitcalc.services.rulesets import show

CASE = {"benefit": "toy_allowance", "region": "city", "as_of": "2024-06-01", "months": 3}


@pytest.fixture
def toy_tree(make_tree):
    with benefits.registered(TOY):
        yield make_tree(national=NATIONAL, province=PROVINCE, city=CITY)


def test_the_toy_benefit_computes_through_every_level_and_rounds_one_component(toy_tree):
    result = Engine(toy_tree.root).calculate(CASE)
    # base: national add 100; province at_least 150 → max(100, 150) = 150; city add 20 → 170
    # share part: 6000.37 (average wage of 2023, the year before 2024-06-01) × 0.013 = 78.00481,
    #             rounded up to 0.1 (the block's share_part rounding) → 78.1
    # monthly: 170 + (10 + 78.1) = 258.1, rounded by the default 0.01 half_up → 258.10
    assert result.amounts == {"monthly_toy": Decimal("258.10"), "months": 3}
    assert result.to_json()["amounts"] == {"monthly_toy": "258.10", "months": 3}
    steps = {s.id: s for s in result.steps}
    assert steps["share_part"].value == Decimal("78.1")
    assert "rounded to 0.1 up" in steps["share_part"].formula
    assert steps["average_wage"].param == "average_wage.monthly"
    assert steps["average_wage"].block.year == 2023 and steps["average_wage"].level == "province"
    levels = [(s.id, s.block.region, s.param, s.value) for s in result.steps if s.id.startswith("base_level.")]
    assert levels == [("base_level.national", "national", "toy_allowance.base.add", Decimal(100)),
                      ("base_level.province", "prov", "toy_allowance.base.at_least", Decimal(150)),
                      ("base_level.city", "city", "toy_allowance.base.add", Decimal(20))]
    assert [(s.id, s.value) for s in result.steps if s.id.startswith("base_total.")] == [
        ("base_total.national", Decimal(100)), ("base_total.province", Decimal(150)), ("base_total.city", Decimal(170))]
    assert set(result.sources) == {"national:law", "prov:prov-doc"}


def test_a_year_without_its_average_wage_names_the_year_and_never_falls_back(toy_tree):
    with pytest.raises(NoRulesetInForceError) as err:
        Engine(toy_tree.root).calculate({**CASE, "as_of": "2025-03-01"})  # needs 2024
    assert err.value.details["year"] == 2024 and err.value.details["covered_years"] == [2022, 2023]
    assert "of the year 2024" in err.value.message


def test_a_level_with_blocks_but_none_in_force_is_a_gap_not_a_zero(toy_tree):
    with pytest.raises(NoRulesetInForceError) as err:
        Engine(toy_tree.root).calculate({**CASE, "as_of": "2020-06-01"})  # the city's block starts 2021
    assert err.value.details["level"] == "city"


def test_the_hash_covers_the_yearly_block_used_and_not_the_others(toy_tree):
    engine = Engine(toy_tree.root)
    before = engine.calculate(CASE).resolved_sha256
    path = toy_tree.root / "prov/province.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("monthly = 5800", "monthly = 5900"), encoding="utf-8")  # 2022: not used
    assert Engine(toy_tree.root).calculate(CASE).resolved_sha256 == before
    path.write_text(text.replace("monthly = 6000.37", "monthly = 6000.38"), encoding="utf-8")  # 2023: used
    assert Engine(toy_tree.root).calculate(CASE).resolved_sha256 != before


def test_check_coverage_and_show_handle_its_yearly_and_additive_sub_sections(toy_tree):
    report = check_tree(toy_tree.root)
    assert [p for p in report.problems if p.kind == "invalid"] == []
    data = coverage(toy_tree, "city", start=dt.date(2020, 1, 1), end=dt.date(2024, 12, 31))
    sections = {s["section"]: s for s in data["regions"][0]["sections"]}
    # a date in 2020–2024 needs the year before: 2019–2023, of which 2022–2023 are there
    wage = sections["average_wage"]
    assert (wage["years"], wage["missing_years"]) == ([2022, 2023], [2019, 2020, 2021])
    assert [(d["year"], d["level"], d["unsourced"]) for d in wage["detail"]] == [(2022, "province", []),
                                                                                 (2023, "province", [])]
    # the additive base is missing until every level that has blocks has one in force
    assert sections["toy_allowance.base"]["missing"] == [["2020-01-01", "2020-12-31"]]
    shown = show(toy_tree, "city", dt.date(2024, 6, 1))
    yearly = next(y for y in shown["yearly"] if y["subsection"] == "average_wage")
    assert yearly["years"] == [2022, 2023]
    assert [b["block"]["year"] for b in yearly["blocks"]] == [2023]  # the year before and the year itself
    bases = [s for s in shown["subsections"] if s["subsection"] == "toy_allowance.base"]
    assert [b["region"] for b in bases] == ["national", "prov", "city"]


def test_it_joins_the_case_schema_and_the_command_line_only_while_registered(toy_tree):
    runner = CliRunner()
    result = runner.invoke(app, ["--rulesets-dir", str(toy_tree.root), "calc", "-"], input=json.dumps(CASE))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["amounts"]["monthly_toy"] == "258.10"
    assert "toy_allowance" in runner.invoke(app, ["schema", "case"]).stdout
    benefits.unregister("toy_allowance")
    with pytest.raises(InvalidInputError, match="benefit: must be one of"):
        Engine(toy_tree.root).calculate(CASE)
    benefits.register(TOY)  # the fixture unregisters it again


def test_show_lists_an_additive_sub_section_with_a_level_gap_as_uncovered(toy_tree):
    shown = show(toy_tree, "city", dt.date(2020, 6, 1))  # the city's base starts in 2021
    assert "toy_allowance.base" in [u["subsection"] for u in shown["uncovered"]]


def test_a_year_held_in_two_series_must_be_asked_for_by_series(toy_tree):
    from benefitcalc.errors import ProgrammingError
    from benefitcalc.rules.resolve import resolve

    path = toy_tree.root / "prov/province.toml"
    path.write_text(path.read_text(encoding="utf-8") + """
[[average_wage]]
year = 2023
series = "城镇非私营"
source = "prov-doc"
monthly = 9999
""", encoding="utf-8")
    r = resolve(RulesetTree(toy_tree.root), "city", dt.date(2024, 6, 1))
    assert r.previous_year("average_wage", "全口径").block.monthly.value == Decimal("6000.37")
    with pytest.raises(ProgrammingError, match="several series"):
        r.previous_year("average_wage")


COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def test_a_plug_ins_loose_types_become_the_contracts_and_its_json_line_is_json_dumps(make_tree):
    def loose(case, rules):  # an int where a bool belongs, a list where a tuple does
        out = TOY.calculate(case, rules)
        return out._replace(eligible=1, reasons=list(out.reasons))

    with benefits.registered(TOY._replace(calculate=loose)):
        engine = Engine(make_tree(national=NATIONAL, province=PROVINCE, city=CITY).root)
        result = engine.calculate(CASE, steps=False)
        assert result.eligible is True and isinstance(result.reasons, tuple)
        line = engine.json_line(result)
        assert line == COMPACT(result.to_json(steps=False)).encode()
        assert json.loads(line)["eligible"] is True


def test_a_result_of_another_tree_is_encoded_with_its_own_sources(tmp_path):
    import conftest

    trees = []
    for name, title in (("a", "A national law"), ("b", "The same law, retitled")):
        files = {"national.toml": conftest.NATIONAL.replace("A national law", title) + textwrap.dedent(NATIONAL),
                 "prov/province.toml": conftest.PROVINCE + textwrap.dedent(PROVINCE),
                 "prov/city.toml": conftest.CITY + textwrap.dedent(CITY)}
        trees.append(conftest.write_tree(tmp_path / name, files))
    with benefits.registered(TOY):
        a, b = Engine(trees[0].root), Engine(trees[1].root)
        a.json_line(a.calculate(CASE, steps=False))  # a's encoder now holds a's sources
        theirs = b.calculate(CASE, steps=False)
        line = a.json_line(theirs)  # the same source ids, another tree's records
    assert json.loads(line)["sources"]["national:law"]["title"] == "The same law, retitled"
    assert line == COMPACT(theirs.to_json(steps=False)).encode()
