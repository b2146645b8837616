"""The ruleset models never coerce, so the trusted construction of the shipped tree cannot
build anything validation would not (rules/construct.py): every scalar field is strict,
every number passes through the one number converter, and a model validator may only
reject."""

from __future__ import annotations

import datetime as dt
import gc
import types
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, Strict

from benefitcalc.rules import schema
from benefitcalc.rules.sections import AREA, all_groups


def _models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in found:
                return
            found.add(tp)
            for info in tp.model_fields.values():
                visit(info.annotation)
                for meta in info.metadata:
                    visit(meta)
        for arg in get_args(tp):
            visit(arg)

    for group in all_groups():
        for sub in group.subsections.values():
            visit(sub.model)
    for model in (AREA.model, schema.Meta, schema.Source, schema.Defaults):
        visit(model)
    return found


def _scalars(tp: Any, metadata: list[Any]) -> list[tuple[Any, list[Any]]]:
    """The scalar leaves of an annotation, each with the metadata that applies to it."""
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        return _scalars(base, [*metadata, *meta])
    if origin is dict:  # a table's keys are TOML keys, always strings
        return _scalars(get_args(tp)[1], [])
    if origin in (Union, types.UnionType, tuple, list):
        return [leaf for arg in get_args(tp) if arg not in (type(None), Ellipsis) for leaf in _scalars(arg, [])]
    if origin is Literal or (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return []
    return [(tp, metadata)]


def test_every_scalar_field_of_every_ruleset_model_is_strict():
    models = _models()
    assert len(models) > 15
    for model in models:
        for name, info in model.model_fields.items():
            for leaf, meta in _scalars(info.annotation, list(info.metadata)):
                where = f"{model.__name__}.{name}"
                if leaf is Decimal:
                    assert any(isinstance(m, BeforeValidator) for m in meta), f"{where}: a number without a converter"
                elif leaf in (bool, str, int, dt.date):
                    assert any(isinstance(m, Strict) for m in meta), f"{where}: {leaf.__name__} is not strict"
                else:
                    raise AssertionError(f"{where}: an unexpected scalar type {leaf!r}")


def test_model_validators_only_reject():
    for model in _models():
        for decorator in model.__pydantic_decorators__.model_validators.values():
            assert decorator.info.mode == "after", (model.__name__, decorator.cls_var_name)
        assert not model.__pydantic_decorators__.field_validators, model.__name__


def test_long_running_commands_turn_the_collector_back_on(monkeypatch):
    from typer.testing import CliRunner

    from benefitcalc import cli

    calls = []
    monkeypatch.setattr(cli, "long_running", lambda: calls.append(True))
    runner = CliRunner()
    case = '{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", "contribution_months": 80}'
    runner.invoke(cli.app, ["calc", "-"], input=case)
    assert calls == []  # one case: the collector stays paused
    runner.invoke(cli.app, ["calc", "-"], input=case + "\n" + case)
    runner.invoke(cli.app, ["rulesets", "check"])
    runner.invoke(cli.app, ["rulesets", "coverage", "nanchang"])
    assert len(calls) == 3


def test_long_running_freezes_what_start_up_made_and_enables_the_collector():
    from benefitcalc.cli import long_running

    was = gc.isenabled()
    gc.disable()
    try:
        long_running()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
