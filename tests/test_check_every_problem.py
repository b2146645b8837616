"""`rulesets check` names every problem of a broken file at once and blames each on its own file."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.rules.tree import RulesetTree


def test_a_file_with_several_problems_reports_each_and_a_city_file_is_blamed_alone(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(RulesetTree().root, root)
    province = root / "jiangxi" / "province.toml"
    text = province.read_text(encoding="utf-8")
    text = re.sub(r'confidence = "derived"', 'confidence = "unsure"', text, count=1)
    text = text.replace('source = "jx-mw-2018"', 'source = "jx-mw-nosuch"', 1)
    province.write_text(text, encoding="utf-8")
    city = root / "guangdong" / "guangzhou.toml"
    city.write_text(city.read_text(encoding="utf-8").replace("[meta]\n", "[meta]\nfoo = 1\n", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["rulesets", "check", str(root), "--json"])
    assert result.exit_code == 4
    data = json.loads(result.stdout.splitlines()[0])
    found = {(p["file"], p["path"].split(".")[-1], p["kind"]) for p in data["problems"]}
    assert ("jiangxi/province.toml", "confidence", "invalid") in found       # the pydantic error
    assert ("jiangxi/province.toml", "source", "invalid") in found           # found in the raw file too
    assert ("jiangxi/province.toml", "version", "version_not_bumped") in found
    assert ("guangdong/guangzhou.toml", "foo", "invalid") in found
    # guangzhou's broken meta is not blamed on guangdong/province.toml (which lacks the city's areas)
    assert not [p for p in data["problems"] if p["file"] == "guangdong/province.toml"]
    assert data["checked"] == str(root)
