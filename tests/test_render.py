"""The terminal renderings draw every part of what the JSON carries."""

from __future__ import annotations

import datetime as dt

from benefitcalc import render
from benefitcalc.rules.check import check_tree
from benefitcalc.services.coverage import coverage
from benefitcalc.services.rulesets import list_regions, show


def test_show_draws_values_sources_and_uncovered(shipped, capsys, wide):
    render.show(show(shipped, "xiangyang", dt.date(2025, 6, 1)))
    out = capsys.readouterr().out
    assert "minimum_wage" in out and "hubei:hb-mw-2024" in out and "2210" in out
    assert "uncovered" in out and "area.minimum_wage" in out


def test_coverage_draws_each_period_and_the_summary(shipped, capsys, wide):
    render.coverage(coverage(shipped, "xiangyang", end=dt.date(2026, 1, 1)))
    out = capsys.readouterr().out
    assert "missing" in out and "2024-02-01" in out and "confirmed share" in out


def test_check_and_list_draw(shipped, capsys, wide):
    render.check(check_tree(shipped.root))
    render.regions(list_regions(shipped))
    out = capsys.readouterr().out
    assert "10 files valid" in out and "360100" in out and "赣州市赣县区" in out


def test_ruleset_text_that_looks_like_markup_is_drawn_as_text(capsys, wide):
    row = {"region": "x", "level": "city", "name": {"zh": "[/]", "en": "[bold]"}, "admin_code": "",
           "aliases": ["[/x]"], "extends": "p", "version": "1[/]", "verified_through": "2025-12-31"}
    render.regions([row])
    out = capsys.readouterr().out
    assert "[/x]" in out and "1[/]" in out
