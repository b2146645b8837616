"""Auditors' commands: diff (and its impact), history, sources, verify, new-block and fmt."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import InvalidInputError
from benefitcalc.rules.tree import RulesetTree
from benefitcalc.services import audit
from benefitcalc.services.rulesets import show

SHIPPED = RulesetTree()


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def sides(a: str, b: str) -> tuple[audit.Side, audit.Side]:
    return audit.side(a, SHIPPED, None, None), audit.side(b, SHIPPED, None, None)


def changes(a: str, b: str) -> dict[str, dict]:
    return {c["param"]: c for c in audit.diff(*sides(a, b))["changes"]}


def test_the_jiangxi_2023_to_2024_diff_shows_the_pension_and_unemployment_changes():
    found = changes("nanchang@2023-07-01", "nanchang@2024-07-01")
    # 关于江西省2023/2024年调整退休人员基本养老金的通知: 33 → 26.5, 1.0 → 0.8 a year, 1.2 % → 0.9 %, bands +2
    assert (found["pension_adjustment.scheme.fixed"]["old"], found["pension_adjustment.scheme.fixed"]["new"]) == \
        ("33", "26.5")
    assert found["pension_adjustment.scheme.fixed"]["pct"] == "-19.70"  # (26.5 − 33) / 33
    assert (found["pension_adjustment.scheme.years[0-]"]["old"], found["pension_adjustment.scheme.years[0-]"]["new"]) \
        == ("1", "0.8")
    assert (found["pension_adjustment.scheme.percent"]["old"], found["pension_adjustment.scheme.percent"]["new"]) == \
        ("0.012", "0.009")
    assert found["pension_adjustment.scheme.age[70-75]"]["change"] == "2"  # 33 → 35
    # flat amounts → 90 % of the minimum wage: one entry naming both methods, no flat amounts listed
    method = found["unemployment.amount.method"]
    assert (method["old"], method["new"]) == ("flat_per_tier", "share_of_minimum_wage")
    assert not [p for p in found if p.startswith("unemployment.amount.monthly")]
    wage = found["minimum_wage.monthly.一类"]
    assert (wage["old"], wage["new"], wage["level"]) == ("1850", "2000", "province")
    assert wage["sources"] == {"a": "jiangxi:jx-mw-2021", "b": "jiangxi:jx-ui-2024"}


def test_a_diff_with_itself_is_empty_and_reversed_it_is_the_inverse():
    assert audit.diff(*sides("nanjing@2023-01-01", "nanjing@2023-01-01"))["changes"] == []
    forward = changes("guangzhou@2021-06-01", "guangzhou@2024-06-01")
    backward = changes("guangzhou@2024-06-01", "guangzhou@2021-06-01")
    assert set(forward) == set(backward)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    for param, c in forward.items():
        back = backward[param]
        assert (back["old"], back["new"], back["kind"]) == (c["new"], c["old"], flip[c["kind"]])
        if c["change"] is not None:
            assert Decimal(back["change"]) == -Decimal(c["change"])


def test_the_diff_command_formats_and_exit_code():
    result = run("rulesets", "diff", "nanchang@2023-07-01", "nanchang@2024-07-01", "--format", "markdown")
    assert result.exit_code == 0 and "| pension_adjustment.scheme.fixed | province | changed | 33 | 26.5 |" in \
        result.stdout
    same = run("rulesets", "diff", "nanchang@2024-07-01", "nanchang@2024-07-01", "--exit-code", "--format", "json")
    assert same.exit_code == 0 and json.loads(same.stdout)["changes"] == []
    differs = run("rulesets", "diff", "nanchang@2023-07-01", "nanchang@2024-07-01", "--exit-code")
    assert differs.exit_code == 5


def test_impact_totals_equal_the_sum_over_cases(tmp_path):
    cases = tmp_path / "cases.jsonl"
    lines = []
    for i in range(200):  # pensions 2000 … 5980 across contribution years 10 … 49, without as_of
        lines.append(json.dumps({"id": f"p{i}", "benefit": "pension_adjustment", "region": "nanchang",
                                 "monthly_pension": str(2000 + 20 * i), "contribution_years": 10 + i % 40,
                                 "birth_date": "1950-03-01", "retirement_date": "2010-03-01"}))
    lines.append(json.dumps({"id": "bad", "benefit": "pension_adjustment", "region": "nanchang",
                             "monthly_pension": "3000", "contribution_years": 20, "birth_date": "1950-03-01",
                             "retirement_date": "2023-05-01"}))  # retired in 2023: in 2024's, not in 2023's
    cases.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "per-case.jsonl"
    result = run("rulesets", "diff", "nanchang@2023-07-01", "nanchang@2024-07-01", "--impact", str(cases),
                 "--impact-out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    impact = json.loads(result.stdout)["impact"]
    per_case = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert impact["cases"] == len(per_case) == 201
    row = next(r for r in impact["by_amount"] if r["amount"] == "increase")
    total = sum(Decimal(c["change"]["increase"]) for c in per_case if "increase" in c["change"])
    assert Decimal(row["total_change"]) == total and row["cases"] == 201
    assert row["gain"] + row["lose"] + row["same"] == 201
    # 2024 gives less than 2023 to every retiree of both years (26.5 + 0.8 a year + 0.9 % against 33 + 1.0 +
    # 1.2 %); the one retired in 2023 gets nothing in 2023 (ineligible, 0) and in 2024
    # 26.5 + 20 × 0.8 + 3000 × 0.9 % + 35 (73 on 2023-12-31) = 26.5 + 16 + 27 + 35 = 104.50
    assert (row["lose"], row["gain"]) == (200, 1)
    assert row["largest"][0] == {"id": "bad", "change": "104.50"} and row["max"] == "104.50"
    assert impact["not_comparable"] == []


def test_impact_in_several_processes_gives_the_same_records():
    cases = [{"id": i, "benefit": "unemployment", "region": "nanchang", "contribution_months": 20 + i}
             for i in range(30)]
    a, b = sides("nanchang@2023-07-01", "nanchang@2024-07-01")
    one = list(audit.impact(a, b, cases, jobs=1))
    two = list(audit.impact(a, b, cases, jobs=2, chunk=7))
    assert one == two and len(one) == 30


def test_history_agrees_with_show_on_each_blocks_first_day():
    data = audit.history(SHIPPED, "nanjing", "minimum_wage.monthly.一类")
    assert [(row["from"], row["value"]) for row in data["timeline"]] == [
        ("2018-08-01", "2020"), ("2019-01-01", "2020"), ("2021-08-01", "2280"), ("2024-01-01", "2490"),
        ("2026-01-01", "2660")]
    for row in data["timeline"]:
        shown = show(SHIPPED, "nanjing", dt.date.fromisoformat(row["from"]))
        wage = next(s for s in shown["subsections"] if s["subsection"] == "minimum_wage")
        value = next(v for v in wage["values"] if v["param"] == "minimum_wage.monthly.一类")
        assert (value["value"], value["confidence"]) == (row["value"], row["confidence"])
    assert data["timeline"][-1]["value"] == "2660"  # 2026-01-01 round


def test_sources_lists_documents_and_the_values_that_cite_one():
    everything = audit.sources(SHIPPED)["sources"]
    assert "jiangxi:jx-pa-2023" in everything and everything["jiangxi:jx-pa-2023"]["values"] > 0
    one = audit.sources(SHIPPED, "nanchang", "jx-pa-2023")["sources"]["jiangxi:jx-pa-2023"]
    params = {v["param"] for v in one["values"]}
    assert "pension_adjustment.scheme.fixed" in params and one["confidence"] == {"confirmed": len(one["values"])}


def copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "rulesets"
    shutil.copytree(SHIPPED.root, root)
    return root


def test_verify_detects_a_changed_parameter_and_a_changed_default_rounding(tmp_path):
    saved = [Engine().calculate(json.loads(p.read_text(encoding="utf-8"))).to_json()
             for p in sorted(Path(__file__).parent.parent.joinpath("examples").glob("pension-adjustment-n*.json"))]
    root = copy_tree(tmp_path)
    assert all(r["match"] for r in audit.verify(saved, RulesetTree(root)))
    province = root / "jiangxi" / "province.toml"
    province.write_text(province.read_text(encoding="utf-8").replace("fixed = 26.5\n", "fixed = 27\n"),
                        encoding="utf-8")
    national = root / "national.toml"
    national.write_text(national.read_text(encoding="utf-8").replace(
        'round = { unit = "0.01", mode = "half_up" }', 'round = { unit = "0.1", mode = "half_up" }'), encoding="utf-8")
    records = {r["id"]: r for r in audit.verify(saved, RulesetTree(root))}
    nanchang = records["nc-pension-1"]  # 2024: fixed 26.5 → 27, and 3100 × 0.9 % = 27.9 rounds the same
    assert nanchang["match"] is False
    assert {"param": "pension_adjustment.scheme.fixed", "saved": "26.5", "now": "27"} in nanchang["changed"]
    nanjing = records["nj-pension-1"]  # Jiangsu rounds its own way; only the default changed: rules differ
    assert nanjing["amounts_match"] is True and nanjing["rules_match"] is True


def test_verify_command_exits_5_when_a_result_differs(tmp_path):
    saved = Engine().calculate(json.loads(Path(__file__).parent.parent.joinpath(
        "examples", "pension-adjustment-nanchang.json").read_text(encoding="utf-8"))).to_json()
    file = tmp_path / "results.jsonl"
    file.write_text(json.dumps(saved, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("verify", str(file), "--json").exit_code == 0
    root = copy_tree(tmp_path)
    national = root / "national.toml"
    national.write_text(national.read_text(encoding="utf-8").replace(
        'round = { unit = "0.01", mode = "half_up" }', 'round = { unit = "1", mode = "half_up" }'), encoding="utf-8")
    result = run("--rulesets-dir", str(root), "verify", str(file), "--json")
    assert result.exit_code == 5
    record = json.loads(result.stdout.splitlines()[0])
    # 3100 × 0.9 % = 27.9 → 28 under the new default: the percent step changed
    assert record["match"] is False and record["amounts"]["now"]["increase"] == "127.70"


def test_new_block_then_fmt_round_trips(tmp_path):
    root = copy_tree(tmp_path)
    tree = RulesetTree(root)
    path = audit.new_block(tree, "hubei", "minimum_wage", dt.date(2027, 1, 1))
    fresh = RulesetTree(root)
    blocks = fresh.file("hubei").blocks("minimum_wage")
    assert [b.since for b in blocks][-2:] == [dt.date(2025, 12, 1), dt.date(2027, 1, 1)]
    assert blocks[-2].until == dt.date(2026, 12, 31) and blocks[-1].monthly == blocks[-2].monthly
    assert audit.fmt([path], check=True) == []  # new-block wrote the canonical form already
    assert audit.fmt([path], check=False) == [] and audit.fmt([path], check=True) == []


def test_fmt_check_names_files_that_would_change_and_fixes_them(tmp_path):
    root = copy_tree(tmp_path)
    target = root / "jiangxi" / "ganzhou-ganxian.toml"
    assert audit.fmt([target], check=True) == [target]  # comments and layout differ from the canonical form
    audit.fmt([target], check=False)
    assert audit.fmt([target], check=True) == []
    assert RulesetTree(root).file("ganzhou-ganxian").blocks("average_wage") == \
        SHIPPED.file("ganzhou-ganxian").blocks("average_wage")  # the same data, only the layout changed


def test_a_git_revision_is_a_side(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(SHIPPED.root, repo / "rulesets")
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    province = repo / "rulesets" / "hubei" / "province.toml"
    province.write_text(province.read_text(encoding="utf-8").replace('"第一档" = 2400', '"第一档" = 2500'),
                        encoding="utf-8")
    result = subprocess.run(
        ["benefitcalc", "rulesets", "diff", "git:HEAD", str(repo / "rulesets"), "--region", "xiangyang",
         "--as-of", "2026-01-01", "--format", "json"], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(c["param"], c["old"], c["new"]) for c in data["changes"]] == [("minimum_wage.monthly.第一档", "2400",
                                                                             "2500")]
    missing = subprocess.run(["benefitcalc", "rulesets", "diff", "git:nosuchrev", "xiangyang@2026-01-01",
                              "--region", "xiangyang", "--as-of", "2026-01-01"], cwd=repo, capture_output=True,
                             text=True)
    assert missing.returncode == 3 and "git:nosuchrev" in missing.stderr


def test_history_of_an_additive_value_shows_each_levels_block_and_refuses_an_unknown_param():
    data = audit.history(SHIPPED, "nanjing", "resident_pension.basic.at_least")
    rows = [(row["from"], row["level"], row["value"]) for row in data["timeline"]]
    # Jiangsu's provincial minimum and Nanjing's own run side by side: both rows on a day both are in force
    assert ("2021-01-01", "province", "173") in rows and ("2021-01-01", "city", "500") in rows
    assert rows[-1] == ("2025-01-01", None, None)  # the province's 2024 block ends with 2024: nothing after
    with pytest.raises(InvalidInputError, match="no block of nanjing"):
        audit.history(SHIPPED, "nanjing", "minimum_wage.monthly.nosuch")
    assert run("rulesets", "history", "nanjing", "minimum_wage.monthly.nosuch").exit_code == 3


def test_new_block_on_an_area_list_and_an_unknown_subsection(tmp_path):
    root = copy_tree(tmp_path)
    audit.new_block(RulesetTree(root), "nanjing", "area.minimum_wage", dt.date(2027, 1, 1))
    areas = RulesetTree(root).file("nanjing").blocks("area.minimum_wage")
    assert [a.since for a in areas][-2:] == [dt.date(2021, 8, 1), dt.date(2027, 1, 1)]
    assert areas[-2].until == dt.date(2026, 12, 31) and areas[-1].districts == areas[-2].districts
    with pytest.raises(InvalidInputError):
        audit.new_block(RulesetTree(root), "nanjing", "no_such_section", dt.date(2027, 1, 1))


def test_verify_explains_lines_that_are_not_results(tmp_path):
    records = list(audit.verify([{"id": "x", "benefit": "unemployment"}, {"error": {"code": "invalid_input"}}],
                                SHIPPED))
    assert [r["match"] for r in records] == [False, False]
    assert all(r["reason"] for r in records)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert run("verify", str(empty)).exit_code == 3


def test_impact_out_without_impact_is_a_usage_error():
    result = run("rulesets", "diff", "nanchang@2023-07-01", "nanchang@2024-07-01", "--impact-out", "x.jsonl")
    assert result.exit_code == 2
