"""The command line through Typer's runner, and as a real subprocess of the installed command."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_help_teaches_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for word in ("rulesets", "schema", "--rulesets-dir", "--version"):
        assert word in result.stdout
    sub = run("rulesets", "--help")
    assert sub.exit_code == 0 and all(c in sub.stdout for c in ("list", "show", "check", "coverage"))


def test_version_comes_from_package_metadata():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"benefitcalc {version('benefitcalc')}"


def test_list_names_the_ten_regions():
    data = json.loads(run("rulesets", "list", "--json").stdout)
    slugs = {r["region"]: r for r in data["regions"]}
    assert len(slugs) == 10
    assert slugs["nanchang"]["admin_code"] == "360100" and slugs["nanchang"]["extends"] == "jiangxi"
    assert "南昌" in slugs["nanchang"]["aliases"]


@pytest.mark.parametrize("name", ["南昌", "南昌市", "360100", "nanchang"])
def test_show_finds_a_region_by_alias_code_or_slug(name):
    result = run("rulesets", "show", f"{name}@2021-06-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["region"] == "nanchang" and data["as_of"] == "2021-06-01"
    wage = next(s for s in data["subsections"] if s["subsection"] == "minimum_wage")
    assert wage["level"] == "province" and wage["sources"] == ["jiangxi:jx-mw-2021"]
    one = next(v for v in wage["values"] if v["param"] == "minimum_wage.monthly.一类")
    assert one["value"] == "1850" and one["confidence"] == "confirmed"


def test_show_of_a_district_shows_its_citys_rules_naming_the_district():
    result = run("rulesets", "show", "南昌县", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["region"], data["district"]) == ("nanchang", "南昌县")


def test_show_lists_uncovered_sub_sections_and_still_exits_0():
    result = run("rulesets", "show", "xiangyang", "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0
    # the tiers of the 2024 round, Xiangyang's 低保 (declared unsourced) and Hubei's resident basic pension
    # after 2022-06 are not sourced; an optional rule that does not apply (a temporary multiple) is not listed
    assert [u["subsection"] for u in json.loads(result.stdout)["uncovered"]] == [
        "low_income_standard", "resident_pension.basic", "area.minimum_wage"]


def test_show_warns_beyond_the_verified_horizon():
    data = json.loads(run("rulesets", "show", "guangzhou@2026-12-15", "--json").stdout)
    assert {w["code"] for w in data["warnings"]} == {"beyond_verified_through"}
    assert len(data["warnings"]) == 3  # one per file of the chain


@pytest.mark.parametrize("args,code", [
    (("rulesets", "show", "../etc"), 3),
    (("rulesets", "show", "atlantis"), 3),
    (("rulesets", "show", "nanchang@2024-13-01"), 3),
    (("rulesets", "show", "nanchang@2024-01-01", "--as-of", "2024-01-01"), 2),
    (("rulesets", "frobnicate"), 2),
    (("rulesets", "show", "nanchang", "--bogus"), 2),
    (("--rulesets-dir", "/nonexistent/x", "rulesets", "list"), 4),
])
def test_exit_statuses(args, code):
    result = run(*args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_an_error_is_one_line_on_stderr_and_an_object_on_stdout_for_scripts():
    result = run("rulesets", "show", "atlantis")
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(result.stdout) == {"id": None, "error": {
        "code": "unknown_region", "message": {"zh": json.loads(result.stdout)["error"]["message"]["zh"],
                                             "en": result.stderr.split(": ", 2)[2].strip()},
        "details": {"region": "atlantis"}}}


def test_coverage_json_has_the_documented_shape():
    data = json.loads(run("rulesets", "coverage", "--json").stdout)
    assert {r["region"] for r in data["regions"]} >= {"nanchang", "xiangyang"}
    nanchang = next(r for r in data["regions"] if r["region"] == "nanchang")
    section = next(s for s in nanchang["sections"] if s["section"] == "minimum_wage")
    assert {"section", "covered", "missing"} <= set(section)
    assert set(data["summary"]) >= {"values", "confirmed", "derived", "unconfirmed", "missing_periods", "missing_years"}
    # a yearly sub-section lists the years a date in the window may need and nobody has sourced
    wages = next(s for s in nanchang["sections"] if s["section"] == "average_wage")
    assert wages["years"] == [2022]
    assert wages["missing_years"] == [y for y in range(2017, dt.date.today().year) if y != 2022]
    xiangyang = next(r for r in data["regions"] if r["region"] == "xiangyang")
    wages = next(s for s in xiangyang["sections"] if s["section"] == "average_wage")
    assert wages["years"] == [] and wages["missing_years"][0] == 2017  # read by injury, sourced for no year


def test_check_passes_on_the_shipped_tree():
    result = run("rulesets", "check", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"] is True


def test_the_rulesets_dir_comes_from_the_environment_too(tmp_path):
    result = run("rulesets", "list", env={"BENEFITCALC_RULESETS": str(tmp_path / "none")})
    assert result.exit_code == 4 and "no such rulesets directory" in result.stderr


def test_schema_ruleset_is_a_json_schema():
    data = json.loads(run("schema", "ruleset").stdout)
    assert data["type"] == "object" and "meta" in data["properties"]
    assert "minimum_wage" in data["properties"] and data["additionalProperties"] is False


# --- the installed command ------------------------------------------------------------

BIN = Path(sys.executable).parent / "benefitcalc"


def installed(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BENEFITCALC_RULESETS"}
    return subprocess.run([str(BIN), *args], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=60, **kw)


@pytest.mark.installed
def test_the_installed_command_works_from_any_directory(tmp_path):
    result = installed("rulesets", "show", "南昌@2025-06-01", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["region"] == "nanchang"
    assert installed("rulesets", "check", cwd=tmp_path).returncode == 0


@pytest.mark.installed
def test_python_dash_m_runs_the_same_program(tmp_path):
    result = subprocess.run([sys.executable, "-m", "benefitcalc", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("benefitcalc ")


@pytest.mark.installed
def test_an_error_from_the_installed_command_has_no_traceback(tmp_path):
    result = installed("rulesets", "show", "../../etc/passwd", cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.installed
def test_show_json_does_not_import_rich(tmp_path):
    code = ("import sys\nsys.argv = ['benefitcalc', 'rulesets', 'show', 'nanchang', '--json']\n"
            "from benefitcalc.cli import app\ntry:\n    app()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(m for m in sys.modules if m.split('.')[0] == 'rich'))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert json.loads(result.stdout)["region"] == "nanchang"
    assert result.stderr == ""


def test_traceback_shows_the_error_for_developers():
    from benefitcalc.errors import UnknownRegionError

    result = run("--traceback", "rulesets", "show", "atlantis")
    assert isinstance(result.exception, UnknownRegionError)


def test_an_inverted_coverage_window_is_a_usage_error():
    result = run("rulesets", "coverage", "nanjing", "--from", "2025-01-01", "--to", "2024-01-01")
    assert result.exit_code == 2
