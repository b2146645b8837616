"""`benefitcalc schema case|result|ruleset`: JSON Schema draft 2020-12 that a standard
validator (jsonschema's Draft202012Validator) uses as is, and that accepts and refuses what
the tool accepts and refuses."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from typer.testing import CliRunner

from benefitcalc import Engine, benefits
from benefitcalc.cli import app
from benefitcalc.errors import InvalidRulesetError
from benefitcalc.rules.files import RulesetFile
from benefitcalc.services import schemas

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
RULESETS = sorted((ROOT / "rulesets").rglob("*.toml"))
KINDS = {"case": schemas.case_schema, "result": schemas.result_schema, "ruleset": schemas.ruleset_schema}
#: every keyword of draft 2020-12's vocabularies: anything else (pydantic's ge/le, OpenAPI's
#: discriminator, a generator's private key) is not JSON Schema
KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
    "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
    "format", "contentEncoding", "contentMediaType", "contentSchema",
}
SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_ONE = ("not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames",
              "unevaluatedItems", "unevaluatedProperties")


@cache
def schema(kind: str) -> dict[str, Any]:
    return KINDS[kind]()


@cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema(kind))


@cache
def engine() -> Engine:
    return Engine()


def keywords(node: Any, path: str = "#") -> Iterator[tuple[str, str, Any]]:
    """(JSON pointer, keyword, value) of every keyword of every schema object in a schema."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        yield path, key, value
        if key in SCHEMA_MAPS:
            for name, sub in value.items():
                yield from keywords(sub, f"{path}/{key}/{name}")
        elif key in SCHEMA_LISTS:
            for i, sub in enumerate(value):
                yield from keywords(sub, f"{path}/{key}/{i}")
        elif key in SCHEMA_ONE:
            yield from keywords(value, f"{path}/{key}")


def flat(errors: Any) -> Iterator[ValidationError]:
    """Validation errors and, for anyOf/oneOf, the errors of their branches."""
    for e in errors:
        yield e
        yield from flat(e.context or ())


def said(errors: Any) -> list[str]:
    """Each error as 'path: message'."""
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in flat(errors)]


# --- each schema is draft 2020-12 with one $defs -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_prints_a_draft_2020_12_schema_with_a_stable_id(kind):
    result = CliRunner().invoke(app, ["schema", kind])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed["$id"] == f"https://benefitcalc.example/schema/1/{kind}.json" == schemas.schema_id(kind)
    assert printed == json.loads(json.dumps(schema(kind)))


@pytest.mark.parametrize("kind", KINDS)
def test_every_definition_is_in_the_one_root_defs_and_every_ref_resolves(kind):
    found = list(keywords(schema(kind)))
    assert [p for p, k, _ in found if k == "$defs"] == ["#"]
    defs = schema(kind)["$defs"]
    refs = {v for _, k, v in found if k == "$ref"}
    assert refs and all(r.startswith("#/$defs/") and r.removeprefix("#/$defs/") in defs for r in refs), refs
    assert refs == {f"#/$defs/{name}" for name in defs}, "every definition is used"


@pytest.mark.parametrize("kind", KINDS)
def test_only_json_schema_keywords_are_used(kind):
    strange = {f"{path}/{k}" for path, k, _ in keywords(schema(kind)) if k not in KEYWORDS}
    assert not strange  # no pydantic ge/le/gt, no OpenAPI discriminator, no placeholders
    for path, k, v in keywords(schema(kind)):
        if k == "pattern":
            re.compile(v)
        if k in ("minLength", "maxLength"):
            assert "object" not in str(schema_at(schema(kind), path).get("type")), path


def schema_at(root: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = root
    for part in pointer.removeprefix("#").split("/")[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_the_field_docs_of_the_models_are_descriptions():
    unemployment = schema("case")["$defs"]["UnemploymentCase"]["properties"]
    assert "社会保险法 第46条" in unemployment["contribution_months"]["description"]
    assert "1949-10-01" in unemployment["as_of"]["description"]
    scheme = schema("ruleset")["$defs"]["Scheme"]["properties"]
    assert any("description" in p for p in scheme.values())


# --- cases ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_case_is_a_valid_case(path):
    assert said(validator("case").iter_errors(json.loads(path.read_text(encoding="utf-8")))) == []


def case_def(benefit: str) -> str:
    return next(name for name, d in schema("case")["$defs"].items()
                if d.get("properties", {}).get("benefit", {}).get("const") == benefit)


@cache
def benefit_validator(benefit: str) -> Draft202012Validator:
    """The case schema narrowed to one benefit, so errors name that benefit's fields only."""
    return Draft202012Validator({"$ref": f"#/$defs/{case_def(benefit)}", "$defs": schema("case")["$defs"]})


UNEMPLOYMENT = {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": 80}
INJURY = {"benefit": "injury", "region": "nanjing", "as_of": "2023-06-01", "outcome": "disability",
          "disability_grade": 7, "own_monthly_wage": "6800"}
DEATH = {"benefit": "injury", "region": "nanchang", "as_of": "2023-11-20", "outcome": "death",
         "own_monthly_wage": "7000"}
PENSION = {"benefit": "pension_adjustment", "region": "ganzhou-ganxian", "as_of": "2023-07-01",
           "monthly_pension": "2700", "contribution_years": 35, "birth_date": "1955-06-01",
           "retirement_date": "2015-06-01"}
PRICE = {"benefit": "price_subsidy", "region": "nanjing", "as_of": "2023-09-10", "group": "unemployment_benefit",
         "cpi_rise": "3.2", "food_cpi_rise": "1", "scpi_rise": "1"}
RESIDENT = {"benefit": "resident_pension", "region": "nanchang", "as_of": "2019-05-01", "birth_date": "1955-03-01",
            "contribution_years": 16, "account_balance": "13900"}
RETIREMENT = {"benefit": "retirement_age", "birth_date": "1971-07-15", "sex": "male"}


def with_(case: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**case, **fields}


def without(case: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k != field}


#: (what, case, the field both name when they refuse it — or None when both accept it)
EQUIVALENCE = [
    ("an unemployment case", UNEMPLOYMENT, None),
    ("contribution months as text", with_(UNEMPLOYMENT, contribution_months="80"), None),
    ("contribution months as text with spaces and .0", with_(UNEMPLOYMENT, contribution_months=" 80.0 "), None),
    ("contribution months as a JSON 80.0", with_(UNEMPLOYMENT, contribution_months=80.0), None),
    ("contribution months of 1200", with_(UNEMPLOYMENT, contribution_months="1200"), None),
    ("negative contribution months", with_(UNEMPLOYMENT, contribution_months=-3), "contribution_months"),
    ("negative contribution months as text", with_(UNEMPLOYMENT, contribution_months="-3"), "contribution_months"),
    ("1201 contribution months", with_(UNEMPLOYMENT, contribution_months=1201), "contribution_months"),
    ("1201 contribution months as text", with_(UNEMPLOYMENT, contribution_months="1201"), "contribution_months"),
    ("half a month", with_(UNEMPLOYMENT, contribution_months=12.5), "contribution_months"),
    ("contribution months in exponent notation", with_(UNEMPLOYMENT, contribution_months="1e2"),
     "contribution_months"),
    ("no contribution months", without(UNEMPLOYMENT, "contribution_months"), "contribution_months"),
    ("an unknown field", with_(UNEMPLOYMENT, salary=5000), "salary"),
    ("a wage as decimal text", with_(UNEMPLOYMENT, average_monthly_wage="7200.50"), None),
    ("a wage of -0.00 (zero)", with_(UNEMPLOYMENT, average_monthly_wage="-0.00"), None),
    ("a wage at the bound", with_(UNEMPLOYMENT, average_monthly_wage=10000000), None),
    ("a wage above the bound", with_(UNEMPLOYMENT, average_monthly_wage=10000000.01), "average_monthly_wage"),
    ("a wage above the bound as text", with_(UNEMPLOYMENT, average_monthly_wage="10000000.01"),
     "average_monthly_wage"),
    ("a negative wage as text", with_(UNEMPLOYMENT, average_monthly_wage="-1"), "average_monthly_wage"),
    ("a wage with 7 decimal places as text", with_(UNEMPLOYMENT, average_monthly_wage="1.1234567"),
     "average_monthly_wage"),
    ("a wage with a thousands comma", with_(UNEMPLOYMENT, average_monthly_wage="7,200"), "average_monthly_wage"),
    ("a wage of true", with_(UNEMPLOYMENT, average_monthly_wage=True), "average_monthly_wage"),
    ("a day before the era", with_(UNEMPLOYMENT, as_of="1949-09-30"), "as_of"),
    ("the era's first day", with_(UNEMPLOYMENT, as_of="1949-10-01"), None),
    ("30 February", with_(UNEMPLOYMENT, as_of="2024-02-30"), "as_of"),
    ("29 February of a leap year", with_(UNEMPLOYMENT, as_of="2024-02-29"), None),
    ("a date with spaces around it", with_(UNEMPLOYMENT, as_of=" 2024-06-01 "), None),
    ("a date with a space inside", with_(UNEMPLOYMENT, as_of="2024-06 -01"), "as_of"),
    ("29 February of another year", with_(UNEMPLOYMENT, as_of="2023-02-29"), "as_of"),
    ("a date with a time", with_(UNEMPLOYMENT, as_of="2024-06-01T00:00"), "as_of"),
    ("a woman of original age 55 as text", with_(UNEMPLOYMENT, sex="female", original_age="55"), None),
    ("an original age without sex", with_(UNEMPLOYMENT, original_age=55), "sex"),
    ("a man with an original age", with_(UNEMPLOYMENT, sex="male", original_age=60), "original_age"),
    ("a woman of original age 52", with_(UNEMPLOYMENT, sex="female", original_age=52), "original_age"),
    ("24 months carried over", with_(UNEMPLOYMENT, carried_over_months=24), None),
    ("25 months carried over", with_(UNEMPLOYMENT, carried_over_months=25), "carried_over_months"),
    ("involuntary as text", with_(UNEMPLOYMENT, involuntary="yes"), "involuntary"),
    ("an id of 201 characters", with_(UNEMPLOYMENT, id="x" * 201), "id"),
    ("a fractional id", with_(UNEMPLOYMENT, id=12.5), "id"),
    ("an empty district", with_(UNEMPLOYMENT, district=""), "district"),
    ("an unknown region (a valid case)", with_(UNEMPLOYMENT, region="atlantis"), None),
    ("an unknown benefit", with_(UNEMPLOYMENT, benefit="lottery"), "benefit"),
    ("no benefit", without(UNEMPLOYMENT, "benefit"), "benefit"),
    ("a disability", INJURY, None),
    ("a disability grade as text", with_(INJURY, disability_grade="7"), None),
    ("disability grade 11", with_(INJURY, disability_grade=11), "disability_grade"),
    ("disability grade 0 as text", with_(INJURY, disability_grade="0"), "disability_grade"),
    ("a disability without a grade", without(INJURY, "disability_grade"), "disability_grade"),
    ("a disability with dependants", with_(INJURY, dependants=[{"relation": "spouse"}]), "dependants"),
    ("an employment end date without employment_ended", with_(INJURY, employment_end_date="2023-09-01"),
     "employment_ended"),
    ("an employment end date with employment_ended",
     with_(INJURY, employment_end_date="2023-09-01", employment_ended=True), None),
    ("a wage with a thousands comma (injury)", with_(INJURY, own_monthly_wage="6,800"), "own_monthly_wage"),
    ("a death with dependants", with_(DEATH, dependants=[{"relation": "spouse"}, {"relation": "child",
                                                                                  "extra": True}]), None),
    ("a death with a care level", with_(DEATH, care_level="full"), "care_level"),
    ("a dependant cousin", with_(DEATH, dependants=[{"relation": "cousin"}]), "relation"),
    ("21 dependants", with_(DEATH, dependants=[{"relation": "child"}] * 21), "dependants"),
    ("a data gap is a valid case", with_(INJURY, region="xiangyang", as_of="2024-06-01"), None),
    ("a pension adjustment", PENSION, None),
    ("part-year contribution years as text", with_(PENSION, contribution_years="28.3"), None),
    ("80 contribution years as text", with_(PENSION, contribution_years="80"), None),
    ("80.5 contribution years", with_(PENSION, contribution_years=80.5), "contribution_years"),
    ("a pension of zero", with_(PENSION, monthly_pension=0), "monthly_pension"),
    ("a pension of -0 as text", with_(PENSION, monthly_pension="-0"), "monthly_pension"),
    ("a pension of one fen", with_(PENSION, monthly_pension="0.01"), None),
    ("a group named twice", with_(PENSION, groups=["revolution_by_1953", "revolution_by_1953"]), "groups"),
    ("an unknown category", with_(PENSION, category="military"), "category"),
    ("a price subsidy", PRICE, None),
    ("a CPI fall of 100 %", with_(PRICE, cpi_rise="-100"), None),
    ("a CPI fall of 100.5 %", with_(PRICE, cpi_rise="-100.5"), "cpi_rise"),
    ("a CPI fall written '- 3'", with_(PRICE, cpi_rise=" - 3"), None),
    ("a CPI rise written with two minus signs", with_(PRICE, cpi_rise="--3"), "cpi_rise"),
    ("a CPI rise of 1000 %", with_(PRICE, cpi_rise=1000), None),
    ("a CPI rise of 1000.5 %", with_(PRICE, cpi_rise="1000.5"), "cpi_rise"),
    ("an unknown group", with_(PRICE, group="students"), "group"),
    ("a resident pension", RESIDENT, None),
    ("resident contribution years as text", with_(RESIDENT, contribution_years="16"), None),
    ("half a resident contribution year", with_(RESIDENT, contribution_years=15.5), "contribution_years"),
    ("81 resident contribution years", with_(RESIDENT, contribution_years="81"), "contribution_years"),
    ("a scheme start age of 121", with_(RESIDENT, scheme_start_age=121), "scheme_start_age"),
    ("a retirement age without region or date", RETIREMENT, None),
    ("a woman of original age 50 as text", with_(RETIREMENT, sex="female", original_age="50"), None),
    ("a woman without an original age", with_(RETIREMENT, sex="female"), "original_age"),
    ("a retirement age with a district", with_(RETIREMENT, district="新建区"), "district"),
    ("a birth before 1900", with_(RETIREMENT, birth_date="1899-12-31"), "birth_date"),
    ("an unknown sex", with_(RETIREMENT, sex="other"), "sex"),
]


def tool_answer(case: dict[str, Any]) -> tuple[bool, str]:
    """Whether the tool accepts the case (anything but invalid_input), and its message."""
    out = engine().calculate_text(json.dumps(case, ensure_ascii=False)).to_json()
    error = out.get("error")
    return error is None or error["code"] != "invalid_input", (error or {}).get("message", {}).get("en", "")


@pytest.mark.parametrize("case, field", [(c, f) for _, c, f in EQUIVALENCE], ids=[w for w, _, _ in EQUIVALENCE])
def test_the_case_schema_accepts_exactly_what_the_tool_accepts(case, field):
    schema_errors = said(validator("case").iter_errors(case))
    accepted, message = tool_answer(case)
    assert (not schema_errors) == accepted == (field is None), (schema_errors, message)
    if field is not None:
        assert field in message
        if case.get("benefit") in benefits.ids():
            narrowed = said(benefit_validator(case["benefit"]).iter_errors(case))
            assert any(field in e for e in narrowed), narrowed
        else:
            assert any(e.startswith("benefit:") or "'benefit' is a required" in e for e in schema_errors)


def test_the_table_covers_every_benefit_both_ways():
    valid = {c["benefit"] for _, c, f in EQUIVALENCE if f is None}
    invalid = {c.get("benefit") for _, c, f in EQUIVALENCE if f is not None}
    assert valid == invalid - {None, "lottery"} == set(benefits.ids())


#: where the two differ, because JSON Schema cannot say the rule (or the tool is looser than
#: its documented form): (what, case, who accepts it)
BEYOND = [
    ("a birth date after as_of (an order between two fields)",
     with_(UNEMPLOYMENT, birth_date="2030-01-01"), "schema"),
    ("a retirement before birth (an order between two fields)",
     with_(PENSION, retirement_date="1950-01-01"), "schema"),
    ("7 decimal places in a JSON number (multipleOf is unreliable on floats)",
     with_(UNEMPLOYMENT, average_monthly_wage=1.1234567), "schema"),
    ("a whole id written 12.0 (JSON Schema calls it an integer)", with_(UNEMPLOYMENT, id=12.0), "schema"),
    ("a district the ruleset does not list (data, not form)", with_(UNEMPLOYMENT, district="不存在区"), "schema"),
]


@pytest.mark.parametrize("case, who", [(c, w) for _, c, w in BEYOND], ids=[w for w, _, _ in BEYOND])
def test_what_only_one_side_can_say_is_known(case, who):
    schema_accepts = not said(validator("case").iter_errors(case))
    tool_accepts, _ = tool_answer(case)
    assert (schema_accepts, tool_accepts) == (who == "schema", who == "tool")


# --- results and errors ------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_result_or_error_is_valid(path):
    out = engine().calculate_text(path.read_text(encoding="utf-8")).to_json()
    assert said(validator("result").iter_errors(out)) == []
    if path.stem.endswith("-gap"):
        assert out["error"]["code"] == "no_ruleset_in_force"
    else:
        assert out["amounts"] and out["steps"] and "error" not in out
        assert said(validator("case").iter_errors(out["case"])) == []  # the echoed case is a case


def test_a_results_case_is_its_benefits_case():
    defs = schema("result")["$defs"]
    assert defs["UnemploymentResult"]["properties"]["case"]["$ref"] == "#/$defs/UnemploymentCase"
    out = engine().calculate_text(json.dumps(UNEMPLOYMENT)).to_json()
    out["case"] = with_(out["case"], contribution_months=-3)
    assert any(e.startswith("case.contribution_months:") for e in said(validator("result").iter_errors(out)))


def test_error_objects_of_every_code_are_valid(make_tree, tmp_path):
    lines = ["{not json", json.dumps(with_(UNEMPLOYMENT, region="atlantis")),
             json.dumps(with_(INJURY, region="xiangyang", as_of="2024-06-01"))]
    outs = [r.to_json() for r in engine().calculate_lines(lines)]
    make_tree(national="colour = 1\n")
    broken = Engine(tmp_path / "rulesets").calculate_text(json.dumps(with_(UNEMPLOYMENT, region="city")))
    outs.append(broken.to_json())
    usage = subprocess.run([sys.executable, "-m", "benefitcalc", "calc", "--nope"], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
    outs.append(json.loads(usage.stdout))
    assert [o["error"]["code"] for o in outs] == ["invalid_input", "unknown_region", "no_ruleset_in_force",
                                                  "invalid_ruleset", "usage"]
    assert [o.get("line") for o in outs[:3]] == [1, 2, 3]
    for out in outs:
        assert said(validator("result").iter_errors(out)) == [], out


@pytest.mark.parametrize("change, error", [
    (lambda o: o["error"].update(message="plain text"), "error.message: 'plain text' is not of type 'object'"),
    (lambda o: o["error"].update(code="oops"), "error.code: 'oops' is not one of"),
    (lambda o: o["error"]["message"].pop("zh"), "error.message: 'zh' is a required property"),
    (lambda o: o.update(extra=1), ": Additional properties are not allowed ('extra' was unexpected)"),
], ids=["a message that is no {zh, en}", "an unknown code", "a message without zh", "an unknown key"])
def test_broken_error_objects_are_refused(change, error):
    out = engine().calculate_text(json.dumps(with_(UNEMPLOYMENT, region="atlantis"))).to_json()
    change(out)
    errors = said(validator("result").iter_errors(out))
    assert any(e.startswith(error) for e in errors), errors


# --- rulesets -----------------------------------------------------------------------------------


def as_json(node: Any) -> Any:
    """TOML data as JSON would carry it: dates as ISO strings, Decimals as numbers."""
    if isinstance(node, dict):
        return {k: as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_json(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, Decimal):
        return int(node) if node == node.to_integral_value() and node.as_tuple().exponent >= 0 else float(node)
    return node


def read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: str(p.relative_to(ROOT / "rulesets")))
def test_every_shipped_ruleset_file_is_valid(path):
    assert said(validator("ruleset").iter_errors(as_json(read(path)))) == []


def test_the_shipped_files_use_the_shorthand_and_the_full_forms():
    text = "\n".join(p.read_text(encoding="utf-8") for p in RULESETS)
    for form in ('districts = { "', "= { tier = ", "round = { unit", "round = { percent = {", "= { value = ",
                 "[defaults]", "[area.districts]"):
        assert form in text


DEMO = """
[meta]
region = "demo"
level = "province"
name = { zh = "示例省", en = "Demo Province" }
extends = "national"
version = "1"
published = 2025-01-01
verified_through = 2025-12-31

[sources.mw]
title = "A minimum-wage notice"

[[minimum_wage]]
since = 2024-01-01
source = "mw"
monthly = { "一类" = 2000, "二类" = { value = 1870, confidence = "derived", note = "2000 × 0.935" } }

[[area]]
scheme = "minimum_wage"
since = 2024-01-01
source = "mw"
core = ["东区"]
districts = { "东区" = "一类", "西区" = { tier = "二类", note = "the notice's table" } }

[[unemployment.amount]]
since = 2024-01-01
source = "mw"
method = "share_of_minimum_wage"
share = 0.9
round = { unit = "0.01", mode = "half_up" }
"""


def tool_problems(doc: dict[str, Any]) -> list[str]:
    try:
        RulesetFile.from_document(doc, Path("demo.toml"), "demo.toml")
    except InvalidRulesetError as exc:
        return [f"{p.path}: {p.message}" for p in exc.problems]
    return []


def test_a_small_ruleset_in_every_form_is_valid_both_ways():
    doc = tomllib.loads(DEMO, parse_float=Decimal)
    assert tool_problems(doc) == [] and said(validator("ruleset").iter_errors(as_json(doc))) == []
    doc["unemployment"]["amount"][0].update(share={"value": Decimal("0.9"), "source": "mw"},
                                            round={"amount": {"unit": 1, "mode": "up", "after": "0.1"}})
    assert tool_problems(doc) == [] and said(validator("ruleset").iter_errors(as_json(doc))) == []


BROKEN = [
    ("an unknown section", lambda d: d.update(colour="red"), "colour", ": Additional properties"),
    ("an unknown key in a block", lambda d: d["unemployment"]["amount"][0].update(shares=Decimal("0.9")),
     "unemployment.amount[since=2024-01-01].shares", "unemployment.amount.0: Additional properties"),
    ("a string where a number belongs", lambda d: d["minimum_wage"][0]["monthly"].update({"一类": "2000"}),
     "minimum_wage[since=2024-01-01].monthly.一类.value",
     "minimum_wage.0.monthly.一类: '2000' is not of type 'number'"),
    ("a negative amount", lambda d: d["minimum_wage"][0]["monthly"].update({"一类": -5}),
     "minimum_wage[since=2024-01-01].monthly.一类.value", "minimum_wage.0.monthly.一类: -5 is less than the minimum"),
    ("a share above 1", lambda d: d["unemployment"]["amount"][0].update(share=Decimal("1.2")),
     "unemployment.amount[since=2024-01-01].share", "unemployment.amount.0.share: 1.2 is greater than"),
    ("a day before the era", lambda d: d["minimum_wage"][0].update(since=dt.date(1949, 9, 30)),
     "minimum_wage[since=1949-09-30].since", "minimum_wage.0.since: '1949-09-30' does not match"),
    ("an unconfirmed block without a note", lambda d: d["minimum_wage"][0].update(confidence="unconfirmed"),
     "minimum_wage[since=2024-01-01]", "minimum_wage.0: 'note' is a required property"),
    ("a rounding of a component the block has not",
     lambda d: d["unemployment"]["amount"][0].update(round={"percent": {"unit": "0.1", "mode": "up"}}),
     "unemployment.amount[since=2024-01-01]", "unemployment.amount.0.round: 'percent' is not one of ['amount']"),
    ("a rounding unit of 0.02",
     lambda d: d["unemployment"]["amount"][0].update(round={"unit": "0.02", "mode": "up"}),
     "unemployment.amount[since=2024-01-01].round.amount.unit", "unemployment.amount.0.round.unit: '0.02'"),
    ("an unknown method", lambda d: d["unemployment"]["amount"][0].update(method="magic"),
     "unemployment.amount[since=2024-01-01]", "unemployment.amount.0.method: 'share_of_minimum_wage' was expected"),
    ("an unknown sub-section", lambda d: d["unemployment"].update(bonus=[{"since": dt.date(2024, 1, 1)}]),
     "unemployment.bonus", "unemployment: Additional properties are not allowed ('bonus'"),
    ("an unknown area scheme", lambda d: d["area"][0].update(scheme="nowhere"),
     "area[since=2024-01-01].scheme", "area.0.scheme: 'nowhere' is not one of"),
    ("an empty tier name", lambda d: d["area"][0]["districts"].update({"东区": ""}),
     "area[since=2024-01-01].districts.东区.tier", "area.0.districts.东区: '' should be non-empty"),
    ("an unknown level", lambda d: d["meta"].update(level="county"), "meta.level", "meta.level: 'county'"),
    ("sources that are no table", lambda d: d.update(sources=["mw"]), "sources", "sources: ['mw'] is not of type"),
]


@pytest.mark.parametrize("change, tool_path, schema_error", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_ruleset_is_refused_by_both_naming_the_same_place(change, tool_path, schema_error):
    doc = copy.deepcopy(tomllib.loads(DEMO, parse_float=Decimal))
    change(doc)
    assert any(p.startswith(f"{tool_path}: ") for p in tool_problems(doc)), tool_problems(doc)
    errors = said(validator("ruleset").iter_errors(as_json(doc)))
    assert any(e.startswith(schema_error) for e in errors), errors
