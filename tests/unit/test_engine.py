"""The Engine: cached resolution, a streaming order-preserving calculate_lines that turns a
bad line into its error object, rebuilt (not pickled) in a worker process; and
resolved_sha256 as the hash of exactly what a result used (README, "Hashes")."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context

from benefitcalc.engine import Engine
from benefitcalc.models import ErrorResult, Result
from benefitcalc.rules.io import canonical_json, sha256_text
from benefitcalc.rules.schema import data_of

NANCHANG = {"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": 80}
NANJING = {"benefit": "unemployment", "region": "nanjing", "as_of": "2023-09-01", "contribution_months": 130,
           "average_monthly_wage": "3000.01"}


def test_lines_come_back_in_order_one_per_non_blank_line_and_a_bad_line_costs_only_itself(engine):
    lines = [json.dumps({**NANCHANG, "id": "a"}), "", '{"benefit": "unemployment",', "   ",
             json.dumps({**NANCHANG, "id": "c", "region": "atlantis"}), json.dumps({**NANJING, "id": "d"}),
             b"\xff\xfe not utf-8"]
    out = list(engine.calculate_lines(lines))
    assert [type(o).__name__ for o in out] == ["Result", "ErrorResult", "ErrorResult", "Result", "ErrorResult"]
    assert [o.line for o in out if isinstance(o, ErrorResult)] == [3, 5, 7]
    assert [o.id for o in out] == ["a", None, "c", "d", None]
    assert out[2].code == "unknown_region" and out[1].code == out[4].code == "invalid_input"
    # 2000 × 0.90 = 1800.00 (Jiangxi 2024, 一类)
    assert out[0].amounts["monthly_benefit"] == 1800


def test_calculate_lines_streams_a_result_before_reading_the_next_line(engine):
    read = []

    def lines():
        for i in range(3):
            read.append(i)
            yield json.dumps({**NANCHANG, "id": i})

    stream = engine.calculate_lines(lines())
    first = next(stream)
    assert first.id == 0 and read == [0]


def test_resolution_is_cached_per_region_and_date(engine):
    a = engine.resolve("nanchang", NANCHANG_DATE)
    assert engine.resolve("南昌", NANCHANG_DATE) is a
    assert engine.resolve("nanchang", NANCHANG_DATE.replace(day=2)) is not a


NANCHANG_DATE = dt.date(2024, 6, 1)


def _compute(engine: Engine) -> dict:
    return engine.calculate(NANJING).to_json()


def test_an_engine_is_rebuilt_in_a_worker_and_results_pickle(engine):
    clone = pickle.loads(pickle.dumps(engine))
    assert clone is not engine and clone.tree.root == engine.tree.root and not clone._resolved
    result = engine.calculate(NANJING)
    assert pickle.loads(pickle.dumps(result)) == result
    error = next(engine.calculate_lines(["null"]))
    assert pickle.loads(pickle.dumps(error)) == error
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        assert pool.submit(_compute, engine).result() == result.to_json()


def _hash_by_hand(result: Result, engine: Engine) -> str:
    """The README's definition, rebuilt from the steps' blocks without the engine's code."""
    used = {}
    for step in result.steps:
        if step.block is None:
            continue
        f = engine.tree.file(step.block.region)
        sub = step.block.section
        block = next(b for b in f.blocks(sub)
                     if getattr(b, "since", None) == step.block.since and getattr(b, "year", None) == step.block.year)
        used[(sub, f.name)] = {"block": data_of(block), "level": f.meta.level, "region": f.region,
                               "subsection": sub}
    if result.extras:  # the extras block: cited by the extras, not by a step
        found = engine.resolve(result.region, result.as_of).get("unemployment.extras")
        used[("unemployment.extras", found.file.name)] = {"block": data_of(found.block), "level": found.level,
                                                          "region": found.region, "subsection": found.subsection}
    defaults = []
    if any("default of" in s.formula for s in result.steps):
        national = engine.tree.file("national")
        defaults = [{"defaults": data_of(national.defaults), "region": "national"}]
    doc = {"blocks": [used[k] for k in sorted(used)], "defaults": defaults, "region": result.region}
    return sha256_text(canonical_json(doc))


def test_resolved_sha256_is_the_documented_hash_of_the_blocks_and_defaults_used(engine):
    for case in (NANCHANG, NANJING, {**NANCHANG, "as_of": "2019-06-01"}):
        result = engine.calculate(case)
        assert result.resolved_sha256 == _hash_by_hand(result, engine)


def test_an_unrelated_block_leaves_the_hash_alone_and_a_default_rounding_moves_it(tmp_path, shipped):
    root = tmp_path / "rulesets"
    shutil.copytree(shipped.root, root)
    before_nanchang = Engine(root).calculate(NANCHANG)
    before_nanjing = Engine(root).calculate(NANJING)
    # a 低保 block in Jiangxi: a sub-section no Nanchang unemployment method reads
    province = root / "jiangxi/province.toml"
    province.write_text(province.read_text(encoding="utf-8") + """
[[low_income_standard]]
since = 2024-01-01
source = "jx-ui-2024"
monthly = 900
""", encoding="utf-8")
    after = Engine(root).calculate(NANCHANG)
    assert after.resolved_sha256 == before_nanchang.resolved_sha256
    assert after.rulesets != before_nanchang.rulesets  # the file's own hash did change
    # the national default rounding, which both amounts use (their documents are silent): the
    # Nanjing amount sits on its floor either way (3000.01 × 0.50 = 1500.005 < 1.5 × 1050 = 1575),
    # but the result used the default, so its hash moves
    national = root / "national.toml"
    national.write_text(national.read_text(encoding="utf-8").replace(
        'round = { unit = "0.01", mode = "half_up" }', 'round = { unit = "1", mode = "up" }'), encoding="utf-8")
    moved = Engine(root).calculate(NANJING)
    assert before_nanjing.amounts["monthly_benefit"] == Decimal("1575.00")
    assert moved.resolved_sha256 != before_nanjing.resolved_sha256
    assert moved.amounts["monthly_benefit"] == before_nanjing.amounts["monthly_benefit"]
    assert Engine(root).calculate(NANCHANG).resolved_sha256 != before_nanchang.resolved_sha256


def test_a_case_may_be_any_mapping(engine):
    from types import MappingProxyType

    assert engine.calculate(MappingProxyType(NANCHANG)).amounts == engine.calculate(NANCHANG).amounts
