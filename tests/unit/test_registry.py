"""The benefit registry and the method registry are checked both ways, and a calculation
can read only what it declared: an undeclared read, an unknown sub-section name or a step
without a label is a bug (exit 1), never mistaken for a data gap."""

from __future__ import annotations

import datetime as dt

import pytest
from toy_benefit import TOY

from benefitcalc import benefits
from benefitcalc.calc.base import Outcome, Rules
from benefitcalc.engine import Engine
from benefitcalc.errors import ProgrammingError
from benefitcalc.rules.sections import all_subsections, area_schemes, require
from benefitcalc.services.rulesets import show

CASE = {"benefit": "unemployment", "region": "nanchang", "district": "新建区", "as_of": "2024-06-01",
        "contribution_months": 80}


def test_every_built_in_benefit_is_found_by_its_module_name():
    assert "unemployment" in benefits.ids()
    for b in benefits.all_benefits():
        assert b.case_model.model_fields["benefit"].annotation.__args__ == (b.id,)
        assert len({a.name for a in b.amounts}) == len(b.amounts)


def test_every_method_a_ruleset_model_names_has_a_function_and_every_function_a_model():
    for b in benefits.all_benefits():
        for sub in b.reads:
            spec = require(sub)
            if spec.methods:
                assert set(spec.methods) == set(b.methods.get(sub, {})), (b.id, sub)
        assert set(b.methods) <= set(b.reads), b.id


def test_what_methods_read_are_known_sub_sections():
    for spec in all_subsections().values():
        for model in spec.methods.values() or [spec.model]:
            for read in getattr(model, "READS", ()):
                require(read)  # raises ProgrammingError for a name no model defines
    assert set(area_schemes()) >= {"minimum_wage", "unemployment_flat"}


def test_the_order_of_confidence_levels_is_written_once():
    from typing import get_args

    from benefitcalc.notices import CONFIDENCE, worst
    from benefitcalc.rules.schema import Confidence

    assert get_args(Confidence) == CONFIDENCE == ("confirmed", "derived", "unconfirmed")
    assert worst("confirmed", "unconfirmed", "derived") == "unconfirmed"


def test_an_unknown_sub_section_name_in_code_is_a_bug_not_a_data_gap():
    with pytest.raises(ProgrammingError, match="unemployment.amonut"):
        require("unemployment.amonut")
    with pytest.raises(ProgrammingError):
        require("area.no_such_scheme")


def _toy_case_with(make_tree, benefit) -> None:
    """Compute a toy case on the toy tree with a variant of the toy benefit registered."""
    from toy_benefit import CITY, NATIONAL, PROVINCE

    with benefits.registered(benefit):
        tree = make_tree(national=NATIONAL, province=PROVINCE, city=CITY)
        Engine(tree.root).calculate({"benefit": "toy_allowance", "region": "city", "as_of": "2024-06-01",
                                     "months": 1})


def test_a_method_view_refuses_a_sub_section_its_block_model_does_not_declare(make_tree):
    def nosy(case, rules: Rules):
        rules.value("minimum_wage", "monthly", "一类", step="fixed")  # FixedPlusShare reads only average_wage

    with pytest.raises(ProgrammingError, match="reads minimum_wage without declaring it"):
        _toy_case_with(make_tree, TOY._replace(methods={"toy_allowance.rate": {"fixed_plus_share": nosy}}))


def test_a_step_without_a_label_is_a_bug(make_tree):
    def unlabelled(case, rules: Rules) -> Outcome:
        rules.computed("no_such_step", "1 + 1", 2)
        return Outcome(True, (), {})

    with pytest.raises(ProgrammingError, match="no_such_step"):
        _toy_case_with(make_tree, TOY._replace(calculate=unlabelled))


def test_a_built_in_id_cannot_be_registered_over():
    with pytest.raises(ProgrammingError):
        benefits.register(TOY._replace(id="unemployment", group=None))


def test_every_param_a_step_shows_is_a_param_rulesets_show_lists(engine, shipped):
    """The path a step records and the path `show` lists come from the same code."""
    cases = [CASE, {**CASE, "region": "nanjing", "district": None, "average_monthly_wage": 3000,
                    "as_of": "2023-09-01"},
             {**CASE, "region": "guangzhou", "district": None, "average_monthly_wage": 9000},
             {**CASE, "as_of": "2019-06-01", "district": None}]
    for case in cases:
        case = {k: v for k, v in case.items() if v is not None}
        result = engine.calculate(case)
        listed = show(shipped, case["region"], dt.date.fromisoformat(case["as_of"]))
        params = {v["param"] for s in listed["subsections"] for v in s["values"]}
        params |= {f"{s['subsection']}.{k}" for s in listed["subsections"] for k in s["settings"]}
        for step in result.steps:
            if step.param is not None:
                assert step.param in params, (case["region"], step.param)
