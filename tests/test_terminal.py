"""The caseworker's terminal at 80 columns: nothing cut with "…", Chinese throughout with --lang zh.

Every renderer is driven with the shipped rulesets (each region, each example case, each
auditor's view) on an 80-column console, in both languages; every command's --help too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc import benefits, render
from benefitcalc.cli import app, rulesets_app
from benefitcalc.engine import Engine
from benefitcalc.rules.tree import RulesetTree
from benefitcalc.services import audit
from benefitcalc.services.coverage import coverage
from benefitcalc.services.rulesets import check, list_regions, show

SHIPPED = RulesetTree()
EXAMPLES = sorted(Path(__file__).parent.parent.joinpath("examples").glob("*.json"))
CITIES = ["nanchang", "ganzhou-ganxian", "guangzhou", "nanjing", "xiangyang"]
CUT = "…"


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "50")


def rendered(capsys, draw, data=None) -> str:
    """What ``draw`` prints; no "…" beyond those the data's own texts hold (a ruleset note
    may quote "2021-10 … 2024")."""
    draw()
    out = capsys.readouterr().out
    assert out.strip(), "nothing was rendered"
    assert max(len(line) for line in out.splitlines()) <= 80 * 2  # CJK cells are two columns wide
    if data is not None:
        assert out.count(CUT) <= json.dumps(data, ensure_ascii=False).count(CUT), "a cell was cut"
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("region", CITIES)
def test_show_and_coverage_cut_nothing(capsys, region, lang):
    data = show(SHIPPED, region, dt.date(2024, 6, 1))
    out = rendered(capsys, lambda: render.show(data, lang), data)
    # every source of the rules in force is listed with its URL, whole
    for q, src in data["sources"].items():
        assert q in out.replace("\n", "").replace(" ", "").replace("│", "") or q in out
        if src.get("url"):
            assert src["url"].replace(" ", "") in out.replace("\n", "").replace(" ", "").replace("│", "")
    if lang == "zh":
        assert "施行" in out and "参数" in out and data["name"]["zh"] in out
    cover = coverage(SHIPPED, region)
    out = rendered(capsys, lambda: render.coverage(cover, lang), cover)
    if lang == "zh":
        assert "数值" in out and "状态" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_region_list_and_check_cut_nothing(capsys, lang):
    data = list_regions(SHIPPED)
    out = rendered(capsys, lambda: render.regions(data, lang), data)
    report = check(SHIPPED)
    out = rendered(capsys, lambda: render.check(report, lang, str(SHIPPED.root)), {})
    assert ("个文件有效" if lang == "zh" else "files valid") in out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_result_with_its_steps_cuts_nothing(capsys, example, lang):
    case = json.loads(example.read_text(encoding="utf-8"))
    result = Engine().calculate_text(json.dumps(case))
    if not hasattr(result, "steps"):
        pytest.skip("a gap example: an error object, shown as one line")
    data = result.to_json()
    benefit = benefits.get(data["benefit"])
    labels = {a.name: (a.zh, a.en) for a in benefit.amounts}
    name = SHIPPED.file(data["region"]).meta.name
    out = rendered(capsys, lambda: render.result(data, explain=True, lang=lang, amount_labels=labels,
                                                region_name=(name.zh, name.en)), data)
    head = out.splitlines()[0]
    if lang == "zh":
        assert name.zh in head and data["region"] not in head  # 南昌市, not nanchang
        assert "计算步骤" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_auditors_views_cut_nothing(capsys, lang):
    a = audit.side("nanchang@2023-07-01", SHIPPED, None, None)
    b = audit.side("nanchang@2024-07-01", SHIPPED, None, None)
    diff = audit.diff(a, b)
    rendered(capsys, lambda: render.diff(diff), diff)
    history = audit.history(SHIPPED, "nanjing", "minimum_wage.monthly.一类")
    rendered(capsys, lambda: render.history(history), history)
    cited = audit.sources(SHIPPED, "nanchang")
    rendered(capsys, lambda: render.sources(cited), cited)


def commands() -> list[list[str]]:
    out = [[info.name or ""] for info in app.registered_commands]
    return out + [["rulesets", info.name or ""] for info in rulesets_app.registered_commands] + [[], ["rulesets"]]


@pytest.mark.parametrize("words", commands(), ids=lambda w: " ".join(w) or "top")
def test_every_help_at_80_columns_cuts_no_option_and_lists_exit_statuses(words):
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert CUT not in text and "<bool>" not in text
    assert "..." not in text.replace("]...", "")  # "[ARGS]..." and "[PATH]..." say "one or more"
    assert "Exit statuses" in " ".join(text.split())
    if words and words != ["rulesets"]:
        assert "--lang" in text  # every command takes it


def test_chinese_reaches_usage_errors_groups_gaps_notes_and_text_amounts(capsys):
    import subprocess
    import sys

    usage = subprocess.run([sys.executable, "-m", "benefitcalc", "unemployment", "--lang", "zh", "--regin", "x"],
                           capture_output=True, text=True, timeout=60)  # the usage error comes before --lang
    assert usage.returncode == 2 and "没有这个选项：--regin" in usage.stderr
    assert CliRunner().invoke(app, ["rulesets", "--lang", "zh", "list", "--json"]).exit_code == 0
    uncovered = show(SHIPPED, "nanchang", dt.date(2024, 6, 1))["uncovered"]
    assert all(u["why_zh"] and any("\u4e00" <= ch <= "\u9fff" for ch in u["why_zh"]) for u in uncovered)
    report = check(SHIPPED)
    assert report.notes and all("已知缺口" in n.zh for n in report.notes if "known gap" in n.en)
    data = Engine().calculate({"benefit": "price_subsidy", "region": "nanjing", "as_of": "2023-09-10",
                               "group": "unemployment_benefit", "cpi_rise": "3.2"}).to_json()
    render.result(data, explain=False, lang="zh", amount_labels={
        a.name: (a.zh, a.en) for a in benefits.get("price_subsidy").amounts})
    out = capsys.readouterr().out
    assert "是否启动: 是" in out and "yes" not in out


def test_a_default_district_says_it_was_not_chosen(capsys):
    data = Engine().calculate({"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01",
                               "contribution_months": 80}).to_json()
    assert (data["district"], data["district_source"]) == ("东湖区", "core")
    render.result(data, explain=False, lang="zh")
    assert "东湖区 (未填区县，按核心城区)" in capsys.readouterr().out
