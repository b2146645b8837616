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
