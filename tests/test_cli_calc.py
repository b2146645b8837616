"""`benefitcalc unemployment` and `benefitcalc calc`: results, bad input, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.services.schemas import ErrorOut, result_models

runner = CliRunner()


def validate_result(data: dict) -> None:
    """A result validates against its benefit's result model (the schema's source)."""
    model = next(m for m in result_models() if m.model_fields["benefit"].annotation.__args__ == (data["benefit"],))
    model.model_validate(data)
EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))
GANXIAN = Path(__file__).parent.parent / "examples" / "unemployment-ganzhou-ganxian.json"
BIN = Path(sys.executable).parent / "benefitcalc"


def calc_json(text: str, *args: str):
    return runner.invoke(app, ["calc", "-", *args], input=text)


def test_unemployment_options_give_a_result_that_matches_the_result_schema():
    result = runner.invoke(app, ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
                                 "--contribution-months", "80", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate_result(data)
    # 2000 × 0.90 = 1800 (Jiangxi 2024, 一类); 80 months → 15 (Jiangxi schedule)
    assert data["amounts"] == {"monthly_benefit": "1800.00", "duration_months": 15, "total_benefit": "27000.00"}
    assert data["rulesets"][0]["region"] == "national" and data["contract"] == 1
    step = next(s for s in data["steps"] if s["id"] == "minimum_wage")
    assert step["param"] == "minimum_wage.monthly.一类" and step["level"] == "province"
    assert step["block"] == {"region": "jiangxi", "section": "minimum_wage", "since": "2024-04-01"}
    assert step["sources"] == ["jiangxi:jx-mw-2024", "jiangxi:jx-ui-2024"]
    assert set(data["sources"]) >= {"jiangxi:jx-ui-2024", "national:shbxf"}


def test_help_shows_every_case_option():
    out = runner.invoke(app, ["unemployment", "--help"], env={"COLUMNS": "200"}).stdout
    for option in ("--region", "--district", "--as-of", "--contribution-months", "--involuntary",
                   "--voluntary", "--carried-over-months", "--average-monthly-wage", "--birth-date",
                   "--explain", "--lang", "--json", "--strict"):
        assert option in out


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_every_example_runs(example):
    result = runner.invoke(app, ["calc", str(example)])
    data = json.loads(result.stdout)
    assert data["id"] == json.loads(example.read_text(encoding="utf-8"))["id"]
    if example.stem.endswith("-gap"):  # an example of a declared gap: the error names what is not sourced
        assert result.exit_code == 4, result.output
        assert data["error"]["code"] == "no_ruleset_in_force" and data["error"]["details"]["subsection"]
        return
    assert result.exit_code == 0, result.output
    assert data["eligible"]


def test_the_nanjing_example_sits_on_the_1575_floor():
    # 3000 × 0.50 = 1500 < 1.5 × 1050 = 1575 (南京 2023-07-01: 低于1575元的，统一按1575元计发)
    data = json.loads(runner.invoke(app, ["calc", str(EXAMPLES[2].parent / "unemployment-nanjing.json")]).stdout)
    assert data["amounts"]["monthly_benefit"] == "1575.00"


BAD = {
    "malformed JSON": ('{"benefit": "unemployment",', 3, "invalid JSON"),
    "a string": ('"text"', 3, "must be a JSON object"),
    "null": ("null", 3, "must be a JSON object"),
    "unknown key": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", '
                    '"contribution_months": 80, "colour": "red"}', 3, "colour: unknown field"),
    "wrong type": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", '
                   '"contribution_months": true}', 3, "contribution_months"),
    "negative months": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", '
                        '"contribution_months": -1}', 3, "contribution_months"),
    "absurd months": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", '
                      '"contribution_months": 100000}', 3, "contribution_months"),
    "NaN": ('{"benefit": "unemployment", "region": "nanjing", "as_of": "2024-06-01", '
            '"contribution_months": 80, "average_monthly_wage": NaN}', 3, "NaN is not a number"),
    "400-digit integer": ('{"benefit": "unemployment", "region": "nanjing", "as_of": "2024-06-01", '
                          '"contribution_months": 80, "average_monthly_wage": ' + "9" * 400 + "}", 3,
                          "has more than 15 digits"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, 3, "invalid JSON"),
    "impossible date": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-02-30", '
                        '"contribution_months": 80}', 3, "as_of: 2024-02-30 is not a real date"),
    "missing field": ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01"}', 3,
                      "contribution_months: required"),
    "unknown benefit": ('{"benefit": "lottery", "region": "nanchang"}', 3, "benefit: must be one of"),
    "unknown region": ('{"benefit": "unemployment", "region": "atlantis", "as_of": "2024-06-01", '
                       '"contribution_months": 80}', 3, "unknown region"),
    "../ in a region": ('{"benefit": "unemployment", "region": "../../etc", "as_of": "2024-06-01", '
                        '"contribution_months": 80}', 3, "not a region name"),
    "a gap": ('{"benefit": "unemployment", "region": "xiangyang", "as_of": "2024-06-01", '
              '"contribution_months": 80}', 4, "area.minimum_wage on 2024-06-01"),
}


@pytest.mark.parametrize("name", list(BAD), ids=list(BAD))
def test_bad_input_gets_a_clear_message_and_its_exit_status(name):
    text, code, message = BAD[name]
    result = calc_json(text)
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    ErrorOut.model_validate(json.loads(result.stdout))


def test_an_error_echoes_the_case_id():
    result = calc_json('{"id": "A-17", "benefit": "unemployment", "region": "atlantis", '
                       '"as_of": "2024-06-01", "contribution_months": 80}')
    assert json.loads(result.stdout)["id"] == "A-17"


def test_a_bad_option_value_exits_3_like_the_same_value_in_json():
    result = runner.invoke(app, ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
                                 "--contribution-months", "eighty"])
    assert result.exit_code == 3 and "contribution_months" in result.stderr


def test_strict_turns_warnings_into_exit_5():
    base = ["unemployment", "--region", "guangzhou", "--as-of", "2023-03-01", "--contribution-months", "61", "--json"]
    assert runner.invoke(app, base).exit_code == 0  # nothing unconfirmed in Guangzhou 2023
    assert runner.invoke(app, [*base, "--strict"]).exit_code == 0
    flagged = ["unemployment", "--region", "guangzhou", "--as-of", "2025-06-01", "--contribution-months", "61",
               "--json", "--strict"]
    result = runner.invoke(app, flagged)  # Guangzhou's 2500 minimum wage is unconfirmed
    assert result.exit_code == 5 and json.loads(result.stdout)["warnings"]


def test_an_ineligible_case_exits_0_with_reasons():
    result = runner.invoke(app, ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
                                 "--contribution-months", "80", "--voluntary", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["eligible"] is False
    assert data["reasons"][0]["code"] == "voluntary_leave" and data["reasons"][0]["message"]["zh"]


def test_the_rich_explanation_names_each_step_and_source(capsys, wide, engine):
    from benefitcalc import render

    data = engine.calculate(json.loads(GANXIAN.read_text(encoding="utf-8"))).to_json()
    render.result(data, explain=True, lang="zh")
    out = capsys.readouterr().out
    # 赣县区 2023: the flat 三类 amount 1449 of the 2021 round
    assert "失业保险金月标准" in out and "jiangxi:jx-ui-2021" in out and "1449.00" in out
    render.result(data, explain=False, lang="en", amount_labels={"monthly_benefit": ("月领取金额", "monthly benefit")})
    out = capsys.readouterr().out
    assert "monthly benefit" in out and "--explain" in out


def test_schemas_for_case_and_result_are_generated():
    case = json.loads(runner.invoke(app, ["schema", "case"]).stdout)
    assert "contribution_months" in json.dumps(case)
    result = json.loads(runner.invoke(app, ["schema", "result"]).stdout)
    assert "resolved_sha256" in json.dumps(result)


@pytest.mark.installed
def test_the_installed_command_reads_a_case_on_stdin(tmp_path):
    text = GANXIAN.read_text(encoding="utf-8")
    result = subprocess.run([str(BIN), "calc", "-"], input=text, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["amounts"]["monthly_benefit"] == "1449.00"


def test_calc_reads_json_lines_and_a_bad_line_costs_only_itself():
    good = json.dumps({"id": 1, "benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                       "contribution_months": 80})
    lines = "\n".join([good, '{"benefit": "unemployment"', "", good.replace('"id": 1', '"id": 3')]) + "\n"
    result = calc_json(lines)
    assert result.exit_code == 3, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3]
    assert out[1]["line"] == 2 and out[1]["error"]["code"] == "invalid_input"
    # 2000 × 0.90 = 1800 (Jiangxi 2024, 一类)
    assert out[0]["amounts"]["monthly_benefit"] == out[2]["amounts"]["monthly_benefit"] == "1800.00"
    assert "1 of 3 cases failed" in result.stderr


def test_calc_reads_an_array_of_cases_and_a_case_over_several_lines():
    case = {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": 80}
    result = calc_json(json.dumps([case, {**case, "id": "x"}]))
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    pretty = calc_json(json.dumps(case, indent=2))
    assert pretty.exit_code == 0 and json.loads(pretty.stdout)["amounts"]["duration_months"] == 15


def test_calc_with_no_case_is_invalid_input():
    result = calc_json("\n\n")
    assert result.exit_code == 3 and "no case" in result.stderr


def _run_main(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_an_unexpected_exception_is_one_line_and_exit_1():
    code = ("import sys\nimport benefitcalc.engine as e\n"
            "def boom(self, case):\n    raise RuntimeError('kaboom')\n"
            "e.Engine.calculate = boom\n"
            "sys.argv = ['benefitcalc', 'unemployment', '--region', 'nanchang', '--contribution-months', '80']\n"
            "from benefitcalc.cli import main\nraise SystemExit(main())\n")
    result = _run_main(code)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error (RuntimeError): kaboom" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with_traceback = _run_main(code.replace("'unemployment'", "'--traceback', 'unemployment'"))
    assert with_traceback.returncode == 1 and "Traceback" in with_traceback.stderr


@pytest.mark.installed
@pytest.mark.parametrize("signal_number,status", [(2, 130), (15, 143)])
def test_an_interrupt_while_waiting_for_input_exits_quietly(tmp_path, signal_number, status):
    import time

    proc = subprocess.Popen([str(BIN), "calc", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    time.sleep(1.5)  # start-up, then waiting on stdin
    proc.send_signal(signal_number)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == status, err
    assert "Traceback" not in err


def test_a_bad_first_line_costs_only_itself():
    good = json.dumps({"id": "g", "benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                       "contribution_months": 80})
    result = calc_json(f"garbage\n{good}\n{{\"benefit\":\n{good}\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("line") for o in out] == [1, None, 3, None]
    assert [o.get("id") for o in out] == [None, "g", None, "g"]
    assert result.exit_code == 3


def test_the_injury_command_takes_dependants_and_matches_the_result_schema():
    result = runner.invoke(app, ["injury", "--region", "nanchang", "--as-of", "2023-11-20", "--outcome", "death",
                                 "--own-monthly-wage", "7000", "--dependant", "spouse", "--dependant", "child:extra",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate_result(data)
    # 8888.58 × 6 = 53331.48; 49283 × 20 = 985660; 7000 × (0.4 + 0.3 + 0.1) = 5600 ≤ 7000
    assert data["amounts"] == {"funeral_grant": "53331.48", "one_time_death_subsidy": "985660.00",
                               "monthly_dependants_pension": "5600.00"}
    shares = {s["id"]: s["formula"] for s in data["steps"] if s["id"].startswith("dependant_pension.")}
    assert shares == {"dependant_pension.spouse": "#1 spouse: 7000.00 × 0.4",
                      "dependant_pension.child": "#2 child (orphan or lone elder): 7000.00 × (0.3 + 0.1)"}


@pytest.mark.parametrize(("args", "field"), [
    (["--dependant", "cousin"], "dependants.0.relation"),
    (["--dependant", "spouse:yes"], "dependants.0.extra"),
    (["--disability-grade", "0"], "disability_grade"),
    (["--own-monthly-wage", "-5"], "own_monthly_wage"),
])
def test_bad_injury_options_are_invalid_input_naming_the_field(args, field):
    base = {"--region": "nanjing", "--as-of": "2023-06-01", "--own-monthly-wage": "6000"}
    if "--dependant" in args:
        base["--outcome"] = "death"
    else:
        base["--disability-grade"] = "3"
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    result = runner.invoke(app, ["injury", *[x for kv in base.items() for x in kv], "--json"])
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["error"]["details"]["field"] == field


def test_a_dependant_flag_other_than_extra_says_how_to_write_it():
    result = runner.invoke(app, ["injury", "--region", "nanjing", "--as-of", "2023-06-01", "--outcome", "death",
                                 "--own-monthly-wage", "5000", "--dependant", "spouse", "--dependant", "child:true"])
    assert result.exit_code == 3
    assert "dependant #2" in result.stderr and "RELATION:extra" in result.stderr
