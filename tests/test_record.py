"""The printable case record: --format markdown and --format html for every benefit command
and calc, with the inputs, every step and its source, the ruleset versions and hash."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
NANJING = ["pension-adjustment", "--region", "nanjing", "--as-of", "2024-07-01", "--monthly-pension", "3200",
           "--contribution-years", "32", "--birth-date", "1950-05-01", "--retirement-date", "2010-06-01"]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def as_json(*args: str) -> dict:
    return json.loads(run(*args, "--json").stdout)


def test_the_markdown_record_holds_inputs_result_steps_sources_and_versions():
    result = run(*NANJING, "--format", "markdown", "--lang", "zh")
    assert result.exit_code == 0, result.output
    text = result.stdout
    data = as_json(*NANJING)
    assert text.startswith("# 基本养老金调整 — 计算记录")
    assert "南京市 (nanjing)" in text
    assert "| monthly_pension | 3200 |" in text and "| retirement_date | 2010-06-01 |" in text
    assert "| 月增加额 (increase) | 122.30 |" in text
    for step in data["steps"]:  # under zh, the Chinese formula where there is one
        assert step.get("formula_zh", step["formula"]) in text
    for source in data["sources"].values():
        assert source["title"] in text and source["doc_no"] in text and source["url"] in text
    assert data["resolved_sha256"] in text
    for ruleset in data["rulesets"]:
        assert f"{ruleset['region']} v{ruleset['version']}" in text
    assert "计算时间" in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_record_is_one_self_contained_page_with_a_section_per_case():
    cases = "\n".join((EXAMPLES / name).read_text(encoding="utf-8").strip() for name in (
        "pension-adjustment-nanjing.json", "unemployment-nanchang.json", "injury-xiangyang-gap.json"))
    result = run("calc", "-", "--format", "html", "--lang", "en", stdin=cases)
    assert result.exit_code == 3  # one of the three cases has no ruleset in force
    page = _Collect()
    page.feed(result.stdout)
    assert page.tags.count("html") == 1 and page.tags.count("section") == 3
    assert not {"script", "link", "img", "iframe"} & set(page.tags)
    assert not [a for a in page.attrs if a[0] in ("src", "href")]  # nothing fetched from the network
    text = "".join(page.text)
    assert "size: A4" in result.stdout
    assert "Basic-pension adjustment — Case record" in text and "Unemployment benefit — Case record" in text
    assert "no_ruleset_in_force" in text  # the failed case is in the record too
    assert "Nanjing" in text


def test_an_html_record_escapes_what_it_shows():
    case = json.loads((EXAMPLES / "pension-adjustment-nanjing.json").read_text(encoding="utf-8"))
    case["id"] = "<b>x</b>"
    result = run("calc", "-", "--format", "html", stdin=json.dumps(case))
    assert result.exit_code == 0
    assert "<b>x</b>" not in result.stdout and "&lt;b&gt;x&lt;/b&gt;" in result.stdout


@pytest.mark.parametrize("command", [
    ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01", "--contribution-months", "80"],
    ["injury", "--region", "nanjing", "--as-of", "2023-06-01", "--disability-grade", "7", "--own-monthly-wage", "6800"],
    ["retirement-age", "--birth-date", "1971-07-15", "--sex", "male"],
    NANJING,
])
def test_every_benefit_command_prints_a_record(command):
    result = run(*command, "--format", "markdown", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "— Case record" in result.stdout and "## Steps" in result.stdout and "## Inputs" in result.stdout


def test_json_and_another_format_together_are_a_usage_error():
    result = run(*NANJING, "--json", "--format", "html")
    assert result.exit_code == 2


def test_without_a_format_a_pipe_still_gets_json():
    result = run(*NANJING)  # the test runner's stdout is not a terminal
    assert json.loads(result.stdout)["amounts"]["increase"] == "122.30"


def test_a_result_echoes_the_case_as_validated():
    data = as_json(*NANJING)
    assert data["case"] == {"benefit": "pension_adjustment", "region": "nanjing", "as_of": "2024-07-01",
                            "category": "enterprise", "monthly_pension": "3200", "contribution_years": "32",
                            "birth_date": "1950-05-01", "retirement_date": "2010-06-01", "groups": []}
