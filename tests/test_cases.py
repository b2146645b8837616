"""Every hand-computed case in tests/cases/*.json, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benefitcalc.errors import BenefitcalcError

CASES = [c for path in sorted(Path(__file__).parent.glob("cases/*.json"))
         for c in json.loads(path.read_text(encoding="utf-8"))]


def test_the_case_files_are_collected():
    assert len(CASES) >= 25
    assert all({"name", "input", "expected", "source", "arithmetic"} <= set(c) for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(engine, case):
    expected = case["expected"]
    if "error" in expected:
        with pytest.raises(BenefitcalcError) as err:
            engine.calculate(case["input"])
        assert err.value.code == expected["error"]
        for key in ("field", "subsection"):
            if key in expected:
                assert err.value.details[key] == expected[key]
        return
    result = engine.calculate(case["input"]).to_json()
    assert result["eligible"] is expected["eligible"]
    assert result["amounts"] == expected["amounts"]
    assert [r["code"] for r in result["reasons"]] == expected.get("reasons", [])
    codes = {w["code"] for w in result["warnings"]} - {"beyond_verified_through"}
    assert codes == set(expected.get("warnings", []))
    extras = {x["id"]: x["amount"] for x in result["extras"]}
    for key, amount in expected.get("extras", {}).items():
        assert extras[key] == amount
