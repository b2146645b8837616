"""batch: one output line per non-blank input line, in order, a bad line costing only
itself; CSV in and out with the JSON path's numbers; workers keep the order; nothing
partial is left when a run stops."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.services import batch as runner

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))
CASES = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def mixed(tmp_path: Path) -> Path:
    """Every example (every benefit and city), a blank line, bad JSON, an unknown benefit."""
    lines = [json.dumps(c, ensure_ascii=False) for c in CASES]
    lines[3:3] = ["", "{not json", json.dumps({"id": "x", "benefit": "bogus"})]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_line_per_case_in_order_and_a_bad_line_costs_only_itself(tmp_path):
    result = run("batch", str(mixed(tmp_path)), "--jobs", "1")
    assert result.exit_code == 3  # some lines failed
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(CASES) + 2  # the blank line gives nothing
    assert out[3]["line"] == 5 and out[3]["error"]["code"] == "invalid_input"  # "{not json" on line 5
    assert out[4] == {"id": "x", "line": 6, "error": out[4]["error"]} and out[4]["error"]["code"] == "invalid_input"
    answered = [o for o in out if "error" not in o or o["error"]["code"] == "no_ruleset_in_force"]
    assert [o.get("id") for o in answered] == [c["id"] for c in CASES]
    assert all(o.get("steps", []) == [] for o in out)  # steps only with --steps


def test_json_lines_to_a_standard_output_replaced_by_text_in_python(tmp_path, monkeypatch):
    import contextlib

    from benefitcalc.cli import main

    monkeypatch.setattr("sys.argv", ["benefitcalc", "batch", str(mixed(tmp_path)), "--jobs", "1"])
    captured = io.StringIO()  # no byte buffer under it
    with contextlib.redirect_stdout(captured):
        status = main()
    assert status == 3  # the bad lines
    out = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert len(out) == len(CASES) + 2 and out[0]["id"] == CASES[0]["id"]


def test_results_are_those_of_calc(tmp_path):
    engine = Engine()
    result = run("batch", str(mixed(tmp_path)), "--jobs", "1")
    by_id = {o["id"]: o for o in map(json.loads, result.stdout.splitlines()) if "error" not in o}
    for case in CASES:
        if case["id"] in by_id:
            assert by_id[case["id"]]["amounts"] == engine.calculate(case).to_json()["amounts"]


def test_workers_keep_the_input_order():
    items = [runner.Item(i + 1, json.dumps({**c, "id": f"{i}"})) for i, c in enumerate(CASES * 4)]
    one = list(runner.results(items, jobs=1))
    two = list(runner.results(items, jobs=2, chunk=3))
    assert one == two and [line for line, _ in two] == list(range(1, len(items) + 1))


def test_csv_in_and_out_give_the_json_paths_numbers(tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text("id,benefit,region,as_of,contribution_months,average_monthly_wage\n"
                      "a,unemployment,nanchang,2024-06-01,80,\n"
                      "b,unemployment,nanjing,2023-09-01,24,4000\n"
                      "c,unemployment,nanjing,2023-09-01,24\n", encoding="utf-8")
    result = run("batch", str(source), "--format", "csv", "--jobs", "1")
    assert result.exit_code == 3  # row c has too few cells
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows[:2]] == ["a", "b"] and rows[2]["error.code"] == "invalid_input"
    assert rows[2]["line"] == "4"
    # 90 % of 2000 for 15 months; Nanjing 4000 × 45 % = 1800 for 2 years × 2 months
    assert (rows[0]["amounts.monthly_benefit"], rows[0]["amounts.duration_months"]) == ("1800.00", "15")
    assert (rows[1]["amounts.monthly_benefit"], rows[1]["amounts.duration_months"]) == ("1800.00", "4")
    assert rows[1]["case.average_monthly_wage"] == "4000" and rows[1]["eligible"] == "true"
    as_json = run("batch", str(source), "--jobs", "1")
    first = json.loads(as_json.stdout.splitlines()[0])
    assert first["amounts"]["total_benefit"] == rows[0]["amounts.total_benefit"] == "27000.00"


def test_output_is_written_atomically_and_a_stopped_run_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "results.jsonl"
    summary = tmp_path / "summary.json"
    result = run("batch", str(mixed(tmp_path)), "-o", str(out), "--jobs", "1", "--summary-json", str(summary))
    assert result.exit_code == 3 and len(out.read_text(encoding="utf-8").splitlines()) == len(CASES) + 2
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert report["lines"] == len(CASES) + 2 and report["errors"] >= 2 and report["by_benefit"]["unemployment"] == 5

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    out.unlink()
    monkeypatch.setattr(runner, "csv_row", stop)
    stopped = run("batch", str(mixed(tmp_path)), "-o", str(out), "--format", "csv", "--jobs", "1")
    assert stopped.exit_code != 0 and not out.exists()
    assert not list(tmp_path.glob(".results.jsonl.*"))


@pytest.mark.parametrize("content, message", [
    ("", "no case"),
    ("\n\n", "no case"),
])
def test_an_empty_input_is_invalid(tmp_path, content, message):
    source = tmp_path / "empty.jsonl"
    source.write_text(content, encoding="utf-8")
    result = run("batch", str(source), "--jobs", "1")
    assert result.exit_code == 3 and message in result.stderr


def test_hostile_lines_cost_one_line_each(tmp_path):
    lines = ['{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": '
             '1e999999999}', '{"id": "\\ud800"}', '[' * 100000, "\ufeff", '{"benefit": "unemployment", '
             '"benefit": "injury"}', '{"benefit": "unemployment", "region": "../../etc/passwd", "as_of": "2024-06-01",'
             ' "contribution_months": 80}']
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("batch", str(source), "--jobs", "1")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 3 and len(out) == 6  # a stray BOM inside the file is not blank: an error too
    assert all("error" in o for o in out)


def _case(**changes) -> str:
    base = {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": 80}
    return json.dumps({**base, **changes}, ensure_ascii=False)


#: the issue's list of bad input, one line each: (line, the error code, a word of the message)
BAD_LINES = [
    ("{not json", "invalid_input", "JSON"),
    ("[1, 2]", "invalid_input", "JSON object"),
    ("null", "invalid_input", "JSON object"),
    ('{"benefit": "lottery"}', "invalid_input", "benefit"),
    ('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01"}', "invalid_input", "required"),
    (_case(contribution_months="eighty"), "invalid_input", "whole number"),
    (_case(contribution_months=-1), "invalid_input", "contribution_months"),
    (_case(contribution_months=12.5), "invalid_input", "contribution_months"),
    (_case(contribution_months=int("9" * 400)), "invalid_input", "more than 15 digits"),  # refused as it is read
    (_case()[:-1] + ', "average_monthly_wage": 1e999999}', "invalid_input", "1e999999"),
    (_case(average_monthly_wage="NaN"), "invalid_input", "average_monthly_wage"),
    (_case(average_monthly_wage="Infinity"), "invalid_input", "average_monthly_wage"),
    (_case(average_monthly_wage="-1"), "invalid_input", "average_monthly_wage"),
    (json.dumps({"benefit": "injury", "region": "nanchang", "as_of": "2024-06-01", "outcome": "disability",
                 "disability_grade": 11, "own_monthly_wage": "5000"}), "invalid_input", "disability_grade"),
    (_case(as_of="2024-02-30"), "invalid_input", "as_of"),
    (_case(as_of="1990-01-01"), "no_ruleset_in_force", "nanchang"),
    (_case(region="atlantis"), "unknown_region", "atlantis"),
    (_case(region="../../etc/passwd"), "unknown_region", "region"),
]


def test_each_bad_line_of_the_issues_list_costs_only_itself(tmp_path):
    good = _case(id="good")
    source = tmp_path / "bad.jsonl"
    lines = [good, *(line for line, _, _ in BAD_LINES), good]
    source.write_text("\n".join(lines), encoding="utf-8")  # no final newline
    result = run("batch", str(source), "--jobs", "1")
    assert result.exit_code == 3
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines) and out[0]["id"] == out[-1]["id"] == "good" and "error" not in out[-1]
    for (line, code, word), answer in zip(BAD_LINES, out[1:-1], strict=True):
        assert answer["error"]["code"] == code, (line[:80], answer)
        assert word in answer["error"]["message"]["en"], (line[:80], answer)
        assert answer["line"] == out.index(answer) + 1


def test_a_line_over_the_size_cap_and_a_csv_with_a_missing_or_extra_column(tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("w", encoding="utf-8") as f:  # a 50 MB line between two good ones
        f.write(_case(id="a") + "\n" + '{"id": "' + "x" * 50_000_000 + '"}\n' + _case(id="b") + "\n")
    result = run("batch", str(huge), "--jobs", "1")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b"] and "longer than" in out[1]["error"]["message"]["en"]
    table = tmp_path / "cases.csv"
    table.write_text("benefit,region,as_of,contribution_months\n"
                     "unemployment,nanchang,2024-06-01,80\n"
                     "unemployment,nanchang,2024-06-01\n"
                     "unemployment,nanchang,2024-06-01,80,extra\n", encoding="utf-8")
    result = run("batch", str(table), "--jobs", "1")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 3 and len(out) == 3 and "error" not in out[0]
    assert all(o["error"]["code"] == "invalid_input" for o in out[1:])


def test_a_batch_that_cannot_start_says_so_as_json_too(tmp_path):
    folder = tmp_path / "shards"
    folder.mkdir()
    result = run("batch", str(folder), "-o", str(tmp_path / "out.jsonl"))  # CliRunner's stdout is no terminal
    assert result.exit_code == 3 and "is a folder" in result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_input" and "--engine dask or spark" in error["message"]["en"]


def test_a_json_array_given_to_batch_is_told_to_use_calc(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(CASES[:2], ensure_ascii=False, indent=2), encoding="utf-8")
    result = run("batch", str(path), "--jobs", "1")
    assert result.exit_code == 3
    first = json.loads(result.stdout.splitlines()[0])
    assert first["line"] == 1 and first["error"]["message"]["en"] == (
        "invalid JSON: Expecting value at column 2 (batch reads JSON Lines, one case object a line; for a JSON array "
        "use benefitcalc calc FILE)")
    assert "JSON 数组请用 benefitcalc calc FILE" in first["error"]["message"]["zh"]
