"""Shared fixtures: the shipped tree, and small trees written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from benefitcalc.engine import Engine
from benefitcalc.rules.tree import RulesetTree

META = """\
[meta]
region = "{region}"
level = "{level}"
name = {{ zh = "{zh}", en = "{en}" }}
{extends}version = "1"
published = 2025-01-01
verified_through = 2025-12-31
"""

NATIONAL = META.format(region="national", level="national", zh="全国", en="National", extends="") + """
[sources.law]
title = "A national law"
"""

PROVINCE = META.format(region="prov", level="province", zh="某省", en="Province",
                       extends='extends = "national"\n') + """
admin_code = "990000"
"""

CITY = META.format(region="city", level="city", zh="某市", en="City",
                   extends='extends = "prov"\n') + """
aliases = ["某市", "某"]
"""


def write_tree(root: Path, files: dict[str, str]) -> RulesetTree:
    """Write ruleset files (path → TOML text, dedented) and return the tree."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return RulesetTree(root)


@pytest.fixture
def make_tree(tmp_path: Path):
    def make(national: str = "", province: str = "", city: str = "",
             extra: dict[str, str] | None = None) -> RulesetTree:
        files = {"national.toml": NATIONAL + textwrap.dedent(national),
                 "prov/province.toml": PROVINCE + textwrap.dedent(province),
                 "prov/city.toml": CITY + textwrap.dedent(city)}
        files.update(extra or {})
        return write_tree(tmp_path / "rulesets", files)

    return make


@pytest.fixture(scope="session")
def shipped() -> RulesetTree:
    return RulesetTree()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """An engine over the shipped rulesets."""
    return Engine()


@pytest.fixture
def wide(monkeypatch):
    """A wide terminal for rich, so that assertions on drawn text do not depend on wrapping."""
    monkeypatch.setenv("COLUMNS", "200")
